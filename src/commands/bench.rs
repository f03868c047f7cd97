//! `nlmg-search bench`: query latency, throughput, cold start and memory.
//!
//! The flow: options → validated config → [scaled corpus in a temp dir] → index built if needed →
//! engine opened (timed, with a first query: the cold cost) → warm-up → timed rounds → report.
//! Everything that touches the search engine is in `backend`, so the measuring code does not
//! change when the engine does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{Outcome, Paths};
use crate::bench::{self, BenchQuery, BenchReport, CopyText, ScratchDir};
use crate::error::{Error, Result};
use crate::output;

/// Bench options as parsed.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// The query file; `None` for the compiled-in default queries.
    pub queries: Option<PathBuf>,
    pub iterations: Option<usize>,
    pub warmup: usize,
    pub scale: Option<usize>,
    /// What the copies of a `--scale` corpus hold (varied text unless `--exact-copies`).
    pub copies: CopyText,
    /// Write the scaled corpus here and stop, instead of benchmarking it.
    pub write_corpus: Option<PathBuf>,
    pub json: bool,
}

/// Most copies `--scale` makes: 10 000 copies of the shipped corpus is close to 1 GB of text.
pub const MAX_SCALE: usize = 10_000;
/// Hits asked for per query: the search command's default `--limit`.
pub const LIMIT: usize = 10;
/// Sentences of context per excerpt: the search command's default `-C`.
pub const CONTEXT: usize = 1;

/// A bench run that has been checked before any work starts.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub queries: Vec<BenchQuery>,
    pub iterations: Option<usize>,
    pub warmup: usize,
    pub scale: Option<usize>,
    pub copies: CopyText,
    pub write_corpus: Option<PathBuf>,
    pub json: bool,
}

impl BenchConfig {
    pub fn new(paths: &Paths, o: &BenchOptions) -> Result<BenchConfig> {
        if o.iterations == Some(0) {
            return Err(Error::Usage("--iterations must be at least 1".into()));
        }
        match o.scale {
            Some(0) => return Err(Error::Usage("--scale must be at least 1".into())),
            Some(n) if n > MAX_SCALE => {
                return Err(Error::Usage(format!(
                    "--scale {n} is too large: at most {MAX_SCALE} copies"
                )))
            }
            _ => {}
        }
        if !paths.corpus.is_dir() {
            return Err(Error::NoCorpus(paths.corpus.clone()));
        }
        if let Some(dir) = &o.write_corpus {
            if o.scale.is_none() {
                return Err(Error::Usage(
                    "--write-corpus writes a scaled corpus: give --scale N too".into(),
                ));
            }
            // Never mix a new corpus into files that are already there, nor overwrite them.
            let occupied = std::fs::read_dir(dir).map(|mut d| d.next().is_some());
            if occupied.unwrap_or(false) || dir.is_file() {
                return Err(Error::Usage(format!(
                    "--write-corpus {}: the directory exists and is not empty",
                    dir.display()
                )));
            }
            // The query file is not needed to write a corpus.
            return Ok(BenchConfig {
                corpus: paths.corpus.clone(),
                index: paths.index.clone(),
                queries: Vec::new(),
                iterations: o.iterations,
                warmup: o.warmup,
                scale: o.scale,
                copies: o.copies,
                write_corpus: o.write_corpus.clone(),
                json: o.json,
            });
        }
        let queries = match &o.queries {
            Some(path) => bench::load_queries(path)?,
            None => {
                bench::parse_queries(crate::shipped::BENCH_QUERIES).map_err(|e| Error::Data {
                    path: "benches/queries.txt (compiled in)".into(),
                    message: e.to_string(),
                })?
            }
        };
        Ok(BenchConfig {
            corpus: paths.corpus.clone(),
            index: paths.index.clone(),
            queries,
            iterations: o.iterations,
            warmup: o.warmup,
            scale: o.scale,
            copies: o.copies,
            write_corpus: None,
            json: o.json,
        })
    }
}

