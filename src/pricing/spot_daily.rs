//! Daily Spot price movement (`spot_daily.csv`) and the trials' price paths drawn from it.
//!
//! The catalog's regional Spot average is one figure; a trial needs prices that move as Spot
//! prices do. `spot_daily.csv` holds one regional Linux price per day for a few types and
//! regions; what matters here is only how the price moved from one day to the next. A
//! trial's path for a pool starts at the average on the replay's first day and is multiplied
//! each following day by the move of a day drawn at random (with the trial's seed) from
//! those moves: the pool's own (region and type) if the file has them, else all of the
//! region's types, else the whole file. Moves are taken only between consecutive calendar
//! days (a pair across a gap in the file is not one day's movement), as log-ratios, centred
//! (their mean removed) so that a path wanders around the average instead of repeating the
//! 2023-24 trend; a path never exceeds the On-Demand price (the most a Spot Instance pays by
//! default). The random walk is computed in f64, and each day's price converted to a
//! Decimal rounded to 6 decimal places before any money arithmetic.

use super::spot::{RegionalAverage, ZoneSeries};
use crate::clock::{Timestamp, SECONDS_PER_DAY};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The day-to-day moves of every series, pooled three ways.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpotDaily {
    by_type: BTreeMap<(String, String), Vec<f64>>,
    by_region: BTreeMap<String, Vec<f64>>,
    all: Vec<f64>,
}

/// Which moves a path was drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Type,
    Region,
    All,
}

impl SpotDaily {
    /// From each series' (day number, price) points; prices are above zero (the loader
    /// checks), days distinct.
    pub fn new(series: BTreeMap<(String, String), Vec<(i64, Decimal)>>) -> SpotDaily {
        let mut daily = SpotDaily::default();
        for ((region, instance_type), mut points) in series {
            points.sort_by_key(|p| p.0);
            let moves: Vec<f64> = points
                .windows(2)
                .filter(|w| w[1].0 == w[0].0 + 1)
                .filter_map(|w| Some((w[1].1.to_f64()? / w[0].1.to_f64()?).ln()))
                .filter(|m| m.is_finite())
                .collect();
            if moves.is_empty() {
                continue;
            }
            daily
                .by_region
                .entry(region.clone())
                .or_default()
                .extend(&moves);
            daily.all.extend(&moves);
            daily.by_type.insert((region, instance_type), moves);
        }
        for moves in daily
            .by_type
            .values_mut()
            .chain(daily.by_region.values_mut())
            .chain([&mut daily.all])
        {
            let mean = moves.iter().sum::<f64>() / moves.len().max(1) as f64;
            moves.iter_mut().for_each(|m| *m -= mean);
        }
        daily
    }

    /// The centred moves a pool's path draws from, and how widely they were pooled; `None`
    /// for an empty file.
    pub fn moves(&self, region: &str, instance_type: &str) -> Option<(&[f64], Scope)> {
        let key = (region.to_string(), instance_type.to_string());
        if let Some(moves) = self.by_type.get(&key) {
            return Some((moves, Scope::Type));
        }
        if let Some(moves) = self.by_region.get(region) {
            return Some((moves, Scope::Region));
        }
        (!self.all.is_empty()).then_some((self.all.as_slice(), Scope::All))
    }
}

/// One trial's price paths: where they start, how long they run and its seed.
#[derive(Debug, Clone)]
pub struct PathModel {
    pub seed: u64,
    /// Midnight (UTC) of the replay's first day: every path starts there at the average.
    pub origin: Timestamp,
    /// Days the paths cover; the last day's price holds after them.
    pub days: u32,
    pub moves: Arc<SpotDaily>,
}

