//! Fleet composition: instance counts by category as stacked areas over time.
//!
//! Counts change in steps (an instance starts or stops at an instant), so each value holds
//! from its time until the next time: the areas are step-shaped, not interpolated. The last
//! time closes the picture.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{self, TimeAxis};
use super::frame::{self, DrawResult, LegendEntry, Swatch, YAxis};
use super::palette;

/// The step outline of `values` at `times`: each value held until the next time.
fn steps(times: &[i64], values: &[f64]) -> Vec<(i64, f64)> {
    let mut out = Vec::with_capacity(times.len() * 2);
    for (i, (&t, &v)) in times.iter().zip(values).enumerate() {
        out.push((t, v));
        if let Some(&next) = times.get(i + 1) {
            out.push((next, v));
        }
    }
    out
}

/// The running sums of `categories` at each time: `layers[k][i]` is the top of category `k`.
fn stack(times: &[i64], categories: &[(String, Vec<f64>)]) -> Vec<Vec<f64>> {
    let mut running = vec![0.0; times.len()];
    categories
        .iter()
        .map(|(_, values)| {
            for (sum, v) in running.iter_mut().zip(values) {
                *sum += v;
            }
            running.clone()
        })
        .collect()
}

/// The categories with an instance at some time, in stacking order.
pub(super) fn shown(categories: &[(String, Vec<f64>)]) -> Vec<&(String, Vec<f64>)> {
    categories
        .iter()
        .filter(|(_, values)| values.iter().any(|v| *v != 0.0))
        .collect()
}

pub(super) fn draw_fleet_composition<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    times: &[i64],
    categories: &[(String, Vec<f64>)],
) -> DrawResult<(), DB> {
    // Colours follow the names, so leaving a category out changes no other's colour.
    let categories: Vec<(String, Vec<f64>)> = shown(categories).into_iter().cloned().collect();
    let categories = categories.as_slice();
    let colours = palette::assign(&categories.iter().map(|c| &c.0).collect::<Vec<_>>());
    // Listed top of the stack first, as the areas read from top to bottom.
    let entries: Vec<LegendEntry> = categories
        .iter()
        .zip(&colours)
        .rev()
        .map(|((name, _), c)| LegendEntry::new(name.clone(), Swatch::Block(*c)))
        .collect();
    let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
    let page = frame::page(root, title, &labels)?;
    let (Some(&t0), Some(&t1), false) = (times.first(), times.last(), categories.is_empty()) else {
        frame::no_data(&page.plot, "time (UTC)", "instances")?;
        return root.present();
    };
    let layers = stack(times, categories);
    let peak = layers
        .last()
        .map_or(0.0, |top| top.iter().copied().fold(0.0, f64::max));
    let x = TimeAxis::new(t0, t1);
    let range = axis::value_range(0.0, peak, true);
    // Whole instances get whole-number labels only: no more labels than whole steps.
    let whole = layers.iter().flatten().all(|v| v.fract() == 0.0);
    let (decimals, ticks) = if whole {
        (0, (peak as usize).saturating_add(1).clamp(2, 10))
    } else {
        (axis::decimals_for(&range), 10)
    };
    let label = |v: &f64| axis::number(*v, decimals);
    let y = YAxis {
        range,
        desc: "instances",
        label: &label,
        ticks,
    };
    let mut chart = frame::time_chart(&page.plot, &x, y)?;
    let zero = vec![0.0; times.len()];
    let mut below = &zero;
    for (layer, colour) in layers.iter().zip(&colours) {
        let mut outline = steps(times, layer);
        outline.extend(steps(times, below).into_iter().rev());
        chart.draw_series([Polygon::new(outline, colour.filled())])?;
        below = layer;
    }
    frame::legend(&page.legend, "category", &entries)?;
    root.present()
}
