//! Spot and mixed strategies, worked by hand. Prices: m5.large On-Demand $0.096/h (real);
//! the test catalog's ILLUSTRATIVE Spot history: us-east-1a $0.036/h, $0.040/h from
//! 2026-03-02 01:00, $0.030/h from 02:00; us-east-1b $0.038/h throughout.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::*;
use ec2plan::money::Usd;
use ec2plan::strategy::market::Distribution;
use ec2plan::strategy::Strategy;

fn spot_only() -> Distribution {
    Distribution::default()
}

#[test]
fn a_spot_run_pays_each_price_in_effect() {
    // Launched 00:30 in the cheaper zone (us-east-1a, $0.036 < $0.038), terminated 02:30:
    // 30 min × 0.036 + 60 min × 0.040 + 30 min × 0.030 = 0.018 + 0.040 + 0.015 = $0.073.
    let run = replay_markets(
        "time,instance,action,instance_type,interruptible
2026-03-02T00:30:00Z,a,launch,m5.large,true
2026-03-02T02:30:00Z,a,terminate,,
",
        spot_only(),
    );
    assert_eq!(run.of(Strategy::Spot).compute.amount(), usd("0.073"));
    assert_eq!(run.of(Strategy::Spot).spot_seconds, 7_200);
    assert_eq!(run.of(Strategy::OnDemand).compute.amount(), usd("0.192"));
}

#[test]
fn an_instance_interrupted_in_its_first_hour_is_not_charged() {
    // Interrupted by AWS after 40 min: no charge on Spot; On-Demand bills 2,400 s.
    let run = replay_markets(
        "time,instance,action,instance_type,interruptible
2026-03-02T00:00:00Z,a,launch,m5.large,true
2026-03-02T00:40:00Z,a,interrupt,,
",
        spot_only(),
    );
    assert_eq!(run.of(Strategy::Spot).compute, Usd::ZERO);
    assert_eq!(run.of(Strategy::Spot).interruptions, 1);
    assert_eq!(run.of(Strategy::OnDemand).compute.amount(), usd("0.064"));
}

#[test]
fn an_instance_interrupted_after_its_first_hour_pays_per_second() {
    // 00:00–01:30, interrupted: 3,600 s at $0.036 + 1,800 s at $0.040 = $0.056.
    let run = replay_markets(
        "time,instance,action,instance_type,interruptible
2026-03-02T00:00:00Z,a,launch,m5.large,true
2026-03-02T01:30:00Z,a,interrupt,,
",
        spot_only(),
    );
    assert_eq!(run.of(Strategy::Spot).compute.amount(), usd("0.056"));
}

#[test]
fn a_spot_run_the_user_ends_early_pays_the_minimum() {
    // Terminated by the user after 20 s: billed 60 s at $0.036 → $0.0006.
    let run = replay_markets(
        "time,instance,action,instance_type,interruptible
2026-03-02T00:00:00Z,a,launch,m5.large,true
2026-03-02T00:00:20Z,a,terminate,,
",
        spot_only(),
    );
    assert_eq!(run.of(Strategy::Spot).compute.amount(), usd("0.0006"));
}

#[test]
fn instances_that_are_not_interruptible_never_go_to_spot() {
    let run = replay_markets(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,terminate,
",
        spot_only(),
    );
    assert_eq!(run.of(Strategy::Spot), run.of(Strategy::OnDemand));
    assert_eq!(run.of(Strategy::Spot).spot_seconds, 0);
}

fn six_workers() -> String {
    let mut csv = String::from("time,instance,action,instance_type,interruptible,group\n");
    for i in 1..=6 {
        csv.push_str(&format!(
            "2026-03-02T00:00:0{i}Z,w{i},launch,m5.large,true,batch\n"
        ));
    }
    for i in 1..=6 {
        csv.push_str(&format!("2026-03-02T01:00:0{i}Z,w{i},terminate,,,\n"));
    }
    csv
}

