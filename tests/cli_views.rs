//! The browsing views through the real binary on the shipped corpus: quotations with their
//! speakers and pages, concordance alignment, matrix counts against searches, character cards,
//! dispersion; every `--json` line read back through the documented types.

mod common;

use std::collections::BTreeSet;

use nlmg_search::output::views::{CharacterLine, DispersionLine, KwicLine, MatrixLine, QuotesLine};
use nlmg_search::views::character::Card;
use nlmg_search::views::dispersion::TermDispersion;
use nlmg_search::views::kwic::Line;
use nlmg_search::views::matrix::Cell;
use nlmg_search::views::quotes::{Quote, SpeakerFrom};

fn stdout(env: &common::Env, args: &[&str]) -> (String, i32) {
    let out = env.cmd().args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

/// Every line parsed as `T`; the last must be the summary (checked by `is_summary`).
fn lines<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    text: &str,
    is_summary: impl Fn(&T) -> bool,
) -> Vec<T> {
    let parsed: Vec<T> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let (last, body) = parsed.split_last().expect("at least a summary");
    assert!(is_summary(last), "last line is the summary: {last:?}");
    assert!(!body.iter().any(&is_summary), "one summary, last");
    parsed
}

fn quotes(env: &common::Env, args: &[&str]) -> Vec<Quote> {
    let (text, code) = stdout(env, &[&["quotes", "--json"], args].concat());
    assert!(code == 0 || code == 1, "exit {code}");
    lines::<QuotesLine>(&text, |l| matches!(l, QuotesLine::Summary { .. }))
        .into_iter()
        .filter_map(|l| match l {
            QuotesLine::Quote(q) => Some(q),
            QuotesLine::Summary { .. } => None,
        })
        .collect()
}

fn find<'a>(quotes: &'a [Quote], words: &str) -> &'a Quote {
    let hits: Vec<&Quote> = quotes.iter().filter(|q| q.text.contains(words)).collect();
    assert_eq!(hits.len(), 1, "{words:?} is one quotation: {hits:#?}");
    hits[0]
}

/// Words of a quotation, its speaker, how the speaker is found, its pages, its passages.
type Named<'a> = (
    &'a str,
    Option<&'a str>,
    Option<SpeakerFrom>,
    &'a [u32],
    &'a [&'a str],
);

#[test]
fn named_quotations_have_their_speakers_pages_and_every_source() {
    let env = common::shipped();
    let all = quotes(&env, &[]);
    // (words, speaker, how, pages, passage ids)
    let cases: &[Named] = &[
        (
            "Your lives are set out for you",
            Some("Miss Lucy"),
            Some(SpeakerFrom::Introduction),
            &[58, 59],
            &["reading-notes:1", "study-guide:6"],
        ),
        (
            "I kept you and Tommy apart",
            Some("Ruth"),
            Some(SpeakerFrom::Introduction),
            &[],
            &["study-guide:15"],
        ),
        (
            "told and not told",
            Some("Miss Lucy"),
            Some(SpeakerFrom::FollowUp),
            &[],
            &["study-guide:2", "study-guide:28"],
        ),
        (
            "I know you think I'm a cow",
            Some("Ruth"),
            Some(SpeakerFrom::FollowUp),
            &[],
            &["study-guide:35"],
        ),
        (
            "their overwhelming concern",
            Some("Miss Emily"),
            Some(SpeakerFrom::Introduction),
            &[],
            &["study-guide:93"],
        ),
        (
            "I keep thinking about this river",
            None,
            None,
            &[188, 189],
            &["reading-notes:36", "study-guide:23", "study-guide:47"],
        ),
        (
            "this dream of being able to defer",
            None,
            None,
            &[175],
            &["reading-notes:2"],
        ),
    ];
    for (words, speaker, from, pages, ids) in cases {
        let q = find(&all, words);
        assert_eq!(q.speaker.as_deref(), *speaker, "{words}: {:#?}", q.claims);
        assert_eq!(q.speaker_from, *from, "{words}");
        assert_eq!(q.pages, *pages, "{words}");
        assert_eq!(q.ids().collect::<Vec<_>>(), *ids, "{words}");
    }
    // The river speech: sources give Kathy and Tommy, and its own words address Kath.
    let river = find(&all, "I keep thinking about this river");
    let d = river.disagreement.as_deref().expect("a disagreement");
    assert!(
        d.contains("gives Kathy") && d.contains("gives Tommy") && d.contains("addresses Kathy"),
        "{d}"
    );
    // Each passage's quotation is in one record only.
    let mut seen = BTreeSet::new();
    for q in &all {
        for id in q.ids() {
            assert!(seen.insert(id.to_string()), "{id} in two quotations");
        }
    }
}

