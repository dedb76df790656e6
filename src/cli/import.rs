//! `ec2plan pricing import`: AWS offer files in, catalog files out.

use crate::error::Error;
use crate::pricing::import::OfferImporter;
use crate::pricing::Catalog;
use crate::report::OutputDir;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

pub fn run(files: &[PathBuf], out: &Path) -> Result<String, Error> {
    let catalog = Catalog::embedded()?;
    let platforms = catalog
        .os_names()
        .filter_map(|os| {
            catalog
                .platform(os)
                .map(|p| (p.price_list_name.clone(), os.to_string()))
        })
        .collect();
    let mut importer = OfferImporter::new(platforms);
    let mut dir = OutputDir::create(out)?;
    for path in files {
        let file = File::open(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        importer.read(&path.display().to_string(), BufReader::new(file))?;
    }
    let imported = importer.finish();
    dir.write("instance_types.csv", imported.instance_types_csv.as_bytes())?;
    dir.write("on_demand.csv", imported.on_demand_csv.as_bytes())?;
    dir.write("reserved.csv", imported.reserved_csv.as_bytes())?;
    dir.write("ebs.csv", imported.ebs_csv.as_bytes())?;
    dir.commit()?;
    let c = imported.counts;
    Ok(format!(
        "read {} rows from {} file(s), kept {} On-Demand and {} Reserved prices for {} instance types \
         and {} EBS prices, skipped {} rows; wrote them to {}\n\
         use them with: ec2plan simulate SCENARIO.csv --pricing {}\n",
        c.rows_read,
        files.len(),
        c.on_demand,
        c.reserved,
        c.instance_types,
        c.ebs,
        c.skipped,
        out.display(),
        out.display()
    ))
}