#[test]
fn mixed_with_a_base_of_two_and_half_above_it() {
    // Launch order: w1, w2 On-Demand (base); above the base, On-Demand = ⌈50% × n⌉:
    // w3 (n=1 → 1) On-Demand, w4 (n=2 → 1) Spot, w5 (n=3 → 2) On-Demand, w6 (n=4 → 2) Spot.
    // 4 On-Demand hours = $0.384. The two Spot hours run in us-east-1a and cross the 01:00
    // price change: w4 00:00:04–01:00:04 is 3,596 s at $0.036 and 4 s at $0.040, w6
    // 3,594 s at $0.036 and 6 s at $0.040.
    let run = replay_markets(
        &six_workers(),
        Distribution {
            base: 2,
            above_base_pct: 50,
        },
    );
    let mixed = run.of(Strategy::Mixed);
    assert_eq!(mixed.spot_seconds, 2 * 3_600);
    let spot = (usd("3596") * usd("0.036")
        + usd("4") * usd("0.040")
        + usd("3594") * usd("0.036")
        + usd("6") * usd("0.040"))
        / usd("3600");
    assert_eq!(mixed.compute.amount(), usd("0.384") + spot);
}

#[test]
fn a_huge_on_demand_base_is_on_demand() {
    let run = replay_markets(
        &six_workers(),
        Distribution {
            base: 1_000,
            above_base_pct: 0,
        },
    );
    assert_eq!(run.of(Strategy::Mixed), run.of(Strategy::OnDemand));
}

#[test]
fn addresses_and_volumes_cost_the_same_in_every_strategy() {
    // One meter prices every strategy; only compute differs between them. 30 GB of gp3 at
    // $0.08/GB-month for 2 h of March's 2,678,400 s: 0.08 × 30 × 7,200 / 2,678,400
    // = $17,280 / 2,678,400 = $1/155; an Elastic IP at $0.005/h for 2 h: $0.01.
    // Compute: Spot $0.073 (as above), On-Demand 2 × $0.096 = $0.192, and mixed with Auto
    // Scaling's default distribution (100% On-Demand) the same as On-Demand.
    let run = replay_markets(
        "time,instance,action,instance_type,interruptible,ebs_gb,ebs_type,public_ip
2026-03-02T00:30:00Z,a,launch,m5.large,true,30,gp3,elastic
2026-03-02T02:30:00Z,a,terminate,,,,,
",
        spot_only(),
    );
    let storage = rust_decimal::Decimal::from(17_280) / rust_decimal::Decimal::from(2_678_400);
    for strategy in [Strategy::OnDemand, Strategy::Spot, Strategy::Mixed] {
        assert_eq!(run.of(strategy).storage.amount(), storage, "{strategy}");
        assert_eq!(
            run.of(strategy).public_ipv4.amount(),
            usd("0.01"),
            "{strategy}"
        );
    }
    assert_eq!(run.of(Strategy::OnDemand).compute.amount(), usd("0.192"));
    assert_eq!(run.of(Strategy::Spot).compute.amount(), usd("0.073"));
    assert_eq!(run.of(Strategy::Mixed).compute.amount(), usd("0.192"));
}

// ---------------------------------------------------------------------------------------
// The bundled catalog: regional Spot averages where no imported history covers a run.
// Figures from pricing/*.csv, by hand:
//   grep '^us-east-1,c6i.large,linux' pricing/spot_average.csv → $0.03876/h
//   grep '^us-east-1,c6i.large,linux' pricing/on_demand.csv    → $0.085/h
//   grep '^eu-west-1,c6i.2xlarge,linux' pricing/spot_average.csv → $0.208667/h
//   pricing/spot_prices.csv: c6i.2xlarge in eu-west-1 on 2026-01-16, eu-west-1a $0.2213 from
//   09:16:28, $0.2211 from 15:01:39, $0.2209 from 22:31:31; 1b $0.2356 from 04:32:26 (the
//   pool's first record) …; 1c $0.2257 from 07:01:44 …
// ---------------------------------------------------------------------------------------

use ec2plan::pricing::Catalog;
use ec2plan::scenario::{Defaults, EventReader};
use ec2plan::simulation::{simulate, Options};
use std::process::Command;

fn embedded() -> Catalog {
    Catalog::embedded().expect("the bundled catalog loads")
}

