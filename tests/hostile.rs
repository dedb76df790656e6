//! Hostile and odd input through the binary (issue 21): each case ends in one short sentence
//! and its exit code within seconds, and streams (standard input, `/dev/stdin`, FIFOs) are
//! read once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use proptest::prelude::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run printed and returned.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs the binary, feeding `stdin`; killed after `limit` (the guard against a hang).
fn run(args: &[&str], stdin: Option<Vec<u8>>, limit: Duration) -> Ran {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ec2plan"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let feeder = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("ec2plan {args:?} still ran after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    Ran {
        code: status.code(),
        stdout: reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
        took: started.elapsed(),
    }
}

const LIMIT: Duration = Duration::from_secs(30);
const SCENARIO: &str = "scenarios/web-fleet.csv";

/// One line, short, with exit 3.
fn refused(ran: &Ran, expected: &str) {
    assert_eq!(
        ran.code,
        Some(3),
        "stderr: {}",
        &ran.stderr[..ran.stderr.len().min(500)]
    );
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(
        ran.stderr.len() < 400,
        "{} bytes of stderr",
        ran.stderr.len()
    );
    assert!(ran.stderr.contains(expected), "{}", ran.stderr);
    assert!(ran.stdout.is_empty());
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn dev_zero_is_refused_at_its_first_line() {
    let ran = run(&["simulate", "/dev/zero"], None, LIMIT);
    refused(&ran, "error: /dev/zero:1: this line is longer than 1 MiB");
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
}

#[test]
fn a_file_of_nul_bytes_is_refused_fast() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "nul.csv", &vec![0u8; 20 << 20]);
    let ran = run(&["simulate", &path], None, LIMIT);
    refused(&ran, "nul.csv:1: this line is longer than 1 MiB");
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
}

#[test]
fn a_long_line_is_refused_at_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n".to_vec();
    text.extend(std::iter::repeat_n(b'a', 2 << 20));
    text.extend(b"\n2026-03-03T00:00:00Z,a,terminate,\n");
    let path = write(dir.path(), "long.csv", &text);
    let ran = run(&["simulate", &path], None, LIMIT);
    refused(
        &ran,
        "long.csv:3: this line is longer than 1 MiB (1,048,576 bytes)",
    );
}

#[test]
fn an_8_mb_unknown_type_returns_fast_with_a_short_message() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "x".repeat(8 << 20);
    let text =
        format!("time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,{huge}\n");
    let path = write(dir.path(), "huge.csv", text.as_bytes());
    let ran = run(&["simulate", &path], None, LIMIT);
    refused(&ran, "huge.csv:2: this line is longer than 1 MiB");
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
    // Under the line limit: the value is quoted in part, and no "did you mean" is searched.
    let big = "x".repeat(1_000_000);
    let text = format!("time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,{big}\n");
    let path = write(dir.path(), "big.csv", text.as_bytes());
    let ran = run(&["simulate", &path], None, LIMIT);
    let shown = format!(
        "unknown instance type \"{}…\" (1000000 bytes)",
        "x".repeat(40)
    );
    refused(&ran, &shown);
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
}

#[test]
fn a_huge_ebs_gb_is_quoted_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let digits = "9".repeat(500_000);
    let text = format!(
        "time,instance,action,instance_type,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,{digits}\n"
    );
    let path = write(dir.path(), "ebs.csv", text.as_bytes());
    let ran = run(&["simulate", &path], None, LIMIT);
    refused(&ran, "is far larger than any EBS volume");
}

fn csv_summary(args: &[&str], stdin: Option<Vec<u8>>) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", "csv"]);
    let ran = run(&all, stdin, LIMIT);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    ran.stdout
}

