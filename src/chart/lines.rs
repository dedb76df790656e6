//! Line charts: cumulative cost, spot trial bands, and the reservation cost curve.

use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::axis::{self, TimeAxis};
use super::frame::{self, DrawResult, LegendEntry, Swatch, YAxis};
use super::palette;
use super::{Band, TimeSeries};

const DATE_DESC: &str = "date (UTC)";
const USD_DESC: &str = "USD";

/// The smallest and largest of `values`, if there are any.
fn extent<T: PartialOrd + Copy>(values: impl Iterator<Item = T>) -> Option<(T, T)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((if v < lo { v } else { lo }, if v > hi { v } else { hi })),
    })
}

pub(super) fn draw_cumulative_cost<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    series: &[TimeSeries],
) -> DrawResult<(), DB> {
    let colours = palette::assign(&series.iter().map(|s| &s.name).collect::<Vec<_>>());
    let entries: Vec<LegendEntry> = series
        .iter()
        .zip(&colours)
        .map(|(s, c)| {
            let total = s.points.last().map(|p| axis::usd(p.1, 2));
            let label = format!("{}: {}", s.name, total.as_deref().unwrap_or("no data"));
            LegendEntry::new(label, Swatch::Line(*c))
        })
        .collect();
    let page = frame::page(root, title, &labels(&entries))?;
    let times = extent(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
    let values = extent(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
    let (Some((t0, t1)), Some((lo, hi))) = (times, values) else {
        frame::no_data(&page.plot, DATE_DESC, USD_DESC)?;
        return root.present();
    };
    let x = TimeAxis::new(t0, t1);
    // Cost starts at nothing: the axis starts at zero whatever the lowest value.
    let y = axis::value_range(lo.min(0.0), hi, true);
    let decimals = axis::decimals_for(&y);
    let label = |v: &f64| axis::usd(*v, decimals);
    let y = YAxis {
        range: y,
        desc: USD_DESC,
        label: &label,
        ticks: 10,
    };
    let mut chart = frame::time_chart(&page.plot, &x, y)?;
    // Lines drawn later are thinner, so where strategies cost the same every colour shows.
    let widths = (0..series.len()).map(|i| 3 + (series.len().min(4) - 1).saturating_sub(i));
    for ((s, colour), width) in series.iter().zip(&colours).zip(widths) {
        chart.draw_series(LineSeries::new(
            s.points.iter().copied(),
            colour.stroke_width(width as u32),
        ))?;
        if let [only] = s.points.as_slice() {
            chart.draw_series(std::iter::once(Circle::new(*only, 5, colour.filled())))?;
        }
    }
    frame::legend(&page.legend, "strategy: total", &entries)?;
    root.present()
}

pub(super) fn draw_spot_bands<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    bands: &[Band],
    reference: &[TimeSeries],
) -> DrawResult<(), DB> {
    let colours = palette::assign(&bands.iter().map(|b| &b.name).collect::<Vec<_>>());
    let reference_colours = palette::assign(
        &reference
            .iter()
            .map(|s| s.name.split(' ').next().unwrap_or(""))
            .collect::<Vec<_>>(),
    );
    let mut entries = Vec::new();
    for (s, colour) in reference.iter().zip(&reference_colours) {
        let total = s.points.last().map(|p| axis::usd(p.1, 2));
        let label = format!("{}: {}", s.name, total.as_deref().unwrap_or("no data"));
        entries.push(LegendEntry::new(label, Swatch::Dashed(*colour)));
    }
    for (band, colour) in bands.iter().zip(&colours) {
        entries.push(LegendEntry::new(
            format!("{} median", band.name),
            Swatch::Line(*colour),
        ));
        entries.push(LegendEntry::new(
            format!("{} p5–p95", band.name),
            Swatch::Band(*colour),
        ));
    }
    let page = frame::page(root, title, &labels(&entries))?;
    let reference_points = || reference.iter().flat_map(|s| s.points.iter());
    let times = extent(
        bands
            .iter()
            .flat_map(|b| b.times.iter().copied())
            .chain(reference_points().map(|p| p.0)),
    );
    let values = extent(
        bands
            .iter()
            .flat_map(|b| b.p5.iter().chain(&b.p50).chain(&b.p95).copied())
            .chain(reference_points().map(|p| p.1)),
    );
    let (Some((t0, t1)), Some((lo, hi))) = (times, values) else {
        frame::no_data(&page.plot, DATE_DESC, USD_DESC)?;
        return root.present();
    };
    let x = TimeAxis::new(t0, t1);
    // Cost starts at nothing: the axis starts at zero whatever the lowest value.
    let y = axis::value_range(lo.min(0.0), hi, true);
    let decimals = axis::decimals_for(&y);
    let label = |v: &f64| axis::usd(*v, decimals);
    let y = YAxis {
        range: y,
        desc: USD_DESC,
        label: &label,
        ticks: 10,
    };
    let mut chart = frame::time_chart(&page.plot, &x, y)?;
    // All shaded bands first, then every line, so no band hides another band's median.
    for (band, colour) in bands.iter().zip(&colours) {
        let upper = band.times.iter().copied().zip(band.p95.iter().copied());
        let lower = band
            .times
            .iter()
            .copied()
            .zip(band.p5.iter().copied())
            .rev();
        let outline: Vec<(i64, f64)> = upper.chain(lower).collect();
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            colour.mix(0.22).filled(),
        )))?;
    }
    for (s, colour) in reference.iter().zip(&reference_colours) {
        let dashes = colour.stroke_width(2);
        chart.draw_series(DashedLineSeries::new(
            s.points.iter().copied(),
            10,
            6,
            dashes,
        ))?;
    }
    for (band, colour) in bands.iter().zip(&colours) {
        for edge in [&band.p5, &band.p95] {
            let points = band.times.iter().copied().zip(edge.iter().copied());
            chart.draw_series(LineSeries::new(points, colour.mix(0.6).stroke_width(1)))?;
        }
        let median: Vec<(i64, f64)> = band
            .times
            .iter()
            .copied()
            .zip(band.p50.iter().copied())
            .collect();
        chart.draw_series(LineSeries::new(
            median.iter().copied(),
            colour.stroke_width(3),
        ))?;
        if let [only] = median.as_slice() {
            chart.draw_series(std::iter::once(Circle::new(*only, 5, colour.filled())))?;
        }
    }
    frame::legend(&page.legend, "strategy", &entries)?;
    root.present()
}

