//! `ec2plan pricing show TYPE`: what the price catalog knows about one instance type, each
//! figure beside its source, so a user can check the prices a result was computed from.
//!
//! Figures are kept exact (`Decimal`) from the catalog to the renderer; only the derived
//! ones are rounded, and only when printed: the effective hourly rate of a reservation to
//! 6 decimals in the table and 10 in CSV and JSON, the discount to 2 decimals everywhere.

use super::simulate::check_region;
use crate::error::Error;
use crate::location::{closest_names, did_you_mean};
use crate::pricing::spot::HistoryRange;
use crate::pricing::{Catalog, OfferTerms, Sources, NORMALIZATION_SOURCE};
use crate::report::dollars::dollars;
use crate::report::Format;
use clap::Args;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::PathBuf;

/// `--help` examples.
pub const EXAMPLES: &str = "Examples:
  ec2plan pricing show m5.large
  ec2plan pricing show m6i.xlarge --region eu-west-1 --os windows
  ec2plan pricing show c6i.large -f csv

Effective hourly = recurring hourly + upfront / hours of the term (8,760 or 26,280);
discount = 1 - effective hourly / On-Demand hourly.";

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The instance type, e.g. m5.large.
    #[arg(value_name = "TYPE")]
    pub instance_type: String,
    /// The region whose prices to show.
    #[arg(long, value_name = "R", default_value = "us-east-1")]
    pub region: String,
    /// One operating system (linux, windows, rhel, suse, ubuntu-pro). Default: every one
    /// the catalog prices the type for in the region.
    #[arg(long, value_name = "OS")]
    pub os: Option<String>,
    /// table (for people), csv (one row per price, for a spreadsheet) or json (money as
    /// exact decimal strings).
    #[arg(
        short = 'f',
        long,
        value_enum,
        default_value = "table",
        hide_possible_values = true
    )]
    pub format: Format,
    /// A directory whose catalog CSV files replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub pricing: Option<PathBuf>,
}

/// Places the derived figures are rounded to when printed.
const EFFECTIVE_TABLE_PLACES: u32 = 6;
const EFFECTIVE_DATA_PLACES: u32 = 10;
const PERCENT_PLACES: u32 = 2;

/// An hourly price, its discount against On-Demand, and where it came from.
struct Figure {
    usd_per_hour: Decimal,
    discount_pct: Option<Decimal>,
    source: String,
}

/// One reservation offer and what an hour of it costs.
struct Offer {
    terms: OfferTerms,
    upfront: Decimal,
    recurring: Decimal,
    effective: Decimal,
    discount_pct: Option<Decimal>,
    source: String,
}

struct History {
    range: HistoryRange,
    lowest_discount_pct: Option<Decimal>,
    highest_discount_pct: Option<Decimal>,
    source: String,
}

/// Everything shown for one operating system.
struct OsPrices {
    os: String,
    on_demand: Option<Figure>,
    spot_average: Option<Figure>,
    spot_history: Option<History>,
    reserved: Vec<Offer>,
}

/// Everything shown for the type.
struct Shown {
    region: String,
    instance_type: String,
    vcpu: u32,
    memory_gib: Decimal,
    normalization_factor: Option<Decimal>,
    spec_source: String,
    systems: Vec<OsPrices>,
}

pub fn run(args: &ShowArgs) -> Result<String, Error> {
    let (catalog, sources) = Catalog::load_with_sources(args.pricing.as_deref())?;
    let shown = collect(&catalog, &sources, args)?;
    match args.format {
        Format::Table => Ok(table(&shown)),
        Format::Csv => csv(&shown),
        Format::Json => json(&shown),
    }
}

fn collect(catalog: &Catalog, sources: &Sources, args: &ShowArgs) -> Result<Shown, Error> {
    let name = args.instance_type.as_str();
    let spec = catalog.instance_type(name).ok_or_else(|| {
        let hint = did_you_mean(&closest_names(name, catalog.instance_type_names()));
        Error::Usage(format!(
            "instance type {name:?} is not in the price catalog{hint}",
            name = crate::location::excerpt(&name)
        ))
    })?;
    check_region(catalog, &args.region)?;
    let systems = systems(catalog, args)?
        .into_iter()
        .map(|os| os_prices(catalog, sources, &args.region, name, os))
        .collect::<Result<_, _>>()?;
    Ok(Shown {
        region: args.region.clone(),
        instance_type: name.to_string(),
        vcpu: spec.vcpu,
        memory_gib: spec.memory_gib,
        normalization_factor: catalog.normalization_factor(name),
        spec_source: sources.of("instance_types.csv", None),
        systems,
    })
}

