//! What `monthly.csv` and the cost charts read of the line items, summed exactly as the items
//! are written: the items themselves are streamed to `line_items.csv` and not kept.

use super::by_hour::{share, ByTime};
use super::focus::{Kind, LineItem, Share};
use crate::billing::{Charge, ChargeKind};
use crate::clock::Timestamp;
use crate::money::MoneyError;
use crate::scenario::Market;
use crate::strategy::Strategy;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What the totals read of a line item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Costed {
    pub strategy: Strategy,
    pub kind: Kind,
    pub purchase: bool,
    pub start: Timestamp,
    pub end: Timestamp,
    /// EffectiveCost, exact, as written.
    pub effective: Decimal,
}

impl Costed {
    /// An item's figures and its charge period.
    pub fn new(share: &Share, (start, end): (Timestamp, Timestamp)) -> Costed {
        Costed {
            strategy: share.strategy,
            kind: share.kind,
            purchase: share.purchase,
            start,
            end,
            effective: share.effective,
        }
    }

    pub fn of(item: &LineItem) -> Costed {
        Costed::new(&item.share(), (item.start, item.end))
    }
}

/// Exact EffectiveCost by month, strategy and charge kind. Keyed by the month's start while summing
/// (a label per line item was a string each), by names so that the rows sort as they print.
#[derive(Debug, Clone, Default)]
pub struct MonthlyTotals {
    totals: BTreeMap<(Timestamp, &'static str, &'static str), Decimal>,
    /// Strategies in the order their first item came.
    strategies: Vec<Strategy>,
}

impl MonthlyTotals {
    fn add(&mut self, item: &Costed) -> Result<(), MoneyError> {
        if !self.strategies.contains(&item.strategy) {
            self.strategies.push(item.strategy);
        }
        let key = (
            item.start.month_start(),
            item.strategy.name(),
            item.kind.name(),
        );
        let total = self.totals.entry(key).or_default();
        *total = total
            .checked_add(item.effective)
            .ok_or_else(MoneyError::overflow_of_sum)?;
        Ok(())
    }

    /// (month start, strategy, kind) and the total, by month, then strategy and kind names.
    pub fn rows(
        &self,
    ) -> impl Iterator<Item = ((Timestamp, &'static str, &'static str), Decimal)> + '_ {
        self.totals.iter().map(|(key, total)| (*key, *total))
    }

    /// Strategies in the order their first item came (the order of the file).
    pub fn strategies(&self) -> &[Strategy] {
        &self.strategies
    }
}

/// EffectiveCost per strategy over time: each item's cost spread evenly over the seconds of
/// its charge period that fall inside the replay (an instant's cost at its instant), in
/// buckets as fine as memory allows ([`ByTime`]).
///
/// The reserved strategy's uncovered compute is the one item that covers a whole charge
/// period however little ran in it (it sums the allocation's hours); spread evenly it would
/// smear a two-hour job over the day. It is kept apart, by period, for the chart to share out
/// by the hours the allocation says it ran ([`CostOverTime::reserved_compute`]).
#[derive(Debug)]
pub struct CostOverTime {
    window: (Timestamp, Timestamp),
    by_strategy: BTreeMap<&'static str, ByTime<Decimal>>,
    /// (period start, period end) in Unix seconds: the reserved strategy's uncovered compute.
    reserved_compute: BTreeMap<(i64, i64), Decimal>,
}

impl CostOverTime {
    fn new(window: (Timestamp, Timestamp)) -> CostOverTime {
        CostOverTime {
            window,
            by_strategy: BTreeMap::new(),
            reserved_compute: BTreeMap::new(),
        }
    }

    fn add(&mut self, item: &Costed) {
        let (start, horizon) = self.window;
        let hours = self.by_strategy.entry(item.strategy.name()).or_default();
        if item.strategy == Strategy::Reserved && item.kind == Kind::Compute {
            let key = (item.start.unix(), item.end.unix());
            let period = self.reserved_compute.entry(key).or_default();
            *period = period.saturating_add(item.effective);
            return;
        }
        let (from, to) = (item.start.max(start), item.end.min(horizon));
        let value = item.effective;
        let seconds = Decimal::from(to.since(from).0);
        if seconds.is_zero() {
            hours.add_at(from, value);
            return;
        }
        hours.spread(from, to, |part| share(value, Decimal::from(part), seconds));
    }

