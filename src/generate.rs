//! Synthetic workloads: deterministic event logs and desired-capacity schedules of any size,
//! for benchmarks and for users who want load to price.
//!
//! Everything follows from [`GenerateOptions::seed`] through a small PRNG (SplitMix64)
//! implemented here, with integer arithmetic only, so the same options and catalog give the
//! same bytes on every machine.
//!
//! The event log streams. Each instance *slot* has its own PRNG and at most one pending
//! action; a calendar queue of the slots' next action times merges them into time order, so memory
//! follows the number of instances (a few dozen bytes each), never the number of rows. A
//! slot launches an instance, then alternates stop/start (hibernate/start for groups launched
//! with hibernation), with some reboots; interruptible (Spot) groups get some `interrupt`
//! rows, and some instances are terminated. A terminated or interrupted instance is replaced
//! by a launch under a new name (`i7` is followed by `i7-1`, `i7-2`, …), as an Auto Scaling
//! group would. Consecutive actions of one instance are at least [`MIN_GAP_SECONDS`] apart,
//! more than ec2plan's default transition times, so every row is allowed by the lifecycle.
//! Each slot writes about [`ROWS_PER_INSTANCE`] rows over the horizon, whatever its length.
//!
//! The schedule has one group per [`INSTANCES_PER_GROUP`] instances, each with a daily or
//! weekday peak: three rows per group and one last row that fixes the horizon.

use crate::clock::{Timestamp, SECONDS_PER_DAY, SECONDS_PER_HOUR};
use crate::pricing::{Catalog, VolumeType};
use rust_decimal::prelude::ToPrimitive;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, BufWriter, Write};

/// The header of a generated event log.
pub const EVENT_LOG_HEADER: &str =
    "time,instance,action,instance_type,region,os,ebs_gb,ebs_type,public_ip,interruptible,hibernation,group";
/// The header of a generated schedule.
pub const SCHEDULE_HEADER: &str = "time,group,desired,instance_type,scale_in,repeat";
/// About how many event-log rows each instance slot writes over the horizon.
pub const ROWS_PER_INSTANCE: u64 = 20;
/// The least time between two consecutive actions on one instance: more than ec2plan's
/// default hibernating time (60 s), so a hibernated instance has settled before it starts.
pub const MIN_GAP_SECONDS: i64 = 120;
/// Instances per group (event-log groups and schedule groups alike).
pub const INSTANCES_PER_GROUP: u64 = 50;

/// AWS's hibernation limit: instance memory under 150 GiB.
const HIBERNATION_MAX_RAM_GIB: u64 = 150;
/// The EBS size a schedule launches with (it has no `ebs_gb` column): ec2plan's default.
const SCHEDULE_EBS_GB: u64 = 8;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenerateKind {
    /// One row per action on one instance (`time,instance,action,…`).
    EventLog,
    /// Desired capacity per group (`time,group,desired,…`).
    Schedule,
}

/// The size, span and seed of a synthetic workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Instance slots (event log), or instances at peak across all groups (schedule).
    pub instances: u64,
    /// Length of the horizon in days from `start`.
    pub days: u32,
    /// The PRNG seed: the same seed gives the same bytes.
    pub seed: u64,
    /// The time of the first possible row.
    pub start: Timestamp,
    pub kind: GenerateKind,
    /// The region every instance runs in; instance types are the Linux types the catalog
    /// prices there.
    pub region: String,
}

impl Default for GenerateOptions {
    /// 1,000 instances for 30 days from 2026-01-01T00:00:00Z in us-east-1, seed 1.
    fn default() -> GenerateOptions {
        GenerateOptions {
            instances: 1_000,
            days: 30,
            seed: 1,
            // 2026-01-01T00:00:00Z
            start: Timestamp::from_unix(1_767_225_600),
            kind: GenerateKind::EventLog,
            region: "us-east-1".to_string(),
        }
    }
}

