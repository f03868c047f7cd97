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

/// Tag values in a segment's dictionary per match below which the matches' tags are counted
/// in one array over the whole dictionary (a few steps per tag, no hashing or sorting); above
/// it, in a map, so the cost follows the matches and not the size of the dictionary.
const DENSE_PER_MATCH: usize = 16;

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
        for (seg, docs) in matches {
            let Some(columns) = self.segments.get(*seg as usize) else {
                continue;
            };
            let met = if columns.facets.num_facets() <= DENSE_PER_MATCH * docs.len() {
                count_dense(&columns.facets, docs)
            } else {
                count_sparse(&columns.facets, docs)
            };
            // The distinct ordinals met are in order, so the dictionary is read in one pass.
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

/// Each tag ordinal the documents carry, in order, with the number of documents carrying it
/// (a value tagged twice on one passage counts once): one counter per value of the dictionary,
/// and the last document that counted it.
fn count_dense(facets: &FacetReader, docs: &[DocId]) -> Vec<(u64, u64)> {
    let values = facets.num_facets();
    let mut counts = vec![0u64; values];
    let mut last = vec![DocId::MAX; values];
    for &d in docs {
        for ord in facets.facet_ords(d) {
            let i = ord as usize;
            if i < values && last[i] != d {
                last[i] = d;
                counts[i] += 1;
            }
        }
    }
    counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(ord, n)| (ord as u64, *n))
        .collect()
}

/// [`count_dense`] for a few matches in a large dictionary: a map from the ordinals met.
fn count_sparse(facets: &FacetReader, docs: &[DocId]) -> Vec<(u64, u64)> {
    let mut by_ord: HashMap<u64, (u64, DocId)> = HashMap::new();
    for &d in docs {
        for ord in facets.facet_ords(d) {
            let (n, last) = by_ord.entry(ord).or_insert((0, DocId::MAX));
            if *last != d {
                *last = d;
                *n += 1;
            }
        }
    }
    let mut met: Vec<(u64, u64)> = by_ord.into_iter().map(|(o, (n, _))| (o, n)).collect();
    met.sort_unstable();
    met
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Facet, FacetOptions, Schema};
    use tantivy::{doc, Index};

    #[test]
    fn the_array_and_the_map_count_alike() {
        let mut schema = Schema::builder();
        let tags = schema.add_facet_field("tags", FacetOptions::default());
        let index = Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        // Documents with no tag, one, several, and one value twice.
        for n in 0..40u32 {
            let mut d = doc!();
            for v in 0..(n % 5) {
                d.add_facet(tags, Facet::from(&format!("/theme/t{}", (n + v) % 7)));
            }
            if n % 6 == 0 {
                d.add_facet(tags, Facet::from("/kind/plot"));
                d.add_facet(tags, Facet::from("/kind/plot"));
            }
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let facets = searcher.segment_reader(0).facet_reader("tags").unwrap();
        for docs in [
            vec![],
            vec![0],
            vec![0, 6, 12],
            (0..40).collect::<Vec<DocId>>(),
        ] {
            let dense = count_dense(&facets, &docs);
            assert_eq!(dense, count_sparse(&facets, &docs), "{docs:?}");
            let total_plot = docs.iter().filter(|d| *d % 6 == 0).count() as u64;
            let plot_ord = (0..facets.num_facets() as u64).find(|&o| {
                let mut f = Facet::root();
                facets.facet_from_ord(o, &mut f).unwrap();
                f.to_path_string() == "/kind/plot"
            });
            let counted = dense
                .iter()
                .find(|(o, _)| Some(*o) == plot_ord)
                .map_or(0, |c| c.1);
            assert_eq!(counted, total_plot, "a value tagged twice counts once");
        }
    }
}
