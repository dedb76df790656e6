//! Command line: clap definitions and the glue from arguments to the library.
//!
//! Parses and checks flags, loads the catalog, runs the simulation and hands results to the
//! report writers. Prints nothing itself: `run` returns the text for standard output, and
//! `main` decides what reaches the terminal.
//!
//! Each command's arguments are its own struct, built from the small groups of shared flags
//! in `flags` plus the flags only it has, so a command accepts exactly what it reads; each
//! `--help` ends with examples that run from the repository (a test runs them all).

mod compare;
mod expand;
mod flags;
mod generate;
mod import;
mod input;
mod manual;
mod pricing_show;
mod progress;
mod recommend;
mod reserve;
mod scenario_cmd;
mod simulate;

pub use flags::{
    CatalogFlags, Interruptions, LineItemsArg, OfferFlags, ReplayFlags, ReserveFlags, SpotFlags,
    StrategyArg, TrialFlags, WhatIf,
};

use crate::clock::Timestamp;
use crate::error::Error;
use crate::report::Format;
use clap::{Args, Parser, Subcommand};
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
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// `ec2plan --help` examples (run from the repository, where scenarios/ is).
const EXAMPLES: &str = "Examples:
  ec2plan simulate scenarios/web-fleet.csv
  ec2plan recommend scenarios/quarter-plan.csv
  ec2plan simulate scenarios/dev-machines.csv -f csv -o report/";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay a scenario and print what it costs under each purchase option.
    #[command(after_help = SIMULATE_EXAMPLES)]
    Simulate(SimulateArgs),
    /// Recommend how many Reserved Instances to buy, per family, and say why.
    #[command(after_help = RECOMMEND_EXAMPLES)]
    Recommend(RecommendArgs),
    /// Write the event log a desired-capacity schedule turns into; it ends with an `end` row
    /// at the schedule's end, so it replays to the same figures.
    #[command(after_help = EXPAND_EXAMPLES)]
    Expand(ExpandArgs),
    /// Price several scenarios, or one scenario under several --variant overrides, side by
    /// side.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
    /// Write a large synthetic event log or schedule (deterministic per seed), for
    /// benchmarks and synthetic load.
    #[command(after_help = GENERATE_EXAMPLES)]
    Generate(GenerateArgs),
    /// Work with the price catalog.
    #[command(subcommand)]
    Pricing(PricingCommand),
    /// Write a shell completion script to standard output.
    #[command(after_help = manual::COMPLETIONS_EXAMPLES)]
    Completions(manual::CompletionsArgs),
    /// Write the manual page ec2plan(1) to standard output, or every page (one per
    /// command) into a directory.
    #[command(after_help = manual::MAN_EXAMPLES)]
    Man(manual::ManArgs),
    /// Write a scenario from what ran (CloudTrail records or a usage export).
    #[command(subcommand)]
    Scenario(scenario_cmd::ScenarioCommand),
}

const SIMULATE_EXAMPLES: &str = "Examples:
  ec2plan simulate scenarios/web-fleet.csv
  ec2plan simulate scenarios/nightly-batch.csv --strategy spot -f csv
  ec2plan simulate scenarios/quarter-plan.csv --groups 2 --reserve m7i.large=4
  ec2plan simulate scenarios/dev-machines.csv -q -o report/";

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The scenario: a CSV event log (time,instance,action,...) or a desired-capacity
    /// schedule (time,group,desired,...); `-` reads it from standard input.
    pub scenario: PathBuf,

    /// Purchase option to price under.
    #[arg(long, value_enum, default_value = "all")]
    pub strategy: StrategyArg,

    /// How to print the summary on standard output: table (for people), csv or json (every
    /// group, money without thousands separators).
    #[arg(short = 'f', long, value_enum, default_value = "table")]
    pub format: Format,

    /// The table's group breakdown shows each strategy's N costliest groups and one
    /// "other groups" row adding up the rest (table only; CSV, JSON and --out keep every
    /// group).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub groups: Option<u64>,

    /// Also write summary.csv, groups.csv, timeline.csv, line_items.csv (FOCUS 1.0; see
    /// --line-items), monthly.csv and the charts into DIR (all or nothing). Line items are
    /// sorted through files staged beside DIR: allow free disk for twice line_items.csv.
    #[arg(short = 'o', long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Charge period of --out's line items.
    #[arg(long, value_enum, default_value = "daily", requires = "out")]
    pub granularity: crate::clock::Period,

    /// The form of --out's FOCUS line items: line_items.csv, line_items.parquet (decimal
    /// costs and quantities, UTC timestamps; DuckDB, Spark and Athena read it directly), or
    /// both.
    #[arg(long, value_enum, default_value = "csv", requires = "out")]
    pub line_items: LineItemsArg,

    /// No progress line on standard error, even for a large scenario on a terminal.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    #[command(flatten)]
    pub catalog: CatalogFlags,

    #[command(flatten)]
    pub replay: ReplayFlags,

    #[command(flatten)]
    pub what_if: WhatIf,

    #[command(flatten)]
    pub reserve: ReserveFlags,

    #[command(flatten)]
    pub spot: SpotFlags,

    #[command(flatten)]
    pub trials: TrialFlags,
}

