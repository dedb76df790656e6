//! Physical line numbers, counted the way editors count them.
//!
//! Every message about a file names a line, and a user opens the file in an editor (or
//! Excel) to find it. Editors count physical lines from 1 at the first line whatever ends
//! them: an LF, a CR followed by an LF (what Excel and Windows tools write), or a lone CR
//! (old Mac files). The csv crate's own count (`csv::Position::line`) counts LF bytes up to
//! where the previous record stopped, which is right only for LF files without blank
//! lines: with CRLF the LF of the previous line is read as part of the next record (every
//! row one short), with lone CRs every row is line 1, and a record after blank or comment
//! lines gets the number of the first of them. So no message takes its line from there;
//! they take it from here.
//!
//! Two ways in, for the two ways files are read:
//!
//! - [`LineStarts`]: for a stream read once, kept by [`crate::input::Limited`] as it scans
//!   the bytes (it already visits every line end), as a window of the lines the CSV parser
//!   has not yet passed, so memory stays bounded by the parser's buffer and one record.
//! - [`line_at`] and [`record_line`]: for text already in memory (the catalog files), where
//!   the number is worked out only when a message needs it.
//!
//! Both take a record's start as csv gives it (`Position::byte`, where the previous record
//! stopped) and answer the line of the record's first byte: blank lines (and, for the
//! catalog, comment lines) csv skips before a record are skipped here too.

/// Where the physical lines of a stream start, for the lines a reader has not yet passed.
///
/// Fed by the scanner ([`LineStarts::line_end`], [`LineStarts::crlf`]) in stream order;
/// asked by the reader ([`LineStarts::record_line`]) with offsets that never decrease.
#[derive(Debug, Clone)]
pub struct LineStarts {
    /// `(offset of its first byte, its number)` for each line from `passed` on that holds
    /// something before its line end. A blank line is dropped when its end shows it is
    /// blank, so a run of blank lines costs nothing. The last entry is the line being read.
    /// A `Vec` with a moving front rather than a `VecDeque`: this runs for every line of a
    /// replay, and a push and an index are cheaper without the ring's wrapping.
    lines: Vec<(u64, u64)>,
    /// Entries before this one are passed; they are dropped in bulk from time to time.
    passed: usize,
}

/// Passed entries are dropped once there are this many (and they are half the vector).
const COMPACT_AFTER: usize = 1024;

impl Default for LineStarts {
    fn default() -> LineStarts {
        LineStarts {
            lines: vec![(0, 1)],
            passed: 0,
        }
    }
}

impl LineStarts {
    /// A line end at `at` (an LF, a lone CR, or the CR of a CRLF); the next line, number
    /// `next`, starts right after it.
    #[inline]
    pub fn line_end(&mut self, at: u64, next: u64) {
        match self.lines.last_mut() {
            // The line that ends here is blank: the next one takes its place.
            Some(last) if last.0 == at => {
                *last = (at + 1, next);
            }
            _ => self.lines.push((at + 1, next)),
        }
    }

    /// The LF of a CRLF, at `at`: the line after it starts one byte later than the CR said.
    #[inline]
    pub fn crlf(&mut self, at: u64) {
        if let Some(last) = self.lines.last_mut() {
            last.0 = at + 1;
        }
    }

    /// The line of a record csv says starts at `offset` (the byte after the previous
    /// record's end): the first line at or after it that is not blank. Forgets the lines
    /// before it.
    #[inline]
    pub fn record_line(&mut self, offset: u64) -> u64 {
        let last = self.lines.len().saturating_sub(1);
        while self.passed < last && self.lines[self.passed].0 < offset {
            self.passed += 1;
        }
        if self.passed >= COMPACT_AFTER && self.passed * 2 >= self.lines.len() {
            self.lines.drain(..self.passed);
            self.passed = 0;
        }
        self.lines.get(self.passed).map_or(1, |&(_, line)| line)
    }

    /// How many lines are remembered (for tests of the window's size).
    pub fn remembered(&self) -> usize {
        self.lines.len() - self.passed
    }
}

/// Where csv says a record starts (`Position::byte`: the byte after the previous record's
/// end), as [`LineStarts::record_line`] and [`record_line`] take it.
#[inline]
pub fn start_of(position: Option<&csv::Position>) -> u64 {
    position.map_or(0, csv::Position::byte)
}

/// The number (from 1) of the physical line that holds `text[offset]` (the last line when
/// `offset` is the text's length). A CRLF belongs to the line it ends.
pub fn line_at(text: &[u8], offset: usize) -> u64 {
    let before = &text[..offset.min(text.len())];
    let feeds = memchr::memchr_iter(b'\n', before).count();
    let lone_returns = memchr::memchr_iter(b'\r', before)
        .filter(|&i| text.get(i + 1) != Some(&b'\n'))
        .count();
    1 + feeds as u64 + lone_returns as u64
}

