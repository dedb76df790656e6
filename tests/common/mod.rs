//! Shared helpers: run a scenario written inline through the library with the frozen test
//! catalog (tests/data/pricing), and collect what came out.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use ec2plan::billing::Totals;
use ec2plan::clock::{Seconds, Timestamp};
use ec2plan::lifecycle::{Span, Timings};
use ec2plan::pricing::Catalog;
use ec2plan::scenario::{Defaults, EventReader};
use ec2plan::simulation::{simulate, Options, Outcome, TimelineSink};
use ec2plan::Error;
use rust_decimal::Decimal;
use std::path::PathBuf;

pub fn test_pricing_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pricing")
}

pub fn test_catalog() -> Catalog {
    Catalog::with_overrides(&test_pricing_dir()).expect("the test catalog loads")
}

/// One timeline row as the tests look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub instance: String,
    pub state: &'static str,
    pub seconds: u64,
    pub billed: u64,
}

#[derive(Default)]
pub struct Collect(pub Vec<Row>);

impl TimelineSink for Collect {
    /// Keeps what timeline.csv shows: zero-length transitions only when they carry a bill.
    fn record(&mut self, span: &Span, billed_seconds: u64) -> Result<(), Error> {
        if span.end == span.start && billed_seconds == 0 {
            return Ok(());
        }
        self.0.push(Row {
            instance: span.spec.name.to_string(),
            state: span.state.name(),
            seconds: span.end.since(span.start).0,
            billed: billed_seconds,
        });
        Ok(())
    }
}

pub struct Run {
    pub outcome: Outcome,
    pub timeline: Vec<Row>,
}

impl Run {
    pub fn totals(&self) -> &Totals {
        &self.outcome.ledgers[0].1.overall
    }

    /// The timeline as (state, seconds, billed seconds).
    pub fn rows(&self) -> Vec<(&'static str, u64, u64)> {
        self.timeline
            .iter()
            .map(|r| (r.state, r.seconds, r.billed))
            .collect()
    }
}

/// Replays `csv` (a whole event log, header included) with the given options.
pub fn replay_with(csv: &str, options: Options) -> Result<Run, Error> {
    let catalog = test_catalog();
    let mut reader = EventReader::new("test.csv", csv.as_bytes(), &catalog, Defaults::default())?;
    let mut timeline = Collect::default();
    let outcome = simulate(&mut reader, &catalog, &options, &mut timeline)?;
    Ok(Run {
        outcome,
        timeline: timeline.0,
    })
}

/// Replays with every transition instantaneous except hibernating (as given).
pub fn replay(csv: &str) -> Run {
    replay_with(csv, instant()).expect("the scenario replays")
}

/// Timings with every transition taking no time.
pub fn instant() -> Options {
    Options {
        timings: Timings {
            pending: Seconds(0),
            stopping: Seconds(0),
            hibernating: Seconds(0),
            shutting_down: Seconds(0),
        },
        until: None,
        reserved: None,
        keep_charges: false,
        spot: false,
        mixed: None,
        skip_on_demand: false,
        same_thread: false,
        spot_paths: None,
    }
}

pub fn until(options: Options, time: &str) -> Options {
    Options {
        until: Some(Timestamp::parse(time).expect("a valid time")),
        ..options
    }
}

/// The error message of a scenario that must fail.
pub fn error_of(csv: &str) -> String {
    match replay_with(csv, instant()) {
        Ok(_) => panic!("the scenario was accepted but must be refused:\n{csv}"),
        Err(e) => e.to_string(),
    }
}

