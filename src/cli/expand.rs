//! `ec2plan expand`: a schedule's generated event log.

use super::simulate::{open_source, Reading};
use super::ExpandArgs;
use crate::error::Error;
use crate::pricing::Catalog;
use crate::report::write_file;
use crate::scenario::EventLogWriter;

pub fn run(args: &ExpandArgs) -> Result<String, Error> {
    let catalog = match &args.catalog.pricing {
        Some(dir) => Catalog::with_overrides(dir)?,
        None => Catalog::embedded()?,
    };
    let input = super::input::ScenarioInput::new(&args.schedule, false)?;
    let reading = Reading {
        region: &args.catalog.region,
        until: args.until,
        what_if: &args.what_if,
    };
    let mut source = open_source(&input, &reading, &catalog)?;
    // A schedule knows its end before it is read; an event log only after its end row.
    let Some(last_row) = source.default_horizon() else {
        return Err(Error::Usage(format!(
            "{} is already an event log; expand reads desired-capacity schedules (time,group,desired,...)",
            input.label
        )));
    };
    let end = args.until.unwrap_or(last_row);
    let label = args.out.clone().unwrap_or_else(|| "standard output".into());
    let csv_error = |e: csv::Error| Error::write(&label, std::io::Error::other(e.to_string()));
    let mut writer = EventLogWriter::new(Vec::new()).map_err(csv_error)?;
    while let Some(event) = source.next_event()? {
        writer.write(&event).map_err(csv_error)?;
    }
    // The schedule's end, which its last event may not reach: instances left stopped or
    // hibernated are billed for their volumes up to it.
    writer.end(end).map_err(csv_error)?;
    source.unknown_override_groups().map_err(Error::Usage)?;
    let bytes = writer.finish().map_err(csv_error)?;
    let Some(path) = &args.out else {
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    };
    write_file(path, |staged| {
        std::fs::write(staged, &bytes).map_err(|e| Error::write(path, e))
    })?;
    Ok(String::new())
}
