//! The scan baseline: the query set answered by reading every passage, the floor an index
//! must beat.

use crate::model::{Corpus, Kind, Passage};

use super::*;

/// A linear, case-insensitive scan over every passage: what answering a query costs without an
/// index. It is the floor the engine's numbers are read against, and it lets the bench flow run
/// on any corpus. Words match as substrings (any word), a quoted phrase as a whole, `-word` and
/// `NOT word` exclude; filters compare tags case-insensitively.
#[derive(Debug, Clone)]
pub struct ScanBaseline {
    passages: Vec<ScanPassage>,
}

#[derive(Debug, Clone)]
struct ScanPassage {
    lower: String,
    source: String,
    section: String,
    kind: Kind,
    part: Option<u8>,
    characters: Vec<String>,
    themes: Vec<String>,
    pages: Vec<u32>,
}

impl ScanBaseline {
    pub fn new(corpus: &Corpus) -> ScanBaseline {
        let passages = corpus.passages.iter().map(ScanPassage::from).collect();
        ScanBaseline { passages }
    }

    /// Number of passages that match `q`.
    pub fn search(&self, q: &BenchQuery) -> usize {
        let (want, exclude) = scan_terms(&q.text);
        self.passages
            .iter()
            .filter(|p| p.passes(&q.filters))
            .filter(|p| want.is_empty() || want.iter().any(|w| p.lower.contains(w.as_str())))
            .filter(|p| !exclude.iter().any(|w| p.lower.contains(w.as_str())))
            .count()
    }
}

impl From<&Passage> for ScanPassage {
    fn from(p: &Passage) -> Self {
        let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect();
        ScanPassage {
            lower: p.text.to_lowercase(),
            source: p.source.to_lowercase(),
            section: p.section.join(" / ").to_lowercase(),
            kind: p.kind,
            part: p.part,
            characters: lower(&p.characters),
            themes: lower(&p.themes),
            pages: p.pages.clone(),
        }
    }
}

impl ScanPassage {
    fn passes(&self, f: &QueryFilters) -> bool {
        let any = |wanted: &[String], test: &dyn Fn(&str) -> bool| {
            wanted.is_empty() || wanted.iter().any(|w| test(&w.to_lowercase()))
        };
        any(&f.theme, &|w| self.themes.iter().any(|t| t == w))
            && any(&f.character, &|w| self.characters.iter().any(|c| c == w))
            && any(&f.section, &|w| self.section.contains(w))
            && any(&f.source, &|w| self.source == w)
            && any(&f.kind, &|w| Kind::parse(w) == Some(self.kind))
            && any(&f.part, &|w| w.parse().ok() == self.part)
            && any(&f.page, &|w| {
                let (lo, hi) = w.split_once('-').unwrap_or((w, w));
                match (lo.trim().parse::<u32>(), hi.trim().parse::<u32>()) {
                    (Ok(lo), Ok(hi)) => self.pages.iter().any(|p| (lo..=hi).contains(p)),
                    _ => false,
                }
            })
    }
}

/// Splits query text into lowercase terms to find and terms to exclude: quoted phrases stay
/// whole, AND/OR are dropped, `NOT x` and `-x` exclude `x`, punctuation around words goes.
fn scan_terms(text: &str) -> (Vec<String>, Vec<String>) {
    let mut want = Vec::new();
    let mut exclude = Vec::new();
    let mut negate_next = false;
    for (i, chunk) in text.split('"').enumerate() {
        if i % 2 == 1 {
            let phrase = chunk.trim().to_lowercase();
            if !phrase.is_empty() {
                if std::mem::take(&mut negate_next) {
                    exclude.push(phrase);
                } else {
                    want.push(phrase);
                }
            }
            continue;
        }
        for word in chunk.split_whitespace() {
            match word {
                "AND" | "OR" => continue,
                "NOT" => {
                    negate_next = true;
                    continue;
                }
                "-" => {
                    negate_next = true;
                    continue;
                }
                _ => {}
            }
            let (neg, word) = match word.strip_prefix('-') {
                Some(w) => (true, w),
                None => (std::mem::take(&mut negate_next), word),
            };
            let term: String = word
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if term.is_empty() {
                continue;
            }
            if neg {
                exclude.push(term);
            } else {
                want.push(term);
            }
        }
    }
    (want, exclude)
}
