//! Printing passages for `nlmg-search passages`.

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::{Marks, Passage, TagField, Via};

fn io(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// One line of `passages --json`: the [`Passage`] fields, including `provenance`, then the
/// [`Marks`] the index gives it (`explains`, `answers`).
#[derive(serde::Serialize)]
struct PassageLine<'a> {
    #[serde(flatten)]
    passage: &'a Passage,
    #[serde(flatten)]
    marks: &'a Marks,
}

/// One JSON object per line: the [`Passage`] fields, including `provenance`, then the
/// [`Marks`] the index gives it.
pub fn write_json(out: &mut dyn Write, p: &Passage, marks: &Marks) -> Result<()> {
    serde_json::to_writer(&mut *out, &PassageLine { passage: p, marks })
        .map_err(|e| io(e.into()))?;
    writeln!(out).map_err(io)
}

/// A readable block: id, section path, tags, what the index marks, then the text.
pub fn write_text(out: &mut dyn Write, p: &Passage, marks: &Marks) -> Result<()> {
    writeln!(out, "── {} [{}]", p.id, p.kind).map_err(io)?;
    if !p.section.is_empty() {
        writeln!(out, "   section: {}", p.section.join(" › ")).map_err(io)?;
    }
    if let Some(part) = p.part {
        let how: Vec<&str> = p
            .provenance
            .iter()
            .filter(|o| o.field == TagField::Part && o.via != Via::Note)
            .map(|o| o.evidence.as_str())
            .collect();
        writeln!(out, "   part: {part} ← {:?}", how.join("; ")).map_err(io)?;
    }
    // The source's own part label where it differs, or why a plot passage has no part.
    for o in p.provenance.iter().filter(|o| o.via == Via::Note) {
        writeln!(out, "   part note: {}", o.evidence).map_err(io)?;
    }
    if !p.characters.is_empty() {
        writeln!(out, "   characters: {}", p.characters.join(", ")).map_err(io)?;
    }
    if !p.themes.is_empty() {
        writeln!(out, "   themes: {}", p.themes.join(", ")).map_err(io)?;
    }
    if !p.pages.is_empty() {
        let pages: Vec<String> = p.pages.iter().map(u32::to_string).collect();
        writeln!(out, "   pages: {}", pages.join(", ")).map_err(io)?;
    }
    // Tags a reader cannot see in the text itself: say where they came from.
    let hidden: Vec<String> = p
        .provenance
        .iter()
        .filter(|o| o.field != TagField::Kind && o.field != TagField::Page)
        .filter(|o| matches!(o.via, Via::SectionSubject | Via::Heading))
        .map(|o| format!("{} ← {:?}", o.value, o.evidence))
        .collect();
    if !hidden.is_empty() {
        writeln!(out, "   from headings: {}", hidden.join("; ")).map_err(io)?;
    }
    if !marks.explains.is_empty() {
        writeln!(out, "   explains: {}", marks.explains.join(", ")).map_err(io)?;
    }
    for a in &marks.answers {
        if a.beside.is_empty() {
            writeln!(out, "   gives a {}", a.name).map_err(io)?;
        } else {
            writeln!(out, "   gives a {}, beside: {}", a.name, a.beside.join(" ")).map_err(io)?;
        }
    }
    writeln!(
        out,
        "   bytes: {}..{}",
        p.source_range[0], p.source_range[1]
    )
    .map_err(io)?;
    writeln!(out, "{}\n", p.text).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnswerMark, Kind, TagOrigin};

    fn passage() -> Passage {
        Passage {
            id: "guide:3".into(),
            source: "guide".into(),
            seq: 3,
            section: vec![
                "Character Analysis".into(),
                "Ruth C. - The Manipulator".into(),
            ],
            kind: Kind::Character,
            part: Some(2),
            characters: vec!["Ruth".into()],
            themes: vec!["manipulation".into()],
            pages: vec![58, 59],
            text: "She lies (pp. 58-59).".into(),
            source_range: [10, 31],
            prev: Some("guide:2".into()),
            next: None,
            provenance: vec![TagOrigin {
                field: TagField::Character,
                value: "Ruth".into(),
                via: Via::SectionSubject,
                evidence: "Ruth C. - The Manipulator".into(),
            }],
        }
    }

    fn marks() -> Marks {
        Marks {
            explains: vec!["possible".into()],
            answers: vec![AnswerMark {
                name: "number".into(),
                beside: vec!["her".into(), "lies".into()],
            }],
        }
    }

    #[test]
    fn readable_view_lists_every_tag() {
        let mut buf = Vec::new();
        write_text(&mut buf, &passage(), &marks()).unwrap();
        let s = String::from_utf8(buf).unwrap();
        for want in [
            "── guide:3 [character]",
            "section: Character Analysis › Ruth C. - The Manipulator",
            "part: 2",
            "characters: Ruth",
            "themes: manipulation",
            "pages: 58, 59",
            "from headings: Ruth ← \"Ruth C. - The Manipulator\"",
            "explains: possible",
            "gives a number, beside: her lies",
            "bytes: 10..31",
            "She lies (pp. 58-59).",
        ] {
            assert!(s.contains(want), "{want:?} in {s}");
        }
        // Nothing marked, nothing said.
        let mut buf = Vec::new();
        write_text(&mut buf, &passage(), &Marks::default()).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert!(!s.contains("explains") && !s.contains("gives a"), "{s}");
        // A number with nothing beside it ("31.") is said without an empty list.
        let alone = Marks {
            explains: vec![],
            answers: vec![AnswerMark {
                name: "number".into(),
                beside: vec![],
            }],
        };
        let mut buf = Vec::new();
        write_text(&mut buf, &passage(), &alone).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert!(s.contains("   gives a number\n"), "{s}");
    }

    #[test]
    fn json_line_round_trips_with_design_field_names() {
        let mut buf = Vec::new();
        write_json(&mut buf, &passage(), &marks()).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert_eq!(s.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        for f in [
            "id",
            "source",
            "section",
            "kind",
            "part",
            "characters",
            "themes",
            "pages",
            "text",
            "provenance",
            "explains",
            "answers",
        ] {
            assert!(v.get(f).is_some(), "{f}");
        }
        assert_eq!(v["provenance"][0]["via"], "section_subject");
        assert_eq!(v["answers"][0]["type"], "number");
        let back: Passage = serde_json::from_str(&s).unwrap();
        assert_eq!(back, passage());
        let back: Marks = serde_json::from_str(&s).unwrap();
        assert_eq!(back, marks());
    }
}
