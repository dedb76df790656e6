//! Importing the AWS Price List offer file for Amazon EC2 (CSV form) into catalog files.
//!
//! The inputs are excerpts in the exact layout AWS publishes (tests/data/offer/README.md
//! says which figures are real and which are illustrative). Each test states what it
//! expects and why.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use ec2plan::location::LocatedError;
use ec2plan::money::{HourlyRate, MonthlyRate};
use ec2plan::pricing::import::{ImportCounts, Imported, OfferImporter};
use ec2plan::pricing::{Catalog, OfferTerms, Offering, Payment, Term, VolumeType};
use rust_decimal::Decimal;
use std::io::Read;
use std::path::PathBuf;
use std::str::FromStr;

fn offer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/offer")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(offer_dir().join(name)).unwrap()
}

/// The price list names of the operating systems ec2plan prices, as `platforms.csv` gives
/// them (the catalog's `price_list_operating_system` column).
fn platforms() -> Vec<(String, String)> {
    [
        ("Linux", "linux"),
        ("Windows", "windows"),
        ("RHEL", "rhel"),
        ("SUSE", "suse"),
        ("Ubuntu Pro", "ubuntu-pro"),
    ]
    .into_iter()
    .map(|(name, os)| (name.to_string(), os.to_string()))
    .collect()
}

fn import(files: &[(&str, &[u8])]) -> Result<Imported, LocatedError> {
    let mut importer = OfferImporter::new(platforms());
    for (label, bytes) in files {
        importer.read(label, *bytes)?;
    }
    Ok(importer.finish())
}

fn import_error(files: &[(&str, &[u8])]) -> String {
    import(files).unwrap_err().to_string()
}

