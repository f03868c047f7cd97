//! Unit tests of the search stages, over small engines built from fixtures.

use super::filters::{resolve_kinds, resolve_pages, resolve_parts};
use super::operators::only_phrases;
use super::ranking::{kind_weight, length_weight};
use super::retrieve::same_family;
use super::understand::{letter_counts, letters_apart};
use super::*;
use crate::model::Kind;
use crate::suggest;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The letter-count filter in front of the edit distance never rejects a word that is
    /// within reach: counts differ by at most twice the distance. Words from a small
    /// alphabet (and letters 32 apart, which share a bucket) so near words are common.
    #[test]
    fn letter_counts_never_overstate_the_edit_distance(
        a in "[abcdeé@!]{0,12}",
        b in "[abcdeé@!]{0,12}",
    ) {
        let differ = letters_apart(&letter_counts(&a), &letter_counts(&b));
        let d = strsim::damerau_levenshtein(&a, &b) as u32;
        prop_assert!(differ <= 2 * d, "{a:?} {b:?}: counts differ by {differ}, distance {d}");
    }
}

#[test]
fn only_phrases_is_quoted_phrases_and_nothing_else() {
    for (q, yes) in [
        ("\"we all complete\"", true),
        ("  \"told and not told\" \"lost corner\" ", true),
        ("\"norfolk\" -possible", false),
        ("ruth AND \"tommy\"", false),
        ("\"unclosed", false),
        ("\"\"", false),
        ("plain words", false),
    ] {
        assert_eq!(only_phrases(q), yes, "{q}");
    }
}

#[test]
fn operator_detection() {
    for (q, want) in [
        ("deferral", false),
        ("why did Madame cry", false),
        ("Ruth's possible in Norfolk", false),
        ("Marie-Claude", false),
        ("\"told and not told\"", true),
        ("ruth -tommy", true),
        ("ruth AND tommy", true),
        ("ruth and tommy", false),
        ("(ruth OR tommy) memory", true),
        ("- *", false),
        ("+hailsham", true),
    ] {
        assert_eq!(uses_operators(q), want, "{q}");
    }
}

#[test]
fn repair_neutralises_parser_killers_and_balances() {
    for (q, want) in [
        ("- *", "   "),
        ("+ *", "   "),
        ("*^2", "  2"),
        ("a:(^", "a ( )"),
        ("\"open quote", " open quote"),
        ("(a OR b", "(a OR b)"),
        ("a) OR (b", "a  OR (b)"),
        ("-ruth \"x (y\"", "-ruth \"x  y\""),
        ("Ruth's", "Ruth s"),
    ] {
        assert_eq!(repair(q).unwrap(), want, "{q}");
    }
    let deep = format!("{}a{}", "(".repeat(30), ")".repeat(30));
    assert!(matches!(repair(&deep), Err(Error::Query(_))));
}

#[test]
fn filter_values_parse_or_explain() {
    let parts = Lexicon::parse(include_str!("../../corpus/lexicon.toml"))
        .unwrap()
        .parts;
    assert_eq!(
        resolve_parts(&parts, &["Two".into(), "part 3".into()])
            .unwrap()
            .len(),
        2
    );
    assert!(resolve_parts(&parts, &["4".into()]).is_err());
    assert_eq!(
        resolve_pages(&["58".into(), "50-52".into()]).unwrap().len(),
        4
    );
    for bad in ["x", "60-50", "1-99999", ""] {
        assert!(resolve_pages(&[bad.into()]).is_err(), "{bad}");
    }
    let e = resolve_kinds(&["quotes".into()]).unwrap_err().to_string();
    assert!(e.contains("quotation") && e.contains("kinds are"), "{e}");
}

#[test]
fn ranking_specs_switch_techniques_or_explain() {
    assert_eq!(Ranking::parse("full").unwrap(), Ranking::FULL);
    assert_eq!(Ranking::parse("Baseline").unwrap(), Ranking::BASELINE);
    let r = Ranking::parse("full,-proximity, -dedup").unwrap();
    assert!(!r.proximity && !r.dedup && r.kind && r.stopwords);
    let r = Ranking::parse("baseline,+stopwords,fuzzy").unwrap();
    assert!(r.stopwords && r.fuzzy && !r.expansion && !r.heading);
    for bad in ["fast", "full,-speed", "full,+", "baseline,proximityy"] {
        let e = Ranking::parse(bad).unwrap_err().to_string();
        assert!(
            e.contains("unknown ranking") && e.contains("proximity"),
            "{bad}: {e}"
        );
    }
    for name in Ranking::TECHNIQUES {
        let off = Ranking::parse(&format!("full,-{name}")).unwrap();
        assert_ne!(off, Ranking::FULL, "{name}");
        assert_eq!(
            Ranking::parse(&format!("baseline,+{name}"))
                .unwrap()
                .flag_count(),
            1
        );
    }
}

