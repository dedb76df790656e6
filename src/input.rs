//! Input limits: every scenario and catalog file is read through [`Limited`], which refuses a
//! line longer than [`MAX_LINE_BYTES`] (so `/dev/zero`, a file of NUL bytes or a binary file
//! ends in one sentence after a mebibyte instead of filling memory), and, for scenarios,
//! a quoted cell that runs past the end of its line (no scenario column can hold a line
//! break: an unterminated quote would otherwise swallow every later row into one cell).
//!
//! The check runs on the bytes as they stream in, with `memchr` jumping from line end to line
//! end, so it costs little next to the CSV parser. A cell is part of a line, so the line
//! limit bounds every cell too.
//!
//! Since it sees every line end anyway, it is also where a streamed file's physical line
//! numbers come from ([`Limited::with_line_starts`], [`crate::lines`]): the csv crate's own
//! count is wrong for CRLF and lone-CR files.
//!
//! A Spot price history (JSON) is read through [`JsonLimited`] instead, which bounds each
//! string value and the whole file rather than lines: a minified dump is one long line.

use crate::lines::LineStarts;
use crate::location::{LocatedError, Location};
use std::io::Read;
use std::sync::Arc;

/// Opens `path` for reading, `-` being standard input. A directory is refused where it is
/// opened, as a file that cannot be read (exit 4, like a missing file), rather than failing
/// with the system's own words on its first read.
pub fn open_path(path: &std::path::Path) -> Result<Box<dyn Read>, crate::error::Error> {
    let read_error = |source: std::io::Error| crate::error::Error::Read {
        path: path.to_path_buf(),
        source,
    };
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    if path.is_dir() {
        let source = std::io::Error::other("it is a directory, not a file");
        return Err(read_error(source));
    }
    Ok(Box::new(std::fs::File::open(path).map_err(read_error)?))
}

/// The longest line (and so the longest cell) ec2plan reads: 1 MiB. A scenario or catalog
/// line is under a kilobyte; this is a thousand times that.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Why a stream was cut off.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error(
        "this line is longer than 1 MiB (1,048,576 bytes), the longest line ec2plan reads; is the file a CSV text file?"
    )]
    LongLine { line: u64 },
    #[error(
        "a quoted cell opened on this line runs past the end of the line, and no scenario column can hold a line break; is a closing quote missing?"
    )]
    OpenQuote { line: u64 },
    #[error(
        "a JSON string that starts on this line is longer than 1 MiB (1,048,576 bytes), the longest value ec2plan reads; is the file `aws ec2 describe-spot-price-history` output?"
    )]
    LongValue { line: u64 },
    #[error(
        "the file is larger than 1 GiB (1,073,741,824 bytes), the most ec2plan reads from one Spot price history; split the history by time into several files and import them together"
    )]
    LargeFile,
}

impl LimitError {
    /// The physical line (the header is line 1) the problem is on.
    pub fn line(&self) -> u64 {
        match self {
            LimitError::LongLine { line }
            | LimitError::OpenQuote { line }
            | LimitError::LongValue { line } => *line,
            LimitError::LargeFile => 0,
        }
    }

    /// The problem at its place in `file`.
    pub fn located(&self, file: &Arc<str>) -> LocatedError {
        LocatedError::new(Location::line(file, self.line()), self.to_string())
    }

    /// The limit error an I/O error carries, if it is one.
    pub fn of_io(error: &std::io::Error) -> Option<&LimitError> {
        error.get_ref()?.downcast_ref::<LimitError>()
    }

    /// The limit error a CSV error carries, if it is one.
    pub fn of_csv(error: &csv::Error) -> Option<&LimitError> {
        match error.kind() {
            csv::ErrorKind::Io(e) => LimitError::of_io(e),
            _ => None,
        }
    }
}

/// Where the scanner is with respect to CSV quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Outside,
    /// Inside a quoted cell opened on this line.
    Inside(u64),
    /// Just after a closing quote: another quote right here is an escaped one.
    Closed(u64),
}

/// A reader that passes bytes through unchanged and fails once a line is too long or (when
/// quotes are strict) a quoted cell crosses a line end. The bytes before the problem are
/// still delivered, so rows before it are read (and their own errors reported) first.
pub struct Limited<R> {
    inner: R,
    /// Whether a quoted cell may not span lines (scenarios: yes; AWS's files: no).
    strict_quotes: bool,
    line: u64,
    line_len: usize,
    /// The last byte delivered (a line end before the first, so the first byte starts a cell).
    prev: u8,
    quote: Quote,
    pending: Option<LimitError>,
    /// Bytes delivered so far: the stream offset of the next byte.
    offset: u64,
    /// Where lines start, when the reader asks for record lines.
    starts: Option<LineStarts>,
}

