//! The classes of failure a new user meets (issue 20), each on passages of the real corpus: a
//! short misspelt name, a miss that looks like a hit, a loose stem taken for a word, a word
//! stemmed like another, a person asked for by role, the fate of a place or of a character's
//! thing, a cause said in other words, two people together, an affixed form and a
//! half-remembered quotation. Each test states what a reader expects of the first few hits,
//! through the binary's JSON.

mod common;

use nlmg_search::output::json::{JsonHit, JsonSummary};

/// The top `n` hits of a search on the shipped corpus, with the summary and the exit code.
fn top(args: &[&str], n: usize) -> (Vec<JsonHit>, JsonSummary, i32) {
    let env = common::shipped();
    let limit = n.to_string();
    let mut all = vec!["--limit", limit.as_str()];
    all.extend_from_slice(args);
    env.json(&all)
}

/// Whether a hit's whole text holds any of `needles` (lower case).
fn holds(hit: &JsonHit, needles: &[&str]) -> bool {
    let text = hit.text.to_lowercase();
    needles.iter().any(|n| text.contains(n))
}

/// The hits' first lines, for failure messages.
fn shown(hits: &[JsonHit]) -> String {
    hits.iter()
        .map(|h| {
            let head: String = h.text.chars().take(100).collect();
            format!("\n  {}. [{}] {head}", h.rank, h.kind)
        })
        .collect()
}

