//! Stage 3, tag: a segment → its characters, themes, kind, part and pages, each with the reason
//! it was given (mention, section subject, heading, cue word, page reference, layout).
//!
//! Names and cue words come from the lexicon and heading words from `cleaning.toml`; the
//! matchers are compiled once per ingest into single alternations, so tagging a passage is one
//! scan of its text per matcher.

use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

use crate::clean::Rules;
use crate::lexicon::Lexicon;
use crate::model::{AnswerType, Kind, TagField, TagOrigin, Via};
use crate::segment::{page_ref, Segment};

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

/// A whole-word alternation and what each spelling stands for.
#[derive(Debug, Clone)]
struct Matcher {
    re: Option<Regex>,
    /// Spelling (lower case when the matcher ignores case) → indices of what it names.
    map: HashMap<String, Vec<usize>>,
    ignore_case: bool,
}

impl Matcher {
    fn new<'a>(
        spellings: impl IntoIterator<Item = (&'a str, usize)>,
        ignore_case: bool,
    ) -> Result<Matcher, String> {
        let mut map: HashMap<String, Vec<usize>> = HashMap::new();
        for (s, i) in spellings {
            let s = s.trim();
            if s.is_empty() {
                continue;
            }
            let key = if ignore_case {
                s.to_lowercase()
            } else {
                s.to_string()
            };
            let v = map.entry(key).or_default();
            if !v.contains(&i) {
                v.push(i);
            }
        }
        let mut keys: Vec<&String> = map.keys().collect();
        // Longest first, so "Kathy H." wins over "Kathy" at the same place.
        keys.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let alts: Vec<String> = keys
            .iter()
            .map(|k| {
                // ASCII boundaries (the matcher runs without Unicode tables, which is what keeps it fast).
                let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                let pre = if word(k.chars().next()) { r"\b" } else { "" };
                let post = if word(k.chars().last()) { r"\b" } else { "" };
                format!("{pre}{}{post}", regex::escape(k))
            })
            .collect();
        let re = if alts.is_empty() {
            None
        } else {
            Some(
                // Case is ignored by lower-casing both sides, not by `(?i)`: Unicode case
                // folding makes the alternation many times slower to build and to run.
                RegexBuilder::new(&alts.join("|"))
                    .unicode(false)
                    .size_limit(1 << 24)
                    .build()
                    .map_err(|e| format!("lexicon words do not form a valid pattern: {e}"))?,
            )
        };
        Ok(Matcher {
            re,
            map,
            ignore_case,
        })
    }

    /// Every match in `text`: (byte start, matched text, indices it names).
    /// Every match in `text`: (byte start, matched spelling, indices it names). For a matcher
    /// that ignores case, offsets and spellings refer to the lower-cased text.
    fn find(&self, text: &str) -> Vec<(usize, String, &[usize])> {
        let Some(re) = &self.re else {
            return Vec::new();
        };
        let lowered;
        let hay = if self.ignore_case {
            lowered = text.to_lowercase();
            lowered.as_str()
        } else {
            text
        };
        re.find_iter(hay)
            .filter_map(|m| {
                self.map
                    .get(m.as_str())
                    .map(|v| (m.start(), m.as_str().to_string(), v.as_slice()))
            })
            .collect()
    }
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
    parts: Vec<(u8, Regex)>,
    part_openings: Vec<(u8, Regex)>,
}

/// The page references in `text`: where each stands, and its list of pages ("58-59",
/// "80, 82, 87"). After "page" or "p." (one page), a number after a comma that a word follows
/// starts the sentence again rather than continuing a list: "page 73, 12 years later" refers to
/// page 73 and states twelve years. After "pages" or "pp." a list is announced, so "pages 80, 82
/// show" keeps both.
fn page_refs(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    page_ref()
        .captures_iter(text)
        .filter_map(|caps| {
            let (whole, list) = (caps.get(0)?, caps.get(1)?);
            let mut end = list.end();
            let keyword = text[whole.start()..list.start()].trim_end().to_lowercase();
            let one_page = keyword == "page" || keyword == "p.";
            let word_follows = text[end..]
                .trim_start()
                .starts_with(|c: char| c.is_alphabetic())
                && text[end..].starts_with(char::is_whitespace);
            if one_page && word_follows {
                if let Some(comma) = text[list.start()..end].rfind(',') {
                    let last = text[list.start() + comma + 1..end].trim();
                    if last.chars().all(|c| c.is_ascii_digit()) {
                        end = list.start() + comma;
                    }
                }
            }
            Some((whole.start()..end, &text[list.start()..end]))
        })
        .collect()
}

