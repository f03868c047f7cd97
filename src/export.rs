//! Every passage with its tags in another engine's ingest format, with the index definition that
//! engine needs: for a corpus that outgrows one machine. Plain data: `output::export` writes it.
//!
//! OpenSearch takes bulk NDJSON (an action line, then the document) and an index body with
//! `settings` and `mappings`; Quickwit takes one document a line and an index config with a
//! `doc_mapping`. Both definitions are made from one field list, [`FIELDS`], so the mapping
//! names every field a document can carry.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::model::{Corpus, Passage};

/// The engine an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OpenSearch,
    Quickwit,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OpenSearch => "opensearch",
            Format::Quickwit => "quickwit",
        }
    }

    /// File the index definition is written to.
    pub fn config_file(self) -> &'static str {
        match self {
            Format::OpenSearch => "index.json",
            Format::Quickwit => "index-config.json",
        }
    }

    /// File the documents are written to.
    pub fn documents_file(self) -> &'static str {
        match self {
            Format::OpenSearch => "bulk.ndjson",
            Format::Quickwit => "documents.ndjson",
        }
    }
}

/// One passage as another engine stores it: its text and display fields, and its tags as
/// exact values to filter and count by. Optional values are left out rather than null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// `<source>:<seq>`, also the document id.
    pub id: String,
    pub source: String,
    /// The source's title, for display.
    pub title: String,
    pub seq: u32,
    /// Section path, outermost heading first.
    pub section: Vec<String>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<u8>,
    pub characters: Vec<String>,
    pub themes: Vec<String>,
    pub pages: Vec<u32>,
    pub text: String,
    /// Id of the first passage of its near-duplicate group (its own id when it has none), so
    /// the engine can collapse copies of one quotation into one hit as nlmg-search does.
    pub group: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// How a field is indexed: the same three roles in both engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Searched with an English stemming analyzer, stored for display.
    Text,
    /// Exact values (one or many) to filter, group and count by, stored.
    Keyword,
    /// Whole numbers (one or many) to filter and sort by, stored.
    Number,
}

/// Every field a [`Document`] can carry, with its role and whether it holds a list.
pub const FIELDS: &[(&str, Role, bool)] = &[
    ("id", Role::Keyword, false),
    ("source", Role::Keyword, false),
    ("title", Role::Text, false),
    ("seq", Role::Number, false),
    ("section", Role::Keyword, true),
    ("kind", Role::Keyword, false),
    ("part", Role::Number, false),
    ("characters", Role::Keyword, true),
    ("themes", Role::Keyword, true),
    ("pages", Role::Number, true),
    ("text", Role::Text, false),
    ("group", Role::Keyword, false),
    ("prev", Role::Keyword, false),
    ("next", Role::Keyword, false),
];

/// An export: the index definition and the documents.
#[derive(Debug, Clone)]
pub struct Export {
    pub format: Format,
    /// Name of the index the definition and the action lines refer to.
    pub index: String,
    /// OpenSearch's index body (`PUT /<index>`) or Quickwit's index config.
    pub config: Value,
    pub documents: Vec<Document>,
}

impl Export {
    /// The lines of `doc` in the ingest file: OpenSearch's action line and the document, or the
    /// document alone for Quickwit.
    pub fn lines(&self, doc: &Document) -> Vec<Value> {
        let body = serde_json::to_value(doc).expect("a document serialises");
        match self.format {
            Format::OpenSearch => {
                vec![
                    json!({"index": {"_index": self.index, "_id": doc.id}}),
                    body,
                ]
            }
            Format::Quickwit => vec![body],
        }
    }
}

