//! `nlmg-search bench`: query latency, throughput, cold start and memory.

use std::io::Write;
use std::path::PathBuf;

use super::{Outcome, Paths};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub queries: PathBuf,
    pub iterations: Option<usize>,
    pub warmup: usize,
    pub scale: Option<usize>,
    pub json: bool,
}

pub fn run(_paths: &Paths, _options: &BenchOptions, _out: &mut dyn Write) -> Result<Outcome> {
    Err(Error::Usage("bench: not built yet".into()))
}
