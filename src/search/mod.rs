//! Answering a query, in stages, one file each:
//!
//! 1. `understand`: a plain question read into plain data — its words, stop words and the
//!    words that ask dropped, its intent, the glossary's phrases in it, misspellings corrected,
//!    the characters it names. A query with operators (quotes, AND/OR/NOT, a leading `-` or
//!    `+`, parentheses) is read by tantivy's parser instead, after bounding and repairing
//!    (`operators`, `guard`).
//! 2. `retrieve`: the understanding turned into one tantivy query, a function per signal;
//!    `filters` add what every hit must match.
//! 3. `ranking`: the matches scored and weighed, with every match collected for `facets`.
//! 4. `group`: near-duplicates folded into one hit.
//! 5. `hits`: each hit read back with its excerpt.
//!
//! The engine opens one index generation with the lexicon read as a `glossary` and a
//! per-document table (`doc_table`), and answers any number of searches.

mod doc_table;
mod english;
mod facets;
mod filters;
mod glossary;
mod group;
mod guard;
mod hits;
mod operators;
mod ranking;
mod retrieve;
mod understand;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, Order, ReloadPolicy, Term};

use crate::error::{Error, Result};
use crate::excerpt::{Excerpt, Highlight};
use crate::index::{self, Fields, IndexMeta};
use crate::lexicon::Lexicon;
use crate::model::Passage;

use doc_table::DocTable;
pub use facets::FACET_FIELDS;
pub use filters::Filters;
use glossary::Glossary;
use hits::Cache;
pub use operators::{repair, uses_operators};
pub use ranking::Ranking;
use retrieve::TextQuery;
use understand::Reading;

/// Longest query accepted, in bytes: longer input is a mistake (a pasted file), not a question.
pub const MAX_QUERY_BYTES: usize = 1000;
/// Deepest parenthesis nesting accepted.
pub const MAX_NESTING: usize = 8;

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
            ranking: Ranking::FULL,
        }
    }
}

/// A near-duplicate of a hit, folded into it (the same quotation in another summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlsoIn {
    pub id: String,
    pub source: String,
    pub source_title: String,
    pub pages: Vec<u32>,
}

/// A query word and the words it was widened to (glossary, spelling variant, word family).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    pub from: String,
    pub to: Vec<String>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// 1-based position in the results.
    pub rank: usize,
    /// Relevance score; `None` when listing by filters alone (reading order).
    pub score: Option<f32>,
    /// Shared with the engine's cache: a hit does not copy its passage.
    pub passage: Arc<Passage>,
    /// Title of the passage's source.
    pub source_title: String,
    pub excerpt: Excerpt,
    /// Near-duplicates of this passage in other sources, shown once here instead of as hits.
    pub also_in: Vec<AlsoIn>,
    /// The section of the previous and the next passage when the context draws on it and it
    /// is not the passage's own: where the context crosses a heading.
    pub context_sections: [Option<Vec<String>>; 2],
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
    /// Query words widened to other words, as shown to the user.
    pub expansions: Vec<Expansion>,
    /// The query as corrected, when a word was not in the corpus and a near spelling was used.
    pub suggestion: Option<String>,
    /// Words of a plain query (lower case, as typed) that no passage holds: not as typed, in
    /// another form, corrected, nor widened to another word. When every word is one, nothing
    /// is searched and nothing found; a passage sharing a few letters is no answer.
    pub unmatched: Vec<String>,
    /// Time spent in [`Engine::search`].
    pub elapsed: Duration,
}

