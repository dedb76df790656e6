//! The book: one strategy's charges summed while the replay runs, closed into its
//! [`Ledger`] at the end.
//!
//! A charge priced at a rate (instance usage and public IPv4 by the hour, EBS by the
//! GB-month) adds its quantity to the sum for its group, kind and price, in integers; each
//! sum is priced once, when the book closes. Pricing every charge as it came (a division)
//! and adding it overall and to its group (two rescaled decimal additions) was a third of
//! a meter's work, and rounded every charge to the money type's 28 digits: here a total is
//! rounded once. Spot runs, priced from the price history as they close, add their cost.

use super::ledger::{Ledger, Totals};
use super::meter::{Charge, ChargeKind, Pricing};
use crate::money::{MoneyError, Usd, SECONDS_PER_HOUR};
use hashbrown::HashMap;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Which sum a rate-priced charge adds to: its group (by index), kind and price (the
/// price's exact bytes, and the seconds it is per: an hour, or the charge's month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct SumKey {
    group: u32,
    kind: ChargeKind,
    price: [u8; 16],
    per: u64,
}

/// A strategy's charges, summed exactly until [`Book::close`].
#[derive(Debug, Default)]
pub struct Book {
    /// Each group's name and what is already known of its totals (counters, Spot costs).
    groups: Vec<(Arc<str>, Totals)>,
    /// Group index by the address of the name: the reader shares one `Arc` per group, so
    /// this finds the group without hashing its text. The `Arc` is held so that the address
    /// cannot be reused for another name.
    by_address: HashMap<usize, (u32, Arc<str>)>,
    /// Group index by name, for a name met behind a new address.
    by_name: HashMap<Arc<str>, u32>,
    /// Quantities of rate-priced charges.
    sums: HashMap<SumKey, u128>,
}

impl Book {
    /// Books one charge.
    pub fn add(&mut self, charge: &Charge) -> Result<(), MoneyError> {
        let group = self.group_of(&charge.spec.group)?;
        let totals = &mut self.groups[group as usize].1;
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
        let sum = self.sums.entry(key).or_insert(0);
        *sum = sum
            .checked_add(u128::from(charge.quantity))
            .ok_or_else(MoneyError::overflow_of_sum)?;
        Ok(())
    }

    /// Prices every sum and returns the totals, overall and by group. Sums are priced in
    /// key order and groups added in the order first met, so the same charges always give
    /// the same figures to the last digit.
    pub fn close(self) -> Result<Ledger, MoneyError> {
        let Book {
            mut groups, sums, ..
        } = self;
        let mut sums: Vec<(SumKey, u128)> = sums.into_iter().collect();
        sums.sort_unstable();
        for (key, quantity) in sums {
            let cost = price_of(&key, quantity)?;
            groups[key.group as usize].1.add_cost(key.kind, cost)?;
        }
        let mut overall = Totals::default();
        for (_, totals) in &groups {
            overall.absorb(totals)?;
        }
        Ok(Ledger {
            overall,
            groups: groups.into_iter().collect(),
        })
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
                self.groups.push((Arc::clone(name), Totals::default()));
                self.by_name.insert(Arc::clone(name), index);
                index
            }
        };
        self.by_address.insert(address, (index, Arc::clone(name)));
        Ok(index)
    }
}

/// A sum's cost: rate × seconds / 3600, or rate × GB-seconds / month seconds, multiplied
/// before dividing (as a single charge is) so that whole hours and months come out exact.
fn price_of(key: &SumKey, quantity: u128) -> Result<Usd, MoneyError> {
    let price = Decimal::deserialize(key.price);
    let per = key.per;
    i128::try_from(quantity)
        .ok()
        .and_then(|q| Decimal::try_from_i128_with_scale(q, 0).ok())
        .and_then(|q| price.checked_mul(q))
        .and_then(|cost| cost.checked_div(Decimal::from(per)))
        .map(Usd::new)
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

    #[test]
    fn a_rate_is_divided_once_per_sum_so_thirds_add_up_exactly() {
        // m5.large at $0.096/h for 1 s costs $0.0000266…(6 repeating): each charge alone
        // rounds at 28 digits. Three of them are 3 s: $0.096 × 3 / 3600 = $0.00008 exactly.
        let mut book = Book::default();
        for _ in 0..3 {
            book.add(&hourly("web", ChargeKind::Compute, dec!(0.096), 1))
                .unwrap();
        }
        let one = hourly("web", ChargeKind::Compute, dec!(0.096), 1)
            .cost()
            .unwrap();
        assert_ne!(one.amount() * dec!(3), dec!(0.00008));
        let ledger = book.close().unwrap();
        assert_eq!(ledger.overall.compute, Usd::new(dec!(0.00008)));
        assert_eq!(ledger.overall.billed_seconds, 3);
    }

    #[test]
    fn kinds_groups_and_prices_are_summed_apart_and_overall() {
        let mut book = Book::default();
        // web: an hour at $0.096 and half an hour at $0.192 (compute), an hour of IPv4 at
        // $0.005; 100 GB of gp3 at $0.08/GB-month for 15 days of a 30-day month.
        book.add(&hourly("web", ChargeKind::Compute, dec!(0.096), 3_600))
            .unwrap();
        book.add(&hourly("web", ChargeKind::Compute, dec!(0.192), 1_800))
            .unwrap();
        book.add(&hourly("web", ChargeKind::PublicIpv4, dec!(0.005), 3_600))
            .unwrap();
        let month = 30 * 86_400;
        book.add(&Charge {
            kind: ChargeKind::Storage,
            quantity: 100 * 15 * 86_400,
            pricing: Pricing::Monthly(MonthlyRate::new(dec!(0.08)), month),
            ..Charge::example("web")
        })
        .unwrap();
        // batch: a Spot run priced from the history at $0.0123, 600 s, interrupted.
        book.add(&Charge {
            quantity: 600,
            pricing: Pricing::Amount(Usd::new(dec!(0.0123))),
            market: Market::Spot,
            interrupted: true,
            ..Charge::example("batch")
        })
        .unwrap();
        let ledger = book.close().unwrap();
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
        let mut book = Book::default();
        book.add(&hourly("web", ChargeKind::Compute, dec!(0.096), 3_600))
            .unwrap();
        book.add(&hourly("web", ChargeKind::Compute, dec!(0.096), 3_600))
            .unwrap();
        let ledger = book.close().unwrap();
        assert_eq!(ledger.groups.len(), 1);
        assert_eq!(ledger.overall.compute, Usd::new(dec!(0.192)));
    }
}
