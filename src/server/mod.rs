//! The web front end: a synchronous HTTP server answering the search page and its JSON API
//! from one [`Engine`] opened once and shared by a small pool of worker threads; [`http`] reads
//! the connections and hands each request to a worker.
//!
//! It is a second front end over the library calls the command line uses: [`routes`] maps a
//! request to a handler, [`params`] turns a query string into the same validated
//! [`crate::search::Request`] the CLI builds, [`api`] answers with the `--json` types, [`page`]
//! renders HTML, and [`assets`] holds the page's CSS and JavaScript, compiled in.
//!
//! The library prints nothing: each answered request is handed to [`Config::log`], and events
//! worth telling (an index rebuilt and picked up) to [`Config::notice`].

pub mod api;
pub mod api_views;
pub mod assets;
pub mod html;
pub mod http;
pub mod page;
pub mod params;
pub mod passage;
pub mod routes;
pub mod tabs;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::index;
use crate::search::Engine;
use crate::views::quotes::SpeakerCues;

/// How often the live generation pointer is checked for a rebuild.
const RELOAD_EVERY: Duration = Duration::from_millis(250);

/// How long a worker waits for a request before looking at the stop flag again.
const POLL: Duration = Duration::from_millis(100);

/// Longest path logged: a request line can be as long as [`params::MAX_URL_BYTES`].
const MAX_LOGGED_PATH: usize = 200;

/// What the server needs to run.
pub struct Config {
    pub index: PathBuf,
    pub corpus: PathBuf,
    pub addr: SocketAddr,
    /// Worker threads; each answers one request at a time.
    pub workers: usize,
    /// Called once per answered request.
    pub log: Box<dyn Fn(&LogLine) + Send + Sync>,
    /// Called with things the operator should know (a rebuilt index picked up, or not).
    pub notice: Box<dyn Fn(&str) + Send + Sync>,
}

/// One answered request, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub method: String,
    /// The request target, cut to a readable length.
    pub path: String,
    pub status: u16,
    pub micros: u64,
}

/// The engine of one index generation.
pub struct Loaded {
    pub engine: Engine,
    /// The generation directory it was opened from.
    generation: Option<PathBuf>,
    /// The corpus's speaker cues for the quotation views, read once per generation; a bad
    /// cue file costs those views (their error says why), never the search.
    cues: std::result::Result<SpeakerCues, String>,
}

impl Loaded {
    /// The speaker cues, or the error reading them gave.
    pub fn cues(&self) -> Result<&SpeakerCues> {
        self.cues.as_ref().map_err(|e| Error::Index(e.clone()))
    }
}

/// What every worker shares.
pub struct Shared {
    loaded: RwLock<Arc<Loaded>>,
    config: Config,
}

