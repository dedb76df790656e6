//! The columns of both scenario kinds and the header that maps them.

use crate::location::{closest_names, did_you_mean};

/// Every column a scenario can have (docs/scenario-format.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    Time,
    Instance,
    Action,
    InstanceType,
    Region,
    Os,
    EbsGb,
    EbsType,
    Root,
    PublicIp,
    Interruptible,
    Hibernation,
    Group,
    Desired,
    ScaleIn,
    Repeat,
}

/// Which kind of scenario a header describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One row per action on one instance (has `action`).
    EventLog,
    /// One row per change of a group's desired capacity (has `desired`).
    Schedule,
}

impl Kind {
    /// The columns this kind allows.
    fn columns(self) -> &'static [Col] {
        match self {
            Kind::EventLog => &Col::EVENT_LOG,
            Kind::Schedule => &Col::SCHEDULE,
        }
    }

    fn required(self) -> [Col; 3] {
        match self {
            Kind::EventLog => [Col::Time, Col::Instance, Col::Action],
            Kind::Schedule => [Col::Time, Col::Group, Col::Desired],
        }
    }

    /// The kind a header names: `action` makes an event log, `desired` a schedule.
    pub fn of_header<'a>(names: impl Iterator<Item = &'a str>) -> Option<Kind> {
        let mut kind = None;
        for name in names {
            match name.trim() {
                "action" => return Some(Kind::EventLog),
                "desired" => kind = Some(Kind::Schedule),
                _ => {}
            }
        }
        kind
    }
}

impl Col {
    const EVENT_LOG: [Col; 13] = [
        Col::Time,
        Col::Instance,
        Col::Action,
        Col::InstanceType,
        Col::Region,
        Col::Os,
        Col::EbsGb,
        Col::EbsType,
        Col::Root,
        Col::PublicIp,
        Col::Interruptible,
        Col::Hibernation,
        Col::Group,
    ];

    const SCHEDULE: [Col; 14] = [
        Col::Time,
        Col::Group,
        Col::Desired,
        Col::InstanceType,
        Col::Region,
        Col::Os,
        Col::EbsGb,
        Col::EbsType,
        Col::Root,
        Col::PublicIp,
        Col::Interruptible,
        Col::Hibernation,
        Col::ScaleIn,
        Col::Repeat,
    ];

    /// Attribute columns of a launch: read on launch rows (event log) or inherited by a
    /// group (schedule); `--set` can override each of them.
    pub const ATTRIBUTES: [Col; 9] = [
        Col::InstanceType,
        Col::Region,
        Col::Os,
        Col::EbsGb,
        Col::EbsType,
        Col::Root,
        Col::PublicIp,
        Col::Interruptible,
        Col::Hibernation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Col::Time => "time",
            Col::Instance => "instance",
            Col::Action => "action",
            Col::InstanceType => "instance_type",
            Col::Region => "region",
            Col::Os => "os",
            Col::EbsGb => "ebs_gb",
            Col::EbsType => "ebs_type",
            Col::Root => "root",
            Col::PublicIp => "public_ip",
            Col::Interruptible => "interruptible",
            Col::Hibernation => "hibernation",
            Col::Group => "group",
            Col::Desired => "desired",
            Col::ScaleIn => "scale_in",
            Col::Repeat => "repeat",
        }
    }
}

/// Where each column sits in the file (None: absent, so its default applies).
#[derive(Debug, Clone)]
pub struct Header {
    positions: [Option<usize>; 16],
}

impl Header {
    /// Maps a header row of the given kind; the error is a sentence about the header line.
    pub fn parse<'a>(
        kind: Kind,
        names: impl Iterator<Item = &'a str>,
    ) -> Result<Header, (Option<usize>, String)> {
        let mut positions = [None; 16];
        let allowed = kind.columns();
        for (index, raw) in names.enumerate() {
            let name = raw.trim();
            let Some(col) = allowed.iter().copied().find(|c| c.name() == name) else {
                let hint = did_you_mean(&closest_names(name, allowed.iter().map(|c| c.name())));
                return Err((
                    Some(index),
                    format!(
                        "unknown column {name:?}{hint}",
                        name = crate::location::excerpt(&name)
                    ),
                ));
            };
            let slot = &mut positions[col as usize];
            if slot.is_some() {
                return Err((
                    Some(index),
                    format!(
                        "column {name:?} appears twice",
                        name = crate::location::excerpt(&name)
                    ),
                ));
            }
            *slot = Some(index);
        }
        if let Some(missing) = kind
            .required()
            .into_iter()
            .find(|c| positions[*c as usize].is_none())
        {
            let [a, b, c] = kind.required().map(Col::name);
            let what = match kind {
                Kind::EventLog => "an event log",
                Kind::Schedule => "a desired-capacity schedule",
            };
            let problem = format!(
                "the header has no {:?} column; {what} needs {a}, {b} and {c}",
                missing.name()
            );
            return Err((None, problem));
        }
        Ok(Header { positions })
    }

    pub fn position(&self, col: Col) -> Option<usize> {
        self.positions[col as usize]
    }
}
