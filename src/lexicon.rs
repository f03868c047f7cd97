//! The lexicon (`corpus/lexicon.toml`): characters and aliases, themes and cue words, and the
//! novel's own terms with the everyday words readers use for them.
//!
//! It is data, not code: pointing the tool at another book means writing another lexicon.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::AnswerType;

mod book;

pub use book::{find_part, part_number, unknown_part, Book, Part};

/// File name of the lexicon inside the corpus directory.
pub const LEXICON_FILE: &str = "lexicon.toml";

/// Question handling that holds for any book in English ("who", "why", "what happened to",
/// "where", "how many" …) in the lexicon's format: every corpus gets these `[[intent]]`s and
/// `[[answer_type]]`s, and a book's lexicon adds to them (see [`Lexicon::parse`]).
pub const DEFAULT_INTENTS: &str = include_str!("../data/intents.toml");

/// Words that carry no meaning in a plain question. The index keeps them (phrases need them);
/// only the question analysis drops them. "get" is a light verb: "where did Kathy get the
/// tape" asks about the tape, and passages saying "get back together" are not answers. Nor do
/// the light adverbs and "seem" say what is asked about ("is kathy a clone too", "why does
/// Madame seem scared"). "really" stays: "really for" is a glossary phrase.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been",
    "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "get",
    "gets", "got", "had", "has", "have", "he", "her", "hers", "him", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "she", "so",
    "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "to", "was", "we", "were", "what", "when", "where", "which", "who", "whom", "whose",
    "why", "will", "with", "would", "you", "your", "too", "very", "much", "ever", "just", "even",
    "still", "seem", "seems", "seemed", "actually", "quite",
];

/// A character with every way the summaries write their name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Character {
    /// Canonical name, as shown and as accepted by `--character`.
    pub name: String,
    /// Whole-word spellings that count as a mention (the name itself may be listed too).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Spellings that only count when a heading names the character (too ambiguous in prose).
    #[serde(default)]
    pub subject_only: Vec<String>,
}

/// A theme with the words that signal it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Value used by `--theme` and shown in results (lower case, no spaces).
    pub name: String,
    /// How the theme reads in prose.
    #[serde(default)]
    pub label: String,
    /// Words or phrases whose presence in a passage tags the theme.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Words that, in a heading, tag every passage under that heading.
    #[serde(default)]
    pub headings: Vec<String>,
    /// Patterns (regular expressions, any case) of another sense of a cue: a cue inside a match
    /// does not count ("lost their funding" is no loss).
    #[serde(default)]
    pub unless: Vec<String>,
}

/// One of the novel's own terms and the everyday words a reader might use instead.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    #[serde(default)]
    pub everyday: Vec<String>,
    /// What the summaries call this kind of word ("a euphemism for death"): a passage that
    /// explains the term often names it so, and a reader asking what the term is, or typing it
    /// alone, is also shown such passages. Single words.
    #[serde(default)]
    pub called: Vec<String>,
}

/// One word with its British and American spellings; either finds both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spelling {
    pub british: String,
    pub american: String,
}

/// Forms of one word that the stemmer does not join (defer, deferral); any finds all.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    pub words: Vec<String>,
}

