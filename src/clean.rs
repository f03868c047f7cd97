//! Stage 1, clean: one source's raw text → repaired lines with web chrome removed, each line
//! remembering where it came from in the file. The rules are data (`corpus/cleaning.toml`).
//!
//! Lines are the unit of removal, so every surviving character can be traced back to a byte of
//! the original file through the line's anchors, even after repairs change its length.

use std::path::Path;

use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::Kind;

/// File name of the cleaning and layout rules inside the corpus directory.
pub const CLEANING_FILE: &str = "cleaning.toml";

/// The shipped rules, used when a corpus has no `cleaning.toml` of its own.
pub const DEFAULT_RULES: &str = include_str!("../corpus/cleaning.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RepairSpec {
    #[serde(default)]
    name: String,
    from: String,
    to: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternSpec {
    #[serde(default)]
    name: String,
    pattern: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindSpec {
    kind: String,
    #[serde(default)]
    headings: Vec<String>,
    /// Words in a passage's text that read as this kind when no heading decides one.
    #[serde(default)]
    text: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartSpec {
    part: u8,
    pattern: String,
    /// Matched against the start of a passage's text when no heading names a part.
    #[serde(default)]
    opening: Option<String>,
}

/// Numbers that shape segmentation (`[layout]` in `cleaning.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Layout {
    pub heading_max_words: usize,
    pub question_max_words: usize,
    pub target_words: usize,
    pub min_words: usize,
    pub max_words: usize,
    pub scrap_words: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            heading_max_words: 12,
            question_max_words: 25,
            target_words: 150,
            min_words: 40,
            max_words: 200,
            scrap_words: 4,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    repair: Vec<RepairSpec>,
    #[serde(default)]
    drop: Vec<PatternSpec>,
    #[serde(default)]
    truncate: Vec<PatternSpec>,
    #[serde(default)]
    comments: Vec<PatternSpec>,
    #[serde(default)]
    layout: Layout,
    #[serde(default)]
    kind: Vec<KindSpec>,
    #[serde(default)]
    part: Vec<PartSpec>,
    #[serde(default)]
    context: ContextSpec,
    #[serde(default)]
    sections: SectionsSpec,
}

/// `[sections]`: headings that open a section at the top of a summary.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionsSpec {
    #[serde(default)]
    top: Vec<String>,
}

/// `[context]`: how to tell a passage that cannot be read without the one before it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextSpec {
    #[serde(default)]
    continues: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
}

/// A literal repair: `from` becomes `to`.
#[derive(Debug, Clone)]
pub struct Repair {
    pub name: String,
    pub from: String,
    pub to: String,
}

/// The compiled rules: built once per ingest, shared by every source.
#[derive(Debug, Clone)]
pub struct Rules {
    pub repairs: Vec<Repair>,
    drop_names: Vec<String>,
    drop: RegexSet,
    truncate: RegexSet,
    comments: RegexSet,
    pub layout: Layout,
    /// Heading words per kind, in priority order, lower case.
    pub kinds: Vec<(Kind, Vec<String>)>,
    /// Words in a passage's text that read as each kind (narrating events, judging), for
    /// passages no heading gives a kind, lower case.
    pub kind_words: Vec<(Kind, Vec<String>)>,
    /// Whole headings (lower case) that open a section at the top of a summary, even right
    /// after a group of headings: "Historical Context" after "Key Themes" › "Hope".
    pub top_sections: Vec<String>,
    /// Part number and the heading pattern that announces it.
    pub parts: Vec<(u8, Regex)>,
    /// Part number and the pattern of a passage opening that names it ("In Part Two, …"),
    /// for summaries whose headings do not.
    pub part_openings: Vec<(u8, Regex)>,
    /// Opening words of a passage that continues the previous one ("This", "These"), as
    /// written: the discussion after a quotation starts "This reflection …".
    pub continues: Vec<String>,
    /// The kinds of passage a continuation is read through (`after`); empty: any kind.
    pub continued_kinds: Vec<Kind>,
}

fn set(specs: &[PatternSpec], what: &str) -> std::result::Result<RegexSet, String> {
    RegexSet::new(specs.iter().map(|s| s.pattern.as_str()))
        .map_err(|e| format!("a [[{what}]] pattern does not compile: {e}"))
}

