//! Where, within its charge period, an instance's usage ran.
//!
//! A usage export says how many hours an instance ran in each charge period (an hour, in an
//! hourly export), not when within it. A full period ran throughout. A partial one is placed
//! against its neighbours: at the start of its period when the instance was running at that
//! moment (the period before ended running: the run goes on and stops within this period),
//! otherwise at the end (the run began within this period and goes on into the next, or, alone,
//! at least touches the next period's start). So runs that cover whole hours come back
//! exactly, every period keeps its seconds of usage, and only the second within the hour at
//! which an instance started or stopped is a guess. docs/plan-from-what-ran.md says what this
//! changes in a price.

use crate::clock::{Seconds, Timestamp};

/// A charge period of one instance and the seconds it ran in it (at most its length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Timestamp,
    pub end: Timestamp,
    pub seconds: u64,
}

impl Period {
    fn length(&self) -> u64 {
        self.end.since(self.start).0
    }
}

/// The runs of an instance: intervals it ran, in order, none touching another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Runs {
    pub runs: Vec<(Timestamp, Timestamp)>,
    /// Periods whose usage was less than their length, so placed by the rule above.
    pub placed: u64,
}

/// Places the usage of `periods` (in time order, none overlapping another) into runs.
pub fn place(periods: &[Period]) -> Runs {
    let mut out = Runs::default();
    let mut running_until: Option<Timestamp> = None;
    for period in periods {
        let length = period.length();
        let used = period.seconds.min(length);
        if used == 0 {
            continue;
        }
        let (start, end) = if used == length {
            (period.start, period.end)
        } else {
            out.placed += 1;
            if running_until == Some(period.start) {
                (period.start, period.start.plus(Seconds(used)))
            } else {
                (
                    Timestamp::from_unix(period.end.unix() - used as i64),
                    period.end,
                )
            }
        };
        match out.runs.last_mut() {
            Some(last) if last.1 == start => last.1 = end,
            _ => out.runs.push((start, end)),
        }
        running_until = Some(end);
    }
    out
}

/// The seconds `runs` spend within `[start, end)`.
pub fn running_within(runs: &[(Timestamp, Timestamp)], start: Timestamp, end: Timestamp) -> u64 {
    runs.iter()
        .map(|&(a, b)| {
            let (from, to) = (a.max(start), b.min(end));
            if to > from {
                to.since(from).0
            } else {
                0
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;

    fn t(seconds: i64) -> Timestamp {
        Timestamp::from_unix(seconds)
    }

    fn hour(n: i64, seconds: u64) -> Period {
        Period {
            start: t(n * H),
            end: t((n + 1) * H),
            seconds,
        }
    }

    #[test]
    fn whole_hours_come_back_exactly() {
        let runs = place(&[hour(8, 3600), hour(9, 3600), hour(11, 3600)]);
        assert_eq!(
            runs.runs,
            vec![(t(8 * H), t(10 * H)), (t(11 * H), t(12 * H))]
        );
        assert_eq!(runs.placed, 0);
    }

    #[test]
    fn partial_hours_sit_against_their_neighbours() {
        // Began within hour 8 (placed at its end), ran through 9, stopped within 10 (placed
        // at its start): one run of 30 + 60 + 15 minutes.
        let runs = place(&[hour(8, 1800), hour(9, 3600), hour(10, 900)]);
        assert_eq!(runs.runs, vec![(t(8 * H + 1800), t(10 * H + 900))]);
        assert_eq!(runs.placed, 2);
        // Stopped and started again within hour 9: the usage goes first (the run goes on),
        // then the gap, then hour 10 from its start.
        let runs = place(&[hour(8, 3600), hour(9, 2400), hour(10, 3600)]);
        assert_eq!(
            runs.runs,
            vec![(t(8 * H), t(9 * H + 2400)), (t(10 * H), t(11 * H))]
        );
        // A run inside one hour alone: at the end of the hour.
        let runs = place(&[hour(8, 60)]);
        assert_eq!(runs.runs, vec![(t(9 * H - 60), t(9 * H))]);
    }

    #[test]
    fn exact_short_periods_are_taken_as_they_are() {
        // ec2plan's own line items cut a run at its own start: 08:30 to 09:00 ran throughout.
        let runs = place(&[
            Period {
                start: t(8 * H + 1800),
                end: t(9 * H),
                seconds: 1800,
            },
            hour(9, 3600),
        ]);
        assert_eq!(runs.runs, vec![(t(8 * H + 1800), t(10 * H))]);
        assert_eq!(runs.placed, 0);
        assert_eq!(running_within(&runs.runs, t(8 * H), t(9 * H)), 1800);
    }
}
