//! CloudTrail: the EC2 calls AWS recorded, turned into the event log `simulate` replays.
//!
//! A plan is only as good as its workload, and the most honest workload is the one that ran.
//! CloudTrail records every RunInstances, StartInstances, StopInstances, RebootInstances and
//! TerminateInstances call, and every Spot interruption (BidEvictedEvent), so a month of
//! trail files is a month of event log. This module reads the log files AWS delivers
//! (`{"Records": [...]}`, gzip or plain) and `aws cloudtrail lookup-events` output, puts
//! the calls in time order, skips failed and repeated ones, and replays them so every row it
//! writes is one the event-log reader accepts. What no record says (a volume size only the
//! AMI knows, whether the subnet gave a public address) gets a stated default and a note
//! naming the `--set` that overrides it. docs/plan-from-what-ran.md documents the mapping
//! and cites AWS's record formats.

mod file;
mod history;
mod launch;
mod notes;
mod record;

pub use file::MAX_JSON_BYTES;
pub use history::{convert, Options};