/// What a question asks for, read from its opening words: "who is …" wants a character entry,
/// "why …" an explanation. Each kind named gets its weight multiplied into a passage's score.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intent {
    /// Opening words of the query, one phrase each ("who", "what happens").
    #[serde(default)]
    pub opens: Vec<String>,
    /// Words anywhere in the query that ask rather than say what is asked about ("mean" in
    /// "what does it mean to complete"): they signal the intent and are not searched for.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Kind name (as `--kind` takes it) → weight; kinds not named keep 1.0.
    #[serde(default)]
    pub kinds: std::collections::BTreeMap<String, f32>,
    /// Words an answer to such a question tends to use, searched at a low weight ("what
    /// happened to Ruth" is answered by passages on her donations and death).
    #[serde(default)]
    pub answers: Vec<String>,
    /// Answers searched too when the question names no character: what happened to a place or
    /// a thing is its fate as well as a death ("what happened to the school" is answered by its
    /// closing).
    #[serde(default)]
    pub thing_answers: Vec<String>,
    /// The weight `answers` are searched at, when the usual low weight is too little: a place
    /// named in a passage answers "where" more surely than "because" answers "why".
    #[serde(default)]
    pub answer_weight: Option<f32>,
    /// The novel's terms in the question are also looked for by their everyday words (the
    /// glossary read backwards): a definition explains a term in plainer words.
    #[serde(default)]
    pub explain_terms: bool,
    /// The `[[answer_type]]` an answer offers ("number" for "how long …"): passages the index
    /// marks as offering it score more.
    #[serde(default)]
    pub answer_type: Option<String>,
}

/// The whole lexicon.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    #[serde(default, rename = "character")]
    pub characters: Vec<Character>,
    #[serde(default, rename = "theme")]
    pub themes: Vec<Theme>,
    #[serde(default, rename = "term")]
    pub terms: Vec<Term>,
    #[serde(default, rename = "spelling")]
    pub spellings: Vec<Spelling>,
    #[serde(default, rename = "family")]
    pub families: Vec<Family>,
    #[serde(default, rename = "intent")]
    pub intents: Vec<Intent>,
    #[serde(default, rename = "answer_type")]
    pub answer_types: Vec<AnswerType>,
    #[serde(default)]
    pub book: Book,
    /// The book's parts, in order.
    #[serde(default, rename = "part")]
    pub parts: Vec<Part>,
}

impl Lexicon {
    /// The glossary's everyday phrases that hold no word besides [`STOP_WORDS`], as (term,
    /// phrase). A plain question is read without its stop words, so no question can reach a
    /// term through such a phrase; reading the corpus reports each one.
    pub fn stop_word_phrases(&self) -> Vec<(&str, &str)> {
        self.terms
            .iter()
            .flat_map(|t| {
                t.everyday
                    .iter()
                    .filter(|e| only_stop_words(e))
                    .map(move |e| (t.term.as_str(), e.as_str()))
            })
            .collect()
    }

