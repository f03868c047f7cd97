//! Page references ("(pp. 58-59)", "pages 81, 82") and the kinds of answer a passage's text
//! offers (numbers in words or digits), read from a passage's words.

use crate::model::AnswerType;
use crate::segment::page_ref;

/// The page references in `text`: where each stands, and its list of pages ("58-59",
/// "80, 82, 87"). After "page" or "p." (one page), a number after a comma that a word follows
/// starts the sentence again rather than continuing a list: "page 73, 12 years later" refers to
/// page 73 and states twelve years. After "pages" or "pp." a list is announced, so "pages 80, 82
/// show" keeps both.
pub(super) fn page_refs(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    page_ref()
        .captures_iter(text)
        .filter_map(|caps| {
            let (whole, list) = (caps.get(0)?, caps.get(1)?);
            let mut end = list.end();
            let keyword = text[whole.start()..list.start()].trim_end().to_lowercase();
            let one_page = keyword == "page" || keyword == "p.";
            let word_follows = text[end..]
                .trim_start()
                .starts_with(|c: char| c.is_alphabetic())
                && text[end..].starts_with(char::is_whitespace);
            if one_page && word_follows {
                if let Some(comma) = text[list.start()..end].rfind(',') {
                    let last = text[list.start() + comma + 1..end].trim();
                    if last.chars().all(|c| c.is_ascii_digit()) {
                        end = list.start() + comma;
                    }
                }
            }
            Some((whole.start()..end, &text[list.start()..end]))
        })
        .collect()
}

/// Words on either side of an answer that count as beside it ("his fourth donation").
pub const ANSWER_REACH: usize = 2;

/// One kind of answer a passage offers, with the words beside it wherever it is offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSpot<'a> {
    pub name: &'a str,
    /// Lower-cased words within [`ANSWER_REACH`] of an answer word, each once, in text order
    /// (answer words themselves left out): what the number counts ("fourth" → "donation").
    pub beside: Vec<String>,
}

/// The kinds of answer a passage's text offers, in `types` order, each with the words beside
/// it: one of a type's words, or for a type with `numerals` a number in digits. Page
/// references ("(pages 73, 82)") are not numbers the text states, so they are skipped.
pub fn answer_spots<'a>(text: &str, types: &'a [AnswerType]) -> Vec<AnswerSpot<'a>> {
    if types.is_empty() {
        return vec![];
    }
    let mut words: Vec<String> = vec![];
    let mut from = 0;
    for (at, _) in page_refs(text) {
        push_words(&text[from..at.start], &mut words);
        from = at.end;
    }
    push_words(&text[from..], &mut words);
    let mut out = vec![];
    for t in types {
        let listed: Vec<String> = t.words.iter().map(|x| x.to_lowercase()).collect();
        let is_answer = |w: &String| {
            (t.numerals && w.starts_with(|c: char| c.is_ascii_digit())) || listed.contains(w)
        };
        let at: Vec<usize> = (0..words.len()).filter(|&i| is_answer(&words[i])).collect();
        if at.is_empty() {
            continue;
        }
        let mut beside: Vec<String> = vec![];
        for &i in &at {
            let lo = i.saturating_sub(ANSWER_REACH);
            let hi = (i + ANSWER_REACH).min(words.len() - 1);
            for w in &words[lo..=hi] {
                if !is_answer(w) && !beside.contains(w) {
                    beside.push(w.clone());
                }
            }
        }
        out.push(AnswerSpot {
            name: t.name.as_str(),
            beside,
        });
    }
    out
}

/// Lower-cased runs of letters and digits ("thirty-one" is two words, "1990s" one).
fn push_words(text: &str, out: &mut Vec<String>) {
    out.extend(
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase),
    );
}

/// The pages a reference names: `58-59` → 58, 59; `81, 82` → 81, 82. A range is expanded only
/// when it is short (a reference, not a chapter); `158-9` reads as 158, 159.
pub fn parse_pages(list: &str) -> Vec<u32> {
    let mut pages = Vec::new();
    let mut range_from: Option<u32> = None;
    let mut rest = list;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let n: u32 = rest[..digits].parse().unwrap_or(0);
            rest = &rest[digits..];
            match range_from.take() {
                Some(a) => {
                    let mut b = n;
                    if b < a {
                        // Abbreviated end: 158-9 → 159.
                        let width = 10u32.pow(digits as u32);
                        b += a - a % width;
                        if b < a {
                            b += width;
                        }
                    }
                    if b - a <= 30 {
                        pages.extend(a + 1..=b);
                    } else {
                        pages.push(n);
                    }
                }
                None => pages.push(n),
            }
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if matches!(c, '-' | '–' | '—') {
            range_from = pages.last().copied();
        }
        rest = &rest[c.len_utf8()..];
    }
    pages.retain(|&p| p > 0);
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of the kinds of answer `text` offers.
    fn answer_types<'a>(text: &str, types: &'a [AnswerType]) -> Vec<&'a str> {
        answer_spots(text, types)
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    #[test]
    fn answer_types_are_read_from_words_and_digits_but_not_page_references() {
        let types = [
            AnswerType {
                name: "number".into(),
                words: vec!["twelve".into(), "Fourth".into()],
                numerals: true,
            },
            AnswerType {
                name: "place".into(),
                words: vec!["Norfolk".into()],
                numerals: false,
            },
        ];
        for (text, want) in [
            (
                "She has been a carer for almost twelve years.",
                vec!["number"],
            ),
            ("after his fourth donation", vec!["number"]),
            ("TWELVE of them", vec!["number"]),
            ("when they are 16 years old", vec!["number"]),
            ("England in the late 1990s", vec!["number"]),
            ("They drive to Norfolk (pages 98, 99).", vec!["place"]),
            ("Ruth and Tommy are a couple (page 130).", vec![]),
            ("as seen on p. 5 and pp. 7-9", vec![]),
            ("Hailsham closes (page 73, 12 years later).", vec!["number"]),
            ("mentioned on pages 178 and 179.", vec![]),
            ("a thirty-one-year-old carer in Norfolk", vec!["place"]),
            ("twelvefold", vec![]),
            ("", vec![]),
        ] {
            assert_eq!(answer_types(text, &types), want, "{text}");
        }
        assert!(answer_types("twelve", &[]).is_empty());
    }

    #[test]
    fn answer_spots_keep_the_words_beside_each_answer() {
        let types = [AnswerType {
            name: "number".into(),
            words: vec!["two".into(), "fourth".into()],
            numerals: true,
        }];
        let beside = |text: &str| -> Vec<String> {
            answer_spots(text, &types)
                .into_iter()
                .flat_map(|s| s.beside)
                .collect()
        };
        assert_eq!(
            beside("Tommy completes after his fourth donation, which proves fatal."),
            ["after", "his", "donation", "which"]
        );
        // Each word once, across every answer; an answer word is not beside another.
        assert_eq!(
            beside("two donations, then two more donations"),
            ["donations", "then", "more"]
        );
        // At either end of the text, and never a page reference.
        assert_eq!(beside("16 years"), ["years"]);
        assert_eq!(beside("Kathy (pages 73, 82) waits."), Vec::<String>::new());
        assert!(answer_spots("no count here", &types).is_empty());
    }
}
