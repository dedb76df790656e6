//! `ec2plan scenario from-cloudtrail`, through the binary: the hand-written CloudTrail
//! fixtures in tests/data/cloudtrail (see its README) become the event log worked out by
//! hand below, `simulate` prices it to hand-worked figures, and every bad input gets one
//! sentence naming the file and the record.
//!
//! The fixtures, all on 2026-03-02 in us-east-1 (records in day.json deliberately out of
//! time order, as CloudTrail delivers them):
//!
//! | time  | record (file)                                   | row |
//! |-------|--------------------------------------------------|-----|
//! | 09:00 | ConsoleLogin (day.json), another service        | none; the earliest record |
//! | 10:00 | RunInstances m5.large "web", 20 GiB gp3 root, public IP asked (day.json) | launch |
//! | 10:05 | RunInstances 2 × t3.micro Spot, no block devices (day.json) | 2 launches |
//! | 11:00 | BidEvictedEvent for the second t3.micro (later.json.gz) | interrupt |
//! | 11:05 | TerminateInstances of the first t3.micro (day.json) | terminate |
//! | 12:00 | StopInstances of i-0f9a…905, never launched in the files (lookup-events.json) | stop |
//! | 12:30 | StopInstances web (day.json, repeated in later.json.gz) | stop, once |
//! | 12:31 | StartInstances web, errorCode IncorrectInstanceState (day.json) | none |
//! | 13:00 | DescribeInstances (day.json) | none |
//! | 13:00 | RunInstances r5.large "dev", hibernation configured, 30 GiB gp3 (later.json.gz) | launch |
//! | 14:00 | StartInstances web (day.json, repeated in lookup-events.json) | start, once |
//! | 14:30 | RebootInstances web (day.json) | reboot |
//! | 15:00 | StopInstances dev with hibernate (later.json.gz) | hibernate |
//! | 15:30 | StopInstances dev, already stopped (later.json.gz) | none |
//! | 16:00 | TerminateInstances web (later.json.gz) | terminate |
//! | 16:30 | TerminateInstances i-0f9a…905 (lookup-events.json) | terminate |

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
use common::write;
use common::{ec2plan, on_demand_figures, stdout_of};

use assert_cmd::Command;
use common::test_pricing_dir;
use predicates::prelude::*;
use std::fs;
use std::io::Read;
use std::path::PathBuf;

const WEB: &str = "i-0a5e1b2c3d4e5f601";
const OLD: &str = "i-0f9a4b5c6d7e8f905";

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cloudtrail")
        .join(name)
        .display()
        .to_string()
}

fn from_cloudtrail() -> Command {
    let mut command = ec2plan();
    command.args(["scenario", "from-cloudtrail"]);
    command
}

const HEADER: &str = "time,instance,action,instance_type,region,os,ebs_gb,ebs_type,root,public_ip,interruptible,hibernation,group\n";

/// day.json alone: the web server's launch, stop, start and reboot, and the two Spot
/// workers' launches (the interruption is in later.json.gz).
const DAY: &str = "\
2026-03-02T10:00:00Z,i-0a5e1b2c3d4e5f601,launch,m5.large,us-east-1,linux,20,gp3,ebs,auto,false,false,web
2026-03-02T10:05:00Z,i-0b7c2d3e4f5a6b702,launch,t3.micro,us-east-1,linux,8,gp3,ebs,none,true,false,t3.micro
2026-03-02T10:05:00Z,i-0b7c2d3e4f5a6b703,launch,t3.micro,us-east-1,linux,8,gp3,ebs,none,true,false,t3.micro
2026-03-02T11:05:00Z,i-0b7c2d3e4f5a6b702,terminate,,,,,,,,,,
2026-03-02T12:30:00Z,i-0a5e1b2c3d4e5f601,stop,,,,,,,,,,
2026-03-02T14:00:00Z,i-0a5e1b2c3d4e5f601,start,,,,,,,,,,
2026-03-02T14:30:00Z,i-0a5e1b2c3d4e5f601,reboot,,,,,,,,,,
";

