//! The benchmark's measuring kit: the query set, the timed run loop, latency statistics, memory,
//! the synthetic scaled corpus and the report data. No tantivy types and no printing: the search
//! is whatever closure the caller passes, and `output::bench` formats the report.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Corpus, Kind, Passage};

mod vary;
pub use vary::vary;

// ---------------------------------------------------------------------------------------------
// The query set
// ---------------------------------------------------------------------------------------------

/// What sort of query a line of the query set is, so latency can be read per kind: the kinds
/// stress different paths (a phrase needs positions, a typo needs fuzzy expansion, a filter-only
/// query scores nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueryKind {
    /// One word.
    Word,
    /// Several words, no operators.
    Words,
    /// A plain-language question.
    Question,
    /// A quoted phrase.
    Phrase,
    /// A misspelt word that should still find something.
    Typo,
    /// Words plus one or more filters.
    Filtered,
    /// Filters and no words.
    FilterOnly,
    /// AND / OR / NOT / -exclusion.
    Operators,
}

impl QueryKind {
    pub const ALL: [QueryKind; 8] = [
        QueryKind::Word,
        QueryKind::Words,
        QueryKind::Question,
        QueryKind::Phrase,
        QueryKind::Typo,
        QueryKind::Filtered,
        QueryKind::FilterOnly,
        QueryKind::Operators,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueryKind::Word => "word",
            QueryKind::Words => "words",
            QueryKind::Question => "question",
            QueryKind::Phrase => "phrase",
            QueryKind::Typo => "typo",
            QueryKind::Filtered => "filtered",
            QueryKind::FilterOnly => "filter-only",
            QueryKind::Operators => "operators",
        }
    }

    pub fn parse(s: &str) -> Option<QueryKind> {
        QueryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for QueryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The search filters of one benchmark query: the search engine's own type, so a benchmark
/// query is exactly what the command line would ask for.
pub use crate::search::Filters as QueryFilters;

/// The list a `--flag` of the query file adds its value to.
fn slot<'a>(filters: &'a mut QueryFilters, flag: &str) -> Option<&'a mut Vec<String>> {
    Some(match flag {
        "theme" => &mut filters.theme,
        "character" => &mut filters.character,
        "section" => &mut filters.section,
        "source" => &mut filters.source,
        "kind" => &mut filters.kind,
        "part" => &mut filters.part,
        "page" => &mut filters.page,
        _ => return None,
    })
}

/// One line of the query set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenchQuery {
    /// 1-based line number in the query file, to point back at it.
    pub line: usize,
    pub kind: QueryKind,
    /// The query as a user would type it (empty for filter-only queries).
    pub text: String,
    pub filters: QueryFilters,
}

impl BenchQuery {
    /// How the query reads on a command line: `text --flag value …`.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if !self.text.is_empty() {
            parts.push(self.text.clone());
        }
        let f = &self.filters;
        for (flag, values) in [
            ("theme", &f.theme),
            ("character", &f.character),
            ("section", &f.section),
            ("source", &f.source),
            ("kind", &f.kind),
            ("part", &f.part),
            ("page", &f.page),
        ] {
            for v in values {
                parts.push(format!("--{flag} {v}"));
            }
        }
        parts.join(" ")
    }
}

/// A query-file line that cannot be used, with its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses a query set: one query per line, `kind<TAB>query text[<TAB>filters]`, where filters are
/// command-line flags (`--theme memory --character miss emily`; words after a flag up to the next
/// flag are its value). Blank lines and lines starting with `#` are skipped. The first bad line is
/// an error naming it, because a silently dropped query would skew every number after it.
pub fn parse_queries(text: &str) -> std::result::Result<Vec<BenchQuery>, LineError> {
    let mut queries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let err = |message: String| LineError { line, message };
        let fields: Vec<&str> = raw.trim_end_matches(['\r', '\n']).split('\t').collect();
        if fields.len() < 2 || fields.len() > 3 {
            return Err(err(format!(
                "expected `kind<TAB>query[<TAB>filters]`, found {} tab-separated field(s)",
                fields.len()
            )));
        }
        let kind_name = fields[0].trim();
        let kind = QueryKind::parse(kind_name).ok_or_else(|| {
            let known: Vec<&str> = QueryKind::ALL.iter().map(|k| k.as_str()).collect();
            err(format!(
                "unknown query kind {kind_name:?}; kinds are: {}",
                known.join(", ")
            ))
        })?;
        let query = fields[1].trim().to_string();
        let filters = match fields.get(2) {
            Some(f) => parse_filters(f).map_err(err)?,
            None => QueryFilters::default(),
        };
        check_kind(kind, &query, &filters).map_err(err)?;
        queries.push(BenchQuery {
            line,
            kind,
            text: query,
            filters,
        });
    }
    Ok(queries)
}

