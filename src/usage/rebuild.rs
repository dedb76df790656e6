//! From usage rows to instances, and from instances to the event log `simulate` replays.
//!
//! Each instance's compute rows become its runs ([`super::placement`]): it is launched when
//! the first begins, stopped and started across each gap, and terminated when the last of its
//! resources' usage ends (a volume or an Elastic IP still billing after the last run means the
//! instance was stopped, not gone). Its EBS volume rows give its volume size and type, its
//! public IPv4 rows its address: `elastic` when the address billed while the instance did not
//! run (or AWS metered it idle), `auto` otherwise.
//!
//! Which volume or address belongs to which instance: ec2plan's own line items name them
//! after the instance (`web-1/volume`, `web-1/public-ipv4`); an address row may name the
//! instance itself; anything else (AWS names a volume `vol-…`) needs `--attach ID=INSTANCE`,
//! and is otherwise left out with a note, since no column of the export links the two.

use super::export::{Col, Format};
use super::meter::{meter, os_of_operation, Meter};
use super::notes::Tally;
use super::placement::{place, running_within, Period};
use super::read::{read_rows, At, Record};
use crate::clock::{Seconds, TimeError, Timestamp, SECONDS_PER_HOUR};
use crate::error::Error;
use crate::location::{excerpt, LocatedError, Location};
use crate::pricing::VolumeType;
use crate::scenario::{
    Action, Conversion, Event, InstanceId, LaunchSpec, Markets, PublicIp, RootDevice,
    DEFAULT_EBS_GB,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// What the caller knows that the export does not say.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--attach ID=INSTANCE`: the instance a volume or address belongs to.
    pub attach: BTreeMap<String, String>,
}

/// An interval an instance ran.
type Run = (Timestamp, Timestamp);

/// Where a row came from, for messages about it later.
#[derive(Debug, Clone)]
struct Origin {
    file: Arc<str>,
    at: At,
}

impl Origin {
    fn of(record: &Record) -> Origin {
        Origin {
            file: Arc::clone(&record.file),
            at: record.at,
        }
    }

    fn place(&self) -> String {
        match self.at {
            At::Line(line) => format!("{}:{line}", self.file),
            At::Row(row) => format!("{}: row {row}", self.file),
        }
    }

    fn error(&self, problem: String) -> Error {
        let location = match self.at {
            At::Line(line) => Location::line(&self.file, line),
            At::Row(_) => Location::line(&Arc::from(self.place()), 0),
        };
        Error::Input(LocatedError::new(location, problem))
    }
}

/// One charge period of a resource: its seconds (compute, addresses) or GB-months (volumes).
#[derive(Debug, Clone)]
struct Piece {
    start: Timestamp,
    end: Timestamp,
    seconds: u64,
    gb_months: Decimal,
    idle: Option<bool>,
    origin: Origin,
}

/// What makes one instance of the event log: a resource's usage of one type, operating
/// system and market.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    resource: String,
    instance_type: String,
    os: &'static str,
    spot: bool,
    region: String,
}

#[derive(Debug, Default)]
struct Compute {
    pieces: Vec<Piece>,
    group: Option<String>,
}

#[derive(Debug)]
struct Volume {
    kind: VolumeType,
    pieces: Vec<Piece>,
}

/// Everything read from the files.
#[derive(Default)]
struct Usage {
    compute: HashMap<Key, Compute>,
    volumes: HashMap<String, Volume>,
    addresses: HashMap<String, Vec<Piece>>,
    tally: Tally,
    /// How each resource's operating system was decided, for the notes (first row only).
    os_seen: HashMap<String, OsSource>,
    /// ec2plan's own line items: instances the Spot strategy ran as Spot (`interruptible`
    /// in the scenario they came from; the On-Demand rows read do not say it).
    spot_ready: std::collections::HashSet<String>,
}

#[derive(Debug, Clone)]
enum OsSource {
    Known,
    Missing,
    Nearest(String),
    Unknown(String),
}

