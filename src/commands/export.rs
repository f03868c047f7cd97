//! `nlmg-search export --format opensearch|quickwit [--out DIR]`: every passage with its tags in
//! another engine's ingest format, with that engine's index definition.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Outcome, Paths};
use crate::error::{Error, Result};
use crate::export::{self, Export, Format};
use crate::ingest;
use crate::output;

/// Index name the definition and the action lines use.
pub const INDEX_NAME: &str = "nlmg";

#[derive(Debug, Clone)]
pub struct ExportConfig {
    pub format: Format,
    /// Directory for the two files; `None` writes the documents alone to the given writer.
    pub out: Option<PathBuf>,
}

pub fn run(paths: &Paths, config: &ExportConfig, out: &mut dyn Write) -> Result<Outcome> {
    let corpus = ingest::ingest(&paths.corpus)?;
    for w in &corpus.warnings {
        output::warn(w);
    }
    if corpus.passages.is_empty() {
        return Err(Error::EmptyCorpus(paths.corpus.clone()));
    }
    let e = export::export(&corpus, config.format, INDEX_NAME);
    match &config.out {
        None => output::export::write_documents(out, &e)?,
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|err| Error::io(dir, err))?;
            write_file(
                dir,
                config.format.config_file(),
                &e,
                output::export::write_config,
            )?;
            write_file(
                dir,
                config.format.documents_file(),
                &e,
                output::export::write_documents,
            )?;
            output::export::write_summary(out, &e, dir)?;
        }
    }
    Ok(Outcome::Found)
}

/// Writes one file whole or not at all: to a temporary name, then renamed over the old one.
fn write_file(
    dir: &Path,
    name: &str,
    e: &Export,
    write: fn(&mut dyn Write, &Export) -> Result<()>,
) -> Result<()> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.partial"));
    let file = std::fs::File::create(&tmp).map_err(|err| Error::io(&tmp, err))?;
    let mut w = std::io::BufWriter::new(file);
    let done = write(&mut w, e).and_then(|()| {
        let file = w
            .into_inner()
            .map_err(|err| Error::io(&tmp, err.into_error()))?;
        file.sync_all().map_err(|err| Error::io(&tmp, err))
    });
    if let Err(err) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(err);
    }
    std::fs::rename(&tmp, &path).map_err(|err| Error::io(&path, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_corpus_exports_in_both_formats_to_a_directory() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            corpus: shipped,
            index: dir.path().join("index"),
        };
        for format in [Format::OpenSearch, Format::Quickwit] {
            let out_dir = dir.path().join(format.as_str());
            let config = ExportConfig {
                format,
                out: Some(out_dir.clone()),
            };
            let mut said = Vec::new();
            assert_eq!(run(&paths, &config, &mut said).unwrap(), Outcome::Found);
            let text = std::fs::read_to_string(out_dir.join(format.documents_file())).unwrap();
            let lines: Vec<serde_json::Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let per_doc = if format == Format::OpenSearch { 2 } else { 1 };
            assert!(
                lines.len() > 100 * per_doc,
                "{format:?}: {} lines",
                lines.len()
            );
            assert_eq!(lines.len() % per_doc, 0);
            for chunk in lines.chunks(per_doc) {
                let doc: export::Document =
                    serde_json::from_value(chunk[per_doc - 1].clone()).unwrap();
                if per_doc == 2 {
                    assert_eq!(chunk[0]["index"]["_id"], doc.id.as_str());
                }
            }
            let config: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(out_dir.join(format.config_file())).unwrap(),
            )
            .unwrap();
            assert!(config.is_object());
            let said = String::from_utf8(said).unwrap();
            assert!(said.contains(format.documents_file()), "{said}");
            assert!(!out_dir
                .join(format!(".{}.partial", format.config_file()))
                .exists());
        }
    }
}
