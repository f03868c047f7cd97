//! Marking: what each passage explains and answers, worked out once at index time from the
//! corpus's glossary and answer types — the terms it glosses ([`Marks::explains`]) and the
//! kinds of answer it offers ([`Marks::answers`]). It runs after tagging and before the index,
//! and stems through [`Stems`], so it names no index type: the index hands it its analyzer.

use crate::model::{AnswerMark, Corpus, Marks, Passage};

/// How a text becomes stems: the index's analyzer, so that a marked term is the term a query's
/// stems meet.
pub trait Stems {
    /// The stems of `text`, in order.
    fn stems(&mut self, text: &str) -> Vec<String>;
    /// The stems of `text`, each with its word position.
    fn positioned(&mut self, text: &str) -> Vec<(usize, String)>;
}

/// How near (in words) a form of a term and one of its everyday phrases must be for the passage
/// to count as explaining the term: about a clause ("deferrals - a supposed opportunity for
/// couples truly in love to postpone their fate" is 10 words from term to gloss).
pub const GLOSS_WINDOW: usize = 10;

/// Works out each passage's [`Marks`] from the corpus's glossary and answer types: the same
/// code for the index (which searches them) and for `nlmg-search passages` (which shows them).
pub struct Marker<'a> {
    glosses: Glosses,
    answer_types: &'a [crate::model::AnswerType],
    analyzer: Box<dyn Stems + 'a>,
}

impl<'a> Marker<'a> {
    /// A marker stemming with `analyzer` (the index's, or a copy of the one a build stems
    /// with, so that both stem each word once between them).
    pub fn with(corpus: &'a Corpus, mut analyzer: impl Stems + 'a) -> Marker<'a> {
        let glosses = Glosses::new(&corpus.glosses, &corpus.families, &mut analyzer);
        Marker {
            glosses,
            answer_types: &corpus.answer_types,
            analyzer: Box::new(analyzer),
        }
    }

    pub fn marks(&mut self, p: &Passage) -> Marks {
        Marks {
            explains: self
                .glosses
                .explained_in(&p.text, self.analyzer.as_mut())
                .into_iter()
                .map(String::from)
                .collect(),
            answers: crate::tag::answer_spots(&p.text, self.answer_types)
                .into_iter()
                .map(|spot| AnswerMark {
                    name: spot.name.to_string(),
                    beside: spot.beside,
                })
                .collect(),
        }
    }
}

/// A term's stems and its word family's: "donation" is also "donor" and "donate". A family is
/// the term's when one of its words has a stem of the term, so the two may list different
/// inflections ("possibles" beside "possible"). The index (which passages explain a term) and
/// the search (what a term asked about is searched as) both read a term this way.
pub fn term_stems<S: Stems + ?Sized>(
    term: &str,
    families: &[Vec<(String, String)>],
    analyzer: &mut S,
) -> Vec<String> {
    let mut stems = analyzer.stems(term);
    let own = stems.clone();
    for members in families {
        if members.iter().any(|(_, m)| own.contains(m)) {
            for (_, m) in members {
                if !stems.contains(m) {
                    stems.push(m.clone());
                }
            }
        }
    }
    stems
}

/// Each word family (lexicon `[[family]]`) as its words, lower-cased, with their stems; a
/// word the analyzer splits in two is left out.
pub fn family_stems<S: Stems + ?Sized>(
    families: &[Vec<String>],
    analyzer: &mut S,
) -> Vec<Vec<(String, String)>> {
    families
        .iter()
        .map(|family| {
            family
                .iter()
                .filter_map(|w| match analyzer.stems(w).as_slice() {
                    [one] => Some((w.to_lowercase(), one.clone())),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The glossary analysed once per build: per term, the stems of its forms and of each
/// everyday phrase.
pub(crate) struct Glosses {
    terms: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
}

impl Glosses {
    pub(crate) fn new<S: Stems + ?Sized>(
        glosses: &[crate::model::Gloss],
        families: &[Vec<String>],
        analyzer: &mut S,
    ) -> Glosses {
        let families = family_stems(families, analyzer);
        let terms = glosses
            .iter()
            .map(|g| {
                let mut forms = term_stems(&g.term, &families, analyzer);
                forms.sort();
                forms.dedup();
                let phrases = g
                    .everyday
                    .iter()
                    .map(|e| analyzer.stems(e))
                    .filter(|p| !p.is_empty() && !p.iter().all(|s| forms.contains(s)))
                    .collect();
                (g.term.to_lowercase(), forms, phrases)
            })
            .collect();
        Glosses { terms }
    }

    /// The terms `text` explains: a form of the term within [`GLOSS_WINDOW`] words, either
    /// side, of one of its everyday phrases (its words in order, next to one another), and
    /// not inside it.
    pub(crate) fn explained_in<S: Stems + ?Sized>(
        &self,
        text: &str,
        analyzer: &mut S,
    ) -> Vec<&str> {
        let tokens = analyzer.positioned(text);
        let mut out = vec![];
        for (term, forms, phrases) in &self.terms {
            let at: Vec<usize> = tokens
                .iter()
                .filter(|(_, s)| forms.contains(s))
                .map(|(p, _)| *p)
                .collect();
            if at.is_empty() {
                continue;
            }
            // A form inside the phrase itself ("care" in "takes care of", for carer) is the
            // phrase, not the term; the distance is to the nearer end of the phrase.
            let near = phrases.iter().any(|phrase| {
                tokens.windows(phrase.len()).any(|w| {
                    let (first, last) = (w[0].0, w[w.len() - 1].0);
                    w.iter().zip(phrase).all(|((_, s), p)| s == p)
                        && at.iter().any(|&a| {
                            (a < first && first - a <= GLOSS_WINDOW)
                                || (a > last && a - last <= GLOSS_WINDOW)
                        })
                })
            });
            if near {
                out.push(term.as_str());
            }
        }
        out
    }
}
