//! The binary, end to end: real files in a scratch directory, real exit codes, whole
//! standard error pinned where it matters.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::write;

use assert_cmd::Command;
use common::test_pricing_dir;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn ec2plan() -> Command {
    Command::cargo_bin("ec2plan").expect("the binary is built")
}

const ONE_HOUR: &str = "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,terminate,
";

const SUMMARY_HEADER: &str =
    "strategy,compute_usd,storage_usd,public_ipv4_usd,commitment_usd,total_usd,\
billed_instance_seconds,spot_instance_hours,interruptions,savings_vs_on_demand_usd,\
reservations,coverage_pct,utilization_pct,unused_reservation_hours,unused_reservation_usd\n";

#[test]
fn csv_format_prints_the_contract_columns_for_every_strategy() {
    // On-Demand: 1 h of m5.large at $0.096; EBS 8 GB gp3 × 3,600 s of a 31-day month:
    // 0.08 × 8 × 3,600 / 2,678,400 = $0.00086 → $0.00.
    // Reserved (auto, test price $0.06/h no upfront): one reservation covers the one hour
    // in full (1 clock hour of fee = $0.06), so compute $0.00, commitment $0.06,
    // coverage 100%, utilization 100%, nothing unused.
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args([
            "simulate",
            &scenario,
            "--payment",
            "no-upfront",
            "--format",
            "csv",
        ])
        .arg("--pricing")
        .arg(test_pricing_dir())
        .assert()
        .success()
        .stdout(format!(
            "{SUMMARY_HEADER}on-demand,0.10,0.00,0.00,0.00,0.10,3600,0.00,0,0.00,,,,,\n\
             spot,0.10,0.00,0.00,0.00,0.10,3600,0.00,0,0.00,,,,,\n\
             mixed,0.10,0.00,0.00,0.00,0.10,3600,0.00,0,0.00,,,,,\n\
             reserved,0.00,0.00,0.00,0.06,0.06,3600,0.00,0,0.04,1,100.00,100.00,0.00,0.00\n"
        ));
}

#[test]
fn json_format_carries_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    let output = ec2plan()
        .args(["simulate", &scenario, "--format", "json", "--pricing"])
        .arg(test_pricing_dir())
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["strategies"][0]["compute_usd"], "0.10");
    assert_eq!(json["strategies"][0]["billed_instance_seconds"], 3600);
    assert_eq!(json["horizon"], "2026-03-02T01:00:00Z");
}

#[test]
fn the_table_names_the_strategy_and_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario])
        .assert()
        .success()
        .stdout(predicate::str::contains("on-demand"))
        .stdout(predicate::str::contains("compute"))
        .stdout(predicate::str::contains("storage"))
        .stdout(predicate::str::contains("public IPv4"))
        .stdout(predicate::str::contains("$0.10"));
}

#[test]
fn out_writes_the_summary_groups_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    let out = dir.path().join("report");
    let stdout = ec2plan()
        .args(["simulate", &scenario, "--format", "csv", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(stdout.status.success());
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(summary.as_bytes(), stdout.stdout.as_slice());
    let timeline = fs::read_to_string(out.join("timeline.csv")).unwrap();
    assert_eq!(
        timeline,
        "instance,group,instance_type,state,start,end,seconds,billed_seconds,note\n\
         a,m5.large,m5.large,running,2026-03-02T00:00:00Z,2026-03-02T01:00:00Z,3600,3600,\n"
    );
    assert!(out.join("groups.csv").exists());
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".ec2plan"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn a_failed_run_leaves_the_output_directory_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("summary.csv"), "old\n").unwrap();
    // Line 3 starts a running instance: refused after the first row was already replayed.
    let scenario = write(
        dir.path(),
        "bad.csv",
        "time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n2026-03-02T01:00:00Z,a,start,\n",
    );
    ec2plan()
        .args(["simulate", &scenario, "--out"])
        .arg(&out)
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: {scenario}:3: cannot start a: it is running; start needs a stopped or hibernated instance\n"
        ));
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["summary.csv".to_string()]);
    assert_eq!(
        fs::read_to_string(out.join("summary.csv")).unwrap(),
        "old\n"
    );
}

#[test]
fn a_missing_scenario_exits_4() {
    ec2plan()
        .args(["simulate", "no-such-file.csv"])
        .assert()
        .code(4)
        .stderr("error: cannot read no-such-file.csv: No such file or directory (os error 2)\n");
}

