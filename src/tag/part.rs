//! Which part of the book a passage's events belong to, and how that was found: a part heading,
//! the source's own ordering ("In the second part, …"), a chapter reference read through the
//! lexicon's chapter spans, or the lexicon's part cues. Where the source's own label and the
//! events it tells disagree, the book's part is tagged and the source's label is kept in a note.

use std::sync::OnceLock;

use regex::Regex;

use super::{Acc, Matcher};
use crate::lexicon::Lexicon;
use crate::model::{Kind, TagField, Via};
use crate::segment::Segment;

/// The lexicon's parts as tagging needs them.
#[derive(Debug, Clone)]
pub(super) struct Parts {
    /// Every part's cues in one matcher; indices into `numbers`.
    cues: Matcher,
    numbers: Vec<u8>,
    names: Vec<String>,
    /// Chapter spans: (part, first, last).
    chapters: Vec<(u8, u32, u32)>,
}

/// "Chapter 7", "chapters 10-12": a chapter reference, its first number captured.
fn chapter_ref() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\bchapters? ([0-9]{1,3})\b").expect("chapter regex"))
}

impl Parts {
    pub(super) fn new(lexicon: &Lexicon) -> Result<Parts, String> {
        let parts = &lexicon.parts;
        Ok(Parts {
            cues: Matcher::new(
                parts
                    .iter()
                    .enumerate()
                    .flat_map(|(i, p)| p.cues.iter().map(move |c| (c.as_str(), i))),
                true,
            )?,
            numbers: parts.iter().map(|p| p.number).collect(),
            names: parts.iter().map(|p| p.name.clone()).collect(),
            chapters: parts
                .iter()
                .filter_map(|p| p.chapters.map(|[a, b]| (p.number, a, b)))
                .collect(),
        })
    }

    fn name(&self, n: u8) -> String {
        match self.numbers.iter().position(|&x| x == n) {
            Some(i) => format!("Part {n} ({})", self.names[i]),
            None => format!("Part {n}"),
        }
    }

    /// The part a chapter reference in `text` names, with the reference.
    fn by_chapter<'t>(&self, text: &'t str) -> Option<(u8, &'t str)> {
        chapter_ref().captures_iter(text).find_map(|caps| {
            let n: u32 = caps[1].parse().ok()?;
            let m = caps.get(0)?.as_str();
            self.chapters
                .iter()
                .find(|&&(_, a, b)| (a..=b).contains(&n))
                .map(|&(p, _, _)| (p, m))
        })
    }

    /// The part whose cues `text` names most (distinct cues), with the cues found; between
    /// parts named equally often, the one named first (a passage's events start where it
    /// starts). No cue gives nothing.
    fn by_cues(&self, text: &str) -> Option<(u8, Vec<String>)> {
        let mut found: Vec<Vec<String>> = vec![vec![]; self.numbers.len()];
        let mut first: Vec<usize> = vec![usize::MAX; self.numbers.len()];
        for (at, m, ids) in self.cues.find(text) {
            for &i in ids {
                first[i] = first[i].min(at);
                if !found[i].contains(&m) {
                    found[i].push(m.clone());
                }
            }
        }
        let i = (0..found.len())
            .filter(|&i| !found[i].is_empty())
            .min_by_key(|&i| (std::cmp::Reverse(found[i].len()), first[i]))?;
        Some((self.numbers[i], std::mem::take(&mut found[i])))
    }
}

impl super::Tagger {
    /// The passage's part. Where the source's own label was overruled, or a plot passage has
    /// no part, a [`Via::Note`] record says so.
    pub(super) fn place(&self, seg: &Segment, kind: Kind, acc: &mut Acc) -> Option<u8> {
        let text = seg.text.text.as_str();
        for h in &seg.section {
            for (n, re) in &self.parts {
                if re.is_match(h) {
                    acc.add(TagField::Part, &n.to_string(), Via::Heading, h);
                    return Some(*n);
                }
            }
        }
        for h in seg.section.iter().rev() {
            if let Some((n, m)) = self.book_parts.by_chapter(h) {
                acc.add(TagField::Part, &n.to_string(), Via::Heading, m);
                return Some(n);
            }
        }
        for (n, re) in &self.part_openings {
            if let Some(m) = re.find(text) {
                // The source's own ordering. Its events may still say another part: a source
                // that counts the parts its own way ("In Part Three, … the Cottages"). The
                // book's part is tagged; the source's label is kept in a note.
                if let Some((c, cues)) = self.book_parts.by_cues(text) {
                    if c != *n {
                        acc.add(TagField::Part, &c.to_string(), Via::Cue, &cues.join(", "));
                        let note = format!(
                            "the source calls this {} (\"{}\"); its events ({}) are the book's {}",
                            self.book_parts.name(*n),
                            m.as_str(),
                            cues.join(", "),
                            self.book_parts.name(c)
                        );
                        acc.add(TagField::Part, &n.to_string(), Via::Note, &note);
                        return Some(c);
                    }
                }
                acc.add(TagField::Part, &n.to_string(), Via::Opening, m.as_str());
                return Some(*n);
            }
        }
        if let Some((n, m)) = self.book_parts.by_chapter(text) {
            acc.add(TagField::Part, &n.to_string(), Via::Reference, m);
            return Some(n);
        }
        if kind != Kind::Plot {
            return None;
        }
        if let Some((n, cues)) = self.book_parts.by_cues(text) {
            acc.add(TagField::Part, &n.to_string(), Via::Cue, &cues.join(", "));
            return Some(n);
        }
        let why = if self.book_parts.numbers.is_empty() {
            "no part: the lexicon names no parts"
        } else {
            "no part: no heading, part opening, chapter or part cue places its events"
        };
        acc.add(TagField::Part, "", Via::Note, why);
        None
    }
}
