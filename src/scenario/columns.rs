//! The event log's columns and the header that maps them.

use crate::location::{closest_names, did_you_mean};

/// Every column the event-log format defines (DESIGN.md, "Event log").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl Col {
    pub const ALL: [Col; 13] = [
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

    /// Attribute columns: read on launch rows; elsewhere they must be empty or unchanged.
    pub const ATTRIBUTES: [Col; 10] = [
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
        }
    }

    fn required(self) -> bool {
        matches!(self, Col::Time | Col::Instance | Col::Action)
    }
}

/// Where each column sits in the file (None: absent, so its default applies).
#[derive(Debug, Clone)]
pub struct Header {
    positions: [Option<usize>; 13],
}

impl Header {
    /// Maps a header row; the error is a sentence about the header line.
    pub fn parse<'a>(
        names: impl Iterator<Item = &'a str>,
    ) -> Result<Header, (Option<usize>, String)> {
        let mut positions = [None; 13];
        for (index, raw) in names.enumerate() {
            let name = raw.trim();
            if name == "desired" {
                let problem = "this is a desired-capacity schedule (it has a \"desired\" column); \
                               ec2plan simulate reads event logs with an \"action\" column for now";
                return Err((Some(index), problem.to_string()));
            }
            let Some(col) = Col::ALL.into_iter().find(|c| c.name() == name) else {
                let hint = did_you_mean(&closest_names(name, Col::ALL.map(Col::name)));
                return Err((Some(index), format!("unknown column {name:?}{hint}")));
            };
            let slot = &mut positions[col as usize];
            if slot.is_some() {
                return Err((Some(index), format!("column {name:?} appears twice")));
            }
            *slot = Some(index);
        }
        if let Some(missing) = Col::ALL
            .into_iter()
            .find(|c| c.required() && positions[*c as usize].is_none())
        {
            let problem = format!(
                "the header has no {:?} column; an event log needs time, instance and action",
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
