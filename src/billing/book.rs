//! The book: every metered strategy's charges summed while the replay runs, closed into a
//! [`Ledger`] per strategy at the end.
//!
//! A charge priced at a rate (instance usage and public IPv4 by the hour, EBS by the
//! GB-month) adds its quantity to the sum for its group, kind and price, in integers; each
//! sum is priced once, when the book closes. Pricing every charge as it came (a division)
//! and adding it overall and to its group (two rescaled decimal additions) was a third of
//! a meter's work, and rounded every charge to the money type's 28 digits: here a total is
//! rounded once. Spot runs, priced from the price history as they close, add their cost.

use super::ledger::{Ledger, Totals};
use super::meter::{Charge, ChargeKind, Pricing};
use crate::money::{prorate, MoneyError, Usd, SECONDS_PER_HOUR};
use hashbrown::HashMap;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The most strategies one book keeps: On-Demand, Spot and mixed, as the meter prices them.
const MAX_BOOKS: usize = 3;

/// Which sum a rate-priced charge adds to: its group (by index), kind and price (the
/// price's exact bytes, and the seconds it is per: an hour, or the charge's month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct SumKey {
    group: u32,
    kind: ChargeKind,
    price: [u8; 16],
    per: u64,
}

/// One key's quantities in each strategy, and which strategies booked any.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    quantities: [u128; MAX_BOOKS],
    booked: [bool; MAX_BOOKS],
}

/// One group's name and, per strategy, what is already known of its totals (counters,
/// Spot costs) and whether the strategy booked anything in it.
#[derive(Debug)]
struct GroupBook {
    name: Arc<str>,
    totals: [Totals; MAX_BOOKS],
    booked: [bool; MAX_BOOKS],
}

/// The charges of up to three strategies, summed exactly until [`Book::close`].
///
/// The strategies share the book's tables: a span's charges, which are the same group and
/// mostly the same prices in every strategy, find one group and one sum for all of them.
/// (A book per strategy missed the cache on each: a third of the replay's time with all
/// four strategies.)
#[derive(Debug)]
pub struct Book {
    strategies: usize,
    groups: Vec<GroupBook>,
    /// Group index by the address of the name: the reader shares one `Arc` per group, so
    /// this finds the group without hashing its text. The `Arc` is held so that the address
    /// cannot be reused for another name.
    by_address: HashMap<usize, (u32, Arc<str>)>,
    /// Group index by name, for a name met behind a new address.
    by_name: HashMap<Arc<str>, u32>,
    /// Quantities of rate-priced charges.
    sums: HashMap<SumKey, Sums>,
}

impl Book {
    /// A book for `strategies` strategies (the first three), numbered from 0.
    pub fn new(strategies: usize) -> Book {
        Book {
            strategies: strategies.min(MAX_BOOKS),
            groups: Vec::new(),
            by_address: HashMap::new(),
            by_name: HashMap::new(),
            sums: HashMap::new(),
        }
    }

    /// Books one charge of strategy `strategy` (one the book does not keep is ignored).
    pub fn add(&mut self, strategy: usize, charge: &Charge) -> Result<(), MoneyError> {
        if strategy >= self.strategies {
            return Ok(());
        }
        let group = self.group_of(&charge.spec.group)?;
        let book = &mut self.groups[group as usize];
        book.booked[strategy] = true;
        let totals = &mut book.totals[strategy];
        totals.count(charge);
        let (price, per) = match charge.pricing {
            Pricing::Amount(cost) => return totals.add_cost(charge.kind, cost),
            Pricing::Hourly(rate) => (rate.per_hour(), SECONDS_PER_HOUR),
            Pricing::Monthly(rate, month_seconds) => (rate.per_gb_month(), month_seconds),
        };
        let key = SumKey {
            group,
            kind: charge.kind,
            price: price.serialize(),
            per,
        };
        let sums = self.sums.entry(key).or_default();
        let sum = &mut sums.quantities[strategy];
        *sum = sum
            .checked_add(u128::from(charge.quantity))
            .ok_or_else(MoneyError::overflow_of_sum)?;
        sums.booked[strategy] = true;
        Ok(())
    }