#[test]
fn quotation_filters_csv_and_markdown() {
    let env = common::shipped();
    // Ruth's confession sits in a passage tagged Tommy only: her being its speaker admits it.
    let ruth = quotes(&env, &["--character", "ruth"]);
    assert!(ruth
        .iter()
        .any(|q| q.text.contains("I kept you and Tommy apart")));
    assert!(!ruth
        .iter()
        .any(|q| q.text.contains("Your lives are set out")));
    assert!(ruth.len() < quotes(&env, &[]).len());
    let page = quotes(&env, &["--page", "58"]);
    assert_eq!(page.len(), 1);
    assert!(page[0].text.starts_with("Your lives are set out for you"));
    let (_, code) = stdout(&env, &["quotes", "--character", "nobody-at-all"]);
    assert_eq!(code, 2);

    let all = quotes(&env, &[]);
    let (csv, code) = stdout(&env, &["quotes", "--csv"]);
    assert_eq!(code, 0);
    let mut rows = csv.lines();
    assert_eq!(
        rows.next().unwrap(),
        "text,speaker,speaker_from,pages,part,sources,ids,characters,themes"
    );
    let lucy = csv
        .lines()
        .find(|l| l.contains("Your lives are set out"))
        .unwrap();
    assert!(lucy.contains(",Miss Lucy,introduction,58; 59,"), "{lucy}");
    // Every quotation is one record: a quoted field may not hold a line break here.
    assert_eq!(csv.lines().count(), all.len() + 1);

    let (md, _) = stdout(&env, &["quotes", "--markdown"]);
    assert!(md.starts_with("# Quotations"));
    assert!(md.contains("> — Miss Lucy, pp. 58, 59"), "{md}");
}

fn kwic(env: &common::Env, args: &[&str]) -> Vec<Line> {
    let (text, code) = stdout(env, &[&["kwic", "--json"], args].concat());
    assert_eq!(code, 0);
    lines::<KwicLine>(&text, |l| matches!(l, KwicLine::Summary { .. }))
        .into_iter()
        .filter_map(|l| match l {
            KwicLine::Line(l) => Some(l),
            KwicLine::Summary { .. } => None,
        })
        .collect()
}

#[test]
fn kwic_lines_align_on_the_match_and_sort() {
    let env = common::shipped();
    let json = kwic(&env, &["deferral", "--width", "3"]);
    assert!(json.len() >= 20, "{}", json.len());
    for l in &json {
        assert!(l.matched.to_lowercase().starts_with("deferral"), "{l:?}");
        let words = |s: &str| {
            s.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
        };
        assert!(words(&l.left) <= 3 && words(&l.right) <= 3, "{l:?}");
        assert!(l.id.starts_with(&l.source));
    }
    let (text, _) = stdout(
        &env,
        &["kwic", "deferral", "--width", "3", "--color", "never"],
    );
    let body: Vec<&str> = text.lines().take(json.len()).collect();
    let columns: BTreeSet<usize> = body
        .iter()
        .zip(&json)
        .map(|(row, l)| {
            let at = row
                .find(&format!("  {}  ", l.matched))
                .unwrap_or_else(|| panic!("{row}"));
            row[..at].chars().count()
        })
        .collect();
    assert_eq!(
        columns.len(),
        1,
        "every match starts in one column:\n{text}"
    );
    // Sorted by the word before the match, that word never goes backwards.
    let left = kwic(&env, &["deferral", "--sort", "left"]);
    let before: Vec<String> = left
        .iter()
        .map(|l| {
            l.left
                .split(|c: char| !c.is_alphanumeric())
                .rfind(|w| !w.is_empty())
                .unwrap_or("")
                .to_lowercase()
        })
        .collect();
    assert!(before.windows(2).all(|w| w[0] <= w[1]), "{before:?}");
    let phrase = kwic(&env, &["told and not told"]);
    assert!(phrase
        .iter()
        .all(|l| l.matched.eq_ignore_ascii_case("told and not told")));
    assert!(!phrase.is_empty());
}