/// An open index, ready to answer queries. Opens the live generation once; cheap to query.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// The generation's meta without its section lists: what a search needs.
    head: IndexMeta,
    /// The whole meta, read from `sections` when first asked for ([`Engine::meta`]).
    meta: OnceLock<IndexMeta>,
    /// The section lists' file and its path, opened with the index and read only if asked for.
    sections: (std::fs::File, PathBuf),
    lexicon: Lexicon,
    analyzer: TextAnalyzer,
    /// The lexicon analysed once: everyday phrases, spellings and families as stems.
    glossary: Glossary,
    /// Corpus words (lower case, as written) with passage counts: what a misspelt word is
    /// compared with. Searched in place (sorted), not parsed when the engine opens.
    words: index::WordList,
    /// Passages and neighbour texts already decoded, by document address and by id. The
    /// stored documents never change under an open generation, so entries never go stale.
    cache: Mutex<Cache>,
    /// Tags and duplicate keys of every document, read once (the reader never reloads).
    docs: DocTable,
}

/// Times [`Engine::open`] tries when builds keep swapping generations under it.
const OPEN_ATTEMPTS: u32 = 5;

impl Engine {
    /// Opens the complete index generation that `index_dir/current` names, and the lexicon of
    /// `corpus_dir` (for character aliases and everyday words). Starts no threads.
    pub fn open(index_dir: &Path, corpus_dir: &Path) -> Result<Engine> {
        // A build may swap generations while we open one, and later remove it. Files are
        // mapped when opened, so if the pointer still names the same generation once
        // everything is open, every file was mapped while that generation was live and
        // complete. If it moved, open again: the pointer names a newer complete index. A
        // failure or a success alike is only trusted when the pointer stood still.
        let mut attempt = 0;
        loop {
            let before = index::current_dir(index_dir);
            let opened = Engine::open_once(index_dir, corpus_dir);
            attempt += 1;
            if index::current_dir(index_dir) == before || attempt >= OPEN_ATTEMPTS {
                return opened;
            }
        }
    }

    fn open_once(index_dir: &Path, corpus_dir: &Path) -> Result<Engine> {
        let dir = index::current_dir(index_dir).ok_or_else(|| {
            Error::Index(format!(
                "no index in {} (run `nlmg-search index`)",
                index_dir.display()
            ))
        })?;
        let head = index::read_head(&dir).map_err(|e| match e {
            Error::Io { .. } | Error::Index(_) => Error::damaged(&dir, e.to_string()),
            e => e,
        })?;
        if head.schema_version != index::SCHEMA_VERSION {
            return Err(Error::Index(format!(
                "the index in {} was built by another version; run `nlmg-search index --force`",
                index_dir.display()
            )));
        }
        let sections_path = dir.join(index::SECTIONS_FILE);
        let sections = std::fs::File::open(&sections_path)
            .map_err(|e| Error::damaged(&dir, Error::io(&sections_path, e).to_string()))?;
        let index = index::open_generation(&dir).map_err(|e| index::open_error(&dir, e))?;
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
        let docs = DocTable::read(&reader.searcher())?;
        let lexicon = Lexicon::load(corpus_dir)?;
        let mut analyzer = index::analyzer();
        let glossary = Glossary::new(&lexicon, &mut analyzer);
        let words = index::WordList::open(index_dir)?;
        Ok(Engine {
            index,
            reader,
            docs,
            fields,
            head,
            meta: OnceLock::new(),
            sections: (sections, sections_path),
            lexicon,
            analyzer,
            glossary,
            words,
            cache: Mutex::new(Cache::default()),
        })
    }

    /// What the index records about itself: sources, counts, tag values, section lists. The
    /// section lists are read when first asked for; if they cannot be read then, the meta is
    /// given without them (a search never needs them; a listing shows none).
    pub fn meta(&self) -> &IndexMeta {
        self.meta.get_or_init(|| {
            let (file, path) = &self.sections;
            let lists = index::read_sections(file, path).unwrap_or_default();
            self.head.clone().with_sections(lists)
        })
    }

    /// The lexicon the engine reads queries with (characters, themes, terms).
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The passage with this id (`<source>:<seq>`), or `None` when the index has none.
    pub fn passage(&self, id: &str) -> Result<Option<Arc<Passage>>> {
        let searcher = self.reader.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let found = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .map_err(index::tantivy_error)?;
        match found.first() {
            Some((_, addr)) => self.passage_at(&searcher, *addr).map(Some),
            None => Ok(None),
        }
    }