#[test]
fn an_out_path_that_is_a_file_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    let blocker = write(dir.path(), "taken", "");
    ec2plan()
        .args(["simulate", &scenario, "--out", &blocker])
        .assert()
        .code(4)
        .stderr(format!(
            "error: cannot write {blocker}: it exists and is not a directory\n"
        ));
}

#[test]
fn a_scenario_error_exits_3_with_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "typo.csv",
        "time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.larg\n",
    );
    ec2plan()
        .args(["simulate", &scenario])
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: {scenario}:2:4 (instance_type): unknown instance type \"m5.larg\"; did you mean m5.large?\n"
        ));
}

#[test]
fn a_bad_duration_flag_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--pending", "soon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"soon\" is not a duration: write whole seconds with an optional unit, like 90, 90s, 2m or 1h",
        ));
}

#[test]
fn a_horizon_before_the_first_row_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--until", "2026-03-01T00:00:00Z"])
        .assert()
        .code(2)
        .stderr(format!(
            "error: --until 2026-03-01T00:00:00Z is before the scenario's first row (2026-03-02T00:00:00Z, {scenario}:2)\n"
        ));
}

#[test]
fn an_unknown_region_flag_exits_2_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--region", "eu-west1"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --region \"eu-west1\" is not in the price catalog; did you mean eu-west-1?",
        ));
}

#[test]
fn pricing_overrides_replace_the_embedded_files() {
    // The override holds only us-east-1: a launch in eu-west-1 must be refused.
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "eu.csv",
        "time,instance,action,instance_type,region\n2026-03-02T00:00:00Z,a,launch,m5.large,eu-west-1\n",
    );
    ec2plan()
        .args(["simulate", &scenario, "--pricing"])
        .arg(test_pricing_dir())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown region \"eu-west-1\""));
}

#[test]
fn a_broken_price_file_names_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    let pricing = dir.path().join("pricing");
    fs::create_dir(&pricing).unwrap();
    let broken = write(
        &pricing,
        "public_ipv4.csv",
        "region,usd_per_hour\nus-east-1,0.005\neu-west-1,five\n",
    );
    ec2plan()
        .args(["simulate", &scenario, "--pricing"])
        .arg(&pricing)
        .assert()
        .code(3)
        .stderr(format!(
            "error: {broken}:3:2 (usd_per_hour): usd_per_hour \"five\" is not a decimal number\n"
        ));
}

#[test]
fn help_teaches_the_flags() {
    ec2plan()
        .args(["simulate", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--hibernating"))
        .stdout(predicate::str::contains("--until"))
        .stdout(predicate::str::contains("[default: 60]"));
}

#[test]
fn every_bundled_example_prints_its_golden_summary_and_monthly_csv() {
    // Golden figures were worked out by hand (scenarios/EXPECTED.md), not copied from here.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let examples = [
        "web-fleet",
        "dev-machines",
        "hibernating-dev",
        "batch-burst",
        "web-service-schedule",
        "dev-office-hours",
        "nightly-batch",
        "spot-etl",
        "quarter-plan",
    ];
    for name in examples {
        let path = root.join("scenarios").join(format!("{name}.csv"));
        let golden = |kind: &str| {
            let file = root
                .join("tests/data/golden")
                .join(format!("{name}.{kind}.csv"));
            fs::read_to_string(file).unwrap()
        };
        let dir = tempfile::tempdir().unwrap();
        ec2plan()
            .arg("simulate")
            .arg(&path)
            .args(["--format", "csv", "--out"])
            .arg(dir.path())
            .assert()
            .success()
            .stdout(golden("summary"));
        let monthly = fs::read_to_string(dir.path().join("monthly.csv")).unwrap();
        assert_eq!(monthly, golden("monthly"), "{name}");
        ec2plan().arg("simulate").arg(&path).assert().success();
    }
}

#[test]
fn pricing_import_writes_catalog_files_that_simulate_reads() {
    // The excerpt keeps 6 On-Demand rows (m5.large, t3.micro: Linux and Windows; m5.xlarge
    // Windows; p5.48xlarge Linux) and 5 m5.large Reserved offers, among them 1yr standard
    // no upfront at $0.06/h. One m5.large
    // for 1 h: On-Demand $0.096 → $0.10; reserved (auto buys 1): fee $0.06, compute $0.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prices");
    ec2plan()
        .args(["pricing", "import"])
        .arg(root.join("tests/data/offer/us-east-1.csv"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "kept 6 On-Demand and 5 Reserved prices",
        ));
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--format", "csv", "--pricing"])
        .arg(&out)
        .assert()
        .success()
        .stdout(format!(
            "{SUMMARY_HEADER}on-demand,0.10,0.00,0.00,0.00,0.10,3600,0.00,0,0.00,,,,,\n\
             spot,0.10,0.00,0.00,0.00,0.10,3600,0.00,0,0.00,,,,,\n\
             mixed,0.10,0.00,0.00,0.00,0.10,3600,0.00,0,0.00,,,,,\n\
             reserved,0.00,0.00,0.00,0.06,0.06,3600,0.00,0,0.04,1,100.00,100.00,0.00,0.00\n"
        ));
}

#[test]
fn a_failed_import_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "index.csv", "not,an,offer,file\n1,2,3,4\n");
    let out = dir.path().join("prices");
    ec2plan()
        .args(["pricing", "import", &bad, "--out"])
        .arg(&out)
        .assert()
        .code(3);
    assert!(!out.exists());
}

