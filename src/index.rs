//! The tantivy index on disk: its schema, building it beside the live one and swapping it in,
//! and telling whether the index a search would open is missing, fresh, stale or damaged.
//!
//! Layout of an index directory:
//!
//! ```text
//! index/current        one line, "gen-<n>": the generation readers open (replaced atomically)
//! index/gen-<n>/       a complete tantivy index plus nlmg-meta.json (the live one, and the one
//!                      it replaced, kept until the next build for searches opening it)
//! index/tmp-<pid>-<n>/ a build in progress (left behind only by a killed build; removed later)
//! index/.build.lock    OS lock held while a build runs, so two builds never race
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::MmapDirectory;
use tantivy::schema::{
    BytesOptions, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, STORED,
};
use tantivy::tokenizer::{
    LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{doc, Index, TantivyDocument};

use crate::error::{Error, Result};
use crate::model::{AnswerMark, Corpus, Marks, Passage};
use crate::similar;

/// Bump whenever the fields, the analyzer or the meaning of a stored value changes: an index
/// with another version is rebuilt rather than misread.
pub const SCHEMA_VERSION: u32 = 7;

/// Name under which the text analyzer is registered (tantivy stores only the name).
pub const ANALYZER: &str = "nlmg_en";

/// File inside a generation directory that describes it.
pub const META_FILE: &str = "nlmg-meta.json";

/// File inside a generation directory listing every word of the corpus (lower case, as written,
/// not stemmed) with the number of passages that use it: what a misspelt query word is matched
/// against.
pub const WORDS_FILE: &str = "nlmg-words.json";

/// File inside a generation directory: the corpus fingerprint and the corpus metadata stamp
/// under which the contents last matched it ([`crate::ingest::stamp`]).
const STAMP_FILE: &str = "nlmg-stamp";

const CURRENT_FILE: &str = "current";
const LOCK_FILE: &str = ".build.lock";

/// The terms of `text` as [`analyzer`] makes them (lower case, stemmed), in order.
pub(crate) fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The English analyzer used for passage text and headings, at index and at query time.
/// Stop words are kept in the index so that phrases like "told and not told" match.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(RememberedStems)
        .build()
}

/// English stemming that remembers each word's stem for the life of the analyzer. Prose reuses
/// a small vocabulary, so after the first few passages almost every word is a lookup instead
/// of a run of the Snowball algorithm (which was a fifth of index build time). The stems are
/// the same as tantivy's `Stemmer`'s: a miss is stemmed by it.
#[derive(Clone, Copy, Debug, Default)]
struct RememberedStems;

/// Words remembered per analyzer: far above the vocabulary of a book's summaries, but a bound
/// on memory for a corpus of random strings.
const STEM_MEMORY: usize = 200_000;

impl TokenFilter for RememberedStems {
    type Tokenizer<T: Tokenizer> = RememberedStemsFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> RememberedStemsFilter<T> {
        RememberedStemsFilter {
            inner,
            stems: Arc::default(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(tantivy::tokenizer::Language::English))
                .build(),
        }
    }
}

/// Copies share what is remembered: tantivy copies the analyzer for every query and every
/// segment writer, and copying the words each time would cost more than stemming them.
#[derive(Clone)]
struct RememberedStemsFilter<T> {
    inner: T,
    /// Word → its stem, or `None` when the stem is the word itself.
    stems: Arc<RwLock<HashMap<String, Option<String>>>>,
    /// Stems one whole word (the raw tokenizer yields the input as one token).
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for RememberedStemsFilter<T> {
    type TokenStream<'a> = RememberedStemsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RememberedStemsStream {
            tail: self.inner.token_stream(text),
            stems: &self.stems,
            stemmer: &mut self.stemmer,
        }
    }
}

struct RememberedStemsStream<'a, S> {
    tail: S,
    stems: &'a RwLock<HashMap<String, Option<String>>>,
    stemmer: &'a mut TextAnalyzer,
}

