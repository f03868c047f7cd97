//! Command-line syntax (clap derive): the contract of DESIGN.md, with help on every flag.
//!
//! Parsing only: each subcommand's options become a validated config in `nlmg_search::commands`.

mod complete;
mod examples;
mod interrupt;
mod man;
mod words;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use nlmg_search::commands::list::ListWhat as Tag;
use nlmg_search::commands::{self, Outcome};
use nlmg_search::Result;

pub use complete::answer_if_asked as answer_completion_if_asked;
pub use interrupt::EXIT_INTERRUPTED;

/// Parses the process's arguments ([`words::parse`]). Asked for help, `--part`'s help names the
/// parts of the corpus's own lexicon, read from the corpus the command line names.
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if asks_for_help(&args) {
        if let Some(corpus) = corpus_help(&args) {
            let mut cmd = Cli::command();
            if let Some(about) = &corpus.about {
                // The long help repeats the first line: that line is the book's too.
                let long = cmd.get_long_about().map(|l| l.to_string());
                let rest = long
                    .as_deref()
                    .and_then(|l| l.split_once("\n\n"))
                    .map(|(_, r)| r);
                let long = rest.map_or_else(|| about.clone(), |r| format!("{about}\n\n{r}"));
                cmd = cmd.about(about.clone()).long_about(long);
            }
            if let Some(parts) = &corpus.parts {
                cmd = with_part_help(cmd, parts);
            }
            if let Err(e) = cmd.try_get_matches_from(&args) {
                if matches!(
                    e.kind(),
                    clap::error::ErrorKind::DisplayHelp
                        | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                ) {
                    e.exit();
                }
            }
        }
    }
    words::parse()
}

/// `-h`, `--help` or the `help` command before any `--`.
fn asks_for_help(args: &[std::ffi::OsString]) -> bool {
    let words: Vec<_> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy())
        .take_while(|a| a != "--")
        .collect();
    words.iter().any(|a| a == "-h" || a == "--help")
        || words
            .iter()
            .find(|a| !a.starts_with('-'))
            .is_some_and(|a| a == "help")
}

/// What the help says of the corpus it is pointed at: the book and its parts.
struct CorpusHelp {
    /// "Search summaries of <author>'s "<title>"", when the lexicon's `[book]` names a title.
    about: Option<String>,
    /// "1 (<name>), 2 (<name>)", when the lexicon names parts.
    parts: Option<String>,
}

/// The book and parts of the lexicon of the corpus the arguments, `NLMG_CORPUS` or the current
/// directory name, else of the shipped one. `None` when it cannot be read (the help then keeps
/// its general words and says where to look for parts).
fn corpus_help(args: &[std::ffi::OsString]) -> Option<CorpusHelp> {
    use nlmg_search::lexicon::{Lexicon, LEXICON_FILE};
    let mut given = None;
    let mut it = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--corpus" {
            given = it.next().map(PathBuf::from);
        } else if let Some(v) = a.strip_prefix("--corpus=") {
            given = Some(PathBuf::from(v));
        }
    }
    let dir = given
        .or_else(|| {
            std::env::var_os("NLMG_CORPUS")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| Some(PathBuf::from("corpus")).filter(|d| d.is_dir()));
    let lexicon = match dir {
        Some(dir) => Lexicon::load(&dir).ok()?,
        None => {
            let (_, bytes) = nlmg_search::shipped::SHIPPED_FILES
                .iter()
                .find(|(name, _)| *name == LEXICON_FILE)?;
            Lexicon::parse(std::str::from_utf8(bytes).ok()?).ok()?
        }
    };
    let names: Vec<String> = lexicon
        .parts
        .iter()
        .map(|p| format!("{} ({})", p.number, p.name))
        .collect();
    let book = &lexicon.book;
    let about = match (book.title.trim(), book.author.trim()) {
        ("", _) => None,
        (title, "") => Some(format!("Search summaries of \u{201C}{title}\u{201D}.")),
        (title, author) => Some(format!(
            "Search summaries of {author}\u{2019}s \u{201C}{title}\u{201D}."
        )),
    };
    Some(CorpusHelp {
        about,
        parts: (!names.is_empty()).then(|| names.join(", ")),
    })
}

