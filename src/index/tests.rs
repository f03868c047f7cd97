//! Tests of the index: analysis, marking with the index analyzer, builds and freshness.

use std::fs::{self, File};
use std::time::Duration;

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, TokenStream,
};

use super::build::{colliding_words, signature_counts, word_counts};
use super::meta::{freshness, STAMP_FILE};
use super::store::{CURRENT_FILE, LOCK_FILE};
use super::*;
use crate::mark::Glosses;
use crate::model::{Corpus, Kind, Passage};

fn passage(source: &str, seq: u32, text: &str) -> Passage {
    Passage {
        section: vec!["Themes".into(), "Memory".into()],
        part: Some(2),
        characters: vec!["Ruth".into()],
        themes: vec!["memory".into()],
        pages: vec![58],
        ..Passage::sample(source, seq, Kind::Analysis, text)
    }
}

fn corpus(fingerprint: &str) -> Corpus {
    Corpus {
        sources: vec![],
        passages: vec![
            passage("a", 0, "Ruth hopes to find her possible."),
            passage("a", 1, "Rumours of deferrals."),
        ],
        warnings: vec![],
        fingerprint: fingerprint.into(),
        bytes: 60,
        continues: vec![],
        continued_kinds: vec![],
        glosses: vec![],
        families: vec![],
        answer_types: vec![],
    }
}

#[test]
fn a_passage_explains_a_term_when_a_form_of_it_is_near_its_everyday_words() {
    let gloss = |term: &str, everyday: &[&str]| crate::model::Gloss {
        term: term.into(),
        everyday: everyday.iter().map(|s| s.to_string()).collect(),
    };
    let family = |words: &[&str]| words.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut a = analyzer();
    let glosses = Glosses::new(
        &[
            gloss("Carer", &["looks after", "takes care of"]),
            gloss("deferral", &["postpone", "extra time"]),
        ],
        // The family lists the term in another inflection ("deferrals"): still its family.
        &[family(&["carer", "care"]), family(&["deferrals", "defer"])],
        &mut a,
    );
    for (text, want) in [
        ("Kathy is a carer who looks after donors.", vec!["carer"]),
        ("She takes care of donors as their carer.", vec!["carer"]),
        // Another form of the term (its word family) counts; so does a plural.
        (
            "Couples hope to defer, to postpone their fate.",
            vec!["deferral"],
        ),
        (
            "The deferrals would give them extra time.",
            vec!["deferral"],
        ),
        // The phrase's words must be together and in order.
        ("The deferral gave them time, but not extra.", vec![]),
        // Too far apart: eleven words between.
        (
            "Kathy is a carer. Years pass, the Cottages empty, the friends drift apart \
             and Ruth looks after herself.",
            vec![],
        ),
        ("She looks after Tommy.", vec![]),
        // A form of the term inside the phrase is the phrase: "care" in "takes care of".
        ("She takes care of Tommy.", vec![]),
        // Ten words from the term to the nearer end of the phrase, either side, no more.
        (
            "Kathy is a carer and one two three four five six seven eight looks after.",
            vec!["carer"],
        ),
        (
            "Kathy is a carer and one two three four five six seven eight nine looks after.",
            vec![],
        ),
        (
            "She takes care of them, one two three four five six seven, a carer.",
            vec!["carer"],
        ),
        (
            "She takes care of them, one two three four five six seven eight, a carer.",
            vec![],
        ),
        (
            "A carer looks after donors and can postpone a deferral.",
            vec!["carer", "deferral"],
        ),
    ] {
        assert_eq!(glosses.explained_in(text, &mut a), want, "{text}");
    }
}

fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
    let mut out = vec![];
    let mut stream = a.token_stream(text);
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
    }
    out
}

fn plain_stemming() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(tantivy::tokenizer::Language::English))
        .build()
}

#[test]
fn remembered_stems_are_tantivys_stems() {
    let mut remembered = analyzer();
    let mut plain = plain_stemming();
    for text in [
        "Deferrals, deferral, DEFERRED: the donations and donors' carers",
        "deferrals deferrals deferral",
        "Hailsham Hailsham's Kathy's remembering remembered",
        "",
        "a an the is was told not told",
    ] {
        let want = tokens(&mut plain, text);
        assert_eq!(tokens(&mut remembered, text), want, "{text:?}");
        assert_eq!(tokens(&mut remembered, text), want, "{text:?} again");
    }
}

