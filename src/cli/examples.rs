//! The examples that end each command's `--help` (and its section of the man page).
//!
//! The convention, for every subcommand: a constant here named after it, starting with
//! `Examples:`, then two or three lines `  nlmg-search … <two spaces or more> what it does`,
//! attached with `#[command(after_help = examples::NAME)]`. The test below walks the whole
//! command tree, so a subcommand without its examples fails `cargo test`.

/// The default command (search) and the top-level help.
pub const SEARCH: &str = "\
Examples:
  nlmg-search deferral                          words; \"deferrals\" matches too
  nlmg-search why did Madame cry                a plain question, no quotes needed
  nlmg-search '\"told and not told\"'             an exact phrase
  nlmg-search 'Norfolk -possible'               exclude a word; AND, OR, NOT, ( ) work too
  nlmg-search --theme memory tape               only passages on the theme of memory
  nlmg-search --character ruth --part 2         no query: every match, in reading order
  nlmg-search deferral --json | jq .excerpt     JSON Lines for other tools
  nlmg-search list themes                       values to use with --theme

To search for a word that is also a command name, put `--` before it: nlmg-search -- index

Exit status: 0 if something was found, 1 if nothing was, 2 on error.";

pub const INDEX: &str = "\
Examples:
  nlmg-search index                             build the index, or say it is up to date
  nlmg-search index --force                     rebuild it regardless
  nlmg-search --corpus other-book index         index another book's summaries

Ctrl-C stops a build and leaves the index as it was (exit status 130).";

pub const BENCH: &str = "\
Examples:
  nlmg-search bench                             latency percentiles per query kind
  nlmg-search bench --scale 300                 300 varied copies (distinct text), with indexing
  nlmg-search bench --scale 300 --exact-copies  300 identical copies";

pub const LIST: &str = "\
Examples:
  nlmg-search list themes                       the values --theme accepts, with counts
  nlmg-search list sources                      source ids and titles, for --source
  nlmg-search list characters --json            one {\"value\",\"count\"} object per line";

pub const PASSAGES: &str = "\
Examples:
  nlmg-search passages | less                   how every passage was read and tagged
  nlmg-search passages --source study-guide     one source's passages
  nlmg-search passages --json | jq .themes      tags as JSON Lines";

pub const COMPLETIONS: &str = "\
Examples:
  nlmg-search completions bash > ~/.local/share/bash-completion/completions/nlmg-search
  nlmg-search completions zsh > ~/.zfunc/_nlmg-search
  nlmg-search completions fish > ~/.config/fish/completions/nlmg-search.fish

The script asks nlmg-search itself for filter values (themes, characters, sources, sections,
kinds) from the index in NLMG_INDEX (or ./index), so they follow the corpus.";

pub const MAN: &str = "\
Examples:
  nlmg-search man | man -l -                    read the manual now
  nlmg-search man > ~/.local/share/man/man1/nlmg-search.1
  nlmg-search man --out ~/.local/share/man/man1 one page per command";

/// `quotes`.
pub const QUOTES: &str = "\
Examples:
  nlmg-search quotes                          every quotation, with speaker and pages
  nlmg-search quotes --page 50-60 --markdown  a handout to paste
  nlmg-search quotes --json | jq 'select(.type==\"quote\") | .speaker'

Speaker cues are data: data/speaker-cues.toml (built in), plus quotes.toml in the corpus.";

/// `kwic`.
pub const KWIC: &str = "\
Examples:
  nlmg-search kwic deferral                   every use, \"deferrals\" too
  nlmg-search kwic 'told and not told'        a phrase
  nlmg-search kwic carer --width 4 --sort left  sorted by the words before";

/// `dispersion`.
pub const DISPERSION: &str = "\
Examples:
  nlmg-search dispersion deferral             per source, per part, and a barcode
  nlmg-search dispersion carer donor Norfolk  several terms side by side
  nlmg-search dispersion 'extra years' --json  JSON Lines for other tools";

/// `matrix`.
pub const MATRIX: &str = "\
Examples:
  nlmg-search matrix                          characters x themes, passage counts
  nlmg-search matrix --csv > matrix.csv       for a spreadsheet
  nlmg-search matrix --json | jq 'select(.type==\"cell\" and .count>0)'

The passages behind a cell: nlmg-search --character ruth --theme manipulation";

/// `character`.
pub const CHARACTER: &str = "\
Examples:
  nlmg-search character ruth                  the card for one character
  nlmg-search character kath                  aliases work
  nlmg-search character 'Miss Lucy' --json    JSON Lines for other tools";

/// `export`.
pub const EXPORT: &str = "\
Examples:
  nlmg-search export --format opensearch --out export  export/index.json, export/bulk.ndjson
  nlmg-search export --format quickwit --out export    index config and documents.ndjson
  nlmg-search export --format quickwit | head -1       the first document

See docs/scaling.md for handing the files to each engine.";

/// `serve`.
pub const SERVE: &str = "\
Examples:
  nlmg-search serve                             the page at http://127.0.0.1:7878/
  nlmg-search --index /srv/nlmg-index serve --addr 0.0.0.0:7878  a teacher's index, to a class
  nlmg-search serve & curl 'http://127.0.0.1:7878/api/quotes?theme=hope'  a view, as JSON

Links to share: /?q=deferral&theme=hope (a search with a filter), /quotes, /characters,
/matrix and /concordance?q=carer (the views). --quiet drops the request log. Listening on an
address other than loopback (0.0.0.0:7878) shows the page to the whole network. The API
(/api/search, /api/quotes, …) is documented in docs/api.md.";

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command, subcommands of subcommands too, ends its help with two or three
    /// examples (the top level may show more), each a command line followed by what it does.
    #[test]
    fn every_command_ends_its_help_with_examples() {
        fn walk(cmd: &clap::Command, path: &str, top: bool, bad: &mut Vec<String>) {
            let name = format!("{path} {}", cmd.get_name()).trim().to_string();
            let help = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            let lines: Vec<&str> = help
                .strip_prefix("Examples:\n")
                .unwrap_or("")
                .lines()
                .take_while(|l| l.starts_with("  nlmg-search"))
                .collect();
            let range = if top { 2..=10 } else { 2..=3 };
            if !range.contains(&lines.len()) {
                bad.push(format!("{name}: {} example lines", lines.len()));
            }
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                walk(sub, &name, false, bad);
            }
        }
        let mut bad = vec![];
        walk(&super::super::Cli::command(), "", true, &mut bad);
        assert!(bad.is_empty(), "commands without 2-3 examples: {bad:#?}");
    }
}
