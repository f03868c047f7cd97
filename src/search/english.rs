//! Whether a word a reader typed is an English word: a real word the summaries never use
//! ("scared") is not a misspelling of the nearest word they do use ("shared").

/// English words of five letters or more, lower case, one per line in byte order, with no
/// proper nouns (`data/english-words.txt`, from the SCOWL word lists; `data/README.md`).
static WORDS: &str = include_str!("../../data/english-words.txt");

/// True when `word` (any case) is in the word list. A binary search over the text itself:
/// nothing is built when the engine opens, and a lookup touches a few dozen lines.
pub(crate) fn is_english(word: &str) -> bool {
    let word = word.to_lowercase();
    let bytes = WORDS.as_bytes();
    let (mut lo, mut hi) = (0, bytes.len());
    // Invariant: every line starting before `lo` sorts before `word`, every line starting at
    // or after `hi` sorts after it. `lo` always sits at a line start.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
            .max(lo);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        match WORDS[start..end].cmp(word.as_str()) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_and_misspellings_are_not() {
        for (w, want) in [
            ("scared", true),
            ("Shared", true),
            ("break", true),
            ("aardvark", true),
            ("zygote", true),
            ("possible", true),
            // Names are not words: a misspelt name is still corrected.
            ("kathy", false),
            ("emily", false),
            ("deferal", false),
            ("guardains", false),
            ("complition", false),
            ("norfok", false),
            ("hailsahm", false),
            ("", false),
            ("zzzzzzzz", false),
            ("aaaaa", false),
        ] {
            assert_eq!(is_english(w), want, "{w}");
        }
    }

    #[test]
    fn the_list_is_sorted_lower_case_and_one_word_a_line() {
        let lines: Vec<&str> = WORDS.lines().collect();
        assert!(lines.len() > 50_000, "{}", lines.len());
        assert!(lines.windows(2).all(|w| w[0] < w[1]));
        assert!(lines
            .iter()
            .all(|l| l.len() >= 5 && l.bytes().all(|b| b.is_ascii_lowercase())));
        // Every word is found, first and last included.
        assert!(lines.iter().step_by(997).all(|l| is_english(l)));
        assert!(is_english(lines[0]) && is_english(lines[lines.len() - 1]));
    }
}