/// The export of `corpus` for `format`, into an index called `index`.
pub fn export(corpus: &Corpus, format: Format, index: &str) -> Export {
    let titles: std::collections::HashMap<&str, &str> = corpus
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.title.as_str()))
        .collect();
    let groups = crate::dedup::groups(&corpus.passages);
    let documents = corpus
        .passages
        .iter()
        .zip(groups)
        .map(|(p, g)| {
            let title = titles.get(p.source.as_str()).copied().unwrap_or(&p.source);
            document(p, title, &corpus.passages[g].id)
        })
        .collect();
    let config = match format {
        Format::OpenSearch => opensearch_index(),
        Format::Quickwit => quickwit_config(index),
    };
    Export {
        format,
        index: index.to_string(),
        config,
        documents,
    }
}

fn document(p: &Passage, title: &str, group: &str) -> Document {
    Document {
        id: p.id.clone(),
        source: p.source.clone(),
        title: title.to_string(),
        seq: p.seq,
        section: p.section.clone(),
        kind: p.kind.as_str().to_string(),
        part: p.part,
        characters: p.characters.clone(),
        themes: p.themes.clone(),
        pages: p.pages.clone(),
        text: p.text.clone(),
        group: group.to_string(),
        prev: p.prev.clone(),
        next: p.next.clone(),
    }
}

/// OpenSearch's index body: the built-in `english` analyzer (possessives, stop words, Porter
/// stemming) for text, `keyword` for tags, every field stored, and a strict mapping so a
/// document with a field the mapping does not name is refused rather than guessed at.
fn opensearch_index() -> Value {
    let mut properties = serde_json::Map::new();
    for &(name, role, _) in FIELDS {
        // OpenSearch fields hold one value or many alike: lists need no other type.
        let field = match role {
            Role::Text => json!({"type": "text", "analyzer": "english", "store": true}),
            Role::Keyword => json!({"type": "keyword", "store": true}),
            Role::Number => json!({"type": "integer", "store": true}),
        };
        properties.insert(name.to_string(), field);
    }
    json!({
        "settings": {"index": {"number_of_shards": 1}},
        "mappings": {"dynamic": "strict", "properties": properties}
    })
}

