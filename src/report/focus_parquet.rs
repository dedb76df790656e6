//! `line_items.parquet`: the rows of `line_items.csv`, typed, for the engines that query
//! FOCUS data (DuckDB, Spark, Athena read it as it is).
//!
//! Why a second form: a year of a thousand instances is about a gigabyte of CSV, which every
//! query has to parse and type again; Parquet stores each column once, typed, dictionary
//! encoded and compressed (docs/performance.md has the sizes and times). The rows are the CSV's
//! rows, cell for cell, in the same order and with the same column names (FOCUS 1.0, then
//! ec2plan's `x_` columns), so the two files answer every query alike:
//!
//! - cost columns (BilledCost, EffectiveCost, ListCost, ContractedCost) are
//!   `DECIMAL(38,28)`: the CSV's exact amounts (rust_decimal carries at most 28 decimals), so a
//!   column's sum is the same exact figure the summary rounds. An amount of ten billion
//!   dollars or more in one line item does not fit and is refused.
//! - quantities and unit prices (ConsumedQuantity, PricingQuantity, ListUnitPrice,
//!   ContractedUnitPrice) are `DECIMAL(38,10)`: the CSV writes them with at most ten decimals.
//! - times are `TIMESTAMP(MILLIS)` adjusted to UTC (DuckDB's `TIMESTAMP WITH TIME ZONE`), as
//!   AWS's own FOCUS export types them.
//! - text is UTF-8; an empty CSV cell is a null, as DuckDB reads an empty CSV field.
//!
//! The writer is fed the same merged stream as the CSV writer (`finance`), so memory stays
//! bounded: a row group of [`ROWS_PER_GROUP`] rows is held at a time, its text as numbers
//! into a table of the distinct values of the group (a line item's cells repeat: a group has a
//! few thousand distinct values, not six million cells), then written column by column.
//! Typed cells are read back from the row's CSV text, the one rendering of a row.

use super::focus_rows::{Costs, Parts};
use crate::clock::Timestamp;
use parquet::basic::Compression;
use parquet::data_type::Int64Type;
use parquet::data_type::{ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rust_decimal::Decimal;
use std::io::{self, Write};
use std::sync::Arc;

/// Rows held before they are written as one row group: about DuckDB's own row group size
/// (122,880), some 50 MB held.
pub const ROWS_PER_GROUP: usize = 1 << 17;

/// The scale of the cost columns: every decimal rust_decimal can hold.
const COST_SCALE: u32 = 28;
/// The scale of quantities and unit prices: the CSV rounds them to ten decimals.
const QUANTITY_SCALE: u32 = 10;
/// The digits a DECIMAL(38, _) holds.
const PRECISION: u32 = 38;

/// What a column holds, and how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// A cost: DECIMAL(38,28).
    Cost,
    /// A quantity or unit price: DECIMAL(38,10).
    Quantity,
    Time,
}

/// The columns, in the CSV's order, with their kinds and whether a row can leave them empty.
const COLUMNS: [(&str, Kind, bool); 49] = [
    ("AvailabilityZone", Kind::Text, true),
    ("BilledCost", Kind::Cost, false),
    ("BillingAccountId", Kind::Text, true),
    ("BillingAccountName", Kind::Text, true),
    ("BillingCurrency", Kind::Text, true),
    ("BillingPeriodEnd", Kind::Time, false),
    ("BillingPeriodStart", Kind::Time, false),
    ("ChargeCategory", Kind::Text, true),
    ("ChargeClass", Kind::Text, true),
    ("ChargeDescription", Kind::Text, true),
    ("ChargeFrequency", Kind::Text, true),
    ("ChargePeriodEnd", Kind::Time, false),
    ("ChargePeriodStart", Kind::Time, false),
    ("CommitmentDiscountCategory", Kind::Text, true),
    ("CommitmentDiscountId", Kind::Text, true),
    ("CommitmentDiscountName", Kind::Text, true),
    ("CommitmentDiscountStatus", Kind::Text, true),
    ("CommitmentDiscountType", Kind::Text, true),
    ("ConsumedQuantity", Kind::Quantity, true),
    ("ConsumedUnit", Kind::Text, true),
    ("ContractedCost", Kind::Cost, true),
    ("ContractedUnitPrice", Kind::Quantity, true),
    ("EffectiveCost", Kind::Cost, false),
    ("InvoiceIssuer", Kind::Text, true),
    ("ListCost", Kind::Cost, true),
    ("ListUnitPrice", Kind::Quantity, true),
    ("PricingCategory", Kind::Text, true),
    ("PricingQuantity", Kind::Quantity, true),
    ("PricingUnit", Kind::Text, true),
    ("Provider", Kind::Text, true),
    ("Publisher", Kind::Text, true),
    ("RegionId", Kind::Text, true),
    ("RegionName", Kind::Text, true),
    ("ResourceId", Kind::Text, true),
    ("ResourceName", Kind::Text, true),
    ("ResourceType", Kind::Text, true),
    ("ServiceCategory", Kind::Text, true),
    ("ServiceName", Kind::Text, true),
    ("SkuId", Kind::Text, true),
    ("SkuPriceId", Kind::Text, true),
    ("SubAccountId", Kind::Text, true),
    ("SubAccountName", Kind::Text, true),
    ("Tags", Kind::Text, true),
    ("x_Strategy", Kind::Text, true),
    ("x_LifecycleState", Kind::Text, true),
    ("x_Group", Kind::Text, true),
    ("x_InstanceType", Kind::Text, true),
    ("x_Scenario", Kind::Text, true),
    ("x_ChargeKind", Kind::Text, true),
];

