//! The floor the engine's figures are read against: the least a tantivy program does to index
//! the same passages and answer a query over them. One text field with tantivy's default
//! tokenizer, default writer settings, a query parsed by tantivy's parser, the top 10 printed.
//! No tags, no glossary, no typo rules, no grouping, no excerpts: whatever nlmg-search spends
//! beyond this is the price of those.
//!
//! ```text
//! nlmg-search --corpus DIR passages --json > passages.jsonl
//! floor index passages.jsonl INDEX_DIR      # builds a fresh index (INDEX_DIR must not exist)
//! floor search INDEX_DIR deferral           # prints the top 10: id, score, text
//! ```
//!
//! Built by `cargo build --release --all-targets` as `target/release/examples/floor`;
//! `benches/compare.sh` runs it beside nlmg-search and `rg -i`.

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Schema, Value, STORED, STRING, TEXT};
use tantivy::{doc, Index, TantivyDocument};

/// tantivy's documented starting point for a writer's memory budget.
const WRITER_BUDGET: usize = 50_000_000;
const TOP: usize = 10;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("index") if args.len() == 3 => index(Path::new(&args[1]), Path::new(&args[2])),
        Some("search") if args.len() >= 3 => search(Path::new(&args[1]), &args[2..].join(" ")),
        _ => Err(
            "usage: floor index PASSAGES.jsonl INDEX_DIR | floor search INDEX_DIR QUERY…"
                .to_string(),
        ),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("floor: {e}");
            ExitCode::from(2)
        }
    }
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("text", TEXT | STORED);
    b.build()
}

/// Indexes every line of `passages` (nlmg-search's `passages --json`: only `id` and `text` are
/// read) into a new index at `dir`.
fn index(passages: &Path, dir: &Path) -> Result<bool, String> {
    let schema = schema();
    let (id, text) = (field(&schema, "id")?, field(&schema, "text")?);
    std::fs::create_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let index = Index::create_in_dir(dir, schema).map_err(|e| e.to_string())?;
    let mut writer = index
        .writer::<TantivyDocument>(WRITER_BUDGET)
        .map_err(|e| e.to_string())?;
    let file = std::fs::File::open(passages).map_err(|e| format!("{}: {e}", passages.display()))?;
    let mut n = 0usize;
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        let (Some(i), Some(t)) = (v["id"].as_str(), v["text"].as_str()) else {
            return Err(format!("line {}: no \"id\" and \"text\"", n + 1));
        };
        writer
            .add_document(doc!(id => i, text => t))
            .map_err(|e| e.to_string())?;
        n += 1;
    }
    writer.commit().map_err(|e| e.to_string())?;
    writer.wait_merging_threads().map_err(|e| e.to_string())?;
    eprintln!("floor: indexed {n} passages");
    Ok(n > 0)
}

/// Prints the top 10 passages for `query`: id, score and text, one per line.
fn search(dir: &Path, query: &str) -> Result<bool, String> {
    let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    let schema = index.schema();
    let (id, text) = (field(&schema, "id")?, field(&schema, "text")?);
    let searcher = index.reader().map_err(|e| e.to_string())?.searcher();
    let query = QueryParser::for_index(&index, vec![text])
        .parse_query(query)
        .map_err(|e| e.to_string())?;
    let top = searcher
        .search(&query, &TopDocs::with_limit(TOP).order_by_score())
        .map_err(|e| e.to_string())?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (score, address) in &top {
        let d: TantivyDocument = searcher.doc(*address).map_err(|e| e.to_string())?;
        let get = |f| d.get_first(f).and_then(|v| v.as_str()).unwrap_or_default();
        writeln!(out, "{}\t{score:.3}\t{}", get(id), get(text)).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(!top.is_empty())
}

fn field(schema: &Schema, name: &str) -> Result<tantivy::schema::Field, String> {
    schema.get_field(name).map_err(|e| e.to_string())
}
