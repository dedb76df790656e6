//! What each fuzz target does with its input. Shared, through `#[path]`, by the targets in
//! `fuzz_targets/` (nightly, cargo-fuzz) and by `tests/fuzz_corpus.rs` (stable), so the
//! regression test replays the corpora through exactly the code the fuzzer ran.
//!
//! Errors are expected and ignored: only a panic (or an abort, a timeout, running out of
//! memory) is a finding.
#![allow(dead_code)]

use ec2plan::clock::{Period, Seconds, Timestamp};
use ec2plan::pricing::import::OfferImporter;
use ec2plan::pricing::spot_import::SpotImporter;
use ec2plan::pricing::{Catalog, OfferTerms};
use ec2plan::report::finance::{write_line_items, LineItemFile};
use ec2plan::report::focus::{line_items, monthly_csv, write_focus_csv, Reservations};
use ec2plan::report::spending::Spending;
use ec2plan::report::Summary;
use ec2plan::scenario::{
    kind_of_header, Defaults, EventReader, EventSource, Kind, Scaling, ScheduleReader,
};
use ec2plan::simulation::{simulate, NoTimeline, Options, Outcome, ReservedPlan};
use ec2plan::strategy::allocation::allocate;
use ec2plan::strategy::market::{Distribution, MarketAssigner};
use ec2plan::strategy::{Portfolio, Reservation};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The repository root (`$EC2PLAN_ROOT` when set, for running the harness from elsewhere).
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    // CARGO_MANIFEST_DIR is `fuzz/` for the targets and the repository for the test.
    let given = std::env::var_os("EC2PLAN_ROOT").map(PathBuf::from);
    given
        .into_iter()
        .chain([here.to_path_buf(), here.join("..")])
        .find(|p| p.join("pricing/on_demand.csv").is_file())
        .expect("the repository (with pricing/) above the fuzz crate")
}

/// The repository's `pricing/` directory (the catalog compiled into the binary).
pub fn pricing_dir() -> PathBuf {
    repo_root().join("pricing")
}

/// The embedded catalog, loaded once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("the embedded catalog loads"))
}

/// The bundled catalog plus the test catalog's illustrative Reserved Instance prices
/// (tests/data/pricing/reserved.csv: m5.large and m5.xlarge in us-east-1) and Spot history
/// (m5.large in us-east-1), so that `--reserve auto` and Spot have something to price.
pub fn catalog_all() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let dir = scratch_dir("simulate-all");
        let test = repo_root().join("tests/data/pricing");
        // Without the test catalog's own `hourly-ami` platform, which the bundled one lacks.
        let reserved: String = std::fs::read_to_string(test.join("reserved.csv"))
            .expect("test reserved.csv read")
            .lines()
            .filter(|l| !l.contains("hourly-ami"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(dir.join("reserved.csv"), reserved).expect("reserved.csv written");
        let bundled = std::fs::read_to_string(pricing_dir().join("spot_prices.csv"))
            .expect("spot_prices.csv read");
        let extra = std::fs::read_to_string(test.join("spot_prices.csv"))
            .expect("test spot_prices.csv read");
        let rows: String = extra
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("availability_zone"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(dir.join("spot_prices.csv"), bundled + &rows).expect("spot_prices.csv");
        let catalog = Catalog::with_overrides(&dir).expect("the combined catalog loads");
        let _ = std::fs::remove_dir_all(&dir);
        catalog
    })
}

/// The `(price list name, os)` pairs of the catalog's platforms, as `pricing import` passes
/// them to the offer importer.
pub fn platforms() -> Vec<(String, String)> {
    let catalog = catalog();
    catalog
        .os_names()
        .filter_map(|os| {
            catalog
                .platform(os)
                .map(|p| (p.price_list_name.clone(), os.to_string()))
        })
        .collect()
}

/// A per-process scratch directory `name`, holding a copy of every `pricing/*.csv` file.
/// Created once; each input overwrites the files it is about. They live under
/// `$TMPDIR/ec2plan-fuzz/`; creating one removes those of processes that have ended (the
/// fuzzer runs each job in a new process, and the targets have no exit hook).
pub fn scratch_dir(name: &str) -> PathBuf {
    let parent = std::env::temp_dir().join("ec2plan-fuzz");
    let pid = std::process::id();
    let dir = parent.join(format!("{pid}-{name}"));
    if !dir.join("on_demand.csv").is_file() {
        remove_stale(&parent);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        for entry in std::fs::read_dir(pricing_dir()).expect("pricing/ lists") {
            let path = entry.expect("a pricing/ entry").path();
            if path.extension().is_some_and(|e| e == "csv") {
                let file_name = path.file_name().expect("a file name");
                std::fs::copy(&path, dir.join(file_name)).expect("pricing file copied");
            }
        }
    }
    dir
}

