//! The small groups of flags the commands share, each flattened into the commands that use
//! it and into no other.
//!
//! A command that accepted a flag it then ignored (as `recommend --strategy spot` once did)
//! lets a user believe the flag changed the result; a command built from these groups has
//! exactly the flags it reads, so clap refuses the rest (exit 2) and each `--help` lists
//! only what matters to that command. Each group carries its help heading, so the groups
//! read as sections of `--help`.

use crate::clock::{Seconds, Timestamp};
use crate::pricing::{OfferTerms, Offering, Payment, Term};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Where prices come from, and the region a scenario's rows default to.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Prices")]
pub struct CatalogFlags {
    /// Region for launch rows (or schedule groups) that leave `region` empty.
    #[arg(long, value_name = "R", default_value = "us-east-1")]
    pub region: String,
    /// A directory whose catalog CSV files replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub pricing: Option<PathBuf>,
}

/// How long the replay runs and how long each lifecycle transition takes.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Replay")]
pub struct ReplayFlags {
    /// End of the replay: an RFC 3339 time, or a date (2026-03-31) meaning the start of
    /// that day, 00:00:00 UTC. Instances still alive are billed up to it. Default: an
    /// event log's `end` row if it has one, else the last row's time.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<Timestamp>,

    /// Time spent pending after launch and start (not billed).
    #[arg(long, value_name = "D", default_value = "0", value_parser = parse_duration)]
    pub pending: Seconds,

    /// Time spent stopping after stop (not billed).
    #[arg(long, value_name = "D", default_value = "0", value_parser = parse_duration)]
    pub stopping: Seconds,

    /// Time spent stopping after hibernate, saving RAM to EBS (billed as usage).
    #[arg(long, value_name = "D", default_value = "60", value_parser = parse_duration)]
    pub hibernating: Seconds,

    /// Time spent shutting down after terminate (not billed; EBS bills until terminated).
    #[arg(long = "shutting-down", value_name = "D", default_value = "0", value_parser = parse_duration)]
    pub shutting_down: Seconds,
}

/// What-if questions without editing the file.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "What-if")]
pub struct WhatIf {
    /// Override an attribute column for every launch (instance_type=m7g.large) or one
    /// group's (batch.interruptible=true); repeatable. Keys: instance_type, region, os,
    /// ebs_gb, ebs_type, root, public_ip, interruptible, hibernation, scale_in.
    #[arg(long, value_name = "[GROUP.]KEY=VALUE")]
    pub set: Vec<String>,
    /// Multiply every desired capacity of a schedule by F (rounded up).
    #[arg(long, value_name = "F", value_parser = parse_factor)]
    pub scale: Option<rust_decimal::Decimal>,
}

/// Which reservation offer to price: `recommend` chooses counts of it, the reserved
/// strategy holds them.
#[derive(Debug, Clone, Copy, Args)]
#[command(next_help_heading = "Reserved Instances")]
pub struct OfferFlags {
    /// Reservation term.
    #[arg(long, value_enum, default_value = "1yr")]
    pub term: Term,
    /// Reservation offering class.
    #[arg(long, value_enum, default_value = "standard")]
    pub offering: Offering,
    /// How the reservation is paid: the upfront part is spread evenly over the term's hours.
    /// The bundled catalog has all-upfront (standard) for every operating system and
    /// no-upfront (standard and convertible) for Linux; `ec2plan pricing show TYPE` lists a
    /// type's offers.
    #[arg(long, value_enum, default_value = "all-upfront")]
    pub payment: Payment,
}

impl OfferFlags {
    pub fn terms(&self) -> OfferTerms {
        OfferTerms {
            term: self.term,
            offering: self.offering,
            payment: self.payment,
        }
    }
}

/// The reserved strategy's flags: which reservations it holds, and their offer.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Reserved Instances")]
pub struct ReserveFlags {
    /// Reserved Instances to hold for the whole replay: TYPE=COUNT, repeatable (regional,
    /// in --region, for the operating system the scenario runs TYPE on; TYPE:OS=COUNT to
    /// name it), or `auto` for the count per family and operating system that minimizes
    /// the total cost. Default with --strategy reserved or all: auto.
    #[arg(long, value_name = "TYPE[:OS]=COUNT|auto")]
    pub reserve: Vec<String>,
    #[command(flatten)]
    pub offer: OfferFlags,
}

