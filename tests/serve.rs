//! `nlmg-search serve` through HTTP on loopback: every endpoint read back through the
//! documented types, bad requests, traversal attempts, random queries, load during a rebuild,
//! and the binary run from elsewhere with a fresh HOME.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{serve, served};
use nlmg_search::output::views::{CharacterLine, KwicLine, MatrixLine, QuotesLine};
use nlmg_search::server::api::{JsonList, JsonPassageView, JsonSearch};
use nlmg_search::server::api_views::{JsonCharacter, JsonKwic, JsonMatrix, JsonQuotes};
use proptest::prelude::*;

/// One GET over a fresh connection: (status, body).
fn get(addr: &str, target: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = vec![];
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

fn get_json<T: serde::de::DeserializeOwned>(addr: &str, target: &str) -> (u16, T) {
    let (status, body) = get(addr, target);
    let v = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{target}: {e}: {}", String::from_utf8_lossy(&body)));
    (status, v)
}

#[derive(serde::Deserialize)]
struct ApiError {
    error: String,
}

#[test]
fn endpoints_answer_with_the_documented_types() {
    let env = common::shipped();
    let s = served(&env);
    let (st, r): (_, JsonSearch) = get_json(&s.addr, "/api/search?q=deferral&limit=3");
    assert_eq!(st, 200);
    assert_eq!(r.hits.len(), 3);
    assert!(r.summary.total >= 3);
    let first = &r.hits[0];
    assert!(!first.highlights.is_empty());
    // The API gives what --json gives for the same search.
    let (cli_hits, _, _) = env.json(&["--limit", "3", "deferral"]);
    let ids = |h: &[nlmg_search::output::json::JsonHit]| -> Vec<String> {
        h.iter().map(|h| h.id.clone()).collect()
    };
    assert_eq!(ids(&r.hits), ids(&cli_hits));

    // Disjunctive facets: with theme=hope picked, other themes keep their counts.
    let (_, f): (_, JsonSearch) = get_json(&s.addr, "/api/search?q=tommy&theme=art");
    assert!(f.hits.iter().all(|h| h.themes.contains(&"art".to_string())));
    let (_, all): (_, JsonSearch) = get_json(&s.addr, "/api/search?q=tommy");
    assert_eq!(f.facets["theme"], all.summary.facets["theme"]);
    assert_ne!(f.facets["theme"], f.summary.facets["theme"]);
    assert_eq!(f.facets["character"], f.summary.facets["character"]);

    let (st, p): (_, JsonPassageView) =
        get_json(&s.addr, &format!("/api/passage/{}?context=2", first.id));
    assert_eq!(st, 200);
    assert_eq!(p.passage.id, first.id);
    assert!(p.before.len() <= 2 && p.after.len() <= 2);
    assert!(!p.before.is_empty() || !p.after.is_empty());

    let (st, l): (_, JsonList) = get_json(&s.addr, "/api/list/themes");
    assert_eq!(st, 200);
    assert!(l.values.iter().any(|v| v.value == "hope" && v.count > 0));

    // The page renders the results into the HTML it sends.
    let (st, html) = get(&s.addr, "/?q=deferral&theme=hope");
    let html = String::from_utf8(html).unwrap();
    assert_eq!(st, 200);
    assert!(html.contains("<mark>"), "no highlighted result");
    assert!(
        html.contains("class=\"fv on\""),
        "the picked facet is not shown picked"
    );
    for asset in ["/static/page.css", "/static/page.js"] {
        assert_eq!(get(&s.addr, asset).0, 200, "{asset}");
    }
}

#[test]
fn bad_requests_are_400_with_the_clis_message() {
    let env = common::shipped();
    let s = served(&env);
    for (target, words) in [
        ("/api/search?q=x&theme=nope", "unknown theme"),
        ("/api/search?q=x&page=9-1", "page"),
        ("/api/search?q=x&limit=0", "--limit"),
        ("/api/search?q=x&limit=5000", "limit"),
        ("/api/search?them=hope", "unknown parameter"),
        ("/api/search", "nothing to search for"),
        ("/api/list/nothing", "unknown list"),
    ] {
        let (st, e): (_, ApiError) = get_json(&s.addr, target);
        assert_eq!(st, 400, "{target}: {}", e.error);
        assert!(e.error.contains(words), "{target}: {}", e.error);
    }
    let long = "a".repeat(20 * 1024);
    let (st, e): (_, ApiError) = get_json(&s.addr, &format!("/api/search?q={long}"));
    // A pasted run of 20 KB is refused with the CLI's own message, never a 5xx.
    assert_eq!(st, 400, "{}", e.error);
    assert!(!e.error.is_empty());
    let (st, _): (_, ApiError) = get_json(&s.addr, "/api/passage/nope:1");
    assert_eq!(st, 404);
}

/// The JSON Lines a view command prints, each line read back as `T`.
fn cli_lines<T: serde::de::DeserializeOwned>(env: &common::Env, args: &[&str]) -> Vec<T> {
    let out = env.cmd().args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn the_views_answer_with_what_their_commands_print() {
    let env = common::shipped();
    env.cmd().arg("index").assert().success();
    let s = served(&env);

    let (st, q): (_, JsonQuotes) = get_json(&s.addr, "/api/quotes?theme=hope");
    assert_eq!(st, 200);
    let mut cli: Vec<QuotesLine> = cli_lines(&env, &["quotes", "--theme", "hope", "--json"]);
    assert_eq!(cli.pop(), Some(q.summary.clone()), "the same summary line");
    let cli: Vec<_> = cli
        .into_iter()
        .map(|l| match l {
            QuotesLine::Quote(q) => q,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(!q.quotes.is_empty());
    assert_eq!(q.quotes, cli);
    assert!(q.quotes.iter().all(|q| q.themes.contains(&"hope".into())));

    let (st, k): (_, JsonKwic) = get_json(&s.addr, "/api/kwic?q=deferral&width=3&sort=left");
    assert_eq!(st, 200);
    let mut cli: Vec<KwicLine> = cli_lines(
        &env,
        &[
            "kwic", "deferral", "--width", "3", "--sort", "left", "--json",
        ],
    );
    assert_eq!(cli.pop(), Some(k.summary.clone()));
    assert_eq!(cli.len(), k.lines.len());
    assert!(k.lines.len() > 5, "{} lines", k.lines.len());
    assert!(k
        .lines
        .iter()
        .all(|l| l.matched.to_lowercase().starts_with("defer")));
    // At most 3 words a side, as the index counts words (runs of letters and digits).
    let words = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .count()
    };
    assert!(k.lines.iter().all(|l| words(&l.left) <= 3), "{:?}", k.lines);

    let (st, m): (_, JsonMatrix) = get_json(&s.addr, "/api/matrix?part=2");
    assert_eq!(st, 200);
    let mut cli: Vec<MatrixLine> = cli_lines(&env, &["matrix", "--part", "2", "--json"]);
    assert_eq!(cli.pop(), Some(m.summary.clone()));
    assert_eq!(cli.len(), m.cells.len());
    // A cell counts what the search for its pair finds.
    let cell = m.cells.iter().max_by_key(|c| c.count).unwrap();
    let (_, r): (_, JsonSearch) = get_json(
        &s.addr,
        &format!(
            "/api/search?character={}&theme={}&part=2",
            cell.character.replace(' ', "+"),
            cell.theme
        ),
    );
    assert_eq!(r.summary.total as u64, cell.count, "{cell:?}");

    let (st, c): (_, JsonCharacter) = get_json(&s.addr, "/api/character/tommy");
    assert_eq!(st, 200);
    assert_eq!(c.character.name, "Tommy");
    let mut cli: Vec<CharacterLine> = cli_lines(&env, &["character", "Tommy", "--json"]);
    assert_eq!(cli.pop(), Some(c.summary.clone()));
    assert!(c.character.passages > 0 && !c.character.themes.is_empty());

    // Bad requests: 400 with the commands' messages.
    for (target, words) in [
        ("/api/quotes?theme=nope", "unknown theme"),
        ("/api/quotes?kind=plot", "unknown parameter"),
        ("/api/kwic", "no word to look for"),
        ("/api/kwic?q=x&width=99", "--width 99"),
        ("/api/kwic?q=x&sort=up", "--sort"),
        ("/api/matrix?part=9", "part"),
        ("/api/character/Tomy", "did you mean \"Tommy\""),
    ] {
        let (st, e): (_, ApiError) = get_json(&s.addr, target);
        assert_eq!(st, 400, "{target}: {}", e.error);
        assert!(e.error.contains(words), "{target}: {}", e.error);
    }

    // Each tab is a page rendered on the server, its entries linking to searches.
    for (path, link) in [
        ("/quotes", "href=\"/passage/"),
        ("/characters", "href=\"/characters/Tommy\""),
        ("/characters/Tommy", "href=\"/?character=Tommy&amp;theme="),
        ("/matrix", "href=\"/?character="),
        ("/concordance?q=deferral", "<mark>deferral</mark>"),
    ] {
        let (st, html) = get(&s.addr, path);
        let html = String::from_utf8(html).unwrap();
        assert_eq!(st, 200, "{path}");
        assert!(html.contains(link), "{path} has no {link}");
        assert!(html.contains("aria-current=\"page\""), "{path}: its tab");
    }
}

/// Reads one answer from a kept-alive connection: (status, head, body), by its Content-Length.
fn read_answer(s: &mut TcpStream) -> (u16, String, Vec<u8>) {
    let mut raw = vec![];
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte)
            .expect("an answer before the timeout");
        raw.push(byte[0]);
    }
    let head = String::from_utf8(raw).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0; len];
    s.read_exact(&mut body).unwrap();
    (status, head, body)
}

