//! The plain data that flows between pipeline stages: sources, passages and their tags.
//!
//! Nothing here knows about tantivy or the terminal; every stage takes and returns these types.

use serde::{Deserialize, Serialize};

/// One summary file from `corpus/`, with the metadata from `corpus/sources.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Stable id: the file name without `.txt` (e.g. `study-guide`).
    pub id: String,
    /// Human title from `sources.toml`, or the id when the file is not listed there.
    pub title: String,
    /// Kind of source (study guide, blog, notes, …) as written in `sources.toml`.
    pub kind: String,
    /// One-line description from `sources.toml`.
    pub description: String,
    /// File name inside the corpus directory.
    pub file: String,
}

/// The kind of a passage: what sort of writing it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Retelling of what happens in the novel.
    Plot,
    /// Description or analysis of a character.
    Character,
    /// Discussion of themes, symbols, style, context.
    Analysis,
    /// A quotation from the novel (usually with a page reference).
    Quotation,
    /// An answer under a "frequently asked question" heading.
    Faq,
    /// A reader's comment below a blog post: content, but not summary.
    Comment,
    /// Anything else: titles, book metadata, introductions.
    Other,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Plot,
        Kind::Character,
        Kind::Analysis,
        Kind::Quotation,
        Kind::Faq,
        Kind::Comment,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Plot => "plot",
            Kind::Character => "character",
            Kind::Analysis => "analysis",
            Kind::Quotation => "quotation",
            Kind::Faq => "faq",
            Kind::Comment => "comment",
            Kind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which tag a provenance record explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagField {
    Character,
    Theme,
    Kind,
    Part,
    Page,
}

/// Why a passage carries a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The name or an alias appears in the passage text.
    Mention,
    /// The passage sits in a section whose heading is about this character.
    SectionSubject,
    /// A heading in the section path names the theme / part / kind.
    Heading,
    /// A cue word from the lexicon appears in the text.
    Cue,
    /// A page reference in the text.
    Reference,
    /// Decided from the layout (list item under a quotations heading, comment area, …).
    Layout,
    /// The passage's opening words name it ("In Part Two, Kathy …").
    Opening,
    /// Not a reason for a tag but a remark on one: the source's own part label where the
    /// passage's events put it in another part (`value` is the source's number), or why a plot
    /// passage has no part (`value` empty). `evidence` says which, in words.
    Note,
}

/// One reason for one tag: `{"field":"character","value":"Ruth","via":"section_subject","evidence":"Ruth C. - The Manipulator…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagOrigin {
    pub field: TagField,
    pub value: String,
    pub via: Via,
    /// The words that triggered the tag (the alias, the heading, the cue word).
    pub evidence: String,
}

/// A passage: the unit that is indexed, searched and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id: `<source>:<seq>` — the same corpus always gives the same ids.
    pub id: String,
    /// Source id (see [`Source::id`]).
    pub source: String,
    /// Position in reading order within its source, from 0.
    pub seq: u32,
    /// Section path, outermost heading first. Empty before the first heading.
    pub section: Vec<String>,
    pub kind: Kind,
    /// Part of the book (the lexicon's `[[part]]` numbers) its events belong to, where a
    /// heading, the source's own ordering, a chapter or the lexicon's part cues say so.
    pub part: Option<u8>,
    /// Canonical character names, sorted, without duplicates.
    pub characters: Vec<String>,
    /// Theme names from the lexicon, sorted, without duplicates.
    pub themes: Vec<String>,
    /// Page references in the novel, sorted, without duplicates.
    pub pages: Vec<u32>,
    /// The cleaned passage text.
    pub text: String,
    /// Byte range `[start, end)` of the passage in the original source file.
    pub source_range: [usize; 2],
    /// Id of the previous passage in the same source, for context.
    pub prev: Option<String>,
    /// Id of the next passage in the same source, for context.
    pub next: Option<String>,
    /// Why each tag is there.
    pub provenance: Vec<TagOrigin>,
}

#[cfg(test)]
impl Passage {
    /// An untagged passage `seq` of `source`, for tests: set the fields a test cares about with
    /// struct update syntax.
    pub(crate) fn sample(source: &str, seq: u32, kind: Kind, text: &str) -> Passage {
        Passage {
            id: format!("{source}:{seq}"),
            source: source.into(),
            seq,
            section: vec![],
            kind,
            part: None,
            characters: vec![],
            themes: vec![],
            pages: vec![],
            text: text.into(),
            source_range: [0, text.len()],
            prev: None,
            next: None,
            provenance: vec![],
        }
    }
}

/// What the index marks in a passage besides its tags, for searches to ask about: the novel's
/// terms the passage explains, and the kinds of answer it gives. `nlmg-search passages` shows
/// them, so a lexicon entry can be checked against what it marks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    /// Terms (lower-cased, as in the glossary) the passage explains: a form of the term within
    /// ten words of one of its everyday phrases ("a carer who looks after organ donors").
    pub explains: Vec<String>,
    /// Each kind of answer the passage gives (`[[answer_type]]`), in the lexicon's order.
    pub answers: Vec<AnswerMark>,
}

/// One kind of answer a passage gives, with what it stands beside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerMark {
    /// The answer type's name ("number").
    #[serde(rename = "type")]
    pub name: String,
    /// Lower-cased words within two of the answer, each once ("his fourth donation" →
    /// "his", "donation"): what a number counts.
    pub beside: Vec<String>,
}

/// A problem in a corpus file that did not stop the build: a summary skipped or partly read, or
/// a lexicon entry no question can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The file (path as given) that was skipped, partly read or partly of no use.
    pub file: String,
    /// What was wrong, in words.
    pub reason: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.reason)
    }
}

/// The result of reading a corpus: everything the index is built from.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub sources: Vec<Source>,
    /// All passages, grouped by source in `sources` order, each group in reading order.
    pub passages: Vec<Passage>,
    /// Files that were skipped, and lexicon entries of no use, with the reason.
    pub warnings: Vec<Warning>,
    /// Hex fingerprint of every input that shapes the index (source bytes, lexicon, rules).
    pub fingerprint: String,
    /// Total bytes of source text read.
    pub bytes: u64,
    /// Words that open a passage continuing the one before it (`[context]` in cleaning.toml).
    pub continues: Vec<String>,
    /// The kinds of passage a continuation is read through (empty: any).
    pub continued_kinds: Vec<Kind>,
    /// The novel's terms with their everyday words (the lexicon's glossary), so the index can
    /// mark the passages that explain a term.
    pub glosses: Vec<Gloss>,
    /// Word families the stemmer splits (the lexicon's `[[family]]`s): a term's family members
    /// are forms of it ("donor" for donation).
    pub families: Vec<Vec<String>>,
    /// Kinds of answer to mark passages for (the lexicon's `[[answer_type]]`s).
    pub answer_types: Vec<AnswerType>,
}

/// A kind of answer the index marks passages for (lexicon `[[answer_type]]`): a passage using
/// one of `words`, or with `numerals` a number written in digits (page references aside),
/// offers it. A question asking for a number ("how long …") prefers such passages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerType {
    /// Name an `[[intent]]` refers to it by (`answer_type = "number"`).
    pub name: String,
    /// Words that give such an answer ("twelve", "fourth"), matched whole, ignoring case.
    #[serde(default)]
    pub words: Vec<String>,
    /// Numbers in digits ("16", "1990s") count too.
    #[serde(default)]
    pub numerals: bool,
}

/// One of the novel's terms as the index needs it: the term and the everyday words and phrases
/// that explain it. Its other forms come from the corpus's word families.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gloss {
    pub term: String,
    pub everyday: Vec<String>,
}
