//! Command line: clap definitions and the glue from arguments to the library.
//!
//! Parses and checks flags, loads the catalog, runs the simulation and hands results to the
//! report writers. Prints nothing itself: `run` returns the text for standard output, and
//! `main` decides what reaches the terminal.

use crate::clock::{Seconds, Timestamp};
use crate::error::Error;
use crate::lifecycle::Timings;
use crate::location::{closest_names, did_you_mean};
use crate::pricing::Catalog;
use crate::report::{Format, OutputDir, Summary, TimelineWriter};
use crate::scenario::{Defaults, EventReader};
use crate::simulation::{simulate, NoTimeline, Options, Outcome};
use crate::strategy::Strategy;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

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
    /// Recommend how many Reserved Instances to buy (not available yet).
    Recommend(SimulateArgs),
    /// Work with the price catalog.
    #[command(subcommand)]
    Pricing(PricingCommand),
}

#[derive(Debug, Subcommand)]
pub enum PricingCommand {
    /// Import AWS Price List offer files or Spot price history (not available yet).
    Import {
        /// The files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
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
    /// The scenario: a CSV event log (time,instance,action,instance_type,...).
    pub scenario: PathBuf,

    /// Purchase option to price under.
    #[arg(long, value_enum, default_value = "all")]
    pub strategy: StrategyArg,

    /// How to print the summary on standard output.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Also write summary.csv, groups.csv and timeline.csv into DIR (all or nothing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// End of the replay (RFC 3339); instances still alive are billed up to it.
    /// Default: the last row's time.
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
    pub later: LaterFlags,
}

/// Flags of the CLI contract for strategies this build cannot price yet: accepted by the
/// parser so scripts written against the contract get a clear refusal, not "unknown flag".
#[derive(Debug, Args)]
pub struct LaterFlags {
    /// Reserved Instances to hold: TYPE=COUNT (repeatable) or auto (reserved strategy).
    #[arg(long, value_name = "TYPE=COUNT")]
    pub reserve: Vec<String>,
    /// Reservation term: 1yr or 3yr.
    #[arg(long)]
    pub term: Option<String>,
    /// Reservation offering class: standard or convertible.
    #[arg(long)]
    pub offering: Option<String>,
    /// Reservation payment: no-upfront, partial-upfront or all-upfront.
    #[arg(long)]
    pub payment: Option<String>,
    /// Instances of each group launched On-Demand before any Spot (mixed strategy).
    #[arg(long = "on-demand-base", value_name = "N")]
    pub on_demand_base: Option<String>,
    /// Percent of capacity above the base launched On-Demand (mixed strategy).
    #[arg(long = "on-demand-above-base", value_name = "PCT")]
    pub on_demand_above_base: Option<String>,
    /// Where Spot interruptions come from: none, scenario or advisor.
    #[arg(long)]
    pub interruptions: Option<String>,
    /// Seed of the interruption model.
    #[arg(long)]
    pub seed: Option<String>,
    /// Number of seeded trials.
    #[arg(long)]
    pub trials: Option<String>,
    /// What-if override of an attribute column: KEY=VALUE or GROUP.KEY=VALUE.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

fn parse_time(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text).map_err(|e| e.to_string())
}

fn parse_duration(text: &str) -> Result<Seconds, String> {
    Seconds::parse(text).map_err(|e| e.to_string())
}

/// Runs a parsed command line; returns what goes to standard output.
pub fn run(cli: Cli) -> Result<String, Error> {
    match cli.command {
        Command::Simulate(args) => run_simulate(&args),
        Command::Recommend(_) => Err(not_yet(
            "ec2plan recommend (Reserved Instance recommendations)",
        )),
        Command::Pricing(PricingCommand::Import { .. }) => Err(not_yet("ec2plan pricing import")),
    }
}

fn not_yet(what: &str) -> Error {
    Error::Usage(format!(
        "{what} is not available in this version of ec2plan yet"
    ))
}

fn run_simulate(args: &SimulateArgs) -> Result<String, Error> {
    check_strategy(args)?;
    let catalog = match &args.pricing {
        Some(dir) => Catalog::with_overrides(dir)?,
        None => Catalog::embedded()?,
    };
    check_region(&catalog, &args.region)?;
    let options = Options {
        timings: Timings {
            pending: args.pending,
            stopping: args.stopping,
            hibernating: args.hibernating,
            shutting_down: args.shutting_down,
        },
        until: args.until,
    };
    let label = args.scenario.display().to_string();
    let file = File::open(&args.scenario).map_err(|source| Error::Read {
        path: args.scenario.clone(),
        source,
    })?;
    let defaults = Defaults {
        region: args.region.clone(),
    };
    let mut reader = EventReader::new(&label, BufReader::new(file), &catalog, defaults)?;
    let (outcome, out) = match &args.out {
        Some(dir) => simulate_into(dir, &mut reader, &catalog, &options)?,
        None => (
            simulate(&mut reader, &catalog, &options, &mut NoTimeline)?,
            None,
        ),
    };
    let summary = Summary::new(&label, &outcome)?;
    if let Some(mut out) = out {
        out.write("summary.csv", summary.csv().as_bytes())?;
        out.write("groups.csv", summary.groups_csv().as_bytes())?;
        out.commit()?;
    }
    Ok(summary.render(args.format))
}

/// Simulates with the timeline streamed into a staged `timeline.csv`.
fn simulate_into<R: std::io::Read>(
    dir: &Path,
    reader: &mut EventReader<R>,
    catalog: &Catalog,
    options: &Options,
) -> Result<(Outcome, Option<OutputDir>), Error> {
    let mut out = OutputDir::create(dir)?;
    let path = out.path("timeline.csv");
    let file = File::create(&path).map_err(|e| Error::write(dir.join("timeline.csv"), e))?;
    let mut timeline =
        TimelineWriter::new(std::io::BufWriter::new(file), dir.join("timeline.csv"))?;
    let outcome = simulate(reader, catalog, options, &mut timeline)?;
    timeline.finish()?;
    Ok((outcome, Some(out)))
}

fn check_strategy(args: &SimulateArgs) -> Result<(), Error> {
    let wanted = match args.strategy {
        StrategyArg::OnDemand | StrategyArg::All => None,
        StrategyArg::Reserved => Some(Strategy::Reserved),
        StrategyArg::Spot => Some(Strategy::Spot),
        StrategyArg::Mixed => Some(Strategy::Mixed),
    };
    if let Some(strategy) = wanted.filter(|s| !s.is_available()) {
        return Err(not_yet(&format!("--strategy {strategy}")));
    }
    let later = &args.later;
    let given = [
        ("--reserve", !later.reserve.is_empty()),
        ("--term", later.term.is_some()),
        ("--offering", later.offering.is_some()),
        ("--payment", later.payment.is_some()),
        ("--on-demand-base", later.on_demand_base.is_some()),
        (
            "--on-demand-above-base",
            later.on_demand_above_base.is_some(),
        ),
        ("--interruptions", later.interruptions.is_some()),
        ("--seed", later.seed.is_some()),
        ("--trials", later.trials.is_some()),
        ("--set", !later.set.is_empty()),
    ];
    match given.iter().find(|(_, present)| *present) {
        Some((flag, _)) => Err(not_yet(flag)),
        None => Ok(()),
    }
}

fn check_region(catalog: &Catalog, region: &str) -> Result<(), Error> {
    if catalog.has_region(region) {
        return Ok(());
    }
    let hint = did_you_mean(&closest_names(region, catalog.region_names()));
    let known: Vec<&str> = catalog.region_names().collect();
    Err(Error::Usage(format!(
        "--region {region:?} is not in the price catalog{hint} (it prices {})",
        known.join(", ")
    )))
}
