//! Distinct text for the scaled corpus: copy `n` of a summary file, its words perturbed, its
//! sentences recombined and its names varied, deterministically from a seed.
//!
//! Exact copies flatter an engine: the vocabulary stays that of one copy, so a word list or a
//! column read at open costs what it costs at 1×, and near-duplicate grouping folds every copy
//! into one hit. A corpus of many books grows its vocabulary as it grows (new names, rare words,
//! other spellings) and repeats itself rarely. This module makes copies that do the same, while
//! keeping the layout (headings, lists, page references, blank lines) that segmentation and
//! tagging read, so each copy still splits into passages like the original.

use crate::segment;

/// A line with fewer words than this is layout (a heading, a title, a byline): copied as it is,
/// so sections, parts and kinds are still recognised in every copy.
const PROSE_WORDS: usize = 8;
/// Per cent of a prose line's sentences replaced by another sentence of the same file.
const RECOMBINE_PERCENT: u64 = 30;
/// Per cent of prose lines whose sentences are also put in another order.
const REORDER_PERCENT: u64 = 50;
/// Per cent of the occurrences of an ordinary word (of at least [`WORD_LETTERS`] letters) that
/// are spelt as one of the word's variants. With [`RECOMBINE_PERCENT`] this leaves about 40 %
/// of a passage's four-word shingles in common with the original, under the 80 % at which
/// passages are grouped as near-duplicates.
const WORD_PERCENT: u64 = 30;
/// Shorter words (articles, pronouns, most prepositions) keep their spelling: real text varies
/// in its content words, and the stop-word list must still recognise the function words.
const WORD_LETTERS: usize = 5;
/// Per cent of the distinct names (capitalised words inside a sentence) renamed in a copy.
/// A name keeps its new spelling throughout the copy, as a book keeps its characters' names.
const NAME_PERCENT: u64 = 50;

/// Copy `copy` (0-based) of the text of one summary file. Copy 0 is `text` itself; every other
/// copy is a variation that depends only on `text`, `copy` and `seed`.
///
/// The number of spellings a word can take grows with the square root of the copy number, so
/// the vocabulary of `n` copies grows about as `√n` (Heaps' law with β = ½, close to what is
/// measured for English text) instead of staying flat (exact copies) or growing linearly.
pub fn vary(text: &str, copy: usize, seed: u64) -> String {
    if copy == 0 {
        return text.to_string();
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let pool: Vec<&str> = lines
        .iter()
        .filter(|l| is_prose(l))
        .flat_map(|l| segment::sentences(l).into_iter().map(move |r| &l[r]))
        .collect();
    let copy = copy as u64;
    let variants = spellings(copy);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (n, line) in lines.iter().enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        if !is_prose(body) {
            out.push_str(line);
            continue;
        }
        let at = mix(&[seed, copy, n as u64]);
        let recombined = recombine(body, &pool, at);
        vary_words(&recombined, seed, copy, at, variants, &mut out);
        out.push_str(ending);
    }
    out
}

/// How many spellings (the word itself included) a word may take in copy `copy`: 1 + 2⌊√copy⌋.
fn spellings(copy: u64) -> u64 {
    1 + 2 * copy.isqrt()
}

fn is_prose(line: &str) -> bool {
    line.split_whitespace().count() >= PROSE_WORDS
}

/// The line's sentences, some replaced by sentences from `pool` and, for some lines, rotated.
fn recombine(line: &str, pool: &[&str], at: u64) -> String {
    let lead = &line[..line.len() - line.trim_start().len()];
    let mut sentences: Vec<&str> = segment::sentences(line)
        .into_iter()
        .map(|r| &line[r])
        .collect();
    if sentences.is_empty() {
        return line.to_string();
    }
    for (i, s) in sentences.iter_mut().enumerate() {
        let h = mix(&[at, 1, i as u64]);
        if !pool.is_empty() && h % 100 < RECOMBINE_PERCENT {
            *s = pool[((h >> 8) % pool.len() as u64) as usize];
        }
    }
    let h = mix(&[at, 2]);
    if sentences.len() > 1 && h % 100 < REORDER_PERCENT {
        let by = 1 + ((h >> 8) % (sentences.len() as u64 - 1)) as usize;
        sentences.rotate_left(by);
    }
    format!("{lead}{}", sentences.join(" "))
}

