//! Usage exports: what AWS billed, hour by hour, turned back into the event log `simulate`
//! replays.
//!
//! CloudTrail tells when each call was made; a usage export tells what ran and was billed:
//! each instance's hours, each volume's GB-months, each public IPv4 address's hours. Where
//! there is no trail, or a trail does not reach back far enough, the bill does. This module
//! reads AWS's FOCUS 1.0 export, CUR 2.0 and ec2plan's own line items (CSV, gzip CSV or
//! Parquet: `read`, `export`), names what each row meters (`meter`), places each hour's usage
//! within the hour (`placement`, the one approximation: an hourly export does not say the
//! second an instance started) and writes launch, stop, start and terminate rows for each
//! instance (`rebuild`), saying every default and left-out row in a note (`notes`).
//! docs/plan-from-what-ran.md documents the mapping and cites AWS's column dictionaries.

mod export;
mod meter;
mod notes;
mod placement;
mod read;
mod rebuild;

pub use rebuild::{convert, Options};
