//! Operator queries made safe and meaningful: what must be in one before it is parsed, what a
//! parser complaint means in our words, and excluded clauses wherever they stand.
//!
//! Nothing to search for: `(` alone or `AND` alone has no word, and `-the` only a word too
//! common to search for; each gets the note a plain `the` gets, never the parser's
//! "Syntax Error" or a search for "and".
//!
//! A shield (`-"told and not"`): tantivy's phrase scorer asserts that it is never asked to look
//! back, and its exclusion loop does ask (`seek_danger` below the current document after a
//! miss). Release builds skip the assertion; debug builds panic on any excluded phrase.
//! Wrapping each `MustNot` clause in [`Guarded`] answers those calls from the scorer's own
//! position instead, which is what the generic `DocSet::seek_danger` does.
//!
//! A meaning: the parser reads `kathy AND NOT tommy` as "kathy, and (not tommy)", and a group
//! holding only exclusions matches nothing in tantivy, so the whole query matched nothing.
//! Such a group inside a query stands for every passage but the excluded ones, as the parser
//! already makes a query of exclusions alone mean.

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EnableScoring, Explanation, Occur, Query,
    QueryParserError, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use crate::lexicon::STOP_WORDS;

/// Why an operator query (`original`, and as [`super::repair`] left it) has nothing to
/// search for, as a note; `None` when it has a word. A quoted phrase always counts: common
/// words together are worth finding.
pub(crate) fn nothing_to_search(original: &str, repaired: &str) -> Option<String> {
    let mut words = vec![];
    for (i, piece) in repaired.split('"').enumerate() {
        let quoted = i % 2 == 1;
        if quoted && piece.chars().any(char::is_alphanumeric) {
            return None;
        }
        for token in piece.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
            let word = token.trim_start_matches(['-', '+']);
            if !matches!(word, "AND" | "OR" | "NOT") && word.chars().any(char::is_alphanumeric) {
                words.push(word.to_lowercase());
            }
        }
    }
    let q = original.trim();
    match words.as_slice() {
        [] => Some(format!(
            "{q:?} has no word to search for: AND, OR, NOT, - and ( ) only join or exclude \
             words; add one (for example: memory AND NOT childhood)"
        )),
        [one] if STOP_WORDS.contains(&one.as_str()) => Some(too_common(one)),
        _ => None,
    }
}

/// The note for a query of one word too common to search for, operators or not.
pub(crate) fn too_common(word: &str) -> String {
    format!("{word:?} is too common a word to search for on its own; add a word that matters")
}

/// The longest plain question searched, in characters: a pasted passage is searched by its
/// opening, cut at a word, and the note says where it was cut.
pub(crate) const MAX_PLAIN_CHARS: usize = 1000;

/// The part of a plain question that is searched, and the note saying it was cut (`None`
/// when it is short enough).
pub(crate) fn plain_opening(q: &str) -> (&str, Option<String>) {
    let Some((cut, _)) = q.char_indices().nth(MAX_PLAIN_CHARS) else {
        return (q, None);
    };
    let head = &q[..cut];
    // Back to the last space, unless the opening is a single over-long word.
    let head = match head.rfind(char::is_whitespace) {
        Some(i) if i > 0 => head[..i].trim_end(),
        _ => head,
    };
    let tail: Vec<&str> = head.split_whitespace().rev().take(3).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    let note = format!(
        "the query is {} characters long; only its first {} were searched (up to \"…{}\")",
        q.chars().count(),
        head.chars().count(),
        tail.join(" ")
    );
    (head, Some(note))
}

/// A complaint of the query parser in the words of this tool (the parser's own name rows and
/// columns of a grammar the user never sees).
pub(crate) fn describe(e: &QueryParserError) -> String {
    match e {
        QueryParserError::SyntaxError(_) => {
            "an operator or bracket with no words to join".to_string()
        }
        other => other.to_string(),
    }
}

/// Rebuilds a parsed query with every excluded clause, at any depth, wrapped in [`Guarded`],
/// and every group of exclusions only that a clause requires or offers (`AND NOT x`, `OR NOT
/// x`) made to match all passages but those. Queries that are not boolean are returned as they
/// are.
pub(crate) fn guard_exclusions(query: Box<dyn Query>) -> Box<dyn Query> {
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return query;
    };
    let clauses = boolean
        .clauses()
        .iter()
        .map(|(occur, sub)| {
            let sub = guard_exclusions(sub.box_clone());
            let sub: Box<dyn Query> = if *occur == Occur::MustNot {
                Box::new(Guarded(sub))
            } else {
                everything_but(sub)
            };
            (*occur, sub)
        })
        .collect();
    Box::new(BooleanQuery::with_minimum_required_clauses(
        clauses,
        boolean.get_minimum_number_should_match(),
    ))
}

