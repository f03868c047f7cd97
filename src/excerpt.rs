//! Excerpts: the best window of a passage for a query, the byte ranges of the matched words, and
//! sentences of context around it (crossing into the neighbouring passages when needed).
//!
//! Matching is by analysed term, so `deferral` highlights "deferrals". No markup here: ranges
//! only; colouring is the printer's business.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::segment::sentences;

/// An excerpt longer than this (bytes) is cut around its first highlight.
const MAX_EXCERPT: usize = 360;
/// An excerpt shorter than this is extended by the following sentence.
const MIN_EXCERPT: usize = 80;

/// The best window of a passage with highlights and context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Excerpt {
    pub text: String,
    /// Byte ranges in `text` of matched words, sorted, not overlapping.
    pub highlights: Vec<Range<usize>>,
    /// Where `text` sits in the passage (bytes).
    pub range: Range<usize>,
    /// Byte ranges in the whole passage of every matched word.
    pub text_highlights: Vec<Range<usize>>,
    pub context_before: String,
    pub context_after: String,
    /// Bytes at the start of `context_before` that come from the previous passage (0: none).
    pub prev_part: usize,
    /// Bytes at the end of `context_after` that come from the next passage (0: none).
    pub next_part: usize,
}

/// What a search highlights, as analysed terms: its words wherever they stand, and phrases only
/// where all their words stand together. A phrase the search looks for as a phrase ("extra
/// years" for "deferral", a query of common words only) matches nothing word by word, so its
/// words alone are not shown as matches, nor do they pull the excerpt towards them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlight {
    pub words: BTreeSet<String>,
    /// Each phrase's terms in order; a phrase of one term is a word.
    pub phrases: Vec<Vec<String>>,
    /// Terms that stand for more than one word ("experi": "experiment" and "experience"),
    /// each with the forms (lower case) of the word asked for. A passage holding one of those
    /// forms highlights only them; a passage holding none matched by the term alone, so it
    /// highlights the term's words as they are.
    pub forms: BTreeMap<String, BTreeSet<String>>,
}

impl From<BTreeSet<String>> for Highlight {
    fn from(words: BTreeSet<String>) -> Highlight {
        Highlight {
            words,
            ..Highlight::default()
        }
    }
}

/// Byte ranges in `text` of what `terms` highlights. Matched words next to each other (only
/// white space between them) are one range, so a phrase is highlighted as one unit.
pub fn matches(text: &str, terms: &Highlight, analyzer: &mut TextAnalyzer) -> Vec<Range<usize>> {
    highlights(text, &Analysed::new(text, analyzer).matching(text, terms))
}

/// The highlight ranges of the matched words: adjacent ones joined into one.
fn highlights(text: &str, found: &[(Range<usize>, u32)]) -> Vec<Range<usize>> {
    join_adjacent(text, merge(found.iter().map(|(r, _)| r.clone()).collect()))
}

fn join_adjacent(text: &str, ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last)
                if text
                    .get(last.end..r.start)
                    .is_some_and(|gap| !gap.is_empty() && gap.chars().all(|c| c == ' ')) =>
            {
                last.end = r.end
            }
            _ => out.push(r),
        }
    }
    out
}

fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Finds every occurrence of a word or a phrase the way the index reads text: a word matches
/// its whole stem family ("deferral" finds "deferrals"), a phrase its words in a row. What a
/// concordance lines up on and a dispersion plot counts.
pub struct Finder {
    analyzer: TextAnalyzer,
    /// The term's analysed words, in order: one for a word, several for a phrase.
    stems: Vec<String>,
}

impl Finder {
    /// A finder for `term`, or `None` when it has no word to look for (only punctuation).
    pub fn new(term: &str) -> Option<Finder> {
        let mut analyzer = crate::index::analyzer();
        let stems = crate::index::analyse(&mut analyzer, term);
        (!stems.is_empty()).then_some(Finder { analyzer, stems })
    }

    /// Byte ranges in `text` of each occurrence, in text order; a phrase's range spans its
    /// first word to its last.
    pub fn find(&mut self, text: &str) -> Vec<Range<usize>> {
        let mut words: Vec<(Range<usize>, String)> = vec![];
        let mut stream = self.analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            words.push((t.offset_from..t.offset_to, t.text.clone()));
        }
        let n = self.stems.len();
        let mut found = vec![];
        let mut i = 0;
        while i + n <= words.len() {
            let window = &words[i..i + n];
            if window.iter().zip(&self.stems).all(|((_, w), s)| w == s) {
                found.push(window[0].0.start..window[n - 1].0.end);
                i += n;
            } else {
                i += 1;
            }
        }
        found
    }
}

