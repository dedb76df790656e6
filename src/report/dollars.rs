//! Money as people read it in a table: `$19,849,092.19`, not `$19849092.19`.
//!
//! Only the human tables use this. CSV and JSON keep plain decimals (`19849092.19`), which
//! every spreadsheet and parser reads without knowing a locale; a separator there would
//! split a CSV cell or turn a JSON number string into text that no longer parses. The
//! figures arrive already rounded (as the CSV prints them), so grouping changes how they
//! look, never what they are.

pub use crate::money::grouped_digits as grouped;

/// `$1,234.50`, and `-$1,234.50` for a negative amount (the sign before the symbol, as a
/// person writes it). Empty stays empty: a cell with no figure.
pub fn dollars(text: &str) -> String {
    match text.strip_prefix('-') {
        _ if text.is_empty() => String::new(),
        Some(rest) => format!("-${}", grouped(rest)),
        None => format!("${}", grouped(text)),
    }
}

/// `+$1,234.50` or `-$1,234.50`: a difference, always signed.
pub fn signed_dollars(text: &str) -> String {
    match text.strip_prefix('-') {
        _ if text.is_empty() => String::new(),
        Some(_) => dollars(text),
        None => format!("+{}", dollars(text)),
    }
}

/// `text` with every dollar amount in it (`$` then digits, and a fraction if any)
/// grouped: a sentence written once for both CSV and the table (a recommendation's "why"),
/// shown to people with separators while its CSV cell keeps the plain figure.
pub fn in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let whole = rest.bytes().take_while(u8::is_ascii_digit).count();
        let fraction = match rest[whole..].strip_prefix('.') {
            Some(after) => match after.bytes().take_while(u8::is_ascii_digit).count() {
                0 => 0,
                digits => digits + 1,
            },
            None => 0,
        };
        let amount = &rest[..whole + fraction];
        out.push_str(&grouped(amount));
        rest = &rest[amount.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_parts_are_grouped_in_threes_from_the_right() {
        assert_eq!(grouped("0.00"), "0.00");
        assert_eq!(grouped("999.99"), "999.99");
        assert_eq!(grouped("1000.00"), "1,000.00");
        assert_eq!(grouped("19849092.19"), "19,849,092.19");
        assert_eq!(grouped("123456"), "123,456");
        assert_eq!(grouped("1234567"), "1,234,567");
        assert_eq!(grouped("-1234.5"), "-1,234.5");
        assert_eq!(grouped("0.148402"), "0.148402");
    }

    #[test]
    fn what_is_not_a_plain_decimal_is_left_alone() {
        for text in ["", "-", "abc", "1e5", "1,000", ".5", "12.3.4"] {
            assert_eq!(grouped(text), text);
        }
    }

    #[test]
    fn dollars_put_the_sign_before_the_symbol() {
        assert_eq!(dollars("19849092.19"), "$19,849,092.19");
        assert_eq!(dollars("-1234.00"), "-$1,234.00");
        assert_eq!(dollars(""), "");
        assert_eq!(signed_dollars("1234.00"), "+$1,234.00");
        assert_eq!(signed_dollars("-11.34"), "-$11.34");
        assert_eq!(signed_dollars("0.00"), "+$0.00");
        assert_eq!(signed_dollars(""), "");
    }

    #[test]
    fn amounts_in_a_sentence_are_grouped_and_the_rest_left_alone() {
        assert_eq!(
            in_text("one more would add $181288.67 to the total."),
            "one more would add $181,288.67 to the total."
        );
        assert_eq!(
            in_text("$1234, then $5 and $0.096/h; ends $100000."),
            "$1,234, then $5 and $0.096/h; ends $100,000."
        );
        assert_eq!(
            in_text("no money, a lone $ and $x"),
            "no money, a lone $ and $x"
        );
        assert_eq!(in_text(""), "");
    }
}
