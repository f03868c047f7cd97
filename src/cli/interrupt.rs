//! Ctrl-C: work that can stop cleanly (an index build) is asked to, and reports it stopped;
//! at any other moment the process ends at once with status 130, as without a handler.

use nlmg_search::commands::interrupt;

/// Exit status of a process stopped by SIGINT, by the shells' convention (128 + 2).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Installs the handler; called once, before a command that may build the index.
pub fn install() {
    // Failing to install only means Ctrl-C keeps its default effect.
    let _ = ctrlc::set_handler(|| {
        if !interrupt::request() {
            std::process::exit(EXIT_INTERRUPTED.into());
        }
    });
}
