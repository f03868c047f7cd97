//! API latency under concurrent clients: each client holds one kept-alive HTTP/1.1 connection
//! to `nlmg-search serve` and sends `/api/search` requests back to back (the bench query set,
//! each client starting at a different query), for a fixed time. Prints the latency
//! percentiles of every answered request, the requests per second, and any failure.
//!
//! ```text
//! api_latency [--clients 8] [--seconds 10] [--corpus DIR] [--index DIR] [--addr HOST:PORT]
//! ```
//!
//! Without `--addr` it starts `serve` itself (`NLMG_BIN`, default `target/release/nlmg-search`)
//! on a free loopback port over `--corpus`/`--index` (default: as `serve` finds them) and stops
//! it at the end. Built by `cargo build --release --all-targets` as
//! `target/release/examples/api_latency`.
//!
//! Latency is from the first byte of the request written to the last byte of the body read;
//! the client sets `TCP_NODELAY` as browsers do, so what is measured is the server's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nlmg_search::bench::{parse_queries, percentile};
use nlmg_search::shipped::BENCH_QUERIES;

struct Args {
    clients: usize,
    seconds: f64,
    corpus: Option<String>,
    index: Option<String>,
    addr: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        clients: 8,
        seconds: 10.0,
        corpus: None,
        index: None,
        addr: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--clients" => a.clients = value.parse().map_err(|_| "--clients: a number")?,
            "--seconds" => a.seconds = value.parse().map_err(|_| "--seconds: a number")?,
            "--corpus" => a.corpus = Some(value),
            "--index" => a.index = Some(value),
            "--addr" => a.addr = Some(value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if a.clients == 0 || !a.seconds.is_finite() || a.seconds <= 0.0 {
        return Err("--clients and --seconds must be above 0".into());
    }
    Ok(a)
}

/// The request targets: the bench query set as `/api/search` URLs.
fn targets() -> Vec<String> {
    let queries = parse_queries(BENCH_QUERIES).expect("the compiled-in query set parses");
    queries
        .iter()
        .map(|q| {
            let mut url = form_urlencoded::Serializer::new(String::new());
            if !q.text.is_empty() {
                url.append_pair("q", &q.text);
            }
            let f = &q.filters;
            for (name, values) in [
                ("theme", &f.theme),
                ("character", &f.character),
                ("section", &f.section),
                ("source", &f.source),
                ("kind", &f.kind),
                ("part", &f.part),
                ("page", &f.page),
            ] {
                for v in values {
                    url.append_pair(name, v);
                }
            }
            format!("/api/search?{}", url.finish())
        })
        .collect()
}

/// `serve` on a free loopback port, killed when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &Args) -> Result<(Served, String), String> {
    let bin = std::env::var("NLMG_BIN").unwrap_or_else(|_| "target/release/nlmg-search".into());
    let mut cmd = Command::new(&bin);
    if let Some(c) = &args.corpus {
        cmd.args(["--corpus", c]);
    }
    if let Some(i) = &args.index {
        cmd.args(["--index", i]);
    }
    cmd.args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {bin}: {e}"))?;
    let mut line = String::new();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let served = Served(child);
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .ok_or_else(|| format!("serve printed no URL: {line:?}"))?
        .to_string();
    Ok((served, addr))
}

/// One kept-alive connection.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: &str) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Conn {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
        })
    }

    /// Sends one GET and reads the whole answer; the status.
    fn get(&mut self, host: &str, target: &str) -> std::io::Result<u16> {
        let req = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n");
        self.writer.write_all(req.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut length = None;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::Error::other("connection closed in the headers"));
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse::<u64>().ok();
                }
            }
        }
        let length = length.ok_or_else(|| std::io::Error::other("no Content-Length"))?;
        std::io::copy(&mut (&mut self.reader).take(length), &mut std::io::sink())?;
        Ok(status)
    }
}

#[derive(Default)]
struct Tally {
    micros: Vec<u64>,
    /// Requests answered on each client's connection.
    per_client: Vec<usize>,
    non_200: usize,
    failures: Vec<String>,
}

fn client(n: usize, addr: &str, targets: &[String], until: Instant) -> Tally {
    let mut t = Tally::default();
    let mut conn = match Conn::open(addr) {
        Ok(c) => c,
        Err(e) => {
            t.failures.push(format!("connect: {e}"));
            return t;
        }
    };
    let mut i = n * targets.len() / 8;
    while Instant::now() < until {
        let target = &targets[i % targets.len()];
        i += 1;
        let started = Instant::now();
        match conn.get(addr, target) {
            Ok(status) => {
                t.micros.push(started.elapsed().as_micros() as u64);
                if status != 200 {
                    t.non_200 += 1;
                }
            }
            Err(e) => {
                t.failures.push(format!("{target}: {e}"));
                match Conn::open(addr) {
                    Ok(c) => conn = c,
                    Err(_) => return t,
                }
            }
        }
    }
    t
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("api_latency: {e}");
            }
            eprintln!(
                "usage: api_latency [--clients 8] [--seconds 10] [--corpus DIR] [--index DIR] \
                 [--addr HOST:PORT]"
            );
            return ExitCode::from(2);
        }
    };
    let (_served, addr) = match &args.addr {
        Some(a) => (None, a.clone()),
        None => match start(&args) {
            Ok((s, a)) => (Some(s), a),
            Err(e) => {
                eprintln!("api_latency: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let targets = Arc::new(targets());
    // One untimed pass, so every query's first cost (the index opening, caches) is paid.
    if let Ok(mut c) = Conn::open(&addr) {
        for t in targets.iter() {
            let _ = c.get(&addr, t);
        }
    }
    let began = Instant::now();
    let until = began + Duration::from_secs_f64(args.seconds);
    let threads: Vec<_> = (0..args.clients)
        .map(|n| {
            let (addr, targets) = (addr.clone(), targets.clone());
            std::thread::spawn(move || client(n, &addr, &targets, until))
        })
        .collect();
    let mut all = Tally::default();
    for th in threads {
        let t = th.join().expect("a client thread");
        all.per_client.push(t.micros.len());
        all.micros.extend(t.micros);
        all.non_200 += t.non_200;
        all.failures.extend(t.failures);
    }
    let wall = began.elapsed().as_secs_f64();
    all.micros.sort_unstable();
    let p = |q: f64| percentile(&all.micros, q).unwrap_or(0);
    println!(
        "{} clients, {:.1} s, {} queries: {} requests ({:.0}/s), p50 {} µs, p90 {} µs, p99 {} µs, \
         max {} µs; per client {}–{} requests; {} not 200, {} failed",
        args.clients,
        wall,
        targets.len(),
        all.micros.len(),
        all.micros.len() as f64 / wall,
        p(50.0),
        p(90.0),
        p(99.0),
        all.micros.last().copied().unwrap_or(0),
        all.per_client.iter().min().copied().unwrap_or(0),
        all.per_client.iter().max().copied().unwrap_or(0),
        all.non_200,
        all.failures.len()
    );
    for f in all.failures.iter().take(5) {
        eprintln!("failed: {f}");
    }
    if all.failures.is_empty() && !all.micros.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
