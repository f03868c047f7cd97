//! The speaker cues live apart from the quotations they are read against: they are data
//! (`data/speaker-cues.toml`, a corpus's `quotes.toml`) compiled once against a corpus's names.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::lexicon::Lexicon;
use crate::segment::sentences;

/// The English speaker cues every corpus gets.
const DEFAULT_CUES: &str = include_str!("../../../data/speaker-cues.toml");

/// A corpus's own speaker cues, added to the defaults when present.
pub const CUES_FILE: &str = "quotes.toml";

/// Speaker cues as written in the data files.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CueFile {
    #[serde(default)]
    speech_verbs: Vec<String>,
    #[serde(default)]
    pronouns: Vec<String>,
    #[serde(default)]
    introductions: Vec<String>,
    #[serde(default)]
    attributions: Vec<String>,
    #[serde(default)]
    follow_ups: Vec<String>,
    #[serde(default)]
    self_names: Vec<String>,
    #[serde(default)]
    addresses: Vec<String>,
}

/// The cues a corpus's quotations are read with, compiled against its characters' names.
#[derive(Debug)]
pub struct SpeakerCues {
    speech_verbs: HashSet<String>,
    pronouns: HashSet<String>,
    introductions: Vec<Regex>,
    pub(super) attributions: Vec<Regex>,
    pub(super) follow_ups: Vec<Regex>,
    pub(super) self_names: Vec<Regex>,
    pub(super) addresses: Vec<Regex>,
    /// Any name or alias, as a capture, for `{name}` and for names in a quotation's words.
    names: Regex,
    /// Spelling → canonical name.
    pub(super) canonical: HashMap<String, String>,
}

