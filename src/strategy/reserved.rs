//! The reserved strategy: a portfolio of reservations, what it covers, what it costs.

use super::coverage::{clock_hours, CoverCache, Covered, Pool, Pools};
use crate::billing::{Ledger, Totals};
use crate::clock::{Timestamp, SECONDS_PER_HOUR};
use crate::error::Error;
use crate::money::{MoneyError, Usd};
use crate::pricing::{Catalog, OfferTerms};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The group name reports use for reservation fees, which belong to no instance group.
pub const RESERVATIONS_GROUP: &str = "(reservations)";

/// `count` reservations of one instance type, in a region, for an operating system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub instance_type: Arc<str>,
    pub region: Arc<str>,
    pub os: Arc<str>,
    pub count: u64,
}

/// A reservation as `--reserve` asks for it: without an operating system it is for the one
/// the scenario runs its type on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub instance_type: Arc<str>,
    pub region: Arc<str>,
    pub os: Option<Arc<str>>,
    pub count: u64,
}

/// The portfolio `requested` asks for, once the replay has shown which operating system
/// each type ran on. A type run on several systems must name one (`TYPE:OS=COUNT`); a type
/// the scenario never ran is reserved for Linux/UNIX, AWS's default platform.
pub fn resolve(
    requested: &[Requested],
    terms: OfferTerms,
    pools: &Pools,
) -> Result<Portfolio, Error> {
    let mut reservations: Vec<Reservation> = Vec::new();
    for r in requested {
        let os = match &r.os {
            Some(os) => Arc::clone(os),
            None => scenario_os(r, pools)?,
        };
        if reservations
            .iter()
            .any(|k| k.instance_type == r.instance_type && k.os == os)
        {
            return Err(Error::Usage(format!(
                "--reserve names {os} {} twice; give one count per type and operating system",
                r.instance_type
            )));
        }
        reservations.push(Reservation {
            instance_type: Arc::clone(&r.instance_type),
            region: Arc::clone(&r.region),
            os,
            count: r.count,
        });
    }
    Ok(Portfolio {
        reservations,
        terms,
    })
}

fn scenario_os(r: &Requested, pools: &Pools) -> Result<Arc<str>, Error> {
    let systems = pools.systems_running(&r.region, &r.instance_type);
    match systems.as_slice() {
        [] => Ok(Arc::from("linux")),
        [one] => Ok(Arc::clone(one)),
        several => {
            let names: Vec<&str> = several.iter().map(|s| &**s).collect();
            Err(Error::Usage(format!(
                "--reserve {}={}: the scenario runs {} on {} in {}; say which with --reserve {}:{}={}",
                r.instance_type,
                r.count,
                r.instance_type,
                names.join(" and "),
                r.region,
                r.instance_type,
                names[0],
                r.count
            )))
        }
    }
}

/// Reservations bought together, all with the same offer terms, active for the whole replay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Portfolio {
    pub reservations: Vec<Reservation>,
    pub terms: OfferTerms,
}

/// How well a portfolio fitted the usage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReservedStats {
    /// Instance-seconds covered.
    pub covered_seconds: Decimal,
    /// All instance-seconds billed On-Demand before reservations.
    pub eligible_seconds: u64,
    /// Reservation capacity and its use over the horizon, in unit-seconds.
    pub capacity_units: Decimal,
    pub used_units: Decimal,
    /// Reservation-hours bought but not used, and what they cost.
    pub unused_hours: Decimal,
    pub unused_cost: Usd,
    pub reservations: u64,
}

impl ReservedStats {
    /// Covered share of usage, in percent.
    pub fn coverage_pct(&self) -> Decimal {
        percent(self.covered_seconds, Decimal::from(self.eligible_seconds))
    }

    /// Used share of the reservations' capacity, in percent.
    pub fn utilization_pct(&self) -> Decimal {
        percent(self.used_units, self.capacity_units)
    }
}

fn percent(part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        return Decimal::ZERO;
    }
    (part * Decimal::ONE_HUNDRED / whole).round_dp(2)
}