/// Replays `csv` with the bundled catalog, Spot for every interruptible instance.
fn bundled_spot(csv: &str) -> ec2plan::simulation::Outcome {
    let catalog = embedded();
    let reader = EventReader::new("test.csv", csv.as_bytes(), &catalog, Defaults::default())
        .expect("the scenario reads");
    let mut assigner =
        ec2plan::strategy::market::MarketAssigner::new(Box::new(reader), &catalog, spot_only());
    let options = Options {
        spot: true,
        ..instant()
    };
    simulate(&mut assigner, &catalog, &options, &mut Collect::default()).expect("it replays")
}

fn spot_compute(outcome: &ec2plan::simulation::Outcome) -> rust_decimal::Decimal {
    let (_, ledger) = outcome
        .ledgers
        .iter()
        .find(|(s, _)| *s == Strategy::Spot)
        .expect("spot was priced");
    ledger.overall.compute.amount()
}

const ONE_C6I_LARGE_FOR_TWO_HOURS: &str = "time,instance,action,instance_type,interruptible
2026-03-02T00:00:00Z,a,launch,c6i.large,true
2026-03-02T02:00:00Z,a,terminate,,
";

#[test]
fn without_history_a_spot_run_costs_the_regional_average() {
    // 2 h × $0.03876/h = $0.07752 (On-Demand would be 2 × $0.085 = $0.17).
    let outcome = bundled_spot(ONE_C6I_LARGE_FOR_TWO_HOURS);
    assert_eq!(spot_compute(&outcome), usd("0.07752"));
    assert_eq!(
        outcome.notes,
        [
            "spot: no imported Spot price history covers these runs, so Spot is priced at the \
          catalog's regional Spot average (spring 2026), constant: linux c6i.large in us-east-1 \
          $0.03876/h"
        ]
    );
}

fn c6i_2xlarge_eu(start: &str, end: &str) -> String {
    format!(
        "time,instance,action,instance_type,region,interruptible
{start},a,launch,c6i.2xlarge,eu-west-1,true
{end},a,terminate,,,
"
    )
}

#[test]
fn history_wins_where_it_covers_the_run() {
    // 10:00–12:00 on 2026-01-16: the cheapest zone at 10:00 is eu-west-1a ($0.2213 against
    // 1b $0.2357 and 1c $0.2257), whose next record is at 15:01:39: 2 × $0.2213 = $0.4426,
    // not the average's 2 × $0.208667 = $0.417334.
    let outcome = bundled_spot(&c6i_2xlarge_eu(
        "2026-01-16T10:00:00Z",
        "2026-01-16T12:00:00Z",
    ));
    assert_eq!(spot_compute(&outcome), usd("0.4426"));
    assert!(outcome.notes.is_empty(), "{:?}", outcome.notes);
}

#[test]
fn a_run_reaching_into_the_history_keeps_the_edge_note() {
    // 03:00–05:00 starts before every zone's first record but ends after the pool's first
    // (1b at 04:32:26): history, at the first prices; 1a's first, $0.2213, is the lowest.
    let outcome = bundled_spot(&c6i_2xlarge_eu(
        "2026-01-16T03:00:00Z",
        "2026-01-16T05:00:00Z",
    ));
    assert_eq!(spot_compute(&outcome), usd("0.4426"));
    assert_eq!(outcome.notes.len(), 1);
    assert!(
        outcome.notes[0].contains("ran before its Spot history starts"),
        "{:?}",
        outcome.notes
    );
}

#[test]
fn a_day_after_the_last_record_history_still_holds_and_later_the_average() {
    // 2026-01-17 12:00–14:00 starts within a day of the last record (22:31:31 the day
    // before): history, eu-west-1a's last price $0.2209: 2 × $0.2209 = $0.4418.
    let within = bundled_spot(&c6i_2xlarge_eu(
        "2026-01-17T12:00:00Z",
        "2026-01-17T14:00:00Z",
    ));
    assert_eq!(spot_compute(&within), usd("0.4418"));
    // Entirely before the history, or weeks after it: the average, 2 × $0.208667.
    for (start, end) in [
        ("2026-01-15T10:00:00Z", "2026-01-15T12:00:00Z"),
        ("2026-03-01T10:00:00Z", "2026-03-01T12:00:00Z"),
    ] {
        let outcome = bundled_spot(&c6i_2xlarge_eu(start, end));
        assert_eq!(spot_compute(&outcome), usd("0.417334"), "{start}");
        assert!(outcome.notes[0].contains("eu-west-1 $0.208667/h"));
    }
}

