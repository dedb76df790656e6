//! Hourly usage: billed instance seconds per clock hour, the input of reservation coverage.
//!
//! A Reserved Instance covers up to 3,600 seconds of matching usage in each clock hour
//! (billing-rules.md §7), so coverage needs usage by hour, not by run. Runs are split at
//! clock hours; the seconds a run is billed beyond its length (the 60-second minimum, or
//! the rest of a started hour) count in the hour the run ends, where they are charged.
//!
//! A run is booked in constant work, however long it is: its partial first and last hours
//! as seconds, and the whole hours between as one more run of full hours from the first
//! whole hour and one less from the hour after. [`HourlyUsage::hours`] sweeps those marks
//! in time order. (Booking every hour of every run cost one map update per instance-hour:
//! five minutes for 20,000 instances over a year.)

use super::meter::{Charge, ChargeKind};
use crate::clock::{Timestamp, SECONDS_PER_HOUR};
use std::collections::BTreeSet;
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

/// A change at one clock hour (counted from the epoch) for one key: seconds used in that
/// hour alone, and the change in the number of runs using the whole hour from then on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Mark {
    hour: i64,
    key: u32,
    whole_runs: i64,
    seconds: u64,
}

/// Billed seconds per clock hour and key.
#[derive(Debug, Clone, Default)]
pub struct HourlyUsage {
    ids: hashbrown::HashMap<UsageKey, u32>,
    keys: Vec<UsageKey>,
    marks: Vec<Mark>,
    /// Whether `marks` is in time order (kept by [`HourlyUsage::sort`], lost by `add`), so
    /// the passes that read the usage do not each sort a copy.
    sorted: bool,
    total: u64,
}

impl HourlyUsage {
    /// Books a compute charge; other charges are not instance usage.
    pub fn add(&mut self, charge: &Charge) {
        if charge.kind != ChargeKind::Compute {
            return;
        }
        let key = self.id_of(UsageKey {
            region: Arc::clone(&charge.spec.region),
            os: Arc::clone(&charge.spec.os),
            instance_type: Arc::clone(&charge.spec.instance_type),
            group: Arc::clone(&charge.spec.group),
        });
        self.total = self.total.saturating_add(charge.quantity);
        let (start, end) = (charge.start.unix(), charge.end.unix());
        let length = charge.end.since(charge.start).0;
        if start < end {
            self.book_run(key, start, end);
        }
        let extra = charge.quantity.saturating_sub(length);
        if extra > 0 {
            let last = end - i64::from(length > 0);
            self.mark(key, last.div_euclid(SECONDS_PER_HOUR), 0, extra);
        }
    }

    /// `[start, end)`: its first and last hours in seconds, the hours between as whole.
    fn book_run(&mut self, key: u32, start: i64, end: i64) {
        let first = start.div_euclid(SECONDS_PER_HOUR);
        let last = (end - 1).div_euclid(SECONDS_PER_HOUR);
        let seconds = |from: i64, to: i64| u64::try_from(to - from).unwrap_or(0);
        if first == last {
            self.mark(key, first, 0, seconds(start, end));
            return;
        }
        self.mark(
            key,
            first,
            0,
            seconds(start, (first + 1) * SECONDS_PER_HOUR),
        );
        if last > first + 1 {
            self.mark(key, first + 1, 1, 0);
            self.mark(key, last, -1, 0);
        }
        self.mark(key, last, 0, seconds(last * SECONDS_PER_HOUR, end));
    }

    fn mark(&mut self, key: u32, hour: i64, whole_runs: i64, seconds: u64) {
        self.sorted = false;
        self.marks.push(Mark {
            hour,
            key,
            whole_runs,
            seconds,
        });
    }

    fn id_of(&mut self, key: UsageKey) -> u32 {
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        // Keys are (region, OS, type, group) combinations: far fewer than u32::MAX.
        let id = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        self.keys.push(key.clone());
        self.ids.insert(key, id);
        id
    }

    /// Every hour with usage, in time order, with the seconds of each key used in it
    /// (ordered by key; no key with zero seconds).
    pub fn hours(&self) -> Hours<'_> {
        let marks = if self.sorted {
            std::borrow::Cow::Borrowed(self.marks.as_slice())
        } else {
            let mut marks = self.marks.clone();
            marks.sort_unstable();
            std::borrow::Cow::Owned(marks)
        };
        Hours {
            usage: self,
            marks,
            next_mark: 0,
            whole_runs: vec![0; self.keys.len()],
            running: BTreeSet::new(),
            hour: None,
        }
    }

    /// Puts the marks in time order once, for every later [`HourlyUsage::hours`].
    pub fn sort(&mut self) {
        self.marks.sort_unstable();
        self.sorted = true;
    }

    pub fn total_seconds(&self) -> u64 {
        self.total
    }
}

/// The sweep behind [`HourlyUsage::hours`]: memory for the marks and the keys running whole
/// hours, never for every hour at once.
pub struct Hours<'a> {
    usage: &'a HourlyUsage,
    marks: std::borrow::Cow<'a, [Mark]>,
    next_mark: usize,
    /// Runs using each key's whole current hour.
    whole_runs: Vec<i64>,
    /// Keys with whole-hour runs, so an hour costs what it holds, not the number of keys.
    running: BTreeSet<u32>,
    /// The last hour returned.
    hour: Option<i64>,
}

