//! A small WebDriver client for the browser tests: chromedriver driving headless Chromium,
//! spoken to over plain HTTP/1.1 on loopback with `serde_json` bodies.
//!
//! The tests need a dozen commands (open a URL, find, click, type, run a script), so a few
//! blocking calls over `TcpStream` stand in for fantoccini or thirtyfour, which bring an async
//! runtime and an HTTP stack to compile on every CI run for what is here under 300 lines.
//!
//! Without Chromium or chromedriver the tests are skipped with a message saying so, unless
//! `NLMG_BROWSER_TESTS=require` (set by `.ci/run`), which makes a missing browser a failure.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Keys as WebDriver spells them (the Unicode private-use code points of the spec).
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";
pub const ARROW_UP: &str = "\u{E013}";
pub const ARROW_DOWN: &str = "\u{E015}";

/// How long a wait for the page to reach a state may take before the test fails. Generous: the
/// CI machine has 2 cores and may be compiling next door.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A browser session; the browser and its driver are stopped when dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

/// An element on the current page: its reference as the driver gave it (the W3C key and the id).
#[derive(Clone, Debug)]
pub struct Element(String, String);

/// Options for a session.
#[derive(Default)]
pub struct Options {
    /// Load pages with JavaScript switched off (what a reader without it sees).
    pub no_javascript: bool,
    /// Window size; 1200×900 when `None`.
    pub window: Option<(u32, u32)>,
}

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn required() -> bool {
    std::env::var("NLMG_BROWSER_TESTS").is_ok_and(|v| v == "require")
}

/// A browser for one test, or `None` (with the reason on stderr) when this machine has none and
/// the browser tests are not required.
pub fn browser(test: &str, options: Options) -> Option<Browser> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| which(&["chromium", "chromium-browser", "google-chrome"]));
    let driver = std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .or_else(|| which(&["chromedriver"]));
    match (chromium, driver) {
        (Some(c), Some(d)) => {
            Some(Browser::start(&c, &d, &options).unwrap_or_else(|e| panic!("{test}: {e}")))
        }
        (c, d) => {
            let missing = match (c, d) {
                (None, None) => "chromium and chromedriver are",
                (None, _) => "chromium is",
                _ => "chromedriver is",
            };
            if required() {
                panic!("{test}: {missing} not installed, and NLMG_BROWSER_TESTS=require");
            }
            eprintln!(
                "{test}: skipped: {missing} not on PATH (Debian: apt-get install chromium \
                 chromium-driver); set NLMG_BROWSER_TESTS=require to make this a failure"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// One HTTP/1.1 exchange with the driver: (status, JSON body).
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open whatever the request says, so read the header,
    // then exactly the body it announces.
    let mut raw = vec![];
    let mut buf = [0u8; 16384];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the driver closed the connection before answering".into());
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("the driver's answer has no status")?;
    let length = head.lines().find_map(|l| {
        l.strip_prefix("content-length:")
            .and_then(|v| v.trim().parse::<usize>().ok())
    });
    let mut payload = raw[split + 4..].to_vec();
    match length {
        Some(len) => {
            while payload.len() < len {
                let n = s.read(&mut buf).map_err(|e| e.to_string())?;
                if n == 0 {
                    break;
                }
                payload.extend_from_slice(&buf[..n]);
            }
        }
        None => {
            s.read_to_end(&mut payload).map_err(|e| e.to_string())?;
        }
    }
    if head.contains("transfer-encoding: chunked") {
        payload = dechunk(&payload);
    }
    let value = if payload.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&payload).map_err(|e| format!("driver answer: {e}"))?
    };
    Ok((status, value))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = vec![];
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path, options: &Options) -> Result<Browser, String> {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", chromedriver.display()))?;
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            _profile: profile,
        };
        let started = Instant::now();
        loop {
            if let Ok((200, v)) = http(port, "GET", "/status", None) {
                if v["value"]["ready"] == true {
                    break;
                }
            }
            if started.elapsed() > PATIENCE {
                return Err("chromedriver did not become ready".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let (w, h) = options.window.unwrap_or((1200, 900));
        let mut chrome = json!({
            "binary": chromium.to_string_lossy(),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                format!("--window-size={w},{h}"),
                format!("--user-data-dir={}", browser._profile.path().display()),
            ],
        });
        if options.no_javascript {
            chrome["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": chrome,
        }}});
        let (status, v) = http(port, "POST", "/session", Some(&caps))?;
        if status != 200 {
            return Err(format!(
                "no browser session ({status}): {}",
                v["value"]["message"]
            ));
        }
        browser.session = v["value"]["sessionId"]
            .as_str()
            .ok_or("no session id")?
            .to_string();
        Ok(browser)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let full = format!("/session/{}{path}", self.session);
        let (status, v) = http(self.port, method, &full, body.as_ref())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert!(
            status == 200,
            "{method} {path} answered {status}: {}",
            v["value"]["message"]
        );
        v["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Every element matching a CSS selector.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.call(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| {
                e.as_object()?
                    .iter()
                    .next()
                    .map(|(k, v)| (k.clone(), v.clone()))
            })
            .filter_map(|(k, id)| id.as_str().map(|s| Element(k, s.to_string())))
            .collect()
    }

    /// The first element matching `css`, waiting for it to appear.
    pub fn find(&self, css: &str) -> Element {
        self.wait(&format!("an element {css}"), || {
            self.find_all(css).into_iter().next()
        })
    }

    pub fn click(&self, e: &Element) {
        self.call("POST", &format!("/element/{}/click", e.1), Some(json!({})));
    }

    /// Types into an element (keys as in [`ENTER`] and the others may be mixed in).
    pub fn type_into(&self, e: &Element, text: &str) {
        self.call(
            "POST",
            &format!("/element/{}/value", e.1),
            Some(json!({ "text": text })),
        );
    }

    /// Presses keys on whatever has the focus, as a person at the keyboard would.
    pub fn press(&self, keys: &str) {
        let mut actions = vec![];
        for k in keys.chars() {
            actions.push(json!({ "type": "keyDown", "value": k.to_string() }));
            actions.push(json!({ "type": "keyUp", "value": k.to_string() }));
        }
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        );
        self.call("DELETE", "/actions", None);
    }

    pub fn text(&self, e: &Element) -> String {
        self.call("GET", &format!("/element/{}/text", e.1), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs a script in the page (`return …` gives its value); `args` become `arguments`.
    pub fn script(&self, js: &str, args: Vec<Value>) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": js, "args": args })),
        )
    }

    /// An element as a script argument.
    pub fn arg(e: &Element) -> Value {
        let mut m = serde_json::Map::new();
        m.insert(e.0.clone(), Value::String(e.1.clone()));
        Value::Object(m)
    }

    /// Polls `check` until it gives a value; fails the test, naming `what`, after [`PATIENCE`].
    pub fn wait<T>(&self, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(v) = check() {
                return v;
            }
            if started.elapsed() > PATIENCE {
                panic!(
                    "waited {PATIENCE:?} for {what}; the page is at {}",
                    self.url()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls a script until it returns something truthy, and gives that value.
    pub fn wait_script(&self, what: &str, js: &str) -> Value {
        self.wait(what, || {
            let v = self.script(js, vec![]);
            let truthy = !(v.is_null() || v == false || v == "" || v == 0);
            truthy.then_some(v)
        })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
