//! The streaming event-log reader.

use super::attributes::{parse_flag, Cells, SpecBuilder};
use super::columns::{Col, Header, Kind};
use super::end::{self, End};
use super::event::{Action, Event, InstanceId, LaunchSpec, PublicIp, RootDevice};
use super::names::NameTable;
use super::overrides::Overrides;
use super::record::{trim, Record};
use super::EventSource;
use crate::clock::Timestamp;
use crate::input::{LimitError, Limited};
use crate::lines::start_of;
use crate::location::{closest_names, did_you_mean, LocatedError, Location};
use crate::pricing::Catalog;
use std::io::Read;
use std::sync::Arc;

/// Values used where a launch row leaves a column empty or the file lacks it.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// `--region`, else `us-east-1`.
    pub region: String,
    /// `--set` overrides of attribute columns.
    pub overrides: Overrides,
}

impl Default for Defaults {
    fn default() -> Defaults {
        Defaults {
            region: "us-east-1".to_string(),
            overrides: Overrides::default(),
        }
    }
}

/// What the reader keeps of an instance it has seen launched.
#[derive(Debug)]
enum Known {
    /// Launched and not yet terminated by a row: its attributes, to check later rows by.
    Live(Arc<LaunchSpec>),
    /// Terminated or interrupted by a row: only what messages about it need, so the
    /// attributes of instances long gone are not kept for the rest of the file.
    Ended { line: u64, interruptible: bool },
}

impl Known {
    fn launch_line(&self) -> u64 {
        match self {
            Known::Live(spec) => spec.line,
            Known::Ended { line, .. } => *line,
        }
    }

    fn interruptible(&self) -> bool {
        match self {
            Known::Live(spec) => spec.interruptible,
            Known::Ended { interruptible, .. } => *interruptible,
        }
    }
}

/// What every row is read through: the file's name and its header.
struct Layout {
    file: Arc<str>,
    header: Header,
    names: Vec<String>,
}

/// Reads an event log one validated [`Event`] at a time.
pub struct EventReader<'c, R: Read> {
    layout: Layout,
    csv: csv::Reader<Limited<R>>,
    record: Record,
    line: u64,
    specs: SpecBuilder<'c>,
    instances: NameTable<Known>,
    last_time: Option<(Timestamp, u64)>,
    /// The end row, once read.
    end: Option<End>,
    ahead: ReadAhead,
}

/// Records read ahead of the one being parsed, so that their instance names can be looked
/// up together first: a log of 100,000 instances misses the cache on nearly every name,
/// and lookups made one row at a time wait for each miss in turn.
#[derive(Default)]
struct ReadAhead {
    records: Vec<csv::ByteRecord>,
    /// Records read into `records`, and the next one to parse.
    filled: usize,
    next: usize,
    /// The error that ended the reading ahead, returned once the records before it are
    /// parsed, as it would have been reading one record at a time.
    error: Option<csv::Error>,
    /// The end of the file was reached.
    done: bool,
}

/// Records read ahead at once: enough misses to overlap, few enough to stay in the cache.
const READ_AHEAD: usize = 64;

