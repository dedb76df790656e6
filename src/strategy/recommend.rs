//! Recommending how many reservations to buy, and saying why.
//!
//! For each pool the cost of holding N reservations over the replay is
//! `N × effective hourly fee × clock hours + On-Demand cost of what N leave uncovered`.
//! Coverage is a concave function of N (each further reservation covers only the hours in
//! which usage still exceeds the ones before it: the load-duration curve), so this cost is
//! convex; ec2plan nevertheless evaluates every count from 0 to one past the peak, for every
//! size of the family that has a price, so the choice is optimal by construction among
//! single-size portfolios and the whole cost curve can be shown.

use super::coverage::{
    clock_hours, cover, cover_curve, units_to_quarters, CoverCache, Covered, Pool, PoolUsage, Pools,
};
use super::reserved::{missing_offer, Portfolio, Reservation};
use crate::clock::{Timestamp, SECONDS_PER_HOUR};
use crate::error::Error;
use crate::money::{MoneyError, Usd};
use crate::pricing::{sizes, Catalog, OfferTerms};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Average Gregorian month in seconds (365.2425 days / 12), for "months to break even".
const SECONDS_PER_MONTH: i64 = 2_629_746;

/// The recommendation for one pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    pub pool: Pool,
    /// The size bought; the count is in instances of this size.
    pub instance_type: Arc<str>,
    pub count: u64,
    /// Cost of the pool's usage with no reservation, and with `count` of them.
    pub on_demand_cost: Usd,
    pub total_cost: Usd,
    /// Share of the reservations' capacity used, 0–100.
    pub utilization_pct: Decimal,
    /// The utilization at which a reservation costs what the usage it covers would cost.
    pub break_even_pct: Decimal,
    /// Months until the cash saved repays the upfront fees (`None`: never).
    pub months_to_break_even: Option<Decimal>,
    /// What one more reservation would change the total by (positive: it would cost more).
    pub next_one_changes_cost_by: Usd,
    /// Cost of the pool for every count evaluated, from 0.
    pub curve: Vec<Usd>,
    pub explanation: String,
}

impl Recommendation {
    pub fn savings(&self) -> Result<Usd, MoneyError> {
        self.on_demand_cost.checked_sub(self.total_cost)
    }
}

/// One pool's figures needed to evaluate a count.
struct Candidate<'a> {
    usage: &'a PoolUsage,
    units: Decimal,
    od_rate: Decimal,
    fee_per_hour: Decimal,
    recurring_per_hour: Decimal,
    upfront: Usd,
    hours: u64,
}

impl Candidate<'_> {
    fn capacity(&self, count: u64) -> Decimal {
        self.units * Decimal::from(count) * Decimal::from(SECONDS_PER_HOUR)
    }

    fn cost(&self, count: u64, on_demand: Usd) -> Result<(Usd, Covered), Error> {
        let covered = cover(self.usage, self.capacity(count))?;
        let fees = self.fee_per_hour * Decimal::from(count) * Decimal::from(self.hours);
        let cost = on_demand
            .checked_sub(covered.value)?
            .checked_add(Usd::new(fees))?;
        Ok((cost, covered))
    }
}

/// Recommends a count per pool that has usage and a Reserved Instance price, and keeps in
/// `covered` how each recommended count covers its pool.
pub fn recommend(
    pools: &Pools,
    catalog: &Catalog,
    terms: OfferTerms,
    (start, horizon): (Timestamp, Timestamp),
    covered: &mut CoverCache,
) -> Result<Vec<Recommendation>, Error> {
    let hours = clock_hours(start, horizon);
    let months = Decimal::from(horizon.since(start).0) / Decimal::from(SECONDS_PER_MONTH);
    // The largest pools first, so the last to finish is a small one.
    let mut order: Vec<usize> = (0..pools.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(pools.marks(index)));
    let found = crate::parallel::map_indexed_in(&order, |index| {
        let (pool, pool_usage) = pools.at(index);
        recommend_pool(pool, &pool_usage, catalog, terms, (hours, months))
    });
    let mut out = Vec::new();
    // In pool order, so the first pool that fails is the one reported, as one at a time.
    for (index, result) in found {
        let Some((recommendation, capacity, coverage)) = result? else {
            continue;
        };
        covered.keep(pools.at_key(index), capacity, coverage);
        out.push(recommendation);
    }
    Ok(out)
}

