//! Printers: the terminal view and JSON Lines. The only library code that formats for people.

pub mod bench;
pub mod export;
pub mod hits;
pub mod json;
pub mod passages;
pub mod progress;
pub mod views;

use crate::model::Warning;

/// Reports a skipped or damaged input on stderr. Warnings are diagnostics, never mixed into
/// stdout, so `--json` output stays machine-readable.
pub fn warn(w: &Warning) {
    eprintln!("nlmg-search: warning: {w}");
}

/// Tells the user something about how their request was handled (an index rebuilt, a word
/// corrected), on stderr so that stdout stays clean for results.
pub fn note(message: &str) {
    eprintln!("nlmg-search: {message}");
}

/// `--color`: colour on a terminal only, always, or never. `NO_COLOR` turns `Auto` off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorMode {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour output written to stdout, from `--color` and `NO_COLOR`.
pub fn use_colour(mode: ColorMode) -> bool {
    use std::io::IsTerminal;
    match mode {
        ColorMode::Always => true,
        ColorMode::Never => false,
        ColorMode::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// One line per request the server answered, on stderr: method, path, status, microseconds.
pub fn request_log(line: &crate::server::LogLine) {
    eprintln!(
        "{} {} {} {}µs",
        line.method, line.path, line.status, line.micros
    );
}
