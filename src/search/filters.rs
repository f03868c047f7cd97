//! Filters: the values a user typed for `--theme`, `--character`, `--section`, `--source`,
//! `--kind`, `--part` and `--page`, resolved against the index's own values (with the closest
//! valid values when one is unknown) into one query every hit must match.

use std::collections::BTreeSet;

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::Term;

use super::Engine;
use crate::error::{Error, Result};
use crate::excerpt::Highlight;
use crate::index::{self, analyse};
use crate::lexicon::{find_part, part_number, unknown_part, Part};
use crate::model::Kind;
use crate::suggest;

/// Widest page range accepted by `--page A-B`.
const MAX_PAGE_SPAN: u32 = 2000;

/// Filters as the user typed them. Values within one field are alternatives; fields must all hold.
/// Field names are the command-line flags without `--`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Filters {
    pub theme: Vec<String>,
    pub character: Vec<String>,
    pub section: Vec<String>,
    pub source: Vec<String>,
    pub kind: Vec<String>,
    pub part: Vec<String>,
    pub page: Vec<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.theme.is_empty()
            && self.character.is_empty()
            && self.section.is_empty()
            && self.source.is_empty()
            && self.kind.is_empty()
            && self.part.is_empty()
            && self.page.is_empty()
    }
}

impl Engine {
    /// One Must group per filter flag, each a Should over its values; `None` without filters.
    pub(super) fn filter_query(&self, f: &Filters) -> Result<Option<Box<dyn Query>>> {
        let mut groups: Vec<Vec<Facet>> = vec![];
        let mut push = |values: Vec<Facet>| {
            if !values.is_empty() {
                groups.push(values);
            }
        };
        push(self.resolve_themes(&f.theme)?);
        push(self.resolve_characters(&f.character)?);
        push(self.resolve_sections(&f.section)?);
        push(self.resolve_sources(&f.source)?);
        push(resolve_kinds(&f.kind)?);
        push(resolve_parts(&self.lexicon.parts, &f.part)?);
        push(resolve_pages(&f.page)?);
        if groups.is_empty() {
            return Ok(None);
        }
        let musts = groups
            .into_iter()
            .map(|facets| {
                let shoulds: Vec<(Occur, Box<dyn Query>)> = facets
                    .iter()
                    .map(|facet| {
                        let term = Term::from_facet(self.fields.tags, facet);
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic))
                                as Box<dyn Query>,
                        )
                    })
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(shoulds)) as Box<dyn Query>,
                )
            })
            .collect();
        Ok(Some(Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(musts)),
            1.0,
        ))))
    }

    fn resolve_themes(&self, wanted: &[String]) -> Result<Vec<Facet>> {
        if wanted.is_empty() {
            return Ok(vec![]);
        }
        let mut names: BTreeSet<String> = self.head.values("theme").into_keys().collect();
        names.extend(self.lexicon.themes.iter().map(|t| t.name.clone()));
        wanted
            .iter()
            .map(|w| {
                let found = self.lexicon.theme(w).map(|t| t.name.clone()).or_else(|| {
                    names
                        .iter()
                        .find(|n| n.eq_ignore_ascii_case(w.trim()))
                        .cloned()
                });
                match found {
                    Some(name) => Ok(index::tag_facet("theme", &name)),
                    None => Err(unknown(
                        "theme",
                        "themes",
                        w,
                        names.iter().map(String::as_str),
                    )),
                }
            })
            .collect()
    }

    fn resolve_characters(&self, wanted: &[String]) -> Result<Vec<Facet>> {
        if wanted.is_empty() {
            return Ok(vec![]);
        }
        let mut names: BTreeSet<String> = self.head.values("character").into_keys().collect();
        names.extend(self.lexicon.characters.iter().map(|c| c.name.clone()));
        wanted
            .iter()
            .map(|w| {
                let found = self
                    .lexicon
                    .character(w)
                    .map(|c| c.name.clone())
                    .or_else(|| {
                        names
                            .iter()
                            .find(|n| n.eq_ignore_ascii_case(w.trim()))
                            .cloned()
                    });
                match found {
                    Some(name) => Ok(index::tag_facet("character", &name)),
                    None => {
                        let spellings =
                            self.lexicon.characters.iter().flat_map(|c| {
                                c.aliases.iter().map(|a| (a.as_str(), c.name.as_str()))
                            });
                        Err(unknown_with(
                            "character",
                            "characters",
                            w,
                            names.iter().map(String::as_str),
                            names
                                .iter()
                                .map(|n| (n.as_str(), n.as_str()))
                                .chain(spellings),
                        ))
                    }
                }
            })
            .collect()
    }

    /// `--section WORDS`: every heading that contains all the words (compared as stems).
    fn resolve_sections(&self, wanted: &[String]) -> Result<Vec<Facet>> {
        if wanted.is_empty() {
            return Ok(vec![]);
        }
        let headings: Vec<String> = self.meta().values("heading").into_keys().collect();
        let mut analyzer = self.analyzer.clone();
        let mut out = vec![];
        for w in wanted {
            let words = analyse(&mut analyzer, w);
            if words.is_empty() {
                return Err(Error::Usage(format!(
                    "--section {w:?} has no words to look for"
                )));
            }
            let matching: Vec<&String> = headings
                .iter()
                .filter(|h| {
                    let hw: BTreeSet<String> = analyse(&mut analyzer, h).into_iter().collect();
                    words.iter().all(|x| hw.contains(x))
                })
                .collect();
            if matching.is_empty() {
                return Err(unknown(
                    "section",
                    "headings",
                    w,
                    headings.iter().map(String::as_str),
                ));
            }
            out.extend(matching.into_iter().map(|h| index::tag_facet("heading", h)));
        }
        Ok(out)
    }

    fn resolve_sources(&self, wanted: &[String]) -> Result<Vec<Facet>> {
        if wanted.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<&str> = self.head.sources.iter().map(|s| s.id.as_str()).collect();
        wanted
            .iter()
            .map(
                |w| match ids.iter().find(|id| id.eq_ignore_ascii_case(w.trim())) {
                    Some(id) => Ok(index::tag_facet("source", id)),
                    None => Err(unknown("source", "sources", w, ids.iter().copied())),
                },
            )
            .collect()
    }
}

