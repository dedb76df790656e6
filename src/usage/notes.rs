//! What the rebuild read, left out and assumed, said once each, for standard error.
//!
//! A usage export answers "how much, per hour" and not "what exactly": which volume belongs to
//! which instance, the minute within an hour an instance started. A rebuilt log that hid its
//! guesses would make a plan look surer than its input, so every default and every left-out
//! row is counted and becomes one sentence, with the flag that changes it.

use crate::assumed::Touched;
use crate::clock::Timestamp;
use crate::location::listing;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// How many examples a note quotes before it only counts.
const EXAMPLES: usize = 3;

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Names, the first few of them and how many more.
fn some(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(EXAMPLES).map(String::as_str).collect();
    match names.len().saturating_sub(EXAMPLES) {
        0 => shown.join(", "),
        more => format!("{}, and {more} more", shown.join(", ")),
    }
}

/// Everything the notes report.
#[derive(Debug, Default)]
pub struct Tally {
    pub files: usize,
    pub formats: BTreeSet<&'static str>,
    pub rows: u64,
    pub used: u64,
    pub not_usage: u64,
    pub corrections: u64,
    pub other_strategies: u64,
    pub other_usage: u64,
    pub other_storage: u64,
    pub no_resource: u64,
    pub dedicated: BTreeSet<String>,
    /// Charge periods whose usage was placed within them.
    pub placed: u64,
    /// Charge periods whose usage added up to more than their length.
    pub over: u64,
    pub unattached_volumes: BTreeSet<String>,
    pub unattached_gb_months: Decimal,
    pub unattached_addresses: BTreeSet<String>,
    pub no_volume: Touched,
    pub mixed_volumes: Touched,
    pub no_operation: Touched,
    /// `instance (RunInstances:0006, priced as windows)`.
    pub nearest_os: Vec<String>,
    pub unknown_operation: Vec<String>,
    pub retyped: Vec<String>,
    pub before_launch: Vec<String>,
    pub at_end: Touched,
    pub end: Option<Timestamp>,
    pub attach_unused: Vec<String>,
    pub events: u64,
    pub instances: u64,
}