impl Rules {
    /// Reads `cleaning.toml` from the corpus directory, or the shipped rules when it is absent.
    pub fn load(corpus_dir: &Path) -> Result<Rules> {
        let path = corpus_dir.join(CLEANING_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => DEFAULT_RULES.to_string(),
            Err(e) => return Err(Error::io(path, e)),
        };
        Rules::parse(&text).map_err(|message| Error::Data { path, message })
    }

    /// Parses rules text; the error is a human message.
    pub fn parse(text: &str) -> std::result::Result<Rules, String> {
        let f: RulesFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for r in &f.repair {
            if r.from.is_empty() {
                return Err(format!("[[repair]] {:?} has an empty `from`", r.name));
            }
        }
        let l = f.layout;
        if l.min_words == 0 || l.min_words > l.target_words || l.target_words > l.max_words {
            return Err("[layout] needs 0 < min_words <= target_words <= max_words".into());
        }
        let mut kinds = Vec::new();
        let mut kind_words = Vec::new();
        for k in &f.kind {
            let kind = Kind::parse(&k.kind)
                .ok_or_else(|| format!("[[kind]] has an unknown kind {:?}", k.kind))?;
            kinds.push((kind, k.headings.iter().map(|h| h.to_lowercase()).collect()));
            if !k.text.is_empty() {
                kind_words.push((kind, k.text.iter().map(|h| h.to_lowercase()).collect()));
            }
        }
        let continued_kinds = f
            .context
            .after
            .iter()
            .map(|k| {
                Kind::parse(k).ok_or_else(|| format!("[context] after has an unknown kind {k:?}"))
            })
            .collect::<std::result::Result<Vec<Kind>, String>>()?;
        let mut parts = Vec::new();
        let mut part_openings = Vec::new();
        for p in &f.part {
            let re = Regex::new(&p.pattern)
                .map_err(|e| format!("a [[part]] pattern does not compile: {e}"))?;
            parts.push((p.part, re));
            if let Some(o) = &p.opening {
                let re = Regex::new(o)
                    .map_err(|e| format!("a [[part]] opening does not compile: {e}"))?;
                part_openings.push((p.part, re));
            }
        }
        Ok(Rules {
            repairs: f
                .repair
                .iter()
                .map(|r| Repair {
                    name: r.name.clone(),
                    from: r.from.clone(),
                    to: r.to.clone(),
                })
                .collect(),
            drop_names: f.drop.iter().map(|d| d.name.clone()).collect(),
            drop: set(&f.drop, "drop")?,
            truncate: set(&f.truncate, "truncate")?,
            comments: set(&f.comments, "comments")?,
            layout: l,
            kinds,
            kind_words,
            top_sections: f
                .sections
                .top
                .iter()
                .map(|h| h.trim().to_lowercase())
                .collect(),
            parts,
            part_openings,
            continues: f.context.continues,
            continued_kinds,
        })
    }

    /// The name of the first drop rule matching this (repaired, trimmed) line.
    pub fn dropped_by(&self, line: &str) -> Option<&str> {
        self.drop
            .matches(line)
            .iter()
            .next()
            .map(|i| self.drop_names[i].as_str())
    }
}

/// Text with a map back to byte offsets in the source file.
///
/// `anchors` are `(text offset, file offset)` pairs: from each anchor on, text and file advance
/// together until the next anchor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapped {
    pub text: String,
    anchors: Vec<(usize, usize)>,
}

impl Mapped {
    /// Text that sits unchanged at `file_offset` in the file.
    pub fn plain(text: &str, file_offset: usize) -> Mapped {
        Mapped {
            text: text.to_string(),
            anchors: vec![(0, file_offset)],
        }
    }

