//! Spreadsheet safety: no CSV cell that came from an input can start a formula.
//!
//! A spreadsheet opening a CSV file reads a cell that starts with `=`, `+`, `-`, `@`, a tab,
//! a carriage return or a line feed as a formula (OWASP's "CSV Injection"; see
//! docs/spreadsheet-safety.md), so a group named `=HYPERLINK(…)` would run in the reader's
//! spreadsheet. ec2plan guards in two places:
//!
//! 1. At input. Names are identifiers, so text that ends up in a report (instance and group
//!    names, and the instance types, regions, operating systems and zones a catalog or an
//!    import defines) is refused where it is read, with its file, line and column, when
//!    [`name_problem`] finds a formula start or a control character in it. Nothing the
//!    reports print from an input is then altered: FOCUS line items, which DuckDB, Athena
//!    and the FOCUS validator read as data, carry the names as written.
//! 2. At output, in depth. Every CSV writer passes its text cells (never its numbers, which
//!    legitimately start with `-`) through [`text_cell`], which puts a `'` before a formula
//!    start, as OWASP advises. For accepted input it never fires; it is there so that a
//!    future input path that forgets step 1 still cannot write a live formula.

use crate::location::excerpt;
use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula when they start it.
pub const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

/// Whether a cell starting with `c` would be read as a formula.
fn starts_formula(c: char) -> bool {
    FORMULA_STARTS.contains(&c)
}

/// The part of `text` a spreadsheet that splits cells at semicolons (as many locales do)
/// would read as a cell on its own, each without its leading spaces.
fn parts(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(|part| part.trim_start_matches(' '))
}

/// The character that would start a formula somewhere in `text` read as a cell: its first
/// character, or one after a semicolon.
pub fn formula_start(text: &str) -> Option<char> {
    // The common case first, without splitting: every report cell goes through here.
    let first = text.trim_start_matches(' ').chars().next();
    if let Some(c) = first.filter(|&c| starts_formula(c)) {
        return Some(c);
    }
    if !text.contains(';') {
        return None;
    }
    parts(text)
        .filter_map(|part| part.chars().next())
        .find(|&c| starts_formula(c))
}

/// How a message names a character.
fn named(c: char) -> String {
    match c {
        '\t' => "a tab".to_string(),
        '\r' => "a carriage return".to_string(),
        '\n' => "a line feed".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("{c:?}"),
    }
}

/// Why `raw`, a name as written in a cell (spaces around it are trimmed by the readers), cannot
/// be a name, as the end of a sentence about `what` (`instance name`, `group`); `None` if it
/// can. A name is refused when a spreadsheet would read it as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab, a carriage return or a line feed, or has one of them after a
/// semicolon) or when it holds a control character, which no report can show.
pub fn name_problem(what: &str, raw: &str) -> Option<String> {
    let shown = raw.trim_matches(' ');
    if let Some(c) = formula_start(raw) {
        let place = match parts(raw).next().and_then(|p| p.chars().next()) {
            Some(first) if first == c => "starts with",
            _ => "has, after a semicolon,",
        };
        return Some(format!(
            "{what} {shown:?} {place} {}, which a spreadsheet reads as the start of a formula; \
             a name cannot start with =, +, -, @, a tab, a carriage return or a line feed",
            named(c),
            shown = excerpt(shown)
        ));
    }
    let control = raw.trim().chars().find(|c| c.is_control())?;
    Some(format!(
        "{what} {shown:?} holds {}, which no name may hold",
        named(control),
        shown = excerpt(shown)
    ))
}

/// A text cell as a CSV writer writes it: as it is, or, should it start a formula (as no
/// accepted input does), with a `'` before each formula start, so a spreadsheet shows it as
/// text. Only for text: a number such as `-0.50` is written as it is.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    if formula_start(text).is_none() {
        return Cow::Borrowed(text);
    }
    let guarded: Vec<String> = text
        .split(';')
        .map(|part| {
            let blank = part.len() - part.trim_start_matches(' ').len();
            let (spaces, rest) = part.split_at(blank);
            match rest.chars().next() {
                Some(c) if starts_formula(c) => format!("{spaces}'{rest}"),
                _ => part.to_string(),
            }
        })
        .collect();
    Cow::Owned(guarded.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_found_first_and_after_semicolons() {
        assert_eq!(formula_start("=HYPERLINK(\"x\")"), Some('='));
        assert_eq!(formula_start("+cmd"), Some('+'));
        assert_eq!(formula_start("-1"), Some('-'));
        assert_eq!(formula_start("@SUM(A1)"), Some('@'));
        assert_eq!(formula_start("\tweb"), Some('\t'));
        assert_eq!(formula_start("\rweb"), Some('\r'));
        assert_eq!(formula_start("web; =1+2"), Some('='));
        assert_eq!(formula_start("web-1"), None);
        assert_eq!(formula_start("a=b"), None);
        assert_eq!(formula_start("web,=1"), None);
        assert_eq!(formula_start(""), None);
    }

    #[test]
    fn names_are_refused_with_the_character_named() {
        assert_eq!(
            name_problem("group", "=HYPERLINK(1)").as_deref(),
            Some(
                "group \"=HYPERLINK(1)\" starts with '=', which a spreadsheet reads as the \
                 start of a formula; a name cannot start with =, +, -, @, a tab, a carriage \
                 return or a line feed"
            )
        );
        let tab = name_problem("instance name", "\tweb").unwrap_or_default();
        assert!(
            tab.starts_with("instance name \"\\tweb\" starts with a tab,"),
            "{tab}"
        );
        let after = name_problem("group", "a; @x").unwrap_or_default();
        assert!(
            after.starts_with("group \"a; @x\" has, after a semicolon, '@',"),
            "{after}"
        );
        assert_eq!(
            name_problem("group", "we\u{1b}b").as_deref(),
            Some("group \"we\\u{1b}b\" holds the control character U+001B, which no name may hold")
        );
        assert_eq!(name_problem("group", "web-1"), None);
        assert_eq!(name_problem("group", " web "), None);
    }

    #[test]
    fn text_cells_get_a_quote_before_each_formula_start() {
        assert_eq!(text_cell("web"), "web");
        assert_eq!(text_cell("=1+2"), "'=1+2");
        assert_eq!(text_cell("a; -b;c"), "a; '-b;c");
        assert_eq!(text_cell("\t@x"), "'\t@x");
        assert!(matches!(text_cell("web-1"), Cow::Borrowed(_)));
    }
}
