//! Tagging as a whole: names, themes, kinds, parts and pages on sample segments.

use super::*;
use crate::clean::{Mapped, DEFAULT_RULES};

fn tagger() -> Tagger {
    let lex = Lexicon::parse(include_str!("../../corpus/lexicon.toml")).unwrap();
    Tagger::new(&lex, &Rules::parse(DEFAULT_RULES).unwrap()).unwrap()
}

fn seg(section: &[&str], text: &str) -> Segment {
    Segment {
        section: section.iter().map(|s| s.to_string()).collect(),
        text: Mapped::plain(text, 0),
        in_comments: false,
        list_item: false,
    }
}

#[test]
fn page_reference_forms() {
    for (text, want) in [
        ("a quote (p. 133)", vec![133]),
        ("a quote (pp. 58-59)", vec![58, 59]),
        ("a quote (pp. 58–60)", vec![58, 59, 60]),
        ("a bond (pages 81, 82)", vec![81, 82]),
        ("the pond (page 28).", vec![28]),
        ("mentioned on page 40.", vec![40]),
        ("(pages 73, 82, 104, 113)", vec![73, 82, 104, 113]),
        ("(pp. 158-9)", vec![158, 159]),
        ("(p. 12) and later (p. 12)", vec![12]),
        ("(pages 202, 196)", vec![196, 202]),
        ("she paged 40 friends", vec![]),
        ("a 2005 novel", vec![]),
        // A list goes on while numbers follow; a number a word follows starts a sentence.
        ("Hailsham closes (page 73, 12 years later)", vec![73]),
        ("on pages 80, 82, 87 and 91 we see", vec![80, 82, 87, 91]),
        ("mentioned on pages 178 and 179.", vec![178, 179]),
        ("(pages 51, 52, 181, 193)", vec![51, 52, 181, 193]),
        ("page 12,13 years", vec![12]),
        // "pages" and "pp." announce a list: a word after it ends the list, not a page.
        ("on pages 80, 82 we see Ruth", vec![80, 82]),
        ("pages 80, 82 and again later", vec![80, 82]),
        ("pp. 58-59, 61 show", vec![58, 59, 61]),
    ] {
        assert_eq!(
            tagger().tag(&seg(&[], text), Kind::Other).pages,
            want,
            "{text}"
        );
    }
}

#[test]
fn characters_by_whole_name_alias_and_subject() {
    for (section, text, want) in [
        (
            vec![],
            "Rod and Chrissie talk to Ruth.",
            vec!["Chrissie", "Rodney", "Ruth"],
        ),
        (vec![], "The truth about Madameleine.", vec![]),
        (
            vec![],
            "Kath and Kathy H. and Tommy D.",
            vec!["Kathy", "Tommy"],
        ),
        (
            vec![],
            "Marie-Claude and Lucy Wainright.",
            vec!["Madame", "Miss Lucy"],
        ),
        (vec![], "The Arthur C. Clarke Award.", vec![]),
        (
            vec![
                "Character Analysis",
                "Ruth C. - The Manipulator Seeking Belonging",
            ],
            "She lies.",
            vec!["Ruth"],
        ),
        (
            vec!["Main characters", "Alexander J. and Peter N."],
            "Two boys.",
            vec!["Alexander J.", "Peter N."],
        ),
        (
            vec!["What is Tommy's role in the story?"],
            "He draws.",
            vec![],
        ),
    ] {
        let t = tagger().tag(&seg(&section, text), Kind::Other);
        assert_eq!(t.characters, want, "{section:?} {text}");
    }
}

#[test]
fn subject_only_spellings_count_in_headings_not_prose() {
    let lex = Lexicon::parse(
        "[[character]]\nname = \"Kathy\"\naliases = [\"Kathy\"]\nsubject_only = [\"The Narrator\"]\n",
    )
    .unwrap();
    let t = Tagger::new(&lex, &Rules::parse(DEFAULT_RULES).unwrap()).unwrap();
    let prose = t.tag(&seg(&[], "The Narrator speaks."), Kind::Other);
    assert!(prose.characters.is_empty());
    let head = t.tag(
        &seg(&["The Narrator - Who She Is"], "She speaks."),
        Kind::Other,
    );
    assert_eq!(head.characters, ["Kathy"]);
}

#[test]
fn themes_from_cues_and_headings() {
    for (section, text, want) in [
        (
            vec!["Themes", "Memory and Nostalgia"],
            "Objects anchor the past.",
            vec!["memory"],
        ),
        (vec![], "She would often reminisce.", vec!["memory"]),
        (vec![], "They hope for a deferral.", vec!["hope"]),
        (vec![], "Nothing thematic here.", vec![]),
        (
            vec!["Themes of Love, Loss, and Acceptance"],
            "Text.",
            vec!["acceptance", "love-and-loss"],
        ),
    ] {
        let t = tagger().tag(&seg(&section, text), Kind::Other);
        assert_eq!(t.themes, want, "{section:?} {text}");
    }
}

