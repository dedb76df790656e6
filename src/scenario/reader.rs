//! The streaming event-log reader.

use super::columns::{Col, Header};
use super::event::{Action, Event, InstanceId, LaunchSpec, PublicIp, RootDevice};
use crate::clock::Timestamp;
use crate::location::{closest_names, did_you_mean, LocatedError, Location};
use crate::pricing::{Catalog, VolumeType};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

/// AWS's hibernation limit: instance RAM must be under 150 GiB (billing-rules.md §3).
const HIBERNATION_MAX_RAM_GIB: u32 = 150;
/// Default EBS volume when a launch row leaves `ebs_gb` / `ebs_type` empty.
const DEFAULT_EBS_GB: u64 = 8;

/// Values used where a launch row leaves a column empty or the file lacks it.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// `--region`, else `us-east-1`.
    pub region: String,
}

impl Default for Defaults {
    fn default() -> Defaults {
        Defaults {
            region: "us-east-1".to_string(),
        }
    }
}

/// Reads an event log one validated [`Event`] at a time.
pub struct EventReader<'c, R: Read> {
    file: Arc<str>,
    csv: csv::Reader<R>,
    header: Header,
    header_names: Vec<String>,
    record: csv::ByteRecord,
    line: u64,
    catalog: &'c Catalog,
    defaults: Defaults,
    instances: HashMap<Box<str>, (InstanceId, Arc<LaunchSpec>)>,
    interned: HashSet<Arc<str>>,
    last_time: Option<(Timestamp, u64)>,
}

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
            .from_reader(input);
        let header_line = Location::line(&file, 1);
        let headers = csv
            .byte_headers()
            .map_err(|e| LocatedError::new(header_line.clone(), csv_problem(&e)))?
            .clone();
        if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
            let problem = "the file is empty; an event log starts with a header row such as time,instance,action,instance_type";
            return Err(LocatedError::new(Location::line(&file, 0), problem));
        }
        let header_names = header_strings(&headers, &file)?;
        let header = Header::parse(header_names.iter().map(String::as_str)).map_err(
            |(index, problem)| {
                let location = match index {
                    Some(i) => Location::cell(&file, 1, i, &header_names[i]),
                    None => header_line.clone(),
                };
                LocatedError::new(location, problem)
            },
        )?;
        Ok(EventReader {
            file,
            csv,
            header,
            header_names,
            record: csv::ByteRecord::new(),
            line: 1,
            catalog,
            defaults,
            instances: HashMap::new(),
            interned: HashSet::new(),
            last_time: None,
        })
    }

    /// The name messages use for the input.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// The next event, `None` at the end of the file.
    pub fn next_event(&mut self) -> Result<Option<Event>, LocatedError> {
        match self.csv.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                self.line = self.record.position().map_or(self.line + 1, |p| p.line());
                self.parse_row().map(Some)
            }
            Err(e) => {
                let line = e.position().map_or(self.line + 1, |p| p.line());
                Err(LocatedError::new(
                    Location::line(&self.file, line),
                    csv_problem(&e),
                ))
            }
        }
    }

    fn parse_row(&mut self) -> Result<Event, LocatedError> {
        let time = self.timestamp()?;
        let name = self.required(Col::Instance)?.to_string();
        let action = self.action()?;
        self.check_order(time)?;
        let (instance, spec) = if action == Action::Launch {
            self.launch(name)?
        } else {
            self.existing(&name, action)?
        };
        Ok(Event {
            time,
            line: self.line,
            instance,
            action,
            spec,
        })
    }

    fn timestamp(&self) -> Result<Timestamp, LocatedError> {
        let text = self.required(Col::Time)?;
        Timestamp::parse(text).map_err(|e| self.error(Col::Time, format!("time {e}")))
    }

    fn action(&self) -> Result<Action, LocatedError> {
        let text = self.required(Col::Action)?;
        Action::parse(text).ok_or_else(|| {
            let hint = did_you_mean(&closest_names(text, Action::ALL.map(Action::name)));
            self.error(Col::Action, format!("unknown action {text:?}{hint}"))
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
        if let Some((_, spec)) = self.instances.get(name.as_str()) {
            let problem = format!(
                "{name} is launched twice; it was first launched on line {}",
                spec.line
            );
            return Err(self.error(Col::Action, problem));
        }
        let spec = Arc::new(self.launch_spec(&name)?);
        let id = InstanceId(u32::try_from(self.instances.len()).map_err(|_| {
            self.error(
                Col::Instance,
                "more than 4,294,967,295 instances in one scenario".to_string(),
            )
        })?);
        self.instances
            .insert(name.into_boxed_str(), (id, Arc::clone(&spec)));
        Ok((id, spec))
    }

    fn existing(
        &self,
        name: &str,
        action: Action,
    ) -> Result<(InstanceId, Arc<LaunchSpec>), LocatedError> {
        let Some((id, spec)) = self.instances.get(name) else {
            let problem = format!("{action} of {name}, which no earlier row launches");
            return Err(self.error(Col::Instance, problem));
        };
        self.check_attributes_unchanged(spec)?;
        if action == Action::Interrupt && !spec.interruptible {
            let problem = format!(
                "interrupt of {name}, which was launched with interruptible=false (line {}); AWS interrupts only Spot Instances",
                spec.line
            );
            return Err(self.error(Col::Action, problem));
        }
        Ok((*id, Arc::clone(spec)))
    }

    fn launch_spec(&mut self, name: &str) -> Result<LaunchSpec, LocatedError> {
        let instance_type = self.known_instance_type()?;
        let region = self.known_region()?;
        let os = self.known_os()?;
        self.check_priced(&region, &instance_type, &os)?;
        let ebs_type = self.volume_type()?;
        let ebs_gb = self.volume_size(ebs_type)?;
        let public_ip = self.public_ip()?;
        self.check_region_prices(&region, ebs_type, public_ip)?;
        let root = self.root()?;
        let hibernation = self.flag(Col::Hibernation)?;
        if hibernation {
            self.check_hibernation(&instance_type, root, ebs_gb)?;
        }
        let group = match self.optional(Col::Group)?.map(str::to_string) {
            Some(group) => self.intern(&group),
            None => Arc::clone(&instance_type),
        };
        Ok(LaunchSpec {
            name: Arc::from(name),
            instance_type,
            region,
            os,
            ebs_gb,
            ebs_type,
            root,
            public_ip,
            interruptible: self.flag(Col::Interruptible)?,
            hibernation,
            group,
            line: self.line,
        })
    }

    fn known_instance_type(&mut self) -> Result<Arc<str>, LocatedError> {
        let Some(text) = self.optional(Col::InstanceType)? else {
            return Err(self.error(
                Col::InstanceType,
                "a launch row needs an instance_type".into(),
            ));
        };
        if self.catalog.instance_type(text).is_none() {
            let hint = did_you_mean(&closest_names(text, self.catalog.instance_type_names()));
            let problem = format!("unknown instance type {text:?}{hint}");
            return Err(self.error(Col::InstanceType, problem));
        }
        let text = text.to_string();
        Ok(self.intern(&text))
    }

    fn known_region(&mut self) -> Result<Arc<str>, LocatedError> {
        let text = match self.optional(Col::Region)? {
            Some(text) => text.to_string(),
            None => self.defaults.region.clone(),
        };
        if !self.catalog.has_region(&text) {
            let hint = did_you_mean(&closest_names(&text, self.catalog.region_names()));
            let known: Vec<&str> = self.catalog.region_names().collect();
            let problem = format!(
                "unknown region {text:?}{hint} (the catalog prices {})",
                known.join(", ")
            );
            return Err(self.error(Col::Region, problem));
        }
        Ok(self.intern(&text))
    }

    fn known_os(&mut self) -> Result<Arc<str>, LocatedError> {
        let text = self.optional(Col::Os)?.unwrap_or("linux").to_string();
        if self.catalog.platform(&text).is_none() {
            let hint = did_you_mean(&closest_names(&text, self.catalog.os_names()));
            let known: Vec<&str> = self.catalog.os_names().collect();
            let problem = format!("unknown os {text:?}{hint} (known: {})", known.join(", "));
            return Err(self.error(Col::Os, problem));
        }
        Ok(self.intern(&text))
    }

    fn check_priced(
        &self,
        region: &str,
        instance_type: &str,
        os: &str,
    ) -> Result<(), LocatedError> {
        if self.catalog.on_demand(region, instance_type, os).is_some() {
            return Ok(());
        }
        let priced = self.catalog.priced_os(region, instance_type);
        let tail = if priced.is_empty() {
            format!("the catalog has no price for {instance_type} in {region}")
        } else {
            let list: Vec<&str> = priced.into_iter().collect();
            format!(
                "it prices {instance_type} there for {} only",
                list.join(", ")
            )
        };
        let problem = format!("no On-Demand price for {os} on {instance_type} in {region}: {tail}");
        Err(self.error(Col::Os, problem))
    }

    /// A region may lack some EBS or IPv4 prices (the catalog documents its gaps): refuse a
    /// launch that needs one rather than price it at zero.
    fn check_region_prices(
        &self,
        region: &str,
        volume: VolumeType,
        ip: PublicIp,
    ) -> Result<(), LocatedError> {
        if self.catalog.ebs(region, volume).is_none() {
            let problem = format!("the price catalog has no {volume} EBS price for {region}");
            return Err(self.error(Col::EbsType, problem));
        }
        if ip != PublicIp::None && self.catalog.public_ipv4(region).is_none() {
            let problem = format!("the price catalog has no public IPv4 price for {region}");
            return Err(self.error(Col::PublicIp, problem));
        }
        Ok(())
    }

    fn volume_type(&self) -> Result<VolumeType, LocatedError> {
        let Some(text) = self.optional(Col::EbsType)? else {
            return Ok(VolumeType::Gp3);
        };
        VolumeType::parse(text).ok_or_else(|| {
            let hint = did_you_mean(&closest_names(text, VolumeType::ALL.map(VolumeType::name)));
            self.error(Col::EbsType, format!("unknown volume type {text:?}{hint}"))
        })
    }

    fn volume_size(&self, volume: VolumeType) -> Result<u64, LocatedError> {
        let Some(text) = self.optional(Col::EbsGb)? else {
            return Ok(DEFAULT_EBS_GB.max(volume.size_limits().0));
        };
        let size = parse_size(text).map_err(|problem| self.error(Col::EbsGb, problem))?;
        let (min, max) = volume.size_limits();
        if size < min || size > max {
            let problem = format!(
                "ebs_gb {size} is outside the {min} to {max} GiB a {volume} volume can have"
            );
            return Err(self.error(Col::EbsGb, problem));
        }
        Ok(size)
    }

    fn root(&self) -> Result<RootDevice, LocatedError> {
        match self.optional(Col::Root)? {
            None | Some("ebs") => Ok(RootDevice::Ebs),
            Some("instance-store") => Ok(RootDevice::InstanceStore),
            Some(other) => Err(self.error(
                Col::Root,
                format!("root {other:?} must be ebs or instance-store"),
            )),
        }
    }

    fn public_ip(&self) -> Result<PublicIp, LocatedError> {
        match self.optional(Col::PublicIp)? {
            None | Some("none") => Ok(PublicIp::None),
            Some("auto") => Ok(PublicIp::Auto),
            Some("elastic") => Ok(PublicIp::Elastic),
            Some(other) => Err(self.error(
                Col::PublicIp,
                format!("public_ip {other:?} must be none, auto or elastic"),
            )),
        }
    }

    fn flag(&self, col: Col) -> Result<bool, LocatedError> {
        match self.optional(col)? {
            None => Ok(false),
            Some(text) => parse_flag(text).ok_or_else(|| {
                self.error(
                    col,
                    format!("{} {text:?} must be true or false", col.name()),
                )
            }),
        }
    }

    /// Hibernation prerequisites (billing-rules.md §3), checked where they are set: launch.
    fn check_hibernation(
        &self,
        instance_type: &str,
        root: RootDevice,
        ebs_gb: u64,
    ) -> Result<(), LocatedError> {
        if root == RootDevice::InstanceStore {
            let problem =
                "hibernation needs an EBS root volume, but root is instance-store".to_string();
            return Err(self.error(Col::Hibernation, problem));
        }
        let memory = self
            .catalog
            .instance_type(instance_type)
            .map_or(Decimal::ZERO, |spec| spec.memory_gib);
        if memory >= Decimal::from(HIBERNATION_MAX_RAM_GIB) {
            let problem = format!(
                "hibernation needs less than {HIBERNATION_MAX_RAM_GIB} GiB of RAM, and {instance_type} has {memory} GiB"
            );
            return Err(self.error(Col::Hibernation, problem));
        }
        if Decimal::from(ebs_gb) < memory {
            let problem = format!(
                "hibernation saves RAM to the root volume: {instance_type} has {memory} GiB of RAM but ebs_gb is {ebs_gb}"
            );
            return Err(self.error(Col::EbsGb, problem));
        }
        Ok(())
    }

    /// Attribute cells on a non-launch row must be empty or repeat the launch value, so a
    /// user who writes `instance_type` on a later row is told it changes nothing.
    fn check_attributes_unchanged(&self, spec: &LaunchSpec) -> Result<(), LocatedError> {
        for col in Col::ATTRIBUTES {
            let Some(text) = self.optional(col)? else {
                continue;
            };
            let launched = launch_value(spec, col);
            if !same_value(col, text, &launched) {
                let problem = format!(
                    "{} can only be set on a launch row: {} was launched with {}={} on line {}",
                    col.name(),
                    spec.name,
                    col.name(),
                    launched,
                    spec.line
                );
                return Err(self.error(col, problem));
            }
        }
        Ok(())
    }

    fn intern(&mut self, text: &str) -> Arc<str> {
        if let Some(existing) = self.interned.get(text) {
            return Arc::clone(existing);
        }
        let shared: Arc<str> = Arc::from(text);
        self.interned.insert(Arc::clone(&shared));
        shared
    }

    /// The trimmed cell of `col`, `None` if the column is absent or the cell empty.
    fn optional(&self, col: Col) -> Result<Option<&str>, LocatedError> {
        let Some(index) = self.header.position(col) else {
            return Ok(None);
        };
        let bytes = self.record.get(index).unwrap_or_default();
        let text = std::str::from_utf8(bytes)
            .map_err(|e| {
                self.error(
                    col,
                    format!(
                        "the cell is not UTF-8 text (invalid byte at offset {})",
                        e.valid_up_to()
                    ),
                )
            })?
            .trim();
        Ok((!text.is_empty()).then_some(text))
    }

    fn required(&self, col: Col) -> Result<&str, LocatedError> {
        self.optional(col)?
            .ok_or_else(|| self.error(col, format!("{} is empty; every row needs one", col.name())))
    }

    fn error(&self, col: Col, problem: String) -> LocatedError {
        let location = match self.header.position(col) {
            Some(i) => Location::cell(&self.file, self.line, i, &self.header_names[i]),
            None => Location::line(&self.file, self.line),
        };
        LocatedError::new(location, problem)
    }
}

fn header_strings(headers: &csv::ByteRecord, file: &Arc<str>) -> Result<Vec<String>, LocatedError> {
    headers
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            std::str::from_utf8(bytes)
                .map(|s| s.trim().to_string())
                .map_err(|_| {
                    let location = Location::cell(file, 1, i, "?");
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

fn parse_size(text: &str) -> Result<u64, String> {
    if let Some(rest) = text.strip_prefix('-') {
        if rest.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() {
            return Err(format!("ebs_gb {text} is negative"));
        }
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("ebs_gb {text:?} is not a whole number of GiB"));
    }
    text.parse::<u64>()
        .map_err(|_| format!("ebs_gb {text} is far larger than any EBS volume"))
}

fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
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
        Col::Time | Col::Instance | Col::Action => String::new(),
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
