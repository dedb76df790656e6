//! The text of `line_items.csv`: its columns, and each row as CSV.
//!
//! A row is rendered in two parts: everything but its two cost cells (BilledCost and
//! EffectiveCost), and those two cells. The first part is all the row's text; the sort that
//! puts items in file order writes it to disk with the item, and the cost cells are put in
//! when the item is written.

use super::focus::LineItem;
use crate::clock::Timestamp;
use rust_decimal::{Decimal, RoundingStrategy};
use std::io::Write;

/// Where the cost cells sit in a row (cell 0, AvailabilityZone, is always empty).
const BILLED: usize = 1;
const EFFECTIVE: usize = 22;

/// Cents, half away from zero.
pub fn cents(value: Decimal) -> String {
    format!("{:.2}", to_cents(value))
}

/// A value rounded to cents, half away from zero.
pub(super) fn to_cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// FOCUS 1.0 columns, then ec2plan's own (`x_`).
const COLUMNS: [&str; 49] = [
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuer",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "Provider",
    "Publisher",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
    "x_Strategy",
    "x_LifecycleState",
    "x_Group",
    "x_InstanceType",
    "x_Scenario",
    "x_ChargeKind",
];

/// AWS's display names of the regions the catalog covers (RegionName); others show the id.
fn region_name(region: &str) -> &str {
    match region {
        "us-east-1" => "US East (N. Virginia)",
        "eu-west-1" => "Europe (Ireland)",
        "ap-northeast-2" => "Asia Pacific (Seoul)",
        other => other,
    }
}

/// A quantity as FOCUS wants it: plain digits, at most ten decimals, no trailing zeros.
fn to_decimal(value: Decimal) -> Decimal {
    value.round_dp(10).normalize()
}

/// The whole `line_items.csv` of items in file order.
pub fn focus_csv(scenario: &str, items: &[LineItem]) -> String {
    let mut text = Vec::new();
    let _ = write_focus_csv(&mut text, scenario, items);
    String::from_utf8_lossy(&text).into_owned()
}

/// [`focus_csv`] written straight to `out` (items in file order).
pub fn write_focus_csv(
    out: impl Write,
    scenario: &str,
    items: &[LineItem],
) -> Result<(), csv::Error> {
    let mut out = RowWriter::new(out)?;
    let mut text = RowText::new(scenario);
    for item in items {
        out.write(text.render(item), &Costs::of(item))?;
    }
    out.finish()
}

/// A row's text but for its cost cells: the CSV of cells 2 to 21 and of cells 23 to 48.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    pub before: &'a [u8],
    pub after: &'a [u8],
}

/// Renders the [`Parts`] of items' rows, reusing its buffers from one item to the next.
pub struct RowText {
    scenario: String,
    account: String,
    scratch: Scratch,
    before: Vec<u8>,
    after: Vec<u8>,
}

impl RowText {
    pub fn new(scenario: &str) -> RowText {
        RowText {
            scenario: scenario.to_string(),
            // Formatted once per file, not per row.
            account: format!("ec2plan estimate of {scenario}"),
            scratch: Scratch(Vec::new()),
            before: Vec::new(),
            after: Vec::new(),
        }
    }

    /// The item's row but for its cost cells.
    pub fn render(&mut self, item: &LineItem) -> Parts<'_> {
        self.scratch.0.clear();
        let names = (self.scenario.as_str(), self.account.as_str());
        let mut cells = row(names, item, &mut self.scratch);
        // Text cells (never the formatted numbers) through the spreadsheet guard; accepted
        // input never needs it, so this only looks at first characters.
        for cell in &mut cells {
            if let Cell::Text(text) = *cell {
                if crate::spreadsheet::formula_start(text).is_some() {
                    let guarded = crate::spreadsheet::text_cell(text);
                    *cell = self.scratch.put(format_args!("{guarded}"));
                }
            }
        }
        let scratch = &self.scratch;
        let before = cells[BILLED + 1..EFFECTIVE].iter();
        join(&mut self.before, before.map(|c| scratch.bytes(c)));
        let after = cells[EFFECTIVE + 1..].iter();
        join(&mut self.after, after.map(|c| scratch.bytes(c)));
        Parts {
            before: &self.before,
            after: &self.after,
        }
    }
}