#[test]
fn kinds_and_parts() {
    for (section, text, kind, part) in [
        (
            vec!["Plot Summary", "Part Two: The Cottages"],
            "They move.",
            Kind::Plot,
            Some(2),
        ),
        (
            vec!["Character Analysis", "Kathy H. - The Reflective Narrator"],
            "She.",
            Kind::Character,
            None,
        ),
        (
            vec!["Frequently Asked Questions", "Why?"],
            "Because.",
            Kind::Faq,
            None,
        ),
        (
            vec!["Themes and Literary Devices", "Memory and Nostalgia"],
            "Text.",
            Kind::Analysis,
            None,
        ),
        (
            vec!["Plot Summary"],
            "\"We all complete.\" (p. 282)",
            Kind::Quotation,
            None,
        ),
        (
            vec!["Key Quotations"],
            "\"Never let me go.\" — Miss Lucy, Chapter 7",
            Kind::Quotation,
            Some(1),
        ),
        (
            vec!["Highlighting Quotes"],
            "We took away your art.",
            Kind::Quotation,
            None,
        ),
        (
            vec!["Kathy, Ruth, and Tommy's timeline"],
            "They grow up.",
            Kind::Plot,
            None,
        ),
        (vec![], "Plain text.", Kind::Other, None),
        // Without a part heading, an opening that names the part sets it; a mention
        // later on, or a part heading, wins or is ignored as the heading says.
        (
            vec![],
            "In Part Two, Kathy looks back.",
            Kind::Other,
            Some(2),
        ),
        (
            vec![],
            "The third part describes the donations.",
            Kind::Other,
            Some(3),
        ),
        (
            vec![],
            "As in Part Two, Kathy looks back.",
            Kind::Other,
            None,
        ),
        (vec![], "In part, Kathy looks back.", Kind::Other, None),
        (vec![], "In part I think she knew.", Kind::Other, None),
        (
            vec![],
            "Part II: the Cottages, as Kathy recalls.",
            Kind::Other,
            Some(2),
        ),
        (
            vec!["Part One: Hailsham"],
            "In Part Two, they move.",
            Kind::Plot,
            Some(1),
        ),
    ] {
        let t = tagger().tag(&seg(&section, text), Kind::Other);
        assert_eq!((t.kind, t.part), (kind, part), "{section:?} {text}");
    }
    let mut c = seg(&[], "I loved it");
    c.in_comments = true;
    assert_eq!(tagger().tag(&c, Kind::Plot).kind, Kind::Comment);
    assert_eq!(
        tagger().tag(&seg(&[], "Text."), Kind::Plot).kind,
        Kind::Plot
    );
}

#[test]
fn provenance_explains_every_tag() {
    let t = tagger().tag(
        &seg(&["Ruth C. - The Manipulator"], "She remembers Rod (p. 9)."),
        Kind::Other,
    );
    let has = |f: TagField, v: &str, via: Via| {
        t.provenance
            .iter()
            .any(|o| o.field == f && o.value == v && o.via == via)
    };
    assert!(has(TagField::Character, "Ruth", Via::SectionSubject));
    let t2 = tagger().tag(
        &seg(&["Ruth C. - The Manipulator"], "Ruth lies."),
        Kind::Other,
    );
    let ruth: Vec<Via> = t2
        .provenance
        .iter()
        .filter(|o| o.value == "Ruth")
        .map(|o| o.via)
        .collect();
    assert_eq!(ruth, [Via::Mention, Via::SectionSubject]);
    assert_eq!(t2.characters, ["Ruth"]);
    assert!(has(TagField::Character, "Rodney", Via::Mention));
    assert!(has(TagField::Theme, "memory", Via::Cue));
    assert!(has(TagField::Theme, "manipulation", Via::Heading));
    assert!(has(TagField::Page, "9", Via::Reference));
    assert!(has(TagField::Kind, "character", Via::SectionSubject));
}

