//! Amounts spread over time in buckets as fine as the events allow: what the charts over
//! time plot.
//!
//! A line item or a charge covers a span of seconds (up to a month, more for a long charge).
//! Adding its share to every bucket in turn, through a map, was most of the time `--out` took
//! on a year of a fleet, so a span adds its first and last buckets as they are, and its whole
//! buckets between them as one per-bucket amount that starts at one bucket and stops at
//! another: at most four map updates and three shares, however long the span.
//!
//! Buckets start one second wide, so a chart can show a job at the second it starts and
//! stops. Memory is bounded all the same: once more than [`MAX_KEYS`] buckets have changes,
//! the buckets are merged into the next coarser width of [`WIDTHS`] (each width divides the
//! next, so a merge moves no amount out of its time), until few enough are left. Reading
//! walks the buckets once, in order, at a width the caller picks (a multiple of the one held).

use crate::clock::Timestamp;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Bucket widths in seconds, finest first; each divides the next, and the day divides any
/// multiple of it used beyond the list.
pub const WIDTHS: [i64; 13] = [
    1, 5, 10, 30, 60, 300, 600, 1_800, 3_600, 10_800, 21_600, 43_200, 86_400,
];

/// Buckets with changes held before they are merged into a coarser width (a few MB).
pub const MAX_KEYS: usize = 20_000;

/// An amount that buckets can hold: added, subtracted and multiplied by a count of buckets.
///
/// Each operation saturates: the buckets are only drawn, and an amount past the type's
/// range (never met: prices and fleets are far below it) must not stop the run.
pub trait Amount: Copy + Default + PartialEq {
    fn plus(self, other: Self) -> Self;
    fn minus(self, other: Self) -> Self;
    fn times(self, n: i64) -> Self;
}

impl Amount for i64 {
    fn plus(self, other: i64) -> i64 {
        self.saturating_add(other)
    }

    fn minus(self, other: i64) -> i64 {
        self.saturating_sub(other)
    }

    fn times(self, n: i64) -> i64 {
        self.saturating_mul(n)
    }
}

impl Amount for Decimal {
    fn plus(self, other: Decimal) -> Decimal {
        self.saturating_add(other)
    }

    fn minus(self, other: Decimal) -> Decimal {
        self.saturating_sub(other)
    }

    fn times(self, n: i64) -> Decimal {
        self.saturating_mul(Decimal::from(n))
    }
}

