//! Reading a usage export, CSV (plain or gzip, as AWS Data Exports delivers it) or Parquet,
//! row by row, into the text of the cells from-usage needs.
//!
//! The form is told by the file's first bytes, not its name: `PAR1` starts a Parquet file, the
//! gzip magic bytes a compressed CSV. Both forms become the same [`Record`], so one
//! interpretation serves both, and every problem is located the way its form allows: a CSV
//! cell as `file:line:column (name)` (physical lines, the header is line 1; a line may be at
//! most 1 MiB, `crate::input`), a Parquet cell as `file: row N, column C (name)`.
//!
//! Parquet values become text exactly: a DECIMAL through its digits, a timestamp as RFC 3339
//! UTC. AWS types its FOCUS quantities as DOUBLE; such a value is read as the shortest decimal
//! that reads back as the same double (`0.0104`, not `0.01040000000000000035`), the digits
//! AWS computed, and is never computed with as a float.

use super::export::{Col, Columns};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::input::{LimitError, Limited};
use crate::location::{LocatedError, Location};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use rust_decimal::Decimal;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

/// Where a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A CSV row's physical line (the header is line 1).
    Line(u64),
    /// A Parquet row, counted from 1.
    Row(u64),
}

/// One row's cells, as text.
pub struct Record {
    pub file: Arc<str>,
    pub at: At,
    pub columns: Arc<Columns>,
    cells: [String; 12],
}

impl Record {
    /// The cell of `col`, without surrounding blanks ("" when the file has no such column).
    pub fn text(&self, col: Col) -> &str {
        self.cells[col as usize].trim()
    }

    /// A problem with the cell of `col`.
    pub fn error(&self, col: Col, problem: impl Into<String>) -> LocatedError {
        let index = self.columns.position(col).unwrap_or_default();
        cell_error(
            &self.file,
            self.at,
            index,
            self.columns.name_at(index),
            problem,
        )
    }
}

fn cell_error(
    file: &Arc<str>,
    at: At,
    index: usize,
    name: &str,
    problem: impl Into<String>,
) -> LocatedError {
    match at {
        At::Line(line) => LocatedError::new(Location::cell(file, line, index, name), problem),
        At::Row(row) => {
            let place: Arc<str> =
                Arc::from(format!("{file}: row {row}, column {} ({name})", index + 1));
            LocatedError::new(Location::line(&place, 0), problem)
        }
    }
}

/// How messages name the file at `path`: as given, or `./PATH` when a spreadsheet would
/// read the path as a formula (docs/spreadsheet-safety.md).
pub fn label(path: &Path) -> Arc<str> {
    if path.as_os_str() == "-" {
        return Arc::from("stdin");
    }
    let shown = path.display().to_string();
    match shown.chars().next() {
        Some(c) if crate::spreadsheet::FORMULA_STARTS.contains(&c) => {
            Arc::from(format!("./{shown}"))
        }
        _ => Arc::from(shown),
    }
}

const PARQUET_MAGIC: &[u8] = b"PAR1";
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// Reads every row of `path` (`-` is standard input), handing each to `visit`; returns the
/// file's layout.
pub fn read_rows(
    path: &Path,
    visit: &mut dyn FnMut(&Record) -> Result<(), Error>,
) -> Result<Arc<Columns>, Error> {
    let file = label(path);
    let read_error = |source: std::io::Error| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let stream = crate::input::open_path(path)?;
    let mut stream = BufReader::with_capacity(1 << 16, stream);
    let start = stream.fill_buf().map_err(read_error)?;
    if start.starts_with(PARQUET_MAGIC) {
        if path.as_os_str() == "-" {
            return Err(whole_file(
                &file,
                "it is a Parquet file, which cannot be read from standard input (its index is \
                 at its end); name the file instead",
            ));
        }
        drop(stream);
        let parquet = File::open(path).map_err(read_error)?;
        return read_parquet(parquet, &file, visit);
    }
    let gzip = start.starts_with(GZIP_MAGIC);
    let text: Box<dyn Read> = match gzip {
        true => Box::new(flate2::read::MultiGzDecoder::new(stream)),
        false => Box::new(stream),
    };
    read_csv(text, &file, gzip, path, visit)
}

fn whole_file(file: &Arc<str>, problem: impl Into<String>) -> Error {
    Error::Input(LocatedError::new(Location::line(file, 0), problem))
}

