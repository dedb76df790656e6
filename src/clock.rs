//! Clock: UTC timestamps, whole-second durations and calendar months.
//!
//! Owns the one place where text becomes time: RFC 3339 timestamps with an explicit offset,
//! and durations such as `90`, `90s`, `2m`, `1h`. Billing needs calendar months (EBS is
//! prorated over the days of the month the seconds fall in) and clock hours (reservations),
//! so both are computed here with plain integer arithmetic on seconds since the Unix epoch.
//! Knows nothing of instances or money.

use std::fmt;

pub const SECONDS_PER_MINUTE: i64 = 60;
pub const SECONDS_PER_HOUR: i64 = 3_600;
pub const SECONDS_PER_DAY: i64 = 86_400;

/// The longest replay ec2plan accepts: reservation coverage, hourly fees, line items and a
/// schedule's repeated rows all work hour by hour or day by day through the span, so a
/// stray year in a timestamp (1981 for 2081) is refused at once rather than left to run for
/// a minute in hundreds of megabytes. Ten years is three times the longest Reserved
/// Instance term; AWS's own calculator plans three.
pub const MAX_SPAN_YEARS: u64 = 10;
pub const MAX_SPAN: Seconds = Seconds(MAX_SPAN_YEARS * 366 * 86_400);

/// The earliest and latest years a timestamp may have: RFC 3339 years have four digits,
/// and nothing in EC2's history predates 2006, so 1970 is a generous floor.
const MIN_YEAR: i64 = 1970;
const MAX_YEAR: i64 = 9999;

/// The latest time ec2plan reads or writes: 9999-12-31T23:59:59Z, the last second a
/// four-digit UTC year can write. A time with an offset that falls after it in UTC
/// (`9999-12-31T23:00:00-10:00`) is refused, since every output writes UTC.
pub const LATEST: Timestamp = Timestamp(253_402_300_799);

/// A point in time: whole seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// A length of time in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Seconds(pub u64);

/// Why a text is not an RFC 3339 timestamp ec2plan accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("{:?} is not an RFC 3339 time like 2025-01-06T08:00:00Z", crate::location::excerpt(.0))]
    Malformed(String),
    #[error("{:?} has no UTC offset; write Z or an offset such as +02:00", crate::location::excerpt(.0))]
    NoOffset(String),
    #[error(
        "{:?} is in the ISO 8601 basic format; write the RFC 3339 form with dashes and colons, like 2026-03-02T00:00:00Z",
        crate::location::excerpt(.0)
    )]
    BasicFormat(String),
    #[error(
        "{:?} has no seconds; write them, like 2026-03-02T00:00:00Z",
        crate::location::excerpt(.0)
    )]
    NoSeconds(String),
    #[error("{:?} is not a real date", crate::location::excerpt(.0))]
    ImpossibleDate(String),
    #[error("{:?} is not a real time of day", crate::location::excerpt(.0))]
    ImpossibleTime(String),
    #[error("{:?} has fractional seconds; ec2plan bills whole seconds, so write whole seconds", crate::location::excerpt(.0))]
    FractionalSeconds(String),
    #[error("{:?} is outside the years {MIN_YEAR} to {MAX_YEAR}", crate::location::excerpt(.0))]
    OutOfRange(String),
    #[error("{:?} is after {LATEST} in UTC, the latest time ec2plan handles", crate::location::excerpt(.0))]
    AfterLatest(String),
}

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{:?} is not a duration: write whole seconds with an optional unit, like 90, 90s, 2m or 1h",
    crate::location::excerpt(.0)
)]
pub struct DurationError(String);

impl Timestamp {
    pub fn from_unix(seconds: i64) -> Timestamp {
        Timestamp(seconds)
    }