impl PathModel {
    /// The pool's path around `average.price`, capped at `cap` (the On-Demand price), as a
    /// series with a point at each midnight; the draws depend only on the seed and the
    /// pool, so every strategy of a trial sees the same prices whatever the launch order.
    pub fn path(
        &self,
        instance_type: &str,
        os: &str,
        average: RegionalAverage,
        cap: Decimal,
    ) -> ZoneSeries {
        let start = average.price;
        let mut points = vec![(self.origin, start)];
        let moves = self.moves.moves(&average.region, instance_type);
        let (Some((moves, _)), Some(start_f64), Some(cap_f64)) =
            (moves, start.to_f64(), cap.to_f64())
        else {
            return ZoneSeries::regional(
                RegionalAverage {
                    path: true,
                    ..average
                },
                points,
            );
        };
        let pool = format!("{}/{instance_type}/{os}", average.region);
        let mut state = mix(self.seed, &pool);
        let mut level = 0.0_f64;
        let cap_level = if start_f64 > 0.0 && cap_f64 > 0.0 {
            (cap_f64 / start_f64).ln()
        } else {
            0.0
        };
        for day in 1..i64::from(self.days) {
            state = splitmix(state);
            let index = ((u128::from(state) * moves.len() as u128) >> 64) as usize;
            level = (level + moves.get(index).copied().unwrap_or(0.0)).min(cap_level);
            // f64 for the walk only: the price enters money arithmetic as a 6-place Decimal.
            let price = Decimal::from_f64(start_f64 * level.exp())
                .map(|p| p.round_dp(6).min(cap))
                .filter(|p| !p.is_zero())
                .unwrap_or(Decimal::new(1, 6));
            let at = Timestamp::from_unix(self.origin.unix() + day * SECONDS_PER_DAY);
            points.push((at, price));
        }
        ZoneSeries::regional(
            RegionalAverage {
                path: true,
                ..average
            },
            points,
        )
    }
}

/// SplitMix64 over the seed and the pool's name.
fn mix(seed: u64, pool: &str) -> u64 {
    let mut x = seed ^ 0xD1B5_4A32_D192_ED03;
    for byte in pool.bytes() {
        x = splitmix(x ^ u64::from(byte));
    }
    x
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn daily() -> SpotDaily {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let mut series = BTreeMap::new();
        // Days 0, 1, 2 and then 10: two one-day moves (×1.1, ×0.9); 2 → 10 is a gap.
        series.insert(
            ("us-east-1".to_string(), "c6i.large".to_string()),
            vec![
                (0, d("0.1")),
                (1, d("0.11")),
                (2, d("0.099")),
                (10, d("0.5")),
            ],
        );
        SpotDaily::new(series)
    }

    fn average(price: &str) -> RegionalAverage {
        RegionalAverage {
            region: "us-east-1".into(),
            price: price.parse().unwrap(),
            origin: Arc::from("spring 2026"),
            path: false,
        }
    }

    #[test]
    fn moves_are_one_day_apart_and_centred() {
        let daily = daily();
        let (moves, scope) = daily.moves("us-east-1", "c6i.large").unwrap();
        assert_eq!(scope, Scope::Type);
        assert_eq!(moves.len(), 2);
        // ln 1.1 and ln 0.9, less their mean: opposite and equal.
        assert!((moves[0] + moves[1]).abs() < 1e-12);
        assert!((moves[0] - (1.1f64.ln() - 0.9f64.ln()) / 2.0).abs() < 1e-12);
        assert_eq!(
            daily.moves("us-east-1", "m5.large").unwrap().1,
            Scope::Region
        );
        assert_eq!(daily.moves("eu-west-1", "m5.large").unwrap().1, Scope::All);
    }

    #[test]
    fn a_path_starts_at_the_average_and_is_the_same_for_the_same_seed() {
        let model = PathModel {
            seed: 7,
            origin: Timestamp::from_unix(0),
            days: 30,
            moves: Arc::new(daily()),
        };
        let cap: Decimal = "1".parse().unwrap();
        let a = model.path("c6i.large", "linux", average("0.03876"), cap);
        let b = model.path("c6i.large", "linux", average("0.03876"), cap);
        assert_eq!(a, b);
        assert_eq!(a.points.len(), 30);
        assert_eq!(
            a.points[0],
            (Timestamp::from_unix(0), "0.03876".parse().unwrap())
        );
        assert_eq!(a.points[29].0, Timestamp::from_unix(29 * 86_400));
        assert!(a.points.iter().all(|p| p.1.scale() <= 6));
        assert!(a.points.iter().any(|p| p.1 != a.points[0].1));
        assert!(a.average.as_ref().unwrap().path);
        let other = PathModel { seed: 8, ..model };
        assert_ne!(other.path("c6i.large", "linux", average("0.03876"), cap), a);
    }

    #[test]
    fn a_path_never_exceeds_on_demand() {
        let model = PathModel {
            seed: 1,
            origin: Timestamp::from_unix(0),
            days: 400,
            moves: Arc::new(daily()),
        };
        let cap: Decimal = "0.0400".parse().unwrap();
        let path = model.path("c6i.large", "linux", average("0.03876"), cap);
        assert!(path.points.iter().all(|p| p.1 <= cap));
    }
}
