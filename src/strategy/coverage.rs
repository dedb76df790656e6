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
use rust_decimal::prelude::ToPrimitive;
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
    pub key: Arc<EntryKey>,
    pub seconds: u64,
}

/// What coverage needs to know of a usage key, shared by every hour the key is used in: a
/// year of a thousand keys is millions of entries, and these fields in each made them the
/// largest thing ec2plan kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryKey {
    pub units: Decimal,
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
                .map(|e| e.key.rate.cost_of_seconds(e.seconds))
                .collect::<Result<Vec<_>, _>>()?,
        )
    }
}

pub fn units_in(entries: &[Entry]) -> Decimal {
    entries
        .iter()
        .map(|e| e.key.units * Decimal::from(e.seconds))
        .sum()
}

/// Groups hourly usage by pool, each hour's entries ordered smallest size first.
pub fn by_pool(
    usage: &HourlyUsage,
    catalog: &Catalog,
) -> Result<BTreeMap<Pool, PoolUsage>, MoneyError> {
    let mut pools: BTreeMap<Pool, PoolUsage> = BTreeMap::new();
    // Each key's pool (an index into `names`) and entry key, found once: the usage hands
    // out the same `&UsageKey` every hour, so its address identifies it.
    let mut known: hashbrown::HashMap<*const UsageKey, Option<(usize, Arc<EntryKey>)>> =
        hashbrown::HashMap::new();
    let mut names: Vec<Pool> = Vec::new();
    for (hour, keys) in usage.hours() {
        let mut this_hour: BTreeMap<usize, Vec<Entry>> = BTreeMap::new();
        for (key, seconds) in keys {
            let found = known.entry(std::ptr::from_ref(key)).or_insert_with(|| {
                let (pool, entry_key) = entry_key(key, catalog)?;
                let index = names.iter().position(|p| *p == pool).unwrap_or_else(|| {
                    names.push(pool);
                    names.len() - 1
                });
                Some((index, entry_key))
            });
            let Some((pool, entry_key)) = found else {
                continue;
            };
            this_hour.entry(*pool).or_default().push(Entry {
                key: Arc::clone(entry_key),
                seconds,
            });
        }
        for (index, mut entries) in this_hour {
            let pool = names[index].clone();
            entries.sort_by(|a, b| {
                (a.key.units, &a.key.instance_type, &a.key.group).cmp(&(
                    b.key.units,
                    &b.key.instance_type,
                    &b.key.group,
                ))
            });
            let pool_usage = pools.entry(pool).or_default();
            pool_usage.hours.push(entries);
            pool_usage.times.push(hour);
        }
    }
    Ok(pools)
}