/// The operating systems to show: `--os` if the type is priced for it in the region, else
/// every one it is priced for; an error naming what is priced otherwise.
fn systems(catalog: &Catalog, args: &ShowArgs) -> Result<Vec<String>, Error> {
    let (region, name) = (args.region.as_str(), args.instance_type.as_str());
    let priced = catalog.priced_os(region, name);
    let listed = priced.iter().copied().collect::<Vec<_>>().join(", ");
    match args.os.as_deref() {
        None if priced.is_empty() => Err(Error::Usage(format!(
            "{name} has no price in --region {region}"
        ))),
        None => Ok(priced.into_iter().map(str::to_string).collect()),
        Some(os) if priced.contains(os) => Ok(vec![os.to_string()]),
        Some(os) if catalog.platform(os).is_none() => {
            let hint = did_you_mean(&closest_names(os, catalog.os_names()));
            let known: Vec<&str> = catalog.os_names().collect();
            Err(Error::Usage(format!(
                "--os {os:?} is not an operating system the catalog prices{hint} (it knows {})",
                known.join(", "),
                os = crate::location::excerpt(&os)
            )))
        }
        Some(os) if priced.is_empty() => Err(Error::Usage(format!(
            "--os {os} is not priced for {name} in {region}, which has no price for {name} at all"
        ))),
        Some(os) => Err(Error::Usage(format!(
            "--os {os} is not priced for {name} in {region} (it is priced for {listed})"
        ))),
    }
}

fn os_prices(
    catalog: &Catalog,
    sources: &Sources,
    region: &str,
    name: &str,
    os: String,
) -> Result<OsPrices, Error> {
    let on_demand = catalog.on_demand(region, name, &os).map(|r| r.per_hour());
    let spot_average = catalog.spot_average(region, name, &os).map(|rate| Figure {
        usd_per_hour: rate.per_hour(),
        discount_pct: discount_pct(rate.per_hour(), on_demand),
        source: sources.of("spot_average.csv", None),
    });
    let spot_history = catalog
        .spot()
        .range(region, name, &os)
        .map(|range| History {
            range,
            lowest_discount_pct: discount_pct(range.lowest, on_demand),
            highest_discount_pct: discount_pct(range.highest, on_demand),
            source: sources.of("spot_prices.csv", None),
        });
    Ok(OsPrices {
        on_demand: on_demand.map(|usd_per_hour| Figure {
            usd_per_hour,
            discount_pct: None,
            source: sources.of("on_demand.csv", None),
        }),
        spot_average,
        spot_history,
        reserved: offers(catalog, sources, region, name, &os, on_demand)?,
        os,
    })
}

/// The type's reservations for one operating system, in the catalog's order (term,
/// offering, payment), each with the hour's cost once the upfront fee is spread over the
/// term.
fn offers(
    catalog: &Catalog,
    sources: &Sources,
    region: &str,
    name: &str,
    os: &str,
    on_demand: Option<Decimal>,
) -> Result<Vec<Offer>, Error> {
    let mut offers = Vec::new();
    for (offer_os, terms, price) in catalog.reserved_offers(region, name) {
        if offer_os != os {
            continue;
        }
        let effective = price.effective_hourly(terms.term)?;
        offers.push(Offer {
            terms,
            upfront: price.upfront.amount(),
            recurring: price.hourly.per_hour(),
            effective,
            discount_pct: discount_pct(effective, on_demand),
            source: sources.of("reserved.csv", Some(terms.payment.name())),
        });
    }
    Ok(offers)
}

/// How much cheaper than On-Demand an hour at `price` is, in percent: `(1 - price /
/// on_demand) × 100`. `None` without an On-Demand price, or one of zero, to compare with
/// (or a ratio too large for the money type).
fn discount_pct(price: Decimal, on_demand: Option<Decimal>) -> Option<Decimal> {
    let on_demand = on_demand.filter(|d| !d.is_zero())?;
    Decimal::ONE
        .checked_sub(price.checked_div(on_demand)?)?
        .checked_mul(Decimal::ONE_HUNDRED)
}

