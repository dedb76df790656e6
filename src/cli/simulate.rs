//! `ec2plan simulate`: replay, price, report.

use super::input::{Opened, ScenarioInput};
use super::progress::Progress;
use super::reserve::reserved_plan;
use super::{
    CatalogFlags, Interruptions, ReplayFlags, SimulateArgs, SpotFlags, StrategyArg, TrialFlags,
    WhatIf,
};
use crate::error::Error;
use crate::lifecycle::Timings;
use crate::location::{closest_names, did_you_mean};
use crate::pricing::Catalog;
use crate::report::charts::draw_all;
use crate::report::finance::{
    FinanceError, ItemFiles, LineItemFile, LineItemStream, ITEMS_PER_RUN,
};
use crate::report::focus::{monthly_csv, Reservations};
use crate::report::{OutputDir, Summary, TimelineWriter};
use crate::scenario::{
    Defaults, EventReader, EventSource, Kind, Overrides, Scaling, ScheduleReader,
};
use crate::simulation::{simulate, simulate_with, NoTimeline, Options, Outcome};
use crate::strategy::allocation::allocate;
use crate::strategy::market::{Distribution, MarketAssigner};
use crate::strategy::Strategy;
use crate::trials::{self, TrialPlan};
use std::fs::File;
use std::path::Path;

pub fn run(args: &SimulateArgs) -> Result<super::Printed, Error> {
    check_trial_flags(&args.spot, &args.trials)?;
    check_groups(args)?;
    let catalog = load_catalog(&args.catalog)?;
    let (reserved, note) = reserved_plan(args.strategy, &args.reserve, &args.catalog, &catalog)?;
    let options = options(&args.replay, reserved);
    let (mut options, spot_note) = spot_options(args.strategy, &args.spot, &catalog, options)?;
    let trial_plan = trial_plan(args, &mut options);
    let input = ScenarioInput::new(&args.scenario, trial_plan.is_some())?;
    let label = input.label.clone();
    let reading = reading(args);
    let (source, progress) = open_with_progress(&reading, &input, &catalog, args.quiet)?;
    let mut reader = with_markets(source, &catalog, args.spot.interruptions, &mut options);
    let (mut outcome, staged) = match &args.out {
        Some(dir) => {
            let itemize = Itemize {
                label: &label,
                period: args.granularity,
                strategies: itemized(args.strategy, &options),
            };
            let (outcome, staged) =
                simulate_into(dir, reader.as_mut(), &catalog, &options, itemize)?;
            (outcome, Some(staged))
        }
        None => (
            simulate(reader.as_mut(), &catalog, &options, &mut NoTimeline)?,
            None,
        ),
    };
    let bands = match trial_plan {
        Some(plan) => {
            let opener = || open_source(&input, &reading, &catalog);
            let trials = trials::run(&opener, &catalog, &options, plan)?;
            let bands = trials::bands(&trials)?;
            for band in bands.iter().rev() {
                outcome
                    .ledgers
                    .insert(1, (band.strategy, band.median.clone()));
            }
            // The trials' replays price Spot; the main one did not, so their notes say how.
            for note in trials
                .first()
                .map(|t| t.notes.as_slice())
                .unwrap_or_default()
            {
                if !outcome.notes.contains(note) {
                    outcome.notes.push(note.clone());
                }
            }
            Some((plan, bands, trials::chart_bands(&trials)))
        }
        None => None,
    };
    drop(progress);
    keep_requested(&mut outcome, args.strategy);
    let mut summary = Summary::new(&label, &outcome)?;
    summary.notes.extend(note);
    summary.notes.extend(spot_note);
    if let Some((plan, bands, _)) = &bands {
        summary.set_bands(plan.trials, plan.seed, bands);
    }
    if let Some(Staged { mut out, items }) = staged {
        out.write("summary.csv", summary.csv().as_bytes())?;
        if !summary.notes.is_empty() {
            out.write("notes.txt", notes_text(&summary.notes).as_bytes())?;
        }
        out.write("groups.csv", summary.groups_csv().as_bytes())?;
        if bands.is_some() {
            out.write("bands.csv", summary.bands_csv().as_bytes())?;
            // spot_bands.png is drawn with the other charts, beside On-Demand's cost.
            // Line items follow one replay; the trials have many, summarized in bands.csv.
            outcome
                .ledgers
                .retain(|(s, _)| !matches!(s, Strategy::Spot | Strategy::Mixed));
        }
        let written = Written {
            label: &label,
            quiet: args.quiet,
            forms: args.line_items,
        };
        let chart_bands = bands.as_ref().map(|(_, _, b)| b.as_slice());
        write_finance(&mut out, written, &outcome, &catalog, (items, chart_bands))?;
        out.commit()?;
    }
    let groups = args
        .groups
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    Ok(printed(
        summary.render_with(args.format, groups),
        args.format,
        &summary.notes,
    ))
}

