//! Spot price history: the price in effect at each second, per zone, type and product.
//!
//! A record holds from its timestamp until the next record for the same zone, instance type
//! and product (docs/billing-rules.md §6). Before a series' first record there is no price in the
//! history; ec2plan then uses the first record and says so, rather than invent one.
//!
//! Where a pool's history does not cover a run at all (or there is none), the run is priced
//! at the region's Spot average from the catalog ([`SpotPrices::for_run`]): a series of one
//! price (or, in trials, a daily path around it) marked as such, so the meter prices it like
//! any zone and the report can say where the price came from.

use crate::clock::{Seconds, Timestamp, SECONDS_PER_HOUR};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One zone's price series, in time order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoneSeries {
    pub zone: String,
    pub points: Vec<(Timestamp, Decimal)>,
    /// Set for a stand-in built from the region's Spot average rather than imported history:
    /// notes and line items name it, since nobody should mistake it for a zone's prices.
    pub average: Option<Arc<RegionalAverage>>,
}

/// The region's average Spot price standing in for a pool's missing history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionalAverage {
    pub region: String,
    pub price: Decimal,
    /// When or where the average comes from (`spring 2026` for the bundled one).
    pub origin: Arc<str>,
    /// A trial's daily price path around the average rather than the average itself.
    pub path: bool,
}

impl std::fmt::Display for RegionalAverage {
    /// `the us-east-1 regional Spot average $0.03876/h (spring 2026)`, as line items and
    /// notes end.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path {
            f.write_str("a daily price path around ")?;
        }
        write!(
            f,
            "the {} regional Spot average ${}/h ({})",
            self.region,
            self.price.normalize(),
            self.origin
        )
    }
}

impl ZoneSeries {
    /// The region's average as a series: `points` from the first (a constant: one point at
    /// the start of time).
    pub fn regional(average: RegionalAverage, points: Vec<(Timestamp, Decimal)>) -> ZoneSeries {
        let points = if points.is_empty() {
            vec![(Timestamp::from_unix(i64::MIN), average.price)]
        } else {
            points
        };
        ZoneSeries {
            zone: format!("{} (regional average)", average.region),
            points,
            average: Some(Arc::new(average)),
        }
    }

    /// When the series' records start and end.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        Some((self.points.first()?.0, self.points.last()?.0))
    }

    /// The price in effect at `t`, and whether `t` precedes the history (first price used).
    pub fn price_at(&self, t: Timestamp) -> Option<(Decimal, bool)> {
        let index = self.points.partition_point(|(at, _)| *at <= t);
        match index {
            0 => self.points.first().map(|(_, p)| (*p, true)),
            i => Some((self.points[i - 1].1, false)),
        }
    }

    /// Cost of running `[start, end)` at the prices in effect each second, plus `extra`
    /// seconds (a minimum) at the price in effect at the end; and whether any second fell
    /// before the history. `None` for an empty series or a cost too large for the money type
    /// (checked here rather than relying on the catalog's price cap).
    pub fn cost(&self, start: Timestamp, end: Timestamp, extra: u64) -> Option<(Decimal, bool)> {
        let (mut price, before) = self.price_at(start)?;
        let mut total = Decimal::ZERO;
        let mut cursor = start;
        let later = self.points.partition_point(|(at, _)| *at <= start);
        for &(at, next_price) in &self.points[later..] {
            if at >= end {
                break;
            }
            total = total.checked_add(price.checked_mul(Decimal::from(at.since(cursor).0))?)?;
            cursor = at;
            price = next_price;
        }
        let rest = Decimal::from(end.since(cursor).0.saturating_add(extra));
        total = total.checked_add(price.checked_mul(rest)?)?;
        Some((total.checked_div(Decimal::from(SECONDS_PER_HOUR))?, before))
    }
}

/// Every series, by region, instance type and operating system.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpotHistory {
    series: BTreeMap<(String, String, String), Vec<Arc<ZoneSeries>>>,
}

