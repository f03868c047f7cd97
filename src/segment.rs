//! Stage 2, segment: cleaned lines → passages-to-be, each with its section path.
//!
//! Finds headings (short unpunctuated lines, markdown `#` lines, FAQ questions), list items and
//! their inline labels (`1. Location and Layout: …`), splits long paragraphs at sentence
//! boundaries and folds scraps (a signature, a stray button) into a neighbour. It knows nothing
//! about characters or themes: that is tagging's job.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use unicode_segmentation::UnicodeSegmentation;

use crate::clean::{Layout, Line, Mapped};

/// A passage before tagging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Headings it sits under, outermost first; a list item's label comes last.
    pub section: Vec<String>,
    pub text: Mapped,
    /// Part of the readers' comments below a post.
    pub in_comments: bool,
    /// A list item (or a paragraph continuing one).
    pub list_item: bool,
}

#[derive(Debug, Clone)]
enum Elem {
    /// A heading line. `level` is set for markdown headings; `question` for FAQ questions.
    Heading {
        text: String,
        level: Option<usize>,
        question: bool,
        /// Where it came from, should it turn out to be a scrap and not a heading.
        mapped: Mapped,
        in_comments: bool,
    },
    Para {
        text: Mapped,
        /// An indented paragraph right after a list item: more of that item.
        continues_item: bool,
        in_comments: bool,
    },
    Item {
        indent: usize,
        text: Mapped,
        in_comments: bool,
    },
    /// The end of the innermost layout heading's reach.
    Break,
}

fn list_marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:\d{1,3}[.)]|[a-z][.)]|[•\-*–·▪◦])\s+\S").expect("list marker regex")
    })
}

fn markdown_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(#{1,6})\s+(.+?)\s*#*$").expect("markdown heading regex"))
}

fn item_label() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"^(\p{Lu}[^:"“”?!]{0,79}?):(?:\s+\S|$)"#).expect("item label regex")
    })
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Length of the list marker and the space after it, if the line is a list item.
fn marker_len(text: &str) -> Option<usize> {
    if !list_marker().is_match(text) {
        return None;
    }
    let marker_end = text.find(char::is_whitespace)?;
    let rest = &text[marker_end..];
    Some(marker_end + (rest.len() - rest.trim_start().len()))
}

/// The inline label of a list item (`Kathy H.: Kathy is …` → `Kathy H.`) and whether the item
/// is only a label (`Themes:`), which makes it a heading for the items nested under it.
pub fn label_of(item: &str, max_words: usize) -> Option<(String, bool)> {
    let caps = item_label().captures(item)?;
    let label = caps.get(1)?.as_str().trim();
    if words(label) > max_words.min(8) || label.ends_with(',') {
        return None;
    }
    let only = item.trim_end().len() == caps.get(1)?.end() + 1;
    Some((label.to_string(), only))
}

