//! Browsing views over the tagged passages, for a teacher preparing a lesson: quotations with
//! their speakers and pages, a concordance, where terms fall, characters × themes, and a card
//! per character.
//!
//! Each view is a function over passages (selected by the same filters, and with the same
//! errors, as a search) returning plain data; the command line prints it and the page serves
//! it. The views come after search in the pipeline and never name tantivy types.

pub mod character;
pub mod dispersion;
pub mod kwic;
pub mod matrix;
pub mod quotes;

use std::collections::HashSet;
use std::sync::Arc;

use crate::error::Result;
use crate::model::Passage;
use crate::search::{Engine, Filters};

/// Every passage of the index in reading order.
pub fn all_passages(engine: &Engine) -> Result<Vec<Arc<Passage>>> {
    engine.passages(&Filters::default())
}

/// The ids of the passages `filters` admit.
pub fn admitted(engine: &Engine, filters: &Filters) -> Result<HashSet<String>> {
    Ok(engine
        .passages(filters)?
        .iter()
        .map(|p| p.id.clone())
        .collect())
}

/// Words of a text as the index counts them (runs of letters and digits).
pub(crate) fn word_count(text: &str) -> usize {
    crate::index::words(text).count()
}
