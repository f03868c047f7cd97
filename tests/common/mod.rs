//! Harness: runs the real binary against a corpus with a private temporary index, so tests never
//! share or dirty the repository's `index/`.
//!
//! One harness for every integration test: [`Env`] and its helpers drive the binary through
//! assert_cmd; the items of `faults` (re-exported here) run it as a child process for the
//! hardening tests. A test file includes it with `mod common;` and uses only part of it.
#![allow(dead_code)]

mod faults;
mod served;
pub mod webdriver;
#[allow(unused_imports)] // Files that use only the Env half.
pub use faults::*;
#[allow(unused_imports)]
pub use served::*;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use nlmg_search::output::json::{JsonHit, JsonLine, JsonSummary};

pub struct Env {
    pub corpus: PathBuf,
    pub index: tempfile::TempDir,
    /// Holds a copied corpus alive when the test edits it.
    _corpus_copy: Option<tempfile::TempDir>,
}

/// The shipped corpus, read-only.
pub fn shipped() -> Env {
    Env {
        corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
        index: tempfile::tempdir().unwrap(),
        _corpus_copy: None,
    }
}

/// A writable copy of the shipped corpus.
pub fn shipped_copy() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    Env {
        corpus: dir.path().to_path_buf(),
        index: tempfile::tempdir().unwrap(),
        _corpus_copy: Some(dir),
    }
}

/// A small corpus written from `(file name, text)` pairs.
pub fn fixture(files: &[(&str, &str)]) -> Env {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    Env {
        corpus: dir.path().to_path_buf(),
        index: tempfile::tempdir().unwrap(),
        _corpus_copy: Some(dir),
    }
}

impl Env {
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("nlmg-search").unwrap();
        // Through the environment, so a test's own arguments (a subcommand, `--`) come first.
        c.env("NLMG_CORPUS", &self.corpus)
            .env("NLMG_INDEX", self.index.path())
            .env_remove("NO_COLOR");
        c
    }

    /// Runs a search with `--json` and reads every line back through the documented types.
    pub fn json(&self, args: &[&str]) -> (Vec<JsonHit>, JsonSummary, i32) {
        let out = self.cmd().arg("--json").args(args).output().unwrap();
        let code = out.status.code().unwrap();
        assert!(
            code == 0 || code == 1,
            "exit {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut hits = vec![];
        let mut summary = None;
        for line in text.lines() {
            assert!(summary.is_none(), "summary must be the last line");
            match serde_json::from_str::<JsonLine>(line).unwrap_or_else(|e| panic!("{e}: {line}")) {
                JsonLine::Hit(h) => hits.push(*h),
                JsonLine::Summary(s) => summary = Some(s),
            }
        }
        (hits, summary.expect("a summary line"), code)
    }
}
