//! Charts: every chart function writes a real PNG of at least 1200×700 pixels that shows
//! something, empty input still gives a valid picture, and bad input is refused without
//! writing a file.
//!
//! Set `EC2PLAN_CHART_DIR=some/dir` to keep the pictures for a look.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use ec2plan::chart::{self, Band, ChartError, TimeSeries};

const WHITE: [u8; 3] = [255, 255, 255];
/// 2026-03-02T00:00:00Z.
const MONDAY: i64 = 1_772_409_600;
const HOUR: i64 = 3_600;

struct Picture {
    width: u32,
    height: u32,
    pixels: Vec<[u8; 3]>,
}

fn decode(path: &Path) -> Picture {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buffer[..info.buffer_size()]
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    Picture {
        width: info.width,
        height: info.height,
        pixels,
    }
}

/// Big enough, and not blank: over 1% of pixels drawn, in at least three colours.
fn assert_drawn(path: &Path) {
    let picture = decode(path);
    assert!(picture.width >= 1200, "width {}", picture.width);
    assert!(picture.height >= 700, "height {}", picture.height);
    let drawn = picture.pixels.iter().filter(|p| **p != WHITE).count();
    assert!(
        drawn * 100 > picture.pixels.len(),
        "only {drawn} of {} pixels drawn",
        picture.pixels.len()
    );
    let colours: HashSet<[u8; 3]> = picture.pixels.iter().copied().collect();
    assert!(colours.len() >= 3, "{} colours", colours.len());
}

/// A valid PNG of the minimum size whose background is white.
fn assert_valid_empty(path: &Path) {
    let picture = decode(path);
    assert!(picture.width >= 1200 && picture.height >= 700);
    assert_eq!(picture.pixels[0], WHITE);
    assert!(
        picture.pixels.iter().any(|p| *p != WHITE),
        "no title or axes"
    );
}

/// Where a test writes: a fresh temporary directory, or `EC2PLAN_CHART_DIR` to keep them.
struct Out {
    _dir: Option<tempfile::TempDir>,
    root: PathBuf,
}

