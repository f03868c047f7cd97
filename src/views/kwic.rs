//! Concordance (keyword in context): every occurrence of a word, with its stem family, or of a
//! phrase, one line each, with the words on either side, sortable by the words before or after
//! as AntConc's KWIC sorts.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::excerpt::Finder;
use crate::model::Passage;
use crate::search::{Engine, Filters};

/// Most words of context a side accepted by `--width`.
pub const MAX_WIDTH: usize = 30;

/// One occurrence. `--json` prints it as `{"type":"line",…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Up to `width` words before the match, as written (line breaks as spaces).
    pub left: String,
    /// The matched words as written ("rumours" for `rumour`).
    #[serde(rename = "match")]
    pub matched: String,
    /// Up to `width` words after the match.
    pub right: String,
    /// Passage id.
    pub id: String,
    pub source: String,
    pub section: Vec<String>,
    pub part: Option<u8>,
    /// Byte range of the match in the passage text.
    pub at: [usize; 2],
}

/// Line order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Reading order.
    #[default]
    Text,
    /// By the word just before the match, then the one before it, …
    Left,
    /// By the word just after the match, then the one after it, …
    Right,
}

/// What to look for and how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// A word or a phrase.
    pub term: String,
    /// Words of context a side.
    pub width: usize,
    pub sort: Sort,
}

impl Options {
    /// A usage error for a term without words or a width out of range.
    pub fn check(&self) -> Result<()> {
        if Finder::new(&self.term).is_none() {
            return Err(Error::Usage(format!(
                "{:?} has no word to look for: give a word or a phrase (kwic deferral)",
                self.term
            )));
        }
        if self.width == 0 || self.width > MAX_WIDTH {
            return Err(Error::Usage(format!(
                "--width {} is out of range: give 1 to {MAX_WIDTH} words",
                self.width
            )));
        }
        Ok(())
    }
}

/// Words as the index's tokenizer splits them (runs of letters and digits, so "don't" is two),
/// so that `--width` counts what the match itself is counted in.
fn word_spans(text: &str) -> Vec<Range<usize>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[\p{Alphabetic}\p{N}]+").expect("word regex"))
        .find_iter(text)
        .map(|m| m.range())
        .collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every occurrence of the term in `passages`, in the order asked for.
pub fn kwic(passages: &[Arc<Passage>], options: &Options) -> Result<Vec<Line>> {
    options.check()?;
    let mut finder = Finder::new(&options.term).expect("checked");
    let mut lines = vec![];
    for p in passages {
        let found = finder.find(&p.text);
        if found.is_empty() {
            continue;
        }
        let words = word_spans(&p.text);
        for m in found {
            let before: Vec<&Range<usize>> = words.iter().filter(|w| w.end <= m.start).collect();
            let left_start = before
                .get(before.len().saturating_sub(options.width))
                .map_or(m.start, |w| w.start);
            let right_end = words
                .iter()
                .filter(|w| w.start >= m.end)
                .take(options.width)
                .last()
                .map_or(m.end, |w| w.end);
            lines.push(Line {
                left: one_line(&p.text[left_start..m.start]),
                matched: one_line(&p.text[m.clone()]),
                right: one_line(&p.text[m.end..right_end]),
                id: p.id.clone(),
                source: p.source.clone(),
                section: p.section.clone(),
                part: p.part,
                at: [m.start, m.end],
            });
        }
    }
    let key = |s: &str, reverse: bool| -> Vec<String> {
        let mut w: Vec<String> = crate::index::words(s).map(str::to_lowercase).collect();
        if reverse {
            w.reverse();
        }
        w
    };
    match options.sort {
        Sort::Text => {}
        Sort::Left => lines.sort_by_cached_key(|l| key(&l.left, true)),
        Sort::Right => lines.sort_by_cached_key(|l| key(&l.right, false)),
    }
    Ok(lines)
}