/// One pool's recommendation, the capacity it buys and how that covers the pool; `None`
/// for a pool no size can be reserved for. Pools are independent, so they are
/// recommended on every core ([`crate::parallel::map_indexed`]).
fn recommend_pool(
    pool: &Pool,
    pool_usage: &PoolUsage,
    catalog: &Catalog,
    terms: OfferTerms,
    (hours, months): (u64, Decimal),
) -> Result<Option<(Recommendation, Decimal, Covered)>, Error> {
    // The same for every size: computed once, as each is a pass over every hour.
    let whole = Whole {
        on_demand: pool_usage.on_demand_cost()?,
        peak: pool_usage.peak_units(),
    };
    // Every size's curve; only the cheapest size is then explained (its chosen count
    // recomputed exactly, another pass over every hour).
    let mut best: Option<(Usd, Arc<str>, Candidate, Curves)> = None;
    let sizes = candidates(pool, pool_usage, catalog, terms, hours)?;
    if sizes.is_empty() {
        refuse_other_offers(pool, pool_usage, catalog, terms)?;
    }
    let shared = SharedCurve::new(pool_usage, &sizes, whole)?;
    for (instance_type, candidate) in sizes {
        let curves = cost_curves(&candidate, whole, &shared)?;
        let lowest = curves.cost.iter().min().copied().unwrap_or(whole.on_demand);
        if best.as_ref().is_none_or(|b| lowest < b.0) {
            best = Some((lowest, instance_type, candidate, curves));
        }
    }
    let Some((_, instance_type, candidate, curves)) = best else {
        return Ok(None);
    };
    let (recommendation, coverage) = best_count(
        pool,
        instance_type,
        &candidate,
        whole,
        curves,
        (months, terms),
    )?;
    let capacity = candidate.capacity(recommendation.count);
    Ok(Some((recommendation, capacity, coverage)))
}

/// A pool with no price under the offer asked for is left out when its types have no
/// reservation at all, but refused when they have other offers: the user asked for terms
/// the catalog lacks, and a silent "buy none" would read as advice.
fn refuse_other_offers(
    pool: &Pool,
    usage: &PoolUsage,
    catalog: &Catalog,
    terms: OfferTerms,
) -> Result<(), Error> {
    for key in &usage.keys {
        let offers = catalog.reserved_offers(&pool.region, &key.instance_type);
        if offers.iter().any(|(os, _, _)| *os == &*pool.os) {
            return Err(missing_offer(
                catalog,
                &pool.region,
                &key.instance_type,
                &pool.os,
                terms,
            ));
        }
    }
    Ok(())
}

/// The portfolio the recommendations add up to.
pub fn portfolio_of(recommendations: &[Recommendation], terms: OfferTerms) -> Portfolio {
    Portfolio {
        reservations: recommendations
            .iter()
            .filter(|r| r.count > 0)
            .map(|r| Reservation {
                instance_type: Arc::clone(&r.instance_type),
                region: Arc::clone(&r.pool.region),
                os: Arc::clone(&r.pool.os),
                count: r.count,
            })
            .collect(),
        terms,
    }
}

