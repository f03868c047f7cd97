//! The synthetic scaled corpus: N copies of the corpus (distinct text by default), a scratch
//! directory to hold them, and the query set scaled to match.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};

use super::*;

/// A directory under the system temp directory that is deleted, with its contents, when dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a fresh, empty directory named after `prefix`, the process and the time.
    pub fn new(prefix: &str) -> Result<ScratchDir> {
        let base = std::env::temp_dir();
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for attempt in 0..100u32 {
            let path = base.join(format!(
                "{prefix}-{}-{stamp:x}-{attempt}",
                std::process::id()
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(ScratchDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Err(Error::Usage(format!(
            "cannot create a temporary directory in {}",
            base.display()
        )))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // Best effort: a leftover temp directory is untidy, not harmful.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// What [`make_scaled_corpus`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaledCorpus {
    /// Number of copies of the source corpus.
    pub copies: usize,
    /// Summary files written (`copies` × the source's `*.txt` files).
    pub files: usize,
    /// Bytes of summary text written.
    pub bytes: u64,
}

/// Name of copy `i` (0-based) of summary `stem`: `study-guide-0007.txt`. The number is padded to
/// at least four digits so names sort in copy order.
pub fn copy_name(stem: &str, i: usize, copies: usize) -> String {
    format!("{}.txt", copy_id(stem, i, copies))
}

/// Source id of copy `i` of source `stem`: `study-guide-0007`.
pub fn copy_id(stem: &str, i: usize, copies: usize) -> String {
    let width = copies.saturating_sub(1).to_string().len().max(4);
    format!("{stem}-{i:0width$}")
}

/// The query set for a corpus of `copies` copies: a `--source` filter names the first copy of
/// that source, so it still selects one source's passages (the engine refuses unknown sources).
pub fn scale_queries(queries: &[BenchQuery], copies: usize) -> Vec<BenchQuery> {
    queries
        .iter()
        .map(|q| {
            let mut q = q.clone();
            for s in &mut q.filters.source {
                *s = copy_id(s, 0, copies);
            }
            q
        })
        .collect()
}

/// What the copies of a scaled corpus hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "text")]
pub enum CopyText {
    /// Copy 0 as it is, every other copy varied by [`vary`] from this seed: the vocabulary
    /// grows with the corpus and near-duplicates are rare, as in a corpus of many books.
    Distinct { seed: u64 },
    /// Every copy byte for byte the original: the vocabulary stays that of one copy, and
    /// near-duplicate grouping folds the copies of a passage into one hit.
    Exact,
}

impl CopyText {
    /// The seed `bench --scale` uses unless told otherwise.
    pub const DEFAULT_SEED: u64 = 19;

    /// What a report calls it: `distinct (seed 19)` or `exact copies`.
    pub fn label(self) -> String {
        match self {
            CopyText::Distinct { seed } => format!("distinct (seed {seed})"),
            CopyText::Exact => "exact copies".into(),
        }
    }
}

impl Default for CopyText {
    fn default() -> CopyText {
        CopyText::Distinct {
            seed: CopyText::DEFAULT_SEED,
        }
    }
}

/// Writes `n` copies of every `*.txt` summary in `src` into `dst` under distinct names (so each
/// copy is its own source and nothing collapses as a duplicate file), plus every other regular
/// file of `src` (lexicon, sources, cleaning rules) once, unchanged. Copies are not listed in
/// `sources.toml`; unlisted files are titled by their id. `text` says whether the copies are
/// varied ([`CopyText::Distinct`]) or the original byte for byte; copy 0 is always the original.
pub fn make_scaled_corpus(
    src: &Path,
    dst: &Path,
    n: usize,
    text: CopyText,
) -> Result<ScaledCorpus> {
    if n == 0 {
        return Err(Error::Usage("--scale must be at least 1".into()));
    }
    if !src.is_dir() {
        return Err(Error::NoCorpus(src.to_path_buf()));
    }
    std::fs::create_dir_all(dst).map_err(|e| Error::io(dst, e))?;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(src)
        .map_err(|e| Error::io(src, e))?
        .map(|e| e.map(|e| e.path()).map_err(|err| Error::io(src, err)))
        .collect::<Result<_>>()?;
    entries.sort();
    let mut scaled = ScaledCorpus {
        copies: n,
        files: 0,
        bytes: 0,
    };
    for path in entries.iter().filter(|p| p.is_file()) {
        let name = path.file_name().expect("read_dir entries have names");
        let is_summary = path.extension().is_some_and(|x| x == "txt");
        if !is_summary {
            std::fs::copy(path, dst.join(name)).map_err(|e| Error::io(path, e))?;
            continue;
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let stem = path
            .file_stem()
            .expect("a .txt file has a stem")
            .to_string_lossy();
        // A file that is not UTF-8 is copied as it is: ingest reports it, once per copy.
        let original = match (text, std::str::from_utf8(&bytes)) {
            (CopyText::Distinct { seed }, Ok(s)) => Some((seed, s)),
            _ => None,
        };
        for i in 0..n {
            let target = dst.join(copy_name(&stem, i, n));
            let varied = original.map(|(seed, s)| vary(s, i, seed));
            let out = varied.as_ref().map_or(&bytes[..], |v| v.as_bytes());
            std::fs::write(&target, out).map_err(|e| Error::io(&target, e))?;
            scaled.files += 1;
            scaled.bytes += out.len() as u64;
        }
    }
    if scaled.files == 0 {
        return Err(Error::EmptyCorpus(src.to_path_buf()));
    }
    Ok(scaled)
}
