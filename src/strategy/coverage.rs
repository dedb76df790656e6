//! Reservation coverage, clock hour by clock hour.
//!
//! In each clock hour a reservation's benefit covers up to 3,600 seconds of matching
//! usage, shared by as many instances as ran in that hour (docs/billing-rules.md §7). Regional
//! Linux reservations are size-flexible: usage and capacity are counted in normalized units
//! (seconds × normalization factor) and applied from the smallest size in the family up,
//! so a reservation can cover part of a larger instance. Other platforms match the exact
//! instance type.

use crate::billing::{HourlyUsage, Part, UsageKey};
use crate::clock::{Timestamp, SECONDS_PER_HOUR};
use crate::money::{HourlyRate, MoneyError, Usd};
use crate::pricing::{sizes, Catalog};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
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
        let family_factor = sizes::split_type(instance_type).and_then(|(family, _)| {
            catalog
                .normalization_factor(instance_type)
                .map(|f| (family, f))
        });
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

/// One key's usage in one hour: an index into its pool's [`PoolUsage::keys`] and seconds.
///
/// Eight bytes: a year of a thousand keys is millions of entries, the largest thing
/// ec2plan keeps. A key's seconds beyond `u32::MAX` in one hour (over a million instances
/// of it) are kept as several entries in a row, which cover the same as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub key: u32,
    pub seconds: u32,
}

/// What coverage needs to know of a usage key, kept once per pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryKey {
    pub units: Decimal,
    /// `units` in quarters, a whole number for every normalization factor (nano is 0.25),
    /// so coverage can count in integers.
    pub quarters: u64,
    pub rate: HourlyRate,
    pub group: Arc<str>,
    pub instance_type: Arc<str>,
}

impl EntryKey {
    /// What `seconds` of this key cost On-Demand, exactly.
    fn value_of(&self, seconds: Decimal) -> Option<Decimal> {
        self.rate
            .per_hour()
            .checked_mul(seconds)?
            .checked_div(Decimal::from(SECONDS_PER_HOUR))
    }
}

/// A pool's usage: for every hour with usage, its entries from the smallest size up.
#[derive(Debug, Clone, Default)]
pub struct PoolUsage {
    /// The pool's keys, smallest size first (then type, then group): the order in which
    /// reservations apply, so an hour's entries sorted by key are in that order.
    pub keys: Vec<EntryKey>,
    entries: Vec<Entry>,
    /// Where each hour's entries start in `entries`.
    starts: Vec<usize>,
    /// The clock hour of each hour with usage.
    times: Vec<Timestamp>,
}

impl PoolUsage {
    /// An empty pool of these keys, which must be ordered smallest size first.
    pub fn new(keys: Vec<EntryKey>) -> PoolUsage {
        PoolUsage {
            keys,
            ..PoolUsage::default()
        }
    }

    /// Adds the next hour; `entries` are (key index, seconds), sorted by key index.
    pub fn push_hour(&mut self, time: Timestamp, entries: impl IntoIterator<Item = (u32, u64)>) {
        self.starts.push(self.entries.len());
        self.times.push(time);
        for (key, mut seconds) in entries {
            while seconds > 0 {
                let chunk = u32::try_from(seconds).unwrap_or(u32::MAX);
                self.entries.push(Entry {
                    key,
                    seconds: chunk,
                });
                seconds -= u64::from(chunk);
            }
        }
    }

