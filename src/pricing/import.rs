//! Importing AWS's own price list: the Amazon EC2 bulk offer file in its CSV form.
//!
//! AWS publishes every EC2 price, per region, at
//! `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.csv`.
//! That file is the one source that covers every instance type, operating system and
//! Reserved Instance offer, so refreshing the catalog from it beats copying figures by hand.
//! But it is several gigabytes: it is read here as a stream, one reused record at a time,
//! and only the rows ec2plan prices with are kept (tens of thousands per region at most).
//!
//! The file's layout, as AWS documents it ("Reading the service price list file",
//! AWS Billing User Guide): five metadata rows (`FormatVersion`, `Disclaimer`,
//! `Publication Date`, `Version`, `OfferCode`), then a header row starting with `SKU`,
//! then one row per price dimension. The header is taken to be the first row with a `SKU`
//! field, wherever it is, rather than "line 6", so that an extra metadata row or reordered
//! columns do not break the import. Columns are found by header name, so their order
//! and any columns AWS adds later do not matter.
//!
//! Of the many products in the file, ec2plan wants the plain case its billing rules
//! model, and each filter below removes rows that would otherwise give a second, different
//! price for the same (region, type, operating system):
//!
//! | column | kept value | what the other values are |
//! |---|---|---|
//! | `Tenancy` | `Shared` | `Dedicated` instances, `Host` (Dedicated Hosts, $0.00 per instance) |
//! | `Pre Installed S/W` | `NA` | SQL Server and other licensed software on top of the OS |
//! | `CapacityStatus` | `Used` | `UnusedCapacityReservation`, `AllocatedCapacityReservation` ($0.00) |
//! | `License Model` | `No License required` (or empty) | `Bring your own license`, `License Included - Infrastructure` (Windows without the Windows licence) |
//! | `MarketOption` (if present) | `OnDemand` (or empty) | `CapacityBlock` ($0.00 per instance hour), `Spot` |
//! | `Location Type` (if present) | `AWS Region` | Local Zones, Wavelength Zones, Outposts, which have their own prices |
//! | `AvailabilityZone` (if present) | `NA` (or empty) | products sold for one Availability Zone |
//! | `Product Family` | `Compute Instance`, `Compute Instance (bare metal)`; `Storage` for EBS | everything else (snapshots, IOPS, load balancers, …) |
//! | `Currency` | `USD` | |
//! | `Operating System` | a platform of the catalog (`platforms.csv`) | e.g. `Red Hat Enterprise Linux with HA` |
//!
//! Reserved Instances: AWS publishes one price list entry per offer (SKU plus
//! `OfferTermCode`) with up to two rows, `Unit` `Quantity` (`PriceDescription`
//! `Upfront Fee`) and `Unit` `Hrs` (the recurring hourly fee); they are combined here, a
//! missing part counting as zero (No Upfront offers have no `Quantity` row). A Reserved
//! term's only attributes are `LeaseContractLength`, `OfferingClass` and `PurchaseOption`:
//! it names no scope, so its prices are written as the regional offer; rows whose
//! `AvailabilityZone` names a zone are dropped like all zonal products.

use super::VolumeType;
use crate::location::{LocatedError, Location};
use crate::money::parse_price;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;
use std::sync::Arc;

/// How many rows may come before the header. AWS writes five; allowing more keeps
/// a future extra metadata row from breaking imports, while a file that is not an offer
/// file at all is refused without reading gigabytes of it.
const HEADER_SEARCH_LIMIT: u64 = 50;

/// Accumulates the prices of one or more regional offer files (AWS publishes one per
/// region), then renders them as the catalog's CSV files with [`OfferImporter::finish`].
#[derive(Debug)]
pub struct OfferImporter {
    /// Price list `Operating System` → ec2plan operating system.
    platforms: HashMap<String, String>,
    sources: Vec<Source>,
    on_demand: BTreeMap<(String, String, String), Priced<Decimal>>,
    reserved: BTreeMap<ReservedKey, Priced<ReservedPrice>>,
    types: BTreeMap<String, Priced<Spec>>,
    ebs: BTreeMap<(String, &'static str), Priced<Decimal>>,
    rows_read: u64,
    skipped: u64,
}

/// The catalog files an import produced, as text ready to be written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub instance_types_csv: String,
    pub on_demand_csv: String,
    pub reserved_csv: String,
    pub ebs_csv: String,
    pub counts: ImportCounts,
}

