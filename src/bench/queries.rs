//! The query set: one line per query with its kind and filters, parsed and checked against
//! the corpus.

use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Kind;

/// What sort of query a line of the query set is, so latency can be read per kind: the kinds
/// stress different paths (a phrase needs positions, a typo needs fuzzy expansion, a filter-only
/// query scores nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueryKind {
    /// One word.
    Word,
    /// Several words, no operators.
    Words,
    /// A plain-language question.
    Question,
    /// A quoted phrase.
    Phrase,
    /// A misspelt word that should still find something.
    Typo,
    /// Words plus one or more filters.
    Filtered,
    /// Filters and no words.
    FilterOnly,
    /// AND / OR / NOT / -exclusion.
    Operators,
}

impl QueryKind {
    pub const ALL: [QueryKind; 8] = [
        QueryKind::Word,
        QueryKind::Words,
        QueryKind::Question,
        QueryKind::Phrase,
        QueryKind::Typo,
        QueryKind::Filtered,
        QueryKind::FilterOnly,
        QueryKind::Operators,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueryKind::Word => "word",
            QueryKind::Words => "words",
            QueryKind::Question => "question",
            QueryKind::Phrase => "phrase",
            QueryKind::Typo => "typo",
            QueryKind::Filtered => "filtered",
            QueryKind::FilterOnly => "filter-only",
            QueryKind::Operators => "operators",
        }
    }

    pub fn parse(s: &str) -> Option<QueryKind> {
        QueryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for QueryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The search filters of one benchmark query: the search engine's own type, so a benchmark
/// query is exactly what the command line would ask for.
pub use crate::search::Filters as QueryFilters;

/// The list a `--flag` of the query file adds its value to.
fn slot<'a>(filters: &'a mut QueryFilters, flag: &str) -> Option<&'a mut Vec<String>> {
    Some(match flag {
        "theme" => &mut filters.theme,
        "character" => &mut filters.character,
        "section" => &mut filters.section,
        "source" => &mut filters.source,
        "kind" => &mut filters.kind,
        "part" => &mut filters.part,
        "page" => &mut filters.page,
        _ => return None,
    })
}

/// One line of the query set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenchQuery {
    /// 1-based line number in the query file, to point back at it.
    pub line: usize,
    pub kind: QueryKind,
    /// The query as a user would type it (empty for filter-only queries).
    pub text: String,
    pub filters: QueryFilters,
}

impl BenchQuery {
    /// How the query reads on a command line: `text --flag value …`.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if !self.text.is_empty() {
            parts.push(self.text.clone());
        }
        let f = &self.filters;
        for (flag, values) in [
            ("theme", &f.theme),
            ("character", &f.character),
            ("section", &f.section),
            ("source", &f.source),
            ("kind", &f.kind),
            ("part", &f.part),
            ("page", &f.page),
        ] {
            for v in values {
                parts.push(format!("--{flag} {v}"));
            }
        }
        parts.join(" ")
    }
}

/// A query-file line that cannot be used, with its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses a query set: one query per line, `kind<TAB>query text[<TAB>filters]`, where filters are
/// command-line flags (`--theme memory --character miss emily`; words after a flag up to the next
/// flag are its value). Blank lines and lines starting with `#` are skipped. The first bad line is
/// an error naming it, because a silently dropped query would skew every number after it.
pub fn parse_queries(text: &str) -> std::result::Result<Vec<BenchQuery>, LineError> {
    let mut queries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let err = |message: String| LineError { line, message };
        let fields: Vec<&str> = raw.trim_end_matches(['\r', '\n']).split('\t').collect();
        if fields.len() < 2 || fields.len() > 3 {
            return Err(err(format!(
                "expected `kind<TAB>query[<TAB>filters]`, found {} tab-separated field(s)",
                fields.len()
            )));
        }
        let kind_name = fields[0].trim();
        let kind = QueryKind::parse(kind_name).ok_or_else(|| {
            let known: Vec<&str> = QueryKind::ALL.iter().map(|k| k.as_str()).collect();
            err(format!(
                "unknown query kind {kind_name:?}; kinds are: {}",
                known.join(", ")
            ))
        })?;
        let query = fields[1].trim().to_string();
        let filters = match fields.get(2) {
            Some(f) => parse_filters(f).map_err(err)?,
            None => QueryFilters::default(),
        };
        check_kind(kind, &query, &filters).map_err(err)?;
        queries.push(BenchQuery {
            line,
            kind,
            text: query,
            filters,
        });
    }
    Ok(queries)
}

