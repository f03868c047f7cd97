//! Understanding a plain question, before any query is built: its words and their stems, the
//! stop words and question words dropped, the intent its opening or a cue word names, the
//! glossary's everyday phrases in it, misspellings corrected, and the characters it names.
//! The result is one plain value ([`Understanding`]) that retrieval turns into a query.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::Searcher;

use super::glossary::{IntentRule, KindWeights};
use super::retrieve::{doc_freq, terms_beginning};
use super::{english, guard, Engine, Expansion, Ranking};
use crate::index::analyse;
use crate::lexicon::STOP_WORDS;

/// How a query was read, for the user: notes, expansions and a correction; and the kind
/// weights its intent asks the ranking for.
#[derive(Default)]
pub(super) struct Reading {
    pub(super) notes: Vec<String>,
    pub(super) expansions: Vec<Expansion>,
    pub(super) suggestion: Option<String>,
    /// Kind weights from the question's intent, when it has one.
    pub(super) intent: Option<KindWeights>,
    /// Query words no passage holds in any form the search looks for.
    pub(super) unmatched: Vec<String>,
}

/// Adds `to` to the words `from` was widened to, once.
pub(super) fn push_expansion(list: &mut Vec<Expansion>, from: &str, to: &str) {
    match list.iter_mut().find(|e| e.from == from) {
        Some(e) => {
            if !e.to.iter().any(|t| t == to) {
                e.to.push(to.to_string());
            }
        }
        None => list.push(Expansion {
            from: from.to_string(),
            to: vec![to.to_string()],
        }),
    }
}

/// An everyday phrase of the glossary found in a query.
pub(super) struct Glossed {
    /// Positions of its words in the query.
    pub(super) span: Range<usize>,
    /// The words as typed.
    pub(super) phrase: String,
    /// The novel's terms for it (usually one), and their stems.
    pub(super) terms: Vec<String>,
    pub(super) term_stems: Vec<String>,
}

/// A character the query names: the lexicon's name, and the stems of every spelling of it
/// (the name, then its aliases), in that order.
pub(super) struct Named {
    pub(super) name: String,
    pub(super) spellings: Vec<String>,
}

/// What a plain query comes to.
pub(super) enum Understood<'g> {
    /// No word at all.
    Empty,
    /// Nothing that can be searched for (a note says why).
    Nothing,
    /// Only common words: their stems, to be looked for as one phrase, never word by word.
    CommonPhrase(Vec<String>),
    /// Words that carry meaning.
    /// Boxed: it is far larger than the other variants.
    Words(Box<Understanding<'g>>),
}

/// A plain question, read.
pub(super) struct Understanding<'g> {
    /// Every word: (surface word lower-cased, stem), in query order.
    pub(super) words: Vec<(String, String)>,
    /// Positions in `words` of the words that carry meaning: not stop words, not the words
    /// that ask.
    pub(super) content_at: Vec<usize>,
    /// Those words.
    pub(super) content: Vec<(String, String)>,
    /// The intent the question's opening or a cue word names.
    pub(super) rule: Option<&'g IntentRule>,
    /// The words that ask, as typed: the opening ("what happened to") or the cue ("mean");
    /// empty without an intent.
    pub(super) asked: String,
    /// The glossary's everyday phrases in the query, in query order.
    pub(super) glossed: Vec<Glossed>,
    /// The distinct stems to search for: each content word's stem and its correction's.
    pub(super) stems: Vec<String>,
    /// Each content word as the user meant it: corrected when misspelt.
    pub(super) corrected: Vec<String>,
    /// The stem each content word is read as: its correction's when it has one.
    pub(super) read_as: Vec<String>,
    /// Characters named, each once, in query order.
    pub(super) named: Vec<Named>,
    /// Whether the question asks about a place or a thing: it names no character (as typed or
    /// corrected, whatever the ranking weighs), or names one only as an owner ("Tommy's
    /// drawings").
    pub(super) about_thing: bool,
    /// For each content word whose stem another word shares without being a form of it
    /// ("experiment" and "experience"), the forms of its own word the index marks
    /// ([`crate::forms`]): only passages holding one of them have the word. Empty for the
    /// others.
    pub(super) own_forms: Vec<Vec<String>>,
}

