//! Passage signatures for relevance feedback: each passage's most distinctive stems, weighted
//! by tf-idf, so that a search can lift the passages most like its best hit.
//!
//! The best hit is right for nearly every question (MRR 0.87 – 1.0 on every judged set), and a
//! passage sharing its rarer words tends to answer the same question in other words: "move to
//! the Cottages when they are 16" beside "After leaving Hailsham, Kathy, Ruth, and Tommy move to
//! the Cottages". Worked out once at index time from the analysed words of every passage; a
//! search only compares the signatures of the hits it already has.

/// Stems kept per passage, the most distinctive first: far above the 40 or so distinct content
/// stems of a passage of these summaries, so a bound for very long passages of other books
/// rather than a cut. Cut to 32, the cosine of two passages about one person fell by a third
/// and the held-out questions lost what feedback gains (QUALITY.md, round 10).
pub const MAX_TERMS: usize = 128;

/// One passage's signature: (stem id, weight) sorted by id, weights of unit length. Stem ids
/// come from one [`Vocabulary`] per index, so they are the same in every passage and small
/// enough for a search to spread one signature over an array ([`Probe`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signature(Vec<(u32, f32)>);

impl Signature {
    /// The bytes stored in the index: per stem, its id and weight, little-endian.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 8);
        for (id, w) in &self.0 {
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }

    /// Reads [`Signature::encode`]'s bytes; `None` for bytes it cannot have written.
    pub fn decode(bytes: &[u8]) -> Option<Signature> {
        if !bytes.len().is_multiple_of(8) {
            return None;
        }
        let mut terms = Vec::with_capacity(bytes.len() / 8);
        for chunk in bytes.chunks_exact(8) {
            let id = u32::from_le_bytes(chunk[..4].try_into().ok()?);
            let w = f32::from_le_bytes(chunk[4..].try_into().ok()?);
            if !w.is_finite() || terms.last().is_some_and(|(prev, _)| *prev >= id) {
                return None;
            }
            terms.push((id, w));
        }
        Some(Signature(terms))
    }
}

/// One signature (the best hit's) spread over an array by stem id, so that its cosine with
/// each other hit costs one lookup per stem of that hit rather than a merge of both lists.
///
/// The array is borrowed and must hold only zeros; the probe sets its stems' weights and puts
/// the zeros back when dropped, so one array serves every search without being cleared whole.
pub struct Probe<'a> {
    dense: &'a mut Vec<f32>,
    sig: &'a Signature,
}

impl<'a> Probe<'a> {
    pub fn new(sig: &'a Signature, dense: &'a mut Vec<f32>) -> Probe<'a> {
        let len = sig.0.last().map_or(0, |(id, _)| *id as usize + 1);
        if dense.len() < len {
            dense.resize(len, 0.0);
        }
        for (id, w) in &sig.0 {
            dense[*id as usize] = *w;
        }
        Probe { dense, sig }
    }

    /// Cosine similarity of the probe's signature with `other`: 1 for the same words in the
    /// same proportions, 0 for no stem in common.
    pub fn cosine(&self, other: &Signature) -> f32 {
        other
            .0
            .iter()
            .map(|(id, w)| self.dense.get(*id as usize).map_or(0.0, |d| d * w))
            .sum()
    }
}

impl Drop for Probe<'_> {
    fn drop(&mut self) {
        for (id, _) in &self.sig.0 {
            self.dense[*id as usize] = 0.0;
        }
    }
}

/// Numbers for stems: the same stem gets the same id in every passage of one index, in order
/// of first use, so ids are small and dense.
#[derive(Debug, Default)]
pub struct Vocabulary(std::collections::HashMap<String, u32>);

impl Vocabulary {
    pub fn id(&mut self, stem: &str) -> u32 {
        if let Some(id) = self.0.get(stem) {
            return *id;
        }
        let id = self.0.len() as u32;
        self.0.insert(stem.to_string(), id);
        id
    }
}

/// What signatures are computed from: each passage's stems with their counts, and the number
/// of passages using each stem. No signature can be made before every passage is counted (a
/// stem's weight needs its document frequency); [`Counts::into_signatures`] then makes them one
/// at a time as the index is written.
#[derive(Debug, Default)]
pub struct Counts {
    /// Per passage: (stem id, occurrences), by id.
    tf: Vec<Vec<(u32, u32)>>,
    /// Per stem id: passages using it.
    df: Vec<u32>,
}

