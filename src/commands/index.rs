//! `nlmg-search index [--force]`.

use std::io::Write;

use super::{Outcome, Paths};
use crate::error::{Error, Result};

pub fn run(_paths: &Paths, _force: bool, _out: &mut dyn Write) -> Result<Outcome> {
    Err(Error::Usage("index: not built yet".into()))
}
