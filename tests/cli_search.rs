//! The search command end to end: the real binary on the real corpus.

mod common;

use predicates::prelude::*;

#[test]
fn deferral_finds_hits_with_the_plural_highlighted() {
    let env = common::shipped();
    let (hits, summary, code) = env.json(&["deferral", "--limit", "20"]);
    assert_eq!(code, 0);
    assert!(!hits.is_empty());
    assert_eq!(summary.hits, hits.len());
    assert!(summary.total >= hits.len());
    let highlighted: Vec<String> = hits
        .iter()
        .flat_map(|h| {
            h.text_highlights
                .iter()
                .map(|[a, b]| h.text[*a..*b].to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        highlighted.iter().any(|w| w == "deferrals"),
        "{highlighted:?}"
    );
    // Besides the word itself, only what the summary reports as expansions is highlighted (a
    // term searched alone is also looked for by its everyday words), and an everyday phrase
    // only whole: "years" alone is not "extra years".
    let expanded: Vec<String> = summary
        .expansions
        .iter()
        .filter(|e| e.from == "deferral")
        .flat_map(|e| e.to.iter().map(|t| t.to_lowercase()))
        .collect();
    assert!(expanded.iter().any(|t| t == "postpone"), "{expanded:?}");
    for h in &hits {
        assert!(!h.highlights.is_empty(), "hit {} has no highlight", h.id);
        for [a, b] in &h.highlights {
            let word = h.excerpt[*a..*b].to_lowercase();
            let is = |t: &String| {
                if t.contains(' ') {
                    word.contains(t.as_str())
                } else {
                    word.split(' ').any(|w| w.starts_with(&t[..t.len().min(5)]))
                }
            };
            assert!(
                word.starts_with("defer") || expanded.iter().any(is),
                "{word:?} is neither deferral nor one of {expanded:?}"
            );
        }
        let [s, e] = h.excerpt_range;
        assert_eq!(&h.text[s..e], h.excerpt);
    }
}

#[test]
fn terminal_output_has_no_ansi_escapes_when_piped_but_colours_when_asked() {
    let env = common::shipped();
    env.cmd()
        .arg("deferral")
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}[").not())
        .stdout(predicate::str::contains("[deferrals]"));
    env.cmd()
        .args(["deferral", "--color", "always"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}["));
    env.cmd()
        .args(["deferral", "--color", "never"])
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn plain_questions_with_apostrophes_colons_and_stop_words_just_work() {
    let env = common::shipped();
    for q in [
        "Ruth's possible",
        "Ruth's possible in Norfolk",
        "why did Madame cry",
        "Hailsham: what was it for?",
        "don't",
    ] {
        let (hits, _, code) = env.json(&[q]);
        assert_eq!(code, 0, "{q}");
        assert!(!hits.is_empty(), "{q}");
    }
    let (hits, _, _) = env.json(&["Ruth's possible in Norfolk", "--limit", "1"]);
    let top = hits[0].text.to_lowercase();
    assert!(top.contains("possible") && top.contains("norfolk"), "{top}");
}

#[test]
fn a_stop_word_only_query_does_not_return_everything() {
    let env = common::shipped();
    let (_, all, _) = env.json(&[
        "--kind",
        "plot",
        "--kind",
        "other",
        "--kind",
        "analysis",
        "--kind",
        "character",
        "--kind",
        "faq",
        "--kind",
        "quotation",
        "--kind",
        "comment",
        "--limit",
        "1",
    ]);
    for q in ["the", "the of and", "what is it", "AND", "\"the\" OR"] {
        let (_, summary, _) = env.json(&[q]);
        assert!(
            summary.total < all.total,
            "{q}: {} of {}",
            summary.total,
            all.total
        );
    }
    env.cmd()
        .arg("the")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("too common"));
}

#[test]
fn parser_killers_and_huge_queries_give_an_answer_or_a_clear_error() {
    let env = common::shipped();
    for q in [
        "- *",
        "+ *",
        "*^2",
        "a:(^",
        "(((",
        ")))",
        "\"",
        "ruth -",
        "NOT",
        "AND OR NOT",
    ] {
        let out = env.cmd().arg("--").arg(q).output().unwrap();
        let code = out.status.code().unwrap();
        assert!(code <= 2, "{q}: {code}");
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{q}"
        );
    }
    let nested = format!("{}ruth{}", "(".repeat(30), ")".repeat(30));
    env.cmd()
        .arg(&nested)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nests parentheses"));
    // Over-long operator queries are refused; a long plain question is cut (tests/cli_front.rs).
    let long = "memory OR ".repeat(200);
    env.cmd()
        .arg(&long)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at most"));
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn operators_phrases_and_exclusions() {
    let env = common::shipped();
    let (hits, _, code) = env.json(&["\"Norfolk\" -possible", "--limit", "50"]);
    assert_eq!(code, 0);
    assert!(!hits.is_empty());
    for h in &hits {
        let w = words(&h.text);
        assert!(w.contains(&"norfolk".to_string()), "{}", h.id);
        assert!(!w.contains(&"possible".to_string()), "{}", h.id);
    }
    // "AND NOT" is the exclusion it reads as, not a group that matches nothing.
    let (minus, minus_summary, _) = env.json(&["kathy -tommy", "--limit", "50"]);
    let (not, not_summary, code) = env.json(&["kathy AND NOT tommy", "--limit", "50"]);
    assert_eq!(code, 0);
    assert!(not_summary.total > 0);
    assert_eq!(not_summary.total, minus_summary.total);
    let ids = |hits: &[nlmg_search::output::json::JsonHit]| {
        hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&not), ids(&minus));
    for h in &not {
        assert!(!words(&h.text).contains(&"tommy".to_string()), "{}", h.id);
    }
    // Exclusions alone list every passage without them, and say so rather than report an
    // error.
    let (_, only, code) = env.json(&["NOT tommy", "--limit", "1"]);
    assert_eq!(code, 0);
    assert!(only.total > minus_summary.total);
    assert_eq!(
        only.notes,
        ["only exclusions given: every passage without them"]
    );
    let (and, _, _) = env.json(&["ruth AND tommy", "--limit", "50"]);
    assert!(!and.is_empty());
    // The section path is searchable too, so a heading naming both counts as a match.
    for h in &and {
        let w = words(&format!("{} {}", h.section.join(" "), h.text));
        assert!(w.iter().any(|x| x.starts_with("ruth")), "{}", h.id);
        assert!(w.iter().any(|x| x.starts_with("tommy")), "{}", h.id);
    }
}

#[test]
fn exit_codes_follow_grep() {
    let env = common::shipped();
    env.cmd().arg("deferral").assert().code(0);
    env.cmd().arg("zzqxjvbw").assert().code(1);
    env.cmd()
        .args(["deferral", "--kind", "nonsense"])
        .assert()
        .code(2);
    env.cmd()
        .args(["deferral", "--limit", "0"])
        .assert()
        .code(2);
    env.cmd()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to search for"));
    common::fixture(&[])
        .cmd()
        .arg("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error"));
}

#[test]
fn unknown_filter_values_exit_2_naming_the_valid_ones_and_the_closest() {
    let env = common::shipped();
    env.cmd()
        .args(["deferral", "--theme", "memroy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("12 themes"))
        .stderr(predicate::str::contains("nlmg-search list themes"))
        .stderr(predicate::str::contains("did you mean \"memory\""));
    env.cmd()
        .args(["x", "--character", "Rutth"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("16 characters"))
        .stderr(predicate::str::contains("Ruth"));
    env.cmd()
        .args(["x", "--source", "wiki"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("study-guide"));
}

#[test]
fn a_misspelt_word_is_matched_to_a_near_word_and_said_so() {
    let env = common::shipped();
    env.cmd()
        .arg("Norflok")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("showing results for \"norfolk\""))
        .stdout(predicate::str::contains("[Norfolk]"));
    env.cmd()
        .arg("deferal")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "showing results for \"deferral\"",
        ))
        .stdout(predicate::str::contains("[deferral]").or(predicate::str::contains("[deferrals]")));
    let (hits, summary, _) = env.json(&["deferal"]);
    assert_eq!(summary.suggestion.as_deref(), Some("deferral"));
    assert!(hits[..3]
        .iter()
        .all(|h| h.text.to_lowercase().contains("defer")));
    // A word the corpus uses is never "corrected", and the baseline corrects nothing.
    let (_, summary, _) = env.json(&["deferral"]);
    assert_eq!(summary.suggestion, None);
    let (hits, summary, code) = env.json(&["--ranking", "baseline", "norfok"]);
    assert_eq!((hits.len(), summary.suggestion, code), (0, None, 1));
}

#[test]
fn everyday_words_are_widened_to_the_novels_terms_and_shown() {
    let env = common::shipped();
    let (hits, summary, _) = env.json(&["who are the teachers"]);
    let e = summary
        .expansions
        .iter()
        .find(|e| e.from == "teachers")
        .expect("teachers expanded");
    assert!(e.to.iter().any(|t| t == "guardian"), "{e:?}");
    assert!(hits[..3]
        .iter()
        .any(|h| h.text.to_lowercase().contains("guardian")));
    env.cmd()
        .arg("who are the teachers")
        .assert()
        .stdout(predicate::str::contains(
            "also searching: teachers → guardian",
        ));
    // British and American spellings find each other.
    let (_, summary, _) = env.json(&["rumor"]);
    assert!(summary
        .expansions
        .iter()
        .any(|e| e.from == "rumor" && e.to.iter().any(|t| t == "rumour")));
}

#[test]
fn a_question_asking_for_a_number_says_so_and_ranks_a_number_first() {
    let env = common::shipped();
    let (hits, summary, code) = env.json(&["how long has kathy been a carer"]);
    assert_eq!(code, 0);
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("\"how long\" asks for a number")),
        "{:?}",
        summary.notes
    );
    assert!(hits[0].text.contains("twelve years"), "{}", hits[0].text);
    env.cmd()
        .arg("how many donations do they make")
        .assert()
        .success()
        .stderr(predicate::str::contains("\"how many\" asks for a number"));
    // A question that asks for no number is not told it does.
    let (_, summary, _) = env.json(&["why did miss lucy get fired"]);
    assert!(summary.notes.is_empty(), "{:?}", summary.notes);
}

#[test]
fn passages_show_the_terms_a_passage_explains_and_the_numbers_it_gives() {
    let env = common::shipped();
    let out = env
        .cmd()
        .args(["passages", "--json", "--source", "reading-notes"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let twelve = lines
        .iter()
        .find(|v| {
            v["text"]
                .as_str()
                .unwrap()
                .contains("a carer who looks after organ donors")
        })
        .expect("the narrator passage");
    assert!(
        twelve["explains"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "carer"),
        "{twelve}"
    );
    let answers = twelve["answers"].as_array().unwrap();
    assert_eq!(answers[0]["type"], "number", "{twelve}");
    assert!(
        answers[0]["beside"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "years"),
        "{twelve}"
    );
    // Page references are no numbers the text states: "(pp. 58-59)".
    let quotation = lines
        .iter()
        .find(|v| {
            v["text"]
                .as_str()
                .unwrap()
                .starts_with("\"Your lives are set out for you.")
        })
        .expect("Miss Lucy's quotation");
    assert_eq!(quotation["pages"], serde_json::json!([58, 59]));
    assert_eq!(quotation["answers"], serde_json::json!([]), "{quotation}");
    env.cmd()
        .args(["passages", "--source", "reading-notes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("explains: carer"))
        .stdout(predicate::str::contains("gives a number, beside:"));
}

#[test]
fn a_quotation_repeated_in_the_corpus_is_one_hit_with_also_in() {
    let env = common::shipped();
    let (hits, _, _) = env.json(&["river", "water", "current", "--limit", "20"]);
    let river: Vec<_> = hits
        .iter()
        .filter(|h| {
            h.text
                .contains("I keep thinking about this river somewhere")
        })
        .collect();
    assert_eq!(river.len(), 1, "one hit for the quotation");
    assert!(!river[0].also_in.is_empty());
    assert!(river[0].also_in.iter().all(|a| a.id != river[0].id));
    let (base, _, _) = env.json(&[
        "--ranking",
        "full,-dedup",
        "river",
        "water",
        "current",
        "--limit",
        "20",
    ]);
    assert!(
        base.iter()
            .filter(|h| h
                .text
                .contains("I keep thinking about this river somewhere"))
            .count()
            > 1
    );
    env.cmd()
        .args(["river", "water", "current"])
        .assert()
        .stdout(predicate::str::contains("also in: "));
}

#[test]
fn filters_without_query_list_in_reading_order() {
    let env = common::shipped();
    let (hits, summary, code) = env.json(&["--source", "blog-summary", "--limit", "100"]);
    assert_eq!(code, 0);
    assert_eq!(summary.total, hits.len());
    assert!(hits
        .iter()
        .all(|h| h.source == "blog-summary" && h.score.is_none()));
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    let mut seqs: Vec<u32> = ids
        .iter()
        .map(|i| i.rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    let sorted = {
        let mut s = seqs.clone();
        s.sort();
        s
    };
    assert_eq!(seqs, sorted);
    seqs.dedup();
    assert_eq!(
        summary.facets["source"].get("blog-summary"),
        Some(&(hits.len() as u64))
    );
}

#[test]
fn same_flag_twice_is_either_and_different_flags_are_both() {
    let env = common::shipped();
    let (one, _, _) = env.json(&["--source", "blog-summary", "--limit", "500"]);
    let (two, _, _) = env.json(&[
        "--source",
        "blog-summary",
        "--source",
        "READING-NOTES",
        "--limit",
        "500",
    ]);
    assert!(two.len() > one.len());
    let (both, _, code) = env.json(&[
        "--source",
        "blog-summary",
        "--kind",
        "plot",
        "--limit",
        "500",
    ]);
    assert!(code <= 1);
    assert!(both
        .iter()
        .all(|h| h.source == "blog-summary" && h.kind == "plot"));
}

#[test]
fn context_comes_from_the_neighbouring_passage_when_needed() {
    let env = common::shipped();
    let (hits, _, _) = env.json(&["deferral", "-C", "2", "--limit", "20"]);
    assert!(hits
        .iter()
        .any(|h| !h.context_before.is_empty() || !h.context_after.is_empty()));
    let (none, _, _) = env.json(&["deferral", "-C", "0"]);
    assert!(none
        .iter()
        .all(|h| h.context_before.is_empty() && h.context_after.is_empty()));
}

#[test]
fn every_hit_of_character_ruth_carries_ruth() {
    let env = common::shipped();
    for spelling in ["ruth", "RUTH", "Ruth C."] {
        let (hits, _, code) = env.json(&["--character", spelling, "--limit", "500"]);
        assert_eq!(code, 0, "{spelling}");
        assert!(hits
            .iter()
            .all(|h| h.characters.iter().any(|c| c == "Ruth")));
    }
    let (kath, _, _) = env.json(&["--character", "kath", "memory"]);
    assert!(kath
        .iter()
        .all(|h| h.characters.iter().any(|c| c == "Kathy")));
}

#[test]
fn theme_and_section_filters_hold_and_facets_count_the_match_set() {
    let env = common::shipped();
    let (hits, summary, code) = env.json(&["--theme", "Memory", "--limit", "500"]);
    assert_eq!(code, 0);
    assert!(hits.iter().all(|h| h.themes.iter().any(|t| t == "memory")));
    assert_eq!(summary.facets["theme"]["memory"], summary.total as u64);
    let (sec, _, _) = env.json(&["--section", "character", "--limit", "500"]);
    assert!(!sec.is_empty());
    assert!(sec.iter().all(|h| h
        .section
        .iter()
        .any(|s| s.to_lowercase().contains("character"))));
}