    pub fn unix(self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 (`2025-01-06T08:00:00Z`, `2025-01-06T09:00:00+01:00`).
    pub fn parse(text: &str) -> Result<Timestamp, TimeError> {
        let bytes = text.as_bytes();
        let malformed = || TimeError::Malformed(text.to_string());
        if bytes.len() >= 9 && digits_at(bytes, 0, 8).is_some() && matches!(bytes[8], b'T' | b't') {
            return Err(TimeError::BasicFormat(text.to_string()));
        }
        if bytes.len() >= 16
            && parse_date(bytes).is_some()
            && matches!(bytes[10], b'T' | b't' | b' ')
            && digits_at(bytes, 11, 2).is_some()
            && bytes[13] == b':'
            && digits_at(bytes, 14, 2).is_some()
            && bytes.get(16) != Some(&b':')
        {
            return Err(TimeError::NoSeconds(text.to_string()));
        }
        if bytes.len() < 19 {
            return Err(if bytes.len() >= 10 && digits_at(bytes, 0, 4).is_some() {
                TimeError::NoOffset(text.to_string())
            } else {
                malformed()
            });
        }
        let date = parse_date(bytes).ok_or_else(malformed)?;
        if !matches!(bytes[10], b'T' | b't' | b' ') {
            return Err(malformed());
        }
        let (hour, minute, second) = parse_clock(bytes).ok_or_else(malformed)?;
        let rest = skip_fraction(text, &bytes[19..])?;
        let offset = parse_offset(text, rest)?;
        let (year, month, day) = date;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(TimeError::OutOfRange(text.to_string()));
        }
        if month == 0 || month > 12 || day == 0 || day > days_in_month(year, month) {
            return Err(TimeError::ImpossibleDate(text.to_string()));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(TimeError::ImpossibleTime(text.to_string()));
        }
        let days = days_from_civil(year, month, day);
        let local = days * SECONDS_PER_DAY + hour * SECONDS_PER_HOUR + minute * 60 + second;
        let utc = Timestamp(local - offset);
        if utc > LATEST {
            return Err(TimeError::AfterLatest(text.to_string()));
        }
        Ok(utc)
    }

    /// A time given on the command line (`--until`, `--start`): RFC 3339 as in a scenario,
    /// or a bare date (`2026-03-31`) meaning the start of that day, 00:00:00 UTC. People
    /// say "until March 31st" with a date; a scenario's rows keep the strict form, since a
    /// row's time of day matters and a missing one is more likely a mistake.
    pub fn parse_date_or_time(text: &str) -> Result<Timestamp, TimeError> {
        let bytes = text.as_bytes();
        let Some((year, month, day)) = parse_date(bytes).filter(|_| bytes.len() == 10) else {
            return Timestamp::parse(text);
        };
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(TimeError::OutOfRange(text.to_string()));
        }
        if month == 0 || month > 12 || day == 0 || day > days_in_month(year, month) {
            return Err(TimeError::ImpossibleDate(text.to_string()));
        }
        Ok(Timestamp(
            days_from_civil(year, month, day) * SECONDS_PER_DAY,
        ))
    }

    /// Adds a duration, saturating at the far future (no timestamp comes near it).
    pub fn plus(self, duration: Seconds) -> Timestamp {
        let add = i64::try_from(duration.0).unwrap_or(i64::MAX);
        Timestamp(self.0.saturating_add(add))
    }

    /// Whole seconds from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Seconds {
        Seconds(u64::try_from(self.0.saturating_sub(earlier.0)).unwrap_or(0))
    }

    /// The start of the calendar month (UTC) this second falls in.
    pub fn month_start(self) -> Timestamp {
        let (year, month, _) = civil_from_days(self.0.div_euclid(SECONDS_PER_DAY));
        Timestamp(days_from_civil(year, month, 1) * SECONDS_PER_DAY)
    }

    /// The start of the next calendar month (UTC).
    pub fn next_month_start(self) -> Timestamp {
        let (year, month, _) = civil_from_days(self.0.div_euclid(SECONDS_PER_DAY));
        let (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        Timestamp(days_from_civil(year, month, 1) * SECONDS_PER_DAY)
    }

    /// The start of the clock hour this second falls in.
    pub fn hour_start(self) -> Timestamp {
        Timestamp(self.0 - self.0.rem_euclid(SECONDS_PER_HOUR))
    }

    /// `YYYY-MM`, the month label reports use.
    pub fn month_label(self) -> String {
        let (year, month, _) = civil_from_days(self.0.div_euclid(SECONDS_PER_DAY));
        format!("{year:04}-{month:02}")
    }
}

