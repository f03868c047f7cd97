//! Reads a corpus directory into tagged passages: the front half of the pipeline in one call.
//!
//! Orchestrates [`corpus`] (files) → [`clean`] → [`segment`] → [`tag`](crate::tag), and
//! fingerprints the inputs so a stale index can be noticed without redoing any of that work.

use std::path::Path;

use crate::clean::{self, Rules, CLEANING_FILE};
use crate::corpus::{self, SOURCES_FILE};
use crate::error::{Error, Result};
use crate::lexicon::{Lexicon, LEXICON_FILE};
use crate::model::{Corpus, Gloss, Kind, Passage, Warning};
use crate::segment;
use crate::tag::Tagger;

/// Bumped whenever the same inputs would give different passages (ids, text, tags), so that
/// an index built by an older version is seen as stale.
pub const PIPELINE_VERSION: u32 = 3;

/// 64-bit FNV-1a: stable across platforms and Rust versions, unlike `DefaultHasher`.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // Length-delimit each field, so ("ab","c") and ("a","bc") differ.
        for b in (bytes.len() as u64).to_le_bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A hex hash over the names and bytes of every `*.txt`, `sources.toml`, `lexicon.toml` and
/// `cleaning.toml` in `corpus_dir`, and [`PIPELINE_VERSION`]. Reads files but parses nothing.
/// A file that cannot be read contributes its name and the error kind, so fixing it changes
/// the fingerprint.
pub fn fingerprint(corpus_dir: &Path) -> Result<String> {
    let (mut files, _) = corpus::list_files(corpus_dir)?;
    for name in [SOURCES_FILE, LEXICON_FILE, CLEANING_FILE] {
        files.push(corpus_dir.join(name));
    }
    let mut h = Fnv::new();
    h.write(&PIPELINE_VERSION.to_le_bytes());
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        h.write(name.unwrap_or_default().as_bytes());
        match std::fs::read(&path) {
            Ok(bytes) => h.write(&bytes),
            Err(e) => h.write(format!("unreadable: {:?}", e.kind()).as_bytes()),
        }
    }
    Ok(format!("{:016x}", h.0))
}

/// How long a file must have gone unchanged before its metadata is trusted to reveal the next
/// change: file times are kept in coarse ticks, so an edit made in the tick the stamp was taken
/// in, leaving the size alone, would look like no change at all.
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

/// The inputs' metadata as of one moment: a cheap stand-in for [`fingerprint`] that reads no
/// file contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Hex hash of the directory and, per input file, its name, size, modification and change
    /// times and identity.
    pub key: String,
    /// True when every input had been left alone for at least the settle time: only then can
    /// an unchanged key vouch for unchanged contents.
    pub settled: bool,
}

/// Stamps the same files that [`fingerprint`] reads. Any write to a file changes its change
/// time (which no tool can set back), so an unchanged, settled stamp means unchanged inputs.
pub fn stamp(corpus_dir: &Path, settle: std::time::Duration) -> Result<Stamp> {
    let now = std::time::SystemTime::now();
    let (mut files, _) = corpus::list_files(corpus_dir)?;
    for name in [SOURCES_FILE, LEXICON_FILE, CLEANING_FILE] {
        files.push(corpus_dir.join(name));
    }
    let mut h = Fnv::new();
    h.write(&PIPELINE_VERSION.to_le_bytes());
    h.write(corpus_dir.as_os_str().as_encoded_bytes());
    let mut settled = true;
    for path in files {
        h.write(path.as_os_str().as_encoded_bytes());
        match std::fs::metadata(&path) {
            Ok(m) => {
                let (times, recent) = file_times(&m, now, settle);
                settled &= !recent;
                h.write(&m.len().to_le_bytes());
                for t in times {
                    h.write(&t.to_le_bytes());
                }
            }
            Err(e) => h.write(format!("missing: {:?}", e.kind()).as_bytes()),
        }
    }
    Ok(Stamp {
        key: format!("{:016x}", h.0),
        settled,
    })
}

