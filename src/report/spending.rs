//! What `monthly.csv` and the cost charts read of the line items, summed exactly as the items
//! are written: the items themselves are streamed to `line_items.csv` and not kept.

use super::by_hour::ByHour;
use super::focus::{Kind, LineItem, Share};
use crate::billing::{Charge, ChargeKind};
use crate::clock::Timestamp;
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
    fn add(&mut self, item: &Costed) {
        if !self.strategies.contains(&item.strategy) {
            self.strategies.push(item.strategy);
        }
        let key = (
            item.start.month_start(),
            item.strategy.name(),
            item.kind.name(),
        );
        *self.totals.entry(key).or_default() += item.effective;
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

/// EffectiveCost per strategy by clock hour: each item's cost spread evenly over the hours of
/// its charge period that fall inside the replay (an instant's cost in its hour).
#[derive(Debug)]
pub struct HourlyCost {
    window: (Timestamp, Timestamp),
    by_strategy: BTreeMap<&'static str, ByHour<Decimal>>,
}

impl HourlyCost {
    fn new(window: (Timestamp, Timestamp)) -> HourlyCost {
        HourlyCost {
            window,
            by_strategy: BTreeMap::new(),
        }
    }

    fn add(&mut self, item: &Costed) {
        let (start, horizon) = self.window;
        let hours = self.by_strategy.entry(item.strategy.name()).or_default();
        let (from, to) = (item.start.max(start), item.end.min(horizon));
        let value = item.effective;
        let seconds = Decimal::from(to.since(from).0);
        if seconds.is_zero() {
            hours.add_at(from, value);
            return;
        }
        hours.spread(from, to, |part| value * Decimal::from(part) / seconds);
    }

    /// The replay's window: (start, horizon).
    pub fn window(&self) -> (Timestamp, Timestamp) {
        self.window
    }

    /// Each strategy (by name) and its cost by hour, hours in order.
    pub fn strategies(&self) -> impl Iterator<Item = (&'static str, Vec<(i64, Decimal)>)> + '_ {
        self.by_strategy
            .iter()
            .map(|(name, hours)| (*name, hours.hours()))
    }
}

/// Both totals, fed the items in file order (the hourly sums are of exact shares, so their
/// last digits depend on the order).
#[derive(Debug)]
pub struct Spending {
    pub monthly: MonthlyTotals,
    pub hourly: HourlyCost,
}

impl Spending {
    pub fn new(window: (Timestamp, Timestamp)) -> Spending {
        Spending {
            monthly: MonthlyTotals::default(),
            hourly: HourlyCost::new(window),
        }
    }

    /// Counts one item; purchases are cash, outside both.
    pub fn add(&mut self, item: &Costed) {
        if item.purchase {
            return;
        }
        self.monthly.add(item);
        self.hourly.add(item);
    }

    /// The totals of items held in memory, in file order.
    pub fn of(items: &[LineItem], window: (Timestamp, Timestamp)) -> Spending {
        let mut spending = Spending::new(window);
        for item in items {
            spending.add(&Costed::of(item));
        }
        spending
    }
}

/// Instance seconds by clock hour, from On-Demand's charges: running (compute) and existing
/// (storage bills while an instance exists, stopped or not). The fleet chart's data.
#[derive(Debug, Default)]
pub struct FleetHours {
    pub running: ByHour<i64>,
    pub existing: ByHour<i64>,
}

impl FleetHours {
    pub fn add(&mut self, charge: &Charge) {
        let target = match charge.kind {
            ChargeKind::Compute => &mut self.running,
            ChargeKind::Storage => &mut self.existing,
            ChargeKind::PublicIpv4 => return,
        };
        target.spread(charge.start, charge.end, |seconds| seconds);
    }
}
