//! Pricing: the price catalog and its lookups.
//!
//! Owns the prices every charge is computed from: On-Demand hourly rates per region,
//! instance type and operating system; each type's vCPU and memory; EBS per GB-month per
//! volume type; public IPv4 per hour; and per operating system whether AWS bills it per
//! second or per started hour. The catalog ships inside the binary (the CSV files in
//! `pricing/`), and `--pricing DIR` replaces any of those files with the user's own.
//! The embedded per-region files hold every region AWS prices (some 300,000 rows), so their
//! rows are read the first time a run asks for a region, not at start: a run in one region
//! reads a thirty-sixth of them. Knows nothing of scenarios, instances or reports.

pub mod import;
mod load;
mod reserved;
pub mod sizes;
mod sources;
pub mod spot;
mod spot_catalog;
pub mod spot_daily;
pub mod spot_import;
mod volume;

pub use load::{CatalogError, CatalogFile};
pub use reserved::{OfferTerms, Offering, Payment, ReservedPrice, Term};
pub use sources::{Sources, NORMALIZATION_SOURCE};
pub use volume::VolumeType;

use crate::money::{HourlyRate, MonthlyRate};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

/// How AWS meters instance usage for an operating system (docs/billing-rules.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillingUnit {
    /// One-second increments with a 60-second minimum each time the instance enters running.
    PerSecond,
    /// Every started hour is billed in full.
    PerHour,
}

/// An operating system the catalog prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub billing: BillingUnit,
    /// The AWS Price List `Operating System` value (`Linux`, `Windows`, `RHEL`, …).
    pub price_list_name: String,
    /// The `ProductDescription` Spot price history uses (`Linux/UNIX`, …); empty where AWS
    /// documents none.
    pub spot_product: String,
}

/// What an instance type is, independent of region: hibernation needs its memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSpec {
    pub vcpu: u32,
    pub memory_gib: Decimal,
}

/// A type's prices per operating system: a handful, found by a scan that allocates nothing.
type ByOs<T> = Vec<(String, T)>;

/// The prices of one region. Keyed by instance type in hash maps with a fast hasher: a run's
/// start reads a region's some 17,000 rows, and SipHash was a sixth of that.
#[derive(Debug, Default, Clone)]
struct RegionPrices {
    /// instance type → operating system → On-Demand rate.
    on_demand: FastMap<ByOs<HourlyRate>>,
    ebs: HashMap<VolumeType, MonthlyRate>,
    public_ipv4: Option<HourlyRate>,
    /// instance type → (operating system, offer) → Reserved Instance price.
    reserved: FastMap<ByOs<(OfferTerms, ReservedPrice)>>,
    /// instance type → operating system → the region's average Spot price.
    spot_average: FastMap<ByOs<HourlyRate>>,
}

type FastMap<T> = hashbrown::HashMap<String, T>;

/// The entry of `os` in a type's list.
fn for_os<'a, T>(by_os: &'a [(String, T)], os: &str) -> Option<&'a T> {
    by_os
        .iter()
        .find(|(name, _)| name == os)
        .map(|(_, value)| value)
}

/// A region: the prices read at start (files given with `--pricing`, and the small embedded
/// files), and the rows of the large embedded files, read the first time the region is used.
#[derive(Debug, Default, Clone)]
struct Region {
    eager: RegionPrices,
    deferred: Vec<load::Slice>,
    prices: OnceLock<Result<RegionPrices, CatalogError>>,
}

/// The whole price catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    types: BTreeMap<String, InstanceSpec>,
    spot: spot::SpotHistory,
    /// (region, instance type, os) → Spot Instance Advisor band.
    advisor: HashMap<(String, String, String), spot::Band>,
    platforms: BTreeMap<String, Platform>,
    regions: BTreeMap<String, Region>,
    /// Spot prices beyond the history (`spot_catalog`): where `spot_average.csv` came from
    /// when `--pricing` gave it, and `spot_daily.csv`, read only when trials ask for it.
    spot_extra: spot_catalog::SpotExtra,
}

impl Region {
    fn runs_instances(&self) -> bool {
        !self.eager.on_demand.is_empty() || self.deferred.iter().any(|s| s.holds("on_demand.csv"))
    }
}

impl Platform {
    /// Regional reservations for Linux/UNIX are size-flexible; Windows, RHEL, SUSE and the
    /// others are not (docs/billing-rules.md §7).
    pub fn size_flexible(&self) -> bool {
        self.price_list_name == "Linux"
    }
}

