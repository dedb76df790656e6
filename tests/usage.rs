//! `ec2plan scenario from-usage` and `simulate --out --line-items`, through the binary.
//!
//! The hand-written exports in tests/data/usage (see its README) become the event logs worked
//! out by hand below and price to hand-worked figures (bundled catalog, us-east-1 Linux
//! m5.large $0.096/h, c6i.large $0.085/h, Windows t3.micro $0.0196/h, us-east-2 RHEL r5.large
//! $0.155/h; March 2026 has 744 hours). ec2plan's own line items, CSV and Parquet, replay to
//! the same On-Demand figures to the cent; hour-aligned rows (as AWS's hourly exports have)
//! keep every hour's seconds. Bad files get one sentence naming the file and the line (CSV)
//! or row and column (Parquet). `line_items.parquet` is read back with the parquet crate.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::write;
use common::{ec2plan, on_demand_figures};

use assert_cmd::Command;
use parquet::basic::{ConvertedType, LogicalType, TimeUnit, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/usage")
        .join(name)
        .display()
        .to_string()
}

fn scenario(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .display()
        .to_string()
}

/// Standard output and standard error of a run that must succeed.
fn run_ok(command: &mut Command) -> (String, String) {
    let output = command.output().expect("the binary runs");
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

/// The exit code and the one line of standard error of a run that must fail.
fn run_err(command: &mut Command) -> (i32, String) {
    let output = command.output().expect("the binary runs");
    assert!(!output.status.success(), "unexpectedly succeeded");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    (output.status.code().unwrap_or(-1), stderr)
}

fn from_usage() -> Command {
    let mut command = ec2plan();
    command.args(["scenario", "from-usage"]);
    command
}

const HEADER: &str = "time,instance,action,instance_type,region,os,ebs_gb,ebs_type,root,public_ip,interruptible,hibernation,group\n";

/// Prices an event log (standard input) with the bundled catalog, On-Demand, as CSV.
fn simulate_on_demand(event_log: &str) -> String {
    let (out, _) = run_ok(
        ec2plan()
            .args(["simulate", "-", "--strategy", "on-demand", "-f", "csv"])
            .write_stdin(event_log),
    );
    on_demand_figures(&out)
}

const I1: &str = "i-0f0c5a1e2d3b40001";
const VOL: &str = "vol-0f0c5a1e2d3b4a001";
const EIP: &str = "eipalloc-0f0c5a1e2d3b4e001";

/// focus-1.0-aws.csv with its volume and address attached to the m5.large.
const FOCUS_LOG: &str = "\
2026-03-02T08:00:00Z,i-0f0c5a1e2d3b40001,launch,m5.large,us-east-1,linux,20,gp3,ebs,elastic,false,false,m5.large
2026-03-02T08:00:00Z,i-0f0c5a1e2d3b40003,launch,c6i.large,us-east-1,linux,8,gp3,ebs,none,true,false,c6i.large
2026-03-02T09:30:00Z,i-0f0c5a1e2d3b40002,launch,t3.micro,us-east-1,windows,8,gp3,ebs,none,false,false,t3.micro
2026-03-02T10:00:00Z,i-0f0c5a1e2d3b40003,terminate,,,,,,,,,,
2026-03-02T11:15:00Z,i-0f0c5a1e2d3b40002,terminate,,,,,,,,,,
2026-03-02T12:00:00Z,i-0f0c5a1e2d3b40001,stop,,,,,,,,,,
2026-03-02T14:00:00Z,i-0f0c5a1e2d3b40001,terminate,,,,,,,,,,
";

#[test]
fn a_focus_export_becomes_the_event_log_worked_out_by_hand() {
    // - i-…01: BoxUsage:m5.large, RunInstances (Linux), four whole hours 08:00-12:00; its
    //   gp3 volume bills 08:00-14:00 at 0.0268817204 GB-months an hour = 20 GB × 1/744 (so it
    //   was stopped at 12:00 and ended at 14:00); its address is idle 12:00-14:00: elastic.
    // - i-…03: SpotUsage:c6i.large (PricingCategory Dynamic): interruptible, 08:00-10:00.
    // - i-…02: RunInstances:0002 (Windows) t3.micro: half of 09:00 (nothing before: placed at
    //   the end, from 09:30), all of 10:00, a quarter of 11:00 (it was running: placed at the
    //   start, to 11:15).
    // The data transfer, the snapshot, the reservation purchase and the tax are left out.
    let (out, notes) = run_ok(from_usage().arg(fixture("focus-1.0-aws.csv")).args([
        "--attach",
        &format!("{VOL}={I1}"),
        "--attach",
        &format!("{EIP}={I1}"),
    ]));
    assert_eq!(out, format!("{HEADER}{FOCUS_LOG}"));
    assert!(notes.contains(
        "note: read 25 rows of a FOCUS 1.0 export from 1 file: 7 event-log rows for 3 \
         instances; not used: 2 of other charges (not usage: fees, credits, tax), 1 of other \
         usage (data transfer, other services), 1 of snapshots or provisioned EBS performance"
    ));
    assert!(notes
        .contains("note: 2 charge periods of instance usage ran for less than the whole period"));
    // Compute: 4 h × $0.096 + 2 h × $0.085 + 1.75 h × $0.0196 = $0.5883 → $0.59. Storage:
    // (20 GB × 6 h + 8 GB × 2 h + 8 GB × 1.75 h) × $0.08 / 744 h = $0.016129; IPv4: 6 h ×
    // $0.005 = $0.03. Total $0.634429 → $0.63; the parts are apportioned to add up to it
    // (compute takes the cent, storage shows $0.01). 7.75 instance-hours = 27,900 s.
    assert_eq!(simulate_on_demand(&out), "0.59,0.01,0.03,0.00,0.63,27900");
}

#[test]
fn volumes_and_addresses_no_row_links_to_an_instance_are_left_out_with_a_note() {
    let (out, notes) = run_ok(from_usage().arg(fixture("focus-1.0-aws.csv")));
    let first = out.lines().nth(1).unwrap();
    assert_eq!(
        first,
        "2026-03-02T08:00:00Z,i-0f0c5a1e2d3b40001,launch,m5.large,us-east-1,linux,8,gp3,ebs,none,false,false,m5.large"
    );
    // Without its volume, the instance ends with its last run.
    assert!(out.contains("2026-03-02T12:00:00Z,i-0f0c5a1e2d3b40001,terminate"));
    // 6 × 0.0268817204 = 0.1612903224 GB-months.
    assert!(
        notes.contains(
            "note: left out 1 EBS volume (vol-0f0c5a1e2d3b4a001; 0.1613 GB-months in all): the \
         export does not say which instance a volume is attached to; give it with --attach \
         VOLUME=INSTANCE"
        ),
        "{notes}"
    );
    assert!(notes.contains("note: left out 1 public IPv4 address (eipalloc-0f0c5a1e2d3b4e001)"));
    assert!(notes.contains("ebs_gb: no EBS volume usage is attached to 3 instances"));
}

/// cur2.csv: an m5.large covered by a reservation for two hours (DiscountedUsage) and
/// On-Demand for the third, and a RHEL r5.large in us-east-2 that stopped within 01:00 and ran
/// again 03:00-05:00.
const CUR_LOG: &str = "\
2026-03-03T00:00:00Z,i-0e1d2c3b4a5960001,launch,m5.large,us-east-1,linux,8,gp3,ebs,none,false,false,m5.large
2026-03-03T00:00:00Z,i-0e1d2c3b4a5960002,launch,r5.large,us-east-2,rhel,8,gp3,ebs,none,false,false,r5.large
2026-03-03T01:30:00Z,i-0e1d2c3b4a5960002,stop,,,,,,,,,,
2026-03-03T03:00:00Z,i-0e1d2c3b4a5960001,terminate,,,,,,,,,,
2026-03-03T03:00:00Z,i-0e1d2c3b4a5960002,start,,,,,,,,,,
2026-03-03T05:00:00Z,i-0e1d2c3b4a5960002,terminate,,,,,,,,,,
";

#[test]
fn a_cur2_export_becomes_the_event_log_worked_out_by_hand() {
    let (out, notes) = run_ok(from_usage().arg(fixture("cur2.csv")));
    assert_eq!(out, format!("{HEADER}{CUR_LOG}"));
    assert!(notes.contains(
        "note: read 13 rows of a CUR 2.0 export from 1 file: 6 event-log rows for 2 instances; \
         not used: 2 of other charges (not usage: fees, credits, tax)"
    ));
    assert!(notes.contains("left out 1 EBS volume (vol-0e1d2c3b4a596a001; 0.2016 GB-months"));
    // Compute: 3 h × $0.096 + 3.5 h × $0.155 = $0.8305 → $0.83; 6.5 h = 23,400 s.
    let figures = simulate_on_demand(&out);
    assert!(figures.starts_with("0.83,"), "{figures}");
    assert!(figures.ends_with(",23400"), "{figures}");
    // With the volume attached: 50 GB (0.0672043011 GB-months an hour × 744), gp2.
    let (out, _) = run_ok(
        from_usage()
            .arg(fixture("cur2.csv"))
            .args(["--attach", "vol-0e1d2c3b4a596a001=i-0e1d2c3b4a5960001"]),
    );
    assert!(out.contains(
        "2026-03-03T00:00:00Z,i-0e1d2c3b4a5960001,launch,m5.large,us-east-1,linux,50,gp2,ebs,none"
    ));
}

#[test]
fn a_gzip_export_reads_as_its_csv() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cur2-00001.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&fs::read(fixture("cur2.csv")).unwrap())
        .unwrap();
    fs::write(&path, gz.finish().unwrap()).unwrap();
    let (out, _) = run_ok(from_usage().arg(&path));
    assert_eq!(out, format!("{HEADER}{CUR_LOG}"));
}

