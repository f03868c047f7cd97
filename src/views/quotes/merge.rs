//! Folding the versions of a quotation into one, apart from finding them, since which versions
//! are one quotation can only be decided over the whole corpus.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::cues::SpeakerCues;
use super::find::{straight, Found};
use super::{Claim, Quote, QuoteSource, Role};
use crate::model::Passage;

/// Words two versions of a quotation must share in a row to be the same quotation, when
/// neither holds the whole of the other.
const SHARED_RUN: usize = 7;

pub(super) fn normal_words(text: &str) -> Vec<String> {
    crate::index::words(&straight(text).to_lowercase())
        .map(str::to_string)
        .collect()
}

/// Groups the versions of each quotation and makes one [`Quote`] of each group.
pub(super) fn merge(
    found: Vec<Found>,
    passages: &[Arc<Passage>],
    cues: &SpeakerCues,
) -> Vec<Quote> {
    let mut parent: Vec<usize> = (0..found.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    // Runs of words each version holds: a version shorter than SHARED_RUN is looked up whole
    // among runs of its own length, so a short excerpt joins the longer version holding it.
    let mut runs: HashMap<&[String], Vec<usize>> = HashMap::new();
    let lengths: BTreeSet<usize> = found
        .iter()
        .map(|f| f.words.len().min(SHARED_RUN))
        .collect();
    for (i, f) in found.iter().enumerate() {
        for &k in &lengths {
            if k > f.words.len() {
                continue;
            }
            for w in f.words.windows(k) {
                runs.entry(w).or_default().push(i);
            }
        }
    }
    for (i, f) in found.iter().enumerate() {
        let k = f.words.len().min(SHARED_RUN);
        if k == 0 {
            continue;
        }
        let keys: Vec<&[String]> = if f.words.len() < SHARED_RUN {
            vec![&f.words[..]]
        } else {
            f.words.windows(k).collect()
        };
        for key in keys {
            if let Some(others) = runs.get(key) {
                for &j in others {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    if a != b {
                        parent[b] = a;
                    }
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..found.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort_by_key(|&i| (found[i].passage, i));
    }
    let mut quotes: Vec<(usize, Quote)> = groups
        .into_iter()
        .map(|g| {
            let first = found[g[0]].passage;
            (first, one_quote(&g, &found, passages, cues))
        })
        .collect();
    quotes.sort_by_key(|(first, q)| (q.pages.first().copied().unwrap_or(u32::MAX), *first));
    quotes.into_iter().map(|(_, q)| q).collect()
}

fn one_quote(
    group: &[usize],
    found: &[Found],
    passages: &[Arc<Passage>],
    cues: &SpeakerCues,
) -> Quote {
    let members: Vec<&Found> = group.iter().map(|&i| &found[i]).collect();
    let fullest = members
        .iter()
        .max_by_key(|f| (f.words.len(), std::cmp::Reverse(f.passage)))
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let mut pages: BTreeSet<u32> = BTreeSet::new();
    let mut themes: BTreeSet<String> = BTreeSet::new();
    let mut parts: BTreeMap<u8, usize> = BTreeMap::new();
    let mut sources = vec![];
    let mut claims: Vec<Claim> = vec![];
    for f in &members {
        let p = &passages[f.passage];
        pages.extend(&f.pages);
        themes.extend(p.themes.iter().cloned());
        if let Some(part) = p.part {
            *parts.entry(part).or_default() += 1;
        }
        sources.push(QuoteSource {
            source: p.source.clone(),
            id: p.id.clone(),
            pages: f.pages.clone(),
            text: f.text.clone(),
        });
        for c in &f.claims {
            if !claims.contains(c) {
                claims.push(c.clone());
            }
        }
    }
    // Several mentions of one name in one version are one claim.
    claims.dedup_by(|a, b| a.character == b.character && a.role == b.role && a.id == b.id);
    let speakers: BTreeSet<&str> = claims
        .iter()
        .filter(|c| c.role == Role::Speaker)
        .map(|c| c.character.as_str())
        .collect();
    let addressed: BTreeSet<&str> = claims
        .iter()
        .filter(|c| c.role == Role::Addressee)
        .map(|c| c.character.as_str())
        .collect();
    let contradicted = speakers.iter().any(|s| addressed.contains(s));
    let (speaker, speaker_from, disagreement) = if speakers.len() == 1 && !contradicted {
        let name = speakers.iter().next().map(|s| s.to_string());
        let from = claims
            .iter()
            .filter(|c| c.role == Role::Speaker)
            .map(|c| c.from)
            .min();
        (name, from, None)
    } else if speakers.is_empty() {
        (None, None, None)
    } else {
        let said: Vec<String> = claims
            .iter()
            .map(|c| match c.role {
                Role::Speaker => format!("{} gives {} (\"{}\")", c.id, c.character, c.evidence),
                Role::Addressee => format!(
                    "in {} the speaker addresses {} (\"{}\")",
                    c.id, c.character, c.evidence
                ),
            })
            .collect();
        (None, None, Some(said.join("; ")))
    };
    let mut characters = cues.named_in(&fullest);
    for f in &members {
        characters.extend(cues.named_in(&f.text));
    }
    if let Some(s) = &speaker {
        characters.insert(s.clone());
    }
    let part = parts
        .iter()
        .max_by_key(|(part, n)| (**n, std::cmp::Reverse(**part)))
        .map(|(part, _)| *part);
    Quote {
        text: fullest,
        speaker,
        speaker_from,
        pages: pages.into_iter().collect(),
        sources,
        characters: characters.into_iter().collect(),
        themes: themes.into_iter().collect(),
        part,
        claims,
        disagreement,
    }
}
