//! Writing events back out as an event log, the format `simulate` reads.

use super::event::{Action, Event, PublicIp, RootDevice};
use super::id_map::IdMap;
use crate::clock::Timestamp;
use crate::spreadsheet::text_cell;
use std::io::Write;
use std::sync::Arc;

const HEADER: [&str; 13] = [
    "time",
    "instance",
    "action",
    "instance_type",
    "region",
    "os",
    "ebs_gb",
    "ebs_type",
    "root",
    "public_ip",
    "interruptible",
    "hibernation",
    "group",
];

/// Streams events as event-log rows; attributes are written on launch rows only.
pub struct EventLogWriter<W: Write> {
    csv: csv::Writer<W>,
    /// Names of the instances launched and not yet terminated (later events carry none).
    names: IdMap<Arc<str>>,
}

impl<W: Write> EventLogWriter<W> {
    pub fn new(inner: W) -> Result<EventLogWriter<W>, csv::Error> {
        let mut csv = csv::Writer::from_writer(inner);
        csv.write_record(HEADER)?;
        Ok(EventLogWriter {
            csv,
            names: IdMap::default(),
        })
    }

    /// The end row (`time,,end`): where the replay ends, written after the last event.
    pub fn end(&mut self, time: Timestamp) -> Result<(), csv::Error> {
        let time = time.to_string();
        let mut row = vec![time.as_str(), "", super::end::ACTION];
        row.extend([""; 10]);
        self.csv.write_record(row)
    }

    pub fn write(&mut self, event: &Event) -> Result<(), csv::Error> {
        let time = event.time.to_string();
        let Some(s) = event
            .spec
            .as_ref()
            .filter(|_| event.action == Action::Launch)
        else {
            let name = match event.action {
                Action::Terminate | Action::Interrupt => self.names.remove(event.instance),
                _ => self.names.get(event.instance).cloned(),
            }
            .unwrap_or_default();
            let empty = [""; 10];
            let name = text_cell(&name);
            let mut row = vec![time.as_str(), &name, event.action.name()];
            row.extend(empty);
            return self.csv.write_record(row);
        };
        self.names.insert(event.instance, Arc::clone(&s.name));
        let ebs_gb = s.ebs_gb.to_string();
        let root = match s.root {
            RootDevice::Ebs => "ebs",
            RootDevice::InstanceStore => "instance-store",
        };
        let ip = match s.public_ip {
            PublicIp::None => "none",
            PublicIp::Auto => "auto",
            PublicIp::Elastic => "elastic",
        };
        let flag = |b: bool| if b { "true" } else { "false" };
        self.csv.write_record([
            time.as_str(),
            &text_cell(&s.name),
            event.action.name(),
            &text_cell(&s.instance_type),
            &text_cell(&s.region),
            &text_cell(&s.os),
            &ebs_gb,
            s.ebs_type.name(),
            root,
            ip,
            flag(s.interruptible),
            flag(s.hibernation),
            &text_cell(&s.group),
        ])
    }

    pub fn finish(mut self) -> Result<W, csv::Error> {
        self.csv.flush()?;
        self.csv
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}