proptest::proptest! {
    #[test]
    fn remembered_stems_match_on_any_text(texts in proptest::collection::vec("\\PC{0,80}", 1..6)) {
        let mut remembered = analyzer();
        let mut plain = plain_stemming();
        for text in &texts {
            proptest::prop_assert_eq!(tokens(&mut remembered, text), tokens(&mut plain, text));
        }
    }
}

#[test]
fn word_counts_count_passages_not_occurrences() {
    let mut c = corpus("x");
    c.passages
        .push(passage("b", 0, "RUTH, Ruth and ruth; Ælfred's möglich 42"));
    let counts = word_counts(&c);
    for (word, want) in [
        ("ruth", Some(2)),
        ("themes", Some(3)),
        ("memory", Some(3)),
        ("deferrals", Some(1)),
        ("ælfred", Some(1)),
        ("möglich", Some(1)),
        ("s", Some(1)),
        ("42", Some(1)),
        ("Ruth", None),
        ("", None),
    ] {
        assert_eq!(counts.get(word).copied(), want, "{word:?}");
    }
}

#[test]
fn build_swaps_generations_and_keeps_one_segment() {
    let dir = tempfile::tempdir().unwrap();
    let mut events = vec![];
    let r = build(&corpus("x"), dir.path(), &mut |e| events.push(e)).unwrap();
    assert_eq!((r.passages, r.segments), (2, 1));
    assert!(r.index_bytes > 0);
    assert_eq!(events.first(), Some(&BuildEvent::Started { passages: 2 }));
    assert_eq!(events.last(), Some(&BuildEvent::Finished));
    let first = current_dir(dir.path()).unwrap();
    build(&corpus("y"), dir.path(), &mut |_| {}).unwrap();
    let second = current_dir(dir.path()).unwrap();
    assert_ne!(first, second);
    // The generation just replaced stays for searches still opening it, until the next
    // build; older ones go.
    assert!(first.exists(), "the generation just replaced is kept");
    build(&corpus("y"), dir.path(), &mut |_| {}).unwrap();
    assert!(!first.exists(), "older generations removed");
    assert!(second.exists());
    let gens = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
        .count();
    assert_eq!(gens, 2);
    assert_eq!(read_meta(dir.path()).unwrap().fingerprint, "y");
    let meta = read_meta(dir.path()).unwrap();
    assert_eq!(meta.values("theme").get("memory"), Some(&2));
    assert_eq!(meta.sections, vec!["Themes › Memory".to_string()]);
    // The section lists live in their own file: the head a search reads has none of them, and
    // the two together are the whole meta.
    let head = super::read_head(&second).unwrap();
    assert!(head.sections.is_empty() && head.values("heading").is_empty());
    assert_eq!(head.values("theme"), meta.values("theme"));
    let lists = super::read_sections(
        &fs::File::open(second.join(super::SECTIONS_FILE)).unwrap(),
        &second,
    )
    .unwrap();
    assert_eq!(head.with_sections(lists), meta);
    assert!(meta.values("heading").contains_key("Memory"));
}

#[test]
fn a_killed_build_leaves_the_previous_index_in_place() {
    let dir = tempfile::tempdir().unwrap();
    build(&corpus("x"), dir.path(), &mut |_| {}).unwrap();
    let live = current_dir(dir.path()).unwrap();
    // What a build killed half-way leaves: a temporary directory with partial files.
    let tmp = dir.path().join("tmp-999999-7");
    fs::create_dir_all(&tmp).unwrap();
    fs::write(tmp.join("meta.json"), "{").unwrap();
    assert_eq!(current_dir(dir.path()).unwrap(), live);
    build(&corpus("y"), dir.path(), &mut |_| {}).unwrap();
    assert!(!tmp.exists(), "leftover removed by the next build");
    assert!(current_dir(dir.path()).unwrap().join(META_FILE).is_file());
}

#[test]
fn a_second_build_while_one_runs_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let lock = File::create(dir.path().join(LOCK_FILE)).unwrap();
    lock.lock().unwrap();
    assert!(build_running(dir.path()));
    let err = build(&corpus("x"), dir.path(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("another build"), "{err}");
    drop(lock);
    assert!(!build_running(dir.path()));
}

