//! Reservation coverage, clock hour by clock hour.
//!
//! In each clock hour a reservation's benefit covers up to 3,600 seconds of matching
//! usage, shared by as many instances as ran in that hour (billing-rules.md §7). Regional
//! Linux reservations are size-flexible: usage and capacity are counted in normalized units
//! (seconds × normalization factor) and applied from the smallest size in the family up,
//! so a reservation can cover part of a larger instance. Other platforms match the exact
//! instance type.

use crate::billing::HourlyUsage;
use crate::clock::{Timestamp, SECONDS_PER_HOUR};
use crate::money::{HourlyRate, MoneyError, Usd};
use crate::pricing::{sizes, Catalog};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a reservation can cover: a family (size-flexible) or one exact type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pool {
    pub region: Arc<str>,
    pub os: Arc<str>,
    /// The family (`m5`) when size-flexible, else the instance type (`m5.large`).
    pub scope: Arc<str>,
    pub flexible: bool,
}

impl Pool {
    /// The pool of a type, and how many units one instance-second of it counts for.
    pub fn of(
        catalog: &Catalog,
        region: &Arc<str>,
        os: &Arc<str>,
        instance_type: &Arc<str>,
    ) -> (Pool, Decimal) {
        let flexible = catalog.platform(os).is_some_and(|p| p.size_flexible());
        let family_factor = sizes::split_type(instance_type)
            .and_then(|(family, size)| sizes::normalization_factor(size).map(|f| (family, f)));
        match family_factor {
            Some((family, factor)) if flexible => (
                Pool {
                    region: Arc::clone(region),
                    os: Arc::clone(os),
                    scope: Arc::from(family),
                    flexible: true,
                },
                factor,
            ),
            _ => (
                Pool {
                    region: Arc::clone(region),
                    os: Arc::clone(os),
                    scope: Arc::clone(instance_type),
                    flexible: false,
                },
                Decimal::ONE,
            ),
        }
    }
}

/// One key's usage in one hour, ready to be covered.
#[derive(Debug, Clone)]
pub struct Entry {
    pub units: Decimal,
    pub seconds: u64,
    pub rate: HourlyRate,
    pub group: Arc<str>,
    pub instance_type: Arc<str>,
}

/// A pool's usage: for every hour with usage, its entries from the smallest size up.
#[derive(Debug, Clone, Default)]
pub struct PoolUsage {
    pub hours: Vec<Vec<Entry>>,
    /// The clock hour of each element of `hours`.
    pub times: Vec<Timestamp>,
}

impl PoolUsage {
    /// The peak of normalized usage in any hour, in unit-seconds.
    pub fn peak_units(&self) -> Decimal {
        self.hours
            .iter()
            .map(|h| units_in(h))
            .max()
            .unwrap_or(Decimal::ZERO)
    }

    /// What all of the pool's usage costs On-Demand.
    pub fn on_demand_cost(&self) -> Result<Usd, MoneyError> {
        Usd::checked_sum(
            self.hours
                .iter()
                .flatten()
                .map(|e| e.rate.cost_of_seconds(e.seconds))
                .collect::<Result<Vec<_>, _>>()?,
        )
    }
}

pub fn units_in(entries: &[Entry]) -> Decimal {
    entries
        .iter()
        .map(|e| e.units * Decimal::from(e.seconds))
        .sum()
}

/// Groups hourly usage by pool, each hour's entries ordered smallest size first.
pub fn by_pool(
    usage: &HourlyUsage,
    catalog: &Catalog,
) -> Result<BTreeMap<Pool, PoolUsage>, MoneyError> {
    let mut pools: BTreeMap<Pool, PoolUsage> = BTreeMap::new();
    for (hour, keys) in usage.hours() {
        let mut this_hour: BTreeMap<Pool, Vec<Entry>> = BTreeMap::new();
        for (key, seconds) in keys {
            let (pool, units) = Pool::of(catalog, &key.region, &key.os, &key.instance_type);
            let Some(rate) = catalog.on_demand(&key.region, &key.instance_type, &key.os) else {
                continue;
            };
            this_hour.entry(pool).or_default().push(Entry {
                units,
                seconds,
                rate,
                group: Arc::clone(&key.group),
                instance_type: Arc::clone(&key.instance_type),
            });
        }
        for (pool, mut entries) in this_hour {
            entries.sort_by(|a, b| {
                (a.units, &a.instance_type, &a.group).cmp(&(b.units, &b.instance_type, &b.group))
            });
            let pool_usage = pools.entry(pool).or_default();
            pool_usage.hours.push(entries);
            pool_usage.times.push(hour);
        }
    }
    Ok(pools)
}

/// What coverage saved in one pool: On-Demand value no longer billed, by group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Covered {
    /// On-Demand cost of the covered usage (what the reservations replace).
    pub value: Usd,
    pub value_by_group: BTreeMap<Arc<str>, Usd>,
    /// Instance-seconds covered (a partly covered large instance counts in part).
    pub seconds: Decimal,
    /// Capacity used, in unit-seconds.
    pub used_units: Decimal,
}

/// Covers every hour of a pool with `capacity` unit-seconds per hour.
pub fn cover(pool: &PoolUsage, capacity: Decimal) -> Result<Covered, MoneyError> {
    let mut covered = Covered::default();
    for entries in &pool.hours {
        cover_hour(entries, capacity, &mut covered)?;
    }
    Ok(covered)
}

