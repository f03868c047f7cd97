//! Words that share a stem without being forms of one word. The English stemmer cuts
//! "experiment" and "experience" alike ("experi"), though neither is a form of the other: a
//! search for one would find the other as readily. Forms of one word are told apart from such
//! collisions by English spelling alone: less its inflection and a final "e", "y" or "i", one
//! word begins the other (experience / experiences / experienced, govern / government,
//! donations / donated, happily / happiness), or the two differ only by endings English
//! alternates within one word (different / difference, possible / possibility). At index
//! time, the words of a stem shared by more than one word are marked in the passages that use
//! them ([`colliding`]), so that a search for one of them can tell the passages holding its own
//! forms from those holding only the other word's.

use std::collections::HashMap;

/// Endings that leave the word what it was: inflections, and the adverb and noun of an
/// adjective ("happily", "happiness"). The longest that fits is cut first.
const ENDINGS: [&str; 7] = ["ings", "ness", "ing", "ed", "es", "ly", "s"];

/// Endings English alternates within one word (a noun and its adjective, a verb and its
/// agent), as they stand at the end of a [`trunk`]: "differenc" (difference) is read as
/// "different" too, "possibilit" (possibility) as "possibl" (possible), "deception" as
/// "deceptiv" (deceptive), "participant" as "participat" (participate).
const ALTERNATIONS: [(&str, &str); 5] = [
    ("enc", "ent"),
    ("anc", "ant"),
    ("bilit", "bl"),
    ("ion", "iv"),
    ("ant", "at"),
];

/// What every form of the word `w` begins with: `w` less an ending of [`ENDINGS`] (when two
/// letters remain), then less a final "e", "y" or "i" ("experienc" for experience and
/// experienced, "happ" for happy and happiness, "memor" for memories, "d" for dying and "di"
/// for die).
fn trunk(w: &str) -> &str {
    let base = ENDINGS
        .iter()
        .find_map(|e| w.strip_suffix(e).filter(|b| b.chars().count() >= 2))
        .unwrap_or(w);
    base.strip_suffix(['e', 'y', 'i']).unwrap_or(base)
}

/// The trunk of `w`, and the trunk with an alternating ending read as its other.
fn trunks(w: &str) -> Vec<String> {
    let t = trunk(w);
    let mut out = vec![t.to_string()];
    for (from, to) in ALTERNATIONS {
        if let Some(stem) = t.strip_suffix(from).filter(|s| !s.is_empty()) {
            out.push(format!("{stem}{to}"));
        }
    }
    out
}

/// Whether two words (lower case) are forms of one word: the trunk of one begins the other's
/// (`trunk`), as written or with an alternating ending read as its other.
pub fn one_word(a: &str, b: &str) -> bool {
    let (ta, tb) = (trunks(a), trunks(b));
    ta.iter().any(|x| {
        tb.iter()
            .any(|y| x.starts_with(y.as_str()) || y.starts_with(x.as_str()))
    })
}

/// `words` (all of one stem) gathered into words: two are in one group when a chain of
/// [`one_word`] pairs joins them. Groups and their words keep the order of `words`.
pub fn groups<'a>(words: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut group_of: Vec<usize> = (0..words.len()).collect();
    for i in 0..words.len() {
        for j in 0..i {
            if group_of[i] != group_of[j] && one_word(words[i], words[j]) {
                // Merge i's group into j's.
                let (from, to) = (group_of[i], group_of[j]);
                for g in group_of.iter_mut() {
                    if *g == from {
                        *g = to;
                    }
                }
            }
        }
    }
    let mut out: Vec<(usize, Vec<&'a str>)> = vec![];
    for (i, w) in words.iter().enumerate() {
        match out.iter_mut().find(|(g, _)| *g == group_of[i]) {
            Some((_, list)) => list.push(w),
            None => out.push((group_of[i], vec![w])),
        }
    }
    out.into_iter().map(|(_, list)| list).collect()
}