/// The numbers that change when a file is written or replaced, and whether any of its times
/// is within `settle` of `now` (or in the future).
#[cfg(unix)]
fn file_times(
    m: &std::fs::Metadata,
    now: std::time::SystemTime,
    settle: std::time::Duration,
) -> ([i64; 6], bool) {
    use std::os::unix::fs::MetadataExt;
    let recent = |secs: i64, nanos: i64| {
        let t = std::time::UNIX_EPOCH
            + std::time::Duration::new(secs.max(0) as u64, nanos.clamp(0, 999_999_999) as u32);
        now.duration_since(t).map_or(true, |age| age < settle)
    };
    let recent = recent(m.mtime(), m.mtime_nsec()) || recent(m.ctime(), m.ctime_nsec());
    (
        [
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec(),
            m.ino() as i64,
            m.dev() as i64,
        ],
        recent,
    )
}

/// Without change times a stamp cannot vouch for anything: never settled.
#[cfg(not(unix))]
fn file_times(
    m: &std::fs::Metadata,
    _now: std::time::SystemTime,
    _settle: std::time::Duration,
) -> ([i64; 6], bool) {
    let modified = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    ([modified, 0, 0, 0, 0, 0], true)
}

/// Reads every `*.txt` in `corpus_dir` (sorted by name) into cleaned, segmented, tagged
/// passages. A bad file is a warning in the result, never an error, and so is a glossary phrase
/// no question can match; errors are a missing corpus directory or a malformed lexicon,
/// `cleaning.toml` or `sources.toml`.
pub fn ingest(corpus_dir: &Path) -> Result<Corpus> {
    if !corpus_dir.is_dir() {
        return Err(Error::NoCorpus(corpus_dir.to_path_buf()));
    }
    let lexicon = Lexicon::load(corpus_dir)?;
    let rules = Rules::load(corpus_dir)?;
    let tagger = Tagger::new(&lexicon, &rules).map_err(|message| Error::Data {
        path: corpus_dir.join(LEXICON_FILE),
        message,
    })?;
    let (raws, mut warnings) = corpus::read_sources(corpus_dir)?;
    let lexicon_path = corpus_dir.join(LEXICON_FILE).display().to_string();
    for (term, phrase) in lexicon.stop_word_phrases() {
        warnings.push(Warning {
            file: lexicon_path.clone(),
            reason: format!(
                "everyday phrase {phrase:?} of term {term:?} is only stop words, which a \
                 question drops: no question reaches the term through it"
            ),
        });
    }
    let mut out = Corpus {
        warnings,
        fingerprint: fingerprint(corpus_dir)?,
        continues: rules.continues.clone(),
        continued_kinds: rules.continued_kinds.clone(),
        glosses: glosses(&lexicon),
        families: families(&lexicon),
        answer_types: lexicon.answer_types.clone(),
        ..Corpus::default()
    };
    let breaks = breaks(&rules);
    let read = |(rules, breaks, tagger): &(Rules, segment::Breaks, Tagger),
                raw: &corpus::RawSource|
     -> Vec<Passage> {
        let lines = clean::clean(&raw.text, raw.offset, rules);
        let segments = segment::segment_with(&lines, &rules.layout, breaks);
        passages_of(raw, &segments, tagger)
    };
    // Each summary is cleaned, cut and tagged alone, so a large corpus is shared among the
    // cores; a small one is not worth a thread.
    let bytes: u64 = raws.iter().map(|r| r.bytes).sum();
    let threads = if bytes < PARALLEL_FROM_BYTES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let per_source = each_source(&raws, threads, &(rules, breaks, tagger), read);
    for (raw, passages) in raws.into_iter().zip(per_source) {
        out.bytes += raw.bytes;
        out.passages.extend(passages);
        out.sources.push(raw.source);
    }
    Ok(out)
}

/// Corpus size from which summaries are read on several threads.
const PARALLEL_FROM_BYTES: u64 = 2_000_000;