impl<R: Read> Limited<R> {
    /// Line limit only (a quoted cell may span lines).
    pub fn new(inner: R) -> Limited<R> {
        Limited {
            inner,
            strict_quotes: false,
            line: 1,
            line_len: 0,
            prev: b'\n',
            quote: Quote::Outside,
            pending: None,
            offset: 0,
            starts: None,
        }
    }

    /// Also remembers where the lines not yet passed start, so the CSV reader on top can ask
    /// for the physical line of each record ([`Limited::record_line`]). The reader must ask
    /// for every record (that is what lets passed lines be forgotten); a reader that only
    /// reads the bytes (into memory) leaves this off.
    pub fn with_line_starts(mut self) -> Limited<R> {
        self.starts = Some(LineStarts::default());
        self
    }

    /// The physical line (the first is 1) of the record csv says starts at byte `offset`
    /// (`csv::Position::byte`); offsets must not decrease from one call to the next.
    /// Without [`Limited::with_line_starts`], the line being scanned.
    pub fn record_line(&mut self, offset: u64) -> u64 {
        match &mut self.starts {
            Some(starts) => starts.record_line(offset),
            None => self.line,
        }
    }

    /// Line limit, and no quoted cell across a line end; remembers line starts.
    pub fn scenario(inner: R) -> Limited<R> {
        Limited {
            strict_quotes: true,
            ..Limited::new(inner).with_line_starts()
        }
    }

    /// Scans `buf`; returns how many of its bytes may be delivered (all but those from a
    /// problem on, which is then pending).
    fn scan(&mut self, buf: &[u8]) -> usize {
        let n = buf.len();
        let mut i = 0;
        while i < n {
            if let Quote::Closed(opened) = self.quote {
                self.quote = match buf[i] {
                    b'"' => Quote::Inside(opened),
                    _ => Quote::Outside,
                };
                if self.quote != Quote::Outside {
                    if let Some(cut) = self.advance(i, 1) {
                        return cut;
                    }
                    i += 1;
                    continue;
                }
            }
            let rest = &buf[i..];
            let found = match (self.strict_quotes, self.quote) {
                (false, _) => memchr::memchr2(b'\n', b'\r', rest),
                (true, _) => memchr::memchr3(b'\n', b'\r', b'"', rest),
            };
            let Some(offset) = found else {
                if let Some(cut) = self.advance(i, n - i) {
                    return cut;
                }
                break;
            };
            let j = i + offset;
            if let Some(cut) = self.advance(i, offset) {
                return cut;
            }
            let prev = if j > 0 { buf[j - 1] } else { self.prev };
            match (buf[j], self.quote) {
                (b'"', Quote::Inside(opened)) => {
                    self.quote = Quote::Closed(opened);
                    self.line_len += 1;
                }
                (b'"', _) => {
                    if matches!(prev, b',' | b'\n' | b'\r') {
                        self.quote = Quote::Inside(self.line);
                    }
                    self.line_len += 1;
                }
                (_, Quote::Inside(opened)) => {
                    self.pending = Some(LimitError::OpenQuote { line: opened });
                    return j;
                }
                (b'\n', _) => {
                    if prev != b'\r' {
                        self.line += 1;
                        self.line_end(j);
                    } else if let Some(starts) = &mut self.starts {
                        starts.crlf(self.offset + j as u64);
                    }
                    self.line_len = 0;
                }
                _ => {
                    self.line += 1;
                    self.line_end(j);
                    self.line_len = 0;
                }
            }
            if self.line_len > MAX_LINE_BYTES {
                self.pending = Some(LimitError::LongLine { line: self.line });
                return j;
            }
            i = j + 1;
        }
        n
    }

    /// Notes a line end at `j` in the buffer being scanned (after `self.line` has counted it).
    #[inline]
    fn line_end(&mut self, j: usize) {
        if let Some(starts) = &mut self.starts {
            starts.line_end(self.offset + j as u64, self.line);
        }
    }

    /// Counts `count` bytes of the current line starting at `at`; the cut-off point when
    /// they make it too long.
    fn advance(&mut self, at: usize, count: usize) -> Option<usize> {
        let room = MAX_LINE_BYTES - self.line_len.min(MAX_LINE_BYTES);
        if count > room {
            self.pending = Some(LimitError::LongLine { line: self.line });
            return Some(at + room);
        }
        self.line_len += count;
        None
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(problem) = &self.pending {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                problem.clone(),
            ));
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            if let (true, Quote::Inside(line)) = (self.strict_quotes, self.quote) {
                let problem = LimitError::OpenQuote { line };
                self.pending = Some(problem.clone());
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    problem,
                ));
            }
            return Ok(0);
        }
        let allowed = self.scan(&buf[..n]);
        if allowed == 0 {
            return self.read(buf);
        }
        self.prev = buf[allowed - 1];
        self.offset += allowed as u64;
        Ok(allowed)
    }
}