/// Writes the workload `options.kind` names; returns the rows written (header excluded).
pub fn generate<W: Write>(options: &GenerateOptions, catalog: &Catalog, out: W) -> io::Result<u64> {
    match options.kind {
        GenerateKind::EventLog => write_event_log(options, catalog, out),
        GenerateKind::Schedule => write_schedule(options, catalog, out),
    }
}

/// Writes a synthetic event log; returns the rows written (header excluded).
///
/// Streams: memory is proportional to `options.instances`, not to the rows.
pub fn write_event_log<W: Write>(
    options: &GenerateOptions,
    catalog: &Catalog,
    out: W,
) -> io::Result<u64> {
    let plan = Plan::new(options, catalog)?;
    let slot_count = u32::try_from(options.instances)
        .map_err(|_| invalid("at most 4,294,967,295 instances can be generated"))?;
    let end = plan.end;
    let mean_gap = (plan.horizon / ROWS_PER_INSTANCE as i64).max(MIN_GAP_SECONDS);
    let groups = plan.group_count(options.instances);
    let profiles: Vec<GroupProfile> = (0..groups)
        .map(|k| GroupProfile::event_log(&plan, options.seed, k))
        .collect();

    let mut slots: Vec<Slot> = Vec::with_capacity(slot_count as usize);
    let mut agenda = Agenda::new(plan.horizon);
    for slot in 0..slot_count {
        let mut rng = SplitMix64::new(mix(options.seed ^ SLOT_SALT, u64::from(slot)));
        let first = plan.start + rng.below_i64(mean_gap);
        slots.push(Slot {
            rng,
            generation: 0,
            state: SlotState::Unlaunched,
        });
        if first < end {
            agenda.push(first - plan.start, slot);
        }
    }

    let mut out = BufWriter::with_capacity(1 << 16, out);
    out.write_all(EVENT_LOG_HEADER.as_bytes())?;
    out.write_all(b"\n")?;
    let mut rows = 0u64;
    let mut time_text = TimeText::default();
    while let Some((offset, index)) = agenda.pop() {
        let time = plan.start + offset;
        let slot = &mut slots[index as usize];
        let profile = &profiles[index as usize % profiles.len()];
        let action = slot.next_action(profile);
        time_text.write(&mut out, time)?;
        write!(out, ",i{index}")?;
        if slot.generation > 0 {
            write!(out, "-{}", slot.generation)?;
        }
        out.write_all(b",")?;
        out.write_all(action.name().as_bytes())?;
        if action == GenAction::Launch {
            let launch = profile.launch(&plan, &mut slot.rng);
            writeln!(
                out,
                ",{},{},linux,{},{},{},{},{},g{}",
                plan.types[profile.type_index].name,
                options.region,
                launch.ebs_gb,
                launch.ebs_type.name(),
                launch.public_ip,
                profile.interruptible,
                profile.hibernation,
                index as usize % profiles.len(),
            )?;
        } else {
            out.write_all(b",,,,,,,,,\n")?;
        }
        rows += 1;
        slot.state = action.after();
        if matches!(action, GenAction::Terminate | GenAction::Interrupt) {
            slot.generation += 1;
        }
        let next = time + MIN_GAP_SECONDS + slot.rng.below_i64(2 * (mean_gap - MIN_GAP_SECONDS));
        if next < end {
            agenda.push(next - plan.start, index);
        }
    }
    out.flush()?;
    Ok(rows)
}

