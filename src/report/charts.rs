//! The charts `--out` writes, from the same line items (their totals) and charges as the CSV
//! files.
//!
//! Charts over time are read at one bucket width for the whole picture: the finest that the
//! totals hold and that keeps a chart under [`MAX_BUCKETS`] buckets (a second for a burst of
//! minutes, five minutes for a week, an hour for a year). Every bucket of the replay is drawn,
//! empty ones as zero, so cost is flat and the fleet empty while nothing runs.
//!
//! Money becomes `f64` here and only here, at the last moment before drawing.

use super::by_hour::{share, width_for, ByTime};
use super::spending::{CostOverTime, FleetHours, MonthlyTotals, Spending};
use crate::chart::{self, Band, ChartError, TimeSeries};
use crate::clock::SECONDS_PER_HOUR;
use crate::simulation::Outcome;
use crate::strategy::allocation::Allocation;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

/// At most this many buckets across a chart over time (some ten per pixel column).
pub const MAX_BUCKETS: i64 = 10_000;

/// Draws every chart into `dir`; returns the file names written. `bands` are the Spot
/// trials' (`--interruptions advisor`), drawn with On-Demand's cumulative cost beside them.
pub fn draw_all(
    dir: &Path,
    scenario: &str,
    outcome: &Outcome,
    (spending, fleet_hours): (&Spending, &FleetHours),
    allocation: Option<&Allocation>,
    bands: Option<&[Band]>,
) -> Result<Vec<String>, ChartError> {
    let mut written = Vec::new();
    let mut draw = |name: &str, result: Result<(), ChartError>| -> Result<(), ChartError> {
        result?;
        written.push(name.to_string());
        Ok(())
    };
    let scenario = file_name(scenario);
    let title = |what: &str| format!("{what}: {scenario}");
    let cumulative = cumulative(&spending.over_time, fleet_hours, allocation);
    draw(
        "cumulative_cost.png",
        chart::cumulative_cost(
            &dir.join("cumulative_cost.png"),
            &title("Cumulative cost"),
            &cumulative,
        ),
    )?;
    if let Some(bands) = bands {
        let start = spending.over_time.window().0.unix();
        let bands: Vec<Band> = bands.iter().map(|b| from_zero(b, start)).collect();
        let reference: Vec<TimeSeries> = cumulative
            .iter()
            .filter(|s| s.name == "on-demand")
            .map(|s| TimeSeries {
                name: "on-demand (reference)".to_string(),
                points: s.points.clone(),
            })
            .collect();
        draw(
            "spot_bands.png",
            chart::spot_bands_with_reference(
                &dir.join("spot_bands.png"),
                &title("Spot trials, cumulative cost p5-p95"),
                &bands,
                &reference,
            ),
        )?;
    }
    let (strategies, months, values) = monthly(&spending.monthly);
    draw(
        "monthly_by_kind.png",
        chart::monthly_by_kind(
            &dir.join("monthly_by_kind.png"),
            &title("Monthly cost by charge kind"),
            &strategies,
            &months,
            &values,
        ),
    )?;
    let window = spending.over_time.window();
    let fleet = fleet(fleet_hours, allocation, (window.0.unix(), window.1.unix()));
    draw(
        "fleet_composition.png",
        chart::fleet_composition(
            &dir.join("fleet_composition.png"),
            &title(&format!(
                "Fleet composition (average instances per {})",
                width_name(fleet.width)
            )),
            &fleet.times,
            &fleet.categories,
        ),
    )?;
    written.extend(draw_reservations(dir, scenario, outcome)?);
    Ok(written)
}

/// One chart per reservation pool the fit considered: the total cost against the count of
/// reservations, the chosen count marked (`simulate --out` and `recommend --out` draw them).
/// Returns the file names written.
pub fn draw_reservations(
    dir: &Path,
    scenario: &str,
    outcome: &Outcome,
) -> Result<Vec<String>, ChartError> {
    let scenario = file_name(scenario);
    let title = |what: &str| format!("{what}: {scenario}");
    let mut written = Vec::new();
    for recommendation in outcome.reserved.iter().flat_map(|fit| &fit.recommendations) {
        // Pools are per operating system too; Linux (the usual one) keeps the short name.
        let pool = &recommendation.pool;
        let name = match &*pool.os {
            "linux" => format!("reservations_{}_{}.png", pool.region, pool.scope),
            os => format!("reservations_{}_{os}_{}.png", pool.region, pool.scope),
        };
        let costs: Vec<f64> = recommendation
            .curve
            .iter()
            .map(|c| money(c.amount()))
            .collect();
        let chosen = usize::try_from(recommendation.count).unwrap_or(0);
        let what = format!(
            "Total cost against {} {} reservations",
            recommendation.pool.os, recommendation.instance_type
        );
        chart::reservation_curve(&dir.join(&name), &title(&what), &costs, chosen)?;
        written.push(name);
    }
    Ok(written)
}

