//! Query strings: decoded, bounded, and turned into the same validated
//! [`crate::search::Request`] the command line builds, with the CLI's messages for bad values.
//!
//! Parameter names are the CLI's flags without `--`: `q` (the query), `theme`, `character`,
//! `section`, `source`, `kind`, `part`, `page` (each repeatable: either value), `limit`,
//! `context`.

use crate::commands::search::SearchOptions;
use crate::error::{Error, Result};
use crate::search::{Filters, Request};

/// Longest request target answered (path and query string); longer is HTTP 414. Generous, so
/// that a long query reaches the engine and gets its own message (at most
/// [`crate::search::MAX_QUERY_BYTES`]) rather than this one.
pub const MAX_URL_BYTES: usize = 32 * 1024;

/// Most parameters in one query string.
pub const MAX_PARAMS: usize = 64;

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;

/// Hits when `limit` is not given: the CLI's default.
pub const DEFAULT_LIMIT: usize = 10;

/// Filter parameters, in the order the page shows them.
pub const FILTERS: [&str; 7] = [
    "theme",
    "character",
    "kind",
    "part",
    "source",
    "section",
    "page",
];

/// A decoded query string: name/value pairs in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub pairs: Vec<(String, String)>,
}

impl Query {
    /// Decodes `a=1&b=x+y` (form encoding: `+` is a space). Bytes that are not UTF-8 become
    /// U+FFFD rather than an error: a query is text, and the engine answers any text.
    pub fn parse(s: &str) -> Result<Query> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(s.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if pairs.len() > MAX_PARAMS {
            return Err(Error::Usage(format!(
                "{} parameters; at most {MAX_PARAMS} are accepted",
                pairs.len()
            )));
        }
        Ok(Query { pairs })
    }

    /// Every value of `name`, blank ones left out.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A usage error for the first parameter not in `known`: a misspelt filter silently ignored
    /// would show results the user did not ask for.
    pub fn refuse_unknown(&self, known: &[&str]) -> Result<()> {
        match self
            .pairs
            .iter()
            .find(|(k, _)| !known.contains(&k.as_str()))
        {
            Some((k, _)) => Err(Error::Usage(format!(
                "unknown parameter {k:?}; parameters are: {}",
                known.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// The query text (`q`), trimmed.
    pub fn text(&self) -> String {
        self.get("q").unwrap_or("").trim().to_string()
    }

    pub fn filters(&self) -> Filters {
        Filters {
            theme: self.all("theme"),
            character: self.all("character"),
            section: self.all("section"),
            source: self.all("source"),
            kind: self.all("kind"),
            part: self.all("part"),
            page: self.all("page"),
        }
    }

    /// A number parameter between 0 and `max`, `default` when absent.
    fn number(&self, name: &str, default: usize, max: usize) -> Result<usize> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n <= max => Ok(n),
                _ => Err(Error::Usage(format!(
                    "{name}={v:?} is not a number from 0 to {max}"
                ))),
            },
        }
    }

    /// The search these parameters describe, validated as the CLI validates its options.
    pub fn request(&self) -> Result<Request> {
        let limit = self.number("limit", DEFAULT_LIMIT, MAX_LIMIT)?;
        let context = self.number("context", 1, usize::MAX)?;
        SearchOptions {
            query: self.text(),
            filters: self.filters(),
            limit,
            context,
            ..SearchOptions::default()
        }
        .request()
    }

    /// `context` for a passage view: passages before and after, 1 by default, at most `max`.
    pub fn neighbours(&self, max: usize) -> Result<usize> {
        self.number("context", 1, max)
    }

    /// This query string with `name=value` added, or removed when present: the link a facet
    /// value or a tag chip carries. `q` and the other filters are kept; `limit` is kept too.
    pub fn toggled(&self, name: &str, value: &str) -> String {
        let present = self
            .pairs
            .iter()
            .any(|(k, v)| k == name && v.eq_ignore_ascii_case(value));
        let mut pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, v)| !(k == name && v.eq_ignore_ascii_case(value)))
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if !present {
            pairs.push((name, value));
        }
        encode(&pairs)
    }