impl<'c, R: Read> EventReader<'c, R> {
    /// Reads and checks the header. `file` is how messages name the input.
    pub fn new(
        file: &str,
        input: R,
        catalog: &'c Catalog,
        defaults: Defaults,
    ) -> Result<Self, LocatedError> {
        let file: Arc<str> = Arc::from(file);
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(Limited::scenario(input));
        let headers = csv
            .byte_headers()
            .map_err(|e| match LimitError::of_csv(&e) {
                Some(limit) => limit.located(&file),
                None => LocatedError::new(Location::line(&file, 1), csv_problem(&e)),
            })?
            .clone();
        // Line 1 unless blank lines come first.
        let line = csv.get_mut().record_line(start_of(headers.position()));
        let header_line = Location::line(&file, line);
        if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
            let problem = "the file is empty; an event log starts with a header row such as time,instance,action,instance_type";
            return Err(LocatedError::new(Location::line(&file, 0), problem));
        }
        let header_names = header_strings(&headers, &file, line)?;
        let header = Header::parse(Kind::EventLog, header_names.iter().map(String::as_str))
            .map_err(|(index, problem)| {
                let location = match index {
                    Some(i) => Location::cell(&file, line, i, &header_names[i]),
                    None => header_line.clone(),
                };
                LocatedError::new(location, problem)
            })?;
        Ok(EventReader {
            layout: Layout {
                file,
                header,
                names: header_names,
            },
            csv,
            record: Record::default(),
            line,
            specs: SpecBuilder::new(catalog, &defaults),
            instances: NameTable::default(),
            last_time: None,
            end: None,
            ahead: ReadAhead::default(),
        })
    }

    /// The next event, `None` at the end of the file.
    fn read_event(&mut self) -> Result<Option<Event>, LocatedError> {
        loop {
            if self.ahead.next == self.ahead.filled {
                self.read_ahead();
            }
            let next = self.ahead.next;
            if next < self.ahead.filled {
                self.ahead.next += 1;
                let read = std::mem::take(&mut self.ahead.records[next]);
                let done = std::mem::replace(&mut self.record, Record::new(read));
                self.ahead.records[next] = done.into_bytes();
                self.line = self
                    .csv
                    .get_mut()
                    .record_line(start_of(self.record.bytes().position()));
                if let Some(end) = &self.end {
                    let location = Location::line(&self.layout.file, self.line);
                    return Err(LocatedError::new(location, end.row_after()));
                }
                // `None` for the end row: what follows it must be the end of the file.
                if let Some(event) = self.parse_row()? {
                    return Ok(Some(event));
                }
                continue;
            }
            return match self.ahead.error.take() {
                None => Ok(None),
                Some(e) => {
                    if let Some(limit) = LimitError::of_csv(&e) {
                        return Err(limit.located(&self.layout.file));
                    }
                    let line = match e.position() {
                        Some(position) => self.csv.get_mut().record_line(position.byte()),
                        None => self.line + 1,
                    };
                    Err(LocatedError::new(
                        Location::line(&self.layout.file, line),
                        csv_problem(&e),
                    ))
                }
            };
        }
    }

    /// Reads up to [`READ_AHEAD`] records (fewer at the end of the file or at an error,
    /// kept for its turn), then looks up each one's instance name to bring its slot into
    /// the cache. What a row means is still worked out in order, one row at a time.
    fn read_ahead(&mut self) {
        let ahead = &mut self.ahead;
        ahead.filled = 0;
        ahead.next = 0;
        if ahead.done || ahead.error.is_some() {
            return;
        }
        if ahead.records.len() < READ_AHEAD {
            ahead.records.resize_with(READ_AHEAD, csv::ByteRecord::new);
        }
        while ahead.filled < READ_AHEAD {
            match self.csv.read_byte_record(&mut ahead.records[ahead.filled]) {
                Ok(true) => ahead.filled += 1,
                Ok(false) => {
                    ahead.done = true;
                    break;
                }
                Err(e) => {
                    ahead.error = Some(e);
                    break;
                }
            }
        }
        if let Some(column) = self.layout.header.position(Col::Instance) {
            let names = ahead.records[..ahead.filled]
                .iter()
                .filter_map(|record| record.get(column));
            let seen = names.fold(0, |seen, name| {
                seen ^ self.instances.touch(name.trim_ascii())
            });
            std::hint::black_box(seen);
        }
    }

    /// The row's event, or `None` for the end row.
    fn parse_row(&mut self) -> Result<Option<Event>, LocatedError> {
        let time = self.timestamp()?;
        // Only a row without an instance can be the end row, so other rows pay nothing for
        // it (an end row naming an instance is refused by `action`).
        if self.optional(Col::Instance)?.is_none() {
            if self.is_end_row() {
                self.end_row(time)?;
                return Ok(None);
            }
            return Err(self.empty(Col::Instance));
        }
        let action = self.action()?;
        self.check_order(time)?;
        let (instance, spec) = if action == Action::Launch {
            let name = self.required(Col::Instance)?.to_string();
            let (id, spec) = self.launch(name)?;
            (id, Some(spec))
        } else {
            (self.existing(action)?, None)
        };
        Ok(Some(Event {
            time,
            line: self.line,
            instance,
            action,
            spec,
        }))
    }

    /// Whether the action cell says `end`, looked at as bytes: this runs on every row.
    fn is_end_row(&self) -> bool {
        self.layout
            .header
            .position(Col::Action)
            .and_then(|i| self.record.bytes().get(i))
            .is_some_and(|cell| cell.trim_ascii() == end::ACTION.as_bytes())
    }

    /// An end row: only a time, at or after every event.
    fn end_row(&mut self, time: Timestamp) -> Result<(), LocatedError> {
        for col in Col::ATTRIBUTES.into_iter().chain([Col::Group]) {
            if self.optional(col)?.is_some() {
                let problem = format!(
                    "{} is set on the end row, which only says when the replay ends; leave it empty",
                    col.name()
                );
                return Err(self.error(col, problem));
            }
        }
        if let Some((last, line)) = self.last_time.filter(|(last, _)| time < *last) {
            return Err(self.error(Col::Time, end::before_last_event(time, last, line)));
        }
        self.end = Some(End {
            time,
            line: self.line,
        });
        Ok(())
    }

    fn timestamp(&self) -> Result<Timestamp, LocatedError> {
        let text = self.required(Col::Time)?;
        Timestamp::parse(text).map_err(|e| self.error(Col::Time, format!("time {e}")))
    }

    fn action(&self) -> Result<Action, LocatedError> {
        let text = self.required(Col::Action)?;
        Action::parse(text).ok_or_else(|| {
            if text == end::ACTION {
                let name = self.optional(Col::Instance).ok().flatten().unwrap_or_default();
                let problem = format!(
                    "an end row ends the replay, not an instance, so its instance is empty, not {:?}",
                    crate::location::excerpt(name)
                );
                return self.error(Col::Instance, problem);
            }
            let names = Action::ALL
                .map(Action::name)
                .into_iter()
                .chain([end::ACTION]);
            let hint = did_you_mean(&closest_names(text, names));
            self.error(
                Col::Action,
                format!(
                    "unknown action {text:?}{hint}",
                    text = crate::location::excerpt(&text)
                ),
            )
        })
    }

    fn check_order(&mut self, time: Timestamp) -> Result<(), LocatedError> {
        if let Some((previous, line)) = self.last_time {
            if time < previous {
                let problem = format!(
                    "rows must be in time order, but {time} comes before {previous} on line {line}"
                );
                return Err(self.error(Col::Time, problem));
            }
        }
        self.last_time = Some((time, self.line));
        Ok(())
    }

    fn launch(&mut self, name: String) -> Result<(InstanceId, Arc<LaunchSpec>), LocatedError> {
        if let Some((_, known)) = self.instances.get(&name) {
            let problem = format!(
                "{} is launched twice; it was first launched on line {}",
                crate::location::excerpt(&name),
                known.launch_line()
            );
            return Err(self.error(Col::Action, problem));
        }
        let row = Row::new(&self.layout, &self.record, self.line);
        row.check_name(Col::Instance, "instance name")?;
        row.check_name(Col::Group, "group")?;
        let spec = Arc::new(self.specs.build(&name, &row)?);
        let id = self
            .instances
            .insert(&name, Known::Live(Arc::clone(&spec)))
            .ok_or_else(|| {
                self.error(
                    Col::Instance,
                    "more than 4,294,967,295 instances in one scenario".to_string(),
                )
            })?;
        Ok((id, spec))
    }

    /// The id of the instance a non-launch row acts on. After a row that terminates or
    /// interrupts it, only its launch line and Spot flag are kept (the replay refuses
    /// anything later done to it).
    fn existing(&mut self, action: Action) -> Result<InstanceId, LocatedError> {
        let name = self.required(Col::Instance)?;
        let Some((id, known)) = self.instances.get(name) else {
            let problem = format!(
                "{action} of {}, which no earlier row launches",
                crate::location::excerpt(name)
            );
            return Err(self.error(Col::Instance, problem));
        };
        if let Known::Live(spec) = known {
            self.check_attributes_unchanged(spec)?;
        }
        if action == Action::Interrupt && !known.interruptible() {
            let problem = format!(
                "interrupt of {}, which was launched with interruptible=false (line {}); AWS interrupts only Spot Instances",
                crate::location::excerpt(name),
                known.launch_line()
            );
            return Err(self.error(Col::Action, problem));
        }
        if matches!(action, Action::Terminate | Action::Interrupt) {
            let ended = Known::Ended {
                line: known.launch_line(),
                interruptible: known.interruptible(),
            };
            // The name again, borrowed from the record alone so the table can change.
            let row = Row::new(&self.layout, &self.record, self.line);
            if let Some(name) = row.cell(Col::Instance)? {
                self.instances.replace(name, ended);
            }
        }
        Ok(id)
    }

    /// Attribute cells on a non-launch row must be empty or repeat the launch value, so a
    /// user who writes `instance_type` on a later row is told it changes nothing.
    fn check_attributes_unchanged(&self, spec: &LaunchSpec) -> Result<(), LocatedError> {
        if self.only_core_cells() {
            return Ok(());
        }
        for col in Col::ATTRIBUTES.into_iter().chain([Col::Group]) {
            let Some(text) = self.optional(col)? else {
                continue;
            };
            if self.specs.overrides().value(&spec.group, col).is_some() {
                continue;
            }
            let launched = launch_value(spec, col);
            if !same_value(col, text, &launched) {
                let problem = format!(
                    "{} can only be set on a launch row: {} was launched with {}={} on line {}",
                    col.name(),
                    crate::location::excerpt(&*spec.name),
                    col.name(),
                    crate::location::excerpt(&launched),
                    spec.line
                );
                return Err(self.error(col, problem));
            }
        }
        Ok(())
    }

    /// Whether every cell but time, instance and action is empty, as on most rows after a
    /// launch: the record's bytes are then those three cells' alone, so the attribute
    /// columns need not be looked at one by one.
    fn only_core_cells(&self) -> bool {
        let length = |col: Col| {
            self.layout
                .header
                .position(col)
                .and_then(|i| self.record.bytes().get(i))
                .map_or(0, <[u8]>::len)
        };
        let core = length(Col::Time) + length(Col::Instance) + length(Col::Action);
        self.record.bytes().as_slice().len() == core
    }

    /// The current row as cells.
    fn row(&self) -> Row<'_> {
        Row::new(&self.layout, &self.record, self.line)
    }

    fn optional(&self, col: Col) -> Result<Option<&str>, LocatedError> {
        self.row().cell(col)
    }

    fn required(&self, col: Col) -> Result<&str, LocatedError> {
        self.optional(col)?.ok_or_else(|| self.empty(col))
    }

    fn empty(&self, col: Col) -> LocatedError {
        self.error(col, format!("{} is empty; every row needs one", col.name()))
    }

    fn error(&self, col: Col, problem: String) -> LocatedError {
        self.row().error(col, problem)
    }
}

