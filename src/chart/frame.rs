//! Frame: what every chart shares. The white page and its title, a legend column to the
//! right of the plot (so a legend never covers data, however the lines run), the house
//! style of axes and labels, and the "no data" picture.

use plotters::chart::{ChartContext, MeshStyle};
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::combinators::{BindKeyPoints, WithKeyPoints};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::{RangedCoordf64, RangedCoordi64};
use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::TimeAxis;
use super::render::FAMILY;

/// What a drawing function returns: plotters' error for the backend it draws on.
pub(super) type DrawResult<T, DB> =
    Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

pub(super) const TITLE_SIZE: f64 = 30.0;
pub(super) const LABEL_SIZE: f64 = 18.0;
pub(super) const DESC_SIZE: f64 = 20.0;
pub(super) const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
pub(super) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(super) const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);

/// The bundled font at `size` pixels, in ink colour.
pub(super) fn text(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&INK)
}

/// How a legend entry shows its series.
#[derive(Clone, Copy)]
pub(super) enum Swatch {
    Line(RGBColor),
    Dashed(RGBColor),
    Band(RGBColor),
    Block(RGBColor),
    Ring(RGBColor),
}

pub(super) struct LegendEntry {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendEntry {
    pub fn new(label: impl Into<String>, swatch: Swatch) -> LegendEntry {
        LegendEntry {
            label: label.into(),
            swatch,
        }
    }
}

/// The plot area and the legend column beside it.
pub(super) struct Page<DB: DrawingBackend> {
    pub plot: DrawingArea<DB, Shift>,
    pub legend: DrawingArea<DB, Shift>,
}

/// Step 1 of every chart: a white page with `title`, split into a plot and a legend column
/// wide enough for `labels` (up to a third of the page).
pub(super) fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    labels: &[&str],
) -> DrawResult<Page<DB>, DB> {
    root.fill(&WHITE)?;
    let body = root.margin(12, 0, 0, 0).titled(title, text(TITLE_SIZE))?;
    let (width, _) = body.dim_in_pixel();
    let mut widest = 0;
    for label in labels {
        widest = widest.max(root.estimate_text_size(label, &text(LABEL_SIZE))?.0);
    }
    let legend_width = (widest + 90).clamp(220, width / 3);
    let (plot, legend) = body.split_horizontally(width.saturating_sub(legend_width));
    Ok(Page { plot, legend })
}

/// A chart builder in the house layout: room below for date labels, and at the left for
/// the widest of `y_labels` and the axis description.
pub(super) fn builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    y_labels: &[String],
) -> DrawResult<ChartBuilder<'a, 'b, DB>, DB> {
    let mut widest = 0;
    for label in y_labels {
        widest = widest.max(area.estimate_text_size(label, &text(LABEL_SIZE))?.0);
    }
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(20)
        .margin_right(30)
        .margin_left(10)
        .margin_bottom(10)
        .x_label_area_size(70)
        .y_label_area_size(widest + 56);
    Ok(builder)
}

/// The house style of axes: readable labels, light grid, no minor lines.
pub(super) fn house_mesh<X, Y, XT, YT, DB>(mesh: &mut MeshStyle<'_, '_, X, Y, DB>)
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
    DB: DrawingBackend,
{
    mesh.label_style(text(LABEL_SIZE))
        .axis_desc_style(text(DESC_SIZE))
        .bold_line_style(GRID)
        .max_light_lines(0)
        .axis_style(MUTED);
}

/// A chart of values over UTC dates.
pub(super) type TimeChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<WithKeyPoints<RangedCoordi64>, RangedCoordf64>>;

/// How the y axis of a [`time_chart`] reads.
pub(super) struct YAxis<'f> {
    pub range: std::ops::Range<f64>,
    pub desc: &'f str,
    pub label: &'f dyn Fn(&f64) -> String,
    /// At most this many labels (plotters picks round steps within it).
    pub ticks: usize,
}

