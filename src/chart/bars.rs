//! Monthly cost: one panel per strategy, one bar per month, stacked by charge kind in shades
//! of the strategy's colour, all panels on the same USD scale so they compare at a glance.

use std::collections::{BTreeMap, BTreeSet};

use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis;
use super::frame::{self, DrawResult, LegendEntry, Swatch};
use super::palette;
use super::render::SIZE;

type Values = BTreeMap<(String, String, String), f64>;

/// The charge kinds in stacking order (bottom first), with their legend labels.
const KINDS: [(&str, &str); 4] = [
    ("compute", "compute"),
    ("storage", "storage"),
    ("public_ipv4", "public IPv4"),
    ("commitment", "commitment"),
];

/// Months are drawn on an integer axis scaled by this factor: a bar is 70 units wide in a
/// 100-unit slot, and labels fall on whole months only.
const SLOT: i64 = 100;
const BAR_HALF_WIDTH: i64 = 35;
const PANEL_HEIGHT: u32 = 300;

/// The picture grows by one panel height per strategy beyond two.
pub(super) fn size_for(strategies: usize) -> (u32, u32) {
    let panels = u32::try_from(strategies.max(1)).unwrap_or(u32::MAX);
    let height = panels.saturating_mul(PANEL_HEIGHT).saturating_add(120);
    (SIZE.0, height.max(SIZE.1))
}

/// The four known kinds, then any other kind found in `values`, alphabetically, so no
/// charge is left out of a bar; a kind that is zero (or absent) everywhere is left out, so
/// the legend lists only what the bars show.
pub(super) fn kinds(values: &Values) -> Vec<(String, String)> {
    let some: BTreeSet<&str> = values
        .iter()
        .filter(|(_, v)| **v != 0.0)
        .map(|((_, _, kind), _)| kind.as_str())
        .collect();
    all_kinds(values)
        .into_iter()
        .filter(|(kind, _)| some.contains(kind.as_str()))
        .collect()
}

fn all_kinds(values: &Values) -> Vec<(String, String)> {
    let known: BTreeSet<&str> = KINDS.iter().map(|k| k.0).collect();
    let extra: BTreeSet<&String> = values
        .keys()
        .map(|(_, _, kind)| kind)
        .filter(|kind| !known.contains(kind.as_str()))
        .collect();
    KINDS
        .iter()
        .map(|(key, label)| (key.to_string(), label.to_string()))
        .chain(extra.into_iter().map(|k| (k.clone(), k.replace('_', " "))))
        .collect()
}

/// A kind's shade of `base`: by its place among the known kinds, so leaving a kind out of
/// the chart changes no other kind's shade.
fn shade(base: RGBColor, kind: &str) -> RGBColor {
    let index = KINDS
        .iter()
        .position(|k| k.0 == kind)
        .unwrap_or(KINDS.len());
    palette::kind_shade(base, index)
}

/// Sum of all kinds of one strategy in one month.
fn total(values: &Values, strategy: &str, month: &str, kinds: &[(String, String)]) -> f64 {
    kinds
        .iter()
        .filter_map(|(kind, _)| values.get(&(strategy.into(), month.into(), kind.clone())))
        .sum()
}

pub(super) fn draw_monthly_by_kind<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    strategies: &[String],
    months: &[String],
    values: &Values,
) -> DrawResult<(), DB> {
    let kinds = kinds(values);
    let labels: Vec<&str> = kinds.iter().map(|k| k.1.as_str()).collect();
    let page = frame::page(root, title, &labels)?;
    if strategies.is_empty() || months.is_empty() {
        frame::no_data(&page.plot, "month (UTC)", "USD")?;
        return root.present();
    }
    let totals: Vec<f64> = strategies
        .iter()
        .flat_map(|s| months.iter().map(|m| total(values, s, m, &kinds)))
        .collect();
    let hi = totals.iter().copied().fold(0.0, f64::max);
    let lo = totals.iter().copied().fold(0.0, f64::min);
    // Headroom above the tallest bar for its total label.
    let y = axis::value_range(lo, hi * 1.08, true);
    let colours = palette::assign(strategies);
    let n = strategies.len();
    let plots = page.plot.split_evenly((n, 1));
    let legends = page.legend.split_evenly((n, 1));
    for (i, ((strategy, colour), (plot, legend))) in strategies
        .iter()
        .zip(colours)
        .zip(plots.iter().zip(&legends))
        .enumerate()
    {
        let panel = Panel {
            strategy,
            colour,
            months,
            kinds: &kinds,
            y: y.clone(),
            bottom: i + 1 == n,
        };
        panel.draw(plot, values)?;
        // Each panel lists the kinds its strategy has a cost of.
        let entries: Vec<LegendEntry> = kinds
            .iter()
            .filter(|(kind, _)| {
                values
                    .iter()
                    .any(|((s, _, k), v)| s == strategy && k == kind && *v != 0.0)
            })
            .rev()
            .map(|(kind, label)| {
                LegendEntry::new(label.clone(), Swatch::Block(shade(colour, kind)))
            })
            .collect();
        frame::legend(legend, &format!("{strategy}, by kind"), &entries)?;
    }
    root.present()
}

