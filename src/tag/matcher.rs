//! Whole-word matching of many spellings at once: a lexicon's names, cue words or heading
//! words compiled into one alternation, each match mapped back to what it names.

use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

/// A whole-word alternation and what each spelling stands for.
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
                self.map
                    .get(m.as_str())
                    .map(|v| (m.start(), m.as_str().to_string(), v.as_slice()))
            })
            .collect()
    }
}
