//! The `--json` schema: JSON Lines, one [`JsonLine::Hit`] per result, then one
//! [`JsonLine::Summary`]. These types are the contract for other tools; they serialise and
//! deserialise, and the tests read the binary's output back through them.
//!
//! ```text
//! {"type":"hit","rank":1,"score":7.2,"id":"study-guide:42",…,"excerpt":"…","highlights":[[4,13]],…}
//! {"type":"summary","hits":10,"total":42,"elapsed_us":380,"facets":{"theme":{"memory":12},…}}
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::search::{Hit, Response};

/// One line of `--json` output, told apart by its `"type"` field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum JsonLine {
    Hit(Box<JsonHit>),
    Summary(JsonSummary),
}

/// A result (`"type":"hit"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonHit {
    /// 1-based position in the results.
    pub rank: usize,
    /// Relevance score (higher is better); `null` when listing by filters without a query,
    /// where hits come in reading order.
    pub score: Option<f32>,
    /// Passage id, `<source>:<seq>`; stable for the same corpus.
    pub id: String,
    /// Source id (the summary's file name without `.txt`).
    pub source: String,
    /// The source's title from `sources.toml`.
    pub source_title: String,
    /// Section path, outermost heading first; empty before the first heading.
    pub section: Vec<String>,
    /// Passage kind: plot, character, analysis, quotation, faq, comment or other.
    pub kind: String,
    /// Part of the novel (1, 2 or 3) where the source says so, else `null`.
    pub part: Option<u8>,
    /// Canonical character names.
    pub characters: Vec<String>,
    /// Theme names (as accepted by `--theme`).
    pub themes: Vec<String>,
    /// Pages of the novel the passage cites.
    pub pages: Vec<u32>,
    /// The whole passage text.
    pub text: String,
    /// The best window of the passage for the query (a substring of `text`).
    pub excerpt: String,
    /// Matched words as `[start, end)` **byte** offsets into `excerpt`, sorted, not overlapping.
    pub highlights: Vec<[usize; 2]>,
    /// The same ranges as `highlights` in **characters** (Unicode code points) of `excerpt`,
    /// for tools that index strings by character: jq's `.excerpt[s:e]`, Python, JavaScript
    /// outside the astral planes.
    #[serde(default)]
    pub highlights_chars: Vec<[usize; 2]>,
    /// Where `excerpt` sits in `text`: `[start, end)` byte offsets.
    pub excerpt_range: [usize; 2],
    /// Matched words as `[start, end)` byte offsets into `text`.
    pub text_highlights: Vec<[usize; 2]>,
    /// `text_highlights` in characters of `text`.
    #[serde(default)]
    pub text_highlights_chars: Vec<[usize; 2]>,
    /// Sentences before the excerpt (from the previous passage when the excerpt opens this one).
    pub context_before: String,
    /// Sentences after the excerpt (from the next passage when the excerpt ends this one).
    pub context_after: String,
    /// When `context_before` begins in the previous passage and that passage is under another
    /// heading: its section path, and how many bytes of `context_before` come from it.
    #[serde(default)]
    pub context_before_section: Option<Vec<String>>,
    #[serde(default)]
    pub context_before_outside: usize,
    /// The same for the end of `context_after` and the next passage.
    #[serde(default)]
    pub context_after_section: Option<Vec<String>>,
    #[serde(default)]
    pub context_after_outside: usize,
    /// Byte range `[start, end)` of the passage in its original source file.
    pub source_range: [usize; 2],
    /// Near-duplicates of this passage in other sources (the same quotation or sentence),
    /// folded into this hit instead of listed as hits of their own.
    #[serde(default)]
    pub also_in: Vec<JsonAlsoIn>,
}

/// A near-duplicate folded into a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonAlsoIn {
    pub id: String,
    pub source: String,
    pub source_title: String,
    pub pages: Vec<u32>,
}

/// A query word or phrase and the words it was widened to: glossary, spelling variant, word
/// family, the everyday words for a term asked about (`complete` → `die`), or the words a
/// question's answers use (`what happened to` → `donation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonExpansion {
    pub from: String,
    pub to: Vec<String>,
}

/// The last line (`"type":"summary"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonSummary {
    /// Hit lines printed above.
    pub hits: usize,
    /// Passages that match in all (`hits` are the first of them).
    pub total: usize,
    /// Microseconds spent searching (query, ranking, excerpts; not printing).
    pub elapsed_us: u64,
    /// For the whole match set: tag field (`theme`, `character`, `kind`, `source`, `part`,
    /// `page`) → value → number of matching passages with that value.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// How the query was read, when that needs saying (corrections, common words only).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Query words widened to other words: `[{"from":"teacher","to":["guardian"]}]`.
    #[serde(default)]
    pub expansions: Vec<JsonExpansion>,
    /// The query as corrected when a word was not in the corpus (`"deferral"` for `deferal`);
    /// `null` when nothing was corrected.
    #[serde(default)]
    pub suggestion: Option<String>,
    /// Query words (as typed, lower-cased) that no passage holds, in query order: not as
    /// typed, nor in another form of the word, nor as a correction or expansion of it. A
    /// search whose every word is here finds nothing (exit 1); one with some words here still
    /// shows the passages the other words find. Empty when every word matched somewhere,
    /// and for a query with operators or quoted phrases.
    #[serde(default)]
    pub unmatched: Vec<String>,
}

