//! Simulation: the pipeline (scenario → lifecycle → billing → strategy → report), driven one event at a time.
//!
//! scenario events ──► lifecycle replay ──► spans ──► billing meter ──► ledger
//!
//! Each stage only hands its output to the next; memory follows the instances alive at
//! once. The per-instance timeline goes to a caller-supplied sink as it is produced, so a
//! long scenario never holds its timeline in memory.
//!
//! The source is read on a thread of its own and its events handed over in batches, in
//! order, so parsing and the instance-name lookups run on one core while the replay and the
//! meters run on another; errors come out exactly as they would one event at a time.
//! (Spot trials, already one per core, read their in-memory recording on their own thread.)
//!
//! With reservations, the hourly usage is grouped by reservation pool once the replay is
//! done, and each pool's hours are built, priced and dropped in turn.

use crate::billing::{Book, Charge, HourlyUsage, Ledger, MarketOf, Meter};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::lifecycle::{Replay, Span, Timings};
use crate::location::{LocatedError, Location};
use crate::pricing::Catalog;
use crate::pricing::OfferTerms;
use crate::scenario::{Action, Event, EventSource, Market};
use crate::strategy::coverage::{CoverCache, Pools};
use crate::strategy::reserved::{resolve, Requested};
use crate::strategy::{
    portfolio_of, price_reserved, recommend, Portfolio, Recommendation, ReservedStats, Strategy,
};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;

/// How to replay: transition times, the horizon, and which reservations to price.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub timings: Timings,
    /// `--until`: the horizon; default the last row's time.
    pub until: Option<Timestamp>,
    /// Price the reserved strategy too, with this portfolio.
    pub reserved: Option<ReservedPlan>,
    /// Keep every charge in the outcome ([`simulate`]); costs memory per charge
    /// ([`simulate_with`] hands them to a sink instead).
    pub keep_charges: bool,
    /// Price the Spot strategy too (launch markets set by [`crate::strategy::market`]).
    pub spot: bool,
    /// Price the mixed strategy too, with this distribution.
    pub mixed: Option<crate::strategy::market::Distribution>,
    /// Leave On-Demand unpriced (a Spot trial keeps only its own strategy's ledger, and
    /// metering On-Demand too was half its work); [`Outcome::on_demand_total`] is then
    /// zero. Ignored when `reserved` is set, which is priced from On-Demand.
    pub skip_on_demand: bool,
    /// Take events from the source on this thread instead of a reading thread: for a
    /// source already in memory while every core runs a replay of its own (trials), where
    /// a second thread per replay only adds switching between them.
    pub same_thread: bool,
    /// A Spot trial's price paths for the pools priced at the regional average.
    pub spot_paths: Option<crate::pricing::spot_daily::PathModel>,
}

/// Which reservations the reserved strategy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReservedPlan {
    /// Reservations resolved in full.
    Fixed(Portfolio),
    /// `--reserve TYPE=COUNT …`: a reservation that names no operating system is for the
    /// one the scenario runs its type on, known once the replay has run.
    Requested(Vec<Requested>, OfferTerms),
    /// `--reserve auto`: the counts [`recommend`] finds best, with these offer terms.
    Auto(OfferTerms),
}

/// Receives every span with the instance seconds billed for it.
pub trait TimelineSink {
    fn record(&mut self, span: &Span, billed_seconds: u64) -> Result<(), Error>;
}

/// A sink that keeps nothing.
pub struct NoTimeline;

impl TimelineSink for NoTimeline {
    fn record(&mut self, _: &Span, _: u64) -> Result<(), Error> {
        Ok(())
    }
}

/// Receives every charge as it is booked, with its strategy: the line items are made from
/// them, and a year of a fleet has millions.
pub trait ChargeSink {
    fn charge(&mut self, strategy: Strategy, charge: Charge) -> Result<(), Error>;
}

/// Keeps them all ([`Options::keep_charges`]).
impl ChargeSink for Vec<(Strategy, Charge)> {
    fn charge(&mut self, strategy: Strategy, charge: Charge) -> Result<(), Error> {
        self.push((strategy, charge));
        Ok(())
    }
}

