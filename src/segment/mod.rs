//! Stage 2, segment: cleaned lines → passages-to-be, each with its section path.
//!
//! Finds headings (short unpunctuated lines, markdown `#` lines, FAQ questions), list items and
//! their inline labels (`1. Location and Layout: …`), splits long paragraphs at sentence
//! boundaries and folds scraps (a signature, a stray button) into a neighbour. It knows nothing
//! about characters or themes: that is tagging's job.

use regex::Regex;

mod elements;
mod sentences;

use elements::{elements, label_of, Elem};
pub(crate) use sentences::page_ref;
pub use sentences::sentences;
use sentences::{merge_scraps, split_long};

use crate::clean::{Layout, Line, Mapped};

/// A passage before tagging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Headings it sits under, outermost first; a list item's label comes last.
    pub section: Vec<String>,
    pub text: Mapped,
    /// Part of the readers' comments below a post.
    pub in_comments: bool,
    /// A list item (or a paragraph continuing one).
    pub list_item: bool,
}

/// What segmentation reads from the rules besides the layout numbers.
#[derive(Debug, Clone, Default)]
pub struct Breaks {
    /// Openings of a new stretch of the retelling ("In the second part, …", matched at a
    /// sentence start): a paragraph is cut before a sentence that opens so, as before a
    /// "Chapter 12" label, so a passage never runs across the break.
    pub openings: Vec<Regex>,
    /// Whole headings (lower case) that open a section at the top of a summary ("historical
    /// context", "key quotations"): such a heading does not nest under a group whose first
    /// heading was none of them ("Key Themes" › "Hope" is followed by "Historical Context",
    /// not by "Key Themes" › "Historical Context").
    pub top_sections: Vec<String>,
}

impl Breaks {
    fn names_section(&self, heading: &str) -> bool {
        let h = heading.trim().trim_end_matches(':').to_lowercase();
        self.top_sections.contains(&h)
    }
}

#[derive(Debug, Clone)]
struct Open {
    text: String,
    /// Markdown level, or None for a heading found by layout.
    level: Option<usize>,
    /// A layout heading directly followed by another heading: it heads a group.
    container: bool,
    /// For a group: whether its first heading named a section of its own.
    first_named: Option<bool>,
}

/// Splits one source's cleaned lines into segments in reading order.
pub fn segment(lines: &[Line], layout: &Layout) -> Vec<Segment> {
    segment_with(lines, layout, &Breaks::default())
}

/// [`segment`], with the breaks and section words the rules give.
pub fn segment_with(lines: &[Line], layout: &Layout, breaks: &Breaks) -> Vec<Segment> {
    let elems = elements(lines, layout);
    let mut stack: Vec<Open> = Vec::new();
    let mut list_heads: Vec<(usize, String)> = Vec::new();
    let mut item_section: Vec<String> = Vec::new();
    let mut out: Vec<Segment> = Vec::new();
    let path = |stack: &[Open], heads: &[(usize, String)]| -> Vec<String> {
        stack
            .iter()
            .map(|o| o.text.clone())
            .chain(heads.iter().map(|h| h.1.clone()))
            .collect()
    };
    for (i, e) in elems.iter().enumerate() {
        match e {
            Elem::Heading {
                text,
                level,
                question,
                mapped,
                in_comments,
            } => {
                let next = elems.get(i + 1);
                if next.is_none() {
                    // Nothing under it: a stray line, kept as text (it may be a scrap).
                    out.push(Segment {
                        section: path(&stack, &list_heads),
                        text: mapped.clone(),
                        in_comments: *in_comments,
                        list_item: false,
                    });
                    continue;
                }
                list_heads.clear();
                let container =
                    level.is_none() && !question && matches!(next, Some(Elem::Heading { .. }));
                match level {
                    Some(l) => {
                        while stack
                            .last()
                            .is_some_and(|o| o.level.is_none_or(|x| x >= *l))
                        {
                            stack.pop();
                        }
                    }
                    None if container => {
                        while stack.last().is_some_and(|o| o.level.is_none()) {
                            stack.pop();
                        }
                    }
                    None => {
                        while stack
                            .last()
                            .is_some_and(|o| o.level.is_none() && !o.container)
                        {
                            stack.pop();
                        }
                        if stack.last().is_some_and(|o| {
                            o.level.is_none()
                                && o.first_named == Some(false)
                                && breaks.names_section(text)
                        }) {
                            stack.pop();
                        }
                    }
                }
                let named = breaks.names_section(text);
                if let Some(parent) = stack.last_mut().filter(|o| o.container) {
                    parent.first_named.get_or_insert(named);
                }
                stack.push(Open {
                    text: text.clone(),
                    level: *level,
                    container,
                    first_named: None,
                });
            }
            Elem::Para {
                text,
                continues_item,
                in_comments,
            } => {
                let section = if *continues_item {
                    item_section.clone()
                } else {
                    list_heads.clear();
                    path(&stack, &list_heads)
                };
                out.push(Segment {
                    section,
                    text: text.clone(),
                    in_comments: *in_comments,
                    list_item: *continues_item,
                });
            }
            Elem::Break => {
                list_heads.clear();
                if stack
                    .last()
                    .is_some_and(|o| o.level.is_none() && !o.container)
                {
                    stack.pop();
                }
            }
            Elem::Item {
                indent,
                text,
                in_comments,
            } => {
                while list_heads.last().is_some_and(|h| h.0 >= *indent) {
                    list_heads.pop();
                }
                let mut section = path(&stack, &list_heads);
                match label_of(&text.text, layout.heading_max_words) {
                    Some((label, true)) => {
                        list_heads.push((*indent, label));
                        continue;
                    }
                    Some((label, false)) => section.push(label),
                    None => {}
                }
                item_section = section.clone();
                out.push(Segment {
                    section,
                    text: text.clone(),
                    in_comments: *in_comments,
                    list_item: true,
                });
            }
        }
    }
    let out: Vec<Segment> = out
        .into_iter()
        .flat_map(|s| cut_at_breaks(s, breaks))
        .flat_map(|s| split_long(s, layout))
        .collect();
    merge_scraps(out, layout)
}

/// "Chapter 12 …" at a sentence start: a chapter label inside a paragraph.
fn chapter_label() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(?i:chapters?) [0-9]{1,3}\b").expect("chapter label regex"))
}

/// Cuts a paragraph before each sentence (not the first) that opens a new stretch of the
/// retelling: a part opening of the rules or a chapter label.
fn cut_at_breaks(seg: Segment, breaks: &Breaks) -> Vec<Segment> {
    if breaks.openings.is_empty() {
        return vec![seg];
    }
    let text = &seg.text.text;
    let cuts: Vec<usize> = sentences(text)
        .into_iter()
        .skip(1)
        .map(|r| r.start)
        .filter(|&at| {
            let rest = &text[at..];
            chapter_label().is_match(rest) || breaks.openings.iter().any(|re| re.is_match(rest))
        })
        .collect();
    if cuts.is_empty() {
        return vec![seg];
    }
    let mut bounds = vec![0];
    bounds.extend(cuts);
    bounds.push(text.len());
    bounds
        .windows(2)
        .filter_map(|w| {
            let piece = &text[w[0]..w[1]];
            let lead = piece.len() - piece.trim_start().len();
            let trail = piece.len() - piece.trim_end().len();
            (w[0] + lead < w[1] - trail).then(|| Segment {
                text: seg.text.slice(w[0] + lead, w[1] - trail),
                ..seg.clone()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
