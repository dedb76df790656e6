//! Desired-capacity schedules and the scaler that turns them into lifecycle events.
//!
//! A schedule row says "from this time, group G wants N instances". Attribute columns are
//! given on a group's first row and inherited after; a later non-empty value changes the
//! attribute for instances launched from then on. The scaler follows EC2 Auto Scaling's
//! habits: it scales out by starting the group's warm pool (instances it stopped or
//! hibernated earlier, oldest first) before launching, and scales in newest first, by the
//! group's `scale_in`: `terminate` (default), or `stop` / `hibernate` to keep a warm pool.
//!
//! A row with `repeat` (`daily`, `weekdays`, `weekends`, `weekly`) happens again at the same
//! time of day (UTC) on every matching day until the horizon, so office hours are two rows.

use super::attributes::{Cells, SpecBuilder};
use super::columns::{Col, Header, Kind};
use super::event::{Action, Event, InstanceId, LaunchSpec};
use super::reader::Defaults;
use super::EventSource;
use crate::clock::{Timestamp, SECONDS_PER_DAY};
use crate::input::{LimitError, Limited};
use crate::lines::start_of;
use crate::location::{closest_names, did_you_mean, LocatedError, Location};
use crate::pricing::Catalog;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::Read;
use std::sync::Arc;

/// More desired instances in one group than this is surely a typo.
const MAX_DESIRED: u64 = 100_000;
/// More generated events than this would not fit a planner's question, only memory.
const MAX_EVENTS: usize = 5_000_000;

/// How a repeating row recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    Daily,
    Weekdays,
    Weekends,
    Weekly,
}

impl Repeat {
    const NAMES: [&'static str; 4] = ["daily", "weekdays", "weekends", "weekly"];

    fn parse(text: &str) -> Option<Repeat> {
        match text {
            "daily" => Some(Repeat::Daily),
            "weekdays" => Some(Repeat::Weekdays),
            "weekends" => Some(Repeat::Weekends),
            "weekly" => Some(Repeat::Weekly),
            _ => None,
        }
    }

    /// Whether the day `days` after the first occurrence (itself on `first_weekday`,
    /// 0 = Monday) is one the row happens on.
    fn matches(self, days: i64, first_weekday: i64) -> bool {
        let weekday = (first_weekday + days).rem_euclid(7);
        match self {
            Repeat::Daily => true,
            Repeat::Weekdays => weekday < 5,
            Repeat::Weekends => weekday >= 5,
            Repeat::Weekly => days % 7 == 0,
        }
    }
}

/// How a group scales in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScaleIn {
    Terminate,
    Stop,
    Hibernate,
}

impl ScaleIn {
    fn parse(text: &str) -> Option<ScaleIn> {
        match text {
            "terminate" => Some(ScaleIn::Terminate),
            "stop" => Some(ScaleIn::Stop),
            "hibernate" => Some(ScaleIn::Hibernate),
            _ => None,
        }
    }

    fn action(self) -> Action {
        match self {
            ScaleIn::Terminate => Action::Terminate,
            ScaleIn::Stop => Action::Stop,
            ScaleIn::Hibernate => Action::Hibernate,
        }
    }
}

/// An attribute value a group inherited, and the cell it came from.
#[derive(Debug, Clone)]
struct Given {
    value: String,
    location: Location,
}

/// A group's attributes as of some row.
#[derive(Debug, Clone, Default)]
struct Attributes {
    given: HashMap<Col, Given>,
}

/// One schedule row, parsed.
#[derive(Debug, Clone)]
struct Row {
    time: Timestamp,
    line: u64,
    group: Arc<str>,
    desired: u64,
    repeat: Option<Repeat>,
    /// The group's attributes once this row's cells are applied.
    attributes: Arc<Attributes>,
}

/// A group's instances: running ones in the order they came up, and the warm pool.
#[derive(Debug, Default)]
struct GroupState {
    running: Vec<(InstanceId, Arc<LaunchSpec>)>,
    pool: VecDeque<(InstanceId, Arc<LaunchSpec>)>,
    launched: u64,
}

/// Scaling options from the command line.
#[derive(Debug, Clone, Default)]
pub struct Scaling {
    /// `--scale F`: desired capacity × F, rounded up.
    pub factor: Option<Decimal>,
    /// `--until`: where repeating rows stop; default the last row's time.
    pub until: Option<Timestamp>,
}