/// Reads every file and returns the event log they describe.
pub fn convert(paths: &[PathBuf], options: &Options) -> Result<Conversion, Error> {
    let mut usage = Usage::default();
    usage.tally.files = paths.len();
    for path in paths {
        let columns = read_rows(path, &mut |record| usage.take(record))?;
        usage.tally.formats.insert(columns.format.name());
    }
    usage.rebuild(paths, options)
}

/// A cell that must hold a name (refused if a spreadsheet would read it as a formula).
fn name<'r>(record: &'r Record, col: Col, what: &str) -> Result<&'r str, Error> {
    let text = record.text(col);
    if text.is_empty() {
        return Err(Error::Input(
            record.error(col, format!("the {what} is empty")),
        ));
    }
    match crate::spreadsheet::name_problem(what, text) {
        Some(problem) => Err(Error::Input(record.error(col, problem))),
        None => Ok(text),
    }
}

fn time(record: &Record, col: Col) -> Result<Timestamp, Error> {
    let text = record.text(col);
    let column = record
        .columns
        .name_at(record.columns.position(col).unwrap_or_default());
    if text.is_empty() {
        return Err(Error::Input(
            record.error(col, format!("{column} is empty")),
        ));
    }
    // FOCUS and CUR times are UTC; some exports leave the zone out.
    let parsed = match Timestamp::parse(text) {
        Err(TimeError::NoOffset(_)) => Timestamp::parse(&format!("{text}Z")),
        other => other,
    };
    parsed.map_err(|e| Error::Input(record.error(col, format!("{column} {e}"))))
}

fn quantity(record: &Record) -> Result<Decimal, Error> {
    let text = record.text(Col::Quantity);
    let column = record
        .columns
        .name_at(record.columns.position(Col::Quantity).unwrap_or_default());
    let value: Decimal = text.parse().map_err(|_| {
        let shown = if text.is_empty() {
            "is empty".to_string()
        } else {
            format!("{:?} is not a decimal number", excerpt(text))
        };
        Error::Input(record.error(Col::Quantity, format!("{column} {shown}")))
    })?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Error::Input(record.error(
            Col::Quantity,
            format!("{column} {value} is negative; usage is zero or more"),
        )));
    }
    Ok(value)
}

/// Hours as whole seconds, rounded to the nearest.
fn seconds_of_hours(record: &Record, hours: Decimal) -> Result<u64, Error> {
    hours
        .checked_mul(Decimal::from(SECONDS_PER_HOUR))
        .map(|s| s.round())
        .and_then(|s| s.to_u64())
        .ok_or_else(|| {
            Error::Input(record.error(
                Col::Quantity,
                format!("{hours} hours is far more than any charge period holds"),
            ))
        })
}