/// Writes a synthetic desired-capacity schedule; returns the rows written (header excluded).
///
/// One group per [`INSTANCES_PER_GROUP`] instances (their peaks add up to
/// `options.instances`), each with a base capacity all day and a peak from morning to
/// evening, `daily` or on `weekdays`; some groups keep a warm pool (`scale_in` `stop`, or
/// `hibernate` for types whose memory fits ec2plan's default 8 GiB volume). Memory is
/// proportional to the groups. ec2plan expands a schedule into events in memory and refuses
/// one that expands past its limit (5,000,000 events), so keep `instances × days` moderate:
/// 100,000 instances over 30 days expand to about 3.3 million events.
pub fn write_schedule<W: Write>(
    options: &GenerateOptions,
    catalog: &Catalog,
    out: W,
) -> io::Result<u64> {
    let plan = Plan::new(options, catalog)?;
    let groups = plan.group_count(options.instances);
    let mut rows: Vec<ScheduleRow> = Vec::with_capacity(groups as usize * 3 + 1);
    let day_start = plan.start - plan.start.rem_euclid(SECONDS_PER_DAY);
    let first_at = |time_of_day: i64| {
        let t = day_start + time_of_day;
        if t < plan.start {
            t + SECONDS_PER_DAY
        } else {
            t
        }
    };
    let mut first_base = 0;
    for k in 0..groups {
        let size = options.instances / groups + u64::from(k < options.instances % groups);
        let mut rng = SplitMix64::new(mix(options.seed ^ SCHEDULE_SALT, k));
        let type_index = rng.below(plan.types.len() as u64) as usize;
        let spec = &plan.types[type_index];
        let roll = rng.below(100);
        let scale_in = if roll < 20 && spec.memory_gib_ceil <= SCHEDULE_EBS_GB {
            "hibernate"
        } else if roll < 40 {
            "stop"
        } else {
            "terminate"
        };
        // Base 20% to 60% of the peak, rounded down.
        let base = size * (20 + rng.below(41)) / 100;
        let peak_from = (6 + rng.below_i64(5)) * SECONDS_PER_HOUR + rng.below_i64(4) * 900;
        let peak_to = (17 + rng.below_i64(5)) * SECONDS_PER_HOUR + rng.below_i64(4) * 900;
        let repeat = if rng.below(100) < 60 {
            "daily"
        } else {
            "weekdays"
        };
        if k == 0 {
            first_base = base;
        }
        rows.push(ScheduleRow {
            time: plan.start,
            group: k,
            desired: base,
            instance_type: Some((type_index, scale_in)),
            repeat: "",
        });
        for (time_of_day, desired) in [(peak_from, size), (peak_to, base)] {
            let time = first_at(time_of_day);
            if time < plan.end {
                rows.push(ScheduleRow {
                    time,
                    group: k,
                    desired,
                    instance_type: None,
                    repeat,
                });
            }
        }
    }
    // The last row fixes the horizon (it sets group 0 back to its base).
    rows.push(ScheduleRow {
        time: plan.end,
        group: 0,
        desired: first_base,
        instance_type: None,
        repeat: "",
    });
    rows.sort_by_key(|r| (r.time, r.group));

    let mut out = BufWriter::with_capacity(1 << 16, out);
    out.write_all(SCHEDULE_HEADER.as_bytes())?;
    out.write_all(b"\n")?;
    let mut time_text = TimeText::default();
    for row in &rows {
        time_text.write(&mut out, row.time)?;
        write!(out, ",g{},{},", row.group, row.desired)?;
        if let Some((type_index, scale_in)) = row.instance_type {
            write!(out, "{},{}", plan.types[type_index].name, scale_in)?;
        } else {
            out.write_all(b",")?;
        }
        writeln!(out, ",{}", row.repeat)?;
    }
    out.flush()?;
    Ok(rows.len() as u64)
}

/// The slots' next action times, in time order: a calendar queue. Times are bucketed by
/// an hour or more; the bucket being worked through is a small heap (a few hundred entries
/// for two million rows over a year), so ordering stays cache-friendly whatever the number
/// of instances. Each entry is one `u64`, the time (seconds from the start) above the slot,
/// so ties go to the lower slot. It holds one entry per slot at most.
struct Agenda {
    width: i64,
    buckets: Vec<Vec<Reverse<u64>>>,
    /// The next bucket to load; every entry of the earlier ones is in `now`.
    next_bucket: usize,
    now: BinaryHeap<Reverse<u64>>,
}