    /// Every passage the filters admit (all of them when there are none), in reading order:
    /// what the browsing views (quotations, concordance, matrix) work over, selected exactly
    /// as a search with the same filters selects, with the same errors for unknown values.
    pub fn passages(&self, filters: &Filters) -> Result<Vec<Arc<Passage>>> {
        let searcher = self.reader.searcher();
        let query = self
            .filter_query(filters)?
            .unwrap_or_else(|| Box::new(tantivy::query::AllQuery));
        let top = TopDocs::with_limit(self.head.passages.max(1))
            .order_by_fast_field::<u64>("order", Order::Asc);
        let docs = searcher
            .search(&*query, &top)
            .map_err(index::tantivy_error)?;
        docs.into_iter()
            .map(|(_, addr)| self.passage_at(&searcher, addr))
            .collect()
    }

    /// Runs one search: validates filters, reads the query, retrieves and ranks the matches,
    /// counts facets, folds near-duplicates, builds hits with excerpts.
    pub fn search(&self, req: &Request) -> Result<Response> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let filter = self.filter_query(&req.filters)?;
        let mut read = Reading::default();
        let q = req.query.trim();
        let text = if uses_operators(q) {
            self.operator_query(q, req.ranking, &mut read.notes)?
        } else {
            let understood = self.understand(&searcher, q, req.ranking, &mut read);
            self.retrieve(&searcher, &understood, req.ranking, &mut read)
        };
        let Reading {
            notes,
            expansions,
            suggestion,
            intent,
            unmatched,
        } = read;
        let (query, terms, listing) = match with_filter(text, filter, &req.filters)? {
            Some(q) => q,
            None => {
                return Ok(Response {
                    hits: vec![],
                    total: 0,
                    facets: BTreeMap::new(),
                    notes,
                    listing: false,
                    expansions,
                    suggestion,
                    unmatched,
                    elapsed: started.elapsed(),
                })
            }
        };
        let ranking = req.ranking;
        let fold = ranking.dedup && !listing;
        // Grouping near-duplicates folds some of the top hits away: look a little further.
        let fetch = if fold {
            req.limit.max(1) * 2 + 10
        } else {
            req.limit.max(1)
        };
        let (docs, matches) = self.rank(&searcher, &*query, ranking, intent, listing, fetch)?;
        let (total, facets) = self.facets(&matches)?;
        let groups = self.group(docs, fold);
        let hits = self.hits(&searcher, groups, &terms, req.limit, req.context)?;
        Ok(Response {
            hits,
            total,
            facets,
            notes,
            listing,
            expansions,
            suggestion,
            unmatched,
            elapsed: started.elapsed(),
        })
    }

    /// The title of a source by its id (the id itself when the index does not know it).
    pub fn source_title(&self, id: &str) -> String {
        self.head
            .sources
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.title.clone())
    }
}

/// The query to run, the terms to highlight, and whether it lists by filters alone (no query
/// text).
type Prepared = (Box<dyn Query>, Highlight, bool);

/// The text query within the filters; `None` when the text can match nothing.
fn with_filter(
    text: TextQuery,
    filter: Option<Box<dyn Query>>,
    filters: &Filters,
) -> Result<Option<Prepared>> {
    Ok(Some(match (text, filter) {
        (TextQuery::Nothing, _) => return Ok(None),
        (TextQuery::Empty, None) => {
            return Err(Error::Usage(
                "nothing to search for: give a query, or a filter such as --theme memory".into(),
            ))
        }
        (TextQuery::Empty, Some(f)) => (f, filters::page_highlight(&filters.page), true),
        (TextQuery::Query(q, terms), None) => (q, terms, false),
        (TextQuery::Query(q, terms), Some(f)) => (
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, q),
                (Occur::Must, Box::new(ConstScoreQuery::new(f, 0.0))),
            ])),
            terms,
            false,
        ),
    }))
}