impl<'a> Iterator for Hours<'a> {
    type Item = (Timestamp, Vec<(&'a UsageKey, u64)>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let next_marked = self.marks.get(self.next_mark).map(|m| m.hour);
            let hour = match (self.hour, self.running.is_empty(), next_marked) {
                (Some(previous), false, _) => previous + 1,
                (_, _, Some(marked)) => marked,
                _ => return None,
            };
            self.hour = Some(hour);
            let mut seconds: Vec<(u32, u64)> = Vec::new();
            while let Some(mark) = self.marks.get(self.next_mark).filter(|m| m.hour == hour) {
                self.apply(*mark, &mut seconds);
                self.next_mark += 1;
            }
            for &key in &self.running {
                let runs = u64::try_from(self.whole_runs[key as usize]).unwrap_or(0);
                seconds.push((key, runs.saturating_mul(SECONDS_PER_HOUR as u64)));
            }
            let entries = self.entries(seconds);
            if !entries.is_empty() {
                return Some((Timestamp::from_unix(hour * SECONDS_PER_HOUR), entries));
            }
        }
    }
}

impl<'a> Hours<'a> {
    fn apply(&mut self, mark: Mark, seconds: &mut Vec<(u32, u64)>) {
        if mark.seconds > 0 {
            seconds.push((mark.key, mark.seconds));
        }
        if mark.whole_runs != 0 {
            let runs = &mut self.whole_runs[mark.key as usize];
            *runs += mark.whole_runs;
            if *runs > 0 {
                self.running.insert(mark.key);
            } else {
                self.running.remove(&mark.key);
            }
        }
    }

    /// Sums each key's seconds and orders them by key.
    fn entries(&self, mut seconds: Vec<(u32, u64)>) -> Vec<(&'a UsageKey, u64)> {
        seconds.sort_unstable();
        let mut entries: Vec<(&'a UsageKey, u64)> = Vec::with_capacity(seconds.len());
        for (key, s) in seconds {
            let usage_key = &self.usage.keys[key as usize];
            match entries.last_mut() {
                Some((last, sum)) if std::ptr::eq(*last, usage_key) => {
                    *sum = sum.saturating_add(s);
                }
                _ => entries.push((usage_key, s)),
            }
        }
        entries.retain(|(_, s)| *s > 0);
        entries.sort_by(|a, b| a.0.cmp(b.0));
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::meter::ChargeKind;
    use crate::scenario::{InstanceId, LaunchSpec, Market, Markets, PublicIp, RootDevice};

    fn charge(group: &str, start: &str, end: &str, quantity: u64) -> Charge {
        let spec = LaunchSpec {
            name: Arc::from("i-1"),
            instance_type: Arc::from("m5.large"),
            region: Arc::from("us-east-1"),
            os: Arc::from("linux"),
            ebs_gb: 8,
            ebs_type: crate::pricing::VolumeType::Gp3,
            root: RootDevice::Ebs,
            public_ip: PublicIp::None,
            interruptible: false,
            hibernation: false,
            group: Arc::from(group),
            line: 2,
            markets: Markets::default(),
        };
        Charge {
            instance: InstanceId(0),
            spec: Arc::new(spec),
            kind: ChargeKind::Compute,
            start: Timestamp::parse(start).unwrap_or(Timestamp::from_unix(0)),
            end: Timestamp::parse(end).unwrap_or(Timestamp::from_unix(0)),
            quantity,
            cost: crate::money::Usd::ZERO,
            state: None,
            unit_price: rust_decimal::Decimal::ZERO,
            market: Market::OnDemand,
            interrupted: false,
        }
    }

    fn table(usage: &HourlyUsage) -> Vec<(String, Vec<(String, u64)>)> {
        usage
            .hours()
            .map(|(hour, entries)| {
                let entries = entries
                    .into_iter()
                    .map(|(k, s)| (k.group.to_string(), s))
                    .collect();
                (hour.to_string(), entries)
            })
            .collect()
    }

    fn row(hour: &str, entries: &[(&str, u64)]) -> (String, Vec<(String, u64)>) {
        let entries = entries.iter().map(|(g, s)| (g.to_string(), *s)).collect();
        (hour.to_string(), entries)
    }

    #[test]
    fn a_run_is_split_at_clock_hours_with_its_minimum_in_the_last_hour() {
        let mut usage = HourlyUsage::default();
        // 00:59:30 to 03:00:10: 30 s, two whole hours, 10 s.
        usage.add(&charge(
            "a",
            "2026-01-01T00:59:30Z",
            "2026-01-01T03:00:10Z",
            7_240,
        ));
        // 30 s run billed 60 s: the extra 30 s in the hour it ends.
        usage.add(&charge(
            "b",
            "2026-01-01T01:10:00Z",
            "2026-01-01T01:10:30Z",
            60,
        ));
        // Another whole-hour run of "a" overlapping the first.
        usage.add(&charge(
            "a",
            "2026-01-01T02:00:00Z",
            "2026-01-01T04:00:00Z",
            7_200,
        ));
        assert_eq!(
            table(&usage),
            vec![
                row("2026-01-01T00:00:00Z", &[("a", 30)]),
                row("2026-01-01T01:00:00Z", &[("a", 3_600), ("b", 60)]),
                row("2026-01-01T02:00:00Z", &[("a", 7_200)]),
                row("2026-01-01T03:00:00Z", &[("a", 3_610)]),
            ]
        );
        assert_eq!(usage.total_seconds(), 7_240 + 60 + 7_200);
    }

    #[test]
    fn hours_without_usage_are_skipped_and_a_zero_length_run_books_its_minimum() {
        let mut usage = HourlyUsage::default();
        usage.add(&charge(
            "a",
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:30:00Z",
            1_800,
        ));
        usage.add(&charge(
            "a",
            "2026-01-01T05:00:00Z",
            "2026-01-01T05:00:00Z",
            60,
        ));
        assert_eq!(
            table(&usage),
            vec![
                row("2026-01-01T00:00:00Z", &[("a", 1_800)]),
                row("2026-01-01T05:00:00Z", &[("a", 60)]),
            ]
        );
    }
}