impl Out {
    fn new() -> Out {
        match std::env::var_os("EC2PLAN_CHART_DIR") {
            Some(dir) => {
                std::fs::create_dir_all(&dir).unwrap();
                Out {
                    _dir: None,
                    root: PathBuf::from(dir),
                }
            }
            None => {
                let dir = tempfile::tempdir().unwrap();
                let root = dir.path().to_path_buf();
                Out {
                    _dir: Some(dir),
                    root,
                }
            }
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}

/// A week of hourly cumulative cost growing at `per_hour`, with a step each weekday 09:00.
fn week(name: &str, per_hour: f64, upfront: f64) -> TimeSeries {
    let mut total = upfront;
    let points = (0..=168)
        .map(|h| {
            let point = (MONDAY + h * HOUR, total);
            let weekday_peak = (h % 24) >= 9 && (h % 24) < 18 && h < 120;
            total += per_hour * if weekday_peak { 2.0 } else { 1.0 };
            point
        })
        .collect();
    TimeSeries {
        name: name.to_string(),
        points,
    }
}

fn strategies() -> Vec<String> {
    ["on-demand", "reserved", "spot", "mixed"]
        .map(String::from)
        .to_vec()
}

fn monthly_values() -> BTreeMap<(String, String, String), f64> {
    let mut values = BTreeMap::new();
    let months = ["2026-01", "2026-02", "2026-03"];
    let per_strategy = [
        ("on-demand", 1.0, 0.0),
        ("reserved", 0.45, 310.0),
        ("spot", 0.32, 0.0),
        ("mixed", 0.6, 120.0),
    ];
    for (strategy, factor, commitment) in per_strategy {
        for (i, month) in months.iter().enumerate() {
            let compute = 1_400.0 * factor + 60.0 * i as f64;
            let entries = [
                ("compute", compute),
                ("storage", 96.0),
                ("public_ipv4", 21.6),
                ("commitment", commitment),
            ];
            for (kind, v) in entries {
                values.insert((strategy.into(), month.to_string(), kind.into()), v);
            }
        }
    }
    values
}

fn fleet() -> (Vec<i64>, Vec<(String, Vec<f64>)>) {
    let times: Vec<i64> = (0..=168).map(|h| MONDAY + h * HOUR).collect();
    let day = |i: usize| (i % 24) >= 8 && (i % 24) < 20;
    let on_demand = (0..times.len())
        .map(|i| if day(i) { 3.0 } else { 1.0 })
        .collect();
    let reserved = vec![2.0; times.len()];
    let spot = (0..times.len())
        .map(|i| if day(i) { 4.0 } else { 0.0 })
        .collect();
    let stopped = (0..times.len())
        .map(|i| if day(i) { 0.0 } else { 2.0 })
        .collect();
    let categories = vec![
        ("reservation-covered".to_string(), reserved),
        ("On-Demand".to_string(), on_demand),
        ("Spot".to_string(), spot),
        ("stopped".to_string(), stopped),
    ];
    (times, categories)
}

fn bands() -> Vec<Band> {
    let times: Vec<i64> = (0..=14).map(|d| MONDAY + d * 24 * HOUR).collect();
    let band = |name: &str, per_day: f64, spread: f64| {
        let p50: Vec<f64> = (0..times.len()).map(|d| per_day * d as f64).collect();
        Band {
            name: name.to_string(),
            times: times.clone(),
            p5: p50.iter().map(|v| v * (1.0 - spread)).collect(),
            p95: p50.iter().map(|v| v * (1.0 + spread)).collect(),
            p50,
        }
    };
    vec![band("spot", 18.0, 0.25), band("mixed", 26.0, 0.1)]
}

#[test]
fn cumulative_cost_draws_one_line_per_strategy() {
    let out = Out::new();
    let path = out.path("cumulative_cost.png");
    let series = [
        week("on-demand", 1.2, 0.0),
        week("reserved", 0.55, 40.0),
        week("spot", 0.4, 0.0),
        week("mixed", 0.7, 15.0),
    ];
    chart::cumulative_cost(&path, "Cumulative cost, web-fleet", &series).unwrap();
    assert_drawn(&path);
}

#[test]
fn cumulative_cost_under_two_days_uses_hour_labels() {
    let out = Out::new();
    let path = out.path("cumulative_cost_one_day.png");
    let points = (0..=20)
        .map(|h| (MONDAY + h * HOUR, 0.096 * h as f64))
        .collect();
    let series = [TimeSeries {
        name: "on-demand".into(),
        points,
    }];
    chart::cumulative_cost(&path, "One day of one m6i.large", &series).unwrap();
    assert_drawn(&path);
}

#[test]
fn monthly_by_kind_draws_a_panel_per_strategy() {
    let out = Out::new();
    let path = out.path("monthly_by_kind.png");
    let months = ["2026-01", "2026-02", "2026-03"].map(String::from);
    let values = monthly_values();
    chart::monthly_by_kind(
        &path,
        "Monthly cost by charge kind",
        &strategies(),
        &months,
        &values,
    )
    .unwrap();
    assert_drawn(&path);
}

#[test]
fn fleet_composition_stacks_the_categories() {
    let out = Out::new();
    let path = out.path("fleet_composition.png");
    let (times, categories) = fleet();
    chart::fleet_composition(&path, "Fleet composition", &times, &categories).unwrap();
    assert_drawn(&path);
}

#[test]
fn reservation_curve_marks_the_chosen_count() {
    let out = Out::new();
    let path = out.path("reservation_curve.png");
    let costs = [
        1_000.0, 905.0, 820.0, 760.0, 731.0, 742.0, 780.0, 836.0, 901.0,
    ];
    chart::reservation_curve(&path, "Total cost against m5 reservations", &costs, 4).unwrap();
    assert_drawn(&path);
}

#[test]
fn spot_bands_draw_a_band_per_strategy() {
    let out = Out::new();
    let path = out.path("spot_bands.png");
    chart::spot_bands(&path, "Spot trials: cumulative cost, p5 to p95", &bands()).unwrap();
    assert_drawn(&path);
}

#[test]
fn empty_inputs_give_valid_charts_that_say_no_data() {
    let out = Out::new();
    let p = |name: &str| out.path(name);
    chart::cumulative_cost(&p("empty_cumulative.png"), "Cumulative cost", &[]).unwrap();
    let no_points = [TimeSeries {
        name: "spot".into(),
        points: vec![],
    }];
    chart::cumulative_cost(&p("empty_series.png"), "Cumulative cost", &no_points).unwrap();
    chart::monthly_by_kind(
        &p("empty_monthly.png"),
        "Monthly",
        &[],
        &[],
        &BTreeMap::new(),
    )
    .unwrap();
    chart::fleet_composition(&p("empty_fleet.png"), "Fleet", &[], &[]).unwrap();
    chart::reservation_curve(&p("empty_curve.png"), "Reservations", &[], 0).unwrap();
    chart::spot_bands(&p("empty_bands.png"), "Spot", &[]).unwrap();
    for name in [
        "empty_cumulative.png",
        "empty_series.png",
        "empty_monthly.png",
        "empty_fleet.png",
        "empty_curve.png",
        "empty_bands.png",
    ] {
        assert_valid_empty(&p(name));
    }
}

#[test]
fn single_points_and_flat_lines_still_draw() {
    let out = Out::new();
    let one = [TimeSeries {
        name: "on-demand".into(),
        points: vec![(MONDAY, 0.0)],
    }];
    let path = out.path("single_point.png");
    chart::cumulative_cost(&path, "One point", &one).unwrap();
    assert_valid_empty(&path);
    let path = out.path("flat_curve.png");
    chart::reservation_curve(&path, "Flat", &[5.0], 0).unwrap();
    assert_valid_empty(&path);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let out = Out::new();
    let (a, b) = (out.path("same_a.png"), out.path("same_b.png"));
    let (times, categories) = fleet();
    chart::fleet_composition(&a, "Fleet", &times, &categories).unwrap();
    chart::fleet_composition(&b, "Fleet", &times, &categories).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn a_chart_is_png_whatever_the_file_is_called() {
    let out = Out::new();
    let path = out.path("curve.data");
    chart::reservation_curve(&path, "Reservations", &[3.0, 2.0, 2.5], 1).unwrap();
    assert_drawn(&path);
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let out = Out::new();
    let path = out.path("refused.png");
    let (times, mut categories) = fleet();
    categories[0].1.pop();
    let err = chart::fleet_composition(&path, "Fleet", &times, &categories).unwrap_err();
    assert!(matches!(err, ChartError::InvalidData { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "cannot draw the fleet composition chart: category \"reservation-covered\" has 168 values for 169 times"
    );
    assert!(!path.exists());
}

#[test]
fn an_unwritable_path_is_a_write_error_naming_it() {
    let out = Out::new();
    let path = out.path("missing-dir").join("chart.png");
    let err = chart::spot_bands(&path, "Spot", &bands()).unwrap_err();
    assert!(matches!(err, ChartError::Write { .. }), "{err}");
    assert!(err.to_string().starts_with("writing "), "{err}");
    assert!(err.to_string().contains("missing-dir"), "{err}");
}

#[test]
fn crowded_and_odd_inputs_still_draw() {
    let out = Out::new();
    // Twelve series, long names, a year of daily points, one of them negative for a while.
    let series: Vec<TimeSeries> = (0..12)
        .map(|k| TimeSeries {
            name: format!("what-if variant number {k} with instance_type=m7g.large"),
            points: (0..=365)
                .map(|d| (MONDAY + d * 24 * HOUR, (d as f64 - 30.0) * (k as f64 + 1.0)))
                .collect(),
        })
        .collect();
    let path = out.path("crowded_cumulative.png");
    chart::cumulative_cost(&path, "A year of twelve variants", &series).unwrap();
    assert_drawn(&path);

    // Two years of months, one strategy with no values at all, an unknown charge kind.
    let months: Vec<String> = (0..24)
        .map(|i| format!("{}-{:02}", 2026 + i / 12, i % 12 + 1))
        .collect();
    let mut values = BTreeMap::new();
    for (i, month) in months.iter().enumerate() {
        values.insert(
            ("on-demand".into(), month.clone(), "compute".into()),
            1e6 + i as f64,
        );
        values.insert(("on-demand".into(), month.clone(), "support".into()), 5e4);
    }
    let names = ["on-demand", "spot"].map(String::from);
    let path = out.path("crowded_monthly.png");
    chart::monthly_by_kind(&path, "Two years", &names, &months, &values).unwrap();
    assert_drawn(&path);

    // One instance for a day: whole-number labels, hours on the x axis.
    let times: Vec<i64> = (0..=24).map(|h| MONDAY + h * HOUR).collect();
    let running = (0..=24).map(|h| if (8..18).contains(&h) { 1.0 } else { 0.0 });
    let stopped = running.clone().map(|r| 1.0 - r).collect();
    let categories = vec![
        ("On-Demand".to_string(), running.collect()),
        ("stopped".to_string(), stopped),
    ];
    let path = out.path("small_fleet.png");
    chart::fleet_composition(&path, "One developer machine", &times, &categories).unwrap();
    assert_drawn(&path);

    // A long reservation curve with the choice at the far right.
    let costs: Vec<f64> = (0..200).map(|n| 10_000.0 - n as f64 * 3.0).collect();
    let path = out.path("crowded_curve.png");
    chart::reservation_curve(&path, "Many counts", &costs, 199).unwrap();
    assert_drawn(&path);
}

/// The x pixel columns of the plot where `colour` is drawn, read along row `y`.
fn columns_of(picture: &Picture, y: u32, colour: [u8; 3]) -> Vec<u32> {
    (0..picture.width)
        .filter(|x| picture.pixels[(y * picture.width + x) as usize] == colour)
        .collect()
}

/// A nightly job through the real `--out`: twenty Spot-able instances 01:00–03:00 each day
/// for a week. The fleet chart has instances only in the job's hours (each a 2-hour step,
/// not a day-wide block), and the cumulative cost is flat while nothing runs.
#[test]
fn a_nightly_job_is_drawn_only_in_its_hours_and_costs_nothing_while_idle() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("nightly.csv");
    std::fs::write(
        &scenario,
        "time,group,desired,instance_type,interruptible,scale_in,repeat\n\
         2026-03-02T01:00:00Z,batch,20,c6i.large,false,terminate,daily\n\
         2026-03-02T03:00:00Z,batch,0,,,,daily\n\
         2026-03-09T00:00:00Z,batch,0,,,,\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ec2plan"))
        .args(["simulate", "--strategy", "on-demand", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());

    // Fleet: along a row a third of the way up, On-Demand blue only in the job's columns.
    let fleet = decode(&out.join("fleet_composition.png"));
    const BLUE: [u8; 3] = [0x00, 0x72, 0xB2];
    let rows: Vec<u32> = (0..fleet.height)
        .filter(|y| !columns_of(&fleet, *y, BLUE).is_empty())
        .collect();
    let (top, bottom) = (rows[0], rows[rows.len() - 1]);
    let row = bottom - (bottom - top) / 3;
    let blue = columns_of(&fleet, row, BLUE);
    // Runs of adjacent columns: one per night, seven of them.
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for x in blue {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == x => run.1 = x,
            _ => runs.push((x, x)),
        }
    }
    assert_eq!(runs.len(), 7, "{runs:?}");
    // The window is 01:00 Monday to 00:00 next Monday (167 h); each run is 2 h wide.
    let (first, last) = (runs[0].0, runs[6].1);
    let px_per_hour = f64::from(runs[6].0 - runs[0].0) / (6.0 * 24.0);
    for (a, b) in &runs {
        let hours = f64::from(b - a + 1) / px_per_hour;
        assert!((1.5..2.6).contains(&hours), "run {a}..{b} is {hours} h");
    }
    assert!(first < last);
    // Between runs nothing is drawn in the fleet's colours at that row.
    let gaps = runs.windows(2).map(|w| (w[0].1 + 2, w[1].0 - 2));
    for (a, b) in gaps {
        for x in a..b {
            let p = fleet.pixels[(row * fleet.width + x) as usize];
            assert!(p != BLUE, "instances drawn at column {x} between runs");
        }
    }

    // Cumulative cost: the on-demand line is at the same height across each idle stretch.
    let cost = decode(&out.join("cumulative_cost.png"));
    let height_at = |x: u32| -> Option<u32> {
        (0..cost.height).find(|y| cost.pixels[(y * cost.width + x) as usize] == BLUE)
    };
    // Where the line is, from the replay's start (01:00) to its end (167 h later).
    // The line's columns from the first one on, up to the first column without it (the
    // legend's swatch, right of the plot, is blue too).
    let start = (0..cost.width).find(|x| height_at(*x).is_some()).unwrap();
    let line: Vec<(u32, u32)> = (start..cost.width)
        .map_while(|x| height_at(x).map(|y| (x, y)))
        .collect();
    let rises: Vec<u32> = line
        .windows(2)
        .filter(|w| w[1].1 + 1 < w[0].1)
        .map(|w| w[1].0)
        .collect();
    assert!(!rises.is_empty());
    let (left, right) = (line[0].0, line[line.len() - 1].0);
    let day = f64::from(right - left) / (167.0 / 24.0);
    let mut flat_days = 0;
    for night in 0..6 {
        // From 04:00 to 24:00 after each night: 21 idle hours, except its last pixel.
        let a = left + (f64::from(night) * day + 3.5 / 24.0 * day) as u32;
        let b = left + (f64::from(night) * day + 23.0 / 24.0 * day) as u32;
        let heights: HashSet<u32> = (a..b).filter_map(height_at).collect();
        assert_eq!(
            heights.len(),
            1,
            "night {night}: heights {heights:?} in {a}..{b}"
        );
        flat_days += 1;
    }
    assert_eq!(flat_days, 6);
}

#[test]
fn legends_leave_out_kinds_and_categories_that_are_zero_everywhere() {
    let mut values = monthly_values();
    values.retain(|(_, _, kind), _| kind != "public_ipv4");
    for ((_, _, kind), v) in values.iter_mut() {
        if kind == "commitment" {
            *v = 0.0;
        }
    }
    assert_eq!(chart::monthly_legend(&values), ["storage", "compute"]);
    assert_eq!(
        chart::monthly_legend(&monthly_values()),
        ["commitment", "public IPv4", "storage", "compute"]
    );
    let (_, mut categories) = fleet();
    assert_eq!(
        chart::fleet_legend(&categories),
        ["stopped", "Spot", "On-Demand", "reservation-covered"]
    );
    for (name, values) in categories.iter_mut() {
        if name == "stopped" || name == "Spot" {
            values.iter_mut().for_each(|v| *v = 0.0);
        }
    }
    assert_eq!(
        chart::fleet_legend(&categories),
        ["On-Demand", "reservation-covered"]
    );
}
