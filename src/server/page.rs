//! The search view: results rendered on the server (so a shared link shows results at once and
//! the page works without JavaScript), the facet panel, and the fragment the page's script
//! swaps in as the user types.

use std::fmt::Write as _;

use super::api::{self, FacetCounts, SEARCH_PARAMS};
use super::html::{
    chips, esc, field_label, header, marked, meta_line, pages, place, shell, value_label, DIALOG,
};
use super::params::{encode_segment, Query, FILTERS};
use super::routes::Reply;
use crate::search::{Engine, Hit, Response};

/// Facet values listed before the rest are folded under "more".
const FACET_SHOWN: usize = 8;

/// Parameters the page takes besides the API's.
const PAGE_PARAMS: [&str; 0] = [];

/// What one search view shows.
struct View {
    query: Query,
    text: String,
    response: Option<Response>,
    facets: FacetCounts,
    error: Option<String>,
    status: u16,
}

fn view(engine: &Engine, query: &Query) -> View {
    let text = query.text();
    let mut v = View {
        query: query.clone(),
        text: text.clone(),
        response: None,
        facets: FacetCounts::new(),
        error: None,
        status: 200,
    };
    let known: Vec<&str> = SEARCH_PARAMS.iter().chain(&PAGE_PARAMS).copied().collect();
    let filters = query.filters();
    if let Err(e) = query.refuse_unknown(&known) {
        v.status = 400;
        v.error = Some(e.to_string());
    } else if text.is_empty() && filters.is_empty() {
        // The opening page: every passage counted, to browse by.
        for field in api::facet_fields() {
            v.facets
                .insert(field.to_string(), engine.meta().values(field));
        }
    } else {
        match query.request().and_then(|r| api::run_search(engine, &r)) {
            Ok((response, facets)) => {
                v.response = Some(response);
                v.facets = facets;
            }
            Err(e) => {
                v.status = api::status(&e);
                v.error = Some(e.to_string());
            }
        }
    }
    v
}

fn title(v: &View) -> String {
    if v.text.is_empty() {
        "nlmg-search".into()
    } else {
        format!("{} — nlmg-search", v.text)
    }
}

/// `GET /`: the whole page.
pub fn search(engine: &Engine, query: &Query) -> Reply {
    let v = view(engine, query);
    let body = format!(
        "{header}<div class=\"layout\"><aside id=\"facets\" aria-label=\"Filters\">{facets}</aside>\
         <main id=\"results\" tabindex=\"-1\">{results}</main></div>{dialog}",
        header = header(&v.text, &hidden_filters(&v.query), "/"),
        facets = facets_html(engine, &v),
        results = results_html(engine, &v),
        dialog = DIALOG,
    );
    Reply::html(v.status, shell(&title(&v), &body))
}

/// `GET /fragment/search`: the parts of the search view the script replaces.
pub fn search_fragment(engine: &Engine, query: &Query) -> Reply {
    let v = view(engine, query);
    let body = format!(
        "<title>{}</title><div data-part=\"facets\">{}</div><div data-part=\"results\">{}</div>\
         <div data-part=\"hidden\">{}</div>",
        esc(&title(&v)),
        facets_html(engine, &v),
        results_html(engine, &v),
        hidden_filters(&v.query),
    );
    Reply::html(v.status, body)
}

pub fn not_found() -> Reply {
    let body = format!(
        "{}<main id=\"results\" class=\"single\"><p class=\"error\" role=\"alert\">There is no \
         page here. <a href=\"/\">Search the summaries</a>.</p></main>",
        header("", "", "/")
    );
    Reply::html(404, shell("Not found — nlmg-search", &body))
}

/// The filters of the query as hidden inputs, so submitting the form keeps them.
pub fn hidden_filters(query: &Query) -> String {
    let mut out = String::new();
    for f in FILTERS {
        for v in query.all(f) {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"{f}\" value=\"{}\">",
                esc(&v)
            );
        }
    }
    out
}

