//! The charts `--out` writes, from the same line items (their totals) and charges as the CSV
//! files.
//!
//! Money becomes `f64` here and only here, at the last moment before drawing.

use super::by_hour::ByHour;
use super::spending::{FleetHours, HourlyCost, MonthlyTotals, Spending};
use crate::chart::{self, ChartError, TimeSeries};
use crate::clock::SECONDS_PER_HOUR;
use crate::simulation::Outcome;
use crate::strategy::allocation::Allocation;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

/// Draws every chart into `dir`; returns the file names written.
pub fn draw_all(
    dir: &Path,
    scenario: &str,
    outcome: &Outcome,
    (spending, fleet_hours): (&Spending, &FleetHours),
    allocation: Option<&Allocation>,
) -> Result<Vec<String>, ChartError> {
    let mut written = Vec::new();
    let mut draw = |name: &str, result: Result<(), ChartError>| -> Result<(), ChartError> {
        result?;
        written.push(name.to_string());
        Ok(())
    };
    let title = |what: &str| format!("{what}: {scenario}");
    draw(
        "cumulative_cost.png",
        chart::cumulative_cost(
            &dir.join("cumulative_cost.png"),
            &title("Cumulative cost"),
            &cumulative(&spending.hourly),
        ),
    )?;
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
    let (times, categories) = fleet(fleet_hours, allocation);
    draw(
        "fleet_composition.png",
        chart::fleet_composition(
            &dir.join("fleet_composition.png"),
            &title("Fleet composition (average instances per hour)"),
            &times,
            &categories,
        ),
    )?;
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
        draw(
            &name,
            chart::reservation_curve(&dir.join(&name), &title(&what), &costs, chosen),
        )?;
    }
    Ok(written)
}

fn money(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// Cumulative EffectiveCost per strategy, at the end of each hour.
fn cumulative(hourly: &HourlyCost) -> Vec<TimeSeries> {
    let (start, horizon) = hourly.window();
    hourly
        .strategies()
        .map(|(name, hours)| {
            let mut total = Decimal::ZERO;
            let mut points = vec![(start.unix(), 0.0)];
            for (hour, v) in hours {
                total += v;
                let end = (hour + SECONDS_PER_HOUR)
                    .min(horizon.unix())
                    .max(start.unix());
                points.push((end, money(total)));
            }
            TimeSeries {
                name: name.to_string(),
                points,
            }
        })
        .collect()
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

/// Average instances per clock hour: running On-Demand, covered by reservations, stopped
/// (an instance exists, so its volume bills, but it does not run).
fn fleet(
    hours: &FleetHours,
    allocation: Option<&Allocation>,
) -> (Vec<i64>, Vec<(String, Vec<f64>)>) {
    let seconds = |hours: &ByHour<i64>| -> BTreeMap<i64, Decimal> {
        let hours = hours.hours().into_iter();
        hours.map(|(hour, s)| (hour, Decimal::from(s))).collect()
    };
    let (running, existing) = (seconds(&hours.running), seconds(&hours.existing));
    let mut covered: BTreeMap<i64, Decimal> = BTreeMap::new();
    for usage in allocation.iter().flat_map(|a| &a.usage) {
        *covered.entry(usage.hour.unix()).or_default() += usage.covered_seconds;
    }
    let times: Vec<i64> = existing
        .keys()
        .chain(running.keys())
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let hour = Decimal::from(SECONDS_PER_HOUR);
    let at = |map: &BTreeMap<i64, Decimal>, t: &i64| map.get(t).copied().unwrap_or(Decimal::ZERO);
    let on_demand = times
        .iter()
        .map(|t| money((at(&running, t) - at(&covered, t)) / hour))
        .collect();
    let reserved = times
        .iter()
        .map(|t| money(at(&covered, t) / hour))
        .collect();
    let stopped = times
        .iter()
        .map(|t| money(((at(&existing, t) - at(&running, t)) / hour).max(Decimal::ZERO)))
        .collect();
    let mut categories = vec![("On-Demand".to_string(), on_demand)];
    if allocation.is_some() {
        categories.push(("reservation-covered".to_string(), reserved));
    }
    categories.push(("stopped".to_string(), stopped));
    (times, categories)
}