#[test]
fn an_offer_the_catalog_lacks_names_what_it_has_and_where_to_get_the_rest() {
    // The bundled catalog has no Partial Upfront anywhere; for Linux m5.large in us-east-1
    // it has All Upfront (standard) and No Upfront (standard and convertible), 1 and 3 years.
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    let sentence = "error: the price catalog has no 1yr standard partial-upfront reservation for \
linux m5.large in us-east-1; it has 1yr standard no-upfront or all-upfront, \
1yr convertible no-upfront, 3yr standard no-upfront or all-upfront, 3yr convertible no-upfront \
(choose with --term, --offering and --payment); other offers come from AWS's EC2 offer file \
through `ec2plan pricing import`\n";
    for reserve in ["auto", "m5.large=1"] {
        ec2plan()
            .args(["simulate", &scenario, "--strategy", "reserved"])
            .args(["--payment", "partial-upfront", "--reserve", reserve])
            .assert()
            .code(2)
            .stderr(sentence);
    }
}

#[test]
fn reservations_are_bought_for_the_system_the_scenario_runs() {
    // One Windows m5.large for one hour, 1yr standard All Upfront from the bundled catalog:
    // us-east-1 Windows m5.large is 0.148402/h effective, × 8,760 h = $1,300.00 (1,300.00152
    // within the printed precision); one clock hour of it is 1,300 / 8,760 = $0.1484, and the
    // hour is covered in full: reserved total $0.15 against On-Demand $0.188 → $0.19.
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(
        dir.path(),
        "win.csv",
        "time,instance,action,instance_type,os\n\
         2026-03-02T00:00:00Z,w,launch,m5.large,windows\n\
         2026-03-02T01:00:00Z,w,terminate,,\n",
    );
    for reserve in ["m5.large=1", "m5.large:windows=1", "auto"] {
        let output = ec2plan()
            .args([
                "simulate",
                &scenario,
                "--format",
                "csv",
                "--strategy",
                "all",
            ])
            .args(["--reserve", reserve])
            .output()
            .unwrap();
        assert!(output.status.success(), "{reserve}: {output:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        let reserved = text.lines().find(|l| l.starts_with("reserved,")).unwrap();
        assert!(
            reserved.starts_with("reserved,0.00,0.00,0.00,0.15,0.15,3600,"),
            "{reserve}: {reserved}"
        );
        assert!(text.contains("on-demand,0.19,"), "{text}");
    }
    // Windows reservations are not size-flexible: an m5.xlarge one does not cover m5.large.
    let output = ec2plan()
        .args([
            "simulate",
            &scenario,
            "--format",
            "csv",
            "--strategy",
            "reserved",
        ])
        .args(["--reserve", "m5.xlarge=1"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let reserved = text.lines().find(|l| l.starts_with("reserved,")).unwrap();
    assert!(reserved.starts_with("reserved,0.19,"), "{reserved}");
    // A type run on two systems must say which.
    let both = write(
        dir.path(),
        "both.csv",
        "time,instance,action,instance_type,os\n\
         2026-03-02T00:00:00Z,w,launch,m5.large,windows\n\
         2026-03-02T00:00:00Z,l,launch,m5.large,linux\n\
         2026-03-02T01:00:00Z,w,terminate,,\n",
    );
    ec2plan()
        .args([
            "simulate",
            &both,
            "--strategy",
            "reserved",
            "--reserve",
            "m5.large=1",
        ])
        .assert()
        .code(2)
        .stderr(
            "error: --reserve m5.large=1: the scenario runs m5.large on linux and windows in \
             us-east-1; say which with --reserve m5.large:linux=1\n",
        );
}

#[test]
fn a_bad_reserve_flag_is_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--reserve", "m5.larg=2", "--pricing"])
        .arg(test_pricing_dir())
        .assert()
        .code(2)
        .stderr("error: --reserve \"m5.larg=2\": unknown instance type \"m5.larg\"; did you mean m5.large?\n");
    ec2plan()
        .args([
            "simulate",
            &scenario,
            "--reserve",
            "m5.large=two",
            "--pricing",
        ])
        .arg(test_pricing_dir())
        .assert()
        .code(2)
        .stderr("error: --reserve \"m5.large=two\": the count \"two\" is not a whole number\n");
}

#[test]
fn recommend_explains_its_count() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    let output = ec2plan()
        .args([
            "recommend",
            &scenario,
            "--format",
            "csv",
            "--payment",
            "no-upfront",
        ])
        .arg("--pricing")
        .arg(test_pricing_dir())
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    // One m5.large for its one hour: 1 reservation at $0.06 against $0.096 On-Demand.
    assert!(text.starts_with("region,os,pool,instance_type,count,utilization_pct,on_demand_usd"));
    assert!(text.contains("us-east-1,linux,m5,m5.large,1,100.0,0.10,0.06,0.04,62.5,"));
}

#[test]
fn expand_writes_an_event_log_that_replays_to_the_same_summary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schedule = root.join("scenarios/dev-office-hours.csv");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("events.csv");
    ec2plan()
        .arg("expand")
        .arg(&schedule)
        .arg("--out")
        .arg(&log)
        .assert()
        .success()
        .stdout("");
    let replay = |path: &Path| {
        let out = ec2plan()
            .arg("simulate")
            .arg(path)
            .args(["--format", "csv", "--until", "2026-03-09T00:00:00Z"])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    assert_eq!(replay(&log), replay(&schedule));
}

#[test]
fn scale_multiplies_desired_capacity_and_rounds_up() {
    // nightly-batch: 20 × 1.5 = 30 workers; 30 × 2 h × 7 nights × $0.085 = $35.70.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = ec2plan()
        .arg("simulate")
        .arg(root.join("scenarios/nightly-batch.csv"))
        .args(["--scale", "1.5", "--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("\non-demand,35.70,"), "{text}");
}

#[test]
fn scale_is_refused_for_an_event_log() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--scale", "2"])
        .assert()
        .code(2)
        .stderr("error: --scale multiplies the desired capacity of a schedule; this scenario is an event log\n");
}

#[test]
fn compare_prints_the_difference_to_the_first() {
    // dev-machines $21.4685… → $21.47 vs hibernating-dev $10.1326… → $10.13 (each total its
    // exact sum rounded once; scenarios/EXPECTED.md): −$11.34, −11.34 / 21.47 = −52.8 %.
    // hibernating-dev's storage $1.025… prints 1.02 so that the columns add up to $10.13.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = ec2plan()
        .arg("compare")
        .arg(root.join("scenarios/dev-machines.csv"))
        .arg(root.join("scenarios/hibernating-dev.csv"))
        .args(["--strategy", "on-demand", "--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.ends_with("hibernating-dev.csv,,on-demand,8.66,1.02,0.45,0.00,10.13,-11.34,-52.8"),
        "{text}"
    );
}

#[test]
fn compare_has_no_out_flag() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    let out = dir.path().join("report");
    ec2plan()
        .args(["compare", &scenario, &scenario, "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: unexpected argument '--out' found",
        ));
    assert!(!out.exists());
}

#[test]
fn a_bad_set_flag_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--set", "os=windoze"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --set os=windoze: unknown os \"windoze\"",
        ));
}

