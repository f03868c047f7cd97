//! What the binary carries with it so that it works from any directory: the shipped corpus
//! (compiled in by `build.rs`), the default benchmark queries, and the per-user cache directory
//! where the corpus is unpacked and its index kept when there is no corpus to hand.
//!
//! The rest of the pipeline reads a corpus directory, so the shipped files are written out once
//! to `<cache>/corpus/` (and again only when a new binary ships different files) rather than
//! every stage learning a second, in-memory source.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// `benches/queries.txt`: the queries `nlmg-search bench` times when given no `--queries`.
pub const BENCH_QUERIES: &str = include_str!("../benches/queries.txt");

/// Name of the directory inside the user's cache directory.
const APP_DIR: &str = "nlmg-search";

/// The per-user cache directory: `$XDG_CACHE_HOME/nlmg-search`, else `~/.cache/nlmg-search`.
/// `None` when neither variable gives an absolute path.
pub fn cache_dir() -> Option<PathBuf> {
    cache_dir_from(
        std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
}

fn cache_dir_from(xdg: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    // The XDG spec says a relative value is invalid and must be ignored.
    if let Some(x) = xdg.filter(|x| x.is_absolute()) {
        return Some(x.join(APP_DIR));
    }
    home.filter(|h| h.is_absolute())
        .map(|h| h.join(".cache").join(APP_DIR))
}

/// Where the shipped corpus is unpacked and where its index goes, under the cache directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpacked {
    pub corpus: PathBuf,
    pub index: PathBuf,
}

/// Writes the shipped corpus to `<cache>/corpus/` where it differs from what is there (so an
/// unchanged corpus keeps its timestamps and its index stays fresh), and removes corpus files a
/// newer binary no longer ships. Each file is written to a temporary name and renamed, so two
/// processes unpacking at once never see half a file.
pub fn unpack(cache: &Path) -> Result<Unpacked> {
    let corpus = cache.join("corpus");
    let cannot = |path: &Path, e: std::io::Error| {
        Error::Index(format!(
            "cannot unpack the shipped corpus into {}: {e}; point --corpus at a corpus directory, \
             or set XDG_CACHE_HOME to a writable directory",
            path.display()
        ))
    };
    fs::create_dir_all(&corpus).map_err(|e| cannot(&corpus, e))?;
    for (name, bytes) in SHIPPED_FILES {
        let path = corpus.join(name);
        if fs::read(&path).is_ok_and(|old| old == *bytes) {
            continue;
        }
        let tmp = corpus.join(format!(".{name}.tmp-{}", std::process::id()));
        fs::write(&tmp, bytes)
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = fs::remove_file(&tmp);
                cannot(&path, e)
            })?;
    }
    if let Ok(entries) = fs::read_dir(&corpus) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.ends_with(".txt") || name.ends_with(".toml");
            if ours && !SHIPPED_FILES.iter().any(|(n, _)| *n == name) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
    Ok(Unpacked {
        corpus,
        index: cache.join("index"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_directory_follows_xdg_then_home() {
        let p = |s: &str| Some(PathBuf::from(s));
        for (xdg, home, want) in [
            (p("/x"), p("/h"), p("/x/nlmg-search")),
            (None, p("/h"), p("/h/.cache/nlmg-search")),
            (p("relative"), p("/h"), p("/h/.cache/nlmg-search")),
            (None, p("relative"), None),
            (None, None, None),
        ] {
            assert_eq!(
                cache_dir_from(xdg.clone(), home.clone()),
                want,
                "{xdg:?} {home:?}"
            );
        }
    }

    #[test]
    fn the_shipped_corpus_has_summaries_a_lexicon_and_sources() {
        let names: Vec<&str> = SHIPPED_FILES.iter().map(|(n, _)| *n).collect();
        for wanted in ["lexicon.toml", "sources.toml", "cleaning.toml"] {
            assert!(names.contains(&wanted), "{names:?}");
        }
        assert!(names.iter().filter(|n| n.ends_with(".txt")).count() >= 1);
        assert!(crate::bench::parse_queries(BENCH_QUERIES).is_ok_and(|q| !q.is_empty()));
    }

    #[test]
    fn unpacking_writes_changed_files_only_and_drops_files_no_longer_shipped() {
        let cache = tempfile::tempdir().unwrap();
        let u = unpack(cache.path()).unwrap();
        let (name, bytes) = SHIPPED_FILES[0];
        assert_eq!(fs::read(u.corpus.join(name)).unwrap(), bytes);
        let mtime = |p: &Path| fs::metadata(p).unwrap().modified().unwrap();
        let before = mtime(&u.corpus.join(name));
        fs::write(u.corpus.join("stale.txt"), "old").unwrap();
        fs::write(u.corpus.join(SHIPPED_FILES[1].0), "edited").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        unpack(cache.path()).unwrap();
        assert_eq!(
            mtime(&u.corpus.join(name)),
            before,
            "unchanged file rewritten"
        );
        assert_eq!(
            fs::read(u.corpus.join(SHIPPED_FILES[1].0)).unwrap(),
            SHIPPED_FILES[1].1
        );
        assert!(!u.corpus.join("stale.txt").exists());
        assert_eq!(u.index, cache.path().join("index"));
    }
}
