//! Input checks: a chart refuses numbers it cannot draw truthfully (a value that is not a
//! finite number, times out of order, lengths that disagree) rather than draw a wrong
//! picture. Empty input is not an error: it draws a chart that says "no data".

use std::collections::BTreeMap;

use super::{Band, ChartError, TimeSeries};

fn invalid(chart: &'static str, detail: String) -> ChartError {
    ChartError::InvalidData { chart, detail }
}

fn finite(chart: &'static str, what: &str, values: &[f64]) -> Result<(), ChartError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(invalid(
            chart,
            format!("{what} has {} at position {}", values[i], i + 1),
        )),
        None => Ok(()),
    }
}

fn ordered(chart: &'static str, what: &str, times: &[i64]) -> Result<(), ChartError> {
    match times.windows(2).position(|w| w[1] < w[0]) {
        Some(i) => Err(invalid(
            chart,
            format!(
                "the times of {what} go backwards at position {} ({} after {})",
                i + 2,
                times[i + 1],
                times[i]
            ),
        )),
        None => Ok(()),
    }
}

fn same_length(
    chart: &'static str,
    what: &str,
    len: usize,
    times: usize,
) -> Result<(), ChartError> {
    if len == times {
        Ok(())
    } else {
        Err(invalid(
            chart,
            format!("{what} has {len} values for {times} times"),
        ))
    }
}

pub(super) fn time_series(chart: &'static str, series: &[TimeSeries]) -> Result<(), ChartError> {
    for s in series {
        let what = format!("series \"{}\"", s.name);
        let times: Vec<i64> = s.points.iter().map(|p| p.0).collect();
        let values: Vec<f64> = s.points.iter().map(|p| p.1).collect();
        ordered(chart, &what, &times)?;
        finite(chart, &what, &values)?;
    }
    Ok(())
}

pub(super) fn monthly(values: &BTreeMap<(String, String, String), f64>) -> Result<(), ChartError> {
    match values.iter().find(|(_, v)| !v.is_finite()) {
        Some(((strategy, month, kind), v)) => Err(invalid(
            "monthly cost",
            format!("{kind} of {strategy} in {month} is {v}"),
        )),
        None => Ok(()),
    }
}

pub(super) fn fleet(times: &[i64], categories: &[(String, Vec<f64>)]) -> Result<(), ChartError> {
    const CHART: &str = "fleet composition";
    ordered(CHART, "the fleet", times)?;
    for (name, values) in categories {
        let what = format!("category \"{name}\"");
        same_length(CHART, &what, values.len(), times.len())?;
        finite(CHART, &what, values)?;
        if let Some(i) = values.iter().position(|v| *v < 0.0) {
            return Err(invalid(
                CHART,
                format!("{what} has {} instances at position {}", values[i], i + 1),
            ));
        }
    }
    Ok(())
}

pub(super) fn reservation_curve(costs: &[f64], chosen: usize) -> Result<(), ChartError> {
    const CHART: &str = "reservation curve";
    finite(CHART, "the cost curve", costs)?;
    if !costs.is_empty() && chosen >= costs.len() {
        return Err(invalid(
            CHART,
            format!(
                "the chosen count {chosen} is past the last priced count {}",
                costs.len() - 1
            ),
        ));
    }
    Ok(())
}

pub(super) fn bands(bands: &[Band]) -> Result<(), ChartError> {
    const CHART: &str = "spot bands";
    for band in bands {
        let name = &band.name;
        ordered(CHART, &format!("band \"{name}\""), &band.times)?;
        for (label, values) in [("p5", &band.p5), ("p50", &band.p50), ("p95", &band.p95)] {
            let what = format!("the {label} of band \"{name}\"");
            same_length(CHART, &what, values.len(), band.times.len())?;
            finite(CHART, &what, values)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_shorter_than_the_times_is_refused_in_one_sentence() {
        let err = fleet(&[0, 60], &[("Spot".to_string(), vec![1.0])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot draw the fleet composition chart: category \"Spot\" has 1 values for 2 times"
        );
    }

    #[test]
    fn a_chosen_count_past_the_curve_is_refused() {
        let err = reservation_curve(&[3.0, 2.0], 2).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot draw the reservation curve chart: the chosen count 2 is past the last priced count 1"
        );
    }

    #[test]
    fn a_value_that_is_not_a_number_is_refused() {
        let series = [TimeSeries {
            name: "spot".into(),
            points: vec![(0, 1.0), (60, f64::NAN)],
        }];
        let err = time_series("cumulative cost", &series).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot draw the cumulative cost chart: series \"spot\" has NaN at position 2"
        );
    }
}
