//! Retrieval: an [`Understanding`] turned into one tantivy query. Each signal is a function
//! returning its clauses, with its weight beside it and the reason for that weight; the
//! clauses are summed in one boolean query, and the signals that only order passages matching
//! the words (a named character's tag, the kind of answer asked for) wrap it.

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::glossary::IntentRule;
use super::understand::{push_expansion, Glossed, Reading, Understanding, Understood};
use super::{Engine, Expansion, Ranking};
use crate::excerpt::Highlight;
use crate::index;

/// A query's text, ready to run.
pub(super) enum TextQuery {
    /// No query text.
    Empty,
    /// Query text that can match nothing (explained in a note).
    Nothing,
    /// The query and the analysed terms to highlight.
    Query(Box<dyn Query>, Highlight),
}

type Clause = (Occur, Box<dyn Query>);

/// Passages holding `s` in `field`: BM25, times `boost`.
fn term_q(field: Field, s: &str, boost: f32) -> Clause {
    let q = TermQuery::new(
        Term::from_field_text(field, s),
        IndexRecordOption::WithFreqs,
    );
    if boost == 1.0 {
        (Occur::Should, Box::new(q))
    } else {
        (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
    }
}

/// A constant for every passage holding `s` in `field`, however often.
fn const_q(field: Field, s: &str, score: f32) -> Clause {
    let q = TermQuery::new(Term::from_field_text(field, s), IndexRecordOption::Basic);
    (
        Occur::Should,
        Box::new(ConstScoreQuery::new(Box::new(q), score)),
    )
}

/// A constant for every passage matching any of `any`.
fn any_const(any: Vec<Clause>, score: f32) -> Clause {
    (
        Occur::Should,
        Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(any)),
            score,
        )),
    )
}

impl Engine {
    /// The query for an understood plain question; expansions shown to the user go to `read`.
    pub(super) fn retrieve(
        &self,
        searcher: &Searcher,
        understood: &Understood,
        ranking: Ranking,
        read: &mut Reading,
    ) -> TextQuery {
        let u = match understood {
            Understood::Empty => return TextQuery::Empty,
            Understood::Nothing => return TextQuery::Nothing,
            Understood::CommonPhrase(stems) => return self.common_phrase(stems),
            Understood::Words(u) => u,
        };
        let mut highlight = Highlight::default();
        let mut clauses: Vec<Clause> = vec![];
        if ranking.coverage {
            clauses.extend(self.coverage(u, ranking));
        }
        highlight.words.extend(u.stems.iter().cloned());
        highlight.forms = u.shown_forms();
        clauses.extend(self.words(u));
        clauses.extend(
            u.glossed
                .iter()
                .filter(|g| g.span.len() > 1)
                .map(|g| -> Clause { (Occur::Should, Box::new(self.idiom_phrase(u, g))) }),
        );
        if ranking.heading {
            clauses.extend(self.headings(u));
        }
        // Signals that order passages matching the words, never match on their own.
        let mut tag_boosts: Vec<Clause> = vec![];
        if ranking.characters {
            let (names, tags) = self.characters(u, &mut highlight);
            clauses.extend(names);
            tag_boosts.extend(tags);
        }
        if ranking.proximity {
            clauses.extend(self.proximity(u));
            clauses.extend(self.together(u));
            clauses.extend(self.fragments(u));
        }
        if ranking.expansion {
            clauses.extend(self.expansions(searcher, u, ranking, &mut highlight, read));
        }
        if ranking.context {
            clauses.extend(self.context(u, ranking));
        }
        let mut query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        if let Some(r) = u.rule {
            tag_boosts.extend(self.answer_type(u, r));
        }
        if !tag_boosts.is_empty() {
            tag_boosts.insert(0, (Occur::Must, query));
            query = Box::new(BooleanQuery::new(tag_boosts));
        }
        TextQuery::Query(query, highlight)
    }

    /// Only common words: look for them as a phrase, never for each word alone.
    fn common_phrase(&self, stems: &[String]) -> TextQuery {
        let terms: Vec<Term> = stems
            .iter()
            .map(|s| Term::from_field_text(self.fields.text, s))
            .collect();
        let phrase = Highlight {
            phrases: vec![stems.to_vec()],
            ..Highlight::default()
        };
        TextQuery::Query(Box::new(PhraseQuery::new(terms)), phrase)
    }

