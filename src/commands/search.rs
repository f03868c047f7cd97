//! The default command: `nlmg-search [OPTIONS] <QUERY>`.

use std::io::Write;

use super::{ColorMode, Outcome, Paths};
use crate::error::{Error, Result};
use crate::output;
use crate::search::{Filters, Ranking, Request};

/// Most sentences of context accepted by `-C`.
const MAX_CONTEXT: usize = 20;

/// Search options as parsed; validated into a [`Request`] before any work.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    pub query: String,
    pub filters: Filters,
    pub limit: usize,
    pub context: usize,
    pub json: bool,
    pub color: ColorMode,
    pub rebuild_if_damaged: bool,
    pub ranking: Ranking,
}

impl SearchOptions {
    /// The request these options describe, or a usage error.
    pub fn request(&self) -> Result<Request> {
        if self.limit == 0 {
            return Err(Error::Usage("--limit must be at least 1".into()));
        }
        if self.context > MAX_CONTEXT {
            return Err(Error::Usage(format!(
                "-C {} is more context than an excerpt can use; at most {MAX_CONTEXT}",
                self.context
            )));
        }
        let filters = self.filters.clone();
        if self.query.trim().is_empty() && filters.is_empty() {
            return Err(Error::Usage(
                "nothing to search for: give a query (nlmg-search deferral) or a filter (--theme memory)"
                    .into(),
            ));
        }
        Ok(Request {
            query: self.query.clone(),
            filters,
            limit: self.limit,
            context: self.context,
            ranking: self.ranking,
        })
    }
}

pub fn run(paths: &Paths, options: SearchOptions, out: &mut dyn Write) -> Result<Outcome> {
    let request = options.request()?;
    super::index::ensure(paths, options.rebuild_if_damaged)?;
    let engine = super::index::open_engine(paths, options.rebuild_if_damaged)?;
    let response = engine.search(&request)?;
    for n in &response.notes {
        output::note(n);
    }
    if options.json {
        output::hits::write_json(out, &response)?;
    } else {
        output::hits::write_text(out, &response, output::use_colour(options.color))?;
    }
    Ok(if response.hits.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_become_a_request_or_a_usage_error() {
        let ok = SearchOptions {
            query: "deferral".into(),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(ok.request().unwrap().query, "deferral");
        for bad in [
            SearchOptions {
                limit: 0,
                ..ok.clone()
            },
            SearchOptions {
                context: 99,
                ..ok.clone()
            },
            SearchOptions {
                query: "  ".into(),
                ..ok.clone()
            },
        ] {
            assert!(matches!(bad.request(), Err(Error::Usage(_))), "{bad:?}");
        }
        let filters_only = SearchOptions {
            query: String::new(),
            filters: Filters {
                theme: vec!["memory".into()],
                ..Filters::default()
            },
            ..ok
        };
        assert!(filters_only.request().is_ok());
    }
}
