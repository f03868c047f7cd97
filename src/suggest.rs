//! What to say about a filter value that matches nothing: the closest few valid values, how
//! many there are, and the command that lists them all. Beside the pipeline: the search's
//! filters and the command layer's options both use it.
//!
//! "Close" means what a reader would accept as meant: the typed word is one of the value's
//! words (`loss` → `love-and-loss`), or begins one (`mem` → `memory`), or is a slip of the
//! keyboard away from the value or one of its words (`memroy`). A value sharing only a few
//! letters (`hermione` → `Geraldine`) is never offered.

use crate::error::Error;

/// At most this many suggestions.
const FEW: usize = 4;
/// Up to this many valid values are all listed; more are counted and left to `list`.
const LIST_ALL_UP_TO: usize = 8;

/// What an unknown value was given for, and how the user sees every valid value.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    /// `theme`, `character`, …
    pub what: &'a str,
    /// How the valid values are called in the plural: `themes`, `headings`, …
    pub plural: &'a str,
    /// The `nlmg-search list` argument that prints them: `themes`, `sections`, …
    pub list: &'a str,
}

/// How far `candidate` is from what was meant by `wanted` (lower is closer); `None` when it
/// is too far to suggest. Both are compared lower-cased, word by word.
fn distance(wanted: &str, candidate: &str) -> Option<usize> {
    let w = wanted.trim().to_lowercase();
    let c = candidate.to_lowercase();
    let words = |s: &str| -> Vec<String> {
        s.split(|ch: char| !ch.is_alphanumeric())
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (ww, cw) = (words(&w), words(&c));
    if ww.is_empty() {
        return None;
    }
    if ww == cw {
        return Some(0);
    }
    // Every typed word is one of the value's words, or begins one.
    let found = |x: &String, exact: bool| {
        cw.iter()
            .any(|y| y == x || (!exact && x.chars().count() >= 3 && y.starts_with(x.as_str())))
    };
    if ww.iter().all(|x| found(x, true)) {
        return Some(1);
    }
    if ww.iter().all(|x| found(x, false)) {
        return Some(2);
    }
    // A slip: a few edits from the whole value or from one of its words.
    let slip = |a: &str, b: &str| {
        let allowed = match a.chars().count() {
            0..=3 => 0,
            4..=5 => 1,
            6..=9 => 2,
            _ => 3,
        };
        let d = strsim::damerau_levenshtein(a, b);
        (d <= allowed).then_some(d)
    };
    let joined = ww.join(" ");
    if let Some(d) = slip(&joined, &cw.join(" ")) {
        return Some(3 + d);
    }
    if ww.len() > 1 {
        // Some of the typed words are the value's (`study-guide` → `study-notes`).
        let missing = ww.iter().filter(|x| !found(x, true)).count();
        return (missing < ww.len()).then_some(5 + missing);
    }
    {
        if let Some(d) = cw.iter().filter_map(|y| slip(&joined, y)).min() {
            return Some(4 + d);
        }
        // The same stem with another ending (`quotes` → `quotation`).
        let shared = joined
            .chars()
            .zip(c.chars())
            .take_while(|(a, b)| a == b)
            .count();
        if shared >= 4 && shared * 3 >= joined.chars().count() * 2 {
            return Some(8);
        }
    }
    None
}

/// The closest few valid values, closest first. `candidates` are `(spelling, value)`: an
/// alias is compared and its value offered.
pub fn closest_few<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|(spelling, value)| distance(wanted, spelling).map(|d| (d, value)))
        .collect();
    scored.sort();
    let mut out: Vec<&str> = vec![];
    for (_, v) in scored {
        if !out.contains(&v) && out.len() < FEW {
            out.push(v);
        }
    }
    out
}

/// The single closest value, if any is close.
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    closest_few(wanted, candidates.map(|c| (c, c)))
        .into_iter()
        .next()
}

