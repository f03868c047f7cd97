//! Answering a query: turning the user's words and filters into a tantivy query, ranking,
//! facet counts, and excerpts for each hit.
//!
//! Plain questions are analysed here and become a boolean query (stop words dropped, never an
//! everything-matches query); tantivy's query parser is used only when the user writes operators
//! (quotes, AND/OR/NOT, a leading `-` or `+`, parentheses), after bounding and repairing the text.

mod guard;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, QueryParser, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::error::{Error, Result};
use crate::excerpt::{self, Excerpt};
use crate::index::{self, Fields, IndexMeta};
use crate::lexicon::Lexicon;
use crate::model::{Kind, Passage};

/// Longest query accepted, in bytes: longer input is a mistake (a pasted file), not a question.
pub const MAX_QUERY_BYTES: usize = 1000;
/// Deepest parenthesis nesting accepted.
pub const MAX_NESTING: usize = 8;
/// Widest page range accepted by `--page A-B`.
const MAX_PAGE_SPAN: u32 = 2000;

/// Words that carry no meaning in a plain question. The index keeps them (phrases need them);
/// only the question analysis drops them.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from",
    "had", "has", "have", "he", "her", "hers", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "she", "so", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was",
    "we", "were", "what", "when", "where", "which", "who", "whom", "whose", "why", "will", "with",
    "would", "you", "your",
];

/// Which ranking to use. `Baseline` is the stemmed text field alone with plain BM25, no boosts,
/// expansion or fuzzy matching: the yardstick the ranking work measures its gains against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ranking {
    #[default]
    Full,
    Baseline,
}

/// Filters as the user typed them. Values within one field are alternatives; fields must all hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub theme: Vec<String>,
    pub character: Vec<String>,
    pub section: Vec<String>,
    pub source: Vec<String>,
    pub kind: Vec<String>,
    pub part: Vec<String>,
    pub page: Vec<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.theme.is_empty()
            && self.character.is_empty()
            && self.section.is_empty()
            && self.source.is_empty()
            && self.kind.is_empty()
            && self.part.is_empty()
            && self.page.is_empty()
    }
}

/// One search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The user's query text; may be empty when filters are given (then: list in reading order).
    pub query: String,
    pub filters: Filters,
    /// Most hits to return.
    pub limit: usize,
    /// Sentences of context before and after each excerpt.
    pub context: usize,
    pub ranking: Ranking,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            query: String::new(),
            filters: Filters::default(),
            limit: 10,
            context: 1,
            ranking: Ranking::Full,
        }
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// 1-based position in the results.
    pub rank: usize,
    /// Relevance score; `None` when listing by filters alone (reading order).
    pub score: Option<f32>,
    pub passage: Passage,
    /// Title of the passage's source.
    pub source_title: String,
    pub excerpt: Excerpt,
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub hits: Vec<Hit>,
    /// Passages that match, of which `hits` are the first `limit`.
    pub total: usize,
    /// For the whole match set: per tag field (`theme`, `character`, `kind`, `source`, `part`,
    /// `page`), each value with the number of matching passages carrying it.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// Things the user should know about how the query was read (a word corrected, a query of
    /// common words only). For stderr, not for the results.
    pub notes: Vec<String>,
    /// True when there was no query text and hits are in reading order.
    pub listing: bool,
    /// Time spent in [`Engine::search`].
    pub elapsed: Duration,
}

/// An open index, ready to answer queries. Opens the live generation once; cheap to query.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    meta: IndexMeta,
    lexicon: Lexicon,
    analyzer: TextAnalyzer,
}

/// Tag fields counted in [`Response::facets`].
pub const FACET_FIELDS: [&str; 6] = ["theme", "character", "kind", "source", "part", "page"];

impl Engine {
    /// Opens the complete index generation that `index_dir/current` names, and the lexicon of
    /// `corpus_dir` (for character aliases and everyday words). Starts no threads.
    pub fn open(index_dir: &Path, corpus_dir: &Path) -> Result<Engine> {
        let first = index::current_dir(index_dir);
        match Engine::open_once(index_dir, corpus_dir) {
            // A build swapped generations (and removed ours) between reading the pointer and
            // opening the files: the pointer now names a newer complete index.
            Err(_) if index::current_dir(index_dir) != first => {
                Engine::open_once(index_dir, corpus_dir)
            }
            r => r,
        }
    }

