//! Hardening group 1: whatever a user types as a query ends in results or a clear error — never a
//! panic, a hang or a crash. Random queries (any Unicode, query operators, quotes, colons, brackets,
//! `*`, `^`, `~`, very long, deeply nested) go through the binary here; the large in-process run
//! through the library is in the same file once the engine exists. Known parser killers are kept as
//! regression cases.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use nlmg_search::search::{Engine, Request};
use nlmg_search::Error;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use common::*;

/// Queries that crashed or hung query parsers before (tantivy #3031, #2498, PR #3075, and ours).
fn known_killers() -> Vec<String> {
    let mut v: Vec<String> = [
        "- *",
        "+ *",
        "*^2",
        "a:(^",
        "(*'\n",
        "*",
        "-",
        "+",
        "^",
        "~",
        ":",
        "\"",
        "'",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "a:",
        ":a",
        "a:b:c",
        "\"unterminated phrase",
        "'unterminated",
        "[a TO",
        "{* TO *}",
        "a^",
        "a^-1",
        "a^1e400",
        "a~",
        "a~99999999999",
        "\"a b\"~",
        "NOT",
        "AND",
        "OR",
        "NOT NOT NOT",
        "a AND",
        "OR b",
        "-(",
        "+(-)",
        "()",
        "(())",
        "* AND *",
        "text:*",
        "IN [",
        "a IN [b c",
        "\\",
        "\\\\\\",
        "a\\",
        "\u{0}",
        "\u{feff}",
        "\u{202e}deferral",
        "🧬 clone",
        "Ruth's possible",
        "why did Madame cry?",
        "    ",
        // Found by the random run below: an excluded phrase tripped an assertion in tantivy's
        // phrase scorer (debug builds); see src/search/guard.rs.
        "-deferral(deferral",
        "-\"told and not\"",
        "Ruth -\"her possible\"",
        "-(\"a b\" -\"c d\")",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(format!("{}deferral{}", "(".repeat(30), ")".repeat(30)));
    v.push("(".repeat(30));
    v.push(")".repeat(30));
    v.push(format!("{}a", "(+".repeat(200)));
    v.push(format!("{}a", "-".repeat(500)));
    v.push("deferral ".repeat(1200)); // ~10 KB of words
    v.push("x".repeat(10 * 1024)); // one 10 KB word
    v.push("\"a ".repeat(3500)); // many open phrases
    v.push("a:".repeat(3000));
    v
}

/// Pieces that query languages give meaning to, and words that occur in the corpus.
const PIECES: &[&str] = &[
    "deferral", "Ruth", "Tommy", "Kathy", "Hailsham", "donor", "carer", "possible", "memory",
    "AND", "OR", "NOT", "TO", "IN", "-", "+", "*", "?", "^", "^2", "~", "~1", ":", "text:",
    "section:", "\"", "'", "(", ")", "[", "]", "{", "}", "\\", "/", "!", "&&", "||", " ", " ",
    "\t", "\n", "é", "ß", "İ", "ﬁ", "日本", "🙂", "\u{0301}", "\u{200b}", "\u{fffd}",
];

/// Question openings, cue words and glossary phrases: the paths that read a question.
const QUESTION_PIECES: &[&str] = &[
    "what happened to ",
    "what is a ",
    "who ",
    "why ",
    " mean ",
    " end up together",
    "run away",
    "complete",
    "teachers",
    "modelled from",
];

fn pieces() -> Vec<&'static str> {
    [PIECES, QUESTION_PIECES].concat()
}

/// A random query: mostly operator soup built from `PIECES`, sometimes arbitrary Unicode,
/// sometimes deeply nested or very long.
pub fn any_query() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(proptest::sample::select(pieces()), 0..24)
            .prop_map(|p| p.concat()),
        3 => any::<String>(),
        1 => "[ -~]{0,64}",
        1 => (0usize..80, proptest::sample::select(pieces()))
            .prop_map(|(depth, inner)| format!("{}{inner}{}", "(".repeat(depth), ")".repeat(depth / 2))),
        1 => (1usize..400, proptest::sample::select(pieces()))
            .prop_map(|(n, piece)| piece.repeat(n)),
    ]
}

/// One built index shared by the CLI cases (they only read it).
fn shared() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let f = Fixture::new();
        f.build_index();
        f
    })
}

