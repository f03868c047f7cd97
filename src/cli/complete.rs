//! Shell completion: `nlmg-search completions <SHELL>` prints a script that asks the binary
//! itself what to offer at each Tab (clap_complete's dynamic engine), so the options come from
//! the same clap definitions as `--help`, and filter values come from the index as it is.

use std::ffi::OsStr;
use std::io::Write;
use std::path::PathBuf;

use clap::{CommandFactory, ValueEnum};
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use nlmg_search::commands::list::{self, ListWhat};
use nlmg_search::commands::{Outcome, Paths};
use nlmg_search::{Error, Result};

/// The environment variable the scripts set when they call the binary back for candidates.
const VAR: &str = "NLMG_SEARCH_COMPLETE";
const BIN: &str = "nlmg-search";

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// Answers a completion request and exits, when the shell's script is the caller; returns
/// at once otherwise (one environment lookup).
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(super::Cli::command)
        .var(VAR)
        .bin(BIN)
        .completer(BIN)
        .complete();
}

/// Prints the registration script for `shell`. It calls `nlmg-search` (found on PATH) back.
pub fn write_script(shell: Shell, out: &mut dyn Write) -> Result<Outcome> {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Powershell => &Powershell,
        Shell::Elvish => &Elvish,
    };
    completer
        .write_registration(VAR, BIN, BIN, BIN, out)
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(Outcome::Found)
}

/// Completion of a filter's values (`--theme lo<Tab>`), from the index named by `NLMG_INDEX`
/// (or `./index`): the values starting with what was typed, else those with a word that does.
/// Nothing when no index has been built: completion never builds one.
pub fn values(what: ListWhat) -> ArgValueCompleter {
    ArgValueCompleter::new(move |current: &OsStr| candidates(&paths_from_env(), what, current))
}

/// Where the index and corpus are when the command line is not yet complete: the
/// environment or the defaults, as the options would say (a `--index` typed on the same line
/// is not seen by a completer).
fn paths_from_env() -> Paths {
    let var = |name: &str, default: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default))
    };
    Paths {
        corpus: var("NLMG_CORPUS", "corpus"),
        index: var("NLMG_INDEX", "index"),
    }
}

fn candidates(paths: &Paths, what: ListWhat, current: &OsStr) -> Vec<CompletionCandidate> {
    let Ok(entries) = list::entries(paths, what) else {
        return vec![];
    };
    let typed = current.to_string_lossy().to_lowercase();
    let starts = |v: &str| v.to_lowercase().starts_with(&typed);
    let word_starts = |v: &str| {
        v.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.starts_with(&typed))
    };
    let mut chosen: Vec<_> = entries.iter().filter(|e| starts(&e.value)).collect();
    if chosen.is_empty() {
        chosen = entries.iter().filter(|e| word_starts(&e.value)).collect();
    }
    chosen
        .into_iter()
        .map(|e| {
            let help = match &e.title {
                Some(t) => format!("{t}: {} passages", e.count),
                None => format!("{} passages", e.count),
            };
            CompletionCandidate::new(&e.value).help(Some(help.into()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_that_calls_the_binary_back() {
        for shell in Shell::value_variants() {
            let mut out = Vec::new();
            write_script(*shell, &mut out).unwrap();
            let script = String::from_utf8(out).unwrap();
            assert!(
                script.contains(VAR) && script.contains(BIN),
                "{shell:?}: {script}"
            );
        }
    }
}