impl<S: TokenStream> TokenStream for RememberedStemsStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // A poisoned lock only means another thread panicked mid-insert: the map is still valid.
        {
            let stems = self.stems.read().unwrap_or_else(|e| e.into_inner());
            if let Some(stem) = stems.get(token.text.as_str()) {
                if let Some(stem) = stem {
                    token.text.clear();
                    token.text.push_str(stem);
                }
                return true;
            }
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(&token.text);
            if stream.advance() {
                Some(stream.token().text.clone()).filter(|s| *s != token.text)
            } else {
                None
            }
        };
        let mut stems = self.stems.write().unwrap_or_else(|e| e.into_inner());
        if stems.len() < STEM_MEMORY {
            stems.insert(token.text.clone(), stem.clone());
        }
        drop(stems);
        if let Some(stem) = stem {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Registers the custom analyzer; needed after every create and open.
/// Sizes the writer's initial term table; a single-segment writer grows past it as needed
/// rather than flushing, so this is a starting size, not a cap.
const WRITER_MEMORY_BUDGET: usize = 16_000_000;

pub(crate) fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

/// Handles to the schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Passage id, raw, for looking up neighbours.
    pub id: Field,
    /// Passage text, stemmed, with positions.
    pub text: Field,
    /// Every heading of the section path, stemmed, with positions: a hit in a heading counts.
    pub section: Field,
    /// Tags as facets: `/theme/memory`, `/character/ruth`, `/kind/plot`, `/source/…`,
    /// `/part/2`, `/page/58`, `/heading/<heading>`. Lower case. Used to filter and to count.
    pub tags: Field,
    /// Global reading order (source order, then position), for listing.
    pub order: Field,
    /// The whole [`Passage`] as JSON, for display.
    pub passage: Field,
    /// Fast: position of the passage's kind in [`Kind::ALL`], for ranking by kind.
    pub kind: Field,
    /// Fast: words in the passage text, for ranking by length.
    pub words: Field,
    /// Fast: reading order of the first passage of its near-duplicate group ([`crate::dedup`]).
    pub dup: Field,
    /// Fast bytes: the passage's most distinctive stems ([`crate::similar::Signature`]), so a
    /// search can tell which hits are like its best one.
    pub signature: Field,
    /// The previous passage's text, for a passage that continues it ("This metaphor …").
    pub context: Field,
    /// The novel's terms (lower case) the passage explains: a form of the term within
    /// [`GLOSS_WINDOW`] words of one of its everyday phrases ("a carer who looks after …").
    pub glossed: Field,
    /// The kinds of answer the passage offers (lexicon `[[answer_type]]` names: "number"), and
    /// each with the stem of every word beside it ([`answer_beside`]: "number:donat").
    pub answers: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let id = b.add_text_field("id", tantivy::schema::STRING);
    let text = b.add_text_field("text", stemmed.clone());
    let section = b.add_text_field("section", stemmed.clone());
    let context = b.add_text_field("context", stemmed);
    let tags = b.add_facet_field("tags", FacetOptions::default());
    let order = b.add_u64_field("order", NumericOptions::default().set_fast());
    let passage = b.add_text_field("passage", STORED);
    let kind = b.add_u64_field("kind", NumericOptions::default().set_fast());
    let words = b.add_u64_field("words", NumericOptions::default().set_fast());
    let dup = b.add_u64_field("dup", NumericOptions::default().set_fast());
    let signature = b.add_bytes_field("signature", BytesOptions::default().set_fast());
    let glossed = b.add_text_field("glossed", tantivy::schema::STRING);
    let answers = b.add_text_field("answers", tantivy::schema::STRING);
    (
        b.build(),
        Fields {
            id,
            text,
            section,
            tags,
            order,
            passage,
            kind,
            words,
            dup,
            signature,
            context,
            glossed,
            answers,
        },
    )
}

pub(crate) fn fields(schema: &Schema) -> Result<Fields> {
    let f = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| Error::Index(format!("index has no field {name:?}; rebuild it")))
    };
    Ok(Fields {
        id: f("id")?,
        text: f("text")?,
        section: f("section")?,
        tags: f("tags")?,
        order: f("order")?,
        passage: f("passage")?,
        kind: f("kind")?,
        words: f("words")?,
        dup: f("dup")?,
        signature: f("signature")?,
        context: f("context")?,
        glossed: f("glossed")?,
        answers: f("answers")?,
    })
}

/// The tag facet for one value: lower case, so filters ignore case.
pub(crate) fn tag_facet(field: &str, value: &str) -> Facet {
    Facet::from_path([field.to_string(), value.to_lowercase()])
}

/// What an index generation records about itself (`nlmg-meta.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexMeta {
    pub schema_version: u32,
    /// Fingerprint of the corpus and lexicon the index was built from.
    pub fingerprint: String,
    pub sources: Vec<SourceInfo>,
    pub passages: usize,
    /// Bytes of source text indexed.
    pub bytes: u64,
    /// Per tag field (`theme`, `character`, `kind`, `source`, `part`, `section`, `page`): each
    /// value as displayed, with its passage count. `section` values are whole paths joined by
    /// " › "; `heading` holds each single heading.
    pub values: BTreeMap<String, BTreeMap<String, u64>>,
    /// Section paths in reading order of first appearance, joined by " › ".
    pub sections: Vec<String>,
}

/// A source as the index remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub id: String,
    pub title: String,
}

/// Separator used when a section path is shown on one line.
pub const SECTION_SEP: &str = " › ";

impl IndexMeta {
    fn from_corpus(corpus: &Corpus) -> IndexMeta {
        let mut values: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        let mut sections = Vec::new();
        let mut add = |field: &str, v: String| {
            *values
                .entry(field.to_string())
                .or_default()
                .entry(v)
                .or_default() += 1;
        };
        for p in &corpus.passages {
            for t in &p.themes {
                add("theme", t.clone());
            }
            for c in &p.characters {
                add("character", c.clone());
            }
            add("kind", p.kind.as_str().to_string());
            add("source", p.source.clone());
            if let Some(part) = p.part {
                add("part", part.to_string());
            }
            for page in &p.pages {
                add("page", page.to_string());
            }
            let mut seen = std::collections::BTreeSet::new();
            for h in &p.section {
                if seen.insert(h.to_lowercase()) {
                    add("heading", h.clone());
                }
            }
            if !p.section.is_empty() {
                let path = p.section.join(SECTION_SEP);
                if !sections.contains(&path) {
                    sections.push(path.clone());
                }
                add("section", path);
            }
        }
        IndexMeta {
            schema_version: SCHEMA_VERSION,
            fingerprint: corpus.fingerprint.clone(),
            sources: corpus
                .sources
                .iter()
                .map(|s| SourceInfo {
                    id: s.id.clone(),
                    title: s.title.clone(),
                })
                .collect(),
            passages: corpus.passages.len(),
            bytes: corpus.bytes,
            values,
            sections,
        }
    }

