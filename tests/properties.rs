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
        // The total is the exact sum rounded half up; the columns, apportioned to it, add up
        // to it and are each within a cent of their exact value.
        let run = replay(&event_log(&lives));
        let t = run.totals();
        let row = ec2plan::report::rounding::PrintedRow::of(t).unwrap();
        prop_assert_eq!(row.total, Usd::new(total(&run)).round_cents());
        prop_assert_eq!(row.total, t.rounded_total().unwrap());
        prop_assert_eq!(Usd::checked_sum(row.columns).unwrap(), row.total);
        for (printed, exact) in row.columns.iter().zip(t.columns()) {
            prop_assert!((printed.amount() - exact.amount()).abs() < Decimal::new(1, 2));
        }
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
        // Exact items: their sum is the ledger's exact total (to far below a cent: the ledger
        // divides once per price, the items once per charge, each to 28 digits), so it
        // rounds to the summary's printed total.
        for (strategy, ledger) in &run.outcome.ledgers {
            let total: Decimal = items.iter().zip(&effective).filter(|(i, _)| i.strategy == *strategy).map(|(_, e)| *e).sum();
            let exact = Usd::checked_sum(ledger.overall.columns()).unwrap().amount();
            prop_assert_eq!(total.round_dp(18), exact.round_dp(18));
            prop_assert_eq!(Usd::new(total).round_cents(), ledger.overall.rounded_total().unwrap());
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

/// The event log with a `group` column (three groups) and its times stretched `stretch`
/// times from the start, so that the runs span months.
fn grouped_log(lives: &[Life], stretch: i64) -> String {
    grouped_log_in(lives, stretch, 3)
}

/// The same with `groups` groups.
fn grouped_log_in(lives: &[Life], stretch: i64, groups: usize) -> String {
    let base = 1_772_409_600i64; // 2026-03-02T00:00:00Z
    let log = event_log(lives);
    let mut lines = log.lines();
    let mut out = format!("{},group\n", lines.next().unwrap());
    for line in lines {
        let (time, rest) = line.split_once(',').unwrap();
        let t = ec2plan::clock::Timestamp::parse(time).unwrap().unix();
        let t = base + (t - base) * stretch;
        let instance: usize = rest.split(',').next().unwrap()[1..].parse().unwrap();
        let group = if rest.contains(",launch,") {
            format!("g{}", instance % groups)
        } else {
            String::new()
        };
        out.push_str(&format!("{},{rest},{group}\n", stamp(t)));
    }
    out
}

/// A printed amount.
fn cents(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// Whether `printed` is within a cent of `exact` (below a cent either way).
fn within_a_cent(printed: Decimal, exact: Decimal) -> bool {
    (printed - exact).abs() < Decimal::new(1, 2)
}

/// Money columns of a CSV row: compute, storage, public IPv4, commitment, total.
fn money_columns(record: &csv::StringRecord, first: usize) -> ([Decimal; 4], Decimal) {
    let c = |i: usize| cents(&record[first + i]);
    ([c(0), c(1), c(2), c(3)], c(4))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Groups within a strategy, kinds within a row and months within a strategy's kind add
    /// up to the total as printed, in the summary CSV, groups CSV, JSON and `monthly.csv`; and
    /// each part is within a cent of its exact value.
    #[test]
    fn printed_parts_add_up_to_their_printed_totals(
        lives in prop::collection::vec(life(), 1..6),
        stretch in prop::sample::select(vec![1i64, 37]),
        reservations in 0u64..3,
        daily in any::<bool>(),
    ) {
        use ec2plan::report::spending::Spending;
        use ec2plan::report::Summary;
        let log = grouped_log(&lives, stretch);
        let portfolio = ec2plan::strategy::Portfolio {
            reservations: vec![ec2plan::strategy::Reservation {
                instance_type: std::sync::Arc::from("m5.large"),
                region: std::sync::Arc::from("us-east-1"),
                os: std::sync::Arc::from("linux"),
                count: reservations,
            }],
            terms: terms(),
        };
        let options = keeping(ec2plan::simulation::Options {
            reserved: Some(ec2plan::simulation::ReservedPlan::Fixed(portfolio)),
            ..instant()
        });
        let run = replay_with(&log, options).unwrap();
        let outcome = &run.outcome;
        let summary = Summary::new("test.csv", outcome).unwrap();
        let exact = |t: &ec2plan::billing::Totals| Usd::checked_sum(t.columns()).unwrap().amount();

        // summary.csv: each row's kinds add up to its total, the exact sum rounded half up.
        let mut totals = std::collections::BTreeMap::new();
        let csv_text = summary.csv();
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            let (columns, total) = money_columns(&record, 1);
            prop_assert_eq!(columns.iter().sum::<Decimal>(), total);
            let (strategy, ledger) = outcome.ledgers.iter().find(|(s, _)| s.name() == &record[0]).unwrap();
            prop_assert_eq!(total, Usd::new(exact(&ledger.overall)).round_cents().amount());
            for (printed, exact) in columns.iter().zip(ledger.overall.columns()) {
                prop_assert!(within_a_cent(*printed, exact.amount()));
            }
            totals.insert(strategy.name().to_string(), (columns, total));
        }

        // groups.csv: groups add up to their strategy's total, and kind by kind to its
        // columns; kinds to the group's total.
        let mut group_sums: std::collections::BTreeMap<String, Decimal> = Default::default();
        let mut kind_sums: std::collections::BTreeMap<String, [Decimal; 4]> = Default::default();
        let groups_text = summary.groups_csv();
        let mut reader = csv::Reader::from_reader(groups_text.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            let (columns, total) = money_columns(&record, 2);
            prop_assert_eq!(columns.iter().sum::<Decimal>(), total);
            let ledger = &outcome.ledgers.iter().find(|(s, _)| s.name() == &record[0]).unwrap().1;
            let group = &ledger.groups[&record[1]];
            prop_assert!(within_a_cent(total, exact(group)));
            for (printed, exact) in columns.iter().zip(group.columns()) {
                prop_assert!(within_a_cent(*printed, exact.amount()));
            }
            *group_sums.entry(record[0].to_string()).or_default() += total;
            let kinds = kind_sums.entry(record[0].to_string()).or_default();
            for (sum, printed) in kinds.iter_mut().zip(&columns) {
                *sum += *printed;
            }
        }
        for (strategy, sum) in &group_sums {
            prop_assert_eq!(*sum, totals[strategy].1, "groups of {}", strategy);
            let strategy_columns = &totals[strategy].0;
            for (k, sum) in kind_sums[strategy].iter().enumerate() {
                prop_assert_eq!(*sum, strategy_columns[k], "groups of {}, kind {}", strategy, k);
            }
        }

        // JSON: the same figures as the CSV, so the same sums.
        let json: serde_json::Value = serde_json::from_str(&summary.json()).unwrap();
        let money = |row: &serde_json::Value, key: &str| cents(row[key].as_str().unwrap());
        let kinds = ["compute_usd", "storage_usd", "public_ipv4_usd", "commitment_usd"];
        for row in json["strategies"].as_array().unwrap() {
            let total = money(row, "total_usd");
            prop_assert_eq!(kinds.iter().map(|k| money(row, k)).sum::<Decimal>(), total);
            prop_assert_eq!(total, totals[row["strategy"].as_str().unwrap()].1);
            let groups: Decimal = json["groups"].as_array().unwrap().iter()
                .filter(|g| g["strategy"] == row["strategy"])
                .map(|g| money(g, "total_usd"))
                .sum();
            prop_assert_eq!(groups, total);
        }
        for row in json["groups"].as_array().unwrap() {
            prop_assert_eq!(kinds.iter().map(|k| money(row, k)).sum::<Decimal>(), money(row, "total_usd"));
        }

        // monthly.csv: a strategy's months of a kind add up to its summary column, and each
        // month is within a cent of the exact sum of its line items.
        let period = if daily { ec2plan::clock::Period::Daily } else { ec2plan::clock::Period::Hourly };
        let (items, _) = focus_items(&run, period);
        let spending = Spending::of(&items, (outcome.start, outcome.horizon)).unwrap();
        let monthly = ec2plan::report::focus::monthly_csv(&spending.monthly, &outcome.ledgers).unwrap();
        let mut month_sums: std::collections::BTreeMap<(String, String), Decimal> = Default::default();
        let mut reader = csv::Reader::from_reader(monthly.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            let printed = cents(&record[3]);
            let exact: Decimal = items.iter()
                .filter(|i| !i.purchase && i.strategy.name() == &record[1] && i.kind.name() == &record[2]
                    && i.start.month_start().month_label() == record[0])
                .map(|i| i.effective)
                .sum();
            prop_assert!(within_a_cent(printed, exact), "{:?}: {} vs {}", record, printed, exact);
            *month_sums.entry((record[1].to_string(), record[2].to_string())).or_default() += printed;
        }
        let kind_names = ["compute", "storage", "public_ipv4", "commitment"];
        for ((strategy, kind), sum) in &month_sums {
            let column = kind_names.iter().position(|k| k == kind).unwrap();
            prop_assert_eq!(*sum, totals[strategy].0[column], "months of {} {}", strategy, kind);
        }
    }
}

/// A block of a summary table (`strategy` or `group`): each row's label and its five money
/// cells (compute, storage, public IPv4, commitment, total), read back from `$1,234.56`.
fn table_block(table: &str, title: &str) -> Vec<(String, [Decimal; 5])> {
    table
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{title} ")))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let (label, cells) = words.split_at(words.len() - 6);
            let money = |text: &str| cents(&text.replace(['$', ','], ""));
            let cells = [0, 1, 2, 3, 4].map(|i| money(cells[i]));
            (label.join(" "), cells)
        })
        .collect()
}