/// A schedule, expanded into events, served one at a time.
pub struct ScheduleReader<'c> {
    file: Arc<str>,
    events: std::vec::IntoIter<Event>,
    specs: SpecBuilder<'c>,
    last_row: Timestamp,
}

impl<'c> ScheduleReader<'c> {
    pub fn new<R: Read>(
        file: &str,
        input: R,
        catalog: &'c Catalog,
        defaults: Defaults,
        scaling: &Scaling,
    ) -> Result<ScheduleReader<'c>, LocatedError> {
        let file: Arc<str> = Arc::from(file);
        let rows = read_rows(&file, input)?;
        let mut specs = SpecBuilder::new(catalog, &defaults);
        let events = Scaler::new(&file, &mut specs, scaling).run(&rows)?;
        let last_row = rows.last().map_or(Timestamp::from_unix(0), |r| r.time);
        Ok(ScheduleReader {
            file,
            events: events.into_iter(),
            specs,
            last_row,
        })
    }
}

impl EventSource for ScheduleReader<'_> {
    fn next_event(&mut self) -> Result<Option<Event>, LocatedError> {
        Ok(self.events.next())
    }

    fn file(&self) -> &Arc<str> {
        &self.file
    }

    fn unknown_override_groups(&self) -> Result<(), String> {
        self.specs.overrides().unknown_groups(&self.specs.groups())
    }

    fn default_horizon(&self) -> Option<Timestamp> {
        Some(self.last_row)
    }
}

/// Reads every row, resolving each group's inherited attributes.
fn read_rows<R: Read>(file: &Arc<str>, input: R) -> Result<Vec<Row>, LocatedError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(Limited::scenario(input));
    let headers = csv.headers().map_err(|e| csv_error(&e, file, 1))?.clone();
    // Line 1 unless blank lines come first.
    let header_line = csv.get_mut().record_line(start_of(headers.position()));
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    let header = Header::parse(Kind::Schedule, names.iter().map(String::as_str)).map_err(
        |(index, problem)| {
            let location = match index {
                Some(i) => Location::cell(file, header_line, i, &names[i]),
                None => Location::line(file, header_line),
            };
            LocatedError::new(location, problem)
        },
    )?;
    let mut groups: HashMap<Arc<str>, Arc<Attributes>> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    // Each group and where its first row names it.
    let mut first_rows: Vec<(Arc<str>, Location)> = Vec::new();
    let mut named: HashSet<Arc<str>> = HashSet::new();
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = match e.position() {
                    Some(position) => csv.get_mut().record_line(position.byte()),
                    None => 0,
                };
                return Err(csv_error(&e, file, line));
            }
        }
        let line = csv.get_mut().record_line(start_of(record.position()));
        let cells = RecordCells {
            file,
            header: &header,
            names: &names,
            record: &record,
            line,
        };
        let row = parse_row(&cells, rows.last(), &mut groups)?;
        if named.insert(Arc::clone(&row.group)) {
            first_rows.push((Arc::clone(&row.group), cells.location(Col::Group)));
        }
        rows.push(row);
    }
    if rows.is_empty() {
        let problem = "the file has a header but no rows, so there is nothing to simulate";
        return Err(LocatedError::new(Location::line(file, 0), problem));
    }
    refuse_idle_groups(&rows, &groups, first_rows)?;
    Ok(rows)
}

/// Refuses a group that never wants an instance and is never given an instance type: its
/// rows do nothing, and it is most likely a misspelt group (`wbe,0` for `web,0`).
fn refuse_idle_groups(
    rows: &[Row],
    groups: &HashMap<Arc<str>, Arc<Attributes>>,
    first_rows: Vec<(Arc<str>, Location)>,
) -> Result<(), LocatedError> {
    let launched: HashSet<&Arc<str>> = rows
        .iter()
        .filter(|r| r.desired > 0)
        .map(|r| &r.group)
        .collect();
    let used = |group: &Arc<str>| {
        let typed = groups
            .get(group)
            .is_some_and(|a| a.given.contains_key(&Col::InstanceType));
        typed || launched.contains(group)
    };
    let (idle, known): (Vec<_>, Vec<_>) = first_rows.into_iter().partition(|(g, _)| !used(g));
    let Some((group, location)) = idle.into_iter().next() else {
        return Ok(());
    };
    let mut names: Vec<&str> = known.iter().map(|(g, _)| &**g).collect();
    names.sort_unstable();
    let hint = did_you_mean(&closest_names(&group, names.iter().copied()));
    let groups = match names.as_slice() {
        [] => String::new(),
        _ => format!(
            " (the schedule's groups: {})",
            crate::location::listing(&names)
        ),
    };
    let problem = format!(
        "group {group:?} never wants an instance and is never given an instance_type, so its \
         rows do nothing{hint}{groups}",
        group = crate::location::excerpt(&*group)
    );
    Err(LocatedError::new(location, problem))
}