impl Agenda {
    /// Buckets of an hour, or wider so that there are at most 65,536 of them.
    fn new(horizon: i64) -> Agenda {
        let horizon = horizon.max(1) as u64;
        let width = horizon.div_ceil(1 << 16).max(SECONDS_PER_HOUR as u64);
        let count = horizon.div_ceil(width) as usize;
        Agenda {
            width: width as i64,
            buckets: (0..count).map(|_| Vec::new()).collect(),
            next_bucket: 0,
            now: BinaryHeap::new(),
        }
    }

    /// Files `slot` at `offset` seconds from the start (`0 <= offset < horizon`, no earlier
    /// than the last entry popped).
    fn push(&mut self, offset: i64, slot: u32) {
        let key = Reverse(((offset as u64) << 32) | u64::from(slot));
        let bucket = (offset / self.width) as usize;
        if bucket < self.next_bucket {
            self.now.push(key);
        } else {
            self.buckets[bucket].push(key);
        }
    }

    /// The earliest entry: (offset, slot).
    fn pop(&mut self) -> Option<(i64, u32)> {
        loop {
            if let Some(Reverse(key)) = self.now.pop() {
                return Some(((key >> 32) as i64, key as u32));
            }
            let bucket = self.buckets.get_mut(self.next_bucket)?;
            self.now = BinaryHeap::from(std::mem::take(bucket));
            self.next_bucket += 1;
        }
    }
}

/// What both generators need: the horizon and the instance types to choose from.
struct Plan {
    start: i64,
    end: i64,
    horizon: i64,
    types: Vec<TypeChoice>,
    /// Volume types priced in the region, to draw from.
    volumes: Vec<VolumeType>,
    /// Whether the region prices public IPv4 (else every launch has none).
    public_ipv4: bool,
}

struct TypeChoice {
    name: String,
    /// Memory in GiB, rounded up.
    memory_gib_ceil: u64,
}

impl Plan {
    fn new(options: &GenerateOptions, catalog: &Catalog) -> io::Result<Plan> {
        if options.instances == 0 {
            return Err(invalid("generate at least one instance"));
        }
        if options.days == 0 {
            return Err(invalid("generate at least one day"));
        }
        if i64::from(options.days) * SECONDS_PER_DAY > i64::from(u32::MAX) {
            return Err(invalid("generate at most 49,710 days (136 years)"));
        }
        let end = options
            .start
            .plus(crate::clock::Seconds(u64::from(options.days) * 86_400));
        if end > crate::clock::LATEST {
            return Err(invalid(&format!(
                "--days {} from --start {} ends after {}, the latest time ec2plan handles",
                options.days,
                options.start,
                crate::clock::LATEST
            )));
        }
        if !catalog.has_region(&options.region) {
            let known: Vec<&str> = catalog.region_names().collect();
            return Err(invalid(&format!(
                "unknown region {:?} (the catalog prices {})",
                crate::location::excerpt(&options.region),
                crate::location::listing(&known)
            )));
        }
        let types: Vec<TypeChoice> = catalog
            .instance_type_names()
            .filter(|name| is_common(name))
            .filter(|name| catalog.on_demand(&options.region, name, "linux").is_some())
            .filter_map(|name| {
                let memory = catalog.instance_type(name)?.memory_gib.ceil().to_u64()?;
                Some(TypeChoice {
                    name: name.to_string(),
                    memory_gib_ceil: memory,
                })
            })
            .collect();
        if types.is_empty() {
            return Err(invalid(&format!(
                "the catalog prices no Linux instance type in {}",
                options.region
            )));
        }
        let volumes: Vec<VolumeType> = [VolumeType::Gp3, VolumeType::Gp2]
            .into_iter()
            .filter(|v| catalog.ebs(&options.region, *v).is_some())
            .collect();
        if volumes.is_empty() {
            return Err(invalid(&format!(
                "the catalog prices neither gp3 nor gp2 EBS volumes in {}",
                options.region
            )));
        }
        let start = options.start.unix();
        let horizon = i64::from(options.days) * SECONDS_PER_DAY;
        Ok(Plan {
            start,
            end: start + horizon,
            horizon,
            types,
            volumes,
            public_ipv4: catalog.public_ipv4(&options.region).is_some(),
        })
    }

