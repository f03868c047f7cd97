//! Near-duplicate passages: the same quotation or sentence copied into several summaries.
//! Computed once at index time from word shingles, so a search only has to compare group keys.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use crate::model::Passage;

/// Words per shingle: long enough that common phrases ("one of the") do not join passages.
const SHINGLE: usize = 4;
/// Share of the smaller passage's shingles that must also be in the larger one.
const CONTAINMENT: f64 = 0.8;
/// The smaller passage must be at least this share of the larger, so a quotation is not folded
/// into a long analysis that happens to quote it.
const SIZE_RATIO: f64 = 0.4;

/// For each passage, the index of the first passage of its near-duplicate group (itself when it
/// has no earlier duplicate). A source that repeats a quotation (a study guide quoting it at
/// the top and again in a chapter) is grouped like two sources quoting it.
pub fn groups(passages: &[Passage]) -> Vec<usize> {
    let shingles: Vec<BTreeSet<u64>> = passages.iter().map(|p| shingles(&p.text)).collect();
    // Shingle → passages that have it: candidates share at least one shingle.
    let mut by_shingle: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, set) in shingles.iter().enumerate() {
        for h in set {
            by_shingle.entry(*h).or_default().push(i);
        }
    }
    let mut parent: Vec<usize> = (0..passages.len()).collect();
    for (i, set) in shingles.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for h in set {
            for &j in &by_shingle[h] {
                if j < i {
                    *shared.entry(j).or_default() += 1;
                }
            }
        }
        for (j, n) in shared {
            let (small, large) = {
                let (a, b) = (set.len(), shingles[j].len());
                (a.min(b) as f64, a.max(b) as f64)
            };
            if n as f64 >= CONTAINMENT * small && small >= SIZE_RATIO * large {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                let (lo, hi) = (ri.min(rj), ri.max(rj));
                parent[hi] = lo;
            }
        }
    }
    (0..passages.len()).map(|i| root(&mut parent, i)).collect()
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Hashes of the passage's runs of [`SHINGLE`] words (lower case, letters and digits only).
/// A passage shorter than one shingle has none and is nobody's duplicate.
fn shingles(text: &str) -> BTreeSet<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(SHINGLE)
        .map(|w| {
            let mut h = DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn p(source: &str, text: &str) -> Passage {
        Passage {
            id: format!("{source}:0"),
            source: source.into(),
            seq: 0,
            section: vec![],
            kind: Kind::Quotation,
            part: None,
            characters: vec![],
            themes: vec![],
            pages: vec![],
            text: text.into(),
            source_range: [0, 0],
            prev: None,
            next: None,
            provenance: vec![],
        }
    }

    const QUOTE: &str = "The problem, as I see it, is that you have been told and not told. \
                         You have been told, but none of you really understand.";

    #[test]
    fn groups_copies_but_not_a_long_passage_quoting_a_short_one() {
        let long = format!(
            "{QUOTE} The guardian's words sum up the whole education at the school, where the \
             children learn facts without ever being allowed to feel what those facts mean for \
             their own lives, and the reader learns to read every kindness as a form of control."
        );
        for (passages, want) in [
            // The same quotation in two sources, one with different punctuation and a page.
            (
                vec![
                    p("a", QUOTE),
                    p("b", "Unrelated words about a trip to Norfolk."),
                    p("c", &format!("\"{}\" (p. 81)", QUOTE.replace(',', ""))),
                ],
                vec![0, 1, 0],
            ),
            // A long analysis that quotes it is not a duplicate of it.
            (vec![p("a", QUOTE), p("b", &long)], vec![0, 1]),
            // The same source repeating itself is grouped too.
            (vec![p("a", QUOTE), p("a", QUOTE)], vec![0, 0]),
            // Too short to judge.
            (vec![p("a", "Told."), p("b", "Told.")], vec![0, 1]),
        ] {
            assert_eq!(groups(&passages), want);
        }
    }
}
