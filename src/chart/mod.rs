//! Chart: PNG pictures of what a simulation found, drawn with `plotters`.
//!
//! Owns drawing only. Callers hand over plain numbers: money arrives here as `f64` in USD,
//! converted from `Usd` at the last moment, and times as unix seconds (UTC). Knows nothing
//! of scenarios, billing or strategies beyond their names, which pick colours.
//!
//! Every picture is the same on every machine: text is drawn with the bundled DejaVu Sans
//! (`assets/fonts/`, embedded in the binary) through plotters' `ab_glyph` support, never a
//! system font, and the pixels are encoded to PNG here rather than by an image library that
//! guesses the format from the file name. A chart is drawn completely in memory before the
//! file is written, so a failed chart leaves no half-written file.
//!
//! Colours are fixed per strategy (see [`palette`]): on-demand blue, reserved green, spot
//! orange, mixed purple, everywhere a strategy appears.
//!
//! Each public function checks its input, then calls one drawing function generic over the
//! `DrawingBackend` that goes through the five steps: fill, `ChartBuilder`, mesh, series,
//! `present()?`. Empty input draws a chart that says "no data".

mod areas;
mod axis;
mod bars;
mod frame;
mod lines;
pub mod palette;
mod render;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A series of (unix seconds, value) points.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeries {
    pub name: String,
    pub points: Vec<(i64, f64)>,
}

/// Spot trial bands: p5/p50/p95 of cumulative cost over time (one band per strategy).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub name: String,
    pub times: Vec<i64>,
    pub p5: Vec<f64>,
    pub p50: Vec<f64>,
    pub p95: Vec<f64>,
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font did not parse; only a corrupted build can cause this.
    #[error("the bundled chart font (DejaVu Sans) could not be loaded")]
    Font,
    /// The caller's numbers cannot make a truthful picture.
    #[error("cannot draw the {chart} chart: {detail}")]
    InvalidData { chart: &'static str, detail: String },
    /// plotters reported a failure while drawing in memory.
    #[error("drawing {path} failed: {message}")]
    Drawing { path: PathBuf, message: String },
    /// The drawn pixels could not be encoded as PNG.
    #[error("encoding {path} as PNG failed: {message}")]
    Encode { path: PathBuf, message: String },
    /// The finished PNG could not be written.
    #[error("writing {path} failed: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Cumulative cost over time, one line per strategy (series name = strategy name).
pub fn cumulative_cost(path: &Path, title: &str, series: &[TimeSeries]) -> Result<(), ChartError> {
    validate::time_series("cumulative cost", series)?;
    render::to_png(path, render::SIZE, |root| {
        lines::draw_cumulative_cost(root, title, series)
    })
}

/// Monthly cost stacked by charge kind, one panel per strategy.
/// `months` are labels like "2026-03"; values[(strategy, month, kind)] in USD; kinds in stacking order
/// are "compute", "storage", "public_ipv4", "commitment".
pub fn monthly_by_kind(
    path: &Path,
    title: &str,
    strategies: &[String],
    months: &[String],
    values: &BTreeMap<(String, String, String), f64>,
) -> Result<(), ChartError> {
    validate::monthly(values)?;
    let size = bars::size_for(strategies.len());
    render::to_png(path, size, |root| {
        bars::draw_monthly_by_kind(root, title, strategies, months, values)
    })
}

/// Fleet composition over time as stacked areas: categories such as "On-Demand",
/// "reservation-covered", "Spot", "stopped" (category name, value at each time).
/// Each value holds from its time until the next one (a step chart, as instance counts do).
pub fn fleet_composition(
    path: &Path,
    title: &str,
    times: &[i64],
    categories: &[(String, Vec<f64>)],
) -> Result<(), ChartError> {
    validate::fleet(times, categories)?;
    render::to_png(path, render::SIZE, |root| {
        areas::draw_fleet_composition(root, title, times, categories)
    })
}

/// Total cost against the number of reservations, the chosen count marked.
/// `costs[n]` is the total in USD with `n` reservations.
pub fn reservation_curve(
    path: &Path,
    title: &str,
    costs: &[f64],
    chosen: usize,
) -> Result<(), ChartError> {
    validate::reservation_curve(costs, chosen)?;
    render::to_png(path, render::SIZE, |root| {
        lines::draw_reservation_curve(root, title, costs, chosen)
    })
}

/// Spot trial bands: p5/p50/p95 of cumulative cost over time (one band per strategy).
pub fn spot_bands(path: &Path, title: &str, bands: &[Band]) -> Result<(), ChartError> {
    spot_bands_with_reference(path, title, bands, &[])
}

/// Spot trial bands with reference lines (such as On-Demand's cumulative cost) drawn dashed
/// beside them, on a USD axis from zero.
pub fn spot_bands_with_reference(
    path: &Path,
    title: &str,
    bands: &[Band],
    reference: &[TimeSeries],
) -> Result<(), ChartError> {
    validate::bands(bands)?;
    validate::time_series("spot bands", reference)?;
    render::to_png(path, render::SIZE, |root| {
        lines::draw_spot_bands(root, title, bands, reference)
    })
}

/// The fleet chart's legend: the categories that hold an instance at some time, top of the
/// stack first (a category that is zero everywhere is neither drawn nor listed).
pub fn fleet_legend(categories: &[(String, Vec<f64>)]) -> Vec<String> {
    areas::shown(categories)
        .into_iter()
        .rev()
        .map(|(name, _)| name.clone())
        .collect()
}

/// The monthly chart's legend: the charge kinds some strategy has a cost of in some month,
/// top of the stack first (public IPv4 is left out where no address exists).
pub fn monthly_legend(values: &BTreeMap<(String, String, String), f64>) -> Vec<String> {
    bars::kinds(values)
        .into_iter()
        .rev()
        .map(|(_, label)| label)
        .collect()
}
