//! Every error names the physical line an editor shows it on, the header being line 1,
//! whatever ends the file's lines: LF, CRLF (what Excel writes) or a lone CR (old Mac
//! files). Each case is one file written three times, once per line end, and run through
//! the binary; the expected `file:line:column (name)` is counted by hand in the file as
//! written below (one `\n` per line), blank lines and lines inside quoted cells included.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use assert_cmd::Command;
use common::test_pricing_dir;
use std::fs;
use std::path::Path;

/// The three line ends, by name.
const ENDS: [(&str, &str); 3] = [("LF", "\n"), ("CRLF", "\r\n"), ("CR", "\r")];

/// `text` (written with `\n`) with its lines ended by `end`.
fn ended(text: &str, end: &str) -> String {
    text.replace('\n', end)
}

/// Runs ec2plan in `dir` with `args`; it must fail, and its standard error is returned.
fn stderr_of(dir: &Path, args: &[&str]) -> String {
    let output = Command::cargo_bin("ec2plan")
        .expect("the binary is built")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("ec2plan runs");
    assert!(!output.status.success(), "{args:?} succeeded");
    String::from_utf8(output.stdout.clone())
        .ok()
        .filter(String::is_empty)
        .expect("nothing on standard output");
    String::from_utf8(output.stderr).expect("UTF-8 errors")
}

/// Writes the scenario `bad.csv` with each line end and checks `simulate`'s one sentence.
fn assert_scenario_error(text: &str, expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let pricing = test_pricing_dir().display().to_string();
    for (name, end) in ENDS {
        fs::write(dir.path().join("bad.csv"), ended(text, end)).unwrap();
        let stderr = stderr_of(dir.path(), &["simulate", "bad.csv", "--pricing", &pricing]);
        assert_eq!(stderr, format!("error: {expected}\n"), "line ends: {name}");
    }
}

/// A copy of the test catalog in `dir/pricing` with `file` replaced by `text`.
fn pricing_with(dir: &Path, file: &str, text: &str) -> String {
    let pricing = dir.join("pricing");
    fs::create_dir_all(&pricing).unwrap();
    for entry in fs::read_dir(test_pricing_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            fs::copy(&path, pricing.join(path.file_name().unwrap())).unwrap();
        }
    }
    fs::write(pricing.join(file), text).unwrap();
    "pricing".to_string()
}

const ONE_HOUR: &str = "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,terminate,
";

/// A catalog file with each line end, under a scenario that reads it, must fail with
/// `expected`.
fn assert_catalog_error(file: &str, text: &str, expected: &str) {
    for (name, end) in ENDS {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("one.csv"), ONE_HOUR).unwrap();
        let pricing = pricing_with(dir.path(), file, &ended(text, end));
        let stderr = stderr_of(dir.path(), &["simulate", "one.csv", "--pricing", &pricing]);
        assert_eq!(stderr, format!("error: {expected}\n"), "line ends: {name}");
    }
}

// --- event logs ---

#[test]
fn an_unknown_action_after_a_blank_line() {
    // Line 3 is blank; the bad row is line 4.
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large

2026-03-02T01:00:00Z,a,explode,
",
        "bad.csv:4:3 (action): unknown action \"explode\"",
    );
}

#[test]
fn a_time_without_seconds() {
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02 01:00,a,stop,
",
        "bad.csv:3:1 (time): time \"2026-03-02 01:00\" has no seconds; write them, like 2026-03-02T00:00:00Z",
    );
}

#[test]
fn an_unknown_instance_type() {
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T00:00:00Z,b,launch,m5.larg
",
        "bad.csv:3:4 (instance_type): unknown instance type \"m5.larg\"; did you mean m5.large?",
    );
}

#[test]
fn a_negative_volume_size() {
    assert_scenario_error(
        "time,instance,action,instance_type,ebs_gb
2026-03-02T00:00:00Z,a,launch,m5.large,8


2026-03-02T00:00:00Z,b,launch,m5.large,-8
",
        "bad.csv:5:5 (ebs_gb): ebs_gb -8 is negative; a volume size must be zero or more GiB",
    );
}

#[test]
fn hibernation_not_enabled_names_the_launch_line() {
    // a is launched on line 3; the refused hibernate is on line 5, after a blank line.
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,b,launch,m5.large
2026-03-02T00:00:00Z,a,launch,m5.large

2026-03-02T01:00:00Z,a,hibernate,
",
        "bad.csv:5: cannot hibernate a: it is running; hibernation was not enabled at launch (line 3), and it cannot be enabled later",
    );
}

#[test]
fn a_second_launch_names_the_first() {
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,stop,
2026-03-02T02:00:00Z,a,launch,m5.large
",
        "bad.csv:4:3 (action): a is launched twice; it was first launched on line 2",
    );
}