/// What an import read and kept, for the user to see that it did what they expected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Data rows read after the header, over all files.
    pub rows_read: u64,
    /// Rows written to each output file.
    pub on_demand: usize,
    pub reserved: usize,
    pub instance_types: usize,
    pub ebs: usize,
    /// Rows read that gave no price (another tenancy, operating system, product, …).
    pub skipped: u64,
}

/// An imported file and the date AWS published it, for the output's provenance comments.
#[derive(Debug, Clone)]
struct Source {
    label: String,
    publication_date: Option<String>,
}

/// Where a kept value was read, so that a conflicting duplicate can name both lines.
#[derive(Debug, Clone)]
struct Origin {
    file: Arc<str>,
    line: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone)]
struct Priced<T> {
    value: T,
    origin: Origin,
}

/// What an instance type is: the same in every region, so it is written once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spec {
    vcpu: u32,
    memory_gib: Decimal,
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} vCPU and {} GiB", self.vcpu, self.memory_gib)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ReservedPrice {
    upfront: Decimal,
    hourly: Decimal,
}

impl fmt::Display for ReservedPrice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} upfront and {} per hour",
            self.upfront.normalize(),
            self.hourly.normalize()
        )
    }
}

/// A row of `reserved.csv` without its prices; field order is the file's sort order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ReservedKey {
    region: String,
    instance_type: String,
    os: String,
    term: &'static str,
    offering: &'static str,
    payment: &'static str,
}

impl fmt::Display for ReservedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} {} {} reservation of {} {} in {}",
            self.term, self.offering, self.payment, self.os, self.instance_type, self.region
        )
    }
}

/// One Reserved Instance offer while its rows are being collected (they share SKU and
/// `OfferTermCode` but need not be adjacent in the file).
#[derive(Debug)]
struct PendingOffer {
    key: ReservedKey,
    upfront: Option<Priced<Decimal>>,
    hourly: Option<Priced<Decimal>>,
}

/// The positions of the columns the importer reads. The optional ones are absent from
/// older files; when present they filter rows out.
#[derive(Debug)]
struct Columns {
    sku: usize,
    offer_term_code: usize,
    term_type: usize,
    unit: usize,
    price_per_unit: usize,
    currency: usize,
    lease_contract_length: usize,
    purchase_option: usize,
    offering_class: usize,
    product_family: usize,
    instance_type: usize,
    vcpu: usize,
    memory: usize,
    tenancy: usize,
    operating_system: usize,
    license_model: usize,
    capacity_status: usize,
    pre_installed_sw: usize,
    region_code: usize,
    volume_api_name: usize,
    location_type: Option<usize>,
    availability_zone: Option<usize>,
    market_option: Option<usize>,
}

