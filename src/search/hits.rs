//! Hits and excerpts: each group read back from the index (through a cache of decoded
//! passages), with its excerpt around the query's words, the neighbouring passages' context
//! and the near-duplicates folded into it.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::group::Group;
use super::{AlsoIn, Engine, Hit};
use crate::error::{Error, Result};
use crate::excerpt::{self, Analysed, Highlight};
use crate::index;
use crate::model::Passage;

/// Most near-duplicates listed under one hit (a corpus copied many times over would otherwise
/// make one hit carry hundreds).
const ALSO_IN_MAX: usize = 5;

#[derive(Default)]
pub(super) struct Cache {
    passages: HashMap<DocAddress, Arc<Passage>>,
    analysed: HashMap<DocAddress, Arc<Analysed>>,
    /// Neighbour text with its sentence ranges, by passage id.
    texts: HashMap<String, Option<Arc<Neighbour>>>,
    /// All zeros between searches: the array a [`Probe`] spreads the best hit's signature over
    /// (as long as the corpus has stems; kept rather than allocated and cleared per search).
    pub(super) probe: Vec<f32>,
}

/// A neighbouring passage's text, its sentences and its section path.
type Neighbour = (String, Vec<std::ops::Range<usize>>, Vec<String>);

/// Above this many entries the cache is cleared rather than grown (a long-lived engine over a
/// large corpus must not end up holding all of it).
const CACHE_MAX: usize = 4096;

impl Engine {
    /// The first `limit` groups as hits: passage, excerpt with `context` sentences around it,
    /// and near-duplicates.
    pub(super) fn hits(
        &self,
        searcher: &Searcher,
        groups: Vec<Group>,
        terms: &Highlight,
        limit: usize,
        context: usize,
    ) -> Result<Vec<Hit>> {
        let mut analyzer = self.analyzer.clone();
        let mut hits = Vec::with_capacity(limit);
        for (score, addr, dups) in groups.into_iter().take(limit) {
            let passage = self.passage_at(searcher, addr)?;
            let (prev, next) = if context > 0 {
                (
                    self.neighbour(searcher, passage.prev.as_deref()),
                    self.neighbour(searcher, passage.next.as_deref()),
                )
            } else {
                (None, None)
            };
            let analysed = self.analysed_at(addr, &passage.text, &mut analyzer);
            let excerpt = excerpt::excerpt_of(
                &passage.text,
                &analysed,
                terms,
                context,
                prev.as_deref().map(|(t, s, _)| (t.as_str(), s.as_slice())),
                next.as_deref().map(|(t, s, _)| (t.as_str(), s.as_slice())),
            );
            let crossed = |n: &Option<Arc<Neighbour>>, used: usize| {
                n.as_deref()
                    .map(|(_, _, section)| section)
                    .filter(|section| used > 0 && **section != passage.section)
                    .cloned()
            };
            let context_sections = [
                crossed(&prev, excerpt.prev_part),
                crossed(&next, excerpt.next_part),
            ];
            let mut also_in = vec![];
            for d in dups.into_iter().take(ALSO_IN_MAX) {
                let p = self.passage_at(searcher, d)?;
                also_in.push(AlsoIn {
                    id: p.id.clone(),
                    source: p.source.clone(),
                    source_title: self.source_title(&p.source),
                    pages: p.pages.clone(),
                });
            }
            hits.push(Hit {
                rank: hits.len() + 1,
                score,
                source_title: self.source_title(&passage.source),
                passage,
                excerpt,
                also_in,
                context_sections,
            });
        }
        Ok(hits)
    }

    pub(super) fn passage_at(&self, searcher: &Searcher, addr: DocAddress) -> Result<Arc<Passage>> {
        if let Some(p) = self.cache().passages.get(&addr) {
            return Ok(p.clone());
        }
        let doc: TantivyDocument = searcher.doc(addr).map_err(index::tantivy_error)?;
        let json = doc
            .get_first(self.fields.passage)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Index("index document without a passage; rebuild".into()))?;
        let p: Arc<Passage> = Arc::new(serde_json::from_str(json).map_err(|e| {
            Error::Index(format!("index holds an unreadable passage ({e}); rebuild"))
        })?);
        let mut cache = self.cache();
        if cache.passages.len() >= CACHE_MAX {
            cache.passages.clear();
        }
        cache.passages.insert(addr, p.clone());
        Ok(p)
    }

    pub(super) fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic elsewhere while holding the lock leaves only a cache behind: keep using it.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn analysed_at(
        &self,
        addr: DocAddress,
        text: &str,
        analyzer: &mut TextAnalyzer,
    ) -> Arc<Analysed> {
        if let Some(a) = self.cache().analysed.get(&addr) {
            return a.clone();
        }
        let a = Arc::new(Analysed::new(text, analyzer));
        let mut cache = self.cache();
        if cache.analysed.len() >= CACHE_MAX {
            cache.analysed.clear();
        }
        cache.analysed.insert(addr, a.clone());
        a
    }

    fn neighbour(&self, searcher: &Searcher, id: Option<&str>) -> Option<Arc<Neighbour>> {
        let id = id?;
        if let Some(t) = self.cache().texts.get(id) {
            return t.clone();
        }
        let term = Term::from_field_text(self.fields.id, id);
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        let text = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .ok()
            .and_then(|found| found.first().map(|(_, a)| *a))
            .and_then(|addr| self.passage_at(searcher, addr).ok())
            .map(|p| {
                let sentences = crate::segment::sentences(&p.text);
                Arc::new((p.text.clone(), sentences, p.section.clone()))
            });
        let mut cache = self.cache();
        if cache.texts.len() >= CACHE_MAX {
            cache.texts.clear();
        }
        cache.texts.insert(id.to_string(), text.clone());
        text
    }
}
