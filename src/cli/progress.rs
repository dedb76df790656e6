//! A progress line on standard error while a large scenario is read.
//!
//! Shown only when standard error is a terminal, the file is large enough to make a user
//! wait, and `--quiet` is not given; it is erased when the run ends, so it never mixes with
//! the report on standard output or with an error message.

use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Files smaller than this read too fast to need a progress line.
const MIN_BYTES: u64 = 8 * 1024 * 1024;

/// Counts the bytes read through it.
pub struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The progress line; dropping it stops and erases it.
pub struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Wraps `inner`, and starts the line if it is wanted for a file of `total` bytes.
    pub fn start<R: Read>(
        inner: R,
        label: &str,
        total: u64,
        quiet: bool,
    ) -> (Counting<R>, Progress) {
        let read = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let wanted = !quiet && total >= MIN_BYTES && std::io::stderr().is_terminal();
        let thread = wanted.then(|| {
            let (read, done, label) = (Arc::clone(&read), Arc::clone(&done), label.to_string());
            std::thread::spawn(move || draw(&label, total, &read, &done))
        });
        (Counting { inner, read }, Progress { done, thread })
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn draw(label: &str, total: u64, read: &AtomicU64, done: &AtomicBool) {
    let mut stderr = std::io::stderr();
    while !done.load(Ordering::Relaxed) {
        let bytes = read.load(Ordering::Relaxed).min(total);
        let percent = bytes * 100 / total.max(1);
        let width = 30usize;
        let filled = (percent as usize * width / 100).min(width);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
        let _ = write!(
            stderr,
            "\r{label}: [{bar}] {percent:>3}% ({} of {} MB)",
            bytes / 1_048_576,
            total / 1_048_576
        );
        let _ = stderr.flush();
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = write!(stderr, "\r\x1b[2K");
    let _ = stderr.flush();
}
