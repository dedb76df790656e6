//! Hand-worked cases for every billing rule of billing-rules.md, through the whole
//! pipeline (reader → lifecycle → meter → ledger) with the frozen test catalog:
//! m5.large Linux $0.096/h, gp3 $0.08 and gp2 $0.10 per GB-month, public IPv4 $0.005/h.
//! March 2026 has 31 days = 2,678,400 s; February 2026 has 28 days = 2,419,200 s.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::*;
use ec2plan::clock::Seconds;
use ec2plan::money::Usd;

#[test]
fn a_sub_minute_run_bills_sixty_seconds_and_every_start_opens_a_new_period() {
    // launch 00:00:00, stop 00:00:30 → 30 s run, billed 60 s (the minimum);
    // start 01:00:00, terminate 02:30:00 → 5,400 s. Total 5,460 s.
    // Compute: 0.096 × 5,460 / 3,600 = $0.1456.
    // EBS: 8 GB gp3 from 00:00 to 02:30 = 9,000 s: 0.08 × 8 × 9,000 / 2,678,400.
    let run = replay(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T00:00:30Z,a,stop,
2026-03-02T01:00:00Z,a,start,
2026-03-02T02:30:00Z,a,terminate,
",
    );
    let totals = run.totals();
    assert_eq!(totals.billed_seconds, 5_460);
    assert_eq!(totals.compute.amount(), usd("0.1456"));
    assert_eq!(totals.storage.amount(), usd("5760") / usd("2678400"));
    assert_eq!(totals.public_ipv4, Usd::ZERO);
    let billed = run.rows();
    assert_eq!(
        billed,
        vec![
            ("running", 30, 60),
            ("stopped", 3_570, 0),
            ("running", 5_400, 5_400)
        ]
    );
}

#[test]
fn reboot_does_not_open_a_new_billing_period() {
    // launch 0 s, reboot 20 s, stop 50 s: one 50 s run → 60 s billed.
    // (Were the reboot a new period it would be 60 + 60 = 120 s.)
    let run = replay(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T00:00:20Z,a,reboot,
2026-03-02T00:00:50Z,a,stop,
",
    );
    assert_eq!(run.totals().billed_seconds, 60);
}

#[test]
fn a_run_longer_than_a_minute_is_billed_to_the_second() {
    // launch 00:00:00, terminate 00:01:01 → 61 s; 0.096 × 61 / 3,600 = $0.0016266…
    let run = replay(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T00:01:01Z,a,terminate,
",
    );
    assert_eq!(run.totals().billed_seconds, 61);
    assert_eq!(run.totals().compute.amount(), usd("5.856") / usd("3600"));
}

#[test]
fn hibernation_is_billed_while_stopping_and_not_while_stopped() {
    // --hibernating 120: running 1 h (3,600 s billed), hibernating 120 s (billed),
    // hibernated 7,080 s (not billed), start 03:00, running 1 h (3,600 s).
    // Billed 7,320 s → 0.096 × 7,320 / 3,600 = $0.1952.
    // EBS 20 GB for all 4 h = 14,400 s: 0.08 × 20 × 14,400 / 2,678,400.
    let mut options = instant();
    options.timings.hibernating = Seconds(120);
    let run = replay_with(
        "time,instance,action,instance_type,hibernation,ebs_gb
2026-03-02T00:00:00Z,dev,launch,m5.large,true,20
2026-03-02T01:00:00Z,dev,hibernate,,,
2026-03-02T03:00:00Z,dev,start,,,
2026-03-02T04:00:00Z,dev,terminate,,,
",
        options,
    )
    .unwrap();
    let rows = run.rows();
    assert_eq!(
        rows,
        vec![
            ("running", 3_600, 3_600),
            ("hibernating", 120, 120),
            ("hibernated", 7_080, 0),
            ("running", 3_600, 3_600),
        ]
    );
    assert_eq!(run.totals().compute.amount(), usd("0.1952"));
    assert_eq!(run.totals().storage.amount(), usd("23040") / usd("2678400"));
}

#[test]
fn stopping_is_not_billed() {
    // --stopping 120: running 3,600 s billed, stopping 120 s not billed.
    let mut options = instant();
    options.timings.stopping = Seconds(120);
    let run = replay_with(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,stop,
2026-03-02T02:00:00Z,a,terminate,
",
        options,
    )
    .unwrap();
    let rows = run.rows();
    assert_eq!(
        rows,
        vec![
            ("running", 3_600, 3_600),
            ("stopping", 120, 0),
            ("stopped", 3_480, 0)
        ]
    );
}