    /// Reads `lexicon.toml` from a corpus directory. A missing file is a lexicon of the built-in
    /// intents alone (a corpus can be searched without one); a malformed file is an error naming
    /// the line.
    pub fn load(corpus_dir: &Path) -> Result<Lexicon> {
        let path = corpus_dir.join(LEXICON_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Lexicon::parse(&text).map_err(|message| Error::Data { path, message }),
            // No lexicon still gets the built-in question handling.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Lexicon::parse("").map_err(|message| Error::Data { path, message })
            }
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Parses lexicon text on top of [`DEFAULT_INTENTS`]; the error is a human message.
    ///
    /// A book's `[[intent]]` that shares an opening with a built-in one adds to it: its
    /// openings, answers, thing answers and cues come first (the book's words are the more
    /// specific), the built-in ones it lacks after them; its kinds are laid over the built-in
    /// kinds, and its answer weight, answer type and `explain_terms` win where it sets them. Any
    /// other intent of the book comes after the built-in ones. A book's `[[answer_type]]` of a
    /// built-in name replaces it.
    pub fn parse(text: &str) -> std::result::Result<Lexicon, String> {
        let own: Lexicon = toml::from_str(text).map_err(|e| e.to_string())?;
        let defaults: Lexicon = toml::from_str(DEFAULT_INTENTS)
            .map_err(|e| format!("the built-in intents (data/intents.toml) do not parse: {e}"))?;
        // The book's own intents are checked as written: a built-in intent may leave to the
        // book what only the book can give (the places that answer "where").
        let own_intents: Vec<(Intent, bool)> = own
            .intents
            .iter()
            .map(|i| {
                let extends = defaults.intents.iter().any(|d| shares_opening(d, i));
                (i.clone(), extends)
            })
            .collect();
        let lexicon = own.over(defaults);
        for c in &lexicon.characters {
            if c.name.trim().is_empty() {
                return Err("a [[character]] has an empty name".into());
            }
        }
        for t in &lexicon.themes {
            if t.name.trim().is_empty() {
                return Err("a [[theme]] has an empty name".into());
            }
            for u in &t.unless {
                regex::Regex::new(u).map_err(|e| {
                    format!(
                        "an `unless` pattern of the theme {:?} does not compile: {e}",
                        t.name
                    )
                })?;
            }
        }
        book::check_parts(&lexicon.parts)?;
        for t in &lexicon.terms {
            if let Some(c) = t.called.iter().find(|c| c.split_whitespace().count() != 1) {
                return Err(format!(
                    "the [[term]] {:?} is called {c:?}; `called` lists single words",
                    t.term
                ));
            }
        }
        for a in &lexicon.answer_types {
            if a.name.trim().is_empty() {
                return Err("an [[answer_type]] has an empty name".into());
            }
            if a.words.is_empty() && !a.numerals {
                return Err(format!(
                    "the [[answer_type]] {:?} marks nothing; give it words or numerals = true",
                    a.name
                ));
            }
            // Passages are read as runs of letters and digits: "thirty-one" or "o'clock" would
            // never match.
            if let Some(w) = a
                .words
                .iter()
                .find(|w| w.is_empty() || !w.chars().all(char::is_alphanumeric))
            {
                return Err(format!(
                    "the [[answer_type]] {:?} lists {w:?}; its words are single words of letters \
                     and digits",
                    a.name
                ));
            }
        }
        for (i, extends) in &own_intents {
            if let Some(t) = &i.answer_type {
                if !lexicon.answer_types.iter().any(|a| &a.name == t) {
                    return Err(format!(
                        "an [[intent]] asks for the answer type {t:?}, which no [[answer_type]] \
                         defines"
                    ));
                }
            }
            if i.opens.iter().chain(&i.cues).all(|o| o.trim().is_empty()) {
                return Err("an [[intent]] has neither opening words nor cue words".into());
            }
            if i.kinds.is_empty()
                && i.answers.is_empty()
                && i.thing_answers.is_empty()
                && !i.explain_terms
                && i.answer_type.is_none()
                && i.answer_weight.is_none()
            {
                return Err(format!(
                    "the [[intent]] opening {:?} changes nothing; give it kinds, answers, \
                     answer_type or explain_terms",
                    i.opens
                        .first()
                        .or(i.cues.first())
                        .map_or("", String::as_str)
                ));
            }
            if let Some(w) = i.answer_weight {
                // An answer word hints at an answer; it may not outweigh the question's own
                // words (1.0).
                if !(w.is_finite() && w > 0.0 && w <= 1.0) || (i.answers.is_empty() && !*extends) {
                    return Err(format!(
                        "an [[intent]] gives its answers the weight {w}; it needs answers and a \
                         number above 0, at most 1"
                    ));
                }
            }
            // Answers are searched word by word; a phrase would silently match nothing.
            if let Some(a) = i
                .answers
                .iter()
                .chain(&i.thing_answers)
                .find(|a| a.split_whitespace().count() != 1)
            {
                return Err(format!(
                    "an [[intent]] lists the answer {a:?}; answers are single words"
                ));
            }
            for (kind, weight) in &i.kinds {
                if crate::model::Kind::parse(kind).is_none() {
                    return Err(format!("an [[intent]] names an unknown kind {kind:?}"));
                }
                if !(weight.is_finite() && *weight > 0.0) {
                    return Err(format!(
                        "an [[intent]] gives kind {kind:?} the weight {weight}; use a number above 0"
                    ));
                }
            }
        }
        Ok(lexicon)
    }

    /// This lexicon's own entries over `defaults` (the built-in intents and answer types), as
    /// [`Lexicon::parse`] describes.
    fn over(mut self, defaults: Lexicon) -> Lexicon {
        let mut intents = defaults.intents;
        for mine in std::mem::take(&mut self.intents) {
            match intents.iter_mut().find(|d| shares_opening(d, &mine)) {
                Some(d) => {
                    d.opens = book_first(mine.opens, &d.opens);
                    d.cues = book_first(mine.cues, &d.cues);
                    d.answers = book_first(mine.answers, &d.answers);
                    d.thing_answers = book_first(mine.thing_answers, &d.thing_answers);
                    d.kinds.extend(mine.kinds);
                    d.explain_terms |= mine.explain_terms;
                    d.answer_weight = mine.answer_weight.or(d.answer_weight);
                    d.answer_type = mine.answer_type.or(d.answer_type.take());
                }
                None => intents.push(mine),
            }
        }
        self.intents = intents;
        let mut types = defaults.answer_types;
        for mine in std::mem::take(&mut self.answer_types) {
            match types.iter_mut().find(|d| d.name == mine.name) {
                Some(d) => *d = mine,
                None => types.push(mine),
            }
        }
        self.answer_types = types;
        self
    }

    /// The canonical character for a user's spelling (`kath`, `Kathy H.`, `rod`), ignoring case.
    pub fn character(&self, spelling: &str) -> Option<&Character> {
        let s = spelling.trim();
        self.characters.iter().find(|c| {
            c.name.eq_ignore_ascii_case(s)
                || c.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
                || c.subject_only.iter().any(|a| a.eq_ignore_ascii_case(s))
                || c.name
                    .trim_end_matches('.')
                    .eq_ignore_ascii_case(s.trim_end_matches('.'))
        })
    }

    /// The theme with this name (or label), ignoring case.
    pub fn theme(&self, name: &str) -> Option<&Theme> {
        let s = name.trim();
        self.themes
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(s) || t.label.eq_ignore_ascii_case(s))
    }
}