/// Quickwit's index config: the `en_stem` tokenizer with positions (for phrases) for text, the
/// `raw` tokenizer with fast columns for tags (to filter and aggregate), `u64` for numbers,
/// `array<…>` for lists, every field stored, and a strict doc mapping.
fn quickwit_config(index: &str) -> Value {
    let fields: Vec<Value> = FIELDS
        .iter()
        .map(|&(name, role, list)| {
            let ty = match role {
                Role::Text | Role::Keyword => "text",
                Role::Number => "u64",
            };
            let ty = if list {
                format!("array<{ty}>")
            } else {
                ty.to_string()
            };
            match role {
                Role::Text => json!({"name": name, "type": ty, "tokenizer": "en_stem",
                    "record": "position", "stored": true}),
                Role::Keyword => json!({"name": name, "type": ty, "tokenizer": "raw",
                    "fast": true, "stored": true}),
                Role::Number => json!({"name": name, "type": ty, "fast": true, "stored": true}),
            }
        })
        .collect();
    json!({
        "version": "0.8",
        "index_id": index,
        "doc_mapping": {"mode": "strict", "field_mappings": fields},
        "search_settings": {"default_search_fields": ["text", "title"]}
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Source};

    fn corpus() -> Corpus {
        let mut a = Passage::sample("notes", 0, Kind::Plot, "Tommy draws animals.");
        a.section = vec!["Part One".into()];
        a.part = Some(1);
        a.characters = vec!["Tommy".into()];
        a.themes = vec!["art".into()];
        a.pages = vec![12, 14];
        a.next = Some("notes:1".into());
        let mut b = Passage::sample("notes", 1, Kind::Quotation, "\"Told and not told.\"");
        b.prev = Some("notes:0".into());
        Corpus {
            sources: vec![Source {
                id: "notes".into(),
                title: "Reading notes".into(),
                kind: "notes".into(),
                description: String::new(),
                file: "notes.txt".into(),
            }],
            passages: vec![a, b],
            ..Corpus::default()
        }
    }

    /// Field names the mapping of `e` declares.
    fn mapped(e: &Export) -> Vec<String> {
        match e.format {
            Format::OpenSearch => e.config["mappings"]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect(),
            Format::Quickwit => e.config["doc_mapping"]["field_mappings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap().to_string())
                .collect(),
        }
    }

    #[test]
    fn every_document_line_deserialises_back_to_its_passage() {
        for format in [Format::OpenSearch, Format::Quickwit] {
            let e = export(&corpus(), format, "nlmg");
            let docs: Vec<Value> = e
                .documents
                .iter()
                .flat_map(|d| e.lines(d))
                .filter(|l| l.get("index").is_none())
                .collect();
            assert_eq!(docs.len(), 2, "{format:?}");
            let back: Vec<Document> = docs
                .into_iter()
                .map(|v| serde_json::from_value(v).unwrap())
                .collect();
            assert_eq!(back, e.documents);
            assert_eq!(back[0].title, "Reading notes");
            assert_eq!(back[0].pages, [12, 14]);
            assert_eq!(back[1].kind, "quotation");
            assert_eq!(
                (back[0].group.as_str(), back[1].group.as_str()),
                ("notes:0", "notes:1")
            );
        }
    }

    #[test]
    fn the_mapping_names_every_field_a_document_uses() {
        for format in [Format::OpenSearch, Format::Quickwit] {
            let e = export(&corpus(), format, "nlmg");
            let names = mapped(&e);
            for d in &e.documents {
                let v = serde_json::to_value(d).unwrap();
                for key in v.as_object().unwrap().keys() {
                    assert!(names.contains(key), "{format:?}: {key} is not mapped");
                }
            }
            assert_eq!(names.len(), FIELDS.len(), "{format:?}");
        }
    }

    #[test]
    fn a_near_duplicate_carries_the_group_of_its_first_copy() {
        let quote = "The problem, as I see it, is that you have been told and not told, \
                     and none of you really understand it.";
        let mut c = corpus();
        c.passages
            .push(Passage::sample("notes", 2, Kind::Quotation, quote));
        c.passages
            .push(Passage::sample("notes", 3, Kind::Analysis, quote));
        let e = export(&c, Format::Quickwit, "nlmg");
        let groups: Vec<&str> = e.documents.iter().map(|d| d.group.as_str()).collect();
        assert_eq!(groups, ["notes:0", "notes:1", "notes:2", "notes:2"]);
    }

    #[test]
    fn opensearch_action_lines_pair_with_their_documents() {
        let e = export(&corpus(), Format::OpenSearch, "books");
        for d in &e.documents {
            let lines = e.lines(d);
            assert_eq!(lines.len(), 2);
            assert_eq!(lines[0]["index"]["_index"], "books");
            assert_eq!(lines[0]["index"]["_id"], lines[1]["id"]);
        }
        assert_eq!(e.config["mappings"]["dynamic"], "strict");
        assert_eq!(
            e.config["mappings"]["properties"]["text"]["analyzer"],
            "english"
        );
        assert_eq!(
            e.config["mappings"]["properties"]["themes"]["type"],
            "keyword"
        );
    }

    #[test]
    fn the_quickwit_config_stems_text_and_keeps_tags_raw() {
        let e = export(&corpus(), Format::Quickwit, "books");
        assert_eq!(e.config["index_id"], "books");
        let field = |name: &str| {
            e.config["doc_mapping"]["field_mappings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name)
                .unwrap()
                .clone()
        };
        let cases = [
            ("text", "text", Some("en_stem")),
            ("themes", "array<text>", Some("raw")),
            ("pages", "array<u64>", None),
            ("part", "u64", None),
        ];
        for (name, ty, tokenizer) in cases {
            let f = field(name);
            assert_eq!(f["type"], ty, "{name}");
            assert_eq!(f["tokenizer"].as_str(), tokenizer, "{name}");
            assert_eq!(f["stored"], true, "{name}");
        }
        // Quickwit takes one document a line: no action lines.
        assert!(e.lines(&e.documents[0]).len() == 1);
    }
}