/// What a simulation found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The first row's time: the start of the replay.
    pub start: Timestamp,
    /// The horizon: `--until`, or the last row's time.
    pub horizon: Timestamp,
    pub instances: u64,
    pub events: u64,
    pub ledgers: Vec<(Strategy, Ledger)>,
    /// How the reservations fitted, when the reserved strategy was priced.
    pub reserved: Option<ReservedFit>,
    /// Every charge of every metered strategy, when [`Options::keep_charges`] asked
    /// [`simulate`] to keep them.
    pub charges: Vec<(Strategy, Charge)>,
    /// Compute usage by clock hour and reservation pool, when the reserved strategy was
    /// priced.
    pub pools: Option<Pools>,
    /// What the reader should know about how figures were obtained (Spot history gaps).
    pub notes: Vec<String>,
    /// The On-Demand total as the summary prints it, kept even when only other strategies
    /// are shown, since every strategy's savings are measured against it.
    pub on_demand_total: crate::money::Usd,
}

/// The reserved strategy's portfolio, how it fitted, and the recommendations behind it.
#[derive(Debug, Clone)]
pub struct ReservedFit {
    pub portfolio: Portfolio,
    pub stats: ReservedStats,
    pub recommendations: Vec<Recommendation>,
}

/// Replays the scenario and prices it On-Demand, and with reservations if asked.
pub fn simulate(
    reader: &mut dyn EventSource,
    catalog: &Catalog,
    options: &Options,
    timeline: &mut dyn TimelineSink,
) -> Result<Outcome, Error> {
    let mut kept: Vec<(Strategy, Charge)> = Vec::new();
    let charges = options
        .keep_charges
        .then_some(&mut kept as &mut dyn ChargeSink);
    let mut outcome = simulate_with(reader, catalog, options, timeline, charges)?;
    outcome.charges = kept;
    Ok(outcome)
}

/// [`simulate`], handing every charge to `charges` as it is booked instead of keeping them
/// ([`Outcome::charges`] stays empty).
pub fn simulate_with<'a>(
    reader: &mut dyn EventSource,
    catalog: &Catalog,
    options: &Options,
    timeline: &'a mut dyn TimelineSink,
    charges: Option<&'a mut dyn ChargeSink>,
) -> Result<Outcome, Error> {
    let mut metered: Vec<(Strategy, MarketOf)> = Vec::new();
    if !options.skip_on_demand || options.reserved.is_some() {
        metered.push((Strategy::OnDemand, |_| Market::OnDemand));
    }
    if options.spot {
        metered.push((Strategy::Spot, |m| m.spot));
    }
    if options.mixed.is_some() {
        metered.push((Strategy::Mixed, |m| m.mixed));
    }
    let markets: Vec<MarketOf> = metered.iter().map(|(_, market)| *market).collect();
    let mut run = Pipeline {
        replay: Replay::new(options.timings),
        meter: Meter::for_markets(catalog, &markets).with_paths(options.spot_paths.clone()),
        strategies: metered.iter().map(|(strategy, _)| *strategy).collect(),
        book: Book::new(metered.len()),
        spans: Vec::new(),
        charges: metered.iter().map(|_| Vec::new()).collect(),
        usage: options.reserved.as_ref().map(|_| HourlyUsage::default()),
        kept: charges,
        timeline,
    };
    let file = Arc::clone(reader.file());
    let mut counts = Counts::default();
    if options.same_thread {
        while let Some(event) = reader.next_event()? {
            run.step(&event, &file, options, &mut counts)?;
        }
    } else {
        read_ahead(reader, &mut run, options, &mut counts)?;
    }
    let Counts {
        first,
        last,
        instances,
        events,
    } = counts;
    let Some(start) = first else {
        let problem = "the file has a header but no rows, so there is nothing to simulate";
        return Err(LocatedError::new(Location::line(reader.file(), 0), problem).into());
    };
    reader.unknown_override_groups().map_err(Error::Usage)?;
    let horizon = options
        .until
        .or(reader.default_horizon())
        .or(last)
        .unwrap_or(start);
    if horizon.since(start) > MAX_SPAN {
        let problem = format!(
            "the scenario spans more than {MAX_SPAN_YEARS} years ({start} to {horizon}); ec2plan plans at most {MAX_SPAN_YEARS} years"
        );
        return Err(LocatedError::new(Location::line(reader.file(), 0), problem).into());
    }
    let Pipeline { replay, .. } = &mut run;
    std::mem::take(replay).finish(horizon, &mut run.spans);
    run.drain(&file)?;
    let mut notes: Vec<String> = reader.notes();
    let meter = &run.meter;
    notes.extend(run.strategies.iter().enumerate().flat_map(|(market, s)| {
        meter
            .notes(market)
            .into_iter()
            .map(move |n| format!("{s}: {n}"))
    }));
    let mut ledgers: Vec<(Strategy, Ledger)> =
        run.strategies.into_iter().zip(run.book.close()?).collect();
    let on_demand_total = match ledgers.first() {
        Some((Strategy::OnDemand, ledger)) => ledger.overall.rounded_total()?,
        _ => crate::money::Usd::ZERO,
    };
    // The hourly usage is grouped by pool once, for every pass that reads it, and dropped.
    let pools = match run.usage.take() {
        Some(usage) => Some(Pools::new(usage, catalog)?),
        None => None,
    };
    let reserved = match (&options.reserved, &pools) {
        (Some(plan), Some(pools)) => {
            let (ledger, fit) = price_plan(plan, &ledgers[0].1, pools, catalog, (start, horizon))?;
            ledgers.push((Strategy::Reserved, ledger));
            Some(fit)
        }
        _ => None,
    };
    Ok(Outcome {
        start,
        horizon,
        instances,
        events,
        ledgers,
        reserved,
        charges: Vec::new(),
        pools,
        notes,
        on_demand_total,
    })
}