impl Understanding<'_> {
    /// Whether the word at `pos` in `words` is part of a glossary phrase of several words.
    pub(super) fn in_idiom(&self, pos: usize) -> bool {
        self.glossed
            .iter()
            .any(|g| g.span.len() > 1 && g.span.contains(&pos))
    }

    /// The stems whose words are highlighted only in the forms of the word asked for: those
    /// every content word read as them has own forms for ("experiment", never "experience"
    /// when both are asked), with the union of those forms.
    pub(super) fn shown_forms(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut open: BTreeSet<&str> = BTreeSet::new();
        for (stem, own) in self.read_as.iter().zip(&self.own_forms) {
            if own.is_empty() {
                open.insert(stem);
            } else {
                out.entry(stem.clone())
                    .or_default()
                    .extend(own.iter().cloned());
            }
        }
        out.retain(|stem, _| !open.contains(stem.as_str()));
        out
    }

    /// Each distinct stem the query is read as, outside a glossary phrase: a phrase is one
    /// idea, never its words one by one.
    pub(super) fn words_read(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![];
        for (i, s) in self.read_as.iter().enumerate() {
            if !self.in_idiom(self.content_at[i]) && !out.contains(&s.as_str()) {
                out.push(s);
            }
        }
        out
    }

    /// One word that means something, typed alone: it asks what that is.
    pub(super) fn lone(&self) -> bool {
        self.read_as.len() == 1
    }
}

impl Engine {
    /// Reads a plain query (no operators). Notes, the correction and the intent's weights go
    /// to `read`.
    pub(super) fn understand(
        &self,
        searcher: &Searcher,
        q: &str,
        ranking: Ranking,
        read: &mut Reading,
    ) -> Understood<'_> {
        if q.is_empty() {
            return Understood::Empty;
        }
        let (q, cut) = guard::plain_opening(q);
        read.notes.extend(cut);
        let mut analyzer = self.analyzer.clone();
        let words = words_of(q, &mut analyzer);
        if words.is_empty() {
            return Understood::Empty;
        }
        let content_at = content_positions(&words, ranking);
        if content_at.is_empty() {
            if words.len() < 2 {
                read.notes.push(guard::too_common(q));
                return Understood::Nothing;
            }
            read.notes
                .push(format!("{q:?} has only common words; matched as a phrase"));
            return Understood::CommonPhrase(words.iter().map(|(_, s)| s.clone()).collect());
        }
        let (rule, opened_len) = if ranking.questions {
            self.intent(&words)
        } else {
            (None, 0)
        };
        read.intent = rule.map(|r| r.weights);
        // The words that ask, as typed: the opening ("what happened to") or the cue ("mean").
        // What they did to the query is shown under them.
        let asked: String = match rule {
            Some(_) if opened_len > 0 => words[..opened_len]
                .iter()
                .map(|(w, _)| w.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            Some(r) => words
                .iter()
                .find(|(_, st)| r.cues.contains(st))
                .map_or_else(String::new, |(w, _)| w.clone()),
            None => String::new(),
        };
        // A cue asks; it is not what is asked about ("what does it mean to complete").
        let content_at = match rule {
            Some(r) => {
                let kept: Vec<usize> = content_at
                    .iter()
                    .copied()
                    .filter(|&i| i >= opened_len && !r.cues.contains(&words[i].1))
                    .collect();
                if kept.is_empty() {
                    content_at
                } else {
                    kept
                }
            }
            None => content_at,
        };
        let content: Vec<(String, String)> = content_at.iter().map(|&i| words[i].clone()).collect();
        // Everyday phrases of the glossary found in the query ("end up together" → couple).
        // A phrase of several words is one idea: matched as a phrase or by the novel's term,
        // never word by word ("grow up together" does not answer "end up together").
        let glossed = if ranking.expansion {
            self.glossed(&words)
        } else {
            vec![]
        };
        let (stems, corrected, read_as) =
            self.corrections(searcher, &content, ranking, &mut analyzer, read);
        // Words no passage holds in any form the search reads them as: said, and a query of
        // nothing else finds nothing rather than passages sharing a few letters.
        read.unmatched =
            self.unmatched(searcher, &content, &content_at, &read_as, &glossed, ranking);
        if !read.unmatched.is_empty() && content.iter().all(|(w, _)| read.unmatched.contains(w)) {
            return Understood::Nothing;
        }
        let named = if ranking.characters {
            self.named(&content, &corrected, &mut analyzer)
        } else {
            vec![]
        };
        // A question naming no character, or one only as an owner, asks about a place or a
        // thing.
        let names: Vec<usize> = content
            .iter()
            .zip(&corrected)
            .zip(&content_at)
            .filter(|(((w, _), c), _)| {
                self.lexicon.character(w).is_some() || self.lexicon.character(c).is_some()
            })
            .map(|(_, &at)| at)
            .collect();
        let about_thing = about_thing(&words, &content_at, &names);
        // A word whose stem another word shares ("experiment", "experience") is found in the
        // passages that use its own forms.
        let own_forms = corrected
            .iter()
            .zip(&read_as)
            .map(|(w, st)| {
                if ranking.coverage {
                    self.own_forms(searcher, w, st, &mut analyzer)
                } else {
                    vec![]
                }
            })
            .collect();
        // A question asking for a kind of answer ("how long" → a number) is told so: the
        // reader sees why passages giving one lead.
        if let Some(t) = rule.and_then(|r| r.answer_type.as_deref()) {
            if !asked.is_empty() {
                read.notes.push(format!(
                    "{asked:?} asks for a {t}: passages that give one rank higher"
                ));
            }
        }
        Understood::Words(Box::new(Understanding {
            words,
            content_at,
            content,
            rule,
            asked,
            glossed,
            stems,
            corrected,
            read_as,
            named,
            about_thing,
            own_forms,
        }))
    }