/// Counts are drawn on an integer axis scaled by this factor, so the axis can leave half a
/// count of room at each end and still label whole counts only.
const COUNT_SCALE: i64 = 100;

pub(super) fn draw_reservation_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    costs: &[f64],
    chosen: usize,
) -> DrawResult<(), DB> {
    let (Some(&baseline), Some(&picked)) = (costs.first(), costs.get(chosen)) else {
        let page = frame::page(root, title, &[])?;
        frame::no_data(&page.plot, "reservations held", USD_DESC)?;
        return root.present();
    };
    let saving = baseline - picked;
    let entries = [
        LegendEntry::new("total cost", Swatch::Line(palette::RESERVED)),
        LegendEntry::new(
            format!("0 reserved (all On-Demand): {}", axis::usd(baseline, 2)),
            Swatch::Dashed(palette::ON_DEMAND),
        ),
        LegendEntry::new(
            format!("chosen: {chosen} → {}", axis::usd(picked, 2)),
            Swatch::Ring(frame::INK),
        ),
    ];
    let page = frame::page(root, title, &labels(&entries))?;
    let last = costs.len() as i64 - 1;
    let x_range = (-COUNT_SCALE / 2)..(last * COUNT_SCALE + COUNT_SCALE / 2);
    let ticks = count_ticks(last);
    let (lo, hi) = extent(costs.iter().copied()).unwrap_or((picked, picked));
    // Extra room below the lowest cost for the chosen count's note.
    let y = axis::value_range(lo - (hi - lo) * 0.15, hi, false);
    let decimals = axis::decimals_for(&y);
    let y_label = |v: &f64| axis::usd(*v, decimals);
    let widest = [y_label(&y.start), y_label(&y.end)];
    let mut chart = frame::builder(&page.plot, &widest)?
        .build_cartesian_2d(x_range.clone().with_key_points(ticks), y.clone())?;
    let x_label = |x: &i64| (x / COUNT_SCALE).to_string();
    let mut mesh = chart.configure_mesh();
    frame::house_mesh(&mut mesh);
    mesh.x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc("reservations held")
        .y_desc("USD (total over the replay)")
        .draw()?;
    let points: Vec<(i64, f64)> = (0..)
        .map(|n: i64| n * COUNT_SCALE)
        .zip(costs.iter().copied())
        .collect();
    let baseline_line = [(x_range.start, baseline), (x_range.end, baseline)];
    let dashes = palette::ON_DEMAND.stroke_width(2);
    chart.draw_series(DashedLineSeries::new(baseline_line, 10, 6, dashes))?;
    let line = palette::RESERVED.stroke_width(3);
    chart.draw_series(LineSeries::new(points.iter().copied(), line))?;
    if points.len() <= 80 {
        let dot = |p: &(i64, f64)| Circle::new(*p, 4, palette::RESERVED.filled());
        chart.draw_series(points.iter().map(dot))?;
    }
    let at = (chosen as i64 * COUNT_SCALE, picked);
    let drop = [(at.0, y.start), at];
    chart.draw_series(DashedLineSeries::new(
        drop,
        6,
        4,
        frame::INK.stroke_width(2),
    ))?;
    chart.draw_series([Circle::new(at, 12, frame::INK.stroke_width(3))])?;
    let note = if saving > 0.0 {
        let (cost, saved) = (axis::usd(picked, 2), axis::usd(saving, 2));
        format!("{chosen} reserved: {cost}, saves {saved}")
    } else {
        format!("{chosen} reserved: {}", axis::usd(picked, 2))
    };
    let anchor = note_anchor(chosen as i64, last);
    note_below(root, chart.backend_coord(&at), &note, anchor)?;
    frame::legend(&page.legend, "reservations", &entries)?;
    root.present()
}