/// Replays events read on a thread of their own, in batches, so reading and replaying
/// each have a core.
fn read_ahead(
    reader: &mut dyn EventSource,
    run: &mut Pipeline,
    options: &Options,
    counts: &mut Counts,
) -> Result<(), Error> {
    let file = Arc::clone(reader.file());
    std::thread::scope(|scope| -> Result<(), Error> {
        let (batches, received) = std::sync::mpsc::sync_channel(BATCHES_IN_FLIGHT);
        let source = &mut *reader;
        std::thread::Builder::new()
            .name("reader".into())
            .spawn_scoped(scope, move || read_batches(source, &batches))
            .map_err(|source| Error::Read {
                path: file.as_ref().into(),
                source,
            })?;
        for batch in received {
            let batch = batch?;
            for events in batch.chunks(TOUCHED) {
                std::hint::black_box(run.touch(events));
                for event in events {
                    run.step(event, &file, options, counts)?;
                }
            }
        }
        Ok(())
    })
}

/// The reserved strategy: the portfolio (given, or recommended from the hourly usage) and
/// the ledger it leads to.
fn price_plan(
    plan: &ReservedPlan,
    on_demand: &Ledger,
    pools: &Pools,
    catalog: &Catalog,
    window: (Timestamp, Timestamp),
) -> Result<(Ledger, ReservedFit), Error> {
    let mut covered = CoverCache::default();
    let (portfolio, recommendations) = match plan {
        ReservedPlan::Fixed(portfolio) => (portfolio.clone(), Vec::new()),
        ReservedPlan::Requested(requested, terms) => {
            (resolve(requested, *terms, pools)?, Vec::new())
        }
        ReservedPlan::Auto(terms) => {
            let recommendations = recommend(pools, catalog, *terms, window, &mut covered)?;
            (portfolio_of(&recommendations, *terms), recommendations)
        }
    };
    let (ledger, stats) =
        price_reserved(on_demand, pools, &portfolio, catalog, window, &mut covered)?;
    let fit = ReservedFit {
        portfolio,
        stats,
        recommendations,
    };
    Ok((ledger, fit))
}

/// Events the reading thread may have read ahead, in batches of [`BATCH`]: enough to keep
/// both cores busy, little enough that memory stays flat.
const BATCHES_IN_FLIGHT: usize = 4;
/// Events sent between the threads at once, so the channel costs nothing per row.
const BATCH: usize = 1024;
/// Events whose per-instance state is read ahead at once ([`Pipeline::touch`]): enough for
/// their cache misses to overlap, few enough that what they bring stays in the cache until
/// the events are applied.
const TOUCHED: usize = 256;

type Batch = Result<Vec<Event>, LocatedError>;