/// The command with `--part`'s help naming `parts`, on the search and on every view.
fn with_part_help(cmd: clap::Command, parts: &str) -> clap::Command {
    let help = format!(
        "Only passages about this part of the book: {parts}; by number or name (the corpus's \
         lexicon gives them)"
    );
    let has_part = |c: &clap::Command| c.get_arguments().any(|a| a.get_id() == "part");
    let with = |c: clap::Command| c.mut_arg("part", |a| a.help(help.clone()));
    let names: Vec<String> = cmd
        .get_subcommands()
        .filter(|c| has_part(c))
        .map(|c| c.get_name().to_string())
        .collect();
    let mut cmd = if has_part(&cmd) { with(cmd) } else { cmd };
    for name in names {
        cmd = cmd.mut_subcommand(name, with);
    }
    cmd
}

// The help's first line names the book when the corpus's lexicon gives its title (`parse`).
/// Search what has been written about a book: its summaries, study guides and notes.
///
/// With a query, prints the passages that best answer it, best first, with the matching words
/// highlighted and where each came from. The index is built on first use and refreshed when the
/// corpus changes.
#[derive(Debug, Parser)]
#[command(name = "nlmg-search", version, after_help = examples::SEARCH)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub search: SearchArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command understands.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Directory holding the summaries (*.txt), sources.toml and lexicon.toml [default:
    /// ./corpus when it exists, else the summaries shipped in the binary].
    #[arg(long, global = true, env = "NLMG_CORPUS", value_name = "DIR")]
    pub corpus: Option<PathBuf>,

    /// Directory where the search index is kept (generated; safe to delete) [default: ./index
    /// beside a corpus directory, else ~/.cache/nlmg-search/index for the shipped summaries].
    #[arg(long, global = true, env = "NLMG_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,

    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or refresh the index from the corpus, with a progress bar.
    ///
    /// Does nothing when the index is up to date, unless --force. The new index is built beside
    /// the old one and swapped in when complete, so searches keep working meanwhile.
    #[command(after_help = examples::INDEX)]
    Index(IndexArgs),
    /// Measure query speed: latency percentiles, throughput, cold start, memory.
    #[command(after_help = examples::BENCH)]
    Bench(BenchArgs),
    /// List the values of a tag with passage counts (use them with the search filters).
    #[command(after_help = examples::LIST)]
    List(ListArgs),
    /// Print every passage with its tags, for inspecting how the corpus was read.
    #[command(after_help = examples::PASSAGES)]
    Passages(PassagesArgs),
    /// Serve the search page and its JSON API over HTTP (loopback by default).
    ///
    /// Opens the index once and answers from it until stopped with Ctrl-C; a rebuild made
    /// meanwhile (`nlmg-search index --force` in another terminal) is picked up without a
    /// failed request. Logs one line per request on stderr.
    #[command(after_help = examples::SERVE)]
    Serve(ServeArgs),
    /// Print a shell completion script: commands, options and filter values.
    #[command(after_help = examples::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), made from the same definitions as --help.
    #[command(after_help = examples::MAN)]
    Man(ManArgs),
    /// Every distinct quotation once, with its speaker (where a source gives it), pages and sources.
    ///
    /// The same words quoted by several summaries, or at different lengths, are one quotation;
    /// a passage bundling several quotations gives one each. A speaker is shown only where a
    /// source names them (an attribution, the sentence introducing the quotation, the one after
    /// it, or the quotation's own words); where sources disagree, both are shown.
    #[command(after_help = examples::QUOTES)]
    Quotes(QuotesArgs),
    /// Concordance: every occurrence of a word (with its other forms) or a phrase, aligned.
    #[command(after_help = examples::KWIC)]
    Kwic(KwicArgs),
    /// Where terms fall: counts per source and per part, per 1,000 words, and a barcode per source.
    #[command(after_help = examples::DISPERSION)]
    Dispersion(DispersionArgs),
    /// Characters x themes: the number of passages tagged with each pair.
    #[command(after_help = examples::MATRIX)]
    Matrix(MatrixArgs),
    /// A character card: aliases, what the sources say, parts, themes, quotations, best passages.
    #[command(after_help = examples::CHARACTER)]
    Character(CharacterArgs),
    /// Write every passage with its tags in OpenSearch's or Quickwit's ingest format.
    ///
    /// With --out DIR: the documents as NDJSON (OpenSearch: bulk action and document pairs;
    /// Quickwit: one document a line) and the index definition (OpenSearch: index settings and
    /// mapping; Quickwit: index config), text with an English stemming analyzer, tags as
    /// keywords, every field stored. Without --out, the documents alone go to stdout.
    #[command(after_help = examples::EXPORT)]
    Export(ExportArgs),
}