impl SpotHistory {
    pub fn add(
        &mut self,
        region: &str,
        instance_type: &str,
        os: &str,
        zone: &str,
        at: Timestamp,
        price: Decimal,
    ) {
        let zones = self
            .series
            .entry((
                region.to_string(),
                instance_type.to_string(),
                os.to_string(),
            ))
            .or_default();
        let index = match zones.iter().position(|z| z.zone == zone) {
            Some(i) => i,
            None => {
                zones.push(Arc::new(ZoneSeries {
                    zone: zone.to_string(),
                    points: Vec::new(),
                    average: None,
                }));
                zones.len() - 1
            }
        };
        let points = &mut Arc::make_mut(&mut zones[index]).points;
        let slot = points.partition_point(|(t, _)| *t < at);
        if points.get(slot).is_some_and(|(t, _)| *t == at) {
            points[slot].1 = price;
        } else {
            points.insert(slot, (at, price));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// The zone a Spot Instance launched at `t` runs in: the one with the lowest price in
    /// effect then (ties to the first zone by name), as a lowest-price allocation would.
    pub fn cheapest_zone(
        &self,
        region: &str,
        instance_type: &str,
        os: &str,
        t: Timestamp,
    ) -> Option<Arc<ZoneSeries>> {
        let zones = self.series.get(&(
            region.to_string(),
            instance_type.to_string(),
            os.to_string(),
        ))?;
        zones
            .iter()
            .filter_map(|z| z.price_at(t).map(|(p, _)| (p, &z.zone, z)))
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
            .map(|(_, _, z)| Arc::clone(z))
    }

    /// The first and last record of a pool's zones together: the history a run must reach
    /// for it to be priced from the history rather than the regional average.
    pub fn pool_span(
        &self,
        region: &str,
        instance_type: &str,
        os: &str,
    ) -> Option<(Timestamp, Timestamp)> {
        let zones = self.series.get(&(
            region.to_string(),
            instance_type.to_string(),
            os.to_string(),
        ))?;
        let first = zones.iter().filter_map(|z| z.span()).map(|s| s.0).min()?;
        let last = zones.iter().filter_map(|z| z.span()).map(|s| s.1).max()?;
        Some((first, last))
    }

    /// The first and last record of every series: what the history covers.
    pub fn coverage(&self) -> Vec<(String, String, String, Timestamp, Timestamp)> {
        let mut out = Vec::new();
        for ((region, instance_type, os), zones) in &self.series {
            let first = zones
                .iter()
                .filter_map(|z| z.points.first())
                .map(|p| p.0)
                .min();
            let last = zones
                .iter()
                .filter_map(|z| z.points.last())
                .map(|p| p.0)
                .max();
            if let (Some(first), Some(last)) = (first, last) {
                out.push((
                    region.clone(),
                    instance_type.clone(),
                    os.clone(),
                    first,
                    last,
                ));
            }
        }
        out
    }
}

/// What the history holds for one type and operating system in a region, so a user can see
/// which records a Spot figure was drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryRange {
    pub first: Timestamp,
    pub last: Timestamp,
    pub lowest: Decimal,
    pub highest: Decimal,
    /// Records across every zone.
    pub records: usize,
}

impl SpotHistory {
    /// The first and last record and the lowest and highest price over every zone's
    /// records; `None` where the history has no record for the type.
    pub fn range(&self, region: &str, instance_type: &str, os: &str) -> Option<HistoryRange> {
        let key = (
            region.to_string(),
            instance_type.to_string(),
            os.to_string(),
        );
        let mut points = self.series.get(&key)?.iter().flat_map(|z| &z.points);
        let &(at, price) = points.next()?;
        let mut range = HistoryRange {
            first: at,
            last: at,
            lowest: price,
            highest: price,
            records: 1,
        };
        for &(at, price) in points {
            range.first = range.first.min(at);
            range.last = range.last.max(at);
            range.lowest = range.lowest.min(price);
            range.highest = range.highest.max(price);
            range.records += 1;
        }
        Some(range)
    }
}

/// How long after a pool's last record its last price is still taken to hold.
pub const HISTORY_GRACE: Seconds = Seconds(86_400);

/// What a Spot Instance's runs are priced at: the zone it was launched in (chosen by the
/// history) and the region's average, whichever [`SpotPrices::for_run`] picks for a run.
#[derive(Debug, Clone, Default)]
pub struct SpotPrices {
    /// The zone's series, and when the pool's history starts and ends.
    pub zone: Option<(Arc<ZoneSeries>, (Timestamp, Timestamp))>,
    pub average: Option<Arc<ZoneSeries>>,
}

impl SpotPrices {
    /// The series a run over `[start, end)` is priced from: the zone's history unless the
    /// run lies entirely before the pool's first record or starts more than a day
    /// ([`HISTORY_GRACE`]) after its last, in which case the history says nothing about it
    /// and the regional average is used. Without an average, the history (and its edge
    /// notes) as before; `None` when there is neither.
    pub fn for_run(&self, start: Timestamp, end: Timestamp) -> Option<&Arc<ZoneSeries>> {
        if let Some((zone, (first, last))) = &self.zone {
            let covered = end > *first && start <= last.plus(HISTORY_GRACE);
            if covered || self.average.is_none() {
                return Some(zone);
            }
        }
        self.average.as_ref()
    }

    pub fn is_empty(&self) -> bool {
        self.zone.is_none() && self.average.is_none()
    }
}

/// A Spot Instance Advisor interruption-frequency band: the share of Spot capacity AWS
/// reclaimed over the trailing month (docs/billing-rules.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    UnderFive,
    FiveToTen,
    TenToFifteen,
    FifteenToTwenty,
    OverTwenty,
}

impl Band {
    pub fn parse(label: &str) -> Option<Band> {
        match label {
            "<5%" => Some(Band::UnderFive),
            "5-10%" => Some(Band::FiveToTen),
            "10-15%" => Some(Band::TenToFifteen),
            "15-20%" => Some(Band::FifteenToTwenty),
            ">20%" => Some(Band::OverTwenty),
            _ => None,
        }
    }

