//! The HTML page: the search view with its results rendered on the server (so a shared link
//! shows results at once and the page works without JavaScript), the passage view, and the
//! fragments the page's script swaps in as the user types.
//!
//! Every value from the index or the request is escaped ([`esc`]); highlights are the byte
//! ranges the excerpt stage gives, turned into `<mark>` here and nowhere else.

use std::fmt::Write as _;

use super::api::{self, FacetCounts, JsonPassageView, SEARCH_PARAMS};
use super::params::{encode_segment, Query, FILTERS};
use super::routes::Reply;
use crate::index::SECTION_SEP;
use crate::model::Passage;
use crate::search::{Engine, Hit, Response};

/// The views, as tabs in the page header: (label, path). A new view adds its tab here and its
/// route in [`super::routes`].
pub const TABS: &[(&str, &str)] = &[("Search", "/")];

/// Facet values listed before the rest are folded under "more".
const FACET_SHOWN: usize = 8;

/// Parameters the page takes besides the API's.
const PAGE_PARAMS: [&str; 0] = [];

/// `&`, `<`, `>`, `"` and `'` escaped: safe in text and in quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped, with each `[start, end)` byte range wrapped in `<mark>`. Ranges must be
/// sorted; ones that overlap, run past the end or split a character are skipped.
pub fn marked(text: &str, ranges: &[[usize; 2]]) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 13);
    let mut at = 0;
    for &[s, e] in ranges {
        if s < at
            || e <= s
            || e > text.len()
            || !text.is_char_boundary(s)
            || !text.is_char_boundary(e)
        {
            continue;
        }
        out.push_str(&esc(&text[at..s]));
        out.push_str("<mark>");
        out.push_str(&esc(&text[s..e]));
        out.push_str("</mark>");
        at = e;
    }
    out.push_str(&esc(&text[at..]));
    out
}

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

/// `GET /passage/<id>` (the whole page) and `/fragment/passage/<id>` (the dialog's content).
pub fn passage(engine: &Engine, id: &str, query: &Query, fragment: bool) -> Reply {
    let mut known: Vec<&str> = SEARCH_PARAMS.to_vec();
    known.push("context");
    let answer = query
        .refuse_unknown(&known)
        .and_then(|()| query.neighbours(api::MAX_NEIGHBOURS))
        .and_then(|n| api::passage_view(engine, id, n));
    let (status, inner) = match answer {
        Ok(Some(view)) => (200, passage_html(&view, query)),
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

pub fn not_found() -> Reply {
    let body = format!(
        "{}<main id=\"results\" class=\"single\"><p class=\"error\" role=\"alert\">There is no \
         page here. <a href=\"/\">Search the summaries</a>.</p></main>",
        header("", "", "/")
    );
    Reply::html(404, shell("Not found — nlmg-search", &body))
}

const DIALOG: &str = "<dialog id=\"reader\" aria-labelledby=\"reader-title\">\
    <div id=\"reader-body\"></div><form method=\"dialog\"><button class=\"close\">Close \
    <span aria-hidden=\"true\">(Esc)</span></button></form></dialog>";

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/static/page.css\">\
         <script src=\"/static/page.js\" defer></script></head><body>\
         <a class=\"skip\" href=\"#results\">Skip to results</a>{body}</body></html>",
        esc(title)
    )
}

