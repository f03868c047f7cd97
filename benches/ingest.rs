//! Ingest speed on the shipped corpus: `cargo bench --bench ingest`.
//! The budget is well under 50 ms for the whole corpus (clean, segment, tag, fingerprint).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    c.bench_function("ingest shipped corpus", |b| {
        b.iter(|| nlmg_search::ingest::ingest(&corpus).expect("corpus ingests"))
    });
    c.bench_function("fingerprint shipped corpus", |b| {
        b.iter(|| nlmg_search::ingest::fingerprint(&corpus).expect("fingerprint"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