impl Columns {
    fn find(
        header: &csv::StringRecord,
        file: &Arc<str>,
        line: u64,
    ) -> Result<Columns, LocatedError> {
        let find = |name: &str| find_column(header, name, file, line);
        let required = |name: &str| {
            find(name)?.ok_or_else(|| {
                let problem = if name == "Region Code" {
                    "the header has no \"Region Code\" column, so the region of each price is \
                     unknown (ec2plan does not guess it from \"Location\"); use a current \
                     AmazonEC2 offer file"
                        .to_string()
                } else {
                    format!(
                        "the header has no {name:?} column, which the importer needs",
                        name = crate::location::excerpt(&name)
                    )
                };
                LocatedError::new(Location::line(file, line), problem)
            })
        };
        Ok(Columns {
            sku: required("SKU")?,
            offer_term_code: required("OfferTermCode")?,
            term_type: required("TermType")?,
            unit: required("Unit")?,
            price_per_unit: required("PricePerUnit")?,
            currency: required("Currency")?,
            lease_contract_length: required("LeaseContractLength")?,
            purchase_option: required("PurchaseOption")?,
            offering_class: required("OfferingClass")?,
            product_family: required("Product Family")?,
            instance_type: required("Instance Type")?,
            vcpu: required("vCPU")?,
            memory: required("Memory")?,
            tenancy: required("Tenancy")?,
            operating_system: required("Operating System")?,
            license_model: required("License Model")?,
            capacity_status: required("CapacityStatus")?,
            pre_installed_sw: required("Pre Installed S/W")?,
            region_code: required("Region Code")?,
            volume_api_name: required("Volume API Name")?,
            location_type: find("Location Type")?,
            availability_zone: find("AvailabilityZone")?,
            market_option: find("MarketOption")?,
        })
    }
}

/// The position of `name` in the header; a column named twice is refused rather than one
/// of the two picked silently.
fn find_column(
    header: &csv::StringRecord,
    name: &str,
    file: &Arc<str>,
    line: u64,
) -> Result<Option<usize>, LocatedError> {
    let mut positions = header
        .iter()
        .enumerate()
        .filter(|(_, field)| header_name(field) == name)
        .map(|(i, _)| i);
    let first = positions.next();
    if let (Some(a), Some(b)) = (first, positions.next()) {
        let problem = format!(
            "the header has two {name:?} columns ({} and {})",
            a + 1,
            b + 1,
            name = crate::location::excerpt(&name)
        );
        return Err(LocatedError::new(Location::line(file, line), problem));
    }
    Ok(first)
}

/// A header field without surrounding blanks or a byte-order mark.
fn header_name(field: &str) -> &str {
    field.trim_start_matches('\u{feff}').trim()
}

/// One data row, with what is needed to point at its cells.
struct Row<'a> {
    file: &'a Arc<str>,
    line: u64,
    record: &'a csv::StringRecord,
    header: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, index: usize) -> &str {
        self.record.get(index).map_or("", str::trim)
    }

    /// An optional column: empty when the file does not have it.
    fn optional(&self, index: Option<usize>) -> &str {
        index.map_or("", |i| self.get(i))
    }

    fn origin(&self) -> Origin {
        Origin {
            file: Arc::clone(self.file),
            line: self.line,
        }
    }

    fn error(&self, index: usize, problem: String) -> LocatedError {
        let name = self.header.get(index).map_or("", header_name);
        LocatedError::new(Location::cell(self.file, self.line, index, name), problem)
    }

    fn required(&self, index: usize) -> Result<&str, LocatedError> {
        let value = self.get(index);
        if value.is_empty() {
            let name = self.header.get(index).map_or("", header_name);
            return Err(self.error(index, format!("{name} is empty")));
        }
        Ok(value)
    }

    /// A required name that reaches the catalog and the reports (an instance type, a region
    /// code): refused if a spreadsheet would read it as a formula or it holds a control
    /// character (`crate::spreadsheet`).
    fn name(&self, index: usize) -> Result<&str, LocatedError> {
        let value = self.required(index)?;
        let column = self.header.get(index).map_or("", header_name);
        match crate::spreadsheet::name_problem(column, value) {
            Some(problem) => Err(self.error(index, problem)),
            None => Ok(value),
        }
    }

    fn price(&self, index: usize) -> Result<Decimal, LocatedError> {
        let text = self.get(index);
        // Normalized (0.0960000000 → 0.096) so that messages and output show the price
        // as a person writes it; equal prices compare equal either way.
        parse_price(text)
            .map(|price| price.normalize())
            .map_err(|e| {
                let name = self.header.get(index).map_or("", header_name);
                self.error(index, format!("{name} {e}"))
            })
    }

    /// `vCPU` as a whole number: the catalog's `vcpu` column is one.
    fn vcpu(&self, index: usize) -> Result<u32, LocatedError> {
        let text = self.get(index);
        text.parse::<u32>().map_err(|_| {
            self.error(
                index,
                format!(
                    "vCPU {text:?} is not a whole number",
                    text = crate::location::excerpt(&text)
                ),
            )
        })
    }

    /// `Memory` such as `8 GiB`, `0.5 GiB` or `1,952 GiB`, in GiB.
    fn memory_gib(&self, index: usize) -> Result<Decimal, LocatedError> {
        let text = self.get(index);
        let number = text.strip_suffix("GiB").map(|n| n.trim().replace(',', ""));
        match number.and_then(|n| n.parse::<Decimal>().ok()) {
            Some(gib) if gib > Decimal::ZERO => Ok(gib.normalize()),
            _ => Err(self.error(
                index,
                format!(
                    "Memory {text:?} is not a size in GiB such as \"8 GiB\"",
                    text = crate::location::excerpt(&text)
                ),
            )),
        }
    }
}

