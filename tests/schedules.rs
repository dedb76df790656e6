//! Desired-capacity schedules, worked by hand. Test catalog: m5.large $0.096/h,
//! m5.xlarge $0.192/h, gp3 $0.08 per GB-month; March 2026 has 2,678,400 s.
//! Volumes are the default 8 GB gp3: one volume-hour costs 0.08 × 8 × 3,600 / 2,678,400.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::*;
use rust_decimal::Decimal;

fn volume_hours(hours: u32) -> Decimal {
    exact18(usd("0.08") * usd("8") * usd("3600") * Decimal::from(hours) / usd("2678400"))
}

/// Sums of 28-digit quotients may differ in the 28th digit from one quotient of the sum.
fn exact18(value: Decimal) -> Decimal {
    value.round_dp(18)
}

fn scale_3_1_0(scale_in: &str) -> String {
    format!(
        "time,group,desired,instance_type,scale_in
2026-03-02T00:00:00Z,web,3,m5.large,{scale_in}
2026-03-02T01:00:00Z,web,1,,
2026-03-02T02:00:00Z,web,0,,
"
    )
}

#[test]
fn scaling_out_to_three_then_in_to_one_and_zero_by_terminate() {
    // 00:00 launch web-1..3; 01:00 terminate web-3, web-2 (newest first); 02:00 web-1.
    // Instance-hours 3 + 1 = 4 → 4 × $0.096 = $0.384. Volumes: web-1 2 h, web-2 1 h,
    // web-3 1 h = 4 volume-hours. Until 04:00 changes nothing: all are terminated.
    let run =
        replay_schedule(&scale_3_1_0("terminate"), &[], Some("2026-03-02T04:00:00Z")).unwrap();
    assert_eq!(run.totals().compute.amount(), usd("0.384"));
    assert_eq!(exact18(run.totals().storage.amount()), volume_hours(4));
    let ends: Vec<(String, &str)> = run
        .timeline
        .iter()
        .map(|r| (r.instance.clone(), r.state))
        .collect();
    assert!(ends.contains(&("web-3".to_string(), "running")));
    assert_eq!(run.outcome.instances, 3);
}

#[test]
fn scaling_in_by_stop_keeps_the_volumes() {
    // Same capacity, scale_in=stop: compute still 4 instance-hours = $0.384, but the three
    // stopped volumes bill until the horizon at 04:00: 3 × 4 = 12 volume-hours.
    let run = replay_schedule(&scale_3_1_0("stop"), &[], Some("2026-03-02T04:00:00Z")).unwrap();
    assert_eq!(run.totals().compute.amount(), usd("0.384"));
    assert_eq!(exact18(run.totals().storage.amount()), volume_hours(12));
}

#[test]
fn a_warm_pool_is_started_before_anything_new_is_launched() {
    // 2 up, 0 (stopped), 2 again (the same two started), 0: only two instances ever exist.
    // Compute 2 × 1 h + 2 × 1 h = 4 h → $0.384; volumes 2 × 4 h = 8 volume-hours.
    let run = replay_schedule(
        "time,group,desired,instance_type,scale_in
2026-03-02T00:00:00Z,web,2,m5.large,stop
2026-03-02T01:00:00Z,web,0,,
2026-03-02T02:00:00Z,web,2,,
2026-03-02T03:00:00Z,web,0,,
2026-03-02T04:00:00Z,web,0,,
",
        &[],
        None,
    )
    .unwrap();
    assert_eq!(run.outcome.instances, 2);
    assert_eq!(run.totals().compute.amount(), usd("0.384"));
    assert_eq!(exact18(run.totals().storage.amount()), volume_hours(8));
}

const TWO_GROUPS: &str = "time,group,desired,instance_type
2026-03-02T00:00:00Z,web,1,m5.large
2026-03-02T00:00:00Z,batch,1,m5.large
2026-03-02T01:00:00Z,web,0,
2026-03-02T01:00:00Z,batch,0,
";