/// Where the cost cells the CSV text leaves out sit (as in `focus_rows`).
const BILLED: usize = 1;
const EFFECTIVE: usize = 22;

/// The Parquet schema, in the message-type syntax the format's own tools print.
fn message_type() -> String {
    let mut text = String::from("message line_items {\n");
    for (name, kind, optional) in COLUMNS {
        let repetition = if optional { "OPTIONAL" } else { "REQUIRED" };
        let column = match kind {
            Kind::Text => format!("BYTE_ARRAY {name} (STRING)"),
            Kind::Cost => {
                format!("FIXED_LEN_BYTE_ARRAY (16) {name} (DECIMAL({PRECISION},{COST_SCALE}))")
            }
            Kind::Quantity => {
                format!("FIXED_LEN_BYTE_ARRAY (16) {name} (DECIMAL({PRECISION},{QUANTITY_SCALE}))")
            }
            Kind::Time => format!("INT64 {name} (TIMESTAMP(MILLIS,true))"),
        };
        text.push_str(&format!("  {repetition} {column};\n"));
    }
    text.push('}');
    text
}

/// A column's cells of the row group being held.
enum Held {
    /// Numbers into [`Values`]; [`NULL`] for an empty cell.
    Text(Vec<u32>),
    Decimal(Vec<Option<i128>>),
    Time(Vec<i64>),
}

/// The number of an empty text cell.
const NULL: u32 = u32::MAX;

/// The distinct text values of a row group, numbered.
#[derive(Default)]
struct Values {
    numbers: hashbrown::HashMap<Box<[u8]>, u32>,
    list: Vec<ByteArray>,
}

impl Values {
    fn number(&mut self, text: &[u8]) -> u32 {
        if let Some(&n) = self.numbers.get(text) {
            return n;
        }
        let n = u32::try_from(self.list.len()).unwrap_or(NULL - 1);
        self.list.push(ByteArray::from(text.to_vec()));
        self.numbers.insert(Box::from(text), n);
        n
    }

    fn clear(&mut self) {
        self.numbers.clear();
        self.list.clear();
    }
}

/// Writes line items to a Parquet file, a row group at a time.
pub struct ParquetItems<W: Write + Send> {
    out: SerializedFileWriter<W>,
    held: Vec<Held>,
    /// Each text column's last value, compared before the table is looked in: neighbouring
    /// rows share most of their cells.
    last: Vec<u32>,
    values: Values,
    rows: usize,
    per_group: usize,
    /// The cells of the row being added, as text.
    cells: Vec<Vec<u8>>,
}

/// A Parquet error as the I/O error it is to the caller (a write that failed, or a value
/// the file cannot hold).
fn to_io(error: parquet::errors::ParquetError) -> io::Error {
    match error {
        parquet::errors::ParquetError::External(e) => io::Error::other(e.to_string()),
        other => io::Error::other(other.to_string()),
    }
}

impl<W: Write + Send> ParquetItems<W> {
    /// Starts the file (its schema is written with the footer, at the end).
    pub fn new(out: W) -> io::Result<ParquetItems<W>> {
        ParquetItems::with_group_size(out, ROWS_PER_GROUP)
    }