/// One strategy's bars.
struct Panel<'a> {
    strategy: &'a str,
    colour: RGBColor,
    months: &'a [String],
    kinds: &'a [(String, String)],
    y: std::ops::Range<f64>,
    /// Only the bottom panel names the x axis.
    bottom: bool,
}

impl Panel<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        values: &Values,
    ) -> DrawResult<(), DB> {
        let n = self.months.len() as i64;
        let x_range = (-SLOT / 2)..(n * SLOT - SLOT / 2);
        let every = (n + 13) / 14;
        let ticks: Vec<i64> = (0..n)
            .step_by(every.max(1) as usize)
            .map(|i| i * SLOT)
            .collect();
        let caption = frame::text(22.0).color(&self.colour);
        let decimals = axis::decimals_for(&self.y);
        let y_label = |v: &f64| axis::usd(*v, decimals);
        let widest = [y_label(&self.y.start), y_label(&self.y.end)];
        let mut chart = frame::builder(area, &widest)?
            .x_label_area_size(if self.bottom { 70 } else { 40 })
            .caption(self.strategy, caption)
            .build_cartesian_2d(x_range.with_key_points(ticks), self.y.clone())?;
        let x_label = |x: &i64| {
            let i = usize::try_from(x / SLOT).unwrap_or(usize::MAX);
            self.months.get(i).cloned().unwrap_or_default()
        };
        let mut mesh = chart.configure_mesh();
        frame::house_mesh(&mut mesh);
        mesh.x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .y_labels(5)
            .y_desc("USD")
            .disable_x_mesh();
        if self.bottom {
            mesh.x_desc("month (UTC)");
        }
        mesh.draw()?;
        let slot_px = chart.plotting_area().dim_in_pixel().0 as f64 / n as f64;
        let lift = (self.y.end - self.y.start) * 0.02;
        let mut any = false;
        for (i, month) in self.months.iter().enumerate() {
            let x = i as i64 * SLOT;
            let mut base = 0.0;
            for (kind, _) in self.kinds {
                let key = (self.strategy.to_string(), month.clone(), kind.clone());
                let Some(&v) = values.get(&key) else { continue };
                any = true;
                if v == 0.0 {
                    continue;
                }
                let corners = [(x - BAR_HALF_WIDTH, base), (x + BAR_HALF_WIDTH, base + v)];
                let shade = shade(self.colour, kind);
                chart.draw_series([
                    Rectangle::new(corners, shade.filled()),
                    Rectangle::new(corners, WHITE.stroke_width(1)),
                ])?;
                base += v;
            }
            let label = axis::usd(base, 2);
            let style = frame::text(16.0).pos(Pos::new(HPos::Center, VPos::Bottom));
            let width = area.estimate_text_size(&label, &style)?.0 as f64;
            if width + 6.0 <= slot_px {
                chart.draw_series([Text::new(label, (x, base.max(0.0) + lift), style)])?;
            }
        }
        if !any {
            let style = frame::text(24.0)
                .color(&frame::MUTED)
                .pos(Pos::new(HPos::Center, VPos::Center));
            let middle = (self.y.start + self.y.end) / 2.0;
            chart.draw_series([Text::new("no data", ((n - 1) * SLOT / 2, middle), style)])?;
        }
        Ok(())
    }
}