#[test]
fn set_overrides_every_launch_or_one_group() {
    // As written: 2 × 1 h × $0.096 = $0.192.
    // batch.instance_type=m5.xlarge: $0.096 + $0.192 = $0.288.
    // instance_type=m5.xlarge: 2 × $0.192 = $0.384.
    let compute = |sets: &[&str]| {
        replay_schedule(TWO_GROUPS, sets, None)
            .unwrap()
            .totals()
            .compute
            .amount()
    };
    assert_eq!(compute(&[]), usd("0.192"));
    assert_eq!(compute(&["batch.instance_type=m5.xlarge"]), usd("0.288"));
    assert_eq!(compute(&["instance_type=m5.xlarge"]), usd("0.384"));
    // A group override wins over the global one.
    assert_eq!(
        compute(&["instance_type=m5.xlarge", "web.instance_type=m5.large"]),
        usd("0.288")
    );
}

#[test]
fn set_naming_a_missing_group_is_refused() {
    let error = replay_schedule(TWO_GROUPS, &["wbe.instance_type=m5.xlarge"], None)
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "--set names the group \"wbe\", which the scenario does not have; did you mean web? (its groups: batch, web)"
    );
}

const OFFICE_HOURS: &str = "time,group,desired,instance_type,ebs_gb,scale_in,repeat
2026-03-02T08:00:00Z,dev,2,m5.large,20,hibernate,weekdays
2026-03-02T19:00:00Z,dev,0,,,,weekdays
2026-03-09T00:00:00Z,dev,0,,,,
";

#[test]
fn a_repeated_pattern_equals_the_same_pattern_written_out() {
    let mut written = String::from("time,group,desired,instance_type,ebs_gb,scale_in\n");
    for day in 2..=6 {
        let first = if day == 2 {
            "m5.large,20,hibernate"
        } else {
            ",,"
        };
        written.push_str(&format!("2026-03-0{day}T08:00:00Z,dev,2,{first}\n"));
        written.push_str(&format!("2026-03-0{day}T19:00:00Z,dev,0,,,\n"));
    }
    written.push_str("2026-03-09T00:00:00Z,dev,0,,,\n");
    let repeated = replay_schedule(OFFICE_HOURS, &[], None).unwrap();
    let by_hand = replay_schedule(&written, &[], None).unwrap();
    assert_eq!(repeated.totals(), by_hand.totals());
    // 2 instances × 5 days × (11 h + 60 s hibernating... with instant timings 0 s) = 110 h.
    assert_eq!(repeated.totals().billed_seconds, 2 * 5 * 11 * 3_600);
}

#[test]
fn an_expanded_schedule_replays_to_the_same_figures() {
    let until_time = Some("2026-03-09T00:00:00Z");
    let log = expand(OFFICE_HOURS, until_time);
    let from_schedule = replay_schedule(OFFICE_HOURS, &[], until_time).unwrap();
    let from_log = replay_with(&log, until(instant(), "2026-03-09T00:00:00Z")).unwrap();
    assert_eq!(from_log.totals(), from_schedule.totals());
    assert!(log.starts_with("time,instance,action,instance_type,region,os,ebs_gb,ebs_type,root,public_ip,interruptible,hibernation,group\n"));
    assert!(log.contains("2026-03-02T19:00:00Z,dev-2,hibernate,"));
}

#[test]
fn schedule_errors_name_the_cell() {
    let error = |csv: &str| replay_schedule(csv, &[], None).err().unwrap().to_string();
    assert_eq!(
        error("time,group,desired,instance_type\n2026-03-02T00:00:00Z,web,-1,m5.large\n"),
        "schedule.csv:2:3 (desired): desired -1 is negative; a group's desired capacity must be zero or more instances"
    );
    assert_eq!(
        error("time,group,desired,instance_type,repeat\n2026-03-02T00:00:00Z,web,1,m5.large,weekday\n"),
        "schedule.csv:2:5 (repeat): repeat \"weekday\" must be daily, weekdays, weekends or weekly; did you mean weekdays?"
    );
    // An attribute error points at the cell where the group got the value.
    assert_eq!(
        error("time,group,desired,instance_type\n2026-03-02T00:00:00Z,web,0,m5.larg\n2026-03-02T01:00:00Z,web,1,\n"),
        "schedule.csv:2:4 (instance_type): unknown instance type \"m5.larg\"; did you mean m5.large?"
    );
    assert_eq!(
        error("time,group,desired,instance\n"),
        "schedule.csv:1:4 (instance): unknown column \"instance\""
    );
}
