//! The crate's error: every way a run can fail, each one sentence for a person, and the
//! exit status the binary returns for it (documented in docs/errors.md).

use crate::location::LocatedError;
use crate::money::MoneyError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command-line flag or value that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// A problem in the content of a scenario or catalog file, located.
    #[error("{0}")]
    Input(#[from] LocatedError),
    /// A figure too large to compute exactly.
    #[error("{0}")]
    Money(#[from] MoneyError),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    /// 2: a flag or its value; 3: the content of an input file; 4: a file that cannot be
    /// read or written. (1 is left for what should never happen.)
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Input(_) | Error::Money(_) => 3,
            Error::Read { .. } | Error::Write { .. } => 4,
        }
    }

    pub fn write(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Write {
            path: path.into(),
            source,
        }
    }
}
