//! HTTP/1.1 connections: the accept loop, one light thread per connection that reads requests
//! (parsed by `httparse`) and writes answers, and the hand-off of each request to the small
//! pool of worker threads that hold the engine.
//!
//! A connection thread only does I/O; every answer is computed on a worker, so the engine's
//! CPU use stays bounded however many browsers keep connections open. Each accepted connection
//! gets its thread at once, so no connection ever waits for another kept-alive one to close.
//! (tiny_http, used before, queued a burst of connections on a thread pool that could count a
//! thread it had just woken as still idle, and then left one connection unanswered for as long
//! as the others stayed open.)

use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::routes::Reply;

/// Longest request head (request line and headers) read: room for a URL of
/// [`super::params::MAX_URL_BYTES`], which the router answers with its own 414 above that.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Most header lines in one request.
const MAX_HEADERS: usize = 64;

/// Longest request body read (and dropped: no route takes one) before the answer.
const MAX_BODY_BYTES: u64 = 64 * 1024;

/// A kept-alive connection with no request for this long is closed; so is one whose request
/// head takes longer than this to arrive.
pub const IDLE: Duration = Duration::from_secs(15);

/// How long, and how much, a refused request's remaining bytes are read before closing.
const LINGER: Duration = Duration::from_secs(2);
const MAX_LINGER_BYTES: u64 = 1 << 20;

/// Connections open at once; above this a new one is answered 503 and closed.
const MAX_CONNECTIONS: usize = 512;

/// A request handed to a worker, with the channel its reply goes back on.
pub struct Job {
    pub method: String,
    /// The request target as sent: path and query string.
    pub target: String,
    pub reply: mpsc::SyncSender<Reply>,
}

/// Accepts connections until `stop` is set (and [`wake`] unblocks the accept), each on its own
/// thread, sending their requests to `jobs`.
pub fn accept_loop(listener: TcpListener, jobs: mpsc::SyncSender<Job>, stop: Arc<AtomicBool>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut stream) = stream else {
            // Out of descriptors, or a connection reset before it was accepted: the next
            // accept may well succeed, and a pause keeps this loop from spinning meanwhile.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let busy = Reply::error(503, "too many open connections; try again shortly");
            let _ = stream.write_all(&encode(busy, false, Version::Http11, true));
            continue;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let (jobs, open2) = (jobs.clone(), open.clone());
        let spawned = std::thread::Builder::new()
            .name("connection".into())
            .spawn(move || {
                let _ = serve_connection(stream, &jobs);
                open2.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Unblocks [`accept_loop`] after its stop flag is set: it only looks at the flag when a
/// connection arrives, so one is made.
pub fn wake(addr: SocketAddr) {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    Http10,
    Http11,
}

/// What the connection needs to know of a request head.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    method: String,
    target: String,
    version: Version,
    /// The client wants the connection closed after this answer.
    close: bool,
    body: Body,
    expect_continue: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum Body {
    None,
    Length(u64),
    Chunked,
}

/// Why a request head cannot be answered normally; the connection is closed after the reply.
#[derive(Debug, PartialEq, Eq)]
enum Refused {
    Malformed(&'static str),
    BadLength,
}

/// Parses the head at the start of `buf`: `Ok(None)` until it is complete, then its length.
fn parse_head(buf: &[u8]) -> Result<Option<(usize, Head)>, Refused> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Partial) => return Ok(None),
        Ok(httparse::Status::Complete(n)) => n,
        Err(httparse::Error::TooManyHeaders) => return Err(Refused::Malformed("too many headers")),
        Err(_) => return Err(Refused::Malformed("not an HTTP/1.x request")),
    };
    let version = match req.version {
        Some(0) => Version::Http10,
        _ => Version::Http11,
    };
    let mut close = version == Version::Http10;
    let mut body = Body::None;
    let mut expect_continue = false;
    for h in req.headers.iter() {
        let Some(name) = [
            "connection",
            "content-length",
            "transfer-encoding",
            "expect",
        ]
        .into_iter()
        .find(|n| h.name.eq_ignore_ascii_case(n)) else {
            // Most headers (user agent, cookies, accepted types) say nothing to the connection.
            continue;
        };
        let value = String::from_utf8_lossy(h.value).to_ascii_lowercase();
        match name {
            "connection" => {
                let tokens: Vec<&str> = value.split(',').map(str::trim).collect();
                if tokens.contains(&"close") {
                    close = true;
                } else if tokens.contains(&"keep-alive") {
                    close = false;
                }
            }
            "content-length" => {
                let n = value.trim().parse().map_err(|_| Refused::BadLength)?;
                if matches!(body, Body::Length(m) if m != n) {
                    return Err(Refused::BadLength);
                }
                body = Body::Length(n);
            }
            "transfer-encoding" if value.contains("chunked") => body = Body::Chunked,
            "expect" if value.trim() == "100-continue" => expect_continue = true,
            _ => {}
        }
    }
    Ok(Some((
        len,
        Head {
            method: req.method.unwrap_or("GET").to_string(),
            target: req.path.unwrap_or("/").to_string(),
            version,
            close,
            body,
            expect_continue,
        },
    )))
}

/// Answers the requests of one connection, in order, until it closes, idles or errs.
fn serve_connection(mut stream: TcpStream, jobs: &mpsc::SyncSender<Job>) -> io::Result<()> {
    // Each answer is one write; sent at once rather than held for the client's ACK.
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(IDLE))?;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    loop {
        // Read until the buffer holds a whole head; bytes after it (a pipelined request)
        // stay for the next turn.
        let (len, head) = loop {
            match parse_head(&buf) {
                Ok(Some(parsed)) => break parsed,
                Ok(None) if buf.len() >= MAX_HEAD_BYTES => {
                    let reply = Reply::error(
                        431,
                        &format!("the request head is over {MAX_HEAD_BYTES} bytes"),
                    );
                    return refuse(&mut stream, reply, Version::Http11);
                }
                Ok(None) => {}
                Err(refused) => {
                    let reply = match refused {
                        Refused::Malformed(why) => Reply::error(400, why),
                        Refused::BadLength => Reply::error(400, "the Content-Length is not valid"),
                    };
                    return refuse(&mut stream, reply, Version::Http11);
                }
            }
            match stream.read(&mut chunk) {
                // Closed by the client, or idle past the timeout: nothing to answer.
                Ok(0) => return Ok(()),
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Ok(()),
            }
        };
        buf.drain(..len);
        match head.body {
            Body::None | Body::Length(0) => {}
            Body::Length(n) if n <= MAX_BODY_BYTES => {
                if head.expect_continue {
                    stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
                }
                skip_body(&mut stream, &mut buf, n as usize)?;
            }
            Body::Length(_) => {
                let reply = Reply::error(413, "request bodies are not accepted");
                return refuse(&mut stream, reply, head.version);
            }
            Body::Chunked => {
                let reply = Reply::error(411, "request bodies are not accepted");
                return refuse(&mut stream, reply, head.version);
            }
        }
        let (tx, rx) = mpsc::sync_channel(1);
        let head_only = head.method == "HEAD";
        let job = Job {
            method: head.method,
            target: head.target,
            reply: tx,
        };
        // The workers are gone only when the server stops.
        if jobs.send(job).is_err() {
            return Ok(());
        }
        let Ok(reply) = rx.recv() else {
            return Ok(());
        };
        stream.write_all(&encode(reply, head_only, head.version, head.close))?;
        if head.close {
            return Ok(());
        }
    }
}

