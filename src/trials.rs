//! Monte Carlo trials of the Spot interruption model, run in parallel on every core.
//!
//! Each trial replays the scenario once per Spot strategy with the model seeded by
//! `seed + trial`, so trials are independent and the results, gathered in trial order, are
//! the same whatever the number of threads. The scenario is read (and its launches given
//! their markets, which no seed changes) once, and every trial replays that recording:
//! parsing the file again for each of a thousand trials cost a quarter of their time.
//!
//! Spot runs no imported history covers are priced along a price path per pool and trial
//! (`pricing::spot_daily`), drawn with the same seed: the bands then hold price risk as well
//! as interruption risk.

use crate::billing::MarketOf;
use crate::billing::{Ledger, Totals};
use crate::clock::{Seconds, Timestamp};
use crate::error::Error;
use crate::location::LocatedError;
use crate::pricing::spot_daily::PathModel;
use crate::pricing::Catalog;
use crate::scenario::{Event, EventSource};
use crate::simulation::{simulate, NoTimeline, Options};
use crate::strategy::interruptions::{AdvisorModel, Interrupter};
use crate::strategy::market::{Distribution, MarketAssigner};
use crate::strategy::Strategy;
use rust_decimal::Decimal;
use std::sync::Arc;

/// What the trials are to do.
#[derive(Debug, Clone, Copy)]
pub struct TrialPlan {
    pub trials: u64,
    pub seed: u64,
    pub replace_after: Seconds,
    pub until: Option<Timestamp>,
    pub spot: bool,
    pub mixed: Option<Distribution>,
    /// Keep each trial's cost by day, for the band chart (`--out`); without it a trial
    /// keeps no charges, only its ledgers.
    pub daily: bool,
}

/// One trial's ledgers, by strategy.
#[derive(Debug, Clone)]
pub struct Trial {
    pub seed: u64,
    pub ledgers: Vec<(Strategy, Ledger)>,
    /// Cumulative cost at the end of each day of the replay, per strategy (for the band chart).
    pub daily: Vec<(Strategy, Vec<(i64, Decimal)>)>,
    /// What the trial's replays said about their prices (the regional averages used).
    pub notes: Vec<String>,
}

/// Opens a fresh event source for a trial.
pub type Opener<'a> = dyn Fn() -> Result<Box<dyn EventSource + 'a>, Error> + Sync + 'a;

/// Runs every trial; results in trial order.
pub fn run(
    open: &Opener<'_>,
    catalog: &Catalog,
    options: &Options,
    plan: TrialPlan,
) -> Result<Vec<Trial>, Error> {
    let recording = record(open, catalog, plan)?;
    let recording = &recording;
    let paths = paths_of(recording, catalog, plan)?;
    let paths = &paths;
    let count = usize::try_from(plan.trials)
        .map_err(|_| Error::Usage("too many trials for this machine".into()))?;
    crate::parallel::map_indexed(count, |index| {
        one((recording, paths), catalog, options, plan, index as u64)
    })
    .into_iter()
    .map(|(_, trial)| trial)
    .collect()
}

/// The scenario's events with their markets set, and what its source said about them.
struct Recording {
    file: Arc<str>,
    events: Vec<Event>,
    horizon: Option<Timestamp>,
    notes: Vec<String>,
    unknown_groups: Result<(), String>,
}

fn record(open: &Opener<'_>, catalog: &Catalog, plan: TrialPlan) -> Result<Recording, Error> {
    let mut source = MarketAssigner::new(open()?, catalog, plan.mixed.unwrap_or_default());
    let mut events = Vec::new();
    while let Some(event) = source.next_event()? {
        events.push(event);
    }
    Ok(Recording {
        file: Arc::clone(source.file()),
        events,
        horizon: source.default_horizon(),
        notes: source.notes(),
        unknown_groups: source.unknown_override_groups(),
    })
}

/// The price paths' frame, shared by every trial (each draws its own with its seed): from
/// midnight of the replay's first day to its horizon, drawn from `spot_daily.csv`, which is
/// read here, only when trials run.
fn paths_of(recording: &Recording, catalog: &Catalog, plan: TrialPlan) -> Result<PathModel, Error> {
    let day = crate::clock::SECONDS_PER_DAY;
    let first = recording.events.first().map(|e| e.time);
    let last = recording.events.last().map(|e| e.time);
    let start = first.map_or(0, |t| t.unix().div_euclid(day));
    let horizon = plan.until.or(recording.horizon).or(last);
    let end = horizon
        .map_or(start, |t| t.unix().div_euclid(day))
        .max(start);
    Ok(PathModel {
        seed: plan.seed,
        origin: Timestamp::from_unix(start * day),
        days: u32::try_from(end - start + 1).unwrap_or(u32::MAX),
        moves: catalog.spot_daily()?,
    })
}

/// One trial's pass over the recording.
struct Replaying<'r> {
    recording: &'r Recording,
    next: usize,
}