/// A usage row: (resource, start hour, end hour, quantity, usage type, operation).
type UsageRow<'a> = (&'a str, i64, i64, f64, &'a str, &'a str);

/// Writes one column of a row group.
type ColumnWrite<'a> = Box<dyn Fn(&mut parquet::file::writer::SerializedColumnWriter<'_>) + 'a>;

/// A Parquet file as AWS's FOCUS export types its columns (FOCUS 1.0 with AWS columns:
/// strings, `double` quantities and costs, `timestamp` periods), written with the parquet
/// crate from rows given as (resource, start hour, end hour, quantity, usage type, operation).
fn write_focus_parquet(path: &Path, rows: &[UsageRow]) {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema = parse_message_type(
        "message focus {
            OPTIONAL BYTE_ARRAY ResourceId (STRING);
            OPTIONAL INT64 ChargePeriodStart (TIMESTAMP(MILLIS,true));
            OPTIONAL INT64 ChargePeriodEnd (TIMESTAMP(MILLIS,true));
            OPTIONAL DOUBLE ConsumedQuantity;
            OPTIONAL BYTE_ARRAY ChargeCategory (STRING);
            OPTIONAL BYTE_ARRAY RegionId (STRING);
            OPTIONAL DOUBLE BilledCost;
            OPTIONAL BYTE_ARRAY x_Operation (STRING);
            OPTIONAL BYTE_ARRAY x_UsageType (STRING);
        }",
    )
    .unwrap();
    let file = fs::File::create(path).unwrap();
    let props = Arc::new(WriterProperties::builder().build());
    let mut writer = SerializedFileWriter::new(file, Arc::new(schema), props).unwrap();
    let mut group = writer.next_row_group().unwrap();
    let defined = vec![1i16; rows.len()];
    // 2026-03-02T00:00:00Z.
    let day = 1_772_409_600_000i64;
    let text = |f: &dyn Fn(&UsageRow) -> String| -> Vec<ByteArray> {
        rows.iter()
            .map(|r| ByteArray::from(f(r).as_str()))
            .collect()
    };
    let columns: Vec<ColumnWrite> = vec![
        Box::new(|c| {
            let v = text(&|r| r.0.to_string());
            c.typed::<ByteArrayType>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
        Box::new(|c| {
            let v: Vec<i64> = rows.iter().map(|r| day + r.1 * 3_600_000).collect();
            c.typed::<Int64Type>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
        Box::new(|c| {
            let v: Vec<i64> = rows.iter().map(|r| day + r.2 * 3_600_000).collect();
            c.typed::<Int64Type>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
        Box::new(|c| {
            let v: Vec<f64> = rows.iter().map(|r| r.3).collect();
            c.typed::<DoubleType>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
        Box::new(|c| {
            let v = text(&|_| "Usage".to_string());
            c.typed::<ByteArrayType>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
        Box::new(|c| {
            let v = text(&|_| "us-east-1".to_string());
            c.typed::<ByteArrayType>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
        Box::new(|c| {
            let v: Vec<f64> = rows.iter().map(|r| r.3 * 0.0196).collect();
            c.typed::<DoubleType>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
        Box::new(|c| {
            let v = text(&|r| r.5.to_string());
            c.typed::<ByteArrayType>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
        Box::new(|c| {
            let v = text(&|r| r.4.to_string());
            c.typed::<ByteArrayType>()
                .write_batch(&v, Some(&defined), None)
                .unwrap();
        }),
    ];
    for write_column in &columns {
        let mut column = group.next_column().unwrap().unwrap();
        write_column(&mut column);
        column.close().unwrap();
    }
    group.close().unwrap();
    writer.close().unwrap();
}

#[test]
fn a_parquet_export_reads_as_its_csv() {
    // The Windows t3.micro of the FOCUS fixture, as Parquet: 0.5, 1 and 0.25 hours (doubles).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("focus-00001.snappy.parquet");
    let windows = "RunInstances:0002";
    write_focus_parquet(
        &path,
        &[
            (
                "i-0f0c5a1e2d3b40002",
                9,
                10,
                0.5,
                "BoxUsage:t3.micro",
                windows,
            ),
            (
                "i-0f0c5a1e2d3b40002",
                10,
                11,
                1.0,
                "BoxUsage:t3.micro",
                windows,
            ),
            (
                "i-0f0c5a1e2d3b40002",
                11,
                12,
                0.25,
                "BoxUsage:t3.micro",
                windows,
            ),
        ],
    );
    let (out, notes) = run_ok(from_usage().arg(&path));
    assert_eq!(
        out,
        format!(
            "{HEADER}\
2026-03-02T09:30:00Z,i-0f0c5a1e2d3b40002,launch,t3.micro,us-east-1,windows,8,gp3,ebs,none,false,false,t3.micro
2026-03-02T11:15:00Z,i-0f0c5a1e2d3b40002,terminate,,,,,,,,,,
"
        )
    );
    assert!(
        notes.contains("note: read 3 rows of a FOCUS 1.0 export from 1 file"),
        "{notes}"
    );
}

/// A week of whole hours with every attribute a usage export shows: stops and starts, an
/// Elastic IP kept while stopped, an auto-assigned one, volumes of three types, a Spot-ready
/// worker, a Windows and a RHEL machine, and a second Region.
const WHOLE_HOURS: &str = "\
time,instance,action,instance_type,region,os,ebs_gb,ebs_type,public_ip,interruptible,group
2026-03-02T00:00:00Z,web-1,launch,m6i.large,us-east-1,linux,20,gp3,elastic,false,web
2026-03-02T00:00:00Z,db-1,launch,r5.large,us-east-1,rhel,100,io1,none,false,db
2026-03-02T06:00:00Z,batch-1,launch,c6i.large,eu-west-1,linux,125,st1,none,true,batch
2026-03-02T08:00:00Z,dev-1,launch,t3.large,us-east-1,windows,30,gp2,auto,false,dev
2026-03-02T10:00:00Z,batch-1,terminate,,,,,,,,
2026-03-02T18:00:00Z,dev-1,stop,,,,,,,,
2026-03-02T20:00:00Z,web-1,stop,,,,,,,,
2026-03-03T08:00:00Z,dev-1,start,,,,,,,,
2026-03-03T09:00:00Z,web-1,start,,,,,,,,
2026-03-03T18:00:00Z,dev-1,terminate,,,,,,,,
2026-03-05T00:00:00Z,db-1,stop,,,,,,,,
2026-03-06T00:00:00Z,db-1,terminate,,,,,,,,
2026-03-09T00:00:00Z,web-1,reboot,,,,,,,,
";

/// Same, with starts and stops within hours: runs cut short of the hour at both ends, one of
/// 45 seconds (billed the 60-second minimum).
const PARTIAL_HOURS: &str = "\
time,instance,action,instance_type,region,os,ebs_gb,ebs_type,public_ip,group
2026-03-02T00:20:00Z,web-1,launch,m6i.large,us-east-1,linux,20,gp3,elastic,web
2026-03-02T09:20:00Z,dev-1,launch,t3.large,us-east-1,linux,30,gp3,auto,dev
2026-03-02T13:00:00Z,burst-1,launch,c6i.large,us-east-1,linux,8,gp3,none,burst
2026-03-02T13:00:45Z,burst-1,terminate,,,,,,,
2026-03-02T17:45:00Z,dev-1,stop,,,,,,,
2026-03-02T20:10:30Z,web-1,stop,,,,,,,
2026-03-03T08:05:00Z,dev-1,start,,,,,,,
2026-03-03T09:50:00Z,web-1,start,,,,,,,
2026-03-03T18:30:00Z,dev-1,terminate,,,,,,,
2026-03-04T12:00:00Z,web-1,terminate,,,,,,,
";

/// `simulate --out DIR --granularity hourly` of `scenario` (every strategy), the summary.
fn line_items(dir: &Path, scenario: &str, forms: &str) -> String {
    let (out, _) = run_ok(
        ec2plan()
            .arg("simulate")
            .arg(scenario)
            .args([
                "-q",
                "-f",
                "csv",
                "--granularity",
                "hourly",
                "--line-items",
                forms,
                "--out",
            ])
            .arg(dir),
    );
    out
}

#[test]
fn ec2plans_own_line_items_replay_to_the_same_on_demand_figures_csv_and_parquet() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("whole.csv", WHOLE_HOURS), ("partial.csv", PARTIAL_HOURS)] {
        let source = write(dir.path(), name, text);
        let out = dir.path().join(format!("{name}.report"));
        let summary = line_items(&out, &source, "both");
        let expected = on_demand_figures(&summary);
        for file in ["line_items.csv", "line_items.parquet"] {
            let (log, _) = run_ok(from_usage().arg(out.join(file)));
            assert_eq!(simulate_on_demand(&log), expected, "{name} through {file}");
        }
    }
    // The whole-hour week's log comes back row for row but for the reboot (no usage shows
    // it), web-1's Elastic IP (billed while stopped) and the end: web-1 still ran at the
    // replay's end, so it is terminated there.
    let report = dir.path().join("whole.csv.report");
    let (log, _) = run_ok(from_usage().arg(report.join("line_items.csv")));
    assert_eq!(
        log,
        format!(
            "{HEADER}\
2026-03-02T00:00:00Z,db-1,launch,r5.large,us-east-1,rhel,100,io1,ebs,none,false,false,db
2026-03-02T00:00:00Z,web-1,launch,m6i.large,us-east-1,linux,20,gp3,ebs,elastic,false,false,web
2026-03-02T06:00:00Z,batch-1,launch,c6i.large,eu-west-1,linux,125,st1,ebs,none,true,false,batch
2026-03-02T08:00:00Z,dev-1,launch,t3.large,us-east-1,windows,30,gp2,ebs,auto,false,false,dev
2026-03-02T10:00:00Z,batch-1,terminate,,,,,,,,,,
2026-03-02T18:00:00Z,dev-1,stop,,,,,,,,,,
2026-03-02T20:00:00Z,web-1,stop,,,,,,,,,,
2026-03-03T08:00:00Z,dev-1,start,,,,,,,,,,
2026-03-03T09:00:00Z,web-1,start,,,,,,,,,,
2026-03-03T18:00:00Z,dev-1,terminate,,,,,,,,,,
2026-03-05T00:00:00Z,db-1,stop,,,,,,,,,,
2026-03-06T00:00:00Z,db-1,terminate,,,,,,,,,,
2026-03-09T00:00:00Z,web-1,terminate,,,,,,,,,,
"
        )
    );
}

/// `line_items.csv` with every row's charge period widened to whole hours, as AWS's hourly
/// exports write them (the row keeps its usage, now less than its period).
fn hour_aligned(csv_text: &str) -> String {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (start, end) = (at("ChargePeriodStart"), at("ChargePeriodEnd"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        // 2026-03-02T13:00:45Z → 2026-03-02T13:00:00Z; an end within an hour → the next hour.
        let floor = |t: &str| format!("{}:00:00Z", &t[..13]);
        let ceil = |t: &str| {
            if &t[14..19] == "00:00" {
                t.to_string()
            } else {
                let hour: u32 = t[11..13].parse().unwrap();
                let day: u32 = t[8..10].parse().unwrap();
                let (day, hour) = if hour == 23 {
                    (day + 1, 0)
                } else {
                    (day, hour + 1)
                };
                format!("{}{day:02}T{hour:02}:00:00Z", &t[..8])
            }
        };
        cells[start] = floor(&cells[start]);
        cells[end] = ceil(&cells[end]);
        writer.write_record(&cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

#[test]
fn hour_aligned_rows_keep_each_hours_seconds_and_a_start_or_stop_within_an_hour() {
    let dir = tempfile::tempdir().unwrap();
    let source = write(dir.path(), "partial.csv", PARTIAL_HOURS);
    let out = dir.path().join("report");
    let summary = line_items(&out, &source, "csv");
    let aligned = write(
        dir.path(),
        "aligned.csv",
        hour_aligned(&fs::read_to_string(out.join("line_items.csv")).unwrap()),
    );
    let (log, notes) = run_ok(from_usage().arg(&aligned));
    // Each start or stop alone within its hour comes back to the second: 00:20 (web-1's
    // first hour has 40 minutes, nothing before it: at the end of the hour), 20:10:30 (its
    // hour ran 10.5 minutes after a running hour: at the start), 09:50, 09:20, 17:45, 08:05,
    // 18:30. The 45-second burst ran alone in its hour, so it is placed at the end of the
    // hour: 13:59:15 to 14:00.
    assert!(log.contains("2026-03-02T00:20:00Z,web-1,launch"), "{log}");
    assert!(log.contains("2026-03-02T20:10:30Z,web-1,stop"));
    assert!(log.contains("2026-03-03T09:50:00Z,web-1,start"));
    assert!(log.contains("2026-03-02T09:20:00Z,dev-1,launch"));
    assert!(log.contains("2026-03-02T17:45:00Z,dev-1,stop"));
    assert!(log.contains("2026-03-03T08:05:00Z,dev-1,start"));
    assert!(log.contains("2026-03-03T18:30:00Z,dev-1,terminate"));
    assert!(log.contains("2026-03-02T13:59:15Z,burst-1,launch"));
    assert!(log.contains("2026-03-02T14:00:00Z,burst-1,terminate"));
    assert!(notes.contains("charge periods of instance usage ran for less than the whole period"));
    // So every figure is the same to the cent.
    assert_eq!(simulate_on_demand(&log), on_demand_figures(&summary));
}

#[test]
fn a_stop_and_a_start_within_one_hour_keep_the_hours_seconds_at_its_start() {
    // Stopped 10:10, started 10:50: the hour ran 20 minutes, and the export cannot say which.
    // It was running when the hour began, so its 20 minutes go first: stop 10:20, start
    // 11:00. The same seconds, so the same compute to the cent.
    let dir = tempfile::tempdir().unwrap();
    let source = write(
        dir.path(),
        "gap.csv",
        "time,instance,action,instance_type\n\
         2026-03-02T08:00:00Z,app-1,launch,m5.large\n\
         2026-03-02T10:10:00Z,app-1,stop,\n\
         2026-03-02T10:50:00Z,app-1,start,\n\
         2026-03-02T12:00:00Z,app-1,terminate,\n",
    );
    let out = dir.path().join("report");
    let summary = line_items(&out, &source, "csv");
    let aligned = write(
        dir.path(),
        "aligned.csv",
        hour_aligned(&fs::read_to_string(out.join("line_items.csv")).unwrap()),
    );
    let (log, _) = run_ok(from_usage().arg(&aligned));
    assert_eq!(
        log,
        format!(
            "{HEADER}\
2026-03-02T08:00:00Z,app-1,launch,m5.large,us-east-1,linux,8,gp3,ebs,none,false,false,m5.large
2026-03-02T10:20:00Z,app-1,stop,,,,,,,,,,
2026-03-02T11:00:00Z,app-1,start,,,,,,,,,,
2026-03-02T12:00:00Z,app-1,terminate,,,,,,,,,,
"
        )
    );
    // 3 h 20 min × $0.096 = $0.32 either way.
    let figures = simulate_on_demand(&log);
    assert!(figures.starts_with("0.32,"), "{figures}");
    assert_eq!(
        figures.split(',').next(),
        on_demand_figures(&summary).split(',').next()
    );
}

// ---- bad files ----

fn focus_csv(rows: &[&str]) -> String {
    let header = fs::read_to_string(fixture("focus-1.0-aws.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let mut text = header + "\n";
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// One FOCUS row of instance usage, with the cells that vary.
fn focus_row(resource: &str, start: &str, end: &str, quantity: &str) -> String {
    format!(
        "us-east-1a,0.096,111122223333,Example Corp,USD,2026-04-01T00:00:00Z,2026-03-01T00:00:00Z,Usage,,\
         m5.large hour,Usage-Based,{end},{start},,,,,,{quantity},Hrs,0.096,0.096,0.096,AWS,0.096,0.096,\
         Standard,1,Hrs,AWS,AWS,us-east-1,US East (N. Virginia),{resource},,Instance,Compute,\
         Amazon Elastic Compute Cloud,SKU,SKU.1,111122223333,Example Corp,{{}},{{}},{{}},RunInstances,\
         AmazonEC2,BoxUsage:m5.large"
    )
}

#[test]
fn bad_csv_cells_are_named_by_file_line_column_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let good = focus_row(I1, "2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z", "1");
    let cases = [
        (
            focus_row(I1, "2026-03-02T09:00", "2026-03-02T10:00:00Z", "1"),
            ":3:13 (ChargePeriodStart): ChargePeriodStart \"2026-03-02T09:00\" has no seconds",
        ),
        (
            focus_row(I1, "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "one"),
            ":3:19 (ConsumedQuantity): ConsumedQuantity \"one\" is not a decimal number",
        ),
        (
            focus_row(I1, "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "-1"),
            ":3:19 (ConsumedQuantity): ConsumedQuantity -1 is negative; usage is zero or more",
        ),
        (
            focus_row(
                "=HYPERLINK(\"x\")",
                "2026-03-02T09:00:00Z",
                "2026-03-02T10:00:00Z",
                "1",
            )
            .replace("=HYPERLINK(\"x\")", "\"=HYPERLINK(\"\"x\"\")\""),
            ":3:34 (ResourceId): resource id \"=HYPERLINK(\\\"x\\\")\" starts with '=', which a \
             spreadsheet reads as the start of a formula",
        ),
        (
            focus_row(I1, "2026-03-02T10:00:00Z", "2026-03-02T09:00:00Z", "1"),
            ":3:12 (ChargePeriodEnd): the charge period ends at 2026-03-02T09:00:00Z, not after \
             it starts (2026-03-02T10:00:00Z)",
        ),
        (
            "us-east-1a,0.096".to_string(),
            ":3: the row has 2 fields but the header (line 1) has 48",
        ),
        (
            focus_row(I1, "2026-03-02T08:30:00Z", "2026-03-02T09:30:00Z", "1"),
            ":3: the charge period 2026-03-02T08:30:00Z to 2026-03-02T09:30:00Z overlaps the one \
             of",
        ),
    ];
    for (index, (row, expected)) in cases.iter().enumerate() {
        let name = format!("bad-{index}.csv");
        let path = write(dir.path(), &name, focus_csv(&[&good, row]));
        let (code, message) = run_err(from_usage().arg(&path));
        assert_eq!(code, 3, "{message}");
        assert!(
            message.starts_with(&format!("error: {path}")) && message.contains(expected),
            "{message}\nshould contain {expected}"
        );
    }
}

#[test]
fn files_that_are_no_usage_export_are_refused_naming_the_columns_expected() {
    let dir = tempfile::tempdir().unwrap();
    let (code, message) = run_err(from_usage().arg(scenario("web-fleet.csv")));
    assert_eq!(code, 3);
    assert!(message.contains(
        "web-fleet.csv:1: the header is neither a FOCUS export's (ResourceId, ChargePeriodStart"
    ));
    assert!(message.contains("line_item_usage_type"));
    // A FOCUS file without AWS's x_UsageType: nothing names the instance type.
    let plain =
        "ResourceId,ChargePeriodStart,ChargePeriodEnd,ConsumedQuantity,ChargeCategory,RegionId\n";
    let path = write(dir.path(), "plain-focus.csv", plain);
    let (code, message) = run_err(from_usage().arg(&path));
    assert_eq!(code, 3);
    assert!(
        message.contains(
            "plain-focus.csv:1: this looks like a FOCUS 1.0 export but the header has no \
         \"x_UsageType\" column, which names each row's instance type"
        ),
        "{message}"
    );
    // CUR 2.0 without resource ids.
    let cur = fs::read_to_string(fixture("cur2.csv"))
        .unwrap()
        .replace("line_item_resource_id", "line_item_resource");
    let path = write(dir.path(), "no-resources.csv", &cur);
    let (_, message) = run_err(from_usage().arg(&path));
    assert!(
        message.contains("create the export with INCLUDE_RESOURCES"),
        "{message}"
    );
    // Empty; only tax; a Parquet file that is not one.
    let path = write(dir.path(), "empty.csv", "");
    let (code, message) = run_err(from_usage().arg(&path));
    assert_eq!(
        (
            code,
            message
                .trim_end()
                .ends_with("a usage export starts with a header row")
        ),
        (3, true)
    );
    let tax = fs::read_to_string(fixture("focus-1.0-aws.csv")).unwrap();
    let only_tax: String = tax
        .lines()
        .filter(|l| l.starts_with("AvailabilityZone") || l.contains(",Tax,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = write(dir.path(), "tax.csv", &only_tax);
    let (_, message) = run_err(from_usage().arg(&path));
    assert!(
        message.contains("they hold no EC2 instance usage"),
        "{message}"
    );
    let path = write(
        dir.path(),
        "broken.parquet",
        "PAR1 and then nothing a Parquet file has",
    );
    let (code, message) = run_err(from_usage().arg(&path));
    assert_eq!(code, 3);
    assert!(
        message.contains("broken.parquet: it starts like a Parquet file but cannot be read as one"),
        "{message}"
    );
    // A missing file cannot be read: exit 4.
    let (code, _) = run_err(from_usage().arg(dir.path().join("missing.csv")));
    assert_eq!(code, 4);
}

#[test]
fn bad_parquet_cells_are_named_by_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.parquet");
    write_focus_parquet(
        &path,
        &[
            (I1, 8, 9, 1.0, "BoxUsage:m5.large", "RunInstances"),
            (I1, 9, 10, -1.0, "BoxUsage:m5.large", "RunInstances"),
        ],
    );
    let (code, message) = run_err(from_usage().arg(&path));
    assert_eq!(code, 3);
    assert!(
        message.contains(&format!(
            "{}: row 2, column 4 (ConsumedQuantity): ConsumedQuantity -1 is negative",
            path.display()
        )),
        "{message}"
    );
}

#[test]
fn the_output_file_is_written_all_or_nothing_and_attach_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let output = write(dir.path(), "log.csv", "the previous log\n");
    let bad = write(dir.path(), "bad.csv", "not,an,export\n");
    let (code, _) = run_err(from_usage().arg(&bad).args(["--output", &output]));
    assert_eq!(code, 3);
    assert_eq!(fs::read_to_string(&output).unwrap(), "the previous log\n");
    let (out, _) = run_ok(from_usage().arg(fixture("cur2.csv")).args(["-o", &output]));
    assert_eq!(out, "");
    assert_eq!(
        fs::read_to_string(&output).unwrap(),
        format!("{HEADER}{CUR_LOG}")
    );
    // --attach to an instance the files do not have, or malformed: a flag error.
    let (code, message) = run_err(
        from_usage()
            .arg(fixture("cur2.csv"))
            .args(["--attach", "vol-0e1d2c3b4a596a001=i-nowhere"]),
    );
    assert_eq!(code, 2);
    assert!(message.contains("--attach vol-0e1d2c3b4a596a001=i-nowhere: the files have no instance usage of i-nowhere"), "{message}");
    let (code, _) = run_err(
        from_usage()
            .arg(fixture("cur2.csv"))
            .args(["--attach", "vol-1"]),
    );
    assert_eq!(code, 2);
}

// ---- line_items.parquet ----

/// A Parquet DECIMAL's bytes and scale as a Decimal.
fn decimal_of(field: &Field) -> Option<Decimal> {
    match field {
        Field::Decimal(d) => {
            let bytes = d.data();
            let mut full = [if bytes[0] & 0x80 != 0 { 0xff } else { 0 }; 16];
            full[16 - bytes.len()..].copy_from_slice(bytes);
            // Trailing zeros first: 61.03 at scale 28 has more digits than a Decimal holds.
            let (mut unscaled, mut scale) =
                (i128::from_be_bytes(full), u32::try_from(d.scale()).unwrap());
            while scale > 0 && unscaled % 10 == 0 {
                unscaled /= 10;
                scale -= 1;
            }
            Some(Decimal::from_i128_with_scale(unscaled, scale))
        }
        _ => None,
    }
}

/// Each strategy's exact EffectiveCost, and the number of rows, of a line_items.parquet.
fn parquet_sums(path: &Path) -> (BTreeMap<String, Decimal>, usize) {
    let reader = SerializedFileReader::new(fs::File::open(path).unwrap()).unwrap();
    let mut sums = BTreeMap::new();
    let mut rows = 0;
    for row in reader.get_row_iter(None).unwrap() {
        let row = row.unwrap();
        rows += 1;
        let mut strategy = String::new();
        let mut effective = Decimal::ZERO;
        for (name, field) in row.get_column_iter() {
            match (name.as_str(), field) {
                ("x_Strategy", Field::Str(s)) => strategy = s.clone(),
                ("EffectiveCost", f) => effective = decimal_of(f).unwrap(),
                _ => {}
            }
        }
        *sums.entry(strategy).or_insert(Decimal::ZERO) += effective;
    }
    (sums, rows)
}

#[test]
fn line_items_parquet_sums_to_the_summary_and_has_focus_types() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("quarter");
    // Every strategy, reservations and Spot: quarter-plan's summary (README: On-Demand
    // $2,479.47).
    let (summary, _) = run_ok(
        ec2plan()
            .args([
                "simulate",
                &scenario("quarter-plan.csv"),
                "-q",
                "-f",
                "csv",
                "--line-items",
                "both",
                "-o",
            ])
            .arg(&out),
    );
    let (sums, rows) = parquet_sums(&out.join("line_items.parquet"));
    let mut checked = 0;
    for line in summary.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let total: Decimal = cells[5].parse().unwrap();
        let exact = sums[cells[0]];
        assert_eq!(
            exact.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
            total,
            "{}: {exact}",
            cells[0]
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
    assert!(summary.contains("on-demand,2424.95,54.52,0.00,0.00,2479.47,"));
    // The same rows as the CSV.
    let csv_rows = fs::read_to_string(out.join("line_items.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(rows, csv_rows);
    // Types: costs DECIMAL(38,28), quantities DECIMAL(38,10), periods UTC millisecond
    // timestamps, text UTF-8.
    let reader =
        SerializedFileReader::new(fs::File::open(out.join("line_items.parquet")).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let column = |name: &str| {
        let index = (0..schema.num_columns())
            .find(|&i| schema.column(i).name() == name)
            .unwrap();
        schema.column(index)
    };
    for name in ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"] {
        let c = column(name);
        assert_eq!(
            c.physical_type(),
            PhysicalType::FIXED_LEN_BYTE_ARRAY,
            "{name}"
        );
        assert_eq!((c.type_precision(), c.type_scale()), (38, 28), "{name}");
        assert_eq!(c.converted_type(), ConvertedType::DECIMAL, "{name}");
    }
    for name in ["ConsumedQuantity", "PricingQuantity", "ListUnitPrice"] {
        assert_eq!(
            (column(name).type_precision(), column(name).type_scale()),
            (38, 10),
            "{name}"
        );
    }
    for name in [
        "ChargePeriodStart",
        "ChargePeriodEnd",
        "BillingPeriodStart",
        "BillingPeriodEnd",
    ] {
        let utc_millis = matches!(
            column(name).logical_type_ref(),
            Some(LogicalType::Timestamp(t)) if t.is_adjusted_to_u_t_c && t.unit == TimeUnit::MILLIS
        );
        assert!(utc_millis, "{name}: {:?}", column(name).logical_type_ref());
    }
    for name in ["ResourceId", "x_Strategy", "Tags"] {
        assert_eq!(column(name).physical_type(), PhysicalType::BYTE_ARRAY);
        assert_eq!(
            column(name).logical_type_ref(),
            Some(&LogicalType::String),
            "{name}"
        );
    }
    assert_eq!(schema.num_columns(), 49);
}

#[test]
fn line_items_flag_chooses_the_files_and_needs_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let fleet = scenario("web-fleet.csv");
    let present = |name: &str| out.join(name).exists();
    run_ok(
        ec2plan()
            .args(["simulate", &fleet, "-q", "--line-items", "parquet", "-o"])
            .arg(&out),
    );
    assert!(present("line_items.parquet") && !present("line_items.csv"));
    run_ok(
        ec2plan()
            .args(["simulate", &fleet, "-q", "--line-items", "both", "-o"])
            .arg(&out),
    );
    assert!(present("line_items.parquet") && present("line_items.csv"));
    // CSV is the default, and a report directory holds one run's files: the Parquet goes.
    run_ok(ec2plan().args(["simulate", &fleet, "-q", "-o"]).arg(&out));
    assert!(!present("line_items.parquet") && present("line_items.csv"));
    let (sums, _) = {
        run_ok(
            ec2plan()
                .args(["simulate", &fleet, "-q", "--line-items", "parquet", "-o"])
                .arg(&out),
        );
        parquet_sums(&out.join("line_items.parquet"))
    };
    // README: On-Demand $61.03, reserved $41.78.
    let cents = |d: Decimal| {
        d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    };
    assert_eq!(
        cents(sums["on-demand"]),
        "61.03".parse::<Decimal>().unwrap()
    );
    assert_eq!(cents(sums["reserved"]), "41.78".parse::<Decimal>().unwrap());
    let (code, message) = run_err(ec2plan().args(["simulate", &fleet, "--line-items", "parquet"]));
    assert_eq!(code, 2);
    assert!(message.contains("--out"), "{message}");
}