/// All three fixtures, with --type-of for the instance launched before the first record.
const ALL: &str = "\
2026-03-02T09:00:00Z,i-0f9a4b5c6d7e8f905,launch,m5.large,us-east-1,linux,8,gp3,ebs,none,false,false,m5.large
2026-03-02T10:00:00Z,i-0a5e1b2c3d4e5f601,launch,m5.large,us-east-1,linux,20,gp3,ebs,auto,false,false,web
2026-03-02T10:05:00Z,i-0b7c2d3e4f5a6b702,launch,t3.micro,us-east-1,linux,8,gp3,ebs,none,true,false,t3.micro
2026-03-02T10:05:00Z,i-0b7c2d3e4f5a6b703,launch,t3.micro,us-east-1,linux,8,gp3,ebs,none,true,false,t3.micro
2026-03-02T11:00:00Z,i-0b7c2d3e4f5a6b703,interrupt,,,,,,,,,,
2026-03-02T11:05:00Z,i-0b7c2d3e4f5a6b702,terminate,,,,,,,,,,
2026-03-02T12:00:00Z,i-0f9a4b5c6d7e8f905,stop,,,,,,,,,,
2026-03-02T12:30:00Z,i-0a5e1b2c3d4e5f601,stop,,,,,,,,,,
2026-03-02T13:00:00Z,i-0d8e3f4a5b6c7d804,launch,r5.large,us-east-1,linux,30,gp3,ebs,none,false,true,dev
2026-03-02T14:00:00Z,i-0a5e1b2c3d4e5f601,start,,,,,,,,,,
2026-03-02T14:30:00Z,i-0a5e1b2c3d4e5f601,reboot,,,,,,,,,,
2026-03-02T15:00:00Z,i-0d8e3f4a5b6c7d804,hibernate,,,,,,,,,,
2026-03-02T16:00:00Z,i-0a5e1b2c3d4e5f601,terminate,,,,,,,,,,
2026-03-02T16:30:00Z,i-0f9a4b5c6d7e8f905,terminate,,,,,,,,,,
";

fn all_fixtures() -> Command {
    let mut command = from_cloudtrail();
    command
        .arg(fixture("day.json"))
        .arg(fixture("later.json.gz"))
        .arg(fixture("lookup-events.json"))
        .arg("--type-of")
        .arg(format!("{OLD}=m5.large"));
    command
}

/// Prices an event log on standard input with the frozen test catalog, On-Demand, as CSV.
fn simulate_csv(event_log: &str) -> String {
    stdout_of(
        ec2plan()
            .args([
                "simulate",
                "-",
                "--strategy",
                "on-demand",
                "--format",
                "csv",
            ])
            .arg("--pricing")
            .arg(test_pricing_dir())
            .write_stdin(event_log),
    )
}

#[test]
fn every_event_kind_of_the_fixtures_becomes_its_row_in_time_order() {
    // The table at the top of this file, row by row; each row's attributes:
    // - web: the record's m5.large, its 20 GiB gp3 root (/dev/xvda, the rootDeviceName),
    //   associatePublicIpAddress true (auto), Name tag "web"; On-Demand (not interruptible).
    // - t3.micro ×2: instanceLifecycle spot → interruptible; no block device mapping → the
    //   8 GiB default, gp3; no network interface request → no public IP; no Name → group
    //   t3.micro.
    // - dev: hibernationOptions.configured true, its 30 GiB gp3 root, Name tag "dev".
    // - i-0f9a…905: only Stop and Terminate records; --type-of m5.large; running at its first
    //   record (previousState running), so launched at 09:00, the earliest record (the
    //   ConsoleLogin), with every default.
    let out = stdout_of(&mut all_fixtures());
    assert_eq!(out, format!("{HEADER}{ALL}"));
}

#[test]
fn a_day_of_records_becomes_its_event_log_whatever_order_the_file_holds_them_in() {
    // day.json lists 10:05 before 10:00 and 12:30 before 11:05: the rows are by eventTime.
    let out = stdout_of(from_cloudtrail().arg(fixture("day.json")));
    assert_eq!(out, format!("{HEADER}{DAY}"));
}

#[test]
fn launched_at_ten_and_stopped_at_half_past_twelve_bills_two_and_a_half_hours() {
    // One m5.large with a 20 GiB gp3 root, no public address: 2.5 h × $0.096 = $0.24 of
    // compute; EBS 20 GB × 9,000 s / 2,678,400 s (March) × $0.08 = $0.0108 → $0.01;
    // total $0.2508 → $0.25; 9,000 billed seconds.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "two.json",
        r#"{"Records": [
  {"eventVersion": "1.09", "eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com",
   "eventName": "RunInstances", "awsRegion": "us-east-1", "eventID": "a-1", "eventType": "AwsApiCall",
   "requestParameters": {"instanceType": "m5.large",
     "blockDeviceMapping": {"items": [{"deviceName": "/dev/sda1", "ebs": {"volumeSize": 20, "volumeType": "gp3"}}]},
     "networkInterfaceSet": {"items": [{"deviceIndex": 0, "associatePublicIpAddress": false}]}},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-1", "instanceType": "m5.large",
     "rootDeviceType": "ebs", "rootDeviceName": "/dev/sda1"}]}}},
  {"eventVersion": "1.09", "eventTime": "2026-03-02T12:30:00Z", "eventSource": "ec2.amazonaws.com",
   "eventName": "StopInstances", "awsRegion": "us-east-1", "eventID": "a-2", "eventType": "AwsApiCall",
   "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-1"}]}, "force": false},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-1",
     "currentState": {"code": 64, "name": "stopping"}, "previousState": {"code": 16, "name": "running"}}]}}}
]}"#,
    );
    let log = stdout_of(from_cloudtrail().arg(&file));
    assert_eq!(
        log,
        format!(
            "{HEADER}2026-03-02T10:00:00Z,i-1,launch,m5.large,us-east-1,linux,20,gp3,ebs,none,false,false,m5.large\n\
             2026-03-02T12:30:00Z,i-1,stop,,,,,,,,,,\n"
        )
    );
    assert_eq!(
        on_demand_figures(&simulate_csv(&log)),
        "0.24,0.01,0.00,0.00,0.25,9000"
    );
}

