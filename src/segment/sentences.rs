//! Sentences and cuts: sentence ranges that keep page references with the sentence they
//! cite, long paragraphs split at sentence ends, scraps folded into a neighbour.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use unicode_segmentation::UnicodeSegmentation;

use super::elements::words;
use super::Segment;
use crate::clean::Layout;

/// Sentence ranges of `text`, trimmed of surrounding white space, empty ones dropped.
///
/// The sentence rules end a sentence at the full stop of "(p. 181)", leaving "(p." and "181)" as
/// sentences of their own, shown alone as context. So a piece that opens with a digit after a
/// word of one or two letters and a full stop ("p.", "pp.", "No.") continues the sentence before
/// it, as does a piece without a letter; and a page reference left on its own ("(p. 181)" after
/// a quotation) belongs to the sentence it cites.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = vec![];
    for (start, s) in text.split_sentence_bound_indices() {
        let lead = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        if trimmed.is_empty() {
            continue;
        }
        let range = start + lead..start + lead + trimmed.len();
        let continues = |last: &Range<usize>| {
            !trimmed.chars().any(char::is_alphabetic)
                || (trimmed.starts_with(|c: char| c.is_ascii_digit())
                    && ends_in_abbreviation(&text[last.clone()]))
        };
        match out.last_mut() {
            Some(last) if continues(last) => last.end = range.end,
            _ => out.push(range),
        }
    }
    let mut joined: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match joined.last_mut() {
            Some(last) if is_page_reference(&text[r.clone()]) => last.end = r.end,
            _ => joined.push(r),
        }
    }
    joined
}

/// "(p. 181)", "(pp. 58-59).", "page 12": a reference to pages ([`page_ref`]) and nothing else.
fn is_page_reference(s: &str) -> bool {
    let core = s.trim_matches(|c: char| c.is_whitespace() || "().,;".contains(c));
    // The pattern can only match the whole of a short piece that opens with "p" and holds a
    // digit; asking first spares most runs (a search's excerpts among them) its compilation.
    let plausible = core.starts_with(['p', 'P']) && core.bytes().any(|b| b.is_ascii_digit());
    plausible
        && page_ref()
            .find(core)
            .is_some_and(|m| m.start() == 0 && m.end() == core.len())
}

/// A page reference: "p." or "pp." or "page(s)", then a page or a list of pages ("58-59",
/// "80, 82 and 87"), the list captured. Sentences keep one with the sentence it cites;
/// tagging reads the pages from it.
pub(crate) fn page_ref() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:pp?\.|pages?)\s*(\d{1,4}(?:\s*(?:[-–—,]|and|&)\s*\d{1,4})*)")
            .expect("page regex")
    })
}

/// Whether `sentence` ends with a word of one or two letters and a full stop ("(p.", "pp.").
fn ends_in_abbreviation(sentence: &str) -> bool {
    let Some(rest) = sentence.strip_suffix('.') else {
        return false;
    };
    let word = rest
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default();
    (1..=2).contains(&word.chars().count())
}

/// Splits a segment longer than `target_words` at sentence boundaries into pieces of about
/// equal length, none over `max_words` (a run-on sentence is cut between words).
pub(super) fn split_long(seg: Segment, layout: &Layout) -> Vec<Segment> {
    let total = words(&seg.text.text);
    if total <= layout.target_words {
        return vec![seg];
    }
    let text = &seg.text.text;
    // Sentence pieces as (start, end, words); over-long sentences are cut at word starts.
    let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
    for sentence in sentences(text) {
        let (start, end) = (sentence.start, sentence.end);
        let s = &text[sentence];
        let n = words(s);
        if n <= layout.max_words {
            pieces.push((start, end, n));
            continue;
        }
        let mut from = start;
        let mut count = 0;
        for (off, w) in s.split_word_bound_indices() {
            if w.trim().is_empty() {
                continue;
            }
            if count == layout.target_words {
                pieces.push((from, start + off, count));
                from = start + off;
                count = 0;
            }
            count += 1;
        }
        pieces.push((from, end, count));
    }
    let chunks = total.div_ceil(layout.target_words);
    let goal = total.div_ceil(chunks);
    let mut cuts: Vec<(usize, usize, usize)> = Vec::new();
    for (s, e, n) in pieces {
        match cuts.last_mut() {
            Some(last) if last.2 < goal && last.2 + n <= layout.max_words => {
                last.1 = e;
                last.2 += n;
            }
            _ => cuts.push((s, e, n)),
        }
    }
    if cuts.len() >= 2 {
        let (a, b) = (cuts[cuts.len() - 2], cuts[cuts.len() - 1]);
        if b.2 < layout.min_words && a.2 + b.2 <= layout.max_words {
            cuts.pop();
            if let Some(l) = cuts.last_mut() {
                l.1 = b.1;
                l.2 += b.2;
            }
        }
    }
    cuts.into_iter()
        .filter_map(|(s, e, _)| {
            let piece = &text[s..e];
            let lead = piece.len() - piece.trim_start().len();
            let trail = piece.len() - piece.trim_end().len();
            (s + lead < e - trail).then(|| Segment {
                text: seg.text.slice(s + lead, e - trail),
                ..seg.clone()
            })
        })
        .collect()
}

/// Folds segments shorter than `scrap_words` into the previous segment (or the next, for the
/// first), so a signature or a stray widget word never stands as a passage of its own.
pub(super) fn merge_scraps(segs: Vec<Segment>, layout: &Layout) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segs.len());
    let mut carry: Option<Segment> = None;
    for mut s in segs {
        if let Some(c) = carry.take() {
            let mut merged = c.text;
            merged.append("\n", &s.text);
            s.text = merged;
        }
        if words(&s.text.text) < layout.scrap_words {
            if let Some(prev) = out.last_mut() {
                prev.text.append("\n", &s.text);
            } else {
                carry = Some(s);
            }
            continue;
        }
        out.push(s);
    }
    if let Some(c) = carry {
        // A source made only of scraps still keeps its words.
        out.push(c);
    }
    out
}
