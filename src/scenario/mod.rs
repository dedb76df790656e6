//! Scenario: reading workload CSV into typed, validated events.
//!
//! Owns the input contract of DESIGN.md (the event-log format): its columns, their
//! defaults, and every check that can be made from the file and the catalog's names alone,
//! each failing with the file, line and column. It streams: one reused record, one event at
//! a time, memory proportional to the instances named, not to the rows. It does not know
//! what a state is or what anything costs; the lifecycle decides whether an action is
//! allowed, the meter what it costs.

mod attributes;
mod columns;
mod event;
mod reader;

pub use event::{Action, Event, InstanceId, LaunchSpec, PublicIp, RootDevice};
pub use reader::{Defaults, EventReader};
