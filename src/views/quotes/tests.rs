//! The quotation view's tests, kept out of the code they check.

use super::*;
use crate::lexicon::Lexicon;
use crate::model::Kind;

/// Passages, the speaker expected and how it is found.
type Case<'a> = (&'a [(Kind, &'a str)], Option<&'a str>, Option<SpeakerFrom>);

fn lexicon() -> Lexicon {
    Lexicon::parse(
        r#"
[[character]]
name = "Anna"
aliases = ["Anna K.", "Anna", "Annie"]

[[character]]
name = "Mr Brook"
aliases = ["Mr Brook", "Brook"]
"#,
    )
    .unwrap()
}

fn passage(seq: u32, kind: Kind, text: &str) -> Arc<Passage> {
    let mut p = Passage::sample("s", seq, kind, text);
    p.prev = seq.checked_sub(1).map(|s| format!("s:{s}"));
    p.next = Some(format!("s:{}", seq + 1));
    Arc::new(p)
}

fn run(texts: &[(Kind, &str)]) -> Vec<Quote> {
    let lex = lexicon();
    let cues = SpeakerCues::parse(None, &lex).unwrap();
    let ps: Vec<Arc<Passage>> = texts
        .iter()
        .enumerate()
        .map(|(i, (k, t))| passage(i as u32, *k, t))
        .collect();
    quotes(&ps, &cues)
}

#[test]
fn speakers_come_from_cues_only() {
    use Kind::*;
    // (passages, expected speaker, expected source of it)
    let cases: &[Case] = &[
        (
            &[
                (
                    Plot,
                    "Anna K., a quiet girl, keeps to herself, telling the others:",
                ),
                (Quotation, "\"Nobody here will ever see the sea again.\""),
            ],
            Some("Anna"),
            Some(SpeakerFrom::Introduction),
        ),
        (
            &[
                (
                    Plot,
                    "Mr Brook loses his temper. He shouts at them all, admitting:",
                ),
                (Quotation, "\"I never wanted any of you to know this.\""),
            ],
            Some("Mr Brook"),
            Some(SpeakerFrom::Introduction),
        ),
        (
            &[(
                Quotation,
                "\"We were never meant to stay here for long.\" (p. 12) — Annie, Chapter 3",
            )],
            Some("Anna"),
            Some(SpeakerFrom::Attribution),
        ),
        (
            &[
                (Quotation, "\"We were never meant to stay here for long.\""),
                (
                    Analysis,
                    "This confession from Brook changes how we read the ending.",
                ),
            ],
            Some("Mr Brook"),
            Some(SpeakerFrom::FollowUp),
        ),
        (
            &[
                (Analysis, "The ending is quiet. It closes on a field:"),
                (Quotation, "\"We were never meant to stay here for long.\""),
                (Analysis, "The image returns in the last chapter."),
            ],
            None,
            None,
        ),
        (
            &[
                // A name in the sentence, but not its subject: no speaker.
                (
                    Plot,
                    "During a visit to Anna, the friends finally talk, and one says:",
                ),
                (Quotation, "\"We were never meant to stay here for long.\""),
            ],
            None,
            None,
        ),
    ];
    for (texts, speaker, from) in cases {
        let q = run(texts);
        assert_eq!(q.len(), 1, "{texts:?}");
        assert_eq!(
            q[0].speaker.as_deref(),
            *speaker,
            "{texts:?}: {:?}",
            q[0].claims
        );
        assert_eq!(q[0].speaker_from, *from, "{texts:?}");
    }
}

#[test]
fn a_bundle_splits_and_versions_merge_with_their_pages() {
    use Kind::*;
    let q = run(&[
        (
            Quotation,
            "\"We were never meant to stay here for long, not any of us.\" (p. 12) and \
             \"The sea was grey that morning and nobody spoke.\" (pp. 40-41)",
        ),
        (Quotation, "\"We were never meant to stay here for long.\""),
        (
            Plot,
            "They call it \"the place we came from\" and never go back.",
        ),
    ]);
    assert_eq!(q.len(), 2, "{q:#?}");
    assert_eq!(q[0].pages, [12]);
    assert_eq!(q[0].sources.len(), 2);
    assert_eq!(
        q[0].text,
        "We were never meant to stay here for long, not any of us."
    );
    assert_eq!(q[0].sources[1].pages, Vec::<u32>::new());
    assert_eq!(q[1].pages, [40, 41]);
    assert_eq!(q[1].sources.len(), 1);
}

#[test]
fn disagreeing_sources_leave_the_speaker_unset_and_say_why() {
    use Kind::*;
    let q = run(&[
        (
            Quotation,
            "\"It is a pity, Annie, because we have tried so hard all along.\"",
        ),
        (
            Quotation,
            "\"It is a pity, Annie, because we have tried so hard all along.\"",
        ),
        (
            Analysis,
            "This metaphor, which Anna uses here, shows her despair.",
        ),
    ]);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].speaker, None);
    let d = q[0].disagreement.as_deref().unwrap();
    assert!(
        d.contains("gives Anna") && d.contains("addresses Anna"),
        "{d}"
    );
}