/// Removes the scratch directories of processes that no longer run (Linux: `/proc/<pid>`).
fn remove_stale(parent: &Path) {
    let proc_fs = Path::new("/proc/self");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    if !proc_fs.exists() {
        return;
    }
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.split('-').next()) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn static_scratch(cell: &'static OnceLock<PathBuf>, name: &str) -> &'static Path {
    cell.get_or_init(|| scratch_dir(name))
}

/// A small event log that the catalog and import targets price, through every strategy,
/// with a catalog that loaded: six hours on the day of the bundled Spot history
/// (c6i.2xlarge in eu-west-1), in the regions and volume types the bundled catalog prices.
const PROBE_SCENARIO: &str = "\
time,instance,action,instance_type,region,ebs_gb,ebs_type,public_ip,interruptible,group
2026-01-16T09:00:00Z,web-1,launch,m6i.large,us-east-1,20,gp3,none,true,web
2026-01-16T09:00:00Z,bastion,launch,t3.micro,us-east-1,8,gp2,elastic,false,bastion
2026-01-16T09:00:30Z,eu-1,launch,m5.large,eu-west-1,100,gp2,auto,true,eu
2026-01-16T09:00:30Z,etl-1,launch,c6i.2xlarge,eu-west-1,50,gp3,auto,true,etl
2026-01-16T11:00:00Z,eu-1,stop,,,,,,,
2026-01-16T12:00:00Z,eu-1,start,,,,,,,
2026-01-16T13:00:00Z,web-1,terminate,,,,,,,
2026-01-16T15:00:00Z,bastion,terminate,,,,,,,
2026-01-16T15:00:00Z,eu-1,terminate,,,,,,,
2026-01-16T15:00:00Z,etl-1,terminate,,,,,,,
";

// ---------------------------------------------------------------- scenario_reader

/// Event log bytes: the reader alone until its end or first error; then, if it read, the
/// whole pipeline On-Demand (`Options::default()`) and the summary.
pub fn scenario_reader(data: &[u8]) {
    let catalog = catalog();
    let Ok(mut reader) = EventReader::new("fuzz.csv", data, catalog, Defaults::default()) else {
        return;
    };
    while let Ok(Some(_)) = reader.next_event() {}

    let Ok(mut reader) = EventReader::new("fuzz.csv", data, catalog, Defaults::default()) else {
        return;
    };
    if let Ok(outcome) = simulate(&mut reader, catalog, &Options::default(), &mut NoTimeline) {
        let _ = Summary::new("fuzz.csv", &outcome).map(|s| (s.csv(), s.groups_csv()));
    }
}

// ---------------------------------------------------------------- simulate_all

/// An event log or a schedule (told apart by the header, as `simulate` does), priced by
/// every strategy (On-Demand, `--reserve auto`, Spot, mixed) with the FOCUS line items and
/// monthly totals `--out` writes, with [`catalog_all`]; then again with
/// `--reserve m5.large=2`. Slower per input than the reader targets, so separate.
pub fn simulate_all(data: &[u8]) {
    let catalog = catalog_all();
    let first_line = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let header = String::from_utf8_lossy(first_line);
    let names: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|n| n.trim().trim_matches('"'))
        .collect();
    let schedule = kind_of_header(&names) == Some(Kind::Schedule);
    let open = || -> Option<Box<dyn EventSource>> {
        if schedule {
            ScheduleReader::new(
                "fuzz.csv",
                data,
                catalog,
                Defaults::default(),
                &Scaling::default(),
            )
            .ok()
            .map(|r| Box::new(r) as Box<dyn EventSource>)
        } else {
            EventReader::new("fuzz.csv", data, catalog, Defaults::default())
                .ok()
                .map(|r| Box::new(r) as Box<dyn EventSource>)
        }
    };
    let Some(source) = open() else {
        return;
    };
    if !every_strategy(source, catalog) {
        return;
    }
    // `--reserve m5.large=2`: the type the combined catalog has Reserved Instance prices for.
    if let Some(source) = open() {
        let key = ["us-east-1", "m5.large", "linux"].map(String::from);
        with_plan(source, catalog, ReservedPlan::Fixed(two_reserved(&key)));
    }
}