    /// Every hour with usage and its entries, in time order.
    pub fn hours(&self) -> impl Iterator<Item = (Timestamp, &[Entry])> + '_ {
        self.starts.iter().enumerate().map(|(i, &from)| {
            let to = self
                .starts
                .get(i + 1)
                .copied()
                .unwrap_or(self.entries.len());
            (self.times[i], &self.entries[from..to])
        })
    }

    fn quarters(&self, entry: &Entry) -> u128 {
        u128::from(self.keys[entry.key as usize].quarters) * u128::from(entry.seconds)
    }

    /// The peak of normalized usage in any hour, in unit-seconds.
    pub fn peak_units(&self) -> Decimal {
        let peak = self
            .hours()
            .map(|(_, entries)| entries.iter().map(|e| self.quarters(e)).sum::<u128>())
            .max()
            .unwrap_or(0);
        quarters_to_units(peak).unwrap_or(Decimal::MAX)
    }

    /// Seconds of every key over all hours.
    pub fn seconds_by_key(&self) -> Vec<u128> {
        let mut seconds = vec![0u128; self.keys.len()];
        for entry in &self.entries {
            seconds[entry.key as usize] += u128::from(entry.seconds);
        }
        seconds
    }

    /// What all of the pool's usage costs On-Demand.
    pub fn on_demand_cost(&self) -> Result<Usd, MoneyError> {
        let values = self
            .seconds_by_key()
            .into_iter()
            .zip(&self.keys)
            .map(|(seconds, key)| {
                Decimal::from_u128(seconds)
                    .and_then(|s| key.value_of(s))
                    .map(Usd::new)
                    .ok_or_else(MoneyError::overflow_of_coverage)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Usd::checked_sum(values)
    }
}

/// Unit-seconds as quarter-unit-seconds, if a whole number of them.
pub fn units_to_quarters(units: Decimal) -> Option<u128> {
    let quarters = units.checked_mul(Decimal::from(4))?;
    if !quarters.fract().is_zero() || quarters.is_sign_negative() {
        return None;
    }
    quarters.to_u128()
}

fn quarters_to_units(quarters: u128) -> Option<Decimal> {
    Decimal::from_u128(quarters)?.checked_div(Decimal::from(4))
}

/// The hourly usage of every pool, each pool's hours built when asked for.
///
/// A pool's hours are a pass over its marks; holding every pool's at once (2,000 keys ×
/// 8,760 hours for a year of a large fleet) was most of the memory of a reserved run, so the
/// usage's marks are grouped by pool once and each pool is built, used and dropped in turn.
#[derive(Debug, Clone, Default)]
pub struct Pools {
    usage: HourlyUsage,
    /// Every pool with priced usage, in order, with its keys (smallest size first) and marks
    /// (the part's usage keys are the pool's keys, in the same order).
    pools: Vec<(Pool, Vec<EntryKey>, Part)>,
    /// All instance-seconds billed On-Demand, priced or not: what coverage is a share of.
    pub total_seconds: u64,
}

impl Pools {
    /// Groups hourly usage by pool. Keys with no On-Demand price are left out (nothing was
    /// billed for them to cover).
    pub fn new(mut usage: HourlyUsage, catalog: &Catalog) -> Result<Pools, MoneyError> {
        let (members, places) = pool_keys(usage.keys(), catalog)?;
        let parts = usage.partition(&places, members.len());
        let pools = members
            .into_iter()
            .zip(parts)
            .map(|((pool, keys), part)| (pool, keys, part))
            .collect();
        Ok(Pools {
            total_seconds: usage.total_seconds(),
            usage,
            pools,
        })
    }

    /// Every pool with usage, in order, with its hours.
    pub fn iter(&self) -> impl Iterator<Item = (&Pool, PoolUsage)> + '_ {
        (0..self.pools.len()).map(|index| self.at(index))
    }

    /// How many pools have usage.
    pub fn len(&self) -> usize {
        self.pools.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pools.is_empty()
    }

    /// The pool at `index` (below [`Pools::len`]) with its hours, as [`Pools::iter`] gives
    /// it: so pools can be handed out to threads by index.
    pub fn at(&self, index: usize) -> (&Pool, PoolUsage) {
        (self.at_key(index), self.build(index))
    }

    /// How much work the pool at `index` is, in hourly marks: what sweeping it costs.
    pub fn marks(&self, index: usize) -> usize {
        self.pools[index].2.marks()
    }

    /// The pool at `index`, without building its hours.
    pub fn at_key(&self, index: usize) -> &Pool {
        &self.pools[index].0
    }

    /// The operating systems the scenario ran `instance_type` on in `region`, or where it
    /// never ran, those it ran the type's family on: what a reservation of the type that
    /// names no system is for.
    pub fn systems_running(&self, region: &str, instance_type: &str) -> Vec<Arc<str>> {
        let in_region = || self.pools.iter().filter(|(p, _, _)| &*p.region == region);
        let mut systems: Vec<Arc<str>> = in_region()
            .filter(|(_, keys, _)| keys.iter().any(|k| &*k.instance_type == instance_type))
            .map(|(p, _, _)| Arc::clone(&p.os))
            .collect();
        if systems.is_empty() {
            let family = sizes::split_type(instance_type).map(|(family, _)| family);
            systems = in_region()
                .filter(|(p, _, _)| p.flexible && Some(&*p.scope) == family)
                .map(|(p, _, _)| Arc::clone(&p.os))
                .collect();
        }
        systems.sort();
        systems.dedup();
        systems
    }

    /// One pool's hours, if it has usage.
    pub fn get(&self, pool: &Pool) -> Option<PoolUsage> {
        let index = self.pools.binary_search_by(|(p, _, _)| p.cmp(pool)).ok()?;
        Some(self.build(index))
    }

    /// Sweeps one pool's marks: each hour's keys, by index in the pool (smallest size first,
    /// as the partition numbered them).
    fn build(&self, index: usize) -> PoolUsage {
        let (_, keys, part) = &self.pools[index];
        let mut pool_usage = PoolUsage::new(keys.clone());
        let mut entries: Vec<(u32, u64)> = Vec::new();
        let mut hours = self.usage.hours_in(part);
        let first = part.keys.start;
        while let Some(hour) = hours.next_into(&mut entries) {
            pool_usage.push_hour(
                hour,
                entries
                    .iter()
                    .map(|&(key, s)| (key.saturating_sub(first), s)),
            );
        }
        pool_usage.entries.shrink_to_fit();
        pool_usage
    }
}

