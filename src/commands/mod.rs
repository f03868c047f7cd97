//! The command layer: one module per subcommand, each turning options into a validated config,
//! running the pipeline and handing the results to a printer in `output`.
//!
//! Commands write only to the writer they are given; `main` decides where that goes.

pub mod bench;
pub mod export;
pub mod index;
pub mod interrupt;
pub mod list;
pub mod passages;
pub mod search;
pub mod serve;
pub mod views;

use std::path::PathBuf;

use crate::error::Error;

/// Where the corpus and the index live (from `--corpus` / `--index` or the environment).
#[derive(Debug, Clone)]
pub struct Paths {
    pub corpus: PathBuf,
    pub index: PathBuf,
}

impl Paths {
    /// Where the corpus and index are, by the order DESIGN.md fixes: `--corpus`/`NLMG_CORPUS`;
    /// else `./corpus` when it exists; else the corpus shipped in the binary, unpacked into the
    /// per-user cache directory. The index: `--index`/`NLMG_INDEX`; else `./index` beside a
    /// corpus directory the user chose or has here; else `<cache>/index` beside the shipped one.
    ///
    /// Using the shipped corpus is said on stderr while its index does not exist yet (the first
    /// time), so the user learns where the generated files go.
    pub fn resolve(corpus: Option<PathBuf>, index: Option<PathBuf>) -> crate::Result<Paths> {
        let local = PathBuf::from("corpus");
        if let Some(corpus) = corpus.or_else(|| local.is_dir().then_some(local)) {
            return Ok(Paths {
                corpus,
                index: index.unwrap_or_else(|| PathBuf::from("index")),
            });
        }
        let cache = crate::shipped::cache_dir().ok_or_else(|| {
            Error::Usage(
                "no corpus directory here and no per-user cache directory (HOME and \
                 XDG_CACHE_HOME are unset): give --corpus DIR and --index DIR"
                    .into(),
            )
        })?;
        let unpacked = crate::shipped::unpack(&cache)?;
        let index = index.unwrap_or(unpacked.index);
        if crate::index::current_dir(&index).is_none() {
            crate::output::note(&format!(
                "no ./corpus here: searching the summaries shipped with nlmg-search (unpacked in \
                 {}); the index is kept in {}",
                unpacked.corpus.display(),
                index.display()
            ));
        }
        Ok(Paths {
            corpus: unpacked.corpus,
            index,
        })
    }
}

/// What a successful command found; mapped to exit code 0 or 1 by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found,
    NotFound,
}

/// `--color`'s choice lives with the printers that honour it.
pub use crate::output::ColorMode;

/// True when an error only means the reader of our output went away (`| head -1`):
/// that is a normal end, not a failure.
pub fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}