    /// The content words (as typed, each once) that no passage holds: not as typed, not in a
    /// heading, not as corrected, nor widened by the glossary, a spelling, a family or a stem
    /// family.
    fn unmatched(
        &self,
        searcher: &Searcher,
        content: &[(String, String)],
        content_at: &[usize],
        read_as: &[String],
        glossed: &[Glossed],
        ranking: Ranking,
    ) -> Vec<String> {
        let found = |st: &str| {
            doc_freq(searcher, self.fields.text, st) > 0
                || doc_freq(searcher, self.fields.section, st) > 0
        };
        let mut unmatched: Vec<String> = vec![];
        for (i, (w, s)) in content.iter().enumerate() {
            if found(s) || read_as[i] != *s || unmatched.contains(w) {
                continue;
            }
            let widened = ranking.expansion
                && (glossed.iter().any(|g| g.span.contains(&content_at[i]))
                    || self
                        .glossary
                        .spellings
                        .get(s)
                        .into_iter()
                        .flatten()
                        .chain(self.glossary.families.get(s).into_iter().flatten())
                        .any(|(_, st)| found(st))
                    || !self.stem_family(searcher, s).is_empty());
            if !widened {
                unmatched.push(w.clone());
            }
        }
        unmatched
    }

    /// The forms of `word` (lower case, of stem `stem`) among the words the index marks as
    /// sharing their stem with another word's forms (the `forms` field), when `word` is a form
    /// of exactly one of the words of that stem; empty otherwise. Words of one stem begin with
    /// all of it but its last two letters at most (the stemmer writes "i" for a final "y",
    /// "ble" for "bility"), so only the marked words beginning so are read.
    fn own_forms(
        &self,
        searcher: &Searcher,
        word: &str,
        stem: &str,
        analyzer: &mut TextAnalyzer,
    ) -> Vec<String> {
        let Some((cut, _)) = stem.char_indices().rev().nth(1) else {
            return vec![];
        };
        let prefix = &stem[..cut];
        if prefix.chars().count() < MIN_SHARED_PREFIX {
            return vec![];
        }
        let sharing: Vec<String> = terms_beginning(searcher, self.fields.forms, prefix)
            .into_iter()
            .filter(|k| analyse(analyzer, k) == [stem])
            .collect();
        let sharing: Vec<&str> = sharing.iter().map(String::as_str).collect();
        crate::forms::own_forms(word, &sharing)
            .map(|own| own.into_iter().map(String::from).collect())
            .unwrap_or_default()
    }