#[test]
fn a_hibernation_right_after_start_still_bills_the_minimum() {
    // launch 0, hibernate at 10 s with hibernating 0 s: the run is 10 s → 60 s billed.
    let run = replay(
        "time,instance,action,instance_type,hibernation
2026-03-02T00:00:00Z,a,launch,m5.large,true
2026-03-02T00:00:10Z,a,hibernate,,
",
    );
    assert_eq!(run.totals().billed_seconds, 60);
}

#[test]
fn an_hourly_platform_bills_every_started_hour() {
    // hourly-ami at $0.096/h: launch 0, terminate 01:30 → 2 started hours = 7,200 s → $0.192.
    let run = replay(
        "time,instance,action,instance_type,os
2026-03-02T00:00:00Z,a,launch,m5.large,hourly-ami
2026-03-02T01:30:00Z,a,terminate,,
",
    );
    assert_eq!(run.totals().billed_seconds, 7_200);
    assert_eq!(run.totals().compute.amount(), usd("0.192"));
}

#[test]
fn an_hourly_platform_bills_a_new_hour_for_every_start() {
    // launch 0, stop 00:10, start 00:20, terminate 00:30: two runs of 10 min → 2 × 3,600 s.
    let run = replay(
        "time,instance,action,instance_type,os
2026-03-02T00:00:00Z,a,launch,m5.large,hourly-ami
2026-03-02T00:10:00Z,a,stop,,
2026-03-02T00:20:00Z,a,start,,
2026-03-02T00:30:00Z,a,terminate,,
",
    );
    assert_eq!(run.totals().billed_seconds, 7_200);
}

#[test]
fn ebs_is_prorated_over_the_days_of_each_calendar_month() {
    // 100 GB gp2 ($0.10) from Jan 31 12:00 to Feb 1 06:00 (2026):
    // January: 0.10 × 100 × 43,200 / (31 × 86,400) = 432,000 / 2,678,400 = $0.1612903…
    // February: 0.10 × 100 × 21,600 / (28 × 86,400) = 216,000 / 2,419,200 = $0.0892857…
    // Total $0.2505760… → $0.25. Compute: 18 h × $0.096 = $1.728.
    let run = replay(
        "time,instance,action,instance_type,ebs_gb,ebs_type
2026-01-31T12:00:00Z,x,launch,m5.large,100,gp2
2026-02-01T06:00:00Z,x,terminate,,,
",
    );
    let expected = usd("432000") / usd("2678400") + usd("216000") / usd("2419200");
    assert_eq!(run.totals().storage.amount(), expected);
    assert_eq!(run.totals().storage.cents_string(), "0.25");
    assert_eq!(run.totals().compute.amount(), usd("1.728"));
}

#[test]
fn ebs_keeps_billing_while_the_instance_is_stopped() {
    // launch 0, stop 01:00, terminate 24:00: compute 1 h = $0.096; EBS 8 GB gp3 for
    // 86,400 s: 0.08 × 8 × 86,400 / 2,678,400 = 55,296 / 2,678,400.
    let run = replay(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,stop,
2026-03-03T00:00:00Z,a,terminate,
",
    );
    assert_eq!(run.totals().compute.amount(), usd("0.096"));
    assert_eq!(run.totals().storage.amount(), usd("55296") / usd("2678400"));
}

#[test]
fn an_auto_assigned_address_is_released_on_stop_and_an_elastic_ip_is_not() {
    // launch 0, stop 01:00, start 02:00, terminate 03:00.
    // auto: held 2 h → 2 × $0.005 = $0.01; elastic: held 3 h → $0.015.
    let scenario = |ip: &str| {
        format!(
            "time,instance,action,instance_type,public_ip
2026-03-02T00:00:00Z,a,launch,m5.large,{ip}
2026-03-02T01:00:00Z,a,stop,,
2026-03-02T02:00:00Z,a,start,,
2026-03-02T03:00:00Z,a,terminate,,
"
        )
    };
    assert_eq!(
        replay(&scenario("auto")).totals().public_ipv4.amount(),
        usd("0.01")
    );
    assert_eq!(
        replay(&scenario("elastic")).totals().public_ipv4.amount(),
        usd("0.015")
    );
    assert_eq!(replay(&scenario("none")).totals().public_ipv4, Usd::ZERO);
}

