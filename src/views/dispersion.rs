//! Dispersion: where terms fall across the sources and the parts of the novel — counts, rates
//! per 1,000 words, and a text barcode of each source (AntConc's concordance plot).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::excerpt::Finder;
use crate::model::Passage;
use crate::search::Engine;

/// Characters in a barcode: each stands for an equal share of a source's words.
pub const BARCODE_WIDTH: usize = 60;

/// Key for passages that carry no part of the novel.
pub const NO_PART: &str = "none";

/// Where one term falls. `--json` prints it as `{"type":"term",…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermDispersion {
    pub term: String,
    /// Occurrences in the whole corpus.
    pub total: u64,
    /// Occurrences per source id.
    pub per_source: BTreeMap<String, u64>,
    /// Occurrences per part of the novel ("1", "2", "3"), and in passages without a part
    /// ("none").
    pub per_part: BTreeMap<String, u64>,
    /// Occurrences per 1,000 words of each source, and of the whole corpus ("all").
    pub per_1000_words: BTreeMap<String, f64>,
    /// Occurrences per 1,000 words of the passages of each part.
    pub per_1000_words_by_part: BTreeMap<String, f64>,
    /// Per source: [`BARCODE_WIDTH`] characters, `|` where the term falls in that stretch of
    /// the source, `·` where it does not.
    pub barcode: BTreeMap<String, String>,
    /// Per source: each occurrence's position as a fraction of the source's words (0 ≤ x < 1).
    pub positions: BTreeMap<String, Vec<f64>>,
}

/// Words counted, per source and per part: the denominators of the rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Words {
    pub total: u64,
    pub per_source: BTreeMap<String, u64>,
    pub per_part: BTreeMap<String, u64>,
}

fn part_key(p: &Passage) -> String {
    p.part
        .map_or_else(|| NO_PART.to_string(), |n| n.to_string())
}

fn rate(n: u64, words: u64) -> f64 {
    if words == 0 {
        return 0.0;
    }
    // Two decimals are all a reader compares.
    (n as f64 * 1000.0 / words as f64 * 100.0).round() / 100.0
}

/// The words of `passages` (a whole corpus, in reading order), per source and per part.
pub fn words(passages: &[Arc<Passage>]) -> Words {
    let mut w = Words::default();
    for p in passages {
        let n = super::word_count(&p.text) as u64;
        w.total += n;
        *w.per_source.entry(p.source.clone()).or_default() += n;
        *w.per_part.entry(part_key(p)).or_default() += n;
    }
    w
}

