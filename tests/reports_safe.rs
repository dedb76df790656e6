//! Issue 21, through the binary: no half-written report (signals, stale staging, concurrent
//! writers), no silent wrong figure (conflicting Spot records, `--set scale_in` on an event
//! log, a misspelt schedule group, times past year 9999), and a directory where a file is
//! expected exiting 4.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn ec2plan() -> Command {
    Command::cargo_bin("ec2plan").expect("the binary is built")
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("ec2plan")
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file in `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    names(dir)
        .into_iter()
        .map(|name| {
            let bytes = fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

fn staging_dirs(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".ec2plan-staging-"))
        .collect()
}

/// A run that must not outlive a failed test (it would write gigabytes).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `simulate big.csv --out rep` on a year of 5,000 instances, sends `signal` once
/// the run is staging, and checks that the staging directory is gone and `rep` unchanged.
fn signal_leaves_nothing(signal: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    ec2plan()
        .args(["generate", "--instances", "5000", "--days", "365", "--out"])
        .arg(&big)
        .assert()
        .success();
    let out = dir.path().join("rep");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("summary.csv"), "an earlier run\n").unwrap();
    fs::write(out.join("mine.txt"), "the user's\n").unwrap();
    let before = contents(&out);
    let child = std::process::Command::new(binary())
        .args(["simulate", "--quiet", "--out"])
        .arg(&out)
        .arg(&big)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let child = &mut child.0;
    let started = Instant::now();
    while staging_dirs(dir.path()).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no staging directory appeared"
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(1000));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run finished before the signal"
    );
    let killed = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(code), "{signal}: {status:?}");
    assert_eq!(staging_dirs(dir.path()), Vec::<String>::new());
    assert_eq!(contents(&out), before);
    assert_eq!(names(dir.path()), vec!["big.csv", "rep"]);
}

#[test]
fn sigterm_removes_the_staging_and_leaves_out_as_it_was() {
    signal_leaves_nothing("-TERM", 143);
}

#[test]
fn sigint_removes_the_staging_and_leaves_out_as_it_was() {
    signal_leaves_nothing("-INT", 130);
}

#[test]
fn the_next_run_removes_a_killed_runs_staging_but_not_a_live_ones() {
    if Path::new("/proc/999999").exists() || !Path::new("/proc/self").exists() {
        return; // PID 999999 is alive, or no /proc to tell: nothing to check here.
    }
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".ec2plan-staging-999999");
    fs::create_dir_all(stale.join(".line-item-runs")).unwrap();
    fs::write(stale.join("line_items.csv"), "half\n").unwrap();
    // This test's own process is alive: its staging must stay.
    let live = dir
        .path()
        .join(format!(".ec2plan-staging-{}", std::process::id()));
    fs::create_dir(&live).unwrap();
    let out = dir.path().join("rep");
    ec2plan()
        .args(["simulate", "--quiet", "--out"])
        .arg(&out)
        .arg(repo("scenarios/dev-machines.csv"))
        .assert()
        .success();
    assert!(!stale.exists());
    assert!(live.exists());
    assert!(out.join("summary.csv").is_file());
}

#[test]
fn concurrent_writers_to_one_directory_never_mix_their_reports() {
    let scenarios = [
        "scenarios/dev-machines.csv",
        "scenarios/nightly-batch.csv",
        "scenarios/web-fleet.csv",
    ];
    let dir = tempfile::tempdir().unwrap();
    // Each scenario's report written alone.
    let alone: Vec<BTreeMap<String, Vec<u8>>> = scenarios
        .iter()
        .enumerate()
        .map(|(i, scenario)| {
            let out = dir.path().join(format!("alone-{i}"));
            ec2plan()
                .args(["simulate", "--quiet", "--out"])
                .arg(&out)
                .arg(repo(scenario))
                .assert()
                .success();
            contents(&out)
        })
        .collect();
    assert_ne!(alone[0]["summary.csv"], alone[1]["summary.csv"]);
    let out = dir.path().join("shared");
    for round in 0..10 {
        let children: Vec<std::process::Child> = scenarios
            .iter()
            .map(|scenario| {
                std::process::Command::new(binary())
                    .args(["simulate", "--quiet", "--out"])
                    .arg(&out)
                    .arg(repo(scenario))
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success(), "round {round}");
        }
        let shared = contents(&out);
        assert!(
            alone.contains(&shared),
            "round {round}: the report mixes runs: {:?}",
            shared.keys().collect::<Vec<_>>()
        );
        assert_eq!(staging_dirs(dir.path()), Vec::<String>::new());
    }
}

const SPOT_HEADER: &str =
    "availability_zone,instance_type,product_description,timestamp,usd_per_hour\n";

#[test]
fn conflicting_spot_records_in_a_pricing_directory_are_refused_naming_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let pricing = dir.path().join("pricing");
    fs::create_dir(&pricing).unwrap();
    let file = pricing.join("spot_prices.csv");
    fs::write(
        &file,
        format!(
            "{SPOT_HEADER}us-east-1a,m5.large,Linux/UNIX,2026-03-01T00:00:00Z,0.036\n\
             us-east-1a,m5.large,Linux/UNIX,2026-03-01T00:00:00Z,0.036\n\
             us-east-1a,m5.large,Linux/UNIX (Amazon VPC),2026-03-01T00:00:00Z,0.04\n"
        ),
    )
    .unwrap();
    let scenario = repo("tests/data/scenarios/base-and-peak.csv");
    ec2plan()
        .args(["simulate", "--strategy", "spot", "--pricing"])
        .arg(&pricing)
        .arg(&scenario)
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: {}:4:5 (usd_per_hour): Linux/UNIX m5.large in us-east-1a at \
             2026-03-01T00:00:00Z costs 0.04 here but 0.036 on line 2; remove one of the two\n",
            file.display()
        ));
    // The same record twice is kept once.
    fs::write(
        &file,
        format!(
            "{SPOT_HEADER}us-east-1a,m5.large,Linux/UNIX,2026-03-01T00:00:00Z,0.036\n\
             us-east-1a,m5.large,Linux/UNIX,2026-03-01T00:00:00Z,0.0360\n"
        ),
    )
    .unwrap();
    ec2plan()
        .args(["simulate", "--strategy", "spot", "--pricing"])
        .arg(&pricing)
        .arg(&scenario)
        .assert()
        .success();
}

fn spot_dump(records: &[(&str, &str)]) -> String {
    let records: Vec<String> = records
        .iter()
        .map(|(product, price)| {
            format!(
                r#"{{"AvailabilityZone":"us-east-1a","InstanceType":"m5.large","ProductDescription":"{product}","SpotPrice":"{price}","Timestamp":"2026-03-01T00:00:00Z"}}"#
            )
        })
        .collect();
    format!("{{\"SpotPriceHistory\":[{}]}}", records.join(","))
}

#[test]
fn conflicting_spot_records_in_an_import_are_refused_naming_both_records() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    fs::write(
        &a,
        spot_dump(&[("Linux/UNIX", "0.036"), ("Linux/UNIX", "0.036")]),
    )
    .unwrap();
    fs::write(&b, spot_dump(&[("Linux/UNIX (Amazon VPC)", "0.04")])).unwrap();
    let out = dir.path().join("prices");
    ec2plan()
        .args(["pricing", "import", "--out"])
        .arg(&out)
        .arg(&a)
        .arg(&b)
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: {}:1: record 1 of SpotPriceHistory: Linux/UNIX m5.large in us-east-1a at \
             2026-03-01T00:00:00Z costs 0.04 here but 0.036 in record 1 of {}; remove one of \
             the two\n",
            b.display(),
            a.display()
        ));
    assert!(!out.exists());
    // An exact repeat is kept once, and said.
    let output = ec2plan()
        .args(["pricing", "import", "--out"])
        .arg(&out)
        .arg(&a)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    assert!(
        stdout.contains(
            "kept 1 Spot price records (1 record repeated another exactly and was kept once)"
        ),
        "{stdout}"
    );
}

#[test]
fn set_scale_in_on_an_event_log_is_refused() {
    for flag in ["scale_in=stop", "web.scale_in=hibernate"] {
        ec2plan()
            .args(["simulate", "--set", flag])
            .arg(repo("tests/data/scenarios/base-and-peak.csv"))
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "error: --set {flag} sets how a schedule scales in, but this scenario is an \
                 event log, whose own stop and terminate rows say how instances leave\n"
            ));
    }
    // On a schedule it applies.
    ec2plan()
        .args(["simulate", "--set", "scale_in=stop"])
        .arg(repo("scenarios/web-service-schedule.csv"))
        .assert()
        .success();
}

#[test]
fn a_schedule_group_never_launched_nor_typed_is_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.csv");
    fs::write(
        &path,
        "time,group,desired,instance_type,repeat\n\
         2026-03-02T00:00:00Z,web,3,m6i.large,\n\
         2026-03-02T00:00:00Z,batch,1,c6i.large,\n\
         2026-03-02T20:00:00Z,web,1,,daily\n\
         2026-03-09T00:00:00Z,wbe,0,,\n",
    )
    .unwrap();
    ec2plan()
        .arg("simulate")
        .arg(&path)
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: {}:5:2 (group): group \"wbe\" never wants an instance and is never given an \
             instance_type, so its rows do nothing; did you mean web? (the schedule's groups: \
             batch, web)\n",
            path.display()
        ));
    // A group declared with a type and kept at 0 is a group, not a typo.
    fs::write(
        &path,
        "time,group,desired,instance_type\n\
         2026-03-02T00:00:00Z,web,3,m6i.large\n\
         2026-03-02T00:00:00Z,spare,0,m6i.large\n\
         2026-03-03T00:00:00Z,web,0,\n",
    )
    .unwrap();
    ec2plan().arg("simulate").arg(&path).assert().success();
}

#[test]
fn times_after_year_9999_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let schedule = dir.path().join("late.csv");
    fs::write(
        &schedule,
        "time,group,desired,instance_type,repeat\n9999-12-30T00:00:00Z,web,1,m5.large,daily\n",
    )
    .unwrap();
    let out = dir.path().join("events.csv");
    let assert = ec2plan()
        .args(["expand", "--until", "9999-12-31T23:00:00-10:00", "--out"])
        .arg(&out)
        .arg(&schedule)
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "\"9999-12-31T23:00:00-10:00\" is after 9999-12-31T23:59:59Z in UTC, the latest \
             time ec2plan handles"
        ),
        "{stderr}"
    );
    assert!(!out.exists());
    ec2plan()
        .args([
            "generate",
            "--start",
            "9999-12-01T00:00:00Z",
            "--days",
            "60",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: cannot generate: --days 60 from --start 9999-12-01T00:00:00Z ends after \
             9999-12-31T23:59:59Z, the latest time ec2plan handles\n",
        );
    ec2plan()
        .args([
            "generate",
            "--start",
            "9999-12-01T00:00:00Z",
            "--days",
            "60",
        ])
        .assert()
        .code(2)
        .stdout("");
    assert_eq!(names(dir.path()), vec!["late.csv"]);
}

#[test]
fn a_directory_where_a_file_is_expected_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().display().to_string();
    for args in [
        vec!["simulate", &path],
        vec!["recommend", &path],
        vec!["expand", &path],
        vec!["pricing", "import", &path],
    ] {
        ec2plan()
            .args(&args)
            .assert()
            .code(4)
            .stdout("")
            .stderr(format!(
                "error: cannot read {path}: it is a directory, not a file\n"
            ));
    }
    // And --pricing naming a file.
    let scenario = repo("tests/data/scenarios/base-and-peak.csv");
    ec2plan()
        .args(["simulate", "--pricing"])
        .arg(&scenario)
        .arg(&scenario)
        .assert()
        .code(4)
        .stdout("");
}