/// The binary's verdict on one query must be results (0), none (1) or a clear error (2).
fn check_cli(f: &Fixture, query: &str) {
    // An argument cannot carry a NUL byte through exec; the library run covers those.
    let query = query.replace('\0', " ");
    let out = f.search(&[], &query);
    let what = format!("query {query:?}");
    assert_no_panic(&out, &what);
    match exit_code(&out) {
        0 => assert!(
            !stdout_of(&out).is_empty(),
            "{what}: exit 0 but nothing printed"
        ),
        1 => {}
        2 => {
            let err = stderr_of(&out);
            assert!(
                err.starts_with("nlmg-search: error:") || err.starts_with("error:"),
                "{what}: exit 2 without an error message:\n{err}"
            );
            assert!(
                err.len() < 2000,
                "{what}: the error message is a wall of text:\n{err}"
            );
        }
        c => panic!("{what}: exit {c}"),
    }
    let out = f.search(&["--json"], &query);
    assert_no_panic(&out, &format!("{what} --json"));
    if exit_code(&out) < 2 {
        parse_json(&out, &format!("{what} --json"));
    }
}

#[test]
fn known_parser_killers_through_the_binary() {
    let f = shared();
    for q in known_killers() {
        check_cli(f, &q);
    }
}

#[test]
fn over_long_and_over_nested_queries_get_a_clear_error() {
    let f = shared();
    // 45 KB: under the 128 KiB limit of one argv string. Operators: a plain question this long
    // is searched by its first 1,000 characters instead.
    let long = "deferral OR ".repeat(4_000);
    let nested = format!("{}deferral{}", "(".repeat(500), ")".repeat(500));
    for q in [long, nested] {
        let out = f.search(&[], &q);
        let message = assert_clear_error(&out, "over-long query");
        let lower = message.to_lowercase();
        assert!(
            lower.contains("long") || lower.contains("nest") || lower.contains("deep"),
            "the error does not say what limit was hit:\n{message}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn random_queries_through_the_binary(q in any_query()) {
        check_cli(shared(), &q);
    }
}

/// Longest a single search may take in-process (release build, as CI runs it). Debug builds are
/// several times slower and get a wider bound: the bound is about the algorithm, not the compiler.
const LIMIT_MS: u128 = if cfg!(debug_assertions) { 2_000 } else { 200 };

/// Random queries in-process: 20,000 in release builds (CI), fewer in debug builds.
const LIBRARY_CASES: u32 = if cfg!(debug_assertions) {
    2_000
} else {
    20_000
};

/// Runs one query through the library: it must answer or fail with a usage/query error in words,
/// within [`LIMIT_MS`]. Returns how long it took.
fn check_library(engine: &Engine, query: &str) -> Duration {
    let request = Request {
        query: query.to_string(),
        limit: 10,
        ..Request::default()
    };
    // A slow outlier is re-timed: the machine is shared, and one preemption is not the query.
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let result = engine.search(&request);
        let took = start.elapsed();
        match result {
            Ok(r) => assert!(r.hits.len() <= 10 && r.total >= r.hits.len(), "{query:?}"),
            Err(e @ (Error::Query(_) | Error::Usage(_))) => {
                let m = e.to_string();
                assert!(
                    !m.trim().is_empty() && !m.contains("\n\n") && m.len() < 600,
                    "{query:?}: unclear error: {m:?}"
                );
            }
            Err(e) => panic!("{query:?}: an error that is not about the query: {e}"),
        }
        best = best.min(took);
        if best.as_millis() < LIMIT_MS {
            break;
        }
    }
    assert!(
        best.as_millis() < LIMIT_MS,
        "query of {} bytes took {best:?} (limit {LIMIT_MS} ms): {:?}",
        query.len(),
        query.chars().take(200).collect::<String>()
    );
    best
}

/// An engine over a freshly built index of the project's corpus.
fn library_engine() -> (Fixture, Engine) {
    let f = Fixture::new();
    f.build_index();
    let engine = Engine::open(&f.index, &f.corpus).expect("open the index");
    (f, engine)
}

#[test]
fn known_parser_killers_through_the_library() {
    let (_f, engine) = library_engine();
    for q in known_killers() {
        check_library(&engine, &q);
    }
    // What the killers are there for: the bounds are enforced before parsing, with a clear error.
    for q in [
        "deferral OR ".repeat(1200),
        format!("{}deferral{}", "(".repeat(30), ")".repeat(30)),
    ] {
        match engine.search(&Request {
            query: q.clone(),
            ..Request::default()
        }) {
            Err(Error::Query(m)) => assert!(
                m.contains("long") || m.contains("deep") || m.contains("nest"),
                "{m}"
            ),
            other => panic!("{} bytes: expected a query error, got {other:?}", q.len()),
        }
    }
}

#[test]
fn random_queries_through_the_library() {
    let (_f, engine) = library_engine();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: LIBRARY_CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let slowest = std::cell::Cell::new(Duration::ZERO);
    let result = runner.run(&any_query(), |q| {
        let took = check_library(&engine, &q);
        slowest.set(slowest.get().max(took));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!(
        "{LIBRARY_CASES} random queries, slowest {:?} (limit {LIMIT_MS} ms)",
        slowest.get()
    );
}
