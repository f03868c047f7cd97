//! Stage 3, tag: a segment → its characters, themes, kind, part and pages, each with the reason
//! it was given (mention, section subject, heading, cue word, page reference, layout).
//!
//! Names and cue words come from the lexicon and heading words from `cleaning.toml`; the
//! matchers are compiled once per ingest into single alternations, so tagging a passage is one
//! scan of its text per matcher.

use regex::Regex;

use crate::clean::Rules;
use crate::lexicon::Lexicon;
use crate::model::{Kind, TagField, TagOrigin, Via};
use crate::segment::Segment;

mod matcher;
mod pages;
mod part;

use matcher::Matcher;
use pages::page_refs;
pub use pages::{answer_spots, parse_pages, AnswerSpot, ANSWER_REACH};
use part::Parts;

/// The tags of one passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Tags {
    pub kind: Kind,
    pub part: Option<u8>,
    pub characters: Vec<String>,
    pub themes: Vec<String>,
    pub pages: Vec<u32>,
    pub provenance: Vec<TagOrigin>,
}

/// Everything needed to tag passages, built once from the lexicon and the rules.
#[derive(Debug, Clone)]
pub struct Tagger {
    character_names: Vec<String>,
    theme_names: Vec<String>,
    mentions: Matcher,
    subjects: Matcher,
    cues: Matcher,
    theme_headings: Matcher,
    kind_headings: Matcher,
    kinds: Vec<Kind>,
    /// Words that read as a kind in a passage's text; indices into `text_kinds`.
    kind_words: Matcher,
    text_kinds: Vec<Kind>,
    parts: Vec<(u8, Regex)>,
    part_openings: Vec<(u8, Regex)>,
    /// The lexicon's parts: cues and chapter spans.
    book_parts: Parts,
    /// Per theme, the patterns of another sense of its cues (any case).
    unless: Vec<Vec<Regex>>,
    /// The book's title, lower case: as a heading or in prose it names no theme.
    title: String,
}

fn is_quotation(text: &str) -> bool {
    let t = text.trim();
    if !t.starts_with(['"', '“']) {
        return false;
    }
    let Some(end) = t.rfind(['"', '”']) else {
        return false;
    };
    // Mostly quoted, with at most a short reference or attribution after the closing mark.
    end > 0 && t[end..].split_whitespace().count() <= 12 && end * 10 >= t.len() * 6
}

pub(super) struct Acc {
    provenance: Vec<TagOrigin>,
}

impl Acc {
    /// Records one reason per tag and route: a name both mentioned and in the heading keeps
    /// both reasons, a theme cued by five words keeps the first.
    pub(super) fn add(&mut self, field: TagField, value: &str, via: Via, evidence: &str) {
        if !self
            .provenance
            .iter()
            .any(|o| o.field == field && o.value == value && o.via == via)
        {
            self.provenance.push(TagOrigin {
                field,
                value: value.to_string(),
                via,
                evidence: evidence.to_string(),
            });
        }
    }

