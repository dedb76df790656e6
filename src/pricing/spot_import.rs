//! Importing `aws ec2 describe-spot-price-history` output (JSON, as the CLI prints it)
//! into the catalog's `spot_prices.csv`.

use crate::clock::Timestamp;
use crate::location::{LocatedError, Location};
use crate::money::parse_price;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
struct Dump {
    #[serde(rename = "SpotPriceHistory")]
    history: Vec<Record>,
}

#[derive(Debug, Deserialize)]
struct Record {
    #[serde(rename = "AvailabilityZone")]
    zone: String,
    #[serde(rename = "InstanceType")]
    instance_type: String,
    #[serde(rename = "ProductDescription")]
    product: String,
    #[serde(rename = "SpotPrice")]
    price: String,
    #[serde(rename = "Timestamp")]
    timestamp: String,
}

/// Accumulates Spot records from several dumps.
///
/// Two records for the same zone, type, product and time with different prices are
/// refused, naming both; a record repeated with the same price (dumps that overlap in
/// time) is kept once, and `finish` counts the repeats so the user is told.
#[derive(Debug, Default)]
pub struct SpotImporter {
    /// (zone, type, product, time) → price as written, and where it was read.
    rows: BTreeMap<(String, String, String, Timestamp), (String, RecordAt)>,
    sources: Vec<String>,
    /// Records that repeated an earlier one exactly.
    repeated: usize,
}

/// Which record of which dump a price came from.
#[derive(Debug, Clone)]
struct RecordAt {
    file: Arc<str>,
    record: usize,
}

impl std::fmt::Display for RecordAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record {} of {}", self.record, self.file)
    }
}

impl SpotImporter {
    /// Whether `text` looks like a describe-spot-price-history dump.
    pub fn recognizes(text: &str) -> bool {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        text.trim_start().starts_with('{') && text.contains("SpotPriceHistory")
    }

    pub fn read(&mut self, label: &str, text: &str) -> Result<(), LocatedError> {
        let file: Arc<str> = Arc::from(label);
        // A byte-order mark, as Windows editors write, is not part of the JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let dump: Dump = serde_json::from_str(text).map_err(|e| {
            let location = Location::line(&file, json_line(text, e.line(), e.column()));
            // serde_json ends its text with a line of its own counting; the location says it.
            let message = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = message.strip_suffix(&suffix).unwrap_or(&message);
            LocatedError::new(
                location,
                format!("not a describe-spot-price-history dump: {message}"),
            )
        })?;
        for (index, record) in dump.history.iter().enumerate() {
            let at = |problem: String| {
                LocatedError::new(
                    Location::line(&file, 0),
                    format!("record {} of SpotPriceHistory: {problem}", index + 1),
                )
            };
            let time =
                Timestamp::parse(&record.timestamp).map_err(|e| at(format!("Timestamp {e}")))?;
            let price = parse_price(&record.price).map_err(|e| at(format!("SpotPrice {e}")))?;
            let product = record.product.trim_end_matches(" (Amazon VPC)").to_string();
            let key = (
                record.zone.clone(),
                record.instance_type.clone(),
                product,
                time,
            );
            let price = price.normalize().to_string();
            let here = RecordAt {
                file: Arc::clone(&file),
                record: index.saturating_add(1),
            };
            match self.rows.get(&key) {
                Some((kept, _)) if *kept == price => {
                    self.repeated = self.repeated.saturating_add(1);
                }
                Some((kept, there)) => {
                    let (zone, instance_type, product, time) = &key;
                    return Err(at(format!(
                        "{product} {instance_type} in {zone} at {time} costs {price} here \
                         but {kept} in {there}; remove one of the two"
                    )));
                }
                None => {
                    self.rows.insert(key, (price, here));
                }
            }
        }
        self.sources
            .push(format!("{label} ({} records)", dump.history.len()));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// How many records repeated an earlier one with the same price (kept once).
    pub fn repeated(&self) -> usize {
        self.repeated
    }

    /// `spot_prices.csv` text.
    pub fn finish(&self) -> (String, usize) {
        let mut out = String::from(
            "# Imported by ec2plan from `aws ec2 describe-spot-price-history` output:\n",
        );
        for source in &self.sources {
            out.push_str(&format!("#   {source}\n"));
        }
        out.push_str(
            "availability_zone,instance_type,product_description,timestamp,usd_per_hour\n",
        );
        for ((zone, instance_type, product, time), (price, _)) in &self.rows {
            out.push_str(&format!(
                "{zone},{instance_type},{product},{time},{price}\n"
            ));
        }
        (out, self.rows.len())
    }
}

/// The physical line of serde_json's `(line, column)`: it counts LFs only, so in a file
/// whose lines end in lone CRs every error would be on line 1. Its line and column give the
/// byte, and [`crate::lines::line_at`] the line an editor shows it on. 0 (the whole file)
/// when serde_json gives no position.
fn json_line(text: &str, line: usize, column: usize) -> u64 {
    if line == 0 {
        return 0;
    }
    let bytes = text.as_bytes();
    let line_start = match line - 1 {
        0 => 0,
        feeds => memchr::memchr_iter(b'\n', bytes)
            .nth(feeds - 1)
            .map_or(bytes.len(), |i| i + 1),
    };
    let at = line_start.saturating_add(column.saturating_sub(1));
    crate::lines::line_at(bytes, at.min(bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cli_output_and_sorts_by_zone_then_time() {
        // AWS CLI's own example (awscli 1.46.3, describe-spot-price-history.rst).
        let text =
            include_str!("../../tests/data/spot/awscli-example-m1.xlarge-us-west-1-2014-01.json");
        assert!(SpotImporter::recognizes(text));
        let mut importer = SpotImporter::default();
        importer.read("dump.json", text).unwrap();
        let (csv, rows) = importer.finish();
        assert_eq!(rows, 2);
        assert!(csv.ends_with(
            "availability_zone,instance_type,product_description,timestamp,usd_per_hour\n\
             us-west-1a,m1.xlarge,Linux/UNIX,2014-01-06T04:32:53Z,0.08\n\
             us-west-1c,m1.xlarge,Linux/UNIX,2014-01-05T11:28:26Z,0.08\n"
        ));
    }

    #[test]
    fn a_broken_dump_names_its_line() {
        let mut importer = SpotImporter::default();
        let error = importer
            .read(
                "dump.json",
                "{\n\"SpotPriceHistory\": [\n{\"AvailabilityZone\": 3}\n]}",
            )
            .unwrap_err();
        assert!(error
            .to_string()
            .starts_with("dump.json:3: not a describe-spot-price-history dump: invalid type"));
        let error = importer
            .read(
                "dump.json",
                r#"{"SpotPriceHistory":[{"AvailabilityZone":"a","InstanceType":"t","ProductDescription":"Linux/UNIX","SpotPrice":"x","Timestamp":"2024-01-01T00:00:00Z"}]}"#,
            )
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "dump.json: record 1 of SpotPriceHistory: SpotPrice \"x\" is not a decimal number"
        );
    }
}
