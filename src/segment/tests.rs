//! Segmentation on sample texts: headings, lists, labels, sentences and cuts.

use super::elements::words;
use super::*;
use crate::clean::{clean, Rules, DEFAULT_RULES};

fn run(text: &str) -> Vec<(Vec<String>, String)> {
    let rules = Rules::parse(DEFAULT_RULES).unwrap();
    segment(&clean(text, 0, &rules), &rules.layout)
        .into_iter()
        .map(|s| (s.section, s.text.text))
        .collect()
}

fn sec(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

#[test]
fn headings_nest_by_layout() {
    let text = "Plot Summary\n\nPart One: Life at Hailsham\n\nThe students make art at school.\n\nPart Two: The Cottages\n\nThey move to the farm buildings.\n\nCharacter Analysis\n\nKathy H. - The Reflective Narrator\n\nKathy keeps her memories close.";
    assert_eq!(
        run(text),
        [
            (
                sec(&["Plot Summary", "Part One: Life at Hailsham"]),
                "The students make art at school.".into()
            ),
            (
                sec(&["Plot Summary", "Part Two: The Cottages"]),
                "They move to the farm buildings.".into()
            ),
            (
                sec(&["Character Analysis", "Kathy H. - The Reflective Narrator"]),
                "Kathy keeps her memories close.".into()
            ),
        ]
    );
}

#[test]
fn faq_questions_head_their_answers() {
    let text = "Frequently Asked Questions\n\nWhy does Madame cry?\n\nShe sees a girl dancing alone.\n\nWho is Ruth?\n\nRuth is Kathy's friend from school.";
    let got = run(text);
    assert_eq!(
        got[0].0,
        sec(&["Frequently Asked Questions", "Why does Madame cry?"])
    );
    assert_eq!(
        got[1].0,
        sec(&["Frequently Asked Questions", "Who is Ruth?"])
    );
}

#[test]
fn list_items_and_labels() {
    for (text, want) in [
        (
            "Main characters\n\n  1. Kathy H.: Kathy is the narrator of the book.\n\n  2. Tommy D.: Tommy has a temper as a boy.",
            vec![
                (
                    sec(&["Main characters", "Kathy H."]),
                    "Kathy H.: Kathy is the narrator of the book.",
                ),
                (
                    sec(&["Main characters", "Tommy D."]),
                    "Tommy D.: Tommy has a temper as a boy.",
                ),
            ],
        ),
        (
            "Ideas\n\n  1. Themes:\n\n    • Memory and Time: The past shapes the present day.\n\n  2. Symbols:\n\n    • The Song: It stands for longing and loss.",
            vec![
                (
                    sec(&["Ideas", "Themes", "Memory and Time"]),
                    "Memory and Time: The past shapes the present day.",
                ),
                (
                    sec(&["Ideas", "Symbols", "The Song"]),
                    "The Song: It stands for longing and loss.",
                ),
            ],
        ),
        (
            "Quotes\n\n1. \"Your lives are set out for you.\" (p. 80)\n2. \"We all complete in the end.\" (p. 282)",
            vec![
                (sec(&["Quotes"]), "\"Your lives are set out for you.\" (p. 80)"),
                (sec(&["Quotes"]), "\"We all complete in the end.\" (p. 282)"),
            ],
        ),
    ] {
        let got = run(text);
        let got: Vec<(Vec<String>, &str)> =
            got.iter().map(|(s, t)| (s.clone(), t.as_str())).collect();
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn a_list_restarting_after_a_wide_gap_leaves_the_heading() {
    let text = "Cast\n\n  1. Kathy: The narrator of it all.\n\n\n\n  1. Hailsham: A school in a hollow.\n\n  2. Cottages: Old farm buildings.";
    let got = run(text);
    assert_eq!(got[0].0, sec(&["Cast", "Kathy"]));
    assert_eq!(got[1].0, sec(&["Hailsham"]));
    assert_eq!(got[2].0, sec(&["Cottages"]));
    let near = "Cast\n\n  1. Kathy: The narrator of it all.\n\n  1. Ruth: Her friend from school.";
    assert_eq!(run(near)[1].0, sec(&["Cast", "Ruth"]));
}

#[test]
fn windows_line_endings_are_handled() {
    let text = "Plot Summary\r\n\r\nKathy grows up at Hailsham\r\nwith her two friends.\r\n";
    let rules = Rules::parse(DEFAULT_RULES).unwrap();
    let segs = segment(&clean(text, 0, &rules), &rules.layout);
    assert_eq!(segs.len(), 1);
    assert_eq!(segs[0].section, sec(&["Plot Summary"]));
    assert_eq!(
        segs[0].text.text,
        "Kathy grows up at Hailsham with her two friends."
    );
    let [a, b] = segs[0].text.source_range();
    assert_eq!(
        &text[a..b],
        "Kathy grows up at Hailsham\r\nwith her two friends."
    );
}

#[test]
fn markdown_headings_set_levels() {
    let text = "# A Guide\n\n## Plot\n\nThe children grow up at school.\n\n### Ending\n\nThe last donation comes.\n\n## Key Quotations\n\n- \"Never let me go.\" — Kathy, Chapter 6";
    let got = run(text);
    assert_eq!(got[0].0, sec(&["A Guide", "Plot"]));
    assert_eq!(got[1].0, sec(&["A Guide", "Plot", "Ending"]));
    assert_eq!(got[2].0, sec(&["A Guide", "Key Quotations"]));
}

#[test]
fn wrapped_prose_is_one_paragraph_not_a_heading() {
    let text = "Kathy looks back on her years as\na carer and on the school where she\ngrew up with her two friends.";
    let got = run(text);
    assert_eq!(got.len(), 1);
    assert!(got[0].0.is_empty());
    assert!(got[0]
        .1
        .starts_with("Kathy looks back on her years as a carer"));
}

#[test]
fn signatures_and_scraps_join_a_neighbour() {
    let text = "Comments below\n\n  1. A haunting book about what it means to live.\n\n    Kevin R\n\n  2. Another reader liked the ending a lot.";
    let got = run(text);
    assert_eq!(got.len(), 2);
    assert!(got[0].1.ends_with("live.\nKevin R"), "{:?}", got[0].1);
}

#[test]
fn long_paragraphs_split_at_sentences_within_bounds() {
    let sentence = "Kathy remembers the pond and the woods behind the school quite well. ";
    for (repeats, pieces) in [(10, 1), (12, 1), (14, 2), (25, 2), (40, 4), (100, 8)] {
        let text = sentence.repeat(repeats);
        let got = run(&text);
        assert_eq!(got.len(), pieces, "{repeats} sentences");
        for (_, t) in &got {
            let n = words(t);
            assert!(n <= 200 && (pieces == 1 || n >= 40), "{n} words");
            assert!(t.ends_with('.'));
        }
    }
    let run_on = "word ".repeat(1000);
    for (_, t) in run(&run_on) {
        assert!(words(&t) <= 200);
    }
    // A page reference is never cut from the sentence it cites, whatever the cut points.
    let cited = "Kathy remembers the pond and the woods behind the school (p. 23). ";
    for repeats in [14, 25, 40] {
        for (_, t) in run(&cited.repeat(repeats)) {
            assert!(t.starts_with("Kathy") && t.ends_with("(p. 23)."), "{t:?}");
        }
    }
}

#[test]
fn split_passages_keep_exact_offsets() {
    let sentence = "Tommy draws his animals〞tiny and careful〞in a notebook. ";
    let text = sentence.repeat(40);
    let rules = Rules::parse(DEFAULT_RULES).unwrap();
    for s in segment(&clean(&text, 0, &rules), &rules.layout) {
        let [a, b] = s.text.source_range();
        let original = &text[a..b];
        assert_eq!(original.replace('〞', "—"), s.text.text);
    }
}

#[test]
fn sentences_keep_page_references_and_fragments_with_the_sentence_before() {
    for (text, want) in [
        ("One. Two.", vec!["One.", "Two."]),
        (
            "Described at length (pp. 58-59). Next.",
            vec!["Described at length (pp. 58-59).", "Next."],
        ),
        (
            "\"Why was that?\" (p. 181)",
            vec!["\"Why was that?\" (p. 181)"],
        ),
        // A piece without a letter continues the sentence before, if there is one.
        ("It ends. 12. The end.", vec!["It ends. 12.", "The end."]),
        ("12. The end.", vec!["12.", "The end."]),
        ("  ", vec![]),
        // Short sentences and other abbreviations are left alone.
        ("Yes. No. Maybe so.", vec!["Yes.", "No.", "Maybe so."]),
        ("See page 12. Then go.", vec!["See page 12.", "Then go."]),
        ("Page 12. Then go.", vec!["Page 12.", "Then go."]),
    ] {
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn headings_ending_in_an_initial_or_a_bracketed_name() {
    let text = "Characters\n\nKathy H.\n\nThe narrator, a carer.\n\nMadame (Marie-Claude)\n\nA visitor who takes the art.\n\nChrissie and Rodney\n\nTwo veterans at the farm.\n\nShe left at 5 p.m.\n\nIt ended (mostly).\n\nMore text follows here.";
    let got = run(text);
    assert_eq!(got[0].0, sec(&["Characters", "Kathy H."]));
    assert_eq!(got[1].0, sec(&["Characters", "Madame (Marie-Claude)"]));
    assert_eq!(got[2].0, sec(&["Characters", "Chrissie and Rodney"]));
    // Sentences that end so are not headings.
    assert!(got.iter().any(|(_, t)| t.contains("She left at 5 p.m.")));
    assert!(got.iter().any(|(_, t)| t.contains("It ended (mostly).")));
}

#[test]
fn name_and_description_lines_are_one_passage_each() {
    let text = "Characters\n\nElizabeth Bennet: The second sister.\nJane Bennet: The eldest sister.\nMr Darcy: A proud man.";
    assert_eq!(
        run(text),
        [
            (
                sec(&["Characters", "Elizabeth Bennet"]),
                "Elizabeth Bennet: The second sister.".into()
            ),
            (
                sec(&["Characters", "Jane Bennet"]),
                "Jane Bennet: The eldest sister.".into()
            ),
            (
                sec(&["Characters", "Mr Darcy"]),
                "Mr Darcy: A proud man.".into()
            ),
        ]
    );
}

fn run_with(text: &str) -> Vec<(Vec<String>, String)> {
    let rules = Rules::parse(DEFAULT_RULES).unwrap();
    let breaks = Breaks {
        openings: rules.part_openings.iter().map(|(_, r)| r.clone()).collect(),
        top_sections: rules.top_sections.clone(),
    };
    segment_with(&clean(text, 0, &rules), &rules.layout, &breaks)
        .into_iter()
        .map(|s| (s.section, s.text.text))
        .collect()
}

#[test]
fn top_sections_leave_a_heading_group() {
    let text = "Key Themes\n\nMemory\n\nObjects hold the past.\n\nHope\n\nA rumour of extra years.\n\nHistorical Context\n\nThe book was published in 2005.";
    let got = run_with(text);
    assert_eq!(got[1].0, sec(&["Key Themes", "Hope"]));
    assert_eq!(got[2].0, sec(&["Historical Context"]));
    // Without the rules' list, the old nesting.
    assert_eq!(run(text)[2].0, sec(&["Key Themes", "Historical Context"]));
}

#[test]
fn paragraphs_are_cut_before_part_openings_and_chapter_labels() {
    let text = "The first section is at school, where they grow up together. In the middle section they move to a farm and quarrel. Chapter 18 finds Kathy working as a carer. The final section ends by a fence.";
    let got: Vec<String> = run_with(text).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        got,
        [
            "The first section is at school, where they grow up together.",
            "In the middle section they move to a farm and quarrel.",
            "Chapter 18 finds Kathy working as a carer.",
            "The final section ends by a fence."
        ]
    );
}
