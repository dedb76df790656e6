//! EBS volume types and the sizes AWS allows for each.

use std::fmt;

/// An EBS volume type ec2plan prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VolumeType {
    Gp2,
    Gp3,
    Io1,
    Io2,
    St1,
    Sc1,
    /// Previous-generation magnetic volumes, still sold and still priced.
    Standard,
}

impl VolumeType {
    pub const ALL: [VolumeType; 7] = [
        VolumeType::Gp2,
        VolumeType::Gp3,
        VolumeType::Io1,
        VolumeType::Io2,
        VolumeType::St1,
        VolumeType::Sc1,
        VolumeType::Standard,
    ];

    pub fn name(self) -> &'static str {
        match self {
            VolumeType::Gp2 => "gp2",
            VolumeType::Gp3 => "gp3",
            VolumeType::Io1 => "io1",
            VolumeType::Io2 => "io2",
            VolumeType::St1 => "st1",
            VolumeType::Sc1 => "sc1",
            VolumeType::Standard => "standard",
        }
    }

    pub fn parse(text: &str) -> Option<VolumeType> {
        VolumeType::ALL.into_iter().find(|v| v.name() == text)
    }

    /// The smallest and largest size in GiB AWS lets you create
    /// (EBS User Guide, "Amazon EBS volume types": gp2/gp3 1–16,384; io1 4–16,384;
    /// io2 Block Express 4–65,536; st1/sc1 125–16,384; magnetic 1–1,024).
    pub fn size_limits(self) -> (u64, u64) {
        match self {
            VolumeType::Gp2 | VolumeType::Gp3 => (1, 16_384),
            VolumeType::Io1 => (4, 16_384),
            VolumeType::Io2 => (4, 65_536),
            VolumeType::St1 | VolumeType::Sc1 => (125, 16_384),
            VolumeType::Standard => (1, 1_024),
        }
    }
}

impl fmt::Display for VolumeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