impl Timestamp {
    /// `YYYY-MM-DDTHH:MM:SSZ` as bytes, for a year from 0 to 9999 (every time a file can
    /// hold). Written digit by digit: the formatting machinery took a fifth of the time of
    /// writing millions of line items, four times a row.
    fn rfc3339(self) -> Option<[u8; 20]> {
        let days = self.0.div_euclid(SECONDS_PER_DAY);
        let secs = self.0.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let year = u32::try_from(year).ok().filter(|y| *y <= 9_999)?;
        let (hour, minute, second) = (
            secs / SECONDS_PER_HOUR,
            secs % SECONDS_PER_HOUR / 60,
            secs % 60,
        );
        let mut out = *b"0000-00-00T00:00:00Z";
        let digits = |out: &mut [u8], value: u32| {
            let mut value = value;
            for slot in out.iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        digits(&mut out[0..4], year);
        digits(&mut out[5..7], month);
        digits(&mut out[8..10], day);
        for (range, value) in [(11..13, hour), (14..16, minute), (17..19, second)] {
            digits(&mut out[range], value as u32);
        }
        Some(out)
    }
}

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DDTHH:MM:SSZ`, the UTC form FOCUS and every report use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = self.rfc3339() {
            // Only ASCII digits and separators were written.
            return f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?);
        }
        let days = self.0.div_euclid(SECONDS_PER_DAY);
        let secs = self.0.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            secs / SECONDS_PER_HOUR,
            secs % SECONDS_PER_HOUR / 60,
            secs % 60
        )
    }
}

impl Seconds {
    /// Parses `90`, `90s`, `2m`, `1h` (whole numbers only).
    pub fn parse(text: &str) -> Result<Seconds, DurationError> {
        let error = || DurationError(text.to_string());
        let trimmed = text.trim();
        let (number, unit) = match trimmed.char_indices().last() {
            Some((i, 's')) => (&trimmed[..i], 1),
            Some((i, 'm')) => (&trimmed[..i], 60),
            Some((i, 'h')) => (&trimmed[..i], 3_600),
            Some(_) => (trimmed, 1),
            None => return Err(error()),
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error());
        }
        let value: u64 = number.parse().map_err(|_| error())?;
        value.checked_mul(unit).map(Seconds).ok_or_else(error)
    }
}

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.0)
    }
}

/// A charge period: how finely line items are cut (FOCUS `ChargePeriodStart/End`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Period {
    Hourly,
    Daily,
    Monthly,
}

impl Period {
    /// The start of the period `t` falls in.
    pub fn start_of(self, t: Timestamp) -> Timestamp {
        match self {
            Period::Hourly => t.hour_start(),
            Period::Daily => Timestamp(t.0 - t.0.rem_euclid(SECONDS_PER_DAY)),
            Period::Monthly => t.month_start(),
        }
    }

    /// The start of the period after the one `t` falls in.
    pub fn next_after(self, t: Timestamp) -> Timestamp {
        match self {
            Period::Hourly => Timestamp(t.hour_start().0 + SECONDS_PER_HOUR),
            Period::Daily => Timestamp(self.start_of(t).0 + SECONDS_PER_DAY),
            Period::Monthly => t.next_month_start(),
        }
    }

    /// Splits `[start, end)` at period boundaries (never across a month).
    pub fn split(self, start: Timestamp, end: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let mut pieces = Vec::new();
        let mut cursor = start;
        while cursor < end {
            let next = self.next_after(cursor).min(end);
            pieces.push((cursor, next));
            cursor = next;
        }
        pieces
    }
}

/// Splits `[start, end)` at calendar-month boundaries: `(month_start, seconds_in_span,
/// seconds_in_that_month)` for each month touched.
pub fn split_by_month(start: Timestamp, end: Timestamp) -> Vec<(Timestamp, Seconds, Seconds)> {
    let mut pieces = Vec::new();
    let mut cursor = start;
    while cursor < end {
        let month = cursor.month_start();
        let next = cursor.next_month_start();
        let piece_end = if end < next { end } else { next };
        pieces.push((month, piece_end.since(cursor), next.since(month)));
        cursor = piece_end;
    }
    pieces
}

fn digits_at(bytes: &[u8], at: usize, len: usize) -> Option<i64> {
    let slice = bytes.get(at..at + len)?;
    slice.iter().try_fold(0i64, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

// Inlined into `Timestamp::parse`, which runs on every row: with a second caller
// (`parse_date_or_time`) the compiler would otherwise call it, a measurable cost per row.
#[inline(always)]
fn parse_date(bytes: &[u8]) -> Option<(i64, u32, u32)> {
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let year = digits_at(bytes, 0, 4)?;
    let month = u32::try_from(digits_at(bytes, 5, 2)?).ok()?;
    let day = u32::try_from(digits_at(bytes, 8, 2)?).ok()?;
    Some((year, month, day))
}

fn parse_clock(bytes: &[u8]) -> Option<(i64, i64, i64)> {
    if bytes.get(13) != Some(&b':') || bytes.get(16) != Some(&b':') {
        return None;
    }
    Some((
        digits_at(bytes, 11, 2)?,
        digits_at(bytes, 14, 2)?,
        digits_at(bytes, 17, 2)?,
    ))
}

/// Skips `.000`; refuses a non-zero fraction, which per-second billing cannot honour.
fn skip_fraction<'a>(text: &str, rest: &'a [u8]) -> Result<&'a [u8], TimeError> {
    if rest.first() != Some(&b'.') {
        return Ok(rest);
    }
    let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return Err(TimeError::Malformed(text.to_string()));
    }
    if rest[1..=digits].iter().any(|&b| b != b'0') {
        return Err(TimeError::FractionalSeconds(text.to_string()));
    }
    Ok(&rest[1 + digits..])
}

/// The offset in seconds east of UTC.
fn parse_offset(text: &str, rest: &[u8]) -> Result<i64, TimeError> {
    match rest {
        [] => Err(TimeError::NoOffset(text.to_string())),
        [b'Z' | b'z'] => Ok(0),
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let hours = digits_at(rest, 1, 2);
            let minutes = digits_at(rest, 4, 2);
            match (hours, minutes) {
                (Some(h), Some(m)) if h <= 23 && m <= 59 => {
                    let offset = h * SECONDS_PER_HOUR + m * 60;
                    Ok(if *sign == b'-' { -offset } else { offset })
                }
                _ => Err(TimeError::Malformed(text.to_string())),
            }
        }
        _ => Err(TimeError::Malformed(text.to_string())),
    }
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn a_date_on_the_command_line_is_the_start_of_that_day_in_utc() {
        // 1970-01-01 to 2026-01-01: 56 years, 14 of them leap (1972 to 2024), so 20,454
        // days; then 31 (January) + 28 (February) + 30 days of March: day 20,543.
        assert_eq!(
            Timestamp::parse_date_or_time("2026-03-31"),
            Ok(Timestamp::from_unix(20_543 * 86_400))
        );
        assert_eq!(
            Timestamp::parse_date_or_time("2026-03-31"),
            Ok(ts("2026-03-31T00:00:00Z"))
        );
        assert_eq!(
            Timestamp::parse_date_or_time("2026-03-31T06:00:00+02:00"),
            Ok(ts("2026-03-31T04:00:00Z"))
        );
        assert_eq!(
            Timestamp::parse_date_or_time("2026-02-29"),
            Err(TimeError::ImpossibleDate("2026-02-29".into()))
        );
        assert_eq!(
            Timestamp::parse_date_or_time("2026-03-31T00:00:00"),
            Err(TimeError::NoOffset("2026-03-31T00:00:00".into()))
        );
        // A scenario row still needs the time and offset.
        assert_eq!(
            Timestamp::parse("2026-03-31"),
            Err(TimeError::NoOffset("2026-03-31".into()))
        );
    }

