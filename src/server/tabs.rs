//! The teacher's views as tabs of the page: Quotations, Characters (with a card each), Themes ×
//! characters, and Concordance. Each is the library view the command line prints
//! ([`crate::views`], through [`super::api_views`]), rendered on the server so it works without
//! JavaScript, and every entry links to the search (or the passage) that shows its passages.

use std::fmt::Write as _;

use super::api;
use super::api_views::{self, VIEW_FILTERS};
use super::html::{esc, field_label, header, pages, shell, value_label, DIALOG};
use super::params::{encode, encode_segment, Query};
use super::routes::Reply;
use super::Loaded;
use crate::error::Error;
use crate::index::SECTION_SEP;
use crate::search::Engine;
use crate::views::quotes::Quote;

/// Concordance lines shown at most: a common word has thousands, and a filter narrows them.
pub const MAX_KWIC_LINES: usize = 500;

/// Words of a quotation searched for as a phrase to find its passages.
const PHRASE_WORDS: usize = 8;

/// A whole page for a tab: the shared header with `current` marked, then `body`.
fn page(current: &str, title: &str, status: u16, body: &str) -> Reply {
    let body = format!(
        "{}<main id=\"view\" class=\"single view\" tabindex=\"-1\">{body}</main>{DIALOG}",
        header("", "", current)
    );
    let html = shell(&format!("{title} — nlmg-search"), &body);
    Reply::html(
        status,
        html.replacen("href=\"#results\"", "href=\"#view\"", 1),
    )
}

fn error_html(e: &Error) -> (u16, String) {
    (
        api::status(e),
        format!(
            "<p class=\"error\" role=\"alert\">{}</p>",
            esc(&e.to_string())
        ),
    )
}

/// `/?…` for a search.
fn search_href(pairs: &[(&str, &str)]) -> String {
    format!("/?{}", encode(pairs))
}

fn passage_href(id: &str, q: &str) -> String {
    if q.is_empty() {
        format!("/passage/{}", encode_segment(id))
    } else {
        format!("/passage/{}?{}", encode_segment(id), encode(&[("q", q)]))
    }
}