    /// The words of a glossary phrase of several words, as a phrase in the text.
    fn idiom_phrase(&self, u: &Understanding, g: &Glossed) -> PhraseQuery {
        let mut p = PhraseQuery::new(
            u.words[g.span.clone()]
                .iter()
                .map(|(_, st)| Term::from_field_text(self.fields.text, st))
                .collect(),
        );
        p.set_slop(IDIOM_SLOP);
        p
    }
}

/// Words allowed inside a glossary phrase ("organs for transplants" is "organ transplant").
const IDIOM_SLOP: u32 = 1;

/// Constant score for each distinct query word a passage contains (BM25 for one word in this
/// corpus is about 1 to 5).
const COVERAGE_BOOST: f32 = 2.0;

impl Engine {
    /// Coverage: each distinct query word found (as typed, corrected, in another spelling or
    /// family form, or in a heading) adds a constant, so a passage with all the words beats
    /// one repeating a single word; a glossary phrase of several words counts as one word,
    /// found as the phrase or as the novel's term for it.
    fn coverage(&self, u: &Understanding, ranking: Ranking) -> Vec<Clause> {
        let mut clauses: Vec<Clause> = vec![];
        let mut seen: Vec<&String> = vec![];
        for (i, (_, s)) in u.content.iter().enumerate() {
            if seen.contains(&s) || u.in_idiom(u.content_at[i]) {
                continue;
            }
            seen.push(s);
            let mut alts: Vec<String> = vec![s.clone()];
            for g in u
                .glossed
                .iter()
                .filter(|g| g.span == (u.content_at[i]..u.content_at[i] + 1))
            {
                alts.extend(g.term_stems.iter().cloned());
            }
            if u.read_as[i] != *s {
                alts.push(u.read_as[i].clone());
            }
            if ranking.expansion {
                alts.extend(
                    self.glossary
                        .spellings
                        .get(s)
                        .into_iter()
                        .flatten()
                        .chain(self.glossary.families.get(s).into_iter().flatten())
                        .map(|(_, st)| st.clone()),
                );
            }
            // A family's words mostly share a stem or two ("defer", "deferr"): one postings
            // list per stem, since every extra one costs a scorer and matches nothing new.
            alts.sort_unstable();
            alts.dedup();
            let mut any: Vec<Clause> = vec![];
            // A word whose stem another word shares is found in the text only in its own forms
            // ("experiment", not "experience").
            let own = &u.own_forms[i];
            for a in alts {
                if own.is_empty() || a != u.read_as[i] {
                    any.push(term_q(self.fields.text, &a, 1.0));
                }
                if ranking.heading {
                    any.push(term_q(self.fields.section, &a, 1.0));
                }
            }
            for form in own {
                any.push(term_q(self.fields.forms, form, 1.0));
            }
            clauses.push(any_const(any, COVERAGE_BOOST));
        }
        for g in u.glossed.iter().filter(|g| g.span.len() > 1) {
            let mut any: Vec<Clause> = vec![(Occur::Should, Box::new(self.idiom_phrase(u, g)))];
            for st in &g.term_stems {
                any.push(term_q(self.fields.text, st, 1.0));
            }
            clauses.push(any_const(any, COVERAGE_BOOST));
        }
        clauses
    }
}

/// Weight of each word of an everyday phrase the glossary knows, matched alone: the phrase is
/// one idea, so its words apart are a weak sign.
const IDIOM_WORD_BOOST: f32 = 0.3;

impl Engine {
    /// The query's stems (as typed and corrected) in the text, by BM25.
    fn words(&self, u: &Understanding) -> Vec<Clause> {
        let idiom_stems: Vec<&String> = u
            .content
            .iter()
            .enumerate()
            .filter(|(i, _)| u.in_idiom(u.content_at[*i]))
            .map(|(_, (_, st))| st)
            .collect();
        u.stems
            .iter()
            .map(|s| {
                let lone = u
                    .content
                    .iter()
                    .enumerate()
                    .any(|(i, (_, st))| st == s && !u.in_idiom(u.content_at[i]));
                let w = if idiom_stems.contains(&s) && !lone {
                    IDIOM_WORD_BOOST
                } else {
                    1.0
                };
                term_q(self.fields.text, s, w)
            })
            .collect()
    }
}

