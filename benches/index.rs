//! Index build on fixed data: the shipped corpus, already ingested (ingest has its own bench).
//!
//! Throughput is reported in bytes of source text, so the numbers read as MB/s.
//!
//! Run: `cargo bench --bench index`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use nlmg_search::bench::ScanBaseline;
use nlmg_search::ingest::ingest;

fn build(c: &mut Criterion) {
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let corpus = ingest(&corpus_dir).expect("the shipped corpus reads");

    let mut group = c.benchmark_group("index/build");
    group.throughput(Throughput::Bytes(corpus.bytes));
    // The scan baseline's "index" is a lowercased copy of every passage: the floor for a build.
    group.bench_function("scan-baseline", |b| {
        b.iter(|| ScanBaseline::new(black_box(&corpus)))
    });
    // A full build into a fresh directory per iteration, the directory made outside the timing.
    group.sample_size(10);
    group.bench_function("tantivy", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("a temporary directory"),
            |dir| {
                nlmg_search::index::build(&corpus, dir.path(), &mut |_| {}).expect("builds");
                dir
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);
