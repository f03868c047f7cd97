//! The `nlmg-search` binary: parse the command line, dispatch to the library, map to an exit code.
//!
//! Exit codes follow grep: 0 when something was found, 1 when nothing was, 2 on any error;
//! 130 when Ctrl-C stopped the work.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use nlmg_search::commands::{self, Outcome};

// A search is dozens of small allocations (query clauses, postings cursors, excerpt pieces);
// mimalloc serves them in fewer instructions than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::answer_completion_if_asked();
    let args = cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = cli::dispatch(args, &mut out).and_then(|outcome| {
        out.flush()
            .map_err(|e| nlmg_search::Error::io("<stdout>", e))?;
        Ok(outcome)
    });
    match result {
        Ok(Outcome::Found) => ExitCode::from(0),
        Ok(Outcome::NotFound) => ExitCode::from(1),
        Err(e) if commands::is_broken_pipe(&e) => ExitCode::from(0),
        Err(e @ nlmg_search::Error::Interrupted(_)) => {
            let _ = writeln!(io::stderr(), "nlmg-search: {e}");
            ExitCode::from(cli::EXIT_INTERRUPTED)
        }
        Err(e) => {
            // Nothing useful can be done if stderr is gone too.
            let _ = writeln!(io::stderr(), "nlmg-search: error: {e}");
            ExitCode::from(2)
        }
    }
}
