//! Reading the catalog's CSV files, with file:line:column errors.
//!
//! Each file has a fixed header (columns in any order, `#` lines are comments holding the
//! source and date of the prices). A file given with `--pricing DIR` replaces the embedded
//! file of the same name; the others stay embedded, so a user can refresh On-Demand prices
//! without also supplying EBS or IPv4 prices.

use super::{
    BillingUnit, Catalog, InstanceSpec, OfferTerms, Offering, Payment, Platform, Region,
    RegionPrices, ReservedPrice, Term, VolumeType,
};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::location::{closest_names, did_you_mean, Location};
use crate::money::Usd;
use crate::money::{parse_price, HourlyRate, MonthlyRate};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// A catalog file problem, located.
pub type CatalogError = crate::location::LocatedError;

/// One of the catalog's files: its name, where it came from and its text.
#[derive(Debug, Clone)]
pub struct CatalogFile {
    name: &'static str,
    label: Arc<str>,
    text: Cow<'static, str>,
}

/// The files, in load order: types and platforms first, since prices refer to them.
const EMBEDDED: [(&str, &str); 10] = [
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
        "spot_average.csv",
        include_str!("../../pricing/spot_average.csv"),
    ),
    (
        "spot_prices.csv",
        include_str!("../../pricing/spot_prices.csv"),
    ),
    (
        "spot_advisor.csv",
        include_str!("../../pricing/spot_advisor.csv"),
    ),
    (
        "spot_daily.csv",
        include_str!("../../pricing/spot_daily.csv"),
    ),
];

/// The embedded files sorted by region whose rows are read per region, on first use: they
/// hold nearly all of the catalog's rows.
const DEFERRED: [&str; 3] = ["on_demand.csv", "reserved.csv", "spot_average.csv"];

/// One region's rows of a large embedded file, read when the region is first asked for.
#[derive(Debug, Clone)]
pub(super) struct Slice {
    file: &'static str,
    label: Arc<str>,
    text: &'static str,
    header: Range<usize>,
    rows: Range<usize>,
}

impl Slice {
    pub(super) fn holds(&self, file: &str) -> bool {
        self.file == file
    }
}

impl CatalogFile {
    pub fn embedded_all() -> Vec<CatalogFile> {
        EMBEDDED
            .iter()
            .map(|(name, text)| CatalogFile {
                name,
                label: Arc::from(format!("(embedded) pricing/{name}")),
                text: Cow::Borrowed(text),
            })
            .collect()
    }

    /// The names of the files a `--pricing` directory may hold.
    pub fn names() -> impl Iterator<Item = &'static str> {
        EMBEDDED.iter().map(|(name, _)| *name)
    }

    /// The embedded files, each replaced by `dir/<name>` where that file exists. A `.csv`
    /// file in `dir` with any other name is refused: a misspelt `reserve.csv` would
    /// otherwise be ignored and the bundled prices used without a word. Other files (a
    /// README) are left alone.
    pub fn with_overrides(dir: &Path) -> Result<Vec<CatalogFile>, Error> {
        let not_a_directory = || Error::Read {
            path: dir.to_path_buf(),
            source: std::io::Error::other(
                "--pricing must name a directory holding catalog CSV files",
            ),
        };
        if !dir.is_dir() {
            return Err(not_a_directory());
        }
        refuse_unknown_files(dir)?;
        let mut files = CatalogFile::embedded_all();
        for file in &mut files {
            let path = dir.join(file.name);
            if path.exists() {
                file.label = Arc::from(path.display().to_string());
                file.text = Cow::Owned(read_text(&path, &file.label)?);
            }
        }
        Ok(files)
    }
}

fn refuse_unknown_files(dir: &Path) -> Result<(), Error> {
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let name = entry.map_err(read_error)?.file_name();
        let name = name.to_string_lossy();
        if !name.ends_with(".csv") || CatalogFile::names().any(|known| known == name) {
            continue;
        }
        let names: Vec<&str> = CatalogFile::names().collect();
        let hint = did_you_mean(&closest_names(&name, names.iter().copied()));
        let label: Arc<str> = Arc::from(dir.join(&*name).display().to_string());
        return Err(Error::Input(CatalogError {
            location: Location::line(&label, 0),
            problem: format!(
                "not a catalog file{hint} (a --pricing directory holds {})",
                names.join(", ")
            ),
        }));
    }
    Ok(())
}