#[test]
fn an_interrupt_of_an_on_demand_instance_names_its_launch() {
    assert_scenario_error(
        "time,instance,action,instance_type

2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,interrupt,
",
        "bad.csv:4:3 (action): interrupt of a, which was launched with interruptible=false (line 3); AWS interrupts only Spot Instances",
    );
}

#[test]
fn an_attribute_changed_after_launch_names_the_launch() {
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,stop,
2026-03-02T02:00:00Z,a,start,m5.xlarge
",
        "bad.csv:4:4 (instance_type): instance_type can only be set on a launch row: a was launched with instance_type=m5.large on line 2",
    );
}

#[test]
fn rows_out_of_order_name_the_later_row() {
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T05:00:00Z,a,stop,
2026-03-02T04:00:00Z,a,start,
",
        "bad.csv:4:1 (time): rows must be in time order, but 2026-03-02T04:00:00Z comes before 2026-03-02T05:00:00Z on line 3",
    );
}

#[test]
fn a_row_with_too_many_fields() {
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,a,stop,,
",
        "bad.csv:3: this row has 5 fields but the header has 4",
    );
}

#[test]
fn an_unterminated_quote_where_it_opens() {
    assert_scenario_error(
        "time,instance,action,instance_type
2026-03-02T00:00:00Z,a,launch,m5.large
2026-03-02T01:00:00Z,\"a,stop,
2026-03-02T02:00:00Z,a,start,
",
        "bad.csv:3: a quoted cell opened on this line runs past the end of the line, and no scenario column can hold a line break; is a closing quote missing?",
    );
}

#[test]
fn the_header_after_blank_lines() {
    // Two blank lines, then a header naming an unknown column on line 3.
    assert_scenario_error(
        "

time,instance,action,instance_typ
",
        "bad.csv:3:4 (instance_typ): unknown column \"instance_typ\"; did you mean instance_type?",
    );
}

// --- schedules ---

#[test]
fn a_negative_desired_capacity_in_a_schedule() {
    assert_scenario_error(
        "time,group,desired,instance_type
2026-03-02T00:00:00Z,web,2,m5.large

2026-03-02T08:00:00Z,web,-1,
",
        "bad.csv:4:3 (desired): desired -1 is negative; a group's desired capacity must be zero or more instances",
    );
}

#[test]
fn schedule_rows_out_of_order_name_the_earlier_row() {
    assert_scenario_error(
        "time,group,desired,instance_type
2026-03-02T00:00:00Z,web,2,m5.large
2026-03-02T08:00:00Z,web,3,

2026-03-02T04:00:00Z,web,1,
",
        "bad.csv:5:1 (time): rows must be in time order, but 2026-03-02T04:00:00Z comes before 2026-03-02T08:00:00Z on line 3",
    );
}

#[test]
fn a_schedule_attribute_error_points_at_the_cell_it_came_from() {
    // The group's type is given on line 3 and used by the launch line 4 asks for.
    assert_scenario_error(
        "time,group,desired,instance_type
2026-03-02T00:00:00Z,web,0,

2026-03-02T01:00:00Z,web,0,m5.larg
2026-03-02T08:00:00Z,web,2,
",
        "bad.csv:4:4 (instance_type): unknown instance type \"m5.larg\"; did you mean m5.large?",
    );
}

// --- catalog files (--pricing DIR) ---

#[test]
fn a_catalog_row_after_a_quoted_cell_across_lines() {
    // Line 1 a comment, 2 the header, 3 and 4 platforms, 5 and 6 one row whose quoted
    // spot_product_description holds a line break, 7 a comment, 8 blank, 9 the bad row.
    assert_catalog_error(
        "platforms.csv",
        "# test platforms
os,billing,price_list_operating_system,spot_product_description
linux,per-second,Linux,Linux/UNIX
hourly-ami,per-hour,Linux,Linux/UNIX
odd-os,per-second,Linux,\"Linux
(odd)\"
# the next row is wrong

bad-os,per-minute,Linux,Linux/UNIX
",
        "pricing/platforms.csv:9:2 (billing): billing \"per-minute\" must be per-second or per-hour",
    );
}

#[test]
fn a_conflicting_spot_record_names_the_first() {
    // The first m5.large record is line 3; its contradiction is line 6.
    assert_catalog_error(
        "spot_prices.csv",
        "# test
availability_zone,instance_type,product_description,timestamp,usd_per_hour
us-east-1a,m5.large,Linux/UNIX,2026-03-01T00:00:00Z,0.036
# a comment

us-east-1a,m5.large,Linux/UNIX,2026-03-01T00:00:00Z,0.04
",
        "pricing/spot_prices.csv:6:5 (usd_per_hour): Linux/UNIX m5.large in us-east-1a at 2026-03-01T00:00:00Z costs 0.04 here but 0.036 on line 3; remove one of the two",
    );
}