/// The pool of a usage key and what coverage needs of it; `None` without an On-Demand price.
fn entry_key(key: &UsageKey, catalog: &Catalog) -> Option<(Pool, Arc<EntryKey>)> {
    let (pool, units) = Pool::of(catalog, &key.region, &key.os, &key.instance_type);
    let rate = catalog.on_demand(&key.region, &key.instance_type, &key.os)?;
    let entry_key = EntryKey {
        units,
        rate,
        group: Arc::clone(&key.group),
        instance_type: Arc::clone(&key.instance_type),
    };
    Some((pool, Arc::new(entry_key)))
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
/// `max` of reservations of `per` unit-seconds each.
///
/// Within one hour both are piecewise linear in the count: while the reservations fill the
/// entries before entry `k` and part of `k`, each more reservation covers `per` more of
/// `k`'s unit-seconds at `k`'s price per unit-second; once the hour is covered, nothing
/// changes. So each hour adds one line per entry to a difference array over the counts,
/// and the curve is summed once at the end: work grows with the entries, not with
/// entries times counts (which took minutes for a fleet of thousands).
pub fn cover_curve(
    pool: &PoolUsage,
    per: Decimal,
    max: u64,
) -> Result<Vec<(Usd, Decimal)>, MoneyError> {
    let n = usize::try_from(max)
        .map_err(|_| MoneyError::overflow_of_coverage())?
        .saturating_add(1);
    let mut value = Lines::new(n);
    let mut used = Lines::new(n);
    for entries in &pool.hours {
        add_hour(entries, per, &mut value, &mut used)?;
    }
    let value = value.sum()?;
    let used = used.sum()?;
    Ok(value.into_iter().map(Usd::new).zip(used).collect())
}

/// One hour's lines: entry `k` is partly covered for the counts whose capacity reaches the
/// entries before it but not all of it.
fn add_hour(
    entries: &[Entry],
    per: Decimal,
    value: &mut Lines,
    used: &mut Lines,
) -> Result<(), MoneyError> {
    let overflow = MoneyError::overflow_of_coverage;
    let hour = Decimal::from(SECONDS_PER_HOUR);
    let first_count = |units: Decimal| -> Result<usize, MoneyError> {
        let count = units.checked_div(per).ok_or_else(overflow)?.ceil();
        Ok(count.to_usize().unwrap_or(usize::MAX))
    };
    let (mut filled, mut filled_value) = (Decimal::ZERO, Decimal::ZERO);
    for entry in entries {
        let need = entry
            .key
            .units
            .checked_mul(Decimal::from(entry.seconds))
            .ok_or_else(overflow)?;
        let next = filled.checked_add(need).ok_or_else(overflow)?;
        let price = entry.key.rate.per_hour();
        // The line: filled value plus (capacity − filled) unit-seconds at this entry's price
        // per unit-second (multiplied before dividing, so whole figures stay exact).
        let unit_hours = entry.key.units.checked_mul(hour).ok_or_else(overflow)?;
        let at_price = |unit_seconds: Decimal| {
            price
                .checked_mul(unit_seconds)
                .and_then(|v| v.checked_div(unit_hours))
                .ok_or_else(overflow)
        };
        let at_zero = filled_value
            .checked_sub(at_price(filled)?)
            .ok_or_else(overflow)?;
        let per_count = at_price(per)?;
        value.add(first_count(filled)?, first_count(next)?, at_zero, per_count)?;
        filled = next;
        let whole = price
            .checked_mul(Decimal::from(entry.seconds))
            .and_then(|v| v.checked_div(hour))
            .ok_or_else(overflow)?;
        filled_value = filled_value.checked_add(whole).ok_or_else(overflow)?;
    }
    let covered = first_count(filled)?;
    value.add(covered, usize::MAX, filled_value, Decimal::ZERO)?;
    used.add(0, covered, Decimal::ZERO, per)?;
    used.add(covered, usize::MAX, filled, Decimal::ZERO)
}

/// Sums of lines `a + b × count` over ranges of counts, kept as differences.
struct Lines {
    at_zero: Vec<Decimal>,
    per_count: Vec<Decimal>,
}

impl Lines {
    fn new(n: usize) -> Lines {
        Lines {
            at_zero: vec![Decimal::ZERO; n + 1],
            per_count: vec![Decimal::ZERO; n + 1],
        }
    }

    /// Adds `a + b × count` for the counts in `[from, to)` (clipped to the curve).
    fn add(&mut self, from: usize, to: usize, a: Decimal, b: Decimal) -> Result<(), MoneyError> {
        let n = self.at_zero.len() - 1;
        let (from, to) = (from.min(n), to.min(n));
        if from >= to {
            return Ok(());
        }
        for (diff, x) in [(&mut self.at_zero, a), (&mut self.per_count, b)] {
            diff[from] = diff[from]
                .checked_add(x)
                .ok_or_else(MoneyError::overflow_of_coverage)?;
            diff[to] = diff[to]
                .checked_sub(x)
                .ok_or_else(MoneyError::overflow_of_coverage)?;
        }
        Ok(())
    }

    /// The summed line at every count.
    fn sum(self) -> Result<Vec<Decimal>, MoneyError> {
        let overflow = MoneyError::overflow_of_coverage;
        let (mut a, mut b) = (Decimal::ZERO, Decimal::ZERO);
        let n = self.at_zero.len() - 1;
        (0..n)
            .map(|count| {
                a = a.checked_add(self.at_zero[count]).ok_or_else(overflow)?;
                b = b.checked_add(self.per_count[count]).ok_or_else(overflow)?;
                b.checked_mul(Decimal::from(count as u64))
                    .and_then(|bc| a.checked_add(bc))
                    .ok_or_else(overflow)
            })
            .collect()
    }
}

/// Units covered for each entry of one hour, smallest size first.
pub fn covered_units(entries: &[Entry], capacity: Decimal) -> Vec<Decimal> {
    let mut remaining = capacity;
    entries
        .iter()
        .map(|entry| {
            let need = entry.key.units * Decimal::from(entry.seconds);
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
            .key
            .units
            .checked_mul(Decimal::from(entry.seconds))
            .ok_or_else(overflow)?;
        let used = need.min(remaining);
        remaining -= used;
        let seconds = used.checked_div(entry.key.units).ok_or_else(overflow)?;
        let value = entry
            .key
            .rate
            .per_hour()
            .checked_mul(seconds)
            .and_then(|v| v.checked_div(Decimal::from(SECONDS_PER_HOUR)))
            .map(Usd::new)
            .ok_or_else(overflow)?;
        covered.value = covered.value.checked_add(value)?;
        let slot = covered
            .value_by_group
            .entry(Arc::clone(&entry.key.group))
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
        let key = EntryKey {
            units: Decimal::from(units),
            rate: HourlyRate::new(rate.parse().unwrap_or_default()),
            group: Arc::from("g"),
            instance_type: Arc::from("t"),
        };
        Entry {
            key: Arc::new(key),
            seconds,
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