/// Filters the browsing views share with search.
#[derive(Debug, Args, Clone, Default)]
pub struct ViewFilters {
    /// Only passages tagged with this theme (repeat for either; see `list themes`).
    #[arg(long, value_name = "THEME")]
    pub theme: Vec<String>,

    /// Only passages about this character; aliases work.
    #[arg(long, value_name = "NAME")]
    pub character: Vec<String>,

    /// Only passages from this source (see `list sources`).
    #[arg(long, value_name = "SOURCE")]
    pub source: Vec<String>,

    /// Only passages about this part of the book: its number or its name, as the corpus's
    /// lexicon gives them (`list parts` shows them).
    #[arg(long, value_name = "PART")]
    pub part: Vec<String>,

    /// Only passages citing this page (e.g. 58, or a range 50-60).
    #[arg(long, value_name = "PAGE")]
    pub page: Vec<String>,
}

impl ViewFilters {
    fn filters(self) -> nlmg_search::search::Filters {
        nlmg_search::search::Filters {
            theme: self.theme,
            character: self.character,
            source: self.source,
            part: self.part,
            page: self.page,
            ..Default::default()
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct QuotesArgs {
    #[command(flatten)]
    pub filters: ViewFilters,

    /// Print JSON Lines: one "quote" per quotation, then a "summary".
    #[arg(long, conflicts_with_all = ["csv", "markdown"])]
    pub json: bool,

    /// Print CSV, one row per quotation.
    #[arg(long, conflicts_with = "markdown")]
    pub csv: bool,

    /// Print Markdown, a handout to paste.
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum KwicSort {
    /// Reading order.
    #[default]
    Text,
    /// By the words before the match, nearest first.
    Left,
    /// By the words after the match.
    Right,
}

#[derive(Debug, Args, Clone)]
pub struct KwicArgs {
    /// A word (its other forms match too) or a phrase.
    #[arg(value_name = "TERM", required = true, num_args = 1..)]
    pub term: Vec<String>,

    /// Words of context on each side.
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub width: usize,

    /// Line order.
    #[arg(long, value_enum, default_value_t = KwicSort::Text, value_name = "BY")]
    pub sort: KwicSort,

    #[command(flatten)]
    pub filters: ViewFilters,

    /// Print JSON Lines: one "line" per occurrence, then a "summary".
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args, Clone)]
pub struct DispersionArgs {
    /// Words or phrases (quote a phrase), each plotted on its own.
    #[arg(value_name = "TERM", required = true)]
    pub terms: Vec<String>,

    /// Print JSON Lines: one "term" per term, then a "summary".
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args, Clone)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub filters: ViewFilters,

    /// Print JSON Lines: one "cell" per pair with the passage ids, then a "summary".
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,

    /// Print CSV: a row per character, a column per theme.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args, Clone)]
pub struct CharacterArgs {
    /// The character's name or any alias.
    #[arg(value_name = "NAME", required = true, num_args = 1..)]
    pub name: Vec<String>,

    /// Print JSON Lines: one "character" card, then a "summary".
    #[arg(long)]
    pub json: bool,
}

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Command::Index(_) => "index",
            Command::Bench(_) => "bench",
            Command::List(_) => "list",
            Command::Passages(_) => "passages",
            Command::Serve(_) => "serve",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
            Command::Quotes(_) => "quotes",
            Command::Kwic(_) => "kwic",
            Command::Dispersion(_) => "dispersion",
            Command::Matrix(_) => "matrix",
            Command::Character(_) => "character",
            Command::Export(_) => "export",
        }
    }
}

/// Search options (the default command).
#[derive(Debug, Args, Clone, Default)]
pub struct SearchArgs {
    /// What to look for: words, "a phrase", AND/OR/NOT, -exclusion, or a plain question.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Only passages tagged with this theme (repeat for either; see `list themes`).
    #[arg(long, value_name = "THEME", add = complete::values(Tag::Themes))]
    pub theme: Vec<String>,

    /// Only passages about this character; aliases work (`kath`, `rod`).
    #[arg(long, value_name = "NAME", add = complete::values(Tag::Characters))]
    pub character: Vec<String>,

    /// Only passages under a heading containing these words (e.g. "character analysis").
    #[arg(long, value_name = "WORDS", add = complete::values(Tag::Sections))]
    pub section: Vec<String>,