/// Which part of a Reserved Instance offer a row prices.
enum Part {
    Upfront,
    Hourly,
}

impl OfferImporter {
    /// `platforms` maps each price list `Operating System` value (`Linux`, `Windows`,
    /// `RHEL`, `SUSE`, `Ubuntu Pro`) to the ec2plan operating system it prices (the
    /// `price_list_operating_system` and `os` columns of `platforms.csv`). Rows of any other
    /// operating system are skipped, because the catalog could not load them.
    pub fn new(platforms: Vec<(String, String)>) -> Self {
        OfferImporter {
            platforms: platforms.into_iter().collect(),
            sources: Vec::new(),
            on_demand: BTreeMap::new(),
            reserved: BTreeMap::new(),
            types: BTreeMap::new(),
            ebs: BTreeMap::new(),
            rows_read: 0,
            skipped: 0,
        }
    }

    /// Reads one offer file (`label` names it in errors and in the outputs' comments).
    ///
    /// Prices already read from other files are kept; a price read twice must be the same
    /// both times. After an error the importer holds part of the file and should be dropped.
    pub fn read<R: Read>(&mut self, label: &str, input: R) -> Result<(), LocatedError> {
        let file: Arc<str> = Arc::from(label);
        // Flexible: the metadata rows have two fields and the header a hundred; the field
        // count of data rows is checked against the header below, with a clearer message.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(crate::input::Limited::new(input).with_line_starts());
        let mut record = csv::StringRecord::new();

        let mut publication_date = None;
        let header_line = loop {
            let Some(line) = next_record(&mut reader, &mut record, &file, None)? else {
                return Err(LocatedError::new(
                    Location::line(&file, 0),
                    "no header row (one with a \"SKU\" column) was found; this is not an AWS \
                     Price List offer file in CSV form",
                ));
            };
            let first = record.get(0).map_or("", header_name);
            let second = record.get(1).map_or("", str::trim);
            // AWS writes `SKU` first; it is looked for in every position so that a file
            // whose columns were reordered still has its header found. The metadata rows are
            // key/value pairs, none of them `SKU`.
            if record.iter().any(|field| header_name(field) == "SKU") {
                break line;
            }
            match first {
                "Publication Date" => publication_date = Some(second.to_string()),
                "OfferCode" if second != "AmazonEC2" => {
                    let problem = format!(
                        "this is the price list of {second:?}; ec2plan imports the one of \
                         \"AmazonEC2\"",
                        second = crate::location::excerpt(&second)
                    );
                    return Err(LocatedError::new(Location::line(&file, line), problem));
                }
                _ => {}
            }
            if line >= HEADER_SEARCH_LIMIT {
                let problem = format!(
                    "no header row (one with a \"SKU\" column) in the first \
                     {HEADER_SEARCH_LIMIT} lines; this is not an AWS Price List offer file in \
                     CSV form"
                );
                return Err(LocatedError::new(Location::line(&file, 0), problem));
            }
        };
        let header = record.clone();
        let columns = Columns::find(&header, &file, header_line)?;
        self.sources.push(Source {
            label: label.to_string(),
            publication_date,
        });

        let mut offers: HashMap<(String, String), PendingOffer> = HashMap::new();
        while let Some(line) = next_record(&mut reader, &mut record, &file, Some(&header))? {
            self.rows_read += 1;
            let row = Row {
                file: &file,
                line,
                record: &record,
                header: &header,
            };
            if record.len() != header.len() {
                let problem = format!(
                    "the row has {} fields but the header (line {header_line}) has {}",
                    record.len(),
                    header.len()
                );
                return Err(LocatedError::new(Location::line(&file, row.line), problem));
            }
            if !self.take(&row, &columns, &mut offers)? {
                self.skipped += 1;
            }
        }
        self.add_offers(offers)
    }