/// The filter form of a view: a select per filter, values from the index with their counts,
/// plus `extra` inputs (the concordance's term). Submitting it reloads the view.
fn filter_form(engine: &Engine, query: &Query, action: &str, extra: &str) -> String {
    let mut out = format!(
        "<form class=\"view-filters\" method=\"get\" action=\"{action}\" \
         aria-label=\"Filters\">{extra}"
    );
    for field in VIEW_FILTERS.iter().filter(|f| **f != "page") {
        let chosen = query.all(field);
        let _ = write!(
            out,
            "<label>{} <select name=\"{field}\"><option value=\"\">any</option>",
            field_label(field)
        );
        let mut values: Vec<(String, u64)> = engine.meta().values(field).into_iter().collect();
        if *field != "part" {
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        for (v, n) in values {
            let sel = if chosen.iter().any(|c| c.eq_ignore_ascii_case(&v)) {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<option value=\"{}\"{sel}>{} ({n})</option>",
                esc(&v),
                esc(&value_label(engine, field, &v))
            );
        }
        out.push_str("</select></label>");
    }
    out.push_str("<button type=\"submit\">Show</button></form>");
    out
}

/// The first words of a quotation, as a phrase query that finds the passages giving it.
fn phrase_of(text: &str) -> String {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .take(PHRASE_WORDS)
        .collect();
    format!("\"{}\"", words.join(" "))
}

/// One quotation as a list item: its words, who says it, its pages, and where it appears.
fn quote_html(out: &mut String, engine: &Engine, q: &Quote) {
    let _ = write!(
        out,
        "<li class=\"quote\"><blockquote>{}</blockquote><p class=\"meta\">",
        esc(&q.text)
    );
    let mut meta = vec![];
    match (&q.speaker, q.speaker_from, &q.disagreement) {
        (Some(s), from, _) => meta.push(format!(
            "<span class=\"speaker\">{}</span>{}",
            esc(s),
            from.map(|f| format!(
                " <span class=\"how\">(from the {})</span>",
                esc(&f.as_str().replace('_', "-"))
            ))
            .unwrap_or_default()
        )),
        (None, _, Some(_)) => meta.push("sources disagree on the speaker".into()),
        (None, _, None) => meta.push("speaker not given".into()),
    }
    if !q.pages.is_empty() {
        meta.push(esc(&pages(&q.pages)));
    }
    if let Some(p) = q.part {
        meta.push(format!("Part {p}"));
    }
    out.push_str(&meta.join(" · "));
    out.push_str("</p>");
    if let Some(d) = &q.disagreement {
        let _ = write!(out, "<p class=\"note\">{}</p>", esc(d));
    }
    out.push_str("<p class=\"also\">In: ");
    for (i, s) in q.sources.iter().enumerate() {
        let pg = if s.pages.is_empty() {
            String::new()
        } else {
            format!(" ({})", pages(&s.pages))
        };
        let _ = write!(
            out,
            "{}<a class=\"open\" href=\"{}\" data-id=\"{}\">{}</a>{}",
            if i > 0 { "; " } else { "" },
            esc(&passage_href(&s.id, "")),
            esc(&s.id),
            esc(&engine.source_title(&s.source)),
            esc(&pg)
        );
    }
    let _ = write!(
        out,
        " · <a class=\"search\" href=\"{}\">Search for it</a></p></li>",
        esc(&search_href(&[("q", &phrase_of(&q.text))]))
    );
}

/// `GET /quotes`: each distinct quotation once.
pub fn quotes(loaded: &Loaded, query: &Query) -> Reply {
    let engine = &loaded.engine;
    let mut body = String::from(
        "<h1>Quotations</h1><p class=\"lede\">Each quotation once, with who says it where a \
         source says so, its pages, and every passage that gives it.</p>",
    );
    body.push_str(&filter_form(engine, query, "/quotes", ""));
    let (status, list) = match api_views::quotes_of(loaded, query) {
        Ok(quotes) => {
            let mut out = format!(
                "<p class=\"status\" role=\"status\">{} quotations, {} with a speaker.</p>\
                 <ol class=\"quotes\">",
                quotes.len(),
                quotes.iter().filter(|q| q.speaker.is_some()).count()
            );
            for q in &quotes {
                quote_html(&mut out, engine, q);
            }
            out.push_str("</ol>");
            (200, out)
        }
        Err(e) => error_html(&e),
    };
    body.push_str(&list);
    page("/quotes", "Quotations", status, &body)
}

/// `GET /characters`: every character with their passages.
pub fn characters(loaded: &Loaded, query: &Query) -> Reply {
    if let Err(e) = query.refuse_unknown(&[]) {
        let (status, html) = error_html(&e);
        return page("/characters", "Characters", status, &html);
    }
    let engine = &loaded.engine;
    let counts = engine.meta().values("character");
    let mut body = String::from(
        "<h1>Characters</h1><p class=\"lede\">Open a character for what the sources say about \
         them, their themes, their quotations and the best passages.</p><ul class=\"cards\">",
    );
    for c in &engine.lexicon().characters {
        let n = counts.get(&c.name).copied().unwrap_or(0);
        let aliases: Vec<&str> = c
            .aliases
            .iter()
            .map(String::as_str)
            .filter(|a| *a != c.name)
            .collect();
        let _ = write!(
            body,
            "<li><a class=\"name\" href=\"/characters/{}\">{}</a>{} · <a href=\"{}\">{n} \
             passages</a></li>",
            esc(&encode_segment(&c.name)),
            esc(&c.name),
            if aliases.is_empty() {
                String::new()
            } else {
                format!(
                    " <span class=\"aliases\">({})</span>",
                    esc(&aliases.join(", "))
                )
            },
            esc(&search_href(&[("character", &c.name)]))
        );
    }
    body.push_str("</ul>");
    page("/characters", "Characters", 200, &body)
}

/// `GET /characters/<name>`: a character's card.
pub fn character(loaded: &Loaded, name: &str, query: &Query) -> Reply {
    let engine = &loaded.engine;
    let card = match api_views::card_of(loaded, name, query) {
        Ok(c) => c,
        Err(e) => {
            let (status, html) = error_html(&e);
            return page("/characters", "Characters", status, &html);
        }
    };
    let n = &card.name;
    let mut b = format!("<h1>{}</h1>", esc(n));
    if !card.aliases.is_empty() {
        let _ = write!(
            b,
            "<p class=\"aliases\">Also written: {}</p>",
            esc(&card.aliases.join(", "))
        );
    }
    let _ = write!(
        b,
        "<p><a href=\"{}\">All {} passages about {}</a></p>",
        esc(&search_href(&[("character", n)])),
        card.passages,
        esc(n)
    );
    if !card.description.is_empty() {
        b.push_str("<h2>What the sources say</h2>");
        for d in &card.description {
            let _ = write!(
                b,
                "<blockquote class=\"description\">{}<footer><a class=\"open\" href=\"{}\" \
                 data-id=\"{}\">{}</a></footer></blockquote>",
                esc(&d.text),
                esc(&passage_href(&d.id, "")),
                esc(&d.id),
                esc(&engine.source_title(&d.source))
            );
        }
    }
    if !card.parts.is_empty() {
        b.push_str("<h2>Parts of the novel</h2><ul class=\"counts\">");
        for (part, count) in &card.parts {
            let _ = write!(
                b,
                "<li><a href=\"{}\">Part {}</a> <span class=\"count\">{count}</span></li>",
                esc(&search_href(&[("character", n), ("part", part)])),
                esc(part)
            );
        }
        b.push_str("</ul>");
    }
    if !card.themes.is_empty() {
        b.push_str("<h2>Themes</h2><ul class=\"counts\">");
        for t in &card.themes {
            let _ = write!(
                b,
                "<li><a href=\"{}\">{}</a> <span class=\"count\">{}</span></li>",
                esc(&search_href(&[("character", n), ("theme", &t.theme)])),
                esc(&t.theme),
                t.count
            );
        }
        b.push_str("</ul>");
    }
    if !card.quotations.is_empty() {
        b.push_str("<h2>Quotations</h2><ol class=\"quotes\">");
        for q in &card.quotations {
            quote_html(&mut b, engine, q);
        }
        b.push_str("</ol>");
    }
    if !card.best.is_empty() {
        b.push_str("<h2>Best passages</h2><ol class=\"best\">");
        for p in &card.best {
            let _ = write!(
                b,
                "<li><a class=\"open\" href=\"{}\" data-id=\"{}\">{}</a><p>{}</p></li>",
                esc(&passage_href(&p.id, n)),
                esc(&p.id),
                esc(&if p.section.is_empty() {
                    engine.source_title(&p.source)
                } else {
                    p.section.join(SECTION_SEP)
                }),
                esc(&p.excerpt)
            );
        }
        b.push_str("</ol>");
    }
    page("/characters", n, 200, &b)
}

/// `GET /matrix`: characters × themes, each count linking to the search for the pair.
pub fn matrix(loaded: &Loaded, query: &Query) -> Reply {
    let engine = &loaded.engine;
    let mut body = String::from(
        "<h1>Themes × characters</h1><p class=\"lede\">How many passages go with each \
         character and theme; a number opens those passages.</p>",
    );
    body.push_str(&filter_form(engine, query, "/matrix", ""));
    let m = match api_views::matrix_of(loaded, query) {
        Ok(m) => m,
        Err(e) => {
            let (status, html) = error_html(&e);
            body.push_str(&html);
            return page("/matrix", "Themes × characters", status, &body);
        }
    };
    // The filters in force, kept on every drill-down link.
    let kept: Vec<(&str, String)> = VIEW_FILTERS
        .iter()
        .flat_map(|f| query.all(f).into_iter().map(move |v| (*f, v)))
        .collect();
    let href = |extra: &[(&str, &str)]| {
        let mut pairs: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.extend_from_slice(extra);
        search_href(&pairs)
    };
    body.push_str(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Themes × \
         characters\"><table class=\"matrix\"><caption>Passages per character and theme\
         </caption><thead><tr><th scope=\"col\">Character</th>",
    );
    for t in &m.themes {
        let _ = write!(
            body,
            "<th scope=\"col\"><a href=\"{}\">{}</a></th>",
            esc(&href(&[("theme", t)])),
            esc(t)
        );
    }
    body.push_str("</tr></thead><tbody>");
    for (r, c) in m.characters.iter().enumerate() {
        let _ = write!(
            body,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th>",
            esc(&href(&[("character", c)])),
            esc(c)
        );
        for (k, t) in m.themes.iter().enumerate() {
            let cell = &m.cells[r * m.themes.len() + k];
            if cell.count == 0 {
                body.push_str("<td class=\"zero\">0</td>");
            } else {
                let _ = write!(
                    body,
                    "<td><a href=\"{}\" aria-label=\"{} passages with {} and {}\">{}</a></td>",
                    esc(&href(&[("character", c), ("theme", t)])),
                    cell.count,
                    esc(c),
                    esc(t),
                    cell.count
                );
            }
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></div>");
    page("/matrix", "Themes × characters", 200, &body)
}

/// `GET /concordance?q=TERM`: every use of a word or phrase, aligned on it.
pub fn concordance(loaded: &Loaded, query: &Query) -> Reply {
    let engine = &loaded.engine;
    let term = query.text();
    let width = query.get("width").unwrap_or("").trim().to_string();
    let sort = query.get("sort").unwrap_or("").trim().to_string();
    let opt = |v: &str, label: &str| {
        format!(
            "<option value=\"{v}\"{}>{label}</option>",
            if sort == v { " selected" } else { "" }
        )
    };
    let extra = format!(
        "<label>Word or phrase <input name=\"q\" type=\"search\" value=\"{}\" \
         autocomplete=\"off\"></label><label>Words a side <input name=\"width\" \
         type=\"number\" min=\"1\" max=\"{}\" value=\"{}\"></label><label>Order <select \
         name=\"sort\">{}{}{}</select></label>",
        esc(&term),
        crate::views::kwic::MAX_WIDTH,
        esc(if width.is_empty() { "6" } else { &width }),
        opt("text", "reading order"),
        opt("left", "by the words before"),
        opt("right", "by the words after"),
    );
    let mut body = String::from(
        "<h1>Concordance</h1><p class=\"lede\">Every use of a word (with its other forms) or \
         a phrase, lined up on it, with the passage it is in.</p>",
    );
    body.push_str(&filter_form(engine, query, "/concordance", &extra));
    if term.is_empty() {
        return page("/concordance", "Concordance", 200, &body);
    }
    let (options, lines) = match api_views::kwic_of(loaded, query) {
        Ok(x) => x,
        Err(e) => {
            let (status, html) = error_html(&e);
            body.push_str(&html);
            return page("/concordance", "Concordance", status, &body);
        }
    };
    let shown = lines.len().min(MAX_KWIC_LINES);
    let _ = write!(
        body,
        "<p class=\"status\" role=\"status\">{} {}{}. <a href=\"{}\">Search for {}</a></p>",
        lines.len(),
        if lines.len() == 1 { "use" } else { "uses" },
        if shown < lines.len() {
            format!("; the first {shown} (a filter narrows them)")
        } else {
            String::new()
        },
        esc(&search_href(&[("q", &options.term)])),
        esc(&options.term)
    );
    if shown == 0 {
        return page("/concordance", &options.term, 200, &body);
    }
    body.push_str(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Concordance\">\
         <table class=\"kwic\"><thead><tr><th scope=\"col\" class=\"left\">Before</th>\
         <th scope=\"col\">Match</th><th scope=\"col\">After</th><th scope=\"col\">Where</th>\
         </tr></thead><tbody>",
    );
    for l in &lines[..shown] {
        let part = l.part.map(|p| format!(", Part {p}")).unwrap_or_default();
        let _ = write!(
            body,
            "<tr><td class=\"left\">{}</td><td class=\"match\"><a class=\"open\" href=\"{}\" \
             data-id=\"{}\"><mark>{}</mark></a></td><td class=\"right\">{}</td>\
             <td class=\"where\">{}{}</td></tr>",
            esc(&l.left),
            esc(&passage_href(&l.id, &options.term)),
            esc(&l.id),
            esc(&l.matched),
            esc(&l.right),
            esc(&engine.source_title(&l.source)),
            esc(&part)
        );
    }
    body.push_str("</tbody></table></div>");
    page("/concordance", &options.term, 200, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quotation_is_searched_for_by_its_first_words_as_a_phrase() {
        for (text, want) in [
            ("Never let me go.", "\"Never let me go\""),
            (
                "You were told and not told, and none of you understood it",
                "\"You were told and not told and none\"",
            ),
            ("I'm a carer", "\"I'm a carer\""),
        ] {
            assert_eq!(phrase_of(text), want);
        }
    }
}