    /// As [`ParquetItems::new`], with `per_group` rows a row group (at least one).
    pub fn with_group_size(out: W, per_group: usize) -> io::Result<ParquetItems<W>> {
        let schema = Arc::new(parse_message_type(&message_type()).map_err(to_io)?);
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("ec2plan {}", env!("CARGO_PKG_VERSION")))
            .set_max_row_group_row_count(None)
            .build();
        let out = SerializedFileWriter::new(out, schema, Arc::new(properties)).map_err(to_io)?;
        let held = COLUMNS
            .iter()
            .map(|(_, kind, _)| match kind {
                Kind::Text => Held::Text(Vec::new()),
                Kind::Cost | Kind::Quantity => Held::Decimal(Vec::new()),
                Kind::Time => Held::Time(Vec::new()),
            })
            .collect();
        Ok(ParquetItems {
            out,
            held,
            last: vec![NULL; COLUMNS.len()],
            values: Values::default(),
            rows: 0,
            per_group: per_group.max(1),
            cells: vec![Vec::new(); COLUMNS.len()],
        })
    }

    /// Adds a row: its CSV text but for the cost cells, and its costs.
    pub fn write(&mut self, parts: Parts, costs: &Costs) -> io::Result<()> {
        for cell in &mut self.cells {
            cell.clear();
        }
        split_cells(parts.before, &mut self.cells[BILLED + 1..EFFECTIVE]);
        split_cells(parts.after, &mut self.cells[EFFECTIVE + 1..]);
        for (index, (name, kind, _)) in COLUMNS.iter().enumerate() {
            let cell = &self.cells[index];
            match (&mut self.held[index], kind) {
                (Held::Text(values), _) => {
                    let number = if cell.is_empty() {
                        NULL
                    } else {
                        let last = self.last[index];
                        let same = self.values.list.get(last as usize).map(ByteArray::data)
                            == Some(cell.as_slice());
                        if same {
                            last
                        } else {
                            self.values.number(cell)
                        }
                    };
                    self.last[index] = number;
                    values.push(number);
                }
                (Held::Decimal(values), kind) => {
                    let scale = if *kind == Kind::Cost {
                        COST_SCALE
                    } else {
                        QUANTITY_SCALE
                    };
                    let value = match index {
                        BILLED => Some(costs.billed),
                        EFFECTIVE => Some(costs.effective),
                        _ => parse_decimal(name, cell)?,
                    };
                    values.push(value.map(|v| scaled(name, v, scale)).transpose()?);
                }
                (Held::Time(values), _) => values.push(parse_time(name, cell)?),
            }
        }
        self.rows += 1;
        if self.rows >= self.per_group {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the rows held as one row group.
    fn flush(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.out.next_row_group().map_err(to_io)?;
        for held in &mut self.held {
            let Some(mut column) = group.next_column().map_err(to_io)? else {
                return Err(io::Error::other(
                    "the Parquet schema has fewer columns than a row",
                ));
            };
            match held {
                Held::Text(numbers) => {
                    let levels: Vec<i16> = numbers.iter().map(|&n| i16::from(n != NULL)).collect();
                    let values: Vec<ByteArray> = numbers
                        .iter()
                        .filter_map(|&n| self.values.list.get(n as usize).cloned())
                        .collect();
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(&values, Some(&levels), None)
                        .map_err(to_io)?;
                    numbers.clear();
                }
                Held::Decimal(cells) => {
                    let levels: Vec<i16> = cells.iter().map(|c| i16::from(c.is_some())).collect();
                    let values: Vec<FixedLenByteArray> = cells
                        .iter()
                        .flatten()
                        .map(|v| FixedLenByteArray::from(v.to_be_bytes().to_vec()))
                        .collect();
                    column
                        .typed::<FixedLenByteArrayType>()
                        .write_batch(&values, Some(&levels), None)
                        .map_err(to_io)?;
                    cells.clear();
                }
                Held::Time(times) => {
                    column
                        .typed::<Int64Type>()
                        .write_batch(times, None, None)
                        .map_err(to_io)?;
                    times.clear();
                }
            }
            column.close().map_err(to_io)?;
        }
        group.close().map_err(to_io)?;
        self.values.clear();
        self.last.fill(NULL);
        self.rows = 0;
        Ok(())
    }

    /// Writes the rows still held and the footer; returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush()?;
        self.out.into_inner().map_err(to_io)
    }
}

