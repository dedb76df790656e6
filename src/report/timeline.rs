//! `timeline.csv`: every lifecycle state of every instance, with the seconds billed in it.

use crate::error::Error;
use crate::lifecycle::Span;
use crate::simulation::TimelineSink;
use crate::spreadsheet::text_cell;
use std::io::Write;
use std::path::PathBuf;

const HEADER: [&str; 9] = [
    "instance",
    "group",
    "instance_type",
    "state",
    "start",
    "end",
    "seconds",
    "billed_seconds",
    "note",
];

/// Streams spans as CSV rows. Zero-length transitions are left out unless they carry a
/// billed minimum, so the timeline shows what happened, not bookkeeping.
pub struct TimelineWriter<W: Write> {
    csv: csv::Writer<W>,
    path: PathBuf,
}

impl<W: Write> TimelineWriter<W> {
    pub fn new(inner: W, path: PathBuf) -> Result<TimelineWriter<W>, Error> {
        let mut csv = csv::Writer::from_writer(inner);
        csv.write_record(HEADER).map_err(|e| csv_error(&path, e))?;
        Ok(TimelineWriter { csv, path })
    }

    pub fn finish(mut self) -> Result<(), Error> {
        self.csv.flush().map_err(|e| Error::write(&self.path, e))
    }
}

impl<W: Write> TimelineSink for TimelineWriter<W> {
    fn record(&mut self, span: &Span, billed_seconds: u64) -> Result<(), Error> {
        let seconds = span.end.since(span.start).0;
        if seconds == 0 && billed_seconds == 0 {
            return Ok(());
        }
        let note = match span.next {
            None => "open at the horizon",
            Some(_) if billed_seconds > seconds => "run closed: minimum or started hour billed",
            Some(_) => "",
        };
        let start = span.start.to_string();
        let end = span.end.to_string();
        let seconds = seconds.to_string();
        let billed = billed_seconds.to_string();
        self.csv
            .write_record([
                &*text_cell(&span.spec.name),
                &*text_cell(&span.spec.group),
                &*text_cell(&span.spec.instance_type),
                &*text_cell(span.state.name()),
                &start,
                &end,
                &seconds,
                &billed,
                &*text_cell(note),
            ])
            .map_err(|e| csv_error(&self.path, e))
    }
}

fn csv_error(path: &std::path::Path, error: csv::Error) -> Error {
    Error::write(path, std::io::Error::other(error.to_string()))
}