    /// Values of one tag field with counts (empty when no passage carries it).
    pub fn values(&self, field: &str) -> BTreeMap<String, u64> {
        self.values.get(field).cloned().unwrap_or_default()
    }
}

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

/// The state of the index a search would open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexStatus {
    /// No index has been built here.
    Missing,
    /// Built from the corpus as it is now.
    Fresh,
    /// Built from an older version of the corpus or lexicon.
    Stale,
    /// Built by a version of the program with another schema.
    OldSchema,
    /// Present but unreadable; the reason in words.
    Damaged(String),
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

/// The refusal a build meets while another holds the lock.
pub fn build_busy(index_dir: &Path) -> Error {
    Error::Index(format!(
        "another build of the index in {} is running; try again when it has finished",
        index_dir.display()
    ))
}

/// True while another process holds the build lock of `index_dir`.
pub fn build_running(index_dir: &Path) -> bool {
    let Ok(lock) = File::options().write(true).open(index_dir.join(LOCK_FILE)) else {
        return false;
    };
    match lock.try_lock() {
        Ok(()) => false,
        Err(fs::TryLockError::WouldBlock) => true,
        Err(fs::TryLockError::Error(_)) => false,
    }
}

/// Blocks until no build of `index_dir` is running.
pub fn wait_for_build(index_dir: &Path) {
    if let Ok(lock) = File::options().write(true).open(index_dir.join(LOCK_FILE)) {
        let _ = lock.lock();
    }
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
    let mut signatures = signature_counts(corpus, &mut analyzer).into_signatures();
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
    let meta = IndexMeta::from_corpus(corpus);
    let meta_path = dir.join(META_FILE);
    let json = serde_json::to_vec_pretty(&meta).map_err(|e| Error::Index(e.to_string()))?;
    write_synced(&meta_path, &json)?;
    let words_path = dir.join(WORDS_FILE);
    let json = serde_json::to_vec(&word_counts(corpus)).map_err(|e| Error::Index(e.to_string()))?;
    write_synced(&words_path, &json)?;
    sync_dir(dir);
    Ok(segments)
}

/// What each passage's [`Signature`] is made from: the stems of its text without stop words
/// or lone letters (the tail of "Ruth's"), which say nothing about what a passage is about.
///
/// The analyzer's filters treat each word alone, so each distinct word as written is analysed
/// once and its stem's id remembered: this pass then costs a split and a lookup per word, not
/// a second run of the whole analyzer over the corpus.
fn signature_counts(corpus: &Corpus, analyzer: &mut TextAnalyzer) -> similar::Counts {
    let stop: std::collections::HashSet<String> = crate::lexicon::STOP_WORDS
        .iter()
        .flat_map(|w| analyse(analyzer, w))
        .collect();
    let mut vocab = similar::Vocabulary::default();
    let mut id_of: HashMap<String, Option<u32>> = HashMap::new();
    let mut words = SimpleTokenizer::default();
    let mut counts = similar::Counts::default();
    for p in &corpus.passages {
        let mut ids = vec![];
        let mut stream = words.token_stream(&p.text);
        while stream.advance() {
            let word = stream.token().text.as_str();
            let id = match id_of.get(word) {
                Some(id) => *id,
                None => {
                    let id = match analyse(analyzer, word).as_slice() {
                        [stem] if stem.chars().nth(1).is_some() && !stop.contains(stem) => {
                            Some(vocab.id(stem))
                        }
                        _ => None,
                    };
                    id_of.insert(word.to_string(), id);
                    id
                }
            };
            ids.extend(id);
        }
        counts.add(ids);
    }
    counts
}

