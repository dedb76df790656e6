//! Writes a synthetic workload with `ec2plan::generate`, for benchmarks and scripts:
//!
//! ```sh
//! cargo run --release --example generate -- --instances 100000 --days 365 --out big.csv
//! cargo run --release --example generate -- --instances 500 --days 7 --schedule
//! ```
//!
//! Flags: `--instances N` (1000), `--days D` (30), `--seed S` (1), `--start TIME`
//! (2026-01-01T00:00:00Z), `--region R` (us-east-1), `--pricing DIR` (a catalog override
//! directory, as `ec2plan --pricing`), `--schedule` (a desired-capacity schedule instead of an
//! event log), `--out FILE` (standard output). Prints the rows written to standard error.

use ec2plan::clock::Timestamp;
use ec2plan::generate::{generate, GenerateKind, GenerateOptions};
use ec2plan::pricing::Catalog;
use std::error::Error;
use std::io::Write;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let mut options = GenerateOptions::default();
    let mut out: Option<PathBuf> = None;
    let mut pricing: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--schedule" {
            options.kind = GenerateKind::Schedule;
            continue;
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--instances" => options.instances = value.parse()?,
            "--days" => options.days = value.parse()?,
            "--seed" => options.seed = value.parse()?,
            "--start" => options.start = Timestamp::parse(&value)?,
            "--region" => options.region = value,
            "--pricing" => pricing = Some(PathBuf::from(value)),
            "--out" => out = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown flag {flag}").into()),
        }
    }
    let catalog = match pricing {
        Some(dir) => Catalog::with_overrides(&dir)?,
        None => Catalog::embedded()?,
    };
    let rows = match out {
        Some(path) => generate(&options, &catalog, std::fs::File::create(path)?)?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            let rows = generate(&options, &catalog, &mut lock)?;
            lock.flush()?;
            rows
        }
    };
    eprintln!("{rows} rows");
    Ok(())
}