#[test]
fn a_burst_of_kept_alive_connections_is_answered_while_all_stay_open() {
    // A browser or a class opens several connections at once and keeps them; every one must
    // be answered while the others stay open, not once one of them closes.
    let env = common::shipped();
    let s = served(&env);
    let mut conns: Vec<TcpStream> = (0..24)
        .map(|_| TcpStream::connect(&s.addr).unwrap())
        .collect();
    for round in 0..3 {
        for c in conns.iter_mut() {
            c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            write!(
                c,
                "GET /api/search?q=deferral&limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"
            )
            .unwrap();
        }
        for (n, c) in conns.iter_mut().enumerate() {
            let (st, head, body) = read_answer(c);
            assert_eq!(st, 200, "connection {n}, round {round}");
            assert!(!head.contains("Connection: close"), "{head}");
            serde_json::from_slice::<JsonSearch>(&body).unwrap();
        }
    }
}

#[test]
fn malformed_and_oversized_requests_get_an_answer_and_a_closed_connection() {
    let env = common::shipped();
    let s = served(&env);
    let huge_header = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(70_000));
    for (raw, want) in [
        ("NONSENSE\r\n\r\n".to_string(), 400),
        (
            "GET / HTTP/1.1\r\nContent-Length: nine\r\n\r\n".to_string(),
            400,
        ),
        (
            "POST /api/search HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_string(),
            411,
        ),
        (
            "POST /api/search HTTP/1.1\r\nContent-Length: 9999999\r\n\r\n".to_string(),
            413,
        ),
        (huge_header, 431),
    ] {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        // The server may answer and close before reading all of a huge head.
        let _ = c.write_all(raw.as_bytes());
        let (st, head, body) = read_answer(&mut c);
        assert_eq!(st, want, "{}", &raw[..raw.len().min(60)]);
        assert!(head.contains("Connection: close"), "{head}");
        serde_json::from_slice::<ApiError>(&body).unwrap();
        let mut rest = vec![];
        assert_eq!(
            c.read_to_end(&mut rest).unwrap_or(0),
            0,
            "closed after the answer"
        );
    }
    // A small body is read and dropped; the answer is the router's, and the connection lives.
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c.write_all(b"POST /api/search HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /api/search?q=tape HTTP/1.1\r\n\r\n")
        .unwrap();
    assert_eq!(read_answer(&mut c).0, 405);
    assert_eq!(read_answer(&mut c).0, 200);
}