/// The most of one JSON file (a Spot price history) ec2plan reads: 1 GiB. A year of every
/// instance type's history in one region, as the AWS CLI prints it, is a few hundred MB.
pub const MAX_JSON_BYTES: u64 = 1 << 30;

/// A reader for JSON (a Spot price history) that fails once a string value is longer than
/// [`MAX_LINE_BYTES`] or the file longer than [`MAX_JSON_BYTES`], and counts lines.
///
/// A per-line limit does not fit JSON: the AWS CLI pretty-prints it (short lines), but a
/// minified dump is one long line. Bounding each string instead keeps memory to a record at
/// a time (serde_json buffers one string while it parses it), so a file of one huge value
/// ends after a mebibyte. serde_json reads one byte at a time through this reader, so the
/// line counted here is the line it is reading, and the line where the current object at
/// depth three (a record of `{"SpotPriceHistory": [...]}`) opened is kept in
/// [`JsonLimited::record_line`] for messages.
pub struct JsonLimited<R> {
    inner: R,
    total: u64,
    line: u64,
    in_string: bool,
    escaped: bool,
    string_len: usize,
    string_line: u64,
    depth: u32,
    record_line: std::rc::Rc<std::cell::Cell<u64>>,
    pending: Option<LimitError>,
    /// A CR was read and not yet passed on (see the `Read` impl).
    held_cr: bool,
    /// A byte to pass on before reading more (the one after a lone CR).
    queued: Option<u8>,
}

impl<R: std::io::BufRead> JsonLimited<R> {
    pub fn new(inner: R) -> JsonLimited<R> {
        JsonLimited {
            inner,
            total: 0,
            line: 1,
            in_string: false,
            escaped: false,
            string_len: 0,
            string_line: 1,
            depth: 0,
            record_line: std::rc::Rc::new(std::cell::Cell::new(0)),
            pending: None,
            held_cr: false,
            queued: None,
        }
    }

    /// Where the record being read opened (its line), shared with whoever reads this.
    pub fn record_line(&self) -> std::rc::Rc<std::cell::Cell<u64>> {
        std::rc::Rc::clone(&self.record_line)
    }

    /// Takes in one byte; the problem it makes, if any.
    fn scan(&mut self, byte: u8) -> Option<LimitError> {
        self.total += 1;
        if self.total > MAX_JSON_BYTES {
            return Some(LimitError::LargeFile);
        }
        if byte == b'\n' {
            self.line += 1;
        }
        if self.in_string {
            self.string_len += 1;
            if self.string_len > MAX_LINE_BYTES {
                return Some(LimitError::LongValue {
                    line: self.string_line,
                });
            }
            match (self.escaped, byte) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                _ => {}
            }
            return None;
        }
        match byte {
            b'"' => {
                self.in_string = true;
                self.string_len = 0;
                self.string_line = self.line;
            }
            b'{' | b'[' => {
                self.depth = self.depth.saturating_add(1);
                if byte == b'{' && self.depth == 3 {
                    self.record_line.set(self.line);
                }
            }
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        None
    }
}

impl<R: std::io::BufRead> JsonLimited<R> {
    /// The next byte for serde_json, line ends made LF (see the `Read` impl); `None` at the
    /// end of the input.
    fn next_byte(&mut self) -> std::io::Result<Option<u8>> {
        if let Some(byte) = self.queued.take() {
            return Ok(Some(byte));
        }
        loop {
            let Some(&byte) = self.inner.fill_buf()?.first() else {
                return Ok(std::mem::take(&mut self.held_cr).then_some(b'\n'));
            };
            self.inner.consume(1);
            let held = std::mem::replace(&mut self.held_cr, byte == b'\r');
            match (held, byte) {
                (false, b'\r') => continue,
                (true, b'\r') | (true, b'\n') => return Ok(Some(b'\n')),
                (true, other) => {
                    self.queued = Some(other);
                    return Ok(Some(b'\n'));
                }
                (false, other) => return Ok(Some(other)),
            }
        }
    }
}

