//! Throughput of the scenario pipeline on a generated event log (`ec2plan::generate`).
//!
//! ```sh
//! cargo bench --bench throughput                       # 200,000 rows, 5 timed runs each
//! EC2PLAN_BENCH_ROWS=2000000 cargo bench --bench throughput
//! cargo bench --bench throughput -- reader simulate    # only benches whose name contains a word
//! ```
//!
//! A plain harness (no criterion): each bench runs once to warm up, then
//! `EC2PLAN_BENCH_ITERS` times (default 5), and prints the fastest and the median time with
//! the rows/s and MB/s (10^6 bytes of CSV) of the median. The log is generated in memory with
//! `ROWS / 20` instances over 365 days (about 20 rows per instance), so the benches measure
//! CPU, not the disk:
//!
//! - `generate`: writing the log (into `io::sink`).
//! - `csv-read-floor`: the csv crate reading every record into one reused `ByteRecord`, the
//!   least any CSV-based reader can cost.
//! - `scenario-reader`: ec2plan's `EventReader` (parsing, validation, instance table).
//! - `simulate-on-demand`: the whole On-Demand replay and pricing (`simulate`).
//! - `simulate-reserved-auto`: the same with `--reserve auto` (1yr standard no-upfront):
//!   hourly usage, a recommendation for every pool and size, and the reserved ledger.
//! - `simulate-all-strategies`: On-Demand, Spot, mixed (half On-Demand) and `--reserve auto`
//!   in one replay, as `simulate --strategy all` runs them.
//! - `spot-trials`: `simulate --strategy spot --interruptions advisor --trials N` (N from
//!   `EC2PLAN_BENCH_TRIALS`, default 100) on its own log of 1,000 instances over the year
//!   (about 20,000 rows), on every core; its rows are the log's rows times the trials.
//!
//! - `finance-report`: what `--out` adds for line items and charts: an On-Demand replay
//!   keeping its charges, then the daily FOCUS line items (built, sorted, reconciled to the
//!   cent, written into `io::sink`), `monthly.csv` and the charts (PNG files in a temporary
//!   directory), on the 1,000-instance log of `spot-trials`.
//!
//! - `catalog-one-region`: the embedded catalog built and one region's rows read (what every
//!   run's start costs).
//! - `smallest-scenario`: `ec2plan simulate scenarios/nightly-batch.csv` as a new process, all
//!   four strategies: what a user waits for at the terminal.
//!
//! Every bench uses the bundled catalog (real Reserved and Spot prices); the reserved ones
//! buy 1-year standard No Upfront reservations (Linux has them in every generated region).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ec2plan::clock::{Seconds, Timestamp};
use ec2plan::generate::{write_event_log, GenerateKind, GenerateOptions, ROWS_PER_INSTANCE};
use ec2plan::pricing::{Catalog, OfferTerms};
use ec2plan::scenario::{Defaults, EventReader, EventSource};
use ec2plan::simulation::{simulate, NoTimeline, Options, ReservedPlan};
use ec2plan::strategy::market::{Distribution, MarketAssigner};
use ec2plan::trials::{self, TrialPlan};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .replace(['_', ','], "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a whole number")),
        Err(_) => default,
    }
}

struct Bench {
    filters: Vec<String>,
    iterations: u64,
}

impl Bench {
    /// Times `run` (which returns the rows it handled) and prints one line.
    fn run(&self, name: &str, bytes: usize, mut run: impl FnMut() -> u64) {
        if !self.filters.is_empty() && !self.filters.iter().any(|f| name.contains(f.as_str())) {
            return;
        }
        let rows = black_box(run());
        let mut times: Vec<Duration> = (0..self.iterations)
            .map(|_| {
                let started = Instant::now();
                let handled = black_box(run());
                let elapsed = started.elapsed();
                assert_eq!(handled, rows, "{name}: runs handled different rows");
                elapsed
            })
            .collect();
        times.sort();
        let fastest = times[0].as_secs_f64();
        let median = times[times.len() / 2].as_secs_f64();
        println!(
            "{name:<24} {rows:>10} {mb:>9.1} {fastest:>9.3} {median:>9.3} {rps:>12.0} {mbps:>8.1}",
            mb = bytes as f64 / 1e6,
            rps = rows as f64 / median,
            mbps = bytes as f64 / 1e6 / median,
        );
    }
}