impl<R: Read + Send> EventSource for EventReader<'_, R> {
    fn next_event(&mut self) -> Result<Option<Event>, LocatedError> {
        self.read_event()
    }

    fn file(&self) -> &Arc<str> {
        &self.layout.file
    }

    fn unknown_override_groups(&self) -> Result<(), String> {
        self.specs.overrides().unknown_groups(&self.specs.groups())
    }

    /// The end row's time, once the file has been read to it.
    fn default_horizon(&self) -> Option<Timestamp> {
        self.end.map(|end| end.time)
    }
}

/// One record of the event log, seen through its header.
struct Row<'a> {
    file: &'a Arc<str>,
    header: &'a Header,
    names: &'a [String],
    record: &'a Record,
    line: u64,
}

impl<'a> Row<'a> {
    /// The current record, borrowing only the reader's layout and record (so its instance
    /// table and attribute builder can change while the row is in use).
    fn new(layout: &'a Layout, record: &'a Record, line: u64) -> Row<'a> {
        Row {
            file: &layout.file,
            header: &layout.header,
            names: &layout.names,
            record,
            line,
        }
    }

    /// The trimmed cell, borrowed from the record rather than from this view.
    fn cell(&self, col: Col) -> Result<Option<&'a str>, LocatedError> {
        let Some(index) = self.header.position(col) else {
            return Ok(None);
        };
        let text = self.record.text(index).map_err(|offset| {
            let problem = format!("the cell is not UTF-8 text (invalid byte at offset {offset})");
            self.error(col, problem)
        })?;
        let text = trim(text);
        Ok((!text.is_empty()).then_some(text))
    }
}

