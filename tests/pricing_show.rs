//! `ec2plan pricing show TYPE`, through the binary. Every figure below was read from the
//! bundled files first (`grep '^us-east-1,m5.large,' pricing/on_demand.csv
//! pricing/spot_average.csv pricing/reserved.csv`) or from tests/data/pricing, and every
//! derived one is worked out by hand in a comment.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use assert_cmd::Command;
use predicates::prelude::*;
use std::collections::HashMap;

fn ec2plan() -> Command {
    let mut command = Command::cargo_bin("ec2plan").expect("the binary is built");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn show(args: &[&str]) -> String {
    let output = ec2plan()
        .args(["pricing", "show"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

/// The table's row starting with these cells (single spaces: the table pads with more).
fn row<'t>(table: &'t str, section: &str, start: &[&str]) -> &'t str {
    let mut in_section = false;
    for line in table.lines() {
        if !line.starts_with(' ') {
            in_section = line == section;
            continue;
        }
        let cells: Vec<&str> = line.split_whitespace().collect();
        if in_section && cells.starts_with(start) {
            return line;
        }
    }
    panic!("no row {start:?} under {section} in\n{table}");
}

fn cells(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[test]
fn the_table_shows_every_linux_price_of_m5_large_with_its_discount() {
    let table = show(&["m5.large"]);
    assert!(table.starts_with("m5.large in us-east-1\n  2 vCPU, 8 GiB memory [1]\n"));
    assert!(table.contains("normalization factor 4 "));

    // pricing/on_demand.csv: us-east-1,m5.large,linux,0.096
    assert_eq!(
        cells(row(&table, "linux", &["On-Demand"])),
        ["On-Demand", "$0.096/h", "$0.096/h", "[3]"]
    );
    // pricing/spot_average.csv: us-east-1,m5.large,linux,0.04366;
    // 1 - 0.04366 / 0.096 = 1 - 0.4547917 = 54.52%.
    assert_eq!(
        cells(row(&table, "linux", &["Spot", "average"]))[2..],
        ["$0.04366/h", "$0.04366/h", "54.52%", "[4]"]
    );
    // pricing/reserved.csv: us-east-1,m5.large,linux,1yr,standard,all-upfront,494,0.
    // Effective 494 / 8,760 = 0.0563927 $/h; 1 - 0.0563927 / 0.096 = 1 - 0.5874239 = 41.26%.
    assert_eq!(
        cells(row(
            &table,
            "linux",
            &["Reserved", "1yr", "standard", "all-upfront"]
        ))[4..],
        ["$494", "$0/h", "$0.056393/h", "41.26%", "[6]"]
    );
    // 3yr standard all-upfront 949: 949 / 26,280 = 0.0361111 $/h;
    // 1 - 0.0361111 / 0.096 = 1 - 0.3761666 = 62.38%.
    assert_eq!(
        cells(row(
            &table,
            "linux",
            &["Reserved", "3yr", "standard", "all-upfront"]
        ))[4..],
        ["$949", "$0/h", "$0.036111/h", "62.38%", "[6]"]
    );
    // No upfront, the hourly fee is the effective rate: 1 - 0.06 / 0.096 = 1 - 0.625 = 37.5%;
    // 1 - 0.041 / 0.096 = 57.29%; convertible 1 - 0.071 / 0.096 = 26.04%,
    // 1 - 0.049 / 0.096 = 48.96%.
    for (term, offering, rate, discount) in [
        ("1yr", "standard", "$0.06/h", "37.50%"),
        ("3yr", "standard", "$0.041/h", "57.29%"),
        ("1yr", "convertible", "$0.071/h", "26.04%"),
        ("3yr", "convertible", "$0.049/h", "48.96%"),
    ] {
        let line = row(&table, "linux", &["Reserved", term, offering, "no-upfront"]);
        assert_eq!(cells(line)[4..], ["$0", rate, rate, discount, "[5]"]);
    }
    // pricing/on_demand.csv: us-east-1,m5.large,windows,0.188
    assert_eq!(cells(row(&table, "windows", &["On-Demand"]))[1], "$0.188/h");
    assert!(table.contains("  Spot history: no records in the catalog\n"));
    // The two feeds of reserved.csv are cited apart, each with its date.
    assert!(table.contains(
        "  [5] reserved.csv: AWS reserved-instance pricing feed via GitHub yeo/ec2.shop, commit 73696e38, 2025-04-05\n"
    ));
    assert!(table.contains("  [3] on_demand.csv: AWS Price List via the ec2instances.info feed"));
    assert!(table.contains("commit b7dbceba), spring 2026\n"));
}

#[test]
fn os_picks_one_section() {
    let table = show(&["m5.large", "--os", "windows"]);
    assert!(table.contains("\nwindows\n"));
    assert!(!table.contains("\nlinux\n"));
    // 1,300 / 8,760 = 0.1484018 $/h; 1 - 0.1484018 / 0.188 = 1 - 0.7893713 = 21.06%.
    assert_eq!(
        cells(row(&table, "windows", &["Reserved", "1yr"]))[4..8],
        ["$1,300", "$0/h", "$0.148402/h", "21.06%"]
    );
}

const CSV_HEADER: [&str; 17] = [
    "region",
    "instance_type",
    "vcpu",
    "memory_gib",
    "normalization_factor",
    "os",
    "kind",
    "term",
    "offering",
    "payment",
    "upfront_usd",
    "usd_per_hour",
    "effective_usd_per_hour",
    "discount_pct",
    "first_record",
    "last_record",
    "source",
];

fn csv_rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        &csv::StringRecord::from(CSV_HEADER.to_vec())
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            CSV_HEADER
                .iter()
                .zip(r.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn csv_has_one_row_per_price_with_the_documented_columns() {
    let rows = csv_rows(&show(&["m5.large", "--os", "linux", "--format", "csv"]));
    // On-Demand, Spot average, six reservations.
    assert_eq!(rows.len(), 8);
    assert!(rows
        .iter()
        .all(|r| r["os"] == "linux" && r["region"] == "us-east-1"));
    assert_eq!(rows[0]["kind"], "on-demand");
    assert_eq!(rows[0]["usd_per_hour"], "0.096");
    assert_eq!(rows[0]["normalization_factor"], "4");
    let all_upfront = rows
        .iter()
        .find(|r| r["term"] == "1yr" && r["payment"] == "all-upfront")
        .unwrap();
    assert_eq!(all_upfront["kind"], "reserved");
    assert_eq!(all_upfront["upfront_usd"], "494");
    assert_eq!(all_upfront["usd_per_hour"], "0");
    // 494 / 8,760 = 0.056392694063926…, to 10 decimals.
    assert_eq!(all_upfront["effective_usd_per_hour"], "0.0563926941");
    assert_eq!(all_upfront["discount_pct"], "41.26");
    assert!(all_upfront["source"].contains("spring 2026"));
}

#[test]
fn json_parses_and_keeps_money_as_decimal_strings() {
    let text = show(&["m5.large", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["instance_type"], "m5.large");
    assert_eq!(value["vcpu"], 2);
    assert_eq!(value["memory_gib"], "8");
    let prices = value["prices"].as_array().unwrap();
    let systems: Vec<&str> = prices.iter().map(|p| p["os"].as_str().unwrap()).collect();
    assert_eq!(systems, ["linux", "rhel", "suse", "ubuntu-pro", "windows"]);
    let linux = &prices[0];
    assert_eq!(linux["on_demand"]["usd_per_hour"], "0.096");
    assert_eq!(linux["spot_average"]["usd_per_hour"], "0.04366");
    assert!(linux["spot_history"].is_null());
    let reserved = linux["reserved"].as_array().unwrap();
    assert_eq!(reserved.len(), 6);
    let three_year = reserved
        .iter()
        .find(|o| o["term"] == "3yr" && o["payment"] == "all-upfront")
        .unwrap();
    assert_eq!(three_year["upfront_usd"], "949");
    assert_eq!(three_year["discount_pct"], "62.38");
}

#[test]
fn a_pricing_directory_shows_its_figures_and_names_its_files() {
    let dir = "tests/data/pricing";
    let table = show(&["m5.large", "--os", "linux", "--pricing", dir]);
    // tests/data/pricing/reserved.csv: partial upfront $219 + $0.025/h:
    // 0.025 + 219 / 8,760 = 0.025 + 0.025 = 0.05 $/h; 1 - 0.05 / 0.096 = 47.92%.
    assert_eq!(
        cells(row(
            &table,
            "linux",
            &["Reserved", "1yr", "standard", "partial-upfront"]
        ))[4..8],
        ["$219", "$0.025/h", "$0.05/h", "47.92%"]
    );
    // tests/data/pricing/spot_prices.csv: four m5.large records, 2026-03-01T00:00Z to
    // 2026-03-02T02:00Z, lowest 0.030, highest 0.040.
    assert!(table.contains(
        "  Spot history: 4 records from 2026-03-01T00:00:00Z to 2026-03-02T02:00:00Z, $0.03/h to $0.04/h"
    ));
    assert!(table.contains(&format!("] your file {dir}/on_demand.csv\n")));
    assert!(table.contains(&format!("] your file {dir}/reserved.csv\n")));
    // The directory has no spot_average.csv: that figure stays the embedded one, cited so.
    assert!(table.contains("] spot_average.csv: AWS Spot prices via the ec2instances.info feed"));

    let rows = csv_rows(&show(&[
        "m5.large",
        "--os",
        "linux",
        "--pricing",
        dir,
        "--format",
        "csv",
    ]));
    let lowest = rows
        .iter()
        .find(|r| r["kind"] == "spot-history-lowest")
        .unwrap();
    assert_eq!(lowest["usd_per_hour"], "0.03");
    assert_eq!(lowest["first_record"], "2026-03-01T00:00:00Z");
    assert_eq!(lowest["source"], format!("your file {dir}/spot_prices.csv"));
    // 1 - 0.03 / 0.096 = 1 - 0.3125 = 68.75%.
    assert_eq!(lowest["discount_pct"], "68.75");
}

/// Exit 2 and one line on standard error, naming the value.
fn refused(args: &[&str], says: &str) {
    ec2plan()
        .args(["pricing", "show"])
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(says))
        .stderr(predicate::function(|e: &str| e.lines().count() == 1));
}

#[test]
fn an_unknown_type_is_refused_with_a_suggestion() {
    refused(
        &["m5.larg"],
        "instance type \"m5.larg\" is not in the price catalog; did you mean m5.large?",
    );
}

#[test]
fn an_unknown_region_is_refused_with_the_known_ones() {
    refused(
        &["m5.large", "--region", "us-east-9"],
        "--region \"us-east-9\" is not in the price catalog; did you mean us-east-1, us-east-2?",
    );
}

#[test]
fn an_os_the_type_lacks_is_refused_naming_those_it_has() {
    // pricing/on_demand.csv has no windows row for the Graviton m6g.large in us-east-1.
    refused(
        &["m6g.large", "--os", "windows"],
        "--os windows is not priced for m6g.large in us-east-1 (it is priced for linux, rhel, suse, ubuntu-pro)",
    );
    refused(
        &["m5.large", "--os", "linx"],
        "--os \"linx\" is not an operating system the catalog prices; did you mean linux?",
    );
}

#[test]
fn help_has_examples() {
    ec2plan()
        .args(["pricing", "show", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ec2plan pricing show m5.large\n"));
}

#[test]
fn a_type_without_a_normalization_factor_says_what_that_means() {
    // g4dn.metal is not in the EC2 User Guide's list of bare metal factors, and g4dn has no
    // virtualized size with its 96 vCPUs.
    let table = show(&["g4dn.metal", "--os", "linux"]);
    assert!(table.contains(
        "  normalization factor none: reservations of this type cover only this type [2]\n"
    ));
}
