//! The `recommend` report: one row per pool, with the figures behind the count.

use super::dollars::{dollars, in_text};
use super::summary::Format;
use crate::money::MoneyError;
use crate::pricing::OfferTerms;
use crate::simulation::Outcome;
use crate::spreadsheet::text_cell;
use crate::strategy::Recommendation;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecommendationRow {
    pub region: String,
    pub os: String,
    /// The family for size-flexible reservations, else the instance type.
    pub pool: String,
    pub instance_type: String,
    pub count: u64,
    pub utilization_pct: String,
    pub on_demand_usd: String,
    pub with_reservations_usd: String,
    pub savings_usd: String,
    pub break_even_utilization_pct: String,
    /// Empty when the upfront is never repaid (or there is none to repay).
    pub months_to_break_even: String,
    pub one_more_changes_cost_usd: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecommendationReport {
    pub scenario: String,
    pub start: String,
    pub horizon: String,
    pub offer: String,
    pub recommendations: Vec<RecommendationRow>,
}

const HEADER: [&str; 13] = [
    "region",
    "os",
    "pool",
    "instance_type",
    "count",
    "utilization_pct",
    "on_demand_usd",
    "with_reservations_usd",
    "savings_usd",
    "break_even_utilization_pct",
    "months_to_break_even",
    "one_more_changes_cost_usd",
    "why",
];

impl RecommendationReport {
    pub fn new(
        scenario: &str,
        outcome: &Outcome,
        terms: OfferTerms,
    ) -> Result<RecommendationReport, MoneyError> {
        let recommendations = outcome
            .reserved
            .iter()
            .flat_map(|fit| fit.recommendations.iter())
            .map(row)
            .collect::<Result<_, _>>()?;
        Ok(RecommendationReport {
            scenario: scenario.to_string(),
            start: outcome.start.to_string(),
            horizon: outcome.horizon.to_string(),
            offer: terms.to_string(),
            recommendations,
        })
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Csv => self.csv(),
            Format::Json => super::json_text(self),
            Format::Table => self.table(),
        }
    }

    pub fn csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(HEADER);
        for r in &self.recommendations {
            let count = r.count.to_string();
            let _ = writer.write_record([
                &*text_cell(&r.region),
                &*text_cell(&r.os),
                &*text_cell(&r.pool),
                &*text_cell(&r.instance_type),
                &count,
                &r.utilization_pct,
                &r.on_demand_usd,
                &r.with_reservations_usd,
                &r.savings_usd,
                &r.break_even_utilization_pct,
                &r.months_to_break_even,
                &r.one_more_changes_cost_usd,
                &*text_cell(&r.why),
            ]);
        }
        String::from_utf8_lossy(&writer.into_inner().unwrap_or_default()).into_owned()
    }

    fn table(&self) -> String {
        let mut out = format!(
            "{}: {} to {}, reservations {} held for the whole replay\n\n",
            self.scenario, self.start, self.horizon, self.offer
        );
        if self.recommendations.is_empty() {
            out.push_str(
                "No usage has a Reserved Instance price in the catalog: nothing to recommend.\n",
            );
            return out;
        }
        // Pools are per region, operating system and family (or type): each label says all
        // three, and the column is as wide as the longest.
        let labels: Vec<String> = self
            .recommendations
            .iter()
            .map(|r| format!("{} {} {}", r.region, r.os, r.pool))
            .collect();
        let width = labels.iter().map(String::len).max().unwrap_or(4).max(4);
        let money: Vec<[String; 3]> = self
            .recommendations
            .iter()
            .map(|r| {
                [&r.on_demand_usd, &r.with_reservations_usd, &r.savings_usd].map(|m| dollars(m))
            })
            .collect();
        // At least as wide as before thousands separators, wider when a figure needs it.
        let cost = money
            .iter()
            .flat_map(|m| [m[0].len(), m[1].len()])
            .chain([12])
            .max()
            .unwrap_or(12);
        let saved = money
            .iter()
            .map(|m| m[2].len())
            .chain([11])
            .max()
            .unwrap_or(11);
        let _ = writeln!(
            out,
            "{:<width$} {:<14} {:>5} {:>11} {:>cost$} {:>cost$} {:>saved$} {:>10}",
            "pool", "buy", "count", "utilization", "on-demand", "reserved", "savings", "break-even"
        );
        for ((r, pool), [on_demand, reserved, savings]) in
            self.recommendations.iter().zip(&labels).zip(money)
        {
            let _ = writeln!(
                out,
                "{:<width$} {:<14} {:>5} {:>10}% {on_demand:>cost$} {reserved:>cost$} {savings:>saved$} {:>9}%",
                pool,
                r.instance_type,
                r.count,
                r.utilization_pct,
                r.break_even_utilization_pct
            );
        }
        out.push('\n');
        for (r, pool) in self.recommendations.iter().zip(&labels) {
            let _ = writeln!(out, "{pool}: {}", in_text(&r.why));
        }
        out
    }
}

fn row(r: &Recommendation) -> Result<RecommendationRow, MoneyError> {
    Ok(RecommendationRow {
        region: r.pool.region.to_string(),
        os: r.pool.os.to_string(),
        pool: r.pool.scope.to_string(),
        instance_type: r.instance_type.to_string(),
        count: r.count,
        utilization_pct: format!("{:.1}", r.utilization_pct),
        on_demand_usd: r.on_demand_cost.cents_string(),
        with_reservations_usd: r.total_cost.cents_string(),
        savings_usd: r.savings()?.cents_string(),
        break_even_utilization_pct: format!("{:.1}", r.break_even_pct),
        months_to_break_even: r
            .months_to_break_even
            .map(|m| m.to_string())
            .unwrap_or_default(),
        one_more_changes_cost_usd: r.next_one_changes_cost_by.cents_string(),
        why: r.explanation.clone(),
    })
}