/// One sentence for a CSV error while reading a schedule.
fn csv_error(error: &csv::Error, file: &Arc<str>, line: u64) -> LocatedError {
    if let Some(limit) = LimitError::of_csv(error) {
        return limit.located(file);
    }
    let problem = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".to_string(),
        csv::ErrorKind::Io(e) => format!("cannot read the file: {e}"),
        _ => "the row is not valid CSV".to_string(),
    };
    LocatedError::new(Location::line(file, line), problem)
}

fn parse_row(
    cells: &RecordCells,
    previous: Option<&Row>,
    groups: &mut HashMap<Arc<str>, Arc<Attributes>>,
) -> Result<Row, LocatedError> {
    let time_text = cells.required(Col::Time)?;
    let time =
        Timestamp::parse(time_text).map_err(|e| cells.error(Col::Time, format!("time {e}")))?;
    if let Some(previous) = previous.filter(|p| time < p.time) {
        let problem = format!(
            "rows must be in time order, but {time} comes before {} on line {}",
            previous.time, previous.line
        );
        return Err(cells.error(Col::Time, problem));
    }
    let group: Arc<str> = Arc::from(cells.required(Col::Group)?);
    cells.check_name(Col::Group, "group")?;
    let desired = parse_desired(cells)?;
    let repeat = match cells.text(Col::Repeat)? {
        None => None,
        Some(text) => Some(Repeat::parse(text).ok_or_else(|| {
            let hint = did_you_mean(&closest_names(text, Repeat::NAMES));
            cells.error(
                Col::Repeat,
                format!(
                    "repeat {text:?} must be daily, weekdays, weekends or weekly{hint}",
                    text = crate::location::excerpt(&text)
                ),
            )
        })?),
    };
    let mut attributes = groups
        .get(&group)
        .map(|a| (**a).clone())
        .unwrap_or_default();
    for col in Col::ATTRIBUTES.into_iter().chain([Col::ScaleIn]) {
        if let Some(value) = cells.text(col)? {
            if col == Col::ScaleIn && ScaleIn::parse(value).is_none() {
                let problem = format!(
                    "scale_in {value:?} must be terminate, stop or hibernate",
                    value = crate::location::excerpt(&value)
                );
                return Err(cells.error(col, problem));
            }
            let location = cells.location(col);
            attributes.given.insert(
                col,
                Given {
                    value: value.to_string(),
                    location,
                },
            );
        }
    }
    let attributes = Arc::new(attributes);
    groups.insert(Arc::clone(&group), Arc::clone(&attributes));
    Ok(Row {
        time,
        line: cells.line,
        group,
        desired,
        repeat,
        attributes,
    })
}

fn parse_desired(cells: &RecordCells) -> Result<u64, LocatedError> {
    let text = cells.required(Col::Desired)?;
    let desired: u64 = text.parse().map_err(|_| {
        let problem = if text.starts_with('-') {
            format!(
                "desired {} is negative; a group's desired capacity must be zero or more instances",
                crate::location::excerpt(text)
            )
        } else {
            format!(
                "desired {text:?} is not a whole number of instances",
                text = crate::location::excerpt(&text)
            )
        };
        cells.error(Col::Desired, problem)
    })?;
    if desired > MAX_DESIRED {
        let problem = format!(
            "desired {desired} is more than the {MAX_DESIRED} instances one group may have"
        );
        return Err(cells.error(Col::Desired, problem));
    }
    Ok(desired)
}

/// A schedule record seen through its header.
struct RecordCells<'a> {
    file: &'a Arc<str>,
    header: &'a Header,
    names: &'a [String],
    record: &'a csv::StringRecord,
    line: u64,
}