    fn values(&self, field: TagField) -> Vec<String> {
        let mut v: Vec<String> = self
            .provenance
            .iter()
            .filter(|o| o.field == field)
            .map(|o| o.value.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// How many more words of another kind a passage's text must use to overrule its source's
/// `passage_kind` (a source that is all plot summary still has a paragraph of judgement).
const TEXT_KIND_LEAD: usize = 2;

/// The part of a heading that names its subject: before " - " in "Ruth C. - The Manipulator".
fn subject_part(heading: &str) -> &str {
    [" - ", " – ", " — ", ": "]
        .iter()
        .filter_map(|sep| heading.find(sep))
        .min()
        .map_or(heading, |i| &heading[..i])
}

impl Tagger {
    /// Compiles the matchers. The error is a human message about the lexicon.
    pub fn new(lexicon: &Lexicon, rules: &Rules) -> Result<Tagger, String> {
        let chars = &lexicon.characters;
        // Names that hold a character's name but are not the character ("Jane Austen") stand
        // for no one (an index past the characters): as longer spellings they win where they
        // occur.
        let nobody = chars.len();
        let book = &lexicon.book;
        let others: Vec<(&str, usize)> = [book.author.as_str(), book.title.as_str()]
            .into_iter()
            .chain(book.names.iter().map(String::as_str))
            .filter(|n| !n.trim().is_empty())
            .map(|n| (n, nobody))
            .collect();
        let mentions = Matcher::new(
            chars
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    std::iter::once((c.name.as_str(), i))
                        .chain(c.aliases.iter().map(move |a| (a.as_str(), i)))
                })
                .chain(others.iter().copied()),
            false,
        )?;
        // Compiling an alternation is the costliest step of an ingest: share it when no
        // character has heading-only spellings.
        let subjects = if chars.iter().all(|c| c.subject_only.is_empty()) {
            mentions.clone()
        } else {
            Matcher::new(
                chars.iter().enumerate().flat_map(|(i, c)| {
                    std::iter::once((c.name.as_str(), i))
                        .chain(c.aliases.iter().map(move |a| (a.as_str(), i)))
                        .chain(c.subject_only.iter().map(move |a| (a.as_str(), i)))
                }),
                false,
            )?
        };
        let themes = &lexicon.themes;
        let cues = Matcher::new(
            themes
                .iter()
                .enumerate()
                .flat_map(|(i, t)| t.cues.iter().map(move |c| (c.as_str(), i))),
            true,
        )?;
        let theme_headings = Matcher::new(
            themes
                .iter()
                .enumerate()
                .flat_map(|(i, t)| t.headings.iter().map(move |c| (c.as_str(), i))),
            true,
        )?;
        let kind_headings = Matcher::new(
            rules
                .kinds
                .iter()
                .enumerate()
                .flat_map(|(i, (_, hs))| hs.iter().map(move |h| (h.as_str(), i))),
            true,
        )?;
        Ok(Tagger {
            character_names: chars.iter().map(|c| c.name.clone()).collect(),
            theme_names: themes.iter().map(|t| t.name.clone()).collect(),
            mentions,
            subjects,
            cues,
            theme_headings,
            kind_headings,
            kinds: rules.kinds.iter().map(|k| k.0).collect(),
            kind_words: Matcher::new(
                rules
                    .kind_words
                    .iter()
                    .enumerate()
                    .flat_map(|(i, (_, ws))| ws.iter().map(move |w| (w.as_str(), i))),
                true,
            )?,
            text_kinds: rules.kind_words.iter().map(|k| k.0).collect(),
            parts: rules.parts.clone(),
            part_openings: rules.part_openings.clone(),
            book_parts: Parts::new(lexicon)?,
            unless: themes
                .iter()
                .map(|t| {
                    t.unless
                        .iter()
                        .map(|u| {
                            Regex::new(&format!("(?i){u}"))
                                .map_err(|e| format!("theme {:?}: `unless` {u:?}: {e}", t.name))
                        })
                        .collect::<Result<Vec<Regex>, String>>()
                })
                .collect::<Result<Vec<_>, String>>()?,
            title: lexicon.book.title.trim().to_lowercase(),
        })
    }

    /// Characters a heading is about: it must begin with a name ("Ruth C. - …",
    /// "Miss Lucy and the Authority Figures", "Kathy, Ruth, and Tommy's timeline").
    fn heading_subjects(&self, heading: &str) -> Vec<usize> {
        let part = subject_part(heading);
        let found = self.subjects.find(part);
        if found.first().is_none_or(|f| f.0 != 0) {
            return Vec::new();
        }
        found
            .into_iter()
            .flat_map(|(_, _, ids)| ids.iter().copied())
            .filter(|&i| i < self.character_names.len())
            .collect()
    }

    /// Tags one segment. `default_kind` applies when neither layout nor headings decide.
    pub fn tag(&self, seg: &Segment, default_kind: Kind) -> Tags {
        let mut acc = Acc {
            provenance: Vec::new(),
        };
        let text = seg.text.text.as_str();

        for (_, m, ids) in self.mentions.find(text) {
            for &i in ids.iter().filter(|&&i| i < self.character_names.len()) {
                acc.add(
                    TagField::Character,
                    &self.character_names[i],
                    Via::Mention,
                    &m,
                );
            }
        }
        for h in &seg.section {
            for i in self.heading_subjects(h) {
                acc.add(
                    TagField::Character,
                    &self.character_names[i],
                    Via::SectionSubject,
                    h,
                );
            }
            // The book's title as a heading ("Pride and Prejudice") heads everything: it
            // names no theme.
            if self.is_title(h) {
                continue;
            }
            for (_, _, ids) in self.theme_headings.find(h) {
                for &i in ids {
                    acc.add(TagField::Theme, &self.theme_names[i], Via::Heading, h);
                }
            }
        }
        self.theme_cues(text, &mut acc);

        let (kind, via, evidence) = self.kind_of(seg, default_kind);
        acc.add(TagField::Kind, kind.as_str(), via, &evidence);

        let part = self.place(seg, kind, &mut acc);

        let mut pages: Vec<u32> = Vec::new();
        for (at, list) in page_refs(text) {
            let whole = &text[at];
            for p in parse_pages(list) {
                if !pages.contains(&p) {
                    pages.push(p);
                    acc.add(TagField::Page, &p.to_string(), Via::Reference, whole);
                }
            }
        }
        pages.sort_unstable();

        Tags {
            kind,
            part,
            characters: acc.values(TagField::Character),
            themes: acc.values(TagField::Theme),
            pages,
            provenance: acc.provenance,
        }
    }

    /// Whether a heading is the book's title (or opens with it: "Pride and Prejudice by …").
    fn is_title(&self, heading: &str) -> bool {
        !self.title.is_empty() && heading.trim().to_lowercase().starts_with(&self.title)
    }

    /// Themes from cue words in `text`, except a cue inside the book's title or inside a
    /// match of its theme's `unless` patterns (another sense of the word).
    fn theme_cues(&self, text: &str, acc: &mut Acc) {
        let lowered = text.to_lowercase();
        let titles: Vec<std::ops::Range<usize>> = if self.title.is_empty() {
            vec![]
        } else {
            lowered
                .match_indices(&self.title)
                .map(|(at, t)| at..at + t.len())
                .collect()
        };
        for (at, m, ids) in self.cues.find(text) {
            let within = |r: &std::ops::Range<usize>| r.start <= at && at + m.len() <= r.end;
            if titles.iter().any(within) {
                continue;
            }
            for &i in ids {
                let other_sense = self.unless[i]
                    .iter()
                    .any(|re| re.find_iter(&lowered).any(|u| within(&u.range())));
                if !other_sense {
                    acc.add(TagField::Theme, &self.theme_names[i], Via::Cue, &m);
                }
            }
        }
    }

    fn kind_of(&self, seg: &Segment, default_kind: Kind) -> (Kind, Via, String) {
        if seg.in_comments {
            return (Kind::Comment, Via::Layout, "readers' comments".into());
        }
        if is_quotation(&seg.text.text) {
            return (
                Kind::Quotation,
                Via::Layout,
                "text in quotation marks".into(),
            );
        }
        for h in seg.section.iter().rev().filter(|h| !self.is_title(h)) {
            if h.ends_with('?') {
                return (Kind::Faq, Via::Heading, h.clone());
            }
            if let Some(i) = self
                .kind_headings
                .find(h)
                .into_iter()
                .flat_map(|(_, _, ids)| ids.iter().copied())
                .min()
            {
                return (self.kinds[i], Via::Heading, h.clone());
            }
            if !self.heading_subjects(h).is_empty() {
                return (Kind::Character, Via::SectionSubject, h.clone());
            }
            if !self.theme_headings.find(h).is_empty() {
                return (Kind::Analysis, Via::Heading, h.clone());
            }
        }
        self.kind_from_text(&seg.text.text)
            .filter(|(_, _, lead)| default_kind == Kind::Other || *lead >= TEXT_KIND_LEAD)
            .map_or(
                (default_kind, Via::Layout, "no heading decides".into()),
                |(kind, words, _)| (kind, Via::Cue, words.join(", ")),
            )
    }

    /// The kind whose text words (`[[kind]] text` in the rules) the passage uses most, with
    /// the words found and its lead over the next kind. A tie gives nothing.
    fn kind_from_text(&self, text: &str) -> Option<(Kind, Vec<String>, usize)> {
        let mut found: Vec<Vec<String>> = vec![vec![]; self.text_kinds.len()];
        for (_, m, ids) in self.kind_words.find(text) {
            for &i in ids {
                if !found[i].contains(&m) {
                    found[i].push(m.clone());
                }
            }
        }
        let mut order: Vec<usize> = (0..found.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(found[i].len()));
        let best = *order.first()?;
        let second = order.get(1).map_or(0, |&i| found[i].len());
        let lead = found[best].len() - second;
        (lead > 0).then(|| {
            (
                self.text_kinds[best],
                std::mem::take(&mut found[best]),
                lead,
            )
        })
    }
}

#[cfg(test)]
mod tests;