#[test]
fn short_passages_and_comments_weigh_less() {
    for (words, want) in [(0, 0.35), (1, 0.35), (15, 1.0), (200, 1.0)] {
        assert!((length_weight(words) - want).abs() < 1e-6, "{words}");
    }
    assert!(length_weight(4) < length_weight(10));
    let w = |k: Kind| kind_weight(Kind::ALL.iter().position(|x| *x == k).unwrap() as u64);
    assert!(w(Kind::Faq) > w(Kind::Analysis) && w(Kind::Plot) > w(Kind::Comment));
    assert!(w(Kind::Comment) > w(Kind::Other));
    assert_eq!(kind_weight(99), 1.0);
}

#[test]
fn word_helpers() {
    assert!(same_family("defer", "deferr"));
    assert!(!same_family("car", "care"));
    assert!(!same_family("ruth", "ruthless"));
    // Only a suffix's letters, or a doubled last letter, keep a stem the same word.
    assert!(same_family("jealous", "jealousi"));
    assert!(same_family("realli", "real"));
    assert!(!same_family("sing", "singl"));
    assert!(!same_family("index", "inde"));
    assert!(!same_family("creatur", "creat"));
    assert_eq!(
        suggest::closest("memroy", ["memory", "hope"].into_iter()),
        Some("memory")
    );
}

