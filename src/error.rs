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
    /// Stopped on the user's request (Ctrl-C) after undoing what the work had made; the
    /// message says what was stopped and what is left as it was.
    #[error("{0}")]
    Interrupted(String),
    /// The index exists but cannot be used as it is (missing or garbled files, a checksum that
    /// does not match, a schema this version cannot read). Generated data: rebuilding repairs it.
    #[error(
        "the index in {} is damaged: {reason}. Rebuild it with `nlmg-search index --force`, \
         or search with --rebuild-if-damaged",
        .dir.display()
    )]
    Damaged { dir: PathBuf, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An index that needs rebuilding; `reason` is a short clause without a final period.
    pub fn damaged(dir: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Damaged {
            dir: dir.into(),
            reason: reason.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_index_message_is_one_paragraph_naming_both_repairs() {
        let m = Error::damaged("/x/index", "meta.json is not valid JSON").to_string();
        assert_eq!(
            m,
            "the index in /x/index is damaged: meta.json is not valid JSON. Rebuild it with \
             `nlmg-search index --force`, or search with --rebuild-if-damaged"
        );
        assert!(!m.contains('\n'));
    }
}
