//! The query language: a query with quotes, AND/OR/NOT, a leading `-` or `+`, or parentheses
//! is bounded, repaired and read by tantivy's parser (with [`super::guard`] around it); a
//! search for quoted phrases alone also finds the passages discussing the quotation.

use std::collections::BTreeSet;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, QueryParser, QueryParserError};

use super::guard;
use super::retrieve::{TextQuery, CONTEXT_BOOST, HEADING_BOOST};
use super::{Engine, Ranking, MAX_NESTING, MAX_QUERY_BYTES};
use crate::error::{Error, Result};

impl Engine {
    pub(super) fn operator_query(
        &self,
        q: &str,
        ranking: Ranking,
        notes: &mut Vec<String>,
    ) -> Result<TextQuery> {
        if q.len() > MAX_QUERY_BYTES {
            return Err(Error::Query(format!(
                "the query is {} bytes long; at most {MAX_QUERY_BYTES} are accepted in a \
                 query with operators (quotes, AND, OR, NOT, -, parentheses)",
                q.len()
            )));
        }
        let repaired = repair(q)?;
        if let Some(note) = guard::nothing_to_search(q, &repaired) {
            notes.push(note);
            return Ok(TextQuery::Nothing);
        }
        let fields = if ranking.heading {
            vec![self.fields.text, self.fields.section]
        } else {
            vec![self.fields.text]
        };
        let mut parser = QueryParser::for_index(&self.index, fields);
        if ranking.heading {
            parser.set_field_boost(self.fields.section, HEADING_BOOST);
        }
        let (query, mut errors) = parser.parse_query_lenient(&repaired);
        let mut query = guard::guard_exclusions(query);
        // Exclusions alone are not an error: the parser reads them as every passage but those.
        let before = errors.len();
        errors.retain(|e| !matches!(e, QueryParserError::AllButQueryForbidden));
        if errors.len() < before {
            notes.push("only exclusions given: every passage without them".to_string());
        }
        if !errors.is_empty() {
            notes.push(format!(
                "parts of the query could not be read as written and were ignored: {}",
                errors
                    .iter()
                    .map(guard::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        // A search for a quotation also finds its discussion: the passage that continues the
        // one holding the phrase ("This reflection …"). Only for quoted phrases alone, so
        // AND, OR and exclusions keep meaning the passage's own words.
        if ranking.context && errors.is_empty() && only_phrases(&repaired) {
            let in_context = QueryParser::for_index(&self.index, vec![self.fields.context])
                .parse_query_lenient(&repaired)
                .0;
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Should, query),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(in_context, CONTEXT_BOOST)),
                ),
            ]));
        }
        let mut terms = BTreeSet::new();
        query.query_terms(&mut |t, _| {
            if t.field() == self.fields.text || t.field() == self.fields.section {
                if let Some(s) = t.value().as_str() {
                    terms.insert(s.to_string());
                }
            }
        });
        Ok(TextQuery::Query(query, terms.into()))
    }
}

/// Whether a (repaired) query is nothing but quoted phrases: `"we all complete"`.
pub(super) fn only_phrases(q: &str) -> bool {
    let mut rest = q.trim();
    let mut any = false;
    while let Some(after) = rest.strip_prefix('"') {
        let Some(end) = after.find('"') else {
            return false;
        };
        if after[..end].trim().is_empty() {
            return false;
        }
        any = true;
        rest = after[end + 1..].trim_start();
    }
    any && rest.is_empty()
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
