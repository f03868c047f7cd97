//! Facets: every match collected alongside the top hits, and counted per tag value over the
//! whole match set (the total, and `field → value → passages` in [`Response::facets`]).
//!
//! [`Response::facets`]: super::Response::facets

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::Engine;
use crate::error::Result;

/// Tag fields counted in [`Response::facets`](super::Response::facets).
pub const FACET_FIELDS: [&str; 6] = ["theme", "character", "kind", "source", "part", "page"];

/// Counts per tag field: `field → value → matching passages`.
pub(super) type FacetCounts = BTreeMap<String, BTreeMap<String, u64>>;

impl Engine {
    /// The number of matches and their tag counts.
    pub(super) fn facets(
        &self,
        matches: &[(SegmentOrdinal, Vec<DocId>)],
    ) -> Result<(usize, FacetCounts)> {
        let total = matches.iter().map(|(_, d)| d.len()).sum::<usize>();
        Ok((total, self.docs.count(matches, &self.head)?))
    }
}

/// Collects every matching document, for the tag counts and the total.
pub(super) struct Matches;

pub(super) struct SegmentMatches(SegmentOrdinal, Vec<DocId>);

impl Collector for Matches {
    type Fruit = Vec<(SegmentOrdinal, Vec<DocId>)>;
    type Child = SegmentMatches;

    fn for_segment(&self, ord: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(SegmentMatches(ord, vec![]))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentOrdinal, Vec<DocId>)>,
    ) -> tantivy::Result<Self::Fruit> {
        Ok(fruits)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = (SegmentOrdinal, Vec<DocId>);

    fn collect(&mut self, doc: DocId, _: Score) {
        self.1.push(doc);
    }

    fn harvest(self) -> Self::Fruit {
        (self.0, self.1)
    }
}
