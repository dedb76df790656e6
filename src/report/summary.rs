//! The summary: one row per strategy (and per group), in table, CSV and JSON form.

use super::dollars::{dollars, grouped};
use super::rounding::{apportion, exact_total, groups_table, PrintedRow};
use crate::billing::{Ledger, Totals};
use crate::clock::Timestamp;
use crate::money::{MoneyError, Usd};
use crate::simulation::Outcome;
use crate::spreadsheet::text_cell;
use crate::strategy::{ReservedStats, Strategy};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write as _;
use std::sync::Arc;

/// How a command prints its report (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people: money with thousands separators.
    Table,
    /// CSV with a header row, for a spreadsheet: money as plain decimals.
    Csv,
    /// JSON: money as strings of exact cents.
    Json,
}

/// One summary row, rounded to cents by [`super::rounding`]: the columns sum to `total_usd`
/// exactly, and a strategy's groups' totals sum to its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    pub strategy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub compute_usd: String,
    pub storage_usd: String,
    pub public_ipv4_usd: String,
    pub commitment_usd: String,
    pub total_usd: String,
    pub billed_instance_seconds: u64,
    /// Instance-hours billed on Spot, rounded to hundredths.
    pub spot_instance_hours: String,
    /// Spot runs AWS interrupted.
    pub interruptions: u64,
    /// The On-Demand total minus this strategy's total (rounded columns).
    pub savings_vs_on_demand_usd: String,
    /// Reserved strategy only: how the reservations fitted.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub reserved: Option<ReservedColumns>,
}

/// The reserved strategy's extra columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReservedColumns {
    pub reservations: u64,
    pub coverage_pct: String,
    pub utilization_pct: String,
    pub unused_reservation_hours: String,
    pub unused_reservation_usd: String,
}

impl ReservedColumns {
    fn of(stats: &ReservedStats) -> ReservedColumns {
        ReservedColumns {
            reservations: stats.reservations,
            coverage_pct: format!("{:.2}", stats.coverage_pct()),
            utilization_pct: format!("{:.2}", stats.utilization_pct()),
            unused_reservation_hours: format!("{:.2}", stats.unused_hours.round_dp(2)),
            unused_reservation_usd: stats.unused_cost.cents_string(),
        }
    }
}

/// Everything a report shows about one simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub start: String,
    pub horizon: String,
    pub instances: u64,
    pub events: u64,
    pub strategies: Vec<SummaryRow>,
    pub groups: Vec<SummaryRow>,
    /// Things the reader should know, such as a strategy left out and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Spot trials: p5 / p50 / p95 per strategy and metric.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<BandRow>,
}

/// One metric of one strategy over the Spot trials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BandRow {
    pub strategy: String,
    pub metric: String,
    pub p5: String,
    pub p50: String,
    pub p95: String,
}

const CSV_HEADER: &str = "strategy,compute_usd,storage_usd,public_ipv4_usd,commitment_usd,total_usd,billed_instance_seconds,\
spot_instance_hours,interruptions,savings_vs_on_demand_usd,\
reservations,coverage_pct,utilization_pct,unused_reservation_hours,unused_reservation_usd";
const GROUP_CSV_HEADER: &str =
    "strategy,group,compute_usd,storage_usd,public_ipv4_usd,commitment_usd,total_usd,billed_instance_seconds";

impl Summary {
    pub fn new(scenario: &str, outcome: &Outcome) -> Result<Summary, MoneyError> {
        let mut strategies = Vec::new();
        let mut groups = Vec::new();
        for (strategy, ledger) in &outcome.ledgers {
            let printed = PrintedRow::of(&ledger.overall)?;
            let mut overall = row(strategy.name(), None, &ledger.overall, &printed);
            let savings = outcome
                .on_demand_total
                .checked_sub(ledger.overall.rounded_total()?)?;
            overall.savings_vs_on_demand_usd = savings.cents_string();
            if *strategy == Strategy::Reserved {
                overall.reserved = outcome
                    .reserved
                    .as_ref()
                    .map(|fit| ReservedColumns::of(&fit.stats));
            }
            strategies.push(overall);
            groups.extend(group_rows(strategy.name(), ledger, &printed)?);
        }
        Ok(Summary {
            scenario: scenario.to_string(),
            start: outcome.start.to_string(),
            horizon: outcome.horizon.to_string(),
            instances: outcome.instances,
            events: outcome.events,
            strategies,
            groups,
            notes: outcome.notes.clone(),
            bands: Vec::new(),
        })
    }