    /// This query string without any filter: what "clear filters" links to.
    pub fn without_filters(&self) -> String {
        let pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, _)| !FILTERS.contains(&k.as_str()))
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        encode(&pairs)
    }

    /// The query string as the page's links repeat it (`q` and filters, blank values dropped).
    pub fn canonical(&self) -> String {
        let pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, v)| {
                (k == "q" || FILTERS.contains(&k.as_str()) || k == "limit") && !v.trim().is_empty()
            })
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        encode(&pairs)
    }
}

/// `a=1&b=x+y`.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// The path with percent-escapes decoded; `None` when that is not UTF-8.
pub fn decode_path(path: &str) -> Option<String> {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(|p| p.into_owned())
}

/// A path segment encoded for a link (passage ids hold `:`, which is fine, and nothing else
/// that needs it, but a corpus of another book may name its files otherwise).
pub fn encode_segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_and_become_requests_or_the_clis_errors() {
        for (qs, want) in [
            ("q=deferral", Ok(("deferral", 10))),
            ("q=told+and+not+told&limit=3", Ok(("told and not told", 3))),
            ("q=%22a%20b%22", Ok(("\"a b\"", 10))),
            ("theme=memory", Ok(("", 10))),
            ("q=x&limit=0", Err("--limit")),
            ("q=x&limit=101", Err("limit")),
            ("q=x&limit=ten", Err("limit")),
            ("q=x&context=99", Err("-C 99")),
            ("", Err("nothing to search for")),
            ("q=%20%20", Err("nothing to search for")),
        ] {
            let got = Query::parse(qs).unwrap().request();
            match (got, want) {
                (Ok(r), Ok((q, limit))) => {
                    assert_eq!((r.query.as_str(), r.limit), (q, limit), "{qs}")
                }
                (Err(e), Err(words)) => assert!(e.to_string().contains(words), "{qs}: {e}"),
                (got, want) => panic!("{qs}: got {got:?}, want {want:?}"),
            }
        }
        let r = Query::parse("theme=memory&theme=hope&part=2&q=x")
            .unwrap()
            .request()
            .unwrap();
        assert_eq!(r.filters.theme, ["memory", "hope"]);
        assert_eq!(r.filters.part, ["2"]);
    }

    #[test]
    fn unknown_parameters_and_too_many_are_refused() {
        let q = Query::parse("q=x&them=hope").unwrap();
        let e = q.refuse_unknown(&["q", "theme"]).unwrap_err().to_string();
        assert!(e.contains("\"them\""), "{e}");
        assert!(Query::parse(&"a=1&".repeat(MAX_PARAMS + 1)).is_err());
        assert_eq!(
            Query::parse("q=%FF").unwrap().text(),
            "\u{fffd}",
            "bad bytes are text, not an error"
        );
    }

    #[test]
    fn facet_links_toggle_one_value_and_keep_the_rest() {
        let q = Query::parse("q=deferral&theme=hope").unwrap();
        assert_eq!(
            q.toggled("theme", "memory"),
            "q=deferral&theme=hope&theme=memory"
        );
        assert_eq!(q.toggled("theme", "Hope"), "q=deferral");
        assert_eq!(q.toggled("part", "2"), "q=deferral&theme=hope&part=2");
        assert_eq!(q.without_filters(), "q=deferral");
        assert_eq!(
            Query::parse("q=a+b&fragment=1").unwrap().canonical(),
            "q=a+b"
        );
    }

    #[test]
    fn paths_decode_or_are_refused() {
        assert_eq!(decode_path("/a%2Fb").as_deref(), Some("/a/b"));
        assert_eq!(decode_path("/%2e%2e/x").as_deref(), Some("/../x"));
        assert_eq!(decode_path("/%FF"), None);
        assert_eq!(encode_segment("guide:12"), "guide%3A12");
    }
}