/// The error for an unknown value: the closest few, then every valid value when there are
/// only a handful, else how many there are and the `list` command that shows them.
pub fn unknown(filter: Filter<'_>, wanted: &str, valid: &[&str], closest: &[&str]) -> Error {
    let Filter { what, plural, list } = filter;
    let mut msg = format!("unknown {what} {wanted:?}");
    match closest {
        [] => {}
        [one] => msg.push_str(&format!(" (did you mean {one:?}?)")),
        several => {
            let quoted: Vec<String> = several.iter().map(|s| format!("{s:?}")).collect();
            msg.push_str(&format!(" (did you mean one of {}?)", quoted.join(", ")));
        }
    }
    if valid.is_empty() {
        msg.push_str(&format!("; this index has no {plural}"));
    } else if valid.len() <= LIST_ALL_UP_TO {
        msg.push_str(&format!("; {plural} are: {}", valid.join(", ")));
    } else {
        msg.push_str(&format!(
            "; there are {} {plural}: `nlmg-search list {list}` shows them all",
            valid.len()
        ));
    }
    Error::Usage(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    const THEMES: &[&str] = &[
        "love-and-loss",
        "memory",
        "identity",
        "mortality",
        "friendship",
        "hope",
    ];
    const NAMES: &[&str] = &[
        "Kathy",
        "Ruth",
        "Tommy",
        "Geraldine",
        "Miss Emily",
        "Madame",
    ];

    fn few<'a>(wanted: &str, values: &[&'a str]) -> Vec<&'a str> {
        closest_few(wanted, values.iter().map(|v| (*v, *v)))
    }

    #[test]
    fn suggestions_match_words_inside_values_and_slips_but_nothing_far_fetched() {
        for (wanted, values, want) in [
            ("loss", THEMES, vec!["love-and-loss"]),
            ("LOVE", THEMES, vec!["love-and-loss"]),
            ("memroy", THEMES, vec!["memory"]),
            ("mem", THEMES, vec!["memory"]),
            ("friendships", THEMES, vec!["friendship"]),
            ("hermione", NAMES, vec![]),
            ("kathi", NAMES, vec!["Kathy"]),
            ("emily", NAMES, vec!["Miss Emily"]),
            ("rut", NAMES, vec!["Ruth"]),
            ("madam", NAMES, vec!["Madame"]),
            ("x", NAMES, vec![]),
            ("zzzz", THEMES, vec![]),
            (
                "quotes",
                &["plot", "quotation", "faq"][..],
                vec!["quotation"],
            ),
            (
                "study-guide",
                &[
                    "study-guide-2",
                    "blog-summary",
                    "study-notes",
                    "guide-to-part-one",
                ][..],
                vec!["study-guide-2", "guide-to-part-one", "study-notes"],
            ),
        ] {
            let got = few(wanted, values);
            assert_eq!(got.len(), want.len(), "{wanted}: {got:?}");
            for w in &want {
                assert!(got.contains(w), "{wanted}: {got:?} lacks {w}");
            }
        }
        assert_eq!(
            few("study-guide", &["study-guide-2", "guide"])[0],
            "study-guide-2"
        );
    }

    #[test]
    fn an_alias_offers_its_value_once() {
        let got = closest_few(
            "kath",
            [("Kathy", "Kathy"), ("Kath", "Kathy"), ("Ruth", "Ruth")],
        );
        assert_eq!(got, ["Kathy"]);
    }

    #[test]
    fn many_values_are_counted_and_left_to_list_a_few_are_listed() {
        let filter = Filter {
            what: "source",
            plural: "sources",
            list: "sources",
        };
        let many: Vec<String> = (0..900).map(|i| format!("summary-{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let m = unknown(filter, "study-guide", &many, &[]).to_string();
        assert_eq!(
            m,
            "unknown source \"study-guide\"; there are 900 sources: \
             `nlmg-search list sources` shows them all"
        );
        let m = unknown(filter, "summry-1", &many, &["summary-1", "summary-10"]).to_string();
        assert!(
            m.contains("did you mean one of \"summary-1\", \"summary-10\"?"),
            "{m}"
        );
        assert!(!m.contains("summary-899"), "{m}");
        let m = unknown(filter, "x", &["a", "b"], &[]).to_string();
        assert_eq!(m, "unknown source \"x\"; sources are: a, b");
        let m = unknown(filter, "x", &[], &[]).to_string();
        assert_eq!(m, "unknown source \"x\"; this index has no sources");
    }
}
