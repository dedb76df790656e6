//! Reading the catalog's CSV files, with file:line:column errors.
//!
//! Each file has a fixed header (columns in any order, `#` lines are comments holding the
//! source and date of the prices). A file given with `--pricing DIR` replaces the embedded
//! file of the same name; the others stay embedded, so a user can refresh On-Demand prices
//! without also supplying EBS or IPv4 prices.

use super::{
    BillingUnit, Catalog, InstanceSpec, OfferTerms, Offering, Payment, Platform, ReservedPrice,
    Term, VolumeType,
};
use crate::location::{closest_names, did_you_mean, Location};
use crate::money::Usd;
use crate::money::{parse_price, HourlyRate, MonthlyRate};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// A catalog file problem, located.
pub type CatalogError = crate::location::LocatedError;

/// One of the catalog's files: its name, where it came from and its text.
#[derive(Debug, Clone)]
pub struct CatalogFile {
    name: &'static str,
    label: Arc<str>,
    text: String,
}

/// The files, in load order: types and platforms first, since prices refer to them.
const EMBEDDED: [(&str, &str); 8] = [
    (
        "instance_types.csv",
        include_str!("../../pricing/instance_types.csv"),
    ),
    ("platforms.csv", include_str!("../../pricing/platforms.csv")),
    ("on_demand.csv", include_str!("../../pricing/on_demand.csv")),
    ("ebs.csv", include_str!("../../pricing/ebs.csv")),
    (
        "public_ipv4.csv",
        include_str!("../../pricing/public_ipv4.csv"),
    ),
    ("reserved.csv", include_str!("../../pricing/reserved.csv")),
    (
        "spot_prices.csv",
        include_str!("../../pricing/spot_prices.csv"),
    ),
    (
        "spot_advisor.csv",
        include_str!("../../pricing/spot_advisor.csv"),
    ),
];

impl CatalogFile {
    pub fn embedded_all() -> Vec<CatalogFile> {
        EMBEDDED
            .iter()
            .map(|(name, text)| CatalogFile {
                name,
                label: Arc::from(format!("(embedded) pricing/{name}")),
                text: (*text).to_string(),
            })
            .collect()
    }

    /// The embedded files, each replaced by `dir/<name>` where that file exists.
    pub fn with_overrides(dir: &Path) -> Result<Vec<CatalogFile>, CatalogError> {
        let label: Arc<str> = Arc::from(dir.display().to_string());
        if !dir.is_dir() {
            return Err(CatalogError {
                location: Location::line(&label, 0),
                problem: "--pricing must name a directory holding catalog CSV files".into(),
            });
        }
        let mut files = CatalogFile::embedded_all();
        for file in &mut files {
            let path = dir.join(file.name);
            if path.exists() {
                file.label = Arc::from(path.display().to_string());
                file.text = read_text(&path, &file.label)?;
            }
        }
        Ok(files)
    }
}