    /// The monthly interruption probability ec2plan's model draws from: the middle of the
    /// band, and 25% for the open-ended top band (an assumption, stated in docs/spot.md).
    pub fn monthly_probability(self) -> f64 {
        match self {
            Band::UnderFive => 0.025,
            Band::FiveToTen => 0.075,
            Band::TenToFifteen => 0.125,
            Band::FifteenToTwenty => 0.175,
            Band::OverTwenty => 0.25,
        }
    }
}

/// The region of an availability zone: `us-east-1a` → `us-east-1`.
pub fn region_of_zone(zone: &str) -> &str {
    zone.trim_end_matches(|c: char| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn series() -> ZoneSeries {
        ZoneSeries {
            zone: "us-east-1a".into(),
            points: vec![
                (ts("2026-03-02T00:00:00Z"), "0.036".parse().unwrap()),
                (ts("2026-03-02T01:00:00Z"), "0.040".parse().unwrap()),
                (ts("2026-03-02T02:00:00Z"), "0.030".parse().unwrap()),
            ],
            average: None,
        }
    }

    #[test]
    fn a_run_across_two_price_changes_pays_each_price_for_its_seconds() {
        // 00:30 → 02:30: 30 min at $0.036, 60 min at $0.040, 30 min at $0.030
        // = 0.018 + 0.040 + 0.015 = $0.073.
        let (cost, before) = series()
            .cost(ts("2026-03-02T00:30:00Z"), ts("2026-03-02T02:30:00Z"), 0)
            .unwrap();
        assert_eq!(cost, "0.073".parse().unwrap());
        assert!(!before);
    }

    #[test]
    fn the_minimum_is_charged_at_the_last_price() {
        // 01:59:50 → 02:00:10 (20 s) + 40 s minimum: 10 s at $0.040 and 50 s at $0.030.
        let (cost, _) = series()
            .cost(ts("2026-03-02T01:59:50Z"), ts("2026-03-02T02:00:10Z"), 40)
            .unwrap();
        let expected: Decimal = ("0.040".parse::<Decimal>().unwrap() * Decimal::from(10)
            + "0.030".parse::<Decimal>().unwrap() * Decimal::from(50))
            / Decimal::from(3600);
        assert_eq!(cost, expected);
    }

    #[test]
    fn before_the_history_the_first_price_is_used_and_flagged() {
        let (price, before) = series().price_at(ts("2026-03-01T00:00:00Z")).unwrap();
        assert_eq!(price, "0.036".parse().unwrap());
        assert!(before);
    }

    #[test]
    fn the_range_spans_every_zone() {
        let mut history = SpotHistory::default();
        let zone = series();
        for (at, price) in &zone.points {
            history.add("us-east-1", "m5.large", "linux", "us-east-1a", *at, *price);
        }
        let late = ts("2026-03-03T00:00:00Z");
        history.add(
            "us-east-1",
            "m5.large",
            "linux",
            "us-east-1b",
            late,
            "0.05".parse().unwrap(),
        );
        let range = history.range("us-east-1", "m5.large", "linux").unwrap();
        assert_eq!(range.first, ts("2026-03-02T00:00:00Z"));
        assert_eq!(range.last, late);
        assert_eq!(range.lowest, "0.030".parse().unwrap());
        assert_eq!(range.highest, "0.05".parse().unwrap());
        assert_eq!(range.records, 4);
        assert!(history.range("us-east-1", "m5.large", "windows").is_none());
    }

    #[test]
    fn a_run_the_history_does_not_reach_takes_the_regional_average() {
        let average = RegionalAverage {
            region: "us-east-1".into(),
            price: "0.05".parse().unwrap(),
            origin: Arc::from("spring 2026"),
            path: false,
        };
        let zone = Arc::new(series());
        let span = zone.span().unwrap();
        let prices = SpotPrices {
            zone: Some((Arc::clone(&zone), span)),
            average: Some(Arc::new(ZoneSeries::regional(average, Vec::new()))),
        };
        let is_history = |start: &str, end: &str| {
            prices
                .for_run(ts(start), ts(end))
                .unwrap()
                .average
                .is_none()
        };
        // Records from 2026-03-02 00:00 to 02:00; the last holds for a day after it.
        assert!(is_history("2026-03-01T23:00:00Z", "2026-03-02T00:00:01Z"));
        assert!(!is_history("2026-03-01T22:00:00Z", "2026-03-02T00:00:00Z"));
        assert!(is_history("2026-03-03T02:00:00Z", "2026-03-05T00:00:00Z"));
        assert!(!is_history("2026-03-03T02:00:01Z", "2026-03-03T03:00:00Z"));
        // Without an average, the history as before.
        let history_only = SpotPrices {
            average: None,
            ..prices.clone()
        };
        let far = history_only.for_run(ts("2027-01-01T00:00:00Z"), ts("2027-01-02T00:00:00Z"));
        assert!(far.unwrap().average.is_none());
    }

    #[test]
    fn zones_are_cut_from_their_region() {
        assert_eq!(region_of_zone("us-east-1a"), "us-east-1");
        assert_eq!(region_of_zone("ap-northeast-2c"), "ap-northeast-2");
    }
}