/// `read` of every source, in order, on up to `threads` threads. Each thread takes the next
/// source not yet taken (summaries differ in size by a factor of ten or more, so fixed shares
/// would leave one thread working alone at the end), with its own copy of `state`: a compiled
/// pattern shared between threads hands its scratch space out under a lock, at every match.
fn each_source<S: Clone + Send + Sync, T: Send>(
    raws: &[corpus::RawSource],
    threads: usize,
    state: &S,
    read: impl Fn(&S, &corpus::RawSource) -> T + Sync,
) -> Vec<T> {
    if threads < 2 || raws.len() < 2 {
        return raws.iter().map(|r| read(state, r)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (read, next) = (&read, &next);
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(raws.len()))
            .map(|_| {
                let state = state.clone();
                scope.spawn(move || {
                    let mut mine = vec![];
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(raw) = raws.get(i) else { break };
                        mine.push((i, read(&state, raw)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// The passages of one summary: its segments, tagged.
fn passages_of(
    raw: &corpus::RawSource,
    segments: &[segment::Segment],
    tagger: &Tagger,
) -> Vec<Passage> {
    let default_kind = raw.default_kind.unwrap_or(Kind::Other);
    let id = &raw.source.id;
    segments
        .iter()
        .enumerate()
        .map(|(seq, seg)| {
            let tags = tagger.tag(seg, default_kind);
            let seq = seq as u32;
            Passage {
                id: format!("{id}:{seq}"),
                source: id.clone(),
                seq,
                section: seg.section.clone(),
                kind: tags.kind,
                part: tags.part,
                characters: tags.characters,
                themes: tags.themes,
                pages: tags.pages,
                text: seg.text.text.clone(),
                source_range: seg.text.source_range(),
                prev: seq.checked_sub(1).map(|p| format!("{id}:{p}")),
                next: (seq as usize + 1 < segments.len()).then(|| format!("{id}:{}", seq + 1)),
                provenance: tags.provenance,
            }
        })
        .collect()
}

/// What segmentation needs from the rules: the part openings that cut a paragraph, and the
/// headings that open a section at the top of a summary.
fn breaks(rules: &clean::Rules) -> segment::Breaks {
    segment::Breaks {
        openings: rules
            .part_openings
            .iter()
            .map(|(_, re)| re.clone())
            .collect(),
        top_sections: rules.top_sections.clone(),
    }
}

/// The lexicon's glossary as the index uses it: each term with its everyday words.
pub fn glosses(lexicon: &Lexicon) -> Vec<Gloss> {
    lexicon
        .terms
        .iter()
        .map(|t| Gloss {
            term: t.term.clone(),
            everyday: t.everyday.clone(),
        })
        .collect()
}

/// The lexicon's word families, as lists of words.
pub fn families(lexicon: &Lexicon) -> Vec<Vec<String>> {
    lexicon.families.iter().map(|f| f.words.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::clean::Rules;
    use crate::segment;

    #[test]
    fn glosses_carry_each_term_with_its_everyday_words_and_the_families_beside_them() {
        let lexicon = Lexicon::parse(
            "[[term]]\nterm = 'deferral'\neveryday = ['postpone']\n\
             [[term]]\nterm = 'carer'\neveryday = ['looks after']\n\
             [[family]]\nwords = ['defer', 'Deferral', 'deferred']\n",
        )
        .unwrap();
        let g = glosses(&lexicon);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].term, "deferral");
        assert_eq!(g[0].everyday, ["postpone"]);
        assert_eq!(g[1].term, "carer");
        assert_eq!(families(&lexicon), [["defer", "Deferral", "deferred"]]);
    }

    #[test]
    fn sources_read_on_several_threads_come_back_in_their_order() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..7 {
            std::fs::write(dir.path().join(format!("s{n}.txt")), "x".repeat(n + 1)).unwrap();
        }
        let (raws, _) = corpus::read_sources(dir.path()).unwrap();
        let read = |_: &(), r: &corpus::RawSource| (r.source.id.clone(), r.text.len());
        let one = each_source(&raws, 1, &(), read);
        assert_eq!(one.len(), 7);
        assert_eq!(one[6], ("s6".to_string(), 7));
        for threads in [2, 3, 7, 16] {
            assert_eq!(
                each_source(&raws, threads, &(), read),
                one,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn fingerprint_is_stable_and_sees_every_input() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "Kathy remembers.").unwrap();
        let first = fingerprint(d).unwrap();
        assert_eq!(first, fingerprint(d).unwrap());
        assert_eq!(first.len(), 16);
        let mut seen = vec![first];
        for (file, body) in [
            ("a.txt", "Kathy remembers!"),
            ("b.txt", "Tommy draws."),
            ("lexicon.toml", ""),
            ("cleaning.toml", ""),
            ("sources.toml", ""),
        ] {
            std::fs::write(d.join(file), body).unwrap();
            let f = fingerprint(d).unwrap();
            assert!(!seen.contains(&f), "{file} changes the fingerprint");
            seen.push(f);
        }
        std::fs::write(d.join("notes.md"), "not a summary").unwrap();
        assert_eq!(seen.last().unwrap(), &fingerprint(d).unwrap());
        assert!(matches!(
            fingerprint(&d.join("missing")),
            Err(Error::NoCorpus(_))
        ));
    }

    #[test]
    fn stamp_changes_with_every_kind_of_edit() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "Kathy remembers.").unwrap();
        let zero = std::time::Duration::ZERO;
        let first = stamp(d, zero).unwrap();
        assert_eq!(first, stamp(d, zero).unwrap(), "nothing changed");
        assert!(first.settled);
        assert!(!stamp(d, SETTLE).unwrap().settled, "just written");
        let edits: [(&str, &dyn Fn()); 5] = [
            ("same size", &|| {
                // Past the file system's time tick, so the edit gets a new change time.
                std::thread::sleep(std::time::Duration::from_millis(30));
                std::fs::write(d.join("a.txt"), "Kathy remembers!").unwrap()
            }),
            ("new size", &|| {
                std::fs::write(d.join("a.txt"), "Kathy forgets.").unwrap()
            }),
            ("new file", &|| {
                std::fs::write(d.join("b.txt"), "Tommy.").unwrap()
            }),
            ("renamed", &|| {
                std::fs::rename(d.join("b.txt"), d.join("c.txt")).unwrap()
            }),
            ("lexicon", &|| {
                std::fs::write(d.join("lexicon.toml"), "").unwrap()
            }),
        ];
        let mut seen = vec![first.key];
        for (what, edit) in edits {
            edit();
            let k = stamp(d, zero).unwrap().key;
            assert!(!seen.contains(&k), "{what} changes the stamp");
            seen.push(k);
        }
        std::fs::write(d.join("notes.md"), "not an input").unwrap();
        assert_eq!(seen.last().unwrap(), &stamp(d, zero).unwrap().key);
        assert!(matches!(
            stamp(&d.join("missing"), zero),
            Err(Error::NoCorpus(_))
        ));
    }

    #[test]
    fn ingest_counts_bytes_and_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Kathy and Ruth talk at length.").unwrap();
        std::fs::write(dir.path().join("b.txt"), [0u8, 1]).unwrap();
        let c = ingest(dir.path()).unwrap();
        assert_eq!(c.bytes, 30);
        assert_eq!(c.fingerprint, fingerprint(dir.path()).unwrap());
        assert_eq!(c.passages.len(), 1);
        assert_eq!(c.passages[0].id, "a:0");
        assert_eq!(c.warnings.len(), 1);
    }

    #[test]
    fn a_huge_single_line_is_processed_in_bounded_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let sentence = "Kathy drives\u{a0}across the flat country to see Tommy once more. ";
        let text = sentence.repeat(15_000);
        std::fs::write(dir.path().join("big.txt"), &text).unwrap();
        let c = ingest(dir.path()).unwrap();
        assert!(c.passages.len() > 1000);
        let mut end = 0;
        for p in &c.passages {
            assert!(p.text.split_whitespace().count() <= 200);
            assert!(p.source_range[0] >= end, "passages in file order");
            end = p.source_range[1];
        }
        assert_eq!(end, text.trim_end().len());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn any_text_segments_without_panic_and_maps_back(
            text in "(\\PC|\n|  |〞|\u{a0}|1\\. |• |## |\\?|:){0,400}"
        ) {
            let rules = Rules::parse(crate::clean::DEFAULT_RULES).unwrap();
            let lines = crate::clean::clean(&text, 0, &rules);
            for s in segment::segment_with(&lines, &rules.layout, &breaks(&rules)) {
                let [a, b] = s.text.source_range();
                prop_assert!(a <= b && b <= text.len());
                prop_assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
                prop_assert!(s.text.text.split_whitespace().count() <= 200);
            }
        }
    }
}
