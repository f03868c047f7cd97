//! The benchmark's measuring kit: the query set, the timed run loop, latency statistics, memory,
//! the synthetic scaled corpus and the report data. No tantivy types and no printing: the search
//! is whatever closure the caller passes, and `output::bench` formats the report.
//!
//! One file per concern, in the order a run uses them: `queries` (the query set), `run` (the
//! timed loop), `stats` (percentiles), `memory` (RSS and disk), `scale` and `vary` (the scaled
//! corpus of distinct text), `scan` (the no-index floor) and `report` (what is printed).

mod memory;
mod queries;
mod report;
mod run;
mod scale;
mod scan;
mod stats;
mod vary;

pub use memory::*;
pub use queries::*;
pub use report::*;
pub use run::*;
pub use scale::*;
pub use scan::*;
pub use stats::*;
pub use vary::vary;

#[cfg(test)]
mod tests;