/// Where each of `terms` falls in `passages` (a whole corpus, in reading order).
pub fn dispersion(passages: &[Arc<Passage>], terms: &[String]) -> Result<Vec<TermDispersion>> {
    if terms.is_empty() {
        return Err(Error::Usage(
            "give at least one term: nlmg-search dispersion deferral carer".into(),
        ));
    }
    let mut finders = vec![];
    for t in terms {
        let f = Finder::new(t).ok_or_else(|| {
            Error::Usage(format!(
                "{t:?} has no word to look for: give a word or a phrase"
            ))
        })?;
        finders.push(f);
    }
    let counted = words(passages);
    let mut out = vec![];
    for (term, finder) in terms.iter().zip(finders.iter_mut()) {
        let mut d = TermDispersion {
            term: term.clone(),
            total: 0,
            per_source: BTreeMap::new(),
            per_part: BTreeMap::new(),
            per_1000_words: BTreeMap::new(),
            per_1000_words_by_part: BTreeMap::new(),
            barcode: BTreeMap::new(),
            positions: BTreeMap::new(),
        };
        // Word offset of each passage within its source.
        let mut offset: BTreeMap<&str, u64> = BTreeMap::new();
        for p in passages {
            let start = offset.entry(p.source.as_str()).or_default();
            let here = *start;
            *start += super::word_count(&p.text) as u64;
            let found = finder.find(&p.text);
            d.per_source.entry(p.source.clone()).or_default();
            if found.is_empty() {
                continue;
            }
            let n = found.len() as u64;
            d.total += n;
            *d.per_source.entry(p.source.clone()).or_default() += n;
            *d.per_part.entry(part_key(p)).or_default() += n;
            let size = counted
                .per_source
                .get(&p.source)
                .copied()
                .unwrap_or(1)
                .max(1);
            for m in found {
                let within = super::word_count(&p.text[..m.start]) as u64;
                let x = (here + within) as f64 / size as f64;
                d.positions
                    .entry(p.source.clone())
                    .or_default()
                    .push((x * 10_000.0).round() / 10_000.0);
            }
        }
        for (source, size) in &counted.per_source {
            let n = d.per_source.get(source).copied().unwrap_or(0);
            d.per_1000_words.insert(source.clone(), rate(n, *size));
            let mut bar = vec!['·'; BARCODE_WIDTH];
            for x in d.positions.get(source).into_iter().flatten() {
                let i = ((x * BARCODE_WIDTH as f64) as usize).min(BARCODE_WIDTH - 1);
                bar[i] = '|';
            }
            d.barcode.insert(source.clone(), bar.into_iter().collect());
        }
        d.per_1000_words
            .insert("all".into(), rate(d.total, counted.total));
        for (part, size) in &counted.per_part {
            let n = d.per_part.get(part).copied().unwrap_or(0);
            d.per_1000_words_by_part
                .insert(part.clone(), rate(n, *size));
        }
        out.push(d);
    }
    Ok(out)
}

/// Dispersion over the whole index of `engine`, with the word counts it divides by.
pub fn for_engine(engine: &Engine, terms: &[String]) -> Result<(Vec<TermDispersion>, Words)> {
    let all = super::all_passages(engine)?;
    Ok((dispersion(&all, terms)?, words(&all)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn corpus() -> Vec<Arc<Passage>> {
        let mk = |source: &str, seq: u32, part: Option<u8>, text: &str| {
            Arc::new(Passage {
                part,
                ..Passage::sample(source, seq, Kind::Plot, text)
            })
        };
        vec![
            // a: 10 words, "tape" at word 0 and (as "tapes") at word 9.
            mk("a", 0, Some(1), "tape one two three four"),
            mk("a", 1, Some(2), "five six seven eight tapes"),
            // b: 4 words, no tape.
            mk("b", 0, None, "nothing about it here"),
        ]
    }

    #[test]
    fn counts_rates_and_barcodes_place_each_occurrence() {
        let d = dispersion(&corpus(), &["tape".into()]).unwrap();
        let d = &d[0];
        assert_eq!(d.total, 2);
        assert_eq!(d.per_source["a"], 2);
        assert_eq!(d.per_source["b"], 0);
        assert_eq!(d.per_part["1"], 1);
        assert_eq!(d.per_part["2"], 1);
        assert_eq!(d.per_1000_words["a"], 200.0);
        assert_eq!(d.per_1000_words["b"], 0.0);
        assert_eq!(d.per_1000_words["all"], rate(2, 14));
        assert_eq!(d.per_1000_words_by_part["1"], 200.0);
        assert_eq!(d.positions["a"], [0.0, 0.9]);
        let bar: Vec<char> = d.barcode["a"].chars().collect();
        assert_eq!(bar.len(), BARCODE_WIDTH);
        assert_eq!(bar[0], '|');
        assert_eq!(bar[BARCODE_WIDTH * 9 / 10], '|');
        assert_eq!(bar.iter().filter(|c| **c == '|').count(), 2);
        assert!(!d.barcode["b"].contains('|'));
    }

    #[test]
    fn no_terms_or_an_empty_term_is_a_usage_error() {
        assert!(matches!(dispersion(&corpus(), &[]), Err(Error::Usage(_))));
        assert!(matches!(
            dispersion(&corpus(), &["tape".into(), "!!".into()]),
            Err(Error::Usage(_))
        ));
    }
}
