//! `nlmg-search index [--force]`, and the index check every search and list runs first.

use std::io::Write;

use super::{interrupt, Outcome, Paths};
use crate::error::{Error, Result};
use crate::index::{self, BuildReport, IndexStatus};
use crate::ingest;
use crate::output::{self, progress::BuildProgress};
use crate::search::Engine;

pub fn run(paths: &Paths, force: bool, out: &mut dyn Write) -> Result<Outcome> {
    require_corpus(paths)?;
    let status = index::status(&paths.index, &paths.corpus);
    if !force && status == IndexStatus::Fresh {
        let meta = index::read_meta(&paths.index)?;
        writeln!(
            out,
            "index in {} is up to date: {} passages from {} sources (use --force to rebuild)",
            paths.index.display(),
            meta.passages,
            meta.sources.len()
        )
        .map_err(|e| Error::io("<stdout>", e))?;
        return Ok(Outcome::Found);
    }
    let report = rebuild(paths)?;
    writeln!(out, "{}", summary(paths, &report)).map_err(|e| Error::io("<stdout>", e))?;
    Ok(Outcome::Found)
}

/// Makes sure a complete, current index exists before a search: builds it when missing,
/// rebuilds it when stale or from another version (saying so on stderr). A damaged index is an
/// error unless `rebuild_if_damaged`.
pub fn ensure(paths: &Paths, rebuild_if_damaged: bool) -> Result<()> {
    require_corpus(paths)?;
    let mut status = settled_status(paths);
    if status != IndexStatus::Fresh && index::build_running(&paths.index) {
        output::note("another process is building the index; waiting for it to finish");
        index::wait_for_build(&paths.index);
        status = settled_status(paths);
    }
    let reason = match status {
        IndexStatus::Fresh => return Ok(()),
        IndexStatus::Missing => format!("no index in {} yet; building it", paths.index.display()),
        IndexStatus::Stale => {
            "the corpus has changed since the index was built; rebuilding it".into()
        }
        IndexStatus::OldSchema => {
            "the index was built by another version of nlmg-search; rebuilding it".into()
        }
        IndexStatus::Damaged(why) if rebuild_if_damaged => {
            format!("the index is damaged ({why}); rebuilding it")
        }
        IndexStatus::Damaged(why) => return Err(Error::damaged(&paths.index, why)),
    };
    output::note(&reason);
    let report = rebuild(paths)?;
    output::note(&summary(paths, &report));
    Ok(())
}

/// A missing corpus directory is the error to report, before anything is said about the index
/// (which would otherwise look stale, built from a corpus that is no longer there).
fn require_corpus(paths: &Paths) -> Result<()> {
    if paths.corpus.is_dir() {
        Ok(())
    } else {
        Err(Error::NoCorpus(paths.corpus.clone()))
    }
}

/// `index::status`, looked at again when a build swapped generations meanwhile: the old
/// generation is removed right after the swap, and half-seen it would look damaged.
fn settled_status(paths: &Paths) -> IndexStatus {
    for _ in 0..3 {
        let before = index::current_dir(&paths.index);
        let status = index::status(&paths.index, &paths.corpus);
        if !matches!(status, IndexStatus::Damaged(_)) || index::current_dir(&paths.index) == before
        {
            return status;
        }
    }
    index::status(&paths.index, &paths.corpus)
}

/// Opens the index for searching. Some damage shows only on opening (tantivy's own files,
/// checksums); with `rebuild_if_damaged` that is repaired by one rebuild, as `ensure` does for
/// what `status` sees.
pub fn open_engine(paths: &Paths, rebuild_if_damaged: bool) -> Result<Engine> {
    match Engine::open(&paths.index, &paths.corpus) {
        Err(Error::Damaged { reason, .. }) if rebuild_if_damaged => {
            output::note(&format!("the index is damaged ({reason}); rebuilding it"));
            let report = rebuild(paths)?;
            output::note(&summary(paths, &report));
            Engine::open(&paths.index, &paths.corpus)
        }
        r => r,
    }
}

/// Reads the corpus and builds a new index generation, with a progress bar on a terminal.
/// A Ctrl-C meanwhile (see [`interrupt`]) stops it, leaving the live index as it was.
fn rebuild(paths: &Paths) -> Result<BuildReport> {
    let _listening = interrupt::listen();
    // Refuse before reading the corpus, not after: the build lock itself is taken in
    // `index::build`, and this only spares a doomed second build its ingest.
    if index::build_running(&paths.index) {
        return Err(index::build_busy(&paths.index));
    }
    let corpus = ingest::ingest(&paths.corpus)?;
    for w in &corpus.warnings {
        output::warn(w);
    }
    if corpus.passages.is_empty() {
        return Err(Error::EmptyCorpus(paths.corpus.clone()));
    }
    let mut progress = BuildProgress::new();
    index::build_until(
        &corpus,
        &paths.index,
        &mut |e| progress.event(e),
        &interrupt::requested,
    )
}

fn summary(paths: &Paths, r: &BuildReport) -> String {
    let segments = if r.segments == 1 {
        "1 segment".to_string()
    } else {
        format!("{} segments", r.segments)
    };
    format!(
        "indexed {} sources, {} passages ({}) in {:.2} s; index {} in {} ({segments})",
        r.sources,
        r.passages,
        size(r.bytes),
        r.elapsed.as_secs_f64(),
        size(r.index_bytes),
        paths.index.display(),
    )
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
