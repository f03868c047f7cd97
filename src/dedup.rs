//! Near-duplicate passages: the same quotation or sentence copied into several summaries.
//! Computed once at index time from word shingles, so a search only has to compare group keys.

use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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
///
/// Distinct sets are not compared pair by pair either, nor through every shingle they share
/// (a common shingle is in hundreds of sets at scale): candidates come from prefix filtering,
/// as in all-pairs set-similarity joins (AllPairs, PPJoin). With every set sorted in one global
/// order, rarest shingle first, two sets that share at least `t` shingles share one within
/// their first `len - t + 1` (the first shared shingle has only unshared ones before it). Only
/// those short prefixes are matched, and each candidate pair is then checked exactly.
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
    let ranked = ranked_sets(&sets, &reps);
    // Distinct sets from the smallest, so that every set already indexed is the smaller (or
    // equal) one of a pair with the set being probed: its own share decides the overlap needed.
    // The stable sort keeps passage order among sets of one size.
    let mut by_size: Vec<usize> = (0..reps.len()).collect();
    by_size.sort_by_key(|&r| ranked[r].len());
    let shingle_count = ranked.iter().flatten().max().map_or(0, |&k| k as usize + 1);
    // Shingle rank → distinct sets indexed under it, smallest first. A set is indexed under
    // the prefix it needs as the smaller set of a pair.
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); shingle_count];
    // Where each posting list's sets become large enough for the set being probed: sets are
    // probed by growing size, so a set too small for one is too small for all that follow.
    let mut first_fit = vec![0usize; shingle_count];
    let mut parent: Vec<usize> = (0..reps.len()).collect();
    let mut probed_by = vec![usize::MAX; reps.len()];
    let mut candidates: Vec<usize> = Vec::new();
    for &r in &by_size {
        let set = &ranked[r];
        let smallest = smallest_partner(set.len());
        // As the larger set, the overlap needed is least with the smallest partner allowed.
        let probe = set.len() - overlap_needed(smallest) + 1;
        for &k in &set[..probe] {
            let list = &postings[k as usize];
            let from = &mut first_fit[k as usize];
            while *from < list.len() && ranked[list[*from] as usize].len() < smallest {
                *from += 1;
            }
            for &q in &list[*from..] {
                let q = q as usize;
                if probed_by[q] != r {
                    probed_by[q] = r;
                    candidates.push(q);
                }
            }
        }
        for q in candidates.drain(..) {
            let (rr, rq) = (root(&mut parent, r), root(&mut parent, q));
            // Already in one group: the pair cannot change the groups.
            if rr == rq {
                continue;
            }
            if joins(shared(set, &ranked[q]), set.len(), ranked[q].len()) {
                let (lo, hi) = (rr.min(rq), rr.max(rq));
                parent[hi] = lo;
            }
        }
        for &k in &set[..set.len() - overlap_needed(set.len()) + 1] {
            postings[k as usize].push(r as u32);
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

/// Whether two sets of `a` and `b` shingles sharing `n` join: the smaller shares enough of its
/// shingles and is not much smaller than the larger.
fn joins(n: usize, a: usize, b: usize) -> bool {
    let (small, large) = (a.min(b) as f64, a.max(b) as f64);
    n as f64 >= CONTAINMENT * small && small >= SIZE_RATIO * large
}

/// The fewest shared shingles with which a set of `small` shingles joins a set at least as
/// large: the least whole `n` with `n as f64 >= CONTAINMENT * small` (exactly the comparison
/// [`joins`] makes, as a whole number reaches a float exactly when it reaches its ceiling).
/// At least 1 and at most `small` for a non-empty set.
fn overlap_needed(small: usize) -> usize {
    (CONTAINMENT * small as f64).ceil() as usize
}

/// The fewest shingles a set can have and still join a set of `large` shingles, from the same
/// comparison as [`joins`].
fn smallest_partner(large: usize) -> usize {
    (SIZE_RATIO * large as f64).ceil() as usize
}

/// The distinct sets (`reps`, by their first passage) with every shingle replaced by its rank
/// in the global order, rarest first (fewest distinct sets holding it; ties by hash), and
/// sorted by it. The ranks are a one-to-one renaming, so overlaps are unchanged.
fn ranked_sets(sets: &[Vec<u64>], reps: &[usize]) -> Vec<Vec<u32>> {
    let mut frequency: ShingleMap<u32> = ShingleMap::default();
    for &i in reps {
        for &h in &sets[i] {
            *frequency.entry(h).or_default() += 1;
        }
    }
    let mut order: Vec<(u32, u64)> = frequency.iter().map(|(&h, &f)| (f, h)).collect();
    order.sort_unstable();
    // The map now gives each shingle its rank instead of its frequency.
    let mut rank = frequency;
    for (k, (_, h)) in order.into_iter().enumerate() {
        rank.insert(h, k as u32);
    }
    reps.iter()
        .map(|&i| {
            let mut set: Vec<u32> = sets[i].iter().map(|h| rank[h]).collect();
            set.sort_unstable();
            set
        })
        .collect()
}

/// How many elements two sorted sets share.
fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
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
    let mut bytes: Vec<u8> = Vec::new();
    let mut out: Vec<u64> = words
        .windows(SHINGLE)
        .map(|w| {
            // What `w.hash(..)` feeds the hasher, its length and then each word ended by 0xFF,
            // in one write instead of nine: SipHash reads a stream of bytes, so the hash is the
            // same (a test checks it) and costs less.
            bytes.clear();
            bytes.extend_from_slice(&w.len().to_ne_bytes());
            for word in w {
                bytes.extend_from_slice(word.as_bytes());
                bytes.push(0xFF);
            }
            let mut h = DefaultHasher::new();
            h.write(&bytes);
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
    use std::hash::Hash;

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

    /// Every pair of sizes near the thresholds, with the shared shingles ranked last (they are
    /// in two sets, the others in one), where prefix filtering has the least room: the pair
    /// must be found exactly when the definition joins it.
    #[test]
    fn thresholds_match_the_pairwise_definition_for_every_size() {
        // `k` shingles are `k + 3` words; distinct words give distinct shingles.
        let words = |prefix: &str, n: usize| -> Vec<String> {
            (0..n).map(|i| format!("{prefix}{i}")).collect()
        };
        for small in 1..=25 {
            let shared_words = words("x", small + 3);
            for shared in 0..=small {
                let mut passages = vec![p("b", &shared_words.join(" "))];
                for large in small..=70 {
                    let mut text = shared_words[..shared + 3].to_vec();
                    text.extend(words(&format!("f{large}y"), large - shared));
                    passages.push(p("a", &text.join(" ")));
                }
                assert_eq!(groups(&passages), by_definition(&passages));
                passages.reverse();
                assert_eq!(groups(&passages), by_definition(&passages));
            }
        }
    }

    const VOCABULARY: [&str; 8] = [
        "Kathy", "tommy", "ruth", "Hailsham", "told", "not", "and", "the",
    ];

    /// How one passage of a generated corpus is made from an earlier one.
    #[derive(Debug, Clone)]
    enum Derive {
        /// A copy with a few words replaced (position, word).
        Change(Vec<(usize, usize)>),
        /// A run of its words: a subset of its shingles.
        Cut(usize, usize),
        /// Words added before and after: a superset of its shingles.
        Extend(Vec<usize>, Vec<usize>),
        /// The same words with other capitals and punctuation: the same shingles.
        Recase,
    }

    fn derive() -> impl Strategy<Value = Derive> {
        let word = 0..VOCABULARY.len();
        prop_oneof![
            proptest::collection::vec((0usize..64, word.clone()), 1..4).prop_map(Derive::Change),
            (0usize..64, 0usize..64).prop_map(|(a, b)| Derive::Cut(a, b)),
            (
                proptest::collection::vec(word.clone(), 0..6),
                proptest::collection::vec(word, 0..6)
            )
                .prop_map(|(before, after)| Derive::Extend(before, after)),
            Just(Derive::Recase),
        ]
    }

    /// Unrelated passages of 0 to 30 words, then passages derived from any earlier one (so
    /// chains of near copies form), shuffled so that copies may come before their original.
    fn near_duplicate_corpus() -> impl Strategy<Value = Vec<String>> {
        (
            proptest::collection::vec(proptest::collection::vec(0..VOCABULARY.len(), 0..30), 1..6),
            proptest::collection::vec((any::<proptest::sample::Index>(), derive()), 0..30),
        )
            .prop_map(|(bases, derived)| {
                let mut texts: Vec<Vec<usize>> = bases;
                let mut recased = Vec::new();
                for (from, how) in derived {
                    let mut words = texts[from.index(texts.len())].clone();
                    match how {
                        Derive::Change(changes) => {
                            for (at, word) in changes {
                                if !words.is_empty() {
                                    let at = at % words.len();
                                    words[at] = word;
                                }
                            }
                        }
                        Derive::Cut(a, b) => {
                            let (a, b) = (a % (words.len() + 1), b % (words.len() + 1));
                            words = words[a.min(b)..a.max(b)].to_vec();
                        }
                        Derive::Extend(before, after) => {
                            words = [before, words, after].concat();
                        }
                        Derive::Recase => recased.push(texts.len()),
                    }
                    texts.push(words);
                }
                texts
                    .iter()
                    .enumerate()
                    .map(|(i, words)| {
                        let words: Vec<&str> = words.iter().map(|&w| VOCABULARY[w]).collect();
                        if recased.contains(&i) {
                            words.join(", ").to_uppercase()
                        } else {
                            words.join(" ")
                        }
                    })
                    .collect()
            })
            .prop_shuffle()
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

        /// Hashing a shingle's bytes in one write gives the hash `Hash` gives its words.
        #[test]
        fn shingle_hashes_are_the_hashes_of_the_words(
            text in "([a-zA-Z0-9ÉéßΣσǅ]{1,9}[ ,.'-]{1,2}){0,16}|\\PC{0,60}",
        ) {
            let words: Vec<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    if w.chars().any(char::is_uppercase) {
                        w.to_lowercase()
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            let mut want: Vec<u64> = words
                .windows(SHINGLE)
                .map(|w| {
                    let mut h = DefaultHasher::new();
                    w.hash(&mut h);
                    h.finish()
                })
                .collect();
            want.sort_unstable();
            want.dedup();
            prop_assert_eq!(shingles(&text), want);
        }

        /// Near copies, subsets, supersets and exact copies of one another, of every length
        /// from none to a few dozen words.
        #[test]
        fn near_duplicates_group_as_the_pairwise_definition(texts in near_duplicate_corpus()) {
            let passages: Vec<Passage> = texts.iter().map(|t| p("a", t)).collect();
            prop_assert_eq!(groups(&passages), by_definition(&passages));
        }
    }
}