/// The Spot and mixed strategies' flags, for commands that price them from the scenario.
#[derive(Debug, Clone, Copy, Args)]
#[command(next_help_heading = "Spot and mixed")]
pub struct SpotFlags {
    /// Mixed strategy: instances of each group launched On-Demand before any Spot
    /// (Auto Scaling's OnDemandBaseCapacity).
    #[arg(long = "on-demand-base", value_name = "N", default_value = "0")]
    pub on_demand_base: u64,
    /// Mixed strategy: percent of the capacity above the base launched On-Demand, the rest
    /// Spot, rounded in favour of On-Demand (Auto Scaling's
    /// OnDemandPercentageAboveBaseCapacity; its own default is 100, which would make the
    /// mixed row equal On-Demand).
    #[arg(long = "on-demand-above-base", value_name = "PCT", default_value = "50",
          value_parser = clap::value_parser!(u64).range(0..=100))]
    pub on_demand_above_base: u64,
    /// Where Spot interruptions come from: the scenario's `interrupt` rows; none (they
    /// become ordinary terminations); or `advisor` (simulate only), a seeded model drawing
    /// interruptions from each type's Spot Instance Advisor band (then `interrupt` rows are
    /// terminations).
    #[arg(long, value_enum, default_value = "scenario")]
    pub interruptions: Interruptions,
}

/// The Spot Instance Advisor model's flags (`--interruptions advisor`).
#[derive(Debug, Clone, Copy, Args)]
#[command(next_help_heading = "Spot and mixed")]
pub struct TrialFlags {
    /// Seed of the advisor model; the same seed gives the same output, byte for byte.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Run the advisor model N times (seeds N, N+1, …) on all cores and report p5/p50/p95.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub trials: Option<u64>,
    /// How long after an interruption the advisor model's replacement launches (default 2m).
    #[arg(long = "replace-after", value_name = "D", value_parser = parse_duration)]
    pub replace_after: Option<Seconds>,
}

impl TrialFlags {
    /// Two minutes: an Auto Scaling group's replacement after a Spot interruption.
    pub const DEFAULT_REPLACE_AFTER: Seconds = Seconds(120);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Interruptions {
    None,
    Scenario,
    Advisor,
}

/// The forms `simulate --out` writes its line items in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LineItemsArg {
    /// line_items.csv, for spreadsheets and the FOCUS validator.
    Csv,
    /// line_items.parquet, typed (decimals, UTC timestamps), for DuckDB, Spark and Athena.
    Parquet,
    /// Both files, from one pass over the items.
    Both,
}

impl LineItemsArg {
    pub fn csv(self) -> bool {
        matches!(self, LineItemsArg::Csv | LineItemsArg::Both)
    }

    pub fn parquet(self) -> bool {
        matches!(self, LineItemsArg::Parquet | LineItemsArg::Both)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    OnDemand,
    Reserved,
    Spot,
    Mixed,
    /// Every strategy this build can price, side by side.
    All,
}

fn parse_factor(text: &str) -> Result<rust_decimal::Decimal, String> {
    let value: rust_decimal::Decimal = text.trim().parse().map_err(|_| {
        format!(
            "{text:?} is not a number like 1.5",
            text = crate::location::excerpt(&text)
        )
    })?;
    if value <= rust_decimal::Decimal::ZERO || value > rust_decimal::Decimal::from(1000) {
        return Err(format!("{text} must be more than 0 and at most 1000"));
    }
    Ok(value)
}

/// A time flag: RFC 3339, or a bare date for the start of that day (UTC).
pub(super) fn parse_time(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse_date_or_time(text).map_err(|e| e.to_string())
}

fn parse_duration(text: &str) -> Result<Seconds, String> {
    Seconds::parse(text).map_err(|e| e.to_string())
}
