//! Ranking: which techniques are on ([`Ranking`]), the collection that scores every match by
//! its passage's kind and length and the question's intent, and relevance feedback from the
//! best hit.

use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Order, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::facets::Matches;
use super::glossary::KindWeights;
use super::Engine;
use crate::error::{Error, Result};
use crate::index;
use crate::model::Kind;
use crate::similar::Probe;

/// Which ranking techniques are on. [`Ranking::FULL`] is the default; [`Ranking::BASELINE`] is
/// the stemmed text field alone with plain BM25 over every query word: the yardstick each
/// technique's gain is measured against (`--ranking baseline,+proximity`, `--ranking full,-kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranking {
    /// Drop stop words and question words ("why", "what") from plain questions.
    pub stopwords: bool,
    /// Glossary (everyday word → the novel's term), British/American spellings, word families.
    pub expansion: bool,
    /// A word the corpus does not contain is matched to a near spelling that it does.
    pub fuzzy: bool,
    /// Each distinct query word a passage contains scores a constant: all the words beat one
    /// word repeated.
    pub coverage: bool,
    /// Query words close together (pairs and the whole query) score extra.
    pub proximity: bool,
    /// Query words in the passage's section headings score extra.
    pub heading: bool,
    /// Answers and plot passages over comments and stray lines.
    pub kind: bool,
    /// Very short passages (a heading line, a caption) do not win on term frequency alone.
    pub length: bool,
    /// Near-duplicate passages are one hit with `also_in`.
    pub dedup: bool,
    /// A character named in the query (or by an alias: "rod") is searched by every spelling,
    /// and passages tagged with that character score extra.
    pub characters: bool,
    /// A question's opening words say what kind of passage answers it (lexicon `[[intent]]`):
    /// "who is …" prefers character entries, "why …" analysis and FAQ answers.
    pub questions: bool,
    /// The passage discussing a quotation ("This reflection …" after it) is read through the
    /// quotation: a quoted phrase finds it, and plain query words the quotation holds count
    /// for it.
    pub context: bool,
    /// A passage that explains a term the question asks about (the index marks a form of the
    /// term within 10 words of one of its everyday phrases) scores extra: that is how a
    /// definition reads ("a carer who looks after donors"). Part of reading the glossary, so
    /// it needs `expansion`.
    pub gloss: bool,
    /// Relevance feedback from the best hit: the other hits score extra the more they share
    /// its distinctive words ([`crate::similar`]), since the best hit is nearly always an
    /// answer and passages like it tend to answer too, in words the question did not use.
    pub feedback: bool,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking::FULL
    }
}

impl Ranking {
    pub const FULL: Ranking = Ranking {
        stopwords: true,
        expansion: true,
        fuzzy: true,
        coverage: true,
        proximity: true,
        heading: true,
        kind: true,
        length: true,
        dedup: true,
        characters: true,
        questions: true,
        context: true,
        gloss: true,
        feedback: true,
    };
    pub const BASELINE: Ranking = Ranking {
        stopwords: false,
        expansion: false,
        fuzzy: false,
        coverage: false,
        proximity: false,
        heading: false,
        kind: false,
        length: false,
        dedup: false,
        characters: false,
        questions: false,
        context: false,
        gloss: false,
        feedback: false,
    };
    /// Technique names as accepted by [`Ranking::parse`], in the order they are measured.
    pub const TECHNIQUES: [&'static str; 14] = [
        "stopwords",
        "expansion",
        "fuzzy",
        "coverage",
        "proximity",
        "heading",
        "kind",
        "length",
        "dedup",
        "characters",
        "questions",
        "context",
        "gloss",
        "feedback",
    ];

    #[cfg(test)]
    pub(super) fn flag_count(&self) -> usize {
        let mut r = *self;
        Ranking::TECHNIQUES
            .iter()
            .filter(|n| *r.flag(n).unwrap())
            .count()
    }

    fn flag(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "stopwords" => &mut self.stopwords,
            "expansion" => &mut self.expansion,
            "fuzzy" => &mut self.fuzzy,
            "coverage" => &mut self.coverage,
            "proximity" => &mut self.proximity,
            "heading" => &mut self.heading,
            "kind" => &mut self.kind,
            "length" => &mut self.length,
            "dedup" => &mut self.dedup,
            "characters" => &mut self.characters,
            "questions" => &mut self.questions,
            "context" => &mut self.context,
            "gloss" => &mut self.gloss,
            "feedback" => &mut self.feedback,
            _ => return None,
        })
    }

    /// Reads `full`, `baseline`, or either followed by `,+technique` / `,-technique` items
    /// (a bare technique name after the first item means `+`).
    pub fn parse(spec: &str) -> Result<Ranking> {
        let mut items = spec.split(',').map(str::trim).filter(|s| !s.is_empty());
        let bad = |what: &str| {
            Error::Usage(format!(
                "unknown ranking {what:?}; use full or baseline, then +name or -name for: {}",
                Ranking::TECHNIQUES.join(", ")
            ))
        };
        let mut r = match items.next().map(str::to_ascii_lowercase).as_deref() {
            Some("full") | None => Ranking::FULL,
            Some("baseline") => Ranking::BASELINE,
            Some(other) => return Err(bad(other)),
        };
        for item in items {
            let lower = item.to_ascii_lowercase();
            let (on, name) = match lower.strip_prefix('-') {
                Some(n) => (false, n),
                None => (true, lower.strip_prefix('+').unwrap_or(&lower)),
            };
            *r.flag(name).ok_or_else(|| bad(item))? = on;
        }
        Ok(r)
    }
}