impl<'a> RecordCells<'a> {
    fn text(&self, col: Col) -> Result<Option<&'a str>, LocatedError> {
        let value = self
            .header
            .position(col)
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty());
        Ok(value)
    }

    /// Refuses a name a spreadsheet would read as a formula or that holds a control
    /// character, judged on the cell as written (`crate::spreadsheet`).
    fn check_name(&self, col: Col, what: &str) -> Result<(), LocatedError> {
        let raw = self
            .header
            .position(col)
            .and_then(|i| self.record.get(i))
            .unwrap_or_default();
        match crate::spreadsheet::name_problem(what, raw) {
            Some(problem) => Err(self.error(col, problem)),
            None => Ok(()),
        }
    }

    fn required(&self, col: Col) -> Result<&'a str, LocatedError> {
        self.text(col)?
            .ok_or_else(|| self.error(col, format!("{} is empty; every row needs one", col.name())))
    }

    fn location(&self, col: Col) -> Location {
        match self.header.position(col) {
            Some(i) => Location::cell(self.file, self.line, i, &self.names[i]),
            None => Location::line(self.file, self.line),
        }
    }

    fn error(&self, col: Col, problem: String) -> LocatedError {
        LocatedError::new(self.location(col), problem)
    }
}

/// A group's inherited attributes as cells for the launch they lead to.
struct Inherited<'a> {
    attributes: &'a Attributes,
    group: &'a str,
    file: &'a Arc<str>,
    line: u64,
    /// The group scales in by hibernating, so it launches with hibernation enabled.
    hibernating_pool: bool,
}

impl Cells for Inherited<'_> {
    fn text(&self, col: Col) -> Result<Option<&str>, LocatedError> {
        if col == Col::Group {
            return Ok(Some(self.group));
        }
        let given = self.attributes.given.get(&col).map(|g| g.value.as_str());
        match (col, given) {
            (Col::Hibernation, None) if self.hibernating_pool => Ok(Some("true")),
            _ => Ok(given),
        }
    }

    fn error(&self, col: Col, problem: String) -> LocatedError {
        match self.attributes.given.get(&col) {
            Some(given) => LocatedError::new(given.location.clone(), problem),
            None => LocatedError::new(Location::line(self.file, self.line), problem),
        }
    }

    fn line(&self) -> u64 {
        self.line
    }

    fn missing_instance_type(&self) -> String {
        format!(
            "group {} has no instance_type: give one in the instance_type column of its first row",
            crate::location::excerpt(self.group)
        )
    }
}

/// Turns rows into events.
struct Scaler<'a, 'c> {
    file: &'a Arc<str>,
    specs: &'a mut SpecBuilder<'c>,
    scaling: &'a Scaling,
    groups: BTreeMap<Arc<str>, GroupState>,
    next_id: u32,
    events: Vec<Event>,
}

impl<'a, 'c> Scaler<'a, 'c> {
    fn new(file: &'a Arc<str>, specs: &'a mut SpecBuilder<'c>, scaling: &'a Scaling) -> Self {
        Scaler {
            file,
            specs,
            scaling,
            groups: BTreeMap::new(),
            next_id: 0,
            events: Vec::new(),
        }
    }

    fn run(mut self, rows: &[Row]) -> Result<Vec<Event>, LocatedError> {
        let last = rows.last().map_or(Timestamp::from_unix(0), |r| r.time);
        let horizon = self.scaling.until.unwrap_or(last);
        if let Some(first) = rows.first() {
            if horizon.since(first.time) > crate::clock::MAX_SPAN {
                let problem = format!(
                    "the schedule runs to {horizon}, more than {} years after its first row; ec2plan plans at most {} years",
                    crate::clock::MAX_SPAN_YEARS,
                    crate::clock::MAX_SPAN_YEARS
                );
                return Err(LocatedError::new(
                    Location::line(self.file, first.line),
                    problem,
                ));
            }
        }
        for (time, index) in occurrences(rows, horizon) {
            let row = &rows[index];
            let attributes = attributes_at(rows, &row.group, time, index);
            self.scale(row, time, &attributes)?;
            if self.events.len() > MAX_EVENTS {
                let problem = format!(
                    "the schedule expands to more than {MAX_EVENTS} events; shorten the horizon"
                );
                return Err(LocatedError::new(
                    Location::line(self.file, row.line),
                    problem,
                ));
            }
        }
        Ok(self.events)
    }

    fn desired(&self, row: &Row) -> u64 {
        match self.scaling.factor {
            None => row.desired,
            Some(factor) => (Decimal::from(row.desired) * factor)
                .ceil()
                .to_u64()
                .unwrap_or(u64::MAX),
        }
    }