#[test]
fn a_day_of_records_prices_to_the_hand_worked_figures() {
    // Replay ends at the last row, 14:30.
    // web m5.large: runs 10:00–12:30 and 14:00–14:30 = 3 h × $0.096 = $0.288; EBS 20 GB for
    //   16,200 s: 20 × 0.08 × 16,200 / 2,678,400 = $0.009677; auto IPv4 while running:
    //   3 h × $0.005 = $0.015.
    // t3.micro 702: 10:05–11:05 = 1 h × $0.0104; EBS 8 GB × 3,600 s = $0.000860.
    // t3.micro 703: 10:05–14:30 = 15,900 s × $0.0104/h = $0.045933; EBS 8 GB × 15,900 s
    //   = $0.003799.
    // Compute $0.344333, storage $0.014337, IPv4 $0.015; total $0.373670 → $0.37, the parts
    // by largest remainder: 0.34 + 0.01 + 0.02. Billed seconds 10,800 + 3,600 + 15,900.
    let log = stdout_of(from_cloudtrail().arg(fixture("day.json")));
    assert_eq!(
        on_demand_figures(&simulate_csv(&log)),
        "0.34,0.01,0.02,0.00,0.37,30300"
    );
}

#[test]
fn all_fixtures_price_to_the_hand_worked_figures() {
    // Replay ends at the last row, 16:30.
    // i-0f9a…905 m5.large: 09:00–12:00 = 3 h × $0.096 = $0.288; EBS 8 GB × 27,000 s =
    //   $0.006452.
    // web: 10:00–12:30 + 14:00–16:00 = 4.5 h × $0.096 = $0.432; EBS 20 GB × 21,600 s =
    //   $0.012903; IPv4 4.5 h × $0.005 = $0.0225.
    // t3.micro 702: 1 h = $0.0104; EBS $0.000860.
    // t3.micro 703: interrupted at 11:00, 3,300 s × $0.0104/h = $0.009533; EBS 8 GB ×
    //   3,300 s = $0.000789.
    // dev r5.large: 13:00–15:00 running plus the 60 s of stopping to hibernate (billed) =
    //   7,260 s × $0.126/h = $0.2541; EBS 30 GB × 12,600 s = $0.011290.
    // Compute $0.994033, storage $0.032294, IPv4 $0.0225: total $1.048827 → $1.05; parts by
    // largest remainder 1.00 + 0.03 + 0.02. Billed 10,800 + 16,200 + 3,600 + 3,300 + 7,260.
    let log = stdout_of(&mut all_fixtures());
    assert_eq!(
        on_demand_figures(&simulate_csv(&log)),
        "1.00,0.03,0.02,0.00,1.05,41160"
    );
}

#[test]
fn a_failed_call_is_skipped_and_counted_in_a_note() {
    // Records[4] of day.json is a StartInstances at 12:31 with errorCode
    // IncorrectInstanceState: no row at 12:31 (DAY has none), and a note says why.
    from_cloudtrail()
        .arg(fixture("day.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("12:31").not())
        .stderr(predicate::str::contains(
            "note: skipped 1 failed call (the record has an errorCode, so the call changed \
             nothing): Records[4] (eventID e0000000-0000-4000-8000-000000000105, \
             StartInstances) in ",
        ))
        .stderr(predicate::str::contains(
            "day.json: IncorrectInstanceState\n",
        ));
}

#[test]
fn a_spot_interruption_becomes_interrupt_of_an_interruptible_launch() {
    let out = stdout_of(&mut all_fixtures());
    assert!(out.contains(
        "2026-03-02T10:05:00Z,i-0b7c2d3e4f5a6b703,launch,t3.micro,us-east-1,linux,8,gp3,ebs,none,true,false,t3.micro\n"
    ));
    assert!(out.contains("2026-03-02T11:00:00Z,i-0b7c2d3e4f5a6b703,interrupt,"));
}

#[test]
fn a_spot_launch_that_stops_when_interrupted_becomes_stop() {
    // instanceInterruptionBehavior stop: the BidEvictedEvent stops the instance; the later
    // StartInstances (AWS restarting it) starts it again.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "stop-spot.json",
        r#"{"Records": [
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
   "awsRegion": "us-east-1", "eventID": "s-1",
   "requestParameters": {"instanceType": "m5.large",
     "instanceMarketOptions": {"marketType": "spot", "spotOptions": {"spotInstanceType": "persistent", "instanceInterruptionBehavior": "stop"}}},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-2", "instanceType": "m5.large",
     "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda", "instanceLifecycle": "spot"}]}}},
  {"eventTime": "2026-03-02T11:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "BidEvictedEvent",
   "awsRegion": "us-east-1", "eventID": "s-2", "eventType": "AwsServiceEvent",
   "requestParameters": null, "responseElements": null,
   "serviceEventDetails": {"instanceIdSet": ["i-2"]}},
  {"eventTime": "2026-03-02T12:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "StartInstances",
   "awsRegion": "us-east-1", "eventID": "s-3",
   "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-2"}]}},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-2",
     "currentState": {"code": 0, "name": "pending"}, "previousState": {"code": 80, "name": "stopped"}}]}}}
]}"#,
    );
    let out = stdout_of(from_cloudtrail().arg(&file));
    assert_eq!(
        out,
        format!(
            "{HEADER}2026-03-02T10:00:00Z,i-2,launch,m5.large,us-east-1,linux,8,gp3,ebs,none,true,false,m5.large\n\
             2026-03-02T11:00:00Z,i-2,stop,,,,,,,,,,\n\
             2026-03-02T12:00:00Z,i-2,start,,,,,,,,,,\n"
        )
    );
}