impl Row<'_> {
    /// Refuses a name (instance or group) a spreadsheet would read as a formula or that
    /// holds a control character, judged on the cell as written, before trimming
    /// (`crate::spreadsheet`).
    fn check_name(&self, col: Col, what: &str) -> Result<(), LocatedError> {
        let Some(index) = self.header.position(col) else {
            return Ok(());
        };
        let bytes = self.record.bytes().get(index).unwrap_or_default();
        let raw = String::from_utf8_lossy(bytes);
        match crate::spreadsheet::name_problem(what, &raw) {
            Some(problem) => Err(self.error(col, problem)),
            None => Ok(()),
        }
    }
}

impl Cells for Row<'_> {
    fn text(&self, col: Col) -> Result<Option<&str>, LocatedError> {
        self.cell(col)
    }

    fn error(&self, col: Col, problem: String) -> LocatedError {
        let location = match self.header.position(col) {
            Some(i) => Location::cell(self.file, self.line, i, &self.names[i]),
            None => Location::line(self.file, self.line),
        };
        LocatedError::new(location, problem)
    }

    fn line(&self) -> u64 {
        self.line
    }
}

fn header_strings(
    headers: &csv::ByteRecord,
    file: &Arc<str>,
    line: u64,
) -> Result<Vec<String>, LocatedError> {
    headers
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            std::str::from_utf8(bytes)
                .map(|s| s.trim().to_string())
                .map_err(|_| {
                    let location = Location::cell(file, line, i, "?");
                    LocatedError::new(location, "the header is not UTF-8 text")
                })
        })
        .collect()
}