impl Catalog {
    /// The catalog compiled into the binary from `pricing/`.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::from_files(&CatalogFile::embedded_all())
    }

    /// The embedded catalog with every file present in `dir` taken from `dir` instead.
    pub fn with_overrides(dir: &Path) -> Result<Catalog, crate::error::Error> {
        Ok(Catalog::from_files(&CatalogFile::with_overrides(dir)?)?)
    }

    fn from_files(files: &[CatalogFile]) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::default();
        for file in files {
            load::load_into(&mut catalog, file)?;
        }
        Ok(catalog)
    }

    /// A region's prices, its deferred rows read on first use. `None` for an unknown region
    /// (or, were an embedded file ever malformed, a region that failed to read:
    /// [`Catalog::check_regions`] reports that, and a test runs it on every region).
    fn region(&self, name: &str) -> Option<&RegionPrices> {
        self.region_result(name)?.as_ref().ok()
    }

    fn region_result(&self, name: &str) -> Option<&Result<RegionPrices, CatalogError>> {
        let region = self.regions.get(name)?;
        Some(
            region
                .prices
                .get_or_init(|| load::deferred(self, &region.eager, &region.deferred)),
        )
    }

    /// Reads every region's deferred rows, stopping at the first problem.
    pub fn check_regions(&self) -> Result<(), CatalogError> {
        for name in self.regions.keys() {
            if let Some(Err(e)) = self.region_result(name) {
                return Err(e.clone());
            }
        }
        Ok(())
    }

    /// The Spot Instance Advisor's interruption band of a type, if the catalog has it.
    pub fn interruption_band(
        &self,
        region: &str,
        instance_type: &str,
        os: &str,
    ) -> Option<spot::Band> {
        self.advisor
            .get(&(
                region.to_string(),
                instance_type.to_string(),
                os.to_string(),
            ))
            .copied()
    }

    /// The Spot price history (empty when the catalog has none).
    pub fn spot(&self) -> &spot::SpotHistory {
        &self.spot
    }

    /// A type's normalization factor (sizes::normalization_factor): by its size; for a bare
    /// metal type, the factor the EC2 User Guide lists, else that of the family's virtualized
    /// size with the same vCPU count ("the equivalent virtualized instance size"). `None`
    /// where neither gives one: such a type's reservations then cover only that type.
    pub fn normalization_factor(&self, instance_type: &str) -> Option<Decimal> {
        let (family, size) = sizes::split_type(instance_type)?;
        if let Some(factor) = sizes::normalization_factor(size) {
            return Some(factor);
        }
        if size != "metal" {
            return None;
        }
        if let Some(factor) = sizes::listed_metal_factor(instance_type) {
            return Some(factor);
        }
        let vcpu = self.types.get(instance_type)?.vcpu;
        self.types
            .iter()
            .filter(|(name, spec)| {
                spec.vcpu == vcpu
                    && sizes::split_type(name).is_some_and(|(f, s)| f == family && s != "metal")
            })
            .find_map(|(name, _)| {
                sizes::split_type(name).and_then(|(_, s)| sizes::normalization_factor(s))
            })
    }

    pub fn instance_type(&self, name: &str) -> Option<&InstanceSpec> {
        self.types.get(name)
    }

    pub fn platform(&self, os: &str) -> Option<&Platform> {
        self.platforms.get(os)
    }

    /// Whether the catalog has On-Demand prices in `region`: a region where nothing can run
    /// is no region to a scenario (other files may still name it).
    pub fn has_region(&self, region: &str) -> bool {
        self.regions.get(region).is_some_and(Region::runs_instances)
    }

    pub fn on_demand(&self, region: &str, instance_type: &str, os: &str) -> Option<HourlyRate> {
        for_os(self.region(region)?.on_demand.get(instance_type)?, os).copied()
    }

    pub fn reserved(
        &self,
        region: &str,
        instance_type: &str,
        os: &str,
        terms: OfferTerms,
    ) -> Option<ReservedPrice> {
        self.region(region)?
            .reserved
            .get(instance_type)?
            .iter()
            .find(|(name, (offer, _))| name == os && *offer == terms)
            .map(|(_, (_, price))| *price)
    }

    /// Whether the catalog holds any Reserved Instance price at all.
    pub fn has_reserved_prices(&self) -> bool {
        self.regions.values().any(|r| {
            !r.eager.reserved.is_empty() || r.deferred.iter().any(|s| s.holds("reserved.csv"))
        })
    }

    /// Every reservation the catalog prices for a type, by operating system and offer.
    pub fn reserved_offers(
        &self,
        region: &str,
        instance_type: &str,
    ) -> Vec<(&str, OfferTerms, ReservedPrice)> {
        let mut offers: Vec<_> = self
            .region(region)
            .and_then(|r| r.reserved.get(instance_type))
            .map(|offers| {
                offers
                    .iter()
                    .map(|(os, (terms, price))| (os.as_str(), *terms, *price))
                    .collect()
            })
            .unwrap_or_default();
        offers.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        offers
    }

    /// The region's average Spot price for a type, where the catalog has one.
    pub fn spot_average(&self, region: &str, instance_type: &str, os: &str) -> Option<HourlyRate> {
        for_os(self.region(region)?.spot_average.get(instance_type)?, os).copied()
    }

    pub fn ebs(&self, region: &str, volume: VolumeType) -> Option<MonthlyRate> {
        self.region(region)?.ebs.get(&volume).copied()
    }

    pub fn public_ipv4(&self, region: &str) -> Option<HourlyRate> {
        self.region(region)?.public_ipv4
    }

    pub fn instance_type_names(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }

    /// The regions with On-Demand prices.
    pub fn region_names(&self) -> impl Iterator<Item = &str> {
        self.regions
            .iter()
            .filter(|(_, region)| region.runs_instances())
            .map(|(name, _)| name.as_str())
    }

    pub fn os_names(&self) -> impl Iterator<Item = &str> {
        self.platforms.keys().map(String::as_str)
    }

    /// The operating systems priced for a type in a region, for error hints.
    pub fn priced_os(&self, region: &str, instance_type: &str) -> BTreeSet<&str> {
        self.region(region)
            .and_then(|r| r.on_demand.get(instance_type))
            .map(|by_os| by_os.iter().map(|(os, _)| os.as_str()).collect())
            .unwrap_or_default()
    }
}
