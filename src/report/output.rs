//! `--out DIR`, all or nothing.
//!
//! Files are written into a staging directory next to DIR (same file system, so renames are
//! atomic) and moved into DIR only when the whole run has succeeded. If anything fails, the
//! staging directory is removed when the `OutputDir` is dropped and DIR is as it was.
//!
//! A report directory holds one run: files with the names a report has that this run did
//! not write (a previous run's `reservations_us-east-1_m6i.png`, its `bands.csv`) are
//! removed when the run commits, so a chart never sits beside a summary it does not belong
//! to. Files with other names are the user's and are left alone.
//!
//! Every exit path removes the staging directory: an error or a panic through `Drop`, and
//! SIGINT, SIGTERM or SIGHUP through a thread that waits for those signals, removes every
//! registered staging directory and exits 128 + the signal. A run killed outright (SIGKILL,
//! a power cut) leaves its `.ec2plan-staging-PID`; the next run staging in the same place
//! removes it once no process has that PID.
//!
//! Concurrent runs writing one directory cannot mix their files: a commit holds an
//! exclusive lock on the target directory from its first rename to its last removal, so
//! one run's files always arrive together and the last run to commit is the one DIR holds.

use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

/// The staging directories of this process, for the signal thread to remove. A commit
/// holds this lock while it moves files, so a signal never leaves DIR half committed.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The prefix of a staging directory's name; the PID of the run that made it follows.
const STAGING_PREFIX: &str = ".ec2plan-staging-";

fn staging_dirs() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the lock was held leaves the list as it was: still usable.
    STAGING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts, once, the thread that turns SIGINT, SIGTERM and SIGHUP into removing the
/// staging directories and exiting 128 + the signal. Best effort: if the signals cannot be
/// registered they keep their default action, and the next run removes the staging.
fn clean_up_on_signals() {
    static START: Once = Once::new();
    START.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let thread = std::thread::Builder::new().name("ec2plan-signals".into());
        let _ = thread.spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the process ends: no staging directory is made or committed
                // from here on.
                let dirs = staging_dirs();
                for dir in dirs.iter() {
                    remove_dir_retrying(dir);
                }
                std::process::exit(128_i32.saturating_add(signal));
            }
        });
    });
}

/// Removes `dir`; the main thread may still be writing into it, so a removal that finds a
/// new file is tried again.
fn remove_dir_retrying(dir: &Path) {
    for _ in 0..20 {
        match fs::remove_dir_all(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => continue,
            _ => return,
        }
    }
}

