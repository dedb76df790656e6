//! The CSV read floor: the csv crate reading every record of a file into one reused
//! `ByteRecord`, with no parsing beyond CSV itself. Any reader built on the csv crate costs
//! at least this much; `scripts/compare-speed.sh` compares `ec2plan simulate` with it.
//!
//! ```sh
//! cargo run --release --example read_floor -- FILE.csv
//! cargo run --release --example read_floor -- FILE.csv --lookup
//! ```
//!
//! With `--lookup`, each row also finds its instance (the second column) in a hash map of
//! every instance seen and adds its time to a 32-byte state kept for that instance: the least
//! any replay that keeps state per instance must do per row, one random access among all the
//! instances. (It checks nothing, so it is a floor, not an event-log reader.)
//!
//! Prints `rows=N bytes=N seconds=S rows_per_s=R mb_per_s=M` (MB = 10^6 bytes).

use std::error::Error;
use std::io::BufReader;
use std::time::Instant;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: read_floor FILE.csv [--lookup]")?;
    let lookup = std::env::args().nth(2).as_deref() == Some("--lookup");
    let started = Instant::now();
    let file = std::fs::File::open(&path)?;
    let bytes = file.metadata()?.len();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(BufReader::new(file));
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    // Names up to 23 bytes are kept inside the map's slots (as ec2plan's name table does), so
    // finding one costs the slot's cache line, not a pointer chase too.
    let mut ids: hashbrown::HashMap<[u8; 24], u32> = hashbrown::HashMap::new();
    let mut long_ids: hashbrown::HashMap<Box<[u8]>, u32> = hashbrown::HashMap::new();
    let mut states: Vec<[u64; 4]> = Vec::new();
    while csv.read_byte_record(&mut record)? {
        rows += 1;
        if lookup {
            let name = record.get(1).unwrap_or_default();
            let next = states.len() as u32;
            let id = if name.len() < 24 {
                let mut key = [0u8; 24];
                key[0] = name.len() as u8;
                key[1..=name.len()].copy_from_slice(name);
                *ids.entry(key).or_insert(next)
            } else {
                *long_ids.entry(name.into()).or_insert(next)
            } as usize;
            if id == states.len() {
                states.push([0; 4]);
            }
            let time = record.get(0).map_or(0, |t| t.len() as u64);
            states[id][0] += time;
            states[id][1] += 1;
        }
    }
    std::hint::black_box(&states);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "rows={rows} bytes={bytes} seconds={seconds:.3} rows_per_s={:.0} mb_per_s={:.1}",
        rows as f64 / seconds,
        bytes as f64 / 1e6 / seconds
    );
    Ok(())
}
