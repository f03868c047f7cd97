//! Building a generation: every passage as a document (text, tags, order, near-duplicate
//! group, signature, marks), written beside the live generation and swapped in once complete.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::directory::MmapDirectory;
use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};
use tantivy::{doc, Index, TantivyDocument};

use super::analyzer::{analyse, analyzer, words};
use super::errors::{explain_write, tantivy_error};
use super::meta::{write_meta, IndexMeta};
use super::schema::{answer_beside, schema, tag_facet, Fields};
use super::store::{
    build_busy, dir_size, next_generation, remove_leftovers, remove_old_generations, set_current,
    share, share_all, sync_dir, write_synced, LOCK_FILE,
};
use super::wordlist::{self, WORDS_FILE};
use super::ANALYZER;
use crate::error::{Error, Result};
use crate::mark::Marker;
use crate::model::{Corpus, Passage};
use crate::similar;

/// Sizes the writer's initial term table; a single-segment writer grows past it as needed
/// rather than flushing, so this is a starting size, not a cap.
const WRITER_MEMORY_BUDGET: usize = 16_000_000;

/// Something that happened during a build, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildEvent {
    /// About to add this many passages.
    Started { passages: usize },
    /// `done` passages added so far.
    Added { done: usize },
    /// All added; writing segments to disk.
    Committing,
    /// The new index is in place.
    Finished,
}

/// What a build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    pub sources: usize,
    pub passages: usize,
    /// Bytes of source text indexed.
    pub bytes: u64,
    pub elapsed: Duration,
    /// Size of the new index on disk.
    pub index_bytes: u64,
    pub segments: usize,
}

/// Builds an index of `corpus` in `index_dir`: into a temporary directory beside the live
/// generation, which is swapped in only once complete. Readers keep the old generation until
/// then; a build killed half-way leaves it untouched. Fails if another build holds the lock.
pub fn build(
    corpus: &Corpus,
    index_dir: &Path,
    progress: &mut dyn FnMut(BuildEvent),
) -> Result<BuildReport> {
    build_until(corpus, index_dir, progress, &|| false)
}

/// [`build`], stopping with [`Error::Interrupted`] as soon as `stop` says so (it is asked after
/// each passage). The temporary directory is removed and the live generation is untouched.
pub fn build_until(
    corpus: &Corpus,
    index_dir: &Path,
    progress: &mut dyn FnMut(BuildEvent),
    stop: &dyn Fn() -> bool,
) -> Result<BuildReport> {
    let started = Instant::now();
    fs::create_dir_all(index_dir).map_err(|e| explain_write(index_dir, Error::io(index_dir, e)))?;
    share(index_dir);
    let lock_path = index_dir.join(LOCK_FILE);
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| explain_write(index_dir, Error::io(&lock_path, e)))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return Err(build_busy(index_dir)),
        Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
    }
    remove_leftovers(index_dir);

    let generation = next_generation(index_dir);
    let tmp = index_dir.join(format!("tmp-{}-{generation}", std::process::id()));
    let result = write_generation(corpus, &tmp, progress, stop).and_then(|segments| {
        share_all(&tmp);
        let gen_name = format!("gen-{generation}");
        let target = index_dir.join(&gen_name);
        fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
        set_current(index_dir, &gen_name)?;
        Ok((segments, target))
    });
    let (segments, target) = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(explain_write(index_dir, e));
        }
    };
    remove_old_generations(index_dir, generation);
    progress(BuildEvent::Finished);
    drop(lock);
    Ok(BuildReport {
        sources: corpus.sources.len(),
        passages: corpus.passages.len(),
        bytes: corpus.bytes,
        elapsed: started.elapsed(),
        index_bytes: dir_size(&target),
        segments,
    })
}