/// Cells joined by commas into `out`, each as the csv crate writes a field (its default,
/// `QuoteStyle::Necessary`): in double quotes, its own quotes doubled, when it holds a comma,
/// a quote or a line break; as it is otherwise. (The csv writer, by hand: it scanned every
/// byte of every cell through a state machine, a tenth of writing a year of items.)
fn join<'c>(out: &mut Vec<u8>, cells: impl Iterator<Item = &'c [u8]>) {
    out.clear();
    for (index, cell) in cells.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        if !cell
            .iter()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
        {
            out.extend_from_slice(cell);
            continue;
        }
        out.push(b'"');
        for &byte in cell {
            if byte == b'"' {
                out.push(b'"');
            }
            out.push(byte);
        }
        out.push(b'"');
    }
}

/// A csv error as the I/O error it almost always is (writing a record can fail otherwise only
/// on a record of the wrong length, which these are not).
pub(super) fn csv_to_io(error: csv::Error) -> std::io::Error {
    let words = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        _ => std::io::Error::other(words),
    }
}

/// The cost cells of a row: exact, as AWS's Cost and Usage Report gives them (a FOCUS cost
/// column is a decimal, not cents), so that a column's sum, rounded once, is the total a
/// report prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Costs {
    pub billed: Decimal,
    pub effective: Decimal,
}

impl Costs {
    /// An item's BilledCost and EffectiveCost.
    pub fn of(item: &LineItem) -> Costs {
        Costs::from_parts(item.purchase, item.billed, item.effective)
    }

    /// Usage bills what it costs (`billed` is `None`); a purchase bills its cash and costs 0
    /// (its cost is amortized into the usage it covers).
    pub fn from_parts(purchase: bool, billed: Option<Decimal>, effective: Decimal) -> Costs {
        Costs {
            billed: billed.unwrap_or(effective),
            effective: if purchase { Decimal::ZERO } else { effective },
        }
    }
}

/// `line_items.csv`'s header, then rows from their [`Parts`] and [`Costs`].
pub struct RowWriter<W: Write> {
    // Large writes: the file is often gigabytes, and each write is a system call.
    out: std::io::BufWriter<W>,
    cells: Vec<u8>,
}

impl<W: Write> RowWriter<W> {
    /// Writes the header.
    pub fn new(out: W) -> Result<RowWriter<W>, csv::Error> {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
        let mut header = csv::Writer::from_writer(&mut out);
        header.write_record(COLUMNS)?;
        header.flush()?;
        drop(header);
        Ok(RowWriter {
            out,
            cells: Vec::new(),
        })
    }

    pub fn write(&mut self, parts: Parts, costs: &Costs) -> Result<(), csv::Error> {
        let cells = &mut self.cells;
        cells.clear();
        // Writing into a vector cannot fail; decimals need no quoting.
        let _ = write!(cells, ",{},", costs.billed.normalize());
        cells.extend_from_slice(parts.before);
        let _ = write!(cells, ",{},", costs.effective.normalize());
        cells.extend_from_slice(parts.after);
        cells.push(b'\n');
        self.out.write_all(cells)?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), csv::Error> {
        self.out.flush()?;
        Ok(())
    }
}

/// A cell of a row: borrowed text, or bytes formatted into the row's scratch buffer.
#[derive(Debug, Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Formatted(usize, usize),
}

/// Formats into a scratch buffer and says where it went.
struct Scratch(Vec<u8>);

impl Scratch {
    fn put(&mut self, text: std::fmt::Arguments) -> Cell<'static> {
        use std::io::Write;
        let start = self.0.len();
        // Writing into a vector cannot fail.
        let _ = self.0.write_fmt(text);
        Cell::Formatted(start, self.0.len())
    }

    fn bytes<'s>(&'s self, cell: &Cell<'s>) -> &'s [u8] {
        match *cell {
            Cell::Text(text) => text.as_bytes(),
            Cell::Formatted(start, end) => self.0.get(start..end).unwrap_or_default(),
        }
    }
}