fn options(instances: u64) -> GenerateOptions {
    GenerateOptions {
        instances,
        days: 365,
        seed: 1,
        start: Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
        kind: GenerateKind::EventLog,
        region: "us-east-1".to_string(),
    }
}

fn generate(options: &GenerateOptions, catalog: &Catalog) -> (Vec<u8>, u64) {
    let mut log = Vec::new();
    let rows = write_event_log(options, catalog, &mut log).unwrap();
    (log, rows)
}

fn read_floor(log: &[u8]) -> u64 {
    let mut csv = csv::ReaderBuilder::new().has_headers(true).from_reader(log);
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while csv.read_byte_record(&mut record).unwrap() {
        rows += 1;
    }
    rows
}

fn scenario_reader(log: &[u8], catalog: &Catalog) -> u64 {
    let mut reader = EventReader::new("bench.csv", log, catalog, Defaults::default()).unwrap();
    let mut rows = 0;
    while let Some(event) = reader.next_event().unwrap() {
        black_box(&event);
        rows += 1;
    }
    rows
}

fn replay(log: &[u8], catalog: &Catalog, options: &Options) -> u64 {
    let mut reader = EventReader::new("bench.csv", log, catalog, Defaults::default()).unwrap();
    let outcome = simulate(&mut reader, catalog, options, &mut NoTimeline).unwrap();
    black_box(&outcome.ledgers);
    outcome.events
}

/// Every strategy in one replay, as `simulate --strategy all` runs it: launches given their
/// Spot and mixed markets (half On-Demand above a base of 0), then On-Demand, Spot, mixed
/// and `--reserve auto`.
fn replay_all(log: &[u8], catalog: &Catalog, reserved: &Options) -> u64 {
    let reader = EventReader::new("bench.csv", log, catalog, Defaults::default()).unwrap();
    let half = Distribution {
        base: 0,
        above_base_pct: 50,
    };
    let mut markets = MarketAssigner::new(Box::new(reader), catalog, half);
    let options = Options {
        spot: true,
        mixed: Some(half),
        ..reserved.clone()
    };
    let outcome = simulate(&mut markets, catalog, &options, &mut NoTimeline).unwrap();
    black_box(&outcome.ledgers);
    outcome.events
}

/// Seeded Spot trials of the advisor interruption model, as `--trials` runs them (the
/// CLI's default two minutes to a replacement).
fn spot_trials(log: &[u8], rows: u64, catalog: &Catalog, trials: u64) -> u64 {
    let open = || -> Result<Box<dyn EventSource + '_>, ec2plan::error::Error> {
        let reader = EventReader::new("bench.csv", log, catalog, Defaults::default())?;
        Ok(Box::new(reader))
    };
    let plan = TrialPlan {
        trials,
        seed: 42,
        replace_after: Seconds(120),
        until: None,
        spot: true,
        mixed: None,
        daily: false,
    };
    let results = trials::run(&open, catalog, &Options::default(), plan).unwrap();
    black_box(&results);
    rows * results.len() as u64
}