impl Usage {
    /// One row: counted, and kept when it is instance, volume or address usage.
    fn take(&mut self, record: &Record) -> Result<(), Error> {
        let tally = &mut self.tally;
        tally.rows += 1;
        let format = record.columns.format;
        if format == Format::Ec2plan && record.text(Col::Strategy) != "on-demand" {
            tally.other_strategies += 1;
            let sku = record
                .text(Col::UsageType)
                .split('/')
                .nth(2)
                .unwrap_or_default();
            let spot = record.text(Col::Pricing) == "Dynamic";
            if spot && matches!(meter(sku), Meter::Compute { .. }) {
                self.spot_ready
                    .insert(record.text(Col::Resource).to_string());
            }
            return Ok(());
        }
        let category = record.text(Col::Category);
        let usage = match format {
            Format::Cur => matches!(
                category,
                "Usage" | "DiscountedUsage" | "SavingsPlanCoveredUsage"
            ),
            _ => category == "Usage",
        };
        if !usage {
            tally.not_usage += 1;
            return Ok(());
        }
        if record.text(Col::Class) == "Correction" {
            tally.corrections += 1;
            return Ok(());
        }
        // ec2plan's SkuId: `AmazonEC2/REGION/USAGE_TYPE[/OS]`.
        let sku: Vec<&str> = match format {
            Format::Ec2plan => record.text(Col::UsageType).split('/').collect(),
            _ => Vec::new(),
        };
        let usage_type = match format {
            Format::Ec2plan => sku.get(2).copied().unwrap_or_default(),
            _ => record.text(Col::UsageType),
        };
        let metered = meter(usage_type);
        match metered {
            Meter::Other => {
                tally.other_usage += 1;
                return Ok(());
            }
            Meter::OtherStorage => {
                tally.other_storage += 1;
                return Ok(());
            }
            _ => {}
        }
        if record.text(Col::Resource).is_empty() {
            tally.no_resource += 1;
            return Ok(());
        }
        let resource = name(record, Col::Resource, "resource id")?.to_string();
        if metered == Meter::Dedicated {
            tally.dedicated.insert(resource);
            return Ok(());
        }
        let start = time(record, Col::Start)?;
        let end = time(record, Col::End)?;
        if end <= start {
            return Err(Error::Input(record.error(
                Col::End,
                format!("the charge period ends at {end}, not after it starts ({start})"),
            )));
        }
        let amount = quantity(record)?;
        let length = end.since(start).0;
        tally.used += 1;
        let mut piece = Piece {
            start,
            end,
            seconds: 0,
            gb_months: Decimal::ZERO,
            idle: None,
            origin: Origin::of(record),
        };
        match metered {
            Meter::Compute {
                instance_type,
                spot,
            } => {
                if instance_type.is_empty() {
                    return Err(Error::Input(record.error(
                        Col::UsageType,
                        format!(
                            "the usage type {:?} names no instance type",
                            excerpt(usage_type)
                        ),
                    )));
                }
                if let Some(problem) =
                    crate::spreadsheet::name_problem("instance type", &instance_type)
                {
                    return Err(Error::Input(record.error(Col::UsageType, problem)));
                }
                let region = name(record, Col::Region, "region")?.to_string();
                let pricing = record.text(Col::Pricing);
                let spot = spot || pricing == "Dynamic" || pricing == "Spot";
                let (os, source) = match format {
                    Format::Ec2plan => match sku.get(3) {
                        Some(os) => (known_os(os), OsSource::Known),
                        None => ("linux", OsSource::Missing),
                    },
                    _ => {
                        let operation = record.text(Col::Operation);
                        match os_of_operation(operation) {
                            Some((os, false)) => (os, OsSource::Known),
                            Some((os, true)) => (os, OsSource::Nearest(operation.to_string())),
                            None if operation.is_empty() => ("linux", OsSource::Missing),
                            None => ("linux", OsSource::Unknown(operation.to_string())),
                        }
                    }
                };
                self.os_seen.entry(resource.clone()).or_insert(source);
                piece.seconds = seconds_of_hours(record, amount)?;
                if piece.seconds > length {
                    piece.seconds = length;
                    self.tally.over += 1;
                }
                let group = match record.text(Col::Group) {
                    "" => None,
                    _ => Some(name(record, Col::Group, "group")?.to_string()),
                };
                let key = Key {
                    resource,
                    instance_type,
                    os,
                    spot,
                    region,
                };
                let compute = self.compute.entry(key).or_default();
                if compute.group.is_none() {
                    compute.group = group;
                }
                compute.pieces.push(piece);
            }
            Meter::Volume(kind) => {
                piece.gb_months = amount;
                self.volumes
                    .entry(resource)
                    .or_insert_with(|| Volume {
                        kind,
                        pieces: Vec::new(),
                    })
                    .pieces
                    .push(piece);
            }
            Meter::Address { idle } => {
                piece.seconds = seconds_of_hours(record, amount)?.min(length);
                piece.idle = idle;
                self.addresses.entry(resource).or_default().push(piece);
            }
            Meter::Dedicated | Meter::Other | Meter::OtherStorage => {}
        }
        Ok(())
    }

