//! A character card: the canonical name and aliases, what the sources' character entries say,
//! the parts of the novel and the themes they go with, the quotations they speak, and the best
//! passages about them.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::quotes::{Quote, SpeakerCues};
use crate::error::{Error, Result};
use crate::lexicon::{Character, Lexicon};
use crate::model::{Kind, Passage, TagField, Via};
use crate::search::{Engine, Filters, Request};

/// Themes shown on a card.
pub const TOP_THEMES: usize = 6;

/// Best passages shown on a card.
pub const BEST: usize = 5;

/// One source's entry for the character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description {
    pub source: String,
    /// Passage id.
    pub id: String,
    pub section: Vec<String>,
    pub text: String,
}

/// A theme with the number of the character's passages carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeCount {
    pub theme: String,
    pub count: u64,
}

/// A passage about the character, as a search for them ranks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Best {
    pub id: String,
    pub source: String,
    pub section: Vec<String>,
    pub kind: Kind,
    /// The passage's best window for the name.
    pub excerpt: String,
}

/// The card. `--json` prints it as `{"type":"character",…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// Canonical name.
    pub name: String,
    /// Other spellings the summaries use.
    pub aliases: Vec<String>,
    /// The opening of each source's entry for the character (its character list or
    /// analysis), one per source, in reading order.
    pub description: Vec<Description>,
    /// Passages tagged with the character.
    pub passages: u64,
    /// Their passages per part of the novel ("1", "2", "3").
    pub parts: BTreeMap<String, u64>,
    /// The themes of their passages, most frequent first (at most [`TOP_THEMES`]).
    pub themes: Vec<ThemeCount>,
    /// Quotations the sources give them as speaker.
    pub quotations: Vec<Quote>,
    /// The best passages about them (at most [`BEST`]).
    pub best: Vec<Best>,
}

/// The lexicon's character for a user's spelling, or a usage error listing the names.
pub fn resolve<'a>(lexicon: &'a Lexicon, name: &str) -> Result<&'a Character> {
    lexicon.character(name).ok_or_else(|| {
        let names: Vec<&str> = lexicon.characters.iter().map(|c| c.name.as_str()).collect();
        let closest = names
            .iter()
            .map(|n| {
                (
                    strsim::jaro_winkler(&n.to_lowercase(), &name.to_lowercase()),
                    *n,
                )
            })
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| format!(" (did you mean {n:?}?)"))
            .unwrap_or_default();
        Error::Usage(format!(
            "unknown character {name:?}{closest}; characters are: {}",
            names.join(", ")
        ))
    })
}

/// Whether a passage is the character's own entry: under a heading about them, or a
/// character-list line opening with their name.
fn is_entry(p: &Passage, c: &Character) -> bool {
    if p.kind != Kind::Character {
        return false;
    }
    let subject = p.provenance.iter().any(|o| {
        o.field == TagField::Character && o.via == Via::SectionSubject && o.value == c.name
    });
    let opens = std::iter::once(&c.name).chain(&c.aliases).any(|a| {
        p.text.starts_with(a.as_str())
            && p.text[a.len()..]
                .trim_start()
                .starts_with([':', '-', '–', '—'])
    });
    subject || opens
}

/// The card for `character` from a whole corpus's passages (reading order), its quotations,
/// and the best passages a search found.
pub fn card(
    character: &Character,
    passages: &[Arc<Passage>],
    quotes: &[Quote],
    best: Vec<Best>,
) -> Card {
    let mine: Vec<&Arc<Passage>> = passages
        .iter()
        .filter(|p| p.characters.contains(&character.name))
        .collect();
    let mut description: Vec<Description> = vec![];
    for p in passages.iter().filter(|p| is_entry(p, character)) {
        if description.iter().any(|d| d.source == p.source) {
            continue;
        }
        description.push(Description {
            source: p.source.clone(),
            id: p.id.clone(),
            section: p.section.clone(),
            text: p.text.clone(),
        });
    }
    let mut parts: BTreeMap<String, u64> = BTreeMap::new();
    let mut themes: BTreeMap<&str, u64> = BTreeMap::new();
    for p in &mine {
        if let Some(n) = p.part {
            *parts.entry(n.to_string()).or_default() += 1;
        }
        for t in &p.themes {
            *themes.entry(t).or_default() += 1;
        }
    }
    let mut themes: Vec<ThemeCount> = themes
        .into_iter()
        .map(|(theme, count)| ThemeCount {
            theme: theme.to_string(),
            count,
        })
        .collect();
    themes.sort_by(|a, b| b.count.cmp(&a.count).then(a.theme.cmp(&b.theme)));
    themes.truncate(TOP_THEMES);
    let mut aliases: Vec<String> = character
        .aliases
        .iter()
        .chain(&character.subject_only)
        .filter(|a| **a != character.name)
        .cloned()
        .collect();
    aliases.dedup();
    Card {
        name: character.name.clone(),
        aliases,
        description,
        passages: mine.len() as u64,
        parts,
        themes,
        quotations: quotes
            .iter()
            .filter(|q| q.speaker.as_deref() == Some(character.name.as_str()))
            .cloned()
            .collect(),
        best,
    }
}