pub fn run(paths: &Paths, options: &BenchOptions, out: &mut dyn Write) -> Result<Outcome> {
    let config = BenchConfig::new(paths, options)?;
    if let (Some(dir), Some(n)) = (&config.write_corpus, config.scale) {
        let mut progress = output::bench::BenchProgress::new();
        progress.step(&format!("writing {n} copies of the corpus"));
        let written = bench::make_scaled_corpus(&config.corpus, dir, n, config.copies)?;
        progress.finish();
        output::bench::write_scaled(out, dir, &written, config.copies)?;
        return Ok(Outcome::Found);
    }
    let report = measure(&config)?;
    if config.json {
        output::bench::write_json(out, &report)?;
    } else {
        output::bench::write_text(out, &report)?;
    }
    Ok(Outcome::Found)
}

/// Runs the whole benchmark and returns its report.
pub fn measure(config: &BenchConfig) -> Result<BenchReport> {
    let mut progress = output::bench::BenchProgress::new();
    // Held until the end: dropping it deletes the scaled corpus and its index.
    let scratch;
    let (corpus_dir, index_dir) = match config.scale {
        Some(n) => {
            progress.step(&format!("writing {n} copies of the corpus"));
            scratch = ScratchDir::new("nlmg-bench")?;
            let corpus = scratch.path().join("corpus");
            bench::make_scaled_corpus(&config.corpus, &corpus, n, config.copies)?;
            (corpus, scratch.path().join("index"))
        }
        None => (config.corpus.clone(), config.index.clone()),
    };

    progress.step("reading the corpus and building the index");
    let prepared = backend::prepare(&corpus_dir, &index_dir, config.scale.is_some())?;
    progress.finish();
    for w in &prepared.warnings {
        output::warn(w);
    }
    let excludes_build = bench::reset_peak_rss();

    let scaled;
    let queries = match config.scale {
        Some(n) => {
            scaled = bench::scale_queries(&config.queries, n);
            &scaled
        }
        None => &config.queries,
    };
    let first = &queries[0];
    let t = Instant::now();
    let engine = backend::open(&corpus_dir, &index_dir)?;
    let open = t.elapsed();
    let t = Instant::now();
    backend::search(&engine, first)?;
    let first_query = t.elapsed();

    let mut on_progress = |p| progress.update(p);
    let (iterations, auto_sized) = match config.iterations {
        Some(n) => (n, false),
        None => {
            // Warm up first so calibration times the warm path the run will measure.
            bench::run_queries(
                queries,
                0,
                config.warmup,
                |q: &BenchQuery| backend::search(&engine, q),
                &mut on_progress,
            )?;
            let round = bench::calibrate(queries, bench::CALIBRATION_BUDGET, |q| {
                backend::search(&engine, q)
            })?;
            let n =
                bench::auto_iterations(round, bench::DEFAULT_TARGET, bench::MAX_AUTO_ITERATIONS);
            (n, true)
        }
    };
    // The auto-sized path has warmed up already.
    let warmup = if auto_sized { 0 } else { config.warmup };
    let run = bench::run_queries(
        queries,
        iterations,
        warmup,
        |q: &BenchQuery| backend::search(&engine, q),
        &mut on_progress,
    )?;
    progress.finish();

    let (kinds, overall, queries) = bench::summarize(queries, &run);
    let overall = overall.ok_or_else(|| Error::Usage("no query was timed".into()))?;
    let index_bytes = if index_dir.is_dir() {
        bench::dir_size(&index_dir)?
    } else {
        0
    };
    Ok(BenchReport {
        engine: backend::NAME.to_string(),
        corpus: bench::CorpusFacts {
            dir: display_dir(&config.corpus),
            scale: config.scale.unwrap_or(1),
            copies: config.scale.map(|_| config.copies),
            sources: prepared.sources,
            passages: prepared.passages,
            bytes: prepared.bytes,
        },
        build: prepared.build,
        index: bench::IndexFacts {
            dir: if config.scale.is_some() {
                "(temporary)".to_string()
            } else {
                display_dir(&index_dir)
            },
            bytes: index_bytes,
            segments: prepared.segments,
        },
        cold: bench::ColdFacts::new(open, first_query, first.label()),
        run: bench::RunFacts {
            queries: queries.len(),
            iterations,
            warmup: config.warmup,
            auto_sized,
            wall_s: run.wall.as_secs_f64(),
            limit: LIMIT,
        },
        kinds,
        overall,
        queries,
        peak_rss_bytes: bench::peak_rss(),
        peak_rss_excludes_build: excludes_build,
    })
}