const RECOMMEND_EXAMPLES: &str = "Examples:
  ec2plan recommend scenarios/quarter-plan.csv
  ec2plan recommend scenarios/web-fleet.csv --term 3yr --payment no-upfront -f csv
  ec2plan recommend scenarios/quarter-plan.csv -o plan/";

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// The scenario: a CSV event log (time,instance,action,...) or a desired-capacity
    /// schedule (time,group,desired,...); `-` reads it from standard input.
    pub scenario: PathBuf,

    /// How to print the recommendation on standard output: table (for people), csv or json
    /// (money without thousands separators).
    #[arg(short = 'f', long, value_enum, default_value = "table")]
    pub format: Format,

    /// Also write recommendation.csv (the rows --format csv prints) and one chart per pool,
    /// reservations_REGION[_OS]_POOL.png (total cost against the count), into DIR (all or
    /// nothing; DIR then holds this run's report only).
    #[arg(short = 'o', long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// No progress line on standard error, even for a large scenario on a terminal.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    #[command(flatten)]
    pub catalog: CatalogFlags,

    #[command(flatten)]
    pub replay: ReplayFlags,

    #[command(flatten)]
    pub what_if: WhatIf,

    #[command(flatten)]
    pub offer: OfferFlags,
}

const EXPAND_EXAMPLES: &str = "Examples:
  ec2plan expand scenarios/dev-office-hours.csv
  ec2plan expand scenarios/nightly-batch.csv --scale 2 -o nightly-events.csv";

#[derive(Debug, Args)]
pub struct ExpandArgs {
    /// The desired-capacity schedule (time,group,desired,...); `-` reads standard input.
    pub schedule: PathBuf,
    /// Write the event log to FILE instead of standard output (all or nothing).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Where repeating rows stop and the replay ends: an RFC 3339 time, or a date
    /// (2026-03-31) meaning the start of that day, 00:00:00 UTC. Default the last row's
    /// time. The event log ends with an `end` row at it.
    #[arg(long, value_name = "TIME", value_parser = flags::parse_time)]
    pub until: Option<Timestamp>,
    #[command(flatten)]
    pub catalog: CatalogFlags,
    #[command(flatten)]
    pub what_if: WhatIf,
}

const GENERATE_EXAMPLES: &str = "Examples:
  ec2plan generate --instances 400 --days 7 -o fleet.csv
  ec2plan generate --instances 50 --days 30 --schedule --seed 7";

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
    #[arg(long, value_name = "TIME", default_value = "2026-01-01T00:00:00Z", value_parser = flags::parse_time)]
    pub start: Timestamp,
    /// Region of every instance; types are the Linux types the catalog prices there.
    #[arg(long, value_name = "R", default_value = "us-east-1")]
    pub region: String,
    /// Write a desired-capacity schedule instead of an event log.
    #[arg(long)]
    pub schedule: bool,
    /// Write to FILE (all or nothing) instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A directory whose catalog CSV files replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub pricing: Option<PathBuf>,
}

const COMPARE_EXAMPLES: &str = "Examples:
  ec2plan compare scenarios/dev-machines.csv scenarios/hibernating-dev.csv
  ec2plan compare scenarios/web-fleet.csv --variant instance_type=m7i.large --strategy on-demand
  ec2plan compare scenarios/nightly-batch.csv --variant batch.interruptible=false -f csv";

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

    /// Purchase option to price under.
    #[arg(long, value_enum, default_value = "all")]
    pub strategy: StrategyArg,

    /// How to print the comparison on standard output: table (for people), csv or json
    /// (money without thousands separators).
    #[arg(short = 'f', long, value_enum, default_value = "table")]
    pub format: Format,

    #[command(flatten)]
    pub catalog: CatalogFlags,

    #[command(flatten)]
    pub replay: ReplayFlags,

    #[command(flatten)]
    pub what_if: WhatIf,

    #[command(flatten)]
    pub reserve: ReserveFlags,

    #[command(flatten)]
    pub spot: SpotFlags,
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
    #[command(after_help = IMPORT_EXAMPLES)]
    Import {
        /// The offer files to import (several regions may be given; they are merged).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write the catalog files (all or nothing).
        #[arg(
            short = 'o',
            long,
            value_name = "DIR",
            default_value = "ec2plan-pricing"
        )]
        out: PathBuf,
    },
    /// Show what the price catalog knows about one instance type: vCPU and memory, its
    /// On-Demand and Spot prices and every reservation, each with its source and date.
    #[command(after_help = pricing_show::EXAMPLES)]
    Show(pricing_show::ShowArgs),
}

/// Offer-file excerpts kept in the repository stand in for the multi-gigabyte downloads.
const IMPORT_EXAMPLES: &str = "Examples (with the excerpts kept in the repository's tests/data):
  ec2plan pricing import tests/data/offer/us-east-1.csv -o my-prices
  ec2plan pricing import tests/data/spot/orf-spot-prices-c6i.2xlarge-eu-west-1-2026-01-16.json -o spot-prices";

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
        Command::Simulate(args) => vec![&args.scenario],
        Command::Recommend(args) => vec![&args.scenario],
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
        Command::Recommend(args) => recommend::run(&args),
        Command::Expand(args) => expand::run(&args).map(Printed::from),
        Command::Compare(args) => compare::run(&args),
        Command::Generate(args) => generate::run(&args).map(Printed::from),
        Command::Pricing(PricingCommand::Import { files, out }) => {
            import::run(&files, &out).map(Printed::from)
        }
        Command::Pricing(PricingCommand::Show(args)) => pricing_show::run(&args).map(Printed::from),
        Command::Completions(args) => Ok(manual::completions(&args).into()),
        Command::Man(args) => manual::man(&args).map(Printed::from),
        Command::Scenario(command) => scenario_cmd::run(&command),
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