/// A reservation resolved against the catalog.
struct Priced<'a> {
    reservation: &'a Reservation,
    pool: Pool,
    capacity: Decimal,
    commitment: Usd,
}

/// Prices the reserved strategy: the On-Demand ledger with covered usage taken out and the
/// reservations' fees for every clock hour of the replay added as commitment.
/// Coverage already worked out for a pool at the capacity held (`known`, by the
/// recommendation) is used as it is.
pub fn price_reserved(
    on_demand: &Ledger,
    pools: &Pools,
    portfolio: &Portfolio,
    catalog: &Catalog,
    (start, horizon): (Timestamp, Timestamp),
    known: &mut CoverCache,
) -> Result<(Ledger, ReservedStats), Error> {
    let hours = clock_hours(start, horizon);
    let priced = price_portfolio(portfolio, catalog, hours)?;
    let mut ledger = on_demand.clone();
    let mut stats = ReservedStats {
        eligible_seconds: pools.total_seconds,
        reservations: portfolio.reservations.iter().map(|r| r.count).sum(),
        ..ReservedStats::default()
    };
    let mut by_pool_capacity: BTreeMap<&Pool, Vec<&Priced>> = BTreeMap::new();
    for p in &priced {
        by_pool_capacity.entry(&p.pool).or_default().push(p);
    }
    let mut commitment = Usd::ZERO;
    for (pool, members) in by_pool_capacity {
        let capacity: Decimal = members.iter().map(|p| p.capacity).sum();
        let covered = known.cover(pools, pool, capacity)?;
        take_out(&mut ledger, &covered)?;
        account_pool(&mut stats, &members, capacity, hours, &covered)?;
        commitment = Usd::checked_sum(members.iter().map(|p| p.commitment).chain([commitment]))?;
    }
    ledger.overall.commitment = commitment;
    if !portfolio.reservations.is_empty() {
        let fees = Totals {
            commitment,
            ..Totals::default()
        };
        ledger.groups.insert(Arc::from(RESERVATIONS_GROUP), fees);
    }
    Ok((ledger, stats))
}

/// A reservation resolved against the catalog: its pool, its capacity per clock hour in
/// unit-seconds, and its fees per hour (all `count` of them).
pub(crate) struct PricedReservation<'a> {
    pub reservation: &'a Reservation,
    pub pool: Pool,
    pub capacity: Decimal,
    pub recurring: Decimal,
    pub amortized: Decimal,
}

/// Resolves every reservation of a portfolio; one with no price is an error.
pub(crate) fn price_reservations<'a>(
    portfolio: &'a Portfolio,
    catalog: &Catalog,
) -> Result<Vec<PricedReservation<'a>>, Error> {
    portfolio
        .reservations
        .iter()
        .map(|r| {
            let price = catalog
                .reserved(&r.region, &r.instance_type, &r.os, portfolio.terms)
                .ok_or_else(|| {
                    missing_offer(catalog, &r.region, &r.instance_type, &r.os, portfolio.terms)
                })?;
            let (pool, units) = Pool::of(catalog, &r.region, &r.os, &r.instance_type);
            let count = Decimal::from(r.count);
            let recurring = price.hourly.per_hour();
            let amortized = price.effective_hourly(portfolio.terms.term)? - recurring;
            Ok(PricedReservation {
                reservation: r,
                pool,
                capacity: units * count * Decimal::from(SECONDS_PER_HOUR),
                recurring: recurring * count,
                amortized: amortized * count,
            })
        })
        .collect()
}

fn price_portfolio<'a>(
    portfolio: &'a Portfolio,
    catalog: &Catalog,
    hours: u64,
) -> Result<Vec<Priced<'a>>, Error> {
    price_reservations(portfolio, catalog)?
        .into_iter()
        .map(|p| {
            let commitment = (p.recurring + p.amortized)
                .checked_mul(Decimal::from(hours))
                .map(Usd::new)
                .ok_or_else(MoneyError::overflow_of_upfront)?;
            Ok(Priced {
                reservation: p.reservation,
                pool: p.pool,
                capacity: p.capacity,
                commitment,
            })
        })
        .collect()
}