/// A text's sentences and analysed words, computed once and reused for every query (sentence
/// splitting and stemming are most of an excerpt's cost).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analysed {
    pub sentences: Vec<Range<usize>>,
    /// The passage's distinct analysed terms, sorted.
    vocab: Vec<String>,
    /// Each word's byte range with its term, as an index into `vocab`: finding a query's
    /// words is then one merge of two sorted lists, not a string comparison per passage word.
    words: Vec<(Range<usize>, u32)>,
}

impl Analysed {
    pub fn new(text: &str, analyzer: &mut TextAnalyzer) -> Analysed {
        let mut raw: Vec<(Range<usize>, String)> = vec![];
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            raw.push((t.offset_from..t.offset_to, t.text.clone()));
        }
        let mut vocab: Vec<String> = raw.iter().map(|(_, t)| t.clone()).collect();
        vocab.sort_unstable();
        vocab.dedup();
        let words = raw
            .into_iter()
            .map(|(r, t)| {
                let id = vocab.binary_search(&t).unwrap_or_default();
                (r, id as u32)
            })
            .collect();
        Analysed {
            sentences: sentences(text),
            vocab,
            words,
        }
    }

    /// The words `terms` highlights, in text order, each with what it counts as when windows
    /// are compared by distinct matches: a word its term's index, every word of a phrase the
    /// phrase's own number (past the passage's terms), so a phrase counts once.
    fn matching(&self, text: &str, terms: &Highlight) -> Vec<(Range<usize>, u32)> {
        let mut found = self.matching_words(&terms.words);
        if !terms.forms.is_empty() {
            self.keep_own_forms(text, &terms.forms, &mut found);
        }
        let mut phrases = false;
        for (n, phrase) in terms.phrases.iter().enumerate() {
            let ids: Option<Vec<u32>> = phrase
                .iter()
                .map(|t| self.vocab.binary_search(t).ok().map(|i| i as u32))
                .collect();
            let Some(ids) = ids.filter(|ids| !ids.is_empty()) else {
                continue;
            };
            let id = (self.vocab.len() + n) as u32;
            for w in self.words.windows(ids.len()) {
                if w.iter().zip(&ids).all(|((_, a), b)| a == b) {
                    found.extend(w.iter().map(|(r, _)| (r.clone(), id)));
                    phrases = true;
                }
            }
        }
        if phrases {
            found.sort_by_key(|(r, id)| (r.start, *id));
        }
        found
    }

    /// Drops from `found` the words of a term in `forms` that are not among its forms, when
    /// the passage holds at least one that is.
    fn keep_own_forms(
        &self,
        text: &str,
        forms: &BTreeMap<String, BTreeSet<String>>,
        found: &mut Vec<(Range<usize>, u32)>,
    ) {
        for (term, own) in forms {
            let Ok(id) = self.vocab.binary_search(term) else {
                continue;
            };
            let id = id as u32;
            let is_own = |r: &Range<usize>| {
                text.get(r.clone())
                    .is_some_and(|w| own.contains(&w.to_lowercase()))
            };
            if found.iter().any(|(r, i)| *i == id && is_own(r)) {
                found.retain(|(r, i)| *i != id || is_own(r));
            }
        }
    }

    /// The words whose term is one of `terms`: (byte range, term's index), in text order.
    fn matching_words(&self, terms: &BTreeSet<String>) -> Vec<(Range<usize>, u32)> {
        // Both are sorted: one merge pass finds the passage's terms among the query's.
        let mut wanted = vec![false; self.vocab.len()];
        let mut any = false;
        let mut query = terms.iter().peekable();
        for (i, v) in self.vocab.iter().enumerate() {
            while query.next_if(|t| t.as_str() < v.as_str()).is_some() {}
            match query.peek() {
                None => break,
                Some(t) if t.as_str() == v.as_str() => {
                    wanted[i] = true;
                    any = true;
                }
                Some(_) => {}
            }
        }
        if !any {
            return vec![];
        }
        self.words
            .iter()
            .filter(|(_, id)| wanted[*id as usize])
            .cloned()
            .collect()
    }
}

/// Builds the excerpt of `text` for `terms`. `prev`/`next` are the neighbouring passages'
/// texts, used when `context` asks for more sentences than the passage has around the window.
pub fn excerpt(
    text: &str,
    terms: &Highlight,
    analyzer: &mut TextAnalyzer,
    context: usize,
    prev: Option<&str>,
    next: Option<&str>,
) -> Excerpt {
    let prev = prev.map(|p| (p, sentences(p)));
    let next = next.map(|n| (n, sentences(n)));
    excerpt_of(
        text,
        &Analysed::new(text, analyzer),
        terms,
        context,
        prev.as_ref().map(|(t, s)| (*t, s.as_slice())),
        next.as_ref().map(|(t, s)| (*t, s.as_slice())),
    )
}

