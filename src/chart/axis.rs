//! Axes: UTC date ticks from unix seconds, value ranges, and labels for USD and counts.
//!
//! Dates are formatted here from the civil calendar (no date library): ticks fall on whole
//! hours, UTC midnights, Mondays or first days of months, so labels read as a person would
//! write them.

use std::ops::Range;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// At most this many date labels fit along the x axis without touching.
const MAX_TIME_TICKS: usize = 10;

/// The x axis of a time chart: its range, where the labels go and how they read.
pub(super) struct TimeAxis {
    pub range: Range<i64>,
    pub ticks: Vec<i64>,
    /// What the ticks are: seconds, minutes and hours, days and weeks, or months.
    pub unit: Unit,
}

/// How fine the ticks of a time axis are, which says how their labels read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    /// Under a minute apart: `HH:MM:SS`.
    Seconds,
    /// Minutes or hours apart: `MM-DD HH:MM`.
    Clock,
    /// Days or weeks apart: `YYYY-MM-DD`.
    Days,
    /// Months apart: `YYYY-MM`.
    Months,
}

impl TimeAxis {
    /// The axis for data from `first` to `last` (unix seconds): ticks as fine as fit, so a
    /// burst of minutes reads in minutes, a week in days and a year in months.
    pub fn new(first: i64, last: i64) -> TimeAxis {
        let (first, last) = if last > first {
            (first, last)
        } else {
            (first.saturating_sub(HOUR), first.saturating_add(HOUR))
        };
        let picked = TICK_STEPS
            .iter()
            .map(|step| (step, step.ticks(first, last)))
            .find(|(_, ticks)| ticks.len() <= MAX_TIME_TICKS && ticks.len() >= 2);
        let (ticks, unit) = match picked {
            Some((step, ticks)) => (ticks, step.unit()),
            None => (even_ticks(first, last), Unit::Days),
        };
        TimeAxis {
            range: first..last,
            ticks,
            unit,
        }
    }

    /// The label for tick `t`.
    pub fn label(&self, t: i64) -> String {
        let (year, month, day, hour, minute) = civil(t);
        match self.unit {
            Unit::Seconds => {
                let second = t.rem_euclid(60);
                format!("{hour:02}:{minute:02}:{second:02}")
            }
            Unit::Clock => format!("{month:02}-{day:02} {hour:02}:{minute:02}"),
            Unit::Days => format!("{year:04}-{month:02}-{day:02}"),
            Unit::Months => format!("{year:04}-{month:02}"),
        }
    }

    /// The axis description: time of day for short spans, dates or months for long ones.
    pub fn desc(&self) -> String {
        let (year, month, day, ..) = civil(self.range.start);
        match self.unit {
            Unit::Seconds => format!("time (UTC) on {year:04}-{month:02}-{day:02}"),
            Unit::Clock => "time (UTC)".to_string(),
            Unit::Days => "date (UTC)".to_string(),
            Unit::Months => "month (UTC)".to_string(),
        }
    }
}

/// A candidate spacing of date ticks, smallest first.
enum Step {
    /// Every `n` seconds, counted from the unix epoch (so from UTC midnight).
    Seconds(i64),
    /// Every Monday at 00:00 UTC.
    Weeks(i64),
    /// The first of every `n`th month, counted from January.
    Months(u32),
}

const TICK_STEPS: [Step; 29] = [
    Step::Seconds(1),
    Step::Seconds(2),
    Step::Seconds(5),
    Step::Seconds(10),
    Step::Seconds(15),
    Step::Seconds(30),
    Step::Seconds(60),
    Step::Seconds(2 * 60),
    Step::Seconds(5 * 60),
    Step::Seconds(10 * 60),
    Step::Seconds(15 * 60),
    Step::Seconds(30 * 60),
    Step::Seconds(HOUR),
    Step::Seconds(2 * HOUR),
    Step::Seconds(3 * HOUR),
    Step::Seconds(4 * HOUR),
    Step::Seconds(6 * HOUR),
    Step::Seconds(12 * HOUR),
    Step::Seconds(DAY),
    Step::Seconds(2 * DAY),
    Step::Weeks(1),
    Step::Weeks(2),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Months(12),
    Step::Months(24),
    Step::Months(60),
];