    fn group_count(&self, instances: u64) -> u64 {
        instances.div_ceil(INSTANCES_PER_GROUP).max(1)
    }
}

/// The general-purpose, compute and memory families of three generations (x86 and
/// Graviton) and their sizes up to 4xlarge: what a synthetic fleet runs. The catalog's
/// other types (GPU, high-memory, 224xlarge) would make a synthetic bill say more about
/// which types were drawn than about the workload.
const FAMILIES: [&str; 18] = [
    "m5", "m6i", "m7i", "c5", "c6i", "c7i", "r5", "r6i", "r7i", "t3", "t3a", "t4g", "m6g", "m7g",
    "c6g", "c7g", "r6g", "r7g",
];
const SIZES: [&str; 8] = [
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge",
];

fn is_common(instance_type: &str) -> bool {
    crate::pricing::sizes::split_type(instance_type)
        .is_some_and(|(family, size)| FAMILIES.contains(&family) && SIZES.contains(&size))
}

/// What an event-log group's instances share: one type, Spot or not, hibernation or not.
struct GroupProfile {
    type_index: usize,
    interruptible: bool,
    hibernation: bool,
    /// The least EBS size a launch may have: the type's memory for hibernation.
    min_ebs_gb: u64,
}

impl GroupProfile {
    fn event_log(plan: &Plan, seed: u64, k: u64) -> GroupProfile {
        let mut rng = SplitMix64::new(mix(seed ^ GROUP_SALT, k));
        let type_index = rng.below(plan.types.len() as u64) as usize;
        let memory = plan.types[type_index].memory_gib_ceil;
        let interruptible = rng.below(100) < 20;
        let hibernation = memory < HIBERNATION_MAX_RAM_GIB && rng.below(100) < 25;
        GroupProfile {
            type_index,
            interruptible,
            hibernation,
            min_ebs_gb: if hibernation { memory.max(8) } else { 8 },
        }
    }

    /// The per-launch attributes.
    fn launch(&self, plan: &Plan, rng: &mut SplitMix64) -> Launch {
        const EXTRA_GB: [u64; 5] = [0, 12, 22, 42, 92];
        let ebs_gb = self.min_ebs_gb + EXTRA_GB[rng.below(EXTRA_GB.len() as u64) as usize];
        // Mostly gp3, some gp2 where the region prices it.
        let ebs_type = if rng.below(100) < 80 {
            plan.volumes[0]
        } else {
            plan.volumes[plan.volumes.len() - 1]
        };
        let roll = rng.below(100);
        let public_ip = match roll {
            _ if !plan.public_ipv4 => "none",
            0..=69 => "none",
            70..=94 => "auto",
            _ => "elastic",
        };
        Launch {
            ebs_gb,
            ebs_type,
            public_ip,
        }
    }
}

struct Launch {
    ebs_gb: u64,
    ebs_type: VolumeType,
    public_ip: &'static str,
}

/// Where an instance slot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlotState {
    /// No instance yet, or the last one was terminated: the next action is a launch.
    Unlaunched,
    Running,
    Stopped,
    Hibernated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GenAction {
    Launch,
    Stop,
    Start,
    Hibernate,
    Reboot,
    Terminate,
    Interrupt,
}

impl GenAction {
    fn name(self) -> &'static str {
        match self {
            GenAction::Launch => "launch",
            GenAction::Stop => "stop",
            GenAction::Start => "start",
            GenAction::Hibernate => "hibernate",
            GenAction::Reboot => "reboot",
            GenAction::Terminate => "terminate",
            GenAction::Interrupt => "interrupt",
        }
    }

    fn after(self) -> SlotState {
        match self {
            GenAction::Launch | GenAction::Start | GenAction::Reboot => SlotState::Running,
            GenAction::Stop => SlotState::Stopped,
            GenAction::Hibernate => SlotState::Hibernated,
            GenAction::Terminate | GenAction::Interrupt => SlotState::Unlaunched,
        }
    }
}

