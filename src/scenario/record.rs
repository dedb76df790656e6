//! One event-log row as read: checked as UTF-8 text once when the whole row is, so its cells
//! are read without checking each again.
//!
//! Every row has its time, instance and action read, and a launch row a dozen cells more;
//! checking and trimming each cell on its own was a sixth of the reading thread's
//! instructions. A row with a byte that is not UTF-8 is kept as bytes, and only a cell that
//! is read is checked, so such a row fails where and as it always did.

/// The current row: text when all of it is UTF-8, else bytes.
#[derive(Debug)]
pub(crate) enum Record {
    Text(csv::StringRecord),
    Bytes(csv::ByteRecord),
}

impl Default for Record {
    fn default() -> Record {
        Record::Bytes(csv::ByteRecord::new())
    }
}

impl Record {
    /// Takes a record read as bytes (the csv crate checks a row of ASCII in one pass).
    pub fn new(bytes: csv::ByteRecord) -> Record {
        match csv::StringRecord::from_byte_record(bytes) {
            Ok(text) => Record::Text(text),
            Err(not_text) => Record::Bytes(not_text.into_byte_record()),
        }
    }

    /// The record's bytes, to hand its buffer back for the next row.
    pub fn into_bytes(self) -> csv::ByteRecord {
        match self {
            Record::Text(text) => text.into_byte_record(),
            Record::Bytes(bytes) => bytes,
        }
    }

    pub fn bytes(&self) -> &csv::ByteRecord {
        match self {
            Record::Text(text) => text.as_byte_record(),
            Record::Bytes(bytes) => bytes,
        }
    }

    /// Cell `index` as text (empty past the end), or the offset of its first byte that is
    /// not UTF-8.
    pub fn text(&self, index: usize) -> Result<&str, usize> {
        match self {
            Record::Text(text) => Ok(text.get(index).unwrap_or_default()),
            Record::Bytes(bytes) => std::str::from_utf8(bytes.get(index).unwrap_or_default())
                .map_err(|e| e.valid_up_to()),
        }
    }
}

/// `text.trim()`, without its per-character loop when neither end can be white space (an
/// ASCII byte that is not): the common case, a cell written without padding.
pub(crate) fn trim(text: &str) -> &str {
    let plain = |byte: Option<&u8>| {
        byte.is_none_or(|b| b.is_ascii() && !b.is_ascii_whitespace() && *b != 0x0B)
    };
    let bytes = text.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        return text;
    }
    text.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_matches_str_trim_at_every_kind_of_edge() {
        let cases = [
            "",
            "a",
            " a",
            "a ",
            "\ta\r",
            "\u{0B}a",
            "a\u{0B}",
            "\u{A0}a\u{A0}",
            "\u{2003}x",
            "é",
            "é ",
            " é",
            "\u{85}",
            "a b",
            "\u{0C}",
            "\u{1C}a",
        ];
        for case in cases {
            assert_eq!(trim(case), case.trim(), "{case:?}");
        }
    }

    #[test]
    fn a_row_with_a_byte_that_is_not_utf8_is_checked_cell_by_cell() {
        let bytes = csv::ByteRecord::from(vec![&b"ok"[..], &b"x\xFFy"[..], &b"fine"[..]]);
        let record = Record::new(bytes);
        assert!(matches!(record, Record::Bytes(_)));
        assert_eq!(record.text(0), Ok("ok"));
        assert_eq!(record.text(1), Err(1));
        assert_eq!(record.text(2), Ok("fine"));
        assert_eq!(record.text(9), Ok(""));
    }

    #[test]
    fn a_row_of_text_reads_its_cells_and_gives_its_buffer_back() {
        let bytes = csv::ByteRecord::from(vec!["2026-01-01T00:00:00Z", "i-1", "é"]);
        let record = Record::new(bytes);
        assert!(matches!(record, Record::Text(_)));
        assert_eq!(record.text(2), Ok("é"));
        assert_eq!(record.bytes().len(), 3);
        assert_eq!(record.into_bytes().get(1), Some(&b"i-1"[..]));
    }
}