fn parse_filters(s: &str) -> std::result::Result<QueryFilters, String> {
    let mut filters = QueryFilters::default();
    // The flag being filled and the words of its value so far.
    let mut current: Option<(String, Vec<&str>)> = None;
    let finish = |current: Option<(String, Vec<&str>)>,
                  filters: &mut QueryFilters|
     -> std::result::Result<(), String> {
        if let Some((flag, words)) = current {
            if words.is_empty() {
                return Err(format!("filter --{flag} has no value"));
            }
            let value = words.join(" ");
            if flag == "kind" && Kind::parse(&value).is_none() {
                let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                return Err(format!(
                    "--kind {value:?} is not a passage kind; kinds are: {}",
                    kinds.join(", ")
                ));
            }
            slot(filters, &flag)
                .expect("flag names are checked when read")
                .push(value);
        }
        Ok(())
    };
    for token in s.split_whitespace() {
        if let Some(flag) = token.strip_prefix("--") {
            finish(current.take(), &mut filters)?;
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (flag, None),
            };
            if slot(&mut filters, name).is_none() {
                return Err(format!(
                    "unknown filter --{name}; filters are --theme, --character, --section, \
                     --source, --kind, --part, --page"
                ));
            }
            let words = inline.filter(|v| !v.is_empty()).into_iter().collect();
            current = Some((name.to_string(), words));
        } else {
            match current.as_mut() {
                Some((_, words)) => words.push(token),
                None => {
                    return Err(format!(
                        "filters must start with a flag such as --theme, found {token:?}"
                    ))
                }
            }
        }
    }
    finish(current, &mut filters)?;
    Ok(filters)
}

/// Keeps the per-kind numbers honest: a line filed under a kind must be that kind of query.
fn check_kind(
    kind: QueryKind,
    query: &str,
    filters: &QueryFilters,
) -> std::result::Result<(), String> {
    let words = query.split_whitespace().count();
    let problem = match kind {
        QueryKind::FilterOnly if !query.is_empty() => Some("a filter-only query has no query text"),
        QueryKind::FilterOnly | QueryKind::Filtered if filters.is_empty() => {
            Some("this kind needs at least one filter in the third field")
        }
        QueryKind::FilterOnly => None,
        _ if query.is_empty() => Some("the query text is empty"),
        QueryKind::Word | QueryKind::Typo if words != 1 => Some("this kind is a single word"),
        QueryKind::Words | QueryKind::Question if words < 2 => {
            Some("this kind needs several words")
        }
        QueryKind::Phrase if query.matches('"').count() < 2 => {
            Some("a phrase query needs a \"quoted phrase\"")
        }
        QueryKind::Operators
            if !query.split_whitespace().any(|w| {
                matches!(w, "AND" | "OR" | "NOT") || (w.starts_with('-') && w.len() > 1)
            }) =>
        {
            Some("an operators query needs AND, OR, NOT or a -exclusion")
        }
        _ => None,
    };
    match problem {
        Some(p) => Err(p.to_string()),
        None => Ok(()),
    }
}

/// Reads and parses a query file; errors name the file and the line.
pub fn load_queries(path: &Path) -> Result<Vec<BenchQuery>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let queries = parse_queries(&text).map_err(|e| Error::Data {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if queries.is_empty() {
        return Err(Error::Data {
            path: path.to_path_buf(),
            message: "no queries in the file (only blank or # comment lines)".into(),
        });
    }
    Ok(queries)
}

// ---------------------------------------------------------------------------------------------
// The run loop
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Memory and disk
// ---------------------------------------------------------------------------------------------

/// Reads the `VmHWM` (peak resident set) line of a `/proc/<pid>/status` text, in bytes.
pub fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let mut fields = line["VmHWM:".len()..].split_whitespace();
    let value: u64 = fields.next()?.parse().ok()?;
    match fields.next() {
        Some("kB") | None => value.checked_mul(1024),
        Some(_) => None,
    }
}

