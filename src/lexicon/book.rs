//! The book itself in the lexicon: its title and author (`[book]`) and its parts (`[[part]]`),
//! with the chapters each spans and the words whose events place a passage in it.

use serde::Deserialize;

/// The book (`[book]`): its title and author, and other names that are not characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Book {
    /// The title: a heading that is the title tags no theme, and the title in a passage's text
    /// is no theme cue ("Pride and Prejudice" is not pride).
    #[serde(default)]
    pub title: String,
    /// The author: a character's name inside it ("Jane" in "Jane Austen") is no mention.
    #[serde(default)]
    pub author: String,
    /// Other names that hold a character's name but are not that character (places, critics),
    /// matched as whole words, case as written.
    #[serde(default)]
    pub names: Vec<String>,
}

/// One part of the book (`[[part]]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// The part's number, as `--part` takes it.
    pub number: u8,
    /// How the part is called ("the Cottages"): `list parts`, `--part` errors and help.
    pub name: String,
    /// First and last chapter: "Chapter 7" in a passage places it here.
    #[serde(default)]
    pub chapters: Option<[u32; 2]>,
    /// Words and phrases (whole words, any case) whose events belong to this part: a plot
    /// passage no heading, opening or chapter places goes to the part whose cues it names most.
    #[serde(default)]
    pub cues: Vec<String>,
}

/// Checks the parts: numbers above 0, each once, a name, chapters in order.
pub fn check_parts(parts: &[Part]) -> Result<(), String> {
    let mut numbers = std::collections::BTreeSet::new();
    for p in parts {
        if p.number == 0 || !numbers.insert(p.number) || p.name.trim().is_empty() {
            return Err(format!(
                "the [[part]] {:?} needs a number above 0 that no other part has, and a name",
                p.name
            ));
        }
        if p.chapters.is_some_and(|[a, b]| a == 0 || a > b) {
            return Err(format!(
                "the [[part]] {:?} spans chapters {:?}; give [first, last]",
                p.name, p.chapters
            ));
        }
    }
    Ok(())
}

/// A part named by a user (`--part`): "2", "two", "II", "part 2", or its name ("the
/// Cottages", "cottages"). `None` when no part of `parts` is meant.
pub fn find_part<'a>(parts: &'a [Part], wanted: &str) -> Option<&'a Part> {
    let n = part_number(wanted);
    let s = wanted.trim().to_lowercase();
    let s = s.strip_prefix("part").unwrap_or(&s).trim();
    let bare = |x: &str| {
        let x = x.trim();
        x.strip_prefix("the ").unwrap_or(x).trim().to_string()
    };
    parts.iter().find(|p| Some(p.number) == n).or_else(|| {
        parts
            .iter()
            .find(|p| !s.is_empty() && bare(&p.name.to_lowercase()) == bare(s))
    })
}

/// The number a user's "2", "two", "second", "II" or "part 2" stands for.
pub fn part_number(wanted: &str) -> Option<u8> {
    let s = wanted.trim().to_lowercase();
    let s = s.strip_prefix("part").unwrap_or(&s).trim();
    match s {
        "one" | "i" | "first" => Some(1),
        "two" | "ii" | "second" => Some(2),
        "three" | "iii" | "third" => Some(3),
        "four" | "iv" | "fourth" => Some(4),
        "five" | "v" | "fifth" => Some(5),
        "six" | "vi" | "sixth" => Some(6),
        _ => s.parse::<u8>().ok().filter(|n| *n > 0),
    }
}

/// "unknown part …; parts are: 1 (…), 2 (…)": the message for a part no lexicon entry names.
pub fn unknown_part(parts: &[Part], wanted: &str) -> String {
    if parts.is_empty() {
        return format!(
            "unknown part {wanted:?}; give a part's number: this corpus's lexicon names no parts \
             ([[part]] in lexicon.toml)"
        );
    }
    let names: Vec<String> = parts
        .iter()
        .map(|p| format!("{} ({})", p.number, p.name))
        .collect();
    format!("unknown part {wanted:?}; parts are: {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Vec<Part> {
        ["Hailsham", "the Cottages", "carers and donors"]
            .iter()
            .zip(1..)
            .map(|(name, number)| Part {
                number,
                name: name.to_string(),
                chapters: None,
                cues: vec![],
            })
            .collect()
    }

    #[test]
    fn parts_are_found_by_number_word_numeral_or_name() {
        let ps = parts();
        for (wanted, number) in [
            ("2", Some(2)),
            ("Two", Some(2)),
            ("part III", Some(3)),
            ("Part 1", Some(1)),
            ("cottages", Some(2)),
            ("The Cottages", Some(2)),
            ("4", None),
            ("", None),
            ("the", None),
            ("Norfolk", None),
        ] {
            assert_eq!(find_part(&ps, wanted).map(|p| p.number), number, "{wanted}");
        }
        for (wanted, number) in [
            ("second", Some(2)),
            ("VI", Some(6)),
            ("part 12", Some(12)),
            ("0", None),
            ("part", None),
            ("cottages", None),
        ] {
            assert_eq!(part_number(wanted), number, "{wanted}");
        }
        let e = unknown_part(&ps, "4");
        assert!(e.contains("3 (carers and donors)"), "{e}");
        assert!(unknown_part(&[], "4").contains("names no parts"));
    }

    #[test]
    fn bad_parts_are_refused() {
        let mut ps = parts();
        assert!(check_parts(&ps).is_ok());
        ps[1].number = 1;
        assert!(check_parts(&ps).is_err());
        let mut ps = parts();
        ps[0].chapters = Some([9, 1]);
        assert!(check_parts(&ps).is_err());
    }
}
