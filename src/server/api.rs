//! The JSON API (docs/api.md): the objects `--json` prints, wrapped in one object per answer.
//!
//! - `GET /api/search?q=…&theme=…` → [`JsonSearch`]
//! - `GET /api/passage/<id>?context=N` → [`JsonPassageView`]
//! - `GET /api/list/<kind>` → [`JsonList`]
//!
//! A bad request is HTTP 400 with `{"error":"…"}` carrying the command line's message.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::params::{Query, FILTERS};
use super::routes::Reply;
use crate::commands::list::{self, ListEntry, ListWhat};
use crate::error::{Error, Result};
use crate::model::Passage;
use crate::output::json::{JsonHit, JsonSummary};
use crate::search::{Engine, Filters, Request, Response, FACET_FIELDS};

/// Parameters `/api/search` accepts.
pub const SEARCH_PARAMS: [&str; 10] = [
    "q",
    "theme",
    "character",
    "section",
    "source",
    "kind",
    "part",
    "page",
    "limit",
    "context",
];

/// Most passages shown before and after one in a passage view.
pub const MAX_NEIGHBOURS: usize = 5;

/// `GET /api/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonSearch {
    /// The hits, as `--json` prints them (without the `"type"` field).
    pub hits: Vec<JsonHit>,
    /// The summary, as `--json` prints it: `facets` counts the whole match set.
    pub summary: JsonSummary,
    /// Disjunctive facet counts, for a facet panel: for a field with values selected, the
    /// counts as if that field's own filter were lifted (so the other values of the field stay
    /// visible with what picking them would add); for the other fields, `summary.facets`.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
}

/// `GET /api/passage/<id>`: a passage with its neighbours in the same source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonPassageView {
    /// The passage with its tags and their provenance, as `passages --json` prints it.
    pub passage: Passage,
    /// The title of its source.
    pub source_title: String,
    /// Up to `context` passages before it, in reading order.
    pub before: Vec<Passage>,
    /// Up to `context` passages after it, in reading order.
    pub after: Vec<Passage>,
}

/// `GET /api/list/<kind>`: the values of a tag with passage counts, as `list --json` prints
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonList {
    pub values: Vec<ListEntry>,
}

/// HTTP status for a library error: what the client asked for is 400, the rest is ours.
pub fn status(e: &Error) -> u16 {
    match e {
        Error::Usage(_) | Error::Query(_) => 400,
        _ => 500,
    }
}

fn error_reply(e: &Error) -> Reply {
    Reply::error(status(e), &e.to_string())
}

/// Runs a search and the extra counts of [`JsonSearch::facets`].
pub fn run_search(engine: &Engine, request: &Request) -> Result<(Response, FacetCounts)> {
    let response = engine.search(request)?;
    let facets = disjunctive(engine, request, &response)?;
    Ok((response, facets))
}

/// Tag field → value → passages.
pub type FacetCounts = BTreeMap<String, BTreeMap<String, u64>>;

/// For each facet field with a filter, the counts of the same search without that filter.
fn disjunctive(engine: &Engine, request: &Request, response: &Response) -> Result<FacetCounts> {
    let mut out = FacetCounts::new();
    for field in FACET_FIELDS {
        let selected = filter_values(&request.filters, field).is_some_and(|v| !v.is_empty());
        let counts = if selected {
            let mut lifted = request.clone();
            if let Some(v) = filter_values_mut(&mut lifted.filters, field) {
                v.clear();
            }
            lifted.limit = 1;
            lifted.context = 0;
            if lifted.query.trim().is_empty() && lifted.filters.is_empty() {
                // Nothing left to search by: every passage, as the index counts them.
                engine.meta().values(field)
            } else {
                engine
                    .search(&lifted)?
                    .facets
                    .get(field)
                    .cloned()
                    .unwrap_or_default()
            }
        } else {
            response.facets.get(field).cloned().unwrap_or_default()
        };
        out.insert(field.to_string(), counts);
    }
    Ok(out)
}

fn filter_values<'a>(f: &'a Filters, field: &str) -> Option<&'a Vec<String>> {
    Some(match field {
        "theme" => &f.theme,
        "character" => &f.character,
        "kind" => &f.kind,
        "source" => &f.source,
        "part" => &f.part,
        "page" => &f.page,
        "section" => &f.section,
        _ => return None,
    })
}

fn filter_values_mut<'a>(f: &'a mut Filters, field: &str) -> Option<&'a mut Vec<String>> {
    Some(match field {
        "theme" => &mut f.theme,
        "character" => &mut f.character,
        "kind" => &mut f.kind,
        "source" => &mut f.source,
        "part" => &mut f.part,
        "page" => &mut f.page,
        "section" => &mut f.section,
        _ => return None,
    })
}

/// `GET /api/search`.
pub fn search(engine: &Engine, query: &Query) -> Reply {
    let answer = query
        .refuse_unknown(&SEARCH_PARAMS)
        .and_then(|()| query.request())
        .and_then(|request| run_search(engine, &request));
    match answer {
        Ok((response, facets)) => Reply::json(
            200,
            &JsonSearch {
                hits: response.hits.iter().map(JsonHit::from).collect(),
                summary: JsonSummary::from(&response),
                facets,
            },
        ),
        Err(e) => error_reply(&e),
    }
}

/// A passage and up to `n` neighbours each side; `Ok(None)` when no passage has the id.
pub fn passage_view(engine: &Engine, id: &str, n: usize) -> Result<Option<JsonPassageView>> {
    let Some(p) = engine.passage(id)? else {
        return Ok(None);
    };
    let walk =
        |first: Option<&String>, step: fn(&Passage) -> Option<&String>| -> Result<Vec<Passage>> {
            let mut out = vec![];
            let mut next = first.cloned();
            while out.len() < n {
                let Some(id) = next else { break };
                let Some(q) = engine.passage(&id)? else { break };
                next = step(&q).cloned();
                out.push((*q).clone());
            }
            Ok(out)
        };
    let mut before = walk(p.prev.as_ref(), |q| q.prev.as_ref())?;
    before.reverse();
    let after = walk(p.next.as_ref(), |q| q.next.as_ref())?;
    Ok(Some(JsonPassageView {
        source_title: engine.source_title(&p.source),
        passage: (*p).clone(),
        before,
        after,
    }))
}

/// `GET /api/passage/<id>`.
pub fn passage(engine: &Engine, id: &str, query: &Query) -> Reply {
    let answer = query
        .refuse_unknown(&["context"])
        .and_then(|()| query.neighbours(MAX_NEIGHBOURS))
        .and_then(|n| passage_view(engine, id, n));
    match answer {
        Ok(Some(view)) => Reply::json(200, &view),
        Ok(None) => Reply::error(404, &no_passage(id)),
        Err(e) => error_reply(&e),
    }
}

pub fn no_passage(id: &str) -> String {
    format!("no passage has the id {id:?}; ids are <source>:<number>, as search results give them")
}

/// `GET /api/list/<kind>`.
pub fn list(engine: &Engine, kind: &str, query: &Query) -> Reply {
    let answer = query
        .refuse_unknown(&[])
        .and_then(|()| ListWhat::parse(kind))
        .map(|what| list::entries_of(engine.meta(), engine.lexicon(), what));
    match answer {
        Ok(values) => Reply::json(200, &JsonList { values }),
        Err(e) => error_reply(&e),
    }
}

/// Facet fields the page shows, in order, with their headings: the filters that are facets.
pub fn facet_fields() -> impl Iterator<Item = &'static str> {
    FILTERS
        .into_iter()
        .filter(|f| FACET_FIELDS.contains(f) && *f != "page")
}
