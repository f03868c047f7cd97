//! Printing passages for `nlmg-search passages`.

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::Passage;

fn io(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// One JSON object per line: the [`Passage`] fields, including `provenance`.
pub fn write_json(out: &mut dyn Write, p: &Passage) -> Result<()> {
    serde_json::to_writer(&mut *out, p).map_err(|e| io(e.into()))?;
    writeln!(out).map_err(io)
}

/// A readable block: id, section path, tags, then the text.
pub fn write_text(out: &mut dyn Write, p: &Passage) -> Result<()> {
    writeln!(out, "── {} [{}]", p.id, p.kind).map_err(io)?;
    if !p.section.is_empty() {
        writeln!(out, "   section: {}", p.section.join(" › ")).map_err(io)?;
    }
    if let Some(part) = p.part {
        writeln!(out, "   part: {part}").map_err(io)?;
    }
    if !p.characters.is_empty() {
        writeln!(out, "   characters: {}", p.characters.join(", ")).map_err(io)?;
    }
    if !p.themes.is_empty() {
        writeln!(out, "   themes: {}", p.themes.join(", ")).map_err(io)?;
    }
    if !p.pages.is_empty() {
        let pages: Vec<String> = p.pages.iter().map(u32::to_string).collect();
        writeln!(out, "   pages: {}", pages.join(", ")).map_err(io)?;
    }
    writeln!(out, "{}\n", p.text).map_err(io)
}
