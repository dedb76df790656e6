//! What a RunInstances record says about each instance it launched, and what it leaves out.
//!
//! The response (`responseElements.instancesSet.items[]`, the EC2 API's `Instance`) names
//! each instance: its ID, type, root device, platform, lifecycle, hibernation and tags. The
//! request (`requestParameters`) adds what the response does not repeat: the block device
//! mapping with the sizes asked for, the market options, the network interfaces. Anything
//! neither says (the AMI's own volumes, a launch template's settings) is marked unknown here,
//! so the caller can apply a stated default and say so.

use super::file::RecordRef;
use super::record::items;
use crate::error::Error;
use crate::pricing::VolumeType;
use crate::scenario::{PublicIp, RootDevice};
use serde_json::Value;
use std::collections::BTreeSet;

/// One instance a RunInstances call launched.
#[derive(Debug, Clone)]
pub struct Launched {
    pub instance: String,
    pub instance_type: String,
    /// `platform: windows` in the response: AWS marks Windows instances only.
    pub windows: bool,
    pub root: RootDevice,
    pub volumes: Volumes,
    /// `None` when the records do not say (the subnet's setting decides).
    pub public_ip: Option<PublicIp>,
    /// Launched in the Spot market (`instanceLifecycle: spot`, or a Spot market request).
    pub spot: bool,
    pub interruption: Interruption,
    pub hibernation: bool,
    /// The `Name` tag, the group reports add up by.
    pub name_tag: Option<String>,
    /// Launched from a launch template, whose settings the record does not show.
    pub from_template: bool,
}

/// What a Spot Instance does when Amazon EC2 interrupts it
/// (`spotOptions.instanceInterruptionBehavior`; terminate unless the request says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    Terminate,
    Stop,
    Hibernate,
}

/// The EBS volumes the instance launched with, as far as the records tell.
#[derive(Debug, Clone, Default)]
pub struct Volumes {
    /// GiB of the volumes whose size the request states.
    pub stated_gb: u64,
    /// EBS volumes with no stated size (the snapshot's size applies), the root's included
    /// when the request does not map the root device.
    pub without_size: u64,
    /// The root volume's size is not stated.
    pub root_unsized: bool,
    /// The root volume's type, when the request states it.
    pub root_type: Option<VolumeType>,
    /// Types stated for the other volumes.
    pub other_types: BTreeSet<VolumeType>,
}