#[test]
fn out_writes_reconciled_finance_files_and_charts() {
    // base-and-peak with the test catalog: on-demand $2.23 and reserved (auto, 2 × m5.large)
    // $1.51; line_items.csv's exact EffectiveCost adds up to the exact totals ($2.2277…,
    // $1.5077…), which round to those, and monthly.csv adds up to exactly them.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    ec2plan()
        .arg("simulate")
        .arg(root.join("tests/data/scenarios/base-and-peak.csv"))
        .args(["--payment", "no-upfront", "--pricing"])
        .arg(test_pricing_dir())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let sum_by = |file: &str, strategy_col: &str, cost_col: &str| {
        let mut reader = csv::Reader::from_path(out.join(file)).unwrap();
        let headers = reader.headers().unwrap().clone();
        let s = headers.iter().position(|h| h == strategy_col).unwrap();
        let c = headers.iter().position(|h| h == cost_col).unwrap();
        let mut totals = std::collections::BTreeMap::<String, rust_decimal::Decimal>::new();
        for record in reader.records() {
            let record = record.unwrap();
            *totals.entry(record[s].to_string()).or_default() +=
                record[c].parse::<rust_decimal::Decimal>().unwrap();
        }
        totals
    };
    let round = |v: rust_decimal::Decimal| {
        v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    };
    let mut items = sum_by("line_items.csv", "x_Strategy", "EffectiveCost");
    assert!(items["on-demand"].to_string().starts_with("2.2277849462"));
    items.values_mut().for_each(|v| *v = round(*v));
    for totals in [
        items,
        sum_by("monthly.csv", "strategy", "effective_cost_usd"),
    ] {
        assert_eq!(totals["on-demand"].to_string(), "2.23");
        assert_eq!(totals["reserved"].to_string(), "1.51");
    }
    for chart in [
        "cumulative_cost.png",
        "monthly_by_kind.png",
        "fleet_composition.png",
        "reservations_us-east-1_m5.png",
    ] {
        let decoder = png::Decoder::new(std::fs::File::open(out.join(chart)).unwrap());
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert!(
            info.width >= 1200 && info.height >= 700,
            "{chart} is {}×{}",
            info.width,
            info.height
        );
    }
}

