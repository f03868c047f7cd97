//! Whole-word matching of many spellings at once: a lexicon's names, cue words or heading
//! words compiled into one alternation, each match mapped back to what it names.

use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

/// A whole-word alternation and what each spelling stands for. A spelling ending in `*` is a
/// word start: it matches every word that begins so ("manipulat*": "manipulations").
#[derive(Debug, Clone)]
pub(super) struct Matcher {
    re: Option<Regex>,
    /// Spelling (lower case when the matcher ignores case) → indices of what it names.
    map: HashMap<String, Vec<usize>>,
    ignore_case: bool,
}

impl Matcher {
    pub(super) fn new<'a>(
        spellings: impl IntoIterator<Item = (&'a str, usize)>,
        ignore_case: bool,
    ) -> Result<Matcher, String> {
        let mut map: HashMap<String, Vec<usize>> = HashMap::new();
        for (s, i) in spellings {
            let s = s.trim();
            if s.is_empty() {
                continue;
            }
            let key = if ignore_case {
                s.to_lowercase()
            } else {
                s.to_string()
            };
            let v = map.entry(key).or_default();
            if !v.contains(&i) {
                v.push(i);
            }
        }
        let mut keys: Vec<&String> = map.keys().collect();
        // Longest first, so "Kathy H." wins over "Kathy" at the same place.
        keys.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let alts: Vec<String> = keys
            .iter()
            .map(|k| {
                // ASCII boundaries (the matcher runs without Unicode tables, which is what keeps it fast).
                let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                let pre = if word(k.chars().next()) { r"\b" } else { "" };
                if let Some(stem) = k.strip_suffix('*').filter(|s| !s.is_empty()) {
                    return format!("{pre}{}[a-z0-9]*", regex::escape(stem));
                }
                let post = if word(k.chars().last()) { r"\b" } else { "" };
                format!("{pre}{}{post}", regex::escape(k))
            })
            .collect();
        let re = if alts.is_empty() {
            None
        } else {
            Some(
                // Case is ignored by lower-casing both sides, not by `(?i)`: Unicode case
                // folding makes the alternation many times slower to build and to run.
                RegexBuilder::new(&alts.join("|"))
                    .unicode(false)
                    .size_limit(1 << 24)
                    .build()
                    .map_err(|e| format!("lexicon words do not form a valid pattern: {e}"))?,
            )
        };
        Ok(Matcher {
            re,
            map,
            ignore_case,
        })
    }

    /// Every match in `text`: (byte start, matched text, indices it names).
    /// Every match in `text`: (byte start, matched spelling, indices it names). For a matcher
    /// that ignores case, offsets and spellings refer to the lower-cased text.
    pub(super) fn find(&self, text: &str) -> Vec<(usize, String, &[usize])> {
        let Some(re) = &self.re else {
            return Vec::new();
        };
        let lowered;
        let hay = if self.ignore_case {
            lowered = text.to_lowercase();
            lowered.as_str()
        } else {
            text
        };
        re.find_iter(hay)
            .filter_map(|m| {
                let found = m.as_str();
                self.map
                    .get(found)
                    .or_else(|| self.word_start(found))
                    .map(|v| (m.start(), found.to_string(), v.as_slice()))
            })
            .collect()
    }

    /// What the longest word start (`stem*`) that `word` begins with names.
    fn word_start(&self, word: &str) -> Option<&Vec<usize>> {
        (1..=word.len())
            .rev()
            .filter(|&n| word.is_char_boundary(n))
            .find_map(|n| self.map.get(&format!("{}*", &word[..n])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_and_word_starts() {
        let m = Matcher::new([("manipulat*", 0), ("lost", 1), ("in love", 2)], true).unwrap();
        let found = |t: &str| -> Vec<(String, Vec<usize>)> {
            m.find(t)
                .into_iter()
                .map(|(_, w, ids)| (w, ids.to_vec()))
                .collect()
        };
        assert_eq!(
            found("Her Manipulations, lost and in love."),
            [
                ("manipulations".to_string(), vec![0]),
                ("lost".into(), vec![1]),
                ("in love".into(), vec![2]),
            ]
        );
        // A word start is still a word start: not inside another word.
        assert!(found("unmanipulated lostness").is_empty());
    }
}