#[test]
fn no_path_reaches_the_file_system() {
    let env = common::shipped();
    let s = served(&env);
    for target in [
        "/../../etc/passwd",
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/static/%2Fetc%2Fpasswd",
        "/static//etc/passwd",
        "/api/passage/..%2f..%2fetc%2fpasswd",
        "/static/%FF",
    ] {
        let (st, body) = get(&s.addr, target);
        assert!((400..500).contains(&st), "{target}: {st}");
        assert!(
            !String::from_utf8_lossy(&body).contains("root:"),
            "{target}"
        );
    }
}

fn random_query() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[a-z \"()*:+-^~]{0,30}",
        Just("- *".to_string()),
        Just("a:(^".to_string()),
        Just("((((((((((x".to_string()),
    ]
}

#[test]
fn random_queries_never_give_a_5xx_and_always_json() {
    let env = common::shipped();
    let s = served(&env);
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 2000,
        failure_persistence: None,
        ..Default::default()
    });
    runner
        .run(&random_query(), |q| {
            let enc = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", &q)
                .finish();
            let (st, body) = get(&s.addr, &format!("/api/search?{enc}"));
            prop_assert!(st < 500, "{q:?}: {st}");
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
            Ok(())
        })
        .unwrap();
}

/// Eight clients for `secs` seconds; returns (requests, failures).
fn load(addr: &str, secs: u64) -> (usize, Vec<String>) {
    let until = Instant::now() + Duration::from_secs(secs);
    let queries = [
        "deferral",
        "why+did+Madame+cry",
        "memory&theme=hope",
        "tommy+ruth",
        "carer",
    ];
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|n| {
                scope.spawn(move || {
                    let mut done = 0;
                    let mut failed = vec![];
                    let mut i = n;
                    while Instant::now() < until {
                        let q = queries[i % queries.len()];
                        i += 1;
                        let (st, body) = get(addr, &format!("/api/search?q={q}"));
                        done += 1;
                        if st != 200 || serde_json::from_slice::<JsonSearch>(&body).is_err() {
                            failed.push(format!("{q}: {st} {}", String::from_utf8_lossy(&body)));
                        }
                    }
                    (done, failed)
                })
            })
            .collect();
        handles.into_iter().fold((0, vec![]), |(n, mut f), h| {
            let (d, mut g) = h.join().unwrap();
            f.append(&mut g);
            (n + d, f)
        })
    })
}

