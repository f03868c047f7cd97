//! Printing `nlmg-search bench`: the report as a table or one JSON object, and the progress bar.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::bench::{BenchReport, CopyText, LatencyStats, Phase, RunProgress, ScaledCorpus};
use crate::error::{Error, Result};

fn io(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// The whole report as one JSON object on one line.
pub fn write_json(out: &mut dyn Write, report: &BenchReport) -> Result<()> {
    serde_json::to_writer(&mut *out, report).map_err(|e| io(e.into()))?;
    writeln!(out).map_err(io)
}

/// What `bench --scale N --write-corpus DIR` wrote, in one line.
pub fn write_scaled(
    out: &mut dyn Write,
    dir: &std::path::Path,
    c: &ScaledCorpus,
    text: CopyText,
) -> Result<()> {
    writeln!(
        out,
        "wrote {} copies ({}) to {}: {} summary files, {}",
        c.copies,
        text.label(),
        dir.display(),
        c.files,
        bytes(c.bytes)
    )
    .map_err(io)
}

/// The report for people: what was measured, then latency per kind and overall.
pub fn write_text(out: &mut dyn Write, r: &BenchReport) -> Result<()> {
    let c = &r.corpus;
    writeln!(out, "nlmg-search bench  (engine: {})", r.engine).map_err(io)?;
    writeln!(
        out,
        "corpus   {} ({}×{}): {} sources, {} passages, {}",
        c.dir,
        c.scale,
        c.copies
            .map(|t| format!(", {}", t.label()))
            .unwrap_or_default(),
        c.sources,
        c.passages,
        bytes(c.bytes)
    )
    .map_err(io)?;
    if let Some(b) = &r.build {
        writeln!(
            out,
            "build    ingest {:.1} ms + index {:.1} ms = {:.1} ms: {:.2} MB/s, {:.0} passages/s",
            b.ingest_ms, b.index_ms, b.total_ms, b.mb_per_s, b.passages_per_s
        )
        .map_err(io)?;
    }
    let segments = match r.index.segments {
        Some(1) => ", 1 segment".to_string(),
        Some(n) => format!(", {n} segments"),
        None => String::new(),
    };
    if r.index.bytes == 0 {
        writeln!(out, "index    none (the engine answers without one)").map_err(io)?;
    } else {
        writeln!(
            out,
            "index    {}: {}{segments}",
            r.index.dir,
            bytes(r.index.bytes)
        )
        .map_err(io)?;
    }
    writeln!(
        out,
        "cold     open {:.0} µs + first query {:.0} µs = {:.0} µs  ({})",
        r.cold.open_us, r.cold.first_query_us, r.cold.total_us, r.cold.query
    )
    .map_err(io)?;
    let run = &r.run;
    writeln!(
        out,
        "run      {} queries × {} iterations{} after {} warm-up, {:.2} s",
        run.queries,
        run.iterations,
        if run.auto_sized { " (auto)" } else { "" },
        run.warmup,
        run.wall_s
    )
    .map_err(io)?;
    let rss = match r.peak_rss_bytes {
        Some(b) if r.peak_rss_excludes_build => format!("{} (open and queries)", bytes(b)),
        Some(b) => format!("{} (whole process)", bytes(b)),
        None => "not available on this system".to_string(),
    };
    writeln!(out, "memory   peak RSS {rss}").map_err(io)?;
    let empty: Vec<&str> = r
        .queries
        .iter()
        .filter(|q| q.hits == 0)
        .map(|q| q.query.as_str())
        .collect();
    if !empty.is_empty() {
        writeln!(out, "no hits  {}", empty.join(" | ")).map_err(io)?;
    }
    writeln!(out).map_err(io)?;
    writeln!(
        out,
        "{:<12} {:>7} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "kind", "queries", "samples", "p50 µs", "p90 µs", "p99 µs", "max µs", "qps"
    )
    .map_err(io)?;
    for k in &r.kinds {
        row(out, k.kind.as_str(), k.queries, &k.latency)?;
    }
    row(out, "overall", run.queries, &r.overall)
}

fn row(out: &mut dyn Write, name: &str, queries: usize, l: &LatencyStats) -> Result<()> {
    writeln!(
        out,
        "{name:<12} {queries:>7} {:>8} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>10.0}",
        l.samples, l.p50_us, l.p90_us, l.p99_us, l.max_us, l.qps
    )
    .map_err(io)
}

/// Human size with a decimal unit (the MB in MB/s is 10^6 bytes too).
fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} kB", n / 1e3)
    } else {
        format!("{n} B")
    }
}

/// Progress of the warm-up and timed rounds on stderr, drawn only when stderr is a terminal so
/// that logs and pipes stay clean.
pub struct BenchProgress {
    bar: Option<ProgressBar>,
    phase: Option<Phase>,
}