/// Covered On-Demand value and capacity used, over all hours, for every count from 0 to
/// `max` of reservations of `per` unit-seconds each: one sweep per hour over the entries'
/// breakpoints, instead of covering every hour once per count (which grows with the square
/// of the fleet).
pub fn cover_curve(
    pool: &PoolUsage,
    per: Decimal,
    max: u64,
) -> Result<Vec<(Usd, Decimal)>, MoneyError> {
    let overflow = MoneyError::overflow_of_coverage;
    let n = usize::try_from(max)
        .map_err(|_| overflow())?
        .saturating_add(1);
    let mut value = vec![Decimal::ZERO; n];
    let mut used = vec![Decimal::ZERO; n];
    let hour = Decimal::from(SECONDS_PER_HOUR);
    for entries in &pool.hours {
        let needs: Vec<Decimal> = entries
            .iter()
            .map(|e| e.units * Decimal::from(e.seconds))
            .collect();
        let total: Decimal = needs.iter().sum();
        let (mut k, mut filled, mut filled_value) = (0usize, Decimal::ZERO, Decimal::ZERO);
        for count in 0..n {
            let capacity = per * Decimal::from(count as u64);
            while k < entries.len() && filled + needs[k] <= capacity {
                filled += needs[k];
                filled_value +=
                    entries[k].rate.per_hour() * Decimal::from(entries[k].seconds) / hour;
                k += 1;
            }
            let partial = match entries.get(k) {
                Some(entry) => entry.rate.per_hour() * ((capacity - filled) / entry.units) / hour,
                None => Decimal::ZERO,
            };
            value[count] += filled_value + partial;
            used[count] += capacity.min(total);
            if k == entries.len() {
                for rest in count + 1..n {
                    value[rest] += filled_value;
                    used[rest] += total;
                }
                break;
            }
        }
    }
    Ok(value.into_iter().map(Usd::new).zip(used).collect())
}

/// Units covered for each entry of one hour, smallest size first.
pub fn covered_units(entries: &[Entry], capacity: Decimal) -> Vec<Decimal> {
    let mut remaining = capacity;
    entries
        .iter()
        .map(|entry| {
            let need = entry.units * Decimal::from(entry.seconds);
            let used = need.min(remaining).max(Decimal::ZERO);
            remaining -= used;
            used
        })
        .collect()
}

fn cover_hour(
    entries: &[Entry],
    capacity: Decimal,
    covered: &mut Covered,
) -> Result<(), MoneyError> {
    let overflow = MoneyError::overflow_of_coverage;
    let mut remaining = capacity;
    for entry in entries {
        if remaining <= Decimal::ZERO {
            break;
        }
        let need = entry
            .units
            .checked_mul(Decimal::from(entry.seconds))
            .ok_or_else(overflow)?;
        let used = need.min(remaining);
        remaining -= used;
        let seconds = used.checked_div(entry.units).ok_or_else(overflow)?;
        let value = entry
            .rate
            .per_hour()
            .checked_mul(seconds)
            .and_then(|v| v.checked_div(Decimal::from(SECONDS_PER_HOUR)))
            .map(Usd::new)
            .ok_or_else(overflow)?;
        covered.value = covered.value.checked_add(value)?;
        let slot = covered
            .value_by_group
            .entry(Arc::clone(&entry.group))
            .or_default();
        *slot = slot.checked_add(value)?;
        covered.seconds += seconds;
        covered.used_units += used;
    }
    Ok(())
}

/// Clock hours a reservation is billed for within `[start, horizon)`: every hour touched.
pub fn clock_hours(start: Timestamp, horizon: Timestamp) -> u64 {
    let first = start.hour_start();
    horizon
        .since(first)
        .0
        .div_ceil(SECONDS_PER_HOUR.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(units: i64, seconds: u64, rate: &str) -> Entry {
        Entry {
            units: Decimal::from(units),
            seconds,
            rate: HourlyRate::new(rate.parse().unwrap_or_default()),
            group: Arc::from("g"),
            instance_type: Arc::from("t"),
        }
    }

    #[test]
    fn the_curve_sweep_agrees_with_covering_each_count() {
        // Two hours: large (4 units) and xlarge (8 units) usage; reservations of 4 units.
        let pool = PoolUsage {
            hours: vec![
                vec![
                    entry(4, 3_600, "0.096"),
                    entry(4, 1_800, "0.096"),
                    entry(8, 3_600, "0.192"),
                ],
                vec![entry(8, 900, "0.192")],
            ],
            times: vec![Timestamp::from_unix(0), Timestamp::from_unix(3_600)],
        };
        let per = Decimal::from(4 * 3_600);
        let curve = cover_curve(&pool, per, 6).unwrap_or_default();
        for (count, (value, used)) in curve.iter().enumerate() {
            let covered = cover(&pool, per * Decimal::from(count as u64)).unwrap_or_default();
            let difference = (covered.value.amount() - value.amount()).abs();
            assert!(
                difference < Decimal::new(1, 20),
                "count {count}: {} vs {}",
                covered.value,
                value
            );
            assert_eq!(covered.used_units, *used, "count {count}");
        }
        // 1 reservation covers the first large hour in full: $0.096.
        assert_eq!(
            curve[1].0.amount(),
            "0.096".parse::<Decimal>().unwrap_or_default()
                + "0.048".parse::<Decimal>().unwrap_or_default()
        );
    }
}