fn header(text: &str, hidden: &str, current: &str) -> String {
    let mut tabs = String::new();
    for (label, path) in TABS {
        let cur = if *path == current {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(tabs, "<a href=\"{path}\"{cur}>{}</a>", esc(label));
    }
    format!(
        "<header class=\"top\"><p class=\"brand\"><a href=\"/\">nlmg-search</a></p>\
         <nav class=\"tabs\" aria-label=\"Views\">{tabs}</nav>\
         <form id=\"search\" role=\"search\" action=\"/\" method=\"get\">\
         <label for=\"q\">Search the summaries</label><div class=\"row\">\
         <input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" autocomplete=\"off\" \
         spellcheck=\"false\" aria-describedby=\"keys\" aria-controls=\"results\" \
         placeholder=\"a word, a &quot;phrase&quot; or a question\">\
         <button type=\"submit\">Search</button></div>\
         <div id=\"hidden\">{hidden}</div>\
         <p id=\"keys\" class=\"keys\">Press <kbd>/</kbd> to search, <kbd>↑</kbd> <kbd>↓</kbd> \
         to move between results, <kbd>Enter</kbd> to open one, <kbd>Esc</kbd> to clear.</p>\
         </form></header>",
        esc(text)
    )
}

/// The filters of the query as hidden inputs, so submitting the form keeps them.
fn hidden_filters(query: &Query) -> String {
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

fn field_label(field: &str) -> &'static str {
    match field {
        "theme" => "Theme",
        "character" => "Character",
        "kind" => "Kind",
        "part" => "Part",
        "source" => "Source",
        "section" => "Section",
        "page" => "Page",
        _ => "Filter",
    }
}

fn value_label(engine: &Engine, field: &str, value: &str) -> String {
    match field {
        "part" => format!("Part {value}"),
        "source" => engine.source_title(value),
        _ => value.to_string(),
    }
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
                 aria-pressed=\"{on}\"><span class=\"name\">{}</span> <span class=\"count\" \
                 aria-label=\"{count} passages\">{count}</span></a></li>",
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

fn place(p: &Passage, source_title: &str) -> String {
    if p.section.is_empty() {
        source_title.to_string()
    } else {
        p.section.join(SECTION_SEP)
    }
}

fn pages(pages: &[u32]) -> String {
    let list: Vec<String> = pages.iter().map(u32::to_string).collect();
    match pages.len() {
        0 => String::new(),
        1 => format!("p. {}", list[0]),
        _ => format!("pp. {}", list.join(", ")),
    }
}

fn meta_line(p: &Passage, source_title: &str) -> String {
    let mut parts = vec![format!(
        "<span class=\"source\">{}</span>",
        esc(source_title)
    )];
    if !p.pages.is_empty() {
        parts.push(esc(&pages(&p.pages)));
    }
    if let Some(part) = p.part {
        parts.push(format!("Part {part}"));
    }
    parts.push(esc(p.kind.as_str()));
    parts.join(" · ")
}

fn chips(out: &mut String, p: &Passage, query: &Query) {
    if p.characters.is_empty() && p.themes.is_empty() {
        return;
    }
    out.push_str("<ul class=\"chips\" aria-label=\"Characters and themes\">");
    for (field, values) in [("character", &p.characters), ("theme", &p.themes)] {
        for value in values {
            let on = query
                .all(field)
                .iter()
                .any(|s| s.eq_ignore_ascii_case(value));
            let (href, label) = if on {
                (
                    query.toggled(field, value),
                    format!("Remove filter {field} {value}"),
                )
            } else {
                (
                    query.toggled(field, value),
                    format!("Only passages with {field} {value}"),
                )
            };
            let _ = write!(
                out,
                "<li><a class=\"chip {field}{}\" href=\"/?{}\" title=\"{}\">{}</a></li>",
                if on { " on" } else { "" },
                esc(&href),
                esc(&label),
                esc(value)
            );
        }
    }
    out.push_str("</ul>");
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

fn passage_html(view: &JsonPassageView, query: &Query) -> String {
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
            esc(&b.text)
        );
    }
    let _ = write!(out, "<p class=\"current\">{}</p>", esc(&p.text));
    for a in &view.after {
        let _ = write!(
            out,
            "<p class=\"neighbour\"><span class=\"visually-hidden\">After: </span>{}</p>",
            esc(&a.text)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_marked_by_byte_ranges() {
        for (text, ranges, want) in [
            ("a <b> c", &[][..], "a &lt;b&gt; c"),
            (
                "deferral & hope",
                &[[0, 8]][..],
                "<mark>deferral</mark> &amp; hope",
            ),
            ("x \"y\" z", &[[2, 5]][..], "x <mark>&quot;y&quot;</mark> z"),
            // Overlapping, reversed, past the end, inside a character: skipped.
            ("ab", &[[0, 1], [0, 2], [5, 9]][..], "<mark>a</mark>b"),
            ("é", &[[1, 2]][..], "é"),
        ] {
            assert_eq!(marked(text, ranges), want, "{text}");
        }
        assert_eq!(esc("'<script>'"), "&#39;&lt;script&gt;&#39;");
    }

    #[test]
    fn page_numbers_read_as_a_reader_writes_them() {
        assert_eq!(pages(&[]), "");
        assert_eq!(pages(&[58]), "p. 58");
        assert_eq!(pages(&[58, 59]), "pp. 58, 59");
    }
}
