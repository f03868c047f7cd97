//! The index schema: the fields a passage is stored and searched under, and the shape of the
//! terms put in them (tag facets, answer tokens).

use tantivy::schema::{
    BytesOptions, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, STORED,
};

use super::ANALYZER;
use crate::error::{Error, Result};

/// Bump whenever the fields, the analyzer or the meaning of a stored value changes: an index
/// with another version is rebuilt rather than misread.
pub const SCHEMA_VERSION: u32 = 10;

/// Handles to the schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Passage id, raw, for looking up neighbours.
    pub id: Field,
    /// Passage text, stemmed, with positions.
    pub text: Field,
    /// Every heading of the section path, stemmed, with positions: a hit in a heading counts.
    pub section: Field,
    /// Tags as facets: `/theme/memory`, `/character/ruth`, `/kind/plot`, `/source/…`,
    /// `/part/2`, `/page/58`, `/heading/<heading>`. Lower case. Used to filter and to count.
    pub tags: Field,
    /// Global reading order (source order, then position), for listing.
    pub order: Field,
    /// The whole [`Passage`] as JSON, for display.
    pub passage: Field,
    /// Fast: position of the passage's kind in [`Kind::ALL`], for ranking by kind.
    pub kind: Field,
    /// Fast: words in the passage text, for ranking by length.
    pub words: Field,
    /// Fast: reading order of the first passage of its near-duplicate group ([`crate::dedup`]).
    pub dup: Field,
    /// Fast bytes: the passage's most distinctive stems ([`crate::similar::Signature`]), so a
    /// search can tell which hits are like its best one.
    pub signature: Field,
    /// The previous passage's text, for a passage that continues it ("This metaphor …").
    pub context: Field,
    /// The novel's terms (lower case) the passage explains: a form of the term within
    /// [`GLOSS_WINDOW`] words of one of its everyday phrases ("a carer who looks after …").
    pub glossed: Field,
    /// The kinds of answer the passage offers (lexicon `[[answer_type]]` names: "number"), and
    /// each with the stem of every word beside it ([`answer_beside`]: "number:donat").
    pub answers: Field,
    /// The passage's words (lower case, as written, each once) whose stem another word of the
    /// corpus shares without being a form of the same word ([`crate::forms`]): "experiment"
    /// where "experience" is stemmed alike, so a search can tell which of the two a passage
    /// uses.
    pub forms: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let id = b.add_text_field("id", tantivy::schema::STRING);
    let text = b.add_text_field("text", stemmed.clone());
    let section = b.add_text_field("section", stemmed.clone());
    let context = b.add_text_field("context", stemmed);
    let tags = b.add_facet_field("tags", FacetOptions::default());
    let order = b.add_u64_field("order", NumericOptions::default().set_fast());
    let passage = b.add_text_field("passage", STORED);
    let kind = b.add_u64_field("kind", NumericOptions::default().set_fast());
    let words = b.add_u64_field("words", NumericOptions::default().set_fast());
    let dup = b.add_u64_field("dup", NumericOptions::default().set_fast());
    let signature = b.add_bytes_field("signature", BytesOptions::default().set_fast());
    let glossed = b.add_text_field("glossed", tantivy::schema::STRING);
    let answers = b.add_text_field("answers", tantivy::schema::STRING);
    let forms = b.add_text_field("forms", tantivy::schema::STRING);
    (
        b.build(),
        Fields {
            id,
            text,
            section,
            tags,
            order,
            passage,
            kind,
            words,
            dup,
            signature,
            context,
            glossed,
            answers,
            forms,
        },
    )
}

pub(crate) fn fields(schema: &Schema) -> Result<Fields> {
    let f = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| Error::Index(format!("index has no field {name:?}; rebuild it")))
    };
    Ok(Fields {
        id: f("id")?,
        text: f("text")?,
        section: f("section")?,
        tags: f("tags")?,
        order: f("order")?,
        passage: f("passage")?,
        kind: f("kind")?,
        words: f("words")?,
        dup: f("dup")?,
        signature: f("signature")?,
        context: f("context")?,
        glossed: f("glossed")?,
        answers: f("answers")?,
        forms: f("forms")?,
    })
}

/// The tag facet for one value: lower case, so filters ignore case.
pub(crate) fn tag_facet(field: &str, value: &str) -> Facet {
    Facet::from_path([field.to_string(), value.to_lowercase()])
}

/// The `answers` token for an answer of kind `name` standing beside a word of stem `stem`.
pub(crate) fn answer_beside(name: &str, stem: &str) -> String {
    format!("{name}:{stem}")
}