/// The report, with its notes for standard error when its format cannot hold them (CSV;
/// the table and JSON show them).
pub(super) fn printed(
    stdout: String,
    format: crate::report::Format,
    notes: &[String],
) -> super::Printed {
    let notes = match format {
        crate::report::Format::Csv => notes.to_vec(),
        _ => Vec::new(),
    };
    super::Printed { stdout, notes }
}

/// `notes.txt` of `--out`: one note a line, as the table shows them.
fn notes_text(notes: &[String]) -> String {
    notes.iter().map(|n| format!("note: {n}\n")).collect()
}

/// `--groups` shortens the table; CSV and JSON keep every group, so it would change nothing
/// there, and a flag that changes nothing is refused rather than ignored.
fn check_groups(args: &SimulateArgs) -> Result<(), Error> {
    let format = match args.format {
        crate::report::Format::Table => return Ok(()),
        crate::report::Format::Csv => "csv",
        crate::report::Format::Json => "json",
    };
    match args.groups {
        Some(n) => Err(Error::Usage(format!(
            "--groups {n} shortens the table, and --format {format} keeps every group; \
             leave out --groups or print the table"
        ))),
        None => Ok(()),
    }
}

pub(super) fn load_catalog(flags: &CatalogFlags) -> Result<Catalog, Error> {
    let catalog = match &flags.pricing {
        Some(dir) => Catalog::with_overrides(dir)?,
        None => Catalog::embedded()?,
    };
    check_region(&catalog, &flags.region)?;
    Ok(catalog)
}

pub(super) fn options(
    replay: &ReplayFlags,
    reserved: Option<crate::simulation::ReservedPlan>,
) -> Options {
    Options {
        timings: Timings {
            pending: replay.pending,
            stopping: replay.stopping,
            hibernating: replay.hibernating,
            shutting_down: replay.shutting_down,
        },
        until: replay.until,
        reserved,
        // `--out` takes the charges as they come (`simulate_into`), not kept in the outcome.
        keep_charges: false,
        spot: false,
        mixed: None,
        skip_on_demand: false,
        same_thread: false,
        spot_paths: None,
    }
}

/// How a scenario is read: the region its rows default to, where the replay ends, and the
/// what-if overrides.
pub(super) struct Reading<'a> {
    pub region: &'a str,
    pub until: Option<crate::clock::Timestamp>,
    pub what_if: &'a WhatIf,
}

fn reading(args: &SimulateArgs) -> Reading<'_> {
    Reading {
        region: &args.catalog.region,
        until: args.replay.until,
        what_if: &args.what_if,
    }
}

/// Opens the scenario as an event log or a schedule, as its header says.
pub(super) fn open_source<'c>(
    input: &ScenarioInput,
    reading: &Reading,
    catalog: &'c Catalog,
) -> Result<Box<dyn EventSource + 'c>, Error> {
    let defaults = defaults(reading.region, reading.what_if, catalog)?;
    let opened = input.open()?;
    source_of(
        input,
        opened,
        (reading.until, reading.what_if),
        catalog,
        defaults,
    )
}

