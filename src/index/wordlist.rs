//! The typo word list: every word of the corpus (lower case, as written, not stemmed) with the
//! number of passages that use it, stored as sorted lines so that a search looks a word up by
//! binary search over the file's bytes instead of parsing the whole list when it opens.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::store::current_dir;
use crate::error::{Error, Result};

/// File inside a generation directory listing every word of the corpus with the number of
/// passages that use it, one `word<TAB>count` line each, sorted by word (byte order): what a
/// misspelt query word is matched against.
pub const WORDS_FILE: &str = "nlmg-words.tsv";

/// The bytes of [`WORDS_FILE`] for these counts.
pub(super) fn encode(counts: &BTreeMap<String, u32>) -> Vec<u8> {
    let mut out = Vec::with_capacity(counts.len() * 12);
    for (w, n) in counts {
        // Words are runs of letters and digits: never a tab or a line break.
        out.extend_from_slice(w.as_bytes());
        out.push(b'\t');
        out.extend_from_slice(n.to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

/// The word list of a generation, held as its file's text and searched in place.
#[derive(Debug, Default)]
pub struct WordList {
    text: String,
}

impl WordList {
    /// Reads the word list of the live generation; empty when absent.
    pub fn open(index_dir: &Path) -> Result<WordList> {
        let Some(dir) = current_dir(index_dir) else {
            return Ok(WordList::default());
        };
        let path = dir.join(WORDS_FILE);
        let unreadable = |why: &str| {
            Error::Index(format!(
                "{} is unreadable ({why}); run `nlmg-search index --force`",
                path.display()
            ))
        };
        match fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8"))?;
                if !text.is_empty() && !text.ends_with('\n') {
                    return Err(unreadable("cut short"));
                }
                Ok(WordList { text })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(WordList::default()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// A list of these counts, as a build would write it.
    pub fn from_counts(counts: &BTreeMap<String, u32>) -> WordList {
        WordList {
            text: String::from_utf8(encode(counts)).unwrap_or_default(),
        }
    }

    /// Passages using this exact word (lower case); 0 when unknown.
    pub fn count(&self, word: &str) -> u32 {
        let at = self.lower_bound(word);
        match self.line(at) {
            Some((w, n, _)) if w == word => n,
            _ => 0,
        }
    }

    /// The words that start with `prefix`, in byte order, with their passage counts.
    pub fn starting_with<'a>(&'a self, prefix: &str) -> impl Iterator<Item = (&'a str, u32)> {
        let mut at = self.lower_bound(prefix);
        let prefix = prefix.to_owned();
        std::iter::from_fn(move || {
            let (w, n, next) = self.line(at)?;
            at = next;
            w.starts_with(prefix.as_str()).then_some((w, n))
        })
    }

    /// The line starting at byte `at`: its word, its count and where the next line starts.
    fn line(&self, at: usize) -> Option<(&str, u32, usize)> {
        let rest = self.text.get(at..).filter(|r| !r.is_empty())?;
        let end = rest.find('\n').unwrap_or(rest.len());
        let (word, count) = rest[..end].split_once('\t').unwrap_or((&rest[..end], ""));
        Some((word, count.parse().unwrap_or(0), at + end + 1))
    }

    /// Start of the first line whose word is not below `word`, or the end of the text.
    fn lower_bound(&self, word: &str) -> usize {
        let bytes = self.text.as_bytes();
        // Invariant: every line starting before `lo` is below `word`; the line starting at
        // `hi` (or the end) is not.
        let (mut lo, mut hi) = (0usize, bytes.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // The first line starting at or after `mid`.
            let start = match bytes[mid..hi].iter().position(|b| *b == b'\n') {
                _ if mid == lo => lo,
                Some(i) => mid + i + 1,
                None => hi,
            };
            if start >= hi {
                // No line starts in [mid, hi): look at the line starting at `lo`.
                match self.line(lo) {
                    Some((w, _, next)) if w < word => lo = next,
                    _ => hi = lo,
                }
                continue;
            }
            match self.line(start) {
                Some((w, _, next)) if w < word => lo = next,
                _ => hi = start,
            }
        }
        lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(words: &[(&str, u32)]) -> WordList {
        WordList::from_counts(&words.iter().map(|(w, n)| (w.to_string(), *n)).collect())
    }

    #[test]
    fn counts_are_found_for_every_word_and_only_for_them() {
        let words = [
            ("a", 3),
            ("ab", 1),
            ("abc", 7),
            ("b", 2),
            ("carer", 40),
            ("möglich", 1),
            ("ælfred", 5),
        ];
        let l = list(&words);
        for (w, n) in words {
            assert_eq!(l.count(w), n, "{w}");
        }
        for w in ["", "aa", "abcd", "c", "zzz", "möglic", "æ"] {
            assert_eq!(l.count(w), 0, "{w}");
        }
        assert_eq!(list(&[]).count("a"), 0);
    }

    #[test]
    fn words_starting_with_a_prefix_come_in_order() {
        let l = list(&[
            ("a", 3),
            ("ab", 1),
            ("abc", 7),
            ("b", 2),
            ("ba", 1),
            ("ca", 1),
        ]);
        let got: Vec<_> = l.starting_with("a").collect();
        assert_eq!(got, vec![("a", 3), ("ab", 1), ("abc", 7)]);
        let got: Vec<_> = l.starting_with("b").collect();
        assert_eq!(got, vec![("b", 2), ("ba", 1)]);
        assert_eq!(l.starting_with("d").count(), 0);
        assert_eq!(l.starting_with("c").count(), 1);
    }

    proptest::proptest! {
        #[test]
        fn lookups_agree_with_the_map(
            words in proptest::collection::btree_map("[a-cé]{1,4}", 1u32..9, 0..40),
            probe in "[a-cé]{0,4}",
        ) {
            let l = WordList::from_counts(&words);
            proptest::prop_assert_eq!(l.count(&probe), words.get(&probe).copied().unwrap_or(0));
            let want: Vec<(&str, u32)> = words
                .iter()
                .filter(|(w, _)| w.starts_with(&probe))
                .map(|(w, n)| (w.as_str(), *n))
                .collect();
            proptest::prop_assert_eq!(l.starting_with(&probe).collect::<Vec<_>>(), want);
        }
    }
}