/// Answers a request that ends the connection, then closes it gently: closing a socket that
/// still has unread bytes (the rest of an oversized head) makes the system send a reset, and
/// the client would lose the answer. So the write side is shut first and what the client still
/// sends is read and dropped, for a short while.
fn refuse(stream: &mut TcpStream, reply: Reply, version: Version) -> io::Result<()> {
    stream.write_all(&encode(reply, false, version, true))?;
    stream.shutdown(std::net::Shutdown::Write)?;
    stream.set_read_timeout(Some(LINGER))?;
    let _ = io::copy(
        &mut Read::by_ref(stream).take(MAX_LINGER_BYTES),
        &mut io::sink(),
    );
    Ok(())
}

/// Reads and drops `n` body bytes, taking first what is already buffered.
fn skip_body(stream: &mut TcpStream, buf: &mut Vec<u8>, n: usize) -> io::Result<()> {
    let buffered = n.min(buf.len());
    buf.drain(..buffered);
    let rest = (n - buffered) as u64;
    let copied = io::copy(&mut Read::by_ref(stream).take(rest), &mut io::sink())?;
    if copied < rest {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// The whole response as bytes, so it goes out in one write.
fn encode(reply: Reply, head_only: bool, version: Version, close: bool) -> Vec<u8> {
    let body: Cow<'static, [u8]> = reply.body;
    let mut out = Vec::with_capacity(400 + body.len());
    let v = match version {
        Version::Http10 => "1.0",
        Version::Http11 => "1.1",
    };
    let _ = write!(
        out,
        "HTTP/{v} {} {}\r\nContent-Type: {}\r\nCache-Control: {}\r\n\
         X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'self'; img-src 'self' data:; \
         frame-ancestors 'none'\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.cache,
    );
    // No body, and so no length, for 1xx, 204 and 304 (RFC 9110, 8.6).
    let bodiless = matches!(reply.status, 100..=199 | 204 | 304);
    if !bodiless {
        let _ = write!(out, "Content-Length: {}\r\n", body.len());
    }
    match (close, version) {
        (true, _) => out.extend_from_slice(b"Connection: close\r\n"),
        (false, Version::Http10) => out.extend_from_slice(b"Connection: keep-alive\r\n"),
        (false, Version::Http11) => {}
    }
    out.extend_from_slice(b"\r\n");
    if !head_only && !bodiless {
        out.extend_from_slice(&body);
    }
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &str) -> Result<Option<(usize, Head)>, Refused> {
        parse_head(raw.as_bytes())
    }

    #[test]
    fn heads_are_read_as_a_connection_needs_them() {
        for (raw, method, target, close, body) in [
            ("GET / HTTP/1.1\r\n\r\n", "GET", "/", false, Body::None),
            (
                "GET /api/search?q=a HTTP/1.1\r\nConnection: close\r\n\r\n",
                "GET",
                "/api/search?q=a",
                true,
                Body::None,
            ),
            ("HEAD /x HTTP/1.0\r\n\r\n", "HEAD", "/x", true, Body::None),
            (
                "GET / HTTP/1.1\r\nX-Connection: close\r\nUser-Agent: close\r\n\r\n",
                "GET",
                "/",
                false,
                Body::None,
            ),
            (
                "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
                "GET",
                "/",
                false,
                Body::None,
            ),
            (
                "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
                "POST",
                "/",
                false,
                Body::Length(5),
            ),
            (
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "POST",
                "/",
                false,
                Body::Chunked,
            ),
        ] {
            let (len, h) = head(raw)
                .unwrap()
                .unwrap_or_else(|| panic!("{raw:?} is complete"));
            assert!(raw[..len].ends_with("\r\n\r\n"), "{raw:?}");
            assert_eq!(
                (h.method.as_str(), h.target.as_str(), h.close, h.body),
                (method, target, close, body),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn partial_and_broken_heads() {
        assert_eq!(head("GET / HTTP/1.1\r\nHost: a"), Ok(None));
        assert_eq!(head(""), Ok(None));
        assert!(matches!(
            head("NOT HTTP\r\n\r\n"),
            Err(Refused::Malformed(_))
        ));
        assert_eq!(
            head("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
            Err(Refused::BadLength)
        );
        assert_eq!(
            head("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Err(Refused::BadLength)
        );
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "A: b\r\n".repeat(MAX_HEADERS + 1)
        );
        assert!(matches!(head(&many), Err(Refused::Malformed(_))));
    }

    fn reply(status: u16, body: &'static [u8]) -> Reply {
        Reply {
            status,
            content_type: "text/plain",
            body: Cow::Borrowed(body),
            cache: "no-store",
        }
    }

    #[test]
    fn answers_carry_their_length_and_connection() {
        let text =
            |r, head_only, v, close| String::from_utf8(encode(r, head_only, v, close)).unwrap();
        let ok = text(reply(200, b"hello"), false, Version::Http11, false);
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(
            ok.contains("Content-Length: 5\r\n") && ok.ends_with("\r\n\r\nhello"),
            "{ok}"
        );
        assert!(!ok.contains("Connection:"), "{ok}");
        // HEAD: the length the GET would have, no body.
        let head = text(reply(200, b"hello"), true, Version::Http11, false);
        assert!(
            head.contains("Content-Length: 5\r\n") && head.ends_with("\r\n\r\n"),
            "{head}"
        );
        assert!(text(reply(400, b"{}"), false, Version::Http11, true).contains("Connection: close"));
        assert!(
            text(reply(200, b""), false, Version::Http10, false).contains("Connection: keep-alive")
        );
        let none = text(reply(204, b""), false, Version::Http11, false);
        assert!(!none.contains("Content-Length"), "{none}");
    }

    #[test]
    fn pipelined_requests_are_answered_in_order_until_one_closes() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::sync_channel::<Job>(4);
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let acceptor = std::thread::spawn(move || accept_loop(listener, tx, stop2));
        let worker = std::thread::spawn(move || {
            for job in rx {
                let _ = job.reply.send(reply(200, b"pong"));
            }
        });
        let mut client = TcpStream::connect(addr).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // Two pipelined requests, then one that closes: three answers in order.
        client
            .write_all(
                b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\nConnection: close\r\n\r\n",
            )
            .unwrap();
        let mut all = String::new();
        client.read_to_string(&mut all).unwrap();
        assert_eq!(all.matches("HTTP/1.1 200 OK").count(), 3, "{all}");
        assert!(all.ends_with("pong"));
        stop.store(true, Ordering::SeqCst);
        wake(addr);
        acceptor.join().unwrap();
        worker.join().unwrap();
    }
}