/// The reader for an opened scenario, by its kind.
fn source_of<'c>(
    input: &ScenarioInput,
    opened: Opened,
    (until, what_if): (Option<crate::clock::Timestamp>, &WhatIf),
    catalog: &'c Catalog,
    defaults: Defaults,
) -> Result<Box<dyn EventSource + 'c>, Error> {
    if opened.kind == Some(Kind::Schedule) {
        let scaling = Scaling {
            factor: what_if.scale,
            until,
        };
        let reader = ScheduleReader::new(&input.label, opened.stream, catalog, defaults, &scaling)?;
        return Ok(Box::new(reader));
    }
    if what_if.scale.is_some() {
        return Err(Error::Usage(
            "--scale multiplies the desired capacity of a schedule; this scenario is an event log"
                .into(),
        ));
    }
    defaults.overrides.for_event_log().map_err(Error::Usage)?;
    Ok(Box::new(EventReader::new(
        &input.label,
        opened.stream,
        catalog,
        defaults,
    )?))
}

/// Opens an event log read through a progress line (schedules are read whole, and fast).
pub(super) fn open_with_progress<'c>(
    reading: &Reading,
    input: &ScenarioInput,
    catalog: &'c Catalog,
    quiet: bool,
) -> Result<(Box<dyn EventSource + 'c>, Option<Progress>), Error> {
    let defaults = defaults(reading.region, reading.what_if, catalog)?;
    let opened = input.open()?;
    let run = (reading.until, reading.what_if);
    if opened.kind == Some(Kind::Schedule) || reading.what_if.scale.is_some() || opened.size == 0 {
        return Ok((source_of(input, opened, run, catalog, defaults)?, None));
    }
    let (counting, progress) = Progress::start(opened.stream, &input.label, opened.size, quiet);
    let opened = Opened {
        stream: Box::new(counting),
        ..opened
    };
    let reader = source_of(input, opened, run, catalog, defaults)?;
    Ok((reader, Some(progress)))
}

fn defaults(region: &str, what_if: &WhatIf, catalog: &Catalog) -> Result<Defaults, Error> {
    Ok(Defaults {
        region: region.to_string(),
        overrides: Overrides::parse(&what_if.set, catalog).map_err(Error::Usage)?,
    })
}

/// Which Spot strategies to meter: those asked for, if the catalog has Spot prices (a
/// history or regional averages).
pub(super) fn spot_options(
    strategy: StrategyArg,
    flags: &SpotFlags,
    catalog: &Catalog,
    mut options: Options,
) -> Result<(Options, Option<String>), Error> {
    let (spot, mixed) = match strategy {
        StrategyArg::Spot => (true, false),
        StrategyArg::Mixed => (false, true),
        StrategyArg::All => (true, true),
        _ => (false, false),
    };
    if !(spot || mixed) {
        return Ok((options, None));
    }
    if !catalog.has_spot_prices() {
        let problem = "the price catalog has no Spot prices (no regional Spot averages and no Spot price history); \
                       add spot_average.csv or spot_prices.csv to a --pricing directory, \
                       or import `aws ec2 describe-spot-price-history` output with `ec2plan pricing import`";
        if strategy == StrategyArg::All {
            return Ok((
                options,
                Some(format!("spot and mixed: not priced, because {problem}")),
            ));
        }
        return Err(Error::Usage(problem.to_string()));
    }
    options.spot = spot;
    options.mixed = mixed.then_some(Distribution {
        base: flags.on_demand_base,
        above_base_pct: flags.on_demand_above_base,
    });
    Ok((options, None))
}

/// With `--interruptions advisor`, the Spot strategies come from seeded trials instead of
/// the main replay, which then prices On-Demand (and reservations) only.
fn trial_plan(args: &SimulateArgs, options: &mut Options) -> Option<TrialPlan> {
    if args.spot.interruptions != Interruptions::Advisor
        || !(options.spot || options.mixed.is_some())
    {
        return None;
    }
    let plan = TrialPlan {
        trials: args.trials.trials.unwrap_or(1),
        seed: args.trials.seed.unwrap_or(1),
        replace_after: args
            .trials
            .replace_after
            .unwrap_or(TrialFlags::DEFAULT_REPLACE_AFTER),
        until: args.replay.until,
        spot: options.spot,
        mixed: options.mixed,
        daily: args.out.is_some(),
    };
    options.spot = false;
    options.mixed = None;
    Some(plan)
}