/// Weight of a match in a section heading against one in the text. Low: a heading is short, so
/// BM25 already scores a match in it highly, and every passage under a heading shares it.
pub(super) const HEADING_BOOST: f32 = 0.3;

impl Engine {
    /// The query's stems in the passage's section headings.
    fn headings(&self, u: &Understanding) -> Vec<Clause> {
        u.stems
            .iter()
            .map(|s| term_q(self.fields.section, s, HEADING_BOOST))
            .collect()
    }
}

/// A passage tagged with a character the query names scores this constant. Small: it should
/// order passages that match the other query words, not outrank them.
const CHARACTER_BOOST: f32 = 0.5;
/// The weight of an intent's answers for things, when the question names no character.
const THING_ANSWER_BOOST: f32 = 1.0;
/// What a stem may gain or lose to stand for the same word (jealous / jealousy, really / real),
/// besides its last letter doubled: other letters make another word (sing / single, index /
/// indeed, creatures / create).
const STEM_SUFFIXES: [&str; 13] = [
    "i", "e", "s", "y", "li", "ly", "er", "al", "ic", "ed", "es", "en", "or",
];
/// Weight of another spelling of a named character ("rod" → "rodney"): half, like a stem
/// extension, so the spelling the reader typed still counts most.
const ALIAS_BOOST: f32 = 0.5;

impl Engine {
    /// Characters named in the query: every spelling of the name is the same word (clauses),
    /// and a passage about the character (tagged by mention or by its section) is a better
    /// answer (boosts, which only raise passages that match a query word: a tag alone is not
    /// a match).
    fn characters(
        &self,
        u: &Understanding,
        highlight: &mut Highlight,
    ) -> (Vec<Clause>, Vec<Clause>) {
        let mut clauses: Vec<Clause> = vec![];
        let mut boosts: Vec<Clause> = vec![];
        for c in &u.named {
            for st in &c.spellings {
                if !u.stems.contains(st) && !highlight.words.contains(st) {
                    clauses.push(term_q(self.fields.text, st, ALIAS_BOOST));
                    highlight.words.insert(st.clone());
                }
            }
            let facet = index::tag_facet("character", &c.name);
            boosts.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_facet(self.fields.tags, &facet),
                        IndexRecordOption::Basic,
                    )),
                    CHARACTER_BOOST,
                )),
            ));
        }
        (clauses, boosts)
    }
}

/// Weight of a close pair or of the whole query close together.
const PROXIMITY_BOOST: f32 = 1.0;
/// Words allowed between two neighbouring query words for the pair to count as close.
const PAIR_SLOP: u32 = 2;
/// Words allowed out of place for the whole query to count as close.
const QUERY_SLOP: u32 = 4;

impl Engine {
    /// Words near each other, in order, are a stronger sign than scattered words: each
    /// neighbouring pair of the query, and the whole query when it is longer.
    fn proximity(&self, u: &Understanding) -> Vec<Clause> {
        let seq: Vec<&String> = u
            .read_as
            .iter()
            .enumerate()
            .filter(|(i, _)| !u.in_idiom(u.content_at[*i]))
            .map(|(_, s)| s)
            .collect();
        let phrase = |words: &[&String], slop: u32| -> Clause {
            let terms: Vec<Term> = words
                .iter()
                .map(|s| Term::from_field_text(self.fields.text, s))
                .collect();
            let mut p = PhraseQuery::new(terms);
            p.set_slop(slop);
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(p), PROXIMITY_BOOST)),
            )
        };
        let mut clauses: Vec<Clause> = vec![];
        for pair in seq.windows(2) {
            if pair[0] != pair[1] {
                clauses.push(phrase(pair, PAIR_SLOP));
            }
        }
        if seq.len() >= 3 {
            clauses.push(phrase(&seq, QUERY_SLOP));
        }
        clauses
    }
}

