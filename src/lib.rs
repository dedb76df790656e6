//! ec2plan: an Amazon EC2 cost estimator and purchase-option planner.
//!
//! Data flows one way: [`scenario`] reads events, [`lifecycle`] replays them
//! into state spans, [`billing`] prices the spans from the [`pricing`] catalog, and
//! [`report`] formats what the [`simulation`] found. [`cloudtrail`] writes an event log from
//! what ran. [`cli`] is the glue for the binary.

pub mod assumed;
pub mod billing;
pub mod chart;
pub mod cli;
pub mod clock;
pub mod cloudtrail;
pub mod error;
pub mod generate;
pub mod input;
pub mod lifecycle;
pub mod lines;
pub mod location;
pub mod money;
pub mod parallel;
pub mod pricing;
pub mod report;
pub mod scenario;
pub mod simulation;
pub mod spreadsheet;
pub mod strategy;
pub mod trials;
pub mod usage;

pub use error::Error;
