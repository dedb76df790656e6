//! The CSV read floor: the csv crate reading every record of a file into one reused
//! `ByteRecord`, with no parsing beyond CSV itself. Any reader built on the csv crate costs
//! at least this much; `scripts/compare-speed.sh` compares `ec2plan simulate` with it.
//!
//! ```sh
//! cargo run --release --example read_floor -- FILE.csv
//! ```
//!
//! Prints `rows=N bytes=N seconds=S rows_per_s=R mb_per_s=M` (MB = 10^6 bytes).

use std::error::Error;
use std::io::BufReader;
use std::time::Instant;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: read_floor FILE.csv")?;
    let started = Instant::now();
    let file = std::fs::File::open(&path)?;
    let bytes = file.metadata()?.len();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(BufReader::new(file));
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while csv.read_byte_record(&mut record)? {
        rows += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "rows={rows} bytes={bytes} seconds={seconds:.3} rows_per_s={:.0} mb_per_s={:.1}",
        rows as f64 / seconds,
        bytes as f64 / 1e6 / seconds
    );
    Ok(())
}