impl Shared {
    /// The engine to answer one request with. A request keeps the `Arc` it got, so a swap to a
    /// rebuilt index never pulls the engine from under a request in flight.
    pub fn engine(&self) -> Arc<Loaded> {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Opens the generation `current` now names, if it is not the one loaded. The old engine
    /// stays in use until the new one is open; on failure it stays for good (and is retried at
    /// the next tick), so a broken rebuild never takes the page down.
    fn reload_if_rebuilt(&self, last_error: &mut Option<String>) {
        let now = index::current_dir(&self.config.index);
        if now.is_none() || now == self.engine().generation {
            return;
        }
        match open(&self.config) {
            Ok(loaded) => {
                let name = generation_name(&loaded.generation);
                *self.loaded.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(loaded);
                *last_error = None;
                (self.config.notice)(&format!("the index was rebuilt; now serving {name}"));
            }
            Err(e) => {
                let message = e.to_string();
                if last_error.as_deref() != Some(message.as_str()) {
                    (self.config.notice)(&format!(
                        "the index was rebuilt but cannot be opened ({message}); still serving \
                         the previous one"
                    ));
                }
                *last_error = Some(message);
            }
        }
    }
}

fn generation_name(g: &Option<PathBuf>) -> String {
    g.as_ref()
        .and_then(|g| g.file_name())
        .map_or_else(|| "?".into(), |n| n.to_string_lossy().into_owned())
}

fn open(config: &Config) -> Result<Loaded> {
    let engine = Engine::open(&config.index, &config.corpus)?;
    // Read after opening: if a build swapped meanwhile, the next tick opens the newer one.
    let generation = index::current_dir(&config.index);
    let cues = SpeakerCues::load(&config.corpus, engine.lexicon()).map_err(|e| e.to_string());
    Ok(Loaded {
        engine,
        generation,
        cues,
    })
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

/// Stops a [`Server`] from another thread (a Ctrl-C handler).
#[derive(Clone)]
pub struct Stopper(Arc<AtomicBool>, SocketAddr);

impl Stopper {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
        http::wake(self.1);
    }
}

impl Server {
    /// Opens the index, binds the address and starts the workers and the reload watcher.
    pub fn start(config: Config) -> Result<Server> {
        let loaded = open(&config)?;
        let listener = TcpListener::bind(config.addr)
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", config.addr)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", config.addr)))?;
        let workers = config.workers.max(1);
        let shared = Arc::new(Shared {
            loaded: RwLock::new(Arc::new(loaded)),
            config,
        });
        let stop = Arc::new(AtomicBool::new(false));
        // Connections wait here for a free worker; a few per worker keeps them all busy.
        let (jobs, queue) = mpsc::sync_channel::<http::Job>(workers * 4);
        let queue = Arc::new(Mutex::new(queue));
        let mut threads = vec![];
        for n in 0..workers {
            let (queue, shared, stop) = (queue.clone(), shared.clone(), stop.clone());
            let t = std::thread::Builder::new()
                .name(format!("http-{n}"))
                .spawn(move || work(&queue, &shared, &stop))
                .map_err(|e| Error::Usage(format!("cannot start a worker thread: {e}")))?;
            threads.push(t);
        }
        let accept_stop = stop.clone();
        let acceptor = std::thread::Builder::new()
            .name("accept".into())
            .spawn(move || http::accept_loop(listener, jobs, accept_stop))
            .map_err(|e| Error::Usage(format!("cannot start a thread: {e}")))?;
        threads.push(acceptor);
        let (shared, watch_stop) = (shared.clone(), stop.clone());
        let watcher = std::thread::Builder::new()
            .name("reload".into())
            .spawn(move || {
                let mut last_error = None;
                while !watch_stop.load(Ordering::SeqCst) {
                    std::thread::sleep(RELOAD_EVERY);
                    shared.reload_if_rebuilt(&mut last_error);
                }
            })
            .map_err(|e| Error::Usage(format!("cannot start a thread: {e}")))?;
        threads.push(watcher);
        Ok(Server {
            addr,
            stop,
            threads,
        })
    }

    /// The address actually bound (the port the system chose for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.stop.clone(), self.addr)
    }

    /// Blocks until stopped; requests being answered are finished first.
    pub fn wait(self) {
        for t in self.threads {
            let _ = t.join();
        }
    }
}

fn work(queue: &Mutex<mpsc::Receiver<http::Job>>, shared: &Shared, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        let job = queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .recv_timeout(POLL);
        match job {
            Ok(job) => answer(job, shared),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
}

fn answer(job: http::Job, shared: &Shared) {
    let started = Instant::now();
    let http::Job {
        method,
        target: url,
        reply,
    } = job;
    // A handler that panics costs its request a 500, never the worker.
    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        routes::route(shared, &method, &url)
    }))
    .unwrap_or_else(|_| routes::Reply::error(500, "internal error while answering"));
    let status = answer.status;
    // The connection may have gone meanwhile; the answer is then dropped.
    let _ = reply.send(answer);
    let mut path = url;
    if path.len() > MAX_LOGGED_PATH {
        let mut end = MAX_LOGGED_PATH;
        while !path.is_char_boundary(end) {
            end -= 1;
        }
        path.truncate(end);
        path.push('…');
    }
    (shared.config.log)(&LogLine {
        method,
        path,
        status,
        micros: started.elapsed().as_micros() as u64,
    });
}