impl Step {
    fn unit(&self) -> Unit {
        match self {
            Step::Seconds(n) if *n < 60 => Unit::Seconds,
            Step::Seconds(n) if *n < DAY => Unit::Clock,
            Step::Seconds(_) | Step::Weeks(_) => Unit::Days,
            Step::Months(_) => Unit::Months,
        }
    }

    /// Ticks inside `first..=last`; stops early once there are more than fit, so a huge
    /// span costs nothing.
    fn ticks(&self, first: i64, last: i64) -> Vec<i64> {
        let mut ticks = Vec::new();
        let mut t = self.first_at_or_after(first);
        while t <= last && ticks.len() <= MAX_TIME_TICKS {
            ticks.push(t);
            match self.next(t) {
                Some(next) if next > t => t = next,
                _ => break,
            }
        }
        ticks
    }

    fn first_at_or_after(&self, t: i64) -> i64 {
        match self {
            Step::Seconds(n) => ceil_to(t, *n, 0),
            // 1970-01-05 was a Monday.
            Step::Weeks(n) => ceil_to(t, n.saturating_mul(7 * DAY), 4 * DAY),
            Step::Months(n) => {
                let (year, month, day, hour, minute) = civil(t);
                let on_start = day == 1 && hour == 0 && minute == 0 && t.rem_euclid(60) == 0;
                let mut index = year.saturating_mul(12) + i64::from(month - 1);
                if !on_start {
                    index = index.saturating_add(1);
                }
                let step = i64::from(*n);
                let aligned = index.saturating_add((step - index.rem_euclid(step)) % step);
                month_start(aligned)
            }
        }
    }

    fn next(&self, t: i64) -> Option<i64> {
        match self {
            Step::Seconds(n) => t.checked_add(*n),
            Step::Weeks(n) => t.checked_add(n.checked_mul(7 * DAY)?),
            Step::Months(n) => {
                let (year, month, ..) = civil(t);
                let index = year.checked_mul(12)? + i64::from(month - 1);
                Some(month_start(index.checked_add(i64::from(*n))?))
            }
        }
    }
}

/// Eight evenly spaced ticks, for spans beyond every calendar step.
fn even_ticks(first: i64, last: i64) -> Vec<i64> {
    let (a, b) = (first as f64, last as f64);
    (0..8)
        .map(|i| (a + (b - a) * f64::from(i) / 7.0) as i64)
        .collect()
}

/// The smallest `offset + k * step` at or after `t`.
fn ceil_to(t: i64, step: i64, offset: i64) -> i64 {
    if step <= 0 {
        return t;
    }
    let rem = t.saturating_sub(offset).rem_euclid(step);
    if rem == 0 {
        t
    } else {
        t.saturating_add(step - rem)
    }
}

/// Unix seconds of 00:00 UTC on the first of the month `index` = year × 12 + month − 1.
fn month_start(index: i64) -> i64 {
    let year = index.div_euclid(12);
    let month = index.rem_euclid(12) as u32 + 1;
    days_from_civil(year, month, 1).saturating_mul(DAY)
}

/// (year, month, day, hour, minute) in UTC of unix seconds `t`.
pub(super) fn civil(t: i64) -> (i64, u32, u32, u32, u32) {
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    (
        year,
        month,
        day,
        (secs / HOUR) as u32,
        ((secs % HOUR) / 60) as u32,
    )
}

/// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count since
/// 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Howard Hinnant's `days_from_civil`, the inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A value range that shows `low..high` with some air, always including zero when
/// `from_zero`, and never empty.
pub(super) fn value_range(low: f64, high: f64, from_zero: bool) -> Range<f64> {
    if !(low.is_finite() && high.is_finite()) {
        return 0.0..1.0;
    }
    let (mut low, mut high) = (low.min(high), high.max(low));
    if from_zero {
        low = low.min(0.0);
        high = high.max(0.0);
    }
    let pad = if high - low > 1e-9 {
        (high - low) * 0.08
    } else if high.abs() > 1e-9 {
        high.abs() * 0.1
    } else {
        1.0
    };
    let bottom = if from_zero && low >= 0.0 {
        low
    } else {
        low - pad
    };
    bottom..(high + pad)
}

