//! The `--ranking` technique switches: each one, turned off alone, changes what a search
//! returns for a query it bears on, so every switch is a real part that can be measured on its
//! own (`tests/quality.rs` with `NLMG_EVAL_RANKING=full,-name`).

mod common;

use nlmg_search::search::Ranking;

/// Per technique, a query on the shipped corpus whose hits (ids or scores) it changes.
const SHIPPED: [(&str, &str); 13] = [
    ("stopwords", "does tommy die at the end"),
    ("expansion", "did never let me go win the booker prize"),
    ("fuzzy", "narator"),
    ("coverage", "is kathy a clone too"),
    ("proximity", "did ruth and tommy ever break up"),
    ("heading", "does tommy die at the end"),
    ("kind", "is kathy a clone too"),
    ("dedup", "is madame the same person as marie-claude"),
    ("characters", "does tommy die at the end"),
    ("questions", "how long has kathy been a carer"),
    ("context", "\"able to do\""),
    ("gloss", "cottages"),
    ("feedback", "is kathy a clone too"),
];

fn ranked(env: &common::Env, ranking: &str, query: &str) -> Vec<(String, Option<f32>)> {
    let (hits, _, code) = env.json(&["--ranking", ranking, query]);
    assert!(code <= 1, "{ranking} {query:?}: exit {code}");
    hits.into_iter().map(|h| (h.id, h.score)).collect()
}

#[test]
fn every_switch_turned_off_alone_changes_the_hits_of_a_query_it_bears_on() {
    let env = common::shipped();
    for (name, query) in SHIPPED {
        let full = ranked(&env, "full", query);
        assert!(!full.is_empty(), "{query:?} finds nothing");
        let without = ranked(&env, &format!("full,-{name}"), query);
        assert_ne!(full, without, "-{name} changes nothing for {query:?}");
    }
}

#[test]
fn the_length_switch_weighs_down_a_short_passage_that_repeats_the_query_word() {
    // The shipped corpus has no passage short enough for it, so a fixture.
    let env = common::fixture(&[(
        "a.txt",
        "Nobody knew where the gallery was, or if the gallery existed.\n\n\
         The students made art for the gallery, and for years they wondered what it was for \
         and why Madame took the best pieces of their work away with her in the car.\n",
    )]);
    let first = |ranking: &str| ranked(&env, ranking, "gallery")[0].0.clone();
    assert_eq!(first("full,-length"), "a:0");
    assert_eq!(first("full"), "a:1");
}

#[test]
fn every_technique_has_a_case() {
    for name in Ranking::TECHNIQUES {
        assert!(
            name == "length" || SHIPPED.iter().any(|(n, _)| *n == name),
            "no test shows the effect of {name}"
        );
    }
}
