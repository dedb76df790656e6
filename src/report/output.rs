//! `--out DIR`, all or nothing.
//!
//! Files are written into a staging directory next to DIR (same file system, so renames are
//! atomic) and moved into DIR only when the whole run has succeeded. If anything fails, the
//! staging directory is removed when the `OutputDir` is dropped and DIR is as it was.

use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    files: Vec<String>,
}

impl OutputDir {
    /// Prepares to write into `target`; fails at once if it cannot be written.
    pub fn create(target: &Path) -> Result<OutputDir, Error> {
        if target.exists() && !target.is_dir() {
            let problem = std::io::Error::other("it exists and is not a directory");
            return Err(Error::write(target, problem));
        }
        let anchor = nearest_existing(target);
        let staging = anchor.join(format!(".ec2plan-staging-{}", std::process::id()));
        fs::create_dir_all(&staging).map_err(|e| Error::write(target, e))?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            staging,
            files: Vec::new(),
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

    /// Moves every staged file into the target directory.
    pub fn commit(self) -> Result<Vec<PathBuf>, Error> {
        fs::create_dir_all(&self.target).map_err(|e| Error::write(&self.target, e))?;
        let mut written = Vec::new();
        for name in &self.files {
            let to = self.target.join(name);
            fs::rename(self.staging.join(name), &to).map_err(|e| Error::write(&to, e))?;
            written.push(to);
        }
        Ok(written)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // Best effort: a staging directory left behind is hidden and harmless.
        let _ = fs::remove_dir_all(&self.staging);
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