/// Lower-case words of the text and headings → passages using them.
fn word_counts(corpus: &Corpus) -> BTreeMap<String, u32> {
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

/// The words of a text as the tokenizer sees them (runs of letters and digits).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Reads the word list of the live generation ([`WORDS_FILE`]); empty when absent.
pub fn read_words(index_dir: &Path) -> Result<BTreeMap<String, u32>> {
    let Some(dir) = current_dir(index_dir) else {
        return Ok(BTreeMap::new());
    };
    let path = dir.join(WORDS_FILE);
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Error::Index(format!(
                "{} is unreadable ({e}); run `nlmg-search index --force`",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// The `answers` token for an answer of kind `name` standing beside a word of stem `stem`.
pub(crate) fn answer_beside(name: &str, stem: &str) -> String {
    format!("{name}:{stem}")
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

/// How near (in words) a form of a term and one of its everyday phrases must be for the passage
/// to count as explaining the term: about a clause ("deferrals - a supposed opportunity for
/// couples truly in love to postpone their fate" is 10 words from term to gloss).
pub const GLOSS_WINDOW: usize = 10;

/// Works out each passage's [`Marks`] from the corpus's glossary and answer types: the same
/// code for the index (which searches them) and for `nlmg-search passages` (which shows them).
pub struct Marker<'a> {
    glosses: Glosses,
    answer_types: &'a [crate::model::AnswerType],
    analyzer: TextAnalyzer,
}

impl<'a> Marker<'a> {
    pub fn new(corpus: &'a Corpus) -> Marker<'a> {
        Marker::with(corpus, analyzer())
    }

    /// With a copy of another [`analyzer`], so that both stem each word once between them.
    fn with(corpus: &'a Corpus, mut analyzer: TextAnalyzer) -> Marker<'a> {
        let glosses = Glosses::new(&corpus.glosses, &corpus.families, &mut analyzer);
        Marker {
            glosses,
            answer_types: &corpus.answer_types,
            analyzer,
        }
    }

    pub fn marks(&mut self, p: &Passage) -> Marks {
        Marks {
            explains: self
                .glosses
                .explained_in(&p.text, &mut self.analyzer)
                .into_iter()
                .map(String::from)
                .collect(),
            answers: crate::tag::answer_spots(&p.text, self.answer_types)
                .into_iter()
                .map(|spot| AnswerMark {
                    name: spot.name.to_string(),
                    beside: spot.beside,
                })
                .collect(),
        }
    }
}

/// A term's stems and its word family's: "donation" is also "donor" and "donate". A family is
/// the term's when one of its words has a stem of the term, so the two may list different
/// inflections ("possibles" beside "possible"). The index (which passages explain a term) and
/// the search (what a term asked about is searched as) both read a term this way.
pub fn term_stems(
    term: &str,
    families: &[Vec<(String, String)>],
    analyzer: &mut TextAnalyzer,
) -> Vec<String> {
    let mut stems = analyse(analyzer, term);
    let own = stems.clone();
    for members in families {
        if members.iter().any(|(_, m)| own.contains(m)) {
            for (_, m) in members {
                if !stems.contains(m) {
                    stems.push(m.clone());
                }
            }
        }
    }
    stems
}

/// Each word family (lexicon `[[family]]`) as its words, lower-cased, with their stems; a
/// word the analyzer splits in two is left out.
pub fn family_stems(
    families: &[Vec<String>],
    analyzer: &mut TextAnalyzer,
) -> Vec<Vec<(String, String)>> {
    families
        .iter()
        .map(|family| {
            family
                .iter()
                .filter_map(|w| match analyse(analyzer, w).as_slice() {
                    [one] => Some((w.to_lowercase(), one.clone())),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The glossary analysed once per build: per term, the stems of its forms and of each
/// everyday phrase.
struct Glosses {
    terms: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
}

impl Glosses {
    fn new(
        glosses: &[crate::model::Gloss],
        families: &[Vec<String>],
        analyzer: &mut TextAnalyzer,
    ) -> Glosses {
        let families = family_stems(families, analyzer);
        let terms = glosses
            .iter()
            .map(|g| {
                let mut forms = term_stems(&g.term, &families, analyzer);
                forms.sort();
                forms.dedup();
                let phrases = g
                    .everyday
                    .iter()
                    .map(|e| analyse(analyzer, e))
                    .filter(|p| !p.is_empty() && !p.iter().all(|s| forms.contains(s)))
                    .collect();
                (g.term.to_lowercase(), forms, phrases)
            })
            .collect();
        Glosses { terms }
    }

    /// The terms `text` explains: a form of the term within [`GLOSS_WINDOW`] words, either
    /// side, of one of its everyday phrases (its words in order, next to one another), and
    /// not inside it.
    fn explained_in(&self, text: &str, analyzer: &mut TextAnalyzer) -> Vec<&str> {
        let mut tokens: Vec<(usize, String)> = vec![];
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            tokens.push((t.position, t.text.clone()));
        }
        let mut out = vec![];
        for (term, forms, phrases) in &self.terms {
            let at: Vec<usize> = tokens
                .iter()
                .filter(|(_, s)| forms.contains(s))
                .map(|(p, _)| *p)
                .collect();
            if at.is_empty() {
                continue;
            }
            // A form inside the phrase itself ("care" in "takes care of", for carer) is the
            // phrase, not the term; the distance is to the nearer end of the phrase.
            let near = phrases.iter().any(|phrase| {
                tokens.windows(phrase.len()).any(|w| {
                    let (first, last) = (w[0].0, w[w.len() - 1].0);
                    w.iter().zip(phrase).all(|((_, s), p)| s == p)
                        && at.iter().any(|&a| {
                            (a < first && first - a <= GLOSS_WINDOW)
                                || (a > last && a - last <= GLOSS_WINDOW)
                        })
                })
            });
            if near {
                out.push(term.as_str());
            }
        }
        out
    }
}

/// Whether a passage opens with one of the words that refer back to the passage before it.
fn continues(text: &str, openers: &[String]) -> bool {
    let first = words(text).next().unwrap_or("");
    openers.iter().any(|o| o == first)
}

pub(crate) fn tantivy_error(e: tantivy::TantivyError) -> Error {
    Error::Index(format!("index error: {e}"))
}

/// Longest reason quoted from tantivy in a message: its corruption reports can embed whole files.
const MAX_REASON: usize = 160;

/// Words for a tantivy error met while opening the generation in `dir` for reading: damage (a
/// rebuild repairs it) or a directory we may not write (a rebuild cannot).
pub(crate) fn open_error(dir: &Path, e: tantivy::TantivyError) -> Error {
    use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError};
    use tantivy::TantivyError as T;
    let reason = match &e {
        T::LockFailure(LockError::IoError(io), _) => return not_writable(dir, io),
        T::OpenReadError(OpenReadError::FileDoesNotExist(p)) => {
            format!("the file {} is missing", p.display())
        }
        T::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            format!("cannot read {}: {io_error}", filepath.display())
        }
        T::OpenReadError(OpenReadError::IncompatibleIndex(_)) | T::IncompatibleIndex(_) => {
            "it was written by an incompatible version of the index library".into()
        }
        T::OpenDirectoryError(OpenDirectoryError::DoesNotExist(_)) => {
            "its directory has disappeared".into()
        }
        T::SchemaError(_) | T::FieldNotFound(_) => {
            "its schema does not match this version of nlmg-search".into()
        }
        // "Data corruption (in file `x`): what. Content: <the whole file>" — keep the first part.
        T::DataCorruption(c) => format!("{c:?}"),
        other => other.to_string(),
    };
    Error::damaged(dir, shorten(&reason))
}

fn shorten(reason: &str) -> String {
    let reason = reason.split(" Content:").next().unwrap_or(reason);
    let reason = reason.trim().trim_end_matches('.');
    if reason.len() <= MAX_REASON {
        return reason.to_string();
    }
    let mut end = MAX_REASON;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &reason[..end])
}

/// The directory `dir` cannot be written, which opening or building an index needs.
pub(crate) fn not_writable(dir: &Path, e: &std::io::Error) -> Error {
    Error::Index(format!(
        "cannot use the index in {}: the directory is not writable ({e}); opening or building an \
         index creates lock files there. Make it writable (`chmod -R u+w {}`) or point --index at \
         a writable directory",
        dir.display(),
        dir.display()
    ))
}

/// A build that failed for want of permission to write says so, instead of "cannot read".
fn explain_write(index_dir: &Path, e: Error) -> Error {
    match &e {
        Error::Io { source, .. }
            if source.kind() == std::io::ErrorKind::PermissionDenied
                || source.kind() == std::io::ErrorKind::ReadOnlyFilesystem
                // EPERM: what an immutable directory answers, even to root.
                || source.raw_os_error() == Some(1) =>
        {
            not_writable(index_dir, source)
        }
        _ => e,
    }
}

/// Checks every file of the generation against the checksum tantivy wrote in its footer, so a
/// flipped byte is reported as damage instead of being read as data (or panicking a decoder).
/// Costs one sequential read of the index: about a millisecond per few MB.
pub(crate) fn verify_checksums(index: &Index, dir: &Path) -> Result<()> {
    let damaged = index.validate_checksum().map_err(|e| open_error(dir, e))?;
    if let Some(first) = damaged.iter().min() {
        let more = match damaged.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Err(Error::damaged(
            dir,
            format!("the file {} fails its checksum{more}", first.display()),
        ));
    }
    Ok(())
}

/// The directory of the live generation, if `current` names one.
pub fn current_dir(index_dir: &Path) -> Option<PathBuf> {
    let name = fs::read_to_string(index_dir.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    if name.is_empty() || name.contains('/') || name.contains("..") {
        return None;
    }
    Some(index_dir.join(name))
}

/// Reads the live generation's meta file.
pub fn read_meta(index_dir: &Path) -> Result<IndexMeta> {
    let dir = current_dir(index_dir).ok_or_else(|| {
        Error::Index(format!(
            "no index in {} (run `nlmg-search index`)",
            index_dir.display()
        ))
    })?;
    let path = dir.join(META_FILE);
    let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Index(format!("{} is damaged: {e}", path.display())))
}

/// Is the index in `index_dir` usable for the corpus in `corpus_dir` as it is now?
pub fn status(index_dir: &Path, corpus_dir: &Path) -> IndexStatus {
    let Some(dir) = current_dir(index_dir) else {
        return IndexStatus::Missing;
    };
    if !dir.is_dir() {
        return IndexStatus::Damaged(format!(
            "{} names {}, which does not exist",
            index_dir.join(CURRENT_FILE).display(),
            dir.display()
        ));
    }
    #[derive(Deserialize)]
    struct Version {
        schema_version: u32,
    }
    let path = dir.join(META_FILE);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) => return IndexStatus::Damaged(format!("cannot read {}: {e}", path.display())),
    };
    match serde_json::from_slice::<Version>(&bytes) {
        Ok(v) if v.schema_version != SCHEMA_VERSION => return IndexStatus::OldSchema,
        Ok(_) => {}
        Err(e) => return IndexStatus::Damaged(format!("{} is damaged: {e}", path.display())),
    }
    let meta: IndexMeta = match serde_json::from_slice(&bytes) {
        Ok(m) => m,
        Err(_) => return IndexStatus::OldSchema,
    };
    if !dir.join("meta.json").is_file() {
        return IndexStatus::Damaged(format!("{} has no tantivy meta.json", dir.display()));
    }
    freshness(&dir, corpus_dir, &meta.fingerprint, crate::ingest::SETTLE)
}

/// Fresh or stale, hashing the corpus contents only when its files' metadata changed since the
/// contents were last found to match: at 300 copies that hash reads 26 MB, several times the
/// cost of the query itself. The stamp is taken before the contents are read, so an edit made
/// while they are read leaves a stamp that no longer matches.
fn freshness(dir: &Path, corpus_dir: &Path, fingerprint: &str, settle: Duration) -> IndexStatus {
    let stamp = crate::ingest::stamp(corpus_dir, settle)
        .ok()
        .filter(|s| s.settled)
        .map(|s| format!("{fingerprint} {}", s.key));
    let stamp_path = dir.join(STAMP_FILE);
    if let Some(stamp) = &stamp {
        if fs::read_to_string(&stamp_path).is_ok_and(|stored| stored == *stamp) {
            return IndexStatus::Fresh;
        }
    }
    match crate::ingest::fingerprint(corpus_dir) {
        Ok(fp) if fp == fingerprint => {
            if let Some(stamp) = stamp {
                // Best effort: a read-only index only means hashing again next time.
                let tmp = dir.join(format!("{STAMP_FILE}.tmp-{}", std::process::id()));
                if fs::write(&tmp, stamp).is_err() || fs::rename(&tmp, &stamp_path).is_err() {
                    let _ = fs::remove_file(&tmp);
                }
            }
            IndexStatus::Fresh
        }
        Ok(_) => IndexStatus::Stale,
        // A corpus we cannot read now is reported by the ingest that a rebuild runs.
        Err(_) => IndexStatus::Stale,
    }
}

fn next_generation(index_dir: &Path) -> u64 {
    let mut max = 0;
    if let Ok(entries) = fs::read_dir(index_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let n = name
                .strip_prefix("gen-")
                .and_then(|n| n.parse::<u64>().ok())
                .or_else(|| {
                    name.strip_prefix("tmp-")
                        .and_then(|r| r.rsplit('-').next())
                        .and_then(|n| n.parse().ok())
                });
            if let Some(n) = n {
                max = max.max(n);
            }
        }
    }
    max + 1
}

/// Points `current` at `gen_name`: temp file, fsync, rename, fsync the directory.
fn set_current(index_dir: &Path, gen_name: &str) -> Result<()> {
    let tmp = index_dir.join(format!(".current.tmp-{}", std::process::id()));
    write_synced(&tmp, format!("{gen_name}\n").as_bytes())?;
    share(&tmp);
    let current = index_dir.join(CURRENT_FILE);
    fs::rename(&tmp, &current).map_err(|e| Error::io(&current, e))?;
    sync_dir(index_dir);
    Ok(())
}

/// Makes a file readable by everyone (0644) or a directory listable by everyone (0755), so an
/// index built by one user (a teacher) serves others (a class). tantivy writes some files through
/// temporary files created 0600. Best effort: an index we cannot share still works for us.
fn share(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(md) = fs::metadata(path) {
            let mode = if md.is_dir() { 0o755 } else { 0o644 };
            let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// [`share`] for a generation directory and everything in it (tantivy writes it flat).
fn share_all(dir: &Path) {
    share(dir);
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            share(&e.path());
        }
    }
}

/// A generation opened for reading only. Generations are complete and never written once
/// swapped in, so the lock tantivy's reader takes against a concurrent writer's garbage
/// collection (creating `.tantivy-meta.lock`) protects nothing here, and taking it would fail
/// in a directory the user cannot write: another user's index, a read-only mount.
#[derive(Debug, Clone)]
struct ReadOnlyGeneration(MmapDirectory);

impl tantivy::Directory for ReadOnlyGeneration {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<Arc<dyn tantivy::directory::FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(
        &self,
        path: &Path,
    ) -> std::result::Result<tantivy::directory::WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(
        &self,
        _lock: &tantivy::directory::Lock,
    ) -> std::result::Result<tantivy::directory::DirectoryLock, LockError> {
        Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
    }
    fn watch(
        &self,
        callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.0.watch(callback)
    }
}

/// Opens the complete generation in `dir` for searching, without writing to it (see
/// [`ReadOnlyGeneration`]).
pub(crate) fn open_generation(dir: &Path) -> tantivy::Result<Index> {
    Index::open(ReadOnlyGeneration(MmapDirectory::open(dir)?))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

fn sync_dir(dir: &Path) {
    // Best effort: not every filesystem lets a directory be synced.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Temporary directories of builds that were killed (we hold the lock, so none is live).
fn remove_leftovers(index_dir: &Path) {
    if let Ok(entries) = fs::read_dir(index_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("tmp-") {
                let _ = fs::remove_dir_all(e.path());
            } else if name.starts_with(".current.tmp-") {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Generations older than the one just replaced, best effort. The one just replaced stays
/// until the next build: a search that read the pointer just before the swap may still be
/// opening its files (one that has them open keeps them on Linux anyway).
fn remove_old_generations(index_dir: &Path, live: u64) {
    if let Ok(entries) = fs::read_dir(index_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(n) = name
                .strip_prefix("gen-")
                .and_then(|n| n.parse::<u64>().ok())
            {
                if n + 1 < live {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
    }
}

fn dir_size(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn passage(source: &str, seq: u32, text: &str) -> Passage {
        Passage {
            section: vec!["Themes".into(), "Memory".into()],
            part: Some(2),
            characters: vec!["Ruth".into()],
            themes: vec!["memory".into()],
            pages: vec![58],
            ..Passage::sample(source, seq, Kind::Analysis, text)
        }
    }

    fn corpus(fingerprint: &str) -> Corpus {
        Corpus {
            sources: vec![],
            passages: vec![
                passage("a", 0, "Ruth hopes to find her possible."),
                passage("a", 1, "Rumours of deferrals."),
            ],
            warnings: vec![],
            fingerprint: fingerprint.into(),
            bytes: 60,
            continues: vec![],
            continued_kinds: vec![],
            glosses: vec![],
            families: vec![],
            answer_types: vec![],
        }
    }

    #[test]
    fn a_passage_explains_a_term_when_a_form_of_it_is_near_its_everyday_words() {
        let gloss = |term: &str, everyday: &[&str]| crate::model::Gloss {
            term: term.into(),
            everyday: everyday.iter().map(|s| s.to_string()).collect(),
        };
        let family = |words: &[&str]| words.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut a = analyzer();
        let glosses = Glosses::new(
            &[
                gloss("Carer", &["looks after", "takes care of"]),
                gloss("deferral", &["postpone", "extra time"]),
            ],
            // The family lists the term in another inflection ("deferrals"): still its family.
            &[family(&["carer", "care"]), family(&["deferrals", "defer"])],
            &mut a,
        );
        for (text, want) in [
            ("Kathy is a carer who looks after donors.", vec!["carer"]),
            ("She takes care of donors as their carer.", vec!["carer"]),
            // Another form of the term (its word family) counts; so does a plural.
            (
                "Couples hope to defer, to postpone their fate.",
                vec!["deferral"],
            ),
            (
                "The deferrals would give them extra time.",
                vec!["deferral"],
            ),
            // The phrase's words must be together and in order.
            ("The deferral gave them time, but not extra.", vec![]),
            // Too far apart: eleven words between.
            (
                "Kathy is a carer. Years pass, the Cottages empty, the friends drift apart \
                 and Ruth looks after herself.",
                vec![],
            ),
            ("She looks after Tommy.", vec![]),
            // A form of the term inside the phrase is the phrase: "care" in "takes care of".
            ("She takes care of Tommy.", vec![]),
            // Ten words from the term to the nearer end of the phrase, either side, no more.
            (
                "Kathy is a carer and one two three four five six seven eight looks after.",
                vec!["carer"],
            ),
            (
                "Kathy is a carer and one two three four five six seven eight nine looks after.",
                vec![],
            ),
            (
                "She takes care of them, one two three four five six seven, a carer.",
                vec!["carer"],
            ),
            (
                "She takes care of them, one two three four five six seven eight, a carer.",
                vec![],
            ),
            (
                "A carer looks after donors and can postpone a deferral.",
                vec!["carer", "deferral"],
            ),
        ] {
            assert_eq!(glosses.explained_in(text, &mut a), want, "{text}");
        }
    }

    fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = vec![];
        let mut stream = a.token_stream(text);
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    fn plain_stemming() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::new(tantivy::tokenizer::Language::English))
            .build()
    }

    #[test]
    fn remembered_stems_are_tantivys_stems() {
        let mut remembered = analyzer();
        let mut plain = plain_stemming();
        for text in [
            "Deferrals, deferral, DEFERRED: the donations and donors' carers",
            "deferrals deferrals deferral",
            "Hailsham Hailsham's Kathy's remembering remembered",
            "",
            "a an the is was told not told",
        ] {
            let want = tokens(&mut plain, text);
            assert_eq!(tokens(&mut remembered, text), want, "{text:?}");
            assert_eq!(tokens(&mut remembered, text), want, "{text:?} again");
        }
    }

    proptest::proptest! {
        #[test]
        fn remembered_stems_match_on_any_text(texts in proptest::collection::vec("\\PC{0,80}", 1..6)) {
            let mut remembered = analyzer();
            let mut plain = plain_stemming();
            for text in &texts {
                proptest::prop_assert_eq!(tokens(&mut remembered, text), tokens(&mut plain, text));
            }
        }
    }

    #[test]
    fn word_counts_count_passages_not_occurrences() {
        let mut c = corpus("x");
        c.passages
            .push(passage("b", 0, "RUTH, Ruth and ruth; Ælfred's möglich 42"));
        let counts = word_counts(&c);
        for (word, want) in [
            ("ruth", Some(2)),
            ("themes", Some(3)),
            ("memory", Some(3)),
            ("deferrals", Some(1)),
            ("ælfred", Some(1)),
            ("möglich", Some(1)),
            ("s", Some(1)),
            ("42", Some(1)),
            ("Ruth", None),
            ("", None),
        ] {
            assert_eq!(counts.get(word).copied(), want, "{word:?}");
        }
    }

    #[test]
    fn build_swaps_generations_and_keeps_one_segment() {
        let dir = tempfile::tempdir().unwrap();
        let mut events = vec![];
        let r = build(&corpus("x"), dir.path(), &mut |e| events.push(e)).unwrap();
        assert_eq!((r.passages, r.segments), (2, 1));
        assert!(r.index_bytes > 0);
        assert_eq!(events.first(), Some(&BuildEvent::Started { passages: 2 }));
        assert_eq!(events.last(), Some(&BuildEvent::Finished));
        let first = current_dir(dir.path()).unwrap();
        build(&corpus("y"), dir.path(), &mut |_| {}).unwrap();
        let second = current_dir(dir.path()).unwrap();
        assert_ne!(first, second);
        // The generation just replaced stays for searches still opening it, until the next
        // build; older ones go.
        assert!(first.exists(), "the generation just replaced is kept");
        build(&corpus("y"), dir.path(), &mut |_| {}).unwrap();
        assert!(!first.exists(), "older generations removed");
        assert!(second.exists());
        let gens = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
            .count();
        assert_eq!(gens, 2);
        assert_eq!(read_meta(dir.path()).unwrap().fingerprint, "y");
        let meta = read_meta(dir.path()).unwrap();
        assert_eq!(meta.values("theme").get("memory"), Some(&2));
        assert_eq!(meta.sections, vec!["Themes › Memory".to_string()]);
    }

    #[test]
    fn a_killed_build_leaves_the_previous_index_in_place() {
        let dir = tempfile::tempdir().unwrap();
        build(&corpus("x"), dir.path(), &mut |_| {}).unwrap();
        let live = current_dir(dir.path()).unwrap();
        // What a build killed half-way leaves: a temporary directory with partial files.
        let tmp = dir.path().join("tmp-999999-7");
        fs::create_dir_all(&tmp).unwrap();
        fs::write(tmp.join("meta.json"), "{").unwrap();
        assert_eq!(current_dir(dir.path()).unwrap(), live);
        build(&corpus("y"), dir.path(), &mut |_| {}).unwrap();
        assert!(!tmp.exists(), "leftover removed by the next build");
        assert!(current_dir(dir.path()).unwrap().join(META_FILE).is_file());
    }

    #[test]
    fn a_second_build_while_one_runs_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let lock = File::create(dir.path().join(LOCK_FILE)).unwrap();
        lock.lock().unwrap();
        assert!(build_running(dir.path()));
        let err = build(&corpus("x"), dir.path(), &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("another build"), "{err}");
        drop(lock);
        assert!(!build_running(dir.path()));
    }

    #[test]
    fn freshness_trusts_a_stamp_only_while_nothing_changed() {
        let corpus_dir = tempfile::tempdir().unwrap();
        let c = corpus_dir.path();
        fs::write(c.join("a.txt"), "Some text.").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let fp = crate::ingest::fingerprint(c).unwrap();
        build(&corpus(&fp), dir.path(), &mut |_| {}).unwrap();
        let gen = current_dir(dir.path()).unwrap();
        let stamp_path = gen.join(STAMP_FILE);
        let zero = Duration::ZERO;
        // Files just written are not settled: fresh by their contents, nothing remembered.
        assert_eq!(
            freshness(&gen, c, &fp, Duration::from_secs(3600)),
            IndexStatus::Fresh
        );
        assert!(!stamp_path.exists());
        assert_eq!(freshness(&gen, c, &fp, zero), IndexStatus::Fresh);
        let key = crate::ingest::stamp(c, zero).unwrap().key;
        assert_eq!(
            fs::read_to_string(&stamp_path).unwrap(),
            format!("{fp} {key}")
        );
        // The remembered stamp answers without the contents: an unreadable file proves it.
        let forged = format!("{fp}x {key}");
        fs::write(&stamp_path, &forged).unwrap();
        assert_eq!(
            freshness(&gen, c, &format!("{fp}x"), zero),
            IndexStatus::Fresh
        );
        assert_eq!(
            freshness(&gen, c, &fp, zero),
            IndexStatus::Fresh,
            "rehashed"
        );
        // Same size, new contents: the change time moves, so the contents are hashed again.
        std::thread::sleep(Duration::from_millis(30));
        fs::write(c.join("a.txt"), "Some test.").unwrap();
        assert_eq!(freshness(&gen, c, &fp, zero), IndexStatus::Stale);
        assert_eq!(status(dir.path(), c), IndexStatus::Stale);
        // Touched but unchanged: fresh, and remembered again.
        fs::write(c.join("a.txt"), "Some text.").unwrap();
        assert_eq!(freshness(&gen, c, &fp, zero), IndexStatus::Fresh);
        let key = crate::ingest::stamp(c, zero).unwrap().key;
        assert_eq!(
            fs::read_to_string(&stamp_path).unwrap(),
            format!("{fp} {key}")
        );
    }

    #[test]
    fn status_tells_missing_fresh_stale_old_and_damaged() {
        let corpus_dir = tempfile::tempdir().unwrap();
        fs::write(corpus_dir.path().join("a.txt"), "Some text.").unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(status(dir.path(), corpus_dir.path()), IndexStatus::Missing);
        let fp = crate::ingest::fingerprint(corpus_dir.path()).unwrap();
        build(&corpus(&fp), dir.path(), &mut |_| {}).unwrap();
        assert_eq!(status(dir.path(), corpus_dir.path()), IndexStatus::Fresh);
        fs::write(corpus_dir.path().join("a.txt"), "Other text.").unwrap();
        assert_eq!(status(dir.path(), corpus_dir.path()), IndexStatus::Stale);
        let meta_path = current_dir(dir.path()).unwrap().join(META_FILE);
        fs::write(&meta_path, r#"{"schema_version": 0}"#).unwrap();
        assert_eq!(
            status(dir.path(), corpus_dir.path()),
            IndexStatus::OldSchema
        );
        fs::write(&meta_path, "not json").unwrap();
        assert!(matches!(
            status(dir.path(), corpus_dir.path()),
            IndexStatus::Damaged(_)
        ));
        fs::write(dir.path().join(CURRENT_FILE), "gen-404\n").unwrap();
        assert!(matches!(
            status(dir.path(), corpus_dir.path()),
            IndexStatus::Damaged(_)
        ));
    }
}
