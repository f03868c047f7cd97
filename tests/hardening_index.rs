//! Hardening group 6: a damaged index. Each kind of damage is injected into a freshly built index;
//! a search must then stop with exit 2 and one paragraph that says what is wrong and which command
//! fixes it (never a panic or a backtrace), and both `--rebuild-if-damaged` and `index --force`
//! must bring back an index that answers exactly as before.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const QUERY: &str = "deferral";

/// A built index and what it answered before any damage.
struct Built {
    f: Fixture,
    total: u64,
    ids: Vec<String>,
}

fn build() -> Built {
    let f = Fixture::new();
    f.build_index();
    let out = f.search(&["--json"], QUERY);
    assert_ok(&out, "search on a fresh index");
    let r = parse_json(&out, "search on a fresh index");
    assert!(r.total() > 0, "the fresh index finds nothing for {QUERY}");
    Built {
        total: r.total(),
        ids: r.ids(),
        f,
    }
}

impl Built {
    /// The live `meta.json` files of the index (one per index directory in use).
    fn metas(&self) -> Vec<PathBuf> {
        let metas = find_named(&self.f.index, "meta.json");
        assert!(
            !metas.is_empty(),
            "no meta.json under {}",
            self.f.index.display()
        );
        metas
    }

    /// Search must refuse with a clear, actionable message.
    fn expect_refusal(&self, what: &str) -> String {
        let out = self.f.search(&[], QUERY);
        let message = assert_clear_error(&out, what);
        assert_names_fix(&message, what);
        assert!(
            stdout_of(&out).is_empty(),
            "{what}: printed results from a damaged index:\n{}",
            stdout_of(&out)
        );
        // The JSON mode fails the same way and keeps stdout clean for the tool reading it.
        let out = self.f.search(&["--json"], QUERY);
        assert_clear_error(&out, &format!("{what} (--json)"));
        assert!(
            stdout_of(&out).is_empty(),
            "{what} (--json): stdout not empty"
        );
        message
    }

    /// The index answers exactly as before the damage.
    fn expect_answers_as_before(&self, what: &str) {
        let out = self.f.search(&["--json"], QUERY);
        assert_ok(&out, what);
        let r = parse_json(&out, what);
        assert_eq!(r.total(), self.total, "{what}: a different number of hits");
        assert_eq!(r.ids(), self.ids, "{what}: different hits");
    }

    /// Recovery with `--rebuild-if-damaged` (the search itself rebuilds and answers).
    fn recover_by_search(&self, what: &str) {
        let out = self.f.search(&["--rebuild-if-damaged", "--json"], QUERY);
        assert_ok(&out, &format!("{what}: search --rebuild-if-damaged"));
        let r = parse_json(&out, what);
        assert_eq!(
            r.total(),
            self.total,
            "{what}: rebuilt index answers differently"
        );
        self.expect_answers_as_before(&format!("{what}: after --rebuild-if-damaged"));
    }

    /// Recovery with `index --force`.
    fn recover_by_index(&self, what: &str) {
        let out = self.f.run(&["index", "--force"]);
        assert_ok(&out, &format!("{what}: index --force"));
        self.expect_answers_as_before(&format!("{what}: after index --force"));
    }
}

/// Runs one kind of damage twice: once recovered by the search flag, once by `index --force`.
fn damage_and_recover(what: &str, damage: impl Fn(&Built)) {
    let b = build();
    damage(&b);
    b.expect_refusal(what);
    b.recover_by_search(what);
    damage(&b);
    b.expect_refusal(what);
    b.recover_by_index(what);
}

/// Segment files (postings, terms, positions, stored text, fast fields, norms).
fn segment_files(index: &Path) -> Vec<PathBuf> {
    let exts = ["idx", "term", "pos", "store", "fast", "fieldnorm"];
    all_files(index)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| exts.iter().any(|e| x == *e)))
        .collect()
}

#[test]
fn missing_meta_json() {
    damage_and_recover("missing meta.json", |b| {
        for m in b.metas() {
            fs::remove_file(m).unwrap();
        }
    });
}

