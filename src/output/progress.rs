//! Progress of an index build: a bar on stderr when it is a terminal, nothing otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::index::BuildEvent;

/// Turns [`BuildEvent`]s into a progress bar.
pub struct BuildProgress {
    bar: Option<ProgressBar>,
}

impl BuildProgress {
    /// A bar on stderr if stderr is a terminal; a silent sink otherwise. The bar is drawn
    /// from the moment the build knows how many passages it adds, never as "0/0".
    pub fn new() -> BuildProgress {
        BuildProgress {
            bar: std::io::stderr().is_terminal().then(|| {
                let bar = ProgressBar::hidden();
                bar.set_style(
                    ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} passages")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar.set_message("indexing");
                bar
            }),
        }
    }

    pub fn event(&mut self, e: BuildEvent) {
        let Some(bar) = &self.bar else { return };
        match e {
            BuildEvent::Started { passages } => {
                bar.set_length(passages as u64);
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            BuildEvent::Added { done } => bar.set_position(done as u64),
            BuildEvent::Committing => bar.set_message("writing"),
            BuildEvent::Finished => bar.finish_and_clear(),
        }
    }
}

impl Default for BuildProgress {
    fn default() -> Self {
        BuildProgress::new()
    }
}

/// A build that stops half-way (an error, a Ctrl-C) clears its line rather than leave it
/// half-drawn above the message that says why.
impl Drop for BuildProgress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
