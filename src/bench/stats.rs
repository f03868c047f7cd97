//! Latency statistics: percentiles per query, per kind and overall.

use serde::Serialize;

use super::*;

/// Latency summary of a set of samples. Times are microseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyStats {
    /// Number of timed searches.
    pub samples: usize,
    /// Median latency (nearest rank), µs.
    pub p50_us: f64,
    /// 90th percentile latency (nearest rank), µs.
    pub p90_us: f64,
    /// 99th percentile latency (nearest rank), µs.
    pub p99_us: f64,
    /// Slowest search, µs.
    pub max_us: f64,
    /// Mean latency, µs.
    pub mean_us: f64,
    /// Searches per second on one thread: `samples / sum of latencies`.
    pub qps: f64,
}

/// The nearest-rank percentile of ascending `sorted` samples: the smallest sample with at least
/// `p` per cent of the samples at or below it. `None` for no samples.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}

impl LatencyStats {
    /// Summarises nanosecond samples; `None` when there are none.
    pub fn from_nanos(samples: &[u64]) -> Option<LatencyStats> {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let us = |ns: u64| ns as f64 / 1_000.0;
        let total: u128 = sorted.iter().map(|&s| u128::from(s)).sum();
        let n = sorted.len();
        Some(LatencyStats {
            samples: n,
            p50_us: us(percentile(&sorted, 50.0)?),
            p90_us: us(percentile(&sorted, 90.0)?),
            p99_us: us(percentile(&sorted, 99.0)?),
            max_us: us(*sorted.last()?),
            mean_us: total as f64 / n as f64 / 1_000.0,
            qps: if total == 0 {
                0.0
            } else {
                n as f64 / (total as f64 / 1e9)
            },
        })
    }
}

/// Latency of the queries of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindStats {
    pub kind: QueryKind,
    /// How many queries of the set are of this kind.
    pub queries: usize,
    #[serde(flatten)]
    pub latency: LatencyStats,
}

/// Latency of one query of the set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryStats {
    pub line: usize,
    pub kind: QueryKind,
    /// The query as typed on a command line.
    pub query: String,
    /// Hits returned.
    pub hits: usize,
    pub p50_us: f64,
    pub max_us: f64,
}

/// Per-kind (in [`QueryKind::ALL`] order, kinds present only), overall and per-query statistics.
pub fn summarize(
    queries: &[BenchQuery],
    run: &RunSamples,
) -> (Vec<KindStats>, Option<LatencyStats>, Vec<QueryStats>) {
    let mut kinds = Vec::new();
    for kind in QueryKind::ALL {
        let members: Vec<usize> = (0..queries.len())
            .filter(|&i| queries[i].kind == kind)
            .collect();
        let all: Vec<u64> = members
            .iter()
            .flat_map(|&i| run.samples[i].iter().copied())
            .collect();
        if let Some(latency) = LatencyStats::from_nanos(&all) {
            kinds.push(KindStats {
                kind,
                queries: members.len(),
                latency,
            });
        }
    }
    let all: Vec<u64> = run.samples.iter().flatten().copied().collect();
    let per_query = queries
        .iter()
        .zip(&run.samples)
        .zip(&run.hits)
        .filter_map(|((q, s), &hits)| {
            let l = LatencyStats::from_nanos(s)?;
            Some(QueryStats {
                line: q.line,
                kind: q.kind,
                query: q.label(),
                hits,
                p50_us: l.p50_us,
                max_us: l.max_us,
            })
        })
        .collect();
    (kinds, LatencyStats::from_nanos(&all), per_query)
}