/// True when two intents open with a same phrase (any case): the book's adds to the built-in.
fn shares_opening(a: &Intent, b: &Intent) -> bool {
    let norm = |o: &String| {
        o.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    a.opens
        .iter()
        .any(|x| !x.trim().is_empty() && b.opens.iter().any(|y| norm(x) == norm(y)))
}

/// The book's words, then the built-in ones it does not list.
fn book_first(mut book: Vec<String>, built_in: &[String]) -> Vec<String> {
    for w in built_in {
        if !book.iter().any(|b| b.eq_ignore_ascii_case(w)) {
            book.push(w.clone());
        }
    }
    book
}

/// True when `phrase` has no word a plain question keeps.
fn only_stop_words(phrase: &str) -> bool {
    !phrase
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| !w.is_empty() && !STOP_WORDS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every corpus gets the built-in intents, a corpus without a lexicon file included; a
    /// book's intent sharing an opening adds to one, its words first; another is appended.
    #[test]
    fn built_in_intents_are_every_corpus_s_and_a_book_adds_to_them() {
        let bare = Lexicon::parse("").unwrap();
        let find = |l: &Lexicon, open: &str| -> Intent {
            l.intents
                .iter()
                .find(|i| i.opens.iter().any(|o| o.eq_ignore_ascii_case(open)))
                .unwrap_or_else(|| panic!("no intent opens {open:?}"))
                .clone()
        };
        for open in [
            "who",
            "why",
            "what happened to",
            "where",
            "how many",
            "how long",
        ] {
            find(&bare, open);
        }
        assert_eq!(find(&bare, "why").kinds.get("analysis"), Some(&1.2));
        assert_eq!(
            find(&bare, "how many").answer_type.as_deref(),
            Some("number")
        );
        assert!(bare
            .answer_types
            .iter()
            .any(|a| a.name == "number" && a.numerals));
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(Lexicon::load(empty.path()).unwrap(), bare);
        // The built-in file read as a book's lexicon passes the checks a book's does, and adds
        // nothing to itself.
        assert_eq!(Lexicon::parse(DEFAULT_INTENTS).unwrap(), bare);

        let lex = Lexicon::parse(
            "[[intent]]\nopens = ['Where']\nanswers = ['Pemberley', 'fate']\n\
             [[intent]]\nopens = ['what happened to', 'whatever became of']\nanswers = ['eloped']\n\
             kinds = { plot = 1.5, analysis = 0.9 }\n\
             [[intent]]\nopens = ['whence']\nanswers = ['origin']\n\
             [[answer_type]]\nname = 'number'\nwords = ['two']\n\
             [[answer_type]]\nname = 'date'\nnumerals = true\n",
        )
        .unwrap();
        assert_eq!(lex.intents.len(), bare.intents.len() + 1);
        let wh = find(&lex, "where");
        assert_eq!(wh.answers, ["Pemberley", "fate"]);
        assert_eq!(wh.answer_weight, Some(0.6), "the built-in weight stays");
        let hap = find(&lex, "whatever became of");
        assert_eq!(hap.opens[..2], ["what happened to", "whatever became of"]);
        assert_eq!(hap.answers, ["eloped", "died", "dies", "death", "fate"]);
        assert_eq!(hap.kinds.get("plot"), Some(&1.5));
        assert_eq!(hap.kinds.get("analysis"), Some(&0.9));
        assert!(hap.thing_answers.iter().any(|t| t == "closed"));
        assert_eq!(lex.intents.last().unwrap().opens, ["whence"]);
        let names: Vec<_> = lex.answer_types.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["number", "date"]);
        assert_eq!(
            lex.answer_types[0].words,
            ["two"],
            "the book's replaces the built-in"
        );
    }

    /// The shipped lexicon lists only the novel's words; with the built-in intents it reads
    /// questions exactly as when it listed every intent itself (the quality figures depend on
    /// the order of the answers too).
    #[test]
    fn the_shipped_lexicon_over_the_built_in_intents_is_what_it_was() {
        let shipped = Lexicon::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")).unwrap();
        /// Openings, answers, thing answers, answer weight.
        type Read = (String, Vec<String>, Vec<String>, Option<f32>);
        let got: Vec<Read> = shipped
            .intents
            .iter()
            .map(|i| {
                (
                    i.opens.join("|"),
                    i.answers.clone(),
                    i.thing_answers.clone(),
                    i.answer_weight,
                )
            })
            .collect();
        let v = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let want = vec![
            ("who".to_string(), v(&[]), v(&[]), None),
            (
                "why".into(),
                v(&[
                    "because", "reason", "reasons", "intended", "meant", "purpose", "leading",
                    "stems", "caused", "due",
                ]),
                v(&[]),
                None,
            ),
            (
                "what happens to|what happened to|what will happen to".into(),
                v(&[
                    "donation",
                    "donations",
                    "completes",
                    "died",
                    "dies",
                    "death",
                    "fate",
                ]),
                v(&["closed", "closure", "closing", "sold", "fate", "ended"]),
                None,
            ),
            ("what happens|what happened".into(), v(&[]), v(&[]), None),
            (
                "what is a|what is an|what are|what is the meaning of|define".into(),
                v(&[]),
                v(&[]),
                None,
            ),
            (
                "where".into(),
                v(&["Hailsham", "Cottages", "Norfolk", "England", "countryside"]),
                v(&[]),
                Some(0.6),
            ),
            ("how many|how much|how often".into(), v(&[]), v(&[]), None),
            (
                "how long".into(),
                v(&["years", "months", "weeks", "decades"]),
                v(&[]),
                None,
            ),
        ];
        assert_eq!(got, want);
        assert_eq!(shipped.answer_types.len(), 1);
        assert_eq!(shipped.answer_types[0].words.len(), 38);
    }

    /// A question is read without its stop words, so an everyday phrase of stop words only
    /// could never be found in one.
    #[test]
    fn everyday_phrases_of_stop_words_only_are_found() {
        for (everyday, want) in [
            (r#"["what for"]"#, vec!["what for"]),
            (r#"["really for", "for"]"#, vec!["for"]),
            (r#"["Why Did", "why-did-kathy"]"#, vec!["Why Did"]),
            (r#"["purpose", "the point"]"#, vec![]),
            (r#"["", " "]"#, vec!["", " "]),
        ] {
            let lex =
                Lexicon::parse(&format!("[[term]]\nterm = \"x\"\neveryday = {everyday}")).unwrap();
            let got: Vec<_> = lex
                .stop_word_phrases()
                .into_iter()
                .map(|(_, e)| e)
                .collect();
            assert_eq!(got, want, "{everyday}");
        }
    }

    /// The shipped glossary has no such phrase (adding "really" to the stop words fails this:
    /// "really for").
    #[test]
    fn the_shipped_glossary_has_no_phrase_of_stop_words_only() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let lex = Lexicon::load(&shipped).unwrap();
        let phrases: usize = lex.terms.iter().map(|t| t.everyday.len()).sum();
        assert!(phrases > 50, "{phrases} phrases read");
        assert_eq!(lex.stop_word_phrases(), Vec::<(&str, &str)>::new());
    }

    #[test]
    fn shipped_lexicon_parses_and_resolves_aliases() {
        let lex = Lexicon::load(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus")
                .as_path(),
        )
        .expect("shipped lexicon parses");
        for (spelling, canonical) in [
            ("kath", "Kathy"),
            ("Kathy H.", "Kathy"),
            ("rod", "Rodney"),
            ("Marie-Claude", "Madame"),
            ("lucy wainright", "Miss Lucy"),
        ] {
            assert_eq!(
                lex.character(spelling).map(|c| c.name.as_str()),
                Some(canonical),
                "{spelling}"
            );
        }
        assert!(lex.character("truth").is_none());
        assert_eq!(lex.theme("MEMORY").map(|t| t.name.as_str()), Some("memory"));
    }

    #[test]
    fn shipped_glossary_has_terms_spellings_and_families() {
        let lex = Lexicon::load(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus")
                .as_path(),
        )
        .expect("shipped lexicon parses");
        let term = |t: &str| lex.terms.iter().find(|x| x.term == t);
        for (t, everyday) in [
            ("guardian", "teacher"),
            ("possible", "original"),
            ("donation", "organ transplant"),
            ("deferral", "postpone"),
        ] {
            assert!(
                term(t).is_some_and(|x| x.everyday.iter().any(|e| e == everyday)),
                "{t} <-> {everyday}"
            );
        }
        assert!(lex
            .spellings
            .iter()
            .any(|s| s.british == "rumour" && s.american == "rumor"));
        assert!(lex.families.iter().any(
            |f| f.words.iter().any(|w| w == "defer") && f.words.iter().any(|w| w == "deferral")
        ));
        for f in &lex.families {
            assert!(f.words.len() >= 2, "a family of one: {:?}", f.words);
        }
    }

    #[test]
    fn intents_name_real_kinds_with_positive_weights() {
        for (text, ok) in [
            (
                "[[intent]]\nopens = [\"who\"]\nkinds = { character = 1.3 }\n",
                true,
            ),
            (
                "[[intent]]\nopens = [\"why\"]\nkinds = { analysis = 1.2, FAQ = 1.2 }\n",
                true,
            ),
            (
                "[[intent]]\nopens = [\"who\"]\nkinds = { person = 1.3 }\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"who\"]\nkinds = { character = 0.0 }\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"who\"]\nkinds = { character = -2 }\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\" \"]\nkinds = { character = 1.3 }\n",
                false,
            ),
            ("[[intent]]\nopens = [\"who\"]\n", false),
            (
                "[[intent]]\ncues = [\"mean\"]\nexplain_terms = true\n",
                true,
            ),
            (
                "[[intent]]\nopens = [\"what happened to\"]\nanswers = [\"died\"]\n",
                true,
            ),
            (
                "[[intent]]\nopens = [\"where\"]\nanswers = [\"Norfolk\"]\nanswer_weight = 0.6\n",
                true,
            ),
            (
                "[[intent]]\nopens = [\"where\"]\nanswers = [\"Norfolk\"]\nanswer_weight = 0\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"where\"]\nanswers = [\"Norfolk\"]\nanswer_weight = -0.5\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"where\"]\nanswers = [\"Norfolk\"]\nanswer_weight = 1.5\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"where\"]\nanswers = [\"Norfolk\"]\nanswer_weight = nan\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"where\"]\nanswers = [\"Norfolk coast\"]\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"where\"]\nanswers = [\" \"]\n",
                false,
            ),
            (
                "[[answer_type]]\nname = \"number\"\nnumerals = true\n\
                 [[intent]]\nopens = [\"how long\"]\nanswer_type = \"number\"\n",
                true,
            ),
            (
                "[[answer_type]]\nname = \"number\"\nwords = [\"two\"]\n\
                 [[intent]]\nopens = [\"how long\"]\nanswer_type = \"age\"\n",
                false,
            ),
            ("[[answer_type]]\nname = \"number\"\n", false),
            ("[[answer_type]]\nname = \" \"\nnumerals = true\n", false),
            (
                "[[answer_type]]\nname = \"number\"\nwords = [\"thirty one\"]\n",
                false,
            ),
            (
                "[[answer_type]]\nname = \"number\"\nwords = [\"thirty-one\"]\n",
                false,
            ),
            (
                "[[answer_type]]\nname = \"number\"\nwords = [\"\"]\n",
                false,
            ),
            (
                "[[answer_type]]\nname = \"number\"\nnumerals = true\ndigits = true\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"whither\"]\nkinds = { plot = 1.2 }\nanswer_weight = 0.6\n",
                false,
            ),
            (
                "[[intent]]\nopens = [\"where\"]\nkinds = { plot = 1.2 }\nanswer_weight = 0.6\n",
                true,
            ),
            ("[[intent]]\nexplain_terms = true\n", false),
            (
                "[[term]]\nterm = \"carer\"\ncalled = [\"euphemism\"]\n",
                true,
            ),
            (
                "[[term]]\nterm = \"carer\"\ncalled = [\"a euphemism\"]\n",
                false,
            ),
            ("[[intent]]\ncues = [\"mean\"]\nexplain = true\n", false),
        ] {
            assert_eq!(Lexicon::parse(text).is_ok(), ok, "{text}");
        }
        let shipped = Lexicon::load(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus")
                .as_path(),
        )
        .expect("shipped lexicon parses");
        assert!(shipped
            .intents
            .iter()
            .any(|i| i.opens.iter().any(|o| o == "who") && i.kinds.contains_key("character")));
    }

    #[test]
    fn spelling_and_family_tables_parse_and_reject_unknown_fields() {
        let lex = Lexicon::parse(
            "[[spelling]]\nbritish = \"colour\"\namerican = \"color\"\n\
             [[family]]\nwords = [\"defer\", \"deferral\"]\n",
        )
        .unwrap();
        assert_eq!(
            lex.spellings,
            vec![Spelling {
                british: "colour".into(),
                american: "color".into()
            }]
        );
        assert_eq!(lex.families[0].words, vec!["defer", "deferral"]);
        for bad in [
            "[[spelling]]\nbritish = \"colour\"\n",
            "[[spelling]]\nbritish = \"a\"\namerican = \"b\"\nus = \"c\"\n",
            "[[family]]\nword = [\"a\"]\n",
        ] {
            assert!(Lexicon::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn malformed_lexicon_is_an_error_not_a_panic() {
        assert!(Lexicon::parse("[[character]]\nname = ").is_err());
        assert!(Lexicon::parse("[[character]]\nname = \"\"").is_err());
        assert!(Lexicon::parse("[[theme]]\nnme = \"x\"").is_err());
        let bare = Lexicon::parse("").unwrap();
        assert!(bare.characters.is_empty() && bare.themes.is_empty() && bare.terms.is_empty());
    }
}
