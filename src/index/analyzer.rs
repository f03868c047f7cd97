//! The text analyzer: how passage text, headings and queries become stems, the same at index
//! and at query time, and how a text splits into words.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tantivy::tokenizer::{
    LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};
use tantivy::Index;

/// Name under which the text analyzer is registered (tantivy stores only the name).
pub const ANALYZER: &str = "nlmg_en";

/// The terms of `text` as [`analyzer`] makes them (lower case, stemmed), in order.
pub(crate) fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The English analyzer used for passage text and headings, at index and at query time.
/// Stop words are kept in the index so that phrases like "told and not told" match.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(RememberedStems)
        .build()
}

/// English stemming that remembers each word's stem for the life of the analyzer. Prose reuses
/// a small vocabulary, so after the first few passages almost every word is a lookup instead
/// of a run of the Snowball algorithm (which was a fifth of index build time). The stems are
/// the same as tantivy's `Stemmer`'s: a miss is stemmed by it.
#[derive(Clone, Copy, Debug, Default)]
struct RememberedStems;

/// Words remembered per analyzer: far above the vocabulary of a book's summaries, but a bound
/// on memory for a corpus of random strings.
const STEM_MEMORY: usize = 200_000;

impl TokenFilter for RememberedStems {
    type Tokenizer<T: Tokenizer> = RememberedStemsFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> RememberedStemsFilter<T> {
        RememberedStemsFilter {
            inner,
            stems: Arc::default(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(tantivy::tokenizer::Language::English))
                .build(),
        }
    }
}

/// Copies share what is remembered: tantivy copies the analyzer for every query and every
/// segment writer, and copying the words each time would cost more than stemming them.
#[derive(Clone)]
struct RememberedStemsFilter<T> {
    inner: T,
    /// Word → its stem, or `None` when the stem is the word itself.
    stems: Arc<RwLock<HashMap<String, Option<String>>>>,
    /// Stems one whole word (the raw tokenizer yields the input as one token).
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for RememberedStemsFilter<T> {
    type TokenStream<'a> = RememberedStemsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RememberedStemsStream {
            tail: self.inner.token_stream(text),
            stems: &self.stems,
            stemmer: &mut self.stemmer,
        }
    }
}

struct RememberedStemsStream<'a, S> {
    tail: S,
    stems: &'a RwLock<HashMap<String, Option<String>>>,
    stemmer: &'a mut TextAnalyzer,
}

impl<S: TokenStream> TokenStream for RememberedStemsStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // A poisoned lock only means another thread panicked mid-insert: the map is still valid.
        {
            let stems = self.stems.read().unwrap_or_else(|e| e.into_inner());
            if let Some(stem) = stems.get(token.text.as_str()) {
                if let Some(stem) = stem {
                    token.text.clear();
                    token.text.push_str(stem);
                }
                return true;
            }
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(&token.text);
            if stream.advance() {
                Some(stream.token().text.clone()).filter(|s| *s != token.text)
            } else {
                None
            }
        };
        let mut stems = self.stems.write().unwrap_or_else(|e| e.into_inner());
        if stems.len() < STEM_MEMORY {
            stems.insert(token.text.clone(), stem.clone());
        }
        drop(stems);
        if let Some(stem) = stem {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Registers the custom analyzer; needed after every create and open.
pub(crate) fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

/// The words of a text as the tokenizer sees them (runs of letters and digits).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The marking stage stems with the index's analyzer, so that a term it finds in a passage is
/// the term a query's stems meet.
impl crate::mark::Stems for TextAnalyzer {
    fn stems(&mut self, text: &str) -> Vec<String> {
        analyse(self, text)
    }

    fn positioned(&mut self, text: &str) -> Vec<(usize, String)> {
        let mut tokens = vec![];
        let mut stream = self.token_stream(text);
        while let Some(t) = stream.next() {
            tokens.push((t.position, t.text.clone()));
        }
        tokens
    }
}
