//! The start-up floor: a minimal clap program (derive, one option, `--version`), built with the
//! same profile and allocator-free defaults, so `nlmg-search --version` can be given as a ratio
//! to the cost of merely starting a Rust command line.
//!
//! ```sh
//! cargo build --release --examples
//! hyperfine -N --warmup 20 'target/release/examples/start_floor --version' \
//!     'target/release/nlmg-search --version'
//! ```

use clap::Parser;

/// A program that parses its arguments and exits.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// A word, never used.
    word: Option<String>,
}

fn main() {
    let args = Args::parse();
    if let Some(w) = args.word {
        println!("{w}");
    }
}