impl EventSource for Replaying<'_> {
    fn next_event(&mut self) -> Result<Option<Event>, LocatedError> {
        let event = self.recording.events.get(self.next).cloned();
        self.next += 1;
        Ok(event)
    }

    fn file(&self) -> &Arc<str> {
        &self.recording.file
    }

    fn unknown_override_groups(&self) -> Result<(), String> {
        self.recording.unknown_groups.clone()
    }

    fn default_horizon(&self) -> Option<Timestamp> {
        self.recording.horizon
    }

    fn notes(&self) -> Vec<String> {
        self.recording.notes.clone()
    }
}

fn one(
    (recording, paths): (&Recording, &PathModel),
    catalog: &Catalog,
    options: &Options,
    plan: TrialPlan,
    index: u64,
) -> Result<Trial, Error> {
    let seed = plan.seed.wrapping_add(index);
    let mut ledgers = Vec::new();
    let mut daily = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let strategies: [(Strategy, bool, MarketOf); 2] = [
        (Strategy::Spot, plan.spot, |m| m.spot),
        (Strategy::Mixed, plan.mixed.is_some(), |m| m.mixed),
    ];
    for (strategy, wanted, market_of) in strategies {
        if !wanted {
            continue;
        }
        let markets = Replaying { recording, next: 0 };
        let model = AdvisorModel {
            seed,
            replace_after: plan.replace_after,
            market_of,
            until: plan.until,
        };
        let mut source = Interrupter::new(Box::new(markets), catalog, model);
        let trial_options = Options {
            spot: strategy == Strategy::Spot,
            mixed: if strategy == Strategy::Mixed {
                plan.mixed
            } else {
                None
            },
            reserved: None,
            keep_charges: plan.daily,
            // Only this strategy's ledger is kept, and every core already runs a trial.
            skip_on_demand: true,
            same_thread: true,
            spot_paths: Some(PathModel {
                seed,
                ..paths.clone()
            }),
            ..options.clone()
        };
        let outcome = simulate(&mut source, catalog, &trial_options, &mut NoTimeline)?;
        for note in &outcome.notes {
            if !notes.contains(note) {
                notes.push(note.clone());
            }
        }
        if plan.daily {
            daily.push((strategy, cumulative_by_day(&outcome, strategy)?));
        }
        if let Some((_, ledger)) = outcome.ledgers.into_iter().find(|(s, _)| *s == strategy) {
            ledgers.push((strategy, ledger));
        }
    }
    Ok(Trial {
        seed,
        ledgers,
        daily,
        notes,
    })
}

/// A strategy's cost accrued by the end of each day, each charge spread evenly over its
/// seconds (a charge's billed minimum counts where the charge ends).
///
/// A charge adds its partial first and last days directly and its whole days as a rate
/// per second in a difference array, so a month-long storage charge costs what a minute
/// does (spreading day by day took most of a trial's time).
fn cumulative_by_day(
    outcome: &crate::simulation::Outcome,
    strategy: Strategy,
) -> Result<Vec<(i64, Decimal)>, crate::money::MoneyError> {
    let day = crate::clock::SECONDS_PER_DAY;
    let first = outcome.start.unix().div_euclid(day);
    let last = outcome.horizon.unix().div_euclid(day);
    let days = usize::try_from(last - first + 1).unwrap_or(1).min(100_000);
    let mut per_day = vec![Decimal::ZERO; days];
    let mut whole_days = vec![Decimal::ZERO; days + 1];
    let index = |day_number: i64| {
        usize::try_from(day_number - first)
            .unwrap_or(0)
            .min(days - 1)
    };
    let overflow = crate::money::MoneyError::overflow_of_sum;
    // `slot + value`, refused past the decimal range like every other sum of money.
    let add = |slot: &mut Decimal, value: Option<Decimal>| {
        *slot = value
            .and_then(|v| slot.checked_add(v))
            .ok_or_else(overflow)?;
        Ok::<(), crate::money::MoneyError>(())
    };
    for (_, charge) in outcome.charges.iter().filter(|(s, _)| *s == strategy) {
        let (start, end) = (charge.start.unix(), charge.end.unix());
        let cost = charge.cost()?.amount();
        let (first_day, last_day) = (start.div_euclid(day), (end - 1).div_euclid(day));
        if end <= start {
            add(&mut per_day[index(end.div_euclid(day))], Some(cost))?;
            continue;
        }
        if first_day == last_day {
            add(&mut per_day[index(first_day)], Some(cost))?;
            continue;
        }
        let per_second = cost
            .checked_div(Decimal::from(end - start))
            .ok_or_else(overflow)?;
        let part = |seconds: i64| per_second.checked_mul(Decimal::from(seconds));
        add(
            &mut per_day[index(first_day)],
            part((first_day + 1) * day - start),
        )?;
        add(&mut per_day[index(last_day)], part(end - last_day * day))?;
        add(&mut whole_days[index(first_day + 1)], Some(per_second))?;
        add(&mut whole_days[index(last_day)], Some(-per_second))?;
    }
    let (mut total, mut rate) = (Decimal::ZERO, Decimal::ZERO);
    let mut out = Vec::with_capacity(days);
    for (i, cost) in per_day.into_iter().enumerate() {
        add(&mut rate, Some(whole_days[i]))?;
        let whole = rate.checked_mul(Decimal::from(day));
        add(&mut total, whole.and_then(|w| cost.checked_add(w)))?;
        let end = ((first + i as i64 + 1) * day).min(outcome.horizon.unix());
        out.push((end, total));
    }
    Ok(out)
}