#[test]
fn a_spot_history_dump_imports_and_prices_the_same() {
    // The orf/spot-prices records as describe-spot-price-history JSON give the same Spot
    // figures as the bundled spot_prices.csv built from them (scenarios/EXPECTED.md). Saved
    // against On-Demand: its exact $8.7474… prints $8.75, so $8.75 − $6.89 = $1.86.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prices");
    ec2plan()
        .args(["pricing", "import"])
        .arg(root.join("tests/data/spot/orf-spot-prices-c6i.2xlarge-eu-west-1-2026-01-16.json"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("kept 10 Spot price records"));
    ec2plan()
        .arg("simulate")
        .arg(root.join("scenarios/spot-etl.csv"))
        .args(["--strategy", "spot", "--format", "csv", "--pricing"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\nspot,6.87,0.02,0.00,0.00,6.89,83700,11.25,1,1.86,",
        ));
}

fn advisor_fleet(dir: &Path) -> String {
    // 20 interruptible m5.large for 30 days in us-east-1, where the Spot Instance Advisor
    // band of m5.large is ">20%" (bundled spot_advisor.csv): the model draws interruptions.
    let mut csv = String::from("time,instance,action,instance_type,interruptible\n");
    for i in 1..=20 {
        csv.push_str(&format!("2026-03-01T00:00:00Z,w{i},launch,m5.large,true\n"));
    }
    for i in 1..=20 {
        csv.push_str(&format!("2026-03-31T00:00:00Z,w{i},terminate,,\n"));
    }
    write(dir, "fleet.csv", &csv)
}

#[test]
fn the_same_seed_gives_byte_identical_trials() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = advisor_fleet(dir.path());
    let run = |seed: &str| {
        let out = ec2plan()
            .args([
                "simulate",
                &scenario,
                "--strategy",
                "spot",
                "--interruptions",
                "advisor",
                "--trials",
                "50",
            ])
            .args(["--seed", seed, "--format", "json", "--pricing"])
            .arg(test_pricing_dir())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    assert_eq!(run("11"), run("11"));
    assert_ne!(run("11"), run("12"));
    let json: serde_json::Value = serde_json::from_slice(&run("11")).unwrap();
    let bands = json["bands"].as_array().unwrap();
    let interruptions = bands
        .iter()
        .find(|b| b["metric"] == "interruptions")
        .unwrap();
    // With a 25%-a-month band on 20 instances for 30 days, the median trial sees several.
    let p50: u64 = interruptions["p50"].as_str().unwrap().parse().unwrap();
    assert!(p50 > 0, "{interruptions}");
}

#[test]
fn seed_and_trials_need_the_advisor_model() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--trials", "5"])
        .assert()
        .code(2)
        .stderr("error: --trials repeats the advisor model: add --interruptions advisor\n");
}