#[test]
fn freshness_trusts_a_stamp_only_while_nothing_changed() {
    let corpus_dir = tempfile::tempdir().unwrap();
    let c = corpus_dir.path();
    fs::write(c.join("a.txt"), "Some text.").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fp = crate::ingest::fingerprint(c).unwrap();
    build(&corpus(&fp), dir.path(), &mut |_| {}).unwrap();
    let gen = current_dir(dir.path()).unwrap();
    let stamp_path = gen.join(STAMP_FILE);
    let zero = Duration::ZERO;
    // Files just written are not settled: fresh by their contents, nothing remembered.
    assert_eq!(
        freshness(&gen, c, &fp, Duration::from_secs(3600)),
        IndexStatus::Fresh
    );
    assert!(!stamp_path.exists());
    assert_eq!(freshness(&gen, c, &fp, zero), IndexStatus::Fresh);
    let key = crate::ingest::stamp(c, zero).unwrap().key;
    assert_eq!(
        fs::read_to_string(&stamp_path).unwrap(),
        format!("{fp} {key}")
    );
    // The remembered stamp answers without the contents: an unreadable file proves it.
    let forged = format!("{fp}x {key}");
    fs::write(&stamp_path, &forged).unwrap();
    assert_eq!(
        freshness(&gen, c, &format!("{fp}x"), zero),
        IndexStatus::Fresh
    );
    assert_eq!(
        freshness(&gen, c, &fp, zero),
        IndexStatus::Fresh,
        "rehashed"
    );
    // Same size, new contents: the change time moves, so the contents are hashed again.
    std::thread::sleep(Duration::from_millis(30));
    fs::write(c.join("a.txt"), "Some test.").unwrap();
    assert_eq!(freshness(&gen, c, &fp, zero), IndexStatus::Stale);
    assert_eq!(status(dir.path(), c), IndexStatus::Stale);
    // Touched but unchanged: fresh, and remembered again.
    fs::write(c.join("a.txt"), "Some text.").unwrap();
    assert_eq!(freshness(&gen, c, &fp, zero), IndexStatus::Fresh);
    let key = crate::ingest::stamp(c, zero).unwrap().key;
    assert_eq!(
        fs::read_to_string(&stamp_path).unwrap(),
        format!("{fp} {key}")
    );
}

#[test]
fn status_tells_missing_fresh_stale_old_and_damaged() {
    let corpus_dir = tempfile::tempdir().unwrap();
    fs::write(corpus_dir.path().join("a.txt"), "Some text.").unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(status(dir.path(), corpus_dir.path()), IndexStatus::Missing);
    let fp = crate::ingest::fingerprint(corpus_dir.path()).unwrap();
    build(&corpus(&fp), dir.path(), &mut |_| {}).unwrap();
    assert_eq!(status(dir.path(), corpus_dir.path()), IndexStatus::Fresh);
    fs::write(corpus_dir.path().join("a.txt"), "Other text.").unwrap();
    assert_eq!(status(dir.path(), corpus_dir.path()), IndexStatus::Stale);
    let meta_path = current_dir(dir.path()).unwrap().join(META_FILE);
    fs::write(&meta_path, r#"{"schema_version": 0}"#).unwrap();
    assert_eq!(
        status(dir.path(), corpus_dir.path()),
        IndexStatus::OldSchema
    );
    fs::write(&meta_path, "not json").unwrap();
    assert!(matches!(
        status(dir.path(), corpus_dir.path()),
        IndexStatus::Damaged(_)
    ));
    fs::write(dir.path().join(CURRENT_FILE), "gen-404\n").unwrap();
    assert!(matches!(
        status(dir.path(), corpus_dir.path()),
        IndexStatus::Damaged(_)
    ));
}

#[test]
fn words_sharing_a_stem_but_not_a_word_are_marked_in_their_passages() {
    let mut c = corpus("forms");
    c.passages = vec![
        passage("a", 0, "The Experiment failed; experiments fail."),
        passage("a", 1, "Her experiences taught her."),
        passage("a", 2, "Donors donate; a donation is made."),
    ];
    let mut a = analyzer();
    let colliding = colliding_words(&word_counts(&c), &mut a);
    let mut marked: Vec<&str> = colliding.iter().map(String::as_str).collect();
    marked.sort_unstable();
    // "donate" and "donation" are one word's forms: not marked.
    assert_eq!(marked, ["experiences", "experiment", "experiments"]);
    let (_, forms) = signature_counts(&c, &mut a, &colliding);
    assert_eq!(
        forms,
        [
            vec!["experiment", "experiments"],
            vec!["experiences"],
            vec![]
        ]
    );
}
