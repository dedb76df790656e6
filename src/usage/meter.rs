//! What a usage row measures, read from AWS's billing codes.
//!
//! AWS names every kind of usage with a usage type (`x_UsageType` in its FOCUS export,
//! `line_item_usage_type` in CUR 2.0): a Region prefix (`USE2-`, none for us-east-1), then a
//! code such as `BoxUsage:m5.large` (On-Demand instance hours), `SpotUsage:m5.large` (Spot),
//! `EBS:VolumeUsage.gp3` (gp3 storage, GB-months) or `PublicIPv4:InUseAddress` (hours). The
//! operating system is in the operation (`RunInstances:0002` is Windows). Only the codes an
//! event log can express are recognised; the rest are counted and left out, and the notes say
//! how many. docs/plan-from-what-ran.md cites AWS's lists of codes.

use crate::pricing::VolumeType;

/// What one row meters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meter {
    /// Instance hours of an instance type; `spot` for Spot usage.
    Compute { instance_type: String, spot: bool },
    /// Dedicated Instance or Dedicated Host usage: an event log prices shared tenancy only.
    Dedicated,
    /// EBS volume storage, GB-months.
    Volume(VolumeType),
    /// Other EBS usage (snapshots, provisioned IOPS or throughput), not modelled.
    OtherStorage,
    /// Public IPv4 address hours; `Some(true)` for an idle address (not in use by a running
    /// resource), `None` when the code does not say (ec2plan's own line items).
    Address { idle: Option<bool> },
    /// Anything else (data transfer, other services, fees).
    Other,
}

/// The usage type without its Region prefix (`USE2-BoxUsage:m5.large` → `BoxUsage:m5.large`).
/// AWS's Region billing codes are upper-case letters and digits before the first `-`.
pub fn without_region(usage_type: &str) -> &str {
    match usage_type.split_once('-') {
        Some((prefix, rest))
            if (2..=8).contains(&prefix.len())
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && !prefix.contains(':') =>
        {
            rest
        }
        _ => usage_type,
    }
}

/// What a usage type meters.
pub fn meter(usage_type: &str) -> Meter {
    let code = without_region(usage_type.trim());
    let typed = |rest: &str| rest.split(':').next().unwrap_or_default().to_string();
    if let Some(rest) = code.strip_prefix("BoxUsage:") {
        return Meter::Compute {
            instance_type: typed(rest),
            spot: false,
        };
    }
    if let Some(rest) = code.strip_prefix("SpotUsage:") {
        return Meter::Compute {
            instance_type: typed(rest),
            spot: true,
        };
    }
    if code.starts_with("DedicatedUsage:")
        || code.starts_with("HostBoxUsage:")
        || code.starts_with("HostUsage:")
    {
        return Meter::Dedicated;
    }
    if let Some(rest) = code.strip_prefix("EBS:VolumeUsage") {
        let volume = match rest {
            "" => Some(VolumeType::Standard),
            ".gp2" => Some(VolumeType::Gp2),
            ".gp3" => Some(VolumeType::Gp3),
            // ec2plan's own SkuId names io1 and magnetic by their API names.
            ".piops" | ".io1" => Some(VolumeType::Io1),
            ".standard" => Some(VolumeType::Standard),
            ".io2" => Some(VolumeType::Io2),
            ".st1" => Some(VolumeType::St1),
            ".sc1" => Some(VolumeType::Sc1),
            _ => None,
        };
        return volume.map_or(Meter::OtherStorage, Meter::Volume);
    }
    if code.starts_with("EBS:") {
        return Meter::OtherStorage;
    }
    match code {
        "PublicIPv4:InUseAddress" => Meter::Address { idle: Some(false) },
        "PublicIPv4:IdleAddress" => Meter::Address { idle: Some(true) },
        // ec2plan's own SkuId names the address `AmazonVPC/REGION/PublicIPv4`.
        "PublicIPv4" => Meter::Address { idle: None },
        _ => Meter::Other,
    }
}

