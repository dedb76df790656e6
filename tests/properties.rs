//! Invariants over random valid scenarios.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::*;
use ec2plan::money::Usd;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// One instance's life: its launch attributes and the gaps (s) between its actions.
#[derive(Debug, Clone)]
struct Life {
    start: u32,
    kind: usize,
    public_ip: usize,
    hibernation: bool,
    steps: Vec<(u32, usize)>,
}

const KINDS: [(&str, &str, u32); 4] = [
    ("m5.large", "linux", 8),
    ("t3.micro", "linux", 1),
    ("r5.large", "linux", 16),
    ("m5.large", "hourly-ami", 8),
];
const IPS: [&str; 3] = ["none", "auto", "elastic"];

fn life() -> impl Strategy<Value = Life> {
    (
        0u32..200_000,
        0usize..KINDS.len(),
        0usize..IPS.len(),
        any::<bool>(),
        prop::collection::vec((0u32..40_000, 0usize..4), 0..8),
    )
        .prop_map(|(start, kind, public_ip, hibernation, steps)| Life {
            start,
            kind,
            public_ip,
            hibernation,
            steps,
        })
}

/// Turns lives into a valid event log: at each step the instance does an action its state
/// allows (chosen by the step's number), and stops after terminate.
fn event_log(lives: &[Life]) -> String {
    event_log_with(lives, false)
}

/// The same, with every instance `interruptible` when asked.
fn event_log_with(lives: &[Life], interruptible: bool) -> String {
    let base = 1_772_409_600i64; // 2026-03-02T00:00:00Z
    let mut rows: Vec<(i64, usize, String)> = Vec::new();
    for (i, life) in lives.iter().enumerate() {
        let (kind, os, ram) = KINDS[life.kind];
        let ebs = if life.hibernation { ram.max(8) } else { 8 };
        let mut t = base + i64::from(life.start);
        rows.push((
            t,
            rows.len(),
            format!(
                "{},i{i},launch,{kind},{os},{ebs},{},{},{interruptible}",
                stamp(t),
                IPS[life.public_ip],
                life.hibernation
            ),
        ));
        let mut running = true;
        for &(gap, pick) in &life.steps {
            t += i64::from(gap);
            let action = match (running, pick) {
                (true, 0) => "stop",
                (true, 1) if life.hibernation => "hibernate",
                (true, 1 | 2) => "reboot",
                (false, 0..=2) => "start",
                _ => "terminate",
            };
            rows.push((t, rows.len(), format!("{},i{i},{action},,,,,,", stamp(t))));
            match action {
                "terminate" => break,
                "start" => running = true,
                "stop" | "hibernate" => running = false,
                _ => {}
            }
        }
    }
    rows.sort();
    let mut csv = String::from(
        "time,instance,action,instance_type,os,ebs_gb,public_ip,hibernation,interruptible\n",
    );
    for (_, _, row) in rows {
        csv.push_str(&row);
        csv.push('\n');
    }
    csv
}

fn stamp(unix: i64) -> String {
    ec2plan::clock::Timestamp::from_unix(unix).to_string()
}

fn total(run: &Run) -> Decimal {
    let t = run.totals();
    Usd::checked_sum(t.columns()).unwrap().amount()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_cost_is_ever_negative(lives in prop::collection::vec(life(), 1..6)) {
        let run = replay(&event_log(&lives));
        for column in run.totals().columns() {
            prop_assert!(column >= Usd::ZERO);
        }
    }

    #[test]
    fn the_printed_columns_add_up_to_the_printed_total(lives in prop::collection::vec(life(), 1..6)) {
        let run = replay(&event_log(&lives));
        let t = run.totals();
        let rounded: Vec<Usd> = t.columns().iter().map(|c| c.round_cents()).collect();
        prop_assert_eq!(Usd::checked_sum(rounded).unwrap(), t.rounded_total().unwrap());
    }

    #[test]
    fn every_closed_run_is_billed_at_least_a_minute(lives in prop::collection::vec(life(), 1..6)) {
        let run = replay(&event_log(&lives));
        for row in &run.timeline {
            prop_assert!(row.billed == 0 || row.billed >= row.seconds);
        }
        let running: u64 = run.timeline.iter().filter(|r| r.state == "running" || r.state == "hibernating").map(|r| r.seconds).sum();
        prop_assert!(run.totals().billed_seconds >= running);
    }

    #[test]
    fn splitting_the_log_by_instance_adds_up_to_the_whole(lives in prop::collection::vec(life(), 2..6)) {
        // The horizon of each part must be the whole file's horizon.
        let whole_log = event_log(&lives);
        let whole = replay(&whole_log);
        let horizon = whole.outcome.horizon.to_string();
        let mut sum = Decimal::ZERO;
        for life in &lives {
            let part = replay_with(&event_log(std::slice::from_ref(life)), until(instant(), &horizon)).unwrap();
            sum += total(&part);
        }
        // Instance i0 of a one-life log is a different name but the same instance.
        let difference = (sum - total(&whole)).abs();
        prop_assert!(difference < Decimal::new(1, 20), "parts {} whole {}", sum, total(&whole));
    }

    #[test]
    fn a_longer_run_never_costs_less(lives in prop::collection::vec(life(), 1..6), extra in 1u32..500_000) {
        let log = event_log(&lives);
        let short = replay(&log);
        let later = ec2plan::clock::Timestamp::from_unix(short.outcome.horizon.unix() + i64::from(extra));
        let long = replay_with(&log, until(instant(), &later.to_string())).unwrap();
        prop_assert!(total(&long) >= total(&short));
    }
}

