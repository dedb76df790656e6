//! One input file: its bytes (gunzipped when gzip), its JSON, and which of the two forms it
//! has, so each record can be named in messages the way `jq` would reach it.
//!
//! AWS delivers a trail's log files as gzip-compressed JSON, `{"Records": [...]}`; `aws
//! cloudtrail lookup-events` prints `{"Events": [...]}`, each event carrying its record as a
//! JSON string in `CloudTrailEvent`. Gzip is recognised by its magic bytes, not the file
//! name, so a renamed or already-unzipped file reads the same.

use crate::error::Error;
use crate::location::{excerpt, LocatedError, Location};
use serde_json::Value;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The most JSON text (after decompression) read from one file: 256 MiB. A trail delivers
/// a file every few minutes, each a few megabytes at most; the limit keeps a wrong file
/// (or a decompression bomb) from filling memory, since a file is parsed whole.
pub const MAX_JSON_BYTES: u64 = 256 << 20;

/// The two magic bytes every gzip member starts with (RFC 1952, 2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Which form a file has: where its records are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A trail's log file: `{"Records": [record, ...]}`.
    LogFile,
    /// `aws cloudtrail lookup-events` output: `{"Events": [{"CloudTrailEvent": "..."}]}`.
    LookupEvents,
}

impl Form {
    fn array(self) -> &'static str {
        match self {
            Form::LogFile => "Records",
            Form::LookupEvents => "Events",
        }
    }
}

/// Where a record is, for messages and notes: its file, its place in the file's array and,
/// once known, its eventID and eventName.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    pub file: Arc<str>,
    /// The position of the file on the command line, for ordering ties.
    pub file_index: usize,
    pub form: Form,
    /// The 0-based index in the file's `Records` or `Events` array.
    pub index: usize,
    pub event_id: Option<String>,
    pub event_name: Option<String>,
}

impl RecordRef {
    /// A problem with this record, as an error naming the file, the record and its eventID.
    pub fn error(&self, problem: impl fmt::Display) -> Error {
        Error::Input(LocatedError::new(
            Location::line(&self.file, 0),
            format!("{self}: {problem}"),
        ))
    }
}

impl fmt::Display for RecordRef {
    /// `Records[3] (eventID 6e12…, StopInstances)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.form.array(), self.index)?;
        let id = self
            .event_id
            .as_deref()
            .map(|id| format!("eventID {}", excerpt(id)));
        let name = self.event_name.as_deref().map(|n| excerpt(n).to_string());
        match (id, name) {
            (Some(id), Some(name)) => write!(f, " ({id}, {name})"),
            (Some(id), None) => write!(f, " ({id})"),
            (None, Some(name)) => write!(f, " ({name})"),
            (None, None) => Ok(()),
        }
    }
}

/// A record as read, not yet understood.
pub struct RawRecord {
    pub at: RecordRef,
    pub value: Value,
}

/// Reads `path` (`-` is standard input) and returns its records in file order.
pub fn read_records(path: &Path, file_index: usize) -> Result<Vec<RawRecord>, Error> {
    let label: Arc<str> = match path.as_os_str() == "-" {
        true => Arc::from("stdin"),
        false => Arc::from(path.display().to_string()),
    };
    let (bytes, gzip) = read_bytes(path, &label)?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|e| bad_json(&label, &e, gzip))?;
    drop(bytes);
    records_of(json, &label, file_index)
}