#[test]
fn stop_with_hibernate_becomes_hibernate_when_the_launch_enabled_it() {
    let out = stdout_of(&mut all_fixtures());
    assert!(out.contains(
        "2026-03-02T13:00:00Z,i-0d8e3f4a5b6c7d804,launch,r5.large,us-east-1,linux,30,gp3,ebs,none,false,true,dev\n"
    ));
    assert!(out.contains("2026-03-02T15:00:00Z,i-0d8e3f4a5b6c7d804,hibernate,"));
}

#[test]
fn hibernate_asked_of_an_instance_launched_without_it_is_a_stop_with_a_note() {
    // StopInstances' Hibernate "hibernates the instance if the instance was enabled for
    // hibernation at launch"; otherwise AWS shuts it down normally. A Windows instance
    // (platform windows) on an instance-store-free EBS root; the root size is unmapped, so
    // the default 8 GiB.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "hibernate.json",
        r#"{"Records": [
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
   "awsRegion": "eu-west-1", "eventID": "h-1", "requestParameters": {"instanceType": "m5.large"},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-3", "instanceType": "m5.large",
     "platform": "windows", "rootDeviceType": "ebs", "rootDeviceName": "/dev/sda1",
     "hibernationOptions": {"configured": false}}]}}},
  {"eventTime": "2026-03-02T11:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "StopInstances",
   "awsRegion": "eu-west-1", "eventID": "h-2",
   "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-3"}]}, "hibernate": true}}
]}"#,
    );
    from_cloudtrail()
        .arg(&file)
        .assert()
        .success()
        .stdout(format!(
            "{HEADER}2026-03-02T10:00:00Z,i-3,launch,m5.large,eu-west-1,windows,8,gp3,ebs,none,false,false,m5.large\n\
             2026-03-02T11:00:00Z,i-3,stop,,,,,,,,,,\n"
        ))
        .stderr(predicate::str::contains(
            "note: StopInstances asked to hibernate 1 instance (i-3) whose launch did not enable \
             hibernation; AWS shuts such an instance down normally, so those rows are stop\n",
        ))
        .stderr(predicate::str::contains("note: os:").not());
}

