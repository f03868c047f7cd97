//! The browsing commands: `quotes`, `kwic`, `dispersion`, `matrix` and `character`. Each opens
//! the index (building it when missing or stale, as a search does), runs its view and hands
//! the data to a printer.

use std::io::Write;

use super::{ColorMode, Outcome, Paths};
use crate::error::Result;
use crate::output;
use crate::search::{Engine, Filters};
use crate::views::{self, quotes::SpeakerCues};

/// How a view is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Csv,
    Markdown,
}

fn open(paths: &Paths) -> Result<Engine> {
    super::index::ensure(paths, false)?;
    super::index::open_engine(paths, false)
}

fn found(any: bool) -> Outcome {
    if any {
        Outcome::Found
    } else {
        Outcome::NotFound
    }
}

pub fn quotes(
    paths: &Paths,
    filters: &Filters,
    format: Format,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let engine = open(paths)?;
    let cues = SpeakerCues::load(&paths.corpus, engine.lexicon())?;
    let quotes = views::quotes::for_filters(&engine, &cues, filters)?;
    match format {
        Format::Text => output::views::quotes_text(out, &quotes)?,
        Format::Json => output::views::quotes_json(out, &quotes)?,
        Format::Csv => output::views::quotes_csv(out, &quotes)?,
        Format::Markdown => output::views::quotes_markdown(out, &quotes)?,
    }
    Ok(found(!quotes.is_empty()))
}

pub fn kwic(
    paths: &Paths,
    filters: &Filters,
    options: &views::kwic::Options,
    json: bool,
    color: ColorMode,
    out: &mut dyn Write,
) -> Result<Outcome> {
    options.check()?;
    let engine = open(paths)?;
    let lines = views::kwic::for_filters(&engine, filters, options)?;
    if json {
        output::views::kwic_json(out, &options.term, &lines)?;
    } else {
        output::views::kwic_text(out, &lines, output::use_colour(color))?;
    }
    Ok(found(!lines.is_empty()))
}

pub fn dispersion(
    paths: &Paths,
    terms: &[String],
    json: bool,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let engine = open(paths)?;
    let (found_terms, words) = views::dispersion::for_engine(&engine, terms)?;
    if json {
        output::views::dispersion_json(out, &found_terms, &words)?;
    } else {
        output::views::dispersion_text(out, &found_terms, &words, &engine.lexicon().parts)?;
    }
    Ok(found(found_terms.iter().any(|t| t.total > 0)))
}

pub fn matrix(
    paths: &Paths,
    filters: &Filters,
    format: Format,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let engine = open(paths)?;
    let m = views::matrix::for_filters(&engine, filters)?;
    match format {
        Format::Json => output::views::matrix_json(out, &m)?,
        Format::Csv => output::views::matrix_csv(out, &m)?,
        Format::Text | Format::Markdown => output::views::matrix_text(out, &m)?,
    }
    Ok(found(m.cells.iter().any(|c| c.count > 0)))
}

pub fn character(paths: &Paths, name: &str, json: bool, out: &mut dyn Write) -> Result<Outcome> {
    let engine = open(paths)?;
    let cues = SpeakerCues::load(&paths.corpus, engine.lexicon())?;
    let card = views::character::for_name(&engine, &cues, name)?;
    if json {
        output::views::character_json(out, &card)?;
    } else {
        output::views::character_text(out, &card, &engine.lexicon().parts)?;
    }
    Ok(found(card.passages > 0))
}
