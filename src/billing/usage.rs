//! Hourly usage: billed instance seconds per clock hour, the input of reservation coverage.
//!
//! A Reserved Instance covers up to 3,600 seconds of matching usage in each clock hour
//! (billing-rules.md §7), so coverage needs usage by hour, not by run. Runs are split at
//! clock hours; the seconds a run is billed beyond its length (the 60-second minimum, or
//! the rest of a started hour) count in the hour the run ends, where they are charged.

use super::meter::{Charge, ChargeKind};
use crate::clock::{Timestamp, SECONDS_PER_HOUR};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What a reservation can match: region, operating system, instance type; and the group
/// the usage belongs to, so the reserved strategy can still report by group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UsageKey {
    pub region: Arc<str>,
    pub os: Arc<str>,
    pub instance_type: Arc<str>,
    pub group: Arc<str>,
}

/// Billed seconds per clock hour and key.
#[derive(Debug, Clone, Default)]
pub struct HourlyUsage {
    hours: BTreeMap<Timestamp, HashMap<UsageKey, u64>>,
}

impl HourlyUsage {
    /// Books a compute charge hour by hour; other charges are not instance usage.
    pub fn add(&mut self, charge: &Charge) {
        if charge.kind != ChargeKind::Compute {
            return;
        }
        let key = UsageKey {
            region: Arc::clone(&charge.spec.region),
            os: Arc::clone(&charge.spec.os),
            instance_type: Arc::clone(&charge.spec.instance_type),
            group: Arc::clone(&charge.spec.group),
        };
        let length = charge.end.since(charge.start).0;
        let mut cursor = charge.start;
        while cursor < charge.end {
            let hour = cursor.hour_start();
            let next = Timestamp::from_unix(hour.unix() + SECONDS_PER_HOUR).min(charge.end);
            self.book(hour, &key, next.since(cursor).0);
            cursor = next;
        }
        let extra = charge.quantity.saturating_sub(length);
        if extra > 0 {
            let last = Timestamp::from_unix(charge.end.unix() - i64::from(length > 0));
            self.book(last.hour_start(), &key, extra);
        }
    }

    fn book(&mut self, hour: Timestamp, key: &UsageKey, seconds: u64) {
        let slot = self
            .hours
            .entry(hour)
            .or_default()
            .entry(key.clone())
            .or_insert(0);
        *slot = slot.saturating_add(seconds);
    }

    /// Every hour with usage, in time order.
    pub fn hours(&self) -> impl Iterator<Item = (&Timestamp, &HashMap<UsageKey, u64>)> {
        self.hours.iter()
    }

    pub fn total_seconds(&self) -> u64 {
        self.hours.values().flat_map(HashMap::values).sum()
    }
}
