//! A progress line on standard error while a large scenario is read, and while `--out`
//! writes a large `line_items.csv` (sorting and merging millions of items takes as long as
//! the replay).
//!
//! Shown only when standard error is a terminal, the work is large enough to make a user
//! wait, and `--quiet` is not given; it is erased when the work ends, so it never mixes with
//! the report on standard output or with an error message.

use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Files smaller than this read too fast to need a progress line.
const MIN_BYTES: u64 = 8 * 1024 * 1024;
/// Fewer line items than this are written too fast to need one.
const MIN_ITEMS: u64 = 1_000_000;

/// What the line counts.
#[derive(Debug, Clone, Copy)]
enum Unit {
    /// Bytes, shown in MB.
    Bytes,
    LineItems,
}

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
        let wanted = !quiet && total >= MIN_BYTES;
        let progress = Progress::spawn(wanted, label, (total, Unit::Bytes), &read);
        (Counting { inner, read }, progress)
    }

    /// A line for about `total` line items being written, counted in the returned counter.
    pub fn line_items(label: &str, total: u64, quiet: bool) -> (Arc<AtomicU64>, Progress) {
        let written = Arc::new(AtomicU64::new(0));
        let wanted = !quiet && total >= MIN_ITEMS;
        let progress = Progress::spawn(wanted, label, (total, Unit::LineItems), &written);
        (written, progress)
    }

    fn spawn(wanted: bool, label: &str, total: (u64, Unit), count: &Arc<AtomicU64>) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let thread = (wanted && std::io::stderr().is_terminal()).then(|| {
            let (count, done, label) = (Arc::clone(count), Arc::clone(&done), label.to_string());
            std::thread::spawn(move || draw(&label, total, &count, &done))
        });
        Progress { done, thread }
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

fn draw(label: &str, (total, unit): (u64, Unit), count: &AtomicU64, done: &AtomicBool) {
    let mut stderr = std::io::stderr();
    while !done.load(Ordering::Relaxed) {
        let counted = count.load(Ordering::Relaxed).min(total);
        let percent = counted * 100 / total.max(1);
        let width = 30usize;
        let filled = (percent as usize * width / 100).min(width);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
        let amount = match unit {
            Unit::Bytes => format!("{} of {} MB", counted / 1_048_576, total / 1_048_576),
            Unit::LineItems => format!("{counted} of {total} line items"),
        };
        let _ = write!(stderr, "\r{label}: [{bar}] {percent:>3}% ({amount})");
        let _ = stderr.flush();
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = write!(stderr, "\r\x1b[2K");
    let _ = stderr.flush();
}
