//! nlmg-search: full-text search over summaries of Kazuo Ishiguro's *Never Let Me Go*.
//!
//! The pipeline runs one way, one module per stage:
//! [`corpus`] (read files) → [`clean`] → [`segment`] → [`tag`] (all driven by [`ingest`]) →
//! [`mark`] (what each passage explains and answers) → [`index`] → [`search`] → [`excerpt`] → [`output`]. [`commands`] is the command layer that
//! the binary dispatches to. Only `index`, `search` and `excerpt` name tantivy types.
//! [`dedup`] and [`similar`] work out, at index time, what a search compares passages by;
//! [`forms`] which words share a stem without being one word.
//! [`views`] browse what the index holds (quotations, concordance, dispersion, characters ×
//! themes, character cards) over passages selected as a search selects them.
//! [`eval`] stands beside the pipeline: it scores search results against judged questions;
//! [`suggest`] words what to say about a filter value that matches nothing.
//! [`export`] hands the passages to another engine (OpenSearch, Quickwit) when one machine is
//! not enough.
//! [`server`] is the second front end (the web page and its JSON API) over the same calls as
//! [`commands`]; [`shipped`] is what the binary carries so that it works from any directory.

pub mod bench;
pub mod clean;
pub mod commands;
pub mod corpus;
pub mod dedup;
pub mod error;
pub mod eval;
pub mod excerpt;
pub mod export;
pub mod forms;
pub mod index;
pub mod ingest;
pub mod lexicon;
pub mod mark;
pub mod model;
pub mod output;
pub mod search;
pub mod segment;
pub mod server;
pub mod shipped;
pub mod similar;
pub mod suggest;
pub mod tag;
pub mod views;

pub use error::{Error, Result};