/// The words each hit highlights in its whole text, lower-cased.
fn highlighted(hits: &[JsonHit]) -> Vec<String> {
    hits.iter()
        .flat_map(|h| {
            let chars: Vec<char> = h.text.chars().collect();
            h.text_highlights_chars
                .iter()
                .map(|[a, b]| chars[*a..*b].iter().collect::<String>().to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect()
}

// ------------------------------------------------------------------ short misspelt names

/// A name typed with a slip of four letters or fewer is read as the character whose name it is
/// nearest to: names and aliases are the first candidates for a short or capitalised word.
#[test]
fn short_misspelt_names_find_their_characters() {
    for (typed, character) in [("Tomy", "Tommy"), ("Ruht", "Ruth"), ("Chrisy", "Chrissie")] {
        let (hits, summary, code) = top(&[typed], 3);
        assert_eq!(code, 0, "{typed}: nothing found");
        assert_eq!(
            summary.suggestion.as_deref().map(str::to_lowercase),
            Some(character.to_lowercase()),
            "{typed}"
        );
        for h in &hits {
            assert!(
                h.characters.iter().any(|c| c == character),
                "{typed}: hit {} is not about {character}{}",
                h.rank,
                shown(&hits)
            );
        }
    }
}

/// A short word of the book's own vocabulary typed with one letter missing is corrected too.
#[test]
fn a_short_misspelt_term_is_corrected() {
    let (hits, summary, code) = top(&["donr"], 3);
    assert_eq!(code, 0, "nothing found for donr");
    assert_eq!(summary.suggestion.as_deref(), Some("donor"));
    assert!(
        hits.iter().all(|h| holds(h, &["donor"])),
        "{}",
        shown(&hits)
    );
}

// ------------------------------------------------------------------ a miss that looks like a hit

/// Words no passage holds are said to match nowhere: no hits when none of the words match
/// (exit 1), and the terminal names them rather than showing passages that share a few letters.
#[test]
fn words_in_no_passage_are_a_miss_not_a_hit() {
    let (hits, summary, code) = top(&["poor creatures"], 5);
    assert_eq!(code, 1, "{}", shown(&hits));
    assert!(hits.is_empty());
    assert_eq!(summary.unmatched, ["poor", "creatures"]);

    let env = common::shipped();
    let out = env
        .cmd()
        .args(["--color", "never", "poor creatures"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("poor") && said.contains("creatures"),
        "{said}"
    );
    assert!(!said.contains("create"), "{said}");
}

/// When only some words match, the hits are shown and the others are named as unmatched.
#[test]
fn words_matching_nowhere_are_named_beside_the_hits() {
    let (hits, summary, code) = top(&["poor tommy"], 3);
    assert_eq!(code, 0);
    assert!(!hits.is_empty());
    assert_eq!(summary.unmatched, ["poor"]);
    let env = common::shipped();
    let out = env
        .cmd()
        .args(["--color", "never", "poor tommy"])
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        said.lines()
            .any(|l| l.contains("no passage") && l.contains("poor")),
        "{said}"
    );
    // A word that matched is never listed.
    let (_, summary, _) = top(&["deferral"], 1);
    assert!(summary.unmatched.is_empty(), "{:?}", summary.unmatched);
}

// ------------------------------------------------------------------ loose stem extensions

/// A real English word is not matched by a longer word that merely begins with it: "sing" is
/// not "single", "index" not "indeed" (its own forms, "singing" and "singer", still count).
#[test]
fn a_word_is_not_matched_by_a_longer_word_that_begins_with_it() {
    let (hits, _, _) = top(&["sing"], 10);
    let words = highlighted(&hits);
    assert!(words.iter().any(|w| w.starts_with("sing")), "{words:?}");
    assert!(!words.iter().any(|w| w == "single"), "{words:?}");

    let (hits, summary, code) = top(&["--", "index"], 10);
    let words = highlighted(&hits);
    assert!(!words.iter().any(|w| w == "indeed"), "{words:?}");
    assert_eq!(code, 1, "{}", shown(&hits));
    assert_eq!(summary.unmatched, ["index"]);
}

/// A word the English stemmer cuts like another word ("experiment" and "experience" are both
/// "experi") finds the passages using its own forms first, not those using the other word.
#[test]
fn a_word_stemmed_like_another_finds_its_own_forms_first() {
    let (hits, _, code) = top(&["experiment"], 3);
    assert_eq!(code, 0, "nothing found for experiment");
    assert_eq!(hits.len(), 3, "{}", shown(&hits));
    assert!(
        hits.iter().all(|h| holds(h, &["experiment"])),
        "{}",
        shown(&hits)
    );
    // And the other way round.
    let (hits, _, _) = top(&["experiences"], 3);
    assert!(
        hits.iter().all(|h| holds(h, &["experience"])),
        "{}",
        shown(&hits)
    );
}

// ------------------------------------------------------------------ a person asked for by role

/// "Who ran …" asks for the person in charge: the passages that name the role in the book's
/// words (headmistress, head guardian) answer it.
#[test]
fn a_person_asked_for_by_role_finds_the_role() {
    let (hits, _, _) = top(&["who ran hailsham"], 3);
    assert!(
        hits.iter()
            .any(|h| holds(h, &["headmistress", "head guardian"])),
        "{}",
        shown(&hits)
    );
}

/// "Who was cruel to …" asks for the tormentors: bullies, pranks, tormentors.
#[test]
fn a_person_asked_for_by_action_finds_the_action_in_other_words() {
    let (hits, _, _) = top(&["who was cruel to tommy"], 3);
    assert!(
        hits.iter()
            .any(|h| holds(h, &["bullies", "bullying", "tormentor", "pranks"])),
        "{}",
        shown(&hits)
    );
}

// ------------------------------------------------------------------ the fate of a place

/// "What happened to" a place asks for its fate, not for a death: Hailsham's closing.
#[test]
fn what_happened_to_a_place_is_its_fate_not_a_death() {
    let (hits, _, _) = top(&["what happened to hailsham"], 3);
    assert!(
        hits.iter()
            .any(|h| holds(h, &["closed", "closing", "closure"])),
        "{}",
        shown(&hits)
    );
    // Still a death when the question names a person.
    let (hits, _, _) = top(&["what happened to ruth"], 3);
    assert!(
        hits.iter()
            .any(|h| holds(h, &["died", "completes", "death"])),
        "{}",
        shown(&hits)
    );
}

/// A character named as the owner of something ("Tommy's drawings") does not make the question
/// one about the person: what happened to a thing is still its fate, searched by the words for
/// a thing's fate; "what happened to Ruth" still asks about her.
#[test]
fn what_happened_to_a_characters_thing_is_the_things_fate() {
    let fate_of_a_thing = |q: &str| {
        let (_, summary, _) = top(&[q], 3);
        summary
            .expansions
            .iter()
            .filter(|e| e.from == "what happened to")
            .any(|e| e.to.iter().any(|t| t == "closed"))
    };
    assert!(fate_of_a_thing("what happened to tommy's drawings"));
    assert!(fate_of_a_thing("what happened to hailsham"));
    assert!(!fate_of_a_thing("what happened to ruth"));
    assert!(!fate_of_a_thing(
        "what happened to kathy and tommy's drawings"
    ));
}

// ------------------------------------------------------------------ causes in other words

/// "Why does Tommy scream" is answered by what made him: the bullying and the pranks.
#[test]
fn a_cause_in_other_words_is_found() {
    let (hits, _, _) = top(&["why does tommy scream"], 3);
    assert!(
        hits.iter()
            .any(|h| holds(h, &["bullies", "bullying", "pranks", "tormentor", "teased"])),
        "{}",
        shown(&hits)
    );
}

// ------------------------------------------------------------------ two people together

/// "Does X end up with Y" is answered by the passage about the two of them together, first.
#[test]
fn a_relationship_question_puts_the_pair_together_first() {
    let (hits, _, _) = top(&["does kathy end up with tommy"], 3);
    let first = hits.first().expect("a hit");
    assert!(
        holds(
            first,
            &["as a couple", "become a couple", "finally together"]
        ),
        "{}",
        shown(&hits)
    );
}

/// A yes/no question about who fears whom: the passage that says the students feared Madame
/// answers "were the students afraid of Madame" and comes first.
#[test]
fn a_yes_no_question_finds_the_passage_that_says_it() {
    let (hits, _, _) = top(&["were the students afraid of madame"], 3);
    let first = hits.first().expect("a hit");
    assert!(
        holds(first, &["feared and respected by the students"]),
        "{}",
        shown(&hits)
    );
}

// ------------------------------------------------------------------ affixes

/// A word the summaries use only with a negating prefix finds the prefixed form first:
/// `reliable` finds "unreliable" and "unreliability".
#[test]
fn a_word_finds_its_prefixed_form() {
    let (hits, summary, code) = top(&["reliable"], 3);
    assert_eq!(code, 0, "nothing found for reliable");
    assert!(summary.unmatched.is_empty(), "{:?}", summary.unmatched);
    let first = hits.first().expect("a hit");
    assert!(holds(first, &["unreliab"]), "{}", shown(&hits));
}

// ------------------------------------------------------------------ half-remembered quotations

/// A quotation typed with words changed ("so long ago" for "that far back") still finds it,
/// first, as a quotation.
#[test]
fn a_half_remembered_quotation_is_found_first() {
    let (hits, _, _) = top(&["that's how it is with memories from so long ago"], 3);
    let first = hits.first().expect("a hit");
    assert_eq!(first.kind, "quotation", "{}", shown(&hits));
    assert!(
        holds(first, &["memories from that far back"]),
        "{}",
        shown(&hits)
    );
}