/// Removes the staging directories in `anchor` whose run has ended (killed before it could
/// clean up). Only where `/proc` tells which processes are alive (Linux); a directory of a
/// live process, or one whose name has no PID, is left alone.
fn remove_stale_staging(anchor: &Path) {
    if !Path::new("/proc/self").is_dir() {
        return;
    }
    let Ok(entries) = fs::read_dir(anchor) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGING_PREFIX))
            .and_then(|digits| digits.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == own || Path::new("/proc").join(pid.to_string()).exists();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !alive && is_dir {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    files: Vec<String>,
    /// A report directory: remove the report files this run did not write.
    one_run: bool,
}

/// The names of the files a report may hold: what `simulate --out` and `recommend --out`
/// write.
const REPORT_FILES: [&str; 12] = [
    "summary.csv",
    "recommendation.csv",
    "groups.csv",
    "timeline.csv",
    "line_items.csv",
    "line_items.parquet",
    "monthly.csv",
    "notes.txt",
    "bands.csv",
    "cumulative_cost.png",
    "monthly_by_kind.png",
    "fleet_composition.png",
];

/// Whether `name` is a file a report writes (the fixed names, the Spot band chart, and one
/// reservation chart per pool).
pub fn is_report_file(name: &str) -> bool {
    REPORT_FILES.contains(&name)
        || name == "spot_bands.png"
        || (name.starts_with("reservations_") && name.ends_with(".png"))
}

impl OutputDir {
    /// Prepares to write files into the directory `target`, staged inside it (or its
    /// nearest existing ancestor); fails at once if it cannot be written.
    pub fn create(target: &Path) -> Result<OutputDir, Error> {
        OutputDir::staged_in(target, nearest_existing(target), false)
    }

    /// Prepares a report directory: staged beside `target` (so nothing appears inside it
    /// until the run commits), and holding only this run's report files after the commit.
    pub fn report(target: &Path) -> Result<OutputDir, Error> {
        let beside = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => nearest_existing(parent),
            _ => PathBuf::from("."),
        };
        OutputDir::staged_in(target, beside, true)
    }

    fn staged_in(target: &Path, anchor: PathBuf, one_run: bool) -> Result<OutputDir, Error> {
        if target.exists() && !target.is_dir() {
            let problem = std::io::Error::other("it exists and is not a directory");
            return Err(Error::write(target, problem));
        }
        clean_up_on_signals();
        remove_stale_staging(&anchor);
        let staging = anchor.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        {
            let mut registered = staging_dirs();
            fs::create_dir_all(&staging).map_err(|e| Error::write(target, e))?;
            registered.push(staging.clone());
        }
        Ok(OutputDir {
            target: target.to_path_buf(),
            staging,
            files: Vec::new(),
            one_run,
        })
    }

    /// Where files are staged; a writer that makes several files (the charts) writes here
    /// and registers each name with [`OutputDir::path`].
    pub fn staging_dir(&self) -> &Path {
        &self.staging
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The staging path for `name`, where the file is written before the commit.
    pub fn path(&mut self, name: &str) -> PathBuf {
        if !self.files.iter().any(|f| f == name) {
            self.files.push(name.to_string());
        }
        self.staging.join(name)
    }

    /// Writes a whole file into staging.
    pub fn write(&mut self, name: &str, contents: &[u8]) -> Result<(), Error> {
        let path = self.path(name);
        fs::write(&path, contents).map_err(|e| Error::write(self.target.join(name), e))
    }

    /// Moves every staged file into the target directory; for a report, then removes the
    /// report files an earlier run left that this one did not write.
    pub fn commit(self) -> Result<Vec<PathBuf>, Error> {
        // No signal ends the process between the first rename and the last removal.
        let signals_wait = staging_dirs();
        let written = self.move_in();
        drop(signals_wait);
        written
    }

    fn move_in(&self) -> Result<Vec<PathBuf>, Error> {
        fs::create_dir_all(&self.target).map_err(|e| Error::write(&self.target, e))?;
        // Another run committing to the same directory waits here until this one is done.
        let lock = fs::File::open(&self.target).map_err(|e| Error::write(&self.target, e))?;
        lock.lock().map_err(|e| Error::write(&self.target, e))?;
        let mut written = Vec::new();
        for name in &self.files {
            let to = self.target.join(name);
            fs::rename(self.staging.join(name), &to).map_err(|e| Error::write(&to, e))?;
            written.push(to);
        }
        if self.one_run {
            self.remove_stale()?;
        }
        Ok(written)
    }

    fn remove_stale(&self) -> Result<(), Error> {
        let entries = fs::read_dir(&self.target).map_err(|e| Error::write(&self.target, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::write(&self.target, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale = is_report_file(&name) && !self.files.contains(&name);
            if stale && entry.path().is_file() {
                fs::remove_file(entry.path()).map_err(|e| Error::write(entry.path(), e))?;
            }
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // Best effort: a staging directory left behind is hidden, and the next run removes it.
        let mut registered = staging_dirs();
        let _ = fs::remove_dir_all(&self.staging);
        registered.retain(|dir| dir != &self.staging);
    }
}

/// Writes the single file `path` all or nothing: `write` fills a staged path beside it,
/// which becomes `path` only if `write` succeeded.
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), Error>,
) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("--out {} names no file", path.display())))?;
    let mut out = OutputDir::create(&dir)?;
    write(&out.path(&name))?;
    out.commit()?;
    Ok(())
}

/// `target` itself, or its nearest ancestor that exists (or `.`).
fn nearest_existing(target: &Path) -> PathBuf {
    let mut candidate = target.to_path_buf();
    loop {
        if candidate.is_dir() {
            return candidate;
        }
        match candidate.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => candidate = parent.to_path_buf(),
            _ => return PathBuf::from("."),
        }
    }
}