    fn rebuild(mut self, paths: &[PathBuf], options: &Options) -> Result<Conversion, Error> {
        if self.compute.is_empty() {
            return Err(Conversion::nothing_in(
                paths,
                "they hold no EC2 instance usage (BoxUsage or SpotUsage rows with a resource id)",
            ));
        }
        let export_end = self.export_end();
        // Instances, ordered by their first usage; a resource's first key is its instance.
        let mut instances: Vec<(Key, Compute, Vec<Run>)> = Vec::new();
        for (key, mut compute) in std::mem::take(&mut self.compute) {
            let periods = periods_of(&mut compute.pieces, &mut self.tally)?;
            let runs = place(&periods);
            self.tally.placed += runs.placed;
            if runs.runs.is_empty() {
                continue;
            }
            instances.push((key, compute, runs.runs));
        }
        instances.sort_by(|a, b| (a.2[0].0, &a.0).cmp(&(b.2[0].0, &b.0)));
        let primary: HashMap<String, usize> = {
            let mut first = HashMap::new();
            for (index, (key, _, _)) in instances.iter().enumerate() {
                first.entry(key.resource.clone()).or_insert(index);
            }
            first
        };
        let attached = self.attach(&primary, options)?;
        let mut events = Vec::new();
        let mut next_id = 0u32;
        for (index, (key, compute, runs)) in instances.iter().enumerate() {
            let is_primary = primary.get(&key.resource) == Some(&index);
            let name = if is_primary {
                key.resource.clone()
            } else {
                if !self.tally.retyped.contains(&key.resource) {
                    self.tally.retyped.push(key.resource.clone());
                }
                format!("{} ({})", key.resource, key.instance_type)
            };
            let group = compute
                .group
                .clone()
                .unwrap_or_else(|| key.instance_type.clone());
            let empty = Vec::new();
            let mine = match is_primary {
                true => attached.get(&key.resource).unwrap_or(&empty),
                false => &empty,
            };
            let launch = runs[0].0;
            // The first charge period with usage (the launch may be placed within it).
            let first_row = compute.pieces.first().map_or(launch, |p| p.start);
            let (volumes, addresses): (Vec<&String>, Vec<&String>) =
                mine.iter().partition(|id| self.volumes.contains_key(*id));
            let mut last = runs.last().map_or(launch, |r| r.1);
            for id in &volumes {
                let volume = &self.volumes[*id];
                let size = size_of(volume)?;
                for piece in &volume.pieces {
                    last = last.max(volume_end(piece, size));
                    if piece.start < first_row {
                        note_before(&mut self.tally, id);
                    }
                }
            }
            for id in &addresses {
                for piece in &self.addresses[*id] {
                    last = last.max(used_end(piece, piece.seconds));
                    if piece.start < first_row {
                        note_before(&mut self.tally, id);
                    }
                }
            }
            let (ebs_gb, ebs_type) = self.volume_of(&volumes, &name, &group)?;
            let public_ip = self.address_of(&addresses, runs);
            if is_primary {
                match self.os_seen.get(&key.resource) {
                    Some(OsSource::Missing) => self.tally.no_operation.add(&name, &group),
                    Some(OsSource::Nearest(op)) => self.tally.nearest_os.push(format!(
                        "{name} ({}, priced as {})",
                        excerpt(op),
                        key.os
                    )),
                    Some(OsSource::Unknown(op)) => self
                        .tally
                        .unknown_operation
                        .push(format!("{name} ({})", excerpt(op))),
                    _ => {}
                }
            }
            let spec = Arc::new(LaunchSpec {
                name: Arc::from(name.as_str()),
                instance_type: Arc::from(key.instance_type.as_str()),
                region: Arc::from(key.region.as_str()),
                os: Arc::from(key.os),
                ebs_gb,
                ebs_type,
                root: RootDevice::Ebs,
                public_ip,
                interruptible: key.spot || self.spot_ready.contains(&key.resource),
                hibernation: false,
                group: Arc::from(group.as_str()),
                line: 0,
                markets: Markets::default(),
            });
            let id = InstanceId(next_id);
            next_id += 1;
            let mut push = |time: Timestamp, action: Action| {
                events.push(Event {
                    time,
                    line: 0,
                    instance: id,
                    action,
                    spec: (action == Action::Launch).then(|| Arc::clone(&spec)),
                });
            };
            push(launch, Action::Launch);
            for pair in runs.windows(2) {
                push(pair[0].1, Action::Stop);
                push(pair[1].0, Action::Start);
            }
            let run_end = runs.last().map_or(launch, |r| r.1);
            if last > run_end {
                push(run_end, Action::Stop);
            }
            push(last, Action::Terminate);
            if Some(last) == export_end {
                self.tally.at_end.add(&name, &group);
            }
        }
        self.tally.end = export_end;
        // Stable: equal times keep the instances' order, and an instance's own events never
        // share a time.
        events.sort_by_key(|e| e.time);
        self.tally.events = events.len() as u64;
        self.tally.instances = u64::from(next_id);
        Ok(Conversion {
            events,
            notes: self.tally.notes(),
        })
    }