pub fn usd(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// Replays with reservations of the test catalog's illustrative prices (m5.large: $0.06/h
/// no upfront; m5.xlarge: $0.12/h) held for the whole replay.
pub fn replay_reserved(
    csv: &str,
    reservations: &[(&str, u64)],
    terms: ec2plan::pricing::OfferTerms,
) -> Run {
    let portfolio = ec2plan::strategy::Portfolio {
        reservations: reservations
            .iter()
            .map(|(t, n)| ec2plan::strategy::Reservation {
                instance_type: std::sync::Arc::from(*t),
                region: std::sync::Arc::from("us-east-1"),
                os: std::sync::Arc::from("linux"),
                count: *n,
            })
            .collect(),
        terms,
    };
    let options = Options {
        reserved: Some(ec2plan::simulation::ReservedPlan::Fixed(portfolio)),
        ..instant()
    };
    replay_with(csv, options).expect("the scenario replays")
}

/// Replays with `--reserve auto` and the given offer terms.
pub fn replay_auto(csv: &str, terms: ec2plan::pricing::OfferTerms) -> Run {
    let options = Options {
        reserved: Some(ec2plan::simulation::ReservedPlan::Auto(terms)),
        ..instant()
    };
    replay_with(csv, options).expect("the scenario replays")
}

impl Run {
    /// The reserved strategy's totals.
    pub fn reserved(&self) -> &Totals {
        &self.outcome.ledgers[1].1.overall
    }

    pub fn stats(&self) -> &ec2plan::strategy::ReservedStats {
        &self
            .outcome
            .reserved
            .as_ref()
            .expect("reserved was priced")
            .stats
    }
}

/// Replays a desired-capacity schedule with `--set` flags and `--until`.
pub fn replay_schedule(csv: &str, sets: &[&str], until_time: Option<&str>) -> Result<Run, Error> {
    let catalog = test_catalog();
    let flags: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let overrides = ec2plan::scenario::Overrides::parse(&flags, &catalog).map_err(Error::Usage)?;
    let defaults = Defaults {
        overrides,
        ..Defaults::default()
    };
    let until_at = until_time.map(|t| Timestamp::parse(t).expect("a valid time"));
    let scaling = ec2plan::scenario::Scaling {
        factor: None,
        until: until_at,
    };
    let mut reader = ec2plan::scenario::ScheduleReader::new(
        "schedule.csv",
        csv.as_bytes(),
        &catalog,
        defaults,
        &scaling,
    )?;
    let options = Options {
        until: until_at,
        ..instant()
    };
    let mut timeline = Collect::default();
    let outcome = simulate(&mut reader, &catalog, &options, &mut timeline)?;
    Ok(Run {
        outcome,
        timeline: timeline.0,
    })
}

/// The event log a schedule expands to, as `ec2plan expand` writes it.
pub fn expand(csv: &str, until_time: Option<&str>) -> String {
    use ec2plan::scenario::EventSource;
    let catalog = test_catalog();
    let scaling = ec2plan::scenario::Scaling {
        factor: None,
        until: until_time.map(|t| Timestamp::parse(t).expect("a valid time")),
    };
    let mut reader = ec2plan::scenario::ScheduleReader::new(
        "schedule.csv",
        csv.as_bytes(),
        &catalog,
        Defaults::default(),
        &scaling,
    )
    .expect("the schedule reads");
    let mut writer = ec2plan::scenario::EventLogWriter::new(Vec::new()).expect("header written");
    while let Some(event) = reader.next_event().expect("events") {
        writer.write(&event).expect("row written");
    }
    String::from_utf8(writer.finish().expect("flushed")).expect("UTF-8")
}

/// The line items of a run and their exact EffectiveCost (charges must have been kept).
pub fn focus_items(
    run: &Run,
    period: ec2plan::clock::Period,
) -> (
    Vec<ec2plan::report::focus::LineItem>,
    Vec<rust_decimal::Decimal>,
) {
    use ec2plan::report::focus::{line_items, Reservations};
    let catalog = test_catalog();
    let outcome = &run.outcome;
    let window = (outcome.start, outcome.horizon);
    let allocation = match (&outcome.reserved, &outcome.pools) {
        (Some(fit), Some(pools)) => Some((
            ec2plan::strategy::allocation::allocate(pools, &fit.portfolio, &catalog, window)
                .unwrap(),
            &fit.portfolio,
        )),
        _ => None,
    };
    let reservations = allocation
        .as_ref()
        .map(|(allocation, portfolio)| Reservations::new(allocation, portfolio, &catalog));
    let items = line_items(outcome, period, reservations.as_ref()).unwrap();
    let effective = items.iter().map(|i| i.effective).collect();
    (items, effective)
}

/// Options that keep charges for line items.
pub fn keeping(options: Options) -> Options {
    Options {
        keep_charges: true,
        ..options
    }
}

/// Replays with the Spot and mixed strategies metered (markets set as the CLI does).
pub fn replay_markets(csv: &str, distribution: ec2plan::strategy::market::Distribution) -> Run {
    let catalog = test_catalog();
    let reader = EventReader::new("test.csv", csv.as_bytes(), &catalog, Defaults::default())
        .expect("the scenario reads");
    let mut assigner =
        ec2plan::strategy::market::MarketAssigner::new(Box::new(reader), &catalog, distribution);
    let options = Options {
        spot: true,
        mixed: Some(distribution),
        ..instant()
    };
    let mut timeline = Collect::default();
    let outcome =
        simulate(&mut assigner, &catalog, &options, &mut timeline).expect("the scenario replays");
    Run {
        outcome,
        timeline: timeline.0,
    }
}

impl Run {
    /// The totals of one strategy.
    pub fn of(&self, strategy: ec2plan::strategy::Strategy) -> &Totals {
        &self
            .outcome
            .ledgers
            .iter()
            .find(|(s, _)| *s == strategy)
            .expect("the strategy was priced")
            .1
            .overall
    }
}

/// Writes a scratch file `name` in `dir` (a test's temporary directory) and returns its path
/// as the text a command line takes.
pub fn write(dir: &std::path::Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("scratch file written");
    path.display().to_string()
}

/// The ec2plan binary, ready for arguments.
pub fn ec2plan() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("ec2plan").expect("the binary is built")
}

/// Standard output of a run that must succeed (its standard error in the failure message).
pub fn stdout_of(command: &mut assert_cmd::Command) -> String {
    let output = command.output().expect("ec2plan runs");
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// `simulate --format csv`'s On-Demand row: compute, storage, IPv4, commitment, total and
/// billed seconds.
pub fn on_demand_figures(summary_csv: &str) -> String {
    let row = summary_csv
        .lines()
        .find(|l| l.starts_with("on-demand,"))
        .expect("an on-demand row");
    row.split(',').skip(1).take(6).collect::<Vec<_>>().join(",")
}