fn facets_html(engine: &Engine, v: &View) -> String {
    let mut out = String::from("<h2 class=\"panel-title\">Filters</h2>");
    let active: Vec<(&str, String)> = FILTERS
        .iter()
        .flat_map(|f| v.query.all(f).into_iter().map(move |x| (*f, x)))
        .collect();
    if !active.is_empty() {
        out.push_str("<ul class=\"active\" aria-label=\"Filters in use\">");
        for (f, x) in &active {
            let _ = write!(
                out,
                "<li><a class=\"chip on\" href=\"/?{}\" aria-label=\"Remove filter {} {}\">{}: {} \
                 <span aria-hidden=\"true\">×</span></a></li>",
                esc(&v.query.toggled(f, x)),
                field_label(f),
                esc(&value_label(engine, f, x)),
                field_label(f),
                esc(&value_label(engine, f, x)),
            );
        }
        let _ = write!(
            out,
            "</ul><p><a class=\"clear\" href=\"/?{}\">Clear filters</a></p>",
            esc(&v.query.without_filters())
        );
    }
    for field in api::facet_fields() {
        let counts = v.facets.get(field).cloned().unwrap_or_default();
        let selected = v.query.all(field);
        let is_on = |value: &str| selected.iter().any(|s| s.eq_ignore_ascii_case(value));
        let mut values: Vec<(String, u64)> = counts.into_iter().collect();
        for s in &selected {
            if !values.iter().any(|(x, _)| x.eq_ignore_ascii_case(s)) {
                values.push((s.clone(), 0));
            }
        }
        if values.is_empty() {
            continue;
        }
        // Selected first, then by count; parts in their own order.
        if field == "part" {
            values.sort();
        } else {
            values.sort_by(|a, b| {
                is_on(&b.0)
                    .cmp(&is_on(&a.0))
                    .then(b.1.cmp(&a.1))
                    .then(a.0.cmp(&b.0))
            });
        }
        let _ = write!(
            out,
            "<section class=\"facet\" data-field=\"{field}\"><h3 id=\"facet-{field}\">{}</h3>\
             <ul aria-labelledby=\"facet-{field}\">",
            field_label(field)
        );
        for (i, (value, count)) in values.iter().enumerate() {
            if i == FACET_SHOWN {
                out.push_str("</ul><details><summary>More</summary><ul>");
            }
            let on = is_on(value);
            let _ = write!(
                out,
                "<li><a class=\"fv{}\" href=\"/?{}\" data-field=\"{field}\" data-value=\"{}\" \
                 aria-pressed=\"{on}\"><span class=\"name\">{}</span> <span class=\"count\">{count}</span><span \
                 class=\"visually-hidden\"> passages</span></a></li>",
                if on { " on" } else { "" },
                esc(&v.query.toggled(field, value)),
                esc(value),
                esc(&value_label(engine, field, value)),
            );
        }
        if values.len() > FACET_SHOWN {
            out.push_str("</ul></details>");
        } else {
            out.push_str("</ul>");
        }
        out.push_str("</section>");
    }
    out
}