/// Event logs of m5.large and m5.xlarge Linux instances only (one reservation pool).
fn m5_log(lives: &[Life]) -> String {
    let m5: Vec<Life> = lives
        .iter()
        .map(|l| Life {
            kind: 0,
            hibernation: false,
            ..l.clone()
        })
        .collect();
    event_log(&m5).replacen("m5.large", "m5.xlarge", 1)
}

fn terms() -> ec2plan::pricing::OfferTerms {
    ec2plan::pricing::OfferTerms::default()
}

fn reserved_total(run: &Run) -> Decimal {
    Usd::checked_sum(run.reserved().columns()).unwrap().amount()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn zero_reservations_cost_what_on_demand_costs(lives in prop::collection::vec(life(), 1..5)) {
        let run = replay_reserved(&event_log(&lives), &[], terms());
        prop_assert_eq!(run.reserved(), run.totals());
    }

    #[test]
    fn another_reservation_never_covers_less(lives in prop::collection::vec(life(), 1..5), n in 0u64..4) {
        let log = m5_log(&lives);
        let fewer = replay_reserved(&log, &[("m5.large", n)], terms());
        let more = replay_reserved(&log, &[("m5.large", n + 1)], terms());
        prop_assert!(more.stats().covered_seconds >= fewer.stats().covered_seconds);
        prop_assert!(more.reserved().compute <= fewer.reserved().compute);
    }

    #[test]
    fn auto_is_never_beaten_by_a_fixed_count(lives in prop::collection::vec(life(), 1..5)) {
        // m5.xlarge reservations cost exactly two m5.large ones in the test catalog, so
        // counts of m5.large span every portfolio of the pool.
        let log = m5_log(&lives);
        let auto = reserved_total(&replay_auto(&log, terms()));
        for n in 0..8u64 {
            let fixed = reserved_total(&replay_reserved(&log, &[("m5.large", n)], terms()));
            prop_assert!(auto <= fixed, "auto {} beaten by {} × m5.large at {}", auto, n, fixed);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn line_items_add_up_to_the_summary_total(lives in prop::collection::vec(life(), 1..5), n in 0u64..3, daily in any::<bool>()) {
        let log = m5_log(&lives);
        let portfolio = ec2plan::strategy::Portfolio {
            reservations: vec![ec2plan::strategy::Reservation {
                instance_type: std::sync::Arc::from("m5.large"),
                region: std::sync::Arc::from("us-east-1"),
                os: std::sync::Arc::from("linux"),
                count: n,
            }],
            terms: terms(),
        };
        let options = keeping(ec2plan::simulation::Options {
            reserved: Some(ec2plan::simulation::ReservedPlan::Fixed(portfolio)),
            ..instant()
        });
        let run = replay_with(&log, options).unwrap();
        let period = if daily { ec2plan::clock::Period::Daily } else { ec2plan::clock::Period::Hourly };
        let (items, effective) = focus_items(&run, period);
        for (strategy, ledger) in &run.outcome.ledgers {
            let total: Decimal = items.iter().zip(&effective).filter(|(i, _)| i.strategy == *strategy).map(|(_, e)| *e).sum();
            prop_assert_eq!(total, ledger.overall.rounded_total().unwrap().amount());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn spot_without_interruptible_instances_costs_what_on_demand_costs(lives in prop::collection::vec(life(), 1..5)) {
        let run = replay_markets(&event_log(&lives), ec2plan::strategy::market::Distribution::default());
        prop_assert_eq!(run.of(ec2plan::strategy::Strategy::Spot), run.of(ec2plan::strategy::Strategy::OnDemand));
    }

    #[test]
    fn mixed_with_everything_above_the_base_on_demand_costs_what_on_demand_costs(
        lives in prop::collection::vec(life(), 1..5),
        base in 0u64..4,
    ) {
        // Every instance interruptible (m5.large has a Spot history in the test catalog).
        let m5: Vec<Life> = lives.iter().map(|l| Life { kind: 0, hibernation: false, ..l.clone() }).collect();
        let log = event_log_with(&m5, true);
        let distribution = ec2plan::strategy::market::Distribution { base, above_base_pct: 100 };
        let run = replay_markets(&log, distribution);
        prop_assert_eq!(run.of(ec2plan::strategy::Strategy::Mixed), run.of(ec2plan::strategy::Strategy::OnDemand));
        // And the same log on Spot is never dearer than On-Demand at these prices.
        prop_assert!(run.of(ec2plan::strategy::Strategy::Spot).compute <= run.of(ec2plan::strategy::Strategy::OnDemand).compute);
    }
}