    /// Prices every sum and returns each strategy's totals, overall and by group, in
    /// strategy order; a group appears in the strategies that booked a charge in it. Sums
    /// are priced in key order and groups added in the order first met, so the same
    /// charges always give the same figures to the last digit.
    pub fn close(self) -> Result<Vec<Ledger>, MoneyError> {
        let Book {
            strategies,
            mut groups,
            sums,
            ..
        } = self;
        let mut sums: Vec<(SumKey, Sums)> = sums.into_iter().collect();
        sums.sort_unstable_by_key(|(key, _)| *key);
        for (key, sums) in sums {
            let book = &mut groups[key.group as usize];
            for strategy in 0..strategies {
                if sums.booked[strategy] {
                    let cost = price_of(&key, sums.quantities[strategy])?;
                    book.totals[strategy].add_cost(key.kind, cost)?;
                }
            }
        }
        (0..strategies)
            .map(|strategy| {
                let mut overall = Totals::default();
                let mut by_group = HashMap::new();
                for book in groups.iter().filter(|g| g.booked[strategy]) {
                    overall.absorb(&book.totals[strategy])?;
                    by_group.insert(Arc::clone(&book.name), book.totals[strategy].clone());
                }
                Ok(Ledger {
                    overall,
                    groups: by_group,
                })
            })
            .collect()
    }

    fn group_of(&mut self, name: &Arc<str>) -> Result<u32, MoneyError> {
        let address = Arc::as_ptr(name).cast::<u8>() as usize;
        if let Some((index, _)) = self.by_address.get(&address) {
            return Ok(*index);
        }
        let index = match self.by_name.get(name) {
            Some(index) => *index,
            None => {
                let index =
                    u32::try_from(self.groups.len()).map_err(|_| MoneyError::overflow_of_sum())?;
                self.groups.push(GroupBook {
                    name: Arc::clone(name),
                    totals: Default::default(),
                    booked: [false; MAX_BOOKS],
                });
                self.by_name.insert(Arc::clone(name), index);
                index
            }
        };
        self.by_address.insert(address, (index, Arc::clone(name)));
        Ok(index)
    }
}