#[test]
fn matrix_counts_agree_with_filtered_searches() {
    let env = common::shipped();
    let (text, code) = stdout(&env, &["matrix", "--json"]);
    assert_eq!(code, 0);
    let cells: Vec<Cell> = lines::<MatrixLine>(&text, |l| matches!(l, MatrixLine::Summary { .. }))
        .into_iter()
        .filter_map(|l| match l {
            MatrixLine::Cell(c) => Some(c),
            MatrixLine::Summary { .. } => None,
        })
        .collect();
    for (character, theme) in [
        ("Ruth", "manipulation"),
        ("Kathy", "memory"),
        ("Miss Lucy", "education"),
        ("Madame", "art"),
        ("Chrissie", "memory"),
    ] {
        let cell = cells
            .iter()
            .find(|c| c.character == character && c.theme == theme)
            .unwrap();
        let (hits, summary, _) = env.json(&[
            "--character",
            character,
            "--theme",
            theme,
            "--limit",
            "1000",
        ]);
        assert_eq!(cell.count as usize, summary.total, "{character} × {theme}");
        let ids: BTreeSet<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            cell.ids.iter().map(String::as_str).collect::<BTreeSet<_>>(),
            ids
        );
    }
    let (csv, _) = stdout(&env, &["matrix", "--csv"]);
    let ruth = csv.lines().find(|l| l.starts_with("Ruth,")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "manipulation").unwrap();
    let want = cells
        .iter()
        .find(|c| c.character == "Ruth" && c.theme == "manipulation")
        .unwrap()
        .count;
    assert_eq!(ruth.split(',').nth(col).unwrap(), want.to_string());
}

#[test]
fn a_character_card_by_alias() {
    let env = common::shipped();
    let (text, code) = stdout(&env, &["character", "kath", "--json"]);
    assert_eq!(code, 0);
    let card: Card = lines::<CharacterLine>(&text, |l| matches!(l, CharacterLine::Summary { .. }))
        .into_iter()
        .find_map(|l| match l {
            CharacterLine::Character(c) => Some(*c),
            CharacterLine::Summary { .. } => None,
        })
        .unwrap();
    assert_eq!(card.name, "Kathy");
    assert!(card.aliases.contains(&"Kath".to_string()));
    let described: Vec<&str> = card.description.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(described, ["reading-notes:40", "study-guide:21"]);
    assert!(card.quotations.iter().any(|q| q
        .text
        .starts_with("I'm not even sure if what I'm remembering")));
    assert!(card
        .quotations
        .iter()
        .all(|q| q.speaker.as_deref() == Some("Kathy")));
    assert_eq!(card.best.len(), 5);
    assert!(card.themes.len() <= 6 && card.themes.windows(2).all(|w| w[0].count >= w[1].count));
    assert!(card
        .parts
        .keys()
        .all(|p| ["1", "2", "3"].contains(&p.as_str())));

    let (text, _) = stdout(&env, &["character", "Miss", "Lucy"]);
    assert!(text.starts_with("Miss Lucy\n"), "{text}");
    let out = env.cmd().args(["character", "Rooth"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did you mean \"Ruth\"") && err.contains("Miss Emily"),
        "{err}"
    );
}

#[test]
fn dispersion_counts_every_occurrence_the_concordance_lists() {
    let env = common::shipped();
    let (text, code) = stdout(&env, &["dispersion", "deferral", "Norfolk", "--json"]);
    assert_eq!(code, 0);
    let terms: Vec<TermDispersion> =
        lines::<DispersionLine>(&text, |l| matches!(l, DispersionLine::Summary { .. }))
            .into_iter()
            .filter_map(|l| match l {
                DispersionLine::Term(t) => Some(t),
                DispersionLine::Summary { .. } => None,
            })
            .collect();
    assert_eq!(terms.len(), 2);
    for t in &terms {
        let k = kwic(&env, &[&t.term]);
        assert_eq!(t.total as usize, k.len(), "{}", t.term);
        assert_eq!(t.per_source.values().sum::<u64>(), t.total);
        assert_eq!(t.per_part.values().sum::<u64>(), t.total);
        for (source, bar) in &t.barcode {
            assert_eq!(bar.chars().count(), 60);
            let marks = bar.chars().filter(|c| *c == '|').count() as u64;
            assert!(marks <= t.per_source[source] && (marks > 0) == (t.per_source[source] > 0));
        }
    }
}

