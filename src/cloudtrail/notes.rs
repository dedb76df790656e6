//! What the conversion assumed or left out, said once each, for standard error.
//!
//! An event log has no room for "this size is a guess", and a silent default would make a
//! plan look surer than its input. So every default is counted by kind, with the instances
//! and groups it touched, and becomes one sentence naming the `simulate` flag that
//! overrides it.

use crate::assumed::{all, Touched};
use crate::clock::Timestamp;

/// How many examples a note quotes before it only counts.
const EXAMPLES: usize = 3;

/// The defaults one launch row took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Assumed {
    pub ebs_size: bool,
    pub ebs_type: bool,
    pub mixed_types: bool,
    pub no_ebs: bool,
    pub os: bool,
    pub public_ip: bool,
    pub template: bool,
    /// Launched before the first record (no RunInstances in the files).
    pub before: bool,
}

/// Everything the notes report.
#[derive(Debug, Default)]
pub struct Tally {
    pub files: usize,
    pub records: usize,
    pub other: usize,
    pub repeated: usize,
    pub failed: Vec<String>,
    pub unchanged: Vec<String>,
    pub rows: usize,
    pub instances: usize,
    pub ebs_size: Touched,
    pub ebs_type: Touched,
    pub mixed_types: Touched,
    pub no_ebs: Touched,
    pub os: Touched,
    pub public_ip: Touched,
    pub template: Touched,
    pub hibernate_as_stop: Touched,
    pub evicted_on_demand: Touched,
    /// Instances first seen without their RunInstances, and the window's start.
    pub before: Touched,
    pub window_start: Option<Timestamp>,
    /// `--type-of` flags whose instance has its RunInstances in the files.
    pub type_not_needed: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The first few examples, and how many more there are.
fn examples(all: &[String]) -> String {
    let shown = all
        .iter()
        .take(EXAMPLES)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    match all.len().saturating_sub(EXAMPLES) {
        0 => shown,
        more => format!("{shown}; and {more} more"),
    }
}

impl Tally {
    /// Counts the defaults of a launch row written for `instance`.
    pub fn launched(&mut self, instance: &str, group: &str, assumed: Assumed) {
        let kinds = [
            (assumed.before, &mut self.before),
            (assumed.ebs_size, &mut self.ebs_size),
            (assumed.ebs_type, &mut self.ebs_type),
            (assumed.mixed_types, &mut self.mixed_types),
            (assumed.no_ebs, &mut self.no_ebs),
            (assumed.os, &mut self.os),
            (assumed.public_ip, &mut self.public_ip),
            (assumed.template, &mut self.template),
        ];
        for (taken, touched) in kinds {
            if taken {
                touched.add(instance, group);
            }
        }
    }

    /// The notes, in the order a reader needs them: what was read, what was left out, then
    /// each default with its override.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = vec![self.summary()];
        if !self.failed.is_empty() {
            notes.push(format!(
                "skipped {} (the record has an errorCode, so the call changed nothing): {}",
                plural(self.failed.len(), "failed call", "failed calls"),
                examples(&self.failed)
            ));
        }
        if !self.unchanged.is_empty() {
            notes.push(format!(
                "left out {} that changed no state the event log can show: {}",
                plural(self.unchanged.len(), "call", "calls"),
                examples(&self.unchanged)
            ));
        }
        for flag in &self.type_not_needed {
            notes.push(flag.clone());
        }
        if !self.before.is_empty() {
            let start = self
                .window_start
                .map_or_else(String::new, |t| format!(" ({t})"));
            notes.push(format!(
                "instances the records name before any RunInstances for them, so launched \
                 before the first record: {}; each is launched at the earliest record's \
                 time{start} if it was running then, or at the StartInstances that starts it if \
                 it was stopped, with the type --type-of gives and default attributes ({})",
                self.before.who(all),
                self.before.groups()
            ));
        }
        self.default_notes(&mut notes);
        notes
    }

