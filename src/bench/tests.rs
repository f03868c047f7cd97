//! Unit tests of the measuring kit: query lines, statistics, copies and the scan.

use std::path::Path;
use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::error::Error;
use crate::model::{Corpus, Kind, Passage};

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
    let qs =
        parse_queries("filtered\tart\t--source study-guide --theme memory\nword\tart\n").unwrap();
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