/// Sets each launch's Spot and mixed markets when those strategies are metered.
pub(super) fn with_markets<'a>(
    source: Box<dyn EventSource + 'a>,
    catalog: &'a Catalog,
    interruptions: Interruptions,
    options: &mut Options,
) -> Box<dyn EventSource + 'a> {
    if !options.spot && options.mixed.is_none() && interruptions != Interruptions::None {
        return source;
    }
    let distribution = options.mixed.unwrap_or_default();
    let mut assigner = MarketAssigner::new(source, catalog, distribution);
    assigner.interruptions_as_terminations = interruptions == Interruptions::None;
    Box::new(assigner)
}

/// Drops the baseline rows the user did not ask for (On-Demand is always computed, since
/// every other strategy is measured against it).
pub(super) fn keep_requested(outcome: &mut Outcome, wanted: StrategyArg) {
    if let Some(keep) = requested(wanted) {
        outcome.ledgers.retain(|(s, _)| *s == keep);
    }
}

/// The one strategy `--strategy` asks for (`None`: all).
fn requested(wanted: StrategyArg) -> Option<Strategy> {
    match wanted {
        StrategyArg::OnDemand => Some(Strategy::OnDemand),
        StrategyArg::Reserved => Some(Strategy::Reserved),
        StrategyArg::Spot => Some(Strategy::Spot),
        StrategyArg::Mixed => Some(Strategy::Mixed),
        StrategyArg::All => None,
    }
}

/// The strategies whose line items a run can make and `--strategy` shows: those the replay
/// prices (the reserved one from its On-Demand charges).
fn itemized(wanted: StrategyArg, options: &Options) -> Vec<Strategy> {
    let priced = [
        (Strategy::OnDemand, true),
        (Strategy::Reserved, options.reserved.is_some()),
        (Strategy::Spot, options.spot),
        (Strategy::Mixed, options.mixed.is_some()),
    ];
    let shown = |s: Strategy| requested(wanted).is_none_or(|one| one == s);
    priced
        .into_iter()
        .filter(|(s, priced)| *priced && shown(*s))
        .map(|(s, _)| s)
        .collect()
}

/// `line_items.csv` and/or `line_items.parquet` (FOCUS 1.0) and `monthly.csv`, reconciled
/// with the summary.
fn write_finance(
    out: &mut OutputDir,
    Written {
        label,
        quiet,
        forms,
    }: Written,
    outcome: &Outcome,
    catalog: &Catalog,
    (items, bands): (LineItemStream, Option<&[crate::chart::Band]>),
) -> Result<(), Error> {
    let window = (outcome.start, outcome.horizon);
    let reserved = match (&outcome.reserved, &outcome.pools) {
        (Some(fit), Some(pools)) => Some((
            allocate(pools, &fit.portfolio, catalog, window)?,
            &fit.portfolio,
        )),
        _ => None,
    };
    let reservations = reserved
        .as_ref()
        .map(|(allocation, portfolio)| Reservations::new(allocation, portfolio, catalog));
    let csv_target = out.target().join("line_items.csv");
    let parquet_target = out.target().join("line_items.parquet");
    let mut create = |name: &str, wanted: bool| -> Result<Option<File>, Error> {
        if !wanted {
            return Ok(None);
        }
        let path = out.path(name);
        let file = File::create(&path).map_err(|e| Error::write(out.target().join(name), e))?;
        Ok(Some(file))
    };
    let files = ItemFiles {
        csv: create("line_items.csv", forms.csv())?,
        parquet: create("line_items.parquet", forms.parquet())?,
    };
    let shown = if forms.csv() {
        &csv_target
    } else {
        &parquet_target
    };
    let what = format!("writing {}", shown.display());
    let (count, progress) = Progress::line_items(&what, items.items(), quiet);
    let finance = items
        .finish(files, outcome, reservations.as_ref(), &count)
        .map_err(|e| match e {
            FinanceError::Money(e) => Error::from(e),
            FinanceError::Io(e) => Error::write(&csv_target, e),
            FinanceError::Parquet(e) => Error::write(&parquet_target, e),
        })?;
    drop(progress);
    let drawn = draw_all(
        out.staging_dir(),
        label,
        outcome,
        (&finance.spending, &finance.fleet),
        reserved.as_ref().map(|(a, _)| a),
        bands,
    )
    .map_err(|e| Error::write(out.target(), std::io::Error::other(e.to_string())))?;
    for name in drawn {
        out.path(&name);
    }
    let monthly = monthly_csv(&finance.spending.monthly, &outcome.ledgers)?;
    out.write("monthly.csv", monthly.as_bytes())?;
    Ok(())
}

