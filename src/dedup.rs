//! Near-duplicate passages: the same quotation or sentence copied into several summaries.
//! Computed once at index time from word shingles, so a search only has to compare group keys.

use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::model::Passage;

/// Words per shingle: long enough that common phrases ("one of the") do not join passages.
const SHINGLE: usize = 4;
/// Share of the smaller passage's shingles that must also be in the larger one.
const CONTAINMENT: f64 = 0.8;
/// The smaller passage must be at least this share of the larger, so a quotation is not folded
/// into a long analysis that happens to quote it.
const SIZE_RATIO: f64 = 0.4;

/// Shingles are already hashes: hashing them again for a map only costs time.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type ShingleMap<V> = HashMap<u64, V, BuildHasherDefault<Prehashed>>;

/// For each passage, the index of the first passage of its near-duplicate group (itself when it
/// has no earlier duplicate). A source that repeats a quotation (a study guide quoting it at
/// the top and again in a chapter) is grouped like two sources quoting it.
///
/// Passages with the same set of shingles always join each other and relate alike to every
/// other passage, so only the first of each distinct set is compared: a corpus holding many
/// copies of one text costs what one copy costs, instead of growing with the square of the
/// number of copies.
pub fn groups(passages: &[Passage]) -> Vec<usize> {
    let sets: Vec<Vec<u64>> = passages.iter().map(|p| shingles(&p.text)).collect();
    // Distinct non-empty sets, each named by its first passage (so in passage order).
    let mut distinct: HashMap<&[u64], usize> = HashMap::new();
    let mut reps: Vec<usize> = Vec::new();
    let mut class: Vec<Option<usize>> = vec![None; passages.len()];
    for (i, set) in sets.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        let r = *distinct.entry(set.as_slice()).or_insert_with(|| {
            reps.push(i);
            reps.len() - 1
        });
        class[i] = Some(r);
    }
    // Shingle → distinct sets that have it, in ascending order: candidates share a shingle.
    let mut by_shingle: ShingleMap<Vec<u32>> = ShingleMap::default();
    for (r, &i) in reps.iter().enumerate() {
        for &h in &sets[i] {
            by_shingle.entry(h).or_default().push(r as u32);
        }
    }
    let mut parent: Vec<usize> = (0..reps.len()).collect();
    let mut shared = vec![0u32; reps.len()];
    let mut touched: Vec<usize> = Vec::new();
    for (r, &i) in reps.iter().enumerate() {
        let set = &sets[i];
        for h in set {
            for &q in &by_shingle[h] {
                let q = q as usize;
                if q >= r {
                    break;
                }
                if shared[q] == 0 {
                    touched.push(q);
                }
                shared[q] += 1;
            }
        }
        for q in touched.drain(..) {
            let n = std::mem::take(&mut shared[q]);
            let (small, large) = {
                let (a, b) = (set.len(), sets[reps[q]].len());
                (a.min(b) as f64, a.max(b) as f64)
            };
            if n as f64 >= CONTAINMENT * small && small >= SIZE_RATIO * large {
                let (rr, rq) = (root(&mut parent, r), root(&mut parent, q));
                let (lo, hi) = (rr.min(rq), rr.max(rq));
                parent[hi] = lo;
            }
        }
    }
    // A root is the smallest member of its group, and distinct sets are numbered in passage
    // order, so the root's first passage is the group's first passage.
    (0..passages.len())
        .map(|i| match class[i] {
            Some(r) => reps[root(&mut parent, r)],
            None => i,
        })
        .collect()
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Hashes of the passage's runs of [`SHINGLE`] words (lower case, letters and digits only),
/// sorted and without repeats. A passage shorter than one shingle has none and is nobody's
/// duplicate.
fn shingles(text: &str) -> Vec<u64> {
    let words: Vec<Cow<str>> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
        .collect();
    let mut out: Vec<u64> = words
        .windows(SHINGLE)
        .map(|w| {
            let mut h = DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn p(source: &str, text: &str) -> Passage {
        Passage::sample(source, 0, Kind::Quotation, text)
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

    /// The definition, pair by pair: passages join when the smaller shares enough of its
    /// shingles with the larger and is not much smaller; a group is named by its first member.
    fn by_definition(passages: &[Passage]) -> Vec<usize> {
        let sets: Vec<BTreeSet<u64>> = passages
            .iter()
            .map(|p| shingles(&p.text).into_iter().collect())
            .collect();
        let n = passages.len();
        let mut group: Vec<usize> = (0..n).collect();
        for i in 0..n {
            for j in 0..i {
                let (a, b) = (&sets[i], &sets[j]);
                if a.is_empty() || b.is_empty() {
                    continue;
                }
                let shared = a.intersection(b).count() as f64;
                let (small, large) = (a.len().min(b.len()) as f64, a.len().max(b.len()) as f64);
                if shared >= CONTAINMENT * small && small >= SIZE_RATIO * large {
                    let (gi, gj) = (group[i], group[j]);
                    let (lo, hi) = (gi.min(gj), gi.max(gj));
                    for g in group.iter_mut() {
                        if *g == hi {
                            *g = lo;
                        }
                    }
                }
            }
        }
        group
    }

    #[test]
    fn many_copies_group_under_the_first() {
        let mut passages = Vec::new();
        for copy in 0..50 {
            passages.push(p(&format!("s{copy}"), QUOTE));
            passages.push(p(
                &format!("s{copy}"),
                "Ruth wants to see the boat on the marsh.",
            ));
            passages.push(p(&format!("s{copy}"), "Short."));
        }
        let got = groups(&passages);
        assert_eq!(got, by_definition(&passages));
        for (i, g) in got.iter().enumerate() {
            assert_eq!(*g, if i % 3 == 2 { i } else { i % 3 });
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Texts drawn from a small vocabulary, often repeated, so that exact copies, near
        /// copies and unrelated passages all occur.
        #[test]
        fn grouping_matches_the_pairwise_definition(
            texts in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![Just("Kathy"), Just("tommy"), Just("ruth"), Just("Hailsham"),
                                Just("told"), Just("not"), Just("and"), Just("the")],
                    0..14,
                ),
                0..24,
            ),
            repeat in proptest::collection::vec(0usize..24, 0..12),
        ) {
            let mut passages: Vec<Passage> =
                texts.iter().map(|w| p("a", &w.join(" "))).collect();
            for r in repeat {
                if let Some(q) = passages.get(r % passages.len().max(1)).cloned() {
                    passages.push(q);
                }
            }
            prop_assert_eq!(groups(&passages), by_definition(&passages));
        }
    }
}
