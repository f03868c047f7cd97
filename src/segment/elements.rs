//! Lines → layout elements: headings (short unpunctuated lines, markdown `#` lines, FAQ
//! questions), paragraphs and list items with their inline labels.

use std::sync::OnceLock;

use regex::Regex;

use crate::clean::{Layout, Line, Mapped};

#[derive(Debug, Clone)]
pub(super) enum Elem {
    /// A heading line. `level` is set for markdown headings; `question` for FAQ questions.
    Heading {
        text: String,
        level: Option<usize>,
        question: bool,
        /// Where it came from, should it turn out to be a scrap and not a heading.
        mapped: Mapped,
        in_comments: bool,
    },
    Para {
        text: Mapped,
        /// An indented paragraph right after a list item: more of that item.
        continues_item: bool,
        in_comments: bool,
    },
    Item {
        indent: usize,
        text: Mapped,
        in_comments: bool,
    },
    /// The end of the innermost layout heading's reach.
    Break,
}

fn list_marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:\d{1,3}[.)]|[a-z][.)]|[•\-*–·▪◦])\s+\S").expect("list marker regex")
    })
}

fn markdown_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(#{1,6})\s+(.+?)\s*#*$").expect("markdown heading regex"))
}

fn item_label() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"^(\p{Lu}[^:"“”?!]{0,79}?):(?:\s+\S|$)"#).expect("item label regex")
    })
}

pub(super) fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Length of the list marker and the space after it, if the line is a list item.
fn marker_len(text: &str) -> Option<usize> {
    if !list_marker().is_match(text) {
        return None;
    }
    let marker_end = text.find(char::is_whitespace)?;
    let rest = &text[marker_end..];
    Some(marker_end + (rest.len() - rest.trim_start().len()))
}

/// The inline label of a list item (`Kathy H.: Kathy is …` → `Kathy H.`) and whether the item
/// is only a label (`Themes:`), which makes it a heading for the items nested under it.
pub fn label_of(item: &str, max_words: usize) -> Option<(String, bool)> {
    let caps = item_label().captures(item)?;
    let label = caps.get(1)?.as_str().trim();
    if words(label) > max_words.min(8) || label.ends_with(',') {
        return None;
    }
    let only = item.trim_end().len() == caps.get(1)?.end() + 1;
    Some((label.to_string(), only))
}

fn starts_upper(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether a line, standing alone, reads as a heading (or a FAQ question).
fn heading_kind(text: &str, layout: &Layout) -> Option<bool> {
    if !starts_upper(text) || list_marker().is_match(text) {
        return None;
    }
    let n = words(text);
    if text.ends_with('?') {
        return (n <= layout.question_max_words).then_some(true);
    }
    let last = text.chars().last()?;
    if n > layout.heading_max_words {
        return None;
    }
    if ".,;!\"”’)…".contains(last) && !closes_a_name(text) {
        return None;
    }
    if last == ':' && n > 6 {
        return None;
    }
    Some(false)
}

/// Whether a line's closing "." or ")" ends a name rather than a sentence: an initial
/// ("Kathy H.") or a name in brackets ("Madame (Marie-Claude)"), on a short line.
fn closes_a_name(text: &str) -> bool {
    if words(text) > 6 {
        return false;
    }
    if let Some(rest) = text.strip_suffix('.') {
        let last = rest.rsplit(' ').next().unwrap_or_default();
        return last.chars().count() == 1 && starts_upper(last) && words(text) > 1;
    }
    if let Some(rest) = text.strip_suffix(')') {
        return rest
            .rfind('(')
            .is_some_and(|i| i > 0 && starts_upper(&rest[i + 1..]));
    }
    false
}

/// Runs of non-blank lines, each with the number of blank lines before it.
fn blocks(lines: &[Line]) -> Vec<(usize, &[Line])> {
    let mut out = Vec::new();
    let mut blanks = 0;
    for b in lines.split(|l| l.text.text.is_empty()) {
        if b.is_empty() {
            blanks += 1;
        } else {
            out.push((blanks + 1, b));
            blanks = 0;
        }
    }
    out
}

pub(super) fn elements(lines: &[Line], layout: &Layout) -> Vec<Elem> {
    let mut out: Vec<Elem> = Vec::new();
    for (blanks, block) in blocks(lines) {
        // A numbered list starting again at 1 after a wide gap is a new, unheaded list: it
        // does not belong to the heading above the previous list.
        let restarts = block[0].text.text.starts_with("1.") || block[0].text.text.starts_with("1)");
        if blanks >= 3 && restarts && matches!(out.last(), Some(Elem::Item { .. })) {
            out.push(Elem::Break);
        }
        for (i, line) in block.iter().enumerate() {
            let text = &line.text.text;
            if let Some(m) = markdown_heading().captures(text) {
                let level = m.get(1).map_or(1, |g| g.len());
                let t = m.get(2).map_or("", |g| g.as_str()).to_string();
                out.push(Elem::Heading {
                    question: t.ends_with('?'),
                    text: t,
                    level: Some(level),
                    mapped: line.text.clone(),
                    in_comments: line.in_comments,
                });
                continue;
            }
            if let Some(len) = marker_len(text) {
                out.push(Elem::Item {
                    indent: line.indent,
                    text: line.text.slice(len, text.len()),
                    in_comments: line.in_comments,
                });
                continue;
            }
            // "Name: description" lines one under another, without blank lines between them:
            // each line is an entry of its own, labelled.
            let entry = |j: usize| {
                block.get(j).is_some_and(|l| {
                    marker_len(&l.text.text).is_none()
                        && label_of(&l.text.text, layout.heading_max_words)
                            .is_some_and(|(_, only)| !only)
                })
            };
            if entry(i) && ((i > 0 && entry(i - 1)) || entry(i + 1)) {
                out.push(Elem::Item {
                    indent: line.indent,
                    text: line.text.clone(),
                    in_comments: line.in_comments,
                });
                continue;
            }
            if i == 0 {
                let after_item = matches!(
                    out.last(),
                    Some(Elem::Item { .. })
                        | Some(Elem::Para {
                            continues_item: true,
                            ..
                        })
                );
                if line.indent >= 2 && after_item {
                    out.push(Elem::Para {
                        text: line.text.clone(),
                        continues_item: true,
                        in_comments: line.in_comments,
                    });
                    continue;
                }
                // In a block of several lines the first is a heading only when it is much
                // shorter than the next: hard-wrapped prose has lines of similar length.
                let stands_out = block.get(1).is_none_or(|next| {
                    starts_upper(&next.text.text) && text.len() * 2 < next.text.text.len()
                });
                let allowed = !line.in_comments || line.opens_comments;
                if let (Some(question), true, true) =
                    (heading_kind(text, layout), stands_out, allowed)
                {
                    out.push(Elem::Heading {
                        text: text.clone(),
                        level: None,
                        question,
                        mapped: line.text.clone(),
                        in_comments: line.in_comments,
                    });
                    continue;
                }
            }
            match out.last_mut() {
                Some(Elem::Para { text: t, .. }) | Some(Elem::Item { text: t, .. }) if i > 0 => {
                    t.append(" ", &line.text)
                }
                _ => out.push(Elem::Para {
                    text: line.text.clone(),
                    continues_item: false,
                    in_comments: line.in_comments,
                }),
            }
        }
    }
    out
}
