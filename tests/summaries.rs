//! Summaries the project has never seen get the same treatment as the shipped ones: the real
//! binary's `passages --json` on look-alike fixtures of three kinds of summary (an encyclopedia
//! paragraph, a markdown review with front matter, a revision guide) and on another book's
//! corpus (`tests/fixtures/other-book`), through the shared harness.

mod common;

use std::path::Path;

use serde_json::Value;

/// A fixture corpus of the files in `dir` (with `extra` files from the shipped corpus).
fn corpus(dir: &str, extra: &[&str]) -> common::Env {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<(String, String)> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    for f in extra {
        files.push((
            f.to_string(),
            std::fs::read_to_string(root.join("corpus").join(f)).unwrap(),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    common::fixture(&refs)
}

/// Every passage of one source, as `passages --json` gives it.
fn passages(env: &common::Env, source: &str) -> Vec<Value> {
    let out = env
        .cmd()
        .args(["passages", "--json", "--source", source])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("id").is_some())
        .collect()
}

fn layouts() -> common::Env {
    corpus("tests/fixtures/layouts", &["lexicon.toml", "cleaning.toml"])
}

fn strs(v: &Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn text(v: &Value) -> &str {
    v["text"].as_str().unwrap()
}

/// The provenance records of one field.
fn origins<'a>(v: &'a Value, field: &str) -> Vec<&'a Value> {
    v["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["field"] == field)
        .collect()
}

#[test]
fn an_encyclopedia_paragraph_is_plot_cut_at_its_part_cues() {
    let env = layouts();
    let ps = passages(&env, "encyclopedia");
    // One paragraph, cut where each section of the retelling opens.
    let openings: Vec<&str> = ps.iter().map(|p| &text(p)[..20]).collect();
    assert!(ps.len() >= 3, "{openings:?}");
    let at = |words: &str| {
        ps.iter()
            .find(|p| text(p).starts_with(words))
            .unwrap_or_else(|| panic!("no passage opens {words:?}: {openings:?}"))
    };
    for (opening, part) in [("In the middle section", 2), ("The final section opens", 3)] {
        let p = at(opening);
        assert_eq!(p["part"], part, "{opening}");
        assert_eq!(origins(p, "part")[0]["via"], "opening", "{opening}");
    }
    for p in &ps {
        // No heading gives a kind: narration of events reads as plot, from its words.
        assert_eq!(p["kind"], "plot", "{}", text(p));
        let kind = origins(p, "kind");
        assert_eq!(kind[0]["via"], "cue", "{}", text(p));
        // Every plot passage carries a part or says why not.
        assert!(
            !p["part"].is_null() || !origins(p, "part").is_empty(),
            "{}",
            text(p)
        );
        // No passage runs across a part opening.
        for later in ["In the middle section", "The final section"] {
            assert!(!text(p)[1..].contains(later), "{}", text(p));
        }
    }
}

#[test]
fn a_markdown_review_loses_its_front_matter_and_markup_and_reads_as_analysis() {
    let env = layouts();
    let ps = passages(&env, "student-review");
    for p in &ps {
        for markup in ["title:", "date:", "---", "*", "](", "https://"] {
            assert!(!text(p).contains(markup), "{markup:?} in {}", text(p));
        }
    }
    assert!(ps.iter().all(|p| !text(p).contains("Staff Writer")));
    // The words between the markup stay, at their place in the file.
    let file = std::fs::read_to_string(env.corpus.join("student-review.txt")).unwrap();
    let links = ps
        .iter()
        .find(|p| text(p).contains("our interview with the translator"))
        .unwrap();
    let [a, b] = [
        links["source_range"][0].as_u64().unwrap() as usize,
        links["source_range"][1].as_u64().unwrap() as usize,
    ];
    assert!(file[a..b].starts_with("Ruth's little manipulations"));
    assert!(file[a..b].ends_with("issue."));

    let judging = ps
        .iter()
        .find(|p| text(p).starts_with("What makes the book work"))
        .unwrap();
    assert_eq!(judging["kind"], "analysis");
    let telling = ps
        .iter()
        .find(|p| text(p).starts_with("Never Let Me Go follows"))
        .unwrap();
    assert_eq!(telling["kind"], "plot");

    // Theme cues in their other forms and senses.
    let themes = strs(judging, "themes");
    assert!(themes.contains(&"acceptance".to_string()), "{themes:?}"); // "passivity"
    assert!(!themes.contains(&"love-and-loss".to_string()), "{themes:?}"); // "lost their funding"
    let last = strs(links, "themes");
    assert!(last.contains(&"manipulation".to_string()), "{last:?}"); // "manipulations"
    assert!(!last.contains(&"identity".to_string()), "{last:?}"); // "the possible deferral"
}

#[test]
fn a_revision_guide_s_headings_entries_and_quotation_lines() {
    let env = layouts();
    let ps = passages(&env, "revision-guide");
    let under = |heading: &str| -> &Value {
        ps.iter()
            .find(|p| strs(p, "section").last().map(String::as_str) == Some(heading))
            .unwrap_or_else(|| panic!("nothing under {heading:?}"))
    };
    // Headings ending in an initial or a bracketed name, and short ones, head their entries.
    for (heading, who) in [
        ("Kathy H.", vec!["Kathy"]),
        ("Madame (Marie-Claude)", vec!["Madame"]),
        ("Chrissie and Rodney", vec!["Chrissie", "Rodney"]),
        ("Miss Lucy", vec!["Miss Lucy"]),
    ] {
        let p = under(heading);
        assert_eq!(p["kind"], "character", "{heading}");
        assert_eq!(strs(p, "characters"), who, "{heading}");
    }
    // A top-level section after a group of theme headings is not inside the group.
    assert_eq!(
        strs(under("Historical Context"), "section"),
        ["Historical Context"]
    );
    assert_eq!(strs(under("Hope"), "section"), ["Key Themes", "Hope"]);
    // "— Kathy, Chapter 23": a quotation, placed in its part by the chapter.
    let quotes: Vec<&Value> = ps
        .iter()
        .filter(|p| strs(p, "section").last().map(String::as_str) == Some("Key Quotations"))
        .collect();
    assert_eq!(quotes.len(), 3);
    let parts: Vec<&Value> = quotes.iter().map(|q| &q["part"]).collect();
    assert_eq!(parts, [1, 1, 3]);
    for q in &quotes {
        assert_eq!(q["kind"], "quotation");
        assert_eq!(origins(q, "part")[0]["via"], "reference");
    }
}

#[test]
fn the_shipped_corpus_gives_its_plot_parts() {
    let env = common::shipped();
    let out = env.cmd().args(["passages", "--json"]).output().unwrap();
    let ps: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("id").is_some())
        .collect();
    let plot: Vec<&Value> = ps.iter().filter(|p| p["kind"] == "plot").collect();
    let placed = plot.iter().filter(|p| !p["part"].is_null()).count();
    // 19 of 63 before parts were read from openings, chapters and the lexicon's cues.
    assert!(placed * 4 >= plot.len() * 3, "{placed} of {}", plot.len());
    for p in &plot {
        if p["part"].is_null() {
            let why = origins(p, "part");
            assert!(
                why.iter().any(|o| o["via"] == "note"),
                "{} has no part and no note",
                p["id"]
            );
        }
    }
    // The reading notes number the parts their own way: the book's part is tagged, the
    // source's label kept in a note.
    let cottages = ps
        .iter()
        .find(|p| text(p).starts_with("In Part Three, Kathy discusses her life after"))
        .unwrap();
    assert_eq!(cottages["part"], 2);
    let note = origins(cottages, "part")
        .into_iter()
        .find(|o| o["via"] == "note")
        .unwrap();
    assert_eq!(note["value"], "3");
    assert!(note["evidence"].as_str().unwrap().contains("Part 3"));
    // ... and the readable view says so.
    let out = env
        .cmd()
        .args(["passages", "--source", "reading-notes"])
        .output()
        .unwrap();
    let view = String::from_utf8(out.stdout).unwrap();
    assert!(
        view.contains("part note: the source calls this Part 3"),
        "{view}"
    );
}

#[test]
fn another_book_is_another_corpus() {
    let env = corpus("tests/fixtures/other-book", &[]);
    let ps = passages(&env, "summary");
    // The title heading names no theme, though its words are theme headings.
    for p in &ps {
        let heading_themes: Vec<&Value> = origins(p, "theme")
            .into_iter()
            .filter(|o| o["via"] == "heading")
            .collect();
        assert!(heading_themes.is_empty(), "{}: {heading_themes:?}", p["id"]);
    }
    // "Jane Austen" is the author, not the character Jane.
    let opening = ps
        .iter()
        .find(|p| text(p).starts_with("Jane Austen published"))
        .unwrap();
    assert!(strs(opening, "characters").is_empty(), "{opening}");
    assert_ne!(
        opening["kind"], "analysis",
        "the title heading gives no kind either"
    );
    // "Name: description" lines one under another are one passage each.
    let entries: Vec<&Value> = ps
        .iter()
        .filter(|p| strs(p, "section").first().map(String::as_str) == Some("Characters"))
        .collect();
    assert_eq!(entries.len(), 9, "{entries:?}");
    for e in &entries {
        // One line each, about the character its label names.
        assert!(!text(e).contains('\n'), "{e}");
        assert_eq!(e["kind"], "character");
        let subjects: Vec<&Value> = origins(e, "character")
            .into_iter()
            .filter(|o| o["via"] == "section_subject")
            .collect();
        assert_eq!(subjects.len(), 1, "{e}");
    }
    // Parts from the other book's lexicon.
    let parts: Vec<&Value> = ps
        .iter()
        .filter(|p| strs(p, "section") == ["Plot Summary"])
        .map(|p| &p["part"])
        .collect();
    assert_eq!(parts, [1, 2, 3]);
}

/// Question handling that holds for any English book is built in: the other book's lexicon has
/// no `[[intent]]`, and its questions are still read as questions.
#[test]
fn another_book_without_intents_reads_questions_with_the_built_in_ones() {
    let lexicon = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/other-book/lexicon.toml"),
    )
    .unwrap();
    assert!(!lexicon.contains("[[intent]]") && !lexicon.contains("[[answer_type]]"));
    let env = corpus("tests/fixtures/other-book", &[]);
    let expanded = |q: &str, from: &str| -> Vec<String> {
        let (_, summary, _) = env.json(&[q]);
        summary
            .expansions
            .into_iter()
            .filter(|e| e.from == from)
            .flat_map(|e| e.to)
            .collect()
    };
    let why = expanded("why does elizabeth dislike darcy", "why");
    assert!(why.iter().any(|w| w == "because"), "{why:?}");
    let fate = expanded("what happened to lydia", "what happened to");
    assert!(fate.iter().any(|w| w == "died"), "{fate:?}");
    let (_, summary, _) = env.json(&["how many sisters are there"]);
    assert!(
        summary.notes.iter().any(|n| n.contains("\"how many\"")),
        "{:?}",
        summary.notes
    );
    // "who is …" prefers the character entry to the plot paragraph that names him too.
    let (hits, _, _) = env.json(&["who is wickham"]);
    assert_eq!(hits[0].kind, "character", "{:?}", hits[0]);
}

