//! Launch attributes: from cells to a validated [`LaunchSpec`].
//!
//! Shared by the event-log reader (cells of a launch row) and the schedule reader (cells a
//! group inherited from earlier rows), so both check names against the catalog, sizes
//! against AWS's limits and hibernation's prerequisites in the same words.

use super::columns::Col;
use super::event::{LaunchSpec, Markets, PublicIp, RootDevice};
use super::overrides::{Overridden, Overrides};
use super::reader::Defaults;
use crate::location::{closest_names, did_you_mean, listing, LocatedError};
use crate::pricing::{Catalog, VolumeType};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::sync::Arc;

/// AWS's hibernation limit: instance RAM must be under 150 GiB (docs/billing-rules.md §3).
const HIBERNATION_MAX_RAM_GIB: u32 = 150;
/// Default EBS volume when a launch leaves `ebs_gb` / `ebs_type` empty (the size of the
/// usual Linux AMI's root volume); also what a conversion into an event log gives a volume
/// its records do not size.
pub const DEFAULT_EBS_GB: u64 = 8;

/// Where attribute values come from, and how a problem with one is located.
pub(crate) trait Cells {
    /// The trimmed value of `col`, `None` if absent or empty.
    fn text(&self, col: Col) -> Result<Option<&str>, LocatedError>;
    fn error(&self, col: Col, problem: String) -> LocatedError;
    /// The line launches built from these cells are reported at.
    fn line(&self) -> u64;
    /// The sentence for a launch with no instance type.
    fn missing_instance_type(&self) -> String {
        "a launch row needs an instance_type".into()
    }
}

/// Builds launch specs, sharing the strings that repeat across launches.
///
/// A fleet's launches name a few types, regions and systems over and over, so each value
/// is checked against the catalog once and remembered with its shared text. Checking every
/// launch afresh (ordered-map lookups comparing strings, and a `String` per cell) was a
/// sixth of all the instructions of a run on a log whose rows were half launches.
pub(crate) struct SpecBuilder<'c> {
    catalog: &'c Catalog,
    default_region: String,
    overrides: Overrides,
    interned: hashbrown::HashSet<Arc<str>>,
    /// Instance types found in the catalog, with their memory (for hibernation's limit).
    types: hashbrown::HashMap<Box<str>, (Arc<str>, Decimal)>,
    /// Regions and operating systems found in the catalog.
    regions: hashbrown::HashMap<Box<str>, Arc<str>>,
    systems: hashbrown::HashMap<Box<str>, Arc<str>>,
    /// Type, region and system (by the address of their shared text) with an On-Demand
    /// price; region, volume type and whether an address is used, with their prices.
    priced: hashbrown::HashSet<[usize; 3]>,
    region_priced: hashbrown::HashSet<(usize, VolumeType, bool)>,
    /// Every group launched, so `--set GROUP.KEY` naming none of them can be refused.
    groups: hashbrown::HashSet<Box<str>>,
}

