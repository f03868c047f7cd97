//! Hardening group 4: bad files in the corpus directory. Each one is skipped (or partly read) with
//! exactly one warning that names it; every other file is read exactly as without it; memory stays
//! bounded; nothing panics and the command still succeeds.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::sync::OnceLock;

use common::*;

/// The bad inputs, one per case of the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bad {
    InvalidUtf8,
    NulBytes,
    Empty,
    HugeSingleLine,
    Unreadable,
    SymlinkLoop,
    DirectoryNamedTxt,
}

const ALL: [Bad; 7] = [
    Bad::InvalidUtf8,
    Bad::NulBytes,
    Bad::Empty,
    Bad::HugeSingleLine,
    Bad::Unreadable,
    Bad::SymlinkLoop,
    Bad::DirectoryNamedTxt,
];

/// Size of the generated single-line file.
const HUGE_BYTES: usize = 50 * 1024 * 1024;

impl Bad {
    fn file_name(self) -> &'static str {
        match self {
            Bad::InvalidUtf8 => "not-utf8.txt",
            Bad::NulBytes => "nul-bytes.txt",
            Bad::Empty => "empty.txt",
            Bad::HugeSingleLine => "one-huge-line.txt",
            Bad::Unreadable => "unreadable.txt",
            Bad::SymlinkLoop => "loop.txt",
            Bad::DirectoryNamedTxt => "x.txt",
        }
    }

    /// Whether this case can be set up here (root reads any file, whatever its mode).
    fn possible(self) -> bool {
        self != Bad::Unreadable || !running_as_root()
    }

    /// Puts the bad file into the fixture's corpus; returns its name.
    fn plant(self, f: &Fixture) -> &'static str {
        let name = self.file_name();
        let path = f.corpus.join(name);
        match self {
            Bad::InvalidUtf8 => {
                // Latin-1 text as an old word processor would save it, plus bytes never valid in UTF-8.
                let mut bytes =
                    b"Kathy remembers the pavilion at Hailsham and Miss Lucy's ".to_vec();
                bytes.extend_from_slice(&[0xe9, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a]);
                bytes.extend_from_slice(b"The donors complete in the recovery centre.\n");
                fs::write(&path, bytes).unwrap();
            }
            Bad::NulBytes => {
                let mut bytes = b"Tommy draws his imaginary animals in a notebook.\n".to_vec();
                bytes.extend_from_slice(&[0, 0, 0, 0]);
                bytes.extend_from_slice(b"\0Ruth wants to see her possible in Norfolk.\n\0");
                fs::write(&path, bytes).unwrap();
            }
            Bad::Empty => fs::write(&path, b"").unwrap(),
            Bad::HugeSingleLine => {
                // Real sentences, no line break anywhere: 50 MB on one line.
                let sentence = b"The students at Hailsham are told and not told about their future as donors, and Kathy looks back on it all as a carer. ";
                let mut bytes = Vec::with_capacity(HUGE_BYTES);
                while bytes.len() + sentence.len() <= HUGE_BYTES {
                    bytes.extend_from_slice(sentence);
                }
                bytes.resize(HUGE_BYTES, b'.');
                fs::write(&path, bytes).unwrap();
            }
            Bad::Unreadable => {
                use std::os::unix::fs::PermissionsExt;
                fs::write(&path, b"Madame cries when she sees Kathy dancing.\n").unwrap();
                fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
            }
            Bad::SymlinkLoop => std::os::unix::fs::symlink(name, &path).unwrap(),
            Bad::DirectoryNamedTxt => {
                fs::create_dir(&path).unwrap();
                fs::write(
                    path.join("inside.txt"),
                    b"Not a summary: a file inside a directory.\n",
                )
                .unwrap();
            }
        }
        name
    }
}

/// Passage ids of the clean corpus, read once.
fn clean_ids() -> &'static BTreeSet<String> {
    static IDS: OnceLock<BTreeSet<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let f = Fixture::new();
        let out = f.run(&["passages", "--json"]);
        assert_ok(&out, "passages on the clean corpus");
        assert!(
            warning_lines(&stderr_of(&out)).is_empty(),
            "the clean corpus itself gives warnings:\n{}",
            stderr_of(&out)
        );
        passage_ids(&stdout_of(&out))
    })
}