#[test]
fn standard_input_is_read_with_a_dash_and_through_dev_stdin() {
    let expected = csv_summary(&["simulate", SCENARIO], None);
    let bytes = std::fs::read(SCENARIO).unwrap();
    assert_eq!(
        csv_summary(&["simulate", "-"], Some(bytes.clone())),
        expected
    );
    assert_eq!(
        csv_summary(&["simulate", "/dev/stdin"], Some(bytes.clone())),
        expected
    );
    // A schedule through standard input, and a stream replayed by the trials.
    let schedule = std::fs::read("scenarios/web-service-schedule.csv").unwrap();
    assert_eq!(
        csv_summary(&["simulate", "-"], Some(schedule)),
        csv_summary(&["simulate", "scenarios/web-service-schedule.csv"], None)
    );
    let spot = std::fs::read("scenarios/spot-etl.csv").unwrap();
    let trials = [
        "--strategy",
        "spot",
        "--interruptions",
        "advisor",
        "--trials",
        "3",
    ];
    let mut from_stdin = vec!["simulate", "-"];
    from_stdin.extend(trials);
    let mut from_file = vec!["simulate", "scenarios/spot-etl.csv"];
    from_file.extend(trials);
    assert_eq!(
        csv_summary(&from_stdin, Some(spot)),
        csv_summary(&from_file, None)
    );
}

#[test]
fn a_fifo_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("f.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let bytes = std::fs::read(SCENARIO).unwrap();
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.write_all(&bytes).unwrap();
    });
    let got = csv_summary(&["simulate", &fifo.display().to_string()], None);
    writer.join().unwrap();
    assert_eq!(got, csv_summary(&["simulate", SCENARIO], None));
}

#[test]
fn an_unterminated_quote_is_refused_where_it_opened() {
    let dir = tempfile::tempdir().unwrap();
    let text = "time,instance,action,instance_type,region,group\n\
                2026-03-02T00:00:00Z,a,launch,m5.large,us-east-1,\"web\n\
                2026-03-03T00:00:00Z,a,terminate,,,\n";
    let path = write(dir.path(), "quote.csv", text.as_bytes());
    let ran = run(&["simulate", &path], None, LIMIT);
    refused(
        &ran,
        "quote.csv:2: a quoted cell opened on this line runs past the end of the line",
    );
}

#[test]
fn messages_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "time,instance,action,instance_type\n20260302T000000Z,a,launch,m5.large\n",
            "time \"20260302T000000Z\" is in the ISO 8601 basic format",
        ),
        (
            "time,instance,action,instance_type\n2026-03-02T00:00Z,a,launch,m5.large\n",
            "time \"2026-03-02T00:00Z\" has no seconds",
        ),
        (
            "time,instance,action,instance_type,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,-5\n",
            "ebs_gb -5 is negative; a volume size must be zero or more GiB",
        ),
        (
            "time,group,desired\n2026-03-02T00:00:00Z,web,1\n",
            "group web has no instance_type: give one in the instance_type column of its first row",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let path = write(dir.path(), &format!("case{i}.csv"), text.as_bytes());
        let ran = run(&["simulate", &path], None, LIMIT);
        refused(&ran, expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever a launch row holds, an error message stays a few hundred bytes.
    #[test]
    fn no_error_message_is_long(
        cells in prop::collection::vec(
            prop_oneof![
                "[ -~]{0,20}",
                "[a-z0-9.\\-]{200,3000}",
                "-[0-9]{100,2000}",
                "[0-9]{100,2000}",
                ".{0,200}",
            ],
            9,
        ),
    ) {
        let row = cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"").replace(['\n', '\r'], " ")))
            .collect::<Vec<_>>()
            .join(",");
        let csv = format!(
            "time,instance,action,instance_type,region,os,ebs_gb,ebs_type,group\n{row}\n"
        );
        if let Err(e) = common::replay_with(&csv, common::instant()) {
            let message = e.to_string();
            prop_assert!(message.len() < 400, "{} bytes: {}", message.len(), message);
        }
        // The same cells after a valid time, action and name.
        let csv = format!(
            "time,instance,action,instance_type,region,os,ebs_gb,ebs_type,group\n2026-03-02T00:00:00Z,a,launch,{}\n",
            cells[3..].iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"").replace(['\n', '\r'], " ")))
                .collect::<Vec<_>>()
                .join(",")
        );
        if let Err(e) = common::replay_with(&csv, common::instant()) {
            let message = e.to_string();
            prop_assert!(message.len() < 400, "{} bytes: {}", message.len(), message);
        }
    }
}
