//! The per-document columns a search reads for its matches and hits — tag facets, the
//! near-duplicate key, the signature — opened as tantivy fast-field columns when the engine
//! opens and read per document only when a search needs that document, so opening costs the
//! same whatever the size of the corpus and a search pays for its matches only.

use std::collections::{BTreeMap, HashMap};

use tantivy::columnar::{BytesColumn, Column};
use tantivy::fastfield::FacetReader;
use tantivy::{DocAddress, DocId, Searcher, SegmentOrdinal};

use super::facets::FacetCounts;
use super::FACET_FIELDS;
use crate::error::{Error, Result};
use crate::index::{self, IndexMeta};
use crate::similar::Signature;

/// What separates the parts of an encoded facet path in tantivy's facet dictionary (its own
/// constant is private).
const FACET_SEP_CHAR: char = '\u{0}';

/// One segment's columns, opened (not read) when the engine opens.
struct SegmentColumns {
    facets: FacetReader,
    dup: Option<Column<u64>>,
    signature: Option<BytesColumn>,
}

/// Per-document data a search needs for its matches or its hits, read from the columns on
/// demand. The reader never reloads, so the segments (and these columns) stay as opened.
#[derive(Default)]
pub(super) struct DocTable {
    segments: Vec<SegmentColumns>,
}

impl DocTable {
    pub(super) fn read(searcher: &Searcher) -> Result<DocTable> {
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for seg in searcher.segment_readers() {
            segments.push(SegmentColumns {
                facets: seg.facet_reader("tags").map_err(index::tantivy_error)?,
                dup: seg.fast_fields().u64("dup").ok(),
                signature: seg
                    .fast_fields()
                    .bytes("signature")
                    .map_err(index::tantivy_error)?,
            });
        }
        Ok(DocTable { segments })
    }

    /// The near-duplicate group key of a document.
    pub(super) fn dup(&self, addr: DocAddress) -> Option<u64> {
        let seg = self.segments.get(addr.segment_ord as usize)?;
        seg.dup.as_ref()?.first(addr.doc_id)
    }

    /// A document's signature, decoded from the segment's column (`None` when the document
    /// has none or it is unreadable: relevance feedback then leaves the hit as it is).
    pub(super) fn signature(&self, addr: DocAddress) -> Option<Signature> {
        let column = self
            .segments
            .get(addr.segment_ord as usize)?
            .signature
            .as_ref()?;
        let ord = column.ords().first(addr.doc_id)?;
        let mut bytes = vec![];
        column.ord_to_bytes(ord, &mut bytes).ok()?.then_some(())?;
        Signature::decode(&bytes)
    }

    /// Tag counts over the matching documents, as `field → value → documents` for every field
    /// of [`FACET_FIELDS`], each value spelt as the index meta records it. Each document's
    /// facet ordinals are counted first; only the distinct ordinals met are turned into values.
    pub(super) fn count(
        &self,
        matches: &[(SegmentOrdinal, Vec<DocId>)],
        meta: &IndexMeta,
    ) -> Result<FacetCounts> {
        let mut counted: BTreeMap<(usize, String), u64> = BTreeMap::new();
        let mut ords: Vec<u64> = vec![];
        for (seg, docs) in matches {
            let Some(columns) = self.segments.get(*seg as usize) else {
                continue;
            };
            let mut by_ord: HashMap<u64, u64> = HashMap::new();
            for d in docs {
                ords.clear();
                ords.extend(columns.facets.facet_ords(*d));
                // A value tagged twice on one passage counts once.
                ords.sort_unstable();
                ords.dedup();
                for ord in &ords {
                    *by_ord.entry(*ord).or_default() += 1;
                }
            }
            // The distinct ordinals met, in order, so the dictionary is read in one pass.
            let mut met: Vec<(u64, u64)> = by_ord.into_iter().collect();
            met.sort_unstable();
            let sorted: Vec<u64> = met.iter().map(|(ord, _)| *ord).collect();
            let mut next = met.iter();
            let mut bad = false;
            columns
                .facets
                .facet_dict()
                .sorted_ords_to_term_cb(&sorted, |encoded| {
                    let Some((_, n)) = next.next() else {
                        return;
                    };
                    // A facet is its path's parts joined by a zero byte: "theme\0memory".
                    let Ok(encoded) = std::str::from_utf8(encoded) else {
                        bad = true;
                        return;
                    };
                    let mut path = encoded.split(FACET_SEP_CHAR);
                    if let (Some(f), Some(v)) = (path.next(), path.next()) {
                        if let Some(fi) = FACET_FIELDS.iter().position(|x| *x == f) {
                            *counted.entry((fi, v.to_string())).or_default() += n;
                        }
                    }
                })
                .map_err(|e| {
                    Error::Index(format!("cannot read the tag dictionary ({e}); rebuild"))
                })?;
            if bad {
                return Err(Error::Index(
                    "the index holds an unreadable tag; rebuild".into(),
                ));
            }
        }
        let mut out: FacetCounts = FACET_FIELDS
            .iter()
            .map(|f| (f.to_string(), BTreeMap::new()))
            .collect();
        let mut display: HashMap<usize, HashMap<String, String>> = HashMap::new();
        for ((fi, v), n) in counted {
            // Facet values are stored lower case; show them as the index meta spells them.
            let names = display.entry(fi).or_insert_with(|| {
                meta.values
                    .get(FACET_FIELDS[fi])
                    .into_iter()
                    .flat_map(|m| m.keys())
                    .map(|shown| (shown.to_lowercase(), shown.clone()))
                    .collect()
            });
            let shown = names.get(&v).cloned().unwrap_or(v);
            out.entry(FACET_FIELDS[fi].to_string())
                .or_default()
                .insert(shown, n);
        }
        Ok(out)
    }
}
