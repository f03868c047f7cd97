//! Printers for the browsing views: a terminal view of each, JSON Lines (one record per line,
//! then a summary), and CSV or Markdown where a view is a table or a handout.

use std::collections::BTreeMap;
use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lexicon::Part;
use crate::views::character::Card;
use crate::views::dispersion::{TermDispersion, Words};
use crate::views::kwic::Line;
use crate::views::matrix::{Cell, Matrix};
use crate::views::quotes::Quote;

fn io(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

fn json_line<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(|e| io(e.into()))?;
    writeln!(out).map_err(io)
}

/// A line of `quotes --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum QuotesLine {
    Quote(Quote),
    Summary {
        /// Distinct quotations printed.
        quotes: usize,
        /// Of them, with a speaker.
        with_speaker: usize,
        /// Of them, with at least one page.
        with_pages: usize,
        /// Of them, where sources disagree about the speaker.
        disagreements: usize,
    },
}

/// A line of `kwic --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum KwicLine {
    Line(Line),
    Summary {
        term: String,
        /// Occurrences.
        lines: usize,
        /// Passages they are in.
        passages: usize,
    },
}

/// A line of `dispersion --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum DispersionLine {
    Term(TermDispersion),
    Summary { terms: usize, words: Words },
}

/// A line of `matrix --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum MatrixLine {
    Cell(Cell),
    Summary {
        characters: Vec<String>,
        themes: Vec<String>,
        character_passages: BTreeMap<String, u64>,
        theme_passages: BTreeMap<String, u64>,
    },
}

/// A line of `character --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum CharacterLine {
    Character(Box<Card>),
    Summary { quotations: usize, best: usize },
}

fn pages(p: &[u32]) -> String {
    if p.is_empty() {
        return String::new();
    }
    let list: Vec<String> = p.iter().map(u32::to_string).collect();
    format!(
        "{} {}",
        if p.len() == 1 { "p." } else { "pp." },
        list.join(", ")
    )
}

fn speaker(q: &Quote) -> String {
    match (&q.speaker, q.speaker_from, &q.disagreement) {
        (Some(s), Some(f), _) => format!("{s} (from {})", f.as_str().replace('_', "-")),
        (Some(s), None, _) => s.clone(),
        (None, _, Some(_)) => "sources disagree".into(),
        (None, _, None) => "speaker not given".into(),
    }
}

pub fn quotes_json(out: &mut dyn Write, quotes: &[Quote]) -> Result<()> {
    for q in quotes {
        json_line(out, &QuotesLine::Quote(q.clone()))?;
    }
    json_line(out, &quotes_summary(quotes))
}

/// The closing `{"type":"summary",…}` of `quotes --json` (the API's `summary` too).
pub fn quotes_summary(quotes: &[Quote]) -> QuotesLine {
    QuotesLine::Summary {
        quotes: quotes.len(),
        with_speaker: quotes.iter().filter(|q| q.speaker.is_some()).count(),
        with_pages: quotes.iter().filter(|q| !q.pages.is_empty()).count(),
        disagreements: quotes.iter().filter(|q| q.disagreement.is_some()).count(),
    }
}