    /// Renders what was read as the catalog's files: comments naming the sources, the
    /// header, then the rows in a stable order (so a re-import diffs cleanly).
    pub fn finish(self) -> Imported {
        let sources = self.provenance();
        let counts = ImportCounts {
            rows_read: self.rows_read,
            on_demand: self.on_demand.len(),
            reserved: self.reserved.len(),
            instance_types: self.types.len(),
            ebs: self.ebs.len(),
            skipped: self.skipped,
        };
        let instance_types_csv = render(
            &sources,
            "vCPU and memory (GiB) of every instance type priced in on_demand.csv or reserved.csv.",
            "instance_type,vcpu,memory_gib",
            self.types.iter().map(|(name, spec)| {
                vec![
                    name.clone(),
                    spec.value.vcpu.to_string(),
                    spec.value.memory_gib.normalize().to_string(),
                ]
            }),
        );
        let on_demand_csv = render(
            &sources,
            "EC2 On-Demand, USD per hour: shared tenancy, no pre-installed software, capacity \
             status Used, license model \"No License required\", AWS Regions only.",
            "region,instance_type,os,usd_per_hour",
            self.on_demand
                .iter()
                .map(|((region, instance_type, os), rate)| {
                    vec![
                        region.clone(),
                        instance_type.clone(),
                        os.clone(),
                        rate.value.normalize().to_string(),
                    ]
                }),
        );
        let reserved_csv = render(
            &sources,
            "EC2 Reserved Instances (regional), same products as on_demand.csv: upfront_usd is \
             paid once per reservation, usd_per_hour is the recurring fee.",
            "region,instance_type,os,term,offering,payment,upfront_usd,usd_per_hour",
            self.reserved.iter().map(|(key, price)| {
                vec![
                    key.region.clone(),
                    key.instance_type.clone(),
                    key.os.clone(),
                    key.term.to_string(),
                    key.offering.to_string(),
                    key.payment.to_string(),
                    price.value.upfront.normalize().to_string(),
                    price.value.hourly.normalize().to_string(),
                ]
            }),
        );
        let ebs_csv = render(
            &sources,
            "EBS volume storage only (no IOPS, throughput or snapshots), USD per GB-month.",
            "region,volume_type,usd_per_gb_month",
            self.ebs.iter().map(|((region, volume), rate)| {
                vec![
                    region.clone(),
                    (*volume).to_string(),
                    rate.value.normalize().to_string(),
                ]
            }),
        );
        Imported {
            instance_types_csv,
            on_demand_csv,
            reserved_csv,
            ebs_csv,
            counts,
        }
    }

    /// The comment lines naming each imported file and its publication date.
    fn provenance(&self) -> String {
        let mut text = String::from(
            "# Imported by ec2plan from the AWS Price List bulk offer file for Amazon EC2 (CSV):\n",
        );
        for source in &self.sources {
            let date = source.publication_date.as_deref().unwrap_or("not stated");
            let label = source.label.replace(['\n', '\r'], " ");
            text.push_str(&format!("#   {label} (Publication Date {date})\n"));
        }
        text
    }

