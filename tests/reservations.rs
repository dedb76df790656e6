//! Hand-worked Reserved Instance cases. Prices: the test catalog's real On-Demand rates
//! (m5.large $0.096/h, m5.xlarge $0.192/h, t3.micro $0.0104/h) and its ILLUSTRATIVE
//! reservation prices (m5.large 1-year standard: $0.06/h no upfront, $219 + $0.025/h
//! partial upfront, $438 all upfront; m5.xlarge $0.12/h no upfront).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::*;
use ec2plan::money::Usd;
use ec2plan::pricing::{OfferTerms, Offering, Payment, Term};
use rust_decimal::Decimal;

fn terms(payment: Payment) -> OfferTerms {
    OfferTerms {
        term: Term::OneYear,
        offering: Offering::Standard,
        payment,
    }
}

const TWO_FOR_TWO_HOURS: &str = "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T00:00:00Z,b,launch,m5.large
2026-03-02T02:00:00Z,a,terminate,
2026-03-02T02:00:00Z,b,terminate,
";

#[test]
fn one_reservation_covers_one_of_two_instances_each_hour() {
    // 2 m5.large × 2 h. One reservation covers 3,600 s in each of the 2 clock hours:
    // uncovered 2 × 3,600 s → 2 h × $0.096 = $0.192; fee 2 h × $0.06 = $0.12.
    let run = replay_reserved(
        TWO_FOR_TWO_HOURS,
        &[("m5.large", 1)],
        terms(Payment::NoUpfront),
    );
    assert_eq!(run.totals().compute.amount(), usd("0.384"));
    assert_eq!(run.reserved().compute.amount(), usd("0.192"));
    assert_eq!(run.reserved().commitment.amount(), usd("0.12"));
    assert_eq!(run.stats().coverage_pct(), usd("50"));
    assert_eq!(run.stats().utilization_pct(), usd("100"));
}

#[test]
fn two_half_hour_runs_in_one_clock_hour_share_one_reservation() {
    // a runs 00:00–00:30, b runs 00:30–01:00: 3,600 s in one clock hour, all covered.
    let run = replay_reserved(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T00:30:00Z,a,terminate,
2026-03-02T00:30:00Z,b,launch,m5.large
2026-03-02T01:00:00Z,b,terminate,
",
        &[("m5.large", 1)],
        terms(Payment::NoUpfront),
    );
    assert_eq!(run.reserved().compute, Usd::ZERO);
    assert_eq!(run.reserved().commitment.amount(), usd("0.06"));
    assert_eq!(run.stats().coverage_pct(), usd("100"));
}

#[test]
fn an_xlarge_reservation_covers_two_large_instances() {
    // m5.xlarge = 8 units; two m5.large = 2 × 4 units for 1 h: fully covered.
    // Fee: 1 clock hour × $0.12.
    let run = replay_reserved(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T00:00:00Z,b,launch,m5.large
2026-03-02T01:00:00Z,a,terminate,
2026-03-02T01:00:00Z,b,terminate,
",
        &[("m5.xlarge", 1)],
        terms(Payment::NoUpfront),
    );
    assert_eq!(run.reserved().compute, Usd::ZERO);
    assert_eq!(run.reserved().commitment.amount(), usd("0.12"));
}

#[test]
fn a_large_reservation_covers_half_of_an_xlarge_instance() {
    // One m5.xlarge (8 units) for 1 h; one m5.large reservation (4 units) covers half:
    // 1,800 s of the xlarge stay On-Demand → 1,800 × $0.192 / 3,600 = $0.096.
    let run = replay_reserved(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.xlarge
2026-03-02T01:00:00Z,a,terminate,
",
        &[("m5.large", 1)],
        terms(Payment::NoUpfront),
    );
    assert_eq!(run.reserved().compute.amount(), usd("0.096"));
    assert_eq!(run.stats().covered_seconds, usd("1800"));
}

#[test]
fn a_reservation_with_no_matching_usage_is_still_billed() {
    // Only a t3.micro runs (2 h × $0.0104 = $0.0208); the m5.large reservation covers
    // nothing and is owed for both clock hours: $0.12, all of it unused.
    let run = replay_reserved(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,t3.micro
2026-03-02T02:00:00Z,a,terminate,
",
        &[("m5.large", 1)],
        terms(Payment::NoUpfront),
    );
    assert_eq!(run.reserved().compute.amount(), usd("0.0208"));
    assert_eq!(run.reserved().commitment.amount(), usd("0.12"));
    assert_eq!(run.stats().unused_hours, usd("2"));
    assert_eq!(run.stats().unused_cost.amount(), usd("0.12"));
    assert_eq!(run.stats().utilization_pct(), Decimal::ZERO);
}