/// Weight of two characters the question names standing close together with what it asks of
/// them ("Kathy and Tommy, now finally united as a couple"): above a passage naming each apart
/// ("Ruth and Tommy being a couple" beside Kathy).
const TOGETHER_BOOST: f32 = 8.0;
/// Words allowed in all between the two names and the word asked about, in any order.
const TOGETHER_SLOP: u32 = 7;
/// Weight of each run of three words of the question, stop words and all, that a quotation
/// holds in the same order: a quotation typed from memory keeps runs of its words ("it is with
/// memories from") while changing others ("so long ago" for "that far back").
const FRAGMENT_BOOST: f32 = 3.0;
/// Words that open a question in English: a query opening with one asks, and a quotation
/// typed from memory states (its runs of words are looked for only then).
const QUESTION_OPENINGS: [&str; 24] = [
    "what", "who", "whom", "whose", "why", "how", "when", "where", "which", "do", "does", "did",
    "is", "are", "was", "were", "can", "could", "will", "would", "should", "has", "have", "had",
];
/// Words a question needs before its runs are looked for: shorter ones are keywords.
const FRAGMENT_MIN_WORDS: usize = 6;

impl Engine {
    /// Two people together above either alone: for a question naming two characters, each
    /// other idea it asks of them (a word, or the novel's term for an everyday phrase) close
    /// to both names, in any order.
    fn together(&self, u: &Understanding) -> Vec<Clause> {
        // Exactly two: with a third named ("why does Ruth keep Kathy and Tommy apart") the
        // question is about what one does to the others, not about a pair.
        let [a, b] = u.named.as_slice() else {
            return vec![];
        };
        let (Some(a), Some(b)) = (a.spellings.first(), b.spellings.first()) else {
            return vec![];
        };
        let names: Vec<&String> = u.named.iter().flat_map(|n| &n.spellings).collect();
        let mut ideas: Vec<&String> = vec![];
        for (i, s) in u.read_as.iter().enumerate() {
            if !u.in_idiom(u.content_at[i]) && !names.contains(&s) && !ideas.contains(&s) {
                ideas.push(s);
            }
        }
        for g in u.glossed.iter().filter(|g| g.span.len() > 1) {
            for st in &g.term_stems {
                if !ideas.contains(&st) {
                    ideas.push(st);
                }
            }
        }
        ideas
            .into_iter()
            .map(|idea| -> Clause {
                let mut p = PhraseQuery::new(
                    [a, b, idea]
                        .iter()
                        .map(|s| Term::from_field_text(self.fields.text, s))
                        .collect(),
                );
                p.set_slop(TOGETHER_SLOP);
                (
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(Box::new(p), TOGETHER_BOOST)),
                )
            })
            .collect()
    }

    /// A half-remembered quotation: each run of three of the question's words (stop words
    /// included, at least one word that carries meaning) that a quotation holds in order.
    fn fragments(&self, u: &Understanding) -> Vec<Clause> {
        let asks = u
            .words
            .first()
            .is_some_and(|(w, _)| QUESTION_OPENINGS.contains(&w.as_str()));
        if u.words.len() < FRAGMENT_MIN_WORDS || asks {
            return vec![];
        }
        let quotation = || -> Clause {
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(self.fields.tags, &index::tag_facet("kind", "quotation")),
                    IndexRecordOption::Basic,
                )),
            )
        };
        let mut seen: Vec<&[(String, String)]> = vec![];
        let mut clauses: Vec<Clause> = vec![];
        for (start, run) in u.words.windows(3).enumerate() {
            let meant = (start..start + 3).any(|i| u.content_at.contains(&i));
            if !meant || seen.contains(&run) {
                continue;
            }
            seen.push(run);
            let phrase = PhraseQuery::new(
                run.iter()
                    .map(|(_, s)| Term::from_field_text(self.fields.text, s))
                    .collect(),
            );
            let both = BooleanQuery::new(vec![(Occur::Must, Box::new(phrase)), quotation()]);
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(both), FRAGMENT_BOOST)),
            ));
        }
        clauses
    }
}