fn display_dir(p: &Path) -> String {
    p.display().to_string()
}

/// The only code of the bench that knows which search engine answers: the tantivy engine, built
/// and opened as the search command does it.
mod backend {
    use std::path::Path;
    use std::time::Instant;

    use crate::bench::{BenchQuery, BuildFacts};
    use crate::error::Result;
    use crate::index::{self, IndexStatus};
    use crate::ingest;
    use crate::model::Warning;
    use crate::search::Request;

    pub const NAME: &str = "tantivy";

    /// The corpus as indexed, and the build's cost when this run built the index.
    pub struct Prepared {
        pub sources: usize,
        pub passages: usize,
        pub bytes: u64,
        pub warnings: Vec<Warning>,
        pub build: Option<BuildFacts>,
        /// Segments of the index, known when this run built it.
        pub segments: Option<usize>,
    }

    /// Builds the index when `force` (a fresh scaled corpus) or when it is not a complete,
    /// current index of the corpus; otherwise reads what the index records about itself.
    pub fn prepare(corpus_dir: &Path, index_dir: &Path, force: bool) -> Result<Prepared> {
        if !force && index::status(index_dir, corpus_dir) == IndexStatus::Fresh {
            let meta = index::read_meta(index_dir)?;
            return Ok(Prepared {
                sources: meta.sources.len(),
                passages: meta.passages,
                bytes: meta.bytes,
                warnings: vec![],
                build: None,
                segments: None,
            });
        }
        let t = Instant::now();
        let corpus = ingest::ingest(corpus_dir)?;
        let ingest_time = t.elapsed();
        let report = index::build(&corpus, index_dir, &mut |_| {})?;
        Ok(Prepared {
            sources: corpus.sources.len(),
            passages: corpus.passages.len(),
            bytes: corpus.bytes,
            build: Some(BuildFacts::new(
                ingest_time,
                report.elapsed,
                corpus.bytes,
                corpus.passages.len(),
            )),
            segments: Some(report.segments),
            warnings: corpus.warnings,
        })
    }

    /// What answers the queries.
    pub type Engine = crate::search::Engine;

    /// Opens the engine as a fresh search process would.
    pub fn open(corpus_dir: &Path, index_dir: &Path) -> Result<Engine> {
        Engine::open(index_dir, corpus_dir)
    }