/// Line ends reach serde_json as it counts them, LF only, so its line and column are the
/// ones an editor shows whatever ended the lines: a CRLF passes on as its LF, and a lone CR
/// as an LF (a CR is held until the next byte tells which it is). CR and LF are JSON
/// whitespace between tokens and may not stand raw inside a string, so what parses and what
/// is refused stays the same.
impl<R: std::io::BufRead> Read for JsonLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < buf.len() {
            if let Some(problem) = &self.pending {
                if written > 0 {
                    break;
                }
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    problem.clone(),
                ));
            }
            let Some(byte) = self.next_byte()? else {
                break;
            };
            match self.scan(byte) {
                Some(problem) => self.pending = Some(problem),
                None => {
                    buf[written] = byte;
                    written += 1;
                }
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], strict: bool) -> Result<Vec<u8>, LimitError> {
        let mut out = Vec::new();
        let mut reader = if strict {
            Limited::scenario(bytes)
        } else {
            Limited::new(bytes)
        };
        match reader.read_to_end(&mut out) {
            Ok(_) => Ok(out),
            Err(e) => Err(LimitError::of_io(&e)
                .cloned()
                .unwrap_or(LimitError::LongLine { line: 0 })),
        }
    }

    #[test]
    fn passes_ordinary_csv_through() {
        let text = b"a,b\r\n\"x,\"\"y\"\"\",2\n3,4\r5,\"\"\n";
        assert_eq!(read_all(text, true).ok(), Some(text.to_vec()));
    }

    #[test]
    fn refuses_a_long_line_with_its_number() {
        let mut text = b"a,b\n1,2\n".to_vec();
        text.extend(std::iter::repeat_n(0u8, MAX_LINE_BYTES + 1));
        assert_eq!(
            read_all(&text, false),
            Err(LimitError::LongLine { line: 3 })
        );
        let mut ok = b"a\n".to_vec();
        ok.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES));
        ok.push(b'\n');
        assert!(read_all(&ok, true).is_ok());
    }

    fn read_json(bytes: &[u8]) -> Result<Vec<u8>, LimitError> {
        let mut out = Vec::new();
        match JsonLimited::new(bytes).read_to_end(&mut out) {
            Ok(_) => Ok(out),
            Err(e) => Err(LimitError::of_io(&e)
                .cloned()
                .unwrap_or(LimitError::LargeFile)),
        }
    }

    #[test]
    fn json_strings_are_limited_not_lines() {
        // A minified file is one long line: fine while each string is short.
        let record = br#"{"AvailabilityZone":"us-east-1a","SpotPrice":"0.1"},"#;
        let mut long = b"{\"SpotPriceHistory\":[".to_vec();
        while long.len() <= MAX_LINE_BYTES * 2 {
            long.extend_from_slice(record);
        }
        long.extend_from_slice(b"{}]}");
        assert_eq!(read_json(&long).ok(), Some(long.clone()));
        // One string over the limit, opened on line 2; escaped quotes do not close it.
        let mut huge = b"{\n\"a\\\"b".to_vec();
        huge.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES));
        assert_eq!(read_json(&huge), Err(LimitError::LongValue { line: 2 }));
    }

    #[test]
    fn the_line_a_record_opens_on_is_kept() {
        let text = b"{\n \"SpotPriceHistory\": [\n  {\"a\": \"{\"},\n  {\n   \"b\": 1}\n ]\n}";
        let mut reader = JsonLimited::new(&text[..]);
        let lines = reader.record_line();
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while reader.read(&mut byte).unwrap() == 1 {
            if seen.last() != Some(&lines.get()) {
                seen.push(lines.get());
            }
        }
        assert_eq!(seen, vec![0, 3, 4]);
    }

    #[test]
    fn refuses_a_quote_across_a_line_end_where_it_opened() {
        let text = b"a,b\n1,2\n3,\"web\n4,5\n";
        assert_eq!(read_all(text, true), Err(LimitError::OpenQuote { line: 3 }));
        assert!(read_all(text, false).is_ok());
        // A quote inside an unquoted cell is a plain character.
        assert!(read_all(b"a,b\"c\nd,e\n", true).is_ok());
        // Unterminated at the end of the file.
        assert_eq!(
            read_all(b"a,b\n1,\"x", true),
            Err(LimitError::OpenQuote { line: 2 })
        );
    }

    /// A reader handing out at most `.1` bytes per call.
    struct Chunks<'a>(&'a [u8], usize);

    impl Read for Chunks<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// The line each record starts on, read through `Limited` `chunk` bytes at a time.
    fn record_lines(text: &[u8], chunk: usize) -> Vec<u64> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(Limited::new(Chunks(text, chunk)).with_line_starts());
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while csv.read_byte_record(&mut record).unwrap_or(false) {
            let start = crate::lines::start_of(record.position());
            lines.push(csv.get_mut().record_line(start));
        }
        lines
    }

    #[test]
    fn records_are_numbered_by_physical_line_whatever_ends_the_lines() {
        // Line 1 the header, 2 blank, 3 a row, 4 and 5 one quoted cell, 6 a row, even when
        // a CRLF is split between two reads.
        for end in ["\n", "\r\n", "\r"] {
            let text = format!("h,i{end}{end}a,b{end}\"c{end}d\",e{end}f,g{end}");
            for chunk in [1, 2, 3, 4096] {
                assert_eq!(
                    record_lines(text.as_bytes(), chunk),
                    vec![1, 3, 4, 6],
                    "{end:?} in reads of {chunk}"
                );
            }
        }
    }
}
