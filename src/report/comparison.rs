//! The `compare` report: one row per scenario (or variant) and strategy, with the
//! difference to the first.

use super::dollars::{dollars, signed_dollars};
use super::summary::{Format, SummaryRow};
use crate::spreadsheet::text_cell;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComparisonRow {
    pub scenario: String,
    pub variant: String,
    pub strategy: String,
    pub compute_usd: String,
    pub storage_usd: String,
    pub public_ipv4_usd: String,
    pub commitment_usd: String,
    pub total_usd: String,
    /// Total minus the first scenario's total under the same strategy.
    pub difference_usd: String,
    /// That difference as a percentage of the first total (empty when it is zero).
    pub difference_pct: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComparisonReport {
    pub rows: Vec<ComparisonRow>,
    /// What the reader should know about how figures were obtained (each run's notes, named
    /// by its scenario), as the summary has them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

const HEADER: [&str; 10] = [
    "scenario",
    "variant",
    "strategy",
    "compute_usd",
    "storage_usd",
    "public_ipv4_usd",
    "commitment_usd",
    "total_usd",
    "difference_usd",
    "difference_pct",
];

impl ComparisonReport {
    /// `runs`: (scenario, variant, summary rows), the baseline first.
    pub fn new(runs: &[(String, String, Vec<SummaryRow>)]) -> ComparisonReport {
        let baseline = runs
            .first()
            .map(|(_, _, rows)| rows.as_slice())
            .unwrap_or_default();
        let mut rows = Vec::new();
        for (scenario, variant, summary) in runs {
            for row in summary {
                let base = baseline.iter().find(|b| b.strategy == row.strategy);
                let (difference_usd, difference_pct) =
                    difference(base.map(|b| b.total_usd.as_str()), &row.total_usd);
                rows.push(ComparisonRow {
                    scenario: scenario.clone(),
                    variant: variant.clone(),
                    strategy: row.strategy.clone(),
                    compute_usd: row.compute_usd.clone(),
                    storage_usd: row.storage_usd.clone(),
                    public_ipv4_usd: row.public_ipv4_usd.clone(),
                    commitment_usd: row.commitment_usd.clone(),
                    total_usd: row.total_usd.clone(),
                    difference_usd,
                    difference_pct,
                });
            }
        }
        ComparisonReport {
            rows,
            notes: Vec::new(),
        }
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Csv => self.csv(),
            Format::Json => super::json_text(self),
            Format::Table => self.table(),
        }
    }

    fn csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(HEADER);
        for r in &self.rows {
            let _ = writer.write_record([
                &*text_cell(&r.scenario),
                &*text_cell(&r.variant),
                &*text_cell(&r.strategy),
                &r.compute_usd,
                &r.storage_usd,
                &r.public_ipv4_usd,
                &r.commitment_usd,
                &r.total_usd,
                &r.difference_usd,
                &r.difference_pct,
            ]);
        }
        String::from_utf8_lossy(&writer.into_inner().unwrap_or_default()).into_owned()
    }

    fn table(&self) -> String {
        let label = |r: &ComparisonRow| {
            if r.variant.is_empty() {
                r.scenario.clone()
            } else {
                format!("{} [{}]", r.scenario, r.variant)
            }
        };
        let width = self
            .rows
            .iter()
            .map(|r| label(r).len())
            .max()
            .unwrap_or(8)
            .max(8);
        let cells: Vec<[String; 6]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    dollars(&r.compute_usd),
                    dollars(&r.storage_usd),
                    dollars(&r.public_ipv4_usd),
                    dollars(&r.commitment_usd),
                    dollars(&r.total_usd),
                    signed_dollars(&r.difference_usd),
                ]
            })
            .collect();
        // At least as wide as before thousands separators, wider when a figure needs it.
        let money = cells
            .iter()
            .flatten()
            .map(String::len)
            .chain([12])
            .max()
            .unwrap_or(12);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<width$}  {:<10} {:>money$} {:>money$} {:>money$} {:>money$} {:>money$} {:>money$} {:>8}",
            "scenario",
            "strategy",
            "compute",
            "storage",
            "public IPv4",
            "commitment",
            "total",
            "vs first",
            "%"
        );
        for (r, [compute, storage, ipv4, commitment, total, difference]) in
            self.rows.iter().zip(cells)
        {
            let _ = writeln!(
                out,
                "{:<width$}  {:<10} {compute:>money$} {storage:>money$} {ipv4:>money$} {commitment:>money$} {total:>money$} {difference:>money$} {:>8}",
                label(r),
                r.strategy,
                r.difference_pct
            );
        }
        out.push_str("\nUSD, rounded to cents; \"vs first\" is the total minus the first row's total for the same strategy.\n");
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }
}

fn difference(base: Option<&str>, total: &str) -> (String, String) {
    let (Some(Ok(base)), Ok(total)) = (base.map(str::parse::<Decimal>), total.parse::<Decimal>())
    else {
        return (String::new(), String::new());
    };
    let diff = total - base;
    let pct = if base.is_zero() {
        String::new()
    } else {
        format!("{:.1}", (diff * Decimal::ONE_HUNDRED / base).round_dp(1))
    };
    (format!("{diff:.2}"), pct)
}