fn write_generation(
    corpus: &Corpus,
    dir: &Path,
    progress: &mut dyn FnMut(BuildEvent),
    stop: &dyn Fn() -> bool,
) -> Result<usize> {
    let stopped = || {
        Error::Interrupted(format!(
            "stopped: the index build was interrupted; the index in {} is as it was",
            dir.parent().unwrap_or(dir).display()
        ))
    };
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (schema, f) = schema();
    let tokenizers = tantivy::tokenizer::TokenizerManager::default();
    // One analyzer for the writer and for what this build works out itself: its copies share
    // the stems they remember, so each word is stemmed once for both.
    let mut analyzer = analyzer();
    tokenizers.register(ANALYZER, analyzer.clone());
    let directory = MmapDirectory::open(dir).map_err(|e| Error::Index(e.to_string()))?;
    // The whole corpus goes into one segment written by this thread: tantivy's threaded
    // writer would start indexing and merge threads and pay their hand-offs, which cost more
    // than indexing a corpus of this size.
    // Nor a thread to compress the stored passages: for this corpus the hand-off costs more
    // than the compression (the settings are the defaults otherwise).
    let settings = tantivy::IndexSettings {
        docstore_compress_dedicated_thread: false,
        ..tantivy::IndexSettings::default()
    };
    let mut writer = Index::builder()
        .schema(schema)
        .settings(settings)
        .tokenizers(tokenizers)
        .single_segment_index_writer(directory, WRITER_MEMORY_BUDGET)
        .map_err(tantivy_error)?;
    progress(BuildEvent::Started {
        passages: corpus.passages.len(),
    });
    let groups = crate::dedup::groups(&corpus.passages);
    let counts = word_counts(corpus);
    let colliding = colliding_words(&counts, &mut analyzer);
    let (signature_counts, forms) = signature_counts(corpus, &mut analyzer, &colliding);
    let mut signatures = signature_counts.into_signatures();
    let mut marker = Marker::with(corpus, analyzer.clone());
    for (order, p) in corpus.passages.iter().enumerate() {
        let prev = order
            .checked_sub(1)
            .map(|i| &corpus.passages[i])
            .filter(|q| Some(q.id.as_str()) == p.prev.as_deref())
            .filter(|_| continues(&p.text, &corpus.continues))
            .filter(|q| {
                corpus.continued_kinds.is_empty() || corpus.continued_kinds.contains(&q.kind)
            });
        let mut d = document(&f, p, prev, order as u64, groups[order] as u64)?;
        let signature = signatures.next().unwrap_or_default();
        d.add_bytes(f.signature, &signature.encode());
        // The words of the passage whose stem another word shares ("experiment" beside
        // "experience"), as written, so a search can tell the one from the other.
        for w in &forms[order] {
            d.add_text(f.forms, w);
        }
        let marks = marker.marks(p);
        for term in &marks.explains {
            d.add_text(f.glossed, term);
        }
        // The kinds of answer the passage gives, and each beside the words it stands next
        // to ("number:donat" for "his fourth donation"), so a question can ask for a number
        // of the thing it names.
        for a in &marks.answers {
            d.add_text(f.answers, &a.name);
            for w in &a.beside {
                for stem in analyse(&mut analyzer, w) {
                    d.add_text(f.answers, answer_beside(&a.name, &stem));
                }
            }
        }
        writer.add_document(d).map_err(tantivy_error)?;
        progress(BuildEvent::Added { done: order + 1 });
        if stop() {
            return Err(stopped());
        }
    }
    progress(BuildEvent::Committing);
    let index = writer.finalize().map_err(tantivy_error)?;
    let segments = index.searchable_segment_ids().map_err(tantivy_error)?.len();
    write_meta(dir, IndexMeta::from_corpus(corpus))?;
    let words_path = dir.join(WORDS_FILE);
    write_synced(&words_path, &wordlist::encode(&counts))?;
    sync_dir(dir);
    Ok(segments)
}

/// The corpus's words (lower case) whose stem another of its words shares without being a
/// form of the same word ([`crate::forms::colliding`]): "experiment" and "experience".
pub(super) fn colliding_words(
    counts: &BTreeMap<String, u32>,
    analyzer: &mut TextAnalyzer,
) -> HashSet<String> {
    let stemmed: Vec<(&str, String)> = counts
        .keys()
        .filter_map(|w| match analyse(analyzer, w).as_slice() {
            [stem] => Some((w.as_str(), stem.clone())),
            _ => None,
        })
        .collect();
    crate::forms::colliding(stemmed.iter().map(|(w, s)| (*w, s.as_str())))
        .into_iter()
        .map(String::from)
        .collect()
}