#[test]
fn a_gzip_log_file_reads_the_same_as_its_plain_text() {
    let mut text = String::new();
    flate2::read::GzDecoder::new(fs::File::open(fixture("later.json.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.starts_with("{\"Records\": ["));
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "later.json", &text);
    let from_gzip = stdout_of(
        from_cloudtrail()
            .arg(fixture("day.json"))
            .arg(fixture("later.json.gz")),
    );
    let from_plain = stdout_of(from_cloudtrail().arg(fixture("day.json")).arg(&plain));
    assert_eq!(from_gzip, from_plain);
    assert!(from_gzip.contains("2026-03-02T15:00:00Z,i-0d8e3f4a5b6c7d804,hibernate,"));
}

#[test]
fn lookup_events_output_reads_its_records_from_cloud_trail_event() {
    // Alone, lookup-events.json holds a StopInstances (12:00, previousState running) and a
    // TerminateInstances (16:30) of i-0f9a…905, and a StartInstances of web (14:00,
    // previousState stopped). The earliest record is 12:00: i-0f9a…905 was running then, so
    // it is launched at 12:00 (and stopped the same second); web was stopped, so it is
    // launched when it starts.
    from_cloudtrail()
        .arg(fixture("lookup-events.json"))
        .args(["--type-of", &format!("{OLD}=m5.large")])
        .args(["--type-of", &format!("{WEB}=m5.large")])
        .assert()
        .success()
        .stdout(format!(
            "{HEADER}2026-03-02T12:00:00Z,{OLD},launch,m5.large,us-east-1,linux,8,gp3,ebs,none,false,false,m5.large\n\
             2026-03-02T12:00:00Z,{OLD},stop,,,,,,,,,,\n\
             2026-03-02T14:00:00Z,{WEB},launch,m5.large,us-east-1,linux,8,gp3,ebs,none,false,false,m5.large\n\
             2026-03-02T16:30:00Z,{OLD},terminate,,,,,,,,,,\n"
        ))
        .stderr(predicate::str::starts_with(
            "note: read 3 CloudTrail records from 1 file: 4 event-log rows for 2 instances\n",
        ));
}

#[test]
fn overlapping_files_read_each_record_once() {
    // day.json twice: every eventID is already read the second time.
    from_cloudtrail()
        .arg(fixture("day.json"))
        .arg(fixture("day.json"))
        .assert()
        .success()
        .stdout(format!("{HEADER}{DAY}"))
        .stderr(predicate::str::starts_with(
            "note: read 18 CloudTrail records from 2 files: 7 event-log rows for 3 instances; \
             not used: 2 records of other services or of EC2 calls that start, stop or end no \
             instance, 1 failed call, 9 records already read (same eventID)\n",
        ));
    // Across forms: the 12:30 stop (in later.json.gz too) and the 14:00 start (in
    // lookup-events.json too) are one row each.
    let out = stdout_of(&mut all_fixtures());
    assert_eq!(out.matches(&format!("12:30:00Z,{WEB},stop")).count(), 1);
    assert_eq!(out.matches(&format!("14:00:00Z,{WEB},start")).count(), 1);
}

#[test]
fn a_call_that_changes_nothing_is_left_out_with_a_note() {
    // later.json.gz Records[5]: StopInstances of dev at 15:30, hibernated since 15:00.
    all_fixtures()
        .assert()
        .success()
        .stdout(predicate::str::contains("15:30").not())
        .stderr(predicate::str::contains(
            "note: left out 1 call that changed no state the event log can show: Records[5] \
             (eventID e0000000-0000-4000-8000-000000000205, StopInstances) in ",
        ))
        .stderr(predicate::str::contains(
            "later.json.gz: i-0d8e3f4a5b6c7d804 was hibernated\n",
        ));
}

#[test]
fn an_instance_seen_before_its_launch_needs_its_type_and_the_error_says_how() {
    let file = fixture("lookup-events.json");
    from_cloudtrail()
        .arg(fixture("day.json"))
        .arg(&file)
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: {file}: Events[2] (eventID e0000000-0000-4000-8000-000000000301, \
             StopInstances): {OLD} is stopped here, but no RunInstances for it is in the files, \
             so its instance type is unknown; give it with --type-of {OLD}=TYPE (`aws ec2 \
             describe-instances --instance-ids {OLD}` shows it while the instance exists)\n"
        ));
    // Without day.json, web is started before any RunInstances too: both are listed.
    from_cloudtrail()
        .arg(&file)
        .assert()
        .code(3)
        .stderr(predicate::str::ends_with(format!(
            "; 2 instances need one: {OLD}, {WEB}\n"
        )));
}

#[test]
fn the_note_on_instances_seen_before_their_launch_says_where_they_start() {
    all_fixtures()
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "note: instances the records name before any RunInstances for them, so launched \
         before the first record: 1 instance ({OLD}); each is launched at the earliest \
         record's time (2026-03-02T09:00:00Z) if it was running then, or at the \
         StartInstances that starts it if it was stopped, with the type --type-of gives and \
         default attributes (group: m5.large)\n"
        )));
}

#[test]
fn type_of_flags_that_cannot_apply_are_refused() {
    from_cloudtrail()
        .arg(fixture("day.json"))
        .args(["--type-of", "i-0nosuch=m5.large"])
        .assert()
        .code(2)
        .stderr("error: --type-of i-0nosuch=m5.large: no record names the instance i-0nosuch\n");
    from_cloudtrail()
        .arg(fixture("day.json"))
        .args(["--type-of", "m5.large"])
        .assert()
        .code(2)
        .stderr(
            "error: --type-of \"m5.large\": write INSTANCE_ID=TYPE, like i-0abc1234=m5.large\n",
        );
    // The instance's own RunInstances wins over the flag, with a note.
    from_cloudtrail()
        .arg(fixture("day.json"))
        .args(["--type-of", &format!("{WEB}=t3.micro")])
        .assert()
        .success()
        .stdout(format!("{HEADER}{DAY}"))
        .stderr(predicate::str::contains(format!(
            "note: --type-of {WEB}=t3.micro is not needed: its RunInstances (Records[1] (eventID \
             e0000000-0000-4000-8000-000000000102, RunInstances) in "
        )));
}