    /// The end of the latest usage read: where the export stops.
    fn export_end(&self) -> Option<Timestamp> {
        let compute = self.compute.values().flat_map(|c| &c.pieces);
        let volumes = self.volumes.values().flat_map(|v| &v.pieces);
        let addresses = self.addresses.values().flatten();
        compute.chain(volumes).chain(addresses).map(|p| p.end).max()
    }

    /// The volumes and addresses of each instance (by resource id); the others are noted.
    fn attach(
        &mut self,
        instances: &HashMap<String, usize>,
        options: &Options,
    ) -> Result<HashMap<String, Vec<String>>, Error> {
        for (id, instance) in &options.attach {
            if !instances.contains_key(instance) {
                return Err(Error::Usage(format!(
                    "--attach {}={}: the files have no instance usage of {}",
                    excerpt(id),
                    excerpt(instance),
                    excerpt(instance)
                )));
            }
            if !self.volumes.contains_key(id) && !self.addresses.contains_key(id) {
                self.tally.attach_unused.push(format!(
                    "--attach {}={} is not used: no volume or address usage names {}",
                    excerpt(id),
                    excerpt(instance),
                    excerpt(id)
                ));
            }
        }
        let owner = |id: &str| -> Option<String> {
            if let Some(instance) = options.attach.get(id) {
                return Some(instance.clone());
            }
            if instances.contains_key(id) {
                return Some(id.to_string());
            }
            let named = id
                .strip_suffix("/volume")
                .or_else(|| id.strip_suffix("/public-ipv4"))?;
            instances.contains_key(named).then(|| named.to_string())
        };
        let mut attached: HashMap<String, Vec<String>> = HashMap::new();
        let mut volumes: Vec<&String> = self.volumes.keys().collect();
        volumes.sort();
        for id in volumes {
            match owner(id) {
                Some(instance) => attached.entry(instance).or_default().push(id.clone()),
                None => {
                    self.tally.unattached_volumes.insert(id.clone());
                    let total: Decimal = self.volumes[id].pieces.iter().map(|p| p.gb_months).sum();
                    self.tally.unattached_gb_months += total;
                }
            }
        }
        let mut addresses: Vec<&String> = self.addresses.keys().collect();
        addresses.sort();
        for id in addresses {
            match owner(id) {
                Some(instance) => attached.entry(instance).or_default().push(id.clone()),
                None => {
                    self.tally.unattached_addresses.insert(id.clone());
                }
            }
        }
        Ok(attached)
    }

    /// The size and type of the volume an instance's attached volumes add up to.
    fn volume_of(
        &mut self,
        volumes: &[&String],
        name: &str,
        group: &str,
    ) -> Result<(u64, VolumeType), Error> {
        if volumes.is_empty() {
            self.tally.no_volume.add(name, group);
            return Ok((DEFAULT_EBS_GB, VolumeType::Gp3));
        }
        let mut total = 0u64;
        let mut largest: Option<(u64, VolumeType)> = None;
        let mut kinds = std::collections::BTreeSet::new();
        for id in volumes {
            let volume = &self.volumes[*id];
            let size = size_of(volume)?;
            total = total.saturating_add(size);
            kinds.insert(volume.kind.name());
            if largest.is_none_or(|(s, _)| size > s) {
                largest = Some((size, volume.kind));
            }
        }
        if kinds.len() > 1 {
            self.tally.mixed_volumes.add(name, group);
        }
        let kind = largest.map_or(VolumeType::Gp3, |(_, k)| k);
        let (min, max) = kind.size_limits();
        Ok((total.clamp(min, max), kind))
    }