    #[test]
    fn parses_utc_and_offsets_to_the_same_instant() {
        // 2025-01-06 is 20,094 days after 1970-01-01; 08:00 adds 28,800 s.
        assert_eq!(ts("2025-01-06T08:00:00Z").unix(), 20_094 * 86_400 + 28_800);
        assert_eq!(ts("2025-01-06T09:00:00+01:00"), ts("2025-01-06T08:00:00Z"));
        assert_eq!(ts("2025-01-06T03:30:00-04:30"), ts("2025-01-06T08:00:00Z"));
        assert_eq!(ts("2025-01-06 08:00:00.000Z"), ts("2025-01-06T08:00:00Z"));
    }

    #[test]
    fn displays_every_four_digit_year_digit_by_digit_and_others_in_full() {
        let shown = |unix: i64| Timestamp::from_unix(unix).to_string();
        assert_eq!(shown(0), "1970-01-01T00:00:00Z");
        // 2026-03-02 is 20,514 days after 1970-01-01; then 13:05:09.
        assert_eq!(
            shown(20_514 * 86_400 + 13 * 3_600 + 5 * 60 + 9),
            "2026-03-02T13:05:09Z"
        );
        // Year 0 starts 719,528 days before 1970 (146,097 per 400 years: 4.925 cycles).
        assert_eq!(shown(-719_528 * 86_400), "0000-01-01T00:00:00Z");
        // 2,932,897 days from 1970 to 10000-01-01; a second before it, and at it.
        assert_eq!(shown(2_932_897 * 86_400 - 1), "9999-12-31T23:59:59Z");
        assert_eq!(shown(2_932_897 * 86_400), "10000-01-01T00:00:00Z");
    }

    #[test]
    fn displays_as_utc_with_z() {
        assert_eq!(
            ts("2024-02-29T23:59:59+00:00").to_string(),
            "2024-02-29T23:59:59Z"
        );
        assert_eq!(
            ts("2025-01-01T01:00:00+02:00").to_string(),
            "2024-12-31T23:00:00Z"
        );
    }

