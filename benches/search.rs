//! Query latency per query kind on fixed data: the shipped corpus and `benches/queries.txt`.
//!
//! Each benchmark runs every query of one kind once per iteration, so the time reads as "one
//! pass over the kind's queries". The scan baseline is measured beside the engine: it is what
//! answering costs with no index at all.
//!
//! Run: `cargo bench --bench search` (add `-- word` to run one kind).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

use nlmg_search::bench::{load_queries, BenchQuery, QueryKind, ScanBaseline};
use nlmg_search::ingest::ingest;
use nlmg_search::search::{Engine, Request};

fn fixed_data() -> (std::path::PathBuf, Vec<BenchQuery>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let queries = load_queries(&root.join("benches/queries.txt")).expect("benches/queries.txt");
    (root.join("corpus"), queries)
}

/// The request the search command makes for a query: default limit and context.
fn request(q: &BenchQuery) -> Request {
    Request {
        query: q.text.clone(),
        filters: q.filters.clone(),
        ..Request::default()
    }
}

fn search_by_kind(c: &mut Criterion) {
    let (corpus_dir, queries) = fixed_data();
    let corpus = ingest(&corpus_dir).expect("the shipped corpus reads");
    let scan = ScanBaseline::new(&corpus);

    let dir = tempfile::tempdir().expect("a temporary directory");
    nlmg_search::index::build(&corpus, dir.path(), &mut |_| {}).expect("the index builds");
    let engine = Engine::open(dir.path(), &corpus_dir).expect("the index opens");

    for kind in QueryKind::ALL {
        let set: Vec<&BenchQuery> = queries.iter().filter(|q| q.kind == kind).collect();
        if set.is_empty() {
            continue;
        }
        let mut group = c.benchmark_group(format!("search/{kind}"));
        group.bench_function("scan-baseline", |b| {
            b.iter(|| set.iter().map(|q| scan.search(black_box(q))).sum::<usize>())
        });
        group.bench_function("tantivy", |b| {
            b.iter(|| {
                set.iter()
                    .map(|q| engine.search(&request(black_box(q))).unwrap().hits.len())
                    .sum::<usize>()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, search_by_kind);
criterion_main!(benches);
