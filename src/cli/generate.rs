//! `ec2plan generate`: synthetic workloads.

use super::GenerateArgs;
use crate::error::Error;
use crate::generate::{generate, GenerateKind, GenerateOptions};
use crate::pricing::Catalog;
use crate::report::OutputDir;
use std::io::Write;

pub fn run(args: &GenerateArgs) -> Result<String, Error> {
    let catalog = match &args.pricing {
        Some(dir) => Catalog::with_overrides(dir)?,
        None => Catalog::embedded()?,
    };
    if !catalog.has_region(&args.region) {
        return Err(Error::Usage(format!(
            "--region {:?} is not in the price catalog",
            args.region
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
    let Some(path) = &args.out else {
        let mut bytes = Vec::new();
        generate(&options, &catalog, &mut bytes).map_err(|e| Error::write("standard output", e))?;
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("--out {} names no file", path.display())))?;
    let mut out = OutputDir::create(&dir)?;
    let staged = out.path(&name);
    let file = std::fs::File::create(&staged).map_err(|e| Error::write(path, e))?;
    let mut writer = std::io::BufWriter::new(file);
    let rows = generate(&options, &catalog, &mut writer).map_err(|e| Error::write(path, e))?;
    writer.flush().map_err(|e| Error::write(path, e))?;
    drop(writer);
    out.commit()?;
    Ok(format!("wrote {rows} rows to {}\n", path.display()))
}