/// The sentence for an offer the catalog lacks: what it has for the type instead, and where
/// the rest comes from (AWS's offer file has every term, offering and payment option).
pub(crate) fn missing_offer(
    catalog: &Catalog,
    region: &str,
    instance_type: &str,
    os: &str,
    terms: OfferTerms,
) -> Error {
    // Offers of one term and offering together: "1yr standard no-upfront or all-upfront".
    let mut has: Vec<(String, Vec<String>)> = Vec::new();
    let mut count = 0;
    for (system, offer, _) in catalog.reserved_offers(region, instance_type) {
        if system != os {
            continue;
        }
        count += 1;
        let kind = format!("{} {}", offer.term, offer.offering);
        let payment = offer.payment.to_string();
        match has.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, payments)) => payments.push(payment),
            None => has.push((kind, vec![payment])),
        }
    }
    let listed: Vec<String> = has
        .iter()
        .map(|(kind, payments)| format!("{kind} {}", payments.join(" or ")))
        .collect();
    let instead = match listed.as_slice() {
        [] => "it has no reservation of that type there at all".to_string(),
        some if some.iter().map(String::len).sum::<usize>() <= 200 => format!(
            "it has {} (choose with --term, --offering and --payment)",
            some.join(", ")
        ),
        // Too many to list in one short sentence.
        _ => format!(
            "it has {count} other offers for it (`ec2plan pricing show {instance_type} --region \
             {region}` lists them)"
        ),
    };
    Error::Usage(format!(
        "the price catalog has no {terms} reservation for {os} {instance_type} in {region}; \
         {instead}; other offers come from AWS's EC2 offer file through `ec2plan pricing import`"
    ))
}

/// Removes the covered usage's On-Demand cost from compute, overall and per group.
fn take_out(ledger: &mut Ledger, covered: &Covered) -> Result<(), MoneyError> {
    ledger.overall.compute = ledger.overall.compute.checked_sub(covered.value)?;
    for (group, value) in &covered.value_by_group {
        if let Some(totals) = ledger.groups.get_mut(group) {
            totals.compute = totals.compute.checked_sub(*value)?;
        }
    }
    Ok(())
}

/// Adds a pool's coverage and its unused capacity (hours and cost, shared among the pool's
/// reservations by capacity) to the statistics.
fn account_pool(
    stats: &mut ReservedStats,
    members: &[&Priced],
    capacity_per_hour: Decimal,
    hours: u64,
    covered: &Covered,
) -> Result<(), MoneyError> {
    let overflow = MoneyError::overflow_of_coverage;
    let add = |sum: &mut Decimal, value: Option<Decimal>| {
        *sum = value
            .and_then(|v| sum.checked_add(v))
            .ok_or_else(overflow)?;
        Ok::<(), MoneyError>(())
    };
    let total_capacity = capacity_per_hour
        .checked_mul(Decimal::from(hours))
        .ok_or_else(overflow)?;
    add(&mut stats.capacity_units, Some(total_capacity))?;
    add(&mut stats.used_units, Some(covered.used_units))?;
    add(&mut stats.covered_seconds, Some(covered.seconds))?;
    if total_capacity.is_zero() {
        return Ok(());
    }
    let unused = total_capacity
        .checked_sub(covered.used_units)
        .ok_or_else(overflow)?;
    for member in members {
        let share = member.capacity.checked_div(capacity_per_hour);
        let count = Decimal::from(member.reservation.count.max(1));
        let units_per_hour = member.capacity.checked_div(count);
        let hours_unused = share
            .and_then(|share| unused.checked_mul(share))
            .zip(units_per_hour)
            .and_then(|(units, per_hour)| units.checked_div(per_hour));
        add(&mut stats.unused_hours, hours_unused)?;
        let idle = member
            .commitment
            .amount()
            .checked_mul(unused)
            .and_then(|x| x.checked_div(total_capacity))
            .ok_or_else(overflow)?;
        stats.unused_cost = stats.unused_cost.checked_add(Usd::new(idle))?;
    }
    Ok(())
}