/// The source priced by On-Demand, reserved (auto), Spot and mixed, with line items.
/// Whether it priced.
pub fn every_strategy<'a>(source: Box<dyn EventSource + 'a>, catalog: &'a Catalog) -> bool {
    with_plan(source, catalog, ReservedPlan::Auto(OfferTerms::default()))
}

/// The source priced by On-Demand, reserved (with `plan`), Spot and mixed, with line items.
/// Whether it priced.
fn with_plan<'a>(
    source: Box<dyn EventSource + 'a>,
    catalog: &'a Catalog,
    plan: ReservedPlan,
) -> bool {
    let distribution = Distribution {
        base: 1,
        above_base_pct: 50,
    };
    let mut assigner = MarketAssigner::new(source, catalog, distribution);
    let options = Options {
        reserved: Some(plan),
        keep_charges: true,
        spot: true,
        mixed: Some(distribution),
        ..Options::default()
    };
    match simulate(&mut assigner, catalog, &options, &mut NoTimeline) {
        Ok(outcome) => {
            let _ = Summary::new("fuzz.csv", &outcome).map(|s| (s.csv(), s.groups_csv()));
            finance(&outcome, catalog);
            true
        }
        Err(e) => {
            verbose(|| format!("every strategy: {e}"));
            false
        }
    }
}

/// An event log priced with two reservations of one type held (`--reserve TYPE=2`, in the
/// log's region and operating system), with line items.
fn with_two_reserved(catalog: &Catalog, data: &[u8], [region, instance_type, os]: &[String; 3]) {
    let Ok(reader) = EventReader::new("probe.csv", data, catalog, Defaults::default()) else {
        return;
    };
    let portfolio = two_reserved(&[region.clone(), instance_type.clone(), os.clone()]);
    with_plan(Box::new(reader), catalog, ReservedPlan::Fixed(portfolio));
}

/// Two reservations of (region, instance type, os), with the default offer terms.
fn two_reserved([region, instance_type, os]: &[String; 3]) -> Portfolio {
    Portfolio {
        reservations: vec![Reservation {
            instance_type: Arc::from(instance_type.as_str()),
            region: Arc::from(region.as_str()),
            os: Arc::from(os.as_str()),
            count: 2,
        }],
        terms: OfferTerms::default(),
    }
}

/// With `EC2PLAN_FUZZ_VERBOSE` set, prints why an input stopped early (to check that the
/// targets reach as far as intended).
fn verbose(message: impl FnOnce() -> String) {
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("EC2PLAN_FUZZ_VERBOSE").is_some()) {
        eprintln!("{}", message());
    }
}

/// FOCUS line items and monthly totals of an outcome (as `--out` writes them).
fn finance(outcome: &Outcome, catalog: &Catalog) {
    let window = (outcome.start, outcome.horizon);
    let allocation = match (&outcome.reserved, &outcome.pools) {
        (Some(fit), Some(pools)) => match allocate(pools, &fit.portfolio, catalog, window) {
            Ok(allocation) => Some((allocation, &fit.portfolio)),
            Err(_) => return,
        },
        _ => None,
    };
    let reservations = allocation
        .as_ref()
        .map(|(allocation, portfolio)| Reservations::new(allocation, portfolio, catalog));
    let Ok(items) = line_items(outcome, Period::Daily, reservations.as_ref()) else {
        return;
    };
    let mut held = Vec::new();
    let _ = write_focus_csv(&mut held, "fuzz.csv", &items);
    let window = (outcome.start, outcome.horizon);
    let spending = match Spending::of(&items, window) {
        Ok(spending) => spending,
        Err(e) => return verbose(|| format!("finance: {e}")),
    };
    let totals = match monthly_csv(&spending.monthly, &outcome.ledgers) {
        Ok(totals) => totals,
        Err(e) => return verbose(|| format!("finance: {e}")),
    };
    verbose(|| format!("finance: {} line items", items.len()));
    // The same file as `--out` writes it, sorted through about a hundred run files (of three
    // items at least, so that a few items spill too, and more than 64 merge in levels): it
    // must be the file the items held in memory give, byte for byte. (Runs of three items
    // made tens of thousands of files for a year of a daily schedule.)
    static SCRATCH: OnceLock<PathBuf> = OnceLock::new();
    // One directory per thread: the corpus test replays targets in parallel.
    let thread = format!("{:?}", std::thread::current().id());
    let runs = static_scratch(&SCRATCH, "finance").join(thread.replace(['(', ')'], "-"));
    let file = LineItemFile {
        scenario: "fuzz.csv",
        runs: &runs,
        per_run: (items.len() / 100).max(3),
    };
    let mut streamed = Vec::new();
    let finance = write_line_items(
        &mut streamed,
        file,
        outcome,
        Period::Daily,
        reservations.as_ref(),
    )
    .expect("the line items written through run files");
    assert!(
        held == streamed,
        "line_items.csv differs when sorted through run files"
    );
    assert_eq!(
        Some(totals),
        monthly_csv(&finance.spending.monthly, &outcome.ledgers).ok(),
        "monthly.csv differs"
    );
    assert!(!runs.exists(), "the run files were not removed");
}

