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
