//! The tantivy index on disk: its schema, building it beside the live one and swapping it in,
//! and telling whether the index a search would open is missing, fresh, stale or damaged.
//!
//! One file per concern: [`mod@analyzer`] (text → stems), [`schema`] (the fields), [`mod@build`]
//! (passages → a generation), the generation store (`store`: the pointer, the lock, the swap),
//! [`meta`] (what a generation records, freshness), [`wordlist`] (the typo word list) and `errors` (tantivy's errors in words).
//! What a passage explains and answers is worked out before, by [`crate::mark`].
//!
//! Layout of an index directory:
//!
//! ```text
//! index/current        one line, "gen-<n>": the generation readers open (replaced atomically)
//! index/gen-<n>/       a complete tantivy index plus nlmg-meta.json, nlmg-sections.json and
//!                      the word list (the live one, and the one
//!                      it replaced, kept until the next build for searches opening it)
//! index/tmp-<pid>-<n>/ a build in progress (left behind only by a killed build; removed later)
//! index/.build.lock    OS lock held while a build runs, so two builds never race
//! ```

pub mod analyzer;
pub mod build;
mod errors;
pub mod meta;
pub mod schema;
mod store;
pub mod wordlist;

#[cfg(test)]
mod tests;

pub(crate) use analyzer::{analyse, register};
pub use analyzer::{analyzer, words, ANALYZER};
pub use build::{build, build_until, BuildEvent, BuildReport};
pub(crate) use errors::{open_error, tantivy_error, verify_checksums};
pub use meta::{
    read_head, read_meta, read_sections, status, IndexMeta, IndexStatus, SectionLists, SourceInfo,
    META_FILE, SECTIONS_FILE, SECTION_SEP,
};
pub use schema::SCHEMA_VERSION;
pub(crate) use schema::{answer_beside, fields, tag_facet, Fields};
pub(crate) use store::open_generation;
pub use store::{build_busy, build_running, current_dir, wait_for_build};
pub use wordlist::{WordList, WORDS_FILE};

pub use crate::mark::{family_stems, term_stems, Marker, GLOSS_WINDOW};

impl<'a> Marker<'a> {
    /// A marker stemming with the index's [`analyzer()`]: what `nlmg-search passages` shows is
    /// what the index searches.
    pub fn new(corpus: &'a crate::model::Corpus) -> Marker<'a> {
        Marker::with(corpus, analyzer())
    }
}