#[test]
fn generate_writes_the_same_valid_log_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    for path in [&a, &b] {
        ec2plan()
            .args([
                "generate",
                "--instances",
                "50",
                "--days",
                "3",
                "--seed",
                "9",
                "--out",
            ])
            .arg(path)
            .assert()
            .success();
    }
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    ec2plan().arg("simulate").arg(&a).assert().success();
    ec2plan()
        .args(["generate", "--instances", "50", "--days", "3", "--schedule"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("time,group,desired"));
}

#[test]
fn absurd_inputs_are_refused_not_attempted() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    ec2plan()
        .args(["simulate", &scenario, "--until", "3026-01-01T00:00:00Z"])
        .assert()
        .code(2)
        .stderr(
            "error: --until 3026-01-01T00:00:00Z is more than 10 years after the scenario's first row \
             (2026-03-02T00:00:00Z); ec2plan plans at most 10 years\n",
        );
    let millennium = write(
        dir.path(),
        "long.csv",
        "time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n3026-03-02T00:00:00Z,a,terminate,\n",
    );
    ec2plan()
        .args(["simulate", &millennium])
        .assert()
        .code(3)
        .stderr(format!(
            "error: {millennium}:3: this row is more than 10 years after the first (2026-03-02T00:00:00Z); \
             ec2plan plans at most 10 years\n"
        ));
    // A stray digit in a year: 1981 for 2081, found by the fuzzer as a 45-year replay that
    // took half a minute with --reserve auto. Ten years (3,660 days) still runs.
    let stray = write(
        dir.path(),
        "stray.csv",
        "time,instance,action,instance_type\n1981-03-02T00:00:00Z,a,launch,m5.large\n2026-03-02T00:00:10Z,a,terminate,\n",
    );
    ec2plan()
        .args(["simulate", &stray])
        .assert()
        .code(3)
        .stderr(format!(
        "error: {stray}:3: this row is more than 10 years after the first (1981-03-02T00:00:00Z); \
             ec2plan plans at most 10 years\n"
    ));
    ec2plan()
        .args(["simulate", &scenario, "--until", "2036-03-02T00:00:00Z"])
        .assert()
        .success();
    let billion = write(
        dir.path(),
        "billion.csv",
        "time,group,desired,instance_type\n2026-03-02T00:00:00Z,web,1000000000,m5.large\n",
    );
    ec2plan()
        .args(["simulate", &billion])
        .assert()
        .code(3)
        .stderr(format!(
            "error: {billion}:2:3 (desired): desired 1000000000 is more than the 100000 instances one group may have\n"
        ));
}

#[test]
fn line_items_match_their_golden_file() {
    // Figures worked out by hand: see tests/data/golden/README.md.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    ec2plan()
        .current_dir(root)
        .args([
            "simulate",
            "tests/data/scenarios/base-and-peak.csv",
            "--pricing",
            "tests/data/pricing",
        ])
        .args(["--payment", "no-upfront"])
        .args(["--granularity", "monthly", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let golden =
        fs::read_to_string(root.join("tests/data/golden/base-and-peak.line_items.csv")).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("line_items.csv")).unwrap(),
        golden
    );
}

