//! The lexicon read as a query is read: everyday phrases, spellings, word families, question
//! intents and the terms' explanations, analysed into stems once when the engine opens.

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use super::retrieve::INTENT_ANSWER_BOOST;
use crate::index::{self, analyse};
use crate::lexicon::Lexicon;
use crate::model::Kind;

/// The lexicon's expansion tables, analysed into stems.
#[derive(Default)]
pub(super) struct Glossary {
    /// (everyday phrase lower case, its stems in canonical spelling, the novel's term, its stems),
    /// longest phrase first (then in the lexicon's order): a query is matched in this order.
    pub(super) everyday: Vec<(String, Vec<String>, String, Vec<String>)>,
    /// stem → (other spelling, its stem).
    pub(super) spellings: HashMap<String, Vec<(String, String)>>,
    /// stem → the family's (word, stem) pairs.
    pub(super) families: HashMap<String, Vec<(String, String)>>,
    /// Question intents, in the lexicon's order.
    pub(super) intents: Vec<IntentRule>,
    /// The novel's term's stem (canonical spelling) → what the summaries call it, (as
    /// written, stem): "euphemism" for donation, completion and carer.
    pub(super) called: HashMap<String, Vec<(String, String)>>,
    /// Every intent opening as stems with its intent's index, longest first.
    pub(super) openings: Vec<(Vec<String>, usize)>,
    /// The novel's term's stem → the everyday phrases for it: (as written, as stems).
    pub(super) explained: HashMap<String, Vec<(String, Vec<String>)>>,
    /// The novel's term's stem (canonical spelling) → the terms (lower case) it is a form of,
    /// as the index's `glossed` field names them.
    pub(super) defines: HashMap<String, Vec<String>>,
}

pub(super) type KindWeights = [f32; Kind::ALL.len()];

/// (word lower-cased, stem) of each answer word that is one word to the analyzer.
fn answer_stems(analyzer: &mut TextAnalyzer, words: &[String]) -> Vec<(String, String)> {
    words
        .iter()
        .filter_map(|w| match analyse(analyzer, w).as_slice() {
            [one] => Some((w.to_lowercase(), one.clone())),
            _ => None,
        })
        .collect()
}

/// A lexicon `[[intent]]`, analysed.
pub(super) struct IntentRule {
    pub(super) weights: KindWeights,
    pub(super) cues: Vec<String>,
    /// (word as written, stem) of each answer word.
    pub(super) answers: Vec<(String, String)>,
    /// The same for the answers searched first when the question names no character (the
    /// fate of a place or a thing).
    pub(super) thing_answers: Vec<(String, String)>,
    /// The weight `answers` are searched at.
    pub(super) answer_weight: f32,
    pub(super) explain_terms: bool,
    /// The kind of answer asked for (`[[answer_type]]` name), as the index's `answers` field
    /// holds it.
    pub(super) answer_type: Option<String>,
}

impl Glossary {
    pub(super) fn new(lexicon: &Lexicon, analyzer: &mut TextAnalyzer) -> Glossary {
        let mut g = Glossary::default();
        for intent in &lexicon.intents {
            let mut weights: KindWeights = [1.0; Kind::ALL.len()];
            for (kind, w) in &intent.kinds {
                if let Some(i) = Kind::ALL.iter().position(|k| Some(*k) == Kind::parse(kind)) {
                    weights[i] = *w;
                }
            }
            let at = g.intents.len();
            for open in &intent.opens {
                let stems = analyse(analyzer, open);
                if !stems.is_empty() {
                    g.openings.push((stems, at));
                }
            }
            let mut cues: Vec<String> = intent
                .cues
                .iter()
                .flat_map(|w| analyse(analyzer, w))
                .collect();
            cues.sort();
            cues.dedup();
            g.intents.push(IntentRule {
                weights,
                cues,
                answers: answer_stems(analyzer, &intent.answers),
                thing_answers: answer_stems(analyzer, &intent.thing_answers),
                answer_weight: intent.answer_weight.unwrap_or(INTENT_ANSWER_BOOST),
                explain_terms: intent.explain_terms,
                answer_type: intent.answer_type.clone(),
            });
        }
        // Longest opening first: "what happens" is more specific than "what".
        g.openings.sort_by_key(|(o, _)| std::cmp::Reverse(o.len()));
        for sp in &lexicon.spellings {
            let (b, a) = (
                analyse(analyzer, &sp.british),
                analyse(analyzer, &sp.american),
            );
            if let ([b], [a]) = (b.as_slice(), a.as_slice()) {
                if b != a {
                    g.spellings
                        .entry(b.clone())
                        .or_default()
                        .push((sp.american.to_lowercase(), a.clone()));
                    g.spellings
                        .entry(a.clone())
                        .or_default()
                        .push((sp.british.to_lowercase(), b.clone()));
                }
            }
        }
        let families = index::family_stems(&crate::ingest::families(lexicon), analyzer);
        for members in &families {
            for (_, stem) in members {
                g.families
                    .entry(stem.clone())
                    .or_default()
                    .extend(members.iter().cloned());
            }
        }
        for t in &lexicon.terms {
            // The term with its word family, read as the index reads it: "donation" is also
            // "donor".
            let stems = index::term_stems(&t.term, &families, analyzer);
            let called: Vec<(String, String)> = t
                .called
                .iter()
                .filter_map(|c| match analyse(analyzer, c).as_slice() {
                    [one] => Some((c.to_lowercase(), one.clone())),
                    _ => None,
                })
                .collect();
            for st in &stems {
                let names = g.defines.entry(g.canonical(st).to_string()).or_default();
                if !names.contains(&t.term.to_lowercase()) {
                    names.push(t.term.to_lowercase());
                }
                if called.is_empty() {
                    continue;
                }
                let list = g.called.entry(g.canonical(st).to_string()).or_default();
                for (c, one) in &called {
                    if !list.iter().any(|(_, s)| s == one) {
                        list.push((c.clone(), one.clone()));
                    }
                }
            }
            for e in &t.everyday {
                let phrase: Vec<String> = analyse(analyzer, e)
                    .into_iter()
                    .map(|s| g.canonical(&s).to_string())
                    .collect();
                if !phrase.is_empty() {
                    for st in &stems {
                        g.explained
                            .entry(g.canonical(st).to_string())
                            .or_default()
                            .push((e.to_lowercase(), phrase.clone()));
                    }
                    g.everyday
                        .push((e.to_lowercase(), phrase, t.term.clone(), stems.clone()));
                }
            }
        }
        // Longest phrase first, so "organ transplant" wins over "transplant" (a stable sort:
        // equal lengths keep the lexicon's order).
        g.everyday
            .sort_by_key(|(_, p, _, _)| std::cmp::Reverse(p.len()));
        g
    }

    /// True for a stem of one of the book's own terms or their families. A real English word
    /// one letter from one of these is taken for a misspelling of it ("career" → carer); one
    /// letter from any other word, it is not. (Names need no such exception: the word list has
    /// no proper nouns, so "Tomy" is no English word.)
    pub(super) fn is_own_term(&self, stem: &str) -> bool {
        self.defines.contains_key(self.canonical(stem))
    }

    /// One spelling for a stem with British and American forms (the alphabetically first), so
    /// "modelled from" finds the glossary's "modeled from".
    pub(super) fn canonical<'a>(&'a self, stem: &'a str) -> &'a str {
        self.spellings
            .get(stem)
            .into_iter()
            .flatten()
            .map(|(_, s)| s.as_str())
            .chain(std::iter::once(stem))
            .min()
            .unwrap_or(stem)
    }
}
