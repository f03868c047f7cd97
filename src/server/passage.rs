//! The passage view: one passage whole, with the passages before and after it in its source,
//! the query's matches marked in each, as a page of its own (`/passage/<id>`) and as the
//! fragment the page's dialog shows.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::api::{self, JsonPassageView, SEARCH_PARAMS};
use super::html::{chips, esc, header, marked, meta_line, place, shell};
use super::page::hidden_filters;
use super::params::Query;
use super::routes::Reply;
use crate::search::{Engine, Filters};

/// Passage id → byte ranges of the query's matches in its text.
type Matches = HashMap<String, Vec<[usize; 2]>>;

/// `GET /passage/<id>` (the whole page) and `/fragment/passage/<id>` (the dialog's content).
pub fn passage(engine: &Engine, id: &str, query: &Query, fragment: bool) -> Reply {
    let mut known: Vec<&str> = SEARCH_PARAMS.to_vec();
    known.push("context");
    let answer = query
        .refuse_unknown(&known)
        .and_then(|()| query.neighbours(api::MAX_NEIGHBOURS))
        .and_then(|n| api::passage_view(engine, id, n));
    let (status, inner) = match answer {
        Ok(Some(view)) => (
            200,
            passage_html(&view, query, &matches(engine, query, &view)),
        ),
        Ok(None) => (
            404,
            format!(
                "<p class=\"error\" role=\"alert\">{}</p>",
                esc(&api::no_passage(id))
            ),
        ),
        Err(e) => (
            api::status(&e),
            format!(
                "<p class=\"error\" role=\"alert\">{}</p>",
                esc(&e.to_string())
            ),
        ),
    };
    if fragment {
        return Reply::html(status, inner);
    }
    let text = query.text();
    let body = format!(
        "{}<main id=\"results\" class=\"single\" tabindex=\"-1\">{inner}</main>",
        header(&text, &hidden_filters(query), "/")
    );
    Reply::html(status, shell(&format!("{id} — nlmg-search"), &body))
}

/// Where the query of the results the passage was opened from matches it and its neighbours:
/// the same search run over the passage's source alone, with nothing folded, so every passage
/// of the source it matches carries the highlights its hit would. No query, no marks.
fn matches(engine: &Engine, query: &Query, view: &JsonPassageView) -> Matches {
    let mut out = Matches::new();
    if query.text().is_empty() {
        return out;
    }
    let Ok(mut request) = query.request() else {
        return out;
    };
    request.filters = Filters {
        source: vec![view.passage.source.clone()],
        ..Filters::default()
    };
    request.limit = engine.meta().passages.max(1);
    request.context = 0;
    request.ranking.dedup = false;
    let wanted = |id: &str| {
        view.passage.id == id || view.before.iter().chain(&view.after).any(|p| p.id == id)
    };
    if let Ok(response) = engine.search(&request) {
        for h in response.hits.iter().filter(|h| wanted(&h.passage.id)) {
            let ranges = h
                .excerpt
                .text_highlights
                .iter()
                .map(|r| [r.start, r.end])
                .collect();
            out.insert(h.passage.id.clone(), ranges);
        }
    }
    out
}

fn passage_html(view: &JsonPassageView, query: &Query, matches: &Matches) -> String {
    let text = |p: &crate::model::Passage| {
        marked(&p.text, matches.get(&p.id).map_or(&[][..], Vec::as_slice))
    };
    let p = &view.passage;
    let mut out = format!(
        "<article class=\"passage-view\"><h2 id=\"reader-title\">{}</h2><p class=\"meta\">{} · \
         <span class=\"id\">{}</span></p>",
        esc(&place(p, &view.source_title)),
        meta_line(p, &view.source_title),
        esc(&p.id)
    );
    for b in &view.before {
        let _ = write!(
            out,
            "<p class=\"neighbour\"><span class=\"visually-hidden\">Before: </span>{}</p>",
            text(b)
        );
    }
    let _ = write!(out, "<p class=\"current\">{}</p>", text(p));
    for a in &view.after {
        let _ = write!(
            out,
            "<p class=\"neighbour\"><span class=\"visually-hidden\">After: </span>{}</p>",
            text(a)
        );
    }
    chips(&mut out, p, query);
    let _ = write!(
        out,
        "<p class=\"back\"><a href=\"/?{}\">Back to the results</a></p></article>",
        esc(&query.canonical())
    );
    out
}
