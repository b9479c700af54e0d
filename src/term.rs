//! The terminal: whether standard error gets colours and progress, decided
//! in one place for every command.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::Duration;

/// Whether to colour standard error: only on a terminal, and never when
/// `NO_COLOR` is set to anything but the empty string (<https://no-color.org>).
pub fn colour_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// How long work runs before a progress spinner appears.
const DELAY: Duration = Duration::from_secs(1);

/// A spinner on standard error for work that may take a while. It shows
/// only on a terminal, only once the work has run for a second, and is
/// cleared before anything else is printed, so diagnostics are never mixed
/// with it.
pub struct Progress {
    bar: ProgressBar,
    done: Option<mpsc::Sender<()>>,
    waiter: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts a spinner saying `message`; `quiet` (or no terminal) keeps it hidden.
    pub fn start(message: &str, quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.to_string());
        if quiet || !std::io::stderr().is_terminal() {
            return Progress {
                bar,
                done: None,
                waiter: None,
            };
        }
        let (done, finished) = mpsc::channel::<()>();
        let shown = bar.clone();
        let waiter = std::thread::spawn(move || {
            // Fast work never shows a spinner: wait a second, or until done.
            if let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(DELAY) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(100));
            }
        });
        Progress {
            bar,
            done: Some(done),
            waiter: Some(waiter),
        }
    }

    /// Names the current stage.
    pub fn stage(&self, message: &str) {
        self.bar.set_message(message.to_string());
    }

    /// Clears the spinner; call before printing.
    pub fn finish(mut self) {
        self.clear();
    }

    fn clear(&mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
        if let Some(waiter) = self.waiter.take() {
            let _ = waiter.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}