/// The line items, `monthly.csv` and charts of an On-Demand replay, as `--out` writes them
/// (daily items, made from the charges as the replay books them; the timeline is left out).
fn finance_report(log: &[u8], catalog: &Catalog, charts: &Path) -> u64 {
    use ec2plan::clock::Period;
    use ec2plan::report::finance::{ItemFiles, LineItemFile, LineItemStream, ITEMS_PER_RUN};
    use ec2plan::report::focus::monthly_csv;
    use ec2plan::simulation::simulate_with;
    use ec2plan::strategy::Strategy;
    let mut reader = EventReader::new("bench.csv", log, catalog, Defaults::default()).unwrap();
    let file = LineItemFile {
        scenario: "bench.csv",
        runs: &charts.join("line-item-runs"),
        per_run: ITEMS_PER_RUN,
    };
    let target = charts.join("line_items.csv");
    let mut items = LineItemStream::new(file, Period::Daily, vec![Strategy::OnDemand], target);
    let options = Options::default();
    let outcome = simulate_with(
        &mut reader,
        catalog,
        &options,
        &mut NoTimeline,
        Some(&mut items),
    )
    .unwrap();
    let written = std::sync::atomic::AtomicU64::new(0);
    let finance = items
        .finish(
            ItemFiles {
                csv: Some(std::io::sink()),
                parquet: None,
            },
            &outcome,
            None,
            &written,
        )
        .unwrap();
    let totals = (&finance.spending, &finance.fleet);
    let drawn =
        ec2plan::report::charts::draw_all(charts, "bench", &outcome, totals, None, None).unwrap();
    black_box((
        monthly_csv(&finance.spending.monthly, &outcome.ledgers).unwrap(),
        drawn,
    ));
    outcome.events
}

/// `ec2plan simulate` on the smallest bundled scenario, as a user runs it: a new process
/// that loads the catalog (the region it uses), replays, prices every strategy and prints.
fn smallest_scenario() -> u64 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ec2plan"))
        .arg("simulate")
        .arg(root.join("scenarios/nightly-batch.csv"))
        .output()
        .unwrap();
    assert!(output.status.success());
    1
}

/// Building the embedded catalog and reading one region's deferred rows, the part of every
/// run's start that grows with the catalog.
fn catalog_one_region() -> u64 {
    let catalog = Catalog::embedded().unwrap();
    black_box(catalog.on_demand("us-east-1", "m5.large", "linux").unwrap());
    1
}

fn main() {
    let target_rows = env_number("EC2PLAN_BENCH_ROWS", 200_000);
    let bench = Bench {
        filters: std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with("--"))
            .collect(),
        iterations: env_number("EC2PLAN_BENCH_ITERS", 5).max(1),
    };
    let instances = (target_rows / ROWS_PER_INSTANCE).max(1);
    let catalog = Catalog::embedded().unwrap();
    let started = Instant::now();
    let (log, rows) = generate(&options(instances), &catalog);
    println!(
        "event log: {rows} rows, {instances} instances, 365 days, {:.1} MB (generated in {:.2} s)",
        log.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<24} {:>10} {:>9} {:>9} {:>9} {:>12} {:>8}",
        "bench", "rows", "MB", "fastest_s", "median_s", "rows/s", "MB/s"
    );

    bench.run("generate", log.len(), || {
        write_event_log(&options(instances), &catalog, std::io::sink()).unwrap()
    });
    bench.run("csv-read-floor", log.len(), || read_floor(&log));
    bench.run("scenario-reader", log.len(), || {
        scenario_reader(&log, &catalog)
    });
    bench.run("simulate-on-demand", log.len(), || {
        replay(&log, &catalog, &Options::default())
    });

    let dir: PathBuf = std::env::temp_dir().join(format!("ec2plan-bench-{}", std::process::id()));
    let priced = &catalog;
    let reserved = Options {
        reserved: Some(ReservedPlan::Auto(OfferTerms::default())),
        ..Options::default()
    };
    bench.run("simulate-reserved-auto", log.len(), || {
        replay(&log, priced, &reserved)
    });
    bench.run("simulate-all-strategies", log.len(), || {
        replay_all(&log, priced, &reserved)
    });
    let trials = env_number("EC2PLAN_BENCH_TRIALS", 100).max(1);
    let (fleet, fleet_rows) = generate(&options(1_000), &catalog);
    bench.run("spot-trials", fleet.len() * trials as usize, || {
        spot_trials(&fleet, fleet_rows, priced, trials)
    });
    let charts = dir.join("charts");
    std::fs::create_dir_all(&charts).unwrap();
    bench.run("finance-report", fleet.len(), || {
        finance_report(&fleet, priced, &charts)
    });
    std::fs::remove_dir_all(&dir).ok();
    bench.run("catalog-one-region", 0, catalog_one_region);
    bench.run("smallest-scenario", 0, smallest_scenario);
}
