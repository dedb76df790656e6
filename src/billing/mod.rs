//! Billing: the meter that turns lifecycle spans into charges (in every strategy's market
//! at once), and the book and ledger that sum them.
//!
//! Owns the billing rules of docs/billing-rules.md: per-second instance usage with a 60-second
//! minimum each time an instance enters running (§2), whole started hours for the operating
//! systems AWS bills hourly, hibernation billed while stopping (§3), EBS per GB-month
//! prorated per second over the calendar month (§4), public IPv4 per hour prorated per
//! second (§5). It reads prices from the catalog and states from the lifecycle; it does not
//! know how a report looks.

mod book;
mod ledger;
mod meter;
mod rules;
mod usage;

pub use book::Book;
pub use ledger::{Ledger, Totals};
pub use meter::{Charge, ChargeKind, MarketOf, Meter, Pricing};
pub use rules::{billed_interrupted_seconds, billed_run_seconds};
pub use usage::{HourlyUsage, Part, UsageKey};
