//! Command line: clap definitions and the glue from arguments to the library.
//!
//! Parses and checks flags, loads the catalog, runs the simulation and hands results to the
//! report writers. Prints nothing itself: `run` returns the text for standard output, and
//! `main` decides what reaches the terminal.

mod compare;
mod expand;
mod generate;
mod import;
mod input;
mod pricing_show;
mod progress;
mod recommend;
mod reserve;
mod simulate;

use crate::clock::{Seconds, Timestamp};
use crate::error::Error;
use crate::pricing::{Offering, Payment, Term};
use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "ec2plan",
    version,
    about = "Price an EC2 workload per second under each purchase option",
    long_about = "ec2plan replays a workload scenario (a CSV event log of launch, stop, start, \
hibernate, reboot, terminate rows) through the EC2 instance lifecycle and prices every second \
of it with real AWS prices: instance usage (per-second billing with the 60-second minimum, or \
per started hour where AWS bills hourly), EBS storage for every second a volume exists, and \
public IPv4 addresses.",
    after_help = "Example:\n  ec2plan simulate scenarios/web-fleet.csv\n  ec2plan simulate scenarios/dev-machines.csv --format csv --out report/"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay a scenario and print what it costs.
    Simulate(SimulateArgs),
    /// Recommend how many Reserved Instances to buy, per family, and say why.
    Recommend(SimulateArgs),
    /// Write the event log a desired-capacity schedule turns into; it ends with an `end` row
    /// at the schedule's end, so it replays to the same figures.
    Expand(ExpandArgs),
    /// Price several scenarios, or one scenario under several --set variants, side by side.
    Compare(CompareArgs),
    /// Write a large synthetic event log or schedule (deterministic per seed), for
    /// benchmarks and synthetic load.
    Generate(GenerateArgs),
    /// Work with the price catalog.
    #[command(subcommand)]
    Pricing(PricingCommand),
}

#[derive(Debug, Args)]
pub struct ExpandArgs {
    /// The desired-capacity schedule (time,group,desired,...); `-` reads standard input.
    pub schedule: PathBuf,
    /// Write the event log to FILE instead of standard output (all or nothing).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Where repeating rows stop and the replay ends: an RFC 3339 time, or a date
    /// (2026-03-31) meaning the start of that day, 00:00:00 UTC. Default the last row's
    /// time. The event log ends with an `end` row at it.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<Timestamp>,
    /// Region for groups that give none.
    #[arg(long, value_name = "R", default_value = "us-east-1")]
    pub region: String,
    /// A directory whose catalog CSV files replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub pricing: Option<PathBuf>,
    #[command(flatten)]
    pub what_if: WhatIf,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Instances in the event log (or at peak across the schedule's groups).
    #[arg(long, value_name = "N", default_value = "1000",
          value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub instances: u64,
    /// Days from --start the workload spans.
    #[arg(long, value_name = "D", default_value = "30",
          value_parser = clap::value_parser!(u32).range(1..=3_660))]
    pub days: u32,
    /// Seed: the same seed writes the same bytes.
    #[arg(long, value_name = "S", default_value = "1")]
    pub seed: u64,
    /// First possible row: an RFC 3339 time, or a date (the start of that day, UTC).
    #[arg(long, value_name = "TIME", default_value = "2026-01-01T00:00:00Z", value_parser = parse_time)]
    pub start: Timestamp,
    /// Region of every instance; types are the Linux types the catalog prices there.
    #[arg(long, value_name = "R", default_value = "us-east-1")]
    pub region: String,
    /// Write a desired-capacity schedule instead of an event log.
    #[arg(long)]
    pub schedule: bool,
    /// Write to FILE (all or nothing) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A directory whose catalog CSV files replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub pricing: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The scenarios to compare; the first is the baseline (`-` reads standard input).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// A what-if variant of every scenario: comma-separated [GROUP.]KEY=VALUE overrides,
    /// e.g. --variant "batch.interruptible=true,instance_type=m7g.large"; repeatable.
    /// The scenario as written is always the first row.
    #[arg(long, value_name = "SETS")]
    pub variant: Vec<String>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum PricingCommand {
    /// Import AWS's Price List offer files for Amazon EC2 (CSV form, one per region) and
    /// Spot price history dumps into catalog files that --pricing reads.
    ///
    /// Download a region's file from
    /// https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/REGION/index.csv
    /// (several GB; it is read as a stream). Keeps shared-tenancy, no-pre-installed-software,
    /// used-capacity On-Demand and Reserved prices, instance vCPU and memory, and EBS storage
    /// prices; writes instance_types.csv, on_demand.csv, reserved.csv and ebs.csv into DIR.
    /// A JSON file is read as `aws ec2 describe-spot-price-history` output and becomes
    /// spot_prices.csv.
    Import {
        /// The offer files to import (several regions may be given; they are merged).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write the catalog files (all or nothing).
        #[arg(long, value_name = "DIR", default_value = "ec2plan-pricing")]
        out: PathBuf,
    },
    /// Show what the price catalog knows about one instance type: vCPU and memory, its
    /// On-Demand and Spot prices and every reservation, each with its source and date.
    #[command(after_help = pricing_show::EXAMPLES)]
    Show(pricing_show::ShowArgs),
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

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The scenario: a CSV event log (time,instance,action,...) or a desired-capacity
    /// schedule (time,group,desired,...); `-` reads it from standard input.
    pub scenario: PathBuf,

    #[command(flatten)]
    pub run: RunArgs,
}

