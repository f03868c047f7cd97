//! Reads a corpus directory into tagged passages: the front half of the pipeline in one call.
//!
//! PROVISIONAL: splits at blank lines without cleaning or tagging; the real stages replace it.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Corpus, Kind, Passage, Source};

/// Reads every `*.txt` in `corpus_dir` (sorted by name) into passages.
pub fn ingest(corpus_dir: &Path) -> Result<Corpus> {
    if !corpus_dir.is_dir() {
        return Err(Error::NoCorpus(corpus_dir.to_path_buf()));
    }
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir)
        .map_err(|e| Error::io(corpus_dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut corpus = Corpus::default();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        corpus.bytes += text.len() as u64;
        let start = corpus.passages.len();
        let mut offset = 0;
        for chunk in text.split("\n\n") {
            let t = chunk.trim();
            if !t.is_empty() {
                let seq = (corpus.passages.len() - start) as u32;
                corpus.passages.push(Passage {
                    id: format!("{id}:{seq}"),
                    source: id.clone(),
                    seq,
                    section: vec![],
                    kind: Kind::Other,
                    part: None,
                    characters: vec![],
                    themes: vec![],
                    pages: vec![],
                    text: t.to_string(),
                    source_range: [offset, offset + chunk.len()],
                    prev: None,
                    next: None,
                    provenance: vec![],
                });
            }
            offset += chunk.len() + 2;
        }
        corpus.sources.push(Source {
            title: id.clone(),
            kind: String::new(),
            description: String::new(),
            file: path.file_name().unwrap().to_string_lossy().into_owned(),
            id,
        });
    }
    corpus.fingerprint = format!("{:016x}", corpus.bytes);
    Ok(corpus)
}