    /// How the group scales in: `--set`, else its `scale_in` column, else terminate.
    fn scale_in_of(&self, group: &str, attributes: &Attributes) -> ScaleIn {
        self.specs
            .overrides()
            .value(group, Col::ScaleIn)
            .or_else(|| {
                attributes
                    .given
                    .get(&Col::ScaleIn)
                    .map(|g| g.value.as_str())
            })
            .and_then(ScaleIn::parse)
            .unwrap_or(ScaleIn::Terminate)
    }

    fn scale(
        &mut self,
        row: &Row,
        time: Timestamp,
        attributes: &Attributes,
    ) -> Result<(), LocatedError> {
        let desired = self.desired(row);
        let group = Arc::clone(&row.group);
        let running = self
            .groups
            .get(&group)
            .map_or(0, |g| g.running.len() as u64);
        let scale_in = self.scale_in_of(&group, attributes);
        if desired > running {
            for _ in running..desired {
                self.scale_out(row, time, attributes, scale_in)?;
            }
        } else {
            for _ in desired..running {
                self.scale_in(row, time, scale_in);
            }
        }
        Ok(())
    }

    /// Starts the oldest warm-pool instance, or launches a new one.
    fn scale_out(
        &mut self,
        row: &Row,
        time: Timestamp,
        attributes: &Attributes,
        scale_in: ScaleIn,
    ) -> Result<(), LocatedError> {
        let state = self.groups.entry(Arc::clone(&row.group)).or_default();
        if let Some((id, spec)) = state.pool.pop_front() {
            state.running.push((id, Arc::clone(&spec)));
            self.push(time, row.line, id, Action::Start, spec);
            return Ok(());
        }
        state.launched += 1;
        let name = format!("{}-{}", row.group, state.launched);
        let cells = Inherited {
            attributes,
            group: &row.group,
            file: self.file,
            line: row.line,
            hibernating_pool: scale_in == ScaleIn::Hibernate,
        };
        let spec = Arc::new(self.specs.build(&name, &cells)?);
        let id = InstanceId(self.next_id);
        self.next_id = self.next_id.saturating_add(1);
        let state = self.groups.entry(Arc::clone(&row.group)).or_default();
        state.running.push((id, Arc::clone(&spec)));
        self.push(time, row.line, id, Action::Launch, spec);
        Ok(())
    }

    /// Removes the newest running instance the way the group scales in.
    fn scale_in(&mut self, row: &Row, time: Timestamp, how: ScaleIn) {
        let state = self.groups.entry(Arc::clone(&row.group)).or_default();
        let Some((id, spec)) = state.running.pop() else {
            return;
        };
        if how != ScaleIn::Terminate {
            state.pool.push_back((id, Arc::clone(&spec)));
        }
        self.push(time, row.line, id, how.action(), spec);
    }

    fn push(
        &mut self,
        time: Timestamp,
        line: u64,
        instance: InstanceId,
        action: Action,
        spec: Arc<LaunchSpec>,
    ) {
        self.events.push(Event {
            time,
            line,
            instance,
            action,
            spec: (action == Action::Launch).then_some(spec),
        });
    }
}

/// Every (time, row) the schedule acts at up to the horizon, in time then file order.
fn occurrences(rows: &[Row], horizon: Timestamp) -> Vec<(Timestamp, usize)> {
    let mut all = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let Some(repeat) = row.repeat else {
            if row.time <= horizon {
                all.push((row.time, index));
            }
            continue;
        };
        let first_weekday = (row.time.unix().div_euclid(SECONDS_PER_DAY) + 3).rem_euclid(7);
        let mut days = 0i64;
        loop {
            let time = Timestamp::from_unix(row.time.unix() + days * SECONDS_PER_DAY);
            if time > horizon {
                break;
            }
            if repeat.matches(days, first_weekday) {
                all.push((time, index));
            }
            days += 1;
        }
    }
    all.sort();
    all
}

/// The group's attributes in effect at `time`: those of its latest row at or before it
/// (a repeating row's own attributes count from its first occurrence).
fn attributes_at(rows: &[Row], group: &Arc<str>, time: Timestamp, index: usize) -> Attributes {
    rows.iter()
        .enumerate()
        .filter(|(i, r)| r.group == *group && (r.time <= time || *i == index))
        .max_by_key(|(i, r)| (r.time, *i))
        .map(|(_, r)| (*r.attributes).clone())
        .unwrap_or_default()
}