fn rounded(value: Decimal, places: u32) -> Decimal {
    value
        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// A percentage with exactly two decimals: `41.26`, `37.50`.
fn percent(value: Decimal) -> String {
    let places = PERCENT_PLACES as usize;
    format!(
        "{:.places$}",
        value.round_dp_with_strategy(PERCENT_PLACES, RoundingStrategy::MidpointAwayFromZero)
    )
}

fn exact(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A table's hourly rate: `$0.096/h`, `$1,234.5/h`.
fn per_hour(value: Decimal) -> String {
    format!("{}/h", dollars(&value.normalize().to_string()))
}

fn normalization_text(factor: Option<Decimal>) -> String {
    match factor {
        Some(factor) => exact(factor),
        None => "none: reservations of this type cover only this type".to_string(),
    }
}

// ---------------------------------------------------------------- table

/// A line of the table: free text, or a row whose columns align with the other rows.
enum Line {
    Text(String),
    Row(Vec<String>),
}

/// The sources cited so far, numbered in order of first use.
#[derive(Default)]
struct Notes(Vec<String>);

impl Notes {
    fn mark(&mut self, source: &str) -> String {
        let index = match self.0.iter().position(|s| s == source) {
            Some(i) => i,
            None => {
                self.0.push(source.to_string());
                self.0.len() - 1
            }
        };
        format!("[{}]", index + 1)
    }
}

fn table(shown: &Shown) -> String {
    let mut notes = Notes::default();
    let mut lines = vec![
        Line::Text(format!("{} in {}", shown.instance_type, shown.region)),
        Line::Text(format!(
            "  {} vCPU, {} GiB memory {}",
            shown.vcpu,
            exact(shown.memory_gib),
            notes.mark(&shown.spec_source)
        )),
        Line::Text(format!(
            "  normalization factor {} {}",
            normalization_text(shown.normalization_factor),
            notes.mark(NORMALIZATION_SOURCE)
        )),
    ];
    for system in &shown.systems {
        os_lines(system, &mut notes, &mut lines);
    }
    lines.push(Line::Text(String::new()));
    lines.push(Line::Text("sources:".to_string()));
    for (i, source) in notes.0.iter().enumerate() {
        lines.push(Line::Text(format!("  [{}] {source}", i + 1)));
    }
    render_lines(&lines)
}

const TABLE_HEADER: [&str; 9] = [
    "price",
    "term",
    "offering",
    "payment",
    "upfront",
    "recurring",
    "effective",
    "discount",
    "source",
];

fn os_lines(system: &OsPrices, notes: &mut Notes, lines: &mut Vec<Line>) {
    lines.push(Line::Text(String::new()));
    lines.push(Line::Text(system.os.clone()));
    lines.push(Line::Row(TABLE_HEADER.map(String::from).to_vec()));
    for (label, figure) in [
        ("On-Demand", &system.on_demand),
        ("Spot average", &system.spot_average),
    ] {
        if let Some(figure) = figure {
            lines.push(figure_row(label, figure, notes));
        }
    }
    for offer in &system.reserved {
        lines.push(offer_row(offer, notes));
    }
    lines.push(Line::Text(history_text(system, notes)));
}

/// An hourly price: no term or upfront fee, so the effective rate is the price itself.
fn figure_row(label: &str, figure: &Figure, notes: &mut Notes) -> Line {
    let rate = per_hour(figure.usd_per_hour);
    Line::Row(vec![
        label.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        rate.clone(),
        rate,
        discount_cell(figure.discount_pct),
        notes.mark(&figure.source),
    ])
}

fn offer_row(offer: &Offer, notes: &mut Notes) -> Line {
    Line::Row(vec![
        "Reserved".to_string(),
        offer.terms.term.to_string(),
        offer.terms.offering.to_string(),
        offer.terms.payment.to_string(),
        dollars(&exact(offer.upfront)),
        per_hour(offer.recurring),
        per_hour(rounded(offer.effective, EFFECTIVE_TABLE_PLACES)),
        discount_cell(offer.discount_pct),
        notes.mark(&offer.source),
    ])
}

fn discount_cell(discount: Option<Decimal>) -> String {
    discount.map(|d| percent(d) + "%").unwrap_or_default()
}

fn history_text(system: &OsPrices, notes: &mut Notes) -> String {
    match &system.spot_history {
        None => "  Spot history: no records in the catalog".to_string(),
        Some(h) => format!(
            "  Spot history: {} records from {} to {}, {} to {} {}",
            h.range.records,
            h.range.first,
            h.range.last,
            per_hour(h.range.lowest),
            per_hour(h.range.highest),
            notes.mark(&h.source)
        ),
    }
}

/// Text lines as they are; rows indented, each column as wide as its widest cell.
fn render_lines(lines: &[Line]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for cells in lines.iter().filter_map(|l| match l {
        Line::Row(cells) => Some(cells),
        Line::Text(_) => None,
    }) {
        for (i, cell) in cells.iter().enumerate() {
            let width = cell.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    let mut out = String::new();
    for line in lines {
        match line {
            Line::Text(text) => out.push_str(text),
            Line::Row(cells) => {
                let padded: Vec<String> = cells
                    .iter()
                    .zip(&widths)
                    .map(|(cell, width)| format!("{cell:width$}"))
                    .collect();
                out.push_str("  ");
                out.push_str(padded.join("  ").trim_end());
            }
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------- csv

/// One row of `--format csv`: one price of one operating system. `kind` is `on-demand`,
/// `spot-average`, `spot-history-lowest`, `spot-history-highest` or `reserved`; `term`,
/// `offering`, `payment` and `upfront_usd` are set for `reserved` only, `first_record` and
/// `last_record` for the Spot history only. `usd_per_hour` is the catalog's figure as
/// written (a reservation's recurring fee); `effective_usd_per_hour` what an hour costs with
/// the upfront fee spread over the term (rounded to 10 decimals); `discount_pct` how much
/// less than On-Demand that is (2 decimals; empty for On-Demand itself). The type's columns
/// repeat on every row so each row stands alone.
#[derive(Debug, Clone, Default, Serialize)]
struct CsvRow {
    region: String,
    instance_type: String,
    vcpu: u32,
    memory_gib: String,
    normalization_factor: String,
    os: String,
    kind: &'static str,
    term: String,
    offering: String,
    payment: String,
    upfront_usd: String,
    usd_per_hour: String,
    effective_usd_per_hour: String,
    discount_pct: String,
    first_record: String,
    last_record: String,
    source: String,
}

fn csv(shown: &Shown) -> Result<String, Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in csv_rows(shown) {
        writer.serialize(guarded(row)).map_err(output_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| output_error(e.to_string()))?;
    String::from_utf8(bytes).map_err(output_error)
}

/// The row with its text cells (not its numbers) through the spreadsheet guard
/// (`crate::spreadsheet`).
fn guarded(row: CsvRow) -> CsvRow {
    let text = |s: String| crate::spreadsheet::text_cell(&s).into_owned();
    CsvRow {
        region: text(row.region),
        instance_type: text(row.instance_type),
        os: text(row.os),
        term: text(row.term),
        offering: text(row.offering),
        payment: text(row.payment),
        source: text(row.source),
        ..row
    }
}

fn output_error(e: impl std::fmt::Display) -> Error {
    Error::write("standard output", std::io::Error::other(e.to_string()))
}

fn csv_rows(shown: &Shown) -> Vec<CsvRow> {
    let mut rows = Vec::new();
    for system in &shown.systems {
        let base = CsvRow {
            region: shown.region.clone(),
            instance_type: shown.instance_type.clone(),
            vcpu: shown.vcpu,
            memory_gib: exact(shown.memory_gib),
            normalization_factor: shown.normalization_factor.map(exact).unwrap_or_default(),
            os: system.os.clone(),
            ..CsvRow::default()
        };
        csv_os_rows(system, &base, &mut rows);
    }
    rows
}

/// The rows of one operating system, each starting from `base` (the type's columns).
fn csv_os_rows(system: &OsPrices, base: &CsvRow, rows: &mut Vec<CsvRow>) {
    let priced = |kind, usd: Decimal, discount: Option<Decimal>, source: &str| CsvRow {
        kind,
        usd_per_hour: exact(usd),
        effective_usd_per_hour: exact(usd),
        discount_pct: discount.map(percent).unwrap_or_default(),
        source: source.to_string(),
        ..base.clone()
    };
    if let Some(f) = &system.on_demand {
        rows.push(priced("on-demand", f.usd_per_hour, None, &f.source));
    }
    if let Some(f) = &system.spot_average {
        let kind = "spot-average";
        rows.push(priced(kind, f.usd_per_hour, f.discount_pct, &f.source));
    }
    if let Some(h) = &system.spot_history {
        let lowest = ("spot-history-lowest", h.range.lowest, h.lowest_discount_pct);
        let highest = (
            "spot-history-highest",
            h.range.highest,
            h.highest_discount_pct,
        );
        for (kind, usd, discount) in [lowest, highest] {
            rows.push(CsvRow {
                first_record: h.range.first.to_string(),
                last_record: h.range.last.to_string(),
                ..priced(kind, usd, discount, &h.source)
            });
        }
    }
    for offer in &system.reserved {
        rows.push(CsvRow {
            kind: "reserved",
            term: offer.terms.term.to_string(),
            offering: offer.terms.offering.to_string(),
            payment: offer.terms.payment.to_string(),
            upfront_usd: exact(offer.upfront),
            usd_per_hour: exact(offer.recurring),
            effective_usd_per_hour: exact(rounded(offer.effective, EFFECTIVE_DATA_PLACES)),
            discount_pct: offer.discount_pct.map(percent).unwrap_or_default(),
            source: offer.source.clone(),
            ..base.clone()
        });
    }
}

// ---------------------------------------------------------------- json

fn json(shown: &Shown) -> Result<String, Error> {
    let value = json!({
        "region": shown.region,
        "instance_type": shown.instance_type,
        "vcpu": shown.vcpu,
        "memory_gib": exact(shown.memory_gib),
        "instance_source": shown.spec_source,
        "normalization_factor": shown.normalization_factor.map(exact),
        "normalization_source": NORMALIZATION_SOURCE,
        "prices": shown.systems.iter().map(json_os).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value)
        .map(|text| text + "\n")
        .map_err(output_error)
}

fn json_os(system: &OsPrices) -> Value {
    json!({
        "os": system.os,
        "on_demand": system.on_demand.as_ref().map(|f| json!({
            "usd_per_hour": exact(f.usd_per_hour),
            "source": f.source,
        })),
        "spot_average": system.spot_average.as_ref().map(|f| json!({
            "usd_per_hour": exact(f.usd_per_hour),
            "discount_pct": f.discount_pct.map(percent),
            "source": f.source,
        })),
        "spot_history": system.spot_history.as_ref().map(|h| json!({
            "records": h.range.records,
            "first_record": h.range.first.to_string(),
            "last_record": h.range.last.to_string(),
            "lowest_usd_per_hour": exact(h.range.lowest),
            "highest_usd_per_hour": exact(h.range.highest),
            "lowest_discount_pct": h.lowest_discount_pct.map(percent),
            "highest_discount_pct": h.highest_discount_pct.map(percent),
            "source": h.source,
        })),
        "reserved": system.reserved.iter().map(json_offer).collect::<Vec<_>>(),
    })
}

fn json_offer(offer: &Offer) -> Value {
    json!({
        "term": offer.terms.term.name(),
        "offering": offer.terms.offering.name(),
        "payment": offer.terms.payment.name(),
        "upfront_usd": exact(offer.upfront),
        "usd_per_hour": exact(offer.recurring),
        "effective_usd_per_hour": exact(rounded(offer.effective, EFFECTIVE_DATA_PLACES)),
        "discount_pct": offer.discount_pct.map(percent),
        "source": offer.source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn discount_is_the_share_of_on_demand_saved() {
        // 1 - 0.06 / 0.096 = 1 - 0.625 = 37.5%.
        let discount = discount_pct(dec("0.06"), Some(dec("0.096"))).unwrap();
        assert_eq!(percent(discount), "37.50");
        assert_eq!(discount_pct(dec("0.06"), Some(Decimal::ZERO)), None);
        assert_eq!(discount_pct(dec("0.06"), None), None);
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(percent(dec("41.2576")), "41.26");
        assert_eq!(percent(dec("0.005")), "0.01");
    }

    #[test]
    fn notes_number_each_source_once() {
        let mut notes = Notes::default();
        assert_eq!(notes.mark("a"), "[1]");
        assert_eq!(notes.mark("b"), "[2]");
        assert_eq!(notes.mark("a"), "[1]");
    }
}