/// Each pool's keys, smallest size first, in pool order, and where each usage key went
/// (pool index, key index in the pool); `None` for a key with no On-Demand price.
#[allow(clippy::type_complexity)]
fn pool_keys(
    keys: &[UsageKey],
    catalog: &Catalog,
) -> Result<(Vec<(Pool, Vec<EntryKey>)>, Vec<Option<(usize, u32)>>), MoneyError> {
    let mut members: BTreeMap<Pool, Vec<(EntryKey, usize)>> = BTreeMap::new();
    for (id, key) in keys.iter().enumerate() {
        if let Some((pool, entry_key)) = entry_key(key, catalog)? {
            members.entry(pool).or_default().push((entry_key, id));
        }
    }
    let mut places = vec![None; keys.len()];
    let mut pools = Vec::new();
    for (index, (pool, mut keys)) in members.into_iter().enumerate() {
        keys.sort_by(|(a, _), (b, _)| {
            (a.units, &a.instance_type, &a.group).cmp(&(b.units, &b.instance_type, &b.group))
        });
        for (local, (_, id)) in keys.iter().enumerate() {
            let local = u32::try_from(local).map_err(|_| MoneyError::overflow_of_coverage())?;
            places[*id] = Some((index, local));
        }
        pools.push((pool, keys.into_iter().map(|(k, _)| k).collect()));
    }
    Ok((pools, places))
}

/// The pool of a usage key and what coverage needs of it; `None` without an On-Demand price.
fn entry_key(key: &UsageKey, catalog: &Catalog) -> Result<Option<(Pool, EntryKey)>, MoneyError> {
    let (pool, units) = Pool::of(catalog, &key.region, &key.os, &key.instance_type);
    let Some(rate) = catalog.on_demand(&key.region, &key.instance_type, &key.os) else {
        return Ok(None);
    };
    let quarters = units_to_quarters(units)
        .and_then(|q| u64::try_from(q).ok())
        .ok_or_else(MoneyError::overflow_of_coverage)?;
    let entry_key = EntryKey {
        units,
        quarters,
        rate,
        group: Arc::clone(&key.group),
        instance_type: Arc::clone(&key.instance_type),
    };
    Ok(Some((pool, entry_key)))
}

/// Coverage already worked out, by pool and capacity: recommending a count covers its pool
/// with it, and pricing the reservations bought then need not sweep the pool again.
#[derive(Debug, Default)]
pub struct CoverCache(BTreeMap<Pool, (Decimal, Covered)>);

impl CoverCache {
    /// Keeps how `capacity` unit-seconds per hour cover `pool`.
    pub fn keep(&mut self, pool: &Pool, capacity: Decimal, covered: Covered) {
        self.0.insert(pool.clone(), (capacity, covered));
    }

