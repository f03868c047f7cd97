//! What every page shares: escaping and marking, the document shell, the header with the
//! search box and the view tabs, and how a passage's place, pages and tags read.
//!
//! Every value from the index or the request is escaped ([`esc`]); highlights are the byte
//! ranges the excerpt stage gives, turned into `<mark>` here and nowhere else.

use std::fmt::Write as _;

use super::params::Query;
use crate::index::SECTION_SEP;
use crate::model::Passage;
use crate::search::Engine;

/// The views, as tabs in the page header: (label, path). A new view adds its tab here and its
/// route in [`super::routes`].
pub const TABS: &[(&str, &str)] = &[
    ("Search", "/"),
    ("Quotations", "/quotes"),
    ("Characters", "/characters"),
    ("Themes × characters", "/matrix"),
    ("Concordance", "/concordance"),
];

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

pub const DIALOG: &str = "<dialog id=\"reader\" aria-labelledby=\"reader-title\">\
    <div id=\"reader-body\"></div><form method=\"dialog\"><button class=\"close\">Close \
    <span aria-hidden=\"true\">(Esc)</span></button></form></dialog>";

pub fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/static/page.css\">\
         <script src=\"/static/page.js\" defer></script></head><body>\
         <a class=\"skip\" href=\"#results\">Skip to results</a>{body}</body></html>",
        esc(title)
    )
}

pub fn header(text: &str, hidden: &str, current: &str) -> String {
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

pub fn field_label(field: &str) -> &'static str {
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

pub fn value_label(engine: &Engine, field: &str, value: &str) -> String {
    match field {
        "part" => format!("Part {value}"),
        "source" => engine.source_title(value),
        _ => value.to_string(),
    }
}

pub fn place(p: &Passage, source_title: &str) -> String {
    if p.section.is_empty() {
        source_title.to_string()
    } else {
        p.section.join(SECTION_SEP)
    }
}

pub fn pages(pages: &[u32]) -> String {
    let list: Vec<String> = pages.iter().map(u32::to_string).collect();
    match pages.len() {
        0 => String::new(),
        1 => format!("p. {}", list[0]),
        _ => format!("pp. {}", list.join(", ")),
    }
}

pub fn meta_line(p: &Passage, source_title: &str) -> String {
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

pub fn chips(out: &mut String, p: &Passage, query: &Query) {
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
