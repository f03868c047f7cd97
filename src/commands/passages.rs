//! `nlmg-search passages [--source S] [--json]`: every passage with its tags, for inspection.

use std::io::Write;

use super::{Outcome, Paths};
use crate::error::{Error, Result};
use crate::index;
use crate::ingest;
use crate::output;
use crate::suggest::{self, Filter};

const SOURCE: Filter<'static> = Filter {
    what: "source",
    plural: "sources",
    list: "sources",
};

#[derive(Debug, Clone, Default)]
pub struct PassagesConfig {
    pub sources: Vec<String>,
    pub json: bool,
}

pub fn run(paths: &Paths, config: &PassagesConfig, out: &mut dyn Write) -> Result<Outcome> {
    let corpus = ingest::ingest(&paths.corpus)?;
    for w in &corpus.warnings {
        output::warn(w);
    }
    if corpus.sources.is_empty() {
        return Err(Error::EmptyCorpus(paths.corpus.clone()));
    }
    for wanted in &config.sources {
        if !corpus
            .sources
            .iter()
            .any(|s| s.id.eq_ignore_ascii_case(wanted))
        {
            let ids: Vec<&str> = corpus.sources.iter().map(|s| s.id.as_str()).collect();
            let closest = suggest::closest_few(wanted, ids.iter().map(|id| (*id, *id)));
            return Err(suggest::unknown(SOURCE, wanted, &ids, &closest));
        }
    }
    let selected = corpus.passages.iter().filter(|p| {
        config.sources.is_empty()
            || config
                .sources
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&p.source))
    });
    let mut marker = index::Marker::new(&corpus);
    let mut any = false;
    for p in selected {
        any = true;
        let marks = marker.marks(p);
        if config.json {
            output::passages::write_json(out, p, &marks)?;
        } else {
            output::passages::write_text(out, p, &marks)?;
        }
    }
    Ok(if any {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}