/// A sum's cost: rate × seconds / 3600, or rate × GB-seconds / month seconds, prorated as a
/// single charge is.
fn price_of(key: &SumKey, quantity: u128) -> Result<Usd, MoneyError> {
    prorate(Decimal::deserialize(key.price), quantity, key.per)
        .ok_or_else(MoneyError::overflow_of_sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{HourlyRate, MonthlyRate};
    use crate::scenario::Market;
    use rust_decimal_macros::dec;

    fn hourly(group: &str, kind: ChargeKind, rate: Decimal, seconds: u64) -> Charge {
        Charge {
            kind,
            quantity: seconds,
            pricing: Pricing::Hourly(HourlyRate::new(rate)),
            ..Charge::example(group)
        }
    }

    /// A Spot run of `seconds` priced from the history at `cost`.
    fn spot(group: &str, seconds: u64, cost: Decimal) -> Charge {
        Charge {
            quantity: seconds,
            pricing: Pricing::Amount(Usd::new(cost)),
            market: Market::Spot,
            ..Charge::example(group)
        }
    }

    #[test]
    fn a_rate_is_divided_once_per_sum_so_thirds_add_up_exactly() {
        // m5.large at $0.096/h for 1 s costs $0.0000266…(6 repeating): each charge alone
        // rounds at 28 digits. Three of them are 3 s: $0.096 × 3 / 3600 = $0.00008 exactly.
        let mut book = Book::new(1);
        for _ in 0..3 {
            book.add(0, &hourly("web", ChargeKind::Compute, dec!(0.096), 1))
                .unwrap();
        }
        let one = hourly("web", ChargeKind::Compute, dec!(0.096), 1)
            .cost()
            .unwrap();
        assert_ne!(one.amount() * dec!(3), dec!(0.00008));
        let ledger = book.close().unwrap().remove(0);
        assert_eq!(ledger.overall.compute, Usd::new(dec!(0.00008)));
        assert_eq!(ledger.overall.billed_seconds, 3);
    }

    #[test]
    fn kinds_groups_and_prices_are_summed_apart_and_overall() {
        let mut book = Book::new(1);
        // web: an hour at $0.096 and half an hour at $0.192 (compute), an hour of IPv4 at
        // $0.005; 100 GB of gp3 at $0.08/GB-month for 15 days of a 30-day month.
        book.add(0, &hourly("web", ChargeKind::Compute, dec!(0.096), 3_600))
            .unwrap();
        book.add(0, &hourly("web", ChargeKind::Compute, dec!(0.192), 1_800))
            .unwrap();
        book.add(
            0,
            &hourly("web", ChargeKind::PublicIpv4, dec!(0.005), 3_600),
        )
        .unwrap();
        let month = 30 * 86_400;
        book.add(
            0,
            &Charge {
                kind: ChargeKind::Storage,
                quantity: 100 * 15 * 86_400,
                pricing: Pricing::Monthly(MonthlyRate::new(dec!(0.08)), month),
                ..Charge::example("web")
            },
        )
        .unwrap();
        // batch: a Spot run priced from the history at $0.0123, 600 s, interrupted.
        let interrupted = Charge {
            interrupted: true,
            ..spot("batch", 600, dec!(0.0123))
        };
        book.add(0, &interrupted).unwrap();
        let ledger = book.close().unwrap().remove(0);
        let web = &ledger.groups[&Arc::<str>::from("web")];
        // $0.096 + $0.192 / 2 = $0.192; $4.00 = 0.08 × 100 × 15/30.
        assert_eq!(web.compute, Usd::new(dec!(0.192)));
        assert_eq!(web.public_ipv4, Usd::new(dec!(0.005)));
        assert_eq!(web.storage, Usd::new(dec!(4)));
        assert_eq!(web.billed_seconds, 5_400);
        let batch = &ledger.groups[&Arc::<str>::from("batch")];
        assert_eq!(batch.compute, Usd::new(dec!(0.0123)));
        assert_eq!((batch.spot_seconds, batch.interruptions), (600, 1));
        assert_eq!(ledger.overall.compute, Usd::new(dec!(0.2043)));
        assert_eq!(ledger.overall.storage, Usd::new(dec!(4)));
        assert_eq!(ledger.overall.billed_seconds, 6_000);
    }

    #[test]
    fn a_group_named_behind_two_allocations_is_one_group() {
        // Sources other than the reader need not share one Arc per group name.
        let mut book = Book::new(1);
        book.add(0, &hourly("web", ChargeKind::Compute, dec!(0.096), 3_600))
            .unwrap();
        book.add(0, &hourly("web", ChargeKind::Compute, dec!(0.096), 3_600))
            .unwrap();
        let ledger = book.close().unwrap().remove(0);
        assert_eq!(ledger.groups.len(), 1);
        assert_eq!(ledger.overall.compute, Usd::new(dec!(0.192)));
    }

    #[test]
    fn strategies_share_the_tables_but_not_their_sums() {
        // On-Demand (0) and Spot (1) both pay the same $0.005/h address for an hour; compute
        // is $0.096 for an hour On-Demand and a $0.0123 Spot run; a third group is booked in
        // On-Demand only, and so appears in its ledger only.
        let mut book = Book::new(2);
        let address = hourly("web", ChargeKind::PublicIpv4, dec!(0.005), 3_600);
        book.add(0, &address).unwrap();
        book.add(1, &address).unwrap();
        book.add(0, &hourly("web", ChargeKind::Compute, dec!(0.096), 3_600))
            .unwrap();
        let run = spot("web", 3_600, dec!(0.0123));
        book.add(1, &run).unwrap();
        book.add(0, &hourly("batch", ChargeKind::Compute, dec!(0.096), 60))
            .unwrap();
        // A strategy the book does not keep is ignored.
        book.add(2, &run).unwrap();
        let ledgers = book.close().unwrap();
        assert_eq!(ledgers.len(), 2);
        let (on_demand, spot) = (&ledgers[0], &ledgers[1]);
        // On-Demand: $0.096 + $0.096 × 60 / 3600 = $0.0976, and the address.
        assert_eq!(on_demand.overall.compute, Usd::new(dec!(0.0976)));
        assert_eq!(on_demand.overall.public_ipv4, Usd::new(dec!(0.005)));
        assert_eq!(on_demand.groups.len(), 2);
        assert_eq!(spot.overall.compute, Usd::new(dec!(0.0123)));
        assert_eq!(spot.overall.public_ipv4, Usd::new(dec!(0.005)));
        assert_eq!(spot.overall.spot_seconds, 3_600);
        assert_eq!(spot.groups.len(), 1);
    }
}
