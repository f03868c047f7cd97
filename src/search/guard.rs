//! A shield for excluded clauses (`-"told and not"`): tantivy's phrase scorer asserts that it is
//! never asked to look back, and its exclusion loop does ask (`seek_danger` below the current
//! document after a miss). Release builds skip the assertion; debug builds panic on any excluded
//! phrase. Wrapping each `MustNot` clause in [`Guarded`] answers those calls from the scorer's
//! own position instead, which is what the generic `DocSet::seek_danger` does.

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

/// Rebuilds a parsed query with every excluded clause, at any depth, wrapped in [`Guarded`].
/// Queries that are not boolean are returned as they are.
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
                sub
            };
            (*occur, sub)
        })
        .collect();
    Box::new(BooleanQuery::with_minimum_required_clauses(
        clauses,
        boolean.get_minimum_number_should_match(),
    ))
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
        ] {
            let (parsed, _) = parser.parse_query_lenient(q);
            let parsed = guard_exclusions(parsed);
            assert_eq!(searcher.search(&*parsed, &Count).unwrap(), want, "{q}");
        }
    }
}