    /// Keeps the row if ec2plan prices with it; `Ok(false)` when it is skipped.
    fn take(
        &mut self,
        row: &Row,
        c: &Columns,
        offers: &mut HashMap<(String, String), PendingOffer>,
    ) -> Result<bool, LocatedError> {
        if row.get(c.currency) != "USD" {
            return Ok(false);
        }
        let location_type = row.optional(c.location_type);
        if !location_type.is_empty() && location_type != "AWS Region" {
            return Ok(false);
        }
        let reserved = match row.get(c.term_type) {
            "OnDemand" => false,
            "Reserved" => true,
            _ => return Ok(false),
        };
        match row.get(c.product_family) {
            "Compute Instance" | "Compute Instance (bare metal)" => {
                self.take_instance(row, c, reserved, offers)
            }
            "Storage" if !reserved => self.take_storage(row, c),
            _ => Ok(false),
        }
    }

    fn take_instance(
        &mut self,
        row: &Row,
        c: &Columns,
        reserved: bool,
        offers: &mut HashMap<(String, String), PendingOffer>,
    ) -> Result<bool, LocatedError> {
        let license = row.get(c.license_model);
        let market = row.optional(c.market_option);
        let zone = row.optional(c.availability_zone);
        if row.get(c.tenancy) != "Shared"
            || row.get(c.pre_installed_sw) != "NA"
            || row.get(c.capacity_status) != "Used"
            || !(license.is_empty() || license == "No License required")
            || !(market.is_empty() || market == "OnDemand")
            || !(zone.is_empty() || zone == "NA")
        {
            return Ok(false);
        }
        let Some(os) = self.platforms.get(row.get(c.operating_system)).cloned() else {
            return Ok(false);
        };
        if !reserved && row.get(c.unit) != "Hrs" {
            return Ok(false);
        }
        let instance_type = row.name(c.instance_type)?.to_string();
        let region = row.name(c.region_code)?.to_string();
        let spec = Spec {
            vcpu: row.vcpu(c.vcpu)?,
            memory_gib: row.memory_gib(c.memory)?,
        };
        insert(
            &mut self.types,
            instance_type.clone(),
            spec,
            row,
            c.vcpu,
            || instance_type.clone(),
        )?;
        if reserved {
            let key = ReservedKey {
                region,
                instance_type,
                os,
                term: reserved_term(row, c)?,
                offering: offering_class(row, c)?,
                payment: purchase_option(row, c)?,
            };
            self.take_reservation_part(row, c, key, offers)?;
        } else {
            let price = row.price(c.price_per_unit)?;
            let what = format!("{os} {instance_type} in {region}");
            let key = (region, instance_type, os);
            insert(
                &mut self.on_demand,
                key,
                price,
                row,
                c.price_per_unit,
                || what,
            )?;
        }
        Ok(true)
    }

    fn take_reservation_part(
        &mut self,
        row: &Row,
        c: &Columns,
        key: ReservedKey,
        offers: &mut HashMap<(String, String), PendingOffer>,
    ) -> Result<(), LocatedError> {
        let part = match row.get(c.unit) {
            "Hrs" => Part::Hourly,
            "Quantity" => Part::Upfront,
            other => {
                let problem = format!(
                    "Unit {other:?} of a Reserved row must be \"Hrs\" (the hourly fee) or \
                     \"Quantity\" (the upfront fee)",
                    other = crate::location::excerpt(&other)
                );
                return Err(row.error(c.unit, problem));
            }
        };
        let price = row.price(c.price_per_unit)?;
        let sku = row.required(c.sku)?;
        let term_code = row.required(c.offer_term_code)?;
        let offer = offers
            .entry((sku.to_string(), term_code.to_string()))
            .or_insert_with(|| PendingOffer {
                key: key.clone(),
                upfront: None,
                hourly: None,
            });
        if offer.key != key {
            let problem = format!(
                "this row of offer {sku}.{term_code} is for {key}, but an earlier row of the \
                 same offer is for {}",
                offer.key
            );
            return Err(row.error(c.offer_term_code, problem));
        }
        let (slot, what) = match part {
            Part::Upfront => (&mut offer.upfront, "upfront fee"),
            Part::Hourly => (&mut offer.hourly, "hourly fee"),
        };
        match slot {
            Some(earlier) if earlier.value != price => {
                let problem = format!(
                    "offer {sku}.{term_code} has a second {what}: {} here but {} at {}",
                    price.normalize(),
                    earlier.value.normalize(),
                    earlier.origin
                );
                Err(row.error(c.price_per_unit, problem))
            }
            Some(_) => Ok(()),
            None => {
                *slot = Some(Priced {
                    value: price,
                    origin: row.origin(),
                });
                Ok(())
            }
        }
    }

