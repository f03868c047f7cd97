//! Ingest end to end: the real binary's `passages --json` on the shipped corpus, on fixture
//! summaries laid out differently, and on broken input files.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn passages(corpus: &Path, extra: &[&str]) -> (Vec<Value>, String) {
    let out = Command::cargo_bin("nlmg-search")
        .unwrap()
        .arg("passages")
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(corpus.join("no-index"))
        .arg("--json")
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "exit {:?}: {stderr}",
        out.status
    );
    let values = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    (values, stderr)
}

fn strs(v: &Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_string())
        .collect()
}

fn pages(v: &Value) -> Vec<u64> {
    v["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

fn text(v: &Value) -> &str {
    v["text"].as_str().unwrap()
}

fn words(v: &Value) -> usize {
    text(v).split_whitespace().count()
}

#[test]
fn shipped_corpus_is_clean_sectioned_and_tagged() {
    let corpus = repo().join("corpus");
    let (ps, stderr) = passages(&corpus, &[]);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(ps.len() > 100, "{} passages", ps.len());

    let chrome = [
        "min read",
        "Buy the book",
        "00:00",
        "top of page",
        "bottom of page",
        "Leave a Reply",
        "You are commenting using",
        "Log Out",
        "Change )",
        "Connecting to %s",
        "Fill in your details",
        "Recent Posts",
        "See All",
        "estrelas",
        "avaliações",
        "avaliação",
        "〞",
        "\u{a0}",
    ];
    for p in &ps {
        for c in chrome {
            assert!(!text(p).contains(c), "{c:?} survives in {}", p["id"]);
        }
        assert!(words(p) <= 200, "{} has {} words", p["id"], words(p));
        assert!(words(p) >= 1);
    }

    // Every study-guide passage after its title sits in a section.
    for p in ps.iter().filter(|p| p["source"] == "study-guide") {
        assert!(!strs(p, "section").is_empty(), "{} has no section", p["id"]);
    }

    let ruth: Vec<&Value> = ps
        .iter()
        .filter(|p| strs(p, "section").iter().any(|s| s.starts_with("Ruth C.")))
        .collect();
    assert!(ruth.len() >= 3);
    for p in ruth {
        assert!(
            strs(p, "characters").contains(&"Ruth".into()),
            "{}",
            p["id"]
        );
    }

    let rod = ps
        .iter()
        .find(|p| text(p).contains("Rod and Chrissie"))
        .expect("a passage mentions Rod and Chrissie");
    let chars = strs(rod, "characters");
    assert!(chars.contains(&"Rodney".into()) && chars.contains(&"Chrissie".into()));

    let quote = ps
        .iter()
        .find(|p| text(p).trim_end().ends_with("(pp. 58-59)"))
        .expect("the quote citing pp. 58-59");
    assert!(pages(quote).contains(&58) && pages(quote).contains(&59));
    assert_eq!(quote["kind"], "quotation");

    let memory: Vec<&Value> = ps
        .iter()
        .filter(|p| strs(p, "section").contains(&"Memory and Nostalgia".into()))
        .collect();
    assert!(memory.len() >= 3);
    for p in memory {
        assert!(strs(p, "themes").contains(&"memory".into()), "{}", p["id"]);
    }

    // Readers' comments are kept, as comments, with the signature folded in.
    let comments: Vec<&Value> = ps.iter().filter(|p| p["kind"] == "comment").collect();
    assert!(comments.len() >= 2);
    assert!(comments.iter().all(|p| p["source"] == "blog-summary"));
    assert!(comments.iter().any(|p| text(p).contains("Kevin R")));
    assert!(!ps.iter().any(|p| text(p).trim() == "Kevin R"));

    let parts: Vec<u64> = ps.iter().filter_map(|p| p["part"].as_u64()).collect();
    for n in 1..=3 {
        assert!(parts.contains(&n), "part {n}");
    }
    // The reading notes have no part headings: a part comes from a passage that opens by
    // naming it ("In Part Two, Kathy …", kept in a note where its events say another part), a
    // chapter, or the lexicon's part cues, and its provenance says which.
    for p in ps.iter().filter(|p| p["source"] == "reading-notes") {
        let origins: Vec<&Value> = p["provenance"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["field"] == "part")
            .collect();
        if text(p).starts_with("In Part ") {
            assert!(!p["part"].is_null(), "{}", p["id"]);
            assert!(
                origins
                    .iter()
                    .any(|o| (o["via"] == "opening" || o["via"] == "note")
                        && o["evidence"].as_str().unwrap().contains("In Part ")),
                "{}",
                p["id"]
            );
        }
        if !p["part"].is_null() {
            assert!(
                origins
                    .iter()
                    .any(|o| ["opening", "cue", "reference"].contains(&o["via"].as_str().unwrap())),
                "{}",
                p["id"]
            );
        }
    }
    assert!(ps
        .iter()
        .any(|p| p["source"] == "reading-notes" && p["part"] == 2));

    let faq = ps
        .iter()
        .find(|p| {
            strs(p, "section").last().map(String::as_str)
                == Some("What is the significance of the deferral rumor?")
        })
        .unwrap();
    assert_eq!(faq["kind"], "faq");
}

#[test]
fn offsets_point_back_into_the_source_file() {
    let corpus = repo().join("corpus");
    let (ps, _) = passages(&corpus, &[]);
    for p in &ps {
        let file =
            std::fs::read(corpus.join(format!("{}.txt", p["source"].as_str().unwrap()))).unwrap();
        let r = p["source_range"].as_array().unwrap();
        let (a, b) = (
            r[0].as_u64().unwrap() as usize,
            r[1].as_u64().unwrap() as usize,
        );
        assert!(a < b && b <= file.len(), "{}", p["id"]);
        let original = String::from_utf8_lossy(&file[a..b]);
        let first_word = text(p).split_whitespace().next().unwrap();
        let last_word = text(p).split_whitespace().last().unwrap();
        assert!(
            original.starts_with(first_word),
            "{}: {original:?}",
            p["id"]
        );
        assert!(original.ends_with(last_word), "{}: {original:?}", p["id"]);
    }
}

#[test]
fn ids_links_and_order_are_stable() {
    let corpus = repo().join("corpus");
    let (a, _) = passages(&corpus, &[]);
    let (b, _) = passages(&corpus, &[]);
    assert_eq!(a, b);
    let sources: Vec<&str> = a.iter().map(|p| p["source"].as_str().unwrap()).collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted, "sources in file-name order");
    for w in a.windows(2) {
        if w[0]["source"] == w[1]["source"] {
            assert_eq!(w[0]["next"], w[1]["id"]);
            assert_eq!(w[1]["prev"], w[0]["id"]);
        } else {
            assert!(w[0]["next"].is_null() && w[1]["prev"].is_null());
        }
    }
    let (only, _) = passages(&corpus, &["--source", "blog-summary"]);
    assert!(only.iter().all(|p| p["source"] == "blog-summary"));
    assert_eq!(only[0]["id"], "blog-summary:0");
}

/// The fixture summaries next to a copy of the shipped lexicon and rules.
fn fixture_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = repo().join("tests/fixtures/layouts");
    for e in std::fs::read_dir(&fixtures).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    for f in ["lexicon.toml", "cleaning.toml"] {
        std::fs::copy(repo().join("corpus").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

#[test]
fn one_long_paragraph_without_headings() {
    let dir = fixture_corpus();
    let (ps, _) = passages(dir.path(), &["--source", "one-paragraph"]);
    assert!(ps.len() >= 2, "a long paragraph is split");
    for p in &ps {
        assert!(strs(p, "section").is_empty());
        assert!((40..=200).contains(&words(p)), "{} words", words(p));
        assert!(text(p).ends_with('.'), "split at a sentence end");
    }
    let all: Vec<String> = ps.iter().flat_map(|p| strs(p, "characters")).collect();
    for c in [
        "Kathy",
        "Ruth",
        "Tommy",
        "Miss Lucy",
        "Rodney",
        "Chrissie",
        "Madame",
    ] {
        assert!(all.contains(&c.to_string()), "{c}");
    }
    // No heading and no part named: its events read as plot, placed by the lexicon's part
    // cues where it names them, with a note where it names none.
    for p in &ps {
        assert_eq!(p["kind"], "plot", "{}", text(p));
        let placed = !p["part"].is_null();
        let noted = p["provenance"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["field"] == "part" && o["via"] == "note");
        assert!(placed != noted, "{}", text(p));
    }
}

#[test]
fn markdown_headings_and_attributed_quotations() {
    let dir = fixture_corpus();
    let (ps, _) = passages(dir.path(), &["--source", "markdown-guide"]);
    let quotes: Vec<&Value> = ps
        .iter()
        .filter(|p| strs(p, "section").last().map(String::as_str) == Some("Key Quotations"))
        .collect();
    assert_eq!(quotes.len(), 3);
    for q in &quotes {
        assert_eq!(q["kind"], "quotation");
        assert_eq!(
            strs(q, "section"),
            ["A Short Guide to the Novel", "Key Quotations"]
        );
    }
    assert!(strs(quotes[0], "characters").contains(&"Miss Lucy".into()));
    assert!(strs(quotes[1], "characters").contains(&"Tommy".into()));
    let memory = ps
        .iter()
        .find(|p| strs(p, "section").contains(&"Memory and Nostalgia".into()))
        .unwrap();
    assert_eq!(
        strs(memory, "section"),
        [
            "A Short Guide to the Novel",
            "Themes",
            "Memory and Nostalgia"
        ]
    );
    assert!(strs(memory, "themes").contains(&"memory".into()));
    assert_eq!(memory["kind"], "analysis");
    assert!(!ps.iter().any(|p| text(p).contains('#')));
}

#[test]
fn character_list_labels_name_the_subject() {
    let dir = fixture_corpus();
    let (ps, _) = passages(dir.path(), &["--source", "character-list"]);
    let want = [
        ("Kath H.", "Kathy"),
        ("Tommy D.", "Tommy"),
        ("Ruth C.", "Ruth"),
        ("Madame", "Madame"),
        ("Rodney", "Rodney"),
    ];
    assert_eq!(ps.len(), want.len());
    for (p, (label, who)) in ps.iter().zip(want) {
        assert_eq!(strs(p, "section"), ["Who's Who", label]);
        assert_eq!(p["kind"], "character");
        assert!(strs(p, "characters").contains(&who.to_string()), "{label}");
        assert!(p["provenance"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["field"] == "character" && o["value"] == who));
    }
}

#[test]
fn bad_files_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("good.txt"),
        "Kathy remembers the school by the fields.",
    )
    .unwrap();
    std::fs::write(d.join("binary.txt"), b"abc\0def").unwrap();
    std::fs::write(d.join("latin1.txt"), b"Ruth\xe9 and Tommy").unwrap();
    std::fs::write(d.join("empty.txt"), "  \n").unwrap();
    std::fs::create_dir(d.join("folder.txt")).unwrap();
    let (ps, stderr) = passages(d, &[]);
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0]["source"], "good");
    for (name, reason) in [
        ("binary.txt", "NUL"),
        ("latin1.txt", "UTF-8"),
        ("empty.txt", "empty"),
        ("folder.txt", "directory"),
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(name) && l.contains(reason)),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn missing_corpus_and_bad_rules_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("nlmg-search")
        .unwrap()
        .args(["passages", "--corpus"])
        .arg(dir.path().join("nope"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
    std::fs::write(dir.path().join("bad.txt"), b"\xff\xfe").unwrap();
    Command::cargo_bin("nlmg-search")
        .unwrap()
        .args(["passages", "--corpus"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.txt"))
        .stderr(predicates::str::contains("no readable summaries"));
    std::fs::write(dir.path().join("a.txt"), "Some text about Kathy.").unwrap();
    std::fs::write(
        dir.path().join("cleaning.toml"),
        "[[drop]]\npattern = '('\n",
    )
    .unwrap();
    Command::cargo_bin("nlmg-search")
        .unwrap()
        .args(["passages", "--corpus"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cleaning.toml"));
}

#[test]
fn readable_view_shows_sections_and_tags() {
    let out = Command::cargo_bin("nlmg-search")
        .unwrap()
        .args(["passages", "--corpus"])
        .arg(repo().join("corpus"))
        .args(["--source", "study-guide"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("section: Character Analysis › Ruth C. - The Manipulator Seeking Belonging"));
    assert!(s.contains("characters: "));
    assert!(s.contains("study-guide:0"));
}

/// Nothing in the code that reads a corpus, tags it, browses it or filters it by part names
/// this novel: its characters and parts come from `corpus/lexicon.toml`, so another book is
/// another corpus. Code lines only (comments may quote the summaries to say why), outside
/// test modules; in `src/cli.rs` the `///` lines too, since they are the `--help` text.
#[test]
fn the_ingest_and_view_code_names_no_character_or_part_of_the_novel() {
    let lexicon = nlmg_search::lexicon::Lexicon::load(&repo().join("corpus")).unwrap();
    let mut names: Vec<String> = lexicon.characters.iter().map(|c| c.name.clone()).collect();
    for p in &lexicon.parts {
        names.push(p.name.trim_start_matches("the ").to_string());
    }
    assert!(names.len() > 10, "{names:?}");
    let word = regex::Regex::new(&format!(
        r"\b({})\b",
        names
            .iter()
            .map(|n| regex::escape(n))
            .collect::<Vec<_>>()
            .join("|")
    ))
    .unwrap();
    let mut files = vec![
        repo().join("src/clean.rs"),
        repo().join("src/lexicon.rs"),
        repo().join("src/cli.rs"),
        repo().join("src/commands/list.rs"),
        repo().join("src/commands/views.rs"),
        repo().join("src/output/passages.rs"),
        repo().join("src/output/views.rs"),
        repo().join("src/search/filters.rs"),
    ];
    for dir in ["src/segment", "src/tag", "src/lexicon", "src/views"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs") {
                files.push(p);
            }
        }
    }
    let mut found = vec![];
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let help = f.ends_with("src/cli.rs");
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("#[cfg(test)]") {
                break;
            }
            if (t.starts_with("//") && !(help && t.starts_with("///"))) || !word.is_match(line) {
                continue;
            }
            found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