fn read_csv(
    input: impl Read,
    file: &Arc<str>,
    gzip: bool,
    path: &Path,
    visit: &mut dyn FnMut(&Record) -> Result<(), Error>,
) -> Result<Arc<Columns>, Error> {
    // Flexible: a row with the wrong number of fields is refused below, in a clearer sentence.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(Limited::new(input).with_line_starts());
    let mut raw = csv::StringRecord::new();
    let failed = |e: csv::Error, line: u64, names: Option<&Columns>| {
        csv_error(e, line, file, gzip, path, names)
    };
    if !read_next(&mut reader, &mut raw).map_err(|(e, line)| failed(e, line, None))? {
        return Err(whole_file(
            file,
            "it is empty; a usage export starts with a header row",
        ));
    }
    let header_line = line_of(&mut reader, &raw);
    let header: Vec<String> = raw.iter().map(str::to_string).collect();
    let columns = Columns::find(&header).map_err(|problem| {
        Error::Input(LocatedError::new(
            Location::line(file, header_line),
            problem,
        ))
    })?;
    let columns = Arc::new(columns);
    let mut record = Record {
        file: Arc::clone(file),
        at: At::Line(header_line),
        columns: Arc::clone(&columns),
        cells: Default::default(),
    };
    while read_next(&mut reader, &mut raw).map_err(|(e, line)| failed(e, line, Some(&columns)))? {
        let line = line_of(&mut reader, &raw);
        record.at = At::Line(line);
        if raw.len() != header.len() {
            // A blank line at the end of a file is no row.
            if raw.len() == 1 && raw.get(0).is_some_and(|f| f.trim().is_empty()) {
                continue;
            }
            return Err(Error::Input(LocatedError::new(
                Location::line(file, line),
                format!(
                    "the row has {} fields but the header (line {header_line}) has {}",
                    raw.len(),
                    header.len()
                ),
            )));
        }
        for cell in &mut record.cells {
            cell.clear();
        }
        for (col, position) in columns.read() {
            record.cells[col as usize].push_str(raw.get(position).unwrap_or_default());
        }
        visit(&record)?;
    }
    Ok(columns)
}

/// Reads the next record; an error comes with the physical line of the record in error.
fn read_next<R: Read>(
    reader: &mut csv::Reader<Limited<R>>,
    raw: &mut csv::StringRecord,
) -> Result<bool, (csv::Error, u64)> {
    reader.read_record(raw).map_err(|error| {
        let line = match error.position() {
            Some(position) => reader.get_mut().record_line(position.byte()),
            None => 0,
        };
        (error, line)
    })
}

/// The physical line a record starts on (the header is 1), whatever ends the lines (csv's
/// own count is wrong for CRLF and lone-CR files).
fn line_of<R: Read>(reader: &mut csv::Reader<Limited<R>>, record: &csv::StringRecord) -> u64 {
    let start = crate::lines::start_of(record.position());
    reader.get_mut().record_line(start)
}

fn csv_error(
    error: csv::Error,
    line: u64,
    file: &Arc<str>,
    gzip: bool,
    path: &Path,
    columns: Option<&Columns>,
) -> Error {
    if let Some(limit) = LimitError::of_csv(&error) {
        return Error::Input(limit.located(file));
    }
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            let location = match columns {
                Some(c) => Location::cell(file, line, err.field(), c.name_at(err.field())),
                None => Location::line(file, line),
            };
            Error::Input(LocatedError::new(
                location,
                "the text is not UTF-8, the encoding AWS writes its exports in",
            ))
        }
        csv::ErrorKind::Io(e) => {
            use std::io::ErrorKind::{InvalidData, InvalidInput, UnexpectedEof};
            match e.kind() {
                InvalidData | InvalidInput | UnexpectedEof if gzip => whole_file(
                    file,
                    format!("it starts like a gzip file but cannot be decompressed ({e})"),
                ),
                _ => Error::Read {
                    path: path.to_path_buf(),
                    source: std::io::Error::new(e.kind(), e.to_string()),
                },
            }
        }
        _ => Error::Input(LocatedError::new(
            Location::line(file, line),
            format!("this is not valid CSV: {error}"),
        )),
    }
}