fn passage_ids(jsonl: &str) -> BTreeSet<String> {
    jsonl
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("passages --json is JSON");
            v["id"].as_str().expect("id").to_string()
        })
        .collect()
}

fn warning_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.to_lowercase().contains("warning"))
        .collect()
}

/// The checks every bad file must pass, on `passages --json`.
fn check_skipped_with_one_warning(bad: &[Bad]) {
    let f = Fixture::new();
    let names: Vec<&str> = bad.iter().map(|b| b.plant(&f)).collect();
    let mut cmd = f.command();
    cmd.args(["passages", "--json"]);
    let (out, peak_kib) = run_measuring_memory(cmd);
    let what = format!("passages with {names:?}");
    assert_ok(&out, &what);
    let err = stderr_of(&out);
    let warnings = warning_lines(&err);
    for name in &names {
        let naming: Vec<_> = warnings.iter().filter(|w| w.contains(name)).collect();
        assert_eq!(
            naming.len(),
            1,
            "{what}: want exactly one warning naming {name}, stderr:\n{err}"
        );
    }
    assert_eq!(
        warnings.len(),
        names.len(),
        "{what}: one warning per bad file and no others, stderr:\n{err}"
    );
    // Every good file was read exactly as it is without the bad ones.
    let ids = passage_ids(&stdout_of(&out));
    let good: BTreeSet<String> = ids
        .iter()
        .filter(|id| {
            repo_source_ids()
                .iter()
                .any(|s| id.starts_with(&format!("{s}:")))
        })
        .cloned()
        .collect();
    assert_eq!(
        &good,
        clean_ids(),
        "{what}: the good files were not all read"
    );
    // Bounded memory: the huge file must not be held several times over.
    assert!(
        peak_kib < 256 * 1024,
        "{what}: peak memory {} MiB is not bounded",
        peak_kib / 1024
    );
}

#[test]
fn invalid_utf8_is_skipped_and_named() {
    check_skipped_with_one_warning(&[Bad::InvalidUtf8]);
}

#[test]
fn nul_bytes_are_reported_and_named() {
    check_skipped_with_one_warning(&[Bad::NulBytes]);
}

#[test]
fn an_empty_file_is_reported_and_named() {
    check_skipped_with_one_warning(&[Bad::Empty]);
}

#[test]
fn a_50mb_single_line_is_reported_with_bounded_memory() {
    check_skipped_with_one_warning(&[Bad::HugeSingleLine]);
}

#[test]
fn an_unreadable_file_is_skipped_and_named() {
    if !Bad::Unreadable.possible() {
        eprintln!("skipped: running as root, which can read a mode-000 file");
        return;
    }
    check_skipped_with_one_warning(&[Bad::Unreadable]);
}

#[test]
fn a_symlink_loop_is_skipped_and_named() {
    check_skipped_with_one_warning(&[Bad::SymlinkLoop]);
}

#[test]
fn a_directory_named_like_a_summary_is_skipped_and_named() {
    check_skipped_with_one_warning(&[Bad::DirectoryNamedTxt]);
}

#[test]
fn all_bad_files_at_once() {
    let bad: Vec<Bad> = ALL.into_iter().filter(|b| b.possible()).collect();
    check_skipped_with_one_warning(&bad);
}

/// The same corpus through `index` and a search: the warnings name the files, the index is built
/// from the good files, and a search finds what the good files say.
#[test]
fn index_and_search_with_all_bad_files() {
    let f = Fixture::new();
    let names: Vec<&str> = ALL
        .into_iter()
        .filter(|b| b.possible())
        .map(|b| b.plant(&f))
        .collect();
    let out = f.run(&["index", "--force"]);
    assert_ok(&out, "index with bad files");
    let err = stderr_of(&out);
    for name in &names {
        assert!(
            warning_lines(&err).iter().any(|w| w.contains(name)),
            "index: no warning naming {name}:\n{err}"
        );
    }
    let out = f.search(&["--json", "--limit", "100"], "deferral");
    assert_ok(&out, "search after indexing bad files");
    let result = parse_json(&out, "search after indexing bad files");
    assert!(result.total() > 0);
    for hit in &result.hits {
        let source = hit["source"].as_str().unwrap();
        assert!(
            repo_source_ids().iter().any(|s| s == source),
            "a hit from a bad file: {hit}"
        );
    }
}