/// [`excerpt`] over a text analysed beforehand; neighbours come with their sentence ranges.
pub fn excerpt_of(
    text: &str,
    analysed: &Analysed,
    terms: &Highlight,
    context: usize,
    prev: Option<(&str, &[Range<usize>])>,
    next: Option<(&str, &[Range<usize>])>,
) -> Excerpt {
    let found = analysed.matching(text, terms);
    let hits = highlights(text, &found);
    let sents = &analysed.sentences;
    if sents.is_empty() {
        return Excerpt::default();
    }
    // The window of whole sentences (up to the excerpt size) with the most distinct matched
    // terms, then the fewest sentences, then the most matches, then the first.
    let score = |first: usize, last: usize| {
        let (start, end) = (sents[first].start, sents[last].end);
        let inside = found
            .iter()
            .filter(|(r, _)| r.start >= start && r.end <= end);
        let mut terms: Vec<u32> = inside.map(|(_, t)| *t).collect();
        let count = terms.len();
        terms.sort_unstable();
        terms.dedup();
        (terms.len(), usize::MAX - (last - first), count)
    };
    let mut best: (usize, usize) = (0, 0);
    let mut best_score = score(0, 0);
    for first in 0..sents.len() {
        for last in first..sents.len() {
            if last > first && sents[last].end - sents[first].start > MAX_EXCERPT {
                break;
            }
            let sc = score(first, last);
            // Only a strictly better score moves the window: extra sentences must earn it.
            if sc > best_score {
                best = (first, last);
                best_score = sc;
            }
        }
    }
    let (mut first, mut last) = best;
    while sents[last].end - sents[first].start < MIN_EXCERPT && last + 1 < sents.len() {
        last += 1;
    }
    let mut range = sents[first].start..sents[last].end;
    if range.len() > MAX_EXCERPT {
        range = cut(text, range, &hits);
    }
    // Context: whole sentences around the window, then the neighbours' edges.
    let mut before: Vec<&str> = vec![];
    let mut after: Vec<&str> = vec![];
    for _ in 0..context {
        if first > 0 {
            first -= 1;
            before.insert(0, &text[sents[first].clone()]);
        }
        if last + 1 < sents.len() {
            last += 1;
            after.push(&text[sents[last].clone()]);
        }
    }
    let mut from_prev: Vec<&str> = vec![];
    if before.len() < context {
        if let Some((p, ps)) = prev {
            let want = context - before.len();
            let from = ps.len().saturating_sub(want);
            from_prev.extend(ps[from..].iter().map(|s| &p[s.clone()]));
        }
    }
    let mut from_next: Vec<&str> = vec![];
    if after.len() < context {
        if let Some((n, ns)) = next {
            from_next.extend(ns.iter().take(context - after.len()).map(|s| &n[s.clone()]));
        }
    }
    let prev_part = from_prev.join(" ").len();
    let next_part = from_next.join(" ").len();
    before.splice(0..0, from_prev);
    after.extend(from_next);
    let highlights = hits
        .iter()
        .filter(|h| h.start >= range.start && h.end <= range.end)
        .map(|h| h.start - range.start..h.end - range.start)
        .collect();
    Excerpt {
        text: text[range.clone()].to_string(),
        highlights,
        range,
        text_highlights: hits,
        context_before: before.join(" "),
        context_after: after.join(" "),
        prev_part,
        next_part,
    }
}