/// The file's JSON text: gunzipped when it starts with the gzip magic bytes.
fn read_bytes(path: &Path, label: &Arc<str>) -> Result<(Vec<u8>, bool), Error> {
    let read_error = |source: std::io::Error| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let stream = crate::input::open_path(path)?;
    let mut stream = std::io::BufReader::new(stream);
    let mut magic = [0u8; 2];
    let mut have = 0;
    while have < 2 {
        match stream.read(&mut magic[have..]) {
            Ok(0) => break,
            Ok(n) => have += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e)),
        }
    }
    let start = std::io::Cursor::new(magic[..have].to_vec());
    let gzip = magic[..have] == GZIP_MAGIC;
    let whole = start.chain(stream);
    let mut text: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(whole))
    } else {
        Box::new(whole)
    };
    let mut bytes = Vec::new();
    (&mut text)
        .take(MAX_JSON_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            use std::io::ErrorKind::{InvalidData, InvalidInput, UnexpectedEof};
            match e.kind() {
                // What the decoder refuses is the file's content: it is not whole, valid gzip.
                InvalidData | InvalidInput | UnexpectedEof if gzip => {
                    Error::Input(LocatedError::new(
                        Location::line(label, 0),
                        format!("it starts like a gzip file but cannot be decompressed ({e})"),
                    ))
                }
                _ => read_error(e),
            }
        })?;
    if bytes.len() as u64 > MAX_JSON_BYTES {
        return Err(Error::Input(LocatedError::new(
            Location::line(label, 0),
            "it holds more than 256 MiB of JSON, the most ec2plan reads from one CloudTrail file; split it",
        )));
    }
    Ok((bytes, gzip))
}

/// Invalid JSON, at its line, with the column in the sentence.
fn bad_json(label: &Arc<str>, error: &serde_json::Error, gzip: bool) -> Error {
    let text = error.to_string();
    let problem = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(problem, _)| problem);
    let whose = if gzip { " (decompressed)" } else { "" };
    let sentence = if error.line() == 0 {
        format!("it is not valid JSON{whose}: {problem}")
    } else {
        format!(
            "this is not valid JSON{whose}: {problem} at column {}",
            error.column()
        )
    };
    Error::Input(LocatedError::new(
        Location::line(label, error.line() as u64),
        sentence,
    ))
}

/// The records of a parsed file, whichever form it has.
fn records_of(json: Value, label: &Arc<str>, file_index: usize) -> Result<Vec<RawRecord>, Error> {
    let whole_file =
        |problem: String| Error::Input(LocatedError::new(Location::line(label, 0), problem));
    let Value::Object(mut top) = json else {
        return Err(whole_file(shape_problem()));
    };
    let (form, array) = match (top.remove("Records"), top.remove("Events")) {
        (Some(records), _) => (Form::LogFile, records),
        (None, Some(events)) => (Form::LookupEvents, events),
        (None, None) => return Err(whole_file(shape_problem())),
    };
    let Value::Array(items) = array else {
        return Err(whole_file(format!(
            "its \"{}\" is not a JSON array, as it must be in a CloudTrail file",
            form.array()
        )));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let at = RecordRef {
                file: Arc::clone(label),
                file_index,
                form,
                index,
                event_id: None,
                event_name: None,
            };
            match form {
                Form::LogFile => Ok(RawRecord { at, value: item }),
                Form::LookupEvents => unwrap_lookup_event(at, item),
            }
        })
        .collect()
}

fn shape_problem() -> String {
    "its JSON is neither {\"Records\": [...]} (a CloudTrail log file) nor {\"Events\": [...]} \
     (aws cloudtrail lookup-events output), the two forms ec2plan reads"
        .to_string()
}

/// A lookup-events entry's record: the JSON inside its `CloudTrailEvent` string.
fn unwrap_lookup_event(mut at: RecordRef, item: Value) -> Result<RawRecord, Error> {
    at.event_id = item
        .get("EventId")
        .and_then(Value::as_str)
        .map(str::to_string);
    at.event_name = item
        .get("EventName")
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(text) = item.get("CloudTrailEvent").and_then(Value::as_str) else {
        return Err(at.error(
            "it has no CloudTrailEvent string, which holds the record in lookup-events output",
        ));
    };
    let value = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let problem = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(problem, _)| problem);
        at.error(format!(
            "its CloudTrailEvent is not valid JSON: {problem} at character {}",
            e.column()
        ))
    })?;
    Ok(RawRecord { at, value })
}