/// `note` in a white box under the point `at` (pixels), hanging from `anchor`, so it
/// stays readable whatever line runs behind it.
fn note_below<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    note: &str,
    anchor: HPos,
) -> DrawResult<(), DB> {
    let style = frame::text(frame::LABEL_SIZE + 2.0);
    let (w, h) = root.estimate_text_size(note, &style)?;
    let (w, h) = (w as i32, h as i32);
    let left = match anchor {
        HPos::Left => at.0 - 16,
        HPos::Right => at.0 + 16 - w,
        HPos::Center => at.0 - w / 2,
    };
    let top = at.1 + 24;
    let corners = [(left - 8, top - 6), (left + w + 8, top + h + 6)];
    root.draw(&Rectangle::new(corners, WHITE.filled()))?;
    root.draw(&Rectangle::new(corners, frame::MUTED.stroke_width(1)))?;
    root.draw(&Text::new(note.to_string(), (left, top), style))
}

/// Where the chosen count's note hangs from, so it stays inside the plot at either end.
fn note_anchor(chosen: i64, last: i64) -> HPos {
    if last <= 0 {
        HPos::Center
    } else if chosen * 10 < last * 3 {
        HPos::Left
    } else if chosen * 10 > last * 7 {
        HPos::Right
    } else {
        HPos::Center
    }
}

/// Whole-count tick positions from 0 to `last`, at most about 15 of them.
fn count_ticks(last: i64) -> Vec<i64> {
    let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 10_000, 100_000]
        .into_iter()
        .find(|step| last / step <= 15)
        .unwrap_or(last.max(1));
    (0..=last / step).map(|k| k * step * COUNT_SCALE).collect()
}

fn labels(entries: &[LegendEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.label.as_str()).collect()
}