    #[test]
    fn refuses_what_is_not_rfc_3339_with_an_offset() {
        let err = |t: &str| Timestamp::parse(t).unwrap_err().to_string();
        assert_eq!(
            err("2025-01-06T08:00:00"),
            "\"2025-01-06T08:00:00\" has no UTC offset; write Z or an offset such as +02:00"
        );
        assert_eq!(
            err("2025-01-06"),
            "\"2025-01-06\" has no UTC offset; write Z or an offset such as +02:00"
        );
        assert_eq!(
            err("yesterday"),
            "\"yesterday\" is not an RFC 3339 time like 2025-01-06T08:00:00Z"
        );
        assert_eq!(
            err("2025-02-29T00:00:00Z"),
            "\"2025-02-29T00:00:00Z\" is not a real date"
        );
        assert_eq!(
            err("2025-01-06T24:00:00Z"),
            "\"2025-01-06T24:00:00Z\" is not a real time of day"
        );
        assert_eq!(
            err("2025-01-06T08:00:00.5Z"),
            "\"2025-01-06T08:00:00.5Z\" has fractional seconds; ec2plan bills whole seconds, so write whole seconds"
        );
        assert_eq!(
            err("0999-01-01T00:00:00Z"),
            "\"0999-01-01T00:00:00Z\" is outside the years 1970 to 9999"
        );
        assert!(Timestamp::parse("2025-01-06T08:00:00+0100").is_err());
        assert!(Timestamp::parse("2025-01-06T08:00:00Zjunk").is_err());
    }

    #[test]
    fn february_of_a_leap_year_has_29_days() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }

    #[test]
    fn round_trips_every_day_for_a_few_centuries() {
        for days in (0..(400 * 366)).step_by(17) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn splits_a_span_at_month_boundaries() {
        // Jan 31 12:00 → Feb 1 06:00: 43,200 s of a 31-day January, 21,600 s of a 28-day February.
        let pieces = split_by_month(ts("2025-01-31T12:00:00Z"), ts("2025-02-01T06:00:00Z"));
        assert_eq!(
            pieces,
            vec![
                (
                    ts("2025-01-01T00:00:00Z"),
                    Seconds(43_200),
                    Seconds(31 * 86_400)
                ),
                (
                    ts("2025-02-01T00:00:00Z"),
                    Seconds(21_600),
                    Seconds(28 * 86_400)
                ),
            ]
        );
    }

    #[test]
    fn december_rolls_over_into_the_next_year() {
        assert_eq!(
            ts("2025-12-15T00:00:00Z").next_month_start(),
            ts("2026-01-01T00:00:00Z")
        );
        assert_eq!(ts("2025-12-15T00:00:00Z").month_label(), "2025-12");
    }

    #[test]
    fn periods_split_at_their_boundaries() {
        let pieces = Period::Daily.split(ts("2026-03-01T20:00:00Z"), ts("2026-03-03T02:00:00Z"));
        assert_eq!(
            pieces,
            vec![
                (ts("2026-03-01T20:00:00Z"), ts("2026-03-02T00:00:00Z")),
                (ts("2026-03-02T00:00:00Z"), ts("2026-03-03T00:00:00Z")),
                (ts("2026-03-03T00:00:00Z"), ts("2026-03-03T02:00:00Z")),
            ]
        );
        assert_eq!(
            Period::Monthly
                .split(ts("2026-02-27T00:00:00Z"), ts("2026-03-01T00:00:00Z"))
                .len(),
            1
        );
        assert_eq!(
            Period::Hourly
                .split(ts("2026-03-01T00:30:00Z"), ts("2026-03-01T02:00:00Z"))
                .len(),
            2
        );
    }

    #[test]
    fn hour_start_truncates_to_the_clock_hour() {
        assert_eq!(
            ts("2025-01-06T08:59:59Z").hour_start(),
            ts("2025-01-06T08:00:00Z")
        );
    }

    #[test]
    fn durations_take_an_optional_unit() {
        assert_eq!(Seconds::parse("90").unwrap(), Seconds(90));
        assert_eq!(Seconds::parse("90s").unwrap(), Seconds(90));
        assert_eq!(Seconds::parse("2m").unwrap(), Seconds(120));
        assert_eq!(Seconds::parse("1h").unwrap(), Seconds(3_600));
        assert_eq!(
            Seconds::parse("-5").unwrap_err().to_string(),
            "\"-5\" is not a duration: write whole seconds with an optional unit, like 90, 90s, 2m or 1h"
        );
        assert!(Seconds::parse("1.5h").is_err());
        assert!(Seconds::parse("h").is_err());
        assert!(Seconds::parse("").is_err());
        assert!(Seconds::parse("99999999999999999999h").is_err());
    }
}