impl BenchProgress {
    pub fn new() -> BenchProgress {
        BenchProgress {
            bar: None,
            phase: None,
        }
    }

    /// A spinner with a message for a step of unknown length (building the scaled corpus, the
    /// index); cleared by the next call.
    pub fn step(&mut self, message: &str) {
        self.finish();
        if !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid"));
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        self.bar = Some(bar);
    }

    pub fn update(&mut self, p: RunProgress) {
        if !std::io::stderr().is_terminal() {
            return;
        }
        if self.phase != Some(p.phase) {
            self.finish();
            self.phase = Some(p.phase);
            let bar =
                ProgressBar::with_draw_target(Some(p.total as u64), ProgressDrawTarget::stderr());
            let label = match p.phase {
                Phase::Warmup => "warm-up",
                Phase::Timed => "timed  ",
            };
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{label} [{{bar:40}}] {{pos}}/{{len}} rounds {{elapsed}}/{{eta}} left"
                ))
                .expect("valid template")
                .progress_chars("=> "),
            );
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(p.done as u64);
        }
    }

    /// Clears whatever is drawn.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        self.phase = None;
    }
}

impl Default for BenchProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for BenchProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::*;

    fn report() -> BenchReport {
        let lat = LatencyStats::from_nanos(&[10_000, 20_000, 30_000]).unwrap();
        BenchReport {
            engine: "scan-baseline".into(),
            corpus: CorpusFacts {
                dir: "corpus".into(),
                scale: 1,
                copies: None,
                sources: 3,
                passages: 400,
                bytes: 87_650,
            },
            build: Some(BuildFacts::new(
                std::time::Duration::from_millis(10),
                std::time::Duration::from_millis(30),
                87_650,
                400,
            )),
            index: IndexFacts {
                dir: "index".into(),
                bytes: 1_234_567,
                segments: Some(1),
            },
            cold: ColdFacts::new(
                std::time::Duration::from_micros(1500),
                std::time::Duration::from_micros(300),
                "deferral".into(),
            ),
            run: RunFacts {
                queries: 2,
                iterations: 3,
                warmup: 1,
                auto_sized: true,
                wall_s: 0.5,
                limit: 10,
            },
            kinds: vec![KindStats {
                kind: QueryKind::FilterOnly,
                queries: 2,
                latency: lat.clone(),
            }],
            overall: lat,
            queries: vec![QueryStats {
                line: 4,
                kind: QueryKind::FilterOnly,
                query: "--part 3".into(),
                hits: 0,
                p50_us: 20.0,
                max_us: 30.0,
            }],
            peak_rss_bytes: Some(9_500_000),
            peak_rss_excludes_build: true,
        }
    }

    #[test]
    fn the_text_report_has_every_fact_and_a_row_per_kind() {
        let mut out = Vec::new();
        write_text(&mut out, &report()).unwrap();
        let text = String::from_utf8(out).unwrap();
        for needle in [
            "engine: scan-baseline",
            "3 sources, 400 passages, 87.7 kB",
            "= 40.0 ms: 2.19 MB/s, 10000 passages/s",
            "1.2 MB, 1 segment",
            "open 1500 µs + first query 300 µs = 1800 µs",
            "2 queries × 3 iterations (auto) after 1 warm-up",
            "peak RSS 9.5 MB (open and queries)",
            "no hits  --part 3",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("filter-only") || l.starts_with("overall"))
            .collect();
        assert_eq!(rows.len(), 2, "{text}");
        let cells: Vec<&str> = rows[0].split_whitespace().collect();
        assert_eq!(
            cells,
            [
                "filter-only",
                "2",
                "3",
                "20.0",
                "30.0",
                "30.0",
                "30.0",
                "50000"
            ]
        );
    }

    #[test]
    fn the_json_report_is_one_object_with_documented_fields() {
        let mut out = Vec::new();
        write_json(&mut out, &report()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["engine"], "scan-baseline");
        assert_eq!(v["kinds"][0]["kind"], "filter-only");
        assert_eq!(v["kinds"][0]["p99_us"], 30.0);
        assert_eq!(v["overall"]["samples"], 3);
        assert_eq!(v["index"]["segments"], 1);
        assert_eq!(v["cold"]["total_us"], 1800.0);
        assert_eq!(v["build"]["passages_per_s"], 10000.0);
        assert_eq!(v["peak_rss_bytes"], 9_500_000);
        assert_eq!(v["queries"][0]["hits"], 0);
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        let cases = [
            (0, "0 B"),
            (999, "999 B"),
            (1_500, "1.5 kB"),
            (2_000_000, "2.0 MB"),
            (3_210_000_000, "3.21 GB"),
        ];
        for (n, want) in cases {
            assert_eq!(bytes(n), want);
        }
    }
}
