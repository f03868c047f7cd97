//! The timed run loop: warm-up, calibration and the per-query samples.

use std::time::{Duration, Instant};

use crate::error::Result;

use super::*;

/// Which part of a run a progress report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Warmup,
    Timed,
}

/// Progress of a run: rounds (one pass over every query) done out of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunProgress {
    pub phase: Phase,
    pub done: usize,
    pub total: usize,
}

/// Raw measurements of a run: one latency sample per query per timed round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSamples {
    /// `samples[i]` holds query `i`'s latencies in nanoseconds, one per round.
    pub samples: Vec<Vec<u64>>,
    /// Hits each query returned (from its last run); a query that finds nothing measures a
    /// short path, so the report shows these.
    pub hits: Vec<usize>,
    /// Wall time of the timed phase.
    pub wall: Duration,
    pub iterations: usize,
    pub warmup: usize,
}

/// Runs `warmup` untimed rounds, then `iterations` timed rounds over every query, timing each
/// `search` call with a monotonic clock. Rounds interleave the queries so that no query enjoys
/// caches the one before it warmed more than another. `search` returns the number of hits.
pub fn run_queries(
    queries: &[BenchQuery],
    iterations: usize,
    warmup: usize,
    mut search: impl FnMut(&BenchQuery) -> Result<usize>,
    mut progress: impl FnMut(RunProgress),
) -> Result<RunSamples> {
    let mut hits = vec![0; queries.len()];
    for round in 0..warmup {
        for (i, q) in queries.iter().enumerate() {
            hits[i] = search(q)?;
        }
        progress(RunProgress {
            phase: Phase::Warmup,
            done: round + 1,
            total: warmup,
        });
    }
    let mut samples: Vec<Vec<u64>> = queries
        .iter()
        .map(|_| Vec::with_capacity(iterations))
        .collect();
    let started = Instant::now();
    for round in 0..iterations {
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let n = search(q)?;
            let ns = t.elapsed().as_nanos();
            samples[i].push(u64::try_from(ns).unwrap_or(u64::MAX));
            hits[i] = std::hint::black_box(n);
        }
        progress(RunProgress {
            phase: Phase::Timed,
            done: round + 1,
            total: iterations,
        });
    }
    Ok(RunSamples {
        samples,
        hits,
        wall: started.elapsed(),
        iterations,
        warmup,
    })
}

/// Mean time of one untimed round over every query, from rounds run until `budget` has passed
/// (at least one): a single round is too easily slowed by a neighbour on a shared machine.
pub fn calibrate(
    queries: &[BenchQuery],
    budget: Duration,
    mut search: impl FnMut(&BenchQuery) -> Result<usize>,
) -> Result<Duration> {
    let started = Instant::now();
    let mut rounds: u32 = 0;
    loop {
        for q in queries {
            std::hint::black_box(search(q)?);
        }
        rounds += 1;
        let elapsed = started.elapsed();
        if elapsed >= budget || rounds == u32::MAX {
            return Ok(elapsed / rounds);
        }
    }
}

/// Rounds to run so that the timed phase lasts about `target`, given how long one round took in
/// a calibration run; at least one round and at most `cap`.
pub fn auto_iterations(round: Duration, target: Duration, cap: usize) -> usize {
    let cap = cap.max(1);
    if round.is_zero() {
        return cap;
    }
    let n = (target.as_secs_f64() / round.as_secs_f64()).ceil();
    if n.is_finite() {
        (n as usize).clamp(1, cap)
    } else {
        cap
    }
}

/// How long the timed phase should last when the user does not say.
pub const DEFAULT_TARGET: Duration = Duration::from_secs(3);
/// How long calibration may take: a tenth of the timed phase.
pub const CALIBRATION_BUDGET: Duration = Duration::from_millis(300);
/// Most rounds an auto-sized run makes (a tiny corpus would otherwise run millions).
pub const MAX_AUTO_ITERATIONS: usize = 5_000;
