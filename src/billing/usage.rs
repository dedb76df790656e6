//! Hourly usage: billed instance seconds per clock hour, the input of reservation coverage.
//!
//! A Reserved Instance covers up to 3,600 seconds of matching usage in each clock hour
//! (docs/billing-rules.md §7), so coverage needs usage by hour, not by run. Runs are split at
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
use crate::scenario::LaunchSpec;
use std::borrow::Cow;
use std::ops::Range;
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

/// A [`UsageKey`] borrowed from a launch spec, to look one up without cloning its four names
/// (each clone and drop is an atomic update of a count the reading thread updates too, as
/// it shares the names with every launch). Hashes as the key does: the same fields in the
/// same order.
#[derive(Hash)]
struct KeyRef<'a> {
    region: &'a str,
    os: &'a str,
    instance_type: &'a str,
    group: &'a str,
}

impl hashbrown::Equivalent<UsageKey> for KeyRef<'_> {
    fn equivalent(&self, key: &UsageKey) -> bool {
        self.region == &*key.region
            && self.os == &*key.os
            && self.instance_type == &*key.instance_type
            && self.group == &*key.group
    }
}

/// A change, from one clock hour (counted from the epoch, see [`hour_of`]) on, in the
/// number of runs using a key's whole hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct WholeMark {
    hour: i32,
    key: u32,
    runs: i32,
}

/// Seconds of a key used within one clock hour alone.
///
/// The two kinds of mark are kept apart, 12 bytes each, rather than as one 32-byte record
/// with both fields: a year of 100,000 instances books millions of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct PartMark {
    hour: i32,
    key: u32,
    seconds: u32,
}

/// Billed seconds per clock hour and key.
#[derive(Debug, Clone, Default)]
pub struct HourlyUsage {
    ids: hashbrown::HashMap<UsageKey, u32>,
    keys: Vec<UsageKey>,
    wholes: Vec<WholeMark>,
    parts: Vec<PartMark>,
    total: u64,
}

/// The marks of some keys, contiguous after [`HourlyUsage::partition`], to be swept alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    wholes: Range<usize>,
    parts: Range<usize>,
    /// The part's key ids: contiguous, in the order the partition was asked for.
    pub keys: Range<u32>,
}

impl Part {
    /// Its marks of both kinds.
    pub fn marks(&self) -> usize {
        self.wholes.len() + self.parts.len()
    }
}

impl HourlyUsage {
    /// Books a compute charge; other charges are not instance usage.
    pub fn add(&mut self, charge: &Charge) {
        if charge.kind != ChargeKind::Compute {
            return;
        }
        let key = self.id_of(&charge.spec);
        self.total = self.total.saturating_add(charge.quantity);
        let (start, end) = (charge.start.unix(), charge.end.unix());
        let length = charge.end.since(charge.start).0;
        if start < end {
            self.book_run(key, start, end);
        }
        let extra = charge.quantity.saturating_sub(length);
        if extra > 0 {
            let last = end - i64::from(length > 0);
            self.part(key, last.div_euclid(SECONDS_PER_HOUR), extra);
        }
    }

    /// `[start, end)`: its first and last hours in seconds, the hours between as whole.
    fn book_run(&mut self, key: u32, start: i64, end: i64) {
        let first = start.div_euclid(SECONDS_PER_HOUR);
        let last = (end - 1).div_euclid(SECONDS_PER_HOUR);
        let seconds = |from: i64, to: i64| u64::try_from(to - from).unwrap_or(0);
        if first == last {
            self.part(key, first, seconds(start, end));
            return;
        }
        self.part(key, first, seconds(start, (first + 1) * SECONDS_PER_HOUR));
        if last > first + 1 {
            self.wholes.push(WholeMark {
                hour: hour_of(first + 1),
                key,
                runs: 1,
            });
            self.wholes.push(WholeMark {
                hour: hour_of(last),
                key,
                runs: -1,
            });
        }
        self.part(key, last, seconds(last * SECONDS_PER_HOUR, end));
    }

    /// Seconds within one hour; more than `u32::MAX` (only a charge's odd extra could be)
    /// is booked as several marks, which add up the same.
    fn part(&mut self, key: u32, hour: i64, mut seconds: u64) {
        while seconds > 0 {
            let chunk = u32::try_from(seconds).unwrap_or(u32::MAX);
            self.parts.push(PartMark {
                hour: hour_of(hour),
                key,
                seconds: chunk,
            });
            seconds -= u64::from(chunk);
        }
    }

