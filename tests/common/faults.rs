//! The harness's fault-injection half: throwaway corpus and index directories, the real binary
//! run as a child process (to kill, time or measure), scaled-up corpora, and the checks every
//! hardening test repeats (no panic, a clear error). `common` re-exports all of it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The project's own corpus (the three summaries, the lexicon and `sources.toml`).
pub fn repo_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The ids of the summaries in the project's corpus, sorted.
pub fn repo_source_ids() -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(repo_corpus())
        .expect("corpus/ is readable")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

/// The binary under test.
pub fn bin_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("nlmg-search")
}

/// True when the tests run as root, where permission bits do not stop reads or writes.
pub fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A temporary workspace: `corpus/` (a copy, or a scaled copy, of the project's corpus) and an
/// `index/` path beside it. Everything is removed on drop.
pub struct Fixture {
    pub dir: TempDir,
    pub corpus: PathBuf,
    pub index: PathBuf,
}

impl Fixture {
    /// A byte-identical copy of the project's corpus, no index yet.
    pub fn new() -> Self {
        Self::scaled(1)
    }

    /// The project's corpus with every summary copied `n` times under distinct names
    /// (`study-guide.txt`, `study-guide-copy001.txt`, …), plus the lexicon and sources file.
    pub fn scaled(n: usize) -> Self {
        assert!(n >= 1);
        let dir = tempfile::Builder::new()
            .prefix("nlmg-hardening-")
            .tempdir()
            .expect("temp dir");
        let corpus = dir.path().join("corpus");
        let index = dir.path().join("index");
        fs::create_dir(&corpus).unwrap();
        for entry in fs::read_dir(repo_corpus()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|x| x == "txt") {
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                for copy in 0..n {
                    let target = if copy == 0 {
                        name.clone()
                    } else {
                        format!("{stem}-copy{copy:03}.txt")
                    };
                    fs::copy(&path, corpus.join(target)).unwrap();
                }
            } else if path.is_file() {
                fs::copy(&path, corpus.join(&name)).unwrap();
            }
        }
        Fixture { dir, corpus, index }
    }

    /// Writes an extra file into the corpus.
    pub fn add_file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.corpus.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }

    /// The binary with `--corpus` and `--index` pointing into this fixture (through the
    /// environment, so that the arguments are exactly what a test passes), no colour.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(bin_path());
        cmd.env("NLMG_CORPUS", &self.corpus)
            .env("NLMG_INDEX", &self.index)
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LOG")
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// `bash -c SCRIPT` with this fixture's environment, where `$0` is the binary.
    pub fn shell(&self, script: &str) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg("-c")
            .arg(script)
            .arg(bin_path())
            .env("NLMG_CORPUS", &self.corpus)
            .env("NLMG_INDEX", &self.index)
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the binary to completion with these arguments.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("binary runs")
    }

    /// Runs a search for `query`, passed after `--` so that a query starting with `-` is a query.
    pub fn search(&self, extra: &[&str], query: &str) -> Output {
        let mut args: Vec<&str> = extra.to_vec();
        args.push("--");
        args.push(query);
        self.run(&args)
    }

    /// Builds (or rebuilds) the index and insists that it worked.
    pub fn build_index(&self) -> Output {
        let out = self.run(&["index", "--force"]);
        assert_ok(&out, "index --force");
        out
    }

    /// Starts `index --force` in the background (stdout/stderr discarded).
    pub fn spawn_build(&self) -> Child {
        self.command()
            .args(["index", "--force"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn index")
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

/// Standard error as text.
pub fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Exit code, or 128 + signal for a process killed by a signal (as a shell reports it).
pub fn exit_code(out: &Output) -> i32 {
    code_of(out.status)
}

pub fn code_of(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

/// Fails unless the process neither panicked nor printed a backtrace.
pub fn assert_no_panic(out: &Output, what: &str) {
    let err = stderr_of(out);
    assert!(
        !err.contains("panicked")
            && !err.contains("stack backtrace")
            && !err.contains("RUST_BACKTRACE"),
        "{what}: the binary panicked:\n{err}"
    );
    assert!(
        exit_code(out) <= 2,
        "{what}: died with status {} (101 is a panic, >128 a signal):\n{err}",
        exit_code(out)
    );
}

/// Fails unless the command exited 0 without a panic.
pub fn assert_ok(out: &Output, what: &str) {
    assert_no_panic(out, what);
    assert_eq!(
        exit_code(out),
        0,
        "{what} failed:\nstdout:\n{}\nstderr:\n{}",
        stdout_of(out),
        stderr_of(out)
    );
}

/// Fails unless the command failed the way a user can act on: exit 2, no panic, one short
/// paragraph on stderr that starts with `nlmg-search: error:`.
pub fn assert_clear_error(out: &Output, what: &str) -> String {
    assert_no_panic(out, what);
    let err = stderr_of(out);
    assert_eq!(
        exit_code(out),
        2,
        "{what}: expected exit 2 (error)\nstdout:\n{}\nstderr:\n{err}",
        stdout_of(out)
    );
    let message = err.trim();
    assert!(
        message.contains("error"),
        "{what}: stderr does not say what went wrong:\n{err}"
    );
    assert!(
        !message.contains("\n\n"),
        "{what}: the error is not one paragraph:\n{err}"
    );
    assert!(
        message.lines().count() <= 8 && message.len() <= 1200,
        "{what}: the error is too long to be one paragraph:\n{err}"
    );
    message.to_string()
}

/// Fails unless `message` names a command that repairs the index.
pub fn assert_names_fix(message: &str, what: &str) {
    assert!(
        message.contains("nlmg-search index --force") || message.contains("--rebuild-if-damaged"),
        "{what}: the message does not say how to fix it (`nlmg-search index --force` or \
         `--rebuild-if-damaged`):\n{message}"
    );
}

/// The JSON Lines a `--json` search printed: the hits and the final summary.
pub struct JsonResult {
    pub hits: Vec<serde_json::Value>,
    pub summary: serde_json::Value,
}

impl JsonResult {
    pub fn total(&self) -> u64 {
        self.summary["total"].as_u64().expect("summary.total")
    }

    pub fn ids(&self) -> Vec<String> {
        self.hits
            .iter()
            .map(|h| h["id"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

/// Parses `--json` output; fails the test on anything that is not the documented shape.
pub fn parse_json(out: &Output, what: &str) -> JsonResult {
    let text = stdout_of(out);
    let mut hits = Vec::new();
    let mut summary = None;
    for (n, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{what}: line {} is not JSON ({e}): {line}", n + 1));
        match v["type"].as_str() {
            Some("hit") => hits.push(v),
            Some("summary") => summary = Some(v),
            _ => {}
        }
    }
    let summary = summary.unwrap_or_else(|| {
        panic!(
            "{what}: no summary line\nstdout:\n{text}\nstderr:\n{}",
            stderr_of(out)
        )
    });
    JsonResult { hits, summary }
}

/// Every file under `dir` whose name is `name`, at any depth.
pub fn find_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    walk(dir, &mut |p| {
        if p.file_name().is_some_and(|n| n == name) {
            found.push(p.to_path_buf());
        }
    });
    found.sort();
    found
}

/// Every regular file under `dir`, at any depth.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    walk(dir, &mut |p| found.push(p.to_path_buf()));
    found.sort();
    found
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(meta) = fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            walk(&p, f);
        } else if meta.is_file() {
            f(&p);
        }
    }
}

/// Total size in bytes of the regular files under `dir`.
pub fn dir_size(dir: &Path) -> u64 {
    all_files(dir)
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// A small deterministic random source (xorshift), so a failing run can be replayed from the seed
/// it prints.
pub struct Rng(u64);

impl Rng {
    /// Seeded from `NLMG_TEST_SEED` when set, otherwise from the clock.
    pub fn from_env_or_clock() -> Self {
        let seed = std::env::var("NLMG_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("random seed: NLMG_TEST_SEED={seed}");
        Rng(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `[0, bound)`.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next_u64() % bound
        }
    }
}

/// Runs `f` until it returns true or `limit` passes; returns whether it succeeded.
pub fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    f()
}

/// Peak resident memory of a running child, sampled from `/proc` until it exits.
/// Returns the exit status, the output, and the highest `VmHWM`/`VmRSS` seen, in KiB.
pub fn run_measuring_memory(mut cmd: Command) -> (Output, u64) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut v).ok();
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut v).ok();
        v
    });
    let mut peak_kib = 0;
    let status = loop {
        if let Ok(status) = fs::read_to_string(format!("/proc/{pid}/status")) {
            for line in status.lines() {
                if line.starts_with("VmHWM:") || line.starts_with("VmRSS:") {
                    let kib: u64 = line
                        .split_whitespace()
                        .nth(1)
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0);
                    peak_kib = peak_kib.max(kib);
                }
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let out = Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    };
    (out, peak_kib)
}

/// Makes a directory tree unwritable even for root (the immutable attribute), or with permission
/// bits for other users; undone on drop so the temp dir can be removed.
pub struct ReadOnlyGuard {
    paths: Vec<PathBuf>,
    immutable: bool,
}

impl ReadOnlyGuard {
    /// Returns `None` when this machine cannot make a directory read-only for us.
    pub fn new(dir: &Path) -> Option<Self> {
        let mut dirs = vec![dir.to_path_buf()];
        let mut i = 0;
        while i < dirs.len() {
            if let Ok(entries) = fs::read_dir(&dirs[i]) {
                for e in entries.flatten() {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        dirs.push(e.path());
                    }
                }
            }
            i += 1;
        }
        if running_as_root() {
            let ok = Command::new("chattr")
                .arg("+i")
                .args(&dirs)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return None;
            }
            let guard = ReadOnlyGuard {
                paths: dirs,
                immutable: true,
            };
            // Prove it: if a probe file can still be created, the attribute did not take.
            let probe = dir.join(".probe");
            if fs::write(&probe, b"x").is_ok() {
                let _ = fs::remove_file(&probe);
                return None;
            }
            Some(guard)
        } else {
            use std::os::unix::fs::PermissionsExt;
            for d in &dirs {
                fs::set_permissions(d, fs::Permissions::from_mode(0o555)).ok()?;
            }
            Some(ReadOnlyGuard {
                paths: dirs,
                immutable: false,
            })
        }
    }

    /// Makes the tree writable again (also done on drop).
    pub fn release(&mut self) {
        if self.paths.is_empty() {
            return;
        }
        if self.immutable {
            let _ = Command::new("chattr")
                .arg("-i")
                .args(&self.paths)
                .stderr(Stdio::null())
                .status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            for d in &self.paths {
                let _ = fs::set_permissions(d, fs::Permissions::from_mode(0o755));
            }
        }
        self.paths.clear();
    }
}

impl Drop for ReadOnlyGuard {
    fn drop(&mut self) {
        self.release();
    }
}