fn ec2plan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ec2plan"))
}

fn scenario_file(dir: &tempfile::TempDir, csv: &str) -> std::path::PathBuf {
    let path = dir.path().join("scenario.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

const AVERAGE_NOTE: &str = "note: spot: no imported Spot price history covers these runs, so Spot is \
priced at the catalog's regional Spot average (spring 2026), constant: linux c6i.large in us-east-1 $0.03876/h";

#[test]
fn every_output_format_notes_the_regional_average() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = scenario_file(&dir, ONE_C6I_LARGE_FOR_TWO_HOURS);
    let run = |format: &str| {
        let out = ec2plan()
            .args(["simulate", "--strategy", "spot", "--format", format])
            .arg(&scenario)
            .output()
            .unwrap();
        assert!(out.status.success());
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // $0.07752 rounds to $0.08 in the summary.
    let (table, _) = run("table");
    assert!(table.contains(AVERAGE_NOTE), "{table}");
    assert!(table.contains("$0.08"), "{table}");
    let (csv, stderr) = run("csv");
    assert!(csv.contains("\nspot,0.08,"), "{csv}");
    assert_eq!(stderr, format!("{AVERAGE_NOTE}\n"));
    let (json, _) = run("json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let note = AVERAGE_NOTE.trim_start_matches("note: ");
    assert_eq!(json["notes"], serde_json::json!([note]));

    let out_dir = dir.path().join("out");
    let status = ec2plan()
        .args(["simulate", "--strategy", "spot", "--quiet", "--out"])
        .arg(&out_dir)
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(status.status.success());
    let notes = std::fs::read_to_string(out_dir.join("notes.txt")).unwrap();
    assert_eq!(notes, format!("{AVERAGE_NOTE}\n"));
    let items = std::fs::read_to_string(out_dir.join("line_items.csv")).unwrap();
    assert!(
        items.contains(
            "compute hours for a at the us-east-1 regional Spot average $0.03876/h (spring 2026)"
        ),
        "{items}"
    );

    let compare = ec2plan()
        .args(["compare", "--strategy", "spot"])
        .arg(&scenario)
        .output()
        .unwrap();
    let compare = String::from_utf8(compare.stdout).unwrap();
    let named = format!(
        "note: {}: {}",
        scenario.display(),
        AVERAGE_NOTE.trim_start_matches("note: ")
    );
    assert!(compare.contains(&named), "{compare}");
}

#[test]
fn the_nightly_batch_is_cheaper_on_spot_out_of_the_box() {
    // 20 interruptible c6i.large in us-east-1, 2 h a night for 7 nights: 280 instance-hours,
    // On-Demand 280 × $0.085 = $23.80, Spot 280 × $0.03876 = $10.8528 → $10.85.
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/nightly-batch.csv");
    let out = ec2plan()
        .args(["simulate", scenario, "--format", "csv", "--strategy", "all"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains("\non-demand,23.80,"), "{csv}");
    assert!(csv.contains("\nspot,10.85,"), "{csv}");
}

// Trials: with --interruptions advisor, Spot prices no history covers follow a daily path.

/// The bundled catalog with no Spot Instance Advisor bands: nothing is ever interrupted,
/// so the trials differ by price alone.
fn uninterrupted_catalog(dir: &tempfile::TempDir) -> Catalog {
    let pricing = dir.path().join("pricing");
    std::fs::create_dir(&pricing).unwrap();
    std::fs::write(
        pricing.join("spot_advisor.csv"),
        "region,instance_type,os,interruption_band,savings_pct\n",
    )
    .unwrap();
    Catalog::with_overrides(&pricing).unwrap()
}

fn trial_costs(catalog: &Catalog, csv: &str, trials: u64, seed: u64) -> Vec<rust_decimal::Decimal> {
    let open = || -> Result<Box<dyn ec2plan::scenario::EventSource + '_>, ec2plan::Error> {
        Ok(Box::new(EventReader::new(
            "test.csv",
            csv.as_bytes(),
            catalog,
            Defaults::default(),
        )?))
    };
    let plan = ec2plan::trials::TrialPlan {
        trials,
        seed,
        replace_after: ec2plan::clock::Seconds(120),
        until: None,
        spot: true,
        mixed: None,
        daily: false,
    };
    ec2plan::trials::run(&open, catalog, &instant(), plan)
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t.ledgers[0].1.overall.interruptions, 0);
            t.ledgers[0].1.overall.compute.amount()
        })
        .collect()
}