    /// Adds the Spot trials' bands; the summary's Spot rows are the median trials.
    pub fn set_bands(&mut self, trials: u64, seed: u64, bands: &[crate::trials::Band]) {
        for band in bands {
            for (metric, p5, p50, p95) in &band.rows {
                let show = |v: &rust_decimal::Decimal| {
                    if *metric == "interruptions" {
                        v.normalize().to_string()
                    } else {
                        format!("{v:.2}")
                    }
                };
                self.bands.push(BandRow {
                    strategy: band.strategy.name().to_string(),
                    metric: metric.to_string(),
                    p5: show(p5),
                    p50: show(p50),
                    p95: show(p95),
                });
            }
        }
        self.notes.push(format!(
            "spot and mixed: the Spot Instance Advisor model, {trials} trial(s) from seed {seed}; each row is the trial with the median total"
        ));
    }

    /// `bands.csv`: p5 / p50 / p95 of each strategy's figures over the trials.
    pub fn bands_csv(&self) -> String {
        let mut out = String::from("strategy,metric,p5,p50,p95\n");
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        for b in &self.bands {
            let _ = writer.write_record([
                &*text_cell(&b.strategy),
                &*text_cell(&b.metric),
                &b.p5,
                &b.p50,
                &b.p95,
            ]);
        }
        let bytes = writer.into_inner().unwrap_or_default();
        out.push_str(&String::from_utf8_lossy(&bytes));
        out
    }

    pub fn render(&self, format: Format) -> String {
        self.render_with(format, None)
    }

    /// The report in `format`; the table's group breakdown shows each strategy's
    /// `top_groups` costliest groups and one row for the rest (CSV and JSON keep every group).
    pub fn render_with(&self, format: Format, top_groups: Option<usize>) -> String {
        match format {
            Format::Table => self.table_with(top_groups),
            Format::Csv => self.csv(),
            Format::Json => self.json(),
        }
    }

    /// `summary.csv`: the summary columns docs/reports.md lists, one row per strategy.
    pub fn csv(&self) -> String {
        csv_lines(CSV_HEADER, &self.strategies, false)
    }

    /// The reserved row's fit, in words, for the table.
    fn reserved_line(&self) -> Option<String> {
        let r = self
            .strategies
            .iter()
            .find_map(|row| row.reserved.as_ref())?;
        Some(format!(
            "reserved: {} reservations, coverage {}% of instance-seconds, utilization {}%, \
             {} reservation-hours unused ({})",
            r.reservations,
            r.coverage_pct,
            r.utilization_pct,
            r.unused_reservation_hours,
            dollars(&r.unused_reservation_usd)
        ))
    }

    /// `groups.csv`: the same columns per strategy and group.
    pub fn groups_csv(&self) -> String {
        csv_lines(GROUP_CSV_HEADER, &self.groups, true)
    }

    pub fn json(&self) -> String {
        super::json_text(self)
    }

    pub fn table(&self) -> String {
        self.table_with(None)
    }