/// Words on either side of an answer that count as beside it ("his fourth donation").
pub const ANSWER_REACH: usize = 2;

/// One kind of answer a passage offers, with the words beside it wherever it is offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSpot<'a> {
    pub name: &'a str,
    /// Lower-cased words within [`ANSWER_REACH`] of an answer word, each once, in text order
    /// (answer words themselves left out): what the number counts ("fourth" → "donation").
    pub beside: Vec<String>,
}

/// The kinds of answer a passage's text offers, in `types` order, each with the words beside
/// it: one of a type's words, or for a type with `numerals` a number in digits. Page
/// references ("(pages 73, 82)") are not numbers the text states, so they are skipped.
pub fn answer_spots<'a>(text: &str, types: &'a [AnswerType]) -> Vec<AnswerSpot<'a>> {
    if types.is_empty() {
        return vec![];
    }
    let mut words: Vec<String> = vec![];
    let mut from = 0;
    for (at, _) in page_refs(text) {
        push_words(&text[from..at.start], &mut words);
        from = at.end;
    }
    push_words(&text[from..], &mut words);
    let mut out = vec![];
    for t in types {
        let listed: Vec<String> = t.words.iter().map(|x| x.to_lowercase()).collect();
        let is_answer = |w: &String| {
            (t.numerals && w.starts_with(|c: char| c.is_ascii_digit())) || listed.contains(w)
        };
        let at: Vec<usize> = (0..words.len()).filter(|&i| is_answer(&words[i])).collect();
        if at.is_empty() {
            continue;
        }
        let mut beside: Vec<String> = vec![];
        for &i in &at {
            let lo = i.saturating_sub(ANSWER_REACH);
            let hi = (i + ANSWER_REACH).min(words.len() - 1);
            for w in &words[lo..=hi] {
                if !is_answer(w) && !beside.contains(w) {
                    beside.push(w.clone());
                }
            }
        }
        out.push(AnswerSpot {
            name: t.name.as_str(),
            beside,
        });
    }
    out
}

/// Lower-cased runs of letters and digits ("thirty-one" is two words, "1990s" one).
fn push_words(text: &str, out: &mut Vec<String>) {
    out.extend(
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase),
    );
}

/// The pages a reference names: `58-59` → 58, 59; `81, 82` → 81, 82. A range is expanded only
/// when it is short (a reference, not a chapter); `158-9` reads as 158, 159.
pub fn parse_pages(list: &str) -> Vec<u32> {
    let mut pages = Vec::new();
    let mut range_from: Option<u32> = None;
    let mut rest = list;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let n: u32 = rest[..digits].parse().unwrap_or(0);
            rest = &rest[digits..];
            match range_from.take() {
                Some(a) => {
                    let mut b = n;
                    if b < a {
                        // Abbreviated end: 158-9 → 159.
                        let width = 10u32.pow(digits as u32);
                        b += a - a % width;
                        if b < a {
                            b += width;
                        }
                    }
                    if b - a <= 30 {
                        pages.extend(a + 1..=b);
                    } else {
                        pages.push(n);
                    }
                }
                None => pages.push(n),
            }
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if matches!(c, '-' | '–' | '—') {
            range_from = pages.last().copied();
        }
        rest = &rest[c.len_utf8()..];
    }
    pages.retain(|&p| p > 0);
    pages
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

struct Acc {
    provenance: Vec<TagOrigin>,
}