#[test]
fn bad_json_names_the_file_the_line_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.json",
        "{\"Records\": [\n  {\"eventTime\": \"2026-03-02T10:00:00Z\",\n   \"eventName\" \"RunInstances\"}\n]}\n",
    );
    from_cloudtrail()
        .arg(&file)
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: {file}:3: this is not valid JSON: expected `:` at column 16\n"
        ));
}

#[test]
fn bad_json_inside_a_lookup_event_names_the_event() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "events.json",
        r#"{"Events": [{"EventId": "ev-9", "EventName": "StopInstances", "CloudTrailEvent": "{\"eventTime\": 12"}]}"#,
    );
    from_cloudtrail()
        .arg(&file)
        .assert()
        .code(3)
        .stderr(format!(
            "error: {file}: Events[0] (eventID ev-9, StopInstances): its CloudTrailEvent is not \
             valid JSON: EOF while parsing an object at character 16\n"
        ));
}

#[test]
fn a_record_missing_a_required_field_names_the_file_the_record_and_its_event_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "missing.json",
        r#"{"Records": [
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "eventID": "m-1"},
  {"eventSource": "ec2.amazonaws.com", "eventName": "StopInstances", "awsRegion": "us-east-1", "eventID": "m-2",
   "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-4"}]}}}
]}"#,
    );
    from_cloudtrail()
        .arg(&file)
        .assert()
        .code(3)
        .stdout("")
        .stderr(format!(
            "error: {file}: Records[1] (eventID m-2, StopInstances): it has no \"eventTime\", \
             which every CloudTrail record has\n"
        ));
    // A RunInstances whose response names no instance cannot be mapped.
    let file = write(
        dir.path(),
        "no-instances.json",
        r#"{"Records": [
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
   "awsRegion": "us-east-1", "eventID": "m-3", "requestParameters": {"instanceType": "m5.large"},
   "responseElements": null}
]}"#,
    );
    from_cloudtrail()
        .arg(&file)
        .assert()
        .code(3)
        .stderr(format!(
            "error: {file}: Records[0] (eventID m-3, RunInstances): it has no \
             responseElements.instancesSet.items, which name the instances a RunInstances call \
             launched\n"
        ));
}

#[test]
fn a_file_of_neither_form_or_of_no_instance_records_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "list.json", "[1, 2]");
    from_cloudtrail()
        .arg(&file)
        .assert()
        .code(3)
        .stderr(format!(
            "error: {file}: its JSON is neither {{\"Records\": [...]}} (a CloudTrail log file) \
             nor {{\"Events\": [...]}} (aws cloudtrail lookup-events output), the two forms \
             ec2plan reads\n"
        ));
    let file = write(
        dir.path(),
        "s3.json",
        r#"{"Records": [{"eventTime": "2026-03-02T10:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject"}]}"#,
    );
    from_cloudtrail()
        .arg(&file)
        .assert()
        .code(3)
        .stderr(format!(
            "error: {file}: they hold no successful RunInstances, StartInstances, StopInstances, \
         RebootInstances, TerminateInstances or BidEvictedEvent record, so there is no event log \
         to write\n"
        ));
}

#[test]
fn a_broken_gzip_file_and_a_missing_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = fs::read(fixture("later.json.gz")).unwrap();
    let path = dir.path().join("cut.json.gz");
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    from_cloudtrail()
        .arg(&path)
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with(format!(
            "error: {}: it starts like a gzip file but cannot be decompressed (",
            path.display()
        )));
    from_cloudtrail()
        .arg(dir.path().join("nope.json"))
        .assert()
        .code(4)
        .stderr(predicate::str::starts_with("error: cannot read "));
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("log.csv");
    from_cloudtrail()
        .arg(fixture("day.json"))
        .arg("--output")
        .arg(&target)
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        format!("{HEADER}{DAY}")
    );

    // A bad second file: the error, and the earlier output left exactly as it was.
    let bad = write(dir.path(), "bad.json", "{\"Records\": [");
    from_cloudtrail()
        .arg(fixture("day.json"))
        .arg(&bad)
        .arg("--output")
        .arg(&target)
        .assert()
        .code(3);
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        format!("{HEADER}{DAY}")
    );
    let fresh = dir.path().join("fresh.csv");
    from_cloudtrail()
        .arg(&bad)
        .arg("--out")
        .arg(&fresh)
        .assert()
        .code(3);
    assert!(!fresh.exists());
    // Nothing staged is left beside the target.
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bad.json", "log.csv"]);
}