#[test]
fn out_reused_for_another_scenario_holds_only_the_second_run() {
    // nightly-batch writes notes.txt (Spot at the regional average) and a c6i reservation
    // chart; web-fleet writes neither, but m6i and t3 charts. A file of the user's stays.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("my-notes.md"), "mine").unwrap();
    for scenario in ["nightly-batch", "web-fleet"] {
        ec2plan()
            .arg("simulate")
            .arg(root.join("scenarios").join(format!("{scenario}.csv")))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
    }
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cumulative_cost.png",
            "fleet_composition.png",
            "groups.csv",
            "line_items.csv",
            "monthly.csv",
            "monthly_by_kind.png",
            "my-notes.md",
            "reservations_us-east-1_m6i.png",
            "reservations_us-east-1_t3.png",
            "summary.csv",
            "timeline.csv",
        ]
    );
    assert_eq!(fs::read_to_string(out.join("my-notes.md")).unwrap(), "mine");
    // Staged beside the report, not inside it, and gone after the run.
    let beside: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(beside.len(), 1);
}

#[test]
fn a_misnamed_file_in_a_pricing_directory_is_refused_and_a_missing_directory_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "one.csv", ONE_HOUR);
    let pricing = dir.path().join("prices");
    fs::create_dir(&pricing).unwrap();
    fs::write(
        pricing.join("README.md"),
        "not a catalog file, and not a CSV: left alone",
    )
    .unwrap();
    fs::write(
        pricing.join("reserve.csv"),
        "region,instance_type,os,term,offering,payment,upfront_usd,usd_per_hour\n",
    )
    .unwrap();
    let output = ec2plan()
        .args(["simulate", &scenario, "--pricing"])
        .arg(&pricing)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "error: {}: not a catalog file; did you mean reserved.csv? (a --pricing directory holds instance_types.csv, ",
            pricing.join("reserve.csv").display()
        )),
        "{stderr}"
    );
    ec2plan()
        .args(["simulate", &scenario, "--pricing"])
        .arg(dir.path().join("no-such-dir"))
        .assert()
        .code(4);
    ec2plan()
        .args(["simulate", &scenario, "--pricing", &scenario])
        .assert()
        .code(4);
}

/// Ten m5.large running all of 2026 (test catalog: us-east-1, $0.096/h).
fn a_year_of_ten_m5_large() -> String {
    let mut csv = String::from("time,instance,action,instance_type,region\n");
    for i in 1..=10 {
        csv.push_str(&format!(
            "2026-01-01T00:00:00Z,m-{i},launch,m5.large,us-east-1\n"
        ));
    }
    for i in 1..=10 {
        csv.push_str(&format!("2027-01-01T00:00:00Z,m-{i},terminate,,\n"));
    }
    csv
}

#[test]
fn every_month_costs_the_same_whatever_the_granularity() {
    // By hand: each month's hours × 10 instances × $0.096, exact to the cent:
    // 744 h → $714.24 (Jan, Mar, May, Jul, Aug, Oct, Dec), 720 h → $691.20 (Apr, Jun, Sep,
    // Nov), 672 h → $645.12 (Feb); the year 8,760 h → $8,409.60. (Before line items were
    // exact, January came out 744.00 hourly, 716.10 daily and 714.30 monthly.)
    let hours = [744, 672, 744, 720, 744, 720, 744, 744, 720, 744, 720, 744];
    let expected: Vec<String> = hours
        .iter()
        .enumerate()
        .map(|(m, h)| {
            let cents = h * 10 * 96 / 10; // 0.096 $/h = 9.6 ¢/h
            format!(
                "2026-{:02},on-demand,compute,{}.{:02}",
                m + 1,
                cents / 100,
                cents % 100
            )
        })
        .collect();
    assert_eq!(expected[0], "2026-01,on-demand,compute,714.24");
    assert_eq!(expected[1], "2026-02,on-demand,compute,645.12");
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "year.csv", a_year_of_ten_m5_large());
    for granularity in ["hourly", "daily", "monthly"] {
        let out = dir.path().join(granularity);
        ec2plan()
            .args(["simulate", &scenario, "--pricing"])
            .arg(test_pricing_dir())
            .args(["--granularity", granularity, "--out"])
            .arg(&out)
            .assert()
            .success();
        let monthly = fs::read_to_string(out.join("monthly.csv")).unwrap();
        let compute: Vec<&str> = monthly
            .lines()
            .filter(|l| l.contains(",on-demand,compute,"))
            .collect();
        assert_eq!(compute, expected, "--granularity {granularity}");
        let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
        let on_demand = summary
            .lines()
            .find(|l| l.starts_with("on-demand,"))
            .unwrap();
        assert!(on_demand.starts_with("on-demand,8409.60,"), "{on_demand}");
    }
}