/// The concordance over the passages of the engine's index that `filters` admit.
pub fn for_filters(engine: &Engine, filters: &Filters, options: &Options) -> Result<Vec<Line>> {
    options.check()?;
    kwic(&engine.passages(filters)?, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A term, a width, and the (left, match, right) lines expected.
    type Case<'a> = (&'a str, usize, &'a [(&'a str, &'a str, &'a str)]);
    use crate::model::Kind;

    fn passages(texts: &[&str]) -> Vec<Arc<Passage>> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Arc::new(Passage::sample("s", i as u32, Kind::Plot, t)))
            .collect()
    }

    fn opts(term: &str, width: usize, sort: Sort) -> Options {
        Options {
            term: term.into(),
            width,
            sort,
        }
    }

    #[test]
    fn lines_align_on_the_match_with_width_words_a_side() {
        let ps = passages(&[
            "One two three four five deferrals six seven, eight nine ten.",
            "A deferral.",
            "They defer nothing; the Deferral rumour spreads.",
        ]);
        // (term, width, expected (left, match, right) lines in reading order)
        let cases: &[Case] = &[
            (
                "deferral",
                3,
                &[
                    ("three four five", "deferrals", "six seven, eight"),
                    ("A", "deferral", ""),
                    ("defer nothing; the", "Deferral", "rumour spreads"),
                ],
            ),
            (
                "deferral",
                1,
                &[
                    ("five", "deferrals", "six"),
                    ("A", "deferral", ""),
                    ("the", "Deferral", "rumour"),
                ],
            ),
            (
                "deferral rumour",
                2,
                &[("nothing; the", "Deferral rumour", "spreads")],
            ),
        ];
        for (term, width, want) in cases {
            let lines = kwic(&ps, &opts(term, *width, Sort::Text)).unwrap();
            let got: Vec<(&str, &str, &str)> = lines
                .iter()
                .map(|l| (l.left.as_str(), l.matched.as_str(), l.right.as_str()))
                .collect();
            assert_eq!(&got[..], *want, "{term} {width}");
        }
    }

    #[test]
    fn sorting_left_reads_backwards_from_the_match_and_right_forwards() {
        let ps = passages(&["b a tape x z.", "a c tape y b.", "c b tape x a."]);
        let left: Vec<String> = kwic(&ps, &opts("tape", 2, Sort::Left))
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect();
        // Words before: "b a" → a,b; "a c" → c,a; "c b" → b,c.
        assert_eq!(left, ["s:0", "s:2", "s:1"]);
        let right: Vec<String> = kwic(&ps, &opts("tape", 2, Sort::Right))
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect();
        // Words after: "x z", "y b", "x a".
        assert_eq!(right, ["s:2", "s:0", "s:1"]);
    }

    #[test]
    fn a_term_without_words_or_a_bad_width_is_a_usage_error() {
        let ps = passages(&["text"]);
        for o in [
            opts("--", 6, Sort::Text),
            opts("tape", 0, Sort::Text),
            opts("tape", 99, Sort::Text),
        ] {
            assert!(matches!(kwic(&ps, &o), Err(Error::Usage(_))), "{o:?}");
        }
    }

    proptest::proptest! {
        /// Any term and text: no panic, and every line's match is a whole occurrence whose
        /// analysed words are the term's, with at most `width` words a side.
        #[test]
        fn any_term_gives_lines_that_match_it(term in "\\PC{0,12}", text in "[a-zA-Z ,.'’]{0,80}", width in 1usize..8) {
            let ps = passages(&[&text]);
            let o = opts(&term, width, Sort::Left);
            match kwic(&ps, &o) {
                Err(Error::Usage(_)) => {}
                Err(e) => panic!("{e}"),
                Ok(lines) => {
                    let mut a = crate::index::analyzer();
                    let want = crate::index::analyse(&mut a, &term);
                    for l in lines {
                        proptest::prop_assert_eq!(crate::index::analyse(&mut a, &l.matched), want.clone());
                        proptest::prop_assert_eq!(one_line(&text[l.at[0]..l.at[1]]), l.matched.clone());
                        let words = |s: &str| word_spans(s).len();
                        proptest::prop_assert!(words(&l.left) <= width && words(&l.right) <= width);
                    }
                }
            }
        }
    }
}