    /// One search as the search command makes it (parse, search, excerpts; no printing).
    /// Returns the number of hits.
    pub fn search(engine: &Engine, q: &BenchQuery) -> Result<usize> {
        let req = Request {
            query: q.text.clone(),
            filters: q.filters.clone(),
            limit: super::LIMIT,
            context: super::CONTEXT,
            ..Request::default()
        };
        Ok(engine.search(&req)?.hits.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture's corpus and index directories.
    fn paths(dir: &Path) -> Paths {
        Paths {
            corpus: dir.join("corpus"),
            index: dir.join("index"),
        }
    }

    fn options(queries: &Path) -> BenchOptions {
        BenchOptions {
            queries: Some(queries.to_path_buf()),
            iterations: Some(2),
            warmup: 1,
            scale: None,
            copies: CopyText::default(),
            write_corpus: None,
            json: false,
        }
    }

    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("corpus")).unwrap();
        std::fs::write(
            dir.path().join("corpus/notes.txt"),
            "Kathy drives to Norfolk.\n\nTommy draws animals for the Gallery.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("queries.txt"),
            "word\tNorfolk\nwords\tTommy animals\nphrase\t\"for the Gallery\"\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn bad_options_are_refused_before_any_work() {
        let dir = fixture();
        let q = dir.path().join("queries.txt");
        let cases: Vec<(BenchOptions, &str)> = vec![
            (
                BenchOptions {
                    iterations: Some(0),
                    ..options(&q)
                },
                "--iterations must be at least 1",
            ),
            (
                BenchOptions {
                    scale: Some(0),
                    ..options(&q)
                },
                "--scale must be at least 1",
            ),
            (
                BenchOptions {
                    scale: Some(MAX_SCALE + 1),
                    ..options(&q)
                },
                "too large",
            ),
            (options(&dir.path().join("missing.txt")), "missing.txt"),
        ];
        for (o, needle) in cases {
            let err = BenchConfig::new(&paths(dir.path()), &o).unwrap_err();
            assert!(err.to_string().contains(needle), "{err}");
        }
        let err = BenchConfig::new(&paths(&dir.path().join("nope")), &options(&q)).unwrap_err();
        assert!(matches!(err, Error::NoCorpus(_)), "{err}");
    }

    #[test]
    fn a_run_reports_every_query_of_the_set() {
        let dir = fixture();
        let config = BenchConfig::new(
            &paths(dir.path()),
            &options(&dir.path().join("queries.txt")),
        )
        .unwrap();
        let r = measure(&config).unwrap();
        assert_eq!(r.run.queries, 3);
        assert_eq!(
            (r.run.iterations, r.run.warmup, r.run.auto_sized),
            (2, 1, false)
        );
        assert_eq!(r.overall.samples, 6);
        assert_eq!(r.kinds.len(), 3);
        assert_eq!(r.corpus.sources, 1);
        let hits: Vec<usize> = r.queries.iter().map(|q| q.hits).collect();
        assert_eq!(hits, vec![1, 1, 1]);
        assert_eq!(r.cold.query, "Norfolk");
    }

    #[test]
    fn scale_mode_multiplies_the_corpus_and_leaves_nothing_behind() {
        let dir = fixture();
        let config = BenchConfig::new(
            &paths(dir.path()),
            &BenchOptions {
                scale: Some(4),
                copies: CopyText::Exact,
                ..options(&dir.path().join("queries.txt"))
            },
        )
        .unwrap();
        let r = measure(&config).unwrap();
        assert_eq!((r.corpus.scale, r.corpus.sources), (4, 4));
        // The four copies of each passage are near-duplicates: one hit each, the others in
        // `also_in`.
        let hits: Vec<usize> = r.queries.iter().map(|q| q.hits).collect();
        assert_eq!(hits, vec![1, 1, 1]);
        assert!(r.build.is_some());
        assert_eq!(r.index.dir, "(temporary)");
        assert_eq!(r.corpus.copies, Some(CopyText::Exact));
    }

    #[test]
    fn write_corpus_needs_a_scale_and_an_empty_directory() {
        let dir = fixture();
        let q = dir.path().join("queries.txt");
        let target = dir.path().join("out");
        let no_scale = BenchOptions {
            write_corpus: Some(target.clone()),
            ..options(&q)
        };
        let err = BenchConfig::new(&paths(dir.path()), &no_scale).unwrap_err();
        assert!(err.to_string().contains("give --scale N"), "{err}");
        let occupied = BenchOptions {
            scale: Some(2),
            write_corpus: Some(dir.path().to_path_buf()),
            ..options(&q)
        };
        let err = BenchConfig::new(&paths(dir.path()), &occupied).unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
    }

    #[test]
    fn write_corpus_writes_the_copies_and_runs_no_query() {
        let dir = fixture();
        let target = dir.path().join("out");
        let o = BenchOptions {
            scale: Some(3),
            write_corpus: Some(target.clone()),
            // Not read: writing a corpus needs no queries.
            queries: Some(dir.path().join("missing.txt")),
            ..options(&dir.path().join("queries.txt"))
        };
        let mut out = Vec::new();
        assert_eq!(
            run(&paths(dir.path()), &o, &mut out).unwrap(),
            Outcome::Found
        );
        let mut names: Vec<String> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["notes-0000.txt", "notes-0001.txt", "notes-0002.txt"]
        );
        let said = String::from_utf8(out).unwrap();
        assert!(said.contains("3 copies"), "{said}");
    }
}
