//! Each instance's history: every call in time order, replayed through the states an event
//! log can show, into the events `simulate` reads back.
//!
//! CloudTrail log files are "not an ordered stack trace" (EC2 User Guide), and a trail, a
//! second trail and `lookup-events` overlap, so the calls are put in order by `eventTime`
//! (ties keep file order, then record order) and a record whose eventID was already read
//! is read once. AWS accepts calls an event log cannot hold (StopInstances of a stopped
//! instance succeeds, changing nothing); replaying the states here leaves those out, so
//! every row written is one the event-log reader accepts.

use super::file::{read_records, RecordRef};
use super::launch::{Interruption, Launched, Volumes};
use super::notes::{Assumed, Tally};
use super::record::{understand, Call, Record, Target};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::location::{excerpt, listing};
use crate::pricing::{Catalog, VolumeType};
use crate::scenario::{
    Action, Conversion, Event, InstanceId, LaunchSpec, Markets, PublicIp, RootDevice,
    DEFAULT_EBS_GB,
};
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// What the caller knows that the records may not say.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--type-of ID=TYPE`: the type of an instance the records show without its
    /// RunInstances.
    pub types: BTreeMap<String, String>,
}

/// What a call does to one instance.
#[derive(Clone, Copy)]
enum Act<'r> {
    Launch(&'r Launched),
    Start,
    Stop { hibernate: bool },
    Reboot,
    Terminate,
    Evicted,
}

impl Act<'_> {
    fn verb(self) -> &'static str {
        match self {
            Act::Launch(_) => "launched",
            Act::Start => "started",
            Act::Stop { hibernate: true } => "hibernated",
            Act::Stop { hibernate: false } => "stopped",
            Act::Reboot => "rebooted",
            Act::Terminate => "terminated",
            Act::Evicted => "interrupted",
        }
    }
}

/// One call on one instance.
struct Mention<'r> {
    time: Timestamp,
    record: &'r Record,
    instance: &'r str,
    act: Act<'r>,
    previous: Option<&'r str>,
}

/// Where an instance is in its life, as the event log sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    /// Stopped since before the first record: launched when a StartInstances starts it.
    Waiting,
    Running,
    Stopped,
    Hibernated,
    Ended,
}

/// An instance being replayed.
struct Slot {
    id: Option<InstanceId>,
    spec: Arc<LaunchSpec>,
    /// The defaults its launch row takes, counted when it is written.
    assumed: Assumed,
    life: Life,
    interruption: Interruption,
}

/// Reads every file and returns the event log they describe.
pub fn convert(
    paths: &[PathBuf],
    options: &Options,
    catalog: &Catalog,
) -> Result<Conversion, Error> {
    let mut tally = Tally {
        files: paths.len(),
        ..Tally::default()
    };
    let records = read_all(paths, &mut tally)?;
    let Some(window_start) = tally.window_start else {
        return Err(Conversion::nothing_in(paths, "they hold no record"));
    };
    let mut mentions = mentions_of(&records);
    // Stable: equal times keep file order, then record order, then item order.
    mentions.sort_by_key(|m| m.time);
    if mentions.is_empty() {
        return Err(Conversion::nothing_in(
            paths,
            "they hold no successful RunInstances, StartInstances, StopInstances, \
             RebootInstances, TerminateInstances or BidEvictedEvent record",
        ));
    }
    let mut replay = Replay {
        catalog,
        tally,
        slots: HashMap::new(),
        events: Vec::new(),
        next_id: 0,
        untyped: Vec::new(),
    };
    replay.before_the_window(&mentions, options, window_start)?;
    for mention in &mentions {
        replay.apply(mention)?;
    }
    replay.check_types()?;
    if replay.events.is_empty() {
        return Err(Conversion::nothing_in(
            paths,
            "the instances the records name never ran in the time they cover",
        ));
    }
    let mut tally = replay.tally;
    tally.rows = replay.events.len();
    tally.instances = replay.next_id as usize;
    Ok(Conversion {
        events: replay.events,
        notes: tally.notes(),
    })
}

