//! `nlmg-search bench` run as a user runs it: the real binary on the shipped corpus and on small
//! fixtures.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("nlmg-search").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NLMG_CORPUS")
        .env_remove("NLMG_INDEX");
    cmd
}

fn json_report(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 1, "one JSON object: {text}");
    serde_json::from_str(&text).unwrap()
}

/// A corpus of two short summaries written for these tests, and a query file.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("first.txt"),
        "The children draw and paint for the Gallery.\n\nA boy loses his temper in a field.\n",
    )
    .unwrap();
    std::fs::write(
        corpus.join("second.txt"),
        "Years later the carer drives her friends to the coast.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("queries.txt"),
        "# fixture queries\nword\tGallery\nwords\tcarer coast\nphrase\t\"loses his temper\"\n",
    )
    .unwrap();
    dir
}

fn run_on(dir: &Path) -> Command {
    let mut cmd = bin();
    cmd.arg("bench")
        .arg("--corpus")
        .arg(dir.join("corpus"))
        .arg("--index")
        .arg(dir.join("index"))
        .arg("--queries")
        .arg(dir.join("queries.txt"));
    cmd
}

#[test]
fn the_shipped_query_set_runs_on_the_shipped_corpus() {
    // An index of its own: a test run leaves the checkout's index/ as it found it.
    let scratch = tempfile::tempdir().unwrap();
    let v = json_report(
        bin()
            .args([
                "bench",
                "--iterations",
                "2",
                "--warmup",
                "0",
                "--json",
                "--index",
            ])
            .arg(scratch.path().join("index")),
    );
    let queries = v["run"]["queries"].as_u64().unwrap();
    assert!(queries >= 36);
    assert_eq!(v["overall"]["samples"].as_u64().unwrap(), 2 * queries);
    let kinds: Vec<&str> = v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "word",
            "words",
            "question",
            "phrase",
            "typo",
            "filtered",
            "filter-only",
            "operators"
        ]
    );
    for k in v["kinds"].as_array().unwrap() {
        let (p50, p90, p99, max) = (
            k["p50_us"].as_f64().unwrap(),
            k["p90_us"].as_f64().unwrap(),
            k["p99_us"].as_f64().unwrap(),
            k["max_us"].as_f64().unwrap(),
        );
        assert!(0.0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= max, "{k}");
    }
    assert_eq!(v["corpus"]["sources"], 3);
    assert!(v["cold"]["total_us"].as_f64().unwrap() > 0.0);
    if cfg!(target_os = "linux") {
        assert!(v["peak_rss_bytes"].as_u64().unwrap() > 0);
    }
}

#[test]
fn the_text_report_is_a_table_per_kind() {
    let dir = fixture();
    run_on(dir.path())
        .args(["--iterations", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("p99 µs"))
        .stdout(predicate::str::contains(
            "3 queries × 3 iterations after 3 warm-up",
        ))
        .stdout(predicate::str::is_match(r"(?m)^phrase +1 +3 ").unwrap())
        .stdout(predicate::str::is_match(r"(?m)^overall +3 +9 ").unwrap())
        // No progress bar when stderr is not a terminal.
        .stderr(predicate::str::is_empty());
}

#[test]
fn without_iterations_the_run_is_sized_by_calibration() {
    let dir = fixture();
    let v = json_report(run_on(dir.path()).args(["--json", "--warmup", "1"]));
    assert_eq!(v["run"]["auto_sized"], true);
    let n = v["run"]["iterations"].as_u64().unwrap();
    assert!((1..=5_000).contains(&n), "{n}");
}

#[test]
fn scale_mode_benchmarks_n_copies_in_a_temporary_directory() {
    let dir = fixture();
    let hits_of = |v: &serde_json::Value| -> Vec<u64> {
        v["queries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["hits"].as_u64().unwrap())
            .collect()
    };
    let exact = json_report(run_on(dir.path()).args([
        "--scale",
        "5",
        "--exact-copies",
        "--iterations",
        "1",
        "--json",
    ]));
    assert_eq!(exact["corpus"]["scale"], 5);
    assert_eq!(exact["corpus"]["sources"], 10);
    // Five exact copies of a passage are near-duplicates: one hit, the others in `also_in`.
    assert_eq!(hits_of(&exact), [1, 1, 1]);
    assert!(exact["build"]["mb_per_s"].as_f64().unwrap() > 0.0);

    // By default the copies are distinct text, so grouping no longer folds them all into one.
    let v = json_report(run_on(dir.path()).args(["--scale", "5", "--iterations", "1", "--json"]));
    assert_eq!(v["corpus"]["scale"], 5);
    assert_eq!(v["corpus"]["sources"], 10);
    let hits = hits_of(&v);
    assert!(hits.iter().all(|&h| h >= 1), "{hits:?}");
    assert!(hits.iter().sum::<u64>() > 3, "{hits:?}");
    // The fixture itself is untouched: the copies lived elsewhere.
    let names: Vec<_> = std::fs::read_dir(dir.path().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2);
}

#[test]
fn a_bad_query_line_is_an_error_naming_file_and_line() {
    let dir = fixture();
    std::fs::write(
        dir.path().join("queries.txt"),
        "word\tGallery\n\nwrod\tcarer\n",
    )
    .unwrap();
    run_on(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("queries.txt"))
        .stderr(predicate::str::contains(
            "line 3: unknown query kind \"wrod\"",
        ));
}

#[test]
fn impossible_options_are_usage_errors() {
    let dir = fixture();
    for (args, needle) in [
        (
            &["--iterations", "0"][..],
            "--iterations must be at least 1",
        ),
        (&["--scale", "0"][..], "--scale must be at least 1"),
        (&["--scale", "1000000"][..], "too large"),
    ] {
        run_on(dir.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    }
    bin()
        .args(["bench", "--corpus", "/nonexistent/corpus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
}
