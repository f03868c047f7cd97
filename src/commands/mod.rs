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
pub mod views;

use std::path::PathBuf;

use crate::error::Error;

/// Where the corpus and the index live (from `--corpus` / `--index` or the environment).
#[derive(Debug, Clone)]
pub struct Paths {
    pub corpus: PathBuf,
    pub index: PathBuf,
}

/// What a successful command found; mapped to exit code 0 or 1 by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Found,
    NotFound,
}

/// `--color`: colour on a terminal only, always, or never. `NO_COLOR` turns `Auto` off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorMode {
    #[default]
    Auto,
    Always,
    Never,
}

/// True when an error only means the reader of our output went away (`| head -1`):
/// that is a normal end, not a failure.
pub fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}