/// The line of a record csv says starts at `offset` in `text`: skips what csv skips before
/// a record, blank lines and (with `comment`) comment lines, which csv ends at an LF only.
pub fn record_line(text: &[u8], offset: usize, comment: Option<u8>) -> u64 {
    let mut at = offset.min(text.len());
    let mut line = line_at(text, at);
    // The LF of a CRLF whose CR ended the previous record.
    if at > 0 && text[at - 1] == b'\r' && text.get(at) == Some(&b'\n') {
        at += 1;
        line += 1;
    }
    loop {
        match text.get(at) {
            Some(b'\n') => at += 1,
            Some(b'\r') if text.get(at + 1) == Some(&b'\n') => at += 2,
            Some(b'\r') => at += 1,
            Some(&byte) if Some(byte) == comment => {
                let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i + 1);
                line += line_at(&text[at..end], end - at) - 1;
                at = end;
                continue;
            }
            _ => return line,
        }
        line += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `text` to a window the way `Limited` does.
    fn window(text: &[u8]) -> LineStarts {
        let mut starts = LineStarts::default();
        let mut line = 1;
        for (i, &byte) in text.iter().enumerate() {
            let at = i as u64;
            match byte {
                b'\n' if i > 0 && text[i - 1] == b'\r' => starts.crlf(at),
                b'\n' | b'\r' => {
                    line += 1;
                    starts.line_end(at, line);
                }
                _ => {}
            }
        }
        starts
    }

    /// Where csv starts each record: 0, then right after each record's end byte (the CR of
    /// a CRLF ends a record, the LF is read with the next one).
    fn csv_starts(text: &[u8]) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut record = csv::ByteRecord::new();
        let mut starts = Vec::new();
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            starts.push(record.position().map_or(0, csv::Position::byte));
        }
        starts
    }

    fn lines_of(text: &[u8]) -> (Vec<u64>, Vec<u64>) {
        let mut starts = window(text);
        let offsets = csv_starts(text);
        let streamed = offsets.iter().map(|&o| starts.record_line(o)).collect();
        let in_memory = offsets
            .iter()
            .map(|&o| record_line(text, o as usize, None))
            .collect();
        (streamed, in_memory)
    }

    #[test]
    fn every_line_end_counts_once() {
        // Header on line 1, rows on lines 2 and 3, whatever ends them.
        for text in [
            &b"h,i\na,b\nc,d\n"[..],
            b"h,i\r\na,b\r\nc,d\r\n",
            b"h,i\ra,b\rc,d\r",
            b"h,i\r\na,b\nc,d",
        ] {
            assert_eq!(lines_of(text), (vec![1, 2, 3], vec![1, 2, 3]), "{text:?}");
        }
    }

    #[test]
    fn blank_lines_before_a_record_are_skipped() {
        // Lines: 1 header, 2 blank, 3 row, 4 blank, 5 blank, 6 row.
        for text in [
            &b"h\n\na\n\n\nb\n"[..],
            b"h\r\n\r\na\r\n\r\n\r\nb\r\n",
            b"h\r\ra\r\r\rb\r",
        ] {
            assert_eq!(lines_of(text), (vec![1, 3, 6], vec![1, 3, 6]), "{text:?}");
        }
    }

    #[test]
    fn a_quoted_field_across_lines_counts_its_lines() {
        // Line 2 opens a quote closed on line 4; the next row is line 5.
        for end in ["\n", "\r\n", "\r"] {
            let text = format!("h,i{end}a,\"x{end}y{end}z\"{end}b,c{end}");
            let (streamed, in_memory) = lines_of(text.as_bytes());
            assert_eq!(streamed, vec![1, 2, 5], "{end:?}");
            assert_eq!(in_memory, vec![1, 2, 5], "{end:?}");
        }
    }

    #[test]
    fn comment_lines_are_skipped_in_memory() {
        // Lines: 1 and 2 comments, 3 header, 4 comment, 5 row.
        for end in ["\n", "\r\n"] {
            let text = format!("# a{end}# b{end}h,i{end}# c{end}x,y{end}");
            let mut reader = csv::ReaderBuilder::new()
                .comment(Some(b'#'))
                .has_headers(false)
                .from_reader(text.as_bytes());
            let lines: Vec<u64> = reader
                .byte_records()
                .map(|r| {
                    let offset = r
                        .ok()
                        .and_then(|r| r.position().cloned())
                        .map_or(0, |p| p.byte());
                    record_line(text.as_bytes(), offset as usize, Some(b'#'))
                })
                .collect();
            assert_eq!(lines, vec![3, 5], "{end:?}");
        }
    }

    #[test]
    fn line_at_puts_a_crlf_on_the_line_it_ends() {
        let text = b"ab\r\ncd\ref\n";
        assert_eq!(line_at(text, 0), 1);
        assert_eq!(line_at(text, 2), 1); // the CR
        assert_eq!(line_at(text, 3), 1); // its LF
        assert_eq!(line_at(text, 4), 2);
        assert_eq!(line_at(text, 7), 3);
        assert_eq!(line_at(text, text.len()), 4);
    }

    #[test]
    fn the_window_forgets_passed_lines() {
        let text = b"h\na\nb\nc\n".repeat(1000);
        let mut starts = window(&text);
        assert_eq!(starts.remembered(), 4001);
        assert_eq!(starts.record_line(text.len() as u64 - 2), 4000);
        assert_eq!(starts.remembered(), 2);
        // Blank lines are never remembered.
        assert_eq!(window(&b"\n".repeat(10_000)).remembered(), 1);
    }
}