    /// The intent a question's opening ("what happened to") or, failing that, a cue word
    /// ("mean") names, with the number of words the opening takes.
    fn intent(&self, words: &[(String, String)]) -> (Option<&IntentRule>, usize) {
        let opening = self.glossary.openings.iter().find(|(open, _)| {
            words.len() > open.len() && words.iter().zip(open).all(|((_, s), o)| s == o)
        });
        let opened_len = opening.map_or(0, |(open, _)| open.len());
        let opened = opening.map(|(_, i)| *i);
        let cued = || {
            self.glossary
                .intents
                .iter()
                .position(|r| words.len() > 1 && words.iter().any(|(_, s)| r.cues.contains(s)))
        };
        let rule = opened.or_else(cued).map(|i| &self.glossary.intents[i]);
        (rule, opened_len)
    }

    /// Misspelt words: a word the corpus never uses is read as its nearest corpus word. The
    /// stem as typed stays among the stems searched, so passages that match it exactly keep
    /// their score; the correction adds its own. Returns the stems to search, each content
    /// word as meant, and the stem each is read as; a correction becomes `read.suggestion`.
    fn corrections(
        &self,
        searcher: &Searcher,
        content: &[(String, String)],
        ranking: Ranking,
        analyzer: &mut TextAnalyzer,
        read: &mut Reading,
    ) -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut stems: Vec<String> = vec![];
        let mut corrected: Vec<String> = vec![];
        let mut read_as: Vec<String> = vec![];
        let mut any_correction = false;
        for (w, s) in content {
            let mut shown = w.clone();
            let mut used = s.clone();
            if ranking.fuzzy && self.word_count(w) == 0 {
                // A word the summaries use in another form ("break" beside "breaks", "cared"
                // beside "care") is no typo, unless it is no English word and the nearest word
                // is a longer form of its stem ("deferal" is stemmed as "defer" but meant as
                // "deferral"). Nor is an English word the summaries never use ("scared" is not
                // "shared"), unless the nearest word is one of the book's own terms ("career"
                // for carer).
                // A slip in a name is read as the name first; failing any correction, a word
                // the summaries use only negated is read as the negated word. A name or a
                // prefixed form is taken as it is; a correction passes the tests below. A name
                // as typed ("kath") is no slip.
                let (fix, trusted) = match self.name_correction(w) {
                    Some(name) => (Some(name), true),
                    None if self.lexicon.character(w).is_some() => (None, false),
                    None => match self.correction(w) {
                        Some(c) => (Some(c), false),
                        None => (self.affixed(w), true),
                    },
                };
                if let Some(fix) = fix {
                    let fix_stem = analyse(analyzer, &fix);
                    if let [fs] = fix_stem.as_slice() {
                        let known = doc_freq(searcher, self.fields.text, s) > 0;
                        let english = english::is_english(w);
                        let own = self.glossary.is_own_term(fs);
                        let extends = fs.starts_with(s.as_str()) && !english;
                        if fs != s && (trusted || ((!known || extends) && (!english || own))) {
                            if !stems.contains(fs) {
                                stems.push(fs.clone());
                            }
                            shown = fix.clone();
                            used = fs.clone();
                            any_correction = true;
                        }
                    }
                }
            }
            corrected.push(shown);
            read_as.push(used);
            if !stems.contains(s) {
                stems.push(s.clone());
            }
        }
        if any_correction {
            read.suggestion = Some(corrected.join(" "));
        }
        (stems, corrected, read_as)
    }

    /// Characters named in the query, by any spelling as typed or as corrected.
    fn named(
        &self,
        content: &[(String, String)],
        corrected: &[String],
        analyzer: &mut TextAnalyzer,
    ) -> Vec<Named> {
        let mut named: Vec<Named> = vec![];
        for (i, (w, _)) in content.iter().enumerate() {
            let c = self
                .lexicon
                .character(w)
                .or_else(|| self.lexicon.character(&corrected[i]));
            let Some(c) = c else { continue };
            if named.iter().any(|n| n.name == c.name) {
                continue;
            }
            let spellings = std::iter::once(&c.name)
                .chain(&c.aliases)
                .flat_map(|sp| analyse(analyzer, sp))
                .collect();
            named.push(Named {
                name: c.name.clone(),
                spellings,
            });
        }
        named
    }

    /// The glossary's everyday phrases in the query, longest first, not overlapping; compared as
    /// stems in one spelling, so "teachers" and "modelled from" match too.
    fn glossed(&self, words: &[(String, String)]) -> Vec<Glossed> {
        let stems: Vec<&str> = words
            .iter()
            .map(|(_, s)| self.glossary.canonical(s))
            .collect();
        let mut found: Vec<Glossed> = vec![];
        for (_, phrase, term, term_stems) in &self.glossary.everyday {
            // Most phrases share no word with the query: skip them before scanning positions.
            if !phrase.first().is_some_and(|p| stems.contains(&p.as_str())) {
                continue;
            }
            let n = phrase.len();
            let mut i = 0;
            while i + n <= stems.len() {
                let hit = stems[i..i + n].iter().zip(phrase).all(|(a, b)| a == b);
                // The same everyday phrase may stand for several of the novel's terms
                // ("apologise" → regret, remorse): one idea, every term a way to say it.
                if let Some(g) = found.iter_mut().find(|g| hit && g.span == (i..i + n)) {
                    if !g.terms.contains(term) {
                        g.terms.push(term.clone());
                    }
                    for st in term_stems {
                        if !g.term_stems.contains(st) {
                            g.term_stems.push(st.clone());
                        }
                    }
                    i += n;
                    continue;
                }
                let free = !found.iter().any(|g| g.span.start < i + n && i < g.span.end);
                if hit && free {
                    found.push(Glossed {
                        span: i..i + n,
                        phrase: words[i..i + n]
                            .iter()
                            .map(|(w, _)| w.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                        terms: vec![term.clone()],
                        term_stems: term_stems.clone(),
                    });
                    i += n;
                } else {
                    i += 1;
                }
            }
        }
        found.sort_by_key(|g| g.span.start);
        found
    }

    /// Passages using this exact word (lower case); 0 when unknown.
    pub(super) fn word_count(&self, w: &str) -> u32 {
        self.words.count(w)
    }

    /// The corpus word closest to a word the corpus does not use: within one edit, two from
    /// nine letters; the most used word among the closest. A word of four letters is corrected
    /// only to a word it lacks one letter of, a shorter one not at all (only to a name, by
    /// `name_correction`). Words are compared with those sharing their first letter,
    /// or their first two letters swapped.
    pub(super) fn correction(&self, w: &str) -> Option<String> {
        let n = w.chars().count();
        let max = match n {
            0..=2 => return None,
            3..=8 => 1,
            _ => 2,
        };
        let mut chars = w.chars();
        let first = chars.next()?;
        let second = chars.next();
        let mut best: Option<(usize, u32, &str)> = None;
        let letters = letter_counts(w);
        for c in std::iter::once(first).chain(second.filter(|s| *s != first)) {
            let prefix = c.to_string();
            for (cand, count) in self.words.starting_with(&prefix) {
                let len = cand.chars().count();
                if len.abs_diff(n) > max {
                    continue;
                }
                // A short word is read only as a word it lacks a letter of ("donr" → donor):
                // one letter changed in four leaves too many words to choose between.
                if n <= SHORT_WORD && (n < SHORT_WORD || len != n + 1) {
                    continue;
                }
                // One edit changes the letter counts by at most two, so words whose counts
                // differ by more than twice the allowed edits are skipped unmeasured.
                if letters_apart(&letters, &letter_counts(cand)) > 2 * max as u32 {
                    continue;
                }
                let d = strsim::damerau_levenshtein(w, cand);
                if d == 0 || d > max {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((bd, bc, _)) => d < bd || (d == bd && count > bc),
                };
                if better {
                    best = Some((d, count, cand));
                }
            }
        }
        best.map(|(_, _, c)| c.to_string())
    }

    /// The character whose name or alias a word the corpus does not use is a slip of ("Tomy",
    /// "Ruht", "Chrisy"): within one edit for up to four letters, two from five (or, from five,
    /// alike by Jaro–Winkler and no English word: "ruthless" is not Ruth), sharing the first
    /// letter; the nearest, the first listed among equals. Names come before any other
    /// correction: a short or capitalised unknown word is far more often a name than a word.
    fn name_correction(&self, w: &str) -> Option<String> {
        // A name already, or a word of the language ("lucky" is not Lucy).
        if self.lexicon.character(w).is_some() || english::is_english(w) {
            return None;
        }
        let n = w.chars().count();
        let max = match n {
            0..=2 => return None,
            3..=4 => 1,
            _ => 2,
        };
        let first = w.chars().next()?;
        let mut best: Option<(usize, String)> = None;
        for c in &self.lexicon.characters {
            for spelling in std::iter::once(&c.name).chain(&c.aliases) {
                for part in spelling.split_whitespace() {
                    let part = part.trim_matches('.').to_lowercase();
                    if part.chars().count() < 3 || !part.starts_with(first) {
                        continue;
                    }
                    let d = strsim::damerau_levenshtein(w, &part);
                    // Or, from five letters, nearly the whole name in order ("Chrisy" for
                    // Chrissie is three edits but shares its first five letters).
                    let alike = n >= 5 && strsim::jaro_winkler(w, &part) >= NAME_LIKENESS;
                    if d == 0 || (d > max && !alike) {
                        continue;
                    }
                    if best.as_ref().is_some_and(|(bd, _)| *bd <= d) {
                        continue;
                    }
                    best = Some((d, part));
                }
            }
        }
        best.map(|(_, name)| name)
    }

    /// The word the corpus uses for `w` with a negating prefix, when the corpus never uses `w`
    /// itself ("reliable" → unreliable): the reader asks about the quality either way.
    fn affixed(&self, w: &str) -> Option<String> {
        if w.chars().count() < 4 {
            return None;
        }
        NEGATING_PREFIXES
            .iter()
            .map(|p| format!("{p}{w}"))
            .filter(|c| self.word_count(c) > 0)
            .max_by_key(|c| self.word_count(c))
    }
}