/// Decimals that tell apart the ticks plotters picks for a range of this width.
pub(super) fn decimals_for(range: &Range<f64>) -> usize {
    let step = (range.end - range.start).abs() / 10.0;
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (-step.log10().floor()).clamp(0.0, 4.0) as usize
}

/// `$1,234.50`-style label with `decimals` digits after the point.
pub(super) fn usd(value: f64, decimals: usize) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}${}", grouped(value.abs(), decimals))
}

/// A plain number with thousands separators.
pub(super) fn number(value: f64, decimals: usize) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}{}", grouped(value.abs(), decimals))
}

fn grouped(value: f64, decimals: usize) -> String {
    crate::money::grouped_digits(&format!("{value:.decimals$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip_around_leap_days() {
        // 2024-02-29 is day 19,782 since 1970-01-01 (54 years, 13 leap days: 54×365+13+59).
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for days in [-800_000, -1, 0, 59, 60, 10_957, 19_782, 20_514, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn a_week_gets_daily_ticks_at_utc_midnight() {
        // 2026-03-02T00:00:00Z = 1_772_409_600; a week later is 1_773_014_400.
        let axis = TimeAxis::new(1_772_409_600, 1_773_014_400);
        assert_eq!(axis.unit, Unit::Days);
        assert_eq!(axis.ticks.len(), 8);
        assert_eq!(axis.label(axis.ticks[0]), "2026-03-02");
        assert_eq!(axis.label(axis.ticks[7]), "2026-03-09");
    }

    #[test]
    fn a_day_gets_hour_labels() {
        // 2026-03-02T00:00Z to 2026-03-02T10:00Z: hourly would be 11 ticks, so every 2 h.
        let axis = TimeAxis::new(1_772_409_600, 1_772_409_600 + 10 * HOUR);
        assert_eq!(axis.unit, Unit::Clock);
        assert_eq!(axis.ticks.len(), 6);
        assert_eq!(axis.label(axis.ticks[1]), "03-02 02:00");
    }

    #[test]
    fn a_year_gets_monthly_or_coarser_ticks_on_the_first() {
        // 2026-01-15 to 2027-01-15.
        let axis = TimeAxis::new(1_768_435_200, 1_768_435_200 + 365 * DAY);
        assert!(axis.ticks.len() <= MAX_TIME_TICKS);
        assert!(axis.ticks.iter().all(|t| civil(*t).2 == 1));
        assert_eq!(axis.unit, Unit::Months);
        assert_eq!(axis.label(axis.ticks[0]), "2026-03");
        assert_eq!(axis.desc(), "month (UTC)");
    }

    #[test]
    fn a_burst_of_half_an_hour_gets_minute_labels() {
        // 2026-03-03T02:00Z to 02:30Z: every 5 minutes.
        let start = 1_772_409_600 + DAY + 2 * HOUR;
        let axis = TimeAxis::new(start, start + 1_800);
        assert_eq!(axis.unit, Unit::Clock);
        assert_eq!(axis.ticks.len(), 7);
        assert_eq!(axis.label(axis.ticks[1]), "03-03 02:05");
        // Two minutes: every 15 seconds, the day in the description.
        let axis = TimeAxis::new(start, start + 120);
        assert_eq!(axis.unit, Unit::Seconds);
        assert_eq!(axis.label(axis.ticks[1]), "02:00:15");
        assert_eq!(axis.desc(), "time (UTC) on 2026-03-03");
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let axis = TimeAxis::new(i64::MIN / 2, i64::MAX / 2);
        assert!(!axis.ticks.is_empty());
        let single = TimeAxis::new(0, 0);
        assert!(single.range.start < single.range.end);
    }

    #[test]
    fn money_labels_group_thousands() {
        assert_eq!(usd(1234.5, 2), "$1,234.50");
        assert_eq!(usd(-61.03, 2), "-$61.03");
        assert_eq!(usd(1_000_000.0, 0), "$1,000,000");
        assert_eq!(number(12.0, 0), "12");
    }
}