/// The file's lines without the `#` comments (which name the source files).
fn data_lines(csv: &str) -> Vec<&str> {
    csv.lines().filter(|line| !line.starts_with('#')).collect()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

const SOURCES_US: &str = "\
# Imported by ec2plan from the AWS Price List bulk offer file for Amazon EC2 (CSV):
#   us-east-1.csv (Publication Date 2026-09-10T19:55:14Z)
";

#[test]
fn the_hand_written_platform_mapping_is_the_catalogs() {
    // The tests map OS names by hand; this keeps that list equal to platforms.csv, which
    // is where the command takes it from.
    let catalog = Catalog::embedded().unwrap();
    let mut from_catalog: Vec<(String, String)> = catalog
        .os_names()
        .map(|os| {
            let platform = catalog.platform(os).unwrap();
            (platform.price_list_name.clone(), os.to_string())
        })
        .collect();
    let mut by_hand = platforms();
    from_catalog.sort();
    by_hand.sort();
    assert_eq!(from_catalog, by_hand);
}

#[test]
fn on_demand_keeps_shared_tenancy_no_software_used_capacity_on_demand_market() {
    // Kept: Linux and Windows m5.large and t3.micro, the one m5.xlarge Windows SKU whose
    // licence model is "No License required" ($0.376; the "License Included -
    // Infrastructure" and BYOL SKUs at $0.192 would otherwise be second prices for the same
    // key), and p5.48xlarge On-Demand ($55.04; its $0.00 Capacity Block row is skipped by
    // MarketOption). Skipped too: Dedicated, SQL Std pre-installed, UnusedCapacityReservation
    // and the free-tier row that has no instance type. Prices lose their trailing zeros.
    let imported = import(&[("us-east-1.csv", fixture("us-east-1.csv").as_bytes())]).unwrap();
    let expected = format!(
        "{SOURCES_US}\
# EC2 On-Demand, USD per hour: shared tenancy, no pre-installed software, capacity status Used, license model \"No License required\", AWS Regions only.
region,instance_type,os,usd_per_hour
us-east-1,m5.large,linux,0.096
us-east-1,m5.large,windows,0.188
us-east-1,m5.xlarge,windows,0.376
us-east-1,p5.48xlarge,linux,55.04
us-east-1,t3.micro,linux,0.0104
us-east-1,t3.micro,windows,0.0196
"
    );
    assert_eq!(imported.on_demand_csv, expected);
}

#[test]
fn reserved_offers_combine_the_upfront_fee_and_the_hourly_fee() {
    // Each offer (SKU + OfferTermCode) has a Quantity row (the upfront fee) and/or an Hrs
    // row: No Upfront has only Hrs (upfront 0), All Upfront has Quantity 494 and Hrs 0,
    // Partial Upfront has both (252 and 0.029). In the file the 3yr partial offer lists its
    // Quantity row before its Hrs row, so the pairing cannot rely on row order.
    let imported = import(&[("us-east-1.csv", fixture("us-east-1.csv").as_bytes())]).unwrap();
    assert_eq!(
        data_lines(&imported.reserved_csv),
        [
            "region,instance_type,os,term,offering,payment,upfront_usd,usd_per_hour",
            "us-east-1,m5.large,linux,1yr,convertible,no-upfront,0,0.071",
            "us-east-1,m5.large,linux,1yr,standard,all-upfront,494,0",
            "us-east-1,m5.large,linux,1yr,standard,no-upfront,0,0.06",
            "us-east-1,m5.large,linux,1yr,standard,partial-upfront,252,0.029",
            "us-east-1,m5.large,linux,3yr,standard,partial-upfront,505,0.019",
        ]
    );
    assert!(imported.reserved_csv.starts_with(SOURCES_US));
}

#[test]
fn instance_types_come_from_the_kept_compute_rows_once_per_type() {
    // vCPU as written; "8 GiB" → 8, "1 GiB" → 1, "2048 GiB" → 2048. m5.large appears on
    // many rows (On-Demand, Windows, Reserved) but is written once.
    let imported = import(&[("us-east-1.csv", fixture("us-east-1.csv").as_bytes())]).unwrap();
    assert_eq!(
        data_lines(&imported.instance_types_csv),
        [
            "instance_type,vcpu,memory_gib",
            "m5.large,2,8",
            "m5.xlarge,4,16",
            "p5.48xlarge,192,2048",
            "t3.micro,2,1",
        ]
    );
}

#[test]
fn ebs_keeps_the_storage_rows_of_the_volume_types_ec2plan_prices() {
    // gp2 $0.10 and gp3 $0.08 per GB-month, and the (illustrative) $0.05 "standard"
    // magnetic row: AWS still sells and prices previous-generation magnetic volumes.
    let imported = import(&[("us-east-1.csv", fixture("us-east-1.csv").as_bytes())]).unwrap();
    let expected = format!(
        "{SOURCES_US}\
# EBS volume storage only (no IOPS, throughput or snapshots), USD per GB-month.
region,volume_type,usd_per_gb_month
us-east-1,gp2,0.1
us-east-1,gp3,0.08
us-east-1,standard,0.05
"
    );
    assert_eq!(imported.ebs_csv, expected);
}

#[test]
fn counts_say_what_was_read_kept_and_skipped() {
    // 24 data rows: 6 On-Demand, 8 Reserved (5 offers) and 3 Storage rows kept; 7 skipped
    // (2 other Windows licence models, Dedicated, SQL Std, Unused reservation, Capacity
    // Block, free tier).
    let imported = import(&[("us-east-1.csv", fixture("us-east-1.csv").as_bytes())]).unwrap();
    assert_eq!(
        imported.counts,
        ImportCounts {
            rows_read: 24,
            on_demand: 6,
            reserved: 5,
            instance_types: 4,
            ebs: 3,
            skipped: 7,
        }
    );
}

#[test]
fn a_second_regional_file_is_merged_and_named_in_the_comments() {
    // eu-west-1.csv (its columns in another order) adds eu-west-1 t3.micro $0.0114,
    // m5.xlarge $0.214, gp2 $0.11 and gp3 $0.088; rows sort by region first. m5.xlarge's
    // specs from both files agree, so it is listed once.
    let imported = import(&[
        ("us-east-1.csv", fixture("us-east-1.csv").as_bytes()),
        ("eu-west-1.csv", fixture("eu-west-1.csv").as_bytes()),
    ])
    .unwrap();
    let sources = "\
# Imported by ec2plan from the AWS Price List bulk offer file for Amazon EC2 (CSV):
#   us-east-1.csv (Publication Date 2026-09-10T19:55:14Z)
#   eu-west-1.csv (Publication Date 2026-09-10T19:55:14Z)
";
    for file in [
        &imported.on_demand_csv,
        &imported.reserved_csv,
        &imported.ebs_csv,
        &imported.instance_types_csv,
    ] {
        assert!(file.starts_with(sources), "{file}");
    }
    assert_eq!(
        data_lines(&imported.on_demand_csv)[..3],
        [
            "region,instance_type,os,usd_per_hour",
            "eu-west-1,m5.xlarge,linux,0.214",
            "eu-west-1,t3.micro,linux,0.0114",
        ]
    );
    assert_eq!(
        data_lines(&imported.ebs_csv),
        [
            "region,volume_type,usd_per_gb_month",
            "eu-west-1,gp2,0.11",
            "eu-west-1,gp3,0.088",
            "us-east-1,gp2,0.1",
            "us-east-1,gp3,0.08",
            "us-east-1,standard,0.05",
        ]
    );
    assert_eq!(imported.counts.rows_read, 28);
    assert_eq!(imported.counts.on_demand, 8);
    assert_eq!(imported.counts.instance_types, 4);
}

/// `text` with its header and data columns reversed (metadata rows untouched).
fn with_columns_reversed(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i < 5 {
            out.push_str(line);
        } else {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            let record = reader.records().next().unwrap().unwrap();
            let cells: Vec<String> = record
                .iter()
                .rev()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect();
            out.push_str(&cells.join(","));
        }
        out.push('\n');
    }
    out
}

