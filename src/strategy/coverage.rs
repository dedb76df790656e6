//! Reservation coverage, clock hour by clock hour.
//!
//! In each clock hour a reservation's benefit covers up to 3,600 seconds of matching
//! usage, shared by as many instances as ran in that hour (billing-rules.md §7). Regional
//! Linux reservations are size-flexible: usage and capacity are counted in normalized units
//! (seconds × normalization factor) and applied from the smallest size in the family up,
//! so a reservation can cover part of a larger instance. Other platforms match the exact
//! instance type.

use crate::billing::{HourlyUsage, UsageKey};
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
        let mut sorted: Vec<(&UsageKey, &u64)> = keys.iter().collect();
        sorted.sort();
        for (key, &seconds) in sorted {
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
            pool_usage.times.push(*hour);
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