/// The scenario's name, whether to stay quiet on standard error, and the forms of the line
/// items.
#[derive(Clone, Copy)]
struct Written<'a> {
    label: &'a str,
    quiet: bool,
    forms: super::LineItemsArg,
}

/// What `--out` makes line items of.
struct Itemize<'a> {
    label: &'a str,
    period: crate::clock::Period,
    strategies: Vec<Strategy>,
}

/// The `--out` directory during a run: the files staged so far, and the line items coming.
struct Staged {
    out: OutputDir,
    items: LineItemStream,
}

/// Simulates with the timeline streamed into a staged `timeline.csv` and the charges into
/// line items.
fn simulate_into(
    dir: &Path,
    reader: &mut dyn EventSource,
    catalog: &Catalog,
    options: &Options,
    itemize: Itemize,
) -> Result<(Outcome, Staged), Error> {
    let mut out = OutputDir::report(dir)?;
    let path = out.path("timeline.csv");
    let file = File::create(&path).map_err(|e| Error::write(dir.join("timeline.csv"), e))?;
    let mut timeline =
        TimelineWriter::new(std::io::BufWriter::new(file), dir.join("timeline.csv"))?;
    let runs = out.staging_dir().join(".line-item-runs");
    let file = LineItemFile {
        scenario: itemize.label,
        runs: &runs,
        per_run: ITEMS_PER_RUN,
    };
    let target = dir.join("line_items.csv");
    let mut items = LineItemStream::new(file, itemize.period, itemize.strategies, target);
    let outcome = simulate_with(reader, catalog, options, &mut timeline, Some(&mut items))?;
    timeline.finish()?;
    Ok((outcome, Staged { out, items }))
}

fn check_trial_flags(spot: &SpotFlags, trials: &TrialFlags) -> Result<(), Error> {
    let advisor = spot.interruptions == Interruptions::Advisor;
    match (advisor, trials.seed.is_some(), trials.trials.is_some()) {
        (false, true, _) => Err(Error::Usage(
            "--seed seeds the advisor model: add --interruptions advisor".into(),
        )),
        (false, _, true) => Err(Error::Usage(
            "--trials repeats the advisor model: add --interruptions advisor".into(),
        )),
        _ if !advisor && trials.replace_after.is_some() => Err(Error::Usage(
            "--replace-after times the advisor model's replacements: add --interruptions advisor"
                .into(),
        )),
        _ => Ok(()),
    }
}

pub(super) fn check_region(catalog: &Catalog, region: &str) -> Result<(), Error> {
    if catalog.has_region(region) {
        return Ok(());
    }
    let hint = did_you_mean(&closest_names(region, catalog.region_names()));
    let known: Vec<&str> = catalog.region_names().collect();
    Err(Error::Usage(format!(
        "--region {region:?} is not in the price catalog{hint} (it prices {})",
        crate::location::listing(&known),
        region = crate::location::excerpt(&region)
    )))
}
