//! Index lifecycle end to end: build, up to date, forced rebuild, rebuild on deletion and on
//! corpus edits, old schema, damage.

mod common;

use predicates::prelude::*;

#[test]
fn index_builds_then_reports_up_to_date_then_force_rebuilds() {
    let env = common::shipped();
    env.cmd()
        .arg("index")
        .assert()
        .success()
        .stdout(predicate::str::contains("passages"))
        .stdout(predicate::str::contains("1 segment"))
        .stderr(predicate::str::contains("\u{1b}[").not());
    env.cmd()
        .arg("index")
        .assert()
        .success()
        .stdout(predicate::str::contains("up to date"));
    env.cmd()
        .args(["index", "--force"])
        .assert()
        .success()
        .stdout(predicate::str::contains("indexed 3 sources"));
}

#[test]
fn a_search_without_an_index_builds_it_and_a_deleted_index_is_rebuilt() {
    let env = common::shipped();
    env.cmd()
        .arg("deferral")
        .assert()
        .success()
        .stderr(predicate::str::contains("building it"));
    env.cmd()
        .arg("deferral")
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    std::fs::remove_dir_all(env.index.path()).unwrap();
    env.cmd()
        .arg("deferral")
        .assert()
        .success()
        .stderr(predicate::str::contains("building it"));
}

#[test]
fn a_corpus_edit_makes_the_index_stale_and_the_next_search_refreshes_it() {
    let env = common::shipped_copy();
    env.cmd().arg("index").assert().success();
    env.cmd().arg("quokka").assert().code(1);
    let added = "Kathy once saw a quokka on the road to Norfolk, or so the notes claim.\n";
    std::fs::write(env.corpus.join("extra-notes.txt"), added).unwrap();
    env.cmd()
        .arg("quokka")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("corpus has changed"))
        .stdout(predicate::str::contains("quokka"));
    // Editing the lexicon counts as a change too.
    let lex = env.corpus.join("lexicon.toml");
    let text = std::fs::read_to_string(&lex).unwrap();
    std::fs::write(&lex, format!("{text}\n# edited\n")).unwrap();
    env.cmd()
        .arg("quokka")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("rebuilding"));
}

#[test]
fn an_old_schema_is_rebuilt_and_a_damaged_index_is_an_error_unless_asked() {
    let env = common::shipped();
    env.cmd().arg("index").assert().success();
    let current = std::fs::read_to_string(env.index.path().join("current")).unwrap();
    let gen = env.index.path().join(current.trim());
    std::fs::write(gen.join("nlmg-meta.json"), r#"{"schema_version":0}"#).unwrap();
    env.cmd()
        .arg("deferral")
        .assert()
        .success()
        .stderr(predicate::str::contains("another version"));
    std::fs::write(env.index.path().join("current"), "gen-999\n").unwrap();
    env.cmd()
        .arg("deferral")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("damaged"));
    env.cmd()
        .args(["deferral", "--rebuild-if-damaged"])
        .assert()
        .success();
}

#[test]
fn skipped_files_are_warned_about_on_stderr() {
    let env = common::fixture(&[(
        "notes.txt",
        "Tommy's rages at Hailsham.\n\nMiss Lucy tells the students the truth.\n",
    )]);
    std::fs::write(env.corpus.join("broken.txt"), [0xff, 0xfe, 0x00, 0xc3]).unwrap();
    let out = env.cmd().arg("index").output().unwrap();
    // The provisional ingest refuses non-UTF-8 outright; the real one warns and skips.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.txt"), "{err}");
}

#[test]
fn flags_choose_corpus_and_index() {
    let env = common::fixture(&[("a.txt", "The gallery was never about art.\n")]);
    let mut c = assert_cmd::Command::cargo_bin("nlmg-search").unwrap();
    c.env_remove("NLMG_CORPUS")
        .env_remove("NLMG_INDEX")
        .arg("gallery")
        .arg("--corpus")
        .arg(&env.corpus)
        .arg("--index")
        .arg(env.index.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("gallery"));
    assert!(env.index.path().join("current").is_file());
}

#[test]
fn list_prints_values_with_counts() {
    let env = common::shipped();
    env.cmd()
        .args(["list", "sources"])
        .assert()
        .success()
        .stdout(predicate::str::contains("study-guide"));
    let out = env
        .cmd()
        .args(["list", "themes", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["value"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(names.contains(&"memory".to_string()));
}

/// Another book's lexicon may list an everyday phrase made only of stop words ("what for"): a
/// question drops those words, so the phrase can never match. Building says so once, naming the
/// file, the phrase and the term, and the term's other phrases still work.
#[test]
fn a_glossary_phrase_of_stop_words_only_is_reported_and_the_rest_still_works() {
    let env = common::fixture(&[
        (
            "notes.txt",
            "Pip's great expectations come from an unknown benefactor.\n\n\
             Joe works at the forge in the marshes.\n",
        ),
        (
            "lexicon.toml",
            "[[term]]\nterm = \"benefactor\"\neveryday = [\"what for\", \"secret sponsor\"]\n",
        ),
    ]);
    let out = env.cmd().arg("index").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<_> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    for part in [
        "lexicon.toml",
        "\"what for\"",
        "\"benefactor\"",
        "stop words",
    ] {
        assert!(warnings[0].contains(part), "{part} missing: {err}");
    }
    let (hits, summary, code) = env.json(&["who was the secret sponsor"]);
    assert_eq!(code, 0);
    assert!(hits[0].text.contains("benefactor"), "{:?}", hits[0].text);
    assert!(
        summary
            .expansions
            .iter()
            .any(|e| e.to.contains(&"benefactor".to_string())),
        "{:?}",
        summary.expansions
    );
}