    fn take_storage(&mut self, row: &Row, c: &Columns) -> Result<bool, LocatedError> {
        if row.get(c.unit) != "GB-Mo" {
            return Ok(false);
        }
        let Some(volume) = VolumeType::parse(row.get(c.volume_api_name)) else {
            return Ok(false);
        };
        let region = row.name(c.region_code)?.to_string();
        let price = row.price(c.price_per_unit)?;
        let what = format!("{volume} storage in {region}");
        let key = (region, volume.name());
        insert(&mut self.ebs, key, price, row, c.price_per_unit, || what)?;
        Ok(true)
    }

    /// Adds the Reserved Instance offers of one file, each with its parts combined.
    fn add_offers(
        &mut self,
        offers: HashMap<(String, String), PendingOffer>,
    ) -> Result<(), LocatedError> {
        // In file order, so that of two conflicting offers the later one is reported.
        let mut offers: Vec<PendingOffer> = offers.into_values().collect();
        offers.sort_by_key(first_line);
        for offer in offers {
            let origin = match (&offer.upfront, &offer.hourly) {
                (Some(a), Some(b)) if b.origin.line < a.origin.line => b.origin.clone(),
                (Some(a), _) => a.origin.clone(),
                (None, Some(b)) => b.origin.clone(),
                (None, None) => continue,
            };
            let price = ReservedPrice {
                upfront: offer.upfront.map_or(Decimal::ZERO, |p| p.value),
                hourly: offer.hourly.map_or(Decimal::ZERO, |p| p.value),
            };
            match self.reserved.get(&offer.key) {
                Some(earlier) if earlier.value != price => {
                    let problem = format!(
                        "{} is priced twice: {price} here but {} at {}",
                        offer.key, earlier.value, earlier.origin
                    );
                    let location = Location::line(&origin.file, origin.line);
                    return Err(LocatedError::new(location, problem));
                }
                Some(_) => {}
                None => {
                    self.reserved.insert(
                        offer.key,
                        Priced {
                            value: price,
                            origin,
                        },
                    );
                }
            }
        }
        Ok(())
    }
}

fn first_line(offer: &PendingOffer) -> u64 {
    let lines = [&offer.upfront, &offer.hourly];
    lines
        .iter()
        .filter_map(|part| part.as_ref().map(|p| p.origin.line))
        .min()
        .unwrap_or(0)
}

/// Records `value` under `key`; the same value again is fine (AWS repeats some products),
/// a different one is an error naming both lines, since either could be the right one.
fn insert<K: Ord, T: PartialEq + Copy + fmt::Display>(
    map: &mut BTreeMap<K, Priced<T>>,
    key: K,
    value: T,
    row: &Row,
    column: usize,
    what: impl FnOnce() -> String,
) -> Result<(), LocatedError> {
    match map.get(&key) {
        Some(earlier) if earlier.value != value => {
            let problem = format!(
                "{} is given twice: {value} here but {} at {}",
                what(),
                earlier.value,
                earlier.origin
            );
            Err(row.error(column, problem))
        }
        Some(_) => Ok(()),
        None => {
            map.insert(
                key,
                Priced {
                    value,
                    origin: row.origin(),
                },
            );
            Ok(())
        }
    }
}

