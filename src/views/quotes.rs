//! Quotations: each distinct quotation once, with who speaks it where a source says so, the
//! pages each source gives, and every passage it appears in.
//!
//! A passage that bundles several quotations gives one quotation each; the same words quoted
//! by several sources, or at different lengths, are one quotation. The speaker comes only from
//! cues ([`SpeakerCues`], data): an attribution beside the quotation, the sentence introducing
//! it, the sentence after it, or its own words. Sources that disagree leave the speaker unset
//! and say so in [`Quote::disagreement`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lexicon::Lexicon;
use crate::model::{Kind, Passage};
use crate::search::{Engine, Filters};
use crate::segment::{page_ref, sentences};
use crate::tag::parse_pages;

/// The English speaker cues every corpus gets.
const DEFAULT_CUES: &str = include_str!("../../data/speaker-cues.toml");

/// A corpus's own speaker cues, added to the defaults when present.
pub const CUES_FILE: &str = "quotes.toml";

/// Fewest words a quoted span needs to count as a quotation (shorter ones are terms in quotes:
/// "carer", "told and not told").
const MIN_WORDS: usize = 5;

/// Words two versions of a quotation must share in a row to be the same quotation, when
/// neither holds the whole of the other.
const SHARED_RUN: usize = 7;

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
    attributions: Vec<Regex>,
    follow_ups: Vec<Regex>,
    self_names: Vec<Regex>,
    addresses: Vec<Regex>,
    /// Any name or alias, as a capture, for `{name}` and for names in a quotation's words.
    names: Regex,
    /// Spelling → canonical name.
    canonical: HashMap<String, String>,
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
    fn find(&self, patterns: &[Regex], text: &str) -> Option<(String, String)> {
        patterns.iter().find_map(|re| {
            let caps = re.captures(text)?;
            let spelling = caps.name("name")?.as_str();
            let name = self.canonical.get(spelling)?.clone();
            Some((name, caps.get(0)?.as_str().trim().to_string()))
        })
    }

    /// Canonical names of every character named in `text`.
    fn named_in(&self, text: &str) -> BTreeSet<String> {
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
    fn introduction(&self, intro: &str) -> Option<(String, String)> {
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

/// A quotation found in one passage, before versions are merged.
#[derive(Debug, Clone)]
struct Found {
    passage: usize,
    text: String,
    pages: Vec<u32>,
    claims: Vec<Claim>,
    words: Vec<String>,
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

/// A quoted span of a passage: where its words stand (inside the marks) and where the whole
/// quotation with its marks ends.
struct Span {
    inner: std::ops::Range<usize>,
    outer: std::ops::Range<usize>,
}

fn quoted_spans(text: &str) -> Vec<Span> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r#""([^"]+)"|“([^”]+)”"#).expect("quote regex"));
    re.captures_iter(text)
        .filter_map(|c| {
            let inner = c.get(1).or_else(|| c.get(2))?;
            let outer = c.get(0)?;
            Some(Span {
                inner: inner.range(),
                outer: outer.range(),
            })
        })
        .filter(|s| crate::index::words(&text[s.inner.clone()]).count() >= MIN_WORDS)
        .collect()
}

/// The page reference at the start of `after` (after spaces and an opening bracket), with
/// the bytes it takes.
fn leading_pages(after: &str) -> Option<(Vec<u32>, usize)> {
    let trimmed = after.trim_start_matches([' ', '(', '[']);
    let skipped = after.len() - trimmed.len();
    if skipped > 3 {
        return None;
    }
    let caps = page_ref().captures(trimmed)?;
    let whole = caps.get(0)?;
    if whole.start() != 0 {
        return None;
    }
    let list = caps.get(1)?.as_str();
    let mut end = skipped + whole.end();
    if after[end..].starts_with([')', ']']) {
        end += 1;
    }
    Some((parse_pages(list), end))
}

/// Text with curly apostrophes and quotes read as straight ones, for matching cues.
fn straight(text: &str) -> String {
    text.replace(['’', '‘'], "'")
}

fn in_passage(
    index: usize,
    p: &Passage,
    prev: Option<&str>,
    next: Option<&str>,
    cues: &SpeakerCues,
) -> Vec<Found> {
    let text = p.text.as_str();
    let spans = quoted_spans(text);
    // (words, pages, text before it in the passage, text after it in the passage)
    let mut pieces: Vec<(std::ops::Range<usize>, Vec<u32>, usize, usize)> = vec![];
    for (n, s) in spans.iter().enumerate() {
        let limit = spans.get(n + 1).map_or(text.len(), |t| t.outer.start);
        let after = &text[s.outer.end..limit];
        let (pages, used) = leading_pages(after).unwrap_or_default();
        let is_quote = p.kind == Kind::Quotation
            || !pages.is_empty()
            || cues
                .find(&cues.attributions, &straight(&after[used..]))
                .is_some()
            || introduced(&text[..s.outer.start], prev, cues);
        if is_quote {
            pieces.push((s.inner.clone(), pages, s.outer.start, s.outer.end + used));
        }
    }
    if pieces.is_empty() && p.kind == Kind::Quotation && spans.is_empty() {
        // A quotation passage without quotation marks: the passage is the quotation.
        let mut end = text.len();
        let mut pages = vec![];
        if let Some(m) = page_ref().find_iter(text).last() {
            let tail = text[m.end()..].trim_matches([')', ']', '.', ' ']);
            if tail.is_empty() {
                end = text[..m.start()].trim_end_matches([' ', '(', '[']).len();
                pages = p.pages.clone();
            }
        }
        let words = crate::index::words(&text[..end]).count();
        if words >= MIN_WORDS {
            pieces.push((0..end, pages, 0, end));
        }
    }
    let single = pieces.len() == 1;
    let mut out = vec![];
    for (n, (range, mut pages, before_at, after_at)) in pieces.iter().cloned().enumerate() {
        if pages.is_empty() && single {
            pages = p.pages.clone();
        }
        let quote = text[range.clone()].trim().to_string();
        let limit = pieces.get(n + 1).map_or(text.len(), |q| q.2);
        let after = straight(&text[after_at.min(limit)..limit]);
        let before = &text[..before_at];
        let mut claims = vec![];
        let mut claim = |character: String, role: Role, from: SpeakerFrom, evidence: String| {
            claims.push(Claim {
                character,
                role,
                from,
                source: p.source.clone(),
                id: p.id.clone(),
                evidence: shorten(&evidence),
            })
        };
        if let Some((who, ev)) = cues.find(&cues.attributions, &after) {
            claim(who, Role::Speaker, SpeakerFrom::Attribution, ev);
        }
        // Introduced in its own passage, or by the passage before when it opens this one.
        let opens = before.trim().chars().all(|c| !c.is_alphabetic());
        let intro = if opens {
            prev.map(straight)
        } else {
            Some(straight(before))
        };
        if let Some((who, ev)) = intro.as_deref().and_then(|t| cues.introduction(t)) {
            claim(who, Role::Speaker, SpeakerFrom::Introduction, ev);
        }
        // The sentence after: in this passage when more prose follows, else the next passage.
        let rest = after.trim();
        let follow =
            if n + 1 == pieces.len() && rest.chars().filter(|c| c.is_alphabetic()).count() < 12 {
                next.map(straight)
            } else {
                Some(rest.to_string())
            };
        if let Some(f) = follow {
            let first = sentences(&f)
                .first()
                .map(|r| f[r.clone()].to_string())
                .unwrap_or_default();
            if let Some((who, ev)) = cues.find(&cues.follow_ups, &first) {
                claim(who, Role::Speaker, SpeakerFrom::FollowUp, ev);
            }
        }
        let own = straight(&quote);
        if let Some((who, ev)) = cues.find(&cues.self_names, &own) {
            claim(who, Role::Speaker, SpeakerFrom::OwnWords, ev);
        }
        for re in &cues.addresses {
            for caps in re.captures_iter(&own) {
                let (Some(name), Some(all)) = (caps.name("name"), caps.get(0)) else {
                    continue;
                };
                if let Some(who) = cues.canonical.get(name.as_str()) {
                    claim(
                        who.clone(),
                        Role::Addressee,
                        SpeakerFrom::OwnWords,
                        all.as_str().to_string(),
                    );
                }
            }
        }
        let words = normal_words(&quote);
        out.push(Found {
            passage: index,
            text: quote,
            pages,
            claims,
            words,
        });
    }
    out
}

/// Whether a sentence naming a speaker introduces the quoted words that follow `before`:
/// in the same passage, or at the end of the passage before when they open this one. Speech
/// quoted in narration is a quotation when a source says who speaks it.
fn introduced(before: &str, prev: Option<&str>, cues: &SpeakerCues) -> bool {
    let intro = if before.trim().chars().all(|c| !c.is_alphabetic()) {
        prev.map(straight)
    } else {
        Some(straight(before))
    };
    intro.is_some_and(|t| cues.introduction(&t).is_some())
}

/// Evidence as shown: at most about 120 characters, cut at a word.
fn shorten(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 120 {
        return s.to_string();
    }
    let cut: String = s.chars().take(117).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

fn normal_words(text: &str) -> Vec<String> {
    crate::index::words(&straight(text).to_lowercase())
        .map(str::to_string)
        .collect()
}

/// Groups the versions of each quotation and makes one [`Quote`] of each group.
fn merge(found: Vec<Found>, passages: &[Arc<Passage>], cues: &SpeakerCues) -> Vec<Quote> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Passages, the speaker expected and how it is found.
    type Case<'a> = (&'a [(Kind, &'a str)], Option<&'a str>, Option<SpeakerFrom>);

    fn lexicon() -> Lexicon {
        Lexicon::parse(
            r#"
[[character]]
name = "Anna"
aliases = ["Anna K.", "Anna", "Annie"]

[[character]]
name = "Mr Brook"
aliases = ["Mr Brook", "Brook"]
"#,
        )
        .unwrap()
    }

    fn passage(seq: u32, kind: Kind, text: &str) -> Arc<Passage> {
        let mut p = Passage::sample("s", seq, kind, text);
        p.prev = seq.checked_sub(1).map(|s| format!("s:{s}"));
        p.next = Some(format!("s:{}", seq + 1));
        Arc::new(p)
    }

    fn run(texts: &[(Kind, &str)]) -> Vec<Quote> {
        let lex = lexicon();
        let cues = SpeakerCues::parse(None, &lex).unwrap();
        let ps: Vec<Arc<Passage>> = texts
            .iter()
            .enumerate()
            .map(|(i, (k, t))| passage(i as u32, *k, t))
            .collect();
        quotes(&ps, &cues)
    }

    #[test]
    fn speakers_come_from_cues_only() {
        use Kind::*;
        // (passages, expected speaker, expected source of it)
        let cases: &[Case] = &[
            (
                &[
                    (
                        Plot,
                        "Anna K., a quiet girl, keeps to herself, telling the others:",
                    ),
                    (Quotation, "\"Nobody here will ever see the sea again.\""),
                ],
                Some("Anna"),
                Some(SpeakerFrom::Introduction),
            ),
            (
                &[
                    (
                        Plot,
                        "Mr Brook loses his temper. He shouts at them all, admitting:",
                    ),
                    (Quotation, "\"I never wanted any of you to know this.\""),
                ],
                Some("Mr Brook"),
                Some(SpeakerFrom::Introduction),
            ),
            (
                &[(
                    Quotation,
                    "\"We were never meant to stay here for long.\" (p. 12) — Annie, Chapter 3",
                )],
                Some("Anna"),
                Some(SpeakerFrom::Attribution),
            ),
            (
                &[
                    (Quotation, "\"We were never meant to stay here for long.\""),
                    (
                        Analysis,
                        "This confession from Brook changes how we read the ending.",
                    ),
                ],
                Some("Mr Brook"),
                Some(SpeakerFrom::FollowUp),
            ),
            (
                &[
                    (Analysis, "The ending is quiet. It closes on a field:"),
                    (Quotation, "\"We were never meant to stay here for long.\""),
                    (Analysis, "The image returns in the last chapter."),
                ],
                None,
                None,
            ),
            (
                &[
                    // A name in the sentence, but not its subject: no speaker.
                    (
                        Plot,
                        "During a visit to Anna, the friends finally talk, and one says:",
                    ),
                    (Quotation, "\"We were never meant to stay here for long.\""),
                ],
                None,
                None,
            ),
        ];
        for (texts, speaker, from) in cases {
            let q = run(texts);
            assert_eq!(q.len(), 1, "{texts:?}");
            assert_eq!(
                q[0].speaker.as_deref(),
                *speaker,
                "{texts:?}: {:?}",
                q[0].claims
            );
            assert_eq!(q[0].speaker_from, *from, "{texts:?}");
        }
    }

    #[test]
    fn a_bundle_splits_and_versions_merge_with_their_pages() {
        use Kind::*;
        let q = run(&[
            (
                Quotation,
                "\"We were never meant to stay here for long, not any of us.\" (p. 12) and \
                 \"The sea was grey that morning and nobody spoke.\" (pp. 40-41)",
            ),
            (Quotation, "\"We were never meant to stay here for long.\""),
            (
                Plot,
                "They call it \"the place we came from\" and never go back.",
            ),
        ]);
        assert_eq!(q.len(), 2, "{q:#?}");
        assert_eq!(q[0].pages, [12]);
        assert_eq!(q[0].sources.len(), 2);
        assert_eq!(
            q[0].text,
            "We were never meant to stay here for long, not any of us."
        );
        assert_eq!(q[0].sources[1].pages, Vec::<u32>::new());
        assert_eq!(q[1].pages, [40, 41]);
        assert_eq!(q[1].sources.len(), 1);
    }

    #[test]
    fn disagreeing_sources_leave_the_speaker_unset_and_say_why() {
        use Kind::*;
        let q = run(&[
            (
                Quotation,
                "\"It is a pity, Annie, because we have tried so hard all along.\"",
            ),
            (
                Quotation,
                "\"It is a pity, Annie, because we have tried so hard all along.\"",
            ),
            (
                Analysis,
                "This metaphor, which Anna uses here, shows her despair.",
            ),
        ]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker, None);
        let d = q[0].disagreement.as_deref().unwrap();
        assert!(
            d.contains("gives Anna") && d.contains("addresses Anna"),
            "{d}"
        );
    }
}