/// Whether a group row's label is the "(K other groups)" row.
fn is_other(label: &str) -> bool {
    label.starts_with('(') && label.contains(" other group")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// With `--groups N`, the table shows each strategy's N costliest groups (costliest
    /// first, ties by name), each as groups.csv prints it, and one "other groups" row that
    /// is the sum of the rest as groups.csv prints them; the rows shown add up to the
    /// strategy's row as shown, cell by cell.
    #[test]
    fn shown_groups_and_the_other_row_add_up_to_the_shown_total(
        lives in prop::collection::vec(life(), 1..10),
        groups in 2usize..7,
        top in 1usize..6,
        reservations in 0u64..3,
    ) {
        use ec2plan::report::Summary;
        let log = grouped_log_in(&lives, 1, groups);
        let portfolio = ec2plan::strategy::Portfolio {
            reservations: vec![ec2plan::strategy::Reservation {
                instance_type: std::sync::Arc::from("m5.large"),
                region: std::sync::Arc::from("us-east-1"),
                os: std::sync::Arc::from("linux"),
                count: reservations,
            }],
            terms: terms(),
        };
        let options = ec2plan::simulation::Options {
            reserved: Some(ec2plan::simulation::ReservedPlan::Fixed(portfolio)),
            ..instant()
        };
        let run = replay_with(&log, options).unwrap();
        let summary = Summary::new("test.csv", &run.outcome).unwrap();
        let table = summary.table_with(Some(top));
        let strategies = table_block(&table, "strategy");
        let shown = table_block(&table, "group");
        // groups.csv: (strategy, group) → cells.
        let mut printed: std::collections::BTreeMap<(String, String), [Decimal; 5]> = Default::default();
        let groups_text = summary.groups_csv();
        let mut reader = csv::Reader::from_reader(groups_text.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            let (columns, total) = money_columns(&record, 2);
            let cells = [columns[0], columns[1], columns[2], columns[3], total];
            printed.insert((record[0].to_string(), record[1].to_string()), cells);
        }
        prop_assert!(!strategies.is_empty());
        for (strategy, strategy_cells) in &strategies {
            let suffix = format!(" ({strategy})");
            let rows: Vec<&(String, [Decimal; 5])> = shown.iter().filter(|(l, _)| l.ends_with(&suffix)).collect();
            let all: Vec<(&String, &[Decimal; 5])> = printed.iter()
                .filter(|((s, _), _)| s == strategy)
                .map(|((_, g), cells)| (g, cells))
                .collect();
            // Rows shown add up to the strategy's row, cell by cell.
            let mut sums = [Decimal::ZERO; 5];
            for (_, cells) in &rows {
                for (sum, cell) in sums.iter_mut().zip(cells) {
                    *sum += *cell;
                }
            }
            prop_assert_eq!(&sums, strategy_cells, "{}", table);
            // The groups shown, costliest first, each as groups.csv prints it.
            let named: Vec<(&str, &[Decimal; 5])> = rows.iter()
                .filter(|(l, _)| !is_other(l))
                .map(|(l, c)| (l.strip_suffix(&suffix).unwrap(), c))
                .collect();
            prop_assert_eq!(named.len(), all.len().min(top));
            for pair in named.windows(2) {
                let ((a, x), (b, y)) = (pair[0], pair[1]);
                prop_assert!(x[4] > y[4] || (x[4] == y[4] && a < b), "{}", table);
            }
            for (name, cells) in &named {
                prop_assert_eq!(*cells, &printed[&(strategy.clone(), name.to_string())]);
            }
            // The other row: the sum of the groups not shown, as groups.csv prints them.
            let others: Vec<&&(String, [Decimal; 5])> = rows.iter().filter(|(l, _)| is_other(l)).collect();
            let rest: Vec<&[Decimal; 5]> = all.iter()
                .filter(|(g, _)| !named.iter().any(|(n, _)| n == g))
                .map(|(_, c)| *c)
                .collect();
            if rest.is_empty() {
                prop_assert!(others.is_empty());
            } else {
                prop_assert_eq!(others.len(), 1);
                let mut sums = [Decimal::ZERO; 5];
                for cells in &rest {
                    for (sum, cell) in sums.iter_mut().zip(*cells) {
                        *sum += *cell;
                    }
                }
                prop_assert_eq!(&others[0].1, &sums);
                let label = format!("({} other group", rest.len());
                prop_assert!(others[0].0.starts_with(&label), "{}", table);
                prop_assert!(std::ptr::eq(*others[0], *rows.last().unwrap()), "the other row comes last");
            }
        }
    }
}
