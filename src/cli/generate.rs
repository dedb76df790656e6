//! `ec2plan generate`: synthetic workloads.

use super::GenerateArgs;
use crate::error::Error;
use crate::generate::{generate, GenerateKind, GenerateOptions};
use crate::pricing::Catalog;
use crate::report::write_file;
use std::io::Write;

pub fn run(args: &GenerateArgs) -> Result<String, Error> {
    let catalog = match &args.pricing {
        Some(dir) => Catalog::with_overrides(dir)?,
        None => Catalog::embedded()?,
    };
    if !catalog.has_region(&args.region) {
        return Err(Error::Usage(format!(
            "--region {:?} is not in the price catalog",
            crate::location::excerpt(&args.region)
        )));
    }
    let options = GenerateOptions {
        instances: args.instances,
        days: args.days,
        seed: args.seed,
        start: args.start,
        kind: if args.schedule {
            GenerateKind::Schedule
        } else {
            GenerateKind::EventLog
        },
        region: args.region.clone(),
    };
    crate::generate::check_options(&options, &catalog)
        .map_err(|problem| Error::Usage(format!("cannot generate: {problem}")))?;
    let Some(path) = &args.out else {
        // Streamed straight to standard output: a large workload never sits in memory.
        let stdout = std::io::stdout().lock();
        let mut writer = std::io::BufWriter::new(stdout);
        generate(&options, &catalog, &mut writer)
            .map_err(|e| Error::write("standard output", e))?;
        writer
            .flush()
            .map_err(|e| Error::write("standard output", e))?;
        return Ok(String::new());
    };
    let mut rows = 0;
    write_file(path, |staged| {
        let file = std::fs::File::create(staged).map_err(|e| Error::write(path, e))?;
        let mut writer = std::io::BufWriter::new(file);
        rows = generate(&options, &catalog, &mut writer).map_err(|e| Error::write(path, e))?;
        writer.flush().map_err(|e| Error::write(path, e))
    })?;
    Ok(format!("wrote {rows} rows to {}\n", path.display()))
}