/// Two m5.large for 10 h, and three more for one hour (04:00–05:00).
const BASE_AND_PEAK: &str = "time,instance,action,instance_type
2026-03-02T00:00:00Z,base-1,launch,m5.large
2026-03-02T00:00:00Z,base-2,launch,m5.large
2026-03-02T04:00:00Z,peak-1,launch,m5.large
2026-03-02T04:00:00Z,peak-2,launch,m5.large
2026-03-02T04:00:00Z,peak-3,launch,m5.large
2026-03-02T05:00:00Z,peak-1,terminate,
2026-03-02T05:00:00Z,peak-2,terminate,
2026-03-02T05:00:00Z,peak-3,terminate,
2026-03-02T10:00:00Z,base-1,terminate,
2026-03-02T10:00:00Z,base-2,terminate,
";

#[test]
fn the_recommendation_for_a_base_and_a_short_peak_is_the_base() {
    // 10 clock hours; cost(N) = N × $0.06 × 10 + uncovered hours × $0.096:
    // N=0: 23 h × 0.096 = $2.208; N=1: 0.60 + 13 × 0.096 = $1.848;
    // N=2: 1.20 + 3 × 0.096 = $1.488; N=3: 1.80 + 2 × 0.096 = $1.992. Best: 2.
    let run = replay_auto(BASE_AND_PEAK, terms(Payment::NoUpfront));
    let fit = run.outcome.reserved.as_ref().unwrap();
    let rec = &fit.recommendations[0];
    assert_eq!(rec.count, 2);
    assert_eq!(&*rec.instance_type, "m5.large");
    assert_eq!(rec.on_demand_cost.amount(), usd("2.208"));
    assert_eq!(rec.total_cost.amount(), usd("1.488"));
    assert_eq!(
        rec.curve[..4]
            .iter()
            .map(|c| c.amount())
            .collect::<Vec<_>>(),
        vec![usd("2.208"), usd("1.848"), usd("1.488"), usd("1.992")]
    );
    // Break-even: $0.06 / $0.096 = 62.5 %. The third would be used 1 h in 10 and add $0.504.
    assert_eq!(rec.break_even_pct, usd("62.5"));
    assert_eq!(rec.next_one_changes_cost_by.amount(), usd("0.504"));
    assert_eq!(rec.utilization_pct, usd("100"));
    assert_eq!(
        rec.explanation,
        "buy 2 × m5.large (1yr standard no-upfront): a reservation pays off when used at least 62.5% of the \
         time; the last of the 2 is used 100% of the time, and one more would be used 10% of the time and \
         would add $0.50 to the total"
    );
    // The reserved strategy then holds those 2: compute 3 h × $0.096, commitment $1.20.
    assert_eq!(run.reserved().compute.amount(), usd("0.288"));
    assert_eq!(run.reserved().commitment.amount(), usd("1.2"));
}

#[test]
fn upfront_fees_are_amortized_over_the_term() {
    // One m5.large reservation for a 10-hour replay:
    // no upfront: 10 × $0.06 = $0.60; all upfront: $438 / 8,760 h = $0.05/h → $0.50;
    // partial: $219 / 8,760 + $0.025 = $0.05/h → $0.50.
    let commitment = |payment| {
        replay_reserved(BASE_AND_PEAK, &[("m5.large", 1)], terms(payment))
            .reserved()
            .commitment
            .amount()
    };
    assert_eq!(commitment(Payment::NoUpfront), usd("0.6"));
    assert_eq!(commitment(Payment::AllUpfront), usd("0.5"));
    assert_eq!(commitment(Payment::PartialUpfront), usd("0.5"));
}

#[test]
fn months_to_break_even_repay_the_upfront_from_cash_savings() {
    // Partial upfront, 2 reservations over 10 h (10/730.485 months):
    // cash without reservations $2.208; with: 3 h On-Demand $0.288 + recurring
    // 2 × $0.025 × 10 = $0.50 → $0.788; cash saved $1.42 in 36,000 s.
    // Upfront 2 × $219 = $438 → 438 / (1.42 / (36,000 / 2,629,746)) months.
    let run = replay_auto(BASE_AND_PEAK, terms(Payment::PartialUpfront));
    let rec = &run.outcome.reserved.as_ref().unwrap().recommendations[0];
    assert_eq!(rec.count, 2);
    let months = usd("36000") / usd("2629746");
    let expected = (usd("438") / (usd("1.42") / months)).round_dp(1);
    assert_eq!(rec.months_to_break_even, Some(expected));
}