fn pair(r: &std::ops::Range<usize>) -> [usize; 2] {
    [r.start, r.end]
}

/// Byte ranges of `text` (sorted by start) as character ranges, in one pass over the text.
fn in_chars(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<[usize; 2]> {
    let mut chars = 0;
    let mut at = 0;
    let mut to_chars = |b: usize| {
        let b = b.min(text.len());
        if b < at {
            return text[..b].chars().count();
        }
        chars += text.get(at..b).map_or(0, |s| s.chars().count());
        at = b;
        chars
    };
    ranges
        .iter()
        .map(|r| {
            let s = to_chars(r.start);
            [s, to_chars(r.end)]
        })
        .collect()
}

impl From<&Hit> for JsonHit {
    fn from(h: &Hit) -> Self {
        let p = &h.passage;
        JsonHit {
            rank: h.rank,
            score: h.score,
            id: p.id.clone(),
            source: p.source.clone(),
            source_title: h.source_title.clone(),
            section: p.section.clone(),
            kind: p.kind.as_str().to_string(),
            part: p.part,
            characters: p.characters.clone(),
            themes: p.themes.clone(),
            pages: p.pages.clone(),
            text: p.text.clone(),
            excerpt: h.excerpt.text.clone(),
            highlights: h.excerpt.highlights.iter().map(pair).collect(),
            highlights_chars: in_chars(&h.excerpt.text, &h.excerpt.highlights),
            excerpt_range: pair(&h.excerpt.range),
            text_highlights: h.excerpt.text_highlights.iter().map(pair).collect(),
            text_highlights_chars: in_chars(&p.text, &h.excerpt.text_highlights),
            context_before: h.excerpt.context_before.clone(),
            context_after: h.excerpt.context_after.clone(),
            context_before_section: h.context_sections[0].clone(),
            context_before_outside: h.context_sections[0]
                .as_ref()
                .map_or(0, |_| h.excerpt.prev_part),
            context_after_section: h.context_sections[1].clone(),
            context_after_outside: h.context_sections[1]
                .as_ref()
                .map_or(0, |_| h.excerpt.next_part),
            source_range: p.source_range,
            also_in: h
                .also_in
                .iter()
                .map(|a| JsonAlsoIn {
                    id: a.id.clone(),
                    source: a.source.clone(),
                    source_title: a.source_title.clone(),
                    pages: a.pages.clone(),
                })
                .collect(),
        }
    }
}

impl From<&Response> for JsonSummary {
    fn from(r: &Response) -> Self {
        JsonSummary {
            hits: r.hits.len(),
            total: r.total,
            elapsed_us: r.elapsed.as_micros() as u64,
            facets: r.facets.clone(),
            notes: r.notes.clone(),
            expansions: r
                .expansions
                .iter()
                .map(|e| JsonExpansion {
                    from: e.from.clone(),
                    to: e.to.clone(),
                })
                .collect(),
            suggestion: r.suggestion.clone(),
            unmatched: r.unmatched.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_become_the_same_characters() {
        let text = "Madame’s “gallery” — Kathy’s tape, Norfolk";
        let words = ["gallery", "Kathy", "Norfolk"];
        let bytes: Vec<std::ops::Range<usize>> = words
            .iter()
            .map(|w| {
                let s = text.find(w).unwrap();
                s..s + w.len()
            })
            .collect();
        let chars = in_chars(text, &bytes);
        let all: Vec<char> = text.chars().collect();
        for ([s, e], w) in chars.iter().zip(words) {
            assert_eq!(all[*s..*e].iter().collect::<String>(), w);
        }
        assert_ne!(
            chars[0],
            [bytes[0].start, bytes[0].end],
            "the text is not ASCII"
        );
        assert!(in_chars(text, &[]).is_empty());
    }

    #[test]
    fn lines_round_trip_and_carry_their_type() {
        let s = JsonLine::Summary(JsonSummary {
            hits: 0,
            total: 0,
            elapsed_us: 5,
            facets: BTreeMap::new(),
            notes: vec![],
            expansions: vec![JsonExpansion {
                from: "teacher".into(),
                to: vec!["guardian".into()],
            }],
            suggestion: Some("deferral".into()),
            unmatched: vec!["creatures".into()],
        });
        let text = serde_json::to_string(&s).unwrap();
        assert!(
            text.starts_with(r#"{"type":"summary","hits":0,"total":0"#),
            "{text}"
        );
        assert!(
            text.contains(
                r#""expansions":[{"from":"teacher","to":["guardian"]}],"suggestion":"deferral","unmatched":["creatures"]"#
            ),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<JsonLine>(&text).unwrap(), s);
        assert!(serde_json::from_str::<JsonLine>(r#"{"type":"other"}"#).is_err());
    }
}