#[test]
fn the_notes_list_each_default_once_with_its_override() {
    let file = fixture("day.json");
    from_cloudtrail()
        .arg(&file)
        .assert()
        .success()
        .stderr(format!(
            "note: read 9 CloudTrail records from 1 file: 7 event-log rows for 3 instances; not \
         used: 2 records of other services or of EC2 calls that start, stop or end no \
         instance, 1 failed call\n\
         note: skipped 1 failed call (the record has an errorCode, so the call changed \
         nothing): Records[4] (eventID e0000000-0000-4000-8000-000000000105, StartInstances) in \
         {file}: IncorrectInstanceState\n\
         note: ebs_gb: the records give no size for a volume of 2 instances \
         (i-0b7c2d3e4f5a6b702, i-0b7c2d3e4f5a6b703), a size the AMI or snapshot decides, so each \
         such volume counts 8 GiB (the root volume of an instance enabled for hibernation at \
         least its RAM); to price another size, use `ec2plan simulate --set GROUP.ebs_gb=N` \
         (group: t3.micro)\n\
         note: ebs_type: the records give no root volume type for 2 instances \
         (i-0b7c2d3e4f5a6b702, i-0b7c2d3e4f5a6b703), so gp3 is assumed; use `ec2plan simulate \
         --set GROUP.ebs_type=gp2` for another (group: t3.micro)\n\
         note: os: 3 instances (i-0a5e1b2c3d4e5f601, i-0b7c2d3e4f5a6b702, i-0b7c2d3e4f5a6b703) \
         are priced as Linux, since a RunInstances response marks Windows (platform: windows) \
         and nothing tells Linux from RHEL, SUSE or Ubuntu Pro; use `ec2plan simulate --set \
         GROUP.os=rhel` for another (groups: t3.micro, web)\n\
         note: public_ip: the records do not say whether 2 instances (i-0b7c2d3e4f5a6b702, \
         i-0b7c2d3e4f5a6b703) got a public IPv4 address (the subnet's setting decides), so none \
         is assumed; use `ec2plan simulate --set GROUP.public_ip=auto` to price one (group: \
         t3.micro)\n\
         note: a --set GROUP.KEY=VALUE override applies to every instance of the group (its \
         Name tag, else its instance type), and --set KEY=VALUE to every instance\n"
        ));
}

#[test]
fn a_hibernating_root_of_unknown_size_holds_the_ram_and_simulate_accepts_it() {
    // r5.large has 16 GiB of RAM: with hibernation enabled and no root mapping, the root is
    // taken as 16 GiB (8 would be refused: hibernation saves RAM to the root volume).
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "hib.json",
        r#"{"Records": [
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
   "awsRegion": "us-east-1", "eventID": "r-1",
   "requestParameters": {"instanceType": "r5.large", "hibernationOptions": {"configured": true}},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-5", "instanceType": "r5.large",
     "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda", "hibernationOptions": {"configured": true}}]}}},
  {"eventTime": "2026-03-02T11:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "StopInstances",
   "awsRegion": "us-east-1", "eventID": "r-2",
   "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-5"}]}, "hibernate": true}}
]}"#,
    );
    let log = stdout_of(from_cloudtrail().arg(&file));
    assert_eq!(
        log,
        format!(
            "{HEADER}2026-03-02T10:00:00Z,i-5,launch,r5.large,us-east-1,linux,16,gp3,ebs,none,false,true,r5.large\n\
             2026-03-02T11:00:00Z,i-5,hibernate,,,,,,,,,,\n"
        )
    );
    // 1 h + the billed 60 s of stopping to hibernate = 3,660 s × $0.126/h = $0.1281; the
    // replay ends at the hibernate row, so the hibernating minute is cut by the horizon:
    // billed 3,600 s = $0.126. EBS 16 GB × 3,600 s = $0.001720.
    assert_eq!(
        on_demand_figures(&simulate_csv(&log)),
        "0.13,0.00,0.00,0.00,0.13,3600"
    );
}

#[test]
fn volumes_add_up_and_what_the_request_leaves_out_is_noted() {
    // i-6: root /dev/xvda 10 GiB gp2 + a 100 GiB st1 data volume + a snapshot volume with no
    // size (8 GiB by default) + an instance-store entry and a noDevice entry (not EBS):
    // 10 + 100 + 8 = 118 GiB, priced as the root's gp2; launched from a launch template.
    // i-7: instance-store root and no EBS volume: 1 GiB, noted.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "volumes.json",
        r#"{"Records": [
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
   "awsRegion": "us-east-1", "eventID": "v-1",
   "requestParameters": {"instanceType": "m5.large",
     "launchTemplate": {"launchTemplateId": "lt-0abc", "version": "3"},
     "blockDeviceMapping": {"items": [
       {"deviceName": "/dev/xvda", "ebs": {"volumeSize": 10, "volumeType": "gp2"}},
       {"deviceName": "/dev/sdf", "ebs": {"volumeSize": 100, "volumeType": "st1"}},
       {"deviceName": "/dev/sdg", "ebs": {"snapshotId": "snap-0abc"}},
       {"deviceName": "/dev/sdb", "virtualName": "ephemeral0"},
       {"deviceName": "/dev/sdh", "noDevice": ""}]}},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-6", "instanceType": "m5.large",
     "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda",
     "tagSet": {"items": [{"key": "Name", "value": "db, primary"}]}}]}}},
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
   "awsRegion": "us-east-1", "eventID": "v-2", "requestParameters": {"instanceType": "m5.large"},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-7", "instanceType": "m5.large",
     "rootDeviceType": "instance-store", "rootDeviceName": "/dev/sda1"}]}}}
]}"#,
    );
    from_cloudtrail()
        .arg(&file)
        .assert()
        .success()
        .stdout(format!(
            "{HEADER}2026-03-02T10:00:00Z,i-6,launch,m5.large,us-east-1,linux,118,gp2,ebs,none,false,false,\"db, primary\"\n\
             2026-03-02T10:00:00Z,i-7,launch,m5.large,us-east-1,linux,1,gp3,instance-store,none,false,false,m5.large\n"
        ))
        .stderr(predicate::str::contains(
            "note: ebs_gb: the records give no size for a volume of 1 instance (i-6),",
        ))
        .stderr(predicate::str::contains(
            "note: ebs_type: 1 instance (i-6) has volumes of more than one type, and an event \
             log has one volume per instance, so all of them are priced at the root volume's \
             type\n",
        ))
        .stderr(predicate::str::contains(
            "note: ebs_gb: 1 instance (i-7) has an instance-store root and no EBS volume",
        ))
        .stderr(predicate::str::contains(
            "note: 1 instance (i-6) was launched from a launch template",
        ));
}