impl<'c> SpecBuilder<'c> {
    pub fn new(catalog: &'c Catalog, defaults: &Defaults) -> SpecBuilder<'c> {
        SpecBuilder {
            catalog,
            default_region: defaults.region.clone(),
            overrides: defaults.overrides.clone(),
            interned: hashbrown::HashSet::new(),
            types: hashbrown::HashMap::new(),
            regions: hashbrown::HashMap::new(),
            systems: hashbrown::HashMap::new(),
            priced: hashbrown::HashSet::new(),
            region_priced: hashbrown::HashSet::new(),
            groups: hashbrown::HashSet::new(),
        }
    }

    /// Builds the spec of a launch from its cells with the `--set` overrides laid over.
    pub fn build(&mut self, name: &str, cells: &dyn Cells) -> Result<LaunchSpec, LocatedError> {
        let group = match cells.text(Col::Group)? {
            Some(group) => group,
            None => cells.text(Col::InstanceType)?.unwrap_or_default(),
        };
        if !self.groups.contains(group) {
            self.groups.insert(group.into());
        }
        if self.overrides.is_empty() {
            return self.build_plain(name, cells);
        }
        let group = group.to_string();
        let overrides = self.overrides.clone();
        let layered = Overridden {
            inner: cells,
            overrides: &overrides,
            group: &group,
        };
        self.build_plain(name, &layered)
    }

    /// The groups launched so far (named as in the file, before overrides), in order.
    pub fn groups(&self) -> BTreeSet<String> {
        self.groups.iter().map(|g| g.to_string()).collect()
    }

    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    fn build_plain(&mut self, name: &str, cells: &dyn Cells) -> Result<LaunchSpec, LocatedError> {
        let (instance_type, memory) = self.known_instance_type(cells)?;
        let region = self.known_region(cells)?;
        let os = self.known_os(cells)?;
        self.check_priced(cells, &region, &instance_type, &os)?;
        let ebs_type = self.volume_type(cells)?;
        let ebs_gb = self.volume_size(cells, ebs_type)?;
        let public_ip = self.public_ip(cells)?;
        self.check_region_prices(cells, &region, ebs_type, public_ip)?;
        let root = self.root(cells)?;
        let hibernation = self.flag(cells, Col::Hibernation)?;
        if hibernation {
            check_hibernation(cells, (&instance_type, memory), root, ebs_gb)?;
        }
        let group = match cells.text(Col::Group)? {
            Some(group) => self.intern(group),
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
            interruptible: self.flag(cells, Col::Interruptible)?,
            hibernation,
            group,
            line: cells.line(),
            markets: Markets::default(),
        })
    }

    /// The launch's instance type, shared, with its memory in GiB.
    fn known_instance_type(
        &mut self,
        cells: &dyn Cells,
    ) -> Result<(Arc<str>, Decimal), LocatedError> {
        let Some(text) = cells.text(Col::InstanceType)? else {
            return Err(cells.error(Col::InstanceType, cells.missing_instance_type()));
        };
        if let Some((shared, memory)) = self.types.get(text) {
            return Ok((Arc::clone(shared), *memory));
        }
        let Some(spec) = self.catalog.instance_type(text) else {
            let hint = did_you_mean(&closest_names(text, self.catalog.instance_type_names()));
            let problem = format!(
                "unknown instance type {text:?}{hint}",
                text = crate::location::excerpt(&text)
            );
            return Err(cells.error(Col::InstanceType, problem));
        };
        let memory = spec.memory_gib;
        let shared = self.intern(text);
        self.types
            .insert(text.into(), (Arc::clone(&shared), memory));
        Ok((shared, memory))
    }

    fn known_region(&mut self, cells: &dyn Cells) -> Result<Arc<str>, LocatedError> {
        let given = cells.text(Col::Region)?;
        let text = given.unwrap_or(&self.default_region);
        if let Some(shared) = self.regions.get(text) {
            return Ok(Arc::clone(shared));
        }
        if !self.catalog.has_region(text) {
            let hint = did_you_mean(&closest_names(text, self.catalog.region_names()));
            let known: Vec<&str> = self.catalog.region_names().collect();
            let problem = format!(
                "unknown region {text:?}{hint} (the catalog prices {})",
                listing(&known),
                text = crate::location::excerpt(&text)
            );
            return Err(cells.error(Col::Region, problem));
        }
        let text = text.to_string();
        let shared = self.intern(&text);
        self.regions.insert(text.into(), Arc::clone(&shared));
        Ok(shared)
    }