/// `--part` takes a part's number or name from the corpus's own lexicon, and an unknown one is
/// refused naming that lexicon's parts; `list parts` gives each number with its name and count.
#[test]
fn parts_are_the_corpus_s_own_in_filters_errors_and_lists() {
    for (env, name, number, other, word) in [
        (common::shipped(), "cottages", 2, "Netherfield", "Kathy"),
        (
            corpus("tests/fixtures/other-book", &[]),
            "Pemberley",
            3,
            "Cottages",
            "Elizabeth",
        ),
    ] {
        let lexicon = nlmg_search::lexicon::Lexicon::load(&env.corpus).unwrap();
        // By name and by number, the same passages.
        let ids = |part: &str| -> Vec<String> {
            let (hits, _, _) = env.json(&["--part", part, "-n", "100", word]);
            hits.into_iter().map(|h| h.id).collect()
        };
        let by_name = ids(name);
        assert!(!by_name.is_empty(), "--part {name}");
        assert_eq!(by_name, ids(&number.to_string()), "--part {name}");
        // Refused, naming every part of this lexicon and no other book's.
        for bad in [other, "9"] {
            let out = env
                .cmd()
                .args(["--part", bad, "anything"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "--part {bad}");
            let err = String::from_utf8_lossy(&out.stderr);
            for p in &lexicon.parts {
                assert!(
                    err.contains(&format!("{} ({})", p.number, p.name)),
                    "{p:?} in {err}"
                );
            }
            assert!(!err.contains(other) || bad == other, "{err}");
        }
        // Every part listed, by number, with its name and its count.
        let out = env
            .cmd()
            .args(["list", "parts", "--json"])
            .output()
            .unwrap();
        let listed: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(listed.len(), lexicon.parts.len(), "{listed:?}");
        for (entry, part) in listed.iter().zip(&lexicon.parts) {
            assert_eq!(entry["value"], part.number.to_string());
            assert_eq!(entry["title"], part.name.as_str());
            assert!(entry["count"].as_u64().unwrap() > 0, "{entry}");
        }
        let out = env.cmd().args(["list", "parts"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let first = &lexicon.parts[0];
        assert!(
            text.lines().any(|l| l
                .trim_end()
                .ends_with(&format!("{}  ({})", first.number, first.name))),
            "{text}"
        );
    }
}

/// The README's recipe for another book, run as written: its `mkdir`, `cp` and `export` lines
/// in a temporary directory (copying from this repository), then each `nlmg-search` line with
/// the real binary. Every command must succeed; a command the recipe uses and this runner does
/// not know fails the test, so the recipe stays a list of commands that work.
#[test]
fn the_readme_recipe_for_another_book_works() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let recipe = readme
        .split("<!-- recipe -->")
        .nth(1)
        .and_then(|r| r.split("<!-- /recipe -->").next())
        .expect("README marks its recipe with <!-- recipe --> … <!-- /recipe -->");
    let work = tempfile::tempdir().unwrap();
    let mut env: Vec<(String, String)> = vec![];
    let mut ran = vec![];
    for line in recipe.lines().map(str::trim) {
        let command = line.split(" #").next().unwrap().trim();
        if command.is_empty() || command.starts_with("```") {
            continue;
        }
        let words: Vec<&str> = command.split_whitespace().collect();
        match words[0] {
            "mkdir" => std::fs::create_dir(work.path().join(words[1])).unwrap(),
            "cp" => {
                let from = root.join(words[1]);
                let to = work.path().join(words[2]).join(from.file_name().unwrap());
                std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("{command}: {e}"));
            }
            "export" => {
                for kv in &words[1..] {
                    let (k, v) = kv.split_once('=').unwrap();
                    env.push((k.to_string(), v.to_string()));
                }
            }
            "nlmg-search" => {
                let out = assert_cmd::Command::cargo_bin("nlmg-search")
                    .unwrap()
                    .current_dir(work.path())
                    .env_remove("NLMG_CORPUS")
                    .env_remove("NLMG_INDEX")
                    .envs(env.iter().map(|(k, v)| (k, v)))
                    .args(&words[1..])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{command}: exit {:?}\n{}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                );
                ran.push((command.to_string(), String::from_utf8(out.stdout).unwrap()));
            }
            other => panic!("the recipe uses {other:?}, which this test cannot run: {command}"),
        }
    }
    assert!(ran.len() >= 6, "{ran:?}");
    let output = |prefix: &str| -> &str {
        &ran.iter()
            .find(|(c, _)| c.starts_with(prefix))
            .unwrap_or_else(|| panic!("the recipe runs {prefix}"))
            .1
    };
    let parts = output("nlmg-search list parts");
    for name in ["(Netherfield)", "(Hunsford)", "(Pemberley)"] {
        assert!(parts.contains(name), "{parts}");
    }
    assert!(output("nlmg-search --part pemberley").contains("Pemberley"));
    assert!(output("nlmg-search character").starts_with("Elizabeth"));
    // Nothing was written outside the recipe's own directories.
    let mut made: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    made.sort();
    assert_eq!(made, ["mybook", "mybook-index"]);
}

