//! What a generation records about itself (`nlmg-meta.json`, the word list) and whether the
//! index a search would open is missing, fresh, stale, of an old schema or damaged.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::store::{current_dir, CURRENT_FILE};
use super::SCHEMA_VERSION;
use crate::error::{Error, Result};
use crate::model::Corpus;

/// File inside a generation directory that describes it, but for its section lists.
pub const META_FILE: &str = "nlmg-meta.json";

/// File beside [`META_FILE`] with the section paths and headings: they grow with the corpus
/// (one per heading of every summary), and only listing them or filtering by them needs them,
/// so a search does not read them when it opens the index.
pub const SECTIONS_FILE: &str = "nlmg-sections.json";

/// The tag fields of [`IndexMeta::values`] kept in [`SECTIONS_FILE`].
const SECTION_FIELDS: [&str; 2] = ["heading", "section"];

/// What [`SECTIONS_FILE`] holds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SectionLists {
    values: BTreeMap<String, BTreeMap<String, u64>>,
    sections: Vec<String>,
}

/// File inside a generation directory: the corpus fingerprint and the corpus metadata stamp
/// under which the contents last matched it ([`crate::ingest::stamp`]).
pub(super) const STAMP_FILE: &str = "nlmg-stamp";

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
    pub(super) fn from_corpus(corpus: &Corpus) -> IndexMeta {
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

    /// The meta without its section lists, and the lists, as the two files store them.
    pub(super) fn split(mut self) -> (IndexMeta, SectionLists) {
        let mut lists = SectionLists {
            sections: std::mem::take(&mut self.sections),
            ..SectionLists::default()
        };
        for field in SECTION_FIELDS {
            if let Some(values) = self.values.remove(field) {
                lists.values.insert(field.to_string(), values);
            }
        }
        (self, lists)
    }

    /// This meta (read without its section lists) with them.
    pub fn with_sections(mut self, lists: SectionLists) -> IndexMeta {
        self.values.extend(lists.values);
        self.sections = lists.sections;
        self
    }

    /// Values of one tag field with counts (empty when no passage carries it).
    pub fn values(&self, field: &str) -> BTreeMap<String, u64> {
        self.values.get(field).cloned().unwrap_or_default()
    }
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

/// Reads the live generation's meta, section lists included.
pub fn read_meta(index_dir: &Path) -> Result<IndexMeta> {
    let dir = current_dir(index_dir).ok_or_else(|| {
        Error::Index(format!(
            "no index in {} (run `nlmg-search index`)",
            index_dir.display()
        ))
    })?;
    let meta = read_head(&dir)?;
    let path = dir.join(SECTIONS_FILE);
    let file = fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    Ok(meta.with_sections(read_sections(&file, &path)?))
}

/// Reads a generation's meta without its section lists ([`IndexMeta::sections`] empty, no
/// `heading` or `section` values): what every search needs, whatever the corpus's size.
pub fn read_head(generation: &Path) -> Result<IndexMeta> {
    let path = generation.join(META_FILE);
    let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Index(format!("{} is damaged: {e}", path.display())))
}

/// Reads the section lists from an open [`SECTIONS_FILE`] (`path` names it in errors). An
/// engine opens the file with the index and reads it when first asked, so it reads the
/// generation it opened even if a rebuild has removed that generation since.
pub fn read_sections(mut file: &fs::File, path: &Path) -> Result<SectionLists> {
    use std::io::Read;
    let mut bytes = vec![];
    file.read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Index(format!("{} is damaged: {e}", path.display())))
}

/// Writes a generation's meta as its two files.
pub(super) fn write_meta(dir: &Path, meta: IndexMeta) -> Result<()> {
    let (head, lists) = meta.split();
    for (name, json) in [
        (META_FILE, serde_json::to_vec_pretty(&head)),
        (SECTIONS_FILE, serde_json::to_vec(&lists)),
    ] {
        let json = json.map_err(|e| Error::Index(e.to_string()))?;
        super::store::write_synced(&dir.join(name), &json)?;
    }
    Ok(())
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
    // Only the version and the fingerprint: the rest is read by whoever opens the index.
    #[derive(Deserialize)]
    struct Head {
        schema_version: u32,
        fingerprint: Option<String>,
    }
    let path = dir.join(META_FILE);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) => return IndexStatus::Damaged(format!("cannot read {}: {e}", path.display())),
    };
    let meta = match serde_json::from_slice::<Head>(&bytes) {
        Ok(h) if h.schema_version != SCHEMA_VERSION => return IndexStatus::OldSchema,
        Ok(Head {
            fingerprint: Some(fingerprint),
            ..
        }) => fingerprint,
        Ok(_) => return IndexStatus::OldSchema,
        Err(e) => return IndexStatus::Damaged(format!("{} is damaged: {e}", path.display())),
    };
    if !dir.join(SECTIONS_FILE).is_file() {
        return IndexStatus::Damaged(format!("{} has no {SECTIONS_FILE}", dir.display()));
    }
    if !dir.join("meta.json").is_file() {
        return IndexStatus::Damaged(format!("{} has no tantivy meta.json", dir.display()));
    }
    freshness(&dir, corpus_dir, &meta, crate::ingest::SETTLE)
}

/// Fresh or stale, hashing the corpus contents only when its files' metadata changed since the
/// contents were last found to match: at 300 copies that hash reads 26 MB, several times the
/// cost of the query itself. The stamp is taken before the contents are read, so an edit made
/// while they are read leaves a stamp that no longer matches.
pub(super) fn freshness(
    dir: &Path,
    corpus_dir: &Path,
    fingerprint: &str,
    settle: Duration,
) -> IndexStatus {
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
