//! `ec2plan pricing import`: AWS offer files in, catalog files out.

use crate::error::Error;
use crate::pricing::import::OfferImporter;
use crate::pricing::spot_import::SpotImporter;
use crate::pricing::Catalog;
use crate::report::OutputDir;
use std::fs::File;
use std::io::{BufReader, Read};
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
    let mut spot = SpotImporter::default();
    let mut offers = 0;
    let mut dir = OutputDir::create(out)?;
    for path in files {
        let label = path.display().to_string();
        let (spot_dump, input) = open_sniffed(path)?;
        if spot_dump {
            spot.read(&label, input)?;
            continue;
        }
        importer.read(&label, BufReader::new(input))?;
        offers += 1;
    }
    let mut report = String::new();
    if offers > 0 {
        let imported = importer.finish();
        dir.write("instance_types.csv", imported.instance_types_csv.as_bytes())?;
        dir.write("on_demand.csv", imported.on_demand_csv.as_bytes())?;
        dir.write("reserved.csv", imported.reserved_csv.as_bytes())?;
        dir.write("ebs.csv", imported.ebs_csv.as_bytes())?;
        let c = imported.counts;
        report.push_str(&format!(
            "read {} rows from {offers} offer file(s), kept {} On-Demand and {} Reserved prices for {} instance types \
             and {} EBS prices, skipped {} rows\n",
            c.rows_read, c.on_demand, c.reserved, c.instance_types, c.ebs, c.skipped,
        ));
    }
    if !spot.is_empty() {
        let (text, rows) = spot.finish();
        dir.write("spot_prices.csv", text.as_bytes())?;
        let repeats = match spot.repeated() {
            0 => String::new(),
            1 => " (1 record repeated another exactly and was kept once)".to_string(),
            n => format!(" ({n} records repeated others exactly and were kept once)"),
        };
        report.push_str(&format!("kept {rows} Spot price records{repeats}\n"));
    }
    dir.commit()?;
    report.push_str(&format!(
        "wrote them to {}\nuse them with: ec2plan simulate SCENARIO.csv --pricing {}\n",
        out.display(),
        out.display()
    ));
    Ok(report)
}

/// Opens `path` once (a pipe or FIFO can be read only once) and tells whether it is a Spot
/// history dump, which is JSON, or an offer file, which is CSV: a name ending in `.json`
/// says so (then whatever the file holds is read as JSON, and refused as JSON); otherwise
/// its first bytes tell. The bytes looked at are handed back in front of the rest.
fn open_sniffed(path: &Path) -> Result<(bool, impl Read), Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(read_error)?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    // A pipe hands over what it has; read until the head is full or the input ends.
    (&file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(read_error)?;
    let spot_dump = json || SpotImporter::recognizes(&String::from_utf8_lossy(&head));
    Ok((spot_dump, std::io::Cursor::new(head).chain(file)))
}

/// How much of a file is looked at to tell a Spot dump from an offer file.
const SNIFF_BYTES: usize = 4096;
