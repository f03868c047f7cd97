//! `nlmg-search index [--force]`, and the index check every search and list runs first.

use std::io::Write;

use super::{Outcome, Paths};
use crate::error::{Error, Result};
use crate::index::{self, BuildReport, IndexStatus};
use crate::ingest;
use crate::output::{self, progress::BuildProgress};

pub fn run(paths: &Paths, force: bool, out: &mut dyn Write) -> Result<Outcome> {
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
    let mut status = index::status(&paths.index, &paths.corpus);
    if status != IndexStatus::Fresh && index::build_running(&paths.index) {
        output::note("another process is building the index; waiting for it to finish");
        index::wait_for_build(&paths.index);
        status = index::status(&paths.index, &paths.corpus);
    }
    let reason = match status {
        IndexStatus::Fresh => return Ok(()),
        IndexStatus::Missing => format!("no index in {} yet; building it", paths.index.display()),
        IndexStatus::Stale => "the corpus has changed since the index was built; rebuilding it".into(),
        IndexStatus::OldSchema => {
            "the index was built by another version of nlmg-search; rebuilding it".into()
        }
        IndexStatus::Damaged(why) if rebuild_if_damaged => {
            format!("the index is damaged ({why}); rebuilding it")
        }
        IndexStatus::Damaged(why) => {
            return Err(Error::Index(format!(
                "the index is damaged: {why}. Run `nlmg-search index --force`, or search with --rebuild-if-damaged"
            )))
        }
    };
    output::note(&reason);
    let report = rebuild(paths)?;
    output::note(&summary(paths, &report));
    Ok(())
}

/// Reads the corpus and builds a new index generation, with a progress bar on a terminal.
fn rebuild(paths: &Paths) -> Result<BuildReport> {
    let mut corpus = ingest::ingest(&paths.corpus)?;
    for w in &corpus.warnings {
        output::warn(w);
    }
    if corpus.passages.is_empty() {
        return Err(Error::EmptyCorpus(paths.corpus.clone()));
    }
    // FALLBACK until ingest computes it: the same fingerprint `index::status` compares with.
    corpus.fingerprint = index::corpus_fingerprint(&paths.corpus)?;
    let mut progress = BuildProgress::new();
    index::build(&corpus, &paths.index, &mut |e| progress.event(e))
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
