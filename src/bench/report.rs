//! The report data `nlmg-search bench` measures; `output::bench` prints it.

use std::time::Duration;

use serde::Serialize;

use super::*;

/// Everything `nlmg-search bench` measured; `--json` prints it as one object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// What answered the queries: `tantivy` for the engine, `scan-baseline` for the linear scan.
    pub engine: String,
    pub corpus: CorpusFacts,
    /// Ingest and index build, when this run built the index (always with `--scale`).
    pub build: Option<BuildFacts>,
    pub index: IndexFacts,
    pub cold: ColdFacts,
    pub run: RunFacts,
    /// Latency per query kind, in the order of the kinds.
    pub kinds: Vec<KindStats>,
    /// Latency over every timed search.
    pub overall: LatencyStats,
    /// Each query's median and worst latency and its hit count.
    pub queries: Vec<QueryStats>,
    /// Peak resident set size of the process in bytes (Linux only).
    pub peak_rss_bytes: Option<u64>,
    /// True when the peak was reset after the build, so it covers opening and querying only.
    pub peak_rss_excludes_build: bool,
}

/// The corpus the queries ran against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpusFacts {
    pub dir: String,
    /// Copies of the shipped corpus (`--scale`); 1 for the corpus as it is.
    pub scale: usize,
    /// What the copies hold (`{"text":"distinct","seed":19}` or `{"text":"exact"}`); null
    /// when the corpus was used as it is.
    pub copies: Option<CopyText>,
    pub sources: usize,
    pub passages: usize,
    /// Bytes of summary text.
    pub bytes: u64,
}

/// Cost of reading the corpus and building the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuildFacts {
    /// Reading, cleaning, segmenting and tagging, ms.
    pub ingest_ms: f64,
    /// Writing the index, ms.
    pub index_ms: f64,
    /// Both, ms.
    pub total_ms: f64,
    /// Source text per second over both stages, MB/s (10^6 bytes).
    pub mb_per_s: f64,
    /// Passages per second over both stages.
    pub passages_per_s: f64,
}

impl BuildFacts {
    pub fn new(ingest: Duration, index: Duration, bytes: u64, passages: usize) -> BuildFacts {
        let total = ingest + index;
        let secs = total.as_secs_f64();
        let per_s = |x: f64| if secs > 0.0 { x / secs } else { 0.0 };
        BuildFacts {
            ingest_ms: ms(ingest),
            index_ms: ms(index),
            total_ms: ms(total),
            mb_per_s: per_s(bytes as f64 / 1e6),
            passages_per_s: per_s(passages as f64),
        }
    }
}

/// The index on disk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexFacts {
    pub dir: String,
    /// Bytes of every file under the index directory.
    pub bytes: u64,
    /// Searchable segments, where the engine reports them.
    pub segments: Option<usize>,
}

/// The first search of a fresh process: opening the index, then one query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColdFacts {
    pub open_us: f64,
    pub first_query_us: f64,
    pub total_us: f64,
    /// The query timed.
    pub query: String,
}

impl ColdFacts {
    pub fn new(open: Duration, first: Duration, query: String) -> ColdFacts {
        ColdFacts {
            open_us: us(open),
            first_query_us: us(first),
            total_us: us(open + first),
            query,
        }
    }
}

/// The shape of the timed run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunFacts {
    /// Queries in the set.
    pub queries: usize,
    /// Timed rounds over the whole set.
    pub iterations: usize,
    /// Untimed rounds before timing.
    pub warmup: usize,
    /// True when the rounds were sized by a calibration run.
    pub auto_sized: bool,
    /// Wall time of the timed phase, s.
    pub wall_s: f64,
    /// Hits the engine was asked for per query, as `--limit`.
    pub limit: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