    fn id_of(&mut self, spec: &LaunchSpec) -> u32 {
        let borrowed = KeyRef {
            region: &spec.region,
            os: &spec.os,
            instance_type: &spec.instance_type,
            group: &spec.group,
        };
        if let Some(id) = self.ids.get(&borrowed) {
            return *id;
        }
        let key = UsageKey {
            region: Arc::clone(&spec.region),
            os: Arc::clone(&spec.os),
            instance_type: Arc::clone(&spec.instance_type),
            group: Arc::clone(&spec.group),
        };
        // Keys are (region, OS, type, group) combinations: far fewer than u32::MAX.
        let id = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        self.keys.push(key.clone());
        self.ids.insert(key, id);
        id
    }

    /// Every key used, indexed by the ids [`HourlyUsage::hours`] gives.
    pub fn keys(&self) -> &[UsageKey] {
        &self.keys
    }

    /// Every hour with usage, in time order, with the seconds of each key used in it
    /// (by key id, in increasing order; no key with zero seconds). Sweeps a sorted copy of
    /// the marks; [`HourlyUsage::hours_in`] sweeps a part in place.
    pub fn hours(&self) -> Hours<'_> {
        let (mut wholes, mut parts) = (self.wholes.clone(), self.parts.clone());
        wholes.sort_unstable();
        parts.sort_unstable();
        self.sweep(Cow::Owned(wholes), Cow::Owned(parts))
    }

    /// The hours of one part, as [`HourlyUsage::hours`] gives them for its keys alone.
    pub fn hours_in(&self, part: &Part) -> Hours<'_> {
        let wholes = self.wholes.get(part.wholes.clone()).unwrap_or_default();
        let parts = self.parts.get(part.parts.clone()).unwrap_or_default();
        self.sweep(Cow::Borrowed(wholes), Cow::Borrowed(parts))
    }

    fn sweep<'a>(&self, wholes: Cow<'a, [WholeMark]>, parts: Cow<'a, [PartMark]>) -> Hours<'a> {
        Hours {
            wholes,
            parts,
            next: (0, 0),
            whole_runs: vec![0; self.keys.len()],
            running: Vec::new(),
            slots: vec![None; self.keys.len()],
            seconds: vec![0; self.keys.len()],
            touched: Vec::new(),
            hour: None,
        }
    }

    /// Groups the keys into parts, `places[key]` = (part, place in the part) with part one
    /// of `0..count` (`None`, or no entry, for keys no part wants), and returns where each
    /// part's marks are: so each part can be swept on its own, and only one part's hours
    /// need be held at once.
    ///
    /// The keys are renumbered (as [`HourlyUsage::keys`] and the sweeps then give them) so
    /// that each part's are contiguous and in the order of their places: a part's sweep
    /// then gives every hour's keys in that order, with nothing to sort again.
    pub fn partition(&mut self, places: &[Option<(usize, u32)>], count: usize) -> Vec<Part> {
        let place = |key: usize| match places.get(key).copied().flatten() {
            Some((part, local)) if part < count => (part, local),
            _ => (count, 0),
        };
        let mut order: Vec<usize> = (0..self.keys.len()).collect();
        order.sort_by_key(|&key| (place(key), key));
        let mut new_id = vec![0u32; order.len()];
        for (id, &key) in order.iter().enumerate() {
            // Below u32::MAX: there are no more keys than the ids `id_of` gave.
            new_id[key] = u32::try_from(id).unwrap_or(u32::MAX);
        }
        self.renumber(&new_id, &order);
        let part_of: Vec<usize> = order.iter().map(|&key| place(key).0).collect();
        let rank = |key: u32| part_of.get(key as usize).copied().unwrap_or(count);
        // The two kinds of mark are sorted at once, one on each of two cores: millions of
        // them for a year of a large fleet, after the replay has left a core idle.
        let (wholes, parts) = (&mut self.wholes, &mut self.parts);
        std::thread::scope(|scope| {
            scope.spawn(|| sort_by_part(wholes, |m| rank(m.key), count));
            sort_by_part(parts, |m| rank(m.key), count);
        });
        let (wholes, parts) = (&self.wholes, &self.parts);
        let bounds = |part: usize| {
            (
                wholes.partition_point(|m| rank(m.key) < part),
                parts.partition_point(|m| rank(m.key) < part),
                part_of.partition_point(|&p| p < part) as u32,
            )
        };
        (0..count)
            .map(|part| {
                let ((w0, p0, k0), (w1, p1, k1)) = (bounds(part), bounds(part + 1));
                Part {
                    wholes: w0..w1,
                    parts: p0..p1,
                    keys: k0..k1,
                }
            })
            .collect()
    }

    /// Gives key `k` the id `new_id[k]`; `order` lists the old keys by new id.
    fn renumber(&mut self, new_id: &[u32], order: &[usize]) {
        let mut old: Vec<Option<UsageKey>> = std::mem::take(&mut self.keys)
            .into_iter()
            .map(Some)
            .collect();
        self.keys = order.iter().filter_map(|&key| old[key].take()).collect();
        for id in self.ids.values_mut() {
            *id = new_id[*id as usize];
        }
        for mark in &mut self.wholes {
            mark.key = new_id[mark.key as usize];
        }
        for mark in &mut self.parts {
            mark.key = new_id[mark.key as usize];
        }
    }

    pub fn total_seconds(&self) -> u64 {
        self.total
    }
}