/// Steps 2 and 3 of a chart over time: the builder on `area` and the mesh, with dates
/// along `x`.
pub(super) fn time_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: &TimeAxis,
    y: YAxis<'_>,
) -> DrawResult<TimeChart<'a, DB>, DB> {
    let y_label = y.label;
    let widest = [y_label(&y.range.start), y_label(&y.range.end)];
    let x_coord = x.range.clone().with_key_points(x.ticks.clone());
    let mut chart = builder(area, &widest)?.build_cartesian_2d(x_coord, y.range)?;
    let x_label = |t: &i64| x.label(*t);
    let mut mesh = chart.configure_mesh();
    house_mesh(&mut mesh);
    mesh.x_label_formatter(&x_label)
        .y_label_formatter(y_label)
        .y_labels(y.ticks)
        .x_desc(x.desc())
        .y_desc(y.desc)
        .draw()?;
    Ok(chart)
}

/// Draws `entries` down the legend column under `heading`; labels too wide are shortened
/// with an ellipsis, and entries past the bottom are summed up as "… and N more".
pub(super) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
    entries: &[LegendEntry],
) -> DrawResult<(), DB> {
    if entries.is_empty() {
        return Ok(());
    }
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let top = 30;
    area.draw(&Text::new(
        heading,
        (12, top),
        text(LABEL_SIZE).color(&MUTED),
    ))?;
    let row = 34;
    let fit = ((height - top - row) / row).max(1) as usize;
    let shown = if entries.len() > fit {
        fit - 1
    } else {
        entries.len()
    };
    let left = (width - 66).max(20) as u32;
    for (i, entry) in entries.iter().take(shown).enumerate() {
        let y = top + row * (i as i32 + 1) + 10;
        swatch(area, entry.swatch, (12, y))?;
        let label = fit_text(area, &entry.label, left)?;
        area.draw(&Text::new(label, (56, y), middle_left(text(LABEL_SIZE))))?;
    }
    if shown < entries.len() {
        let y = top + row * (shown as i32 + 1) + 10;
        let more = format!("… and {} more", entries.len() - shown);
        area.draw(&Text::new(more, (12, y), middle_left(text(LABEL_SIZE))))?;
    }
    Ok(())
}

fn middle_left(style: TextStyle<'_>) -> TextStyle<'_> {
    style.pos(Pos::new(HPos::Left, VPos::Center))
}

/// A 34×16 px sample of a series, its left edge at `x`, centred on `y`.
fn swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    (x, y): (i32, i32),
) -> DrawResult<(), DB> {
    let (l, r) = (x, x + 34);
    match swatch {
        Swatch::Line(c) => area.draw(&PathElement::new(vec![(l, y), (r, y)], c.stroke_width(3))),
        Swatch::Dashed(c) => area.draw(&DashedPathElement::new(
            vec![(l, y), (r, y)],
            6,
            4,
            c.stroke_width(2),
        )),
        Swatch::Band(c) => area.draw(&Rectangle::new(
            [(l, y - 8), (r, y + 8)],
            c.mix(0.25).filled(),
        )),
        Swatch::Block(c) => area.draw(&Rectangle::new([(l, y - 8), (r, y + 8)], c.filled())),
        Swatch::Ring(c) => area.draw(&Circle::new((x + 17, y), 8, c.stroke_width(3))),
    }
}

/// `label`, shortened with "…" until it is at most `width` pixels wide.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    width: u32,
) -> DrawResult<String, DB> {
    let style = text(LABEL_SIZE);
    if area.estimate_text_size(label, &style)?.0 <= width {
        return Ok(label.to_string());
    }
    let mut chars: Vec<char> = label.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shorter: String = chars.iter().chain(std::iter::once(&'…')).collect();
        if area.estimate_text_size(&shorter, &style)?.0 <= width {
            return Ok(shorter);
        }
    }
    Ok("…".to_string())
}

/// The picture for empty input: the usual frame and axis descriptions, and "no data".
pub(super) fn no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_desc: &str,
    y_desc: &str,
) -> DrawResult<(), DB> {
    let mut chart = builder(area, &[])?.build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    let mut mesh = chart.configure_mesh();
    house_mesh(&mut mesh);
    mesh.x_labels(0)
        .y_labels(0)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()?;
    let style = text(32.0)
        .color(&MUTED)
        .pos(Pos::new(HPos::Center, VPos::Center));
    chart.draw_series(std::iter::once(Text::new("no data", (0.5, 0.5), style)))?;
    Ok(())
}
