//! Grouping: near-duplicate passages (the same quotation in several summaries) become one hit,
//! the best-ranked member, with the others listed under it.

use std::collections::HashMap;

use tantivy::DocAddress;

use super::Engine;

/// A hit before it is read: its score, its address, and the near-duplicates folded into it.
pub(super) type Group = (Option<f32>, DocAddress, Vec<DocAddress>);

impl Engine {
    /// Ranked documents folded into groups, in rank order; each document its own group when
    /// `fold` is off.
    pub(super) fn group(&self, docs: Vec<(Option<f32>, DocAddress)>, fold: bool) -> Vec<Group> {
        // Near-duplicate groups: the best-ranked member is the hit, the others its `also_in`.
        let mut groups: Vec<Group> = vec![];
        let mut group_of: HashMap<u64, usize> = HashMap::new();
        for (score, addr) in docs {
            let key = if fold { self.dup_key(addr) } else { None };
            match key.and_then(|k| group_of.get(&k).copied()) {
                Some(g) => groups[g].2.push(addr),
                None => {
                    if let Some(k) = key {
                        group_of.insert(k, groups.len());
                    }
                    groups.push((score, addr, vec![]));
                }
            }
        }
        groups
    }

    fn dup_key(&self, addr: DocAddress) -> Option<u64> {
        self.docs.dup(addr)
    }
}
