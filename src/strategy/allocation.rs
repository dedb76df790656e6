//! Where each hour of a reservation fee goes: to the usage it covered, or unused.
//!
//! FOCUS line items for reservations need the fee of every clock hour split between the
//! usage it covered (`Committed` usage, CommitmentDiscountStatus `Used`) and the capacity
//! left idle (`Unused`). Within a pool in one hour, a reservation's fee is split in the
//! proportion of capacity used; the used part goes to the covered usage in proportion to
//! the units each covered. The parts add up to the fee, so line items add up to the
//! commitment the summary shows.

use super::coverage::{clock_hours, covered_units, Pool, Pools};
use super::reserved::{price_reservations, Portfolio, PricedReservation, Reservation};
use crate::clock::{Timestamp, SECONDS_PER_HOUR};
use crate::error::Error;
use crate::pricing::Catalog;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Usage of one key in one hour, and what the reservations did with it.
#[derive(Debug, Clone)]
pub struct HourUsage {
    pub hour: Timestamp,
    pub region: Arc<str>,
    pub os: Arc<str>,
    pub instance_type: Arc<str>,
    pub group: Arc<str>,
    pub seconds: u64,
    pub covered_seconds: Decimal,
    /// On-Demand value of all the usage, and of the covered part.
    pub value: Decimal,
    pub covered_value: Decimal,
    /// The share of reservation fees this covered usage carries.
    pub fee_share: Decimal,
}

/// One reservation type's fee in one hour.
#[derive(Debug, Clone)]
pub struct HourFee {
    pub hour: Timestamp,
    pub reservation: Reservation,
    /// Recurring fee owed this hour (cash), and the amortized upfront (no cash).
    pub recurring: Decimal,
    pub amortized: Decimal,
    /// The part of `recurring + amortized` that went unused.
    pub unused: Decimal,
}

#[derive(Debug, Clone, Default)]
pub struct Allocation {
    pub usage: Vec<HourUsage>,
    pub fees: Vec<HourFee>,
}

/// Allocates every hour's fees over `[start, horizon)`.
pub fn allocate(
    pools: &Pools,
    portfolio: &Portfolio,
    catalog: &Catalog,
    (start, horizon): (Timestamp, Timestamp),
) -> Result<Allocation, Error> {
    let priced = price_reservations(portfolio, catalog)?;
    let mut allocation = Allocation::default();
    let first_hour = start.hour_start();
    let hours = clock_hours(start, horizon);
    // Each reserved pool's capacity and the units of it used in each hour, for the fees.
    let mut used: BTreeMap<&Pool, (Decimal, BTreeMap<Timestamp, Decimal>)> = BTreeMap::new();
    for (pool, pool_usage) in pools.iter() {
        let pool_usage = &pool_usage;
        let members: Vec<&PricedReservation> = priced.iter().filter(|p| &p.pool == pool).collect();
        let capacity = pool_capacity_of(&priced, pool);
        let fee: Decimal = members.iter().map(|m| m.recurring + m.amortized).sum();
        let mut used_by_hour = BTreeMap::new();
        for (hour, entries) in pool_usage.hours() {
            let covered = covered_units(pool_usage, entries, capacity);
            if !members.is_empty() {
                used_by_hour.insert(hour, covered.iter().sum::<Decimal>());
            }
            for (entry, units) in entries.iter().zip(covered) {
                let key = &pool_usage.keys[entry.key as usize];
                let covered_seconds = units / key.units;
                // Multiplied before dividing, so that whole hours come out exact.
                let hour_seconds = Decimal::from(SECONDS_PER_HOUR);
                let of = |seconds: Decimal| key.rate.per_hour() * seconds / hour_seconds;
                allocation.usage.push(HourUsage {
                    hour,
                    region: Arc::clone(&pool.region),
                    os: Arc::clone(&pool.os),
                    instance_type: Arc::clone(&key.instance_type),
                    group: Arc::clone(&key.group),
                    seconds: u64::from(entry.seconds),
                    covered_seconds,
                    value: of(Decimal::from(entry.seconds)),
                    covered_value: of(covered_seconds),
                    fee_share: if capacity.is_zero() {
                        Decimal::ZERO
                    } else {
                        fee * units / capacity
                    },
                });
            }
        }
        if !members.is_empty() {
            used.insert(pool, (capacity, used_by_hour));
        }
    }
    let none = BTreeMap::new();
    for member in &priced {
        let (pool_capacity, used_by_hour) = match used.get(&member.pool) {
            Some((capacity, by_hour)) => (*capacity, by_hour),
            // A reserved pool with no usage: idle every hour.
            None => (pool_capacity_of(&priced, &member.pool), &none),
        };
        for h in 0..hours {
            let hour = Timestamp::from_unix(
                first_hour.unix() + i64::try_from(h).unwrap_or(i64::MAX) * SECONDS_PER_HOUR,
            );
            let used = used_by_hour.get(&hour).copied().unwrap_or(Decimal::ZERO);
            let idle = if pool_capacity.is_zero() {
                Decimal::ONE
            } else {
                (pool_capacity - used) / pool_capacity
            };
            allocation.fees.push(HourFee {
                hour,
                reservation: member.reservation.clone(),
                recurring: member.recurring,
                amortized: member.amortized,
                unused: (member.recurring + member.amortized) * idle,
            });
        }
    }
    Ok(allocation)
}

/// The capacity of all reservations in a pool.
fn pool_capacity_of(priced: &[PricedReservation], pool: &Pool) -> Decimal {
    priced
        .iter()
        .filter(|p| &p.pool == pool)
        .map(|p| p.capacity)
        .sum()
}