// ---------------------------------------------------------------- schedule_reader

/// Desired-capacity schedule bytes: expanded with no `--scale` or `--until`, then priced
/// On-Demand (`Options::default()`) with the summary.
pub fn schedule_reader(data: &[u8]) {
    let catalog = catalog();
    let Ok(mut reader) = ScheduleReader::new(
        "fuzz.csv",
        data,
        catalog,
        Defaults::default(),
        &Scaling::default(),
    ) else {
        return;
    };
    if let Ok(outcome) = simulate(&mut reader, catalog, &Options::default(), &mut NoTimeline) {
        let _ = Summary::new("fuzz.csv", &outcome).map(|s| (s.csv(), s.groups_csv()));
    }
}

// ---------------------------------------------------------------- catalog_reader

/// `on_demand.csv` bytes, beside copies of the other `pricing/` files, loaded with
/// `Catalog::with_overrides`; a catalog that loads then prices a small scenario.
pub fn catalog_reader(data: &[u8]) {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    catalog_reader_in(static_scratch(&DIR, "catalog"), data);
}

pub fn catalog_reader_in(dir: &Path, data: &[u8]) {
    std::fs::write(dir.join("on_demand.csv"), data).expect("on_demand.csv written");
    let catalog = Catalog::with_overrides(dir);
    if let Err(e) = &catalog {
        verbose(|| format!("catalog: {e}"));
    }
    if let Ok(catalog) = catalog {
        probe(&catalog);
        // The fuzzed prices themselves: an instance on the file's first price.
        static EBS: OnceLock<String> = OnceLock::new();
        let ebs = EBS.get_or_init(|| {
            std::fs::read_to_string(pricing_dir().join("ebs.csv")).expect("ebs.csv read")
        });
        let text = String::from_utf8_lossy(data);
        probe_first_price(&catalog, &text, ebs);
    }
}

/// Prices a small event log on the first On-Demand price of `on_demand_csv` (and a volume
/// type of its region from `ebs_csv`), so that the fuzzed or imported prices get used: by
/// every strategy, then with two reservations of that type held.
fn probe_first_price(catalog: &Catalog, on_demand_csv: &str, ebs_csv: &str) {
    if let Some((scenario, key)) = first_price_probe(on_demand_csv, ebs_csv) {
        probe_with(catalog, scenario.as_bytes());
        with_two_reserved(catalog, scenario.as_bytes(), &key);
    }
}

/// The event log [`probe_first_price`] prices, and its (region, instance type, os).
fn first_price_probe(on_demand_csv: &str, ebs_csv: &str) -> Option<(String, [String; 3])> {
    let rows = |text: &'_ str| -> Vec<Vec<String>> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|l| l.split(',').map(|f| f.trim().to_string()).collect())
            .collect()
    };
    let first = rows(on_demand_csv).into_iter().find(|r| r.len() == 4)?;
    let (region, instance_type, os) = (&first[0], &first[1], &first[2]);
    let ebs_type = rows(ebs_csv)
        .into_iter()
        .find(|r| r.len() == 3 && r[0] == *region)
        .map_or_else(|| "gp3".to_string(), |r| r[1].clone());
    let scenario = format!(
        "time,instance,action,instance_type,region,os,ebs_type,interruptible\n\
         2026-01-16T09:00:00Z,a,launch,{instance_type},{region},{os},{ebs_type},true\n\
         2026-01-16T09:00:00Z,b,launch,{instance_type},{region},{os},{ebs_type},false\n\
         2026-01-16T10:30:00Z,a,stop,,,,,\n\
         2026-01-16T11:00:00Z,a,start,,,,,\n\
         2026-01-17T09:00:00Z,a,terminate,,,,,\n\
         2026-01-17T09:00:00Z,b,terminate,,,,,\n"
    );
    let key = [region.clone(), instance_type.clone(), os.clone()];
    Some((scenario, key))
}

/// Prices [`PROBE_SCENARIO`] with a catalog that loaded: On-Demand, then every strategy
/// with line items.
fn probe(catalog: &Catalog) {
    probe_with(catalog, PROBE_SCENARIO.as_bytes());
}

