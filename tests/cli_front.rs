//! The command line as a new user meets it (issue: completions, man page, examples, rough
//! edges): each check runs the real binary on the shipped corpus or a small fixture.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use predicates::prelude::*;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn completions_print_a_script_and_complete_filter_values_from_the_index() {
    let env = common::shipped();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        env.cmd()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("NLMG_SEARCH_COMPLETE"));
    }
    env.cmd().arg("index").assert().success();
    // What the bash script asks at `nlmg-search --theme loss<Tab>`.
    let out = env
        .cmd()
        .env("NLMG_SEARCH_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("_CLAP_IFS", "\n")
        .args(["--", "nlmg-search", "--theme", "loss"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "love-and-loss");
    let out = env
        .cmd()
        .env("NLMG_SEARCH_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("_CLAP_IFS", "\n")
        .args(["--", "nlmg-search", "--source", ""])
        .output()
        .unwrap();
    let sources = String::from_utf8_lossy(&out.stdout).into_owned();
    for s in ["blog-summary", "reading-notes", "study-guide"] {
        assert!(sources.lines().any(|l| l == s), "{sources}");
    }
}

#[test]
fn man_prints_a_roff_page_from_the_clap_definitions() {
    common::shipped()
        .cmd()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH nlmg-search 1"))
        .stdout(predicate::str::contains("\\-\\-theme"))
        .stdout(predicate::str::contains("completions"));
}

#[test]
fn every_subcommand_help_ends_with_examples() {
    let env = common::shipped();
    for sub in ["index", "bench", "list", "passages", "completions", "man"] {
        let out = env.cmd().args([sub, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout).into_owned();
        let tail = help.rsplit("Examples:").next().unwrap();
        assert!(help.contains("Examples:"), "{sub}: {help}");
        let n = tail
            .lines()
            .filter(|l| l.starts_with("  nlmg-search"))
            .count();
        assert!((2..=3).contains(&n), "{sub}: {n} examples");
    }
}

#[test]
fn a_command_name_typed_as_a_query_gets_the_double_dash_hint() {
    let env = common::shipped();
    env.cmd()
        .args(["list", "of", "donors"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nlmg-search -- list of donors"));
    // "serve" is a command and a word the summaries use ("serve as donors").
    let (hits, _, code) = env.json(&["--", "serve"]);
    assert_eq!(code, 0, "the word serve is searched after --");
    assert!(!hits.is_empty());
}

#[test]
fn every_subcommand_accepts_the_global_options() {
    let env = common::shipped();
    env.cmd()
        .args(["list", "themes", "--color", "never"])
        .assert()
        .success()
        .stdout(predicate::str::contains("memory"));
    env.cmd()
        .args(["--color", "never", "index"])
        .assert()
        .success();
}

#[test]
fn a_missing_corpus_is_the_only_thing_said() {
    let env = common::shipped();
    env.cmd().arg("index").assert().success();
    let out = env
        .cmd()
        .args(["--corpus", "/nonexistent/corpus", "deferral"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("/nonexistent/corpus does not exist"), "{err}");
    assert!(
        !err.contains("changed") && !err.contains("rebuild"),
        "{err}"
    );
}

#[test]
fn unknown_filter_values_show_the_closest_few_the_count_and_list() {
    let env = common::shipped();
    let out = env.cmd().args(["--section", "faq", "x"]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("nlmg-search list sections"), "{err}");
    assert!(err.lines().all(|l| l.len() < 400), "a short message: {err}");
    let out = env.cmd().args(["--theme", "loss", "x"]).output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("did you mean \"love-and-loss\""), "{err}");
    let out = env
        .cmd()
        .args(["--character", "hermione", "x"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!err.contains("Geraldine"), "{err}");
    assert!(err.contains("nlmg-search list characters"), "{err}");
}

#[test]
fn a_lone_bracket_or_operator_is_told_in_the_tools_words_like_a_lone_common_word() {
    let env = common::shipped();
    for q in ["(", "AND", "the"] {
        let out = env.cmd().args(["--", q]).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{q}: {err}");
        assert!(!err.contains("Syntax Error"), "{q}: {err}");
        assert!(
            err.contains("no word to search for") || err.contains("too common"),
            "{q}: {err}"
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("no passages match"));
    }
}

#[test]
fn a_long_plain_question_is_searched_by_its_opening_operators_are_refused() {
    let env = common::shipped();
    let long = "why did Madame cry when she saw Kathy dancing ".repeat(40);
    let (hits, summary, code) = env.json(&[&long]);
    assert_eq!(code, 0);
    assert!(!hits.is_empty());
    assert!(
        summary.notes.iter().any(|n| n.contains("first")),
        "{:?}",
        summary.notes
    );
    env.cmd()
        .arg(format!("\"deferral\" {}", "memory AND tape ".repeat(100)))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at most"));
}

#[test]
fn highlights_in_characters_slice_the_matched_words() {
    let env = common::shipped();
    let (hits, _, _) = env.json(&["Madame", "--limit", "20"]);
    let mut non_ascii = 0;
    for h in &hits {
        assert_eq!(h.highlights.len(), h.highlights_chars.len());
        let chars: Vec<char> = h.excerpt.chars().collect();
        for ([bs, be], [cs, ce]) in h.highlights.iter().zip(&h.highlights_chars) {
            let by_char: String = chars[*cs..*ce].iter().collect();
            assert_eq!(by_char, h.excerpt[*bs..*be]);
            if bs != cs {
                non_ascii += 1;
            }
        }
        let text: Vec<char> = h.text.chars().collect();
        for ([bs, be], [cs, ce]) in h.text_highlights.iter().zip(&h.text_highlights_chars) {
            assert_eq!(text[*cs..*ce].iter().collect::<String>(), h.text[*bs..*be]);
        }
    }
    assert!(
        non_ascii > 0,
        "no excerpt with non-ASCII text before a highlight"
    );
}

#[test]
fn context_marks_the_heading_it_crosses() {
    let env = common::shipped();
    let (hits, _, _) = env.json(&["deferral", "-C", "2"]);
    let crossing = hits
        .iter()
        .find(|h| h.context_before_section.is_some())
        .expect("a hit whose context starts under another heading");
    assert_ne!(
        crossing.context_before_section.as_ref(),
        Some(&crossing.section)
    );
    assert!(crossing.context_before_outside > 0);
    assert!(crossing.context_before_outside <= crossing.context_before.len());
    let out = env
        .cmd()
        .args(["deferral", "-C", "2", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let heading = crossing.section.last().unwrap();
    assert!(text.contains(&format!("[§ {heading}]")), "{text}");
}

#[test]
fn a_page_listing_shows_the_sentence_that_cites_the_page() {
    let env = common::shipped();
    let (hits, _, _) = env.json(&["--kind", "quotation", "--page", "50-60"]);
    assert!(!hits.is_empty());
    for h in &hits {
        let cited = h.pages.iter().filter(|p| (50..=60).contains(*p));
        let shown: Vec<u32> = cited
            .filter(|p| h.excerpt.contains(&p.to_string()))
            .copied()
            .collect();
        assert!(!shown.is_empty(), "{}: {:?} / {}", h.id, h.pages, h.excerpt);
        assert!(!h.highlights.is_empty(), "{}", h.id);
    }
}

/// Ctrl-C in the middle of a build: the build says it stopped, exits 130, removes what it
/// made, and the index searches as before.
#[test]
fn ctrl_c_during_index_stops_cleanly() {
    let env = common::shipped_copy();
    env.cmd().arg("index").assert().success();
    let before = env.json(&["deferral"]).0;
    // A corpus large enough that the build is still running when the signal comes.
    let text = std::fs::read_to_string(env.corpus.join("study-guide.txt")).unwrap();
    for i in 0..40 {
        std::fs::write(env.corpus.join(format!("copy-{i}.txt")), &text).unwrap();
    }
    let mut stopped = 0;
    for attempt in 0..5 {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_nlmg-search"))
            .env("NLMG_CORPUS", &env.corpus)
            .env("NLMG_INDEX", env.index.path())
            .args(["index", "--force"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the build has made its directory, then interrupt.
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            let building = std::fs::read_dir(env.index.path())
                .unwrap()
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("tmp-"));
            if building {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(20 * attempt));
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        let leftovers: Vec<String> = std::fs::read_dir(env.index.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
        match out.status.code() {
            Some(130) => {
                assert!(err.contains("stopped"), "{err}");
                stopped += 1;
            }
            Some(0) => {} // finished before the signal
            other => panic!("exit {other:?}: {err}"),
        }
        if stopped > 0 {
            break;
        }
    }
    assert!(stopped > 0, "no build was interrupted");
    // The stopped build changed nothing a search sees (the corpus it read has grown, so the
    // search would rebuild: read through the old generation only by its status).
    for i in 0..40 {
        std::fs::remove_file(env.corpus.join(format!("copy-{i}.txt"))).unwrap();
    }
    let after = env.json(&["deferral"]).0;
    let ids = |h: &[nlmg_search::output::json::JsonHit]| {
        h.iter().map(|h| h.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&after), ids(&before));
}