impl SpeakerCues {
    /// The default English cues plus `corpus_dir/quotes.toml` when it exists.
    pub fn load(corpus_dir: &Path, lexicon: &Lexicon) -> Result<SpeakerCues> {
        let path = corpus_dir.join(CUES_FILE);
        let extra = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(&path, e)),
        };
        SpeakerCues::parse(extra.as_deref(), lexicon).map_err(|message| Error::Data {
            path: if extra.is_some() {
                path
            } else {
                "data/speaker-cues.toml".into()
            },
            message,
        })
    }

    /// The default cues plus `extra` (the text of a corpus's `quotes.toml`).
    pub fn parse(
        extra: Option<&str>,
        lexicon: &Lexicon,
    ) -> std::result::Result<SpeakerCues, String> {
        let mut file: CueFile = toml::from_str(DEFAULT_CUES).map_err(|e| e.to_string())?;
        if let Some(text) = extra {
            let more: CueFile = toml::from_str(text).map_err(|e| e.to_string())?;
            file.speech_verbs.extend(more.speech_verbs);
            file.pronouns.extend(more.pronouns);
            file.introductions.extend(more.introductions);
            file.attributions.extend(more.attributions);
            file.follow_ups.extend(more.follow_ups);
            file.self_names.extend(more.self_names);
            file.addresses.extend(more.addresses);
        }
        let mut canonical = HashMap::new();
        for c in &lexicon.characters {
            canonical.insert(c.name.clone(), c.name.clone());
            for a in &c.aliases {
                canonical.insert(a.clone(), c.name.clone());
            }
        }
        let mut spellings: Vec<&String> = canonical.keys().collect();
        // Longest first, so "Anna K." wins over "Anna" and "Ann".
        spellings.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let alternatives = if spellings.is_empty() {
            // No characters: a name that can never match.
            "[^\\s\\S]".to_string()
        } else {
            spellings
                .iter()
                .map(|s| regex::escape(s))
                .collect::<Vec<_>>()
                .join("|")
        };
        // Patterns follow `{name}` with a word boundary or punctuation, which also keeps
        // "Ann" from matching inside "Anna"; longest spellings are tried first.
        let name = format!("(?P<name>(?-i:{alternatives}))");
        let names = Regex::new(&format!(
            "(?:^|[^\\w])(?P<name>(?-i:{alternatives}))(?:[^\\w]|$)"
        ))
        .map_err(|e| e.to_string())?;
        let compile = |patterns: &[String], key: &str| -> std::result::Result<Vec<Regex>, String> {
            patterns
                .iter()
                .map(|p| {
                    if !p.contains("{name}") {
                        return Err(format!("{key}: pattern {p:?} has no {{name}}"));
                    }
                    Regex::new(&format!("(?i){}", p.replace("{name}", &name)))
                        .map_err(|e| format!("{key}: pattern {p:?}: {e}"))
                })
                .collect()
        };
        Ok(SpeakerCues {
            speech_verbs: file.speech_verbs.iter().map(|w| w.to_lowercase()).collect(),
            pronouns: file.pronouns.iter().map(|w| w.to_lowercase()).collect(),
            introductions: compile(&file.introductions, "introductions")?,
            attributions: compile(&file.attributions, "attributions")?,
            follow_ups: compile(&file.follow_ups, "follow_ups")?,
            self_names: compile(&file.self_names, "self_names")?,
            addresses: compile(&file.addresses, "addresses")?,
            names,
            canonical,
        })
    }

    /// The canonical name the first of `patterns` finds in `text`, with the matched words.
    pub(super) fn find(&self, patterns: &[Regex], text: &str) -> Option<(String, String)> {
        patterns.iter().find_map(|re| {
            let caps = re.captures(text)?;
            let spelling = caps.name("name")?.as_str();
            let name = self.canonical.get(spelling)?.clone();
            Some((name, caps.get(0)?.as_str().trim().to_string()))
        })
    }

    /// Canonical names of every character named in `text`.
    pub(super) fn named_in(&self, text: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut at = 0;
        while let Some(caps) = self.names.captures_at(text, at) {
            let (Some(all), Some(name)) = (caps.get(0), caps.name("name")) else {
                break;
            };
            if let Some(canonical) = self.canonical.get(name.as_str()) {
                out.insert(canonical.clone());
            }
            // The character that ended this name may begin the next one's boundary.
            at = name.end().max(all.start() + 1);
        }
        out
    }

    /// Who the sentence ending `intro` says is speaking, when it introduces a quotation.
    pub(super) fn introduction(&self, intro: &str) -> Option<(String, String)> {
        let intro = intro.trim_end();
        if !intro.ends_with(':') {
            return None;
        }
        let ranges = sentences(intro);
        let last = ranges.len().checked_sub(1)?;
        let sentence = &intro[ranges[last].clone()];
        if let Some(found) = self.find(&self.introductions, sentence) {
            return Some((found.0, sentence.to_string()));
        }
        let speaks =
            crate::index::words(sentence).any(|w| self.speech_verbs.contains(&w.to_lowercase()));
        if !speaks {
            return None;
        }
        let name = self.subject(intro, &ranges, last, 2)?;
        Some((name, sentence.to_string()))
    }

    /// The character a sentence is about: a name opening it (after at most one short opening
    /// phrase and a comma), or a pronoun standing for the subject of the sentence before.
    fn subject(
        &self,
        text: &str,
        ranges: &[std::ops::Range<usize>],
        i: usize,
        depth: usize,
    ) -> Option<String> {
        let sentence = text[ranges[i].clone()].trim_start_matches(|c: char| !c.is_alphanumeric());
        let opening = |s: &str| -> Option<String> {
            self.canonical
                .iter()
                .filter(|(spelling, _)| {
                    s.starts_with(spelling.as_str())
                        && !s[spelling.len()..].starts_with(|c: char| c.is_alphanumeric())
                })
                .max_by_key(|(spelling, _)| spelling.len())
                .map(|(_, name)| name.clone())
        };
        if let Some(name) = opening(sentence) {
            return Some(name);
        }
        if let Some(comma) = sentence.find(", ") {
            if crate::index::words(&sentence[..comma]).count() <= 6 {
                if let Some(name) = opening(&sentence[comma + 2..]) {
                    return Some(name);
                }
            }
        }
        let first = crate::index::words(sentence).next()?.to_lowercase();
        if self.pronouns.contains(&first) && depth > 0 && i > 0 {
            return self.subject(text, ranges, i - 1, depth - 1);
        }
        None
    }
}