/// One item's cells. Most are borrowed (constants, or the item's shared strings); the
/// figures and times are formatted into `scratch`, which the caller reuses: a string
/// allocated for each of 49 cells, then for each of the dozen formatted ones, was most of
/// the time of writing millions of items. The cost cells ([`BILLED`], [`EFFECTIVE`])
/// are left empty: [`RowWriter`] puts them in.
fn row<'a>(
    (scenario, account): (&'a str, &'a str),
    item: &'a LineItem,
    scratch: &mut Scratch,
) -> [Cell<'a>; 49] {
    let labels = &*item.labels;
    let month = item.start.month_start();
    let (resource_id, resource_name, resource_type): (&str, &str, &str) = match &labels.resource {
        Some(r) => (&r.id, &r.name, r.kind),
        None => ("", "", ""),
    };
    let (c_category, c_id, c_name, c_status, c_type): (&str, &str, &str, &str, &str) =
        match &item.commitment {
            Some(c) => (
                "Usage",
                &c.id,
                &c.name,
                c.status.unwrap_or(""),
                "Reserved Instance",
            ),
            None => Default::default(),
        };
    let b = Cell::Text;
    let list_cost = scratch.put(format_args!("{}", item.list_cost.normalize()));
    let mut opt = |v: Option<Decimal>| match v {
        Some(v) => scratch.put(format_args!("{}", to_decimal(v))),
        None => b(""),
    };
    let consumed = opt(item.consumed_quantity);
    let list_unit_price = opt(item.list_unit_price);
    let pricing_quantity = opt(Some(item.pricing_quantity));
    let mut time = |t: Timestamp| scratch.put(format_args!("{t}"));
    let (period_end, period_start) = (time(month.next_month_start()), time(month));
    let (end, start) = (time(item.end), time(item.start));
    let sku_price = scratch.put(format_args!("{}/{}", labels.sku, labels.pricing_category));
    let tags = {
        let start = scratch.0.len();
        scratch.0.extend_from_slice(b"{\"ec2plan:group\":");
        // A string serializes without error.
        let _ = serde_json::to_writer(&mut scratch.0, &*labels.group);
        scratch.0.push(b'}');
        Cell::Formatted(start, scratch.0.len())
    };
    [
        b(""),
        b(""),
        b("ec2plan-estimate"),
        b(account),
        b("USD"),
        period_end,
        period_start,
        b(if item.purchase { "Purchase" } else { "Usage" }),
        b(""),
        b(&labels.description),
        b(labels.frequency),
        end,
        start,
        b(c_category),
        b(c_id),
        b(c_name),
        b(c_status),
        b(c_type),
        consumed,
        b(if item.consumed_quantity.is_some() {
            labels.pricing_unit
        } else {
            ""
        }),
        list_cost,
        list_unit_price,
        b(""),
        b("Amazon Web Services, Inc."),
        list_cost,
        list_unit_price,
        b(labels.pricing_category),
        pricing_quantity,
        b(labels.pricing_unit),
        b("Amazon Web Services"),
        b("Amazon Web Services"),
        b(&labels.region),
        b(region_name(&labels.region)),
        b(resource_id),
        b(resource_name),
        b(resource_type),
        b(labels.service.1),
        b(labels.service.0),
        b(&labels.sku),
        sku_price,
        b(""),
        b(""),
        tags,
        b(item.strategy.name()),
        b(labels.state.unwrap_or("")),
        b(&labels.group),
        b(labels.instance_type.as_deref().unwrap_or("")),
        b(scenario),
        b(item.kind.name()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A record as the csv crate writes it, without its line end.
    fn csv_record(cells: &[String]) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(cells).unwrap();
        let mut text = writer.into_inner().unwrap();
        text.pop();
        text
    }

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        let cells = ["plain", "a,b", "say \"hi\"", "two\nlines", "", "ü\\x"];
        let mut out = Vec::new();
        join(&mut out, cells.iter().map(|c| c.as_bytes()));
        let expected = "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,ü\\x";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    proptest! {
        /// Any cells (two or more, as a row's parts are) come out as the csv crate writes them.
        #[test]
        fn cells_are_written_as_the_csv_crate_writes_them(
            cells in prop::collection::vec("[a-z ,\"\r\n\\\\ü#']{0,6}", 2..8)
        ) {
            let mut out = Vec::new();
            join(&mut out, cells.iter().map(|c| c.as_bytes()));
            prop_assert_eq!(out, csv_record(&cells));
        }
    }
}