/// Share of the best hit's score a hit gains for being exactly like it (cosine 1); a hit
/// sharing a few of the best hit's rarer words (cosine 0.1 – 0.3) gains a few hundredths.
/// The best of 0.1 – 0.4 on the main and dev sets together (QUALITY.md, round 10).
const FEEDBACK_WEIGHT: f32 = 0.2;

/// Ranking weight of a passage kind (its position in [`Kind::ALL`]): an answer or a retelling
/// over a reader's comment or a stray line of front matter.
pub(super) fn kind_weight(k: u64) -> f32 {
    match Kind::ALL.get(k as usize) {
        Some(Kind::Faq) => 1.15,
        Some(Kind::Plot) => 1.1,
        Some(Kind::Character) | Some(Kind::Analysis) => 1.0,
        // A bare quotation matches the words but rarely explains them.
        Some(Kind::Quotation) => 0.9,
        Some(Kind::Comment) => 0.8,
        Some(Kind::Other) => 0.7,
        None => 1.0,
    }
}

/// Passages shorter than this many words are weighed down: BM25's length normalisation lets a
/// heading line that repeats a query word beat the paragraph that explains it.
const SHORT_PASSAGE: u64 = 15;

pub(super) fn length_weight(words: u64) -> f32 {
    if words >= SHORT_PASSAGE {
        1.0
    } else {
        ((words.max(1) as f32) / SHORT_PASSAGE as f32)
            .sqrt()
            .max(0.35)
    }
}

/// Scored (or, when listing, reading-order) documents, best first, and every match.
pub(super) type Ranked = (
    Vec<(Option<f32>, DocAddress)>,
    Vec<(SegmentOrdinal, Vec<DocId>)>,
);

impl Engine {
    /// The best `fetch` matches of `query`, in one pass with every match for the facet counts:
    /// in reading order when `listing`, else by score weighed by kind, length and the
    /// question's intent, then lifted by relevance feedback.
    pub(super) fn rank(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        ranking: Ranking,
        intent: Option<KindWeights>,
        listing: bool,
        fetch: usize,
    ) -> Result<Ranked> {
        let facets = Matches;
        let top = TopDocs::with_limit(fetch);
        let (docs, facet_counts): (Vec<(Option<f32>, DocAddress)>, _) = if listing {
            let (docs, fc) = searcher
                .search(
                    query,
                    &(top.order_by_fast_field::<u64>("order", Order::Asc), facets),
                )
                .map_err(index::tantivy_error)?;
            (docs.into_iter().map(|(_, d)| (None, d)).collect(), fc)
        } else if ranking.kind || ranking.length || intent.is_some() {
            let tweak = top.tweak_score(move |seg: &SegmentReader| {
                let kind = seg.fast_fields().u64("kind").ok();
                let words = seg.fast_fields().u64("words").ok();
                move |doc: DocId, score: Score| {
                    let mut s = score;
                    if ranking.kind || intent.is_some() {
                        let k = kind.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                        if ranking.kind {
                            s *= kind_weight(k);
                        }
                        if let Some(w) = intent.as_ref().and_then(|w| w.get(k as usize)) {
                            s *= w;
                        }
                    }
                    if ranking.length {
                        let w = words.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                        s *= length_weight(w);
                    }
                    s
                }
            });
            let (docs, fc) = searcher
                .search(query, &(tweak, facets))
                .map_err(index::tantivy_error)?;
            (docs.into_iter().map(|(s, d)| (Some(s), d)).collect(), fc)
        } else {
            let (docs, fc) = searcher
                .search(query, &(top.order_by_score(), facets))
                .map_err(index::tantivy_error)?;
            (docs.into_iter().map(|(s, d)| (Some(s), d)).collect(), fc)
        };
        let docs = if ranking.feedback && !listing {
            self.feedback(docs)
        } else {
            docs
        };
        Ok((docs, facet_counts))
    }

    /// Relevance feedback: each hit gains [`FEEDBACK_WEIGHT`] × the best score × its cosine
    /// with the best hit, and the hits are re-ordered. The best hit keeps its place (nothing is
    /// more like it than itself, so it gains the most); the lift is proportional to the
    /// scores, so it weighs the same for a query of one word as for a long question.
    fn feedback(&self, mut docs: Vec<(Option<f32>, DocAddress)>) -> Vec<(Option<f32>, DocAddress)> {
        let (Some((Some(best), first)), true) = (docs.first().copied(), docs.len() > 2) else {
            return docs;
        };
        let Some(top) = self.docs.signature(first) else {
            return docs;
        };
        let mut cache = self.cache();
        let probe = Probe::new(&top, &mut cache.probe);
        for (score, addr) in docs.iter_mut() {
            if let (Some(s), Some(sig)) = (score.as_mut(), self.docs.signature(*addr)) {
                *s += FEEDBACK_WEIGHT * best * probe.cosine(&sig);
            }
        }
        // Stable: hits the feedback leaves equal keep their order.
        docs.sort_by(|a, b| b.0.unwrap_or(0.0).total_cmp(&a.0.unwrap_or(0.0)));
        docs
    }
}
