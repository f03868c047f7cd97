//! `nlmg-search list <themes|characters|sections|sources|kinds|parts>`: tag values with counts.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::{Outcome, Paths};
use crate::error::{Error, Result};
use crate::index::{self, IndexMeta};
use crate::lexicon::Lexicon;
use crate::model::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListWhat {
    Themes,
    Characters,
    Sections,
    Sources,
    Kinds,
    Parts,
}

/// One `--json` line: `{"value":"memory","count":12}` (sources add `"title"`, parts the
/// lexicon names add their name as `"title"`: `{"value":"2","count":30,"title":"the Cottages"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ListEntry {
    pub value: String,
    /// Passages carrying the value.
    pub count: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
}

pub fn run(paths: &Paths, what: ListWhat, json: bool, out: &mut dyn Write) -> Result<Outcome> {
    super::index::ensure(paths, false)?;
    let entries = entries(paths, what)?;
    let io = |e: std::io::Error| Error::io("<stdout>", e);
    for e in &entries {
        if json {
            serde_json::to_writer(&mut *out, e).map_err(|e| io(e.into()))?;
            writeln!(out).map_err(io)?;
        } else {
            match &e.title {
                Some(t) => writeln!(out, "{:>5}  {}  ({t})", e.count, e.value),
                None => writeln!(out, "{:>5}  {}", e.count, e.value),
            }
            .map_err(io)?;
        }
    }
    Ok(if entries.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Found
    })
}

/// The values of one tag with their passage counts, from the index as it is (never built or
/// refreshed here: shell completion asks for these at every Tab). Values the lexicon knows
/// and no passage carries are listed with 0.
pub fn entries(paths: &Paths, what: ListWhat) -> Result<Vec<ListEntry>> {
    let meta = index::read_meta(&paths.index)?;
    let lexicon = Lexicon::load(&paths.corpus)?;
    Ok(entries_of(&meta, &lexicon, what))
}

impl ListWhat {
    /// Every list, by the name `list` and the API take (`themes`, `characters`, …).
    pub const ALL: [(&'static str, ListWhat); 6] = [
        ("themes", ListWhat::Themes),
        ("characters", ListWhat::Characters),
        ("sections", ListWhat::Sections),
        ("sources", ListWhat::Sources),
        ("kinds", ListWhat::Kinds),
        ("parts", ListWhat::Parts),
    ];

    /// The list named `name`, or a usage error naming the lists there are.
    pub fn parse(name: &str) -> Result<ListWhat> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, w)| *w)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
                Error::Usage(format!(
                    "unknown list {name:?}; lists are: {}",
                    names.join(", ")
                ))
            })
    }
}

/// The values of one tag with their passage counts; themes, characters and kinds the lexicon
/// knows are listed with 0 when no passage carries them.
pub fn entries_of(meta: &IndexMeta, lexicon: &Lexicon, what: ListWhat) -> Vec<ListEntry> {
    let with_zeros = |field: &str, known: Vec<String>| {
        let mut m: BTreeMap<String, u64> = meta.values(field);
        for k in known {
            m.entry(k).or_insert(0);
        }
        m.into_iter()
            .map(|(value, count)| ListEntry {
                value,
                count,
                title: None,
            })
            .collect::<Vec<_>>()
    };
    match what {
        ListWhat::Themes => with_zeros(
            "theme",
            lexicon.themes.iter().map(|t| t.name.clone()).collect(),
        ),
        ListWhat::Characters => with_zeros(
            "character",
            lexicon.characters.iter().map(|c| c.name.clone()).collect(),
        ),
        ListWhat::Kinds => with_zeros(
            "kind",
            Kind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
        ),
        // Each part with its name from the lexicon ("2  (the Cottages)"); a number only the
        // sources' own headings give is listed without one.
        ListWhat::Parts => {
            let mut entries = with_zeros(
                "part",
                lexicon.parts.iter().map(|p| p.number.to_string()).collect(),
            );
            for e in &mut entries {
                e.title = crate::lexicon::find_part(&lexicon.parts, &e.value)
                    .filter(|p| p.number.to_string() == e.value)
                    .map(|p| p.name.clone());
            }
            entries.sort_by_key(|e| (e.value.parse::<u32>().unwrap_or(u32::MAX), e.value.clone()));
            entries
        }
        ListWhat::Sections => {
            let counts = meta.values("section");
            meta.sections
                .iter()
                .map(|s| ListEntry {
                    value: s.clone(),
                    count: counts.get(s).copied().unwrap_or(0),
                    title: None,
                })
                .collect()
        }
        ListWhat::Sources => {
            let counts = meta.values("source");
            meta.sources
                .iter()
                .map(|s| ListEntry {
                    value: s.id.clone(),
                    count: counts.get(&s.id).copied().unwrap_or(0),
                    title: Some(s.title.clone()),
                })
                .collect()
        }
    }
}