/// Letters a stem must keep, less its last two, for its words to be told apart: shorter stems
/// are words of a few letters, whose forms the stemmer seldom confuses.
const MIN_SHARED_PREFIX: usize = 3;
/// Words of this many letters are corrected only to a name or to a word they lack a letter of;
/// shorter ones only to a name ("sad" is no slip for "said").
const SHORT_WORD: usize = 4;
/// How alike (Jaro–Winkler) a word of five letters or more must be to a name to be read as it.
const NAME_LIKENESS: f64 = 0.88;
/// Prefixes that negate an English word: a reader typing the word finds the negated form the
/// summaries use ("reliable" → unreliable).
const NEGATING_PREFIXES: [&str; 6] = ["un", "in", "im", "ir", "dis", "non"];

/// (surface word lower-cased, stem) of each word of the query, in order.
fn words_of(q: &str, analyzer: &mut TextAnalyzer) -> Vec<(String, String)> {
    let mut words = vec![];
    let mut stream = analyzer.token_stream(q);
    while stream.advance() {
        let t = stream.token();
        words.push((q[t.offset_from..t.offset_to].to_lowercase(), t.text.clone()));
    }
    words
}

/// Whether a question asks about a place or a thing rather than a person: it names no
/// character, or every name it gives is an owner's, a possessive before a word that carries
/// meaning ("what happened to Tommy's drawings": the name, the "s" the tokenizer splits from
/// it, then the thing owned). `names` are the positions in `words` of the names,
/// `content_at` those of the words that carry meaning.
fn about_thing(words: &[(String, String)], content_at: &[usize], names: &[usize]) -> bool {
    names.iter().all(|&at| {
        words.get(at + 1).is_some_and(|(w, _)| w == "s") && content_at.contains(&(at + 2))
    })
}