#[test]
fn plot_parts_from_chapters_and_lexicon_cues() {
    let t = tagger();
    for (section, text, kind, part, via) in [
        // A chapter reference, through the lexicon's chapter spans.
        (
            vec!["Key Quotations"],
            "\"We all complete.\" — Kathy, Chapter 23",
            Kind::Quotation,
            Some(3),
            Some(Via::Reference),
        ),
        (
            vec![],
            "Chapter 12 opens at the farm.",
            Kind::Plot,
            Some(2),
            Some(Via::Reference),
        ),
        (
            vec!["Chapter 4"],
            "They talk at night.",
            Kind::Plot,
            Some(1),
            Some(Via::Heading),
        ),
        // A plot passage without a heading: the part whose cues it names most.
        (
            vec![],
            "They move to the Cottages, where the veterans talk of Norfolk.",
            Kind::Plot,
            Some(2),
            Some(Via::Cue),
        ),
        (
            vec![],
            "Ruth's second donation goes badly at the recovery centre in Dover.",
            Kind::Plot,
            Some(3),
            Some(Via::Cue),
        ),
        (
            vec![],
            "The guardians praise the exchanges.",
            Kind::Plot,
            Some(1),
            Some(Via::Cue),
        ),
        // Equal cues: the part named first.
        (
            vec![],
            "From the Cottages she goes on to her first donation.",
            Kind::Plot,
            Some(2),
            Some(Via::Cue),
        ),
        // Cues do not place analysis; plot with no cue says why it has no part.
        (
            vec![],
            "The Cottages stand for freedom without a future.",
            Kind::Analysis,
            None,
            None,
        ),
        (
            vec![],
            "Kathy drives on.",
            Kind::Plot,
            None,
            Some(Via::Note),
        ),
    ] {
        let got = t.tag(&seg(&section, text), kind);
        assert_eq!(got.part, part, "{text}");
        let how = got
            .provenance
            .iter()
            .find(|o| o.field == TagField::Part)
            .map(|o| o.via);
        assert_eq!(how, via, "{text}");
    }
}

#[test]
fn a_source_s_own_part_label_that_its_events_contradict_is_noted() {
    let got = tagger().tag(
        &seg(
            &[],
            "In Part Three, Kathy recalls her time at the Cottages with the veterans.",
        ),
        Kind::Plot,
    );
    assert_eq!(got.part, Some(2));
    let note = got
        .provenance
        .iter()
        .find(|o| o.via == Via::Note)
        .expect("a note");
    assert_eq!(note.value, "3");
    assert!(
        note.evidence.contains("Part 3 (carers and donors)"),
        "{}",
        note.evidence
    );
    assert!(
        note.evidence.contains("Part 2 (the Cottages)"),
        "{}",
        note.evidence
    );
    // Where they agree, the source's label stands alone.
    let got = tagger().tag(
        &seg(&[], "In Part Two, they settle at the Cottages."),
        Kind::Plot,
    );
    assert_eq!(got.part, Some(2));
    assert!(got.provenance.iter().all(|o| o.via != Via::Note));
}

#[test]
fn kind_from_the_text_when_no_heading_gives_one() {
    let t = tagger();
    for (text, default, want) in [
        (
            "Kathy moves to the farm, then later learns the truth.",
            Kind::Other,
            Kind::Plot,
        ),
        (
            "The book explores memory; the tape represents loss.",
            Kind::Other,
            Kind::Analysis,
        ),
        ("Plain words.", Kind::Other, Kind::Other),
        // A source's own default yields only to a clear lead.
        ("The novel explores grief.", Kind::Plot, Kind::Plot),
        (
            "The novel explores grief; its themes suggest a critique.",
            Kind::Plot,
            Kind::Analysis,
        ),
    ] {
        let got = t.tag(&seg(&[], text), default);
        assert_eq!(got.kind, want, "{text}");
        if want != default {
            let via = got
                .provenance
                .iter()
                .find(|o| o.field == TagField::Kind)
                .unwrap();
            assert_eq!(via.via, Via::Cue, "{text}");
        }
    }
}

#[test]
fn theme_cues_of_another_sense_and_the_book_title_do_not_tag() {
    let t = tagger();
    for (text, theme, want) in [
        ("The school lost their funding.", "love-and-loss", false),
        ("Kathy lost the tape.", "love-and-loss", true),
        ("They hope for the possible deferral.", "identity", false),
        ("Ruth looks for her possible.", "identity", true),
        ("It is possible, she says.", "identity", false),
        ("Ruth's manipulations hurt him.", "manipulation", true),
        ("They wait passively.", "acceptance", true),
    ] {
        let got = t.tag(&seg(&[], text), Kind::Plot);
        assert_eq!(got.themes.contains(&theme.to_string()), want, "{text}");
    }
    let lex = Lexicon::parse(
        "[book]\ntitle = 'Pride and Prejudice'\nauthor = 'Jane Austen'\n\
         [[character]]\nname = 'Jane'\naliases = ['Jane']\n\
         [[theme]]\nname = 'pride'\ncues = ['pride']\nheadings = ['pride']\n",
    )
    .unwrap();
    let t = Tagger::new(&lex, &Rules::parse(DEFAULT_RULES).unwrap()).unwrap();
    let got = t.tag(
        &seg(
            &["Pride and Prejudice"],
            "Jane Austen wrote Pride and Prejudice in 1813.",
        ),
        Kind::Other,
    );
    assert!(got.themes.is_empty(), "{:?}", got.provenance);
    assert!(got.characters.is_empty(), "{:?}", got.provenance);
    let got = t.tag(&seg(&["Pride"], "Jane is hurt by his pride."), Kind::Other);
    assert_eq!(got.themes, ["pride"]);
    assert_eq!(got.characters, ["Jane"]);
}