    /// The replay's window: (start, horizon).
    pub fn window(&self) -> (Timestamp, Timestamp) {
        self.window
    }

    /// Each strategy (by name) and its cost over time, by name.
    pub fn strategies(&self) -> impl Iterator<Item = (&'static str, &ByTime<Decimal>)> + '_ {
        self.by_strategy.iter().map(|(name, by)| (*name, by))
    }

    /// The reserved strategy's uncovered compute: (period start, end, cost), by period.
    pub fn reserved_compute(&self) -> impl Iterator<Item = (i64, i64, Decimal)> + '_ {
        self.reserved_compute.iter().map(|((s, e), v)| (*s, *e, *v))
    }
}

/// Both totals, fed the items in file order (the hourly sums are of exact shares, so their
/// last digits depend on the order).
#[derive(Debug)]
pub struct Spending {
    pub monthly: MonthlyTotals,
    pub over_time: CostOverTime,
}

impl Spending {
    pub fn new(window: (Timestamp, Timestamp)) -> Spending {
        Spending {
            monthly: MonthlyTotals::default(),
            over_time: CostOverTime::new(window),
        }
    }

    /// Counts one item; purchases are cash, outside both. A monthly total past the decimal
    /// range is an error, as every sum of money is.
    pub fn add(&mut self, item: &Costed) -> Result<(), MoneyError> {
        if item.purchase {
            return Ok(());
        }
        self.monthly.add(item)?;
        self.over_time.add(item);
        Ok(())
    }

    /// The totals of items held in memory, in file order.
    pub fn of(items: &[LineItem], window: (Timestamp, Timestamp)) -> Result<Spending, MoneyError> {
        let mut spending = Spending::new(window);
        for item in items {
            spending.add(&Costed::of(item))?;
        }
        Ok(spending)
    }
}

/// Instance seconds over time, from the charges: running and existing (storage bills while
/// an instance exists, stopped or not) as On-Demand runs the fleet, and running on Spot as
/// the Spot strategy does. The fleet chart's data.
#[derive(Debug, Default)]
pub struct FleetHours {
    pub running: ByTime<i64>,
    pub existing: ByTime<i64>,
    pub spot: ByTime<i64>,
}

impl FleetHours {
    /// One charge booked for `booked`: On-Demand's compute and storage, Spot's compute on
    /// the Spot market; any other is not the fleet's.
    pub fn add(&mut self, booked: Strategy, charge: &Charge) {
        let target = match (booked, charge.kind) {
            (Strategy::OnDemand, ChargeKind::Compute) => &mut self.running,
            (Strategy::OnDemand, ChargeKind::Storage) => &mut self.existing,
            (Strategy::Spot, ChargeKind::Compute) if charge.market == Market::Spot => {
                &mut self.spot
            }
            _ => return,
        };
        target.spread(charge.start, charge.end, |seconds| seconds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn compute(effective: Decimal, start: i64, end: i64) -> Costed {
        Costed {
            strategy: Strategy::OnDemand,
            kind: Kind::Compute,
            purchase: false,
            start: Timestamp::from_unix(start),
            end: Timestamp::from_unix(end),
            effective,
        }
    }

    #[test]
    fn monthly_totals_add_exactly_and_refuse_a_sum_past_the_decimal_range() {
        // 2026-03-01T00:00:00Z and an hour later: two items of March, $0.096 + $0.0480.
        let march = 1_772_323_200;
        let window = (
            Timestamp::from_unix(march),
            Timestamp::from_unix(march + 7_200),
        );
        let mut spending = Spending::new(window);
        spending
            .add(&compute(dec!(0.096), march, march + 3_600))
            .unwrap();
        spending
            .add(&compute(dec!(0.0480), march + 3_600, march + 7_200))
            .unwrap();
        let rows: Vec<_> = spending.monthly.rows().collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1, dec!(0.1440));
        // A second item of the largest decimal in the same month cannot be summed: an
        // error, where `+=` panicked; the chart's buckets saturate instead.
        let mut spending = Spending::new(window);
        spending
            .add(&compute(Decimal::MAX, march, march + 3_600))
            .unwrap();
        assert!(spending
            .add(&compute(Decimal::MAX, march, march + 3_600))
            .is_err());
    }
}