/// Weight of the novel's term for an everyday word the user typed (a neighbour in meaning).
const GLOSSARY_BOOST: f32 = 0.8;
/// Weight of a word that answers to the question's kind tend to use (lexicon intent `answers`).
pub(super) const INTENT_ANSWER_BOOST: f32 = 0.3;
/// Weight of a passage the index marks as explaining a term the question asks about (a form
/// of the term within [`index::GLOSS_WINDOW`] words of one of its everyday phrases): as much
/// as one more query word found.
const GLOSS_BOOST: f32 = 2.0;
/// Weight of an everyday word for a novel's term the question asks to have explained.
const EXPLAIN_BOOST: f32 = 0.5;
/// Weight of the other spelling of a word (British/American): the same word.
const SPELLING_BOOST: f32 = 1.0;
/// Weight of another member of a word family from the lexicon (defer / deferral).
const FAMILY_BOOST: f32 = 1.0;
/// Weight of a stem that merely extends a query stem by a letter or two (no lexicon entry).
const EXPANSION_BOOST: f32 = 0.5;

/// Stems added to the query beyond its own, each once, with its weight.
struct Extra<'a> {
    stems: &'a [String],
    added: Vec<(String, f32)>,
}

impl Extra<'_> {
    /// Adds `stem` unless the query or an earlier expansion has it; true when added.
    fn add(&mut self, stem: &str, weight: f32) -> bool {
        if !self.stems.iter().any(|s| s == stem) && !self.added.iter().any(|(s, _)| s == stem) {
            self.added.push((stem.to_string(), weight));
            true
        } else {
            false
        }
    }
}

impl Engine {
    /// Other words for the query's words: the novel's terms for everyday words, the words
    /// answers to this kind of question use, what a term asked about is explained with,
    /// other spellings and word forms. A spelling variant is the same word; a family member
    /// nearly so; a glossary term is a neighbour in meaning.
    fn expansions(
        &self,
        searcher: &Searcher,
        u: &Understanding,
        ranking: Ranking,
        highlight: &mut Highlight,
        read: &mut Reading,
    ) -> Vec<Clause> {
        let shown = &mut read.expansions;
        let mut extra = Extra {
            stems: &u.stems,
            added: vec![],
        };
        let mut clauses: Vec<Clause> = vec![];
        // The novel's own terms for the everyday words a reader types ("teacher" → guardian).
        for g in &u.glossed {
            let mut new = false;
            for ts in &g.term_stems {
                new |= extra.add(ts, GLOSSARY_BOOST);
            }
            if new {
                for t in &g.terms {
                    push_expansion(shown, &g.phrase, t);
                }
            }
        }
        // A thing's fate is said of the thing: its words count only beside the thing.
        let mut thing_stems: Vec<&str> = vec![];
        if let Some(r) = u.rule {
            // Words the answer to this kind of question tends to use.
            // Shown like any expansion: "what happened to → donation, completes, …".
            for (word, stem) in answers(u, r) {
                // A thing's fate is said in few words ("closed"): they weigh like the
                // question's own.
                let thing = u.about_thing && r.thing_answers.iter().any(|(_, t)| t == stem);
                let weight = if thing {
                    THING_ANSWER_BOOST
                } else {
                    r.answer_weight
                };
                if extra.add(stem, weight) {
                    if thing {
                        thing_stems.push(stem);
                    }
                    if !u.asked.is_empty() {
                        push_expansion(shown, &u.asked, word);
                    }
                }
            }
        }
        // A definition explains the novel's term in everyday words; a term searched alone
        // asks what it is just as much, filtered or not ("possible" for Ruth is also her
        // "original").
        if u.rule.is_some_and(|r| r.explain_terms) || u.lone() {
            clauses.extend(self.explain(u, ranking, &mut extra, highlight, shown));
        }
        for (w, s) in &u.content {
            // British and American spellings.
            for (other, os) in self.glossary.spellings.get(s).into_iter().flatten() {
                if extra.add(os, SPELLING_BOOST) {
                    push_expansion(shown, w, other);
                }
            }
            // Word families the stemmer splits (defer / deferral).
            for (other, os) in self.glossary.families.get(s).into_iter().flatten() {
                if extra.add(os, FAMILY_BOOST) {
                    push_expansion(shown, w, other);
                }
            }
            // And the same for any word: stems that extend one another by a letter or two.
            for v in self.stem_family(searcher, s) {
                extra.add(&v, EXPANSION_BOOST);
            }
        }
        let mut fate: Vec<Clause> = vec![];
        for (s, weight) in extra.added {
            if thing_stems.contains(&s.as_str()) {
                fate.push(term_q(self.fields.text, &s, weight));
            } else {
                clauses.push(term_q(self.fields.text, &s, weight));
            }
            highlight.words.insert(s);
        }
        if !fate.is_empty() {
            clauses.extend(self.beside_the_thing(u, fate));
        }
        clauses
    }