/// This process's peak resident set size in bytes, where the system reports it (Linux).
pub fn peak_rss() -> Option<u64> {
    parse_vm_hwm(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// Lowers the peak-RSS mark to the current RSS (Linux `clear_refs` 5), so a later [`peak_rss`]
/// measures only what follows, not the index build before it. True when it worked.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Total size in bytes of the files under `dir` (recursively; symlinks not followed).
pub fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let meta = entry.metadata().map_err(|e| Error::io(entry.path(), e))?;
        if meta.is_dir() {
            total += dir_size(&entry.path())?;
        } else if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

// ---------------------------------------------------------------------------------------------
// The synthetic scaled corpus
// ---------------------------------------------------------------------------------------------

/// A directory under the system temp directory that is deleted, with its contents, when dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a fresh, empty directory named after `prefix`, the process and the time.
    pub fn new(prefix: &str) -> Result<ScratchDir> {
        let base = std::env::temp_dir();
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for attempt in 0..100u32 {
            let path = base.join(format!(
                "{prefix}-{}-{stamp:x}-{attempt}",
                std::process::id()
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(ScratchDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Err(Error::Usage(format!(
            "cannot create a temporary directory in {}",
            base.display()
        )))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // Best effort: a leftover temp directory is untidy, not harmful.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// What [`make_scaled_corpus`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaledCorpus {
    /// Number of copies of the source corpus.
    pub copies: usize,
    /// Summary files written (`copies` × the source's `*.txt` files).
    pub files: usize,
    /// Bytes of summary text written.
    pub bytes: u64,
}

/// Name of copy `i` (0-based) of summary `stem`: `study-guide-0007.txt`. The number is padded to
/// at least four digits so names sort in copy order.
pub fn copy_name(stem: &str, i: usize, copies: usize) -> String {
    format!("{}.txt", copy_id(stem, i, copies))
}

/// Source id of copy `i` of source `stem`: `study-guide-0007`.
pub fn copy_id(stem: &str, i: usize, copies: usize) -> String {
    let width = copies.saturating_sub(1).to_string().len().max(4);
    format!("{stem}-{i:0width$}")
}

/// The query set for a corpus of `copies` copies: a `--source` filter names the first copy of
/// that source, so it still selects one source's passages (the engine refuses unknown sources).
pub fn scale_queries(queries: &[BenchQuery], copies: usize) -> Vec<BenchQuery> {
    queries
        .iter()
        .map(|q| {
            let mut q = q.clone();
            for s in &mut q.filters.source {
                *s = copy_id(s, 0, copies);
            }
            q
        })
        .collect()
}

/// What the copies of a scaled corpus hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "text")]
pub enum CopyText {
    /// Copy 0 as it is, every other copy varied by [`vary`] from this seed: the vocabulary
    /// grows with the corpus and near-duplicates are rare, as in a corpus of many books.
    Distinct { seed: u64 },
    /// Every copy byte for byte the original: the vocabulary stays that of one copy, and
    /// near-duplicate grouping folds the copies of a passage into one hit.
    Exact,
}

impl CopyText {
    /// The seed `bench --scale` uses unless told otherwise.
    pub const DEFAULT_SEED: u64 = 19;

    /// What a report calls it: `distinct (seed 19)` or `exact copies`.
    pub fn label(self) -> String {
        match self {
            CopyText::Distinct { seed } => format!("distinct (seed {seed})"),
            CopyText::Exact => "exact copies".into(),
        }
    }
}

impl Default for CopyText {
    fn default() -> CopyText {
        CopyText::Distinct {
            seed: CopyText::DEFAULT_SEED,
        }
    }
}

/// Writes `n` copies of every `*.txt` summary in `src` into `dst` under distinct names (so each
/// copy is its own source and nothing collapses as a duplicate file), plus every other regular
/// file of `src` (lexicon, sources, cleaning rules) once, unchanged. Copies are not listed in
/// `sources.toml`; unlisted files are titled by their id. `text` says whether the copies are
/// varied ([`CopyText::Distinct`]) or the original byte for byte; copy 0 is always the original.
pub fn make_scaled_corpus(
    src: &Path,
    dst: &Path,
    n: usize,
    text: CopyText,
) -> Result<ScaledCorpus> {
    if n == 0 {
        return Err(Error::Usage("--scale must be at least 1".into()));
    }
    if !src.is_dir() {
        return Err(Error::NoCorpus(src.to_path_buf()));
    }
    std::fs::create_dir_all(dst).map_err(|e| Error::io(dst, e))?;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(src)
        .map_err(|e| Error::io(src, e))?
        .map(|e| e.map(|e| e.path()).map_err(|err| Error::io(src, err)))
        .collect::<Result<_>>()?;
    entries.sort();
    let mut scaled = ScaledCorpus {
        copies: n,
        files: 0,
        bytes: 0,
    };
    for path in entries.iter().filter(|p| p.is_file()) {
        let name = path.file_name().expect("read_dir entries have names");
        let is_summary = path.extension().is_some_and(|x| x == "txt");
        if !is_summary {
            std::fs::copy(path, dst.join(name)).map_err(|e| Error::io(path, e))?;
            continue;
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let stem = path
            .file_stem()
            .expect("a .txt file has a stem")
            .to_string_lossy();
        // A file that is not UTF-8 is copied as it is: ingest reports it, once per copy.
        let original = match (text, std::str::from_utf8(&bytes)) {
            (CopyText::Distinct { seed }, Ok(s)) => Some((seed, s)),
            _ => None,
        };
        for i in 0..n {
            let target = dst.join(copy_name(&stem, i, n));
            let varied = original.map(|(seed, s)| vary(s, i, seed));
            let out = varied.as_ref().map_or(&bytes[..], |v| v.as_bytes());
            std::fs::write(&target, out).map_err(|e| Error::io(&target, e))?;
            scaled.files += 1;
            scaled.bytes += out.len() as u64;
        }
    }
    if scaled.files == 0 {
        return Err(Error::EmptyCorpus(src.to_path_buf()));
    }
    Ok(scaled)
}

// ---------------------------------------------------------------------------------------------
// The scan baseline
// ---------------------------------------------------------------------------------------------

/// A linear, case-insensitive scan over every passage: what answering a query costs without an
/// index. It is the floor the engine's numbers are read against, and it lets the bench flow run
/// on any corpus. Words match as substrings (any word), a quoted phrase as a whole, `-word` and
/// `NOT word` exclude; filters compare tags case-insensitively.
#[derive(Debug, Clone)]
pub struct ScanBaseline {
    passages: Vec<ScanPassage>,
}

#[derive(Debug, Clone)]
struct ScanPassage {
    lower: String,
    source: String,
    section: String,
    kind: Kind,
    part: Option<u8>,
    characters: Vec<String>,
    themes: Vec<String>,
    pages: Vec<u32>,
}

impl ScanBaseline {
    pub fn new(corpus: &Corpus) -> ScanBaseline {
        let passages = corpus.passages.iter().map(ScanPassage::from).collect();
        ScanBaseline { passages }
    }

    /// Number of passages that match `q`.
    pub fn search(&self, q: &BenchQuery) -> usize {
        let (want, exclude) = scan_terms(&q.text);
        self.passages
            .iter()
            .filter(|p| p.passes(&q.filters))
            .filter(|p| want.is_empty() || want.iter().any(|w| p.lower.contains(w.as_str())))
            .filter(|p| !exclude.iter().any(|w| p.lower.contains(w.as_str())))
            .count()
    }
}

impl From<&Passage> for ScanPassage {
    fn from(p: &Passage) -> Self {
        let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect();
        ScanPassage {
            lower: p.text.to_lowercase(),
            source: p.source.to_lowercase(),
            section: p.section.join(" / ").to_lowercase(),
            kind: p.kind,
            part: p.part,
            characters: lower(&p.characters),
            themes: lower(&p.themes),
            pages: p.pages.clone(),
        }
    }
}

impl ScanPassage {
    fn passes(&self, f: &QueryFilters) -> bool {
        let any = |wanted: &[String], test: &dyn Fn(&str) -> bool| {
            wanted.is_empty() || wanted.iter().any(|w| test(&w.to_lowercase()))
        };
        any(&f.theme, &|w| self.themes.iter().any(|t| t == w))
            && any(&f.character, &|w| self.characters.iter().any(|c| c == w))
            && any(&f.section, &|w| self.section.contains(w))
            && any(&f.source, &|w| self.source == w)
            && any(&f.kind, &|w| Kind::parse(w) == Some(self.kind))
            && any(&f.part, &|w| w.parse().ok() == self.part)
            && any(&f.page, &|w| {
                let (lo, hi) = w.split_once('-').unwrap_or((w, w));
                match (lo.trim().parse::<u32>(), hi.trim().parse::<u32>()) {
                    (Ok(lo), Ok(hi)) => self.pages.iter().any(|p| (lo..=hi).contains(p)),
                    _ => false,
                }
            })
    }
}

/// Splits query text into lowercase terms to find and terms to exclude: quoted phrases stay
/// whole, AND/OR are dropped, `NOT x` and `-x` exclude `x`, punctuation around words goes.
fn scan_terms(text: &str) -> (Vec<String>, Vec<String>) {
    let mut want = Vec::new();
    let mut exclude = Vec::new();
    let mut negate_next = false;
    for (i, chunk) in text.split('"').enumerate() {
        if i % 2 == 1 {
            let phrase = chunk.trim().to_lowercase();
            if !phrase.is_empty() {
                if std::mem::take(&mut negate_next) {
                    exclude.push(phrase);
                } else {
                    want.push(phrase);
                }
            }
            continue;
        }
        for word in chunk.split_whitespace() {
            match word {
                "AND" | "OR" => continue,
                "NOT" => {
                    negate_next = true;
                    continue;
                }
                "-" => {
                    negate_next = true;
                    continue;
                }
                _ => {}
            }
            let (neg, word) = match word.strip_prefix('-') {
                Some(w) => (true, w),
                None => (std::mem::take(&mut negate_next), word),
            };
            let term: String = word
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if term.is_empty() {
                continue;
            }
            if neg {
                exclude.push(term);
            } else {
                want.push(term);
            }
        }
    }
    (want, exclude)
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn query_lines_parse_into_kind_text_and_filters() {
        let cases: &[(&str, QueryKind, &str, QueryFilters)] = &[
            (
                "word\tdeferral",
                QueryKind::Word,
                "deferral",
                QueryFilters::default(),
            ),
            (
                "phrase\t\"told and not told\"\t",
                QueryKind::Phrase,
                "\"told and not told\"",
                QueryFilters::default(),
            ),
            (
                "filtered\ttape\t--theme memory --character miss emily",
                QueryKind::Filtered,
                "tape",
                QueryFilters {
                    theme: vec!["memory".into()],
                    character: vec!["miss emily".into()],
                    ..Default::default()
                },
            ),
            (
                "filter-only\t\t--kind=quotation --page 58-59 --page 133",
                QueryKind::FilterOnly,
                "",
                QueryFilters {
                    kind: vec!["quotation".into()],
                    page: vec!["58-59".into(), "133".into()],
                    ..Default::default()
                },
            ),
            (
                "operators\tRuth -Tommy",
                QueryKind::Operators,
                "Ruth -Tommy",
                QueryFilters::default(),
            ),
        ];
        for (line, kind, text, filters) in cases {
            let got = parse_queries(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
            assert_eq!(got.len(), 1, "{line:?}");
            assert_eq!(got[0].kind, *kind, "{line:?}");
            assert_eq!(got[0].text, *text, "{line:?}");
            assert_eq!(&got[0].filters, filters, "{line:?}");
            assert_eq!(got[0].line, 1);
        }
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_and_lines_keep_their_numbers() {
        let text = "# a comment\n\n   # indented comment\nword\tcarer\r\n\nwords\tHailsham art\n";
        let got = parse_queries(text).unwrap();
        let lines: Vec<(usize, &str)> = got.iter().map(|q| (q.line, q.text.as_str())).collect();
        assert_eq!(lines, vec![(4, "carer"), (6, "Hailsham art")]);
    }

    #[test]
    fn bad_lines_are_errors_naming_the_line() {
        let cases: &[(&str, &str)] = &[
            ("word", "field"),
            ("word\ta\tb\tc", "field"),
            ("wrod\tcarer", "unknown query kind"),
            ("word\tcarer\tmemory", "must start with a flag"),
            ("word\tcarer\t--colour red", "unknown filter --colour"),
            ("filtered\tcarer\t--theme", "no value"),
            ("filtered\tcarer\t--kind poem", "not a passage kind"),
            ("filtered\tcarer", "needs at least one filter"),
            ("filter-only\tcarer\t--theme memory", "no query text"),
            ("filter-only\t\t", "needs at least one filter"),
            ("word\t", "empty"),
            ("word\ttwo words", "single word"),
            ("question\twhy", "several words"),
            ("phrase\ttold and not told", "quoted phrase"),
            ("operators\truth tommy", "AND, OR, NOT"),
        ];
        for (line, needle) in cases {
            let text = format!("# header\n\n{line}\n");
            let err = parse_queries(&text).expect_err(line);
            assert_eq!(err.line, 3, "{line:?}");
            assert!(
                err.to_string().contains(needle),
                "{line:?}: {err} should mention {needle:?}"
            );
            assert!(err.to_string().starts_with("line 3: "), "{err}");
        }
    }

    #[test]
    fn the_shipped_query_set_is_valid_and_covers_every_kind() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/queries.txt");
        let queries = load_queries(&path).unwrap();
        assert!(queries.len() >= 36, "only {} queries", queries.len());
        for kind in QueryKind::ALL {
            let n = queries.iter().filter(|q| q.kind == kind).count();
            assert!(n >= 2, "kind {kind} has {n} queries");
        }
    }

    #[test]
    fn labels_read_like_a_command_line() {
        let q = &parse_queries("filtered\ttape\t--part 2 --theme memory").unwrap()[0];
        assert_eq!(q.label(), "tape --theme memory --part 2");
        let q = &parse_queries("filter-only\t\t--kind faq").unwrap()[0];
        assert_eq!(q.label(), "--kind faq");
    }

    #[test]
    fn nearest_rank_percentiles_on_known_data() {
        let hundred: Vec<u64> = (1..=100).collect();
        let ten: Vec<u64> = (1..=10).map(|x| x * 10).collect();
        let cases: &[(&[u64], f64, Option<u64>)] = &[
            (&hundred, 50.0, Some(50)),
            (&hundred, 90.0, Some(90)),
            (&hundred, 99.0, Some(99)),
            (&hundred, 100.0, Some(100)),
            (&hundred, 0.0, Some(1)),
            (&ten, 50.0, Some(50)),
            (&ten, 90.0, Some(90)),
            (&ten, 99.0, Some(100)),
            (&ten, 91.0, Some(100)),
            (&[7], 99.0, Some(7)),
            (&[], 50.0, None),
        ];
        for (data, p, want) in cases {
            assert_eq!(percentile(data, *p), *want, "p{p} of {data:?}");
        }
    }

    #[test]
    fn stats_from_unsorted_nanoseconds() {
        // 1..=100 µs in a scrambled order.
        let samples: Vec<u64> = (0..100u64).map(|i| ((i * 37) % 100 + 1) * 1_000).collect();
        let s = LatencyStats::from_nanos(&samples).unwrap();
        assert_eq!(s.samples, 100);
        assert_eq!(
            (s.p50_us, s.p90_us, s.p99_us, s.max_us),
            (50.0, 90.0, 99.0, 100.0)
        );
        assert!((s.mean_us - 50.5).abs() < 1e-9);
        // 100 searches in 5.05 ms.
        assert!((s.qps - 100.0 / 0.00505).abs() < 1e-6);
        assert_eq!(LatencyStats::from_nanos(&[]), None);
    }

    fn queries(kinds: &[QueryKind]) -> Vec<BenchQuery> {
        kinds
            .iter()
            .enumerate()
            .map(|(i, &kind)| BenchQuery {
                line: i + 1,
                kind,
                text: format!("q{i}"),
                filters: QueryFilters::default(),
            })
            .collect()
    }

    #[test]
    fn the_run_loop_times_every_query_every_round_after_warmup() {
        let qs = queries(&[QueryKind::Word, QueryKind::Phrase, QueryKind::Word]);
        let mut calls = Vec::new();
        let mut events = Vec::new();
        let run = run_queries(
            &qs,
            4,
            2,
            |q| {
                calls.push(q.line);
                Ok(q.line * 10)
            },
            |p| events.push(p),
        )
        .unwrap();
        assert_eq!(calls.len(), 3 * (4 + 2));
        assert_eq!(&calls[..6], &[1, 2, 3, 1, 2, 3]);
        assert_eq!(run.samples.len(), 3);
        assert!(run.samples.iter().all(|s| s.len() == 4));
        assert_eq!(run.hits, vec![10, 20, 30]);
        assert_eq!((run.iterations, run.warmup), (4, 2));
        assert_eq!(events.len(), 6);
        assert_eq!(
            events[1],
            RunProgress {
                phase: Phase::Warmup,
                done: 2,
                total: 2
            }
        );
        assert_eq!(
            events[5],
            RunProgress {
                phase: Phase::Timed,
                done: 4,
                total: 4
            }
        );
    }

    #[test]
    fn a_failing_search_stops_the_run_with_its_error() {
        let qs = queries(&[QueryKind::Word, QueryKind::Typo]);
        let err = run_queries(
            &qs,
            3,
            0,
            |q| {
                if q.kind == QueryKind::Typo {
                    Err(Error::Query("bad query".into()))
                } else {
                    Ok(1)
                }
            },
            |_| {},
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "bad query");
    }

    #[test]
    fn summaries_group_by_kind_in_kind_order() {
        let qs = queries(&[QueryKind::Typo, QueryKind::Word, QueryKind::Typo]);
        let run = RunSamples {
            samples: vec![vec![1_000, 3_000], vec![10_000, 20_000], vec![2_000, 4_000]],
            hits: vec![1, 2, 0],
            wall: Duration::from_millis(1),
            iterations: 2,
            warmup: 0,
        };
        let (kinds, overall, per_query) = summarize(&qs, &run);
        let got: Vec<(QueryKind, usize, usize, f64)> = kinds
            .iter()
            .map(|k| (k.kind, k.queries, k.latency.samples, k.latency.max_us))
            .collect();
        assert_eq!(
            got,
            vec![(QueryKind::Word, 1, 2, 20.0), (QueryKind::Typo, 2, 4, 4.0)]
        );
        let overall = overall.unwrap();
        assert_eq!((overall.samples, overall.p50_us), (6, 3.0));
        assert_eq!(per_query.len(), 3);
        assert_eq!((per_query[2].hits, per_query[2].p50_us), (0, 2.0));
    }

    #[test]
    fn calibration_runs_whole_rounds_until_the_budget_is_spent() {
        let qs = queries(&[QueryKind::Word, QueryKind::Words]);
        let mut calls = 0;
        let round = calibrate(&qs, Duration::from_millis(5), |_| {
            calls += 1;
            std::thread::sleep(Duration::from_millis(1));
            Ok(0)
        })
        .unwrap();
        assert!(calls >= 2 && calls % 2 == 0, "{calls} calls");
        // Each round sleeps twice for 1 ms, so a round lasts at least 2 ms.
        assert!(round >= Duration::from_millis(2), "{round:?}");
        let mut calls = 0;
        calibrate(&qs, Duration::ZERO, |_| {
            calls += 1;
            Ok(0)
        })
        .unwrap();
        assert_eq!(calls, 2, "one round at least");
    }

    #[test]
    fn iteration_count_fills_the_target_within_bounds() {
        let cases = [
            (
                Duration::from_millis(1),
                Duration::from_secs(3),
                5_000,
                3_000,
            ),
            (
                Duration::from_micros(100),
                Duration::from_secs(3),
                5_000,
                5_000,
            ),
            (Duration::from_secs(10), Duration::from_secs(3), 5_000, 1),
            (Duration::from_millis(700), Duration::from_secs(3), 5_000, 5),
            (Duration::ZERO, Duration::from_secs(3), 50, 50),
            (Duration::from_millis(1), Duration::from_secs(3), 0, 1),
        ];
        for (round, target, cap, want) in cases {
            assert_eq!(auto_iterations(round, target, cap), want, "{round:?}");
        }
    }

    #[test]
    fn vm_hwm_is_read_in_bytes() {
        let cases: &[(&str, Option<u64>)] = &[
            (
                "Name:\tx\nVmPeak:\t 9000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n",
                Some(1234 * 1024),
            ),
            ("VmHWM: 0 kB", Some(0)),
            ("VmRSS:\t 1000 kB\n", None),
            ("VmHWM:\t lots kB\n", None),
            ("VmHWM:\t 12 MB\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_vm_hwm(text), *want, "{text:?}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_a_peak_rss() {
        assert!(peak_rss().is_some_and(|b| b > 0));
    }

    #[test]
    fn copy_names_are_distinct_padded_and_sorted() {
        let cases = [
            ("study-guide", 7, 10, "study-guide-0007.txt"),
            ("a", 0, 1, "a-0000.txt"),
            ("a", 12_345, 20_000, "a-12345.txt"),
            ("a", 5, 20_000, "a-00005.txt"),
        ];
        for (stem, i, n, want) in cases {
            assert_eq!(copy_name(stem, i, n), want);
        }
    }

    #[test]
    fn scaled_queries_name_the_first_copy_of_a_source() {
        let qs = parse_queries("filtered\tart\t--source study-guide --theme memory\nword\tart\n")
            .unwrap();
        let scaled = scale_queries(&qs, 300);
        assert_eq!(scaled[0].filters.source, ["study-guide-0000"]);
        assert_eq!(scaled[0].filters.theme, ["memory"]);
        assert_eq!(scaled[1], qs[1]);
    }

    #[test]
    fn a_scaled_corpus_has_n_distinct_copies_and_the_data_files_once() {
        let src = tempfile::tempdir().unwrap();
        std::fs::write(src.path().join("one.txt"), "first summary\n").unwrap();
        std::fs::write(src.path().join("two.txt"), "second\n").unwrap();
        std::fs::write(src.path().join("lexicon.toml"), "# lexicon\n").unwrap();
        std::fs::write(src.path().join("sources.toml"), "# sources\n").unwrap();
        std::fs::create_dir(src.path().join("subdir")).unwrap();
        let dst = tempfile::tempdir().unwrap();
        let out = dst.path().join("corpus");
        let got = make_scaled_corpus(src.path(), &out, 3, CopyText::Exact).unwrap();
        assert_eq!(
            got,
            ScaledCorpus {
                copies: 3,
                files: 6,
                bytes: 3 * (14 + 7)
            }
        );
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "lexicon.toml",
                "one-0000.txt",
                "one-0001.txt",
                "one-0002.txt",
                "sources.toml",
                "two-0000.txt",
                "two-0001.txt",
                "two-0002.txt"
            ]
        );
        assert_eq!(
            std::fs::read_to_string(out.join("two-0002.txt")).unwrap(),
            "second\n"
        );
        assert_eq!(dir_size(&out).unwrap(), 3 * 21 + 10 + 10);
    }

    /// Share of the passages of copies 1.. that are grouped with an earlier passage.
    fn folded_share(text: CopyText) -> f64 {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let dst = tempfile::tempdir().unwrap();
        make_scaled_corpus(&shipped, dst.path(), 4, text).unwrap();
        let corpus = crate::ingest::ingest(dst.path()).unwrap();
        let groups = crate::dedup::groups(&corpus.passages);
        let later: Vec<usize> = (0..corpus.passages.len())
            .filter(|&i| !corpus.passages[i].source.ends_with("-0000"))
            .collect();
        let folded = later.iter().filter(|&&i| groups[i] != i).count();
        folded as f64 / later.len() as f64
    }

    #[test]
    fn distinct_copies_are_rarely_near_duplicates_and_exact_copies_always_are() {
        let distinct = folded_share(CopyText::default());
        let exact = folded_share(CopyText::Exact);
        assert!(exact > 0.95, "exact copies: {exact:.3} folded");
        assert!(distinct < 0.10, "distinct copies: {distinct:.3} folded");
    }

    #[test]
    fn a_distinct_scaled_corpus_keeps_copy_zero_and_varies_the_others() {
        let src = tempfile::tempdir().unwrap();
        let line = "The students at the school are encouraged to create paintings and poems. \
                    Their guardians collect the finest pieces for a gallery nobody has visited. \
                    Rumours about deferrals spread among couples hoping for extra years.\n";
        std::fs::write(src.path().join("one.txt"), line).unwrap();
        let dst = tempfile::tempdir().unwrap();
        let got = make_scaled_corpus(src.path(), dst.path(), 3, CopyText::default()).unwrap();
        assert_eq!((got.copies, got.files), (3, 3));
        let read = |i: usize| std::fs::read_to_string(dst.path().join(copy_name("one", i, 3)));
        assert_eq!(read(0).unwrap(), line);
        assert_ne!(read(1).unwrap(), line);
        assert_ne!(read(1).unwrap(), read(2).unwrap());
    }

    #[test]
    fn scaling_refuses_zero_copies_a_missing_dir_and_a_dir_without_summaries() {
        let src = tempfile::tempdir().unwrap();
        let dst = tempfile::tempdir().unwrap();
        assert!(matches!(
            make_scaled_corpus(src.path(), dst.path(), 0, CopyText::default()),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            make_scaled_corpus(&src.path().join("nope"), dst.path(), 2, CopyText::default()),
            Err(Error::NoCorpus(_))
        ));
        std::fs::write(src.path().join("lexicon.toml"), "").unwrap();
        assert!(matches!(
            make_scaled_corpus(src.path(), dst.path(), 2, CopyText::default()),
            Err(Error::EmptyCorpus(_))
        ));
    }

    #[test]
    fn a_scratch_dir_is_removed_when_dropped() {
        let dir = ScratchDir::new("nlmg-bench-test").unwrap();
        let path = dir.path().to_path_buf();
        std::fs::write(path.join("f"), "x").unwrap();
        assert!(path.is_dir());
        drop(dir);
        assert!(!path.exists());
    }

    fn passage(text: &str, themes: &[&str], kind: Kind, pages: &[u32]) -> Passage {
        Passage {
            section: vec!["Themes".into(), "Memory and Nostalgia".into()],
            part: Some(2),
            characters: vec!["Ruth".into()],
            themes: themes.iter().map(|s| s.to_string()).collect(),
            pages: pages.to_vec(),
            ..Passage::sample("s", 0, kind, text)
        }
    }

    #[test]
    fn the_scan_baseline_matches_words_phrases_exclusions_and_filters() {
        let corpus = Corpus {
            passages: vec![
                passage(
                    "Kathy finds the tape in Norfolk.",
                    &["memory"],
                    Kind::Plot,
                    &[],
                ),
                passage(
                    "You've been told and not told.",
                    &["identity"],
                    Kind::Quotation,
                    &[81],
                ),
                passage("Ruth wants to see her possible.", &[], Kind::Plot, &[]),
            ],
            ..Default::default()
        };
        let scan = ScanBaseline::new(&corpus);
        let cases = [
            ("word\tnorfolk", 1),
            ("words\tnorfolk possible", 2),
            ("phrase\t\"not told\"", 1),
            ("phrase\t\"told not\"", 0),
            ("operators\tnorfolk OR possible -ruth", 1),
            ("operators\tpossible AND NOT ruth", 0),
            ("filtered\ttold\t--kind quotation --page 80-82", 1),
            ("filtered\ttold\t--page 82", 0),
            ("filter-only\t\t--theme Memory", 1),
            ("filter-only\t\t--character ruth --part 2", 3),
            ("filter-only\t\t--section nostalgia --source S", 3),
            ("filter-only\t\t--part 1", 0),
        ];
        for (line, want) in cases {
            let q = &parse_queries(line).unwrap()[0];
            assert_eq!(scan.search(q), want, "{line:?}");
        }
    }

    proptest! {
        #[test]
        fn any_query_file_parses_or_names_a_line_within_it(text in "\\PC{0,200}") {
            let lines = text.lines().count();
            match parse_queries(&text) {
                Ok(qs) => prop_assert!(qs.iter().all(|q| q.line >= 1 && q.line <= lines)),
                Err(e) => prop_assert!(e.line >= 1 && e.line <= lines),
            }
        }

        #[test]
        fn filter_values_survive_a_round_trip(
            word in "[a-z]{1,10}",
            values in proptest::collection::vec("[a-z0-9]{1,8}( [a-z0-9]{1,8})?", 1..4),
        ) {
            let flags: Vec<String> = values.iter().map(|v| format!("--theme {v}")).collect();
            let line = format!("filtered\t{word}\t{}", flags.join(" "));
            let q = &parse_queries(&line).unwrap()[0];
            prop_assert_eq!(&q.filters.theme, &values);
            prop_assert_eq!(&q.text, &word);
        }

        #[test]
        fn percentiles_are_samples_and_ordered(mut data in proptest::collection::vec(0u64..1_000_000, 1..300)) {
            let s = LatencyStats::from_nanos(&data).unwrap();
            data.sort_unstable();
            prop_assert!(s.p50_us <= s.p90_us && s.p90_us <= s.p99_us && s.p99_us <= s.max_us);
            for p in [s.p50_us, s.p90_us, s.p99_us, s.max_us] {
                prop_assert!(data.iter().any(|&d| d as f64 / 1000.0 == p));
            }
        }
    }
}
