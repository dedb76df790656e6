//! The scenario a command reads: a file, standard input (`-`), a pipe, a FIFO or a process
//! substitution, each opened once and read as a stream.
//!
//! The header is sniffed from the same buffered stream the reader then reads (the bytes
//! read to sniff it are put back in front), so nothing is opened twice. A command that
//! replays the scenario more than once (`--trials`, `compare` with variants) reads a
//! non-regular input into memory once, and replays it from there.

use crate::error::Error;
use crate::input::MAX_LINE_BYTES;
use crate::scenario::{kind_of_header, Kind};
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The most of a non-regular input (standard input, a pipe) kept in memory to replay it.
const MAX_MEMORY_BYTES: u64 = 1 << 30;

/// A scenario's bytes: a stream, opened at most once.
pub type Stream = Box<dyn Read + Send>;

/// Where a scenario comes from.
#[derive(Debug)]
enum Origin {
    /// A regular file, which can be opened again for each replay.
    File(PathBuf),
    /// Standard input or a pipe, not yet read.
    Once(PathBuf),
    /// Standard input or a pipe, read whole for replays.
    Memory(Arc<[u8]>),
    /// Standard input or a pipe, already read.
    Used,
}

/// A scenario named on the command line.
#[derive(Debug)]
pub struct ScenarioInput {
    /// How messages name it.
    pub label: String,
    origin: std::sync::Mutex<Origin>,
}

/// An opened scenario: its stream, its size when known, and its kind from the header.
pub struct Opened {
    pub stream: Stream,
    /// Bytes, for the progress line; 0 when unknown.
    pub size: u64,
    pub kind: Option<Kind>,
}

impl ScenarioInput {
    /// `-` is standard input. `replays`: the command will open it more than once.
    pub fn new(path: &Path, replays: bool) -> Result<ScenarioInput, Error> {
        let stdin = path.as_os_str() == "-";
        let label = match stdin {
            true => "stdin".to_string(),
            false => label_of(path),
        };
        let regular = !stdin && {
            let meta = std::fs::metadata(path).map_err(|source| read_error(path, source))?;
            if meta.is_dir() {
                let source = std::io::Error::other("it is a directory, not a scenario file");
                return Err(read_error(path, source));
            }
            meta.is_file()
        };
        let origin = match (regular, replays) {
            (true, _) => Origin::File(path.to_path_buf()),
            (false, false) => Origin::Once(path.to_path_buf()),
            (false, true) => Origin::Memory(read_whole(path, &label)?),
        };
        Ok(ScenarioInput {
            label,
            origin: std::sync::Mutex::new(origin),
        })
    }

    /// Opens the scenario and reads its header's kind from the stream.
    pub fn open(&self) -> Result<Opened, Error> {
        let mut origin = self
            .origin
            .lock()
            .map_err(|_| Error::Usage("the scenario could not be opened".into()))?;
        let (stream, size): (Stream, u64) = match &*origin {
            Origin::File(path) => {
                let file = File::open(path).map_err(|source| read_error(path, source))?;
                let size = file.metadata().map_or(0, |m| m.len());
                (Box::new(file), size)
            }
            Origin::Memory(bytes) => (Box::new(Cursor::new(Arc::clone(bytes))), 0),
            Origin::Once(path) => {
                let path = path.clone();
                let stream = open_stream(&path)?;
                *origin = Origin::Used;
                (stream, 0)
            }
            Origin::Used => {
                return Err(Error::Usage(format!(
                    "{} can be read only once, and this command reads it twice; write it to a file and name the file",
                    self.label
                )))
            }
        };
        sniff(stream, size, &self.label)
    }
}

/// How reports and messages name the scenario at `path`: the path as given, or, for a
/// relative path a spreadsheet would read as a formula (`=cost.csv`, `@home.csv`), the same
/// file as `./=cost.csv`. The label is the `scenario` column of compare's CSV and the
/// `x_Scenario` column of line_items.csv (docs/spreadsheet-safety.md).
pub fn label_of(path: &Path) -> String {
    let shown = path.display().to_string();
    match shown.chars().next() {
        Some(c) if crate::spreadsheet::FORMULA_STARTS.contains(&c) => format!("./{shown}"),
        _ => shown,
    }
}

/// Standard input for `-`, else the named file (a FIFO, `/dev/stdin`, `/dev/fd/N`).
fn open_stream(path: &Path) -> Result<Stream, Error> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let file = File::open(path).map_err(|source| read_error(path, source))?;
    Ok(Box::new(file))
}

/// Reads a non-regular input whole, for a command that replays it.
fn read_whole(path: &Path, label: &str) -> Result<Arc<[u8]>, Error> {
    let stream = open_stream(path)?;
    let mut bytes = Vec::new();
    stream
        .take(MAX_MEMORY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| read_error(path, source))?;
    if bytes.len() as u64 > MAX_MEMORY_BYTES {
        return Err(Error::Usage(format!(
            "{label} is longer than 1 GiB, the most ec2plan keeps in memory to replay a stream; write it to a file and name the file"
        )));
    }
    Ok(Arc::from(bytes))
}

/// Reads the first line (at most a line's limit) to learn the scenario's kind, and puts it
/// back in front of the rest of the stream.
fn sniff(stream: Stream, size: u64, label: &str) -> Result<Opened, Error> {
    let mut buffered = BufReader::with_capacity(64 * 1024, stream);
    let mut first = Vec::new();
    loop {
        let chunk = match buffered.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => return Err(read_error(Path::new(label), source)),
        };
        if chunk.is_empty() {
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        first.extend_from_slice(&chunk[..take]);
        buffered.consume(take);
        if done || first.len() > MAX_LINE_BYTES {
            break;
        }
    }
    let kind = header_kind(&first);
    let stream: Stream = Box::new(Cursor::new(first).chain(buffered));
    Ok(Opened { stream, size, kind })
}

/// The kind of scenario a first line names (`None` lets the event-log reader explain).
fn header_kind(line: &[u8]) -> Option<Kind> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(line);
    let headers = csv.headers().ok()?;
    let names: Vec<&str> = headers.iter().collect();
    kind_of_header(&names)
}

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        source,
    }
}