#[test]
fn columns_in_another_order_give_the_same_files() {
    // Columns are found by header name, so reversing them all changes nothing.
    let plain = fixture("us-east-1.csv");
    let reversed = with_columns_reversed(&plain);
    assert_ne!(plain, reversed);
    assert_eq!(
        import(&[("us-east-1.csv", reversed.as_bytes())]).unwrap(),
        import(&[("us-east-1.csv", plain.as_bytes())]).unwrap()
    );
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark_give_the_same_files() {
    // Ordinary CSV variants: the header is still found and every value reads the same.
    let plain = fixture("us-east-1.csv");
    let variant = format!("\u{feff}{}", plain.replace('\n', "\r\n"));
    assert_eq!(
        import(&[("us-east-1.csv", variant.as_bytes())]).unwrap(),
        import(&[("us-east-1.csv", plain.as_bytes())]).unwrap()
    );
}

/// A reader that hands out one byte per call, as a slow pipe or network stream might.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((byte, rest)), Some(slot)) => {
                *slot = *byte;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn the_file_is_read_as_a_stream() {
    // The multi-gigabyte real file is never loaded whole: a reader delivering one byte at
    // a time gives the same result as the whole text at once.
    let text = fixture("us-east-1.csv");
    let mut importer = OfferImporter::new(platforms());
    importer
        .read("us-east-1.csv", Trickle(text.as_bytes()))
        .unwrap();
    assert_eq!(
        importer.finish(),
        import(&[("us-east-1.csv", text.as_bytes())]).unwrap()
    );
}

#[test]
fn the_output_loads_as_a_catalog() {
    // Written next to a copy of pricing/platforms.csv, the four files replace the bundled
    // ones through --pricing DIR and the catalog returns the imported figures, Reserved
    // Instance offers included.
    let imported = import(&[
        ("us-east-1.csv", fixture("us-east-1.csv").as_bytes()),
        ("eu-west-1.csv", fixture("eu-west-1.csv").as_bytes()),
    ])
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("instance_types.csv", &imported.instance_types_csv);
    write("on_demand.csv", &imported.on_demand_csv);
    write("reserved.csv", &imported.reserved_csv);
    write("ebs.csv", &imported.ebs_csv);
    let platforms = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("pricing/platforms.csv");
    std::fs::copy(platforms, dir.path().join("platforms.csv")).unwrap();

    let catalog = Catalog::with_overrides(dir.path()).unwrap();
    let hourly = |region, instance_type, os| catalog.on_demand(region, instance_type, os);
    assert_eq!(
        hourly("us-east-1", "m5.large", "linux"),
        Some(HourlyRate::new(dec("0.096")))
    );
    assert_eq!(
        hourly("us-east-1", "t3.micro", "linux"),
        Some(HourlyRate::new(dec("0.0104")))
    );
    assert_eq!(
        hourly("us-east-1", "m5.xlarge", "windows"),
        Some(HourlyRate::new(dec("0.376")))
    );
    assert_eq!(
        hourly("eu-west-1", "t3.micro", "linux"),
        Some(HourlyRate::new(dec("0.0114")))
    );
    assert_eq!(hourly("us-east-1", "m5.xlarge", "linux"), None);
    assert_eq!(
        catalog.ebs("us-east-1", VolumeType::Gp3),
        Some(MonthlyRate::new(dec("0.08")))
    );
    assert_eq!(
        catalog.ebs("eu-west-1", VolumeType::Gp2),
        Some(MonthlyRate::new(dec("0.11")))
    );
    let p5 = catalog.instance_type("p5.48xlarge").unwrap();
    assert_eq!((p5.vcpu, p5.memory_gib), (192, dec("2048")));
    // The 1yr standard Partial Upfront m5.large: $252 once, then $0.029 per hour.
    let terms = OfferTerms {
        term: Term::OneYear,
        offering: Offering::Standard,
        payment: Payment::PartialUpfront,
    };
    let partial = catalog
        .reserved("us-east-1", "m5.large", "linux", terms)
        .unwrap();
    assert_eq!(partial.upfront.amount(), dec("252"));
    assert_eq!(partial.hourly, HourlyRate::new(dec("0.029")));
}

#[test]
fn identical_duplicates_are_accepted() {
    // The same product twice (here the whole file read twice, and one row repeated)
    // gives the same files as once: nothing conflicts.
    let text = fixture("us-east-1.csv");
    let first_row = text.lines().nth(6).unwrap();
    let repeated = format!("{text}{first_row}\n");
    let twice = import(&[
        ("us-east-1.csv", repeated.as_bytes()),
        ("us-east-1.csv", text.as_bytes()),
    ])
    .unwrap();
    let once = import(&[("us-east-1.csv", text.as_bytes())]).unwrap();
    assert_eq!(
        twice.on_demand_csv,
        once.on_demand_csv.replace(
            "#   us-east-1.csv (Publication Date 2026-09-10T19:55:14Z)\n",
            "#   us-east-1.csv (Publication Date 2026-09-10T19:55:14Z)\n\
         #   us-east-1.csv (Publication Date 2026-09-10T19:55:14Z)\n",
        )
    );
    assert_eq!(twice.counts.on_demand, once.counts.on_demand);
    assert_eq!(twice.counts.reserved, once.counts.reserved);
}

// --- errors, pinned word for word ---

#[test]
fn a_conflicting_on_demand_price_names_both_lines() {
    // Line 31 repeats line 7 (m5.large Linux) at $0.1: either could be right, so the
    // import stops and says where both are.
    let text = fixture("us-east-1.csv");
    let first_row = text.lines().nth(6).unwrap();
    let conflicting = format!(
        "{text}{}\n",
        first_row.replace("\"0.0960000000\"", "\"0.1000000000\"")
    );
    assert_eq!(
        import_error(&[("us-east-1.csv", conflicting.as_bytes())]),
        "us-east-1.csv:31:10 (PricePerUnit): linux m5.large in us-east-1 is given twice: \
         0.1 here but 0.096 at us-east-1.csv:7"
    );
}

#[test]
fn a_conflicting_reservation_in_another_file_names_both_lines() {
    // A second file offering the 1yr standard No Upfront m5.large at $0.07 instead of $0.06.
    let text = fixture("us-east-1.csv");
    let other = text.replace("\"0.0600000000\"", "\"0.0700000000\"");
    assert_eq!(
        import_error(&[
            ("us-east-1.csv", text.as_bytes()),
            ("copy.csv", other.as_bytes())
        ]),
        "copy.csv:20: the 1yr standard no-upfront reservation of linux m5.large in us-east-1 \
         is priced twice: 0 upfront and 0.07 per hour here but 0 upfront and 0.06 per hour at \
         us-east-1.csv:20"
    );
}

#[test]
fn a_price_that_is_not_a_decimal_is_refused_with_its_cell() {
    let text = fixture("us-east-1.csv").replace("\"0.0960000000\"", "\"0.09x6\"");
    assert_eq!(
        import_error(&[("us-east-1.csv", text.as_bytes())]),
        "us-east-1.csv:7:10 (PricePerUnit): PricePerUnit \"0.09x6\" is not a decimal number"
    );
}

#[test]
fn a_file_without_the_sku_header_is_refused() {
    // Only the five metadata rows: not an offer file (or a truncated download).
    let text: String = fixture("us-east-1.csv")
        .lines()
        .take(5)
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(
        import_error(&[("index.csv", text.as_bytes())]),
        "index.csv: no header row (one with a \"SKU\" column) was found; this is not an AWS \
         Price List offer file in CSV form"
    );
}

#[test]
fn a_long_file_without_the_sku_header_is_refused_early() {
    // Some other CSV: the search stops after 50 lines instead of reading all of it.
    let text = "a,b\n".repeat(10_000);
    assert_eq!(
        import_error(&[("other.csv", text.as_bytes())]),
        "other.csv: no header row (one with a \"SKU\" column) in the first 50 lines; this is \
         not an AWS Price List offer file in CSV form"
    );
}

#[test]
fn the_offer_file_of_another_service_is_refused() {
    let text = fixture("us-east-1.csv")
        .replace("\"OfferCode\",\"AmazonEC2\"", "\"OfferCode\",\"AmazonRDS\"");
    assert_eq!(
        import_error(&[("index.csv", text.as_bytes())]),
        "index.csv:5: this is the price list of \"AmazonRDS\"; ec2plan imports the one of \
         \"AmazonEC2\""
    );
}

#[test]
fn a_file_without_region_code_is_refused() {
    // ec2plan does not map "Location" names to region codes: it says so.
    let text = fixture("us-east-1.csv").replace("\"Region Code\"", "\"Region\"");
    assert_eq!(
        import_error(&[("old.csv", text.as_bytes())]),
        "old.csv:6: the header has no \"Region Code\" column, so the region of each price is \
         unknown (ec2plan does not guess it from \"Location\"); use a current AmazonEC2 offer \
         file"
    );
}

#[test]
fn a_missing_required_column_is_named() {
    let text = fixture("us-east-1.csv").replace("\"Tenancy\"", "\"Tenure\"");
    assert_eq!(
        import_error(&[("us-east-1.csv", text.as_bytes())]),
        "us-east-1.csv:6: the header has no \"Tenancy\" column, which the importer needs"
    );
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_refused() {
    let text = fixture("us-east-1.csv");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[7].push_str(",\"extra\"");
    let text = lines.join("\n") + "\n";
    assert_eq!(
        import_error(&[("us-east-1.csv", text.as_bytes())]),
        "us-east-1.csv:8: the row has 92 fields but the header (line 6) has 91"
    );
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_cell() {
    // A Latin-1 byte in t3.micro's "Physical Processor" (line 8, column 24).
    let mut bytes = fixture("us-east-1.csv").into_bytes();
    let at = String::from_utf8(bytes.clone())
        .unwrap()
        .find("Intel Skylake")
        .unwrap();
    bytes[at] = 0xC9;
    assert_eq!(
        import_error(&[("us-east-1.csv", &bytes)]),
        "us-east-1.csv:8:24 (Physical Processor): the text is not UTF-8, the encoding AWS \
         publishes price list files in"
    );
}

#[test]
fn memory_sizes_are_read_in_gib_with_fractions_and_thousands_separators() {
    // AWS writes "0.5 GiB" (t3.nano) and "1,952 GiB" (x1.32xlarge); here t3.micro's and
    // p5.48xlarge's sizes are replaced by those spellings to show how they are read.
    let text = fixture("us-east-1.csv")
        .replace("\"1 GiB\"", "\"0.5 GiB\"")
        .replace("\"2048 GiB\"", "\"1,952 GiB\"");
    let imported = import(&[("us-east-1.csv", text.as_bytes())]).unwrap();
    assert_eq!(
        data_lines(&imported.instance_types_csv),
        [
            "instance_type,vcpu,memory_gib",
            "m5.large,2,8",
            "m5.xlarge,4,16",
            "p5.48xlarge,192,1952",
            "t3.micro,2,0.5",
        ]
    );
}

#[test]
fn a_memory_size_that_is_not_in_gib_is_refused_with_its_cell() {
    let text = fixture("us-east-1.csv").replacen("\"8 GiB\"", "\"8 GB\"", 1);
    assert_eq!(
        import_error(&[("us-east-1.csv", text.as_bytes())]),
        "us-east-1.csv:7:26 (Memory): Memory \"8 GB\" is not a size in GiB such as \"8 GiB\""
    );
}

#[test]
fn an_unknown_reservation_term_is_refused_with_its_cell() {
    // Only 1yr and 3yr exist; anything else means the format changed, and guessing would
    // put a wrong figure in the catalog.
    let text = fixture("us-east-1.csv").replacen("\"1yr\"", "\"2yr\"", 1);
    assert_eq!(
        import_error(&[("us-east-1.csv", text.as_bytes())]),
        "us-east-1.csv:20:13 (LeaseContractLength): LeaseContractLength \"2yr\" is not \"1yr\" \
         or \"3yr\""
    );
}
