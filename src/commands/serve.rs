//! `nlmg-search serve`: makes sure the index is current, then runs [`crate::server`] until
//! Ctrl-C, logging each request on stderr.

use std::io::Write;

use super::{Outcome, Paths};
use crate::error::{Error, Result};
use crate::output;
use crate::server::{self, Config};

/// Most worker threads `--workers` accepts: each holds one request at a time, and the machine
/// this serves a class from has a few cores.
pub const MAX_WORKERS: usize = 64;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: String,
    pub quiet: bool,
    pub workers: usize,
}

pub fn run(paths: &Paths, options: &ServeOptions, out: &mut dyn Write) -> Result<Outcome> {
    if options.workers == 0 || options.workers > MAX_WORKERS {
        return Err(Error::Usage(format!(
            "--workers must be between 1 and {MAX_WORKERS}"
        )));
    }
    let addr: std::net::SocketAddr = options.addr.parse().map_err(|_| {
        Error::Usage(format!(
            "--addr {:?} is not HOST:PORT with an IP address (e.g. 127.0.0.1:7878)",
            options.addr
        ))
    })?;
    super::index::ensure(paths, false)?;
    let quiet = options.quiet;
    let config = Config {
        index: paths.index.clone(),
        corpus: paths.corpus.clone(),
        addr,
        workers: options.workers,
        log: Box::new(move |line: &server::LogLine| {
            if !quiet {
                output::request_log(line);
            }
        }),
        notice: Box::new(|m: &str| output::note(m)),
    };
    let running = server::Server::start(config)?;
    let url = format!("http://{}/", running.addr());
    writeln!(out, "nlmg-search: serving {url} (Ctrl-C stops)")
        .map_err(|e| Error::io("<stdout>", e))?;
    out.flush().map_err(|e| Error::io("<stdout>", e))?;
    let stopper = running.stopper();
    ctrlc::set_handler(move || stopper.stop())
        .map_err(|e| Error::Usage(format!("cannot catch Ctrl-C: {e}")))?;
    running.wait();
    output::note("stopped");
    Ok(Outcome::Found)
}
