//! One CloudTrail record, understood: when it happened and what it did to which instances.
//!
//! Field names follow AWS's documentation: the record body ("CloudTrail record contents":
//! `eventTime`, `eventSource`, `eventName`, `awsRegion`, `errorCode`, `requestParameters`,
//! `responseElements`, `serviceEventDetails`) and, inside it, the EC2 API's own names for
//! the request and the response (`instancesSet.items[].instanceId`, `previousState`,
//! `hibernate`). Only the calls that start, stop or end an instance are looked into; any
//! other record needs only the three fields every record has.

use super::file::{RawRecord, RecordRef};
use super::launch::{launched, Launched};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::location::excerpt;
use serde_json::Value;

/// The service every EC2 record names in `eventSource`.
pub const EC2: &str = "ec2.amazonaws.com";

/// A record's time, region and effect.
pub struct Record {
    pub at: RecordRef,
    pub time: Timestamp,
    /// `awsRegion`, on the records that change an instance (where it is required).
    pub region: String,
    pub call: Call,
}

/// What a record did, as far as an event log cares.
pub enum Call {
    /// RunInstances: the instances it launched.
    Launch(Vec<Launched>),
    Start(Vec<Target>),
    /// StopInstances; `hibernate` as requested.
    Stop {
        targets: Vec<Target>,
        hibernate: bool,
    },
    Reboot(Vec<Target>),
    Terminate(Vec<Target>),
    /// BidEvictedEvent: Amazon EC2 interrupted these Spot Instances.
    Evicted(Vec<Target>),
    /// One of the calls above that failed (its `errorCode`): it changed nothing.
    Failed(String),
    /// Another service's record, or an EC2 call that starts, stops or ends no instance.
    Other,
}

/// An instance a call acted on, with the state the response says it left.
pub struct Target {
    pub instance: String,
    /// `previousState.name` from the response, where it has one.
    pub previous: Option<String>,
}

/// Reads what `raw` says; an error names the file, the record and its eventID.
pub fn understand(raw: RawRecord) -> Result<Record, Error> {
    let RawRecord { mut at, value } = raw;
    if !value.is_object() {
        return Err(at.error("it is not a JSON object, as every CloudTrail record is"));
    }
    if let Some(id) = value.get("eventID").and_then(Value::as_str) {
        at.event_id = Some(id.to_string());
    }
    if let Some(name) = value.get("eventName").and_then(Value::as_str) {
        at.event_name = Some(name.to_string());
    }
    let time_text = required(&at, &value, "eventTime")?;
    let time =
        event_time(time_text).map_err(|e| at.error(format!("its eventTime is not a time: {e}")))?;
    let source = required(&at, &value, "eventSource")?;
    let name = required(&at, &value, "eventName")?;
    let mapped = matches!(
        name,
        "RunInstances"
            | "StartInstances"
            | "StopInstances"
            | "RebootInstances"
            | "TerminateInstances"
            | "BidEvictedEvent"
    );
    if source != EC2 || !mapped {
        return Ok(Record {
            at,
            time,
            region: String::new(),
            call: Call::Other,
        });
    }
    if let Some(code) = value.get("errorCode").filter(|c| !c.is_null()) {
        let code = code
            .as_str()
            .map_or_else(|| code.to_string(), str::to_string);
        return Ok(Record {
            at,
            time,
            region: String::new(),
            call: Call::Failed(code),
        });
    }
    let region = required(&at, &value, "awsRegion")?.to_string();
    let name = name.to_string();
    let call = match name.as_str() {
        "RunInstances" => Call::Launch(launched(&at, &value)?),
        "StartInstances" => Call::Start(targets(&at, &value)?),
        "StopInstances" => Call::Stop {
            targets: targets(&at, &value)?,
            hibernate: value
                .pointer("/requestParameters/hibernate")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        "RebootInstances" => Call::Reboot(targets(&at, &value)?),
        "TerminateInstances" => Call::Terminate(targets(&at, &value)?),
        _ => Call::Evicted(evicted(&at, &value)?),
    };
    Ok(Record {
        at,
        time,
        region,
        call,
    })
}

/// `eventTime`: CloudTrail writes whole seconds in UTC (`2026-03-02T10:00:00Z`); a copy that
/// carries fractional seconds (some exports do) is cut to the second it falls in, since an
/// event log holds whole seconds.
fn event_time(text: &str) -> Result<Timestamp, crate::clock::TimeError> {
    match Timestamp::parse(text) {
        Err(crate::clock::TimeError::FractionalSeconds(_)) => {
            let (whole, rest) = text.split_at(text.find('.').unwrap_or(text.len()));
            let offset = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
            Timestamp::parse(&format!("{whole}{offset}"))
        }
        parsed => parsed,
    }
}

/// A string field every record of this kind has.
fn required<'a>(at: &RecordRef, value: &'a Value, field: &str) -> Result<&'a str, Error> {
    match value.get(field) {
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(at.error(format!(
            "its \"{field}\" is {}, not a string",
            excerpt(&other.to_string())
        ))),
        None => Err(at.error(format!(
            "it has no \"{field}\", which every CloudTrail record {}",
            if field == "awsRegion" {
                "of an EC2 call has"
            } else {
                "has"
            }
        ))),
    }
}

