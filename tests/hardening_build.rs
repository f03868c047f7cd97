//! Hardening groups 2 and 3: builds killed at random moments, and builds running while others
//! search or build. After every fault a search must answer from a complete index (the old one or
//! the new one: the corpus does not change, so exactly the same hits) and the next build must work.
//!
//! Set `NLMG_TEST_SEED` to replay the kill moments of a failing run (each run prints its seed).

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

const QUERY: &str = "deferral";

/// Copies of the corpus: enough that a build takes long enough to be interrupted part-way.
const SCALE: usize = 30;

/// A scaled corpus with a built index, and what that index answers.
struct Scene {
    f: Fixture,
    build_time: Duration,
    total: u64,
    ids: Vec<String>,
    size: u64,
}

fn scene() -> Scene {
    let f = Fixture::scaled(SCALE);
    let start = Instant::now();
    f.build_index();
    let build_time = start.elapsed();
    let out = f.search(&["--json", "--limit", "20"], QUERY);
    assert_ok(&out, "first search");
    let r = parse_json(&out, "first search");
    assert!(r.total() > 0);
    let size = dir_size(&f.index);
    eprintln!(
        "scaled corpus x{SCALE}: build {:?}, index {} KiB, {} hits for {QUERY}",
        build_time,
        size / 1024,
        r.total()
    );
    Scene {
        total: r.total(),
        ids: r.ids(),
        size,
        build_time,
        f,
    }
}

impl Scene {
    /// A search answers from a complete index: exit 0, the same total and the same top hits.
    fn check_complete(&self, what: &str) {
        let out = self.f.search(&["--json", "--limit", "20"], QUERY);
        assert_ok(&out, what);
        let r = parse_json(&out, what);
        assert_eq!(
            r.total(),
            self.total,
            "{what}: an incomplete index answered"
        );
        assert_eq!(r.ids(), self.ids, "{what}: different hits");
    }
}

fn killed_builds(kills: usize) {
    let s = scene();
    let mut rng = Rng::from_env_or_clock();
    // Moments from "just started" to a little past a whole build, so every stage is hit,
    // including the swap at the end.
    let window_ms = (s.build_time.as_millis() as u64 * 11 / 10).max(20);
    let mut finished_anyway = 0;
    for i in 0..kills {
        let at = Duration::from_millis(rng.below(window_ms));
        let mut child = s.f.spawn_build();
        thread::sleep(at);
        if child.try_wait().unwrap().is_some() {
            finished_anyway += 1;
        }
        // `Child::kill` is SIGKILL on Unix: no destructor, no cleanup, as after a power cut.
        let _ = child.kill();
        child.wait().unwrap();
        let what = format!("after kill #{i} at {at:?}");
        s.check_complete(&what);
        let out = s.f.run(&["index"]);
        assert_ok(&out, &format!("{what}: next `index`"));
        s.check_complete(&format!("{what}: after the next `index`"));
    }
    eprintln!("{kills} kills, {finished_anyway} builds had already finished");
    assert!(
        finished_anyway < kills,
        "no build was interrupted: the kill window is too late"
    );
    // A forced rebuild after all that works, and leftovers of killed builds do not pile up.
    s.f.build_index();
    s.check_complete("after a final index --force");
    let size = dir_size(&s.f.index);
    assert!(
        size <= s.size * 3,
        "the index directory grew from {} KiB to {} KiB: killed builds leave garbage behind",
        s.size / 1024,
        size / 1024
    );
}

#[test]
fn killed_builds_lose_nothing() {
    killed_builds(12);
}

#[test]
#[ignore = "long: 100 builds killed at random moments (about a minute in release)"]
fn killed_builds_lose_nothing_long() {
    killed_builds(100);
}

fn rebuild_while_searching(duration: Duration) {
    let s = Arc::new(scene());
    let deadline = Instant::now() + duration;
    let builds = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let s = Arc::clone(&s);
        let builds = Arc::clone(&builds);
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let out = s.f.run(&["index", "--force"]);
                assert_ok(&out, "index --force while others search");
                builds.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let mut searches = 0;
    let mut failure = None;
    // At least the given time and at least two complete rebuilds (a debug build is slow),
    // within a hard cap.
    let cap = deadline + duration * 10;
    while (Instant::now() < deadline || builds.load(Ordering::Relaxed) < 2) && Instant::now() < cap
    {
        let what = format!(
            "search #{searches} during rebuild #{}",
            builds.load(Ordering::Relaxed)
        );
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.check_complete(&what)));
        if let Err(e) = result {
            failure = Some(e);
            break;
        }
        searches += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.join();
    if let Some(e) = failure {
        std::panic::resume_unwind(e);
    }
    built.expect("the rebuild loop failed");
    let builds = builds.load(Ordering::Relaxed);
    eprintln!("{searches} searches during {builds} rebuilds, none failed");
    assert!(
        builds >= 2,
        "only {builds} rebuilds: the test did not overlap them with searches"
    );
    assert!(searches >= 10, "only {searches} searches ran");
}

#[test]
fn searches_never_fail_during_rebuilds() {
    rebuild_while_searching(Duration::from_secs(10));
}

#[test]
#[ignore = "long: searches during rebuilds for 2 minutes"]
fn searches_never_fail_during_rebuilds_long() {
    rebuild_while_searching(Duration::from_secs(120));
}

#[test]
fn a_second_build_is_refused_while_one_runs() {
    let s = scene();
    let mut first = s.f.spawn_build();
    // Wait until the first build holds the lock: it writes into a `tmp-*` directory only then.
    let under_way = wait_until(Duration::from_secs(120), || {
        std::fs::read_dir(&s.f.index).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("tmp-"))
        })
    });
    assert!(under_way, "the first build never started writing");
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first build finished before the second started; raise SCALE"
    );
    let second = s.f.run(&["index", "--force"]);
    let message = assert_clear_error(&second, "second concurrent index");
    let lower = message.to_lowercase();
    assert!(
        lower.contains("another") && (lower.contains("build") || lower.contains("index")),
        "the refusal does not say another build is running:\n{message}"
    );
    let status = first.wait().unwrap();
    assert_eq!(
        code_of(status),
        0,
        "the first build failed because of the second"
    );
    s.check_complete("after two builds at once");
    // And a search that must build (stale index) while a build runs waits or answers, never breaks.
    let mut first = s.f.spawn_build();
    thread::sleep((s.build_time / 4).max(Duration::from_millis(30)));
    s.check_complete("search while a build runs");
    assert_eq!(code_of(first.wait().unwrap()), 0);
}