    /// The words for a thing's fate, counted only in passages that name the thing: a word of
    /// the question other than a character's name ("closed" for "what happened to Hailsham"
    /// where Hailsham is named, not where another place closes).
    fn beside_the_thing(&self, u: &Understanding, fate: Vec<Clause>) -> Option<Clause> {
        let names: Vec<&String> = u.named.iter().flat_map(|n| &n.spellings).collect();
        let thing: Vec<Clause> = u
            .words_read()
            .into_iter()
            .filter(|s| !names.iter().any(|n| n.as_str() == *s))
            .map(|s| term_q(self.fields.text, s, 1.0))
            .collect();
        if thing.is_empty() {
            return None;
        }
        let both = BooleanQuery::new(vec![
            (Occur::Must, Box::new(BooleanQuery::new(fate))),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::new(thing)),
                    0.0,
                )),
            ),
        ]);
        Some((Occur::Should, Box::new(both)))
    }

    /// A question asking what a term is: what the summaries call the term, the passages the
    /// index marks as explaining it, and its everyday phrases.
    fn explain(
        &self,
        u: &Understanding,
        ranking: Ranking,
        extra: &mut Extra,
        highlight: &mut Highlight,
        shown: &mut Vec<Expansion>,
    ) -> Vec<Clause> {
        let mut clauses: Vec<Clause> = vec![];
        // What the summaries call the term ("completes (a euphemism for death)"): a passage
        // that names it so is explaining it.
        if ranking.questions {
            for (w, s) in u.corrected.iter().zip(&u.read_as) {
                let key = self.glossary.canonical(s);
                for (word, stem) in self.glossary.called.get(key).into_iter().flatten() {
                    if extra.add(stem, INTENT_ANSWER_BOOST) {
                        push_expansion(shown, w, word);
                    }
                }
            }
        }
        // A definition puts the term beside its plain words ("a carer who looks after
        // donors", "deferrals - a chance to postpone"); the index marks the passages that do
        // (`glossed`), which a passage merely mentioning both is not.
        if ranking.gloss {
            let mut asked: Vec<&String> = vec![];
            for s in &u.read_as {
                let key = self.glossary.canonical(s);
                for term in self.glossary.defines.get(key).into_iter().flatten() {
                    if !asked.contains(&term) {
                        asked.push(term);
                        clauses.push(const_q(self.fields.glossed, term, GLOSS_BOOST));
                    }
                }
            }
        }
        for (w, s) in u.corrected.iter().zip(&u.read_as) {
            let key = self.glossary.canonical(s);
            for (text, phrase) in self.glossary.explained.get(key).into_iter().flatten() {
                match phrase.as_slice() {
                    [one] => {
                        if extra.add(one, EXPLAIN_BOOST) {
                            push_expansion(shown, w, text);
                        }
                    }
                    several => {
                        let terms = several
                            .iter()
                            .map(|st| Term::from_field_text(self.fields.text, st))
                            .collect();
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(
                                Box::new(PhraseQuery::new(terms)),
                                EXPLAIN_BOOST,
                            )),
                        ));
                        highlight.phrases.push(several.to_vec());
                        push_expansion(shown, w, text);
                    }
                }
            }
        }
        clauses
    }
}

/// Weight of a match in the passage a passage continues ("This reflection …" after the
/// quotation it discusses), for quoted phrases: the discussion of a quotation is an answer too.
pub(super) const CONTEXT_BOOST: f32 = 0.3;

impl Engine {
    /// A passage discussing a quotation ("This metaphor, spoken by Tommy, …") is about what
    /// the quotation says: each query word the quotation holds counts for the discussion, a
    /// little in BM25 and as a coverage constant of its own, so a discussion of the quotation
    /// asked about ranks beside it, and above passages sharing a word or two. The constant is
    /// separate from the word's own coverage on purpose: a discussion that also uses the word
    /// itself is about it twice over (folded into one constant, the main and held-out sets
    /// lost what this gains; QUALITY.md, round 7).
    fn context(&self, u: &Understanding, ranking: Ranking) -> Vec<Clause> {
        let mut clauses: Vec<Clause> = vec![];
        for s in u.words_read() {
            clauses.push(term_q(self.fields.context, s, CONTEXT_BOOST));
            if ranking.coverage {
                clauses.push(const_q(self.fields.context, s, COVERAGE_BOOST));
            }
        }
        clauses
    }
}