/// What each passage's [`Signature`] is made from: the stems of its text without stop words
/// or lone letters (the tail of "Ruth's"), which say nothing about what a passage is about;
/// and, from the same pass, each passage's words of `colliding` (lower case, each once).
///
/// The analyzer's filters treat each word alone, so each distinct word as written is analysed
/// once and its stem's id remembered: this pass then costs a split and a lookup per word, not
/// a second run of the whole analyzer over the corpus.
pub(super) fn signature_counts(
    corpus: &Corpus,
    analyzer: &mut TextAnalyzer,
    colliding: &HashSet<String>,
) -> (similar::Counts, Vec<Vec<String>>) {
    let stop: HashSet<String> = crate::lexicon::STOP_WORDS
        .iter()
        .flat_map(|w| analyse(analyzer, w))
        .collect();
    let mut vocab = similar::Vocabulary::default();
    // Word as written → its stem's id, and the word in lower case when it is a colliding one
    // (borrowed from `colliding`, so what is remembered per word is copied, not cloned).
    let mut id_of: HashMap<String, (Option<u32>, Option<&str>)> = HashMap::new();
    let mut words = SimpleTokenizer::default();
    let mut counts = similar::Counts::default();
    let mut forms: Vec<Vec<String>> = Vec::with_capacity(corpus.passages.len());
    for p in &corpus.passages {
        let mut ids = vec![];
        let mut own: Vec<&str> = vec![];
        let mut stream = words.token_stream(&p.text);
        while stream.advance() {
            let word = stream.token().text.as_str();
            let (id, form) = match id_of.get(word) {
                Some(seen) => *seen,
                None => {
                    let id = match analyse(analyzer, word).as_slice() {
                        [stem] if stem.chars().nth(1).is_some() && !stop.contains(stem) => {
                            Some(vocab.id(stem))
                        }
                        _ => None,
                    };
                    let form = colliding.get(&word.to_lowercase()).map(String::as_str);
                    id_of.insert(word.to_string(), (id, form));
                    (id, form)
                }
            };
            ids.extend(id);
            if let Some(form) = form {
                if !own.contains(&form) {
                    own.push(form);
                }
            }
        }
        counts.add(ids);
        forms.push(own.into_iter().map(String::from).collect());
    }
    (counts, forms)
}

/// Lower-case words of the text and headings → passages using them.
pub(super) fn word_counts(corpus: &Corpus) -> BTreeMap<String, u32> {
    let mut counts: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut seen: Vec<std::borrow::Cow<str>> = Vec::new();
    for p in &corpus.passages {
        seen.clear();
        for text in std::iter::once(&p.text).chain(&p.section) {
            seen.extend(words(text).map(|w| {
                if w.chars().any(char::is_uppercase) {
                    std::borrow::Cow::Owned(w.to_lowercase())
                } else {
                    std::borrow::Cow::Borrowed(w)
                }
            }));
        }
        seen.sort_unstable();
        seen.dedup();
        for w in &seen {
            match counts.get_mut(w.as_ref()) {
                Some(n) => *n += 1,
                None => {
                    counts.insert(w.to_string(), 1);
                }
            }
        }
    }
    counts.into_iter().collect()
}

/// The passage as an index document; `prev` is the passage it continues, if it does.
fn document(
    f: &Fields,
    p: &Passage,
    prev: Option<&Passage>,
    order: u64,
    dup: u64,
) -> Result<TantivyDocument> {
    let json = serde_json::to_string(p).map_err(|e| Error::Index(e.to_string()))?;
    let kind = crate::model::Kind::ALL
        .iter()
        .position(|k| *k == p.kind)
        .unwrap_or(0) as u64;
    let mut d = doc!(
        f.id => p.id.clone(),
        f.text => p.text.clone(),
        f.order => order,
        f.passage => json,
        f.kind => kind,
        f.words => words(&p.text).count() as u64,
        f.dup => dup,
    );
    if let Some(prev) = prev {
        d.add_text(f.context, &prev.text);
    }
    for h in &p.section {
        d.add_text(f.section, h);
        d.add_facet(f.tags, tag_facet("heading", h));
    }
    for t in &p.themes {
        d.add_facet(f.tags, tag_facet("theme", t));
    }
    for c in &p.characters {
        d.add_facet(f.tags, tag_facet("character", c));
    }
    d.add_facet(f.tags, tag_facet("kind", p.kind.as_str()));
    d.add_facet(f.tags, tag_facet("source", &p.source));
    if let Some(part) = p.part {
        d.add_facet(f.tags, tag_facet("part", &part.to_string()));
    }
    for page in &p.pages {
        d.add_facet(f.tags, tag_facet("page", &page.to_string()));
    }
    Ok(d)
}
/// Whether a passage opens with one of the words that refer back to the passage before it.
fn continues(text: &str, openers: &[String]) -> bool {
    let first = words(text).next().unwrap_or("");
    openers.iter().any(|o| o == first)
}
