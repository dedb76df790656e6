//! The catalog's Spot prices beyond the imported history: the regional averages standing in
//! for it, and the daily movement trials draw price paths from.
//!
//! Kept apart from `mod.rs` so that the Spot fallbacks read as one piece: what a Spot
//! Instance of a pool is priced at ([`Catalog::spot_prices`]), whether the catalog prices
//! Spot at all, and the lazily read `spot_daily.csv`.

use super::load::{self, CatalogError, CatalogFile};
use super::spot::{RegionalAverage, ZoneSeries};
use super::spot_daily::SpotDaily;
use super::Catalog;
use crate::clock::Timestamp;
use std::sync::{Arc, OnceLock};

/// What the catalog keeps of its Spot files besides the history and the averages.
#[derive(Debug, Clone, Default)]
pub(super) struct SpotExtra {
    /// The `--pricing` file the averages came from (`None`: the bundled spring 2026 ones).
    pub(super) average_from: Option<Arc<str>>,
    pub(super) daily_file: Option<CatalogFile>,
    daily: OnceLock<Result<Arc<SpotDaily>, CatalogError>>,
}

/// When the bundled averages were taken (pricing/spot_average.csv's header).
const BUNDLED_AVERAGES: &str = "spring 2026";

impl Catalog {
    /// The zone of the pool's history a Spot Instance launched at `launched` runs in (the
    /// cheapest then), with when the pool's records start and end: half of a
    /// [`super::spot::SpotPrices`], whose other half is the regional average
    /// ([`Catalog::spot_regional_average`]).
    pub fn spot_zone(
        &self,
        region: &str,
        instance_type: &str,
        os: &str,
        launched: Timestamp,
    ) -> Option<(Arc<ZoneSeries>, (Timestamp, Timestamp))> {
        let history = self.spot();
        history
            .cheapest_zone(region, instance_type, os, launched)
            .zip(history.pool_span(region, instance_type, os))
    }

    /// Whether a Spot Instance of the pool can be priced: history or a regional average.
    pub fn has_spot_price(&self, region: &str, instance_type: &str, os: &str) -> bool {
        self.spot_average(region, instance_type, os).is_some()
            || self.spot().pool_span(region, instance_type, os).is_some()
    }

    /// The region's Spot average for a pool, with where it comes from.
    pub fn spot_regional_average(
        &self,
        region: &str,
        instance_type: &str,
        os: &str,
    ) -> Option<RegionalAverage> {
        let rate = self.spot_average(region, instance_type, os)?;
        let origin: Arc<str> = match &self.spot_extra.average_from {
            None => Arc::from(BUNDLED_AVERAGES),
            Some(path) => Arc::from(format!("from {path}")),
        };
        Some(RegionalAverage {
            region: region.to_string(),
            price: rate.per_hour(),
            origin,
            path: false,
        })
    }

    /// Whether the catalog has any Spot price: a history record or a regional average.
    pub fn has_spot_prices(&self) -> bool {
        !self.spot().is_empty()
            || self.regions.values().any(|r| {
                !r.eager.spot_average.is_empty()
                    || r.deferred.iter().any(|s| s.holds("spot_average.csv"))
            })
    }

    /// The day-to-day Spot price movement (`spot_daily.csv`), read on first use: only
    /// trials need it. Empty when the catalog has no such file.
    pub fn spot_daily(&self) -> Result<Arc<SpotDaily>, CatalogError> {
        self.spot_extra
            .daily
            .get_or_init(|| match &self.spot_extra.daily_file {
                Some(file) => load::load_daily(file).map(Arc::new),
                None => Ok(Arc::new(SpotDaily::default())),
            })
            .clone()
    }
}
