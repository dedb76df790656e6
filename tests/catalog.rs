//! The bundled catalog: every row of its files loads and is what a lookup returns, and runs
//! priced from it give the figures worked out by hand from those rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use ec2plan::pricing::{Catalog, OfferTerms, Offering, Payment, Term};
use rust_decimal::Decimal;
use std::fs;
use std::path::Path;

fn rows(file: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("pricing")
        .join(file);
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn every_region_of_the_embedded_catalog_loads() {
    let catalog = Catalog::embedded().unwrap();
    catalog.check_regions().unwrap();
    assert_eq!(catalog.region_names().count(), 36);
}

#[test]
fn every_on_demand_and_spot_average_row_is_what_a_lookup_returns() {
    let catalog = Catalog::embedded().unwrap();
    let on_demand = rows("on_demand.csv");
    assert_eq!(on_demand.len(), 101_635);
    for row in &on_demand {
        let rate = catalog.on_demand(&row[0], &row[1], &row[2]);
        assert_eq!(
            rate.map(|r| r.per_hour()),
            Some(decimal(&row[3])),
            "{row:?}"
        );
    }
    for row in rows("spot_average.csv") {
        let rate = catalog.spot_average(&row[0], &row[1], &row[2]);
        assert_eq!(
            rate.map(|r| r.per_hour()),
            Some(decimal(&row[3])),
            "{row:?}"
        );
    }
}

#[test]
fn every_reservation_row_is_what_a_lookup_returns() {
    let catalog = Catalog::embedded().unwrap();
    let reserved = rows("reserved.csv");
    assert_eq!(reserved.len(), 177_121);
    for row in &reserved {
        let terms = OfferTerms {
            term: Term::parse(&row[3]).unwrap(),
            offering: Offering::parse(&row[4]).unwrap(),
            payment: Payment::parse(&row[5]).unwrap(),
        };
        let price = catalog.reserved(&row[0], &row[1], &row[2], terms).unwrap();
        assert_eq!(price.upfront.amount(), decimal(&row[6]), "{row:?}");
        assert_eq!(price.hourly.per_hour(), decimal(&row[7]), "{row:?}");
    }
}

#[test]
fn the_per_region_files_are_sorted_by_region() {
    // The loader finds a region's rows by binary search over the file's lines.
    for file in ["on_demand.csv", "reserved.csv", "spot_average.csv"] {
        let regions: Vec<String> = rows(file).into_iter().map(|r| r[0].clone()).collect();
        assert!(regions.windows(2).all(|w| w[0] <= w[1]), "{file}");
    }
}

#[test]
fn every_type_has_a_normalization_factor_where_the_user_guide_gives_one() {
    // The guide's table stops at 112xlarge (and has no 64xlarge); g4dn.metal has 96 vCPUs
    // and no virtualized g4dn size has as many. All six are one-size families here, so a
    // reservation of them covers exactly their type anyway.
    let catalog = Catalog::embedded().unwrap();
    let without: Vec<&str> = catalog
        .instance_type_names()
        .filter(|t| catalog.normalization_factor(t).is_none())
        .collect();
    assert_eq!(
        without,
        [
            "g4dn.metal",
            "u7i-12tb.224xlarge",
            "u7in-16tb.224xlarge",
            "u7in-24tb.224xlarge",
            "u7in-32tb.224xlarge",
            "x8i.64xlarge"
        ]
    );
    let factor = |t: &str| catalog.normalization_factor(t).unwrap();
    assert_eq!(factor("i3.metal"), Decimal::from(128)); // listed by the guide
    assert_eq!(factor("m7i.metal-48xl"), Decimal::from(384)); // an m7i.48xlarge
    assert_eq!(factor("u-6tb1.112xlarge"), Decimal::from(896));
    assert_eq!(factor("t3.nano"), "0.25".parse::<Decimal>().unwrap());
}

fn ec2plan() -> Command {
    Command::cargo_bin("ec2plan").unwrap()
}

/// The `--format csv` summary of `scenario` with `flags`, from a temporary file.
fn summary(scenario: &str, flags: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.csv");
    fs::write(&path, scenario).unwrap();
    let output = ec2plan()
        .arg("simulate")
        .arg(&path)
        .args(["--format", "csv"])
        .args(flags)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn row<'a>(summary: &'a str, strategy: &str) -> &'a str {
    summary
        .lines()
        .find(|l| l.starts_with(&format!("{strategy},")))
        .unwrap_or_else(|| panic!("no {strategy} row in {summary}"))
}

