//! Where a replay ends: an event log's optional `end` row, `expand` writing a schedule's end
//! as one (so an expanded schedule replays to the schedule's figures), and `--until` with a
//! bare date. Run through the binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::{ec2plan, stdout_of};

use assert_cmd::Command;
use common::test_pricing_dir;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Standard error of a failed run.
fn stderr_of(command: &mut Command) -> String {
    let output = command.output().expect("ec2plan runs");
    assert!(!output.status.success(), "succeeded");
    String::from_utf8(output.stderr).expect("UTF-8")
}

/// The bundled scenarios that are desired-capacity schedules (header `time,group,desired,…`).
fn bundled_schedules() -> Vec<PathBuf> {
    let mut schedules: Vec<PathBuf> = fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            fs::read_to_string(path).is_ok_and(|text| text.starts_with("time,group,desired,"))
        })
        .collect();
    schedules.sort();
    schedules
}

#[test]
fn every_bundled_schedule_expanded_replays_to_the_schedules_figures() {
    let schedules = bundled_schedules();
    let names: Vec<String> = schedules
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "dev-office-hours.csv",
            "nightly-batch.csv",
            "quarter-plan.csv",
            "web-service-schedule.csv"
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    for schedule in &schedules {
        let direct = stdout_of(
            ec2plan()
                .arg("simulate")
                .arg(schedule)
                .args(["--format", "csv"]),
        );
        // Through a file.
        let log = dir.path().join("expanded.csv");
        stdout_of(ec2plan().arg("expand").arg(schedule).arg("--out").arg(&log));
        let from_file = stdout_of(
            ec2plan()
                .arg("simulate")
                .arg(&log)
                .args(["--format", "csv"]),
        );
        assert_eq!(from_file, direct, "{}", schedule.display());
        // Through standard input, as `expand S | simulate -`.
        let expanded = stdout_of(ec2plan().arg("expand").arg(schedule));
        assert_eq!(expanded, fs::read_to_string(&log).unwrap());
        let from_stdin = stdout_of(
            ec2plan()
                .args(["simulate", "-", "--format", "csv"])
                .write_stdin(expanded),
        );
        assert_eq!(from_stdin, direct, "{} via stdin", schedule.display());
    }
}

#[test]
fn the_office_hours_log_keeps_the_warm_pool_to_the_schedules_end() {
    // The figure: $26.87 On-Demand (scenarios/EXPECTED.md works it out by hand),
    // of which the hibernated pool's volumes over the weekend to 2026-03-09T00:00:00Z are
    // part; the log used to stop at Friday's 19:00 hibernate and gave $26.02.
    let expanded = stdout_of(
        ec2plan()
            .arg("expand")
            .arg(root().join("scenarios/dev-office-hours.csv")),
    );
    assert!(expanded.ends_with("\n2026-03-09T00:00:00Z,,end,,,,,,,,,,\n"));
    let summary = stdout_of(
        ec2plan()
            .args([
                "simulate",
                "-",
                "--strategy",
                "on-demand",
                "--format",
                "csv",
            ])
            .write_stdin(expanded),
    );
    let row = summary.lines().nth(1).unwrap();
    assert!(
        row.starts_with("on-demand,22.91,2.58,1.38,0.00,26.87,"),
        "{row}"
    );
}

#[test]
fn expand_until_a_date_ends_the_log_there() {
    // Office hours to the start of Wednesday: Monday's and Tuesday's runs, then the end.
    // Monday evening hibernates dev-5 to dev-1 (newest first) into the pool in that order;
    // Tuesday starts them oldest-in-pool first (dev-5 first, so dev-1 is the newest
    // running), and Tuesday evening hibernates dev-1 first and dev-5 last.
    let expanded = stdout_of(
        ec2plan()
            .arg("expand")
            .arg(root().join("scenarios/dev-office-hours.csv"))
            .args(["--until", "2026-03-04"]),
    );
    let last_two: Vec<&str> = expanded.lines().rev().take(2).collect();
    assert_eq!(
        last_two,
        [
            "2026-03-04T00:00:00Z,,end,,,,,,,,,,",
            "2026-03-03T19:00:00Z,dev-5,hibernate,,,,,,,,,,"
        ]
    );
}

/// One m5.large with a 31 GB gp3 volume, run for an hour and stopped.
///
/// With the test catalog: compute 1 h × $0.096 = $0.096. The volume costs
/// 31 GB × $0.08 per GB-month, and March has 31 days, so $0.08 a day: $0.0033 for the
/// first hour alone.
const STOPPED: &str = "time,instance,action,instance_type,ebs_gb
2026-03-02T00:00:00Z,a,launch,m5.large,31
2026-03-02T01:00:00Z,a,stop,,
";

const SUMMARY_HEADER: &str = "strategy,compute_usd,storage_usd,public_ipv4_usd,commitment_usd,total_usd,billed_instance_seconds,spot_instance_hours,interruptions,savings_vs_on_demand_usd,reservations,coverage_pct,utilization_pct,unused_reservation_hours,unused_reservation_usd\n";

/// The On-Demand summary of `log` with the test catalog and `flags`.
fn on_demand(log: &str, flags: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("log.csv"), log).unwrap();
    let pricing = test_pricing_dir().display().to_string();
    stdout_of(
        ec2plan()
            .current_dir(dir.path())
            .args([
                "simulate",
                "log.csv",
                "--strategy",
                "on-demand",
                "--format",
                "csv",
            ])
            .args(["--pricing", &pricing])
            .args(flags),
    )
}