#[test]
fn a_spot_launch_with_hibernation_configured_hibernates_when_interrupted() {
    // SpotMarketOptions: with HibernationOptions configured, the interruption behaviour is
    // hibernate.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "spot-hib.json",
        r#"{"Records": [
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
   "awsRegion": "us-east-1", "eventID": "p-1",
   "requestParameters": {"instanceType": "m5.large", "hibernationOptions": {"configured": true},
     "instanceMarketOptions": {"marketType": "spot", "spotOptions": {"spotInstanceType": "persistent"}},
     "blockDeviceMapping": {"items": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 16, "volumeType": "gp3"}}]}},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-8", "instanceType": "m5.large",
     "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda", "instanceLifecycle": "spot",
     "hibernationOptions": {"configured": true}}]}}},
  {"eventTime": "2026-03-02T11:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "BidEvictedEvent",
   "awsRegion": "us-east-1", "eventID": "p-2", "serviceEventDetails": {"instanceIdSet": ["i-8"]}}
]}"#,
    );
    from_cloudtrail().arg(&file).assert().success().stdout(format!(
        "{HEADER}2026-03-02T10:00:00Z,i-8,launch,m5.large,us-east-1,linux,16,gp3,ebs,none,true,true,m5.large\n\
         2026-03-02T11:00:00Z,i-8,hibernate,,,,,,,,,,\n"
    ));
}

#[test]
fn an_instance_stopped_from_the_first_record_until_it_ends_gets_no_row_and_needs_no_type() {
    // i-9's first record terminates it with previousState stopped: it never ran while the
    // records cover, so it has no row, needs no --type-of, and is named in a note.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "stopped.json",
        r#"{"Records": [
  {"eventTime": "2026-03-02T09:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "TerminateInstances",
   "awsRegion": "us-east-1", "eventID": "t-1",
   "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-9"}]}},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-9",
     "currentState": {"code": 32, "name": "shutting-down"}, "previousState": {"code": 80, "name": "stopped"}}]}}},
  {"eventTime": "2026-03-02T10:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
   "awsRegion": "us-east-1", "eventID": "t-2", "requestParameters": {"instanceType": "t3.micro"},
   "responseElements": {"instancesSet": {"items": [{"instanceId": "i-10", "instanceType": "t3.micro",
     "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda"}]}}}
]}"#,
    );
    from_cloudtrail()
        .arg(&file)
        .assert()
        .success()
        .stdout(format!(
            "{HEADER}2026-03-02T10:00:00Z,i-10,launch,t3.micro,us-east-1,linux,8,gp3,ebs,none,false,false,t3.micro\n"
        ))
        .stderr(predicate::str::contains(format!(
            "note: left out 1 call that changed no state the event log can show: Records[0] \
             (eventID t-1, TerminateInstances) in {file}: i-9 was stopped from the first record \
             until it ended, so it never ran\n"
        )))
        .stderr(predicate::str::contains("i-9,").not())
        .stderr(predicate::str::contains("(i-9)").not());
    // Alone, it leaves nothing to write.
    let alone = write(
        dir.path(),
        "alone.json",
        fs::read_to_string(&file).unwrap().replacen(
            "\"eventName\": \"RunInstances\"",
            "\"eventName\": \"CreateTags\"",
            1,
        ),
    );
    from_cloudtrail()
        .arg(&alone)
        .assert()
        .code(3)
        .stderr(format!(
            "error: {alone}: the instances the records name never ran in the time they cover, so \
         there is no event log to write\n"
        ));
}