impl Acc {
    /// Records one reason per tag and route: a name both mentioned and in the heading keeps
    /// both reasons, a theme cued by five words keeps the first.
    fn add(&mut self, field: TagField, value: &str, via: Via, evidence: &str) {
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
        let mentions = Matcher::new(
            chars.iter().enumerate().flat_map(|(i, c)| {
                std::iter::once((c.name.as_str(), i))
                    .chain(c.aliases.iter().map(move |a| (a.as_str(), i)))
            }),
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
            parts: rules.parts.clone(),
            part_openings: rules.part_openings.clone(),
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
            .collect()
    }

    /// Tags one segment. `default_kind` applies when neither layout nor headings decide.
    pub fn tag(&self, seg: &Segment, default_kind: Kind) -> Tags {
        let mut acc = Acc {
            provenance: Vec::new(),
        };
        let text = seg.text.text.as_str();

        for (_, m, ids) in self.mentions.find(text) {
            for &i in ids {
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
            for (_, _, ids) in self.theme_headings.find(h) {
                for &i in ids {
                    acc.add(TagField::Theme, &self.theme_names[i], Via::Heading, h);
                }
            }
        }
        for (_, m, ids) in self.cues.find(text) {
            for &i in ids {
                acc.add(TagField::Theme, &self.theme_names[i], Via::Cue, &m);
            }
        }

        let (kind, via, evidence) = self.kind_of(seg, default_kind);
        acc.add(TagField::Kind, kind.as_str(), via, &evidence);

        let mut part = None;
        'parts: for h in &seg.section {
            for (n, re) in &self.parts {
                if re.is_match(h) {
                    part = Some(*n);
                    acc.add(TagField::Part, &n.to_string(), Via::Heading, h);
                    break 'parts;
                }
            }
        }
        if part.is_none() {
            for (n, re) in &self.part_openings {
                if let Some(m) = re.find(text) {
                    part = Some(*n);
                    acc.add(TagField::Part, &n.to_string(), Via::Opening, m.as_str());
                    break;
                }
            }
        }

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
        for h in seg.section.iter().rev() {
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
        (default_kind, Via::Layout, "no heading decides".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::{Mapped, DEFAULT_RULES};

    /// The names of the kinds of answer `text` offers.
    fn answer_types<'a>(text: &str, types: &'a [AnswerType]) -> Vec<&'a str> {
        answer_spots(text, types)
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    #[test]
    fn answer_types_are_read_from_words_and_digits_but_not_page_references() {
        let types = [
            AnswerType {
                name: "number".into(),
                words: vec!["twelve".into(), "Fourth".into()],
                numerals: true,
            },
            AnswerType {
                name: "place".into(),
                words: vec!["Norfolk".into()],
                numerals: false,
            },
        ];
        for (text, want) in [
            (
                "She has been a carer for almost twelve years.",
                vec!["number"],
            ),
            ("after his fourth donation", vec!["number"]),
            ("TWELVE of them", vec!["number"]),
            ("when they are 16 years old", vec!["number"]),
            ("England in the late 1990s", vec!["number"]),
            ("They drive to Norfolk (pages 98, 99).", vec!["place"]),
            ("Ruth and Tommy are a couple (page 130).", vec![]),
            ("as seen on p. 5 and pp. 7-9", vec![]),
            ("Hailsham closes (page 73, 12 years later).", vec!["number"]),
            ("mentioned on pages 178 and 179.", vec![]),
            ("a thirty-one-year-old carer in Norfolk", vec!["place"]),
            ("twelvefold", vec![]),
            ("", vec![]),
        ] {
            assert_eq!(answer_types(text, &types), want, "{text}");
        }
        assert!(answer_types("twelve", &[]).is_empty());
    }

    #[test]
    fn answer_spots_keep_the_words_beside_each_answer() {
        let types = [AnswerType {
            name: "number".into(),
            words: vec!["two".into(), "fourth".into()],
            numerals: true,
        }];
        let beside = |text: &str| -> Vec<String> {
            answer_spots(text, &types)
                .into_iter()
                .flat_map(|s| s.beside)
                .collect()
        };
        assert_eq!(
            beside("Tommy completes after his fourth donation, which proves fatal."),
            ["after", "his", "donation", "which"]
        );
        // Each word once, across every answer; an answer word is not beside another.
        assert_eq!(
            beside("two donations, then two more donations"),
            ["donations", "then", "more"]
        );
        // At either end of the text, and never a page reference.
        assert_eq!(beside("16 years"), ["years"]);
        assert_eq!(beside("Kathy (pages 73, 82) waits."), Vec::<String>::new());
        assert!(answer_spots("no count here", &types).is_empty());
    }

    fn tagger() -> Tagger {
        let lex = Lexicon::parse(include_str!("../corpus/lexicon.toml")).unwrap();
        Tagger::new(&lex, &Rules::parse(DEFAULT_RULES).unwrap()).unwrap()
    }

    fn seg(section: &[&str], text: &str) -> Segment {
        Segment {
            section: section.iter().map(|s| s.to_string()).collect(),
            text: Mapped::plain(text, 0),
            in_comments: false,
            list_item: false,
        }
    }

    #[test]
    fn page_reference_forms() {
        for (text, want) in [
            ("a quote (p. 133)", vec![133]),
            ("a quote (pp. 58-59)", vec![58, 59]),
            ("a quote (pp. 58–60)", vec![58, 59, 60]),
            ("a bond (pages 81, 82)", vec![81, 82]),
            ("the pond (page 28).", vec![28]),
            ("mentioned on page 40.", vec![40]),
            ("(pages 73, 82, 104, 113)", vec![73, 82, 104, 113]),
            ("(pp. 158-9)", vec![158, 159]),
            ("(p. 12) and later (p. 12)", vec![12]),
            ("(pages 202, 196)", vec![196, 202]),
            ("she paged 40 friends", vec![]),
            ("a 2005 novel", vec![]),
            // A list goes on while numbers follow; a number a word follows starts a sentence.
            ("Hailsham closes (page 73, 12 years later)", vec![73]),
            ("on pages 80, 82, 87 and 91 we see", vec![80, 82, 87, 91]),
            ("mentioned on pages 178 and 179.", vec![178, 179]),
            ("(pages 51, 52, 181, 193)", vec![51, 52, 181, 193]),
            ("page 12,13 years", vec![12]),
            // "pages" and "pp." announce a list: a word after it ends the list, not a page.
            ("on pages 80, 82 we see Ruth", vec![80, 82]),
            ("pages 80, 82 and again later", vec![80, 82]),
            ("pp. 58-59, 61 show", vec![58, 59, 61]),
        ] {
            assert_eq!(
                tagger().tag(&seg(&[], text), Kind::Other).pages,
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn characters_by_whole_name_alias_and_subject() {
        for (section, text, want) in [
            (
                vec![],
                "Rod and Chrissie talk to Ruth.",
                vec!["Chrissie", "Rodney", "Ruth"],
            ),
            (vec![], "The truth about Madameleine.", vec![]),
            (
                vec![],
                "Kath and Kathy H. and Tommy D.",
                vec!["Kathy", "Tommy"],
            ),
            (
                vec![],
                "Marie-Claude and Lucy Wainright.",
                vec!["Madame", "Miss Lucy"],
            ),
            (vec![], "The Arthur C. Clarke Award.", vec![]),
            (
                vec![
                    "Character Analysis",
                    "Ruth C. - The Manipulator Seeking Belonging",
                ],
                "She lies.",
                vec!["Ruth"],
            ),
            (
                vec!["Main characters", "Alexander J. and Peter N."],
                "Two boys.",
                vec!["Alexander J.", "Peter N."],
            ),
            (
                vec!["What is Tommy's role in the story?"],
                "He draws.",
                vec![],
            ),
        ] {
            let t = tagger().tag(&seg(&section, text), Kind::Other);
            assert_eq!(t.characters, want, "{section:?} {text}");
        }
    }

    #[test]
    fn subject_only_spellings_count_in_headings_not_prose() {
        let lex = Lexicon::parse(
            "[[character]]\nname = \"Kathy\"\naliases = [\"Kathy\"]\nsubject_only = [\"The Narrator\"]\n",
        )
        .unwrap();
        let t = Tagger::new(&lex, &Rules::parse(DEFAULT_RULES).unwrap()).unwrap();
        let prose = t.tag(&seg(&[], "The Narrator speaks."), Kind::Other);
        assert!(prose.characters.is_empty());
        let head = t.tag(
            &seg(&["The Narrator - Who She Is"], "She speaks."),
            Kind::Other,
        );
        assert_eq!(head.characters, ["Kathy"]);
    }

    #[test]
    fn themes_from_cues_and_headings() {
        for (section, text, want) in [
            (
                vec!["Themes", "Memory and Nostalgia"],
                "Objects anchor the past.",
                vec!["memory"],
            ),
            (vec![], "She would often reminisce.", vec!["memory"]),
            (vec![], "They hope for a deferral.", vec!["hope"]),
            (vec![], "Nothing thematic here.", vec![]),
            (
                vec!["Themes of Love, Loss, and Acceptance"],
                "Text.",
                vec!["acceptance", "love-and-loss"],
            ),
        ] {
            let t = tagger().tag(&seg(&section, text), Kind::Other);
            assert_eq!(t.themes, want, "{section:?} {text}");
        }
    }

    #[test]
    fn kinds_and_parts() {
        for (section, text, kind, part) in [
            (
                vec!["Plot Summary", "Part Two: The Cottages"],
                "They move.",
                Kind::Plot,
                Some(2),
            ),
            (
                vec!["Character Analysis", "Kathy H. - The Reflective Narrator"],
                "She.",
                Kind::Character,
                None,
            ),
            (
                vec!["Frequently Asked Questions", "Why?"],
                "Because.",
                Kind::Faq,
                None,
            ),
            (
                vec!["Themes and Literary Devices", "Memory and Nostalgia"],
                "Text.",
                Kind::Analysis,
                None,
            ),
            (
                vec!["Plot Summary"],
                "\"We all complete.\" (p. 282)",
                Kind::Quotation,
                None,
            ),
            (
                vec!["Key Quotations"],
                "\"Never let me go.\" — Miss Lucy, Chapter 7",
                Kind::Quotation,
                None,
            ),
            (
                vec!["Highlighting Quotes"],
                "We took away your art.",
                Kind::Quotation,
                None,
            ),
            (
                vec!["Kathy, Ruth, and Tommy's timeline"],
                "They grow up.",
                Kind::Plot,
                None,
            ),
            (vec![], "Plain text.", Kind::Other, None),
            // Without a part heading, an opening that names the part sets it; a mention
            // later on, or a part heading, wins or is ignored as the heading says.
            (
                vec![],
                "In Part Two, Kathy looks back.",
                Kind::Other,
                Some(2),
            ),
            (
                vec![],
                "The third part describes the donations.",
                Kind::Other,
                Some(3),
            ),
            (
                vec![],
                "As in Part Two, Kathy looks back.",
                Kind::Other,
                None,
            ),
            (vec![], "In part, Kathy looks back.", Kind::Other, None),
            (vec![], "In part I think she knew.", Kind::Other, None),
            (
                vec![],
                "Part II: the Cottages, as Kathy recalls.",
                Kind::Other,
                Some(2),
            ),
            (
                vec!["Part One: Hailsham"],
                "In Part Two, they move.",
                Kind::Plot,
                Some(1),
            ),
        ] {
            let t = tagger().tag(&seg(&section, text), Kind::Other);
            assert_eq!((t.kind, t.part), (kind, part), "{section:?} {text}");
        }
        let mut c = seg(&[], "I loved it");
        c.in_comments = true;
        assert_eq!(tagger().tag(&c, Kind::Plot).kind, Kind::Comment);
        assert_eq!(
            tagger().tag(&seg(&[], "Text."), Kind::Plot).kind,
            Kind::Plot
        );
    }

    #[test]
    fn provenance_explains_every_tag() {
        let t = tagger().tag(
            &seg(&["Ruth C. - The Manipulator"], "She remembers Rod (p. 9)."),
            Kind::Other,
        );
        let has = |f: TagField, v: &str, via: Via| {
            t.provenance
                .iter()
                .any(|o| o.field == f && o.value == v && o.via == via)
        };
        assert!(has(TagField::Character, "Ruth", Via::SectionSubject));
        let t2 = tagger().tag(
            &seg(&["Ruth C. - The Manipulator"], "Ruth lies."),
            Kind::Other,
        );
        let ruth: Vec<Via> = t2
            .provenance
            .iter()
            .filter(|o| o.value == "Ruth")
            .map(|o| o.via)
            .collect();
        assert_eq!(ruth, [Via::Mention, Via::SectionSubject]);
        assert_eq!(t2.characters, ["Ruth"]);
        assert!(has(TagField::Character, "Rodney", Via::Mention));
        assert!(has(TagField::Theme, "memory", Via::Cue));
        assert!(has(TagField::Theme, "manipulation", Via::Heading));
        assert!(has(TagField::Page, "9", Via::Reference));
        assert!(has(TagField::Kind, "character", Via::SectionSubject));
    }
}
