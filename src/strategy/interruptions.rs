//! The seeded Spot interruption model (`--interruptions advisor`).
//!
//! Sits between the market stage and the lifecycle: while a Spot Instance runs, AWS may
//! reclaim it. The chance follows the Spot Instance Advisor's interruption band for its
//! region, type and operating system, read as a monthly probability p (the band's middle,
//! 25% for ">20%"): the time to an interruption is exponential with rate
//! −ln(1 − p) per 30 days, drawn afresh each time the instance enters running. An
//! interrupted instance is replaced after `replace_after` by a new launch (a new pending
//! time and a new 60-second minimum), in the same market; the scenario's later actions on the
//! instance apply to its replacement. The draws depend only on the seed, the instance's name
//! and how many times it has run, so the same seed gives the same interruptions.

use crate::clock::{Seconds, Timestamp};
use crate::location::LocatedError;
use crate::pricing::Catalog;
use crate::scenario::{Action, Event, EventSource, IdMap, InstanceId, LaunchSpec, Market, Markets};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

const MODEL_MONTH_SECONDS: f64 = 30.0 * 86_400.0;

/// The model's parameters.
#[derive(Debug, Clone, Copy)]
pub struct AdvisorModel {
    pub seed: u64,
    /// How long after an interruption the replacement launches.
    pub replace_after: Seconds,
    /// Which strategy's market decides whether an instance is on Spot.
    pub market_of: fn(&Markets) -> Market,
    /// `--until`; without it, nothing is injected after the scenario's last row, which is
    /// the horizon.
    pub until: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Running,
    Stopped,
    Terminated,
    /// Interrupted; the replacement launches at the queued time.
    AwaitingReplacement,
    /// Interrupted, then stopped by the scenario: replaced when the scenario starts it.
    ReplacementDeferred,
}

#[derive(Debug, Clone)]
struct Incarnation {
    id: InstanceId,
    spec: Arc<LaunchSpec>,
    original_name: Arc<str>,
    replacements: u32,
    runs: u64,
    status: Status,
    /// Interruptions per second on Spot; `None` when the instance is not on Spot or its type
    /// has no Spot Instance Advisor band. Every replacement has the same, so it is looked up
    /// once per launch row rather than per run (a catalog lookup by three names).
    rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Pending {
    Interrupt { original: InstanceId, run: u64 },
    Replace { original: InstanceId },
}

/// Wraps an event source, adding the model's interruptions and replacements.
pub struct Interrupter<'a> {
    inner: Box<dyn EventSource + 'a>,
    catalog: &'a Catalog,
    model: AdvisorModel,
    instances: IdMap<Incarnation>,
    queue: BinaryHeap<Reverse<(Timestamp, u64, Pending)>>,
    sequence: u64,
    lookahead: Option<Event>,
    last_time: Option<Timestamp>,
    next_id: u32,
}

impl<'a> Interrupter<'a> {
    pub fn new(
        inner: Box<dyn EventSource + 'a>,
        catalog: &'a Catalog,
        model: AdvisorModel,
    ) -> Self {
        Interrupter {
            inner,
            catalog,
            model,
            instances: IdMap::default(),
            queue: BinaryHeap::new(),
            sequence: 0,
            lookahead: None,
            last_time: None,
            next_id: u32::MAX,
        }
    }

    fn push(&mut self, at: Timestamp, pending: Pending) {
        self.sequence += 1;
        self.queue.push(Reverse((at, self.sequence, pending)));
    }

    /// Draws when AWS interrupts the run that starts now, if it is on Spot.
    /// The rate [`Incarnation::rate`] holds for a launch.
    fn rate_of(&self, spec: &LaunchSpec) -> Option<f64> {
        if (self.model.market_of)(&spec.markets) != Market::Spot {
            return None;
        }
        let band = self
            .catalog
            .interruption_band(&spec.region, &spec.instance_type, &spec.os)?;
        let p = band.monthly_probability();
        Some(-(1.0 - p).ln() / MODEL_MONTH_SECONDS)
    }

