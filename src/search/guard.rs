//! Excluded clauses made safe and meaningful, wherever they stand in a parsed query.
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
    AllQuery, BooleanQuery, ConstScoreQuery, EnableScoring, Explanation, Occur, Query, Scorer,
    Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

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