/// The sizes that could be bought for a pool, most used first: for a size-flexible pool
/// every size of the family with a price (a smaller size buys capacity in finer steps,
/// a larger one may be priced lower per unit), else the pool's one type.
fn candidates<'a>(
    pool: &Pool,
    usage: &'a PoolUsage,
    catalog: &Catalog,
    terms: OfferTerms,
    hours: u64,
) -> Result<Vec<(Arc<str>, Candidate<'a>)>, Error> {
    let mut by_type: BTreeMap<Arc<str>, Decimal> = BTreeMap::new();
    for (key, seconds) in usage.keys.iter().zip(usage.seconds_by_key()) {
        let seconds = Decimal::from_u128(seconds).ok_or_else(MoneyError::overflow_of_coverage)?;
        *by_type.entry(Arc::clone(&key.instance_type)).or_default() += key.units * seconds;
    }
    if pool.flexible {
        let family = catalog
            .instance_type_names()
            .filter(|t| sizes::split_type(t).is_some_and(|(f, _)| f == &*pool.scope));
        for name in family {
            by_type.entry(Arc::from(name)).or_default();
        }
    }
    let mut ranked: Vec<(Decimal, Arc<str>)> = by_type.into_iter().map(|(t, u)| (u, t)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out = Vec::new();
    for (_, instance_type) in ranked {
        let (Some(price), Some(od)) = (
            catalog.reserved(&pool.region, &instance_type, &pool.os, terms),
            catalog.on_demand(&pool.region, &instance_type, &pool.os),
        ) else {
            continue;
        };
        let units = match (pool.flexible, catalog.normalization_factor(&instance_type)) {
            (false, _) => Decimal::ONE,
            (true, Some(factor)) => factor,
            // A size with no factor cannot share the family's pool.
            (true, None) => continue,
        };
        let candidate = Candidate {
            usage,
            units,
            od_rate: od.per_hour(),
            fee_per_hour: price.effective_hourly(terms.term)?,
            recurring_per_hour: price.hourly.per_hour(),
            upfront: price.upfront,
            hours,
        };
        out.push((instance_type, candidate));
    }
    Ok(out)
}

/// A pool's On-Demand cost and its peak hour in unit-seconds.
#[derive(Debug, Clone, Copy)]
struct Whole {
    on_demand: Usd,
    peak: Decimal,
}

/// A size's total cost and capacity used for every count from 0 to one past the peak.
struct Curves {
    cost: Vec<Usd>,
    used: Vec<Decimal>,
}

/// Counts from 0 to one past the peak for reservations of `per` unit-seconds each.
fn max_count(peak: Decimal, per: Decimal) -> u64 {
    (peak / per).ceil().to_u64().unwrap_or(0).saturating_add(1)
}

/// Coverage of a pool at every multiple of a capacity step that each size's reservation is a
/// whole number of: how much a capacity covers does not depend on which size buys it, so
/// the sizes of a family share one sweep over the pool's hours instead of one each. Every
/// normalization factor is a whole number of quarters (0.25, 0.5, 1, 2, … 12 …), so the step
/// is the quarters' greatest common divisor.
struct SharedCurve {
    /// Unit-seconds per step.
    step: Decimal,
    points: Vec<(Usd, Decimal)>,
}

impl SharedCurve {
    fn new(
        usage: &PoolUsage,
        sizes: &[(Arc<str>, Candidate)],
        whole: Whole,
    ) -> Result<SharedCurve, Error> {
        let quarters = sizes.iter().try_fold(0u64, |g, (_, c)| {
            units_to_quarters(c.units)
                .and_then(|q| u64::try_from(q).ok())
                .filter(|q| *q > 0)
                .map(|q| gcd(g, q))
                .ok_or_else(MoneyError::overflow_of_coverage)
        })?;
        // A quarter unit for an hour is 900 unit-seconds.
        let step = Decimal::from(quarters) * Decimal::from(SECONDS_PER_HOUR / 4);
        if step.is_zero() {
            // No size to buy: nothing will be read.
            return Ok(SharedCurve {
                step,
                points: Vec::new(),
            });
        }
        let last = sizes
            .iter()
            .map(|(_, c)| max_count(whole.peak, c.capacity(1)) * steps_per(c, step))
            .max()
            .unwrap_or(0);
        Ok(SharedCurve {
            step,
            points: cover_curve(usage, step, last)?,
        })
    }

    /// Covered value and capacity used for `0..=max` reservations of `c`'s size.
    fn for_size(&self, c: &Candidate, max: u64) -> Vec<(Usd, Decimal)> {
        let every = steps_per(c, self.step) as usize;
        self.points
            .iter()
            .step_by(every.max(1))
            .take(max as usize + 1)
            .copied()
            .collect()
    }
}

/// Steps of the shared curve in one reservation of `c`'s size (a whole number by its choice).
fn steps_per(c: &Candidate, step: Decimal) -> u64 {
    (c.capacity(1) / step).to_u64().unwrap_or(1)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn cost_curves(
    c: &Candidate,
    Whole { on_demand, peak }: Whole,
    shared: &SharedCurve,
) -> Result<Curves, Error> {
    let max_count = max_count(peak, c.capacity(1));
    let mut curves = Curves {
        cost: Vec::new(),
        used: Vec::new(),
    };
    for (count, (covered, used_units)) in shared.for_size(c, max_count).into_iter().enumerate() {
        let fees = c.fee_per_hour * Decimal::from(count as u64) * Decimal::from(c.hours);
        curves.cost.push(
            on_demand
                .checked_sub(covered)?
                .checked_add(Usd::new(fees))?,
        );
        curves.used.push(used_units);
    }
    Ok(curves)
}

fn best_count(
    pool: &Pool,
    instance_type: Arc<str>,
    c: &Candidate,
    Whole { on_demand, .. }: Whole,
    Curves {
        cost: mut curve,
        used,
    }: Curves,
    (months, terms): (Decimal, OfferTerms),
) -> Result<(Recommendation, Covered), Error> {
    let per_reservation = c.capacity(1);
    let best = (0..curve.len()).min_by_key(|&n| (curve[n], n)).unwrap_or(0);
    // The chosen count's cost exactly as the reserved strategy will compute it.
    let (exact, covered) = c.cost(best as u64, on_demand)?;
    curve[best] = exact;
    let count = best as u64;
    let capacity_total = per_reservation * Decimal::from(count) * Decimal::from(c.hours);
    let utilization_pct = pct(used[best], capacity_total);
    let break_even_pct = pct(c.fee_per_hour, c.od_rate);
    let next = curve.get(best + 1).copied().unwrap_or(curve[best]);
    let next_one_changes_cost_by = next.checked_sub(curve[best])?;
    let marginal = |n: usize| -> Decimal {
        let before = if n == 0 { Decimal::ZERO } else { used[n - 1] };
        pct(
            used.get(n).copied().unwrap_or(before) - before,
            per_reservation * Decimal::from(c.hours),
        )
    };
    let months_to_break_even = break_even_months(c, count, on_demand, curve[best], months)?;
    let explanation = explain(
        &instance_type,
        count,
        break_even_pct,
        marginal(best),
        marginal(best + 1),
        next_one_changes_cost_by,
        terms,
    );
    let recommendation = Recommendation {
        pool: pool.clone(),
        instance_type,
        count,
        on_demand_cost: on_demand,
        total_cost: curve[best],
        utilization_pct,
        break_even_pct,
        months_to_break_even,
        next_one_changes_cost_by,
        curve,
        explanation,
    };
    Ok((recommendation, covered))
}

/// Months of cash savings (On-Demand avoided minus recurring fees) to repay the upfront.
fn break_even_months(
    c: &Candidate,
    count: u64,
    on_demand: Usd,
    total: Usd,
    months: Decimal,
) -> Result<Option<Decimal>, Error> {
    if count == 0 || months.is_zero() {
        return Ok(None);
    }
    let n = Decimal::from(count);
    let upfront = c.upfront.amount() * n;
    let amortized = c.fee_per_hour - c.recurring_per_hour;
    // total = uncovered + (recurring + amortized) × n × hours; cash spent excludes the upfront.
    let cash = total.amount() - amortized * n * Decimal::from(c.hours);
    let monthly_saving = (on_demand.amount() - cash) / months;
    if monthly_saving <= Decimal::ZERO {
        return Ok(None);
    }
    Ok(Some((upfront / monthly_saving).round_dp(1)))
}

/// `part` as a percentage of `whole`, to a tenth; checked, since a tiny price makes a huge
/// ratio (which is then shown as the largest number the type holds, not a panic).
fn pct(part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        return Decimal::ZERO;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(whole))
        .map_or(Decimal::MAX, |x| x.round_dp(1).normalize())
}

fn explain(
    instance_type: &str,
    count: u64,
    break_even: Decimal,
    last_used: Decimal,
    next_used: Decimal,
    next_changes: Usd,
    terms: OfferTerms,
) -> String {
    let next = format!(
        "one more would be used {next_used}% of the time and would add ${} to the total",
        next_changes.cents_string()
    );
    if count == 0 {
        return format!(
            "buy none: a {terms} reservation of {instance_type} pays off only if used at least \
             {break_even}% of the time; the first would be used {next_used}% of the time and would add ${}",
            next_changes.cents_string()
        );
    }
    format!(
        "buy {count} × {instance_type} ({terms}): a reservation pays off when used at least \
         {break_even}% of the time; the last of the {count} is used {last_used}% of the time, \
         and {next}"
    )
}