    /// `elastic` when an address billed while its instance did not run (or AWS metered it
    /// idle), `auto` when it billed only while it ran, `none` without address usage.
    fn address_of(&self, addresses: &[&String], runs: &[(Timestamp, Timestamp)]) -> PublicIp {
        if addresses.is_empty() {
            return PublicIp::None;
        }
        let elastic = addresses
            .iter()
            .flat_map(|id| &self.addresses[*id])
            .any(|p| p.idle == Some(true) || p.seconds > running_within(runs, p.start, p.end) + 1);
        if elastic {
            PublicIp::Elastic
        } else {
            PublicIp::Auto
        }
    }
}

/// When a volume or address billed in `piece` ended: the period's end if it billed all of
/// it, else its start plus the seconds it billed (an hourly export's last row of a volume runs
/// to the hour's end, though the volume went with its instance within the hour).
fn used_end(piece: &Piece, seconds: u64) -> Timestamp {
    if seconds >= piece.end.since(piece.start).0 {
        piece.end
    } else {
        piece.start.plus(Seconds(seconds))
    }
}

/// [`used_end`] of a volume of `size` GiB: its GB-months in the period as seconds.
fn volume_end(piece: &Piece, size: u64) -> Timestamp {
    let month = piece
        .start
        .next_month_start()
        .since(piece.start.month_start())
        .0;
    let seconds = match size {
        0 => None,
        _ => piece
            .gb_months
            .checked_mul(Decimal::from(month))
            .and_then(|v| v.checked_div(Decimal::from(size)))
            .and_then(|v| v.round().to_u64()),
    };
    used_end(piece, seconds.unwrap_or(u64::MAX))
}

fn note_before(tally: &mut Tally, id: &str) {
    if !tally.before_launch.iter().any(|b| b == id) {
        tally.before_launch.push(id.to_string());
    }
}

/// An operating system named in ec2plan's own SkuId: one the catalog knows is kept, anything
/// else (no such row is written) runs linux.
fn known_os(os: &str) -> &'static str {
    ["linux", "windows", "rhel", "suse", "ubuntu-pro"]
        .into_iter()
        .find(|known| *known == os)
        .unwrap_or("linux")
}

/// A volume's size: the largest its rows show, each row's GB-months over the share of its
/// month the row covers (a row of a volume made within the hour shows less).
fn size_of(volume: &Volume) -> Result<u64, Error> {
    let mut size = 0u64;
    for piece in &volume.pieces {
        let month = piece
            .start
            .next_month_start()
            .since(piece.start.month_start())
            .0;
        let covered = piece.end.since(piece.start).0.max(1);
        let gb = piece
            .gb_months
            .checked_mul(Decimal::from(month))
            .and_then(|v| v.checked_div(Decimal::from(covered)))
            .map(|v| v.round())
            .and_then(|v| v.to_u64())
            .ok_or_else(|| {
                piece.origin.error(format!(
                    "{} GB-months in this row is more storage than any volume has",
                    piece.gb_months
                ))
            })?;
        size = size.max(gb);
    }
    Ok(size)
}

/// An instance's charge periods in order, rows of the same period added up; periods that
/// overlap without being the same are refused.
fn periods_of(pieces: &mut [Piece], tally: &mut Tally) -> Result<Vec<Period>, Error> {
    pieces.sort_by_key(|p| (p.start, p.end));
    let mut periods: Vec<Period> = Vec::new();
    let mut last_origin: Option<&Origin> = None;
    for piece in pieces.iter() {
        if let Some(last) = periods.last_mut() {
            if last.start == piece.start && last.end == piece.end {
                let length = last.end.since(last.start).0;
                last.seconds = last.seconds.saturating_add(piece.seconds);
                if last.seconds > length {
                    last.seconds = length;
                    tally.over += 1;
                }
                continue;
            }
            if piece.start < last.end {
                let other = last_origin.map_or_else(String::new, Origin::place);
                return Err(piece.origin.error(format!(
                    "the charge period {} to {} overlaps the one of {other} ({} to {}) for the \
                     same instance; an export does not overlap itself: are two exports of \
                     different granularity mixed?",
                    piece.start, piece.end, last.start, last.end
                )));
            }
        }
        periods.push(Period {
            start: piece.start,
            end: piece.end,
            seconds: piece.seconds,
        });
        last_origin = Some(&piece.origin);
    }
    Ok(periods)
}