/// Every record of every file, understood; repeated, failed and unrelated ones counted and
/// dropped. The window starts at the earliest record of any kind.
fn read_all(paths: &[PathBuf], tally: &mut Tally) -> Result<Vec<Record>, Error> {
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for (file_index, path) in paths.iter().enumerate() {
        for raw in read_records(path, file_index)? {
            let record = understand(raw)?;
            tally.records += 1;
            tally.window_start = Some(
                tally
                    .window_start
                    .map_or(record.time, |t| t.min(record.time)),
            );
            if let Some(id) = &record.at.event_id {
                if !seen.insert(id.clone()) {
                    tally.repeated += 1;
                    continue;
                }
            }
            match &record.call {
                Call::Other => tally.other += 1,
                Call::Failed(code) => tally.failed.push(format!(
                    "{} in {}: {}",
                    record.at,
                    record.at.file,
                    excerpt(code)
                )),
                _ => kept.push(record),
            }
        }
    }
    Ok(kept)
}

/// One mention per instance per call, in file and record order.
fn mentions_of(records: &[Record]) -> Vec<Mention<'_>> {
    let mut mentions = Vec::new();
    for record in records {
        let items: Vec<(&str, Option<&str>, Act<'_>)> = match &record.call {
            Call::Launch(launched) => launched
                .iter()
                .map(|l| (l.instance.as_str(), None, Act::Launch(l)))
                .collect(),
            Call::Start(t) => each(t, Act::Start),
            Call::Stop { targets, hibernate } => each(
                targets,
                Act::Stop {
                    hibernate: *hibernate,
                },
            ),
            Call::Reboot(t) => each(t, Act::Reboot),
            Call::Terminate(t) => each(t, Act::Terminate),
            Call::Evicted(t) => each(t, Act::Evicted),
            Call::Failed(_) | Call::Other => Vec::new(),
        };
        mentions.extend(items.into_iter().map(|(instance, previous, act)| Mention {
            time: record.time,
            record,
            instance,
            act,
            previous,
        }));
    }
    mentions
}

/// The same act on each target.
fn each<'r>(targets: &'r [Target], act: Act<'r>) -> Vec<(&'r str, Option<&'r str>, Act<'r>)> {
    targets
        .iter()
        .map(|t| (t.instance.as_str(), t.previous.as_deref(), act))
        .collect()
}

struct Replay<'c> {
    catalog: &'c Catalog,
    tally: Tally,
    slots: HashMap<String, Slot>,
    events: Vec<Event>,
    next_id: u32,
    /// Instances that had to be launched with no known type: where, which, and how.
    untyped: Vec<(RecordRef, String, &'static str)>,
}

/// `Records[3] (eventID …, StopInstances) in day.json`, for notes.
fn place(at: &RecordRef) -> String {
    format!("{at} in {}", at.file)
}