    fn summary(&self) -> String {
        let mut skipped = Vec::new();
        if self.other > 0 {
            skipped.push(format!(
                "{} of other services or of EC2 calls that start, stop or end no instance",
                plural(self.other, "record", "records")
            ));
        }
        if !self.failed.is_empty() {
            skipped.push(plural(self.failed.len(), "failed call", "failed calls"));
        }
        if self.repeated > 0 {
            skipped.push(format!(
                "{} already read (same eventID)",
                plural(self.repeated, "record", "records")
            ));
        }
        let tail = match skipped.is_empty() {
            true => String::new(),
            false => format!("; not used: {}", skipped.join(", ")),
        };
        format!(
            "read {} from {}: {} for {}{tail}",
            plural(self.records, "CloudTrail record", "CloudTrail records"),
            plural(self.files, "file", "files"),
            plural(self.rows, "event-log row", "event-log rows"),
            plural(self.instances, "instance", "instances"),
        )
    }

    fn default_notes(&self, notes: &mut Vec<String>) {
        let simulate = "ec2plan simulate --set";
        if !self.ebs_size.is_empty() {
            notes.push(format!(
                "ebs_gb: the records give no size for a volume of {}, a size the AMI or \
                 snapshot decides, so each such volume counts 8 GiB (the root volume of an \
                 instance enabled for hibernation at least its RAM); to price another size, use \
                 `{simulate} GROUP.ebs_gb=N` ({})",
                self.ebs_size.who(all),
                self.ebs_size.groups()
            ));
        }
        if !self.ebs_type.is_empty() {
            notes.push(format!(
                "ebs_type: the records give no root volume type for {}, so gp3 is assumed; \
                 use `{simulate} GROUP.ebs_type=gp2` for another ({})",
                self.ebs_type.who(all),
                self.ebs_type.groups()
            ));
        }
        if !self.mixed_types.is_empty() {
            notes.push(format!(
                "ebs_type: {} {} volumes of more than one type, and an event log has one \
                 volume per instance, so all of them are priced at the root volume's type",
                self.mixed_types.who(all),
                self.mixed_types.verb("has", "have")
            ));
        }
        if !self.no_ebs.is_empty() {
            notes.push(format!(
                "ebs_gb: {} {} an instance-store root and no EBS volume in the records, and an \
                 event log needs one, so each gets 1 GiB",
                self.no_ebs.who(all),
                self.no_ebs.verb("has", "have")
            ));
        }
        if !self.os.is_empty() {
            notes.push(format!(
                "os: {} {} priced as Linux, since a RunInstances response marks Windows \
                 (platform: windows) and nothing tells Linux from RHEL, SUSE or Ubuntu Pro; use \
                 `{simulate} GROUP.os=rhel` for another ({})",
                self.os.who(all),
                self.os.verb("is", "are"),
                self.os.groups()
            ));
        }
        if !self.public_ip.is_empty() {
            notes.push(format!(
                "public_ip: the records do not say whether {} got a public IPv4 address (the \
                 subnet's setting decides), so none is assumed; use `{simulate} \
                 GROUP.public_ip=auto` to price one ({})",
                self.public_ip.who(all),
                self.public_ip.groups()
            ));
        }
        if !self.template.is_empty() {
            notes.push(format!(
                "{} {} launched from a launch template, whose volumes, market and hibernation \
                 settings the records do not show, so the defaults above apply to what the \
                 request itself does not state",
                self.template.who(all),
                self.template.verb("was", "were")
            ));
        }
        if !self.hibernate_as_stop.is_empty() {
            notes.push(format!(
                "StopInstances asked to hibernate {} whose launch did not enable hibernation; \
                 AWS shuts such an instance down normally, so those rows are stop",
                self.hibernate_as_stop.who(all)
            ));
        }
        if !self.evicted_on_demand.is_empty() {
            notes.push(format!(
                "a BidEvictedEvent names {} whose launch was not Spot, so those rows are \
                 terminate, not interrupt",
                self.evicted_on_demand.who(all)
            ));
        }
        if !self.ebs_size.is_empty()
            || !self.ebs_type.is_empty()
            || !self.os.is_empty()
            || !self.public_ip.is_empty()
        {
            notes.push(
                "a --set GROUP.KEY=VALUE override applies to every instance of the group (its \
                 Name tag, else its instance type), and --set KEY=VALUE to every instance"
                    .to_string(),
            );
        }
    }
}