/// The words (lower case) whose stem another word shares without being a form of the same word,
/// from every word of a corpus with its stem: "experiment", "experiments", "experience", … but
/// not "donate" beside "donation".
pub fn colliding<'a>(words: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<&'a str> {
    let mut by_stem: HashMap<&str, Vec<&str>> = HashMap::new();
    for (w, stem) in words {
        by_stem.entry(stem).or_default().push(w);
    }
    let mut out = vec![];
    for list in by_stem.values().filter(|l| l.len() > 1) {
        if groups(list).len() > 1 {
            out.extend(list.iter().copied());
        }
    }
    out.sort_unstable();
    out
}

/// Of the words sharing the stem of `word` (each a word of one stem), the forms of `word`
/// itself, when they are words of more than one group and `word` is a form of exactly one of
/// them; `None` when the stem is one word's, or `word` is no form of any (or of several).
pub fn own_forms<'a>(word: &str, sharing: &[&'a str]) -> Option<Vec<&'a str>> {
    let groups = groups(sharing);
    if groups.len() < 2 {
        return None;
    }
    let mut own = groups
        .into_iter()
        .filter(|g| g.iter().any(|m| *m == word || one_word(word, m)));
    let first = own.next()?;
    own.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_one_word_are_one_word() {
        for (a, b) in [
            ("experience", "experiences"),
            ("experience", "experienced"),
            ("experiment", "experiments"),
            ("experiment", "experimental"),
            ("govern", "government"),
            ("happy", "happiness"),
            ("happy", "happily"),
            ("donate", "donation"),
            ("donations", "donated"),
            ("happily", "happiness"),
            ("urgency", "urgent"),
            ("die", "dying"),
            ("died", "dying"),
            ("deception", "deceptively"),
            ("obsession", "obsessive"),
            ("participants", "participate"),
            ("care", "caring"),
            ("memory", "memories"),
            ("different", "difference"),
            ("differences", "different"),
            ("importance", "important"),
            ("possible", "possibility"),
        ] {
            assert!(one_word(a, b), "{a} / {b}");
            assert!(one_word(b, a), "{b} / {a}");
        }
    }

    #[test]
    fn words_sharing_only_a_stem_are_not() {
        for (a, b) in [
            ("experiment", "experience"),
            ("experiments", "experiences"),
            ("experimental", "experienced"),
            ("complications", "complicity"),
        ] {
            assert!(!one_word(a, b), "{a} / {b}");
            assert!(!one_word(b, a), "{b} / {a}");
        }
    }

    #[test]
    fn a_stem_shared_by_two_words_is_two_groups() {
        let words = [
            "experience",
            "experiences",
            "experiment",
            "experienced",
            "experiments",
        ];
        assert_eq!(
            groups(&words),
            [
                vec!["experience", "experiences", "experienced"],
                vec!["experiment", "experiments"],
            ]
        );
        // A chain joins: differences → difference → different.
        assert_eq!(groups(&["differences", "different", "difference"]).len(), 1);
    }

    #[test]
    fn colliding_words_are_those_of_stems_shared_by_two_words() {
        let corpus = [
            ("experiment", "experi"),
            ("experience", "experi"),
            ("experiences", "experi"),
            ("donate", "donat"),
            ("donation", "donat"),
            ("tommy", "tommi"),
        ];
        assert_eq!(
            colliding(corpus),
            ["experience", "experiences", "experiment"]
        );
    }

    #[test]
    fn a_word_owns_the_forms_of_its_own_group() {
        let sharing = ["experience", "experiences", "experiment", "experiments"];
        assert_eq!(
            own_forms("experiment", &sharing),
            Some(vec!["experiment", "experiments"])
        );
        // A form the corpus does not use still finds its word.
        assert_eq!(
            own_forms("experimenting", &sharing),
            Some(vec!["experiment", "experiments"])
        );
        assert_eq!(
            own_forms("experiences", &sharing),
            Some(vec!["experience", "experiences"])
        );
        // One word's stem: nothing to tell apart.
        assert_eq!(own_forms("donation", &["donate", "donation"]), None);
        // A word of neither group.
        assert_eq!(own_forms("expert", &sharing), None);
    }
}
