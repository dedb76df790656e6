//! Scenario: reading workload CSV into typed, validated events.
//!
//! Owns the input contract docs/scenario-format.md documents (event logs and desired-capacity schedules): their
//! columns, defaults, `--set` overrides, and every check that can be made from the file and
//! the catalog's names alone, each failing with the file, line and column. It streams: one reused record, one event at
//! a time, memory proportional to the instances named, not to the rows. It does not know
//! what a state is or what anything costs; the lifecycle decides whether an action is
//! allowed, the meter what it costs.

mod attributes;
mod columns;
mod end;
mod event;
mod id_map;
mod names;
mod overrides;
mod reader;
mod record;
mod schedule;
mod writer;

pub use attributes::DEFAULT_EBS_GB;
pub use columns::Kind;
pub use event::{Action, Event, InstanceId, LaunchSpec, Market, Markets, PublicIp, RootDevice};
pub use id_map::IdMap;
pub use overrides::Overrides;
pub use reader::{Defaults, EventReader};
pub use schedule::{Scaling, ScheduleReader};
pub use writer::EventLogWriter;

/// An event log made from another record of what ran (CloudTrail, a usage export): its
/// events in time order, and a sentence for each thing the conversion assumed or left out.
pub struct Conversion {
    pub events: Vec<Event>,
    pub notes: Vec<String>,
}

impl Conversion {
    /// A whole-input refusal: nothing the files `paths` hold becomes a row, because `why`.
    pub fn nothing_in(paths: &[std::path::PathBuf], why: &str) -> crate::error::Error {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let file: Arc<str> = Arc::from(crate::location::listing(&names));
        crate::error::Error::Input(LocatedError::new(
            crate::location::Location::line(&file, 0),
            format!("{why}, so there is no event log to write"),
        ))
    }
}

use crate::location::LocatedError;
use std::sync::Arc;

/// Where events come from: an event log read row by row, or a schedule's scaler.
///
/// `Send`, so the simulation can read on one core while it replays on another.
pub trait EventSource: Send {
    /// The next event in time order, `None` at the end.
    fn next_event(&mut self) -> Result<Option<Event>, LocatedError>;
    /// The name messages use for the input.
    fn file(&self) -> &Arc<str>;
    /// After the last event: a `--set GROUP.KEY` naming a group no launch had is an error.
    fn unknown_override_groups(&self) -> Result<(), String>;
    /// Where the replay ends when `--until` is not given, if not at the last event: a
    /// schedule ends at its last row even when that row changes nothing, an event log at
    /// its end row if it has one (known once it has been read to the end).
    fn default_horizon(&self) -> Option<crate::clock::Timestamp> {
        None
    }
    /// Sentences for the report about how the events were read or changed.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The kind of scenario a header row describes.
pub fn kind_of_header(names: &[&str]) -> Option<Kind> {
    Kind::of_header(names.iter().copied())
}