    /// The file offset of text offset `pos` (a start: the first byte at or after it).
    pub fn source_start(&self, pos: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.0 <= pos);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            Some((t, s)) => s + (pos - t),
            None => self.anchors.first().map_or(0, |a| a.1),
        }
    }

    /// The file offset just after text offset `pos - 1` (an exclusive end).
    pub fn source_end(&self, pos: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.0 < pos);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            Some((t, s)) => s + (pos - t),
            None => self.anchors.first().map_or(0, |a| a.1),
        }
    }

    /// Appends `sep` (which has no counterpart in the file) and then `other`.
    pub fn append(&mut self, sep: &str, other: &Mapped) {
        if !self.text.is_empty() {
            self.text.push_str(sep);
        }
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.anchors
            .extend(other.anchors.iter().map(|&(t, s)| (t + base, s)));
    }

    /// The part of the text in `range`, still mapped.
    pub fn slice(&self, start: usize, end: usize) -> Mapped {
        let mut anchors = vec![(0, self.source_start(start))];
        // Binary search both ends: slicing a huge paragraph piece by piece must stay linear.
        let from = self.anchors.partition_point(|a| a.0 <= start);
        let to = self.anchors.partition_point(|a| a.0 < end);
        anchors.extend(
            self.anchors[from..to.max(from)]
                .iter()
                .map(|&(t, s)| (t - start, s)),
        );
        Mapped {
            text: self.text[start..end].to_string(),
            anchors,
        }
    }

    /// `[start, end)` of the whole text in the file.
    pub fn source_range(&self) -> [usize; 2] {
        [self.source_start(0), self.source_end(self.text.len())]
    }

    /// The text without the bytes in `cuts` (sorted, not overlapping, on character
    /// boundaries), every kept byte still mapped to its place in the file.
    pub fn without(&self, cuts: &[std::ops::Range<usize>]) -> Mapped {
        if cuts.is_empty() {
            return self.clone();
        }
        let mut out = Mapped::default();
        let mut from = 0;
        for r in cuts
            .iter()
            .chain(std::iter::once(&(self.text.len()..self.text.len())))
        {
            if r.start > from {
                let piece = self.slice(from, r.start);
                let base = out.text.len();
                out.text.push_str(&piece.text);
                out.anchors
                    .extend(piece.anchors.iter().map(|&(t, s)| (t + base, s)));
            }
            from = from.max(r.end);
        }
        out
    }
}

