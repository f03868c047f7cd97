//! The browsing views in the JSON API (docs/api.md): each answers with the records its
//! command's `--json` prints, the items without their `"type"` and the closing summary as is.
//!
//! - `GET /api/quotes?character=…&theme=…` → [`JsonQuotes`]
//! - `GET /api/kwic?q=TERM&width=N&sort=left|right` → [`JsonKwic`]
//! - `GET /api/matrix?part=…` → [`JsonMatrix`]
//! - `GET /api/character/<name>` → [`JsonCharacter`]
//!
//! The views take the filters their commands take (theme, character, source, part, page), and
//! a bad request is HTTP 400 with the command line's message.

use serde::{Deserialize, Serialize};

use super::api;
use super::params::Query;
use super::routes::Reply;
use super::Loaded;
use crate::error::{Error, Result};
use crate::output::views::{
    character_summary, kwic_summary, matrix_summary, quotes_summary, CharacterLine, KwicLine,
    MatrixLine, QuotesLine,
};
use crate::search::Filters;
use crate::views::character::{self, Card};
use crate::views::kwic::{self, Line, Sort};
use crate::views::matrix::{self, Cell};
use crate::views::quotes::{self, Quote};

/// The filters the view commands take (`quotes --help`): a view has no query to rank by, so
/// `kind` and `section` are search-only.
pub const VIEW_FILTERS: [&str; 5] = ["theme", "character", "source", "part", "page"];

/// Parameters `/api/kwic` takes besides the filters.
pub const KWIC_PARAMS: [&str; 3] = ["q", "width", "sort"];

/// Default words of context a side, as `kwic --width`.
pub const DEFAULT_WIDTH: usize = 6;

/// `GET /api/quotes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonQuotes {
    /// Each distinct quotation, as `quotes --json` prints it (without `"type"`).
    pub quotes: Vec<Quote>,
    /// The summary line of `quotes --json`.
    pub summary: QuotesLine,
}

/// `GET /api/kwic`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonKwic {
    /// Each occurrence, as `kwic --json` prints it (without `"type"`).
    pub lines: Vec<Line>,
    /// The summary line of `kwic --json`.
    pub summary: KwicLine,
}

/// `GET /api/matrix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonMatrix {
    /// Every pair, row by row, as `matrix --json` prints them (without `"type"`).
    pub cells: Vec<Cell>,
    /// The summary line of `matrix --json`: rows, columns and their totals.
    pub summary: MatrixLine,
}

/// `GET /api/character/<name>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonCharacter {
    /// The card, as `character --json` prints it (without `"type"`).
    pub character: Card,
    /// The summary line of `character --json`.
    pub summary: CharacterLine,
}

/// The filters of a view's query string, refusing parameters the view does not take.
pub fn view_filters(query: &Query, extra: &[&str]) -> Result<Filters> {
    let known: Vec<&str> = VIEW_FILTERS.iter().chain(extra).copied().collect();
    query.refuse_unknown(&known)?;
    Ok(Filters {
        theme: query.all("theme"),
        character: query.all("character"),
        source: query.all("source"),
        part: query.all("part"),
        page: query.all("page"),
        ..Filters::default()
    })
}

/// The quotations `query`'s filters admit.
pub fn quotes_of(loaded: &Loaded, query: &Query) -> Result<Vec<Quote>> {
    let filters = view_filters(query, &[])?;
    quotes::for_filters(&loaded.engine, loaded.cues()?, &filters)
}

/// The concordance options of a query string: `q` the term, `width`, `sort`.
pub fn kwic_options(query: &Query) -> Result<kwic::Options> {
    let width = match query.get("width").map(str::trim) {
        None | Some("") => DEFAULT_WIDTH,
        Some(w) => w.parse().map_err(|_| {
            Error::Usage(format!(
                "--width {w} is out of range: give 1 to {} words",
                kwic::MAX_WIDTH
            ))
        })?,
    };
    let sort = match query.get("sort").map(str::trim) {
        None | Some("") | Some("text") => Sort::Text,
        Some("left") => Sort::Left,
        Some("right") => Sort::Right,
        Some(s) => {
            return Err(Error::Usage(format!(
                "invalid value {s:?} for --sort: give text, left or right"
            )))
        }
    };
    let options = kwic::Options {
        term: query.text(),
        width,
        sort,
    };
    options.check()?;
    Ok(options)
}

/// The concordance lines for a query string.
pub fn kwic_of(loaded: &Loaded, query: &Query) -> Result<(kwic::Options, Vec<Line>)> {
    let filters = view_filters(query, &KWIC_PARAMS)?;
    let options = kwic_options(query)?;
    let lines = kwic::for_filters(&loaded.engine, &filters, &options)?;
    Ok((options, lines))
}

/// The table for a query string's filters.
pub fn matrix_of(loaded: &Loaded, query: &Query) -> Result<matrix::Matrix> {
    let filters = view_filters(query, &[])?;
    matrix::for_filters(&loaded.engine, &filters)
}

/// The card of the character a user names (any alias).
pub fn card_of(loaded: &Loaded, name: &str, query: &Query) -> Result<Card> {
    query.refuse_unknown(&[])?;
    character::for_name(&loaded.engine, loaded.cues()?, name)
}

fn answer<T: Serialize>(value: Result<T>) -> Reply {
    match value {
        Ok(v) => Reply::json(200, &v),
        Err(e) => Reply::error(api::status(&e), &e.to_string()),
    }
}

/// `GET /api/quotes`.
pub fn quotes(loaded: &Loaded, query: &Query) -> Reply {
    answer(quotes_of(loaded, query).map(|quotes| JsonQuotes {
        summary: quotes_summary(&quotes),
        quotes,
    }))
}

/// `GET /api/kwic`.
pub fn kwic(loaded: &Loaded, query: &Query) -> Reply {
    answer(kwic_of(loaded, query).map(|(options, lines)| JsonKwic {
        summary: kwic_summary(&options.term, &lines),
        lines,
    }))
}

/// `GET /api/matrix`.
pub fn matrix(loaded: &Loaded, query: &Query) -> Reply {
    answer(matrix_of(loaded, query).map(|m| JsonMatrix {
        summary: matrix_summary(&m),
        cells: m.cells,
    }))
}

/// `GET /api/character/<name>`.
pub fn character(loaded: &Loaded, name: &str, query: &Query) -> Reply {
    answer(card_of(loaded, name, query).map(|card| JsonCharacter {
        summary: character_summary(&card),
        character: card,
    }))
}