/// Shrinks `range` to at most [`MAX_EXCERPT`] bytes around its first highlight, at word bounds.
fn cut(text: &str, range: Range<usize>, hits: &[Range<usize>]) -> Range<usize> {
    let anchor = hits
        .iter()
        .find(|h| h.start >= range.start && h.end <= range.end)
        .map_or(range.start, |h| h.start);
    let mut start = anchor.saturating_sub(MAX_EXCERPT / 3).max(range.start);
    let mut end = (start + MAX_EXCERPT).min(range.end);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // Move inwards to white space so no word is cut in half.
    if start > range.start {
        if let Some(i) = text[start..end].find(char::is_whitespace) {
            start += i + 1;
        }
    }
    if end < range.end {
        if let Some(i) = text[start..end].rfind(char::is_whitespace) {
            end = start + i;
        }
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analyzer;

    fn terms(words: &[&str]) -> Vec<String> {
        let mut a = analyzer();
        words
            .iter()
            .flat_map(|w| {
                let mut out = vec![];
                let mut s = a.token_stream(w);
                while s.advance() {
                    out.push(s.token().text.clone());
                }
                out
            })
            .collect()
    }

    /// What a query of these words highlights: each word wherever it stands.
    fn stems(words: &[&str]) -> Highlight {
        Highlight::from(terms(words).into_iter().collect::<BTreeSet<String>>())
    }

    /// Words wherever they stand, and phrases (each given as one string) only together.
    fn with_phrases(words: &[&str], phrases: &[&str]) -> Highlight {
        Highlight {
            phrases: phrases.iter().map(|p| terms(&[p])).collect(),
            ..stems(words)
        }
    }

    #[test]
    fn highlights_match_by_stem_not_by_spelling() {
        let text = "Rumours of Deferrals spread. Nobody defers.";
        for (query, want) in [
            (vec!["deferral"], vec!["Deferrals"]),
            (vec!["rumour", "nobody"], vec!["Rumours", "Nobody"]),
            (vec!["absent"], vec![]),
        ] {
            let got: Vec<&str> = matches(text, &stems(&query), &mut analyzer())
                .into_iter()
                .map(|r| &text[r])
                .collect();
            assert_eq!(got, want, "{query:?}");
        }
    }

    #[test]
    fn a_term_two_words_share_highlights_the_asked_words_forms_where_it_can() {
        // "experiment" and "experience" are both "experi" to the stemmer.
        let own = |forms: &[&str]| Highlight {
            forms: [(
                terms(&["experiment"]).remove(0),
                forms.iter().map(|f| f.to_string()).collect(),
            )]
            .into(),
            ..stems(&["experiment"])
        };
        for (text, forms, want) in [
            // Only the asked word's forms where the passage holds one.
            (
                "An experience of loss; the Experiments failed.",
                own(&["experiment", "experiments"]),
                vec!["Experiments"],
            ),
            // A passage with none of them matched on the term: its words are what matched.
            (
                "An experience of loss, experiences shared.",
                own(&["experiment", "experiments"]),
                vec!["experience", "experiences"],
            ),
            // No forms given: every word of the term.
            (
                "An experience of loss; the experiment failed.",
                stems(&["experiment"]),
                vec!["experience", "experiment"],
            ),
        ] {
            let got: Vec<&str> = matches(text, &forms, &mut analyzer())
                .into_iter()
                .map(|r| &text[r])
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn a_phrase_highlights_only_where_its_words_stand_together() {
        let text = "Couples in love might get extra years. Years later there was no extra time, \
                    and the years went by.";
        for (words, phrases, want) in [
            (vec![], vec!["extra years"], vec!["extra years"]),
            // A word of the query is still a word wherever it stands.
            (
                vec!["time"],
                vec!["extra years"],
                vec!["extra years", "time"],
            ),
            // The words of a phrase apart, or in another order, are no match.
            (vec![], vec!["years extra", "time extra"], vec![]),
            (vec![], vec!["no such phrase"], vec![]),
            // A phrase of one word is a word.
            (vec![], vec!["years"], vec!["years", "Years", "years"]),
        ] {
            let got: Vec<&str> = matches(text, &with_phrases(&words, &phrases), &mut analyzer())
                .into_iter()
                .map(|r| &text[r])
                .collect();
            assert_eq!(got, want, "{words:?} {phrases:?}");
        }
    }

    #[test]
    fn a_phrase_apart_does_not_pull_the_excerpt_and_counts_once() {
        let text = "The extra rooms stood empty for years. Couples hoped for a deferral. \
                    Nobody was granted extra years.";
        // The phrase's words stand in the first sentence, apart: the deferral sentence wins.
        let e = excerpt(
            text,
            &with_phrases(&["deferral"], &["extra years"]),
            &mut analyzer(),
            0,
            None,
            None,
        );
        assert!(e.text.starts_with("Couples hoped"), "{}", e.text);
        // Together its words are one match, not two: a sentence with the phrase alone loses to
        // one with two of the query's words, though it comes first. (The long sentence between
        // keeps any window from holding both.)
        let filler = "word ".repeat(80);
        let text = format!(
            "Nobody was granted extra years. {}. Couples hoped for a deferral or a reprieve.",
            filler.trim()
        );
        let e = excerpt(
            &text,
            &with_phrases(&["deferral", "reprieve"], &["extra years"]),
            &mut analyzer(),
            0,
            None,
            None,
        );
        assert!(e.text.starts_with("Couples hoped"), "{}", e.text);
    }

    #[test]
    fn picks_the_sentence_with_most_terms_and_offsets_are_relative() {
        let text = "Ruth was at Hailsham. Much later, on a grey afternoon, Ruth went looking for her possible in an office in Norfolk. \
                    The end came quickly after that and nobody spoke of it for a long while.";
        let e = excerpt(
            text,
            &stems(&["ruth", "possible"]),
            &mut analyzer(),
            1,
            None,
            None,
        );
        assert!(e.text.starts_with("Much later"), "{}", e.text);
        let words: Vec<&str> = e.highlights.iter().map(|r| &e.text[r.clone()]).collect();
        assert_eq!(words, ["Ruth", "possible"]);
        assert_eq!(&text[e.range.clone()], e.text);
        assert_eq!(e.context_before, "Ruth was at Hailsham.");
        assert!(e.context_after.starts_with("The end"));
    }

    #[test]
    fn window_spans_sentences_for_more_terms_and_phrases_highlight_as_one() {
        let text = "Tommy draws animals. Nobody sees them for years. Madame keeps the gallery. \
                    In the end the gallery never existed, and Tommy learns why.";
        for (query, starts) in [
            // Two sentences hold both terms; no single sentence does.
            (vec!["animals", "madame"], "Tommy draws animals."),
            // One sentence holds both: it wins over any wider window.
            (vec!["gallery", "tommy"], "In the end"),
        ] {
            let e = excerpt(text, &stems(&query), &mut analyzer(), 0, None, None);
            assert!(e.text.starts_with(starts), "{query:?}: {}", e.text);
        }
        let t = "They had been told and not told, as the guardian said.";
        let e = excerpt(
            t,
            &stems(&["told", "and", "not"]),
            &mut analyzer(),
            0,
            None,
            None,
        );
        let words: Vec<&str> = e.highlights.iter().map(|r| &e.text[r.clone()]).collect();
        assert_eq!(words, ["told and not told"]);
    }

    #[test]
    fn context_crosses_into_neighbouring_passages() {
        let e = excerpt(
            "Only one sentence here about the tapes and more words to pass the minimum length of an excerpt.",
            &stems(&["tape"]),
            &mut analyzer(),
            1,
            Some("Earlier. The sentence before."),
            Some("The sentence after. Later."),
        );
        assert_eq!(e.context_before, "The sentence before.");
        assert_eq!(e.context_after, "The sentence after.");
        let none = excerpt(
            "Short.",
            &stems(&["x"]),
            &mut analyzer(),
            0,
            Some("A."),
            Some("B."),
        );
        assert_eq!(
            (none.context_before.as_str(), none.context_after.as_str()),
            ("", "")
        );
    }

    #[test]
    fn long_sentences_are_cut_at_word_bounds_around_the_hit() {
        let filler = "lorem ipsum dolor ".repeat(40);
        let text = format!("{filler}the deferral rumour {filler}");
        let e = excerpt(&text, &stems(&["deferral"]), &mut analyzer(), 0, None, None);
        assert!(e.text.len() <= MAX_EXCERPT);
        assert!(e.text.contains("deferral"));
        assert_eq!(e.highlights.len(), 1);
        assert!(!e.text.starts_with(' ') && !e.text.ends_with(' '));
    }

    proptest::proptest! {
        #[test]
        fn ranges_are_always_valid_slices(text in "\\PC{0,400}", word in "[a-zé]{1,8}") {
            let e = excerpt(&text, &stems(&[&word]), &mut analyzer(), 2, Some(&text), None);
            for r in &e.highlights {
                proptest::prop_assert!(e.text.get(r.clone()).is_some());
            }
            proptest::prop_assert!(text.get(e.range.clone()).is_some());
        }

        /// The passage's words found for a query are exactly those whose term the query has.
        #[test]
        fn matching_finds_exactly_the_query_terms(
            words in proptest::collection::vec("(carer|deferral|tape|ruth|a|the|zz|b[a-c])", 0..30),
            query in proptest::collection::vec("(carer|deferral|tape|ruth|zz|b[a-d]|x)", 0..6),
        ) {
            let text = words.join(" ");
            let mut a = analyzer();
            let analysed = Analysed::new(&text, &mut a);
            let terms: BTreeSet<String> = query.into_iter().collect();
            let mut want = vec![];
            let mut stream = a.token_stream(&text);
            while let Some(t) = stream.next() {
                if terms.contains(&t.text) {
                    want.push(t.offset_from..t.offset_to);
                }
            }
            let got: Vec<Range<usize>> = analysed
                .matching(&text, &Highlight::from(terms))
                .into_iter()
                .map(|(r, _)| r)
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