    /// Only passages from this source (see `list sources`).
    #[arg(long, value_name = "SOURCE", add = complete::values(Tag::Sources))]
    pub source: Vec<String>,

    /// Only passages of this kind: plot, character, analysis, quotation, faq, comment, other.
    #[arg(long, value_name = "KIND", add = complete::values(Tag::Kinds))]
    pub kind: Vec<String>,

    /// Only passages about this part of the book: its number (2, "two", "II", "part 2") or its
    /// name, as the corpus's lexicon gives them (`[[part]]`); `list parts` shows them.
    #[arg(long, value_name = "PART", add = complete::values(Tag::Parts))]
    pub part: Vec<String>,

    /// Only passages citing this page of the novel (e.g. 58, or a range 50-60).
    #[arg(long, value_name = "PAGE")]
    pub page: Vec<String>,

    /// Show at most this many hits.
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub limit: usize,

    /// Sentences of context to show before and after each excerpt.
    #[arg(short = 'C', long = "context", default_value_t = 1, value_name = "N")]
    pub context: usize,

    /// Print JSON Lines (one "hit" object per result, then a "summary"), for other tools.
    #[arg(long)]
    pub json: bool,

    /// If the index is damaged, rebuild it instead of stopping with an error.
    #[arg(long)]
    pub rebuild_if_damaged: bool,

    /// Ranking: `full`, or `baseline` (plain BM25 on the text alone, for measuring the others),
    /// optionally followed by `,+technique` or `,-technique` (e.g. `full,-proximity`).
    #[arg(long, default_value = "full", hide = true, value_name = "SPEC", value_parser = parse_ranking)]
    pub ranking: nlmg_search::search::Ranking,
}

fn parse_ranking(s: &str) -> Result<nlmg_search::search::Ranking, String> {
    nlmg_search::search::Ranking::parse(s).map_err(|e| e.to_string())
}

impl SearchArgs {
    /// The first search-only option the user gave, if any: these make no sense before a
    /// subcommand, and silently ignoring them would hide a typo in the command line.
    fn first_search_only_flag(&self) -> Option<&'static str> {
        [
            (!self.query.is_empty(), "a query"),
            (!self.theme.is_empty(), "--theme"),
            (!self.character.is_empty(), "--character"),
            (!self.section.is_empty(), "--section"),
            (!self.source.is_empty(), "--source"),
            (!self.kind.is_empty(), "--kind"),
            (!self.part.is_empty(), "--part"),
            (!self.page.is_empty(), "--page"),
            (self.json, "--json"),
            (self.rebuild_if_damaged, "--rebuild-if-damaged"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args, Clone)]
pub struct IndexArgs {
    /// Rebuild even if the index is up to date.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args, Clone)]
pub struct BenchArgs {
    /// File of queries, one per line: `kind<TAB>query [--flag value …]` [default: the
    /// queries of benches/queries.txt, compiled in].
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,

    /// Timed runs of each query (default: sized to finish in a few seconds).
    #[arg(long, value_name = "N")]
    pub iterations: Option<usize>,

    /// Untimed runs of each query before timing.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub warmup: usize,

    /// Benchmark a synthetic corpus of N copies of the corpus, built in a temporary directory.
    ///
    /// Copy 0 is the corpus itself; every other copy has some words respelt, sentences
    /// recombined and names varied, so the vocabulary grows with N as real text does and
    /// near-duplicates are rare. The same --seed always gives the same corpus.
    #[arg(long, value_name = "N")]
    pub scale: Option<usize>,

    /// With --scale: make every copy byte for byte the corpus (the vocabulary stays that of one
    /// copy, and near-duplicate grouping folds the copies into one hit).
    #[arg(long, requires = "scale")]
    pub exact_copies: bool,

    /// With --scale: the seed the copies are varied from.
    #[arg(
        long,
        requires = "scale",
        conflicts_with = "exact_copies",
        value_name = "N",
        default_value_t = nlmg_search::bench::CopyText::DEFAULT_SEED
    )]
    pub seed: u64,

    /// With --scale: write the scaled corpus to DIR (new or empty) and stop, so other tools
    /// can be measured on the same text.
    #[arg(long, requires = "scale", value_name = "DIR")]
    pub write_corpus: Option<PathBuf>,

    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListWhat {
    Themes,
    Characters,
    Sections,
    Sources,
    Kinds,
    Parts,
}

#[derive(Debug, Args, Clone)]
pub struct ListArgs {
    /// Which tag to list.
    #[arg(value_enum)]
    pub what: ListWhat,

