//! The per-document table: each passage's tag values, near-duplicate key and signature, read
//! when the engine opens so that counting facets, grouping duplicates and relevance feedback
//! touch no stored document.

use std::collections::{BTreeMap, HashMap};

use tantivy::schema::Facet;
use tantivy::{DocAddress, DocId, Searcher, SegmentOrdinal, SegmentReader};

use super::FACET_FIELDS;
use crate::error::{Error, Result};
use crate::index::{self, IndexMeta};
use crate::similar::Signature;

/// Per-document data a search needs for every match or every hit, read once when the engine
/// opens: turning facet ordinals back into strings and opening fast-field columns on every
/// query was a third of a warm search.
#[derive(Default)]
pub(super) struct DocTable {
    /// Distinct tag values: (index into [`FACET_FIELDS`], value).
    pub(super) values: Vec<(usize, String)>,
    /// Each value as shown in facet counts (the spelling the index meta records), by index
    /// into `values`: worked out once, not per search.
    pub(super) shown: Vec<String>,
    /// Per segment, per document: indexes into `values`, each once.
    pub(super) tags: Vec<Vec<Vec<u32>>>,
    /// Per segment, per document: the near-duplicate group key.
    pub(super) dup: Vec<Vec<Option<u64>>>,
    /// Per segment: the distinct signatures, by their ordinal in the segment's column, and
    /// each document's ordinal (copies of one text share one signature).
    pub(super) signatures: Vec<(Vec<Signature>, Vec<Option<u32>>)>,
}

impl DocTable {
    pub(super) fn read(searcher: &Searcher) -> Result<DocTable> {
        let mut t = DocTable::default();
        let mut index_of: HashMap<(usize, String), u32> = HashMap::new();
        for seg in searcher.segment_readers() {
            let facets = seg.facet_reader("tags").map_err(index::tantivy_error)?;
            let dup = seg.fast_fields().u64("dup").ok();
            let mut by_ord: HashMap<u64, Option<u32>> = HashMap::new();
            let mut seg_tags = Vec::with_capacity(seg.max_doc() as usize);
            let mut seg_dup = Vec::with_capacity(seg.max_doc() as usize);
            let mut facet = Facet::root();
            for doc in 0..seg.max_doc() {
                let mut tags: Vec<u32> = vec![];
                for ord in facets.facet_ords(doc) {
                    let idx = match by_ord.get(&ord) {
                        Some(i) => *i,
                        None => {
                            facets
                                .facet_from_ord(ord, &mut facet)
                                .map_err(index::tantivy_error)?;
                            let path = facet.to_path();
                            let idx = match (path.first(), path.get(1)) {
                                (Some(f), Some(v)) => {
                                    FACET_FIELDS.iter().position(|x| x == f).map(|fi| {
                                        let key = (fi, v.to_string());
                                        let next = index_of.len() as u32;
                                        *index_of.entry(key.clone()).or_insert_with(|| {
                                            t.values.push(key);
                                            next
                                        })
                                    })
                                }
                                _ => None,
                            };
                            by_ord.insert(ord, idx);
                            idx
                        }
                    };
                    if let Some(i) = idx {
                        if !tags.contains(&i) {
                            tags.push(i);
                        }
                    }
                }
                seg_tags.push(tags);
                seg_dup.push(dup.as_ref().and_then(|c| c.first(doc)));
            }
            t.tags.push(seg_tags);
            t.dup.push(seg_dup);
            t.signatures.push(Self::read_signatures(seg)?);
        }
        Ok(t)
    }

    /// A segment's passage signatures: each distinct one decoded once, in ordinal order.
    fn read_signatures(seg: &SegmentReader) -> Result<(Vec<Signature>, Vec<Option<u32>>)> {
        let column = seg
            .fast_fields()
            .bytes("signature")
            .map_err(index::tantivy_error)?;
        let Some(column) = column else {
            return Ok((vec![], vec![]));
        };
        let mut distinct = Vec::with_capacity(column.num_terms());
        let mut stream = column
            .dictionary()
            .stream()
            .map_err(|e| Error::Index(format!("cannot read passage signatures ({e}); rebuild")))?;
        while stream.advance() {
            let sig = Signature::decode(stream.key()).ok_or_else(|| {
                Error::Index("index holds an unreadable passage signature; rebuild".into())
            })?;
            distinct.push(sig);
        }
        // In one call: every passage has a signature, so the column is read as a block.
        let docs: Vec<DocId> = (0..seg.max_doc()).collect();
        let mut ords: Vec<Option<u64>> = vec![None; docs.len()];
        column.ords().first_vals(&docs, &mut ords);
        let of_doc = ords.into_iter().map(|o| o.map(|o| o as u32)).collect();
        Ok((distinct, of_doc))
    }

    pub(super) fn signature(&self, addr: DocAddress) -> Option<&Signature> {
        let (distinct, of_doc) = self.signatures.get(addr.segment_ord as usize)?;
        distinct.get((*of_doc.get(addr.doc_id as usize)?)? as usize)
    }

    /// Facet values are stored lower case; show them as the index meta spells them.
    pub(super) fn name_values(&mut self, meta: &IndexMeta) {
        let display: Vec<BTreeMap<String, String>> = FACET_FIELDS
            .iter()
            .map(|f| {
                meta.values(f)
                    .into_keys()
                    .map(|v| (v.to_lowercase(), v))
                    .collect()
            })
            .collect();
        self.shown = self
            .values
            .iter()
            .map(|(fi, v)| display[*fi].get(v).cloned().unwrap_or_else(|| v.clone()))
            .collect();
    }

    /// Tag counts over the matching documents, as `field → value → documents`.
    pub(super) fn count(&self, matches: &[(SegmentOrdinal, Vec<DocId>)]) -> Vec<u64> {
        let mut counts = vec![0u64; self.values.len()];
        for (seg, docs) in matches {
            let Some(tags) = self.tags.get(*seg as usize) else {
                continue;
            };
            for d in docs {
                for i in tags.get(*d as usize).into_iter().flatten() {
                    counts[*i as usize] += 1;
                }
            }
        }
        counts
    }
}
