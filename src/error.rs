//! The library's error type: every failure a user can cause or meet, in words they can act on.

use std::path::PathBuf;

/// Errors returned by the library. `Display` is the message shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("corpus directory {0} does not exist (set --corpus or NLMG_CORPUS)")]
    NoCorpus(PathBuf),
    #[error("no readable summaries in {0}: add .txt files to the corpus directory")]
    EmptyCorpus(PathBuf),
    #[error("bad data file {path}: {message}")]
    Data { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Index(String),
    #[error("{0}")]
    Query(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