/// Passage `seq` of the test source "notes", untagged, with the passage before it as `prev`.
fn note(seq: u32, kind: Kind, text: &str) -> Passage {
    Passage {
        section: vec!["Notes".into()],
        prev: seq.checked_sub(1).map(|s| format!("notes:{s}")),
        ..Passage::sample("notes", seq, kind, text)
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn tagged_engine() -> (tempfile::TempDir, Engine) {
    let p =
        |seq: u32, section: &[&str], kind, chars: &[&str], themes: &[&str], text: &str| Passage {
            section: strings(section),
            part: Some(2),
            characters: strings(chars),
            themes: strings(themes),
            pages: vec![seq + 50],
            next: Some(format!("notes:{}", seq + 1)),
            ..note(seq, kind, text)
        };
    let passages = vec![
        p(
            0,
            &["Characters", "Ruth C."],
            Kind::Character,
            &["Ruth"],
            &["manipulation"],
            "She pretends to know everything.",
        ),
        p(
            1,
            &["Characters", "Kathy H."],
            Kind::Character,
            &["Kathy"],
            &["memory"],
            "Kathy remembers Hailsham and the tape.",
        ),
        p(
            2,
            &["Plot"],
            Kind::Plot,
            &["Kathy", "Ruth"],
            &["memory"],
            "They drive to Norfolk to see the possible.",
        ),
    ];
    engine_over(passages, &[])
}

/// An engine over passages of one source, "notes", with the shipped lexicon and the given
/// words marking a passage that continues the one before it.
fn engine_over(passages: Vec<Passage>, continues: &[&str]) -> (tempfile::TempDir, Engine) {
    use crate::model::{Corpus, Source};
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let lexicon = Lexicon::load(&shipped).unwrap();
    let corpus = Corpus {
        sources: vec![Source {
            id: "notes".into(),
            title: "Notes".into(),
            kind: String::new(),
            description: String::new(),
            file: "notes.txt".into(),
        }],
        passages,
        warnings: vec![],
        fingerprint: "test".into(),
        bytes: 100,
        continues: continues.iter().map(|s| s.to_string()).collect(),
        // As the shipped cleaning.toml has it: a continuation is read through a quotation.
        continued_kinds: vec![Kind::Quotation],
        glosses: crate::ingest::glosses(&lexicon),
        families: crate::ingest::families(&lexicon),
        answer_types: lexicon.answer_types.clone(),
    };
    let dir = tempfile::tempdir().unwrap();
    index::build(&corpus, dir.path(), &mut |_| {}).unwrap();
    let engine = Engine::open(dir.path(), &shipped).unwrap();
    (dir, engine)
}

fn ids(r: &Response) -> Vec<&str> {
    r.hits.iter().map(|h| h.passage.id.as_str()).collect()
}

#[test]
fn filters_resolve_aliases_combine_and_count_facets() {
    let (_dir, engine) = tagged_engine();
    let run = |f: Filters, q: &str| {
        engine
            .search(&Request {
                query: q.into(),
                filters: f,
                ..Request::default()
            })
            .unwrap()
    };
    for (filters, query, want) in [
        (
            Filters {
                character: vec!["kath".into()],
                ..Default::default()
            },
            "",
            vec!["notes:1", "notes:2"],
        ),
        (
            Filters {
                character: vec!["RUTH C.".into()],
                ..Default::default()
            },
            "",
            vec!["notes:0", "notes:2"],
        ),
        (
            Filters {
                character: vec!["ruth".into(), "kathy".into()],
                ..Default::default()
            },
            "",
            vec!["notes:0", "notes:1", "notes:2"],
        ),
        (
            Filters {
                character: vec!["ruth".into()],
                theme: vec!["Memory".into()],
                ..Default::default()
            },
            "",
            vec!["notes:2"],
        ),
        (
            Filters {
                section: vec!["character".into()],
                ..Default::default()
            },
            "",
            vec!["notes:0", "notes:1"],
        ),
        (
            Filters {
                kind: vec!["PLOT".into()],
                ..Default::default()
            },
            "",
            vec!["notes:2"],
        ),
        (
            Filters {
                page: vec!["50-51".into()],
                part: vec!["two".into()],
                ..Default::default()
            },
            "",
            vec!["notes:0", "notes:1"],
        ),
        (
            Filters {
                theme: vec!["memory".into()],
                ..Default::default()
            },
            "tape",
            vec!["notes:1"],
        ),
    ] {
        let r = run(filters.clone(), query);
        assert_eq!(ids(&r), want, "{filters:?} {query}");
        assert_eq!(r.total, want.len());
    }
    let r = run(
        Filters {
            theme: vec!["memory".into()],
            ..Default::default()
        },
        "",
    );
    assert!(r.listing && r.hits.iter().all(|h| h.score.is_none()));
    assert_eq!(r.facets["character"]["Kathy"], 2);
    assert_eq!(r.facets["character"]["Ruth"], 1);
    assert_eq!(r.facets["page"]["51"], 1);
    for bad in [
        Filters {
            character: vec!["Ruht".into()],
            ..Default::default()
        },
        Filters {
            section: vec!["epilogue".into()],
            ..Default::default()
        },
        Filters {
            source: vec!["blog".into()],
            ..Default::default()
        },
    ] {
        let e = engine
            .search(&Request {
                query: "x".into(),
                filters: bad.clone(),
                ..Request::default()
            })
            .unwrap_err();
        assert!(matches!(e, Error::Usage(_)), "{bad:?}: {e}");
    }
}

#[test]
fn headings_count_and_baseline_ignores_them() {
    let (_dir, engine) = tagged_engine();
    let full = engine
        .search(&Request {
            query: "plot".into(),
            ..Request::default()
        })
        .unwrap();
    assert_eq!(ids(&full), ["notes:2"]);
    let base = engine
        .search(&Request {
            query: "plot".into(),
            ranking: Ranking::BASELINE,
            ..Request::default()
        })
        .unwrap();
    assert!(base.hits.is_empty());
    let ctx = engine
        .search(&Request {
            query: "tape".into(),
            context: 1,
            ..Request::default()
        })
        .unwrap();
    assert_eq!(
        ctx.hits[0].excerpt.context_before,
        "She pretends to know everything."
    );
    assert_eq!(
        ctx.hits[0].excerpt.context_after,
        "They drive to Norfolk to see the possible."
    );
}

#[test]
fn named_characters_match_every_spelling_but_a_tag_alone_is_no_match() {
    let (_dir, engine) = tagged_engine();
    let run = |q: &str, spec: &str| {
        let r = engine
            .search(&Request {
                query: q.into(),
                ranking: Ranking::parse(spec).unwrap(),
                ..Request::default()
            })
            .unwrap();
        let mut ids: Vec<String> = r.hits.iter().map(|h| h.passage.id.clone()).collect();
        ids.sort();
        ids
    };
    for (q, spec, want) in [
        // "kath" is an alias of Kathy: notes:1 says "Kathy".
        // (Expansion off: its stem extensions would find "kathy" from "kath" too.)
        (
            "kath possible",
            "full,-expansion",
            vec!["notes:1", "notes:2"],
        ),
        (
            "kath possible",
            "full,-expansion,-characters",
            vec!["notes:2"],
        ),
        // notes:2 is tagged Kathy but matches neither word: not a hit.
        ("kathy tape", "full", vec!["notes:1"]),
    ] {
        assert_eq!(run(q, spec), want, "{q} / {spec}");
    }
}

#[test]
fn unknown_words_are_corrected_and_expansions_reported() {
    let (_dir, engine) = tagged_engine();
    let run = |q: &str, ranking: Ranking| {
        engine
            .search(&Request {
                query: q.into(),
                ranking,
                ..Request::default()
            })
            .unwrap()
    };
    for (q, suggestion, want) in [
        ("norfok", Some("norfolk"), vec!["notes:2"]),
        ("Kathy remembres", Some("kathy remembers"), vec!["notes:1"]),
        ("remembers", None, vec!["notes:1"]),
        // Too short to correct: four letters.
        ("tapo", None, vec![]),
    ] {
        let r = run(q, Ranking::FULL);
        assert_eq!(r.suggestion.as_deref(), suggestion, "{q}");
        assert_eq!(ids(&r), want, "{q}");
    }
    let off = run("norfok", Ranking::parse("full,-fuzzy").unwrap());
    assert!(off.hits.is_empty() && off.suggestion.is_none());
    // "teachers" is an everyday word for the novel's "guardian" in the shipped lexicon.
    let r = run("teachers pretend", Ranking::FULL);
    assert_eq!(
        r.expansions,
        [Expansion {
            from: "teachers".into(),
            to: vec!["guardian".into()]
        }]
    );
    assert!(run("teachers pretend", Ranking::BASELINE)
        .expansions
        .is_empty());
}

#[test]
fn real_words_are_not_corrected_to_other_words() {
    let (_dir, engine) = plain_engine(
        &[
            (Kind::Plot, "Ruth breaks up with Tommy."),
            (Kind::Plot, "Their future is bleak."),
            (Kind::Plot, "They cannot defer it."),
            (Kind::Plot, "They ask for a deferral."),
            (Kind::Plot, "They shared a room."),
            (Kind::Plot, "Kathy is a carer."),
            (Kind::Plot, "Lucy cares for Ruth."),
        ],
        &[],
    );
    // "break" is one letter from "bleak", but the text has it as "breaks".
    let r = search_with(&engine, "did they break up", "full");
    assert_eq!(r.suggestion, None);
    assert_eq!(ids(&r), ["notes:0"]);
    // A word the text has in no form is still corrected.
    let r = search_with(&engine, "bleek", "full");
    assert_eq!(r.suggestion.as_deref(), Some("bleak"));
    assert_eq!(ids(&r), ["notes:1"]);
    // "deferal" is stemmed like "defer", but the word meant is the longer "deferral".
    let r = search_with(&engine, "deferal", "full");
    assert_eq!(r.suggestion.as_deref(), Some("deferral"));
    assert_eq!(ids(&r)[0], "notes:3", "{:?}", ids(&r));
    // An English word the text does not use is not taken for the nearest word it does use
    // ("scared" is not "shared")...
    let r = search_with(&engine, "scared", "full");
    assert_eq!((r.suggestion.as_deref(), ids(&r).len()), (None, 0));
    // ... unless that word is one of the book's own (the lexicon's term "carer").
    let r = search_with(&engine, "career", "full");
    assert_eq!(r.suggestion.as_deref(), Some("carer"));
    assert_eq!(ids(&r)[0], "notes:5", "{:?}", ids(&r));
    // An English word whose stem the text has is not stretched to a longer word: "cared"
    // is "care", not "carer"; and a word one letter from a name is not the name.
    for q in ["who cared for ruth", "lucky kathy"] {
        let r = search_with(&engine, q, "full");
        assert_eq!(r.suggestion, None, "{q}");
    }
}

/// An engine over one source of plain passages (in reading order), with the shipped
/// lexicon and the given words marking a passage that continues the one before it.
fn plain_engine(texts: &[(Kind, &str)], continues: &[&str]) -> (tempfile::TempDir, Engine) {
    let n = texts.len() as u32;
    let passages = texts
        .iter()
        .enumerate()
        .map(|(i, (kind, text))| {
            let seq = i as u32;
            Passage {
                next: (seq + 1 < n).then(|| format!("notes:{}", seq + 1)),
                ..note(seq, *kind, text)
            }
        })
        .collect();
    engine_over(passages, continues)
}

fn search_with(engine: &Engine, q: &str, ranking: &str) -> Response {
    engine
        .search(&Request {
            query: q.into(),
            ranking: Ranking::parse(ranking).unwrap(),
            ..Request::default()
        })
        .unwrap()
}

#[test]
fn a_lone_term_is_explained_filtered_or_not() {
    let p = |seq: u32, chars: &[&str], text: &str| Passage {
        characters: strings(chars),
        ..note(seq, Kind::Plot, text)
    };
    let (_dir, engine) = engine_over(
        vec![
            p(0, &["Ruth"], "They drive to Norfolk to see the possible."),
            p(
                1,
                &["Ruth"],
                "Ruth thinks she has spotted her original in an office.",
            ),
            p(2, &["Kathy"], "Kathy wonders about her own original."),
        ],
        &[],
    );
    let run = |filters: Filters| {
        engine
            .search(&Request {
                query: "possible".into(),
                filters,
                ..Request::default()
            })
            .unwrap()
    };
    let explains = |r: &Response| {
        r.expansions
            .iter()
            .any(|e| e.from == "possible" && e.to.iter().any(|t| t == "original"))
    };
    let all = run(Filters::default());
    assert!(explains(&all));
    assert_eq!(ids(&all)[0], "notes:0");
    // Narrowed to Ruth, "possible" still reads as her original: the passage that says
    // "original" is found, the one about Kathy is not.
    let ruth = run(Filters {
        character: vec!["ruth".into()],
        ..Filters::default()
    });
    assert!(explains(&ruth), "{:?}", ruth.expansions);
    assert_eq!(ids(&ruth), vec!["notes:0", "notes:1"]);
}

#[test]
fn what_the_summaries_call_a_term_is_searched_when_it_is_asked_about_or_typed_alone() {
    // Reads the shipped corpus/lexicon.toml: carer is `called` a euphemism, possible is not.
    let (_dir, engine) = plain_engine(
        &[
            (Kind::Plot, "Kathy is a carer for Ruth."),
            (Kind::Analysis, "These euphemisms soften the donors' fate."),
            (Kind::Plot, "Ruth looks for her possible in an office."),
        ],
        &[],
    );
    let names_it = |r: &Response, from: &str| {
        r.expansions
            .iter()
            .any(|e| e.from == from && e.to.iter().any(|t| t == "euphemism"))
    };
    for q in ["carer", "what is a carer", "carrer"] {
        let r = search_with(&engine, q, "full");
        assert!(ids(&r).contains(&"notes:1"), "{q}: {:?}", ids(&r));
        assert!(
            names_it(&r, "carer") || names_it(&r, "carers"),
            "{q}: {:?}",
            r.expansions
        );
    }
    // Not for a term the summaries do not call so, nor for the term among other words,
    // nor without the `questions` switch.
    for (q, ranking) in [
        ("possible", "full"),
        ("kathy carer ruth", "full"),
        ("carer", "full,-questions"),
    ] {
        let r = search_with(&engine, q, ranking);
        assert!(
            !ids(&r).contains(&"notes:1"),
            "{q} {ranking}: {:?}",
            ids(&r)
        );
    }
}

#[test]
fn a_quoted_phrase_also_finds_the_discussion_of_its_quotation() {
    let (_dir, engine) = plain_engine(
        &[
            (
                Kind::Quotation,
                "\"We all complete. Maybe none of us understand.\"",
            ),
            (
                Kind::Analysis,
                "This reflection shows the universal side of the novel.",
            ),
            (
                Kind::Analysis,
                "Another reflection on the novel and its themes.",
            ),
            (Kind::Quotation, "\"The boat was stranded in the marsh.\""),
            (
                Kind::Analysis,
                "Ishiguro shows how the clones accept their fate.",
            ),
            (Kind::Plot, "Kathy finds a tape in Norfolk."),
            (Kind::Plot, "This makes her happy."),
        ],
        &["This"],
    );
    let full = search_with(&engine, "\"we all complete\"", "full");
    // The quotation first, then the passage that discusses it; not the one that merely
    // follows a passage, nor one that opens with a word outside the list.
    assert_eq!(ids(&full), vec!["notes:0", "notes:1"]);
    let without = search_with(&engine, "\"we all complete\"", "full,-context");
    assert_eq!(ids(&without), vec!["notes:0"]);
    // Plain words find the discussion of a quotation too, after the quotation...
    assert_eq!(
        ids(&search_with(&engine, "complete", "full")),
        vec!["notes:0", "notes:1"]
    );
    assert_eq!(
        ids(&search_with(&engine, "complete", "full,-context")),
        vec!["notes:0"]
    );
    // ... but a passage continuing a plot passage is not read through it.
    assert_eq!(
        ids(&search_with(&engine, "norfolk", "full")),
        vec!["notes:5"]
    );
    // A glossary phrase is one idea there too: "end up together" (couple) is not found
    // in a discussion whose quotation says "in the end".
    let (_dir, engine) = plain_engine(
        &[
            (Kind::Quotation, "\"In the end we all go the same way.\""),
            (
                Kind::Analysis,
                "This reflection shows the universal side of the novel.",
            ),
            (Kind::Plot, "Kathy and Tommy are a couple at last."),
        ],
        &["This"],
    );
    let r = search_with(&engine, "do kathy and tommy end up together", "full");
    assert!(!ids(&r).contains(&"notes:1"), "{:?}", ids(&r));
}

#[test]
fn hits_like_the_best_one_rise_with_feedback() {
    // Every passage is long enough for the length weight to leave it alone.
    let (_dir, engine) = plain_engine(
        &[
            (Kind::Plot, "Kathy loses her tape at Hailsham, and Tommy later finds another copy of the tape for her in a Norfolk shop."),
            (Kind::Plot, "The tape is sold at the market beside old clocks, lamps, chairs, books and other things people sell."),
            (Kind::Plot, "Years later in Norfolk, Tommy and Kathy find the very same tape again in a small second-hand shop near the sea."),
            (Kind::Plot, "Ruth talks about the Cottages and the veterans who lived there before the students from Hailsham arrived."),
            (Kind::Plot, "Miss Emily explains the gallery and the purpose of the art to the two of them at her house."),
        ],
        &[],
    );
    let order = |ranking: &str| -> Vec<String> {
        let r = search_with(&engine, "tape", ranking);
        let scores: Vec<f32> = r.hits.iter().map(|h| h.score.unwrap()).collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{ranking}: {scores:?}"
        );
        ids(&r).into_iter().map(str::to_string).collect()
    };
    // On the query word alone the market passage, shorter, beats the Norfolk shop.
    assert_eq!(order("full,-feedback"), ["notes:0", "notes:1", "notes:2"]);
    // The Norfolk shop shares Kathy, Tommy, Norfolk and shop with the best hit: it rises,
    // and the best hit stays first.
    assert_eq!(order("full"), ["notes:0", "notes:2", "notes:1"]);
    // A search of one hit, or listing by filter, is left as it is.
    let one = search_with(&engine, "market", "full");
    assert_eq!(ids(&one), ["notes:1"]);
}

#[test]
fn a_glossary_phrase_is_one_idea_matched_as_a_phrase_or_by_the_term() {
    let (_dir, engine) = plain_engine(
        &[
            (
                Kind::Plot,
                "Kathy, Ruth and Tommy grow up together at Hailsham.",
            ),
            (
                Kind::Plot,
                "Kathy and Tommy, now united as a couple, visit Madame.",
            ),
            (Kind::Plot, "Kathy and Tommy drive to the coast in the end."),
        ],
        &[],
    );
    let r = search_with(&engine, "do kathy and tommy end up together", "full");
    assert_eq!(ids(&r)[0], "notes:1", "{:?}", ids(&r));
    assert!(r
        .expansions
        .iter()
        .any(|e| e.from == "end up together" && e.to == ["couple"]));
    // Word by word, 'grow up together' shares two of the three words and wins.
    let plain = search_with(
        &engine,
        "do kathy and tommy end up together",
        "full,-expansion",
    );
    assert_ne!(ids(&plain)[0], "notes:1", "{:?}", ids(&plain));
}

#[test]
fn a_term_asked_about_prefers_the_passage_that_glosses_it() {
    let (_dir, engine) = plain_engine(
        &[
            (
                Kind::Plot,
                "Years later Kathy is a carer, someone who looks after the donors she visits.",
            ),
            (
                Kind::Plot,
                "She looks after Tommy and looks after Ruth, driving for hours across the \
                 empty country every single day. Kathy is a carer, the carer.",
            ),
            (Kind::Plot, "The carer drives on."),
        ],
        &[],
    );
    for q in ["carer", "what is a carer"] {
        assert_eq!(ids(&search_with(&engine, q, "full"))[0], "notes:0", "{q}");
        assert_ne!(
            ids(&search_with(&engine, q, "full,-gloss"))[0],
            "notes:0",
            "{q}"
        );
    }
}

#[test]
fn light_verbs_of_a_question_are_not_searched() {
    let (_dir, engine) = plain_engine(
        &[
            (
                Kind::Plot,
                "Kathy helps them get back together; they get on.",
            ),
            (
                Kind::Plot,
                "Kathy finds the tape in a shop in Norfolk at last.",
            ),
        ],
        &[],
    );
    for q in [
        "where did kathy get the tape",
        "how does kathy get the tape",
    ] {
        let r = search_with(&engine, q, "full");
        assert_eq!(ids(&r)[0], "notes:1", "{q}");
    }
}

#[test]
fn an_everyday_word_under_several_terms_searches_every_term() {
    let (_dir, engine) = plain_engine(
        &[
            (Kind::Plot, "Ruth expresses regret for keeping them apart."),
            (
                Kind::Quotation,
                "\"I kept you and Tommy apart. I'm sorry.\"",
            ),
            (
                Kind::Analysis,
                "She experiences genuine remorse at the end.",
            ),
            (Kind::Plot, "Ruth and Tommy argue at the Cottages."),
        ],
        &[],
    );
    let r = search_with(&engine, "apologizes", "full");
    let to: Vec<&str> = r
        .expansions
        .iter()
        .filter(|e| e.from == "apologizes")
        .flat_map(|e| e.to.iter().map(String::as_str))
        .collect();
    for term in ["regret", "remorse", "confession", "sorry"] {
        assert!(to.contains(&term), "{term} missing from {to:?}");
    }
    let mut found = ids(&r);
    found.sort();
    assert_eq!(found, vec!["notes:0", "notes:1", "notes:2"]);
    assert!(search_with(&engine, "apologizes", "full,-expansion")
        .hits
        .is_empty());
}

#[test]
fn question_openings_and_cues_ask_and_intents_add_what_answers_use() {
    let (_dir, engine) = plain_engine(
        &[
            (
                Kind::Plot,
                "These encounters often happen in cold rooms at the Cottages.",
            ),
            (Kind::Plot, "Ruth makes her second donation and completes."),
            (
                Kind::Analysis,
                "Completing is a euphemism for death in the novel.",
            ),
            (
                Kind::Analysis,
                "The novel asks what it means to be human and to complete.",
            ),
        ],
        &[],
    );
    // "happened" belongs to the question: the passage where things merely happen is not
    // an answer; the one on Ruth's donations is.
    let r = search_with(&engine, "what happened to ruth", "full");
    assert_eq!(ids(&r)[0], "notes:1", "{:?}", ids(&r));
    assert!(!ids(&r).contains(&"notes:0"), "{:?}", ids(&r));
    assert!(r
        .expansions
        .iter()
        .any(|e| e.from == "what happened to" && e.to.iter().any(|t| t == "donation")));
    let plain = search_with(&engine, "what happened to ruth", "full,-questions");
    assert!(ids(&plain).contains(&"notes:0"), "{:?}", ids(&plain));
    // "mean" asks for a definition: the term's everyday words are searched, "mean" is not.
    let r = search_with(&engine, "what does it mean to complete", "full");
    assert_eq!(ids(&r)[0], "notes:2", "{:?}", ids(&r));
    assert!(r
        .expansions
        .iter()
        .any(|e| e.from == "complete" && e.to.iter().any(|t| t == "death")));
}

#[test]
fn light_words_in_a_question_are_not_searched() {
    let (_dir, engine) = plain_engine(
        &[
            (Kind::Plot, "Kathy is a clone."),
            (Kind::Plot, "It is too late, and there is much to do."),
            (Kind::Plot, "They seem happy, even so."),
            (
                Kind::Plot,
                "Ruth just seems quite sure; she still actually says so.",
            ),
            (Kind::Plot, "He seemed very calm and would never ever cry."),
        ],
        &[],
    );
    for q in [
        "is kathy a clone too",
        "is kathy just a clone",
        "does kathy seem to be a clone, ever",
        "is kathy very much a clone",
        "does kathy still seem quite a clone",
        "is kathy actually a clone, it seems",
        "kathy seemed a clone",
    ] {
        let r = search_with(&engine, q, "full");
        assert_eq!(ids(&r), ["notes:0"], "{q}");
    }
}

#[test]
fn a_question_asking_how_long_prefers_a_passage_that_gives_a_number() {
    // Reads the shipped corpus/lexicon.toml: its "how long" intent and number words.
    let (_dir, engine) = plain_engine(
        &[
            (
                Kind::Plot,
                "Kathy is a carer; being a carer is lonely work, and she drives a long way.",
            ),
            (
                Kind::Plot,
                "Kathy has been a carer for almost twelve years (pages 3, 4).",
            ),
            (Kind::Plot, "Kathy has been a carer since 16 (p. 5)."),
            (Kind::Plot, "Ruth spent twelve summers at Hailsham."),
            (Kind::Plot, "Kathy was a carer (page 12)."),
        ],
        &[],
    );
    let top = |q: &str, spec: &str| {
        let r = search_with(&engine, q, spec);
        let mut ids: Vec<String> = ids(&r).iter().map(|s| s.to_string()).collect();
        ids.truncate(2);
        ids.sort();
        ids
    };
    // The passages with a number, in words or digits, come first; a page reference is no
    // number; a number alone, without the question's words, is no hit.
    assert_eq!(
        top("how long has kathy been a carer", "full"),
        ["notes:1", "notes:2"]
    );
    let r = search_with(&engine, "how long has kathy been a carer", "full");
    assert!(!ids(&r).contains(&"notes:3"), "{:?}", ids(&r));
    // A number beside a word of the question counts for more: the count of what is asked.
    let (_dir2, engine2) = plain_engine(
        &[
            (
                Kind::Plot,
                "Tommy is tired; at 31 he still remembers the donations.",
            ),
            (Kind::Plot, "Tommy completes after his fourth donation."),
        ],
        &[],
    );
    let r = search_with(&engine2, "how many donations does tommy make", "full");
    assert_eq!(ids(&r), ["notes:1", "notes:0"]);
    // Without reading the question, the passage repeating "carer" wins.
    let plain = search_with(
        &engine,
        "how long has kathy been a carer",
        "full,-questions",
    );
    assert_eq!(ids(&plain)[0], "notes:0", "{:?}", ids(&plain));
}

#[test]
fn a_where_question_searches_the_other_places() {
    // Reads the shipped corpus/lexicon.toml: its `where` intent and places.
    let (_dir, engine) = plain_engine(
        &[
            (
                Kind::Plot,
                "Even after leaving Hailsham, they often think back to their childhood there.",
            ),
            (
                Kind::Plot,
                "After leaving Hailsham, they move to the Cottages.",
            ),
            (Kind::Plot, "Tommy draws imaginary animals in a notebook."),
            (Kind::Plot, "Ruth claims to know what Madame is like."),
            (Kind::Analysis, "Memory shapes how Kathy tells her story."),
            (Kind::Plot, "Miss Lucy tells the students the truth."),
            (Kind::Plot, "Kathy finds the tape in a shop."),
            (Kind::Analysis, "The novel asks what it means to be human."),
        ],
        &[],
    );
    let r = search_with(&engine, "where do they go after hailsham", "full");
    assert_eq!(ids(&r)[0], "notes:1", "{:?}", ids(&r));
    let places = r.expansions.iter().find(|e| e.from == "where").unwrap();
    // The place asked about is searched already, not again as an answer.
    assert!(places.to.iter().any(|t| t == "cottages"), "{places:?}");
    assert!(!places.to.iter().any(|t| t == "hailsham"), "{places:?}");
    // Without the places the passage about Hailsham itself comes first; at the usual
    // answer weight (0.3) the place would not be enough to change that, at 0.6 it is.
    let plain = search_with(
        &engine,
        "where do they go after hailsham",
        "full,-questions",
    );
    assert_eq!(ids(&plain)[0], "notes:0", "{:?}", ids(&plain));
}

#[test]
fn a_things_fate_counts_only_beside_the_thing() {
    // Reads the built-in "what happened to" intent: its answers for a thing's fate.
    let (_dir, engine) = plain_engine(
        &[
            (Kind::Plot, "The cottages were closed and sold long ago."),
            (Kind::Plot, "Hailsham stands in the countryside."),
            (Kind::Plot, "Rumours say that Hailsham has closed."),
            (Kind::Analysis, "Memory shapes how Kathy tells her story."),
        ],
        &[],
    );
    let r = search_with(&engine, "what happened to hailsham", "full");
    assert_eq!(ids(&r)[0], "notes:2", "{:?}", ids(&r));
    // "Closed" said of another place is no answer: that passage does not match at all.
    assert!(!ids(&r).contains(&"notes:0"), "{:?}", ids(&r));
    let fate = r.expansions.iter().find(|e| e.from == "what happened to");
    assert!(
        fate.is_some_and(|e| e.to.iter().any(|t| t == "closed")),
        "{fate:?}"
    );
}

#[test]
fn a_word_whose_stem_another_word_shares_finds_its_own_forms_first() {
    // "experiment" and "experience" are stemmed alike ("experi").
    let (_dir, engine) = plain_engine(
        &[
            (
                Kind::Analysis,
                "Experience shapes them: the experience of loss, experiences shared.",
            ),
            (Kind::Plot, "The school was an experiment that failed."),
            (Kind::Plot, "Their experiences at the cottages were new."),
            (Kind::Analysis, "Memory shapes how Kathy tells her story."),
            (
                Kind::Analysis,
                "Kathy's school years, an experiment lived as an experience.",
            ),
        ],
        &[],
    );
    let r = search_with(&engine, "experiment", "full");
    let mut first = ids(&r)[..2].to_vec();
    first.sort();
    assert_eq!(first, ["notes:1", "notes:4"], "{:?}", ids(&r));
    // Highlighted as the word asked for; the others show the word they matched on.
    let shown = |h: &Hit| -> Vec<String> {
        h.excerpt
            .highlights
            .iter()
            .map(|x| h.excerpt.text[x.clone()].to_string())
            .collect()
    };
    assert!(r.hits[..2].iter().all(|h| shown(h) == ["experiment"]));
    assert!(
        r.hits[2..].iter().all(|h| shown(h)
            .iter()
            .all(|w| w.to_lowercase().starts_with("experience"))),
        "{:?}",
        r.hits.iter().map(shown).collect::<Vec<_>>()
    );
    // The other word's passages still match, below.
    assert_eq!(r.total, 4, "{:?}", ids(&r));
    let r = search_with(&engine, "experiences", "full");
    assert_ne!(ids(&r)[0], "notes:1", "{:?}", ids(&r));
    assert_eq!(ids(&r).last(), Some(&"notes:1"), "{:?}", ids(&r));
    // Without coverage, the stem alone ranks: the passage repeating "experience" first.
    let plain = search_with(&engine, "experiment", "full,-coverage");
    assert_eq!(ids(&plain)[0], "notes:0", "{:?}", ids(&plain));
}

proptest::proptest! {
    #[test]
    fn repair_never_panics_and_keeps_parens_balanced(q in "[a-z \"()*^:+\\-']{0,60}") {
        if let Ok(r) = repair(&q) {
            let mut depth = 0i32;
            let mut in_quote = false;
            for c in r.chars() {
                match c {
                    '"' => in_quote = !in_quote,
                    '(' if !in_quote => depth += 1,
                    ')' if !in_quote => depth -= 1,
                    _ => {}
                }
                proptest::prop_assert!(depth >= 0);
            }
            proptest::prop_assert_eq!(depth, 0);
            proptest::prop_assert!(!in_quote);
        }
    }
}
