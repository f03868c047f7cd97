//! Query words that are also command names: `nlmg-search list of donors` runs `list` and
//! fails on "of". The parse error then ends with how to search for the words instead.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

use super::Cli;

/// Parses the process's arguments; on a usage error exits with clap's message, plus the
/// `--` hint when the words began with a command name.
pub fn parse() -> Cli {
    parse_from(std::env::args_os().collect()).unwrap_or_else(|e| e.exit())
}

pub fn parse_from(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(&args).map_err(|mut e| {
        let shown = matches!(
            e.kind(),
            ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
        if let (false, Some(words)) = (shown, words_from_command(&args)) {
            let tip =
                format!("to search for \"{words}\", put `--` before it: nlmg-search -- {words}");
            e.insert(
                ContextKind::Suggested,
                ContextValue::StyledStrs(vec![tip.into()]),
            );
        }
        e
    })
}

/// The words from the first one that names a command, when no option stands among them.
fn words_from_command(args: &[OsString]) -> Option<String> {
    let cmd = Cli::command();
    let takes_value = |flag: &str| {
        cmd.get_arguments().any(|a| {
            a.get_long().is_some_and(|l| flag == format!("--{l}")) && a.get_action().takes_values()
        })
    };
    let mut rest = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = rest.next() {
        if a == "--" {
            return None;
        }
        if a.starts_with('-') {
            if !a.contains('=') && takes_value(&a) {
                rest.next();
            }
            continue;
        }
        cmd.find_subcommand(a.as_ref())?;
        let mut words = vec![a.into_owned()];
        for w in rest {
            if w.starts_with('-') {
                return None;
            }
            words.push(w.into_owned());
        }
        return Some(words.join(" "));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_failed_command_line_that_starts_with_a_command_name_says_how_to_search() {
        for (argv, words) in [
            (
                &["nlmg-search", "list", "of", "donors"][..],
                "list of donors",
            ),
            (
                &["nlmg-search", "--index", "i", "list", "donors"][..],
                "list donors",
            ),
            (&["nlmg-search", "man", "who", "cried"][..], "man who cried"),
        ] {
            let e = parse_from(args(argv)).unwrap_err().render().to_string();
            assert!(
                e.contains(&format!("nlmg-search -- {words}")),
                "{argv:?}: {e}"
            );
        }
        // Not for a mistake in an option, nor for help.
        for argv in [
            &["nlmg-search", "index", "--forse"][..],
            &["nlmg-search", "--limit", "x", "deferral"][..],
            &["nlmg-search", "list", "--help"][..],
        ] {
            let e = parse_from(args(argv)).unwrap_err().render().to_string();
            assert!(!e.contains("nlmg-search -- "), "{argv:?}: {e}");
        }
    }
}