/// The band chart's data: p5 / p50 / p95 of the cumulative cost at each day's end.
pub fn chart_bands(trials: &[Trial]) -> Vec<crate::chart::Band> {
    use rust_decimal::prelude::ToPrimitive;
    let mut out = Vec::new();
    for strategy in [Strategy::Spot, Strategy::Mixed] {
        let series: Vec<&Vec<(i64, Decimal)>> = trials
            .iter()
            .filter_map(|t| t.daily.iter().find(|(s, _)| *s == strategy).map(|(_, d)| d))
            .collect();
        let Some(first) = series.first() else {
            continue;
        };
        let mut band = crate::chart::Band {
            name: strategy.name().to_string(),
            times: first.iter().map(|(t, _)| *t).collect(),
            p5: Vec::new(),
            p50: Vec::new(),
            p95: Vec::new(),
        };
        for i in 0..band.times.len() {
            let mut values: Vec<Decimal> = series
                .iter()
                .filter_map(|s| s.get(i).map(|(_, v)| *v))
                .collect();
            values.sort();
            for (p, target) in [(5, &mut band.p5), (50, &mut band.p50), (95, &mut band.p95)] {
                target.push(rank(&values, p).to_f64().unwrap_or(0.0));
            }
        }
        out.push(band);
    }
    out
}

/// p5, p50 and p95 (nearest rank) of a strategy's figures over the trials, and the trial
/// whose total is the median (its ledger stands for the strategy in the summary).
#[derive(Debug, Clone)]
pub struct Band {
    pub strategy: Strategy,
    /// (metric, p5, p50, p95) for compute, storage, public IPv4, total and interruptions.
    pub rows: Vec<(&'static str, Decimal, Decimal, Decimal)>,
    pub median: Ledger,
}

pub fn bands(trials: &[Trial]) -> Result<Vec<Band>, Error> {
    let mut out = Vec::new();
    for strategy in [Strategy::Spot, Strategy::Mixed] {
        let ledgers: Vec<&Ledger> = trials
            .iter()
            .filter_map(|t| {
                t.ledgers
                    .iter()
                    .find(|(s, _)| *s == strategy)
                    .map(|(_, l)| l)
            })
            .collect();
        if ledgers.is_empty() {
            continue;
        }
        let mut rows = Vec::new();
        for name in METRICS {
            let mut values: Vec<Decimal> = ledgers
                .iter()
                .map(|l| value(&l.overall, name))
                .collect::<Result<_, _>>()?;
            values.sort();
            rows.push((name, rank(&values, 5), rank(&values, 50), rank(&values, 95)));
        }
        let mut by_total: Vec<(Decimal, usize)> = ledgers
            .iter()
            .enumerate()
            .map(|(i, l)| l.overall.rounded_total().map(|t| (t.amount(), i)))
            .collect::<Result<_, _>>()?;
        by_total.sort();
        let median_index = by_total[nearest_rank(by_total.len(), 50)].1;
        out.push(Band {
            strategy,
            rows,
            median: ledgers[median_index].clone(),
        });
    }
    Ok(out)
}

const METRICS: [&str; 5] = [
    "compute_usd",
    "storage_usd",
    "public_ipv4_usd",
    "total_usd",
    "interruptions",
];

/// One metric of a trial's totals, as the summary prints it.
fn value(totals: &Totals, metric: &str) -> Result<Decimal, Error> {
    Ok(match metric {
        "compute_usd" => totals.compute.round_cents().amount(),
        "storage_usd" => totals.storage.round_cents().amount(),
        "public_ipv4_usd" => totals.public_ipv4.round_cents().amount(),
        "total_usd" => totals.rounded_total()?.amount(),
        _ => Decimal::from(totals.interruptions),
    })
}

/// The nearest-rank index of the `p`th percentile of `n` sorted values.
fn nearest_rank(n: usize, p: usize) -> usize {
    ((p * n).div_ceil(100)).clamp(1, n.max(1)) - 1
}

fn rank(sorted: &[Decimal], p: usize) -> Decimal {
    sorted
        .get(nearest_rank(sorted.len(), p))
        .copied()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        // 20 values: p5 is the 1st, p50 the 10th, p95 the 19th.
        assert_eq!(nearest_rank(20, 5), 0);
        assert_eq!(nearest_rank(20, 50), 9);
        assert_eq!(nearest_rank(20, 95), 18);
        assert_eq!(nearest_rank(1, 95), 0);
    }
}