#[test]
fn a_reservation_is_priced_from_its_real_upfront_fee() {
    // m5.large us-east-1 1yr standard All Upfront: $494 (0.056393/h × 8,760 h = 494.003).
    // Ten hours of one m5.large under one reservation: every second covered, and ten clock
    // hours of the fee: 494 × 10 / 8,760 = $0.563926… → $0.56; On-Demand 10 × 0.096 = $0.96.
    // Its 8 GB gp3 volume bills in both: 8 × 0.08 × 36,000 / 2,678,400 = $0.0086 → $0.01.
    let scenario = "time,instance,action,instance_type\n\
                    2026-03-02T00:00:00Z,a,launch,m5.large\n\
                    2026-03-02T10:00:00Z,a,terminate,\n";
    let out = summary(scenario, &["--reserve", "m5.large=1"]);
    assert!(
        row(&out, "on-demand").starts_with("on-demand,0.96,"),
        "{out}"
    );
    assert!(
        row(&out, "reserved").starts_with("reserved,0.00,0.01,0.00,0.56,0.57,"),
        "{out}"
    );
    // The 3-year fee, $949 (0.036111 × 26,280 = 949.997… within the printed precision):
    // 949 × 10 / 26,280 = $0.3611…
    let out = summary(scenario, &["--reserve", "m5.large=1", "--term", "3yr"]);
    assert!(
        row(&out, "reserved").starts_with("reserved,0.00,0.01,0.00,0.36,0.37,"),
        "{out}"
    );
}

#[test]
fn windows_and_suse_are_priced_and_suse_bills_each_started_hour() {
    // us-east-1 m5.large: Windows $0.188/h per second: 90 min = $0.282 → $0.28.
    // SUSE $0.152/h, billed per started hour: 90 min is 2 hours = $0.304; with 8 GB gp3 ×
    // 5,400 s of March ($0.08 × 8 × 5,400 / 2,678,400 = $0.00129) the total is $0.30529 →
    // $0.31, and its columns are apportioned to it: floors 30 ¢ + 0 ¢, the missing cent to
    // the larger remainder (compute's 0.4 ¢ against storage's 0.13 ¢), so compute $0.31.
    let scenario = |os: &str| {
        format!(
            "time,instance,action,instance_type,os\n\
             2026-03-02T00:00:00Z,a,launch,m5.large,{os}\n\
             2026-03-02T01:30:00Z,a,terminate,,\n"
        )
    };
    let windows = summary(&scenario("windows"), &["--strategy", "on-demand"]);
    assert!(
        row(&windows, "on-demand").starts_with("on-demand,0.28,"),
        "{windows}"
    );
    let suse = summary(&scenario("suse"), &["--strategy", "on-demand"]);
    assert!(
        row(&suse, "on-demand").starts_with("on-demand,0.31,0.00,0.00,0.00,0.31,"),
        "{suse}"
    );
}

#[test]
fn a_region_outside_the_first_three_is_priced() {
    // sa-east-1: m5.large $0.153/h for 2 h = $0.306 → $0.31; 8 GB gp3 at $0.152/GB-month
    // for 7,200 s of a 31-day month: 8 × 0.152 × 7,200 / 2,678,400 = $0.0033 → $0.00.
    let scenario = "time,instance,action,instance_type,region\n\
                    2026-03-02T00:00:00Z,a,launch,m5.large,sa-east-1\n\
                    2026-03-02T02:00:00Z,a,terminate,,\n";
    let out = summary(scenario, &["--strategy", "on-demand"]);
    assert!(
        row(&out, "on-demand").starts_with("on-demand,0.31,0.00,0.00,0.00,0.31,7200,"),
        "{out}"
    );
}

#[test]
fn a_region_without_ebs_prices_refuses_the_launch_rather_than_price_it_at_zero() {
    // Mexico (Central) opened after the EBS price table's date.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mx.csv");
    fs::write(
        &path,
        "time,instance,action,instance_type,region\n\
         2026-03-02T00:00:00Z,a,launch,m7i.large,mx-central-1\n",
    )
    .unwrap();
    ec2plan()
        .arg("simulate")
        .arg(&path)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("gp3"));
}