fn read_parquet(
    input: File,
    file: &Arc<str>,
    visit: &mut dyn FnMut(&Record) -> Result<(), Error>,
) -> Result<Arc<Columns>, Error> {
    let unreadable = |e: parquet::errors::ParquetError| {
        whole_file(
            file,
            format!("it starts like a Parquet file but cannot be read as one ({e})"),
        )
    };
    let reader = SerializedFileReader::new(input).map_err(unreadable)?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let fields = schema.root_schema().get_fields().to_vec();
    let header: Vec<String> = fields.iter().map(|f| f.name().to_string()).collect();
    let columns = Columns::find(&header).map_err(|problem| whole_file(file, problem))?;
    let columns = Arc::new(columns);
    // Only the columns read, in file order: CUR 2.0 has over a hundred, some of them maps.
    let mut read: Vec<(Col, usize)> = columns.read().collect();
    read.sort_by_key(|(_, position)| *position);
    let root = schema.root_schema().name().to_string();
    let projection = parquet::schema::types::Type::group_type_builder(&root)
        .with_fields(read.iter().map(|(_, p)| Arc::clone(&fields[*p])).collect())
        .build()
        .map_err(unreadable)?;
    let rows = reader.get_row_iter(Some(projection)).map_err(unreadable)?;
    let mut record = Record {
        file: Arc::clone(file),
        at: At::Row(0),
        columns: Arc::clone(&columns),
        cells: Default::default(),
    };
    for (index, row) in rows.enumerate() {
        let number = index as u64 + 1;
        record.at = At::Row(number);
        let row = row.map_err(|e| {
            whole_file(
                &Arc::from(format!("{file}: row {number}")),
                format!("the row cannot be read ({e})"),
            )
        })?;
        for cell in &mut record.cells {
            cell.clear();
        }
        for ((col, position), (_, field)) in read.iter().zip(row.get_column_iter()) {
            let text = field_text(field).map_err(|problem| {
                Error::Input(cell_error(
                    file,
                    At::Row(number),
                    *position,
                    columns.name_at(*position),
                    problem,
                ))
            })?;
            record.cells[*col as usize] = text;
        }
        visit(&record)?;
    }
    Ok(columns)
}

/// A Parquet value as the text a CSV export would hold.
fn field_text(field: &Field) -> Result<String, String> {
    Ok(match field {
        Field::Null => String::new(),
        Field::Str(text) => text.clone(),
        Field::Bytes(bytes) => String::from_utf8_lossy(bytes.data()).into_owned(),
        Field::Bool(b) => b.to_string(),
        Field::Byte(v) => v.to_string(),
        Field::Short(v) => v.to_string(),
        Field::Int(v) => v.to_string(),
        Field::Long(v) => v.to_string(),
        Field::UByte(v) => v.to_string(),
        Field::UShort(v) => v.to_string(),
        Field::UInt(v) => v.to_string(),
        Field::ULong(v) => v.to_string(),
        Field::Float(v) => finite(f64::from(*v))?,
        Field::Double(v) => finite(*v)?,
        Field::Decimal(d) => decimal_text(d.data(), d.scale())?,
        Field::TimestampMillis(ms) => Timestamp::from_unix(ms.div_euclid(1000)).to_string(),
        Field::TimestampMicros(us) => Timestamp::from_unix(us.div_euclid(1_000_000)).to_string(),
        Field::Date(days) => Timestamp::from_unix(i64::from(*days) * 86_400).to_string(),
        // Times of day, half floats, lists, maps and structs: no column read holds one.
        _ => String::new(),
    })
}

/// A double as the shortest decimal that reads back as it (Rust prints no exponent).
fn finite(value: f64) -> Result<String, String> {
    if value.is_finite() {
        Ok(format!("{value}"))
    } else {
        Err(format!("{value} is not a number"))
    }
}

/// A Parquet DECIMAL (big-endian two's complement digits, and a scale) as decimal text.
fn decimal_text(bytes: &[u8], scale: i32) -> Result<String, String> {
    let too_large = || "the decimal has more digits than ec2plan reads (28)".to_string();
    if bytes.len() > 16 {
        return Err(too_large());
    }
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let mut full = [if negative { 0xff } else { 0 }; 16];
    full[16 - bytes.len()..].copy_from_slice(bytes);
    let mut unscaled = i128::from_be_bytes(full);
    let mut scale =
        u32::try_from(scale).map_err(|_| "the decimal has a negative scale".to_string())?;
    // Trailing zeros first: a DECIMAL(38,28) holds 61.03 with more digits than rust_decimal.
    while scale > 0 && unscaled % 10 == 0 {
        unscaled /= 10;
        scale -= 1;
    }
    // rust_decimal holds 28 decimals: the digits past them are cut off.
    let (unscaled, scale) = match scale.checked_sub(28) {
        Some(extra) if extra > 0 => {
            let divisor = 10i128.checked_pow(extra).ok_or_else(too_large)?;
            let value = Decimal::try_from_i128_with_scale(unscaled / divisor, 28)
                .map_err(|_| too_large())?;
            return Ok(value.to_string());
        }
        _ => (unscaled, scale),
    };
    Decimal::try_from_i128_with_scale(unscaled, scale)
        .map(|d| d.to_string())
        .map_err(|_| too_large())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_decimals_read_exactly() {
        // 12345 at scale 4 in two bytes... four: 0x00003039.
        assert_eq!(
            decimal_text(&[0x00, 0x00, 0x30, 0x39], 4).unwrap(),
            "1.2345"
        );
        // -1 at scale 2: all ones.
        assert_eq!(decimal_text(&[0xff, 0xff], 2).unwrap(), "-0.01");
        assert_eq!(finite(0.0104).unwrap(), "0.0104");
        assert_eq!(finite(1.0).unwrap(), "1");
        assert!(finite(f64::NAN).is_err());
    }
}