/// One sentence for a CSV syntax error, without the csv crate's own position text.
fn csv_problem(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".to_string(),
        csv::ErrorKind::Io(e) => format!("cannot read the file: {e}"),
        _ => format!("not valid CSV: {error}"),
    }
}

fn launch_value(spec: &LaunchSpec, col: Col) -> String {
    match col {
        Col::InstanceType => spec.instance_type.to_string(),
        Col::Region => spec.region.to_string(),
        Col::Os => spec.os.to_string(),
        Col::EbsGb => spec.ebs_gb.to_string(),
        Col::EbsType => spec.ebs_type.to_string(),
        Col::Root => match spec.root {
            RootDevice::Ebs => "ebs",
            RootDevice::InstanceStore => "instance-store",
        }
        .to_string(),
        Col::PublicIp => match spec.public_ip {
            PublicIp::None => "none",
            PublicIp::Auto => "auto",
            PublicIp::Elastic => "elastic",
        }
        .to_string(),
        Col::Interruptible => spec.interruptible.to_string(),
        Col::Hibernation => spec.hibernation.to_string(),
        Col::Group => spec.group.to_string(),
        Col::Time | Col::Instance | Col::Action | Col::Desired | Col::ScaleIn | Col::Repeat => {
            String::new()
        }
    }
}

fn same_value(col: Col, text: &str, launched: &str) -> bool {
    match col {
        Col::Interruptible | Col::Hibernation => {
            parse_flag(text).map(|b| b.to_string()).as_deref() == Some(launched)
        }
        Col::EbsGb => text.parse::<u64>().ok().map(|n| n.to_string()).as_deref() == Some(launched),
        _ => text == launched,
    }
}