impl Counts {
    /// Adds the next passage, as its content stems' [`Vocabulary`] ids (stop words already
    /// removed), in any order.
    pub fn add(&mut self, mut ids: Vec<u32>) {
        ids.sort_unstable();
        let mut tf: Vec<(u32, u32)> = vec![];
        for id in ids {
            match tf.last_mut() {
                Some((last, c)) if *last == id => *c += 1,
                _ => tf.push((id, 1)),
            }
        }
        for (id, _) in &tf {
            let i = *id as usize;
            if self.df.len() <= i {
                self.df.resize(i + 1, 0);
            }
            self.df[i] += 1;
        }
        tf.shrink_to_fit();
        self.tf.push(tf);
    }

    /// Every passage's signature, in the order the passages were added. A stem's weight is
    /// (1 + ln tf) × ln(N / df): a stem every passage uses weighs nothing, and a passage's own
    /// rare words weigh most.
    ///
    /// Consumes the counts and frees each passage's as its signature is made: the index writer
    /// holds every signature until it writes the column, so a large corpus's build would
    /// otherwise hold both at once (at 1000 copies of the shipped corpus, about 60 MB more).
    pub fn into_signatures(self) -> Signatures {
        Signatures {
            n: self.tf.len() as f32,
            df: self.df,
            tf: self.tf.into_iter(),
        }
    }
}

/// The signatures of [`Counts::into_signatures`], one per passage added.
#[derive(Debug)]
pub struct Signatures {
    n: f32,
    df: Vec<u32>,
    tf: std::vec::IntoIter<Vec<(u32, u32)>>,
}

impl Iterator for Signatures {
    type Item = Signature;

    fn next(&mut self) -> Option<Signature> {
        let tf = self.tf.next()?;
        let mut terms: Vec<(u32, f32)> = tf
            .iter()
            .map(|&(id, c)| {
                let idf = (self.n / self.df[id as usize] as f32).ln();
                (id, (1.0 + (c as f32).ln()) * idf)
            })
            .filter(|(_, weight)| *weight > 0.0)
            .collect();
        // Heaviest first, then by id, so the cut is the same on every build.
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        terms.truncate(MAX_TERMS);
        let norm = terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        for t in &mut terms {
            t.1 /= norm;
        }
        terms.sort_unstable_by_key(|(id, _)| *id);
        Some(Signature(terms))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.tf.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The signature of each passage, from its stems as vocabulary ids, as an index build
    /// makes them one by one.
    fn signatures(passages: &[Vec<u32>]) -> Vec<Signature> {
        let mut counts = Counts::default();
        for ids in passages {
            counts.add(ids.clone());
        }
        counts.into_signatures().collect()
    }

    impl Signature {
        /// The cosine by merging both sorted lists: the definition a [`Probe`] must agree with.
        fn cosine(&self, other: &Signature) -> f32 {
            let (a, b) = (&self.0, &other.0);
            let (mut i, mut j, mut sum) = (0, 0, 0.0);
            while i < a.len() && j < b.len() {
                match a[i].0.cmp(&b[j].0) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        sum += a[i].1 * b[j].1;
                        i += 1;
                        j += 1;
                    }
                }
            }
            sum
        }

        fn len(&self) -> usize {
            self.0.len()
        }

        fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
    }

    /// Each passage's words as ids of one vocabulary, and the vocabulary.
    fn ids_of(passages: &[&str]) -> (Vec<Vec<u32>>, Vocabulary) {
        let mut vocab = Vocabulary::default();
        let ids = passages
            .iter()
            .map(|p| p.split_whitespace().map(|w| vocab.id(w)).collect())
            .collect();
        (ids, vocab)
    }

    fn stems(passages: &[&str]) -> Vec<Vec<u32>> {
        ids_of(passages).0
    }

    #[test]
    fn passages_sharing_rare_words_are_alike() {
        let sigs = signatures(&stems(&[
            "kathy tommy cottag move sixteen",
            "kathy ruth cottag move leav hailsham",
            "kathy ruth tape norfolk shop",
            "kathy tommy galleri madam art",
            "kathy cottag move sixteen tommy",
        ]));
        // (a, b, how they relate)
        let table = [
            (0, 4, "same words in another order: alike as can be"),
            (0, 1, "share cottag and move"),
            (0, 2, "share only kathy, which every passage has"),
        ];
        let cos: Vec<f32> = table
            .iter()
            .map(|(a, b, _)| sigs[*a].cosine(&sigs[*b]))
            .collect();
        assert!((cos[0] - 1.0).abs() < 1e-5, "{}: {}", table[0].2, cos[0]);
        assert!(cos[1] > 0.1 && cos[1] < 0.9, "{}: {}", table[1].2, cos[1]);
        assert_eq!(cos[2], 0.0, "{}", table[2].2);
        // A word every passage uses is not in any signature.
        assert!(sigs.iter().all(|s| s.len() < 6));
        // A passage is most like itself.
        for s in &sigs {
            assert!((s.cosine(s) - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn a_signature_keeps_the_most_distinctive_stems() {
        // One passage of distinct words w0, w1, …, each word wi also in i other passages: the
        // rarer the word, the heavier. Only the MAX_TERMS rarest are kept.
        let count = MAX_TERMS + 20;
        let mut corpus: Vec<String> = vec![(0..count).map(|i| format!("w{i} ")).collect()];
        for i in 0..count {
            for _ in 0..i {
                corpus.push(format!("w{i} filler"));
            }
        }
        let refs: Vec<&str> = corpus.iter().map(String::as_str).collect();
        let (all, mut vocab) = ids_of(&refs);
        let sig = &signatures(&all)[0];
        assert_eq!(sig.len(), MAX_TERMS);
        let mut kept = |i: usize| {
            let id = vocab.id(&format!("w{i}"));
            sig.0.iter().any(|(k, _)| *k == id)
        };
        assert!(kept(0) && kept(MAX_TERMS - 1));
        assert!(!kept(MAX_TERMS) && !kept(count - 1));
    }

    #[test]
    fn empty_and_common_only_passages_have_empty_signatures() {
        // "kathy" is in every passage: it tells none apart.
        let sigs = signatures(&stems(&["kathy", "kathy kathy", "kathy clone"]));
        assert!(sigs[0].is_empty() && sigs[1].is_empty());
        assert_eq!(sigs[2].len(), 1);
        assert_eq!(sigs[0].cosine(&sigs[2]), 0.0);
        assert_eq!(signatures(&stems(&[""])), vec![Signature::default()]);
        assert_eq!(signatures(&[]), vec![]);
        // One signature per passage added, and no more.
        let mut counts = Counts::default();
        counts.add(vec![0, 1]);
        counts.add(vec![1]);
        let mut sigs = counts.into_signatures();
        assert_eq!(sigs.size_hint(), (2, Some(2)));
        assert_eq!(sigs.by_ref().count(), 2);
        assert_eq!(sigs.next(), None);
    }

    #[test]
    fn decode_refuses_what_encode_cannot_write() {
        assert_eq!(Signature::decode(&[]), Some(Signature::default()));
        assert_eq!(Signature::decode(&[1, 2, 3]), None);
        // Out of order.
        let mut bytes = Signature(vec![(5, 0.6)]).encode();
        bytes.extend(Signature(vec![(4, 0.8)]).encode());
        assert_eq!(Signature::decode(&bytes), None);
        assert_eq!(
            Signature::decode(&Signature(vec![(1, f32::NAN)]).encode()),
            None
        );
    }

    proptest! {
        #[test]
        fn encode_decode_round_trips_and_cosine_is_bounded(
            passages in proptest::collection::vec(
                proptest::collection::vec(0u32..40, 0..20), 1..8)
        ) {
            let sigs = signatures(&passages);
            for a in &sigs {
                prop_assert_eq!(Signature::decode(&a.encode()), Some(a.clone()));
                let mut dense = vec![];
                let probe = Probe::new(a, &mut dense);
                for b in &sigs {
                    let c = a.cosine(b);
                    prop_assert!((c - probe.cosine(b)).abs() < 1e-5);
                    prop_assert!((-1e-5..=1.0 + 1e-5).contains(&c));
                    prop_assert!((c - b.cosine(a)).abs() < 1e-6);
                }
                drop(probe);
                prop_assert!(dense.iter().all(|d| *d == 0.0));
            }
        }
    }
}
