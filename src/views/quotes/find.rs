//! Finding quotations passage by passage, before any merging, so what counts as a quotation
//! and which cues stand beside it are decided with only that passage and its neighbours.

use regex::Regex;

use super::cues::SpeakerCues;
use super::merge::normal_words;
use super::{Claim, Role, SpeakerFrom};
use crate::model::{Kind, Passage};
use crate::segment::{page_ref, sentences};
use crate::tag::parse_pages;

/// Fewest words a quoted span needs to count as a quotation (shorter ones are terms in quotes:
/// "carer", "told and not told").
const MIN_WORDS: usize = 5;

/// A quotation found in one passage, before versions are merged.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub(super) passage: usize,
    pub(super) text: String,
    pub(super) pages: Vec<u32>,
    pub(super) claims: Vec<Claim>,
    pub(super) words: Vec<String>,
}

/// A quoted span of a passage: where its words stand (inside the marks) and where the whole
/// quotation with its marks ends.
struct Span {
    inner: std::ops::Range<usize>,
    outer: std::ops::Range<usize>,
}

fn quoted_spans(text: &str) -> Vec<Span> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r#""([^"]+)"|“([^”]+)”"#).expect("quote regex"));
    re.captures_iter(text)
        .filter_map(|c| {
            let inner = c.get(1).or_else(|| c.get(2))?;
            let outer = c.get(0)?;
            Some(Span {
                inner: inner.range(),
                outer: outer.range(),
            })
        })
        .filter(|s| crate::index::words(&text[s.inner.clone()]).count() >= MIN_WORDS)
        .collect()
}

/// The page reference at the start of `after` (after spaces and an opening bracket), with
/// the bytes it takes.
fn leading_pages(after: &str) -> Option<(Vec<u32>, usize)> {
    let trimmed = after.trim_start_matches([' ', '(', '[']);
    let skipped = after.len() - trimmed.len();
    if skipped > 3 {
        return None;
    }
    let caps = page_ref().captures(trimmed)?;
    let whole = caps.get(0)?;
    if whole.start() != 0 {
        return None;
    }
    let list = caps.get(1)?.as_str();
    let mut end = skipped + whole.end();
    if after[end..].starts_with([')', ']']) {
        end += 1;
    }
    Some((parse_pages(list), end))
}

/// Text with curly apostrophes and quotes read as straight ones, for matching cues.
pub(super) fn straight(text: &str) -> String {
    text.replace(['’', '‘'], "'")
}

pub(super) fn in_passage(
    index: usize,
    p: &Passage,
    prev: Option<&str>,
    next: Option<&str>,
    cues: &SpeakerCues,
) -> Vec<Found> {
    let text = p.text.as_str();
    let spans = quoted_spans(text);
    // (words, pages, text before it in the passage, text after it in the passage)
    let mut pieces: Vec<(std::ops::Range<usize>, Vec<u32>, usize, usize)> = vec![];
    for (n, s) in spans.iter().enumerate() {
        let limit = spans.get(n + 1).map_or(text.len(), |t| t.outer.start);
        let after = &text[s.outer.end..limit];
        let (pages, used) = leading_pages(after).unwrap_or_default();
        let is_quote = p.kind == Kind::Quotation
            || !pages.is_empty()
            || cues
                .find(&cues.attributions, &straight(&after[used..]))
                .is_some()
            || introduced(&text[..s.outer.start], prev, cues);
        if is_quote {
            pieces.push((s.inner.clone(), pages, s.outer.start, s.outer.end + used));
        }
    }
    if pieces.is_empty() && p.kind == Kind::Quotation && spans.is_empty() {
        // A quotation passage without quotation marks: the passage is the quotation.
        let mut end = text.len();
        let mut pages = vec![];
        if let Some(m) = page_ref().find_iter(text).last() {
            let tail = text[m.end()..].trim_matches([')', ']', '.', ' ']);
            if tail.is_empty() {
                end = text[..m.start()].trim_end_matches([' ', '(', '[']).len();
                pages = p.pages.clone();
            }
        }
        let words = crate::index::words(&text[..end]).count();
        if words >= MIN_WORDS {
            pieces.push((0..end, pages, 0, end));
        }
    }
    let single = pieces.len() == 1;
    let mut out = vec![];
    for (n, (range, mut pages, before_at, after_at)) in pieces.iter().cloned().enumerate() {
        if pages.is_empty() && single {
            pages = p.pages.clone();
        }
        let quote = text[range.clone()].trim().to_string();
        let limit = pieces.get(n + 1).map_or(text.len(), |q| q.2);
        let after = straight(&text[after_at.min(limit)..limit]);
        let before = &text[..before_at];
        let mut claims = vec![];
        let mut claim = |character: String, role: Role, from: SpeakerFrom, evidence: String| {
            claims.push(Claim {
                character,
                role,
                from,
                source: p.source.clone(),
                id: p.id.clone(),
                evidence: shorten(&evidence),
            })
        };
        if let Some((who, ev)) = cues.find(&cues.attributions, &after) {
            claim(who, Role::Speaker, SpeakerFrom::Attribution, ev);
        }
        // Introduced in its own passage, or by the passage before when it opens this one.
        let opens = before.trim().chars().all(|c| !c.is_alphabetic());
        let intro = if opens {
            prev.map(straight)
        } else {
            Some(straight(before))
        };
        if let Some((who, ev)) = intro.as_deref().and_then(|t| cues.introduction(t)) {
            claim(who, Role::Speaker, SpeakerFrom::Introduction, ev);
        }
        // The sentence after: in this passage when more prose follows, else the next passage.
        let rest = after.trim();
        let follow =
            if n + 1 == pieces.len() && rest.chars().filter(|c| c.is_alphabetic()).count() < 12 {
                next.map(straight)
            } else {
                Some(rest.to_string())
            };
        if let Some(f) = follow {
            let first = sentences(&f)
                .first()
                .map(|r| f[r.clone()].to_string())
                .unwrap_or_default();
            if let Some((who, ev)) = cues.find(&cues.follow_ups, &first) {
                claim(who, Role::Speaker, SpeakerFrom::FollowUp, ev);
            }
        }
        let own = straight(&quote);
        if let Some((who, ev)) = cues.find(&cues.self_names, &own) {
            claim(who, Role::Speaker, SpeakerFrom::OwnWords, ev);
        }
        for re in &cues.addresses {
            for caps in re.captures_iter(&own) {
                let (Some(name), Some(all)) = (caps.name("name"), caps.get(0)) else {
                    continue;
                };
                if let Some(who) = cues.canonical.get(name.as_str()) {
                    claim(
                        who.clone(),
                        Role::Addressee,
                        SpeakerFrom::OwnWords,
                        all.as_str().to_string(),
                    );
                }
            }
        }
        let words = normal_words(&quote);
        out.push(Found {
            passage: index,
            text: quote,
            pages,
            claims,
            words,
        });
    }
    out
}

/// Whether a sentence naming a speaker introduces the quoted words that follow `before`:
/// in the same passage, or at the end of the passage before when they open this one. Speech
/// quoted in narration is a quotation when a source says who speaks it.
fn introduced(before: &str, prev: Option<&str>, cues: &SpeakerCues) -> bool {
    let intro = if before.trim().chars().all(|c| !c.is_alphabetic()) {
        prev.map(straight)
    } else {
        Some(straight(before))
    };
    intro.is_some_and(|t| cues.introduction(&t).is_some())
}

/// Evidence as shown: at most about 120 characters, cut at a word.
fn shorten(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 120 {
        return s.to_string();
    }
    let cut: String = s.chars().take(117).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}