pub(super) fn resolve_kinds(wanted: &[String]) -> Result<Vec<Facet>> {
    wanted
        .iter()
        .map(|w| match Kind::parse(w) {
            Some(k) => Ok(index::tag_facet("kind", k.as_str())),
            None => Err(unknown(
                "kind",
                "kinds",
                w,
                Kind::ALL.iter().map(|k| k.as_str()),
            )),
        })
        .collect()
}

/// `--part` values: a part's number or name as the lexicon's `[[part]]`s give them; the error
/// for another names them. A corpus whose lexicon names no parts still takes a number (its
/// sources' own "Part Two" headings tag passages).
pub(super) fn resolve_parts(parts: &[Part], wanted: &[String]) -> Result<Vec<Facet>> {
    wanted
        .iter()
        .map(|w| {
            let n = match find_part(parts, w) {
                Some(p) => p.number,
                None => match part_number(w) {
                    Some(n) if parts.is_empty() => n,
                    _ => return Err(Error::Usage(unknown_part(parts, w))),
                },
            };
            Ok(index::tag_facet("part", &n.to_string()))
        })
        .collect()
}

pub(super) fn resolve_pages(wanted: &[String]) -> Result<Vec<Facet>> {
    Ok(page_numbers(wanted)?
        .into_iter()
        .map(|p| index::tag_facet("page", &p.to_string()))
        .collect())
}

/// What a listing by `--page` highlights: the page numbers, so its excerpt is the sentence
/// that cites the page rather than the opening of the passage.
pub(super) fn page_highlight(wanted: &[String]) -> Highlight {
    Highlight {
        words: page_numbers(wanted)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.to_string())
            .collect(),
        ..Highlight::default()
    }
}

fn page_numbers(wanted: &[String]) -> Result<Vec<u32>> {
    let mut out = vec![];
    for w in wanted {
        let bad = || {
            Error::Usage(format!(
                "--page {w:?} is not a page number or a range such as 50-60"
            ))
        };
        let s = w.trim();
        let (a, b) = match s.split_once(['-', '–']) {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (s, s),
        };
        let a: u32 = a.parse().map_err(|_| bad())?;
        let b: u32 = b.parse().map_err(|_| bad())?;
        if a > b || b - a > MAX_PAGE_SPAN {
            return Err(bad());
        }
        out.extend(a..=b);
    }
    Ok(out)
}

/// The error for an unknown filter value, with the closest valid values ([`suggest`]).
fn unknown<'a>(
    what: &str,
    plural: &str,
    wanted: &str,
    valid: impl Iterator<Item = &'a str> + Clone,
) -> Error {
    unknown_with(what, plural, wanted, valid.clone(), valid.map(|v| (v, v)))
}

/// [`unknown`], comparing other spellings too: `(spelling, value)`.
fn unknown_with<'a>(
    what: &str,
    plural: &str,
    wanted: &str,
    valid: impl Iterator<Item = &'a str>,
    spellings: impl Iterator<Item = (&'a str, &'a str)>,
) -> Error {
    let valid: Vec<&str> = valid.collect();
    let list = if what == "section" {
        "sections"
    } else {
        plural
    };
    let filter = suggest::Filter { what, plural, list };
    suggest::unknown(
        filter,
        wanted,
        &valid,
        &suggest::closest_few(wanted, spellings),
    )
}