/// Sorts `marks` by part (`part_of` each, `0..=parts`), then each part's by the marks'
/// own order: the order of sorting by `(part, mark)`, for the parts that are swept (the
/// marks of part `parts`, which no sweep reads, are only gathered at the end).
///
/// The marks are first moved to their parts in place, one swap each at most, then each
/// part is sorted on its own. Sorting by `(part, mark)` in one go looked the part up for
/// both sides of every comparison: half the time of the sweep's preparation with all
/// four strategies.
fn sort_by_part<T: Ord>(marks: &mut [T], part_of: impl Fn(&T) -> usize, parts: usize) {
    let mut starts = vec![0usize; parts + 2];
    for mark in marks.iter() {
        starts[part_of(mark).min(parts) + 1] += 1;
    }
    for part in 1..starts.len() {
        starts[part] += starts[part - 1];
    }
    // Each part's first slot not yet holding one of its marks.
    let mut next = starts.clone();
    for part in 0..=parts {
        while next[part] < starts[part + 1] {
            let home = part_of(&marks[next[part]]).min(parts);
            if home == part {
                next[part] += 1;
            } else {
                marks.swap(next[part], next[home]);
                next[home] += 1;
            }
        }
    }
    for part in 0..parts {
        marks[starts[part]..starts[part + 1]].sort_unstable();
    }
}

/// An hour counted from the epoch, in 32 bits: timestamps have years 0000 to 9999
/// (`clock::MIN_YEAR`..`MAX_YEAR`), within 80 million hours of 1970, far inside `i32`, so
/// the saturation never happens.
fn hour_of(hour: i64) -> i32 {
    i32::try_from(hour).unwrap_or(if hour < 0 { i32::MIN } else { i32::MAX })
}

/// The sweep behind [`HourlyUsage::hours`]: memory for the marks and one counter per key,
/// never for every hour at once.
pub struct Hours<'a> {
    wholes: Cow<'a, [WholeMark]>,
    parts: Cow<'a, [PartMark]>,
    /// The next whole and part mark to apply.
    next: (usize, usize),
    /// Runs using each key's whole current hour.
    whole_runs: Vec<i64>,
    /// Keys with whole-hour runs (in no order), so an hour costs what it holds, not the
    /// number of keys; `slots` is each key's place in it.
    running: Vec<u32>,
    slots: Vec<Option<usize>>,
    /// Seconds of each key in the hour being summed (zero outside it).
    seconds: Vec<u64>,
    /// The keys with seconds in the hour being summed.
    touched: Vec<u32>,
    /// The last hour returned.
    hour: Option<i64>,
}

impl Iterator for Hours<'_> {
    type Item = (Timestamp, Vec<(u32, u64)>);

    fn next(&mut self) -> Option<Self::Item> {
        let mut entries = Vec::new();
        let hour = self.next_into(&mut entries)?;
        Some((hour, entries))
    }
}