/// `amount × part / whole` (`whole` above zero) for a chart: only drawn, so a product past
/// the decimal range (never met: prices and fleets are far below it) saturates instead of
/// stopping the run.
pub fn share(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal {
    amount
        .saturating_mul(part)
        .checked_div(whole)
        .unwrap_or(Decimal::ZERO)
}

/// What changes at the start of one bucket.
#[derive(Debug, Clone, Copy, Default)]
struct Change<T> {
    /// Added to this bucket only: a span's first or last bucket, or an amount at an instant.
    own: T,
    /// Added to this bucket and every later one: a span's amount per whole bucket, which
    /// starts here (or, subtracted, stops here).
    per_bucket: T,
}

/// Totals of amounts spread over time, by bucket.
#[derive(Debug, Clone)]
pub struct ByTime<T> {
    /// Seconds per bucket: one of [`WIDTHS`] or a multiple of a day.
    width: i64,
    /// By the bucket's index: its start is `index × width` Unix seconds.
    changes: BTreeMap<i64, Change<T>>,
}

impl<T> Default for ByTime<T> {
    fn default() -> Self {
        ByTime {
            width: 1,
            changes: BTreeMap::new(),
        }
    }
}

/// The coarsest of `widths` and the finest width at which `[from, to)` takes at most
/// `max_buckets` buckets: a width every one of `widths` divides.
pub fn width_for(from: i64, to: i64, max_buckets: i64, widths: &[i64]) -> i64 {
    let held = widths.iter().copied().max().unwrap_or(1).max(1);
    let span = to.saturating_sub(from).max(1);
    let fits = |w: i64| w >= held && span / w < max_buckets.max(1);
    if let Some(w) = WIDTHS.iter().copied().find(|w| fits(*w)) {
        return w;
    }
    let day = 86_400;
    let days = (span / max_buckets.max(1) / day + 1).max(1);
    let w = days.saturating_mul(day);
    if w % held == 0 {
        w
    } else {
        w.saturating_mul(held)
    }
}

impl<T: Amount> ByTime<T> {
    /// Seconds per bucket held now.
    pub fn width(&self) -> i64 {
        self.width
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Adds `amount` to the bucket that holds `at`.
    pub fn add_at(&mut self, at: Timestamp, amount: T) {
        let bucket = at.unix().div_euclid(self.width);
        let change = self.change(bucket);
        change.own = change.own.plus(amount);
        self.bound();
    }

    /// Spreads a span `[start, end)` over the buckets it touches: each gets `share(s)`, where
    /// `s` is the span's seconds in that bucket. An empty span adds nothing.
    pub fn spread(&mut self, start: Timestamp, end: Timestamp, share: impl Fn(i64) -> T) {
        let (start, end) = (start.unix(), end.unix());
        if end <= start {
            return;
        }
        let w = self.width;
        let first = start.div_euclid(w);
        let last = (end - 1).div_euclid(w);
        let own = share(((first + 1) * w).min(end) - start);
        let change = self.change(first);
        change.own = change.own.plus(own);
        if last > first {
            let own = share(end - last * w);
            let change = self.change(last);
            change.own = change.own.plus(own);
        }
        if last > first + 1 {
            let whole = share(w);
            let change = self.change(first + 1);
            change.per_bucket = change.per_bucket.plus(whole);
            let change = self.change(last);
            change.per_bucket = change.per_bucket.minus(whole);
        }
        self.bound();
    }

    /// The totals of the buckets of `width` seconds (a multiple of [`ByTime::width`]) from the
    /// one holding `from` up to the one holding `to - 1`, every bucket, empty ones as zero.
    /// `None` if `width` is not a multiple of the width held.
    pub fn series(&self, from: i64, to: i64, width: i64) -> Option<Vec<T>> {
        if width <= 0 || width % self.width != 0 {
            return None;
        }
        let coarse;
        let held = if width == self.width {
            self
        } else {
            let mut copy = self.clone();
            copy.coarsen(width / self.width);
            coarse = copy;
            &coarse
        };
        let first = from.div_euclid(width);
        let last = (to.max(from + 1) - 1).div_euclid(width);
        let mut per_bucket = T::default();
        for change in held.changes.range(..first).map(|(_, c)| c) {
            per_bucket = per_bucket.plus(change.per_bucket);
        }
        let mut changes = held.changes.range(first..=last).peekable();
        let mut out = Vec::with_capacity(usize::try_from(last - first + 1).unwrap_or(0));
        for bucket in first..=last {
            let mut own = T::default();
            if let Some((_, change)) = changes.next_if(|(b, _)| **b == bucket) {
                per_bucket = per_bucket.plus(change.per_bucket);
                own = change.own;
            }
            out.push(own.plus(per_bucket));
        }
        Some(out)
    }

    fn change(&mut self, bucket: i64) -> &mut Change<T> {
        self.changes.entry(bucket).or_default()
    }

    /// Merges buckets into coarser widths while too many hold changes.
    fn bound(&mut self) {
        if self.changes.len() <= MAX_KEYS {
            return;
        }
        while self.changes.len() > MAX_KEYS / 2 {
            let next = WIDTHS
                .iter()
                .copied()
                .find(|w| *w > self.width)
                .unwrap_or(self.width.saturating_mul(2));
            self.coarsen(next / self.width);
        }
    }

    /// Merges every `m` buckets into one. A per-bucket amount that starts inside a merged
    /// bucket counts there for its buckets left in it, and whole from the next one on.
    fn coarsen(&mut self, m: i64) {
        if m <= 1 {
            return;
        }
        let mut merged: BTreeMap<i64, Change<T>> = BTreeMap::new();
        for (bucket, change) in std::mem::take(&mut self.changes) {
            let (j, offset) = (bucket.div_euclid(m), bucket.rem_euclid(m));
            let slot = merged.entry(j).or_default();
            slot.own = slot.own.plus(change.own);
            if change.per_bucket == T::default() {
                continue;
            }
            if offset == 0 {
                slot.per_bucket = slot.per_bucket.plus(change.per_bucket.times(m));
            } else {
                slot.own = slot.own.plus(change.per_bucket.times(m - offset));
                let next = merged.entry(j + 1).or_default();
                next.per_bucket = next.per_bucket.plus(change.per_bucket.times(m));
            }
        }
        self.changes = merged;
        self.width = self.width.saturating_mul(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// 2026-03-02T00:00:00Z.
    const MONDAY: i64 = 1_772_409_600;
    const H: i64 = 3_600;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix(MONDAY + seconds)
    }

    fn seconds_by_hour(spans: &[(i64, i64)], hours: i64) -> Vec<i64> {
        let mut by = ByTime::default();
        for &(start, end) in spans {
            by.spread(at(start), at(end), |s| s);
        }
        by.series(MONDAY, MONDAY + hours * H, H).unwrap_or_default()
    }

    #[test]
    fn a_span_gives_each_bucket_it_touches_its_seconds_there() {
        // 00:30 to 03:15: 1,800 s, two whole hours, then 900 s.
        assert_eq!(
            seconds_by_hour(&[(1_800, 3 * H + 900)], 5),
            vec![1_800, H, H, 900, 0]
        );
        assert_eq!(seconds_by_hour(&[(60, 120)], 2), vec![60, 0]);
        assert_eq!(seconds_by_hour(&[(H, 2 * H)], 3), vec![0, H, 0]);
        assert_eq!(seconds_by_hour(&[(0, 2 * H)], 2), vec![H, H]);
        assert_eq!(seconds_by_hour(&[(10, 10)], 1), vec![0]);
    }

    #[test]
    fn gaps_read_as_zero_at_any_width() {
        // 00:00–05:00 and 02:30–03:30; then nothing until 10:00–10:10.
        let spans = [
            (0, 5 * H),
            (2 * H + 1_800, 3 * H + 1_800),
            (10 * H, 10 * H + 600),
        ];
        let mut expected = vec![H, H, H + 1_800, H + 1_800, H, 0, 0, 0, 0, 0, 600, 0];
        assert_eq!(seconds_by_hour(&spans, 12), expected);
        // Per 30 minutes, the second half of 02:00 and the first of 03:00 hold both spans.
        let mut by = ByTime::default();
        for (s, e) in spans {
            by.spread(at(s), at(e), |s| s);
        }
        let halves = by.series(MONDAY, MONDAY + 6 * H, 1_800).unwrap_or_default();
        assert_eq!(halves[4..8], [1_800, 3_600, 3_600, 1_800]);
        expected.truncate(6);
        assert_eq!(by.series(MONDAY, MONDAY + 6 * H, H), Some(expected));
        assert_eq!(by.series(MONDAY, MONDAY + H, 0), None);
    }

    #[test]
    fn a_cost_is_shared_by_seconds_and_an_instant_lands_in_its_bucket() {
        // $9 over 01:20–04:00 (9,600 s): 2,400 s then two whole hours of 3,600 s.
        let mut by = ByTime::default();
        let (cost, seconds) = (dec!(9), Decimal::from(9_600));
        by.spread(at(H + 1_200), at(4 * H), |s| {
            cost * Decimal::from(s) / seconds
        });
        by.add_at(at(5 * H + 59), dec!(0.5));
        let got = by.series(MONDAY, MONDAY + 6 * H, H).unwrap_or_default();
        let expected = vec![
            dec!(0),
            dec!(2.25),
            dec!(3.375),
            dec!(3.375),
            dec!(0),
            dec!(0.5),
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn too_many_buckets_merge_into_coarser_ones_without_moving_amounts() {
        // A span starting at every odd minute for two weeks: far more than MAX_KEYS seconds
        // with changes, so the width grows; totals per day stay exact.
        let mut by = ByTime::default();
        let minutes = 14 * 24 * 60;
        for m in (1..minutes).step_by(2) {
            by.spread(at(m * 60 + 7), at(m * 60 + 67), |s| s);
        }
        assert!(by.width() > 1);
        let days = by
            .series(MONDAY, MONDAY + 15 * 24 * H, 86_400)
            .unwrap_or_default();
        assert_eq!(days.iter().sum::<i64>(), (minutes / 2) * 60);
        assert!(
            days[..14].iter().all(|d| (d - 720 * 60).abs() <= 60),
            "{days:?}"
        );
    }

    #[test]
    fn widths_fit_the_span_and_divide_each_other() {
        for pair in WIDTHS.windows(2) {
            assert_eq!(pair[1] % pair[0], 0);
        }
        // Half an hour at a second; a week at five minutes; a year at an hour.
        assert_eq!(width_for(0, 1_800, 10_000, &[1]), 1);
        assert_eq!(width_for(0, 7 * 86_400, 10_000, &[1]), 300);
        assert_eq!(width_for(0, 365 * 86_400, 10_000, &[1, 60]), 3_600);
        assert_eq!(width_for(0, 1_800, 10_000, &[600]), 600);
        assert_eq!(width_for(0, 100 * 365 * 86_400, 10_000, &[1]) % 86_400, 0);
    }

    #[test]
    fn amounts_past_the_decimal_range_saturate_instead_of_stopping_the_run() {
        let mut by: ByTime<Decimal> = ByTime::default();
        by.add_at(at(0), Decimal::MAX);
        by.add_at(at(10), Decimal::MAX);
        by.spread(at(0), at(2 * H), |_| Decimal::MAX);
        let got = by.series(MONDAY, MONDAY + 2 * H, H).unwrap_or_default();
        assert_eq!(got, vec![Decimal::MAX, Decimal::MAX]);
    }

    #[test]
    fn a_share_is_exact_and_saturates_past_the_decimal_range() {
        use rust_decimal_macros::dec;
        // $10 shared by 1 hour of 4: $2.50, as `10 × 1 / 4`.
        assert_eq!(share(dec!(10), dec!(1), dec!(4)), dec!(2.5));
        // MAX × 3 is past the range: the product saturates at MAX, then divides (a
        // plain `*` panicked).
        assert_eq!(
            share(Decimal::MAX, dec!(3), dec!(3)),
            Decimal::MAX / dec!(3)
        );
    }
}