fn starts_upper(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether a line, standing alone, reads as a heading (or a FAQ question).
fn heading_kind(text: &str, layout: &Layout) -> Option<bool> {
    if !starts_upper(text) || list_marker().is_match(text) {
        return None;
    }
    let n = words(text);
    if text.ends_with('?') {
        return (n <= layout.question_max_words).then_some(true);
    }
    let last = text.chars().last()?;
    if n > layout.heading_max_words || ".,;!\"”’)…".contains(last) {
        return None;
    }
    if last == ':' && n > 6 {
        return None;
    }
    Some(false)
}

/// Runs of non-blank lines, each with the number of blank lines before it.
fn blocks(lines: &[Line]) -> Vec<(usize, &[Line])> {
    let mut out = Vec::new();
    let mut blanks = 0;
    for b in lines.split(|l| l.text.text.is_empty()) {
        if b.is_empty() {
            blanks += 1;
        } else {
            out.push((blanks + 1, b));
            blanks = 0;
        }
    }
    out
}

fn elements(lines: &[Line], layout: &Layout) -> Vec<Elem> {
    let mut out: Vec<Elem> = Vec::new();
    for (blanks, block) in blocks(lines) {
        // A numbered list starting again at 1 after a wide gap is a new, unheaded list: it
        // does not belong to the heading above the previous list.
        let restarts = block[0].text.text.starts_with("1.") || block[0].text.text.starts_with("1)");
        if blanks >= 3 && restarts && matches!(out.last(), Some(Elem::Item { .. })) {
            out.push(Elem::Break);
        }
        for (i, line) in block.iter().enumerate() {
            let text = &line.text.text;
            if let Some(m) = markdown_heading().captures(text) {
                let level = m.get(1).map_or(1, |g| g.len());
                let t = m.get(2).map_or("", |g| g.as_str()).to_string();
                out.push(Elem::Heading {
                    question: t.ends_with('?'),
                    text: t,
                    level: Some(level),
                    mapped: line.text.clone(),
                    in_comments: line.in_comments,
                });
                continue;
            }
            if let Some(len) = marker_len(text) {
                out.push(Elem::Item {
                    indent: line.indent,
                    text: line.text.slice(len, text.len()),
                    in_comments: line.in_comments,
                });
                continue;
            }
            if i == 0 {
                let after_item = matches!(
                    out.last(),
                    Some(Elem::Item { .. })
                        | Some(Elem::Para {
                            continues_item: true,
                            ..
                        })
                );
                if line.indent >= 2 && after_item {
                    out.push(Elem::Para {
                        text: line.text.clone(),
                        continues_item: true,
                        in_comments: line.in_comments,
                    });
                    continue;
                }
                // In a block of several lines the first is a heading only when it is much
                // shorter than the next: hard-wrapped prose has lines of similar length.
                let stands_out = block.get(1).is_none_or(|next| {
                    starts_upper(&next.text.text) && text.len() * 2 < next.text.text.len()
                });
                let allowed = !line.in_comments || line.opens_comments;
                if let (Some(question), true, true) =
                    (heading_kind(text, layout), stands_out, allowed)
                {
                    out.push(Elem::Heading {
                        text: text.clone(),
                        level: None,
                        question,
                        mapped: line.text.clone(),
                        in_comments: line.in_comments,
                    });
                    continue;
                }
            }
            match out.last_mut() {
                Some(Elem::Para { text: t, .. }) | Some(Elem::Item { text: t, .. }) if i > 0 => {
                    t.append(" ", &line.text)
                }
                _ => out.push(Elem::Para {
                    text: line.text.clone(),
                    continues_item: false,
                    in_comments: line.in_comments,
                }),
            }
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Open {
    text: String,
    /// Markdown level, or None for a heading found by layout.
    level: Option<usize>,
    /// A layout heading directly followed by another heading: it heads a group.
    container: bool,
}

/// Splits one source's cleaned lines into segments in reading order.
pub fn segment(lines: &[Line], layout: &Layout) -> Vec<Segment> {
    let elems = elements(lines, layout);
    let mut stack: Vec<Open> = Vec::new();
    let mut list_heads: Vec<(usize, String)> = Vec::new();
    let mut item_section: Vec<String> = Vec::new();
    let mut out: Vec<Segment> = Vec::new();
    let path = |stack: &[Open], heads: &[(usize, String)]| -> Vec<String> {
        stack
            .iter()
            .map(|o| o.text.clone())
            .chain(heads.iter().map(|h| h.1.clone()))
            .collect()
    };
    for (i, e) in elems.iter().enumerate() {
        match e {
            Elem::Heading {
                text,
                level,
                question,
                mapped,
                in_comments,
            } => {
                let next = elems.get(i + 1);
                if next.is_none() {
                    // Nothing under it: a stray line, kept as text (it may be a scrap).
                    out.push(Segment {
                        section: path(&stack, &list_heads),
                        text: mapped.clone(),
                        in_comments: *in_comments,
                        list_item: false,
                    });
                    continue;
                }
                list_heads.clear();
                let container =
                    level.is_none() && !question && matches!(next, Some(Elem::Heading { .. }));
                match level {
                    Some(l) => {
                        while stack
                            .last()
                            .is_some_and(|o| o.level.is_none_or(|x| x >= *l))
                        {
                            stack.pop();
                        }
                    }
                    None if container => {
                        while stack.last().is_some_and(|o| o.level.is_none()) {
                            stack.pop();
                        }
                    }
                    None => {
                        while stack
                            .last()
                            .is_some_and(|o| o.level.is_none() && !o.container)
                        {
                            stack.pop();
                        }
                    }
                }
                stack.push(Open {
                    text: text.clone(),
                    level: *level,
                    container,
                });
            }
            Elem::Para {
                text,
                continues_item,
                in_comments,
            } => {
                let section = if *continues_item {
                    item_section.clone()
                } else {
                    list_heads.clear();
                    path(&stack, &list_heads)
                };
                out.push(Segment {
                    section,
                    text: text.clone(),
                    in_comments: *in_comments,
                    list_item: *continues_item,
                });
            }
            Elem::Break => {
                list_heads.clear();
                if stack
                    .last()
                    .is_some_and(|o| o.level.is_none() && !o.container)
                {
                    stack.pop();
                }
            }
            Elem::Item {
                indent,
                text,
                in_comments,
            } => {
                while list_heads.last().is_some_and(|h| h.0 >= *indent) {
                    list_heads.pop();
                }
                let mut section = path(&stack, &list_heads);
                match label_of(&text.text, layout.heading_max_words) {
                    Some((label, true)) => {
                        list_heads.push((*indent, label));
                        continue;
                    }
                    Some((label, false)) => section.push(label),
                    None => {}
                }
                item_section = section.clone();
                out.push(Segment {
                    section,
                    text: text.clone(),
                    in_comments: *in_comments,
                    list_item: true,
                });
            }
        }
    }
    let out: Vec<Segment> = out
        .into_iter()
        .flat_map(|s| split_long(s, layout))
        .collect();
    merge_scraps(out, layout)
}

/// Sentence ranges of `text`, trimmed of surrounding white space, empty ones dropped.
///
/// The sentence rules end a sentence at the full stop of "(p. 181)", leaving "(p." and "181)" as
/// sentences of their own, shown alone as context. So a piece that opens with a digit after a
/// word of one or two letters and a full stop ("p.", "pp.", "No.") continues the sentence before
/// it, as does a piece without a letter; and a page reference left on its own ("(p. 181)" after
/// a quotation) belongs to the sentence it cites.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = vec![];
    for (start, s) in text.split_sentence_bound_indices() {
        let lead = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        if trimmed.is_empty() {
            continue;
        }
        let range = start + lead..start + lead + trimmed.len();
        let continues = |last: &Range<usize>| {
            !trimmed.chars().any(char::is_alphabetic)
                || (trimmed.starts_with(|c: char| c.is_ascii_digit())
                    && ends_in_abbreviation(&text[last.clone()]))
        };
        match out.last_mut() {
            Some(last) if continues(last) => last.end = range.end,
            _ => out.push(range),
        }
    }
    let mut joined: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match joined.last_mut() {
            Some(last) if is_page_reference(&text[r.clone()]) => last.end = r.end,
            _ => joined.push(r),
        }
    }
    joined
}

/// "(p. 181)", "(pp. 58-59).", "page 12": a reference to pages ([`page_ref`]) and nothing else.
fn is_page_reference(s: &str) -> bool {
    let core = s.trim_matches(|c: char| c.is_whitespace() || "().,;".contains(c));
    page_ref()
        .find(core)
        .is_some_and(|m| m.start() == 0 && m.end() == core.len())
}

/// A page reference: "p." or "pp." or "page(s)", then a page or a list of pages ("58-59",
/// "80, 82 and 87"), the list captured. Sentences keep one with the sentence it cites;
/// tagging reads the pages from it.
pub(crate) fn page_ref() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:pp?\.|pages?)\s*(\d{1,4}(?:\s*(?:[-–—,]|and|&)\s*\d{1,4})*)")
            .expect("page regex")
    })
}

