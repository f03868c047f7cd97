//! `nlmg-search list <themes|characters|sections|sources|kinds|parts>`.

use std::io::Write;

use super::{Outcome, Paths};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListWhat {
    Themes,
    Characters,
    Sections,
    Sources,
    Kinds,
    Parts,
}

pub fn run(_paths: &Paths, _what: ListWhat, _json: bool, _out: &mut dyn Write) -> Result<Outcome> {
    Err(Error::Usage("list: not built yet".into()))
}