    /// How `capacity` covers `pool`: as kept, when it was kept for that capacity, else
    /// worked out from the pool's hours.
    pub fn cover(
        &mut self,
        pools: &Pools,
        pool: &Pool,
        capacity: Decimal,
    ) -> Result<Covered, MoneyError> {
        match self.0.remove(pool) {
            Some((kept, covered)) if kept == capacity => Ok(covered),
            _ => cover(&pools.get(pool).unwrap_or_default(), capacity),
        }
    }
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
///
/// The hours are covered in integers (quarter-unit-seconds per key), and each key's
/// covered seconds and value are worked out once at the end: exact, and one Decimal
/// division per key instead of several per entry.
pub fn cover(pool: &PoolUsage, capacity: Decimal) -> Result<Covered, MoneyError> {
    let overflow = MoneyError::overflow_of_coverage;
    let capacity = units_to_quarters(capacity).ok_or_else(overflow)?;
    let mut used = vec![0u128; pool.keys.len()];
    for (_, entries) in pool.hours() {
        let mut remaining = capacity;
        for entry in entries {
            if remaining == 0 {
                break;
            }
            let take = pool.quarters(entry).min(remaining);
            remaining -= take;
            let slot = &mut used[entry.key as usize];
            *slot = slot.checked_add(take).ok_or_else(overflow)?;
        }
    }
    let mut covered = Covered::default();
    for (key, used) in pool.keys.iter().zip(used) {
        if used == 0 {
            continue;
        }
        let used = Decimal::from_u128(used).ok_or_else(overflow)?;
        let seconds = used
            .checked_div(Decimal::from(key.quarters))
            .ok_or_else(overflow)?;
        let value = key.value_of(seconds).map(Usd::new).ok_or_else(overflow)?;
        covered.value = covered.value.checked_add(value)?;
        let slot = covered
            .value_by_group
            .entry(Arc::clone(&key.group))
            .or_default();
        *slot = slot.checked_add(value)?;
        covered.seconds = covered.seconds.checked_add(seconds).ok_or_else(overflow)?;
        let units = used.checked_div(Decimal::from(4)).ok_or_else(overflow)?;
        covered.used_units = covered.used_units.checked_add(units).ok_or_else(overflow)?;
    }
    Ok(covered)
}

/// Covered On-Demand value and capacity used, over all hours, for every count from 0 to
/// `max` of reservations of `per` unit-seconds each.
///
/// Within one hour the units covered of each entry are piecewise linear in the count:
/// while the reservations fill the entries before entry `k` and part of `k`, each more
/// reservation covers `per` more of `k`; once `k` is covered, nothing changes. So each
/// hour adds one line per entry to a difference array over the counts, and the curve is
/// summed once at the end: work grows with the entries, not with entries times counts
/// (which took minutes for a fleet of thousands). The lines are kept in integer
/// quarter-unit-seconds, one array per key price, and turned into dollars once per count.
pub fn cover_curve(
    pool: &PoolUsage,
    per: Decimal,
    max: u64,
) -> Result<Vec<(Usd, Decimal)>, MoneyError> {
    let overflow = MoneyError::overflow_of_coverage;
    let n = usize::try_from(max)
        .map_err(|_| overflow())?
        .saturating_add(1);
    let per = units_to_quarters(per)
        .and_then(|p| i128::try_from(p).ok())
        .filter(|p| *p > 0)
        .ok_or_else(overflow)?;
    let (prices, price_of_key) = price_classes(pool);
    let mut covered: Vec<Lines> = prices.iter().map(|_| Lines::new(n)).collect();
    let mut used = Lines::new(n);
    for (_, entries) in pool.hours() {
        // The quarters the entries before this one fill, and the first count covering them.
        let (mut filled, mut filled_count): (i128, usize) = (0, 0);
        for entry in entries {
            let need = i128::try_from(pool.quarters(entry)).map_err(|_| overflow())?;
            let next = filled.checked_add(need).ok_or_else(overflow)?;
            let next_count = first_count(next, per);
            let lines = &mut covered[price_of_key[entry.key as usize]];
            // Partly covered: `count × per − filled`; then wholly: `need`.
            lines.add(filled_count, next_count, -filled, per)?;
            lines.add(next_count, usize::MAX, need, 0)?;
            (filled, filled_count) = (next, next_count);
        }
        used.add(0, filled_count, 0, per)?;
        used.add(filled_count, usize::MAX, filled, 0)?;
    }
    let mut value = vec![Usd::ZERO; n];
    for ((price, quarters), lines) in prices.iter().zip(covered) {
        // quarter-unit-seconds × price per hour / (quarters per instance × 3,600 s).
        let divisor = Decimal::from(*quarters)
            .checked_mul(Decimal::from(SECONDS_PER_HOUR))
            .ok_or_else(overflow)?;
        for (total, q) in value.iter_mut().zip(lines.sum()?) {
            if q == 0 {
                continue;
            }
            let q = Decimal::from_i128(q).ok_or_else(overflow)?;
            let v = price
                .checked_mul(q)
                .and_then(|x| x.checked_div(divisor))
                .ok_or_else(overflow)?;
            *total = total.checked_add(Usd::new(v))?;
        }
    }
    let used = used
        .sum()?
        .into_iter()
        .map(|q| quarters_to_units(u128::try_from(q).unwrap_or(0)).ok_or_else(overflow))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(value.into_iter().zip(used).collect())
}

/// The first count of reservations of `per` quarter-unit-seconds that covers `quarters`.
/// (One 64-bit division when both fit, as they do for any real fleet: a 128-bit division
/// per entry was a sixth of the recommendation's time.)
fn first_count(quarters: i128, per: i128) -> usize {
    let count = match (u64::try_from(quarters), u64::try_from(per)) {
        (Ok(q), Ok(p)) if p > 0 => i128::from(q.div_ceil(p)),
        _ => quarters.div_euclid(per) + i128::from(quarters.rem_euclid(per) != 0),
    };
    usize::try_from(count).unwrap_or(usize::MAX)
}

/// The distinct (hourly price, quarters) of a pool's keys, and each key's index among them:
/// keys of one type share a price per quarter-second, so the curve keeps one set of lines
/// per type rather than per key.
fn price_classes(pool: &PoolUsage) -> (Vec<(Decimal, u64)>, Vec<usize>) {
    let mut classes: Vec<(Decimal, u64)> = Vec::new();
    let of_key = pool
        .keys
        .iter()
        .map(|key| {
            let class = (key.rate.per_hour(), key.quarters);
            classes.iter().position(|c| *c == class).unwrap_or_else(|| {
                classes.push(class);
                classes.len() - 1
            })
        })
        .collect();
    (classes, of_key)
}

/// Sums of integer lines `a + b × count` over ranges of counts, kept as differences.
struct Lines {
    at_zero: Vec<i128>,
    per_count: Vec<i128>,
}

impl Lines {
    fn new(n: usize) -> Lines {
        Lines {
            at_zero: vec![0; n + 1],
            per_count: vec![0; n + 1],
        }
    }

