//! The synthetic workload generator: deterministic, and what it writes replays.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ec2plan::clock::Timestamp;
use ec2plan::generate::{
    write_event_log, write_schedule, GenerateKind, GenerateOptions, EVENT_LOG_HEADER,
    MIN_GAP_SECONDS,
};
use ec2plan::pricing::Catalog;
use ec2plan::scenario::{Defaults, EventReader, Scaling, ScheduleReader};
use ec2plan::simulation::{simulate, NoTimeline, Options};
use std::collections::HashMap;

fn options(instances: u64, days: u32, seed: u64, kind: GenerateKind) -> GenerateOptions {
    GenerateOptions {
        instances,
        days,
        seed,
        start: Timestamp::parse("2026-03-02T00:00:00Z").unwrap(),
        kind,
        region: "us-east-1".to_string(),
    }
}

fn event_log(options: &GenerateOptions, catalog: &Catalog) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let rows = write_event_log(options, catalog, &mut out).expect("generated");
    (out, rows)
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let catalog = Catalog::embedded().unwrap();
    let o = options(300, 20, 42, GenerateKind::EventLog);
    let (a, rows_a) = event_log(&o, &catalog);
    let (b, rows_b) = event_log(&o, &catalog);
    assert_eq!(rows_a, rows_b);
    assert!(a == b, "two runs with seed 42 differ");
    let (c, _) = event_log(
        &GenerateOptions {
            seed: 43,
            ..o.clone()
        },
        &catalog,
    );
    assert!(a != c, "seeds 42 and 43 gave the same log");

    let s = options(300, 20, 42, GenerateKind::Schedule);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    write_schedule(&s, &catalog, &mut x).unwrap();
    write_schedule(&s, &catalog, &mut y).unwrap();
    assert!(x == y, "two schedules with seed 42 differ");
}

#[test]
fn an_event_log_of_200_instances_over_30_days_replays() {
    let catalog = Catalog::embedded().unwrap();
    let o = options(200, 30, 7, GenerateKind::EventLog);
    let (log, rows) = event_log(&o, &catalog);
    let text = String::from_utf8(log).unwrap();
    assert_eq!(text.lines().next(), Some(EVENT_LOG_HEADER));
    assert_eq!(text.lines().count() as u64, rows + 1);
    // About 20 rows per instance.
    assert!((3_000..=5_000).contains(&rows), "{rows} rows");

    // Every kind of action appears, and one instance's actions are 120 s or more apart.
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut last: HashMap<&str, i64> = HashMap::new();
    let mut previous = i64::MIN;
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 12, "{line}");
        let time = Timestamp::parse(cells[0]).unwrap().unix();
        assert!(time >= previous, "out of order: {line}");
        previous = time;
        *seen.entry(cells[2]).or_default() += 1;
        let slot = cells[1].split('-').next().unwrap();
        if let Some(before) = last.insert(slot, time) {
            assert!(time - before >= MIN_GAP_SECONDS, "{line}");
        }
    }
    for action in [
        "launch",
        "stop",
        "start",
        "hibernate",
        "reboot",
        "terminate",
        "interrupt",
    ] {
        assert!(seen.contains_key(action), "no {action} row in {seen:?}");
    }
    assert!(
        text.contains(",true,"),
        "no interruptible or hibernating launch"
    );

    let mut reader = EventReader::new(
        "generated.csv",
        text.as_bytes(),
        &catalog,
        Defaults::default(),
    )
    .expect("the header reads");
    let outcome = simulate(&mut reader, &catalog, &Options::default(), &mut NoTimeline)
        .expect("the generated log replays");
    assert_eq!(outcome.events, rows);
    assert!(outcome.instances >= 200);
}

#[test]
fn the_test_catalog_gives_a_log_of_its_four_types_that_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pricing");
    let catalog = Catalog::with_overrides(&dir).unwrap();
    let o = options(100, 10, 1, GenerateKind::EventLog);
    let (log, _) = event_log(&o, &catalog);
    let text = String::from_utf8(log).unwrap();
    for line in text.lines().skip(1).filter(|l| l.contains(",launch,")) {
        let instance_type = line.split(',').nth(3).unwrap();
        assert!(
            ["m5.large", "m5.xlarge", "t3.micro", "r5.large"].contains(&instance_type),
            "{line}"
        );
    }
    let mut reader = EventReader::new(
        "generated.csv",
        text.as_bytes(),
        &catalog,
        Defaults::default(),
    )
    .unwrap();
    simulate(&mut reader, &catalog, &Options::default(), &mut NoTimeline)
        .expect("the generated log replays");
}