/// Whether `sentence` ends with a word of one or two letters and a full stop ("(p.", "pp.").
fn ends_in_abbreviation(sentence: &str) -> bool {
    let Some(rest) = sentence.strip_suffix('.') else {
        return false;
    };
    let word = rest
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default();
    (1..=2).contains(&word.chars().count())
}

/// Splits a segment longer than `target_words` at sentence boundaries into pieces of about
/// equal length, none over `max_words` (a run-on sentence is cut between words).
fn split_long(seg: Segment, layout: &Layout) -> Vec<Segment> {
    let total = words(&seg.text.text);
    if total <= layout.target_words {
        return vec![seg];
    }
    let text = &seg.text.text;
    // Sentence pieces as (start, end, words); over-long sentences are cut at word starts.
    let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
    for sentence in sentences(text) {
        let (start, end) = (sentence.start, sentence.end);
        let s = &text[sentence];
        let n = words(s);
        if n <= layout.max_words {
            pieces.push((start, end, n));
            continue;
        }
        let mut from = start;
        let mut count = 0;
        for (off, w) in s.split_word_bound_indices() {
            if w.trim().is_empty() {
                continue;
            }
            if count == layout.target_words {
                pieces.push((from, start + off, count));
                from = start + off;
                count = 0;
            }
            count += 1;
        }
        pieces.push((from, end, count));
    }
    let chunks = total.div_ceil(layout.target_words);
    let goal = total.div_ceil(chunks);
    let mut cuts: Vec<(usize, usize, usize)> = Vec::new();
    for (s, e, n) in pieces {
        match cuts.last_mut() {
            Some(last) if last.2 < goal && last.2 + n <= layout.max_words => {
                last.1 = e;
                last.2 += n;
            }
            _ => cuts.push((s, e, n)),
        }
    }
    if cuts.len() >= 2 {
        let (a, b) = (cuts[cuts.len() - 2], cuts[cuts.len() - 1]);
        if b.2 < layout.min_words && a.2 + b.2 <= layout.max_words {
            cuts.pop();
            if let Some(l) = cuts.last_mut() {
                l.1 = b.1;
                l.2 += b.2;
            }
        }
    }
    cuts.into_iter()
        .filter_map(|(s, e, _)| {
            let piece = &text[s..e];
            let lead = piece.len() - piece.trim_start().len();
            let trail = piece.len() - piece.trim_end().len();
            (s + lead < e - trail).then(|| Segment {
                text: seg.text.slice(s + lead, e - trail),
                ..seg.clone()
            })
        })
        .collect()
}