/// Another book, laid out like a revision guide: a quotations list with "— Name, Chapter N"
/// lines, and speech introduced in the plot summary.
#[test]
fn another_books_quotations_take_speakers_from_attribution_lines_and_introductions() {
    let env = common::fixture(&[
        (
            "lexicon.toml",
            "[[character]]\nname = \"Anna\"\naliases = [\"Anna K.\", \"Anna\"]\n\n\
             [[character]]\nname = \"Ben\"\naliases = [\"Ben\"]\n",
        ),
        (
            "guide.txt",
            "Revision Guide\n\n\
             Plot\n\n\
             The family spends the winter in the old house by the shore. Anna, the eldest \
             sister, loses patience with them at dinner and tells them all:\n\n\
             \"We were never meant to stay here for long, whatever Father says.\"\n\n\
             Ben repairs the roof alone and says nothing for weeks.\n\n\
             Key Quotations\n\n\
             \"Nobody here will ever see the sea again, not one of us.\" — Anna, Chapter 3\n\n\
             \"I only wanted to keep the house standing for one more winter.\" — Ben, Chapter 9 (p. 112)\n\n\
             \"The gulls were louder than the sea that morning.\"\n",
        ),
    ]);
    let all = quotes(&env, &[]);
    // (words, speaker, how)
    for (words, speaker, from) in [
        (
            "never meant to stay",
            Some("Anna"),
            Some(SpeakerFrom::Introduction),
        ),
        (
            "ever see the sea again",
            Some("Anna"),
            Some(SpeakerFrom::Attribution),
        ),
        (
            "keep the house standing",
            Some("Ben"),
            Some(SpeakerFrom::Attribution),
        ),
        ("The gulls were louder", None, None),
    ] {
        let q = find(&all, words);
        assert_eq!(q.speaker.as_deref(), speaker, "{words}: {:#?}", q);
        assert_eq!(q.speaker_from, from, "{words}");
    }
    assert_eq!(find(&all, "keep the house standing").pages, [112]);
    let (md, _) = stdout(&env, &["quotes", "--markdown"]);
    assert!(md.contains("> — Ben, p. 112"), "{md}");
}

/// The river speech, quoted by two sources in three places at three lengths, is one quotation
/// in the terminal as in JSON, with every passage and the pages the one source gives, and the
/// sources' disagreement on its speaker shown, not settled.
#[test]
fn the_river_speech_is_one_quotation_in_the_terminal_with_every_source() {
    let env = common::shipped();
    let (text, code) = stdout(&env, &["quotes", "--color", "never"]);
    assert_eq!(code, 0);
    assert_eq!(
        text.matches("I keep thinking about this river").count(),
        1,
        "{text}"
    );
    let block: Vec<&str> = text
        .split("\n\n")
        .filter(|b| b.contains("I keep thinking about this river"))
        .flat_map(str::lines)
        .collect();
    let block = block.join("\n");
    for want in [
        "sources disagree, pp. 188, 189",
        "gives Kathy",
        "gives Tommy",
        "in: reading-notes:36 (pp. 188, 189); study-guide:23; study-guide:47",
    ] {
        assert!(block.contains(want), "{want:?} in\n{block}");
    }
    // The summary line counts what the records hold.
    let all = quotes(&env, &[]);
    assert!(
        text.trim_end()
            .ends_with(&format!("{} quotations", all.len())),
        "{text}"
    );
}

/// Quotations filter as search filters: each filter keeps only records of passages it admits
/// (the same filter on a search finds them), or for `--character`, whose speaker it names.
#[test]
fn quotation_filters_agree_with_search_filters() {
    let env = common::shipped();
    let all = quotes(&env, &[]);
    for filter in [
        ["--theme", "memory"],
        ["--source", "study-guide"],
        ["--part", "3"],
        ["--character", "Miss Lucy"],
    ] {
        let some = quotes(&env, &filter);
        assert!(!some.is_empty() && some.len() < all.len(), "{filter:?}");
        let (hits, _, _) =
            env.json(&[&filter[..], &["--kind", "quotation", "--limit", "1000"]].concat());
        let admitted: BTreeSet<String> = hits.into_iter().map(|h| h.id).collect();
        for q in &some {
            assert!(
                q.ids().any(|id| admitted.contains(id))
                    || (filter[0] == "--character" && q.speaker.as_deref() == Some(filter[1])),
                "{filter:?}: {:?} not among {admitted:?}",
                q.ids().collect::<Vec<_>>()
            );
        }
    }
    let (_, code) = stdout(&env, &["quotes", "--part", "Norfolk"]);
    assert_eq!(code, 2);
}