/// The entries of an EC2 list, `{"items": [...]}` in CloudTrail (a bare array is taken too).
pub fn items(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Object(object)) => object
            .get("items")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
        Some(Value::Array(array)) => array,
        _ => &[],
    }
}

/// The instances a Start/Stop/Reboot/Terminate call acted on: from the response when it has
/// them (what happened, with each previous state), else from the request.
fn targets(at: &RecordRef, value: &Value) -> Result<Vec<Target>, Error> {
    for (part, with_state) in [("responseElements", true), ("requestParameters", false)] {
        let list = items(value.pointer(&format!("/{part}/instancesSet")));
        if list.is_empty() {
            continue;
        }
        return list
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let instance = item
                    .get("instanceId")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        at.error(format!(
                            "its {part}.instancesSet.items[{i}] has no instanceId string"
                        ))
                    })?;
                let previous = with_state
                    .then(|| item.pointer("/previousState/name").and_then(Value::as_str))
                    .flatten()
                    .map(str::to_string);
                Ok(Target {
                    instance: instance.to_string(),
                    previous,
                })
            })
            .collect();
    }
    Err(at.error(
        "it names no instance: neither its requestParameters nor its responseElements has an \
         instancesSet with items",
    ))
}

/// The instances of a BidEvictedEvent, in `serviceEventDetails.instanceIdSet`.
fn evicted(at: &RecordRef, value: &Value) -> Result<Vec<Target>, Error> {
    let Some(ids) = value
        .pointer("/serviceEventDetails/instanceIdSet")
        .and_then(Value::as_array)
    else {
        return Err(at.error(
            "it has no serviceEventDetails.instanceIdSet, where a BidEvictedEvent names the \
             interrupted instances",
        ));
    };
    ids.iter()
        .enumerate()
        .map(|(i, id)| match id.as_str() {
            Some(id) => Ok(Target {
                instance: id.to_string(),
                previous: None,
            }),
            None => Err(at.error(format!(
                "its serviceEventDetails.instanceIdSet[{i}] is not an instance ID string"
            ))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_times_are_whole_seconds_in_utc() {
        let whole = event_time("2026-03-02T10:00:00Z").unwrap();
        assert_eq!(event_time("2026-03-02T10:00:00.999Z").unwrap(), whole);
        assert_eq!(event_time("2026-03-02T11:00:00.5+01:00").unwrap(), whole);
        assert!(event_time("yesterday").is_err());
    }

    #[test]
    fn lists_are_items_objects_or_bare_arrays() {
        let wrapped = serde_json::json!({"items": [1, 2]});
        let bare = serde_json::json!([3]);
        assert_eq!(items(Some(&wrapped)).len(), 2);
        assert_eq!(items(Some(&bare)).len(), 1);
        assert!(items(Some(&serde_json::json!({}))).is_empty());
        assert!(items(None).is_empty());
    }
}
