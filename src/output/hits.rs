//! Printing search results: a readable terminal view (colour only when asked) and JSON Lines.

use std::io::Write;
use std::ops::Range;

use termcolor::{Color, ColorSpec, WriteColor};

use super::json::{JsonHit, JsonLine, JsonSummary};
use crate::error::{Error, Result};
use crate::index::SECTION_SEP;
use crate::search::{Hit, Response};

fn io(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// Every hit as a JSON line, then the summary line.
pub fn write_json(out: &mut dyn Write, r: &Response) -> Result<()> {
    for h in &r.hits {
        let line = JsonLine::Hit(Box::new(JsonHit::from(h)));
        serde_json::to_writer(&mut *out, &line).map_err(|e| io(e.into()))?;
        writeln!(out).map_err(io)?;
    }
    let line = JsonLine::Summary(JsonSummary::from(r));
    serde_json::to_writer(&mut *out, &line).map_err(|e| io(e.into()))?;
    writeln!(out).map_err(io)
}

/// The terminal view. `colour` decides whether ANSI colour codes are written.
pub fn write_text(out: &mut dyn Write, r: &Response, colour: bool) -> Result<()> {
    if colour {
        write_styled(&mut termcolor::Ansi::new(out), r)
    } else {
        write_styled(&mut termcolor::NoColor::new(out), r)
    }
}

fn spec(fg: Option<Color>, bold: bool, dimmed: bool) -> ColorSpec {
    let mut s = ColorSpec::new();
    s.set_fg(fg).set_bold(bold).set_dimmed(dimmed);
    s
}

fn write_styled(w: &mut dyn WriteColor, r: &Response) -> Result<()> {
    write_reading(w, r).map_err(io)?;
    for h in &r.hits {
        write_hit(w, h).map_err(io)?;
    }
    let shown = r.hits.len();
    let ms = r.elapsed.as_secs_f64() * 1000.0;
    let what = if r.listing {
        "listed in reading order"
    } else {
        "best first"
    };
    w.set_color(&spec(None, false, true)).map_err(io)?;
    if shown == 0 {
        write!(w, "no passages match ({ms:.1} ms)").map_err(io)?;
    } else if shown < r.total {
        write!(
            w,
            "{shown} of {} matching passages, {what} ({ms:.1} ms); --limit N shows more",
            r.total
        )
        .map_err(io)?;
    } else {
        let s = if shown == 1 { "" } else { "s" };
        write!(w, "{shown} matching passage{s}, {what} ({ms:.1} ms)").map_err(io)?;
    }
    w.reset().map_err(io)?;
    writeln!(w).map_err(io)
}

/// Where context crosses a heading: `[§ Heading] `, the heading the text after it is under.
fn write_heading_mark(w: &mut dyn WriteColor, section: &[String]) -> std::io::Result<()> {
    w.set_color(&spec(Some(Color::Cyan), false, false))?;
    match section.last() {
        Some(heading) => write!(w, "[§ {heading}] ")?,
        None => write!(w, "[§] ")?,
    }
    w.reset()
}

/// How the query was read: a spelling correction and the words it was widened to.
fn write_reading(w: &mut dyn WriteColor, r: &Response) -> std::io::Result<()> {
    if let Some(s) = &r.suggestion {
        w.set_color(&spec(Some(Color::Magenta), true, false))?;
        write!(w, "showing results for \"{s}\"")?;
        w.reset()?;
        writeln!(w)?;
    }
    if !r.expansions.is_empty() {
        let list: Vec<String> = r
            .expansions
            .iter()
            .map(|e| format!("{} → {}", e.from, e.to.join(", ")))
            .collect();
        w.set_color(&spec(None, false, true))?;
        write!(w, "also searching: {}", list.join("; "))?;
        w.reset()?;
        writeln!(w)?;
    }
    if !r.unmatched.is_empty() {
        let words: Vec<String> = r.unmatched.iter().map(|u| format!("\"{u}\"")).collect();
        w.set_color(&spec(Some(Color::Yellow), true, false))?;
        write!(w, "no passage holds {}", words.join(" or "))?;
        w.reset()?;
        writeln!(w)?;
    }
    if r.suggestion.is_some() || !r.expansions.is_empty() || !r.unmatched.is_empty() {
        writeln!(w)?;
    }
    Ok(())
}

fn write_hit(w: &mut dyn WriteColor, h: &Hit) -> std::io::Result<()> {
    let p = &h.passage;
    w.set_color(&spec(Some(Color::Green), true, false))?;
    write!(w, "{}.", h.rank)?;
    w.reset()?;
    write!(w, " {}", h.source_title)?;
    w.set_color(&spec(None, false, true))?;
    write!(w, "  [{}]", p.id)?;
    if let Some(s) = h.score {
        write!(w, " score {s:.2}")?;
    }
    w.reset()?;
    writeln!(w)?;
    let mut facts = vec![];
    if !p.section.is_empty() {
        facts.push(p.section.join(SECTION_SEP));
    }
    facts.push(p.kind.as_str().to_string());
    if let Some(part) = p.part {
        facts.push(format!("part {part}"));
    }
    match p.pages.as_slice() {
        [] => {}
        [one] => facts.push(format!("p. {one}")),
        many => facts.push(format!(
            "pp. {}",
            many.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    w.set_color(&spec(Some(Color::Cyan), false, false))?;
    writeln!(w, "   {}", facts.join(" · "))?;
    w.reset()?;
    let mut tags = vec![];
    if !p.characters.is_empty() {
        tags.push(format!("characters: {}", p.characters.join(", ")));
    }
    if !p.themes.is_empty() {
        tags.push(format!("themes: {}", p.themes.join(", ")));
    }
    if !tags.is_empty() {
        w.set_color(&spec(None, false, true))?;
        writeln!(w, "   {}", tags.join("   "))?;
        w.reset()?;
    }
    write!(w, "   ")?;
    let e = &h.excerpt;
    let [before_section, after_section] = &h.context_sections;
    if !e.context_before.is_empty() {
        w.set_color(&spec(None, false, true))?;
        match before_section {
            // The context starts under the previous heading: show where this one begins.
            Some(_) => {
                let (outside, inside) = e.context_before.split_at(e.prev_part);
                write!(w, "{outside} ")?;
                write_heading_mark(w, &p.section)?;
                w.set_color(&spec(None, false, true))?;
                write!(w, "{}", inside.trim_start())?;
                if !inside.trim().is_empty() {
                    write!(w, " ")?;
                }
            }
            None => write!(w, "{} ", e.context_before)?,
        }
        w.reset()?;
    }
    write_highlighted(w, &e.text, &e.highlights)?;
    if !e.context_after.is_empty() {
        w.set_color(&spec(None, false, true))?;
        match after_section {
            Some(next) => {
                let cut = e.context_after.len() - e.next_part;
                let (inside, outside) = e.context_after.split_at(cut);
                if !inside.trim().is_empty() {
                    write!(w, " {}", inside.trim_end())?;
                }
                write!(w, " ")?;
                write_heading_mark(w, next)?;
                w.set_color(&spec(None, false, true))?;
                write!(w, "{outside}")?;
            }
            None => write!(w, " {}", e.context_after)?,
        }
        w.reset()?;
    }
    writeln!(w)?;
    if !h.also_in.is_empty() {
        let places: Vec<String> = h
            .also_in
            .iter()
            .map(|a| match a.pages.as_slice() {
                [] => a.source_title.clone(),
                [one] => format!("{} (p. {one})", a.source_title),
                many => format!(
                    "{} (pp. {})",
                    a.source_title,
                    many.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect();
        w.set_color(&spec(None, false, true))?;
        write!(w, "   also in: {}", places.join("; "))?;
        w.reset()?;
        writeln!(w)?;
    }
    writeln!(w)
}

/// Writes `text`, marking the ranges; without colour, marks them with `[…]` so highlights
/// stay visible in a pipe or a file.
fn write_highlighted(
    w: &mut dyn WriteColor,
    text: &str,
    ranges: &[Range<usize>],
) -> std::io::Result<()> {
    let colour = w.supports_color();
    let mut at = 0;
    for r in ranges {
        let (Some(before), Some(word)) = (text.get(at..r.start), text.get(r.clone())) else {
            continue;
        };
        write!(w, "{before}")?;
        if colour {
            w.set_color(&spec(Some(Color::Yellow), true, false))?;
            write!(w, "{word}")?;
            w.reset()?;
        } else {
            write!(w, "[{word}]")?;
        }
        at = r.end;
    }
    write!(w, "{}", text.get(at..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_bracketed_without_colour_and_coloured_with_it() {
        for (colour, want) in [
            (false, "Rumours of [deferrals] [spread]."),
            (true, "Rumours of \u{1b}[0m\u{1b}[1m\u{1b}[33mdeferrals\u{1b}[0m \u{1b}[0m\u{1b}[1m\u{1b}[33mspread\u{1b}[0m."),
        ] {
            let mut buf = vec![];
            let text = "Rumours of deferrals spread.";
            let ranges = [11..20, 21..27];
            if colour {
                write_highlighted(&mut termcolor::Ansi::new(&mut buf), text, &ranges).unwrap();
            } else {
                write_highlighted(&mut termcolor::NoColor::new(&mut buf), text, &ranges).unwrap();
            }
            assert_eq!(String::from_utf8(buf).unwrap(), want);
        }
    }
}