#[test]
fn every_region_gives_a_log_that_replays() {
    // The five regions opened after the EBS price table's date (2024-07) have no volume
    // price: generate refuses them rather than price volumes at zero.
    let no_ebs = [
        "ap-east-2",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "mx-central-1",
    ];
    let catalog = Catalog::embedded().unwrap();
    assert_eq!(catalog.region_names().count(), 36);
    for region in catalog.region_names() {
        let o = GenerateOptions {
            region: region.to_string(),
            ..options(60, 5, 3, GenerateKind::EventLog)
        };
        if no_ebs.contains(&region) {
            let e = write_event_log(&o, &catalog, &mut Vec::new()).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("the catalog prices neither gp3 nor gp2 EBS volumes in {region}")
            );
            continue;
        }
        let (log, _) = event_log(&o, &catalog);
        let defaults = Defaults {
            region: region.to_string(),
            ..Defaults::default()
        };
        let mut reader = EventReader::new("generated.csv", &log[..], &catalog, defaults).unwrap();
        simulate(&mut reader, &catalog, &Options::default(), &mut NoTimeline)
            .unwrap_or_else(|e| panic!("{region}: {e}"));
    }
}

#[test]
fn a_schedule_replays() {
    let catalog = Catalog::embedded().unwrap();
    let o = options(200, 30, 7, GenerateKind::Schedule);
    let mut out = Vec::new();
    let rows = write_schedule(&o, &catalog, &mut out).unwrap();
    // Four groups of 50: three rows each and the last row.
    assert_eq!(rows, 13);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("time,group,desired,instance_type,scale_in,repeat\n"));
    assert!(text
        .lines()
        .last()
        .unwrap()
        .starts_with("2026-04-01T00:00:00Z,g0,"));
    let mut reader = ScheduleReader::new(
        "generated.csv",
        text.as_bytes(),
        &catalog,
        Defaults::default(),
        &Scaling::default(),
    )
    .expect("the schedule reads");
    let outcome = simulate(&mut reader, &catalog, &Options::default(), &mut NoTimeline)
        .expect("the generated schedule replays");
    assert!(outcome.instances >= 200, "{} instances", outcome.instances);
    assert_eq!(
        outcome.horizon,
        Timestamp::parse("2026-04-01T00:00:00Z").unwrap()
    );
}

#[test]
fn schedules_with_warm_pools_replay_for_many_seeds() {
    let catalog = Catalog::embedded().unwrap();
    let mut pools = 0;
    for seed in 0..20 {
        let o = GenerateOptions {
            start: Timestamp::parse("2026-03-02T13:17:00Z").unwrap(),
            ..options(520, 3, seed, GenerateKind::Schedule)
        };
        let mut out = Vec::new();
        write_schedule(&o, &catalog, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        pools += text.matches(",hibernate,").count() + text.matches(",stop,").count();
        let mut reader = ScheduleReader::new(
            "generated.csv",
            text.as_bytes(),
            &catalog,
            Defaults::default(),
            &Scaling::default(),
        )
        .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        simulate(&mut reader, &catalog, &Options::default(), &mut NoTimeline)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
    }
    assert!(pools > 0, "no group kept a warm pool");
}

#[test]
fn nothing_to_generate_is_refused() {
    let catalog = Catalog::embedded().unwrap();
    for o in [
        options(0, 30, 1, GenerateKind::EventLog),
        options(10, 0, 1, GenerateKind::EventLog),
        GenerateOptions {
            region: "mars-north-1".into(),
            ..options(10, 3, 1, GenerateKind::EventLog)
        },
    ] {
        let error = write_event_log(&o, &catalog, Vec::new()).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        let error = write_schedule(&o, &catalog, Vec::new()).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    }
}