#[test]
fn truncated_meta_json() {
    damage_and_recover("truncated meta.json", |b| {
        for m in b.metas() {
            let bytes = fs::read(&m).unwrap();
            fs::write(&m, &bytes[..bytes.len() / 2]).unwrap();
        }
    });
}

#[test]
fn garbage_meta_json() {
    damage_and_recover("garbage meta.json", |b| {
        for m in b.metas() {
            fs::write(&m, b"\x00\xffthis is not an index description{{[").unwrap();
        }
    });
}

#[test]
fn empty_meta_json() {
    damage_and_recover("empty meta.json", |b| {
        for m in b.metas() {
            fs::write(&m, b"").unwrap();
        }
    });
}

#[test]
fn flipped_byte_in_each_kind_of_segment_file() {
    let b = build();
    let files = segment_files(&b.f.index);
    assert!(!files.is_empty(), "no segment files found");
    let mut kinds: Vec<String> = files
        .iter()
        .map(|p| p.extension().unwrap().to_string_lossy().into_owned())
        .collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        // The largest file of this kind, one byte in the middle.
        let file = segment_files(&b.f.index)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == kind.as_str()))
            .max_by_key(|p| fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .unwrap();
        let mut bytes = fs::read(&file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x5a;
        fs::write(&file, &bytes).unwrap();
        let what = format!("flipped byte in .{kind}");
        b.expect_refusal(&what);
        b.recover_by_search(&what);
    }
}

#[test]
fn an_index_written_with_an_older_schema() {
    // An older release named the text field differently: tantivy opens it, our schema does not fit.
    damage_and_recover("older schema", |b| {
        for m in b.metas() {
            let mut meta: serde_json::Value =
                serde_json::from_slice(&fs::read(&m).unwrap()).unwrap();
            let fields = meta["schema"].as_array_mut().expect("schema array");
            for field in fields.iter_mut() {
                let name = field["name"].as_str().unwrap().to_string();
                field["name"] = serde_json::Value::String(format!("{name}_v0"));
            }
            fs::write(&m, serde_json::to_vec(&meta).unwrap()).unwrap();
        }
    });
}

#[test]
fn an_index_directory_that_is_not_writable() {
    let b = build();
    let Some(mut guard) = ReadOnlyGuard::new(&b.f.index) else {
        eprintln!("skipped: cannot make a directory read-only here");
        return;
    };
    // A search either still answers from the complete index, or says clearly what is wrong.
    let out = b.f.search(&["--json"], QUERY);
    assert_no_panic(&out, "search in a read-only index");
    if exit_code(&out) == 0 {
        assert_eq!(parse_json(&out, "read-only search").total(), b.total);
    } else {
        let message = assert_clear_error(&out, "search in a read-only index");
        assert!(
            message.contains("writ") || message.contains("permission"),
            "the message does not say the directory is not writable:\n{message}"
        );
    }
    // A build cannot succeed there and must say why, leaving the index as it was.
    let out = b.f.run(&["index", "--force"]);
    let message = assert_clear_error(&out, "index --force in a read-only directory");
    assert!(
        message.contains(&b.f.index.display().to_string()) || message.contains("index"),
        "the message does not name the directory:\n{message}"
    );
    guard.release();
    b.expect_answers_as_before("after the directory is writable again");
    b.recover_by_index("after the directory is writable again");
}

#[test]
fn a_file_where_the_index_directory_should_be() {
    let f = Fixture::new();
    fs::write(&f.index, b"not a directory").unwrap();
    let out = f.search(&[], QUERY);
    let message = assert_clear_error(&out, "index path is a file");
    assert!(message.contains("index"), "{message}");
    let out = f.run(&["index", "--force"]);
    assert_clear_error(&out, "index --force where a file is");
    assert_eq!(
        fs::read(&f.index).unwrap(),
        b"not a directory",
        "the user's file was touched"
    );
}