/// Folds segments shorter than `scrap_words` into the previous segment (or the next, for the
/// first), so a signature or a stray widget word never stands as a passage of its own.
fn merge_scraps(segs: Vec<Segment>, layout: &Layout) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segs.len());
    let mut carry: Option<Segment> = None;
    for mut s in segs {
        if let Some(c) = carry.take() {
            let mut merged = c.text;
            merged.append("\n", &s.text);
            s.text = merged;
        }
        if words(&s.text.text) < layout.scrap_words {
            if let Some(prev) = out.last_mut() {
                prev.text.append("\n", &s.text);
            } else {
                carry = Some(s);
            }
            continue;
        }
        out.push(s);
    }
    if let Some(c) = carry {
        // A source made only of scraps still keeps its words.
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::{clean, Rules, DEFAULT_RULES};

    fn run(text: &str) -> Vec<(Vec<String>, String)> {
        let rules = Rules::parse(DEFAULT_RULES).unwrap();
        segment(&clean(text, 0, &rules), &rules.layout)
            .into_iter()
            .map(|s| (s.section, s.text.text))
            .collect()
    }

    fn sec(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headings_nest_by_layout() {
        let text = "Plot Summary\n\nPart One: Life at Hailsham\n\nThe students make art at school.\n\nPart Two: The Cottages\n\nThey move to the farm buildings.\n\nCharacter Analysis\n\nKathy H. - The Reflective Narrator\n\nKathy keeps her memories close.";
        assert_eq!(
            run(text),
            [
                (
                    sec(&["Plot Summary", "Part One: Life at Hailsham"]),
                    "The students make art at school.".into()
                ),
                (
                    sec(&["Plot Summary", "Part Two: The Cottages"]),
                    "They move to the farm buildings.".into()
                ),
                (
                    sec(&["Character Analysis", "Kathy H. - The Reflective Narrator"]),
                    "Kathy keeps her memories close.".into()
                ),
            ]
        );
    }

    #[test]
    fn faq_questions_head_their_answers() {
        let text = "Frequently Asked Questions\n\nWhy does Madame cry?\n\nShe sees a girl dancing alone.\n\nWho is Ruth?\n\nRuth is Kathy's friend from school.";
        let got = run(text);
        assert_eq!(
            got[0].0,
            sec(&["Frequently Asked Questions", "Why does Madame cry?"])
        );
        assert_eq!(
            got[1].0,
            sec(&["Frequently Asked Questions", "Who is Ruth?"])
        );
    }

    #[test]
    fn list_items_and_labels() {
        for (text, want) in [
            (
                "Main characters\n\n  1. Kathy H.: Kathy is the narrator of the book.\n\n  2. Tommy D.: Tommy has a temper as a boy.",
                vec![
                    (
                        sec(&["Main characters", "Kathy H."]),
                        "Kathy H.: Kathy is the narrator of the book.",
                    ),
                    (
                        sec(&["Main characters", "Tommy D."]),
                        "Tommy D.: Tommy has a temper as a boy.",
                    ),
                ],
            ),
            (
                "Ideas\n\n  1. Themes:\n\n    • Memory and Time: The past shapes the present day.\n\n  2. Symbols:\n\n    • The Song: It stands for longing and loss.",
                vec![
                    (
                        sec(&["Ideas", "Themes", "Memory and Time"]),
                        "Memory and Time: The past shapes the present day.",
                    ),
                    (
                        sec(&["Ideas", "Symbols", "The Song"]),
                        "The Song: It stands for longing and loss.",
                    ),
                ],
            ),
            (
                "Quotes\n\n1. \"Your lives are set out for you.\" (p. 80)\n2. \"We all complete in the end.\" (p. 282)",
                vec![
                    (sec(&["Quotes"]), "\"Your lives are set out for you.\" (p. 80)"),
                    (sec(&["Quotes"]), "\"We all complete in the end.\" (p. 282)"),
                ],
            ),
        ] {
            let got = run(text);
            let got: Vec<(Vec<String>, &str)> =
                got.iter().map(|(s, t)| (s.clone(), t.as_str())).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn a_list_restarting_after_a_wide_gap_leaves_the_heading() {
        let text = "Cast\n\n  1. Kathy: The narrator of it all.\n\n\n\n  1. Hailsham: A school in a hollow.\n\n  2. Cottages: Old farm buildings.";
        let got = run(text);
        assert_eq!(got[0].0, sec(&["Cast", "Kathy"]));
        assert_eq!(got[1].0, sec(&["Hailsham"]));
        assert_eq!(got[2].0, sec(&["Cottages"]));
        let near =
            "Cast\n\n  1. Kathy: The narrator of it all.\n\n  1. Ruth: Her friend from school.";
        assert_eq!(run(near)[1].0, sec(&["Cast", "Ruth"]));
    }

    #[test]
    fn windows_line_endings_are_handled() {
        let text = "Plot Summary\r\n\r\nKathy grows up at Hailsham\r\nwith her two friends.\r\n";
        let rules = Rules::parse(DEFAULT_RULES).unwrap();
        let segs = segment(&clean(text, 0, &rules), &rules.layout);
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].section, sec(&["Plot Summary"]));
        assert_eq!(
            segs[0].text.text,
            "Kathy grows up at Hailsham with her two friends."
        );
        let [a, b] = segs[0].text.source_range();
        assert_eq!(
            &text[a..b],
            "Kathy grows up at Hailsham\r\nwith her two friends."
        );
    }

    #[test]
    fn markdown_headings_set_levels() {
        let text = "# A Guide\n\n## Plot\n\nThe children grow up at school.\n\n### Ending\n\nThe last donation comes.\n\n## Key Quotations\n\n- \"Never let me go.\" — Kathy, Chapter 6";
        let got = run(text);
        assert_eq!(got[0].0, sec(&["A Guide", "Plot"]));
        assert_eq!(got[1].0, sec(&["A Guide", "Plot", "Ending"]));
        assert_eq!(got[2].0, sec(&["A Guide", "Key Quotations"]));
    }

    #[test]
    fn wrapped_prose_is_one_paragraph_not_a_heading() {
        let text = "Kathy looks back on her years as\na carer and on the school where she\ngrew up with her two friends.";
        let got = run(text);
        assert_eq!(got.len(), 1);
        assert!(got[0].0.is_empty());
        assert!(got[0]
            .1
            .starts_with("Kathy looks back on her years as a carer"));
    }

    #[test]
    fn signatures_and_scraps_join_a_neighbour() {
        let text = "Comments below\n\n  1. A haunting book about what it means to live.\n\n    Kevin R\n\n  2. Another reader liked the ending a lot.";
        let got = run(text);
        assert_eq!(got.len(), 2);
        assert!(got[0].1.ends_with("live.\nKevin R"), "{:?}", got[0].1);
    }

    #[test]
    fn long_paragraphs_split_at_sentences_within_bounds() {
        let sentence = "Kathy remembers the pond and the woods behind the school quite well. ";
        for (repeats, pieces) in [(10, 1), (12, 1), (14, 2), (25, 2), (40, 4), (100, 8)] {
            let text = sentence.repeat(repeats);
            let got = run(&text);
            assert_eq!(got.len(), pieces, "{repeats} sentences");
            for (_, t) in &got {
                let n = words(t);
                assert!(n <= 200 && (pieces == 1 || n >= 40), "{n} words");
                assert!(t.ends_with('.'));
            }
        }
        let run_on = "word ".repeat(1000);
        for (_, t) in run(&run_on) {
            assert!(words(&t) <= 200);
        }
        // A page reference is never cut from the sentence it cites, whatever the cut points.
        let cited = "Kathy remembers the pond and the woods behind the school (p. 23). ";
        for repeats in [14, 25, 40] {
            for (_, t) in run(&cited.repeat(repeats)) {
                assert!(t.starts_with("Kathy") && t.ends_with("(p. 23)."), "{t:?}");
            }
        }
    }

    #[test]
    fn split_passages_keep_exact_offsets() {
        let sentence = "Tommy draws his animals〞tiny and careful〞in a notebook. ";
        let text = sentence.repeat(40);
        let rules = Rules::parse(DEFAULT_RULES).unwrap();
        for s in segment(&clean(&text, 0, &rules), &rules.layout) {
            let [a, b] = s.text.source_range();
            let original = &text[a..b];
            assert_eq!(original.replace('〞', "—"), s.text.text);
        }
    }

    #[test]
    fn sentences_keep_page_references_and_fragments_with_the_sentence_before() {
        for (text, want) in [
            ("One. Two.", vec!["One.", "Two."]),
            (
                "Described at length (pp. 58-59). Next.",
                vec!["Described at length (pp. 58-59).", "Next."],
            ),
            (
                "\"Why was that?\" (p. 181)",
                vec!["\"Why was that?\" (p. 181)"],
            ),
            // A piece without a letter continues the sentence before, if there is one.
            ("It ends. 12. The end.", vec!["It ends. 12.", "The end."]),
            ("12. The end.", vec!["12.", "The end."]),
            ("  ", vec![]),
            // Short sentences and other abbreviations are left alone.
            ("Yes. No. Maybe so.", vec!["Yes.", "No.", "Maybe so."]),
            ("See page 12. Then go.", vec!["See page 12.", "Then go."]),
            ("Page 12. Then go.", vec!["Page 12.", "Then go."]),
        ] {
            let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }
}