    fn known_os(&mut self, cells: &dyn Cells) -> Result<Arc<str>, LocatedError> {
        let text = cells.text(Col::Os)?.unwrap_or("linux");
        if let Some(shared) = self.systems.get(text) {
            return Ok(Arc::clone(shared));
        }
        if self.catalog.platform(text).is_none() {
            let hint = did_you_mean(&closest_names(text, self.catalog.os_names()));
            let known: Vec<&str> = self.catalog.os_names().collect();
            let problem = format!(
                "unknown os {text:?}{hint} (known: {})",
                known.join(", "),
                text = crate::location::excerpt(&text)
            );
            return Err(cells.error(Col::Os, problem));
        }
        let shared = self.intern(text);
        self.systems.insert(text.into(), Arc::clone(&shared));
        Ok(shared)
    }

    fn check_priced(
        &mut self,
        cells: &dyn Cells,
        region: &Arc<str>,
        instance_type: &Arc<str>,
        os: &Arc<str>,
    ) -> Result<(), LocatedError> {
        let key = [region, instance_type, os].map(address);
        if self.priced.contains(&key) {
            return Ok(());
        }
        let (region, instance_type, os) = (&**region, &**instance_type, &**os);
        if self.catalog.on_demand(region, instance_type, os).is_some() {
            self.priced.insert(key);
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
        Err(cells.error(Col::Os, problem))
    }

    /// A region may lack some EBS or IPv4 prices (the catalog documents its gaps): refuse a
    /// launch that needs one rather than price it at zero.
    fn check_region_prices(
        &mut self,
        cells: &dyn Cells,
        region: &Arc<str>,
        volume: VolumeType,
        ip: PublicIp,
    ) -> Result<(), LocatedError> {
        let key = (address(region), volume, ip != PublicIp::None);
        if self.region_priced.contains(&key) {
            return Ok(());
        }
        let region = &**region;
        if self.catalog.ebs(region, volume).is_none() {
            let problem = format!("the price catalog has no {volume} EBS price for {region}");
            return Err(cells.error(Col::EbsType, problem));
        }
        if ip != PublicIp::None && self.catalog.public_ipv4(region).is_none() {
            let problem = format!("the price catalog has no public IPv4 price for {region}");
            return Err(cells.error(Col::PublicIp, problem));
        }
        self.region_priced.insert(key);
        Ok(())
    }

    fn volume_type(&self, cells: &dyn Cells) -> Result<VolumeType, LocatedError> {
        let Some(text) = cells.text(Col::EbsType)? else {
            return Ok(VolumeType::Gp3);
        };
        VolumeType::parse(text).ok_or_else(|| {
            let hint = did_you_mean(&closest_names(text, VolumeType::ALL.map(VolumeType::name)));
            cells.error(
                Col::EbsType,
                format!(
                    "unknown volume type {text:?}{hint}",
                    text = crate::location::excerpt(&text)
                ),
            )
        })
    }

    fn volume_size(&self, cells: &dyn Cells, volume: VolumeType) -> Result<u64, LocatedError> {
        let Some(text) = cells.text(Col::EbsGb)? else {
            return Ok(DEFAULT_EBS_GB.max(volume.size_limits().0));
        };
        let size = parse_size(text).map_err(|problem| cells.error(Col::EbsGb, problem))?;
        let (min, max) = volume.size_limits();
        if size < min || size > max {
            let problem = format!(
                "ebs_gb {size} is outside the {min} to {max} GiB a {volume} volume can have"
            );
            return Err(cells.error(Col::EbsGb, problem));
        }
        Ok(size)
    }

    fn root(&self, cells: &dyn Cells) -> Result<RootDevice, LocatedError> {
        match cells.text(Col::Root)? {
            None | Some("ebs") => Ok(RootDevice::Ebs),
            Some("instance-store") => Ok(RootDevice::InstanceStore),
            Some(other) => Err(cells.error(
                Col::Root,
                format!(
                    "root {other:?} must be ebs or instance-store",
                    other = crate::location::excerpt(&other)
                ),
            )),
        }
    }

    fn public_ip(&self, cells: &dyn Cells) -> Result<PublicIp, LocatedError> {
        match cells.text(Col::PublicIp)? {
            None | Some("none") => Ok(PublicIp::None),
            Some("auto") => Ok(PublicIp::Auto),
            Some("elastic") => Ok(PublicIp::Elastic),
            Some(other) => Err(cells.error(
                Col::PublicIp,
                format!(
                    "public_ip {other:?} must be none, auto or elastic",
                    other = crate::location::excerpt(&other)
                ),
            )),
        }
    }

    fn flag(&self, cells: &dyn Cells, col: Col) -> Result<bool, LocatedError> {
        match cells.text(col)? {
            None => Ok(false),
            Some(text) => parse_flag(text).ok_or_else(|| {
                cells.error(
                    col,
                    format!(
                        "{} {text:?} must be true or false",
                        col.name(),
                        text = crate::location::excerpt(&text)
                    ),
                )
            }),
        }
    }

    pub fn intern(&mut self, text: &str) -> Arc<str> {
        if let Some(existing) = self.interned.get(text) {
            return Arc::clone(existing);
        }
        let shared: Arc<str> = Arc::from(text);
        self.interned.insert(Arc::clone(&shared));
        shared
    }
}

/// Where a shared text lives: the builder holds every one it hands out, so an address
/// names one text for the builder's life.
fn address(text: &Arc<str>) -> usize {
    Arc::as_ptr(text).cast::<u8>() as usize
}

/// Hibernation prerequisites (docs/billing-rules.md §3), checked where they are set: launch.
fn check_hibernation(
    cells: &dyn Cells,
    (instance_type, memory): (&str, Decimal),
    root: RootDevice,
    ebs_gb: u64,
) -> Result<(), LocatedError> {
    if root == RootDevice::InstanceStore {
        let problem =
            "hibernation needs an EBS root volume, but root is instance-store".to_string();
        return Err(cells.error(Col::Hibernation, problem));
    }
    if memory >= Decimal::from(HIBERNATION_MAX_RAM_GIB) {
        let problem = format!(
            "hibernation needs less than {HIBERNATION_MAX_RAM_GIB} GiB of RAM, and {instance_type} has {memory} GiB"
        );
        return Err(cells.error(Col::Hibernation, problem));
    }
    if Decimal::from(ebs_gb) < memory {
        let problem = format!(
            "hibernation saves RAM to the root volume: {instance_type} has {memory} GiB of RAM but ebs_gb is {ebs_gb}"
        );
        return Err(cells.error(Col::EbsGb, problem));
    }
    Ok(())
}

pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    if let Some(rest) = text.strip_prefix('-') {
        if rest.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty() {
            return Err(format!(
                "ebs_gb {} is negative; a volume size must be zero or more GiB",
                crate::location::excerpt(text)
            ));
        }
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "ebs_gb {text:?} is not a whole number of GiB",
            text = crate::location::excerpt(&text)
        ));
    }
    text.parse::<u64>().map_err(|_| {
        format!(
            "ebs_gb {} is far larger than any EBS volume",
            crate::location::excerpt(text)
        )
    })
}

pub(crate) fn parse_flag(text: &str) -> Option<bool> {
    // Compared without case in place: a lowercased copy was an allocation per flag cell.
    let is = |words: [&str; 3]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
    if is(["true", "yes", "1"]) {
        Some(true)
    } else if is(["false", "no", "0"]) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::parse_flag;

    #[test]
    fn flags_are_read_without_regard_to_case() {
        for yes in ["true", "TRUE", "True", "yes", "YeS", "1"] {
            assert_eq!(parse_flag(yes), Some(true), "{yes}");
        }
        for no in ["false", "FALSE", "no", "No", "0"] {
            assert_eq!(parse_flag(no), Some(false), "{no}");
        }
        for neither in ["", "t", "truee", "2", "oui", "ye s", "trüe"] {
            assert_eq!(parse_flag(neither), None, "{neither}");
        }
    }
}
