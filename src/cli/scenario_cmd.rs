//! `ec2plan scenario …`: writing a scenario from what ran, for `simulate` to price.
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
    }
}

fn from_cloudtrail(args: &FromCloudTrailArgs) -> Result<Printed, Error> {
    let options = Options {
        types: parse_types(&args.type_of)?,
    };
    // The catalog's instance memory sizes a hibernating root volume no record sizes.
    let catalog = Catalog::embedded()?;
    let conversion = convert(&args.files, &options, &catalog)?;
    let label = args
        .output
        .clone()
        .unwrap_or_else(|| "standard output".into());
    let csv_error = |e: csv::Error| Error::write(&label, std::io::Error::other(e.to_string()));
    let mut writer = EventLogWriter::new(Vec::new()).map_err(csv_error)?;
    for event in &conversion.events {
        writer.write(event).map_err(csv_error)?;
    }
    let bytes = writer.finish().map_err(csv_error)?;
    let stdout = match &args.output {
        None => String::from_utf8_lossy(&bytes).into_owned(),
        Some(path) => {
            write_file(path, |staged| {
                std::fs::write(staged, &bytes).map_err(|e| Error::write(path, e))
            })?;
            String::new()
        }
    };
    Ok(Printed {
        stdout,
        notes: conversion.notes,
    })
}

/// `--type-of ID=TYPE` flags, each instance named once.
fn parse_types(flags: &[String]) -> Result<BTreeMap<String, String>, Error> {
    let mut types = BTreeMap::new();
    for flag in flags {
        let parts = flag
            .split_once('=')
            .map(|(id, ty)| (id.trim(), ty.trim()))
            .filter(|(id, ty)| !id.is_empty() && !ty.is_empty());
        let Some((id, ty)) = parts else {
            return Err(Error::Usage(format!(
                "--type-of {:?}: write INSTANCE_ID=TYPE, like i-0abc1234=m5.large",
                excerpt(flag)
            )));
        };
        if types.insert(id.to_string(), ty.to_string()).is_some() {
            return Err(Error::Usage(format!(
                "--type-of names {} twice; give each instance one type",
                excerpt(id)
            )));
        }
    }
    Ok(types)
}