const A_YEAR_OF_C6I_LARGE: &str = "time,instance,action,instance_type,interruptible
2026-01-01T00:00:00Z,a,launch,c6i.large,true
2026-12-01T00:00:00Z,a,terminate,,
";

#[test]
fn trials_draw_price_risk_even_without_interruptions() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = uninterrupted_catalog(&dir);
    let costs = trial_costs(&catalog, A_YEAR_OF_C6I_LARGE, 40, 7);
    assert_eq!(costs, trial_costs(&catalog, A_YEAR_OF_C6I_LARGE, 40, 7));
    let mut sorted = costs.clone();
    sorted.sort();
    // Nearest rank of 40: p5 the 2nd, p50 the 20th, p95 the 38th.
    let (p5, p50, p95) = (sorted[1], sorted[19], sorted[37]);
    assert!(p5 < p50 && p50 < p95, "{p5} {p50} {p95}");
    // 334 days at the constant average would be 8,016 h × $0.03876 = $310.70016; the paths
    // wander around it (centred moves), so the median is near it.
    let constant = usd("310.70016");
    assert!((p50 - constant).abs() < constant * usd("0.1"), "{p50}");
}

#[test]
fn every_trial_path_starts_at_the_average() {
    // Two hours on the replay's first day: every path's price is still the average there,
    // so every trial costs 2 × $0.03876 = $0.07752.
    let dir = tempfile::tempdir().unwrap();
    let catalog = uninterrupted_catalog(&dir);
    let costs = trial_costs(&catalog, ONE_C6I_LARGE_FOR_TWO_HOURS, 10, 1);
    assert!(costs.iter().all(|c| *c == usd("0.07752")), "{costs:?}");
}

#[test]
fn the_same_seed_prints_the_same_bands() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = scenario_file(&dir, A_YEAR_OF_C6I_LARGE);
    let run = || {
        ec2plan()
            .args([
                "simulate",
                "--strategy",
                "spot",
                "--interruptions",
                "advisor",
            ])
            .args(["--trials", "20", "--seed", "5", "--format", "json"])
            .arg(&scenario)
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    assert_eq!(first, run());
    let json: serde_json::Value = serde_json::from_slice(&first).unwrap();
    let notes = json["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("on a daily path drawn around the catalog's regional Spot average")),
        "{notes:?}"
    );
}

#[test]
fn a_bad_spot_daily_file_is_refused_with_its_place_when_trials_read_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("spot_daily.csv"),
        "region,instance_type,day,usd_per_hour\nus-east-1,c6i.large,2024-01-09,0.0371\nus-east-1,c6i.large,2024-13-01,0.0367\n",
    )
    .unwrap();
    // Loading the catalog does not read it; asking for the movement does.
    let catalog = Catalog::with_overrides(dir.path()).unwrap();
    let error = catalog.spot_daily().unwrap_err().to_string();
    let file = dir.path().join("spot_daily.csv").display().to_string();
    assert!(error.starts_with(&format!("{file}:3:3")), "{error}");
    assert!(error.contains("\"2024-13-01\" is not a date"), "{error}");
}

#[test]
fn without_averages_or_history_spot_is_refused_and_all_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let pricing = dir.path().join("pricing");
    std::fs::create_dir(&pricing).unwrap();
    std::fs::write(
        pricing.join("spot_average.csv"),
        "region,instance_type,os,usd_per_hour\n",
    )
    .unwrap();
    std::fs::write(
        pricing.join("spot_prices.csv"),
        "availability_zone,instance_type,product_description,timestamp,usd_per_hour\n",
    )
    .unwrap();
    let scenario = scenario_file(&dir, ONE_C6I_LARGE_FOR_TWO_HOURS);
    let out = ec2plan()
        .args(["simulate", "--strategy", "spot", "--pricing"])
        .arg(&pricing)
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("the price catalog has no Spot prices (no regional Spot averages and no Spot price history)"),
        "{stderr}"
    );
    // With the bundled averages the same run is priced.
    let out = ec2plan()
        .args(["simulate", "--strategy", "spot"])
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(out.status.success());
}
