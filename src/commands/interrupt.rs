//! Stopping long work cleanly on Ctrl-C: the front end records the request, the work that
//! can stop (an index build) checks it and undoes what it made.
//!
//! The library installs no signal handler: the binary does, and asks [`request`] whether some
//! work is listening. When none is, it ends the process as the default handler would.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static LISTENING: AtomicUsize = AtomicUsize::new(0);
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks the work in progress to stop. False when nothing is listening, or when a stop was
/// already asked for (a second Ctrl-C): the caller should then end the process itself.
pub fn request() -> bool {
    let already = REQUESTED.swap(true, Ordering::SeqCst);
    !already && LISTENING.load(Ordering::SeqCst) > 0
}

/// Whether a stop has been asked for.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Marks a stretch of work that checks [`requested`] and stops by itself; dropping it ends
/// the stretch, so a Ctrl-C afterwards ends the process at once again.
pub struct Listening(());

/// Starts a stretch of work that stops on request.
pub fn listen() -> Listening {
    LISTENING.fetch_add(1, Ordering::SeqCst);
    Listening(())
}

impl Drop for Listening {
    fn drop(&mut self) {
        LISTENING.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test for the whole state: it is process-wide, and tests run in parallel.
    #[test]
    fn a_request_is_taken_only_while_work_listens_and_only_once() {
        assert!(!requested());
        {
            let _l = listen();
            assert!(request(), "listening work takes the first request");
            assert!(requested());
            assert!(!request(), "a second Ctrl-C ends the process");
        }
        REQUESTED.store(false, Ordering::SeqCst);
        assert!(!request(), "nothing listens: the caller ends the process");
        REQUESTED.store(false, Ordering::SeqCst);
    }
}
