//! Amounts spread over clock hours: what the hourly charts plot.
//!
//! A line item or a charge covers up to a month of hours (more for a long charge). Adding
//! its share to every hour in turn, through a map, was most of the time `--out` took on a
//! year of a fleet: a monthly line item was 730 map updates and 730 decimal divisions, a
//! year of 20,000 instances 26 s of charts. Here a span adds its first and last hours as
//! they are, and its whole hours between them as one per-hour amount that starts at one
//! hour and stops at another: at most four map updates and three shares, however long the
//! span. The hours are then walked once, in order.

use crate::clock::{Timestamp, SECONDS_PER_HOUR};
use std::collections::BTreeMap;
use std::ops::{Add, Sub};

/// What changes at the start of one hour.
#[derive(Debug, Clone, Copy, Default)]
struct Change<T> {
    /// Added to this hour only: a span's first or last hour, or an amount at an instant.
    own: T,
    /// Added to this hour and every later one: a span's amount per whole hour, which
    /// starts here (or, subtracted, stops here).
    per_hour: T,
    /// Spans covering this hour and every later one (negative where they stop): the hours
    /// some span touches are the ones that have a total.
    spans: i64,
}

/// Per clock hour totals of amounts spread over time.
#[derive(Debug)]
pub struct ByHour<T> {
    /// By the hour's start (Unix seconds).
    changes: BTreeMap<i64, Change<T>>,
}

impl<T> Default for ByHour<T> {
    fn default() -> Self {
        ByHour {
            changes: BTreeMap::new(),
        }
    }
}

impl<T: Copy + Default + Add<Output = T> + Sub<Output = T>> ByHour<T> {
    /// Adds `amount` to the hour that holds `at`.
    pub fn add_at(&mut self, at: Timestamp, amount: T) {
        let hour = at.hour_start().unix();
        let change = self.change(hour);
        change.own = change.own + amount;
        self.cover(hour, hour);
    }

    /// Spreads a span `[start, end)` over the hours it touches: each gets `share(s)`, where
    /// `s` is the span's seconds in that hour. An empty span adds nothing.
    pub fn spread(&mut self, start: Timestamp, end: Timestamp, share: impl Fn(i64) -> T) {
        let (start, end) = (start.unix(), end.unix());
        if end <= start {
            return;
        }
        let first = Timestamp::from_unix(start).hour_start().unix();
        let last = Timestamp::from_unix(end - 1).hour_start().unix();
        let own = share((first + SECONDS_PER_HOUR).min(end) - start);
        let change = self.change(first);
        change.own = change.own + own;
        if last > first {
            let own = share(end - last);
            let change = self.change(last);
            change.own = change.own + own;
        }
        if last > first + SECONDS_PER_HOUR {
            let whole = share(SECONDS_PER_HOUR);
            let change = self.change(first + SECONDS_PER_HOUR);
            change.per_hour = change.per_hour + whole;
            let change = self.change(last);
            change.per_hour = change.per_hour - whole;
        }
        self.cover(first, last);
    }

    /// Every hour a span touched (or an amount was added at), in order, with its total.
    pub fn hours(&self) -> Vec<(i64, T)> {
        let mut out = Vec::new();
        let mut per_hour = T::default();
        let mut spans = 0i64;
        let mut next = None;
        for (&hour, change) in &self.changes {
            // The hours since the previous change, which all total the running amount.
            let mut between = next.unwrap_or(hour);
            while spans > 0 && between < hour {
                out.push((between, per_hour));
                between += SECONDS_PER_HOUR;
            }
            per_hour = per_hour + change.per_hour;
            spans += change.spans;
            if spans > 0 {
                out.push((hour, change.own + per_hour));
            }
            next = Some(hour + SECONDS_PER_HOUR);
        }
        out
    }

    fn change(&mut self, hour: i64) -> &mut Change<T> {
        self.changes.entry(hour).or_default()
    }

    /// Marks the hours from `first` to `last` (starts, inclusive) as touched.
    fn cover(&mut self, first: i64, last: i64) {
        self.change(first).spans += 1;
        self.change(last + SECONDS_PER_HOUR).spans -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    /// 2026-03-02T00:00:00Z.
    const MONDAY: i64 = 1_772_409_600;
    const H: i64 = SECONDS_PER_HOUR;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix(MONDAY + seconds)
    }

    fn seconds_by_hour(spans: &[(i64, i64)]) -> Vec<(i64, i64)> {
        let mut hours = ByHour::default();
        for &(start, end) in spans {
            hours.spread(at(start), at(end), |s| s);
        }
        hours
            .hours()
            .into_iter()
            .map(|(hour, s)| (hour - MONDAY, s))
            .collect()
    }

    #[test]
    fn a_span_gives_each_hour_it_touches_its_seconds_there() {
        // 00:30 to 03:15: 1,800 s, two whole hours, then 900 s.
        let expected = vec![(0, 1_800), (H, H), (2 * H, H), (3 * H, 900)];
        assert_eq!(seconds_by_hour(&[(1_800, 3 * H + 900)]), expected);
        // Within one hour, and exactly one whole hour.
        assert_eq!(seconds_by_hour(&[(60, 120)]), vec![(0, 60)]);
        assert_eq!(seconds_by_hour(&[(H, 2 * H)]), vec![(H, H)]);
        // Two hours exactly: no hour between the first and the last.
        assert_eq!(seconds_by_hour(&[(0, 2 * H)]), vec![(0, H), (H, H)]);
        assert_eq!(seconds_by_hour(&[(10, 10)]), vec![]);
    }

    #[test]
    fn overlapping_and_separate_spans_add_up_and_leave_gaps_out() {
        // 00:00–05:00 and 02:30–03:30; then nothing until 10:00–10:10.
        let spans = [
            (0, 5 * H),
            (2 * H + 1_800, 3 * H + 1_800),
            (10 * H, 10 * H + 600),
        ];
        let expected = vec![
            (0, H),
            (H, H),
            (2 * H, H + 1_800),
            (3 * H, H + 1_800),
            (4 * H, H),
            (10 * H, 600),
        ];
        assert_eq!(seconds_by_hour(&spans), expected);
    }

    #[test]
    fn a_cost_is_shared_by_seconds_and_an_instant_lands_in_its_hour() {
        // $9 over 01:20–04:00 (9,600 s): 2,400 s then two whole hours of 3,600 s.
        let mut hours = ByHour::default();
        let (cost, seconds) = (dec!(9), Decimal::from(9_600));
        hours.spread(at(H + 1_200), at(4 * H), |s| {
            cost * Decimal::from(s) / seconds
        });
        hours.add_at(at(5 * H + 59), dec!(0.5));
        let got: Vec<(i64, Decimal)> = hours
            .hours()
            .into_iter()
            .map(|(h, v)| (h - MONDAY, v))
            .collect();
        let expected = vec![
            (H, dec!(2.25)),
            (2 * H, dec!(3.375)),
            (3 * H, dec!(3.375)),
            (5 * H, dec!(0.5)),
        ];
        assert_eq!(got, expected);
    }
}