fn results_html(engine: &Engine, v: &View) -> String {
    let mut out = String::new();
    if let Some(e) = &v.error {
        let _ = write!(out, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
        return out;
    }
    let Some(r) = &v.response else {
        out.push_str(&intro(engine));
        return out;
    };
    out.push_str("<h1 class=\"visually-hidden\">Results</h1>");
    if let Some(s) = &r.suggestion {
        let _ = write!(
            out,
            "<p class=\"notice\" id=\"suggestion\">Showing results for <strong>{}</strong>.</p>",
            esc(s)
        );
    }
    for n in &r.notes {
        let _ = write!(out, "<p class=\"note\">{}</p>", esc(n));
    }
    if !r.expansions.is_empty() {
        out.push_str("<p class=\"expansions\">Also searched for: ");
        for (i, e) in r.expansions.iter().enumerate() {
            let sep = if i > 0 { "; " } else { "" };
            let _ = write!(
                out,
                "{sep}<span><q>{}</q> → {}</span>",
                esc(&e.from),
                esc(&e.to.join(", "))
            );
        }
        out.push_str("</p>");
    }
    let shown = r.hits.len();
    let order = if r.listing {
        "in reading order"
    } else {
        "best first"
    };
    let status = match (shown, r.total) {
        (0, _) => "No passage matches. Try fewer words or remove a filter.".to_string(),
        (n, t) if n < t => format!("{t} passages match; the first {n}, {order}."),
        (_, 1) => "1 passage matches.".to_string(),
        (_, t) => format!("{t} passages match, {order}."),
    };
    let _ = write!(
        out,
        "<p class=\"status\" id=\"status\" role=\"status\">{}</p>",
        esc(&status)
    );
    if shown == 0 {
        return out;
    }
    let back = v.query.canonical();
    out.push_str("<ol class=\"hits\">");
    for h in &r.hits {
        hit_html(&mut out, h, &v.query, &back);
    }
    out.push_str("</ol>");
    out
}

/// The opening view: what to type, with examples taken from the corpus's own lexicon (its
/// terms, its themes), so another book's corpus gets its own.
fn intro(engine: &Engine) -> String {
    let lexicon = engine.lexicon();
    let mut examples: Vec<String> = lexicon
        .terms
        .iter()
        .take(3)
        .map(|t| {
            format!(
                "<a href=\"/?{}\">{}</a>",
                esc(&super::params::encode(&[("q", &t.term)])),
                esc(&t.term)
            )
        })
        .collect();
    if let Some(t) = lexicon.themes.first() {
        examples.push(format!(
            "<a href=\"/?{}\">quotations on {}</a>",
            esc(&super::params::encode(&[
                ("theme", &t.name),
                ("kind", "quotation")
            ])),
            esc(&t.name)
        ));
    }
    let sources: Vec<String> = engine
        .meta()
        .sources
        .iter()
        .map(|s| format!("<cite>{}</cite>", esc(&s.title)))
        .collect();
    format!(
        "<div class=\"intro\"><h1>Search the summaries</h1><p>{} passages from {}. Type a \
         word, a \"phrase\" or a question in your own words; pick a theme, a character or a part \
         to narrow the results. The address of the page keeps your search, so you can share \
         it.</p><p>Try: {}</p></div>",
        engine.meta().passages,
        sources.join(", "),
        examples.join(" · ")
    )
}

fn hit_html(out: &mut String, h: &Hit, query: &Query, back: &str) {
    let p = &h.passage;
    let highlights: Vec<[usize; 2]> = h
        .excerpt
        .highlights
        .iter()
        .map(|r| [r.start, r.end])
        .collect();
    let href = format!("/passage/{}?{}", encode_segment(&p.id), back);
    let _ = write!(
        out,
        "<li class=\"hit\"><article aria-labelledby=\"hit-{rank}\">\
         <h2 id=\"hit-{rank}\"><a class=\"open\" href=\"{}\" data-id=\"{}\">{}</a></h2>\
         <p class=\"excerpt\">",
        esc(&href),
        esc(&p.id),
        esc(&place(p, &h.source_title)),
        rank = h.rank
    );
    if !h.excerpt.context_before.is_empty() {
        let _ = write!(
            out,
            "<span class=\"ctx\">{}</span> ",
            esc(&h.excerpt.context_before)
        );
    }
    out.push_str(&marked(&h.excerpt.text, &highlights));
    if !h.excerpt.context_after.is_empty() {
        let _ = write!(
            out,
            " <span class=\"ctx\">{}</span>",
            esc(&h.excerpt.context_after)
        );
    }
    let _ = write!(
        out,
        "</p><p class=\"meta\">{}</p>",
        meta_line(p, &h.source_title)
    );
    chips(out, p, query);
    if !h.also_in.is_empty() {
        out.push_str("<p class=\"also\">Also in: ");
        for (i, a) in h.also_in.iter().enumerate() {
            let sep = if i > 0 { "; " } else { "" };
            let pg = if a.pages.is_empty() {
                String::new()
            } else {
                format!(" ({})", pages(&a.pages))
            };
            let _ = write!(
                out,
                "{sep}<a class=\"open\" href=\"/passage/{}?{}\" data-id=\"{}\">{}</a>{}",
                esc(&encode_segment(&a.id)),
                esc(back),
                esc(&a.id),
                esc(&a.source_title),
                esc(&pg)
            );
        }
        out.push_str("</p>");
    }
    out.push_str("</article></li>");
}