/// The card for the character a user names (any alias), from the engine's index.
pub fn for_name(engine: &Engine, cues: &SpeakerCues, name: &str) -> Result<Card> {
    let character = resolve(engine.lexicon(), name)?.clone();
    let all = super::all_passages(engine)?;
    let quotes = super::quotes::quotes(&all, cues);
    let response = engine.search(&Request {
        query: character.name.clone(),
        filters: Filters {
            character: vec![character.name.clone()],
            ..Filters::default()
        },
        limit: BEST,
        context: 0,
        ..Request::default()
    })?;
    let best = response
        .hits
        .iter()
        .map(|h| Best {
            id: h.passage.id.clone(),
            source: h.passage.source.clone(),
            section: h.passage.section.clone(),
            kind: h.passage.kind,
            excerpt: h.excerpt.text.clone(),
        })
        .collect();
    Ok(card(&character, &all, &quotes, best))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TagOrigin;

    fn lexicon() -> Lexicon {
        Lexicon::parse(
            "[[character]]\nname = \"Anna\"\naliases = [\"Anna K.\", \"Annie\"]\n\
             [[character]]\nname = \"Ben\"\naliases = [\"Ben\"]\n",
        )
        .unwrap()
    }

    #[test]
    fn an_alias_finds_the_card_and_an_unknown_name_lists_the_names() {
        let lex = lexicon();
        assert_eq!(resolve(&lex, "annie").unwrap().name, "Anna");
        let e = resolve(&lex, "Anan").unwrap_err().to_string();
        assert!(
            e.contains("did you mean \"Anna\"") && e.contains("Anna, Ben"),
            "{e}"
        );
    }

    #[test]
    fn the_card_gathers_entries_parts_and_themes() {
        let lex = lexicon();
        let anna = lex.character("Anna").unwrap();
        let mk = |source: &str, seq: u32, kind: Kind, text: &str| Passage {
            characters: vec!["Anna".into()],
            ..Passage::sample(source, seq, kind, text)
        };
        let ps: Vec<Arc<Passage>> = vec![
            Arc::new(Passage {
                part: Some(1),
                themes: vec!["memory".into(), "loss".into()],
                ..mk("a", 0, Kind::Plot, "Anna arrives.")
            }),
            Arc::new(Passage {
                provenance: vec![TagOrigin {
                    field: TagField::Character,
                    value: "Anna".into(),
                    via: Via::SectionSubject,
                    evidence: "Anna K. - The Narrator".into(),
                }],
                themes: vec!["memory".into()],
                ..mk("a", 1, Kind::Character, "She remembers everything.")
            }),
            Arc::new(mk("a", 2, Kind::Character, "She is kind.")),
            Arc::new(mk(
                "b",
                0,
                Kind::Character,
                "Anna K.: the narrator of the novel.",
            )),
            Arc::new(Passage::sample("b", 1, Kind::Character, "Ben: her friend.")),
        ];
        let c = card(anna, &ps, &[], vec![]);
        assert_eq!(c.aliases, ["Anna K.", "Annie"]);
        let ids: Vec<&str> = c.description.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a:1", "b:0"]);
        assert_eq!(c.passages, 4);
        assert_eq!(c.parts, BTreeMap::from([("1".to_string(), 1)]));
        assert_eq!(
            c.themes[0],
            ThemeCount {
                theme: "memory".into(),
                count: 2
            }
        );
    }
}