/// Markdown inline markup: a link `[words](address)` (group 1: the words) or emphasis
/// `*words*`, `**words**`, `_words_`, `` `words` `` (group 3: the words).
fn markdown_inline() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\[([^\]\n]+)\]\([^)\s]*\)|(\*\*|\*|__|\b_|`)([^*_`\s](?:[^*`\n]*?[^*_`\s])?)(?:\*\*|\*|__|_\b|`)",
        )
        .expect("markdown inline regex")
    })
}

/// The line without markdown links and emphasis markers: `[the review](https://…)` reads
/// "the review", `*Never*` reads "Never". A list marker ("* item") is not emphasis.
fn strip_markdown(line: &Mapped) -> Mapped {
    let text = &line.text;
    if !text.contains(['*', '_', '`', '[']) {
        return line.clone();
    }
    let mut cuts: Vec<std::ops::Range<usize>> = vec![];
    for caps in markdown_inline().captures_iter(text) {
        let (Some(whole), Some(words)) = (caps.get(0), caps.get(1).or(caps.get(3))) else {
            continue;
        };
        cuts.push(whole.start()..words.start());
        cuts.push(words.end()..whole.end());
    }
    line.without(&cuts)
}

/// One surviving line of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Leading spaces in the original line (tabs count four): list nesting and continuation.
    pub indent: usize,
    /// Repaired text, runs of white space collapsed to one space, trimmed. Empty for a blank
    /// line or a line of chrome (chrome still separates paragraphs, as the blank it replaced).
    pub text: Mapped,
    /// True from the line that opens readers' comments to the end of the source.
    pub in_comments: bool,
    /// True for the line that opens readers' comments ("2 thoughts on …"): their heading.
    pub opens_comments: bool,
}

/// Repairs one line and collapses its white space, keeping the map to the file.
fn repair_line(raw: &str, file_offset: usize, rules: &Rules) -> Mapped {
    let mut text = String::with_capacity(raw.len());
    let mut anchors = Vec::new();
    let mut i = 0;
    let mut pending_space = false;
    while i < raw.len() {
        let rest = &raw[i..];
        let c = rest.chars().next().unwrap_or(' ');
        // Only non-ASCII text needs repairing; this keeps the common path to one byte test.
        let repaired = if !c.is_ascii() {
            rules
                .repairs
                .iter()
                .find(|r| rest.starts_with(r.from.as_str()))
        } else {
            None
        };
        let (piece, consumed): (&str, usize) = match repaired {
            Some(r) => (r.to.as_str(), r.from.len()),
            None => (&rest[..c.len_utf8()], c.len_utf8()),
        };
        for pc in piece.chars() {
            if pc.is_whitespace() {
                pending_space = !text.is_empty();
            } else {
                if pending_space {
                    text.push(' ');
                    pending_space = false;
                }
                if anchors
                    .last()
                    .is_none_or(|&(t, s): &(usize, usize)| s + (text.len() - t) != file_offset + i)
                {
                    anchors.push((text.len(), file_offset + i));
                }
                text.push(pc);
            }
        }
        i += consumed;
    }
    Mapped { text, anchors }
}

/// Indentation of a raw line: spaces count one, tabs four.
fn indent_of(raw: &str) -> usize {
    raw.chars()
        .take_while(|c| *c == ' ' || *c == '\t' || *c == '\u{a0}')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// Cleans one source text. `file_offset` is where `text` starts in the file (after a BOM).
pub fn clean(text: &str, file_offset: usize, rules: &Rules) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut offset = file_offset;
    let mut in_comments = false;
    let mut truncated = false;
    // YAML front matter ("---" on the first line, up to the next "---" or "..."): the file's
    // metadata, not its text.
    let mut front_matter = text.starts_with("---\n") || text.starts_with("---\r\n");
    for (n, raw) in text.split('\n').enumerate() {
        let start = offset;
        offset += raw.len() + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if front_matter {
            if n > 0 && (raw.trim_end() == "---" || raw.trim_end() == "...") {
                front_matter = false;
            }
            lines.push(Line {
                indent: 0,
                text: Mapped::default(),
                in_comments,
                opens_comments: false,
            });
            continue;
        }
        // Twice: emphasis inside a link's words ("[the **book**](…)").
        let mut mapped = strip_markdown(&strip_markdown(&repair_line(raw, start, rules)));
        if truncated || rules.truncate.is_match(&mapped.text) {
            truncated = true;
            continue;
        }
        let mut opens_comments = false;
        if rules.dropped_by(&mapped.text).is_some() {
            mapped = Mapped::default();
        } else if !in_comments && !mapped.text.is_empty() && rules.comments.is_match(&mapped.text) {
            in_comments = true;
            opens_comments = true;
        }
        lines.push(Line {
            indent: indent_of(raw),
            text: mapped,
            in_comments,
            opens_comments,
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules::parse(DEFAULT_RULES).expect("shipped rules parse")
    }

    fn surviving(text: &str) -> Vec<String> {
        clean(text, 0, &rules())
            .into_iter()
            .map(|l| l.text.text)
            .filter(|t| !t.is_empty())
            .collect()
    }

    #[test]
    fn front_matter_and_markdown_markup_go_offsets_stay() {
        let text = "---\ntitle: \"A Review\"\nauthor: Sam\n---\n# The *Review*\n\nRead [the **book**](https://example.org/x) now, *please*.\n* a list item\nsnake_case_word stays";
        let lines = clean(text, 0, &rules());
        let kept: Vec<&str> = lines
            .iter()
            .map(|l| l.text.text.as_str())
            .filter(|t| !t.is_empty())
            .collect();
        assert_eq!(
            kept,
            [
                "# The Review",
                "Read the book now, please.",
                "* a list item",
                "snake_case_word stays"
            ]
        );
        // Every kept word still points at its bytes in the file.
        let line = lines
            .iter()
            .find(|l| l.text.text.starts_with("Read"))
            .unwrap();
        for word in ["the", "book", "now", "please"] {
            let at = line.text.text.find(word).unwrap();
            let s = line.text.source_start(at);
            assert_eq!(&text[s..s + word.len()], word, "{word}");
        }
        // A file that only starts with a rule of dashes later is not front matter.
        assert_eq!(surviving("Intro\n---\nMore"), ["Intro", "---", "More"]);
    }

    #[test]
    fn each_chrome_rule_removes_its_line() {
        for chrome in [
            "⏱ 41 min read",
            "5 min read",
            "Buy the book on Amazon",
            "Buy",
            "Share this:",
            "Tweet",
            "by",
            "00:00 00:00",
            "12:34",
            "top of page",
            "bottom of page",
            "Fill in your details below or click an icon to log in: Logo",
            "You are commenting using your Google account. Log\u{a0}Out\u{a0}/\u{a0} Change\u{a0})",
            "Log Out /",
            "Change )",
            "Connecting to %s",
            "Google photo",
            "Twitter picture",
            "Recent Posts",
            "See All",
            "Avaliado com 0 de 5 estrelas.",
            "Ainda sem avaliações",
            "Adicione uma avaliação",
            "Rated 4 out of 5 stars.",
            "No ratings yet",
        ] {
            let text = format!("Kathy remembers Hailsham.\n{chrome}\nTommy draws animals.");
            assert_eq!(
                surviving(&text),
                ["Kathy remembers Hailsham.", "Tommy draws animals."],
                "{chrome:?} should be dropped"
            );
        }
    }

    #[test]
    fn prose_that_resembles_chrome_survives() {
        for prose in [
            "Kathy buys the tape at a sale.",
            "They see all of it in the end.",
            "By the end, Tommy understands.",
            "Ruth tells Kathy to leave a reply to nobody.",
        ] {
            assert_eq!(surviving(prose), [prose]);
        }
    }

    #[test]
    fn repairs_apply_and_offsets_point_into_the_file() {
        for (raw, clean_text) in [
            ("deferrals\"〞the belief", "deferrals\"—the belief"),
            ("Never Let Me\u{a0}Go", "Never Let Me Go"),
            ("Kathy’s tape", "Kathy’s tape"),
            ("Kathyâ€™s tape", "Kathy’s tape"),
            ("a  b \t c", "a b c"),
            ("  indented", "indented"),
        ] {
            let lines = clean(raw, 10, &rules());
            assert_eq!(lines[0].text.text, clean_text);
            let [s, e] = lines[0].text.source_range();
            assert_eq!(&raw[s - 10..e - 10], raw.trim(), "{raw:?}");
        }
    }

    #[test]
    fn offsets_survive_repairs_mid_line() {
        let raw = "first line\nthe fence〞the woods〞the shore";
        let lines = clean(raw, 0, &rules());
        let m = &lines[1].text;
        let at = m.text.find("the woods").unwrap();
        let s = m.source_start(at);
        assert_eq!(&raw[s..s + 9], "the woods");
        let e = m.source_end(m.text.len());
        assert_eq!(e, raw.len());
    }

    #[test]
    fn comment_area_and_form_are_recognised() {
        let text = "Summary text.\n\n2 thoughts on “Never Let Me Go\n\n  1. Lovely book.\n\n    Kevin R\n\nLeave a Reply\n\nA paragraph after the form.";
        let lines = clean(text, 0, &rules());
        let kept: Vec<(&str, bool)> = lines
            .iter()
            .filter(|l| !l.text.text.is_empty())
            .map(|l| (l.text.text.as_str(), l.in_comments))
            .collect();
        assert_eq!(
            kept,
            [
                ("Summary text.", false),
                ("2 thoughts on “Never Let Me Go", true),
                ("1. Lovely book.", true),
                ("Kevin R", true),
            ]
        );
        assert_eq!(lines[4].indent, 2);
    }

    #[test]
    fn malformed_rules_are_errors() {
        for bad in [
            "[[drop]]\npattern = '('",
            "[[repair]]\nfrom = ''\nto = 'x'",
            "[[kind]]\nkind = 'poem'\nheadings = []",
            "[layout]\nmin_words = 300",
            "[[dorp]]\npattern = 'x'",
            "[context]\nopeners = ['This']",
            "[[part]]\npart = 2\npattern = 'x'\nopening = '('",
        ] {
            assert!(Rules::parse(bad).is_err(), "{bad}");
        }
        assert!(Rules::parse("").is_ok());
    }

    #[test]
    fn context_openers_are_read_as_written() {
        assert!(Rules::parse("").unwrap().continues.is_empty());
        let r = Rules::parse("[context]\ncontinues = ['This', 'These']").unwrap();
        assert_eq!(r.continues, ["This", "These"]);
        assert!(r.continued_kinds.is_empty());
        let r = Rules::parse("[context]\ncontinues = ['This']\nafter = ['quotation']").unwrap();
        assert_eq!(r.continued_kinds, [Kind::Quotation]);
        assert!(Rules::parse("[context]\nafter = ['quote']").is_err());
        assert_eq!(rules().continued_kinds, [Kind::Quotation]);
        assert!(rules().continues.iter().any(|w| w == "This"));
    }
}