fn parse_filters(s: &str) -> std::result::Result<QueryFilters, String> {
    let mut filters = QueryFilters::default();
    // The flag being filled and the words of its value so far.
    let mut current: Option<(String, Vec<&str>)> = None;
    let finish = |current: Option<(String, Vec<&str>)>,
                  filters: &mut QueryFilters|
     -> std::result::Result<(), String> {
        if let Some((flag, words)) = current {
            if words.is_empty() {
                return Err(format!("filter --{flag} has no value"));
            }
            let value = words.join(" ");
            if flag == "kind" && Kind::parse(&value).is_none() {
                let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                return Err(format!(
                    "--kind {value:?} is not a passage kind; kinds are: {}",
                    kinds.join(", ")
                ));
            }
            slot(filters, &flag)
                .expect("flag names are checked when read")
                .push(value);
        }
        Ok(())
    };
    for token in s.split_whitespace() {
        if let Some(flag) = token.strip_prefix("--") {
            finish(current.take(), &mut filters)?;
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (flag, None),
            };
            if slot(&mut filters, name).is_none() {
                return Err(format!(
                    "unknown filter --{name}; filters are --theme, --character, --section, \
                     --source, --kind, --part, --page"
                ));
            }
            let words = inline.filter(|v| !v.is_empty()).into_iter().collect();
            current = Some((name.to_string(), words));
        } else {
            match current.as_mut() {
                Some((_, words)) => words.push(token),
                None => {
                    return Err(format!(
                        "filters must start with a flag such as --theme, found {token:?}"
                    ))
                }
            }
        }
    }
    finish(current, &mut filters)?;
    Ok(filters)
}

/// Keeps the per-kind numbers honest: a line filed under a kind must be that kind of query.
fn check_kind(
    kind: QueryKind,
    query: &str,
    filters: &QueryFilters,
) -> std::result::Result<(), String> {
    let words = query.split_whitespace().count();
    let problem = match kind {
        QueryKind::FilterOnly if !query.is_empty() => Some("a filter-only query has no query text"),
        QueryKind::FilterOnly | QueryKind::Filtered if filters.is_empty() => {
            Some("this kind needs at least one filter in the third field")
        }
        QueryKind::FilterOnly => None,
        _ if query.is_empty() => Some("the query text is empty"),
        QueryKind::Word | QueryKind::Typo if words != 1 => Some("this kind is a single word"),
        QueryKind::Words | QueryKind::Question if words < 2 => {
            Some("this kind needs several words")
        }
        QueryKind::Phrase if query.matches('"').count() < 2 => {
            Some("a phrase query needs a \"quoted phrase\"")
        }
        QueryKind::Operators
            if !query.split_whitespace().any(|w| {
                matches!(w, "AND" | "OR" | "NOT") || (w.starts_with('-') && w.len() > 1)
            }) =>
        {
            Some("an operators query needs AND, OR, NOT or a -exclusion")
        }
        _ => None,
    };
    match problem {
        Some(p) => Err(p.to_string()),
        None => Ok(()),
    }
}

/// Reads and parses a query file; errors name the file and the line.
pub fn load_queries(path: &Path) -> Result<Vec<BenchQuery>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let queries = parse_queries(&text).map_err(|e| Error::Data {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if queries.is_empty() {
        return Err(Error::Data {
            path: path.to_path_buf(),
            message: "no queries in the file (only blank or # comment lines)".into(),
        });
    }
    Ok(queries)
}
