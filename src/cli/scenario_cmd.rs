//! `ec2plan scenario …`: writing a scenario from what ran (CloudTrail records or a usage
//! export), for `simulate` to price.
//!
//! Kept apart from the other commands (its own clap types, one variant in `Command`) so the
//! scenario writers can grow without touching the rest of the command line.

use super::Printed;
use crate::cloudtrail::{convert, Options};
use crate::error::Error;
use crate::location::excerpt;
use crate::pricing::Catalog;
use crate::report::write_file;
use crate::scenario::EventLogWriter;
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
use std::path::PathBuf;

const FROM_CLOUDTRAIL_EXAMPLES: &str = "Examples:
  ec2plan scenario from-cloudtrail 111122223333_CloudTrail_us-east-1_*.json.gz --output march.csv
  aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=ec2.amazonaws.com > events.json
  ec2plan scenario from-cloudtrail events.json --type-of i-0abc1234=m5.large | ec2plan simulate -

Notes on standard error list every default taken (a volume size only the AMI knows, Linux
when the record does not say Windows, no public IPv4 address) and the `simulate --set` that
overrides it. See docs/plan-from-what-ran.md.";

const FROM_USAGE_EXAMPLES: &str = "Examples:
  ec2plan scenario from-usage focus-2026-03.csv.gz --output march.csv
  ec2plan scenario from-usage cur2-00001.snappy.parquet --attach vol-0a1b2c3d=i-0abc1234 | ec2plan simulate -
  ec2plan scenario from-usage report/line_items.parquet -o replayed.csv

Hourly exports rebuild runs on whole hours exactly; within an hour only the seconds of usage
are known, and a note says how many hours were placed. Notes on standard error also list the
volumes and addresses no instance could be found for (--attach) and every default taken. See
docs/plan-from-what-ran.md.";

/// Scenario writers.
#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Write the event log of what ran, from CloudTrail records: the log files a trail
    /// delivers ({"Records": [...]}, gzip or plain) or `aws cloudtrail lookup-events` output.
    ///
    /// RunInstances becomes launch (one per instance), StartInstances start, StopInstances
    /// stop (hibernate when it asks to), RebootInstances reboot, TerminateInstances
    /// terminate, and a Spot interruption (BidEvictedEvent) interrupt, in time order. Failed
    /// calls (errorCode), records of other services and records already read (same eventID)
    /// are skipped and counted.
    #[command(name = "from-cloudtrail", after_help = FROM_CLOUDTRAIL_EXAMPLES)]
    FromCloudtrail(FromCloudTrailArgs),
    /// Write the event log of what ran, from billed usage: AWS's FOCUS 1.0 export (with AWS
    /// columns), a CUR 2.0 export, or ec2plan's own line items; CSV, gzip CSV or Parquet.
    ///
    /// Each instance's hourly usage becomes its runs (launch, stop, start, terminate), its
    /// EBS volume rows its volume size and type, its public IPv4 rows its address (elastic
    /// when it billed while the instance was stopped). Only usage is read: fees, credits,
    /// data transfer and other services are counted and left out.
    #[command(name = "from-usage", after_help = FROM_USAGE_EXAMPLES)]
    FromUsage(FromUsageArgs),
}

#[derive(Debug, Args)]
pub struct FromUsageArgs {
    /// Usage exports (FOCUS 1.0, CUR 2.0 or ec2plan's line_items.csv/.parquet), CSV, gzip CSV
    /// or Parquet, in any number and order; `-` reads CSV from standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write the event log to FILE instead of standard output (all or nothing).
    #[arg(short = 'o', long, visible_alias = "out", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The instance an EBS volume or public IPv4 address belongs to, e.g.
    /// vol-0a1b2c3d=i-0abc1234 (an export names a volume by its own ID, not its
    /// instance's); repeatable.
    #[arg(long, value_name = "ID=INSTANCE")]
    pub attach: Vec<String>,
}

#[derive(Debug, Args)]
pub struct FromCloudTrailArgs {
    /// CloudTrail log files or lookup-events output, in any order (they are merged by
    /// eventTime); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write the event log to FILE instead of standard output (all or nothing).
    #[arg(short = 'o', long, visible_alias = "out", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The instance type of an instance the records show before, or without, its
    /// RunInstances (it was launched before the first record), e.g. i-0abc1234=m5.large;
    /// repeatable.
    #[arg(long = "type-of", value_name = "ID=TYPE")]
    pub type_of: Vec<String>,
}

pub fn run(command: &ScenarioCommand) -> Result<Printed, Error> {
    match command {
        ScenarioCommand::FromCloudtrail(args) => from_cloudtrail(args),
        ScenarioCommand::FromUsage(args) => from_usage(args),
    }
}

fn from_usage(args: &FromUsageArgs) -> Result<Printed, Error> {
    let options = crate::usage::Options {
        attach: parse_pairs(
            "--attach",
            "ID=INSTANCE, like vol-0a1b2c3d=i-0abc1234",
            &args.attach,
        )?,
    };
    let conversion = crate::usage::convert(&args.files, &options)?;
    let stdout = write_log(&conversion.events, args.output.as_deref())?;
    Ok(Printed {
        stdout,
        notes: conversion.notes,
    })
}

/// The event log of `events`, written all or nothing to `output`, or returned for standard
/// output.
fn write_log(
    events: &[crate::scenario::Event],
    output: Option<&std::path::Path>,
) -> Result<String, Error> {
    let label = output.map_or_else(|| PathBuf::from("standard output"), PathBuf::from);
    let csv_error = |e: csv::Error| Error::write(&label, std::io::Error::other(e.to_string()));
    let mut writer = EventLogWriter::new(Vec::new()).map_err(csv_error)?;
    for event in events {
        writer.write(event).map_err(csv_error)?;
    }
    let bytes = writer.finish().map_err(csv_error)?;
    match output {
        None => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Some(path) => {
            write_file(path, |staged| {
                std::fs::write(staged, &bytes).map_err(|e| Error::write(path, e))
            })?;
            Ok(String::new())
        }
    }
}

fn from_cloudtrail(args: &FromCloudTrailArgs) -> Result<Printed, Error> {
    let options = Options {
        types: parse_pairs(
            "--type-of",
            "INSTANCE_ID=TYPE, like i-0abc1234=m5.large",
            &args.type_of,
        )?,
    };
    // The catalog's instance memory sizes a hibernating root volume no record sizes.
    let catalog = Catalog::embedded()?;
    let conversion = convert(&args.files, &options, &catalog)?;
    let stdout = write_log(&conversion.events, args.output.as_deref())?;
    Ok(Printed {
        stdout,
        notes: conversion.notes,
    })
}

/// `--type-of ID=TYPE` or `--attach ID=INSTANCE` flags, each ID named once.
fn parse_pairs(
    flag_name: &str,
    form: &str,
    flags: &[String],
) -> Result<BTreeMap<String, String>, Error> {
    let mut pairs = BTreeMap::new();
    for flag in flags {
        let parts = flag
            .split_once('=')
            .map(|(id, value)| (id.trim(), value.trim()))
            .filter(|(id, value)| !id.is_empty() && !value.is_empty());
        let Some((id, value)) = parts else {
            return Err(Error::Usage(format!(
                "{flag_name} {:?}: write {form}",
                excerpt(flag)
            )));
        };
        if pairs.insert(id.to_string(), value.to_string()).is_some() {
            return Err(Error::Usage(format!(
                "{flag_name} names {} twice; give each one once",
                excerpt(id)
            )));
        }
    }
    Ok(pairs)
}