/// One instance slot: its PRNG, how many instances it has launched before, its state.
struct Slot {
    rng: SplitMix64,
    generation: u32,
    state: SlotState,
}

impl Slot {
    /// The next action the lifecycle allows, drawn from the slot's PRNG.
    fn next_action(&mut self, profile: &GroupProfile) -> GenAction {
        match self.state {
            SlotState::Unlaunched => GenAction::Launch,
            SlotState::Stopped | SlotState::Hibernated => {
                if self.rng.below(100) < 8 {
                    GenAction::Terminate
                } else {
                    GenAction::Start
                }
            }
            SlotState::Running => match self.rng.below(100) {
                0..=9 => GenAction::Reboot,
                10..=15 => GenAction::Terminate,
                16..=27 if profile.interruptible => GenAction::Interrupt,
                _ if profile.hibernation && self.rng.below(2) == 0 => GenAction::Hibernate,
                _ => GenAction::Stop,
            },
        }
    }
}

struct ScheduleRow {
    time: i64,
    group: u64,
    desired: u64,
    /// On a group's first row: its instance type (index) and `scale_in`.
    instance_type: Option<(usize, &'static str)>,
    repeat: &'static str,
}

/// Formats `YYYY-MM-DDTHH:MM:SSZ`, reusing the date text while the day stays the same.
#[derive(Default)]
struct TimeText {
    day: Option<i64>,
    text: [u8; 20],
}

impl TimeText {
    fn write<W: Write>(&mut self, out: &mut W, unix: i64) -> io::Result<()> {
        let day = unix.div_euclid(SECONDS_PER_DAY);
        if self.day != Some(day) {
            let date = Timestamp::from_unix(day * SECONDS_PER_DAY).to_string();
            let bytes = date.as_bytes();
            if bytes.len() != 20 {
                return Err(invalid(&format!("{date} is outside the years 0 to 9999")));
            }
            self.text.copy_from_slice(bytes);
            self.day = Some(day);
        }
        let secs = unix.rem_euclid(SECONDS_PER_DAY);
        let two = |n: i64| [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        self.text[11..13].copy_from_slice(&two(secs / SECONDS_PER_HOUR));
        self.text[14..16].copy_from_slice(&two(secs % SECONDS_PER_HOUR / 60));
        self.text[17..19].copy_from_slice(&two(secs % 60));
        out.write_all(&self.text)
    }
}

const SLOT_SALT: u64 = 0x5107_5107_5107_5107;
const GROUP_SALT: u64 = 0x6A09_E667_F3BC_C908;
const SCHEDULE_SALT: u64 = 0xBB67_AE85_84CA_A73B;

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough for synthetic load.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        finalize(self.0)
    }

    /// A number in `0..n` (0 when `n` is 0), by multiply-high: no division, no rejection.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn below_i64(&mut self, n: i64) -> i64 {
        self.below(n.max(0) as u64) as i64
    }
}

fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed for stream `index` of `seed`.
fn mix(seed: u64, index: u64) -> u64 {
    finalize(seed ^ finalize(index.wrapping_add(0x9E37_79B9_7F4A_7C15)))
}

/// Checks the options before anything is written: the reason they cannot be generated.
pub fn check_options(options: &GenerateOptions, catalog: &Catalog) -> Result<(), String> {
    Plan::new(options, catalog)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range() {
        let mut rng = SplitMix64::new(7);
        for n in [1u64, 2, 3, 10, 1_000_003] {
            for _ in 0..1_000 {
                assert!(rng.below(n) < n);
            }
        }
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn time_text_matches_display() {
        let mut text = TimeText::default();
        for unix in [
            0i64,
            1_767_225_599,
            1_767_225_600,
            1_767_311_999,
            4_102_444_800,
        ] {
            let mut out = Vec::new();
            text.write(&mut out, unix).ok();
            assert_eq!(
                String::from_utf8_lossy(&out),
                Timestamp::from_unix(unix).to_string()
            );
        }
    }
}
