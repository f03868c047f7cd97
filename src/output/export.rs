//! Writes an export: the ingest lines as NDJSON and the index definition as pretty JSON.

use std::io::Write;

use crate::error::{Error, Result};
use crate::export::Export;

/// Every document of `e` as NDJSON in its engine's ingest format, each line ending in `\n`
/// (OpenSearch's bulk API requires the last one too).
pub fn write_documents(out: &mut dyn Write, e: &Export) -> Result<()> {
    for d in &e.documents {
        for line in e.lines(d) {
            serde_json::to_writer(&mut *out, &line)
                .map_err(|err| Error::io("<export>", err.into()))?;
            out.write_all(b"\n")
                .map_err(|err| Error::io("<export>", err))?;
        }
    }
    Ok(())
}

/// The index definition (OpenSearch index body or Quickwit index config), pretty-printed.
pub fn write_config(out: &mut dyn Write, e: &Export) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, &e.config)
        .map_err(|err| Error::io("<export>", err.into()))?;
    out.write_all(b"\n")
        .map_err(|err| Error::io("<export>", err))
}

/// What was written and the commands that hand it to the engine.
pub fn write_summary(out: &mut dyn Write, e: &Export, dir: &std::path::Path) -> Result<()> {
    let (config, docs) = (
        dir.join(e.format.config_file()),
        dir.join(e.format.documents_file()),
    );
    let (config, docs) = (config.display(), docs.display());
    let next = match e.format {
        crate::export::Format::OpenSearch => format!(
            "curl -XPUT 'localhost:9200/{i}' -H 'Content-Type: application/json' --data-binary @{config}\n\
             curl -XPOST 'localhost:9200/_bulk' -H 'Content-Type: application/x-ndjson' --data-binary @{docs}",
            i = e.index
        ),
        crate::export::Format::Quickwit => format!(
            "quickwit index create --index-config {config}\n\
             quickwit index ingest --index {i} --input-path {docs}",
            i = e.index
        ),
    };
    writeln!(
        out,
        "wrote {} passages for {} to {}\nnext:\n{next}",
        e.documents.len(),
        e.format.as_str(),
        dir.display()
    )
    .map_err(|err| Error::io("<stdout>", err))
}