    /// Print JSON Lines: {"value":…,"count":…}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// OpenSearch (or Elasticsearch): bulk NDJSON and an index body.
    Opensearch,
    /// Quickwit: NDJSON documents and an index config.
    Quickwit,
}

#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// The engine to write for.
    #[arg(long, value_enum)]
    pub format: ExportFormat,

    /// Directory for the documents and the index definition (created if missing; the two files
    /// are replaced whole).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_enum)]
    pub shell: complete::Shell,
}

#[derive(Debug, Args, Clone)]
pub struct ManArgs {
    /// Write one page per command into this directory instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct PassagesArgs {
    /// Only passages from this source (repeatable).
    #[arg(long, value_name = "SOURCE")]
    pub source: Vec<String>,

    /// Print JSON Lines, one passage per line, with tag provenance.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "HOST:PORT")]
    pub addr: String,

    /// Do not log each request on stderr.
    #[arg(long)]
    pub quiet: bool,

    /// Worker threads answering requests.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub workers: usize,
}

/// Turns parsed arguments into the library's configs and runs the command.
pub fn dispatch(cli: Cli, out: &mut dyn Write) -> Result<Outcome> {
    if let Some(command) = &cli.command {
        if let Some(flag) = cli.search.first_search_only_flag() {
            return Err(nlmg_search::Error::Usage(format!(
                "{flag} is a search option and cannot be used with `{}`; \
                 to search for the word {:?}, write: nlmg-search -- {}",
                command.name(),
                command.name(),
                command.name()
            )));
        }
    }
    let paths = commands::Paths::resolve(cli.global.corpus, cli.global.index)?;
    match cli.command {
        Some(Command::Serve(a)) => commands::serve::run(
            &paths,
            &commands::serve::ServeOptions {
                addr: a.addr,
                quiet: a.quiet,
                workers: a.workers,
            },
            out,
        ),
        Some(Command::Passages(a)) => commands::passages::run(
            &paths,
            &commands::passages::PassagesConfig {
                sources: a.source,
                json: a.json,
            },
            out,
        ),
        Some(Command::Index(a)) => {
            interrupt::install();
            commands::index::run(&paths, a.force, out)
        }
        Some(Command::List(a)) => {
            interrupt::install();
            commands::list::run(&paths, list_what(a.what), a.json, out)
        }
        Some(Command::Completions(a)) => complete::write_script(a.shell, out),
        Some(Command::Man(a)) => man::run(a.out.as_deref(), out),
        Some(Command::Quotes(a)) => {
            use commands::views::Format;
            let format = match (a.json, a.csv, a.markdown) {
                (true, _, _) => Format::Json,
                (_, true, _) => Format::Csv,
                (_, _, true) => Format::Markdown,
                _ => Format::Text,
            };
            commands::views::quotes(&paths, &a.filters.filters(), format, out)
        }
        Some(Command::Kwic(a)) => commands::views::kwic(
            &paths,
            &a.filters.filters(),
            &nlmg_search::views::kwic::Options {
                term: a.term.join(" "),
                width: a.width,
                sort: match a.sort {
                    KwicSort::Text => nlmg_search::views::kwic::Sort::Text,
                    KwicSort::Left => nlmg_search::views::kwic::Sort::Left,
                    KwicSort::Right => nlmg_search::views::kwic::Sort::Right,
                },
            },
            a.json,
            colour_mode(cli.global.color),
            out,
        ),
        Some(Command::Dispersion(a)) => commands::views::dispersion(&paths, &a.terms, a.json, out),
        Some(Command::Matrix(a)) => {
            use commands::views::Format;
            let format = match (a.json, a.csv) {
                (true, _) => Format::Json,
                (_, true) => Format::Csv,
                _ => Format::Text,
            };
            commands::views::matrix(&paths, &a.filters.filters(), format, out)
        }
        Some(Command::Character(a)) => {
            commands::views::character(&paths, &a.name.join(" "), a.json, out)
        }
        Some(Command::Export(a)) => commands::export::run(
            &paths,
            &commands::export::ExportConfig {
                format: match a.format {
                    ExportFormat::Opensearch => nlmg_search::export::Format::OpenSearch,
                    ExportFormat::Quickwit => nlmg_search::export::Format::Quickwit,
                },
                out: a.out,
            },
            out,
        ),
        Some(Command::Bench(a)) => commands::bench::run(
            &paths,
            &commands::bench::BenchOptions {
                queries: a.queries,
                iterations: a.iterations,
                warmup: a.warmup,
                scale: a.scale,
                copies: if a.exact_copies {
                    nlmg_search::bench::CopyText::Exact
                } else {
                    nlmg_search::bench::CopyText::Distinct { seed: a.seed }
                },
                write_corpus: a.write_corpus,
                json: a.json,
            },
            out,
        ),
        None => {
            interrupt::install();
            let s = cli.search;
            let options = commands::search::SearchOptions {
                query: s.query.join(" "),
                filters: nlmg_search::search::Filters {
                    theme: s.theme,
                    character: s.character,
                    section: s.section,
                    source: s.source,
                    kind: s.kind,
                    part: s.part,
                    page: s.page,
                },
                limit: s.limit,
                context: s.context,
                json: s.json,
                color: match cli.global.color {
                    ColorChoice::Auto => commands::ColorMode::Auto,
                    ColorChoice::Always => commands::ColorMode::Always,
                    ColorChoice::Never => commands::ColorMode::Never,
                },
                rebuild_if_damaged: s.rebuild_if_damaged,
                ranking: s.ranking,
            };
            commands::search::run(&paths, options, out)
        }
    }
}