#[test]
fn instances_alive_at_the_horizon_are_billed_up_to_it() {
    // a launched 00:00, b launched 01:00, --until 02:00: a 7,200 s + b 3,600 s = 10,800 s
    // → 3 h × $0.096 = $0.288.
    let csv = "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,b,launch,m5.large
";
    let run = replay_with(csv, until(instant(), "2026-03-02T02:00:00Z")).unwrap();
    assert_eq!(run.totals().billed_seconds, 10_800);
    assert_eq!(run.totals().compute.amount(), usd("0.288"));
    // Without --until the horizon is the last row (01:00): a 3,600 s, b 0 s.
    assert_eq!(replay(csv).totals().billed_seconds, 3_600);
}

#[test]
fn a_run_cut_by_the_horizon_is_billed_as_it_stands() {
    // launch 00:00:00, --until 00:00:10: 10 s so far; the minimum is owed only by a run
    // that ends inside the horizon.
    let csv = "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
";
    let run = replay_with(csv, until(instant(), "2026-03-02T00:00:10Z")).unwrap();
    assert_eq!(run.totals().billed_seconds, 10);
}

#[test]
fn pending_time_is_not_billed_but_the_volume_exists() {
    // --pending 30: launch 0, terminate 01:00 → running 3,570 s.
    // --shutting-down 60: the volume lives until terminated at 01:01:00 → EBS 3,660 s
    // (--until 02:00 so the horizon does not cut the shutdown short).
    let mut options = instant();
    options.timings.pending = Seconds(30);
    options.timings.shutting_down = Seconds(60);
    let run = replay_with(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,terminate,
",
        until(options, "2026-03-02T02:00:00Z"),
    )
    .unwrap();
    assert_eq!(run.totals().billed_seconds, 3_570);
    assert_eq!(
        run.totals().storage.amount(),
        usd("0.08") * usd("8") * usd("3660") / usd("2678400")
    );
    let rows: Vec<(&str, u64)> = run.timeline.iter().map(|r| (r.state, r.seconds)).collect();
    assert_eq!(
        rows,
        vec![("pending", 30), ("running", 3_570), ("shutting-down", 60)]
    );
}

#[test]
fn terminating_a_pending_instance_bills_no_usage() {
    // --pending 60, terminate at 30 s: never ran; EBS for 30 s only.
    let mut options = instant();
    options.timings.pending = Seconds(60);
    let run = replay_with(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T00:00:30Z,a,terminate,
",
        options,
    )
    .unwrap();
    assert_eq!(run.totals().billed_seconds, 0);
    assert_eq!(run.totals().compute, Usd::ZERO);
    assert_eq!(
        run.totals().storage.amount(),
        usd("0.08") * usd("8") * usd("30") / usd("2678400")
    );
}

#[test]
fn an_interrupt_ends_an_on_demand_run_like_a_terminate() {
    // interrupt at 00:10:00 of an interruptible instance priced On-Demand: 600 s billed.
    let run = replay(
        "time,instance,action,instance_type,interruptible
2026-03-02T00:00:00Z,a,launch,m5.large,true
2026-03-02T00:10:00Z,a,interrupt,,
",
    );
    assert_eq!(run.totals().billed_seconds, 600);
}

#[test]
fn groups_sum_to_the_whole() {
    // web: 2 × 1 h; batch: 1 × 30 min → 2 × 0.096 + 0.048 = $0.24.
    let run = replay(
        "time,instance,action,instance_type,group
2026-03-02T00:00:00Z,w1,launch,m5.large,web
2026-03-02T00:00:00Z,w2,launch,m5.large,web
2026-03-02T00:00:00Z,b1,launch,m5.large,batch
2026-03-02T00:30:00Z,b1,terminate,,
2026-03-02T01:00:00Z,w1,terminate,,
2026-03-02T01:00:00Z,w2,terminate,,
",
    );
    let ledger = &run.outcome.ledgers[0].1;
    assert_eq!(ledger.groups["web"].compute.amount(), usd("0.192"));
    assert_eq!(ledger.groups["batch"].compute.amount(), usd("0.048"));
    assert_eq!(ledger.overall.compute.amount(), usd("0.24"));
}