#[test]
fn a_catalog_row_with_too_few_fields() {
    assert_catalog_error(
        "ebs.csv",
        "# test
# more
region,volume_type,usd_per_gb_month
us-east-1,gp3,0.08
us-east-1,gp2
",
        "pricing/ebs.csv:5: this row has 2 fields but the header has 3",
    );
}

// --- importers ---

/// The Price List fixture with a line break in the Disclaimer (line 2, which then ends on
/// line 3) and m5.large's Linux On-Demand price (line 7, now 8) made invalid.
fn offer_with_a_bad_price() -> String {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/offer/us-east-1.csv"),
    )
    .unwrap();
    assert_eq!(
        text.lines().nth(6).map(|l| l.contains("\"0.0960000000\"")),
        Some(true)
    );
    text.replacen(
        "informational purposes only. ",
        "informational purposes only.\n",
        1,
    )
    .replacen("\"0.0960000000\"", "\"0.09x6\"", 1)
}

#[test]
fn an_offer_file_error_after_a_quoted_cell_across_lines() {
    for (name, end) in ENDS {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("offer.csv"),
            ended(&offer_with_a_bad_price(), end),
        )
        .unwrap();
        let stderr = stderr_of(
            dir.path(),
            &["pricing", "import", "offer.csv", "--out", "out"],
        );
        assert_eq!(
            stderr,
            "error: offer.csv:8:10 (PricePerUnit): PricePerUnit \"0.09x6\" is not a decimal number\n",
            "line ends: {name}"
        );
    }
}

#[test]
fn an_offer_row_with_an_extra_field_names_the_header_line() {
    // The header (line 6 of the fixture) moves to line 7 with the Disclaimer's line break;
    // the row after it (line 8) gets an extra field.
    let text = offer_with_a_bad_price().replacen("\"0.09x6\"", "\"0.0960000000\"", 1);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let extra = format!("{},\"extra\"", lines[7]);
    lines[7] = &extra;
    let text = lines.join("\n");
    for (name, end) in ENDS {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("offer.csv"), ended(&text, end)).unwrap();
        let stderr = stderr_of(
            dir.path(),
            &["pricing", "import", "offer.csv", "--out", "out"],
        );
        assert_eq!(
            stderr, "error: offer.csv:8: the row has 92 fields but the header (line 7) has 91\n",
            "line ends: {name}"
        );
    }
}

#[test]
fn a_spot_history_dump_error() {
    // The missing comma is on line 4.
    let text = "{
  \"SpotPriceHistory\": [
    {
      \"AvailabilityZone\": \"us-east-1a\" \"InstanceType\": \"m5.large\"
    }
  ]
}
";
    for (name, end) in ENDS {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("spot.json"), ended(text, end)).unwrap();
        let stderr = stderr_of(
            dir.path(),
            &["pricing", "import", "spot.json", "--out", "out"],
        );
        assert_eq!(
            stderr,
            "error: spot.json:4: not a describe-spot-price-history dump: expected `,` or `}` (column 40)\n",
            "line ends: {name}"
        );
    }
}

#[test]
fn a_usage_export_cell_after_a_blank_line() {
    // CUR 2.0 columns; line 2 is a good hour, line 3 blank, line 4 a usage amount that is no
    // number: column 14, line_item_usage_amount.
    let header = "identity_line_item_id,identity_time_interval,bill_billing_period_start_date,\
bill_payer_account_id,line_item_usage_account_id,line_item_line_item_type,\
line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,\
line_item_usage_type,line_item_operation,line_item_availability_zone,line_item_resource_id,\
line_item_usage_amount,line_item_unblended_rate,line_item_unblended_cost,\
line_item_line_item_description,product_instance_type,product_region_code,pricing_term,\
pricing_unit,resource_tags";
    let row = |start: &str, end: &str, amount: &str| {
        format!(
            "l1,{start}/{end},2026-03-01T00:00:00Z,111122223333,111122223333,Usage,{start},{end},\
AmazonEC2,BoxUsage:m5.large,RunInstances,us-east-1a,i-0abc,{amount},0.096,0.096,\
\"$0.096 per On Demand Linux m5.large Instance Hour\",m5.large,us-east-1,OnDemand,Hrs,"
        )
    };
    let text = format!(
        "{header}\n{}\n\n{}\n",
        row("2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z", "1"),
        row("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "one")
    );
    for (name, end) in ENDS {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("cur.csv"), ended(&text, end)).unwrap();
        let stderr = stderr_of(dir.path(), &["scenario", "from-usage", "cur.csv"]);
        assert!(
            stderr.starts_with("error: cur.csv:4:14 (line_item_usage_amount): "),
            "line ends: {name}: {stderr}"
        );
    }
}