/// The event log's `os` for an operation (AWS's "usage operation" of the AMI), and whether it
/// is only the nearest the catalog prices (a SQL Server licence, BYOL or an HA add-on are not
/// priced): `RunInstances` Linux/UNIX, `:0002` Windows, `:0010` RHEL, `:000g` SUSE, `:0g00`
/// Ubuntu Pro. A Spot Instance's operation carries its zone after the platform
/// (`RunInstances:0010:SV006`, or `RunInstances:SV006` for Linux), which is passed over.
pub fn os_of_operation(operation: &str) -> Option<(&'static str, bool)> {
    let mut parts = operation.trim().split(':');
    if parts.next() != Some("RunInstances") {
        return None;
    }
    let codes: Vec<&str> = parts.filter(|p| !p.starts_with("SV")).collect();
    let suffix = match codes.as_slice() {
        [] => return Some(("linux", false)),
        [one] => *one,
        _ => return None,
    };
    Some(match suffix {
        "0002" => ("windows", false),
        "0010" => ("rhel", false),
        "000g" => ("suse", false),
        "0g00" => ("ubuntu-pro", false),
        // Windows with SQL Server, Windows BYOL.
        "0006" | "0102" | "0202" | "0800" => ("windows", true),
        // RHEL BYOL, with HA, with SQL Server.
        "00g0" | "1010" | "1014" | "1110" | "0014" | "0210" | "0110" => ("rhel", true),
        // Linux with SQL Server.
        "0004" | "0100" | "0200" => ("linux", true),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_types_name_what_they_meter() {
        let compute = |t: &str, spot| Meter::Compute {
            instance_type: t.to_string(),
            spot,
        };
        assert_eq!(meter("BoxUsage:m5.large"), compute("m5.large", false));
        assert_eq!(meter("USE2-BoxUsage:m5.large"), compute("m5.large", false));
        assert_eq!(
            meter("EU-SpotUsage:c6i.xlarge"),
            compute("c6i.xlarge", true)
        );
        assert_eq!(
            meter("APN2-EBS:VolumeUsage.gp3"),
            Meter::Volume(VolumeType::Gp3)
        );
        assert_eq!(
            meter("EBS:VolumeUsage.piops"),
            Meter::Volume(VolumeType::Io1)
        );
        assert_eq!(
            meter("EBS:VolumeUsage"),
            Meter::Volume(VolumeType::Standard)
        );
        assert_eq!(meter("USE1-EBS:SnapshotUsage"), Meter::OtherStorage);
        assert_eq!(meter("EBS:VolumeP-IOPS.gp3"), Meter::OtherStorage);
        assert_eq!(
            meter("USW2-PublicIPv4:IdleAddress"),
            Meter::Address { idle: Some(true) }
        );
        assert_eq!(meter("USE1-DataTransfer-Out-Bytes"), Meter::Other);
        assert_eq!(meter("USE1-DedicatedUsage:m5.large"), Meter::Dedicated);
    }

    #[test]
    fn operations_name_the_operating_system() {
        assert_eq!(os_of_operation("RunInstances"), Some(("linux", false)));
        assert_eq!(
            os_of_operation("RunInstances:0002"),
            Some(("windows", false))
        );
        assert_eq!(os_of_operation("RunInstances:000g"), Some(("suse", false)));
        assert_eq!(
            os_of_operation("RunInstances:0006"),
            Some(("windows", true))
        );
        assert_eq!(os_of_operation("RunInstances:9999"), None);
        // Spot: the zone follows the platform.
        assert_eq!(
            os_of_operation("RunInstances:0010:SV006"),
            Some(("rhel", false))
        );
        assert_eq!(
            os_of_operation("RunInstances:SV006"),
            Some(("linux", false))
        );
        assert_eq!(os_of_operation("CreateVolume-Gp3"), None);
    }
}