/// Copies `line` to `out`, respelling some of its words and names.
fn vary_words(line: &str, seed: u64, copy: u64, at: u64, variants: u64, out: &mut String) {
    let mut sentence_start = true;
    let mut rest = line;
    let mut nth = 0u64;
    while !rest.is_empty() {
        let word_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        if word_len == 0 {
            let c = rest.chars().next().expect("rest is not empty");
            if matches!(c, '.' | '!' | '?' | ':' | '"' | '\u{201c}') {
                sentence_start = true;
            } else if !c.is_whitespace() && !c.is_ascii_punctuation() {
                sentence_start = false;
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let (word, tail) = rest.split_at(word_len);
        rest = tail;
        nth += 1;
        let variant = if is_name(word) && !sentence_start {
            // The same for every occurrence of the name in this copy.
            let h = mix(&[seed, copy, fnv(word.as_bytes())]);
            (h % 100 < NAME_PERCENT).then(|| 1 + (h >> 8) % variants.max(2))
        } else if word.len() >= WORD_LETTERS && word.bytes().all(|b| b.is_ascii_lowercase()) {
            let h = mix(&[at, 3, nth]);
            (h % 100 < WORD_PERCENT).then(|| (h >> 8) % variants)
        } else {
            None
        };
        match variant {
            Some(v) if v > 0 => out.push_str(&respell(word, v)),
            _ => out.push_str(word),
        }
        sentence_start = false;
    }
}

/// A capitalised word of at least four letters with the rest in lower case ("Ruth", not "I",
/// "TV" or "The"… at a sentence's start, which the caller rules out).
fn is_name(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_lowercase)
}

const VOWELS: &[u8] = b"aeiou";
const CONSONANTS: &[u8] = b"bcdfghjklmnpqrstvwxyz";

/// Spelling number `variant` (≥ 1) of `word`: one letter after the first changed to another
/// letter of its class (a vowel for a vowel), two letters for the higher numbers, case kept.
/// The first letter stays, so a name still reads as a name and an index still sorts it near.
fn respell(word: &str, variant: u64) -> String {
    let mut bytes = word.as_bytes().to_vec();
    let changes = if variant > 4 { 2 } else { 1 };
    for k in 0..changes {
        let h = mix(&[fnv(word.as_bytes()), variant, k]);
        let at = 1 + (h % (bytes.len() as u64 - 1)) as usize;
        let b = bytes[at];
        let lower = b.to_ascii_lowercase();
        let class = if VOWELS.contains(&lower) {
            VOWELS
        } else {
            CONSONANTS
        };
        let i = class.iter().position(|&c| c == lower).unwrap_or(0);
        let step = 1 + ((h >> 16) % (class.len() as u64 - 1)) as usize;
        let new = class[(i + step) % class.len()];
        bytes[at] = if b.is_ascii_uppercase() {
            new.to_ascii_uppercase()
        } else {
            new
        };
    }
    String::from_utf8(bytes).expect("ASCII letters replaced by ASCII letters")
}

/// FNV-1a: a stable hash of a word, the same on every platform and release (std's hasher is
/// not promised to be), so a seed always gives the same corpus.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Mixes numbers into one well-spread hash (splitmix64's finaliser over each value in turn).
fn mix(values: &[u64]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64;
    for &v in values {
        h = (h ^ v).wrapping_add(0x9e37_79b9_7f4a_7c15);
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 31;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const PROSE: &str = "Part One\n\nThe students at the school are encouraged to create art, \
        and Tommy struggles with his temper (p. 23). Ruth tells stories about the guardians \
        and their secrets. Everyone wonders about the Gallery and the deferrals.\n\
        - a short list item\n\nAnother paragraph explains how the carers drive between the \
        recovery centres, watching over their donors until the very end.\n";

    fn shipped(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(name);
        std::fs::read_to_string(&path).unwrap()
    }

    fn words(text: &str) -> impl Iterator<Item = String> + '_ {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
    }

    #[test]
    fn copy_zero_is_the_text_itself_and_other_copies_differ() {
        assert_eq!(vary(PROSE, 0, 7), PROSE);
        let copies: HashSet<String> = (0..6).map(|c| vary(PROSE, c, 7)).collect();
        assert_eq!(copies.len(), 6, "every copy is distinct");
    }

    #[test]
    fn a_seed_decides_the_copy() {
        assert_eq!(vary(PROSE, 3, 7), vary(PROSE, 3, 7));
        assert_ne!(vary(PROSE, 3, 7), vary(PROSE, 3, 8));
    }

    #[test]
    fn layout_lines_and_page_references_are_kept() {
        let text = shipped("reading-notes.txt");
        let refs = |t: &str| segment::page_ref().find_iter(t).count();
        for copy in 1..5 {
            let v = vary(&text, copy, 1);
            let (a, b): (Vec<&str>, Vec<&str>) = (text.lines().collect(), v.lines().collect());
            assert_eq!(a.len(), b.len(), "copy {copy}: line count");
            for (x, y) in a.iter().zip(&b) {
                if !is_prose(x) {
                    assert_eq!(x, y, "copy {copy}: a layout line changed");
                }
            }
            // Recombination can repeat or drop a sentence holding one, so compare loosely.
            let (r0, r1) = (refs(&text), refs(&v));
            assert!(
                r1 * 10 >= r0 * 7,
                "copy {copy}: {r1} page references of {r0}"
            );
        }
    }

    #[test]
    fn the_vocabulary_grows_with_the_copies_but_slower_than_the_text() {
        let text = shipped("study-guide.txt");
        let vocab = |n: usize| {
            (0..n)
                .flat_map(|c| words(&vary(&text, c, 1)).collect::<Vec<_>>())
                .collect::<HashSet<_>>()
                .len()
        };
        let (v1, v4, v16) = (vocab(1), vocab(4), vocab(16));
        // Exact copies would give v16 == v1; a new word per word would give 16 × v1.
        assert!(v4 as f64 > 1.3 * v1 as f64, "{v1} → {v4}");
        assert!(v16 as f64 > 1.3 * v4 as f64, "{v4} → {v16}");
        assert!((v16 as f64) < 8.0 * v1 as f64, "{v1} → {v16}");
    }

    #[test]
    fn respelling_keeps_length_case_and_the_first_letter() {
        let cases = [
            ("deferral", 1),
            ("Hailsham", 3),
            ("donation", 9),
            ("Ruth", 2),
        ];
        for (word, v) in cases {
            let got = respell(word, v);
            assert_ne!(got, word);
            assert_eq!(got.len(), word.len());
            assert_eq!(got[..1], word[..1]);
            assert_eq!(
                got.chars().map(|c| c.is_uppercase()).collect::<Vec<_>>(),
                word.chars().map(|c| c.is_uppercase()).collect::<Vec<_>>()
            );
        }
        assert_ne!(respell("deferral", 1), respell("deferral", 2));
    }

    #[test]
    fn a_name_keeps_one_spelling_within_a_copy() {
        let text = "The boy said that Tommy was late again and that Tommy would be sorry for it.\n";
        for copy in 1..40 {
            let v = vary(text, copy, 5);
            let names: HashSet<&str> = v
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.starts_with('T') && w.len() == 5)
                .collect();
            assert_eq!(names.len(), 1, "copy {copy}: {v}");
        }
    }

    #[test]
    fn spellings_grow_with_the_square_root_of_the_copy() {
        let cases = [(1, 3), (3, 3), (4, 5), (99, 19), (100, 21), (1000, 63)];
        for (copy, want) in cases {
            assert_eq!(spellings(copy), want, "copy {copy}");
        }
    }
}