/// Everything about a run except which scenario.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Purchase option to price under.
    #[arg(long, value_enum, default_value = "all")]
    pub strategy: StrategyArg,

    /// How to print the summary on standard output.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Also write summary.csv, groups.csv, timeline.csv, line_items.csv (FOCUS 1.0),
    /// monthly.csv and the charts into DIR (all or nothing; simulate only). Line items are
    /// sorted through files staged beside DIR: allow free disk for twice line_items.csv.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// No progress line on standard error, even for a large scenario on a terminal.
    #[arg(long)]
    pub quiet: bool,

    /// Charge period of line_items.csv.
    #[arg(long, value_enum, default_value = "daily")]
    pub granularity: crate::clock::Period,

    /// End of the replay: an RFC 3339 time, or a date (2026-03-31) meaning the start of
    /// that day, 00:00:00 UTC. Instances still alive are billed up to it. Default: an
    /// event log's `end` row if it has one, else the last row's time.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<Timestamp>,

    /// Region for launch rows that leave `region` empty.
    #[arg(long, value_name = "R", default_value = "us-east-1")]
    pub region: String,

    /// A directory whose catalog CSV files replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub pricing: Option<PathBuf>,

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

    #[command(flatten)]
    pub reserve: ReserveFlags,

    #[command(flatten)]
    pub what_if: WhatIf,

    #[command(flatten)]
    pub later: LaterFlags,
}

/// The reserved strategy's flags.
#[derive(Debug, Args)]
pub struct ReserveFlags {
    /// Reserved Instances to hold for the whole replay: TYPE=COUNT, repeatable (regional,
    /// in --region, for the operating system the scenario runs TYPE on; TYPE:OS=COUNT to
    /// name it), or `auto` for the count per family and operating system that minimizes
    /// the total cost. Default with --strategy reserved or all: auto.
    #[arg(long, value_name = "TYPE[:OS]=COUNT|auto")]
    pub reserve: Vec<String>,
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

/// Flags of the CLI contract for strategies this build cannot price yet: accepted by the
/// parser so scripts written against the contract get a clear refusal, not "unknown flag".
#[derive(Debug, Args)]
pub struct LaterFlags {
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
    /// become ordinary terminations); or `advisor`, a seeded model drawing interruptions
    /// from each type's Spot Instance Advisor band (then `interrupt` rows are terminations).
    #[arg(long, value_enum, default_value = "scenario")]
    pub interruptions: Interruptions,
    /// Seed of the advisor model; the same seed gives the same output, byte for byte.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Run the advisor model N times (seeds N, N+1, …) on all cores and report p5/p50/p95.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub trials: Option<u64>,
    /// How long after an interruption the advisor model's replacement launches.
    #[arg(long = "replace-after", value_name = "D", default_value = "2m", value_parser = parse_duration)]
    pub replace_after: Seconds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Interruptions {
    None,
    Scenario,
    Advisor,
}

/// What-if questions without editing the file.
#[derive(Debug, Clone, Args)]
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
fn parse_time(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse_date_or_time(text).map_err(|e| e.to_string())
}

fn parse_duration(text: &str) -> Result<Seconds, String> {
    Seconds::parse(text).map_err(|e| e.to_string())
}

/// What a command prints: its report for standard output, and notes for standard error,
/// those the report's format has no place for (a CSV summary has no room for sentences, and
/// a note such as "Spot was priced at the regional average" must not be lost).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printed {
    pub stdout: String,
    pub notes: Vec<String>,
}

impl From<String> for Printed {
    fn from(stdout: String) -> Printed {
        Printed {
            stdout,
            notes: Vec::new(),
        }
    }
}

/// Runs a parsed command line; returns what goes to standard output and standard error.
pub fn run(cli: Cli) -> Result<Printed, Error> {
    let inputs: Vec<&std::path::Path> = match &cli.command {
        Command::Simulate(args) | Command::Recommend(args) => vec![&args.scenario],
        Command::Expand(args) => vec![&args.schedule],
        Command::Compare(args) => args.scenarios.iter().map(PathBuf::as_path).collect(),
        Command::Pricing(PricingCommand::Import { files, .. }) => {
            files.iter().map(PathBuf::as_path).collect()
        }
        _ => Vec::new(),
    };
    inputs.into_iter().try_for_each(refuse_directory)?;
    match cli.command {
        Command::Simulate(args) => simulate::run(&args),
        Command::Recommend(args) => recommend::run(&args).map(Printed::from),
        Command::Expand(args) => expand::run(&args).map(Printed::from),
        Command::Compare(args) => compare::run(&args),
        Command::Generate(args) => generate::run(&args).map(Printed::from),
        Command::Pricing(PricingCommand::Import { files, out }) => {
            import::run(&files, &out).map(Printed::from)
        }
        Command::Pricing(PricingCommand::Show(args)) => pricing_show::run(&args).map(Printed::from),
    }
}

/// A directory where a file is expected cannot be read as one: exit 4, like a missing file.
fn refuse_directory(path: &std::path::Path) -> Result<(), Error> {
    if path.is_dir() {
        return Err(Error::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other("it is a directory, not a file"),
        });
    }
    Ok(())
}