/// Lines sorted by the words after the match; filters keep only their passages; the terminal
/// line carries the passage id and its part.
#[test]
fn kwic_sorts_right_filters_and_labels_each_line() {
    let env = common::shipped();
    let right = kwic(&env, &["donation", "--sort", "right"]);
    let after: Vec<String> = right
        .iter()
        .map(|l| {
            l.right
                .split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty())
                .unwrap_or("")
                .to_lowercase()
        })
        .collect();
    assert!(after.windows(2).all(|w| w[0] <= w[1]), "{after:?}");
    let part3 = kwic(&env, &["donation", "--part", "3"]);
    assert!(!part3.is_empty() && part3.len() < right.len());
    assert!(part3.iter().all(|l| l.part == Some(3)), "{part3:?}");
    let (text, _) = stdout(
        &env,
        &["kwic", "donation", "--part", "3", "--color", "never"],
    );
    for (row, l) in text.lines().zip(&part3) {
        assert!(row.starts_with(&l.id) && row.contains(" P3 "), "{row}");
    }
}

/// Per 1,000 words is the count over the words of that source or part, times 1,000.
#[test]
fn dispersion_rates_are_counts_per_thousand_words() {
    let env = common::shipped();
    let (text, _) = stdout(&env, &["dispersion", "deferral", "--json"]);
    let parsed = lines::<DispersionLine>(&text, |l| matches!(l, DispersionLine::Summary { .. }));
    let Some(DispersionLine::Summary { words, .. }) = parsed.last() else {
        unreachable!()
    };
    let Some(DispersionLine::Term(t)) = parsed.first() else {
        panic!("{text}")
    };
    assert!(t.total > 10);
    for (source, n) in &t.per_source {
        let want = *n as f64 * 1000.0 / words.per_source[source] as f64;
        assert!((t.per_1000_words[source] - want).abs() < 0.01, "{source}");
    }
    for (part, n) in &t.per_part {
        let want = *n as f64 * 1000.0 / words.per_part[part] as f64;
        assert!(
            (t.per_1000_words_by_part[part] - want).abs() < 0.01,
            "{part}"
        );
    }
}

/// A paragraph that bundles two quotations from different pages gives two records, each with
/// its own page; another source quoting the first at a shorter length joins its record.
#[test]
fn a_bundled_paragraph_gives_one_record_per_quotation() {
    let env = common::fixture(&[
        (
            "lexicon.toml",
            "[[character]]\nname = \"Anna\"\naliases = [\"Anna\"]\n",
        ),
        (
            "notes.txt",
            "Reading Notes\n\nKey Quotations\n\n\
             \"We were never meant to stay here for long, not any of us.\" (p. 12) and later \
             \"The sea was grey that morning and nobody spoke at all.\" (pp. 40-41)\n",
        ),
        (
            "guide.txt",
            "Study Guide\n\nQuotes\n\n\"We were never meant to stay here for long.\"\n",
        ),
    ]);
    let all = quotes(&env, &[]);
    assert_eq!(all.len(), 2, "{all:#?}");
    let stay = find(&all, "never meant to stay");
    assert_eq!(stay.pages, [12]);
    let mut sources: Vec<(&str, &[u32])> = stay
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.pages.as_slice()))
        .collect();
    sources.sort();
    assert_eq!(sources, [("guide", &[][..]), ("notes", &[12][..])]);
    assert_eq!(find(&all, "The sea was grey").pages, [40, 41]);
}

/// The terminal views name each part as the corpus's lexicon does.
#[test]
fn terminal_views_name_the_parts() {
    let env = common::shipped();
    let (card, _) = stdout(&env, &["character", "kath"]);
    assert!(card.contains("part 2, the Cottages ("), "{card}");
    let (dispersion, _) = stdout(&env, &["dispersion", "deferral"]);
    assert!(
        dispersion.contains("part 3, carers and donors ") && dispersion.contains("no part "),
        "{dispersion}"
    );
}