/// A passage offering the kind of answer a question asks for ("how long" → a number) scores
/// this constant: as much as two more of the question's words, since a passage without a
/// number cannot say how long.
const ANSWER_TYPE_BOOST: f32 = 2.0 * COVERAGE_BOOST;
/// A passage where that answer stands beside a word of the question ("his fourth donation")
/// scores this much more: the number is of the thing asked about.
const ANSWER_BESIDE_BOOST: f32 = ANSWER_TYPE_BOOST;

impl Engine {
    /// A passage that offers the kind of answer asked for ("how long" → a number) scores as
    /// if it had two more of the query's words, and more when the answer stands beside a word
    /// of the question or a word such answers use: "how many donations" → "his fourth
    /// donation", "how long" → "twelve years". Boosts: it must still match the query.
    fn answer_type(&self, u: &Understanding, r: &IntentRule) -> Vec<Clause> {
        let Some(t) = r.answer_type.as_deref() else {
            return vec![];
        };
        let mut beside = u.words_read();
        for (_, s) in answers(u, r) {
            if !beside.contains(&s.as_str()) {
                beside.push(s);
            }
        }
        let near: Vec<Clause> = beside
            .into_iter()
            .map(|s| -> Clause {
                let term = Term::from_field_text(self.fields.answers, &index::answer_beside(t, s));
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                )
            })
            .collect();
        vec![
            const_q(self.fields.answers, t, ANSWER_TYPE_BOOST),
            any_const(near, ANSWER_BESIDE_BOOST),
        ]
    }

    /// Stems in the text field that extend `stem` or that it extends by one or two letters.
    pub(super) fn stem_family(&self, searcher: &Searcher, stem: &str) -> Vec<String> {
        if stem.len() < 4 {
            return vec![];
        }
        let mut out: Vec<String> = terms_beginning(searcher, self.fields.text, stem)
            .into_iter()
            .filter(|k| k != stem && same_family(stem, k))
            .collect();
        for cut in 1..=2 {
            if let Some(shorter) = stem.get(..stem.len().saturating_sub(cut)) {
                if same_family(stem, shorter)
                    && doc_freq(searcher, self.fields.text, shorter) > 0
                    && !out.iter().any(|o| o == shorter)
                {
                    out.push(shorter.to_string());
                }
            }
        }
        out
    }
}

/// What answers the question: about a character, the intent's answers; about a place or a
/// thing (no character named, or one only as its owner), its answers for things first.
fn answers<'r>(u: &Understanding, r: &'r IntentRule) -> Vec<&'r (String, String)> {
    if u.about_thing {
        r.thing_answers.iter().chain(&r.answers).collect()
    } else {
        r.answers.iter().collect()
    }
}

/// The distinct terms of `field` that begin with `prefix`, over every segment, in the order
/// first met.
pub(super) fn terms_beginning(searcher: &Searcher, field: Field, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for seg in searcher.segment_readers() {
        let Ok(inv) = seg.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inv.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(k) = std::str::from_utf8(stream.key()) else {
                break;
            };
            if !k.starts_with(prefix) {
                break;
            }
            if !out.iter().any(|o| o == k) {
                out.push(k.to_string());
            }
        }
    }
    out
}

/// Passages whose `field` holds `s`.
pub(super) fn doc_freq(searcher: &Searcher, field: Field, s: &str) -> u64 {
    searcher
        .doc_freq(&Term::from_field_text(field, s))
        .unwrap_or(0)
}

/// Two stems of one word family: one extends the other by at most two letters (defer/deferr).
pub(super) fn same_family(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4
        && long.len() - short.len() <= 2
        && long.strip_prefix(short).is_some_and(|tail| {
            // A suffix, or the last letter doubled before one (defer / deferr-al).
            STEM_SUFFIXES.contains(&tail) || (tail.len() == 1 && short.ends_with(tail))
        })
}