/// Prices an event log with a catalog: On-Demand, then every strategy with line items.
pub fn probe_with(catalog: &Catalog, data: &[u8]) {
    let Ok(mut reader) = EventReader::new("probe.csv", data, catalog, Defaults::default()) else {
        verbose(|| "probe: the probe scenario does not read".to_string());
        return;
    };
    if let Err(e) = simulate(&mut reader, catalog, &Options::default(), &mut NoTimeline) {
        verbose(|| format!("probe: {e}"));
        return;
    }
    let Ok(reader) = EventReader::new("probe.csv", data, catalog, Defaults::default()) else {
        return;
    };
    every_strategy(Box::new(reader), catalog);
}

// ---------------------------------------------------------------- spot_import

/// Bytes through `SpotImporter::read`, as `pricing import` streams a dump; what it imported
/// is written as `spot_prices.csv` and loaded as the catalog, as `simulate --pricing` would.
pub fn spot_import(data: &[u8]) {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    spot_import_in(static_scratch(&DIR, "spot"), data);
}

pub fn spot_import_in(dir: &Path, data: &[u8]) {
    let _ = SpotImporter::recognizes(&String::from_utf8_lossy(data));
    let mut importer = SpotImporter::default();
    if importer.read("fuzz.json", data).is_err() {
        return;
    }
    let (csv, _) = importer.finish();
    std::fs::write(dir.join("spot_prices.csv"), &csv).expect("spot_prices.csv written");
    let catalog = Catalog::with_overrides(dir);
    if let Err(e) = &catalog {
        verbose(|| format!("catalog: {e}"));
    }
    if let Ok(catalog) = catalog {
        probe(&catalog);
        if let Some((scenario, key)) = spot_probe(&csv, &catalog) {
            probe_with(&catalog, scenario.as_bytes());
            with_two_reserved(&catalog, scenario.as_bytes(), &key);
        }
    }
}

/// A small event log on the first imported Spot record: an interruptible instance of its
/// type, in its zone's region and the operating system its product prices, launched at
/// the record's time and run for a day (with a stop and start), so the imported prices
/// get used.
fn spot_probe(spot_csv: &str, catalog: &Catalog) -> Option<(String, [String; 3])> {
    let line = spot_csv.lines().filter(|l| !l.starts_with('#')).nth(1)?;
    let fields: Vec<&str> = line.split(',').collect();
    let [zone, instance_type, product, time, _price] = fields[..] else {
        return None;
    };
    let os = catalog.os_names().find(|os| {
        catalog
            .platform(os)
            .is_some_and(|p| p.spot_product == product)
    })?;
    let region = ec2plan::pricing::spot::region_of_zone(zone);
    let start = Timestamp::parse(time).ok()?;
    let at = |s: u64| start.plus(Seconds(s));
    let scenario = format!(
        "time,instance,action,instance_type,region,os,interruptible\n\
         {},a,launch,{instance_type},{region},{os},true\n\
         {},a,stop,,,,\n\
         {},a,start,,,,\n\
         {},a,terminate,,,,\n",
        at(0),
        at(5_400),
        at(7_200),
        at(86_400),
    );
    let key = [
        region.to_string(),
        instance_type.to_string(),
        os.to_string(),
    ];
    Some((scenario, key))
}

// ---------------------------------------------------------------- offer_import

/// Bytes as an AWS Price List offer file through `OfferImporter::read`; what it imported
/// is written as the catalog's four files and loaded, as `simulate --pricing` would.
pub fn offer_import(data: &[u8]) {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    offer_import_in(static_scratch(&DIR, "offer"), data);
}

pub fn offer_import_in(dir: &Path, data: &[u8]) {
    let mut importer = OfferImporter::new(platforms());
    if let Err(e) = importer.read("fuzz.csv", data) {
        verbose(|| format!("import: {e}"));
        return;
    }
    let imported = importer.finish();
    for (name, text) in [
        ("instance_types.csv", &imported.instance_types_csv),
        ("on_demand.csv", &imported.on_demand_csv),
        ("reserved.csv", &imported.reserved_csv),
        ("ebs.csv", &imported.ebs_csv),
    ] {
        std::fs::write(dir.join(name), text).expect("imported file written");
    }
    let catalog = Catalog::with_overrides(dir);
    if let Err(e) = &catalog {
        verbose(|| format!("catalog: {e}"));
    }
    if let Ok(catalog) = catalog {
        probe(&catalog);
        probe_first_price(&catalog, &imported.on_demand_csv, &imported.ebs_csv);
    }
}