fn read_text(path: &Path, label: &Arc<str>) -> Result<String, Error> {
    let read_error = |source: std::io::Error| match crate::input::LimitError::of_io(&source) {
        Some(limit) => Error::Input(limit.located(label)),
        None => Error::Read {
            path: path.to_path_buf(),
            source,
        },
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    crate::input::Limited::new(file)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    lone_returns_to_feeds(&mut bytes);
    String::from_utf8(bytes).map_err(|e| {
        Error::Input(CatalogError {
            location: Location::line(label, 0),
            problem: format!(
                "the file is not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })
    })
}

/// Turns each CR not followed by an LF into an LF. The csv crate ends a comment line at an
/// LF only, so in a file whose lines end in lone CRs (old Mac files) the first comment would
/// swallow the rest of the file. One byte for one keeps every offset and line number the
/// file's own; no catalog value holds a line break.
fn lone_returns_to_feeds(bytes: &mut [u8]) {
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'\r', &bytes[from..]) {
        let at = from + found;
        if bytes.get(at + 1) != Some(&b'\n') {
            bytes[at] = b'\n';
        }
        from = at + 1;
    }
}

/// Where a table's rows come from: a whole file, or one region's rows of an embedded file
/// (read behind the file's header line).
struct Source<'a> {
    label: &'a Arc<str>,
    /// The whole file, to number lines as the file does.
    text: &'a str,
    /// The header the CSV reader is given first: empty for a whole file, whose own first
    /// lines hold it.
    header: Range<usize>,
    rows: Range<usize>,
    /// One region's rows of an embedded file (written without spaces around fields).
    embedded: bool,
}

impl<'a> Source<'a> {
    fn file(file: &'a CatalogFile) -> Source<'a> {
        Source {
            label: &file.label,
            text: &file.text,
            header: 0..0,
            rows: 0..file.text.len(),
            embedded: false,
        }
    }

    fn slice(slice: &'a Slice) -> Source<'a> {
        Source {
            label: &slice.label,
            text: slice.text,
            header: slice.header.clone(),
            rows: slice.rows.clone(),
            embedded: true,
        }
    }

    /// What the CSV reader reads: the header, then the rows.
    fn bytes(&self) -> impl Read + 'a {
        let text = self.text.as_bytes();
        text[self.header.clone()].chain(&text[self.rows.clone()])
    }

    /// The file's physical line of the record the CSV reader says starts at byte `start` of
    /// what it read ([`crate::lines::start_of`]), skipping the blank and comment lines
    /// before it. Worked out only for a message, so reading a region does not scan the text
    /// before it.
    fn line(&self, start: u64) -> u64 {
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        let at = match start.checked_sub(self.header.len()) {
            None => self.header.start + start,
            Some(in_rows) => self.rows.start.saturating_add(in_rows),
        };
        crate::lines::record_line(self.text.as_bytes(), at, Some(b'#'))
    }
}

/// A parsed table: header positions and the current record, for located field access.
struct Table<'a> {
    source: &'a Source<'a>,
    columns: Columns,
    record: csv::StringRecord,
    /// Where the record starts in what the CSV reader read ([`Source::line`]).
    start: u64,
}

impl Table<'_> {
    fn field(&self, column: &'static str) -> &str {
        self.columns
            .index(column)
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn error(&self, column: &'static str, problem: String) -> CatalogError {
        let line = self.source.line(self.start);
        let location = match self.columns.index(column) {
            Some(i) => Location::cell(self.source.label, line, i, column),
            None => Location::line(self.source.label, line),
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

    /// A required name (an instance type, region, operating system or zone): refused if a
    /// spreadsheet would read it as a formula or it holds a control character, since it
    /// reaches the reports (`crate::spreadsheet`).
    fn name(&self, column: &'static str) -> Result<&str, CatalogError> {
        let value = self.required(column)?;
        match crate::spreadsheet::name_problem(column, value) {
            Some(problem) => Err(self.error(column, problem)),
            None => Ok(value),
        }
    }

    fn price(&self, column: &'static str) -> Result<rust_decimal::Decimal, CatalogError> {
        let text = self.required(column)?;
        parse_price(text).map_err(|e| self.error(column, format!("{column} {e}")))
    }
}

/// Reads every record of `source`, checking the header against `expected`, calling `each`.
fn for_each_row(
    source: &Source,
    expected: &[&'static str],
    mut each: impl FnMut(&Table) -> Result<(), CatalogError>,
) -> Result<(), CatalogError> {
    // The embedded files are written without spaces around fields; only a user's are trimmed.
    let trim = match source.embedded {
        true => csv::Trim::None,
        false => csv::Trim::All,
    };
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(trim)
        .from_reader(source.bytes());
    let header_error = |start: u64, problem: String| CatalogError {
        location: Location::line(source.label, source.line(start)),
        problem,
    };
    let headers = reader
        .headers()
        .map_err(|e| header_error(0, format!("cannot read the header: {e}")))?
        .clone();
    let start = crate::lines::start_of(headers.position());
    let columns = match_header(&headers, expected).map_err(|p| header_error(start, p))?;
    let mut table = Table {
        source,
        columns,
        record: csv::StringRecord::new(),
        start,
    };
    loop {
        match reader.read_record(&mut table.record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                table.start = crate::lines::start_of(table.record.position());
                each(&table)?;
            }
            Err(e) => {
                let start = e.position().map_or(table.start, csv::Position::byte);
                // csv's own text names a line of its own counting; the sentence names none.
                let problem = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("this row has {len} fields but the header has {expected_len}"),
                    csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".to_string(),
                    _ => "the row is not valid CSV".to_string(),
                };
                return Err(CatalogError {
                    location: Location::line(source.label, source.line(start)),
                    problem,
                });
            }
        }
    }
}

/// Where each expected column is in the file: a few names, found by a scan.
struct Columns(Vec<(&'static str, usize)>);

impl Columns {
    fn index(&self, column: &str) -> Option<usize> {
        self.0
            .iter()
            .find(|(name, _)| *name == column)
            .map(|(_, i)| *i)
    }
}

fn match_header(headers: &csv::StringRecord, expected: &[&'static str]) -> Result<Columns, String> {
    let mut columns = Columns(Vec::with_capacity(expected.len()));
    for (i, name) in headers.iter().enumerate() {
        let Some(&known) = expected.iter().find(|e| **e == name) else {
            return Err(format!(
                "unknown column {name:?}; the columns are {}",
                expected.join(", "),
                name = crate::location::excerpt(&name)
            ));
        };
        if columns.index(known).is_some() {
            return Err(format!(
                "column {name:?} appears twice",
                name = crate::location::excerpt(&name)
            ));
        }
        columns.0.push((known, i));
    }
    match expected.iter().find(|e| columns.index(e).is_none()) {
        Some(missing) => Err(format!(
            "the header has no {missing:?} column",
            missing = crate::location::excerpt(&missing)
        )),
        None => Ok(columns),
    }
}

/// The instance types and operating systems prices may name.
struct Known<'a> {
    types: &'a BTreeMap<String, InstanceSpec>,
    platforms: &'a BTreeMap<String, Platform>,
    /// Skip rows naming a type or system the catalog lacks, rather than refuse them: so for
    /// the embedded rows when `--pricing` replaces `instance_types.csv` or `platforms.csv`
    /// with a shorter list (no scenario can name what the list lacks).
    skip_unknown: bool,
}

impl Known<'_> {
    fn has(&self, instance_type: &str, os: &str) -> bool {
        self.types.contains_key(instance_type) && self.platforms.contains_key(os)
    }
}

/// Where rows of prices go: a region of the catalog by name (rows read at start), or the one
/// region whose deferred rows are being read.
trait Target {
    fn region(&mut self, name: &str) -> &mut RegionPrices;
}

impl Target for BTreeMap<String, Region> {
    /// Rows read at start come from a user's files, short enough that a key per row costs
    /// nothing worth avoiding.
    fn region(&mut self, name: &str) -> &mut RegionPrices {
        &mut self.entry(name.to_string()).or_default().eager
    }
}

impl Target for RegionPrices {
    fn region(&mut self, _name: &str) -> &mut RegionPrices {
        self
    }
}

pub(super) fn load_into(catalog: &mut Catalog, file: &CatalogFile) -> Result<(), CatalogError> {
    if let Cow::Borrowed(text) = file.text {
        if DEFERRED.contains(&file.name) {
            defer(catalog, file, text);
            return Ok(());
        }
    }
    match (file.name, &file.text) {
        // Read only when trials draw price paths (`Catalog::spot_daily`).
        ("spot_daily.csv", _) => {
            catalog.spot_extra.daily_file = Some(file.clone());
            return Ok(());
        }
        ("spot_average.csv", Cow::Owned(_)) => {
            catalog.spot_extra.average_from = Some(Arc::clone(&file.label));
        }
        _ => {}
    }
    let source = Source::file(file);
    let known = Known {
        types: &catalog.types,
        platforms: &catalog.platforms,
        skip_unknown: false,
    };
    let regions = &mut catalog.regions;
    match file.name {
        "instance_types.csv" => load_types(catalog, &source),
        "platforms.csv" => load_platforms(catalog, &source),
        "on_demand.csv" => load_on_demand(&known, &source, regions),
        "reserved.csv" => load_reserved(&known, &source, regions),
        "spot_average.csv" => load_spot_average(&known, &source, regions),
        "ebs.csv" => load_ebs(&source, regions),
        "public_ipv4.csv" => load_ipv4(&source, regions),
        "spot_prices.csv" => load_spot(catalog, &source),
        "spot_advisor.csv" => load_advisor(catalog, &source),
        _ => Ok(()),
    }
}

/// Registers each region's rows of an embedded file sorted by region, to be read on first use.
fn defer(catalog: &mut Catalog, file: &CatalogFile, text: &'static str) {
    let mut start = 0;
    while text[start..].starts_with('#') {
        start = next_line(text, start);
    }
    let header = start..next_line(text, start);
    start = header.end;
    while start < text.len() {
        let region = first_field(&text[start..]);
        let end = region_end(text, start, region);
        let slice = Slice {
            file: file.name,
            label: Arc::clone(&file.label),
            text,
            header: header.clone(),
            rows: start..end,
        };
        catalog
            .regions
            .entry(region.to_string())
            .or_default()
            .deferred
            .push(slice);
        start = end;
    }
}

/// Reads a region's deferred rows into a copy of the prices read at start.
pub(super) fn deferred(
    catalog: &Catalog,
    eager: &RegionPrices,
    slices: &[Slice],
) -> Result<RegionPrices, CatalogError> {
    let known = Known {
        types: &catalog.types,
        platforms: &catalog.platforms,
        skip_unknown: true,
    };
    let mut prices = eager.clone();
    for slice in slices {
        let source = Source::slice(slice);
        match slice.file {
            "on_demand.csv" => load_on_demand(&known, &source, &mut prices)?,
            "reserved.csv" => load_reserved(&known, &source, &mut prices)?,
            "spot_average.csv" => load_spot_average(&known, &source, &mut prices)?,
            _ => {}
        }
    }
    Ok(prices)
}

/// Where the line after the one holding `at` starts (the text's end for the last line).
fn next_line(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

fn first_field(line: &str) -> &str {
    let end = line.find([',', '\n']).unwrap_or(line.len());
    &line[..end]
}

/// Where the rows of `region` that start at `start` end, by binary search over the lines of a
/// file sorted by region (a test checks every embedded file is).
fn region_end(text: &str, start: usize, region: &str) -> usize {
    let (mut low, mut high) = (start, text.len());
    loop {
        let mut middle = next_line(text, low + (high - low) / 2);
        if middle >= high {
            middle = next_line(text, low);
            if middle >= high {
                return high;
            }
        }
        if first_field(&text[middle..]) == region {
            low = middle;
        } else {
            high = middle;
        }
    }
}

fn load_types(catalog: &mut Catalog, source: &Source) -> Result<(), CatalogError> {
    for_each_row(source, &["instance_type", "vcpu", "memory_gib"], |row| {
        let name = row.name("instance_type")?;
        let vcpu = row.required("vcpu")?.parse::<u32>().map_err(|_| {
            row.error(
                "vcpu",
                format!(
                    "vcpu {:?} is not a whole number",
                    crate::location::excerpt(row.field("vcpu"))
                ),
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

fn load_platforms(catalog: &mut Catalog, source: &Source) -> Result<(), CatalogError> {
    let columns = [
        "os",
        "billing",
        "price_list_operating_system",
        "spot_product_description",
    ];
    for_each_row(source, &columns, |row| {
        let os = row.name("os")?.to_string();
        let billing = match row.required("billing")? {
            "per-second" => BillingUnit::PerSecond,
            "per-hour" => BillingUnit::PerHour,
            other => {
                let problem = format!(
                    "billing {other:?} must be per-second or per-hour",
                    other = crate::location::excerpt(&other)
                );
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

/// Reads a file of hourly rates per region, instance type and operating system (On-Demand
/// prices, Spot averages) into `pick`'s table of each region.
fn load_hourly(
    known: &Known,
    source: &Source,
    target: &mut impl Target,
    pick: fn(&mut RegionPrices) -> &mut super::FastMap<super::ByOs<HourlyRate>>,
) -> Result<(), CatalogError> {
    let columns = ["region", "instance_type", "os", "usd_per_hour"];
    for_each_row(source, &columns, |row| {
        if known.skip_unknown && !known.has(row.field("instance_type"), row.field("os")) {
            return Ok(());
        }
        let region = row.name("region")?;
        let instance_type = known_type(row, known)?;
        let os = known_os(row, known)?;
        let rate = HourlyRate::new(row.price("usd_per_hour")?);
        let by_os = pick(target.region(region))
            .entry_ref(instance_type)
            .or_default();
        if by_os.iter().any(|(name, _)| name == os) {
            let problem = format!("{os} {instance_type} in {region} is priced twice");
            return Err(row.error("usd_per_hour", problem));
        }
        by_os.push((os.to_string(), rate));
        Ok(())
    })
}

fn load_on_demand(
    known: &Known,
    source: &Source,
    target: &mut impl Target,
) -> Result<(), CatalogError> {
    load_hourly(known, source, target, |prices| &mut prices.on_demand)
}

fn load_spot_average(
    known: &Known,
    source: &Source,
    target: &mut impl Target,
) -> Result<(), CatalogError> {
    load_hourly(known, source, target, |prices| &mut prices.spot_average)
}

fn load_ebs(source: &Source, target: &mut impl Target) -> Result<(), CatalogError> {
    for_each_row(
        source,
        &["region", "volume_type", "usd_per_gb_month"],
        |row| {
            let region = row.name("region")?;
            let name = row.required("volume_type")?;
            let volume = VolumeType::parse(name).ok_or_else(|| {
                let names = VolumeType::ALL.map(VolumeType::name);
                let hint = did_you_mean(&closest_names(name, names));
                row.error(
                    "volume_type",
                    format!(
                        "unknown volume type {name:?}{hint}",
                        name = crate::location::excerpt(&name)
                    ),
                )
            })?;
            let rate = MonthlyRate::new(row.price("usd_per_gb_month")?);
            if target.region(region).ebs.insert(volume, rate).is_some() {
                return Err(row.error(
                    "volume_type",
                    format!("{volume} in {region} is priced twice"),
                ));
            }
            Ok(())
        },
    )
}

fn load_ipv4(source: &Source, target: &mut impl Target) -> Result<(), CatalogError> {
    for_each_row(source, &["region", "usd_per_hour"], |row| {
        let region = row.name("region")?;
        let rate = HourlyRate::new(row.price("usd_per_hour")?);
        if target.region(region).public_ipv4.replace(rate).is_some() {
            return Err(row.error("region", format!("{region} is priced twice")));
        }
        Ok(())
    })
}

fn load_reserved(
    known: &Known,
    source: &Source,
    target: &mut impl Target,
) -> Result<(), CatalogError> {
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
    for_each_row(source, &columns, |row| {
        if known.skip_unknown && !known.has(row.field("instance_type"), row.field("os")) {
            return Ok(());
        }
        let region = row.name("region")?;
        let instance_type = known_type(row, known)?;
        let os = known_os(row, known)?;
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
        let offers = target
            .region(region)
            .reserved
            .entry_ref(instance_type)
            .or_default();
        if offers
            .iter()
            .any(|(name, (offer, _))| name == os && *offer == terms)
        {
            let problem = format!("{os} {instance_type} {terms} in {region} is priced twice");
            return Err(row.error("usd_per_hour", problem));
        }
        offers.push((os.to_string(), (terms, price)));
        Ok(())
    })
}

fn load_spot(catalog: &mut Catalog, source: &Source) -> Result<(), CatalogError> {
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
    // (zone, type, product, time) → price and where its record starts, to refuse a record
    // that contradicts an earlier one (an exact repeat is harmless and kept once).
    let mut seen: HashMap<(String, String, String, Timestamp), (Decimal, u64)> = HashMap::new();
    for_each_row(source, &columns, |row| {
        let zone = row.name("availability_zone")?;
        let instance_type = row.name("instance_type")?;
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
                known.join(", "),
                product = crate::location::excerpt(&product)
            );
            return Err(row.error("product_description", problem));
        }
        let text = row.required("timestamp")?;
        let at = crate::clock::Timestamp::parse(text)
            .map_err(|e| row.error("timestamp", format!("timestamp {e}")))?;
        let price = row.price("usd_per_hour")?;
        let key = (
            zone.to_string(),
            instance_type.to_string(),
            bare.to_string(),
            at,
        );
        match seen.get(&key) {
            Some((kept, _)) if *kept == price => return Ok(()),
            Some((kept, start)) => {
                let line = row.source.line(*start);
                let problem = format!(
                    "{bare} {instance_type} in {zone} at {text} costs {} here but {} on line \
                     {line}; remove one of the two",
                    price.normalize(),
                    kept.normalize()
                );
                return Err(row.error("usd_per_hour", problem));
            }
            None => {
                seen.insert(key, (price, row.start));
            }
        }
        let region = super::spot::region_of_zone(zone);
        // A product's price applies to every operating system sold under it.
        for os in systems {
            catalog.spot.add(region, instance_type, os, zone, at, price);
        }
        Ok(())
    })
}

/// Reads `spot_daily.csv`: each (region, type)'s price by day.
pub(super) fn load_daily(file: &CatalogFile) -> Result<super::spot_daily::SpotDaily, CatalogError> {
    let mut series: BTreeMap<(String, String), Vec<(i64, rust_decimal::Decimal)>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    let columns = ["region", "instance_type", "day", "usd_per_hour"];
    for_each_row(&Source::file(file), &columns, |row| {
        let region = row.name("region")?;
        let instance_type = row.name("instance_type")?;
        let text = row.required("day")?;
        let day = crate::clock::Timestamp::parse(&format!("{text}T00:00:00Z"))
            .map_err(|_| {
                row.error(
                    "day",
                    format!(
                        "day {text:?} is not a date like 2024-01-09",
                        text = crate::location::excerpt(&text)
                    ),
                )
            })?
            .unix()
            .div_euclid(crate::clock::SECONDS_PER_DAY);
        let price = row.price("usd_per_hour")?;
        if price.is_zero() {
            return Err(row.error("usd_per_hour", "usd_per_hour must be above zero".into()));
        }
        if !seen.insert((region.to_string(), instance_type.to_string(), day)) {
            let problem = format!("{instance_type} in {region} on {text} is priced twice");
            return Err(row.error("day", problem));
        }
        series
            .entry((region.to_string(), instance_type.to_string()))
            .or_default()
            .push((day, price));
        Ok(())
    })?;
    Ok(super::spot_daily::SpotDaily::new(series))
}

fn load_advisor(catalog: &mut Catalog, source: &Source) -> Result<(), CatalogError> {
    let columns = [
        "region",
        "instance_type",
        "os",
        "interruption_band",
        "savings_pct",
    ];
    for_each_row(source, &columns, |row| {
        let region = row.name("region")?;
        let instance_type = row.name("instance_type")?;
        let os = row.name("os")?;
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
    parse(text).ok_or_else(|| {
        row.error(
            column,
            format!(
                "{column} {text:?} must be {allowed}",
                text = crate::location::excerpt(&text)
            ),
        )
    })
}

/// The row's instance type if the catalog defines it, else an error with suggestions.
fn known_type<'t>(row: &'t Table, known: &Known) -> Result<&'t str, CatalogError> {
    let value = row.required("instance_type")?;
    if known.types.contains_key(value) {
        return Ok(value);
    }
    Err(unknown(row, "instance_type", value, known.types.keys()))
}

/// The row's operating system if the catalog defines it, else an error with suggestions.
fn known_os<'t>(row: &'t Table, known: &Known) -> Result<&'t str, CatalogError> {
    let value = row.required("os")?;
    if known.platforms.contains_key(value) {
        return Ok(value);
    }
    Err(unknown(row, "os", value, known.platforms.keys()))
}

fn unknown<'n>(
    row: &Table,
    column: &'static str,
    value: &str,
    names: impl Iterator<Item = &'n String>,
) -> CatalogError {
    let hint = did_you_mean(&closest_names(value, names.map(String::as_str)));
    let problem = format!(
        "{column} {value:?} is not defined in the catalog{hint}",
        value = crate::location::excerpt(&value)
    );
    row.error(column, problem)
}

/// What a report needs to name where a figure came from (`pricing show`).
impl CatalogFile {
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The user's file that replaced the embedded one (`--pricing DIR`), as it was read.
    pub fn replaced_by(&self) -> Option<&str> {
        matches!(self.text, Cow::Owned(_)).then_some(&*self.label)
    }
}