impl Tally {
    /// The notes, in the order a reader needs them: what was read, what was left out, then
    /// what was assumed.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = vec![self.summary()];
        if self.placed > 0 {
            notes.push(format!(
                "{} of instance usage ran for less than the whole period, so the second it \
                 started or stopped within it is not in the export: each is placed against its \
                 neighbours (docs/plan-from-what-ran.md), keeping its seconds of usage",
                plural(self.placed, "charge period", "charge periods")
            ));
        }
        if self.over > 0 {
            notes.push(format!(
                "{} of one instance added up to more usage than the period is long (is a file \
                 given twice?); each counts as running throughout",
                plural(self.over, "charge period", "charge periods")
            ));
        }
        if !self.dedicated.is_empty() {
            let names: Vec<String> = self.dedicated.iter().cloned().collect();
            notes.push(format!(
                "left out the Dedicated Instance or Dedicated Host usage of {} ({}): an event \
                 log prices shared tenancy only",
                plural(names.len() as u64, "resource", "resources"),
                some(&names)
            ));
        }
        if !self.unattached_volumes.is_empty() {
            let names: Vec<String> = self.unattached_volumes.iter().cloned().collect();
            notes.push(format!(
                "left out {} ({}; {} GB-months in all): the export does not say which instance \
                 a volume is attached to; give it with --attach VOLUME=INSTANCE",
                plural(names.len() as u64, "EBS volume", "EBS volumes"),
                some(&names),
                self.unattached_gb_months.round_dp(4).normalize()
            ));
        }
        if !self.unattached_addresses.is_empty() {
            let names: Vec<String> = self.unattached_addresses.iter().cloned().collect();
            notes.push(format!(
                "left out {} ({}): the export does not say which instance holds it; give it \
                 with --attach ADDRESS=INSTANCE",
                plural(
                    names.len() as u64,
                    "public IPv4 address",
                    "public IPv4 addresses"
                ),
                some(&names)
            ));
        }
        for flag in &self.attach_unused {
            notes.push(flag.clone());
        }
        if !self.retyped.is_empty() {
            notes.push(format!(
                "{} ran as more than one instance type, operating system or market: each \
                 becomes one instance per type, named ID (TYPE) after the first, and its volume \
                 and address stay with the first: {}",
                plural(self.retyped.len() as u64, "instance", "instances"),
                some(&self.retyped)
            ));
        }
        if !self.before_launch.is_empty() {
            notes.push(format!(
                "volume or address usage before an instance's first hour of running is left \
                 out (an event log starts a volume at its instance's launch): {}",
                some(&self.before_launch)
            ));
        }
        if !self.at_end.is_empty() {
            let end = self.end.map_or_else(String::new, |t| format!(" ({t})"));
            let (had, each) = match self.at_end.len() {
                1 => ("had", "it is"),
                _ => ("had", "each is"),
            };
            notes.push(format!(
                "{} still {had} usage in the export's last period, so {each} terminated at the \
                 export's end{end}, where the replay stops anyway",
                self.at_end.who(some)
            ));
        }
        self.default_notes(&mut notes);
        notes
    }

    fn default_notes(&self, notes: &mut Vec<String>) {
        if !self.no_volume.is_empty() {
            notes.push(format!(
                "ebs_gb: no EBS volume usage is attached to {}, so each gets the event log's \
                 default 8 GiB gp3 volume; attach a volume's rows with --attach VOLUME=INSTANCE, \
                 or price another size with `ec2plan simulate --set GROUP.ebs_gb=N` ({})",
                self.no_volume.who(some),
                self.no_volume.groups()
            ));
        }
        if !self.mixed_volumes.is_empty() {
            notes.push(format!(
                "ebs_type: {} have volumes of more than one type; an event log has one volume \
                 per instance, so their sizes add up at the type of the largest ({})",
                self.mixed_volumes.who(some),
                self.mixed_volumes.groups()
            ));
        }
        if !self.no_operation.is_empty() {
            notes.push(format!(
                "os: the rows of {} give no operation (x_Operation, line_item_operation), which \
                 names the operating system, so each runs linux; to price another, use \
                 `ec2plan simulate --set GROUP.os=windows` ({})",
                self.no_operation.who(some),
                self.no_operation.groups()
            ));
        }
        if !self.nearest_os.is_empty() {
            notes.push(format!(
                "os: the catalog does not price SQL Server licences, BYOL or RHEL add-ons, so \
                 these are priced as their base system: {}",
                some(&self.nearest_os)
            ));
        }
        if !self.unknown_operation.is_empty() {
            notes.push(format!(
                "os: operations ec2plan does not know run linux: {}",
                some(&self.unknown_operation)
            ));
        }
    }

    fn summary(&self) -> String {
        let mut skipped = Vec::new();
        let mut count = |n: u64, what: &str| {
            if n > 0 {
                skipped.push(format!("{n} {what}"));
            }
        };
        count(
            self.not_usage,
            "of other charges (not usage: fees, credits, tax)",
        );
        count(self.corrections, "of corrections");
        count(
            self.other_strategies,
            "of other strategies (ec2plan's line items: On-Demand's are read)",
        );
        count(
            self.other_usage,
            "of other usage (data transfer, other services)",
        );
        count(
            self.other_storage,
            "of snapshots or provisioned EBS performance",
        );
        count(self.no_resource, "without a resource id");
        let tail = match skipped.is_empty() {
            true => String::new(),
            false => format!("; not used: {}", skipped.join(", ")),
        };
        let formats: Vec<&str> = self.formats.iter().copied().collect();
        format!(
            "read {} of {} from {}: {} for {}{tail}",
            plural(self.rows, "row", "rows"),
            listing(&formats),
            plural(self.files as u64, "file", "files"),
            plural(self.events, "event-log row", "event-log rows"),
            plural(self.instances, "instance", "instances"),
        )
    }
}