    /// The table, its groups costliest first within each strategy, and past `top_groups`
    /// of them one "other groups" row.
    pub fn table_with(&self, top_groups: Option<usize>) -> String {
        let mut out = String::new();
        let days = span_days(&self.start, &self.horizon);
        let _ = writeln!(
            out,
            "{}: {} to {}{days}, {} instances, {} events\n",
            self.scenario, self.start, self.horizon, self.instances, self.events
        );
        let strategies: Vec<TableRow> = self
            .strategies
            .iter()
            .map(|r| TableRow::of(r.strategy.clone(), r))
            .collect();
        table_block(&mut out, "strategy", &strategies);
        if !self.groups.is_empty() {
            out.push('\n');
            table_block(&mut out, "group", &group_table(&self.groups, top_groups));
        }
        if !self.bands.is_empty() {
            let _ = writeln!(
                out,
                "\nSpot trials          {:>12} {:>12} {:>12}",
                "p5", "p50", "p95"
            );
            for b in &self.bands {
                let label = format!("{} {}", b.strategy, b.metric);
                let [p5, p50, p95] = [&b.p5, &b.p50, &b.p95].map(|v| grouped(v));
                let _ = writeln!(out, "{label:<20} {p5:>12} {p50:>12} {p95:>12}");
            }
        }
        out.push_str(
            "\nUSD: each total is its exact sum rounded to cents (half up); the parts shown with it \
             are rounded by largest remainder to add up to it.\n",
        );
        for line in self
            .reserved_line()
            .into_iter()
            .chain(self.notes.iter().map(|n| format!("note: {n}")))
        {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

fn row(strategy: &str, group: Option<&str>, totals: &Totals, printed: &PrintedRow) -> SummaryRow {
    let [compute, storage, ipv4, commitment] = printed.columns.map(Usd::cents_string);
    SummaryRow {
        strategy: strategy.to_string(),
        group: group.map(str::to_string),
        compute_usd: compute,
        storage_usd: storage,
        public_ipv4_usd: ipv4,
        commitment_usd: commitment,
        total_usd: printed.total.cents_string(),
        billed_instance_seconds: totals.billed_seconds,
        spot_instance_hours: format!(
            "{:.2}",
            (rust_decimal::Decimal::from(totals.spot_seconds) / rust_decimal::Decimal::from(3600))
                .round_dp(2)
        ),
        interruptions: totals.interruptions,
        savings_vs_on_demand_usd: String::new(),
        reserved: None,
    }
}

/// A strategy's groups, by name, as printed: each group's columns add up to its total, and
/// the groups add up to the strategy's printed row, column by column and in total
/// ([`groups_table`]). Should no such rounding exist, the groups' totals are apportioned from
/// the strategy's total and each group's columns from its own (totals still add up).
fn group_rows(
    strategy: &str,
    ledger: &Ledger,
    printed: &PrintedRow,
) -> Result<Vec<SummaryRow>, MoneyError> {
    let mut groups: Vec<(&Arc<str>, &Totals)> = ledger.groups.iter().collect();
    groups.sort_by(|a, b| a.0.cmp(b.0));
    let cells: Vec<[Usd; 4]> = groups.iter().map(|(_, t)| t.columns()).collect();
    let rows = match groups_table(&cells, printed.columns) {
        Some(rows) => rows,
        None => {
            let exact = groups
                .iter()
                .map(|(_, totals)| exact_total(totals))
                .collect::<Result<Vec<Usd>, MoneyError>>()?;
            let totals = apportion(printed.total, &exact);
            groups
                .iter()
                .zip(totals)
                .map(|((_, t), total)| PrintedRow::within(t, total))
                .collect()
        }
    };
    Ok(groups
        .into_iter()
        .zip(rows)
        .map(|((group, totals), printed)| row(strategy, Some(group), totals, &printed))
        .collect())
}

fn csv_lines(header: &str, rows: &[SummaryRow], with_group: bool) -> String {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let mut out = format!("{header}\n");
    for r in rows {
        let strategy = text_cell(&r.strategy);
        let group = text_cell(r.group.as_deref().unwrap_or(""));
        let mut fields = vec![&*strategy];
        if with_group {
            fields.push(&*group);
        }
        let seconds = r.billed_instance_seconds.to_string();
        fields.extend([
            r.compute_usd.as_str(),
            r.storage_usd.as_str(),
            r.public_ipv4_usd.as_str(),
            r.commitment_usd.as_str(),
            r.total_usd.as_str(),
            seconds.as_str(),
        ]);
        let reserved = reserved_fields(r.reserved.as_ref());
        let interruptions = r.interruptions.to_string();
        if !with_group {
            fields.extend([
                r.spot_instance_hours.as_str(),
                interruptions.as_str(),
                r.savings_vs_on_demand_usd.as_str(),
            ]);
            fields.extend(reserved.iter().map(String::as_str));
        }
        let _ = writer.write_record(&fields);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

/// The reserved columns as CSV cells, empty for the other strategies.
fn reserved_fields(reserved: Option<&ReservedColumns>) -> [String; 5] {
    match reserved {
        Some(r) => [
            r.reservations.to_string(),
            r.coverage_pct.clone(),
            r.utilization_pct.clone(),
            r.unused_reservation_hours.clone(),
            r.unused_reservation_usd.clone(),
        ],
        None => Default::default(),
    }
}

/// One row of a human table: its label, its five money cells (compute, storage, public
/// IPv4, commitment, total) as printed cents, and its billed instance-seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TableRow {
    label: String,
    money: [Decimal; 5],
    billed_seconds: u64,
}

impl TableRow {
    fn of(label: String, r: &SummaryRow) -> TableRow {
        // The cells were printed from `Usd::cents_string`, so they parse; zero otherwise.
        let cell = |text: &str| text.parse::<Decimal>().unwrap_or_default();
        TableRow {
            label,
            money: [
                cell(&r.compute_usd),
                cell(&r.storage_usd),
                cell(&r.public_ipv4_usd),
                cell(&r.commitment_usd),
                cell(&r.total_usd),
            ],
            billed_seconds: r.billed_instance_seconds,
        }
    }

    fn total(&self) -> Decimal {
        self.money[4]
    }
}

/// The group breakdown as the table shows it: each strategy's groups (in the order the
/// strategies come) costliest first, ties by name; with `top`, a strategy's groups past the
/// first `top` become one "(K other groups)" row, each cell the sum of theirs as printed.
/// The printed groups add up to their strategy's printed row, cell by cell
/// (`groups_table`), so the shown rows and the "other" row still do.
fn group_table(groups: &[SummaryRow], top: Option<usize>) -> Vec<TableRow> {
    let mut strategies: Vec<&str> = Vec::new();
    for r in groups {
        if !strategies.contains(&r.strategy.as_str()) {
            strategies.push(&r.strategy);
        }
    }
    let mut table = Vec::with_capacity(groups.len());
    for strategy in strategies {
        let mut rows: Vec<(&str, TableRow)> = groups
            .iter()
            .filter(|r| r.strategy == strategy)
            .map(|r| {
                let name = r.group.as_deref().unwrap_or("");
                (name, TableRow::of(format!("{name} ({strategy})"), r))
            })
            .collect();
        rows.sort_by(|(a, x), (b, y)| y.total().cmp(&x.total()).then_with(|| a.cmp(b)));
        let shown = top.unwrap_or(usize::MAX).min(rows.len());
        let rest = rows.split_off(shown);
        table.extend(rows.into_iter().map(|(_, row)| row));
        if !rest.is_empty() {
            table.push(other_groups(strategy, &rest));
        }
    }
    table
}

/// One row adding up `rest`, cell by cell as printed.
fn other_groups(strategy: &str, rest: &[(&str, TableRow)]) -> TableRow {
    let mut money = [Decimal::ZERO; 5];
    let mut billed_seconds = 0u64;
    for (_, row) in rest {
        // Parts of the strategy's row, so never past its total: saturating only says so.
        for (sum, cell) in money.iter_mut().zip(row.money) {
            *sum = sum.saturating_add(cell);
        }
        billed_seconds = billed_seconds.saturating_add(row.billed_seconds);
    }
    let groups = match rest.len() {
        1 => "1 other group".to_string(),
        n => format!("{n} other groups"),
    };
    TableRow {
        label: format!("({groups}) ({strategy})"),
        money,
        billed_seconds,
    }
}

/// A block of the table: a heading line, then one line per row, the money right-aligned in
/// columns at least 12 wide and wider when a figure needs it.
fn table_block(out: &mut String, title: &str, rows: &[TableRow]) {
    let width = rows
        .iter()
        .map(|r| r.label.len())
        .chain([title.len()])
        .max()
        .unwrap_or(0);
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| r.money.map(|m| dollars(&format!("{m:.2}"))))
        .collect();
    let money = cells
        .iter()
        .flatten()
        .map(String::len)
        .chain([12])
        .max()
        .unwrap_or(12);
    let _ = writeln!(
        out,
        "{title:<width$}  {:>money$}  {:>money$}  {:>money$}  {:>money$}  {:>money$}  {:>14}",
        "compute", "storage", "public IPv4", "commitment", "total", "instance-hours"
    );
    for (r, [compute, storage, ipv4, commitment, total]) in rows.iter().zip(cells) {
        let hours = Decimal::from(r.billed_seconds) / Decimal::from(3600);
        let _ = writeln!(
            out,
            "{:<width$}  {compute:>money$}  {storage:>money$}  {ipv4:>money$}  {commitment:>money$}  {total:>money$}  {:>14}",
            r.label,
            hours.round_dp(2)
        );
    }
}

/// ` (7 days)` for the table's heading.
fn span_days(start: &str, horizon: &str) -> String {
    match (Timestamp::parse(start), Timestamp::parse(horizon)) {
        (Ok(a), Ok(b)) => {
            let seconds = b.since(a).0;
            let days = rust_decimal::Decimal::from(seconds) / rust_decimal::Decimal::from(86_400);
            format!(" ({} days)", days.round_dp(2).normalize())
        }
        _ => String::new(),
    }
}