/// The cells of a CSV fragment (as `focus_rows` joins them) into `cells`, unquoted.
fn split_cells(text: &[u8], cells: &mut [Vec<u8>]) {
    let mut index = 0;
    let mut at = 0;
    while at <= text.len() && index < cells.len() {
        let cell = &mut cells[index];
        if text.get(at) == Some(&b'"') {
            at += 1;
            while at < text.len() {
                match (text[at], text.get(at + 1)) {
                    (b'"', Some(b'"')) => {
                        cell.push(b'"');
                        at += 2;
                    }
                    (b'"', _) => {
                        at += 1;
                        break;
                    }
                    (byte, _) => {
                        cell.push(byte);
                        at += 1;
                    }
                }
            }
            // The comma after the closing quote.
            at += 1;
        } else {
            let end = memchr::memchr(b',', &text[at..]).map_or(text.len(), |i| at + i);
            cell.extend_from_slice(&text[at..end]);
            at = end + 1;
        }
        index += 1;
    }
}

fn unreadable(name: &str, cell: &[u8], what: &str) -> io::Error {
    io::Error::other(format!(
        "the {name} cell {:?} is not {what}",
        crate::location::excerpt(&String::from_utf8_lossy(cell))
    ))
}

fn parse_decimal(name: &str, cell: &[u8]) -> io::Result<Option<Decimal>> {
    if cell.is_empty() {
        return Ok(None);
    }
    std::str::from_utf8(cell)
        .ok()
        .and_then(|text| text.parse::<Decimal>().ok())
        .map(Some)
        .ok_or_else(|| unreadable(name, cell, "a decimal number"))
}

fn parse_time(name: &str, cell: &[u8]) -> io::Result<i64> {
    std::str::from_utf8(cell)
        .ok()
        .and_then(|text| Timestamp::parse(text).ok())
        .and_then(|t| t.unix().checked_mul(1000))
        .ok_or_else(|| unreadable(name, cell, "a time"))
}

/// `value` as the unscaled integer of a DECIMAL(38, `scale`): exact when it has at most
/// `scale` decimals (costs always do), otherwise rounded half to even at `scale`.
fn scaled(name: &str, value: Decimal, scale: u32) -> io::Result<i128> {
    let value = if value.scale() > scale {
        value.round_dp(scale)
    } else {
        value
    };
    let limit = 10i128.pow(PRECISION);
    10i128
        .checked_pow(scale - value.scale())
        .and_then(|factor| value.mantissa().checked_mul(factor))
        .filter(|unscaled| unscaled.abs() < limit)
        .ok_or_else(|| {
            io::Error::other(format!(
                "{name} {value} has more than {} digits before the decimal point, more than \
                 a Parquet DECIMAL({PRECISION},{scale}) holds",
                PRECISION - scale
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_split_into_cells_as_the_csv_writer_joined_them() {
        let mut cells = vec![Vec::new(); 5];
        split_cells(b"a,\"b,c\",,\"say \"\"hi\"\"\",e", &mut cells);
        let text: Vec<String> = cells
            .iter()
            .map(|c| String::from_utf8(c.clone()).unwrap())
            .collect();
        assert_eq!(text, ["a", "b,c", "", "say \"hi\"", "e"]);
    }

    #[test]
    fn decimals_keep_every_digit_at_their_scale() {
        // 0.08 $/GB-month × 20 GB × 3,600 s / 2,678,400 s, as rust_decimal holds it.
        let cost: Decimal = "0.0021505376344086021505376344".parse().unwrap();
        assert_eq!(
            scaled("c", cost, COST_SCALE).unwrap(),
            21_505_376_344_086_021_505_376_344
        );
        assert_eq!(
            scaled("q", Decimal::new(25, 2), QUANTITY_SCALE).unwrap(),
            2_500_000_000
        );
        // Ten billion dollars does not fit 38 digits at scale 28.
        assert!(scaled("c", Decimal::new(10_000_000_000, 0), COST_SCALE).is_err());
        assert!(scaled("c", Decimal::new(9_999_999_999, 0), COST_SCALE).is_ok());
        assert_eq!(
            scaled("c", Decimal::new(-15, 1), COST_SCALE).unwrap(),
            -15 * 10i128.pow(27)
        );
    }
}