/// A group of exclusions only, given every passage to exclude from; any other query as it is.
/// "Every passage" scores nothing, so `a AND NOT b` ranks as `a -b` does.
fn everything_but(query: Box<dyn Query>) -> Box<dyn Query> {
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return query;
    };
    let clauses = boolean.clauses();
    if clauses.is_empty() || clauses.iter().any(|(occur, _)| *occur != Occur::MustNot) {
        return query;
    }
    let all = ConstScoreQuery::new(Box::new(AllQuery), 0.0);
    let mut with_all: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(all))];
    with_all.extend(clauses.iter().map(|(o, q)| (*o, q.box_clone())));
    Box::new(BooleanQuery::new(with_all))
}

/// A query whose scorer only ever moves forward, whatever its caller asks.
#[derive(Debug)]
pub(crate) struct Guarded(Box<dyn Query>);

impl Clone for Guarded {
    fn clone(&self) -> Self {
        Guarded(self.0.box_clone())
    }
}

impl Query for Guarded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(GuardedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct GuardedWeight(Box<dyn Weight>);

impl Weight for GuardedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(GuardedScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct GuardedScorer(Box<dyn Scorer>);

impl DocSet for GuardedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    /// Never seeks backwards: a target at or behind the current document answers with it.
    /// `seek_danger` is left to the trait's default, which is built on this.
    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if doc >= target || doc == TERMINATED {
            doc
        } else {
            self.0.seek(target)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for GuardedScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_plain_question_is_cut_at_a_word_within_the_limit() {
        let short = "why did Madame cry";
        assert_eq!(plain_opening(short), (short, None));
        let long = "deferral é ".repeat(200);
        let (head, note) = plain_opening(&long);
        assert!(head.chars().count() <= MAX_PLAIN_CHARS, "{}", head.len());
        assert!(head.chars().count() > MAX_PLAIN_CHARS - 12);
        assert!(long.starts_with(head) && !head.ends_with(' '));
        assert!(head.ends_with("deferral") || head.ends_with('é'), "{head}");
        let note = note.unwrap();
        assert!(
            note.contains("2200 characters") && note.contains("first"),
            "{note}"
        );
        let word = "x".repeat(5000);
        assert_eq!(plain_opening(&word).0.len(), MAX_PLAIN_CHARS);
    }

    #[test]
    fn a_query_of_operators_or_one_common_word_has_nothing_to_search_for() {
        for (q, says) in [
            ("(", "no word"),
            ("AND", "no word"),
            ("AND OR NOT", "no word"),
            ("( )", "no word"),
            ("- +", "no word"),
            ("-the", "too common"),
            ("(the)", "too common"),
            ("AND the", "too common"),
        ] {
            let repaired = super::super::repair(q).unwrap();
            let note = nothing_to_search(q, &repaired).unwrap_or_default();
            assert!(note.contains(says), "{q}: {note:?}");
            assert!(!note.contains("Syntax"), "{q}: {note}");
        }
        for q in [
            "(ruth)",
            "ruth AND tommy",
            "-possible",
            "\"the end\"",
            "\"and then\"",
        ] {
            let repaired = super::super::repair(q).unwrap();
            assert_eq!(nothing_to_search(q, &repaired), None, "{q}");
        }
    }
    use tantivy::collector::Count;
    use tantivy::query::QueryParser;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    /// Excluded phrases, alone, beside words and nested, give the right counts without tripping
    /// the phrase scorer (this test panics in a debug build without the guard).
    #[test]
    fn excluded_phrases_count_right_and_do_not_panic() {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for t in [
            "told and not told",
            "not told and told",
            "told not",
            "Ruth and her possible",
            "her possible",
            "possible Ruth",
        ] {
            w.add_document(doc!(text => t)).unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let parser = QueryParser::for_index(&index, vec![text]);
        for (q, want) in [
            ("-\"told and not\"", 5),
            ("told -\"told and not\"", 2),
            ("-\"her possible\" -\"told not\"", 3),
            ("possible -(\"her possible\" -\"ruth and\")", 2),
            // A group of exclusions only, inside the query, excludes from everything.
            ("possible AND NOT ruth", 1),
            ("possible AND NOT ruth AND NOT told", 1),
            ("told AND NOT \"told not\"", 2),
            ("possible AND (NOT ruth)", 1),
            ("told OR NOT possible", 3),
            ("NOT possible AND NOT told", 0),
            ("NOT possible AND NOT ruth", 3),
            ("NOT told", 3),
        ] {
            let (parsed, _) = parser.parse_query_lenient(q);
            let parsed = guard_exclusions(parsed);
            assert_eq!(searcher.search(&*parsed, &Count).unwrap(), want, "{q}");
        }
    }
}