impl Hours<'_> {
    /// The next hour with usage, its entries written into `entries` (cleared first): the
    /// iterator without a new vector for every hour of every pool.
    pub fn next_into(&mut self, entries: &mut Vec<(u32, u64)>) -> Option<Timestamp> {
        loop {
            let next_whole = self.wholes.get(self.next.0).map(|m| i64::from(m.hour));
            let next_part = self.parts.get(self.next.1).map(|m| i64::from(m.hour));
            let next_marked = match (next_whole, next_part) {
                (Some(w), Some(p)) => Some(w.min(p)),
                (w, p) => w.or(p),
            };
            let hour = match (self.hour, self.running.is_empty(), next_marked) {
                (Some(previous), false, _) => previous + 1,
                (_, _, Some(marked)) => marked,
                _ => return None,
            };
            self.hour = Some(hour);
            self.sum_hour(hour, entries);
            if !entries.is_empty() {
                return Some(Timestamp::from_unix(hour * SECONDS_PER_HOUR));
            }
        }
    }

    /// Applies the hour's marks and writes each key's seconds in it, by key id.
    fn sum_hour(&mut self, hour: i64, entries: &mut Vec<(u32, u64)>) {
        while let Some(mark) = self
            .wholes
            .get(self.next.0)
            .filter(|m| i64::from(m.hour) == hour)
        {
            let mark = *mark;
            self.change_runs(mark.key, mark.runs);
            self.next.0 += 1;
        }
        let touched = &mut self.touched;
        touched.clear();
        let mut book = |seconds: &mut Vec<u64>, key: u32, s: u64| {
            let slot = &mut seconds[key as usize];
            if s == 0 {
                return;
            }
            if *slot == 0 {
                touched.push(key);
            }
            *slot = slot.saturating_add(s);
        };
        while let Some(mark) = self
            .parts
            .get(self.next.1)
            .filter(|m| i64::from(m.hour) == hour)
        {
            book(&mut self.seconds, mark.key, u64::from(mark.seconds));
            self.next.1 += 1;
        }
        for &key in &self.running {
            let runs = u64::try_from(self.whole_runs[key as usize]).unwrap_or(0);
            book(
                &mut self.seconds,
                key,
                runs.saturating_mul(SECONDS_PER_HOUR.unsigned_abs()),
            );
        }
        self.touched.sort_unstable();
        entries.clear();
        entries.extend(
            self.touched
                .iter()
                .map(|&key| (key, std::mem::take(&mut self.seconds[key as usize])))
                .filter(|(_, s)| *s > 0),
        );
    }

    fn change_runs(&mut self, key: u32, change: i32) {
        let runs = &mut self.whole_runs[key as usize];
        *runs += i64::from(change);
        let slot = &mut self.slots[key as usize];
        match (*runs > 0, *slot) {
            (true, None) => {
                *slot = Some(self.running.len());
                self.running.push(key);
            }
            (false, Some(at)) => {
                *slot = None;
                self.running.swap_remove(at);
                if let Some(&moved) = self.running.get(at) {
                    self.slots[moved as usize] = Some(at);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Any marks, any assignment of keys to parts (some to none): the swept parts come
        /// out exactly as sorting by (part, mark) puts them, and the rest after them.
        #[test]
        fn sorting_by_part_orders_marks_as_sorting_by_part_then_mark(
            marks in proptest::collection::vec((0i32..6, 0u32..9, 0u32..4), 0..300),
            part_of_key in proptest::collection::vec(0usize..4, 9),
        ) {
            let parts = 3;
            let mut marks: Vec<PartMark> = marks
                .into_iter()
                .map(|(hour, key, seconds)| PartMark { hour, key, seconds })
                .collect();
            let part = |m: &PartMark| part_of_key[m.key as usize];
            let mut expected = marks.clone();
            expected.sort_unstable_by_key(|m| (part(m).min(parts), *m));
            sort_by_part(&mut marks, part, parts);
            let swept = expected.iter().filter(|m| part(m) < parts).count();
            proptest::prop_assert_eq!(&marks[..swept], &expected[..swept]);
            let mut rest = marks[swept..].to_vec();
            rest.sort_unstable();
            let mut expected_rest = expected[swept..].to_vec();
            expected_rest.sort_unstable();
            proptest::prop_assert_eq!(rest, expected_rest);
        }
    }

    fn charge(group: &str, start: &str, end: &str, quantity: u64) -> Charge {
        Charge {
            start: Timestamp::parse(start).unwrap_or(Timestamp::from_unix(0)),
            end: Timestamp::parse(end).unwrap_or(Timestamp::from_unix(0)),
            quantity,
            ..Charge::example(group)
        }
    }

    fn table(usage: &HourlyUsage) -> Vec<(String, Vec<(String, u64)>)> {
        named(usage, usage.hours())
    }

    /// Hours with each key shown by its group.
    fn named(usage: &HourlyUsage, hours: Hours<'_>) -> Vec<(String, Vec<(String, u64)>)> {
        hours
            .map(|(hour, entries)| {
                let entries = entries
                    .into_iter()
                    .map(|(k, s)| (usage.keys()[k as usize].group.to_string(), s))
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

    #[test]
    fn each_part_sweeps_as_the_whole_does_for_its_keys() {
        let mut usage = HourlyUsage::default();
        // Keys a (id 0), b (id 1), c (id 2); parts: {a, c} and {b}.
        for (group, start, end, seconds) in [
            ("a", "2026-01-01T00:30:00Z", "2026-01-01T03:15:00Z", 9_900),
            ("b", "2026-01-01T01:00:00Z", "2026-01-01T01:00:20Z", 60),
            ("c", "2026-01-01T02:00:00Z", "2026-01-01T05:00:00Z", 10_800),
            ("a", "2026-01-01T04:10:00Z", "2026-01-01T04:20:00Z", 600),
        ] {
            usage.add(&charge(group, start, end, seconds));
        }
        // The two charges of group a find one key, though each names it in its own allocation.
        assert_eq!(usage.keys().len(), 3);
        let whole = table(&usage);
        let parts = usage.partition(&[Some((0, 0)), Some((1, 0)), Some((0, 1))], 2);
        let swept = |part: &Part| named(&usage, usage.hours_in(part));
        let only = |groups: &[&str]| -> Vec<(String, Vec<(String, u64)>)> {
            whole
                .iter()
                .map(|(hour, entries)| {
                    let kept = entries
                        .iter()
                        .filter(|(g, _)| groups.contains(&g.as_str()))
                        .cloned()
                        .collect::<Vec<_>>();
                    (hour.clone(), kept)
                })
                .filter(|(_, entries)| !entries.is_empty())
                .collect()
        };
        assert_eq!(swept(&parts[0]), only(&["a", "c"]));
        assert_eq!(swept(&parts[1]), only(&["b"]));
        // By hand: b is one 20-second run billed 60 s, in the 01:00 hour.
        assert_eq!(
            swept(&parts[1]),
            vec![row("2026-01-01T01:00:00Z", &[("b", 60)])]
        );
        // a: 30 min, 1 h, 1 h, 15 min, then 10 min at 04:10; c: three whole hours from 02:00.
        assert_eq!(
            swept(&parts[0]),
            vec![
                row("2026-01-01T00:00:00Z", &[("a", 1_800)]),
                row("2026-01-01T01:00:00Z", &[("a", 3_600)]),
                row("2026-01-01T02:00:00Z", &[("a", 3_600), ("c", 3_600)]),
                row("2026-01-01T03:00:00Z", &[("a", 900), ("c", 3_600)]),
                row("2026-01-01T04:00:00Z", &[("a", 600), ("c", 3_600)]),
            ]
        );
    }

    #[test]
    fn a_part_sweeps_its_keys_in_the_order_of_their_places() {
        let mut usage = HourlyUsage::default();
        // a (id 0) and c (id 1) in one part, c placed first; b (id 2) in no part.
        for (group, start, end, seconds) in [
            ("a", "2026-01-01T00:00:00Z", "2026-01-01T02:00:00Z", 7_200),
            ("c", "2026-01-01T01:00:00Z", "2026-01-01T01:30:00Z", 1_800),
            ("b", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z", 3_600),
        ] {
            usage.add(&charge(group, start, end, seconds));
        }
        let parts = usage.partition(&[Some((0, 1)), Some((0, 0)), None], 1);
        assert_eq!(parts[0].keys, 0..2);
        let names: Vec<&str> = usage.keys().iter().map(|k| &*k.group).collect();
        assert_eq!(names, ["c", "a", "b"]);
        assert_eq!(
            named(&usage, usage.hours_in(&parts[0])),
            vec![
                row("2026-01-01T00:00:00Z", &[("a", 3_600)]),
                row("2026-01-01T01:00:00Z", &[("c", 1_800), ("a", 3_600)]),
            ]
        );
    }
}
