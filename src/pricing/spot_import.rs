//! Importing `aws ec2 describe-spot-price-history` output (JSON, as the CLI prints it)
//! into the catalog's `spot_prices.csv`.

use crate::clock::Timestamp;
use crate::input::{JsonLimited, LimitError};
use crate::location::{LocatedError, Location};
use crate::money::parse_price;
use crate::spreadsheet::text_cell;
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

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

    /// Reads one dump from `input`, record by record (memory holds one record at a time
    /// besides the prices kept), within the limits of [`JsonLimited`].
    pub fn read<R: Read>(&mut self, label: &str, input: R) -> Result<(), LocatedError> {
        let file: Arc<str> = Arc::from(label);
        let mut input = BufReader::new(input);
        // A byte-order mark, as Windows editors write, is not part of the JSON.
        let bom = b"\xEF\xBB\xBF";
        if input.fill_buf().is_ok_and(|head| head.starts_with(bom)) {
            input.consume(bom.len());
        }
        let reader = JsonLimited::new(input);
        let record_line = reader.record_line();
        let mut records = Records {
            importer: self,
            file: Arc::clone(&file),
            record_line,
            count: 0,
            failed: None,
        };
        let mut deserializer = serde_json::Deserializer::from_reader(reader);
        let read = DumpSeed(&mut records)
            .deserialize(&mut deserializer)
            .and_then(|()| deserializer.end());
        if let Some(error) = records.failed.take() {
            return Err(error);
        }
        let count = records.count;
        read.map_err(|e| json_error(&file, e))?;
        self.sources.push(format!("{label} ({count} records)"));
        Ok(())
    }

    /// Keeps one record (the `index`th, 0-based, which opened on `line`).
    fn add(
        &mut self,
        record: &Record,
        index: usize,
        (file, line): (&Arc<str>, u64),
    ) -> Result<(), LocatedError> {
        let at = |problem: String| {
            LocatedError::new(
                Location::line(file, line),
                format!("record {} of SpotPriceHistory: {problem}", index + 1),
            )
        };
        for (field, value) in [
            ("AvailabilityZone", &record.zone),
            ("InstanceType", &record.instance_type),
            ("ProductDescription", &record.product),
        ] {
            if let Some(problem) = crate::spreadsheet::name_problem(field, value) {
                return Err(at(problem));
            }
        }
        let time = Timestamp::parse(&record.timestamp).map_err(|e| at(format!("Timestamp {e}")))?;
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
            file: Arc::clone(file),
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
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        for ((zone, instance_type, product, time), (price, _)) in &self.rows {
            let time = time.to_string();
            let _ = writer.write_record([
                &*text_cell(zone),
                &*text_cell(instance_type),
                &*text_cell(product),
                &time,
                price,
            ]);
        }
        let bytes = writer.into_inner().unwrap_or_default();
        out.push_str(&String::from_utf8_lossy(&bytes));
        (out, self.rows.len())
    }
}

/// The records of one dump being read, and the first record refused (serde's own error
/// cannot carry a located one, so it is kept here and the parse stopped).
struct Records<'a> {
    importer: &'a mut SpotImporter,
    file: Arc<str>,
    record_line: std::rc::Rc<std::cell::Cell<u64>>,
    count: usize,
    failed: Option<LocatedError>,
}

/// The dump's top-level object: `SpotPriceHistory` is read record by record, anything else
/// (`NextToken`) skipped.
struct DumpSeed<'r, 'a>(&'r mut Records<'a>);

impl<'de> DeserializeSeed<'de> for DumpSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DumpSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with a SpotPriceHistory array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "SpotPriceHistory" && !seen {
                seen = true;
                map.next_value_seed(HistorySeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        match seen {
            true => Ok(()),
            false => Err(A::Error::missing_field("SpotPriceHistory")),
        }
    }
}

/// The `SpotPriceHistory` array, each record kept as it is read.
struct HistorySeed<'r, 'a>(&'r mut Records<'a>);

impl<'de> DeserializeSeed<'de> for HistorySeed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for HistorySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of Spot price records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let records = self.0;
        while let Some(record) = seq.next_element::<Record>()? {
            let line = records.record_line.get();
            let index = records.count;
            records.count += 1;
            let file = Arc::clone(&records.file);
            if let Err(error) = records.importer.add(&record, index, (&file, line)) {
                records.failed = Some(error);
                return Err(A::Error::custom("a record was refused"));
            }
        }
        Ok(())
    }
}

/// One sentence for a JSON error (a limit, or serde_json's words without its position,
/// which the location gives).
fn json_error(file: &Arc<str>, error: serde_json::Error) -> LocatedError {
    let line = u64::try_from(error.line()).unwrap_or(0);
    let column = error.column();
    if error.is_io() {
        let io = std::io::Error::from(error);
        if let Some(limit) = LimitError::of_io(&io) {
            return limit.located(file);
        }
        return LocatedError::new(
            Location::line(file, 0),
            format!("cannot read the file: {io}"),
        );
    }
    let text = error.to_string();
    let words = match text.rfind(" at line ") {
        Some(cut) => &text[..cut],
        None => &text,
    };
    LocatedError::new(
        Location::line(file, line),
        format!("not a describe-spot-price-history dump: {words} (column {column})"),
    )
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
        importer.read("dump.json", text.as_bytes()).unwrap();
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
                "{\n\"SpotPriceHistory\": [\n{\"AvailabilityZone\": 3}\n]}".as_bytes(),
            )
            .unwrap_err();
        assert!(error
            .to_string()
            .starts_with("dump.json:3: not a describe-spot-price-history dump: invalid type"));
        let error = importer
            .read(
                "dump.json",
                r#"{"SpotPriceHistory":[{"AvailabilityZone":"a","InstanceType":"t","ProductDescription":"Linux/UNIX","SpotPrice":"x","Timestamp":"2024-01-01T00:00:00Z"}]}"#.as_bytes(),
            )
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "dump.json:1: record 1 of SpotPriceHistory: SpotPrice \"x\" is not a decimal number"
        );
    }
}