fn colour_mode(c: ColorChoice) -> commands::ColorMode {
    match c {
        ColorChoice::Auto => commands::ColorMode::Auto,
        ColorChoice::Always => commands::ColorMode::Always,
        ColorChoice::Never => commands::ColorMode::Never,
    }
}

fn list_what(w: ListWhat) -> Tag {
    use Tag as L;
    match w {
        ListWhat::Themes => L::Themes,
        ListWhat::Characters => L::Characters,
        ListWhat::Sections => L::Sections,
        ListWhat::Sources => L::Sources,
        ListWhat::Kinds => L::Kinds,
        ListWhat::Parts => L::Parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
        with_part_help(Cli::command(), "1 (One), 2 (Two)").debug_assert();
    }

    #[test]
    fn help_is_asked_for_before_any_double_dash() {
        for (argv, asked) in [
            (&["nlmg-search", "--help"][..], true),
            (&["nlmg-search", "quotes", "-h"], true),
            (&["nlmg-search", "help", "kwic"], true),
            (&["nlmg-search", "--", "--help"], false),
            (&["nlmg-search", "why", "help"], false),
            (&["nlmg-search", "deferral"], false),
        ] {
            let args: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
            assert_eq!(asks_for_help(&args), asked, "{argv:?}");
        }
    }

    #[test]
    fn a_query_word_that_names_a_command_needs_no_quoting_trick() {
        let cli = Cli::try_parse_from(["nlmg-search", "why", "did", "Madame", "cry"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.search.query.join(" "), "why did Madame cry");
        let cli = Cli::try_parse_from(["nlmg-search", "index", "--force"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Index(IndexArgs { force: true }))
        ));
        let cli = Cli::try_parse_from(["nlmg-search", "--", "index"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.search.query, ["index"]);
    }

    #[test]
    fn global_options_before_a_subcommand_still_select_it() {
        for argv in [
            &["nlmg-search", "--index", "/tmp/i", "index"][..],
            &[
                "nlmg-search",
                "--corpus",
                "c",
                "--index",
                "i",
                "index",
                "--force",
            ][..],
            &["nlmg-search", "index", "--index", "/tmp/i"][..],
        ] {
            let cli = Cli::try_parse_from(argv).unwrap();
            assert!(matches!(cli.command, Some(Command::Index(_))), "{argv:?}");
        }
        let cli = Cli::try_parse_from(["nlmg-search", "--index", "i", "list", "themes"]).unwrap();
        assert!(matches!(cli.command, Some(Command::List(_))));
        assert_eq!(cli.global.index, Some(std::path::PathBuf::from("i")));
    }

    #[test]
    fn search_options_before_a_subcommand_are_refused_not_ignored() {
        let cli = Cli::try_parse_from(["nlmg-search", "--theme", "memory", "index"]).unwrap();
        assert_eq!(cli.search.first_search_only_flag(), Some("--theme"));
        let mut sink = Vec::new();
        let err = dispatch(cli, &mut sink).unwrap_err().to_string();
        assert!(
            err.contains("--theme") && err.contains("nlmg-search -- index"),
            "{err}"
        );
    }
}
