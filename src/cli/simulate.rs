//! `ec2plan simulate`: replay, price, report.

use super::reserve::reserved_plan;
use super::{not_yet, SimulateArgs, StrategyArg};
use crate::error::Error;
use crate::lifecycle::Timings;
use crate::location::{closest_names, did_you_mean};
use crate::pricing::Catalog;
use crate::report::{OutputDir, Summary, TimelineWriter};
use crate::scenario::{Defaults, EventReader};
use crate::simulation::{simulate, NoTimeline, Options, Outcome};
use crate::strategy::Strategy;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

pub fn run(args: &SimulateArgs) -> Result<String, Error> {
    check_later_flags(args)?;
    let catalog = load_catalog(args)?;
    let (reserved, note) = reserved_plan(args, &catalog)?;
    let options = options(args, reserved);
    let label = args.scenario.display().to_string();
    let mut reader = open_scenario(args, &catalog)?;
    let (mut outcome, out) = match &args.out {
        Some(dir) => simulate_into(dir, &mut reader, &catalog, &options)?,
        None => (
            simulate(&mut reader, &catalog, &options, &mut NoTimeline)?,
            None,
        ),
    };
    keep_requested(&mut outcome, args.strategy);
    let mut summary = Summary::new(&label, &outcome)?;
    summary.notes.extend(note);
    if let Some(mut out) = out {
        out.write("summary.csv", summary.csv().as_bytes())?;
        out.write("groups.csv", summary.groups_csv().as_bytes())?;
        out.commit()?;
    }
    Ok(summary.render(args.format))
}

pub(super) fn load_catalog(args: &SimulateArgs) -> Result<Catalog, Error> {
    let catalog = match &args.pricing {
        Some(dir) => Catalog::with_overrides(dir)?,
        None => Catalog::embedded()?,
    };
    check_region(&catalog, &args.region)?;
    Ok(catalog)
}

pub(super) fn options(
    args: &SimulateArgs,
    reserved: Option<crate::simulation::ReservedPlan>,
) -> Options {
    Options {
        timings: Timings {
            pending: args.pending,
            stopping: args.stopping,
            hibernating: args.hibernating,
            shutting_down: args.shutting_down,
        },
        until: args.until,
        reserved,
    }
}

pub(super) fn open_scenario<'c>(
    args: &SimulateArgs,
    catalog: &'c Catalog,
) -> Result<EventReader<'c, BufReader<File>>, Error> {
    let label = args.scenario.display().to_string();
    let file = File::open(&args.scenario).map_err(|source| Error::Read {
        path: args.scenario.clone(),
        source,
    })?;
    let defaults = Defaults {
        region: args.region.clone(),
    };
    Ok(EventReader::new(
        &label,
        BufReader::new(file),
        catalog,
        defaults,
    )?)
}

/// Drops the baseline rows the user did not ask for (On-Demand is always computed, since
/// every other strategy is measured against it).
fn keep_requested(outcome: &mut Outcome, wanted: StrategyArg) {
    let keep = match wanted {
        StrategyArg::OnDemand => Some(Strategy::OnDemand),
        StrategyArg::Reserved => Some(Strategy::Reserved),
        _ => None,
    };
    if let Some(keep) = keep {
        outcome.ledgers.retain(|(s, _)| *s == keep);
    }
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

fn check_later_flags(args: &SimulateArgs) -> Result<(), Error> {
    let wanted = match args.strategy {
        StrategyArg::Spot => Some(Strategy::Spot),
        StrategyArg::Mixed => Some(Strategy::Mixed),
        _ => None,
    };
    if let Some(strategy) = wanted.filter(|s| !s.is_available()) {
        return Err(not_yet(&format!("--strategy {strategy}")));
    }
    let later = &args.later;
    let given = [
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