fn reserved_term(row: &Row, c: &Columns) -> Result<&'static str, LocatedError> {
    match row.get(c.lease_contract_length) {
        "1yr" => Ok("1yr"),
        "3yr" => Ok("3yr"),
        other => Err(row.error(
            c.lease_contract_length,
            format!(
                "LeaseContractLength {other:?} is not \"1yr\" or \"3yr\"",
                other = crate::location::excerpt(&other)
            ),
        )),
    }
}

fn offering_class(row: &Row, c: &Columns) -> Result<&'static str, LocatedError> {
    match row.get(c.offering_class) {
        "standard" => Ok("standard"),
        "convertible" => Ok("convertible"),
        other => Err(row.error(
            c.offering_class,
            format!(
                "OfferingClass {other:?} is not \"standard\" or \"convertible\"",
                other = crate::location::excerpt(&other)
            ),
        )),
    }
}

fn purchase_option(row: &Row, c: &Columns) -> Result<&'static str, LocatedError> {
    match row.get(c.purchase_option) {
        "No Upfront" => Ok("no-upfront"),
        "Partial Upfront" => Ok("partial-upfront"),
        "All Upfront" => Ok("all-upfront"),
        other => Err(row.error(
            c.purchase_option,
            format!(
                "PurchaseOption {other:?} is not \"No Upfront\", \"Partial Upfront\" or \
                 \"All Upfront\"",
                other = crate::location::excerpt(&other)
            ),
        )),
    }
}

/// Reads the next record into `record`: the physical line it starts on, `None` at the end
/// of the file; `csv`'s errors become located sentences.
fn next_record<R: Read>(
    reader: &mut csv::Reader<crate::input::Limited<R>>,
    record: &mut csv::StringRecord,
    file: &Arc<str>,
    header: Option<&csv::StringRecord>,
) -> Result<Option<u64>, LocatedError> {
    match reader.read_record(record) {
        Ok(true) => {
            let start = crate::lines::start_of(record.position());
            Ok(Some(reader.get_mut().record_line(start)))
        }
        Ok(false) => Ok(None),
        Err(error) => {
            // The start of the record in error (a UTF-8 error's too).
            let line = match error.position() {
                Some(position) => reader.get_mut().record_line(position.byte()),
                None => 0,
            };
            Err(read_error(&error, file, header, line))
        }
    }
}

/// One sentence for `csv`'s `error` about the record on `line`.
fn read_error(
    error: &csv::Error,
    file: &Arc<str>,
    header: Option<&csv::StringRecord>,
    line: u64,
) -> LocatedError {
    if let Some(limit) = crate::input::LimitError::of_csv(error) {
        return limit.located(file);
    }
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            let name = header.and_then(|h| h.get(err.field())).map(header_name);
            let location = match name {
                Some(name) => Location::cell(file, line, err.field(), name),
                None => Location::line(file, line),
            };
            LocatedError::new(
                location,
                "the text is not UTF-8, the encoding AWS publishes price list files in",
            )
        }
        csv::ErrorKind::Io(e) => LocatedError::new(
            Location::line(file, 0),
            format!("cannot read the file: {e}"),
        ),
        _ => LocatedError::new(
            Location::line(file, line),
            format!("not valid CSV: {error}"),
        ),
    }
}

/// A catalog file: comments, a description line, the header, then the rows.
fn render(
    sources: &str,
    description: &str,
    header: &str,
    rows: impl Iterator<Item = Vec<String>>,
) -> String {
    let mut text = String::from(sources);
    text.push_str("# ");
    text.push_str(description);
    text.push('\n');
    text.push_str(header);
    text.push('\n');
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    text
}

/// A value as a CSV cell: quoted only where it has to be (no AWS value needs it today). Text
/// (anything but a number) goes through the spreadsheet guard, which names refused when read
/// never need.
fn csv_cell(value: &str) -> String {
    let value = match value.parse::<Decimal>() {
        Ok(_) => std::borrow::Cow::Borrowed(value),
        Err(_) => crate::spreadsheet::text_cell(value),
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}