    fn open_once(index_dir: &Path, corpus_dir: &Path) -> Result<Engine> {
        let dir = index::current_dir(index_dir).ok_or_else(|| {
            Error::Index(format!(
                "no index in {} (run `nlmg-search index`)",
                index_dir.display()
            ))
        })?;
        let meta = index::read_meta(index_dir).map_err(|e| match e {
            Error::Io { .. } | Error::Index(_) => Error::damaged(&dir, e.to_string()),
            e => e,
        })?;
        if meta.schema_version != index::SCHEMA_VERSION {
            return Err(Error::Index(format!(
                "the index in {} was built by another version; run `nlmg-search index --force`",
                index_dir.display()
            )));
        }
        let index = Index::open_in_dir(&dir).map_err(|e| index::open_error(&dir, e))?;
        index::register(&index);
        index::verify_checksums(&index, &dir)?;
        let fields = index::fields(&index.schema()).map_err(|_| {
            Error::damaged(
                &dir,
                "its schema does not match this version of nlmg-search",
            )
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .num_warming_threads(0)
            .try_into()
            .map_err(|e| index::open_error(&dir, e))?;
        let lexicon = Lexicon::load(corpus_dir)?;
        Ok(Engine {
            index,
            reader,
            fields,
            meta,
            lexicon,
            analyzer: index::analyzer(),
        })
    }

    /// What the index records about itself: sources, counts, tag values.
    pub fn meta(&self) -> &IndexMeta {
        &self.meta
    }

    /// Runs one search: validates filters, parses the query, ranks, counts facets, builds excerpts.
    pub fn search(&self, req: &Request) -> Result<Response> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let filter = self.filter_query(&req.filters)?;
        let mut notes = vec![];
        let text = self.text_query(&searcher, req, &mut notes)?;
        let (query, terms, listing): (Box<dyn Query>, BTreeSet<String>, bool) = match (text, filter)
        {
            (TextQuery::Nothing, _) => {
                return Ok(Response {
                    hits: vec![],
                    total: 0,
                    facets: BTreeMap::new(),
                    notes,
                    listing: false,
                    elapsed: started.elapsed(),
                })
            }
            (TextQuery::Empty, None) => {
                return Err(Error::Usage(
                    "nothing to search for: give a query, or a filter such as --theme memory"
                        .into(),
                ))
            }
            (TextQuery::Empty, Some(f)) => (f, BTreeSet::new(), true),
            (TextQuery::Query(q, terms), None) => (q, terms, false),
            (TextQuery::Query(q, terms), Some(f)) => (
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, q),
                    (Occur::Must, Box::new(ConstScoreQuery::new(f, 0.0))),
                ])),
                terms,
                false,
            ),
        };
        let mut facets = FacetCollector::for_field("tags");
        for f in FACET_FIELDS {
            facets.add_facet(Facet::from_path([f]));
        }
        let top = TopDocs::with_limit(req.limit.max(1));
        let (docs, total, facet_counts): (Vec<(Option<f32>, DocAddress)>, usize, _) = if listing {
            let (docs, total, fc) = searcher
                .search(
                    &*query,
                    &(
                        top.order_by_fast_field::<u64>("order", Order::Asc),
                        Count,
                        facets,
                    ),
                )
                .map_err(index::tantivy_error)?;
            (
                docs.into_iter().map(|(_, d)| (None, d)).collect(),
                total,
                fc,
            )
        } else {
            let (docs, total, fc) = searcher
                .search(&*query, &(top.order_by_score(), Count, facets))
                .map_err(index::tantivy_error)?;
            (
                docs.into_iter().map(|(s, d)| (Some(s), d)).collect(),
                total,
                fc,
            )
        };
        let mut facet_map = BTreeMap::new();
        for f in FACET_FIELDS {
            let display = self.display_names(f);
            let mut counts = BTreeMap::new();
            for (facet, n) in facet_counts.get(Facet::from_path([f])) {
                let value = facet
                    .to_path()
                    .last()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                let shown = display.get(&value).cloned().unwrap_or(value);
                counts.insert(shown, n);
            }
            facet_map.insert(f.to_string(), counts);
        }
        let mut analyzer = self.analyzer.clone();
        let mut hits = Vec::with_capacity(docs.len());
        for (score, addr) in docs.into_iter().take(req.limit) {
            let passage = self.passage_at(&searcher, addr)?;
            let (prev, next) = if req.context > 0 {
                (
                    self.neighbour(&searcher, passage.prev.as_deref()),
                    self.neighbour(&searcher, passage.next.as_deref()),
                )
            } else {
                (None, None)
            };
            let excerpt = excerpt::excerpt(
                &passage.text,
                &terms,
                &mut analyzer,
                req.context,
                prev.as_deref(),
                next.as_deref(),
            );
            hits.push(Hit {
                rank: hits.len() + 1,
                score,
                source_title: self.source_title(&passage.source),
                passage,
                excerpt,
            });
        }
        Ok(Response {
            hits,
            total,
            facets: facet_map,
            notes,
            listing,
            elapsed: started.elapsed(),
        })
    }

    fn source_title(&self, id: &str) -> String {
        self.meta
            .sources
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.title.clone())
    }

    /// Lower-case value → value as displayed, for one tag field.
    fn display_names(&self, field: &str) -> BTreeMap<String, String> {
        self.meta
            .values(field)
            .into_keys()
            .map(|v| (v.to_lowercase(), v))
            .collect()
    }

    fn passage_at(&self, searcher: &Searcher, addr: DocAddress) -> Result<Passage> {
        let doc: TantivyDocument = searcher.doc(addr).map_err(index::tantivy_error)?;
        let json = doc
            .get_first(self.fields.passage)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Index("index document without a passage; rebuild".into()))?;
        serde_json::from_str(json)
            .map_err(|e| Error::Index(format!("index holds an unreadable passage ({e}); rebuild")))
    }

    fn neighbour(&self, searcher: &Searcher, id: Option<&str>) -> Option<String> {
        let term = Term::from_field_text(self.fields.id, id?);
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        let found = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .ok()?;
        let (_, addr) = found.first()?;
        self.passage_at(searcher, *addr).ok().map(|p| p.text)
    }

    // ----- filters -----------------------------------------------------------------------

    /// One Must group per filter flag, each a Should over its values; `None` without filters.
    fn filter_query(&self, f: &Filters) -> Result<Option<Box<dyn Query>>> {
        let mut groups: Vec<Vec<Facet>> = vec![];
        let mut push = |values: Vec<Facet>| {
            if !values.is_empty() {
                groups.push(values);
            }
        };
        push(self.resolve_themes(&f.theme)?);
        push(self.resolve_characters(&f.character)?);
        push(self.resolve_sections(&f.section)?);
        push(self.resolve_sources(&f.source)?);
        push(resolve_kinds(&f.kind)?);
        push(resolve_parts(&f.part)?);
        push(resolve_pages(&f.page)?);
        if groups.is_empty() {
            return Ok(None);
        }
        let musts = groups
            .into_iter()
            .map(|facets| {
                let shoulds: Vec<(Occur, Box<dyn Query>)> = facets
                    .iter()
                    .map(|facet| {
                        let term = Term::from_facet(self.fields.tags, facet);
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic))
                                as Box<dyn Query>,
                        )
                    })
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(shoulds)) as Box<dyn Query>,
                )
            })
            .collect();
        Ok(Some(Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(musts)),
            1.0,
        ))))
    }

    fn resolve_themes(&self, wanted: &[String]) -> Result<Vec<Facet>> {
        let mut names: BTreeSet<String> = self.meta.values("theme").into_keys().collect();
        names.extend(self.lexicon.themes.iter().map(|t| t.name.clone()));
        wanted
            .iter()
            .map(|w| {
                let found = self.lexicon.theme(w).map(|t| t.name.clone()).or_else(|| {
                    names
                        .iter()
                        .find(|n| n.eq_ignore_ascii_case(w.trim()))
                        .cloned()
                });
                match found {
                    Some(name) => Ok(index::tag_facet("theme", &name)),
                    None => Err(unknown(
                        "theme",
                        "themes",
                        w,
                        names.iter().map(String::as_str),
                    )),
                }
            })
            .collect()
    }

    fn resolve_characters(&self, wanted: &[String]) -> Result<Vec<Facet>> {
        let mut names: BTreeSet<String> = self.meta.values("character").into_keys().collect();
        names.extend(self.lexicon.characters.iter().map(|c| c.name.clone()));
        wanted
            .iter()
            .map(|w| {
                let found = self
                    .lexicon
                    .character(w)
                    .map(|c| c.name.clone())
                    .or_else(|| {
                        names
                            .iter()
                            .find(|n| n.eq_ignore_ascii_case(w.trim()))
                            .cloned()
                    });
                match found {
                    Some(name) => Ok(index::tag_facet("character", &name)),
                    None => {
                        let spellings = self
                            .lexicon
                            .characters
                            .iter()
                            .flat_map(|c| c.aliases.iter().map(String::as_str));
                        let closest = closest(w, names.iter().map(String::as_str).chain(spellings));
                        Err(unknown_with(
                            "character",
                            "characters",
                            w,
                            names.iter().map(String::as_str),
                            closest,
                        ))
                    }
                }
            })
            .collect()
    }

    /// `--section WORDS`: every heading that contains all the words (compared as stems).
    fn resolve_sections(&self, wanted: &[String]) -> Result<Vec<Facet>> {
        let headings: Vec<String> = self.meta.values("heading").into_keys().collect();
        let mut analyzer = self.analyzer.clone();
        let mut out = vec![];
        for w in wanted {
            let words = analyse(&mut analyzer, w);
            if words.is_empty() {
                return Err(Error::Usage(format!(
                    "--section {w:?} has no words to look for"
                )));
            }
            let matching: Vec<&String> = headings
                .iter()
                .filter(|h| {
                    let hw: BTreeSet<String> = analyse(&mut analyzer, h).into_iter().collect();
                    words.iter().all(|x| hw.contains(x))
                })
                .collect();
            if matching.is_empty() {
                return Err(unknown(
                    "section",
                    "headings",
                    w,
                    headings.iter().map(String::as_str),
                ));
            }
            out.extend(matching.into_iter().map(|h| index::tag_facet("heading", h)));
        }
        Ok(out)
    }

    fn resolve_sources(&self, wanted: &[String]) -> Result<Vec<Facet>> {
        let ids: Vec<&str> = self.meta.sources.iter().map(|s| s.id.as_str()).collect();
        wanted
            .iter()
            .map(
                |w| match ids.iter().find(|id| id.eq_ignore_ascii_case(w.trim())) {
                    Some(id) => Ok(index::tag_facet("source", id)),
                    None => Err(unknown("source", "sources", w, ids.iter().copied())),
                },
            )
            .collect()
    }

    // ----- query text --------------------------------------------------------------------

    fn text_query(
        &self,
        searcher: &Searcher,
        req: &Request,
        notes: &mut Vec<String>,
    ) -> Result<TextQuery> {
        let q = req.query.trim();
        if q.is_empty() {
            return Ok(TextQuery::Empty);
        }
        if q.len() > MAX_QUERY_BYTES {
            return Err(Error::Query(format!(
                "the query is {} bytes long; at most {MAX_QUERY_BYTES} are accepted",
                q.len()
            )));
        }
        if uses_operators(q) {
            self.operator_query(q, req.ranking, notes)
        } else {
            Ok(self.plain_query(searcher, q, req.ranking, notes))
        }
    }

    fn operator_query(
        &self,
        q: &str,
        ranking: Ranking,
        notes: &mut Vec<String>,
    ) -> Result<TextQuery> {
        let repaired = repair(q)?;
        if repaired.trim().is_empty() {
            return Ok(TextQuery::Empty);
        }
        let fields = match ranking {
            Ranking::Full => vec![self.fields.text, self.fields.section],
            Ranking::Baseline => vec![self.fields.text],
        };
        let mut parser = QueryParser::for_index(&self.index, fields);
        if ranking == Ranking::Full {
            parser.set_field_boost(self.fields.section, 1.5);
        }
        let (query, errors) = parser.parse_query_lenient(&repaired);
        let query = guard::guard_exclusions(query);
        if !errors.is_empty() {
            notes.push(format!(
                "parts of the query could not be read as written and were ignored: {}",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        let mut terms = BTreeSet::new();
        query.query_terms(&mut |t, _| {
            if t.field() == self.fields.text || t.field() == self.fields.section {
                if let Some(s) = t.value().as_str() {
                    terms.insert(s.to_string());
                }
            }
        });
        Ok(TextQuery::Query(query, terms))
    }

    fn plain_query(
        &self,
        searcher: &Searcher,
        q: &str,
        ranking: Ranking,
        notes: &mut Vec<String>,
    ) -> TextQuery {
        let mut analyzer = self.analyzer.clone();
        // (surface word lower-cased, stem), in query order.
        let mut words: Vec<(String, String)> = vec![];
        {
            let mut stream = analyzer.token_stream(q);
            while stream.advance() {
                let t = stream.token();
                words.push((q[t.offset_from..t.offset_to].to_lowercase(), t.text.clone()));
            }
        }
        if words.is_empty() {
            return TextQuery::Empty;
        }
        let content: Vec<&(String, String)> = words
            .iter()
            .filter(|(w, _)| !STOP_WORDS.contains(&w.as_str()))
            // A lone letter is the tail of a possessive ("Ruth's") or an initial: no meaning.
            .filter(|(w, _)| w.chars().count() > 1 || w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        if content.is_empty() {
            if words.len() < 2 {
                notes.push(format!(
                    "{q:?} is too common a word to search for on its own; add a word that matters"
                ));
                return TextQuery::Nothing;
            }
            // Only common words: look for them as a phrase, never for each word alone.
            let terms: Vec<Term> = words
                .iter()
                .map(|(_, s)| Term::from_field_text(self.fields.text, s))
                .collect();
            let set = words.iter().map(|(_, s)| s.clone()).collect();
            notes.push(format!("{q:?} has only common words; matched as a phrase"));
            return TextQuery::Query(Box::new(PhraseQuery::new(terms)), set);
        }
        let mut stems: Vec<String> = vec![];
        for (_, s) in &content {
            if !stems.contains(s) {
                stems.push(s.clone());
            }
        }
        let mut highlight: BTreeSet<String> = stems.iter().cloned().collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![];
        let term_q = |field, s: &str, boost: f32| -> (Occur, Box<dyn Query>) {
            let q = TermQuery::new(
                Term::from_field_text(field, s),
                IndexRecordOption::WithFreqs,
            );
            if boost == 1.0 {
                (Occur::Should, Box::new(q))
            } else {
                (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
            }
        };
        for s in &stems {
            clauses.push(term_q(self.fields.text, s, 1.0));
        }
        if ranking == Ranking::Baseline {
            return TextQuery::Query(Box::new(BooleanQuery::new(clauses)), highlight);
        }
        for s in &stems {
            clauses.push(term_q(self.fields.section, s, 1.5));
        }
        // Words near each other, in order, are a stronger sign than scattered words.
        if stems.len() >= 2 {
            let terms: Vec<Term> = stems
                .iter()
                .map(|s| Term::from_field_text(self.fields.text, s))
                .collect();
            let mut phrase = PhraseQuery::new(terms);
            phrase.set_slop(3);
            clauses.push((Occur::Should, Box::new(phrase)));
        }
        // The novel's own terms for the everyday words a reader types ("delay" → deferral).
        let lower = q.to_lowercase();
        let mut expanded = vec![];
        for t in &self.lexicon.terms {
            if t.everyday
                .iter()
                .any(|e| contains_words(&lower, &e.to_lowercase()))
            {
                for s in analyse(&mut analyzer, &t.term) {
                    if !stems.contains(&s) && !expanded.contains(&s) {
                        expanded.push(s);
                    }
                }
            }
        }
        // Words of one family the stemmer splits (defer / deferral), and near spellings for a
        // word the corpus does not contain.
        let vocabulary = self.vocabulary(searcher);
        for s in &stems {
            let known = doc_freq(searcher, self.fields.text, s)
                + doc_freq(searcher, self.fields.section, s)
                > 0;
            for v in &vocabulary {
                if v == s || stems.contains(v) || expanded.contains(v) {
                    continue;
                }
                if same_family(s, v) {
                    expanded.push(v.clone());
                }
            }
            if !known {
                let similar = similar_terms(s, &vocabulary);
                if similar.is_empty() {
                    notes.push(format!("no passage contains {s:?}"));
                } else {
                    notes.push(format!(
                        "no passage contains {s:?}; also matching {}",
                        similar.join(", ")
                    ));
                }
                for v in similar {
                    if !expanded.contains(&v) {
                        clauses.push(term_q(self.fields.text, &v, 0.8));
                        highlight.insert(v);
                    }
                }
            }
        }
        for s in expanded {
            clauses.push(term_q(self.fields.text, &s, 0.5));
            highlight.insert(s);
        }
        TextQuery::Query(Box::new(BooleanQuery::new(clauses)), highlight)
    }

    /// Every term of the text field (the corpus is small: a few thousand).
    fn vocabulary(&self, searcher: &Searcher) -> Vec<String> {
        let mut out = vec![];
        for seg in searcher.segment_readers() {
            let Ok(inv) = seg.inverted_index(self.fields.text) else {
                continue;
            };
            let Ok(mut stream) = inv.terms().stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(s) = std::str::from_utf8(stream.key()) {
                    out.push(s.to_string());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

enum TextQuery {
    /// No query text.
    Empty,
    /// Query text that can match nothing (explained in a note).
    Nothing,
    /// The query and the analysed terms to highlight.
    Query(Box<dyn Query>, BTreeSet<String>),
}

fn doc_freq(searcher: &Searcher, field: tantivy::schema::Field, s: &str) -> u64 {
    searcher
        .doc_freq(&Term::from_field_text(field, s))
        .unwrap_or(0)
}

fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// `needle` occurs in `hay` as whole words.
fn contains_words(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Two stems of one word family: one extends the other by at most two letters (defer/deferr).
fn same_family(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.len() - short.len() <= 2 && long.starts_with(short)
}

/// Terms within a small edit distance of a stem the corpus does not contain, best first.
fn similar_terms(stem: &str, vocabulary: &[String]) -> Vec<String> {
    let n = stem.chars().count();
    if n < 4 {
        return vec![];
    }
    let max = if n >= 7 { 2 } else { 1 };
    let mut found: Vec<(usize, &String)> = vocabulary
        .iter()
        .map(|v| (strsim::damerau_levenshtein(stem, v), v))
        .filter(|(d, _)| *d <= max)
        .collect();
    found.sort();
    found.into_iter().take(3).map(|(_, v)| v.clone()).collect()
}

/// Does the user's text use the query language (so the parser should read it)?
pub fn uses_operators(q: &str) -> bool {
    q.contains('"')
        || q.contains('(')
        || q.contains(')')
        || q.split_whitespace().any(|w| {
            matches!(w, "AND" | "OR" | "NOT")
                || ((w.starts_with('-') || w.starts_with('+'))
                    && w[1..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '"' || c == '('))
        })
}

/// Makes operator text safe for tantivy's parser: drops the syntax we do not offer (fields,
/// boosts, wildcards, ranges, apostrophes), balances quotes and parentheses, and refuses deep
/// nesting. The known parser killers (`- *`, `+ *`, `*^2`, `a:(^`) come out harmless.
pub fn repair(q: &str) -> Result<String> {
    let mut s: String = q
        .chars()
        .map(|c| match c {
            ':' | '^' | '*' | '~' | '[' | ']' | '{' | '}' | '\\' | '\'' | '’' | '‘' | '`' | '!'
            | '<' | '>' | '=' | '$' | '?' => ' ',
            c => c,
        })
        .collect();
    if s.matches('"').count() % 2 == 1 {
        if let Some(i) = s.rfind('"') {
            s.replace_range(i..i + 1, " ");
        }
    }
    // Parentheses: drop unmatched closers, close what is left open, bound the depth.
    // Quoted text is left alone: the parser reads it as a phrase.
    let mut out = String::with_capacity(s.len() + 4);
    let mut depth = 0usize;
    let mut in_quote = false;
    for c in s.chars() {
        match c {
            '"' => {
                in_quote = !in_quote;
                out.push(c);
            }
            '(' if !in_quote => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Error::Query(format!(
                        "the query nests parentheses more than {MAX_NESTING} deep"
                    )));
                }
                out.push(c);
            }
            ')' if !in_quote => {
                if depth > 0 {
                    depth -= 1;
                    out.push(c);
                } else {
                    out.push(' ');
                }
            }
            '(' | ')' => out.push(' '),
            c => out.push(c),
        }
    }
    out.extend(std::iter::repeat_n(')', depth));
    // A `-` or `+` that does not stick to a word, a quote or a parenthesis is not an operator.
    let chars: Vec<char> = out.chars().collect();
    let mut cleaned = String::with_capacity(out.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev_space = i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '(';
        let next_ok = chars
            .get(i + 1)
            .is_some_and(|n| n.is_alphanumeric() || *n == '"' || *n == '(');
        if (c == '-' || c == '+') && prev_space && !next_ok {
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    Ok(cleaned)
}

fn resolve_kinds(wanted: &[String]) -> Result<Vec<Facet>> {
    wanted
        .iter()
        .map(|w| match Kind::parse(w) {
            Some(k) => Ok(index::tag_facet("kind", k.as_str())),
            None => Err(unknown(
                "kind",
                "kinds",
                w,
                Kind::ALL.iter().map(|k| k.as_str()),
            )),
        })
        .collect()
}

fn resolve_parts(wanted: &[String]) -> Result<Vec<Facet>> {
    wanted
        .iter()
        .map(|w| {
            let s = w.trim().to_lowercase();
            let s = s.strip_prefix("part").unwrap_or(&s).trim();
            let n = match s {
                "1" | "one" | "i" => 1,
                "2" | "two" | "ii" => 2,
                "3" | "three" | "iii" => 3,
                _ => {
                    return Err(Error::Usage(format!(
                        "unknown part {w:?}; parts are: 1 (Hailsham), 2 (the Cottages), 3 (carers and donors)"
                    )))
                }
            };
            Ok(index::tag_facet("part", &n.to_string()))
        })
        .collect()
}

fn resolve_pages(wanted: &[String]) -> Result<Vec<Facet>> {
    let mut out = vec![];
    for w in wanted {
        let bad = || {
            Error::Usage(format!(
                "--page {w:?} is not a page number or a range such as 50-60"
            ))
        };
        let s = w.trim();
        let (a, b) = match s.split_once(['-', '–']) {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (s, s),
        };
        let a: u32 = a.parse().map_err(|_| bad())?;
        let b: u32 = b.parse().map_err(|_| bad())?;
        if a > b || b - a > MAX_PAGE_SPAN {
            return Err(bad());
        }
        out.extend((a..=b).map(|p| index::tag_facet("page", &p.to_string())));
    }
    Ok(out)
}

fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = wanted.trim().to_lowercase();
    candidates
        .map(|c| (strsim::jaro_winkler(&w, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn unknown<'a>(
    what: &str,
    plural: &str,
    wanted: &str,
    valid: impl Iterator<Item = &'a str> + Clone,
) -> Error {
    let c = closest(wanted, valid.clone());
    unknown_with(what, plural, wanted, valid, c)
}

fn unknown_with<'a>(
    what: &str,
    plural: &str,
    wanted: &str,
    valid: impl Iterator<Item = &'a str>,
    closest: Option<&str>,
) -> Error {
    let valid: Vec<&str> = valid.collect();
    let mut msg = format!("unknown {what} {wanted:?}");
    if let Some(c) = closest {
        msg.push_str(&format!(" (did you mean {c:?}?)"));
    }
    if valid.is_empty() {
        msg.push_str(&format!("; this index has no {plural}"));
    } else {
        msg.push_str(&format!("; {plural} are: {}", valid.join(", ")));
    }
    Error::Usage(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_detection() {
        for (q, want) in [
            ("deferral", false),
            ("why did Madame cry", false),
            ("Ruth's possible in Norfolk", false),
            ("Marie-Claude", false),
            ("\"told and not told\"", true),
            ("ruth -tommy", true),
            ("ruth AND tommy", true),
            ("ruth and tommy", false),
            ("(ruth OR tommy) memory", true),
            ("- *", false),
            ("+hailsham", true),
        ] {
            assert_eq!(uses_operators(q), want, "{q}");
        }
    }

    #[test]
    fn repair_neutralises_parser_killers_and_balances() {
        for (q, want) in [
            ("- *", "   "),
            ("+ *", "   "),
            ("*^2", "  2"),
            ("a:(^", "a ( )"),
            ("\"open quote", " open quote"),
            ("(a OR b", "(a OR b)"),
            ("a) OR (b", "a  OR (b)"),
            ("-ruth \"x (y\"", "-ruth \"x  y\""),
            ("Ruth's", "Ruth s"),
        ] {
            assert_eq!(repair(q).unwrap(), want, "{q}");
        }
        let deep = format!("{}a{}", "(".repeat(30), ")".repeat(30));
        assert!(matches!(repair(&deep), Err(Error::Query(_))));
    }

    #[test]
    fn filter_values_parse_or_explain() {
        assert_eq!(
            resolve_parts(&["Two".into(), "part 3".into()])
                .unwrap()
                .len(),
            2
        );
        assert!(resolve_parts(&["4".into()]).is_err());
        assert_eq!(
            resolve_pages(&["58".into(), "50-52".into()]).unwrap().len(),
            4
        );
        for bad in ["x", "60-50", "1-99999", ""] {
            assert!(resolve_pages(&[bad.into()]).is_err(), "{bad}");
        }
        let e = resolve_kinds(&["quotes".into()]).unwrap_err().to_string();
        assert!(e.contains("quotation") && e.contains("kinds are"), "{e}");
    }

    #[test]
    fn word_helpers() {
        assert!(contains_words("can they delay it", "delay"));
        assert!(!contains_words("delayed", "delay"));
        assert!(contains_words("the more time they had", "more time"));
        assert!(same_family("defer", "deferr"));
        assert!(!same_family("car", "care"));
        assert!(!same_family("ruth", "ruthless"));
        let vocab: Vec<String> = ["deferr", "defer", "donat"].map(String::from).to_vec();
        assert_eq!(similar_terms("deferal", &vocab), ["defer", "deferr"]);
        assert!(similar_terms("xyz", &vocab).is_empty());
        assert_eq!(
            closest("memroy", ["memory", "hope"].into_iter()),
            Some("memory")
        );
    }

    fn tagged_engine() -> (tempfile::TempDir, Engine) {
        use crate::model::{Corpus, Source};
        let p = |seq: u32, section: &[&str], kind, chars: &[&str], themes: &[&str], text: &str| {
            Passage {
                id: format!("notes:{seq}"),
                source: "notes".into(),
                seq,
                section: section.iter().map(|s| s.to_string()).collect(),
                kind,
                part: Some(2),
                characters: chars.iter().map(|s| s.to_string()).collect(),
                themes: themes.iter().map(|s| s.to_string()).collect(),
                pages: vec![seq + 50],
                text: text.into(),
                source_range: [0, 0],
                prev: seq.checked_sub(1).map(|s| format!("notes:{s}")),
                next: Some(format!("notes:{}", seq + 1)),
                provenance: vec![],
            }
        };
        let corpus = Corpus {
            sources: vec![Source {
                id: "notes".into(),
                title: "Notes".into(),
                kind: String::new(),
                description: String::new(),
                file: "notes.txt".into(),
            }],
            passages: vec![
                p(
                    0,
                    &["Characters", "Ruth C."],
                    Kind::Character,
                    &["Ruth"],
                    &["manipulation"],
                    "She pretends to know everything.",
                ),
                p(
                    1,
                    &["Characters", "Kathy H."],
                    Kind::Character,
                    &["Kathy"],
                    &["memory"],
                    "Kathy remembers Hailsham and the tape.",
                ),
                p(
                    2,
                    &["Plot"],
                    Kind::Plot,
                    &["Kathy", "Ruth"],
                    &["memory"],
                    "They drive to Norfolk to see the possible.",
                ),
            ],
            warnings: vec![],
            fingerprint: "test".into(),
            bytes: 100,
        };
        let dir = tempfile::tempdir().unwrap();
        index::build(&corpus, dir.path(), &mut |_| {}).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let engine = Engine::open(dir.path(), &shipped).unwrap();
        (dir, engine)
    }

    fn ids(r: &Response) -> Vec<&str> {
        r.hits.iter().map(|h| h.passage.id.as_str()).collect()
    }

    #[test]
    fn filters_resolve_aliases_combine_and_count_facets() {
        let (_dir, engine) = tagged_engine();
        let run = |f: Filters, q: &str| {
            engine
                .search(&Request {
                    query: q.into(),
                    filters: f,
                    ..Request::default()
                })
                .unwrap()
        };
        for (filters, query, want) in [
            (
                Filters {
                    character: vec!["kath".into()],
                    ..Default::default()
                },
                "",
                vec!["notes:1", "notes:2"],
            ),
            (
                Filters {
                    character: vec!["RUTH C.".into()],
                    ..Default::default()
                },
                "",
                vec!["notes:0", "notes:2"],
            ),
            (
                Filters {
                    character: vec!["ruth".into(), "kathy".into()],
                    ..Default::default()
                },
                "",
                vec!["notes:0", "notes:1", "notes:2"],
            ),
            (
                Filters {
                    character: vec!["ruth".into()],
                    theme: vec!["Memory".into()],
                    ..Default::default()
                },
                "",
                vec!["notes:2"],
            ),
            (
                Filters {
                    section: vec!["character".into()],
                    ..Default::default()
                },
                "",
                vec!["notes:0", "notes:1"],
            ),
            (
                Filters {
                    kind: vec!["PLOT".into()],
                    ..Default::default()
                },
                "",
                vec!["notes:2"],
            ),
            (
                Filters {
                    page: vec!["50-51".into()],
                    part: vec!["two".into()],
                    ..Default::default()
                },
                "",
                vec!["notes:0", "notes:1"],
            ),
            (
                Filters {
                    theme: vec!["memory".into()],
                    ..Default::default()
                },
                "tape",
                vec!["notes:1"],
            ),
        ] {
            let r = run(filters.clone(), query);
            assert_eq!(ids(&r), want, "{filters:?} {query}");
            assert_eq!(r.total, want.len());
        }
        let r = run(
            Filters {
                theme: vec!["memory".into()],
                ..Default::default()
            },
            "",
        );
        assert!(r.listing && r.hits.iter().all(|h| h.score.is_none()));
        assert_eq!(r.facets["character"]["Kathy"], 2);
        assert_eq!(r.facets["character"]["Ruth"], 1);
        assert_eq!(r.facets["page"]["51"], 1);
        for bad in [
            Filters {
                character: vec!["Ruht".into()],
                ..Default::default()
            },
            Filters {
                section: vec!["epilogue".into()],
                ..Default::default()
            },
            Filters {
                source: vec!["blog".into()],
                ..Default::default()
            },
        ] {
            let e = engine
                .search(&Request {
                    query: "x".into(),
                    filters: bad.clone(),
                    ..Request::default()
                })
                .unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{bad:?}: {e}");
        }
    }

    #[test]
    fn headings_count_and_baseline_ignores_them() {
        let (_dir, engine) = tagged_engine();
        let full = engine
            .search(&Request {
                query: "plot".into(),
                ..Request::default()
            })
            .unwrap();
        assert_eq!(ids(&full), ["notes:2"]);
        let base = engine
            .search(&Request {
                query: "plot".into(),
                ranking: Ranking::Baseline,
                ..Request::default()
            })
            .unwrap();
        assert!(base.hits.is_empty());
        let ctx = engine
            .search(&Request {
                query: "tape".into(),
                context: 1,
                ..Request::default()
            })
            .unwrap();
        assert_eq!(
            ctx.hits[0].excerpt.context_before,
            "She pretends to know everything."
        );
        assert_eq!(
            ctx.hits[0].excerpt.context_after,
            "They drive to Norfolk to see the possible."
        );
    }

    proptest::proptest! {
        #[test]
        fn repair_never_panics_and_keeps_parens_balanced(q in "[a-z \"()*^:+\\-']{0,60}") {
            if let Ok(r) = repair(&q) {
                let mut depth = 0i32;
                let mut in_quote = false;
                for c in r.chars() {
                    match c {
                        '"' => in_quote = !in_quote,
                        '(' if !in_quote => depth += 1,
                        ')' if !in_quote => depth -= 1,
                        _ => {}
                    }
                    proptest::prop_assert!(depth >= 0);
                }
                proptest::prop_assert_eq!(depth, 0);
                proptest::prop_assert!(!in_quote);
            }
        }
    }
}