#[test]
fn eight_clients_get_answers_also_while_the_index_is_rebuilt() {
    let env = common::shipped();
    let s = served(&env);
    let (n, failed) = load(&s.addr, 20);
    assert!(
        n > 0 && failed.is_empty(),
        "{} of {n} failed: {:?}",
        failed.len(),
        failed.first()
    );
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (n, failed, builds) = std::thread::scope(|scope| {
        let rebuilds = scope.spawn(|| {
            let mut builds = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let out = env.cmd().args(["index", "--force"]).output().unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                builds += 1;
            }
            builds
        });
        let (n, failed) = load(&s.addr, 20);
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        (n, failed, rebuilds.join().unwrap())
    });
    println!("{n} requests during {builds} rebuilds");
    assert!(builds >= 2, "only {builds} rebuilds");
    assert!(
        n > 0 && failed.is_empty(),
        "{} of {n} failed: {:?}",
        failed.len(),
        failed.first()
    );
}

#[test]
fn a_copied_binary_run_elsewhere_with_a_fresh_home_answers() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("nlmg-search");
    std::fs::copy(env!("CARGO_BIN_EXE_nlmg-search"), &bin).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let run = || {
        let mut c = Command::new(&bin);
        c.current_dir(dir.path())
            .env("HOME", &home)
            .env_remove("XDG_CACHE_HOME")
            .env_remove("NLMG_CORPUS")
            .env_remove("NLMG_INDEX");
        c
    };
    let out = run().arg("deferral").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout)
        .to_lowercase()
        .contains("deferral"));
    assert!(
        err.contains(".cache/nlmg-search"),
        "where the index went is not said: {err}"
    );
    let again = run().arg("deferral").output().unwrap();
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains(".cache/nlmg-search"),
        "said again"
    );
    // Files readable by everyone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let index = home.join(".cache/nlmg-search/index");
        let current = std::fs::read_to_string(index.join("current")).unwrap();
        for e in std::fs::read_dir(index.join(current.trim())).unwrap() {
            let e = e.unwrap();
            let mode = e.metadata().unwrap().permissions().mode() & 0o777;
            let want = if e.metadata().unwrap().is_dir() {
                0o755
            } else {
                0o644
            };
            assert_eq!(mode, want, "{}", e.path().display());
        }
    }
    let s = serve(run());
    let (st, r): (_, JsonSearch) = get_json(&s.addr, "/api/search?q=deferral");
    assert_eq!(st, 200);
    assert!(!r.hits.is_empty());
}