#[test]
fn without_an_end_row_a_log_ends_at_its_last_event() {
    // $0.096 + $0.0033 = $0.0993 → $0.10, all of it compute (largest remainder).
    assert_eq!(
        on_demand(STOPPED, &[]),
        format!("{SUMMARY_HEADER}on-demand,0.10,0.00,0.00,0.00,0.10,3600,0.00,0,0.00,,,,,\n")
    );
}

#[test]
fn an_end_row_bills_the_stopped_volume_up_to_it() {
    // Ten days of volume (2 March 00:00 to 12 March 00:00) at $0.08 a day = $0.80;
    // $0.096 + $0.80 = $0.896 → $0.90.
    let log = format!("{STOPPED}2026-03-12T00:00:00Z,,end,,\n");
    let expected =
        format!("{SUMMARY_HEADER}on-demand,0.10,0.80,0.00,0.00,0.90,3600,0.00,0,0.00,,,,,\n");
    assert_eq!(on_demand(&log, &[]), expected);
    // The same end given as a date on the command line instead.
    assert_eq!(on_demand(STOPPED, &["--until", "2026-03-12"]), expected);
    // CRLF line ends read the same.
    assert_eq!(on_demand(&log.replace('\n', "\r\n"), &[]), expected);
}

#[test]
fn until_wins_over_the_end_row() {
    // Five days of volume = $0.40; $0.096 + $0.40 = $0.496 → $0.50.
    let log = format!("{STOPPED}2026-03-12T00:00:00Z,,end,,\n");
    let expected =
        format!("{SUMMARY_HEADER}on-demand,0.10,0.40,0.00,0.00,0.50,3600,0.00,0,0.00,,,,,\n");
    assert_eq!(
        on_demand(&log, &["--until", "2026-03-07T00:00:00Z"]),
        expected
    );
    assert_eq!(on_demand(&log, &["--until", "2026-03-07"]), expected);
}

#[test]
fn until_accepts_a_date_on_every_command() {
    // The command: a date was refused for having no UTC offset.
    let schedule = root().join("scenarios/dev-office-hours.csv");
    for command in ["simulate", "recommend", "compare"] {
        let with_date = stdout_of(ec2plan().arg(command).arg(&schedule).args([
            "--until",
            "2026-03-31",
            "--format",
            "csv",
        ]));
        let with_time = stdout_of(ec2plan().arg(command).arg(&schedule).args([
            "--until",
            "2026-03-31T00:00:00Z",
            "--format",
            "csv",
        ]));
        assert_eq!(with_date, with_time, "{command}");
    }
    let help = stdout_of(ec2plan().args(["simulate", "--help"]));
    assert!(help.contains("or a date (2026-03-31) meaning the start of that day, 00:00:00 UTC"));
    // Not a real date: refused as a flag (exit 2) in one sentence.
    let output = ec2plan()
        .arg("simulate")
        .arg(&schedule)
        .args(["--until", "2026-02-30"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("\"2026-02-30\" is not a real date"));
}

/// `simulate`'s error for `log`, written as `bad.csv`.
fn error_of(log: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.csv"), log).unwrap();
    let pricing = test_pricing_dir().display().to_string();
    stderr_of(ec2plan().current_dir(dir.path()).args([
        "simulate",
        "bad.csv",
        "--pricing",
        &pricing,
    ]))
}

#[test]
fn an_end_row_before_the_last_event_is_refused() {
    let log = "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T05:00:00Z,a,stop,
2026-03-02T04:00:00Z,,end,
";
    assert_eq!(
        error_of(log),
        "error: bad.csv:4:1 (time): the end row ends the replay at 2026-03-02T04:00:00Z, \
         before the row on line 3 at 2026-03-02T05:00:00Z; the replay cannot end before its \
         last event\n"
    );
}

#[test]
fn a_row_after_the_end_row_is_refused() {
    let log = "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T05:00:00Z,,end,
2026-03-02T06:00:00Z,a,stop,
";
    assert_eq!(
        error_of(log),
        "error: bad.csv:4: the end row on line 3 ends the replay at 2026-03-02T05:00:00Z, so \
         no row may follow it; the end row is the file's last row\n"
    );
}

#[test]
fn an_end_row_names_no_instance_and_no_attribute() {
    let head = "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
";
    assert_eq!(
        error_of(&format!("{head}2026-03-02T05:00:00Z,a,end,\n")),
        "error: bad.csv:3:2 (instance): an end row ends the replay, not an instance, so its \
         instance is empty, not \"a\"\n"
    );
    assert_eq!(
        error_of(&format!("{head}2026-03-02T05:00:00Z,,end,m5.large\n")),
        "error: bad.csv:3:4 (instance_type): instance_type is set on the end row, which only \
         says when the replay ends; leave it empty\n"
    );
    // A misspelt action is offered `end` among the others.
    assert_eq!(
        error_of(&format!("{head}2026-03-02T05:00:00Z,,edn,\n")),
        "error: bad.csv:3:2 (instance): instance is empty; every row needs one\n"
    );
    assert_eq!(
        error_of(&format!("{head}2026-03-02T05:00:00Z,a,edn,\n")),
        "error: bad.csv:3:3 (action): unknown action \"edn\"; did you mean end?\n"
    );
}

#[test]
fn expand_refuses_an_event_log_even_with_until() {
    let output = ec2plan()
        .arg("expand")
        .arg(root().join("scenarios/web-fleet.csv"))
        .args(["--until", "2026-03-10"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is already an event log"));
}