/// Positions in `words` of the words that carry meaning (every word without `stopwords`).
fn content_positions(words: &[(String, String)], ranking: Ranking) -> Vec<usize> {
    if ranking.stopwords {
        words
            .iter()
            .enumerate()
            .filter(|(_, (w, _))| !STOP_WORDS.contains(&w.as_str()))
            // A lone letter is the tail of a possessive ("Ruth's") or an initial.
            .filter(|(_, (w, _))| w.chars().count() > 1 || w.chars().all(|c| c.is_ascii_digit()))
            .map(|(i, _)| i)
            .collect()
    } else {
        (0..words.len()).collect()
    }
}

/// How often each letter occurs in a word, letters folded into 32 buckets (a fold can only hide
/// differences, so counts compared this way never overstate how far apart two words are).
pub(super) fn letter_counts(w: &str) -> [u8; 32] {
    let mut counts = [0u8; 32];
    for c in w.chars() {
        let b = &mut counts[(c as u32 % 32) as usize];
        *b = b.saturating_add(1);
    }
    counts
}

/// How many letters two words' [`letter_counts`] differ by, in total.
pub(super) fn letters_apart(a: &[u8; 32], b: &[u8; 32]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| u32::from(x.abs_diff(*y)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::about_thing;

    /// (word, stem) pairs for a question's words: the stems do not matter here.
    fn words(q: &str) -> Vec<(String, String)> {
        q.split_whitespace()
            .map(|w| (w.to_string(), w.to_string()))
            .collect()
    }

    /// Positions of the words that carry meaning: here, every word after the three that ask
    /// ("what happened to"), lone letters aside.
    fn content(words: &[(String, String)]) -> Vec<usize> {
        (3..words.len()).filter(|&i| words[i].0.len() > 1).collect()
    }

    #[test]
    fn a_question_naming_no_one_asks_about_a_thing() {
        let w = words("what happened to hailsham");
        assert!(about_thing(&w, &content(&w), &[]));
    }

    #[test]
    fn a_question_naming_a_person_asks_about_the_person() {
        let w = words("what happened to ruth");
        assert!(!about_thing(&w, &content(&w), &[3]));
        // A possessive with nothing after it is still the person.
        let w = words("what happened to ruth s");
        assert!(!about_thing(&w, &content(&w), &[3]));
        // Nor does a common word after it make a thing ("Ruth's the one").
        let w = words("what happened to ruth s the");
        assert!(!about_thing(&w, &[3], &[3]));
    }

    #[test]
    fn a_name_as_an_owner_asks_about_what_is_owned() {
        let w = words("what happened to tommy s drawings");
        assert!(about_thing(&w, &content(&w), &[3]));
        // Every name must be an owner's: one named plainly makes it a question about a person.
        let w = words("what happened to kathy and tommy s drawings");
        assert!(!about_thing(&w, &content(&w), &[3, 5]));
        let w = words("what happened to kathy s tape and tommy s drawings");
        assert!(about_thing(&w, &content(&w), &[3, 7]));
    }
}