pub fn quotes_text(out: &mut dyn Write, quotes: &[Quote]) -> Result<()> {
    for (i, q) in quotes.iter().enumerate() {
        writeln!(out, "{:>3}. “{}”", i + 1, q.text).map_err(io)?;
        let mut line = format!("     — {}", speaker(q));
        if !q.pages.is_empty() {
            line.push_str(&format!(", {}", pages(&q.pages)));
        }
        if let Some(p) = q.part {
            line.push_str(&format!(", part {p}"));
        }
        writeln!(out, "{line}").map_err(io)?;
        if let Some(d) = &q.disagreement {
            writeln!(out, "     disagreement: {d}").map_err(io)?;
        }
        let places: Vec<String> = q
            .sources
            .iter()
            .map(|s| {
                if s.pages.is_empty() {
                    s.id.clone()
                } else {
                    format!("{} ({})", s.id, pages(&s.pages))
                }
            })
            .collect();
        writeln!(out, "     in: {}", places.join("; ")).map_err(io)?;
        writeln!(out).map_err(io)?;
    }
    writeln!(out, "{} quotations", quotes.len()).map_err(io)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

pub fn quotes_csv(out: &mut dyn Write, quotes: &[Quote]) -> Result<()> {
    writeln!(
        out,
        "text,speaker,speaker_from,pages,part,sources,ids,characters,themes"
    )
    .map_err(io)?;
    for q in quotes {
        let join = |v: Vec<String>| v.join("; ");
        let row = [
            q.text.clone(),
            q.speaker.clone().unwrap_or_default(),
            q.speaker_from
                .map(|f| f.as_str().to_string())
                .unwrap_or_default(),
            join(q.pages.iter().map(u32::to_string).collect()),
            q.part.map(|p| p.to_string()).unwrap_or_default(),
            join(q.sources.iter().map(|s| s.source.clone()).collect()),
            join(q.sources.iter().map(|s| s.id.clone()).collect()),
            join(q.characters.clone()),
            join(q.themes.clone()),
        ];
        let row: Vec<String> = row.iter().map(|f| csv(f)).collect();
        writeln!(out, "{}", row.join(",")).map_err(io)?;
    }
    Ok(())
}

pub fn quotes_markdown(out: &mut dyn Write, quotes: &[Quote]) -> Result<()> {
    writeln!(out, "# Quotations\n").map_err(io)?;
    for q in quotes {
        writeln!(out, "> {}\n>", q.text.replace('\n', " ")).map_err(io)?;
        let mut by = format!(
            "> — {}",
            q.speaker.as_deref().unwrap_or("speaker not given")
        );
        if !q.pages.is_empty() {
            by.push_str(&format!(", {}", pages(&q.pages)));
        }
        writeln!(out, "{by}\n").map_err(io)?;
        if let Some(d) = &q.disagreement {
            writeln!(out, "*Sources disagree on the speaker:* {d}\n").map_err(io)?;
        }
        let ids: Vec<String> = q.sources.iter().map(|s| format!("`{}`", s.id)).collect();
        writeln!(out, "Sources: {}\n", ids.join(", ")).map_err(io)?;
    }
    Ok(())
}

pub fn kwic_json(out: &mut dyn Write, term: &str, lines: &[Line]) -> Result<()> {
    for l in lines {
        json_line(out, &KwicLine::Line(l.clone()))?;
    }
    json_line(out, &kwic_summary(term, lines))
}

/// The closing `{"type":"summary",…}` of `kwic --json` (the API's `summary` too).
pub fn kwic_summary(term: &str, lines: &[Line]) -> KwicLine {
    let passages: std::collections::BTreeSet<&str> = lines.iter().map(|l| l.id.as_str()).collect();
    KwicLine::Summary {
        term: term.to_string(),
        lines: lines.len(),
        passages: passages.len(),
    }
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// The last `n` characters of `s`, with "…" when cut.
fn tail(s: &str, n: usize) -> String {
    let len = char_len(s);
    if len <= n {
        return s.to_string();
    }
    let kept: String = s.chars().skip(len - n + 1).collect();
    format!("…{kept}")
}

fn head(s: &str, n: usize) -> String {
    if char_len(s) <= n {
        return s.to_string();
    }
    let kept: String = s.chars().take(n - 1).collect();
    format!("{kept}…")
}

/// Each line: the passage id and part, then the left context right-aligned so that every
/// match starts in the same column.
pub fn kwic_text(out: &mut dyn Write, lines: &[Line], colour: bool) -> Result<()> {
    const SIDE: usize = 48;
    let left_w = lines
        .iter()
        .map(|l| char_len(&l.left))
        .max()
        .unwrap_or(0)
        .min(SIDE);
    let id_w = lines.iter().map(|l| char_len(&l.id)).max().unwrap_or(0);
    for l in lines {
        let part = l.part.map_or("  ".to_string(), |p| format!("P{p}"));
        let (on, off) = if colour {
            ("\x1b[1;31m", "\x1b[0m")
        } else {
            ("", "")
        };
        writeln!(
            out,
            "{:<id_w$} {part}  {:>left_w$}  {on}{}{off}  {}",
            l.id,
            tail(&l.left, SIDE),
            l.matched,
            head(&l.right, SIDE),
        )
        .map_err(io)?;
    }
    writeln!(out, "{} lines", lines.len()).map_err(io)
}

pub fn dispersion_json(out: &mut dyn Write, terms: &[TermDispersion], words: &Words) -> Result<()> {
    for t in terms {
        json_line(out, &DispersionLine::Term(t.clone()))?;
    }
    json_line(
        out,
        &DispersionLine::Summary {
            terms: terms.len(),
            words: words.clone(),
        },
    )
}

/// The terminal view: per term, a barcode and rate per source, then counts and rates per part,
/// each part with its name from the lexicon's `parts`.
pub fn dispersion_text(
    out: &mut dyn Write,
    terms: &[TermDispersion],
    words: &Words,
    parts: &[Part],
) -> Result<()> {
    let src_w = words
        .per_source
        .keys()
        .map(|s| char_len(s))
        .max()
        .unwrap_or(0);
    for t in terms {
        writeln!(
            out,
            "{}: {} occurrences, {:.2} per 1,000 words",
            t.term,
            t.total,
            t.per_1000_words.get("all").copied().unwrap_or(0.0)
        )
        .map_err(io)?;
        for (source, bar) in &t.barcode {
            writeln!(
                out,
                "  {source:<src_w$}  {bar}  {:>4}  {:>6.2}/1000",
                t.per_source.get(source).copied().unwrap_or(0),
                t.per_1000_words.get(source).copied().unwrap_or(0.0)
            )
            .map_err(io)?;
        }
        let parts: Vec<String> = words
            .per_part
            .keys()
            .map(|p| {
                let label = part_label(parts, p);
                format!(
                    "{label} {} ({:.2}/1000)",
                    t.per_part.get(p).copied().unwrap_or(0),
                    t.per_1000_words_by_part.get(p).copied().unwrap_or(0.0)
                )
            })
            .collect();
        writeln!(out, "  {}\n", parts.join(", ")).map_err(io)?;
    }
    Ok(())
}

/// "part 2, the Cottages" for a part the lexicon names, "part 4" for one it does not, "no part".
fn part_label(parts: &[Part], key: &str) -> String {
    if key == crate::views::dispersion::NO_PART {
        return "no part".into();
    }
    match parts.iter().find(|p| p.number.to_string() == key) {
        Some(p) => format!("part {key}, {}", p.name),
        None => format!("part {key}"),
    }
}

pub fn matrix_json(out: &mut dyn Write, m: &Matrix) -> Result<()> {
    for c in &m.cells {
        json_line(out, &MatrixLine::Cell(c.clone()))?;
    }
    json_line(out, &matrix_summary(m))
}

/// The closing `{"type":"summary",…}` of `matrix --json` (the API's `summary` too).
pub fn matrix_summary(m: &Matrix) -> MatrixLine {
    MatrixLine::Summary {
        characters: m.characters.clone(),
        themes: m.themes.clone(),
        character_passages: m.character_passages.clone(),
        theme_passages: m.theme_passages.clone(),
    }
}

pub fn matrix_csv(out: &mut dyn Write, m: &Matrix) -> Result<()> {
    let header: Vec<String> = std::iter::once("character".to_string())
        .chain(m.themes.iter().cloned())
        .map(|h| csv(&h))
        .collect();
    writeln!(out, "{}", header.join(",")).map_err(io)?;
    for (r, c) in m.characters.iter().enumerate() {
        let mut row = vec![csv(c)];
        for k in 0..m.themes.len() {
            row.push(m.cells[r * m.themes.len() + k].count.to_string());
        }
        writeln!(out, "{}", row.join(",")).map_err(io)?;
    }
    Ok(())
}

/// Rows are characters, columns themes under short labels explained below the table; an
/// empty cell is `·`.
pub fn matrix_text(out: &mut dyn Write, m: &Matrix) -> Result<()> {
    const COL: usize = 7;
    let labels: Vec<String> = m.themes.iter().map(|t| head(t, COL - 1)).collect();
    let name_w = m
        .characters
        .iter()
        .map(|c| char_len(c))
        .max()
        .unwrap_or(0)
        .max(9);
    let mut header = format!("{:<name_w$} {:>5}", "character", "all");
    for l in &labels {
        header.push_str(&format!(" {l:>w$}", w = COL - 1));
    }
    writeln!(out, "{header}").map_err(io)?;
    for (r, c) in m.characters.iter().enumerate() {
        let mut line = format!(
            "{c:<name_w$} {:>5}",
            m.character_passages.get(c).copied().unwrap_or(0)
        );
        for k in 0..m.themes.len() {
            let n = m.cells[r * m.themes.len() + k].count;
            let shown = if n == 0 {
                "·".to_string()
            } else {
                n.to_string()
            };
            line.push_str(&format!(" {shown:>w$}", w = COL - 1));
        }
        writeln!(out, "{line}").map_err(io)?;
    }
    let cut: Vec<String> = m
        .themes
        .iter()
        .zip(&labels)
        .filter(|(t, l)| t != l)
        .map(|(t, l)| format!("{l} = {t}"))
        .collect();
    if !cut.is_empty() {
        writeln!(out, "\n{}", cut.join(", ")).map_err(io)?;
    }
    writeln!(
        out,
        "\nEach number counts passages tagged with both; see them with \
         nlmg-search --character NAME --theme THEME"
    )
    .map_err(io)
}

pub fn character_json(out: &mut dyn Write, card: &Card) -> Result<()> {
    json_line(out, &CharacterLine::Character(Box::new(card.clone())))?;
    json_line(out, &character_summary(card))
}

/// The closing `{"type":"summary",…}` of `character --json` (the API's `summary` too).
pub fn character_summary(card: &Card) -> CharacterLine {
    CharacterLine::Summary {
        quotations: card.quotations.len(),
        best: card.best.len(),
    }
}

/// The terminal card; its parts carry their names from the lexicon's `parts`.
pub fn character_text(out: &mut dyn Write, card: &Card, parts: &[Part]) -> Result<()> {
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(io);
    w(out, card.name.clone())?;
    if !card.aliases.is_empty() {
        w(out, format!("  also: {}", card.aliases.join(", ")))?;
    }
    let parts: Vec<String> = card
        .parts
        .iter()
        .map(|(p, n)| format!("{} ({n})", part_label(parts, p)))
        .collect();
    w(
        out,
        format!(
            "  {} passages{}",
            card.passages,
            if parts.is_empty() {
                String::new()
            } else {
                format!("; {}", parts.join(", "))
            }
        ),
    )?;
    let themes: Vec<String> = card
        .themes
        .iter()
        .map(|t| format!("{} ({})", t.theme, t.count))
        .collect();
    w(out, format!("  themes: {}", themes.join(", ")))?;
    if !card.description.is_empty() {
        w(out, "\nWhat the sources say".into())?;
        for d in &card.description {
            w(out, format!("  [{}] {}", d.id, d.text))?;
        }
    }
    if !card.quotations.is_empty() {
        w(out, "\nQuotations".into())?;
        for q in &card.quotations {
            let p = pages(&q.pages);
            w(
                out,
                format!(
                    "  “{}”{}",
                    q.text,
                    if p.is_empty() { p } else { format!(" ({p})") }
                ),
            )?;
        }
    }
    if !card.best.is_empty() {
        w(out, "\nPassages about them".into())?;
        for b in &card.best {
            w(out, format!("  [{}] {}", b.id, b.excerpt))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_labelled_with_their_lexicon_names() {
        let parts = [Part {
            number: 2,
            name: "Hunsford".into(),
            chapters: None,
            cues: vec![],
        }];
        for (key, want) in [
            ("2", "part 2, Hunsford"),
            ("4", "part 4"),
            (crate::views::dispersion::NO_PART, "no part"),
        ] {
            assert_eq!(part_label(&parts, key), want);
        }
    }
}