impl Replay<'_> {
    /// Instances whose first mention is not their RunInstances were there before the
    /// records start. Their type comes from `--type-of` (the Start/Stop/Terminate records do
    /// not carry it); the rest is inferred from the records where they tell (a Spot
    /// interruption means Spot, a hibernating stop means hibernation was enabled) and
    /// defaulted otherwise. Running ones are launched at the window's start, stopped ones
    /// wait for the StartInstances that starts them.
    fn before_the_window(
        &mut self,
        mentions: &[Mention<'_>],
        options: &Options,
        window_start: Timestamp,
    ) -> Result<(), Error> {
        let mut first: HashMap<&str, &Mention<'_>> = HashMap::new();
        let mut order = Vec::new();
        let mut spot = HashSet::new();
        let mut hibernates = HashSet::new();
        for mention in mentions {
            match mention.act {
                Act::Evicted => {
                    spot.insert(mention.instance);
                }
                Act::Stop { hibernate: true } => {
                    hibernates.insert(mention.instance);
                }
                _ => {}
            }
            match first.get(mention.instance) {
                None => {
                    first.insert(mention.instance, mention);
                    order.push(mention.instance);
                }
                Some(earlier) if matches!(mention.act, Act::Launch(_)) => {
                    return Err(mention.record.at.error(format!(
                        "{} is launched here, but {} already {} it, and a RunInstances comes \
                         before every other call on its instances",
                        mention.instance,
                        place(&earlier.record.at),
                        earlier.act.verb()
                    )));
                }
                Some(_) => {}
            }
        }
        for (id, ty) in &options.types {
            match first.get(id.as_str()) {
                None => {
                    return Err(Error::Usage(format!(
                        "--type-of {}={}: no record names the instance {}",
                        excerpt(id),
                        excerpt(ty),
                        excerpt(id)
                    )))
                }
                Some(m) => {
                    if let Act::Launch(launched) = m.act {
                        self.tally.type_not_needed.push(format!(
                            "--type-of {}={} is not needed: its RunInstances ({}) says {}, which \
                             is used",
                            id,
                            excerpt(ty),
                            place(&m.record.at),
                            launched.instance_type
                        ));
                    }
                }
            }
        }
        let unlaunched: Vec<&Mention<'_>> = order
            .iter()
            .filter_map(|id| first.get(id).copied())
            .filter(|m| !matches!(m.act, Act::Launch(_)))
            .collect();
        for mention in unlaunched {
            let id = mention.instance;
            // An instance with no --type-of keeps an empty type: it is refused (all such
            // instances in one message) only if it has to be launched.
            let instance_type = options.types.get(id).cloned().unwrap_or_default();
            let facts = Launched {
                instance: id.to_string(),
                instance_type,
                windows: false,
                root: RootDevice::Ebs,
                volumes: Volumes {
                    without_size: 1,
                    root_unsized: true,
                    ..Volumes::default()
                },
                public_ip: None,
                spot: spot.contains(id),
                interruption: Interruption::Terminate,
                hibernation: hibernates.contains(id),
                name_tag: None,
                from_template: false,
            };
            let (spec, mut assumed) = self.spec_of(&facts, &mention.record.region);
            assumed.before = true;
            let spec = Arc::new(spec);
            let life = match mention.previous {
                Some("stopped" | "stopping") => Life::Waiting,
                Some("running" | "pending") => Life::Running,
                Some("terminated" | "shutting-down") => Life::Ended,
                _ if matches!(mention.act, Act::Start) => Life::Waiting,
                _ => Life::Running,
            };
            let id_number = match life {
                Life::Running => {
                    self.needs_type(mention, &spec);
                    Some(self.launch(window_start, &spec, assumed)?)
                }
                _ => None,
            };
            self.slots.insert(
                id.to_string(),
                Slot {
                    id: id_number,
                    spec,
                    assumed,
                    life,
                    interruption: Interruption::Terminate,
                },
            );
        }
        Ok(())
    }

    /// Writes a launch row (the instance's number is its launch order) and counts the
    /// defaults it took.
    fn launch(
        &mut self,
        time: Timestamp,
        spec: &Arc<LaunchSpec>,
        assumed: Assumed,
    ) -> Result<InstanceId, Error> {
        self.tally.launched(&spec.name, &spec.group, assumed);
        let id = InstanceId(self.next_id);
        self.next_id = self.next_id.checked_add(1).ok_or_else(|| {
            Error::Usage("the records launch more instances than ec2plan can number".into())
        })?;
        self.events.push(Event {
            time,
            line: 0,
            instance: id,
            action: Action::Launch,
            spec: Some(Arc::clone(spec)),
        });
        Ok(id)
    }

    fn row(&mut self, time: Timestamp, id: InstanceId, action: Action) {
        self.events.push(Event {
            time,
            line: 0,
            instance: id,
            action,
            spec: None,
        });
    }

    /// One call on one instance: the row it becomes, or a note that it changed nothing.
    fn apply(&mut self, mention: &Mention<'_>) -> Result<(), Error> {
        let time = mention.time;
        if let Act::Launch(launched) = mention.act {
            let (spec, assumed) = self.spec_of(launched, &mention.record.region);
            let spec = Arc::new(spec);
            let id = self.launch(time, &spec, assumed)?;
            self.slots.insert(
                launched.instance.clone(),
                Slot {
                    id: Some(id),
                    spec,
                    assumed,
                    life: Life::Running,
                    interruption: launched.interruption,
                },
            );
            return Ok(());
        }
        let Some(slot) = self.slots.get(mention.instance) else {
            return Ok(()); // Every instance has a slot after before_the_window.
        };
        let (life, id, spec, interruption, assumed) = (
            slot.life,
            slot.id,
            Arc::clone(&slot.spec),
            slot.interruption,
            slot.assumed,
        );
        let (action, next) = match (mention.act, life) {
            (Act::Start, Life::Waiting) => {
                self.needs_type(mention, &spec);
                let id = self.launch(time, &spec, assumed)?;
                self.set(mention.instance, Some(id), Life::Running);
                return Ok(());
            }
            (Act::Start, Life::Stopped | Life::Hibernated) => (Action::Start, Life::Running),
            (Act::Stop { .. }, Life::Running) if spec.root == RootDevice::InstanceStore => {
                return self.unchanged(mention, "has an instance-store root, which cannot stop");
            }
            (Act::Stop { hibernate: true }, Life::Running) if spec.hibernation => {
                (Action::Hibernate, Life::Hibernated)
            }
            (Act::Stop { hibernate }, Life::Running) => {
                if hibernate {
                    self.tally
                        .hibernate_as_stop
                        .add(mention.instance, &spec.group);
                }
                (Action::Stop, Life::Stopped)
            }
            (Act::Reboot, Life::Running) => (Action::Reboot, Life::Running),
            (Act::Terminate, Life::Waiting) => {
                self.set(mention.instance, None, Life::Ended);
                return self.unchanged(
                    mention,
                    "was stopped from the first record until it ended, so it never ran",
                );
            }
            (Act::Terminate, Life::Running | Life::Stopped | Life::Hibernated) => {
                (Action::Terminate, Life::Ended)
            }
            (Act::Evicted, Life::Running) => match interruption {
                Interruption::Stop if spec.root == RootDevice::Ebs => (Action::Stop, Life::Stopped),
                Interruption::Hibernate if spec.hibernation => {
                    (Action::Hibernate, Life::Hibernated)
                }
                _ if spec.interruptible => (Action::Interrupt, Life::Ended),
                _ => {
                    self.tally
                        .evicted_on_demand
                        .add(mention.instance, &spec.group);
                    (Action::Terminate, Life::Ended)
                }
            },
            (_, life) => {
                let why = match life {
                    Life::Waiting => "was stopped",
                    Life::Running => "was already running",
                    Life::Stopped => "was already stopped",
                    Life::Hibernated => "was hibernated",
                    Life::Ended => "had already ended",
                };
                return self.unchanged(mention, why);
            }
        };
        if let Some(id) = id {
            self.row(time, id, action);
        }
        self.set(mention.instance, id, next);
        Ok(())
    }

    /// Notes an instance launched without a known type (no RunInstances, no --type-of).
    fn needs_type(&mut self, mention: &Mention<'_>, spec: &LaunchSpec) {
        if spec.instance_type.is_empty() {
            self.untyped.push((
                mention.record.at.clone(),
                mention.instance.to_string(),
                mention.act.verb(),
            ));
        }
    }

    /// Refuses the instances that had to be launched with no known type, naming the first
    /// one's record and listing them all.
    fn check_types(&self) -> Result<(), Error> {
        let Some((at, id, verb)) = self.untyped.first() else {
            return Ok(());
        };
        let more = match self.untyped.len() {
            1 => String::new(),
            n => {
                let ids: Vec<&str> = self.untyped.iter().map(|(_, id, _)| id.as_str()).collect();
                format!("; {n} instances need one: {}", listing(&ids))
            }
        };
        Err(at.error(format!(
            "{id} is {verb} here, but no RunInstances for it is in the files, so its instance \
             type is unknown; give it with --type-of {id}=TYPE (`aws ec2 describe-instances \
             --instance-ids {id}` shows it while the instance exists){more}"
        )))
    }

    fn set(&mut self, instance: &str, id: Option<InstanceId>, life: Life) {
        if let Some(slot) = self.slots.get_mut(instance) {
            slot.id = id.or(slot.id);
            slot.life = life;
        }
    }

    fn unchanged(&mut self, mention: &Mention<'_>, why: &str) -> Result<(), Error> {
        self.tally.unchanged.push(format!(
            "{}: {} {}",
            place(&mention.record.at),
            mention.instance,
            why
        ));
        Ok(())
    }

    /// The launch row's attributes: what the record says, else the stated default, and
    /// which defaults were taken (for the notes, once the instance is launched).
    fn spec_of(&self, facts: &Launched, region: &str) -> (LaunchSpec, Assumed) {
        let id = facts.instance.as_str();
        let group = facts
            .name_tag
            .clone()
            .unwrap_or_else(|| facts.instance_type.clone());
        let mut assumed = Assumed::default();
        let os = if facts.windows {
            "windows"
        } else {
            assumed.os = true;
            "linux"
        };
        let hibernation = facts.hibernation || facts.interruption == Interruption::Hibernate;
        let volumes = &facts.volumes;
        // A hibernating instance saves its RAM to the root volume, so a root of unknown size
        // is taken to be at least the RAM (the event-log reader checks the same).
        let memory = self
            .catalog
            .instance_type(&facts.instance_type)
            .and_then(|spec| spec.memory_gib.ceil().to_u64())
            .unwrap_or(0);
        let root_default = match hibernation && volumes.root_unsized {
            true => DEFAULT_EBS_GB.max(memory),
            false => DEFAULT_EBS_GB,
        };
        let unsized_gb = match volumes.root_unsized {
            true => root_default.saturating_add(
                DEFAULT_EBS_GB.saturating_mul(volumes.without_size.saturating_sub(1)),
            ),
            false => DEFAULT_EBS_GB.saturating_mul(volumes.without_size),
        };
        if volumes.without_size > 0 {
            assumed.ebs_size = true;
        }
        let mut ebs_gb = volumes.stated_gb.saturating_add(unsized_gb);
        let stated_type = match facts.root {
            RootDevice::Ebs => volumes.root_type,
            RootDevice::InstanceStore => volumes.other_types.iter().next().copied(),
        };
        let ebs_type = stated_type.unwrap_or_else(|| {
            if ebs_gb > 0 {
                assumed.ebs_type = true;
            }
            VolumeType::Gp3
        });
        if volumes.other_types.iter().any(|t| *t != ebs_type) {
            assumed.mixed_types = true;
        }
        if ebs_gb == 0 {
            assumed.no_ebs = true;
            ebs_gb = 1;
        }
        let public_ip = facts.public_ip.unwrap_or_else(|| {
            assumed.public_ip = true;
            PublicIp::None
        });
        if facts.from_template {
            assumed.template = true;
        }
        let spec = LaunchSpec {
            name: Arc::from(id),
            instance_type: Arc::from(facts.instance_type.as_str()),
            region: Arc::from(region),
            os: Arc::from(os),
            ebs_gb,
            ebs_type,
            root: facts.root,
            public_ip,
            interruptible: facts.spot,
            hibernation,
            group: Arc::from(group.as_str()),
            line: 0,
            markets: Markets::default(),
        };
        (spec, assumed)
    }
}