/// `--help` names the book and the parts of the corpus it is pointed at, for the search and
/// for the views.
#[test]
fn part_help_names_the_corpus_s_own_parts() {
    for (env, parts, book, other) in [
        (
            corpus("tests/fixtures/other-book", &[]),
            "1 (Netherfield), 2 (Hunsford), 3 (Pemberley)",
            "Jane Austen\u{2019}s \u{201C}Pride and Prejudice\u{201D}",
            "Never Let Me Go",
        ),
        (
            common::shipped(),
            "1 (Hailsham), 2 (the Cottages), 3 (carers and donors)",
            "Kazuo Ishiguro\u{2019}s \u{201C}Never Let Me Go\u{201D}",
            "Pride",
        ),
    ] {
        for args in [&["--help"][..], &["-h"]] {
            let out = env.cmd().args(args).output().unwrap();
            let help = String::from_utf8(out.stdout).unwrap();
            assert!(
                help.lines().next().unwrap().contains(book),
                "{args:?}: {help}"
            );
            assert!(!help.contains(other), "{args:?}: {help}");
        }
        for args in [&["--help"][..], &["quotes", "--help"], &["help", "kwic"]] {
            let out = env.cmd().args(args).output().unwrap();
            assert!(out.status.success(), "{args:?}");
            // Help wraps its lines: compare the words.
            let help = String::from_utf8(out.stdout).unwrap();
            let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(parts), "{args:?}: {help}");
        }
    }
}