    fn draw(&mut self, original: InstanceId, now: Timestamp) {
        let Some(incarnation) = self.instances.get_mut(original) else {
            return;
        };
        incarnation.runs += 1;
        let Some(rate) = incarnation.rate else {
            return;
        };
        let key = mix(
            self.model.seed,
            &incarnation.original_name,
            incarnation.runs,
        );
        let uniform = ((key >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let seconds = (-uniform.ln() / rate).round();
        if seconds.is_finite() && seconds < 1.0e12 {
            let run = incarnation.runs;
            self.push(
                now.plus(Seconds(seconds as u64)),
                Pending::Interrupt { original, run },
            );
        }
    }

    /// The next queued event due at or before `limit` (or any, if `limit` is `None`).
    fn due(&mut self, limit: Option<Timestamp>) -> Option<Event> {
        while let Some(Reverse((at, _, pending))) = self.queue.peek().copied() {
            if limit.is_some_and(|l| at > l) {
                return None;
            }
            self.queue.pop();
            if let Some(event) = self.fire(at, pending) {
                return Some(event);
            }
        }
        None
    }

    fn fire(&mut self, at: Timestamp, pending: Pending) -> Option<Event> {
        match pending {
            Pending::Interrupt { original, run } => {
                let incarnation = self.instances.get_mut(original)?;
                if incarnation.status != Status::Running || incarnation.runs != run {
                    return None;
                }
                incarnation.status = Status::AwaitingReplacement;
                let event = event(at, incarnation, Action::Interrupt);
                self.push(
                    at.plus(self.model.replace_after),
                    Pending::Replace { original },
                );
                Some(event)
            }
            Pending::Replace { original } => {
                let status = self.instances.get(original)?.status;
                if status == Status::AwaitingReplacement {
                    self.replace(original, at)
                } else {
                    None
                }
            }
        }
    }

    /// Launches a new incarnation of an interrupted instance.
    fn replace(&mut self, original: InstanceId, at: Timestamp) -> Option<Event> {
        let id = InstanceId(self.next_id);
        let incarnation = self.instances.get_mut(original)?;
        self.next_id = self.next_id.saturating_sub(1);
        incarnation.replacements += 1;
        let mut spec = (*incarnation.spec).clone();
        spec.name = Arc::from(format!(
            "{}~{}",
            incarnation.original_name, incarnation.replacements
        ));
        incarnation.spec = Arc::new(spec);
        incarnation.id = id;
        incarnation.status = Status::Running;
        let event = event(at, incarnation, Action::Launch);
        self.draw(original, at);
        Some(event)
    }

    /// Applies a scenario event to the instance's current incarnation; `None` drops it.
    fn map(&mut self, mut event: Event) -> Option<Event> {
        let original = event.instance;
        if let (Action::Launch, Some(spec)) = (event.action, &event.spec) {
            let rate = self.rate_of(spec);
            self.instances.insert(
                original,
                Incarnation {
                    id: original,
                    spec: Arc::clone(spec),
                    original_name: Arc::clone(&spec.name),
                    replacements: 0,
                    runs: 0,
                    status: Status::Running,
                    rate,
                },
            );
            self.draw(original, event.time);
            return Some(event);
        }
        let status = self.instances.get(original)?.status;
        let action = if event.action == Action::Interrupt {
            Action::Terminate
        } else {
            event.action
        };
        let (next, forward) = match (action, status) {
            (Action::Stop | Action::Hibernate, Status::Running) => (Status::Stopped, true),
            (Action::Stop | Action::Hibernate, Status::AwaitingReplacement) => {
                (Status::ReplacementDeferred, false)
            }
            (Action::Start, Status::Stopped) => (Status::Running, true),
            (Action::Start, Status::ReplacementDeferred) => {
                return self.replace(original, event.time)
            }
            (Action::Terminate, Status::Running | Status::Stopped) => (Status::Terminated, true),
            (Action::Terminate, _) => (Status::Terminated, false),
            (Action::Reboot, Status::Running) => (Status::Running, true),
            (_, status) => (
                status,
                status != Status::AwaitingReplacement && status != Status::ReplacementDeferred,
            ),
        };
        let incarnation = self.instances.get_mut(original)?;
        incarnation.status = next;
        if !forward {
            return None;
        }
        event.instance = incarnation.id;
        event.action = action;
        if action == Action::Start {
            self.draw(original, event.time);
        }
        Some(event)
    }
}

fn event(time: Timestamp, incarnation: &Incarnation, action: Action) -> Event {
    Event {
        time,
        line: incarnation.spec.line,
        instance: incarnation.id,
        action,
        spec: (action == Action::Launch).then(|| Arc::clone(&incarnation.spec)),
    }
}

/// SplitMix64 over the seed, the instance's name and its run number.
fn mix(seed: u64, name: &str, run: u64) -> u64 {
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    for byte in name.bytes().chain(run.to_le_bytes()) {
        x = splitmix(x ^ u64::from(byte));
    }
    splitmix(x)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl EventSource for Interrupter<'_> {
    fn next_event(&mut self) -> Result<Option<Event>, LocatedError> {
        loop {
            if self.lookahead.is_none() {
                self.lookahead = self.inner.next_event()?;
                if let Some(e) = &self.lookahead {
                    self.last_time = Some(e.time);
                }
            }
            // Injected events never pass the horizon: the next scenario row, else --until,
            // else the last row.
            let limit = match &self.lookahead {
                Some(e) => Some(e.time),
                None => self.model.until.or(self.last_time),
            };
            if let Some(event) = self.due(limit) {
                return Ok(Some(event));
            }
            let Some(event) = self.lookahead.take() else {
                return Ok(None);
            };
            if let Some(event) = self.map(event) {
                return Ok(Some(event));
            }
        }
    }

    fn file(&self) -> &Arc<str> {
        self.inner.file()
    }

    fn unknown_override_groups(&self) -> Result<(), String> {
        self.inner.unknown_override_groups()
    }

    fn default_horizon(&self) -> Option<Timestamp> {
        self.inner.default_horizon()
    }

    fn notes(&self) -> Vec<String> {
        self.inner.notes()
    }
}
