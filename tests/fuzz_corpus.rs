//! Replays the fuzzing corpora on the stable toolchain: every file of `fuzz/corpus/<target>/`
//! (`<target>_corpus`) and every saved crash input `tests/data/fuzz/crashes/<target>-<n>.<ext>`
//! (`<target>_crashes`) goes through the same code as the cargo-fuzz target of that name
//! (`fuzz/harness.rs`, shared). Errors are fine; a panic fails the test, naming the input.
//!
//! To grow the corpora, see fuzz/README.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files of a directory, sorted by name; `keep` filters by file name.
fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    files.sort();
    files
}

/// The minimized corpus of `target`: every input must go through without a panic.
fn replay_corpus(target: &str, mut run: impl FnMut(&[u8])) {
    let files = files_in(&root().join("fuzz/corpus").join(target), |_| true);
    assert!(
        !files.is_empty(),
        "no corpus for {target} under fuzz/corpus/{target}/"
    );
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let guard = Naming(path);
        run(&data);
        std::mem::forget(guard);
    }
}

/// The saved crash inputs of `target` (`tests/data/fuzz/crashes/<target>-<n>.<ext>`), each
/// run on its own so that one run names every input that still panics, with its message.
fn replay_crashes(target: &str, run: impl Fn(&[u8]) + std::panic::RefUnwindSafe) {
    let prefix = format!("{target}-");
    let files = files_in(&root().join("tests/data/fuzz/crashes"), |n| {
        n.starts_with(&prefix)
    });
    let mut still_panicking = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap();
        if let Err(payload) = std::panic::catch_unwind(|| run(&data)) {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            still_panicking.push(format!("  {}: {message}", path.display()));
        }
    }
    assert!(
        still_panicking.is_empty(),
        "{} of {} saved {target} crash inputs still panic (see tests/data/fuzz/README.md):\n{}",
        still_panicking.len(),
        files.len(),
        still_panicking.join("\n")
    );
}

/// Prints which input was running when a panic unwinds through it.
struct Naming<'a>(&'a Path);

impl Drop for Naming<'_> {
    fn drop(&mut self) {
        eprintln!("panicked on fuzz input {}", self.0.display());
    }
}

/// A scratch directory holding a copy of `pricing/`, removed at the end of the test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        Scratch(harness::scratch_dir(&format!("test-{name}")))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn scenario_reader_corpus() {
    replay_corpus("scenario_reader", harness::scenario_reader);
}

#[test]
fn schedule_reader_corpus() {
    replay_corpus("schedule_reader", harness::schedule_reader);
}

#[test]
fn simulate_all_corpus() {
    replay_corpus("simulate_all", harness::simulate_all);
}

#[test]
fn catalog_reader_corpus() {
    let dir = Scratch::new("catalog");
    replay_corpus("catalog_reader", |data| {
        harness::catalog_reader_in(&dir.0, data)
    });
}

#[test]
fn spot_import_corpus() {
    let dir = Scratch::new("spot");
    replay_corpus("spot_import", |data| harness::spot_import_in(&dir.0, data));
}

#[test]
fn offer_import_corpus() {
    let dir = Scratch::new("offer");
    replay_corpus("offer_import", |data| {
        harness::offer_import_in(&dir.0, data)
    });
}

// The saved crash inputs. These fail until the panics they record are fixed in src/.

#[test]
fn scenario_reader_crashes() {
    replay_crashes("scenario_reader", harness::scenario_reader);
}

#[test]
fn schedule_reader_crashes() {
    replay_crashes("schedule_reader", harness::schedule_reader);
}

#[test]
fn simulate_all_crashes() {
    replay_crashes("simulate_all", harness::simulate_all);
}

#[test]
fn catalog_reader_crashes() {
    let dir = Scratch::new("catalog-crashes");
    replay_crashes("catalog_reader", |data| {
        harness::catalog_reader_in(&dir.0, data)
    });
}

#[test]
fn spot_import_crashes() {
    let dir = Scratch::new("spot-crashes");
    replay_crashes("spot_import", |data| harness::spot_import_in(&dir.0, data));
}

#[test]
fn offer_import_crashes() {
    let dir = Scratch::new("offer-crashes");
    replay_crashes("offer_import", |data| {
        harness::offer_import_in(&dir.0, data)
    });
}