/// The scenario as a chart title names it: its file name, without the directories.
pub fn file_name(scenario: &str) -> &str {
    Path::new(scenario)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(scenario)
}

/// "5 minutes", "hour": a bucket width as the fleet chart's title says it.
pub fn width_name(seconds: i64) -> String {
    let units = [
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    for (size, unit) in units {
        if seconds >= size && seconds % size == 0 {
            return match seconds / size {
                1 => unit.to_string(),
                n => format!("{n} {unit}s"),
            };
        }
    }
    format!("{seconds} seconds")
}

fn money(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// A band that starts at nothing spent when the replay starts.
fn from_zero(band: &Band, start: i64) -> Band {
    let mut band = band.clone();
    if band.times.first().is_some_and(|first| *first > start) {
        band.times.insert(0, start);
        for values in [&mut band.p5, &mut band.p50, &mut band.p95] {
            values.insert(0, 0.0);
        }
    }
    band
}

/// The buckets a chart over time is read in: `width` seconds each, the first holding
/// `from`, the last holding `to - 1`.
#[derive(Debug, Clone, Copy)]
struct Grid {
    from: i64,
    to: i64,
    width: i64,
}

impl Grid {
    fn new((from, to): (i64, i64), widths: &[i64]) -> Grid {
        let to = to.max(from + 1);
        Grid {
            from,
            to,
            width: width_for(from, to, MAX_BUCKETS, widths),
        }
    }

    fn first(&self) -> i64 {
        self.from.div_euclid(self.width)
    }

    /// Bucket `i`'s part of the window: [start, end).
    fn bounds(&self, i: usize) -> (i64, i64) {
        let start = (self.first() + i as i64) * self.width;
        (start.max(self.from), (start + self.width).min(self.to))
    }

    fn read<T: super::by_hour::Amount>(&self, by: &ByTime<T>) -> Vec<T> {
        by.series(self.from, self.to, self.width)
            .unwrap_or_default()
    }

    /// The buckets that overlap `[a, b)`, with the seconds of it they hold.
    fn overlapping(&self, a: i64, b: i64, len: usize) -> Vec<(usize, i64)> {
        let (a, b) = (a.max(self.from), b.min(self.to));
        if b <= a {
            return Vec::new();
        }
        let first = usize::try_from(a.div_euclid(self.width) - self.first()).unwrap_or(0);
        let last = usize::try_from((b - 1).div_euclid(self.width) - self.first()).unwrap_or(0);
        (first..=last.min(len.saturating_sub(1)))
            .map(|i| {
                let (s, e) = self.bounds(i);
                (i, e.min(b) - s.max(a))
            })
            .collect()
    }

    /// Adds `amount`, which accrued over `[a, b)`, to the buckets there: in proportion to the
    /// seconds instances ran in each (`running`), or to time where none ran. What falls
    /// outside the window goes to its nearest bucket, so no cost is lost.
    fn place(&self, values: &mut [Decimal], running: &[i64], (a, b): (i64, i64), amount: Decimal) {
        let buckets = self.overlapping(a, b, values.len());
        let weight = |(i, seconds): &(usize, i64)| {
            let ran = running.get(*i).copied().unwrap_or(0);
            Decimal::from(*seconds) * Decimal::from(ran)
        };
        let sum = |parts: &mut dyn Iterator<Item = Decimal>| {
            parts.fold(Decimal::ZERO, |sum, part| sum.saturating_add(part))
        };
        let ran = sum(&mut buckets.iter().map(weight));
        let time = sum(&mut buckets.iter().map(|(_, s)| Decimal::from(*s)));
        if ran > Decimal::ZERO {
            for bucket in &buckets {
                let value = &mut values[bucket.0];
                *value = value.saturating_add(share(amount, weight(bucket), ran));
            }
        } else if time > Decimal::ZERO {
            for (i, seconds) in &buckets {
                let value = &mut values[*i];
                *value = value.saturating_add(share(amount, Decimal::from(*seconds), time));
            }
        } else if let Some(edge) = if a >= self.to {
            values.last_mut()
        } else {
            values.first_mut()
        } {
            *edge = edge.saturating_add(amount);
        }
    }
}

/// Cumulative EffectiveCost per strategy, at the end of every bucket of the replay (points
/// where the cost goes on as before left out: they add nothing to the line).
fn cumulative(
    cost: &CostOverTime,
    fleet: &FleetHours,
    allocation: Option<&Allocation>,
) -> Vec<TimeSeries> {
    let (start, horizon) = cost.window();
    let mut widths: Vec<i64> = cost.strategies().map(|(_, by)| by.width()).collect();
    widths.push(fleet.running.width());
    let grid = Grid::new((start.unix(), horizon.unix()), &widths);
    let running = grid.read(&fleet.running);
    cost.strategies()
        .map(|(name, by)| {
            let mut values = grid.read(by);
            if name == "reserved" {
                reserved_compute(cost, allocation, &grid, &running, &mut values);
            }
            TimeSeries {
                name: name.to_string(),
                points: running_total(&grid, &values),
            }
        })
        .collect()
}

/// The reserved strategy's uncovered compute, each charge period's cost shared out by the
/// hours the allocation found uncovered usage in (and within an hour by the instances that
/// ran), rather than spread over the whole period.
fn reserved_compute(
    cost: &CostOverTime,
    allocation: Option<&Allocation>,
    grid: &Grid,
    running: &[i64],
    values: &mut [Decimal],
) {
    let mut uncovered: BTreeMap<i64, Decimal> = BTreeMap::new();
    for usage in allocation.iter().flat_map(|a| &a.usage) {
        let hour = uncovered.entry(usage.hour.unix()).or_default();
        *hour = hour.saturating_add(usage.value.saturating_sub(usage.covered_value));
    }
    for (start, end, amount) in cost.reserved_compute() {
        let hours: Vec<(i64, Decimal)> = uncovered
            .range(start..end)
            .map(|(h, v)| (*h, *v))
            .filter(|(_, v)| *v > Decimal::ZERO)
            .collect();
        let total = hours
            .iter()
            .fold(Decimal::ZERO, |sum, (_, v)| sum.saturating_add(*v));
        if total.is_zero() {
            grid.place(values, running, (start, end), amount);
            continue;
        }
        for (hour, value) in hours {
            let span = (hour, hour + SECONDS_PER_HOUR);
            grid.place(values, running, span, share(amount, value, total));
        }
    }
}

/// (time, total so far) from the window's start, through the end of each bucket whose cost
/// differs from the next one's.
fn running_total(grid: &Grid, values: &[Decimal]) -> Vec<(i64, f64)> {
    let mut points = vec![(grid.from, 0.0)];
    let mut total = Decimal::ZERO;
    for (i, value) in values.iter().enumerate() {
        // Only drawn: a sum past the decimal range (never met: prices are capped) saturates.
        total = total.saturating_add(*value);
        let (start, end) = grid.bounds(i);
        let steady = end - start == grid.width
            && values.get(i + 1) == Some(value)
            && grid.bounds(i + 1).1 - grid.bounds(i + 1).0 == grid.width;
        if !steady {
            points.push((end, money(total)));
        }
    }
    points
}

/// The fleet chart's data: bucket starts (and the window's end), and each category's
/// average instances in each bucket.
#[derive(Debug)]
pub struct Fleet {
    pub width: i64,
    pub times: Vec<i64>,
    pub categories: Vec<(String, Vec<f64>)>,
}

/// Average instances per bucket: running On-Demand, covered by reservations, run on Spot by
/// the Spot strategy, stopped (an instance exists, so its volume bills, but it does not run).
/// Reservations cover hours, so an hour's covered seconds are shared out over its buckets
/// as the instances ran in them.
pub fn fleet(hours: &FleetHours, allocation: Option<&Allocation>, window: (i64, i64)) -> Fleet {
    let widths = [
        hours.running.width(),
        hours.existing.width(),
        hours.spot.width(),
    ];
    let grid = Grid::new(window, &widths);
    let (running, existing, spot) = (
        grid.read(&hours.running),
        grid.read(&hours.existing),
        grid.read(&hours.spot),
    );
    let mut covered = vec![Decimal::ZERO; running.len()];
    for usage in allocation.iter().flat_map(|a| &a.usage) {
        let hour = usage.hour.unix();
        let span = (hour, hour + SECONDS_PER_HOUR);
        grid.place(&mut covered, &running, span, usage.covered_seconds);
    }
    let mut columns: Vec<[Decimal; 4]> = Vec::with_capacity(running.len());
    for (i, ran) in running.iter().enumerate() {
        let ran = Decimal::from(*ran);
        let at = |v: &[i64]| Decimal::from(v.get(i).copied().unwrap_or(0));
        let (covered, spot) = (covered[i].min(ran), at(&spot).min(ran));
        let on_demand = ran
            .saturating_sub(covered)
            .saturating_sub(spot)
            .max(Decimal::ZERO);
        let stopped = at(&existing).saturating_sub(ran).max(Decimal::ZERO);
        columns.push([on_demand, covered, spot, stopped]);
    }
    let mut times = Vec::new();
    let mut values: [Vec<f64>; 4] = Default::default();
    for (i, column) in columns.iter().enumerate() {
        if i > 0 && columns.get(i - 1) == Some(column) {
            continue;
        }
        let (start, end) = grid.bounds(i);
        let seconds = Decimal::from((end - start).max(1));
        times.push(start);
        for (k, v) in column.iter().enumerate() {
            values[k].push(money(*v / seconds));
        }
    }
    if !times.is_empty() {
        times.push(grid.to);
        for v in &mut values {
            v.push(0.0);
        }
    }
    let [on_demand, reserved, spot, stopped] = values;
    let mut categories = vec![("On-Demand".to_string(), on_demand)];
    if allocation.is_some() {
        categories.push(("reservation-covered".to_string(), reserved));
    }
    categories.push(("Spot".to_string(), spot));
    categories.push(("stopped".to_string(), stopped));
    Fleet {
        width: grid.width,
        times,
        categories,
    }
}

type Monthly = (
    Vec<String>,
    Vec<String>,
    BTreeMap<(String, String, String), f64>,
);

/// Totals by strategy, month and kind, labelled.
fn monthly(totals: &MonthlyTotals) -> Monthly {
    let strategies = totals.strategies().iter().map(|s| s.name().to_string());
    let mut months: Vec<String> = totals
        .rows()
        .map(|((m, _, _), _)| m.month_label())
        .collect();
    months.sort();
    months.dedup();
    let values = totals
        .rows()
        .map(|((month, strategy, kind), v)| {
            let key = (strategy.to_string(), month.month_label(), kind.to_string());
            (key, money(v))
        })
        .collect();
    (strategies.collect(), months, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;

    /// 2026-03-02T00:00:00Z.
    const MONDAY: i64 = 1_772_409_600;
    const H: i64 = 3_600;

    #[test]
    fn titles_name_the_file_not_its_path() {
        assert_eq!(
            file_name("scenarios/nightly-batch.csv"),
            "nightly-batch.csv"
        );
        assert_eq!(file_name("/tmp/a/y.csv"), "y.csv");
        assert_eq!(file_name("web.csv"), "web.csv");
    }

    #[test]
    fn widths_read_as_a_person_says_them() {
        assert_eq!(width_name(1), "second");
        assert_eq!(width_name(300), "5 minutes");
        assert_eq!(width_name(3_600), "hour");
        assert_eq!(width_name(10_800), "3 hours");
        assert_eq!(width_name(86_400), "day");
    }

    #[test]
    fn a_nightly_job_is_in_the_fleet_only_while_it_runs() {
        // 20 instances 01:00–03:00 each day for a week, nothing else.
        let mut hours = FleetHours::default();
        for day in 0..7 {
            let start = MONDAY + day * 24 * H + H;
            for _ in 0..20 {
                let (a, b) = (
                    Timestamp::from_unix(start),
                    Timestamp::from_unix(start + 2 * H),
                );
                hours.running.spread(a, b, |s| s);
                hours.existing.spread(a, b, |s| s);
            }
        }
        let fleet = fleet(&hours, None, (MONDAY + H, MONDAY + 7 * 24 * H));
        assert_eq!(fleet.width, 300);
        let names: Vec<&str> = fleet.categories.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(names, ["On-Demand", "Spot", "stopped"]);
        let on_demand = &fleet.categories[0].1;
        // Runs and idle stretches alternate: 20 from each 01:00 to 03:00, none otherwise.
        for (i, t) in fleet.times.iter().enumerate() {
            let hour = (t - MONDAY).rem_euclid(24 * H) / H;
            let expected = if (1..3).contains(&hour) && i + 1 < fleet.times.len() {
                20.0
            } else {
                0.0
            };
            assert_eq!(on_demand[i], expected, "at {t}");
        }
        assert_eq!(fleet.times.len(), 7 * 2 + 1);
    }
}