/// The reading thread: sends the source's events in order, then its error if it has one.
/// Stops early when the replay has stopped listening (it failed).
fn read_batches(source: &mut dyn EventSource, batches: &SyncSender<Batch>) {
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        match source.next_event() {
            Ok(Some(event)) => {
                batch.push(event);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if batches.send(Ok(full)).is_err() {
                        return;
                    }
                }
            }
            Ok(None) => {
                let _ = batches.send(Ok(batch));
                return;
            }
            Err(error) => {
                if batches.send(Ok(batch)).is_ok() {
                    let _ = batches.send(Err(error));
                }
                return;
            }
        }
    }
}

/// What the replay has seen of the events so far.
#[derive(Default)]
struct Counts {
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    instances: u64,
    events: u64,
}

fn check_horizon(
    until: Option<Timestamp>,
    start: Timestamp,
    line: u64,
    file: &str,
) -> Result<(), Error> {
    match until {
        Some(until) if until < start => Err(Error::Usage(format!(
            "--until {until} is before the scenario's first row ({start}, {file}:{line})"
        ))),
        Some(until) if until.since(start) > MAX_SPAN => Err(Error::Usage(format!(
            "--until {until} is more than {MAX_SPAN_YEARS} years after the scenario's first row ({start}); \
             ec2plan plans at most {MAX_SPAN_YEARS} years"
        ))),
        _ => Ok(()),
    }
}

use crate::clock::{MAX_SPAN, MAX_SPAN_YEARS};

struct Pipeline<'a, 'c> {
    replay: Replay,
    /// The meter, pricing every metered strategy (a market each, in the order of
    /// `strategies`).
    meter: Meter<'c>,
    /// The metered strategies, On-Demand first.
    strategies: Vec<Strategy>,
    /// Their charges, booked by strategy index.
    book: Book,
    spans: Vec<Span>,
    /// Each strategy's charges from the span being metered.
    charges: Vec<Vec<Charge>>,
    /// Compute usage by clock hour, kept only when reservations are to be priced.
    usage: Option<HourlyUsage>,
    /// Where every charge goes, when the caller wants them.
    kept: Option<&'a mut dyn ChargeSink>,
    timeline: &'a mut dyn TimelineSink,
}

impl Pipeline<'_, '_> {
    /// Reads ahead what replaying and metering `events` will read first (their instances'
    /// state in the replay and the meter), so that the cache misses of many rows overlap.
    fn touch(&self, events: &[Event]) -> usize {
        let instances = || events.iter().map(|e| e.instance);
        self.replay.touch(events) ^ self.meter.touch(instances())
    }

    /// Replays one event and meters what it closed; events after `--until` are only counted
    /// as read.
    fn step(
        &mut self,
        event: &Event,
        file: &Arc<str>,
        options: &Options,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        let start = *counts.first.get_or_insert(event.time);
        check_horizon(options.until, start, event.line, file)?;
        if event.time.since(start) > MAX_SPAN {
            let problem = format!(
                "this row is more than {MAX_SPAN_YEARS} years after the first ({start}); ec2plan plans at most {MAX_SPAN_YEARS} years"
            );
            return Err(LocatedError::new(Location::line(file, event.line), problem).into());
        }
        if options.until.is_some_and(|until| event.time > until) {
            return Ok(());
        }
        counts.last = Some(event.time);
        counts.events += 1;
        counts.instances += u64::from(event.action == Action::Launch);
        self.replay
            .apply(event, &mut self.spans)
            .map_err(|refusal| {
                LocatedError::new(Location::line(file, event.line), refusal.to_string())
            })?;
        self.drain(file)
    }

    /// Meters the spans the replay produced and books their charges.
    fn drain(&mut self, file: &Arc<str>) -> Result<(), Error> {
        for span in self.spans.drain(..) {
            // The billed seconds are the first strategy's: On-Demand's, when it is metered.
            let billed = self.meter.record(&span, &mut self.charges).map_err(|e| {
                LocatedError::new(Location::line(file, span.spec.line), e.to_string())
            })?;
            for (index, (strategy, charges)) in
                self.strategies.iter().zip(&mut self.charges).enumerate()
            {
                let on_demand = *strategy == Strategy::OnDemand;
                if on_demand {
                    self.timeline.record(&span, billed)?;
                }
                for charge in charges.drain(..) {
                    self.book.add(index, &charge)?;
                    if let (true, Some(usage)) = (on_demand, &mut self.usage) {
                        usage.add(&charge);
                    }
                    if let Some(kept) = &mut self.kept {
                        kept.charge(*strategy, charge)?;
                    }
                }
            }
        }
        Ok(())
    }
}
