//! Quotations: each distinct quotation once, with who speaks it where a source says so, the
//! pages each source gives, and every passage it appears in.
//!
//! A passage that bundles several quotations gives one quotation each; the same words quoted
//! by several sources, or at different lengths, are one quotation. The speaker comes only from
//! cues ([`SpeakerCues`], data): an attribution beside the quotation, the sentence introducing
//! it, the sentence after it, or its own words. Sources that disagree leave the speaker unset
//! and say so in [`Quote::disagreement`].
//!
//! Files: `cues.rs` speaker cues, `find.rs` quotations in a passage, `merge.rs` one per quotation.

mod cues;
mod find;
mod merge;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::Passage;
use crate::search::{Engine, Filters};

pub use cues::{SpeakerCues, CUES_FILE};
use find::{in_passage, Found};
use merge::merge;

/// How a speaker was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerFrom {
    /// An attribution beside the quotation: "— Anna, Chapter 7".
    Attribution,
    /// The sentence introducing it: "Anna tells the others:".
    Introduction,
    /// The sentence after it: "This revelation from Anna …".
    FollowUp,
    /// Its own words: "I'm Anna".
    OwnWords,
}

impl SpeakerFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerFrom::Attribution => "attribution",
            SpeakerFrom::Introduction => "introduction",
            SpeakerFrom::FollowUp => "follow_up",
            SpeakerFrom::OwnWords => "own_words",
        }
    }
}

/// What a cue says about a character and a quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The character says it.
    Speaker,
    /// The quotation speaks to the character by name, so they are not its speaker.
    Addressee,
}

/// One cue about who speaks a quotation, where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Canonical character name.
    pub character: String,
    pub role: Role,
    pub from: SpeakerFrom,
    /// Source and passage id of the quotation the cue stands beside.
    pub source: String,
    pub id: String,
    /// The words of the cue ("This metaphor, spoken by Ben").
    pub evidence: String,
}

/// One place a quotation appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteSource {
    pub source: String,
    /// Passage id.
    pub id: String,
    /// Pages this source gives for it (empty when it gives none).
    pub pages: Vec<u32>,
    /// The quotation as this source gives it.
    pub text: String,
}

/// A distinct quotation. `--json` prints it as `{"type":"quote",…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The fullest version the sources give.
    pub text: String,
    /// Canonical name of who says it, only when a cue names them and no other cue disagrees.
    pub speaker: Option<String>,
    /// How the speaker was found (`attribution`, `introduction`, `follow_up`, `own_words`);
    /// null with the speaker.
    pub speaker_from: Option<SpeakerFrom>,
    /// Every page any source gives, sorted.
    pub pages: Vec<u32>,
    /// Each passage it appears in, in reading order.
    pub sources: Vec<QuoteSource>,
    /// Characters named in its words, and its speaker.
    pub characters: Vec<String>,
    /// Themes of the passages it appears in.
    pub themes: Vec<String>,
    /// Part of the novel, from its passages (the most common when they differ).
    pub part: Option<u8>,
    /// Every cue about its speaker, agreeing or not.
    pub claims: Vec<Claim>,
    /// Set when cues disagree, in words: who says which, where.
    pub disagreement: Option<String>,
}

impl Quote {
    /// Ids of every passage it appears in.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.id.as_str())
    }
}

/// Every distinct quotation in `passages` (a whole corpus, in reading order), ordered by the
/// first page it is cited at, then by where it first appears.
pub fn quotes(passages: &[Arc<Passage>], cues: &SpeakerCues) -> Vec<Quote> {
    let by_id: HashMap<&str, usize> = passages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut found: Vec<Found> = vec![];
    for (i, p) in passages.iter().enumerate() {
        let prev = p
            .prev
            .as_deref()
            .and_then(|id| by_id.get(id))
            .map(|&j| passages[j].text.as_str());
        let next = p
            .next
            .as_deref()
            .and_then(|id| by_id.get(id))
            .map(|&j| passages[j].text.as_str());
        found.extend(in_passage(i, p, prev, next, cues));
    }
    merge(found, passages, cues)
}

/// The quotations a filtered selection admits: those appearing in an `admitted` passage, and,
/// when characters are asked for, those spoken by or naming one of `characters` in a passage
/// `admitted_but_character` admits (the same filters without `--character`), since a
/// quotation's passage is not always tagged with its speaker.
pub fn select(
    quotes: Vec<Quote>,
    admitted: &HashSet<String>,
    admitted_but_character: Option<(&HashSet<String>, &[String])>,
) -> Vec<Quote> {
    quotes
        .into_iter()
        .filter(|q| {
            q.ids().any(|id| admitted.contains(id))
                || admitted_but_character.is_some_and(|(ids, names)| {
                    q.ids().any(|id| ids.contains(id))
                        && names.iter().any(|n| q.characters.contains(n))
                })
        })
        .collect()
}

/// The quotations of the engine's index that `filters` select (see [`select`]).
pub fn for_filters(engine: &Engine, cues: &SpeakerCues, filters: &Filters) -> Result<Vec<Quote>> {
    let all = super::all_passages(engine)?;
    let found = quotes(&all, cues);
    if filters.is_empty() {
        return Ok(found);
    }
    let admitted = super::admitted(engine, filters)?;
    let names: Vec<String> = filters
        .character
        .iter()
        .filter_map(|c| engine.lexicon().character(c).map(|c| c.name.clone()))
        .collect();
    let without = if names.is_empty() {
        None
    } else {
        let rest = Filters {
            character: vec![],
            ..filters.clone()
        };
        Some(super::admitted(engine, &rest)?)
    };
    Ok(select(
        found,
        &admitted,
        without.as_ref().map(|ids| (ids, &names[..])),
    ))
}