/// The instances of a RunInstances record; an error names what is missing.
pub fn launched(at: &RecordRef, record: &Value) -> Result<Vec<Launched>, Error> {
    let request = record.get("requestParameters").unwrap_or(&Value::Null);
    let list = items(record.pointer("/responseElements/instancesSet"));
    if list.is_empty() {
        return Err(at.error(
            "it has no responseElements.instancesSet.items, which name the instances a \
             RunInstances call launched",
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, item)| one(at, request, item, i))
        .collect()
}

fn text<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn flag(value: &Value, pointer: &str) -> bool {
    value.pointer(pointer).and_then(Value::as_bool) == Some(true)
}

fn one(at: &RecordRef, request: &Value, item: &Value, i: usize) -> Result<Launched, Error> {
    let instance = text(item, "/instanceId").ok_or_else(|| {
        at.error(format!(
            "its responseElements.instancesSet.items[{i}] has no instanceId string"
        ))
    })?;
    let instance_type = text(item, "/instanceType")
        .or_else(|| text(request, "/instanceType"))
        .ok_or_else(|| {
            at.error(format!(
                "neither its responseElements.instancesSet.items[{i}] nor its requestParameters \
                 give {instance}'s instanceType"
            ))
        })?;
    let root = match text(item, "/rootDeviceType") {
        Some("instance-store") => RootDevice::InstanceStore,
        _ => RootDevice::Ebs,
    };
    let spot = text(item, "/instanceLifecycle") == Some("spot")
        || text(request, "/instanceMarketOptions/marketType") == Some("spot");
    let hibernation = flag(item, "/hibernationOptions/configured")
        || flag(request, "/hibernationOptions/configured");
    // SpotMarketOptions: with hibernation configured the behaviour is hibernate; otherwise
    // terminate unless the request names stop or hibernate.
    let behaviour = text(
        request,
        "/instanceMarketOptions/spotOptions/instanceInterruptionBehavior",
    );
    let interruption = match behaviour {
        _ if !spot => Interruption::Terminate,
        Some("stop") => Interruption::Stop,
        Some("hibernate") => Interruption::Hibernate,
        None if hibernation => Interruption::Hibernate,
        _ => Interruption::Terminate,
    };
    Ok(Launched {
        instance: instance.to_string(),
        instance_type: instance_type.to_string(),
        windows: text(item, "/platform").is_some_and(|p| p.eq_ignore_ascii_case("windows")),
        root,
        volumes: volumes(
            request,
            text(item, "/rootDeviceName"),
            root == RootDevice::Ebs,
        ),
        public_ip: public_ip(request, item),
        spot,
        interruption,
        hibernation,
        name_tag: name_tag(request, item),
        from_template: request.get("launchTemplate").is_some_and(|t| !t.is_null()),
    })
}

/// The request's block device mapping: EBS entries add up; `noDevice` and instance-store
/// (`virtualName`) entries do not. The root is the entry on the response's root device name.
fn volumes(request: &Value, root_name: Option<&str>, ebs_root: bool) -> Volumes {
    let mut volumes = Volumes::default();
    let mut root_mapped = false;
    for entry in items(request.get("blockDeviceMapping")) {
        let Some(ebs) = entry.get("ebs").filter(|e| e.is_object()) else {
            continue;
        };
        if entry.get("noDevice").is_some() {
            continue;
        }
        let is_root = root_name.is_some() && text(entry, "/deviceName") == root_name;
        let size = match ebs.get("volumeSize") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let volume_type = text(ebs, "/volumeType").and_then(VolumeType::parse);
        match size {
            Some(gb) => volumes.stated_gb = volumes.stated_gb.saturating_add(gb),
            None => volumes.without_size += 1,
        }
        if is_root {
            root_mapped = true;
            volumes.root_unsized = size.is_none();
            volumes.root_type = volume_type;
        } else if let Some(volume_type) = volume_type {
            volumes.other_types.insert(volume_type);
        }
    }
    if ebs_root && !root_mapped {
        volumes.root_unsized = true;
        volumes.without_size += 1;
    }
    volumes
}

/// `auto` when the request asks for a public address (`associatePublicIpAddress`) or the
/// response shows one; `none` when the request declines one; unknown otherwise.
fn public_ip(request: &Value, item: &Value) -> Option<PublicIp> {
    let shown = text(item, "/ipAddress").is_some()
        || items(item.get("networkInterfaceSet"))
            .iter()
            .any(|nic| text(nic, "/association/publicIp").is_some());
    if shown {
        return Some(PublicIp::Auto);
    }
    let asked = items(request.get("networkInterfaceSet"))
        .iter()
        .find_map(|nic| nic.get("associatePublicIpAddress").and_then(Value::as_bool));
    asked.map(|yes| if yes { PublicIp::Auto } else { PublicIp::None })
}

/// The `Name` tag: the response's `tagSet`, else the request's tag specification for the
/// instance. Line breaks and other control characters become spaces (no scenario cell can
/// hold a line break).
fn name_tag(request: &Value, item: &Value) -> Option<String> {
    let name_of = |tags: &[Value]| {
        tags.iter()
            .find(|tag| text(tag, "/key") == Some("Name"))
            .and_then(|tag| text(tag, "/value"))
            .map(str::to_string)
    };
    let from_response = name_of(items(item.get("tagSet")));
    let from_request = || {
        items(request.get("tagSpecificationSet"))
            .iter()
            .filter(|spec| text(spec, "/resourceType") == Some("instance"))
            .find_map(|spec| name_of(items(spec.get("tags"))))
    };
    let name: String = from_response
        .or_else(from_request)?
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_name_tag_comes_from_the_response_then_the_request_and_holds_no_line_break() {
        let request = json!({"tagSpecificationSet": {"items": [
            {"resourceType": "volume", "tags": [{"key": "Name", "value": "vol"}]},
            {"resourceType": "instance", "tags": [{"key": "Name", "value": "from-request"}]}]}});
        let tagged = json!({"tagSet": {"items": [{"key": "Name", "value": " web\n1 "}]}});
        assert_eq!(name_tag(&request, &tagged).as_deref(), Some("web 1"));
        assert_eq!(
            name_tag(&request, &json!({})).as_deref(),
            Some("from-request")
        );
        let blank = json!({"tagSet": {"items": [{"key": "Name", "value": " \t"}]}});
        assert_eq!(name_tag(&json!({}), &blank), None);
    }

    #[test]
    fn the_root_is_the_mapping_on_the_root_device_name() {
        let request = json!({"blockDeviceMapping": {"items": [
            {"deviceName": "/dev/sda1", "ebs": {"volumeSize": 50, "volumeType": "io2"}},
            {"deviceName": "/dev/sdf", "ebs": {"volumeSize": "20", "volumeType": "gp3"}}]}});
        let mapped = volumes(&request, Some("/dev/sda1"), true);
        assert_eq!(mapped.stated_gb, 70);
        assert_eq!(mapped.without_size, 0);
        assert_eq!(mapped.root_type, Some(VolumeType::Io2));
        // Another root device: the AMI's root (unknown size) plus both mapped volumes.
        let unmapped = volumes(&request, Some("/dev/xvda"), true);
        assert_eq!(unmapped.stated_gb, 70);
        assert_eq!(unmapped.without_size, 1);
        assert!(unmapped.root_unsized);
        assert_eq!(unmapped.root_type, None);
    }
}