    /// Adds `a + b × count` for the counts in `[from, to)` (clipped to the curve).
    fn add(&mut self, from: usize, to: usize, a: i128, b: i128) -> Result<(), MoneyError> {
        let n = self.at_zero.len() - 1;
        let (from, to) = (from.min(n), to.min(n));
        if from >= to {
            return Ok(());
        }
        let overflow = MoneyError::overflow_of_coverage;
        for (diff, x) in [(&mut self.at_zero, a), (&mut self.per_count, b)] {
            diff[from] = diff[from].checked_add(x).ok_or_else(overflow)?;
            diff[to] = diff[to].checked_sub(x).ok_or_else(overflow)?;
        }
        Ok(())
    }

    /// The summed line at every count.
    fn sum(self) -> Result<Vec<i128>, MoneyError> {
        let overflow = MoneyError::overflow_of_coverage;
        let (mut a, mut b) = (0i128, 0i128);
        let n = self.at_zero.len() - 1;
        (0..n)
            .map(|count| {
                a = a.checked_add(self.at_zero[count]).ok_or_else(overflow)?;
                b = b.checked_add(self.per_count[count]).ok_or_else(overflow)?;
                i128::try_from(count)
                    .ok()
                    .and_then(|c| b.checked_mul(c))
                    .and_then(|bc| a.checked_add(bc))
                    .ok_or_else(overflow)
            })
            .collect()
    }
}

/// Units covered for each entry of one hour, smallest size first.
pub fn covered_units(pool: &PoolUsage, entries: &[Entry], capacity: Decimal) -> Vec<Decimal> {
    let mut remaining = capacity;
    entries
        .iter()
        .map(|entry| {
            let need = pool.keys[entry.key as usize].units * Decimal::from(entry.seconds);
            let used = need.min(remaining).max(Decimal::ZERO);
            remaining -= used;
            used
        })
        .collect()
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

    fn key(units: i64, rate: &str) -> EntryKey {
        EntryKey {
            units: Decimal::from(units),
            quarters: units.unsigned_abs() * 4,
            rate: HourlyRate::new(rate.parse().unwrap_or_default()),
            group: Arc::from("g"),
            instance_type: Arc::from("t"),
        }
    }

    #[test]
    fn the_curve_sweep_agrees_with_covering_each_count() {
        // Two hours: large (4 units) and xlarge (8 units) usage; reservations of 4 units.
        let mut pool = PoolUsage::new(vec![key(4, "0.096"), key(8, "0.192")]);
        pool.push_hour(
            Timestamp::from_unix(0),
            [(0, 3_600), (0, 1_800), (1, 3_600)],
        );
        pool.push_hour(Timestamp::from_unix(3_600), [(1, 900)]);
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
        // 0 reservations cover nothing; 6 cover all 57,600 unit-seconds of the two hours.
        assert_eq!(curve[0], (Usd::ZERO, Decimal::ZERO));
        assert_eq!(curve[6].1, Decimal::from(14_400 + 7_200 + 28_800 + 7_200));
        // 1 reservation covers the first large hour in full: $0.096.
        assert_eq!(
            curve[1].0.amount(),
            "0.096".parse::<Decimal>().unwrap_or_default()
                + "0.048".parse::<Decimal>().unwrap_or_default()
        );
    }

    #[test]
    fn a_key_beyond_u32_seconds_in_an_hour_is_kept_whole() {
        // 1,500,000 small (1 unit) instances for a whole hour: 5.4e9 seconds.
        let mut pool = PoolUsage::new(vec![key(1, "0.01")]);
        pool.push_hour(Timestamp::from_unix(0), [(0, 5_400_000_000)]);
        assert_eq!(pool.seconds_by_key(), vec![5_400_000_000]);
        // $0.01 an hour × 1,500,000 instance-hours.
        assert_eq!(
            pool.on_demand_cost().unwrap_or_default(),
            Usd::new(Decimal::from(15_000))
        );
        // 1,000,000 reservations cover 3.6e9 of them: $10,000.
        let covered = cover(&pool, Decimal::from(3_600_000_000u64)).unwrap_or_default();
        assert_eq!(covered.value, Usd::new(Decimal::from(10_000)));
        assert_eq!(covered.seconds, Decimal::from(3_600_000_000u64));
    }

    #[test]
    fn kept_coverage_is_used_once_and_only_for_its_capacity() {
        let pool = Pool {
            region: Arc::from("us-east-1"),
            os: Arc::from("linux"),
            scope: Arc::from("m5"),
            flexible: true,
        };
        let kept = Covered {
            value: Usd::new(Decimal::from(7)),
            ..Covered::default()
        };
        // No usage at all: anything worked out from the hours covers nothing.
        let pools = Pools::default();
        let hour = Decimal::from(3_600);
        let mut cache = CoverCache::default();
        cache.keep(&pool, hour, kept.clone());
        assert_eq!(cache.cover(&pools, &pool, hour).unwrap(), kept);
        assert_eq!(
            cache.cover(&pools, &pool, hour).unwrap(),
            Covered::default()
        );
        cache.keep(&pool, hour, kept);
        let twice = hour * Decimal::from(2);
        assert_eq!(
            cache.cover(&pools, &pool, twice).unwrap(),
            Covered::default()
        );
    }

    #[test]
    fn first_count_rounds_up() {
        assert_eq!(first_count(0, 4), 0);
        assert_eq!(first_count(1, 4), 1);
        assert_eq!(first_count(4, 4), 1);
        assert_eq!(first_count(5, 4), 2);
        // Either side of 64 bits: 2^64 − 1 = 4 × (2^62 − 1) + 3; 2^64 + 4 = 4 × (2^62 + 1).
        let max = i128::from(u64::MAX);
        assert_eq!(first_count(max, 4), 1 << 62);
        assert_eq!(first_count(max + 5, 4), (1 << 62) + 1);
    }
}
