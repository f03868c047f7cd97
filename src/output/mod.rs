//! Printers: the terminal view and JSON Lines. The only library code that formats for people.

pub mod bench;
pub mod passages;

use crate::model::Warning;

/// Reports a skipped or damaged input on stderr. Warnings are diagnostics, never mixed into
/// stdout, so `--json` output stays machine-readable.
pub fn warn(w: &Warning) {
    eprintln!("nlmg-search: warning: {w}");
}
