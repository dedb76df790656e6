//! The billing-period rules, as pure functions.

use crate::clock::SECONDS_PER_HOUR;
use crate::pricing::BillingUnit;

/// The minimum billed each time an instance enters running (docs/billing-rules.md §2).
pub const MINIMUM_SECONDS: u64 = 60;

/// Seconds billed for one run (from entering running to leaving the billed states) that
/// lasted `seconds`: at least 60 s per-second, every started hour in full per-hour.
pub fn billed_run_seconds(unit: BillingUnit, seconds: u64) -> u64 {
    let hour = SECONDS_PER_HOUR.unsigned_abs();
    match unit {
        BillingUnit::PerSecond => seconds.max(MINIMUM_SECONDS),
        BillingUnit::PerHour => seconds.div_ceil(hour).max(1).saturating_mul(hour),
    }
}

/// Seconds billed for a Spot run that AWS interrupted (docs/billing-rules.md §6, "Amazon EC2
/// interrupts"): nothing when interrupted in its first hour; after that the seconds used
/// (per-second platforms) or the full hours used without the interrupted partial hour
/// (per-hour platforms).
pub fn billed_interrupted_seconds(unit: BillingUnit, seconds: u64) -> u64 {
    let hour = SECONDS_PER_HOUR.unsigned_abs();
    if seconds < hour {
        return 0;
    }
    match unit {
        BillingUnit::PerSecond => seconds,
        BillingUnit::PerHour => seconds / hour * hour,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thirty_second_run_is_billed_sixty_seconds() {
        assert_eq!(billed_run_seconds(BillingUnit::PerSecond, 30), 60);
    }

    #[test]
    fn a_run_longer_than_a_minute_is_billed_to_the_second() {
        // start 01:00:00, terminate 02:30:00 → 5,400 s.
        assert_eq!(billed_run_seconds(BillingUnit::PerSecond, 5_400), 5_400);
        assert_eq!(billed_run_seconds(BillingUnit::PerSecond, 61), 61);
    }

    #[test]
    fn an_interruption_in_the_first_hour_is_not_charged() {
        assert_eq!(billed_interrupted_seconds(BillingUnit::PerSecond, 3_599), 0);
        assert_eq!(billed_interrupted_seconds(BillingUnit::PerHour, 1_800), 0);
    }

    #[test]
    fn an_interruption_after_the_first_hour_charges_what_was_used() {
        // Per second: 5,400 s used → 5,400 s. Per hour: 1.5 h → 1 full hour; the
        // interrupted partial hour is free.
        assert_eq!(
            billed_interrupted_seconds(BillingUnit::PerSecond, 5_400),
            5_400
        );
        assert_eq!(
            billed_interrupted_seconds(BillingUnit::PerHour, 5_400),
            3_600
        );
    }

    #[test]
    fn an_hourly_platform_bills_every_started_hour() {
        // 5,400 s = 1.5 h → 2 h = 7,200 s; 1 s → 1 h; exactly 1 h → 1 h.
        assert_eq!(billed_run_seconds(BillingUnit::PerHour, 5_400), 7_200);
        assert_eq!(billed_run_seconds(BillingUnit::PerHour, 1), 3_600);
        assert_eq!(billed_run_seconds(BillingUnit::PerHour, 3_600), 3_600);
        assert_eq!(billed_run_seconds(BillingUnit::PerHour, 0), 3_600);
    }
}