fn read_text(path: &Path, label: &Arc<str>) -> Result<String, CatalogError> {
    let bytes = std::fs::read(path).map_err(|e| CatalogError {
        location: Location::line(label, 0),
        problem: format!("cannot read the file: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| CatalogError {
        location: Location::line(label, 0),
        problem: format!(
            "the file is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// A parsed table: header positions and the current record, for located field access.
struct Table<'a> {
    file: &'a CatalogFile,
    columns: HashMap<&'static str, usize>,
    record: csv::StringRecord,
    line: u64,
}

impl Table<'_> {
    fn field(&self, column: &'static str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn error(&self, column: &'static str, problem: String) -> CatalogError {
        let location = match self.columns.get(column) {
            Some(&i) => Location::cell(&self.file.label, self.line, i, column),
            None => Location::line(&self.file.label, self.line),
        };
        CatalogError { location, problem }
    }

    fn required(&self, column: &'static str) -> Result<&str, CatalogError> {
        let value = self.field(column);
        if value.is_empty() {
            return Err(self.error(column, format!("{column} is empty")));
        }
        Ok(value)
    }

    fn price(&self, column: &'static str) -> Result<rust_decimal::Decimal, CatalogError> {
        let text = self.required(column)?;
        parse_price(text).map_err(|e| self.error(column, format!("{column} {e}")))
    }
}

/// Reads every record of `file`, checking the header against `expected`, calling `each`.
fn for_each_row(
    file: &CatalogFile,
    expected: &[&'static str],
    mut each: impl FnMut(&Table) -> Result<(), CatalogError>,
) -> Result<(), CatalogError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(file.text.as_bytes());
    let header_error = |problem: String| CatalogError {
        location: Location::line(&file.label, 1),
        problem,
    };
    let headers = reader
        .headers()
        .map_err(|e| header_error(format!("cannot read the header: {e}")))?
        .clone();
    let columns = match_header(&headers, expected).map_err(header_error)?;
    let mut table = Table {
        file,
        columns,
        record: csv::StringRecord::new(),
        line: 1,
    };
    loop {
        match reader.read_record(&mut table.record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                table.line = table.record.position().map_or(0, |p| p.line());
                each(&table)?;
            }
            Err(e) => {
                let line = e.position().map_or(table.line + 1, |p| p.line());
                return Err(CatalogError {
                    location: Location::line(&file.label, line),
                    problem: format!("not valid CSV: {e}"),
                });
            }
        }
    }
}

fn match_header(
    headers: &csv::StringRecord,
    expected: &[&'static str],
) -> Result<HashMap<&'static str, usize>, String> {
    let mut columns = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        let Some(&known) = expected.iter().find(|e| **e == name) else {
            return Err(format!(
                "unknown column {name:?}; the columns are {}",
                expected.join(", ")
            ));
        };
        if columns.insert(known, i).is_some() {
            return Err(format!("column {name:?} appears twice"));
        }
    }
    match expected.iter().find(|e| !columns.contains_key(*e)) {
        Some(missing) => Err(format!("the header has no {missing:?} column")),
        None => Ok(columns),
    }
}

pub(super) fn load_into(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    match file.name {
        "instance_types.csv" => load_types(catalog, file),
        "platforms.csv" => load_platforms(catalog, file),
        "on_demand.csv" => load_on_demand(catalog, file),
        "ebs.csv" => load_ebs(catalog, file),
        "public_ipv4.csv" => load_ipv4(catalog, file),
        "reserved.csv" => load_reserved(catalog, file),
        "spot_prices.csv" => load_spot(catalog, file),
        "spot_advisor.csv" => load_advisor(catalog, file),
        _ => Ok(()),
    }
}

fn load_types(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    for_each_row(file, &["instance_type", "vcpu", "memory_gib"], |row| {
        let name = row.required("instance_type")?;
        let vcpu = row.required("vcpu")?.parse::<u32>().map_err(|_| {
            row.error(
                "vcpu",
                format!("vcpu {:?} is not a whole number", row.field("vcpu")),
            )
        })?;
        let memory_gib = row.price("memory_gib")?;
        let spec = InstanceSpec { vcpu, memory_gib };
        if catalog.types.insert(name.to_string(), spec).is_some() {
            return Err(row.error("instance_type", format!("{name} is listed twice")));
        }
        Ok(())
    })
}

fn load_platforms(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    let columns = [
        "os",
        "billing",
        "price_list_operating_system",
        "spot_product_description",
    ];
    for_each_row(file, &columns, |row| {
        let os = row.required("os")?.to_string();
        let billing = match row.required("billing")? {
            "per-second" => BillingUnit::PerSecond,
            "per-hour" => BillingUnit::PerHour,
            other => {
                let problem = format!("billing {other:?} must be per-second or per-hour");
                return Err(row.error("billing", problem));
            }
        };
        let platform = Platform {
            os: os.clone(),
            billing,
            price_list_name: row.required("price_list_operating_system")?.to_string(),
            spot_product: row.field("spot_product_description").to_string(),
        };
        if catalog.platforms.insert(os.clone(), platform).is_some() {
            return Err(row.error("os", format!("{os} is listed twice")));
        }
        Ok(())
    })
}

fn load_on_demand(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    let columns = ["region", "instance_type", "os", "usd_per_hour"];
    for_each_row(file, &columns, |row| {
        let region = row.required("region")?;
        let instance_type = known(row, "instance_type", catalog.types.keys())?;
        let os = known(row, "os", catalog.platforms.keys())?;
        let rate = HourlyRate::new(row.price("usd_per_hour")?);
        let by_os = catalog
            .regions
            .entry(region.to_string())
            .or_default()
            .on_demand
            .entry(instance_type.to_string())
            .or_default();
        if by_os.insert(os.to_string(), rate).is_some() {
            let problem = format!("{os} {instance_type} in {region} is priced twice");
            return Err(row.error("usd_per_hour", problem));
        }
        Ok(())
    })
}

fn load_ebs(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    for_each_row(
        file,
        &["region", "volume_type", "usd_per_gb_month"],
        |row| {
            let region = row.required("region")?;
            let name = row.required("volume_type")?;
            let volume = VolumeType::parse(name).ok_or_else(|| {
                let names = VolumeType::ALL.map(VolumeType::name);
                let hint = did_you_mean(&closest_names(name, names));
                row.error("volume_type", format!("unknown volume type {name:?}{hint}"))
            })?;
            let rate = MonthlyRate::new(row.price("usd_per_gb_month")?);
            let prices = catalog.regions.entry(region.to_string()).or_default();
            if prices.ebs.insert(volume, rate).is_some() {
                return Err(row.error(
                    "volume_type",
                    format!("{volume} in {region} is priced twice"),
                ));
            }
            Ok(())
        },
    )
}

fn load_ipv4(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    for_each_row(file, &["region", "usd_per_hour"], |row| {
        let region = row.required("region")?;
        let rate = HourlyRate::new(row.price("usd_per_hour")?);
        let prices = catalog.regions.entry(region.to_string()).or_default();
        if prices.public_ipv4.replace(rate).is_some() {
            return Err(row.error("region", format!("{region} is priced twice")));
        }
        Ok(())
    })
}

fn load_reserved(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    let columns = [
        "region",
        "instance_type",
        "os",
        "term",
        "offering",
        "payment",
        "upfront_usd",
        "usd_per_hour",
    ];
    for_each_row(file, &columns, |row| {
        let region = row.required("region")?;
        let instance_type = known(row, "instance_type", catalog.types.keys())?;
        let os = known(row, "os", catalog.platforms.keys())?;
        let terms = OfferTerms {
            term: choice(row, "term", Term::parse, "1yr or 3yr")?,
            offering: choice(row, "offering", Offering::parse, "standard or convertible")?,
            payment: choice(
                row,
                "payment",
                Payment::parse,
                "no-upfront, partial-upfront or all-upfront",
            )?,
        };
        let price = ReservedPrice {
            upfront: Usd::new(row.price("upfront_usd")?),
            hourly: HourlyRate::new(row.price("usd_per_hour")?),
        };
        let offers = catalog
            .regions
            .entry(region.to_string())
            .or_default()
            .reserved
            .entry(instance_type.to_string())
            .or_default();
        if offers.insert((os.to_string(), terms), price).is_some() {
            let problem = format!("{os} {instance_type} {terms} in {region} is priced twice");
            return Err(row.error("usd_per_hour", problem));
        }
        Ok(())
    })
}

fn load_spot(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    let columns = [
        "availability_zone",
        "instance_type",
        "product_description",
        "timestamp",
        "usd_per_hour",
    ];
    let products: Vec<(String, String)> = catalog
        .platforms
        .values()
        .filter(|p| !p.spot_product.is_empty())
        .map(|p| (p.spot_product.clone(), p.os.clone()))
        .collect();
    for_each_row(file, &columns, |row| {
        let zone = row.required("availability_zone")?;
        let instance_type = row.required("instance_type")?;
        let product = row.required("product_description")?;
        let bare = product.trim_end_matches(" (Amazon VPC)");
        let systems: Vec<&String> = products
            .iter()
            .filter(|(p, _)| p == bare)
            .map(|(_, os)| os)
            .collect();
        if systems.is_empty() {
            let known: Vec<&str> = products.iter().map(|(p, _)| p.as_str()).collect();
            let problem = format!(
                "product_description {product:?} matches no platform in platforms.csv (known: {})",
                known.join(", ")
            );
            return Err(row.error("product_description", problem));
        }
        let text = row.required("timestamp")?;
        let at = crate::clock::Timestamp::parse(text)
            .map_err(|e| row.error("timestamp", format!("timestamp {e}")))?;
        let price = row.price("usd_per_hour")?;
        let region = super::spot::region_of_zone(zone);
        // A product's price applies to every operating system sold under it.
        for os in systems {
            catalog.spot.add(region, instance_type, os, zone, at, price);
        }
        Ok(())
    })
}

fn load_advisor(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    let columns = [
        "region",
        "instance_type",
        "os",
        "interruption_band",
        "savings_pct",
    ];
    for_each_row(file, &columns, |row| {
        let region = row.required("region")?;
        let instance_type = row.required("instance_type")?;
        let os = row.required("os")?;
        let band = choice(
            row,
            "interruption_band",
            super::spot::Band::parse,
            "<5%, 5-10%, 10-15%, 15-20% or >20%",
        )?;
        let key = (
            region.to_string(),
            instance_type.to_string(),
            os.to_string(),
        );
        if catalog.advisor.insert(key, band).is_some() {
            return Err(row.error(
                "instance_type",
                format!("{os} {instance_type} in {region} is listed twice"),
            ));
        }
        Ok(())
    })
}

fn choice<T>(
    row: &Table,
    column: &'static str,
    parse: fn(&str) -> Option<T>,
    allowed: &str,
) -> Result<T, CatalogError> {
    let text = row.required(column)?;
    parse(text).ok_or_else(|| row.error(column, format!("{column} {text:?} must be {allowed}")))
}

/// The value of `column` if it is one of `names`, else an error with suggestions.
fn known<'t, 'n>(
    row: &'t Table,
    column: &'static str,
    names: impl Iterator<Item = &'n String> + Clone,
) -> Result<&'t str, CatalogError> {
    let value = row.required(column)?;
    if names.clone().any(|n| n == value) {
        return Ok(value);
    }
    let hint = did_you_mean(&closest_names(value, names.map(String::as_str)));
    let problem = format!("{column} {value:?} is not defined in the catalog{hint}");
    Err(row.error(column, problem))
}
