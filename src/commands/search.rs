//! The default command: `nlmg-search [OPTIONS] <QUERY>`.

use std::io::Write;

use super::{ColorMode, Outcome, Paths};
use crate::error::{Error, Result};

/// Search options as parsed; validated into a query config before any work.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    pub query: String,
    pub theme: Vec<String>,
    pub character: Vec<String>,
    pub section: Vec<String>,
    pub source: Vec<String>,
    pub kind: Vec<String>,
    pub part: Vec<String>,
    pub page: Vec<String>,
    pub limit: usize,
    pub context: usize,
    pub json: bool,
    pub color: ColorMode,
    pub rebuild_if_damaged: bool,
}

pub fn run(_paths: &Paths, _options: SearchOptions, _out: &mut dyn Write) -> Result<Outcome> {
    Err(Error::Usage("search: not built yet".into()))
}
