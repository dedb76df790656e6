//! Location: where in which file a problem was found.
//!
//! Every error about a file's content names the file, the line and, where there is one, the
//! CSV column (counted from 1, as spreadsheets and `xsv` do) with its header name, so a user
//! can go straight to the cell. Shared by the scenario and price-catalog readers.

use std::fmt;
use std::sync::Arc;

/// A file, a line and optionally a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: Arc<str>,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u64,
    pub column: Option<Column>,
}

/// A CSV column: its 1-based position and its header name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub number: usize,
    pub name: String,
}

impl Location {
    pub fn line(file: &Arc<str>, line: u64) -> Location {
        Location {
            file: Arc::clone(file),
            line,
            column: None,
        }
    }

    pub fn cell(file: &Arc<str>, line: u64, index: usize, name: &str) -> Location {
        Location {
            file: Arc::clone(file),
            line,
            column: Some(Column {
                number: index + 1,
                name: name.to_string(),
            }),
        }
    }
}

impl fmt::Display for Location {
    /// `file:line:column (name)`, `file:line`, or just `file` for a whole-file problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}", self.file);
        }
        match &self.column {
            Some(column) => write!(
                f,
                "{}:{}:{} ({})",
                self.file, self.line, column.number, column.name
            ),
            None => write!(f, "{}:{}", self.file, self.line),
        }
    }
}

/// A problem in a file's content, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {problem}")]
pub struct LocatedError {
    pub location: Location,
    pub problem: String,
}

impl LocatedError {
    pub fn new(location: Location, problem: impl Into<String>) -> LocatedError {
        LocatedError {
            location,
            problem: problem.into(),
        }
    }
}

/// How many characters of a value a message quotes.
pub const EXCERPT_CHARS: usize = 40;

/// A value as a message shows it: at most [`EXCERPT_CHARS`] characters, then `…` and the
/// value's length, so a message stays one short line whatever the input. `{:?}` quotes and
/// escapes it; `{}` shows it as it is.
#[derive(Clone, Copy)]
pub struct Excerpt<'a>(&'a str);

/// The value `text` as a message quotes it.
pub fn excerpt<T: AsRef<str> + ?Sized>(text: &T) -> Excerpt<'_> {
    Excerpt(text.as_ref())
}

impl<'a> Excerpt<'a> {
    /// The part shown, and whether anything is left out.
    fn shown(self) -> (&'a str, bool) {
        match self.0.char_indices().nth(EXCERPT_CHARS) {
            Some((end, _)) => (&self.0[..end], true),
            None => (self.0, false),
        }
    }
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shown() {
            (all, false) => f.write_str(all),
            (start, true) => write!(f, "{start}… ({} bytes)", self.0.len()),
        }
    }
}

impl fmt::Debug for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shown() {
            (all, false) => write!(f, "{all:?}"),
            (start, true) => write!(f, "{:?} ({} bytes)", format!("{start}…"), self.0.len()),
        }
    }
}

/// Values longer than this get no "did you mean": no name is that long, and the edit
/// distance grows with the product of the lengths.
const MAX_SUGGESTED_CHARS: usize = 100;

/// The known names closest to `unknown` (the nearest ones only, at most three), for
/// "did you mean" hints.
///
/// Edit distance is small enough to compute for a catalog of a few hundred names, and it
/// catches the usual slips (`m5.larg`, `us-east1`, `gp4`).
pub fn closest_names<'a, I>(unknown: &str, known: I) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    if unknown.len() > MAX_SUGGESTED_CHARS * 4 {
        return Vec::new();
    }
    let length = unknown.chars().count();
    if length > MAX_SUGGESTED_CHARS {
        return Vec::new();
    }
    let limit = (length / 3).max(2);
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        // The distance is at least the difference in length: skip what cannot be close.
        .filter(|name| name.chars().count().abs_diff(length) <= limit)
        .map(|name| (edit_distance(unknown, name), name))
        .filter(|(distance, _)| *distance <= limit)
        .collect();
    scored.sort();
    let best = scored.first().map_or(0, |(distance, _)| *distance);
    scored
        .into_iter()
        .take_while(|(distance, _)| *distance == best)
        .take(3)
        .map(|(_, name)| name)
        .collect()
}

/// Names for a message: all of them when few, else their count and range, so a message stays
/// one short sentence however large the catalog.
pub fn listing(names: &[&str]) -> String {
    match names {
        [first, .., last] if names.len() > 8 => {
            format!("{} of them, {first} to {last}", names.len())
        }
        _ => names.join(", "),
    }
}

/// ` (did you mean a, b?)` or nothing.
pub fn did_you_mean(suggestions: &[&str]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// Levenshtein distance, case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_and_name() {
        let file: Arc<str> = Arc::from("web.csv");
        assert_eq!(
            Location::cell(&file, 7, 3, "instance_type").to_string(),
            "web.csv:7:4 (instance_type)"
        );
        assert_eq!(Location::line(&file, 2).to_string(), "web.csv:2");
    }

    #[test]
    fn suggests_the_closest_known_names() {
        let known = ["m5.large", "m5.xlarge", "m6i.large", "t3.micro"];
        assert_eq!(closest_names("m5.larg", known), vec!["m5.large"]);
        assert_eq!(closest_names("m5.xlarg", known), vec!["m5.xlarge"]);
        assert_eq!(
            closest_names("m6.large", known),
            vec!["m5.large", "m6i.large"]
        );
        assert_eq!(closest_names("x1e.32xlarge", known), Vec::<&str>::new());
        assert_eq!(did_you_mean(&["gp3"]), "; did you mean gp3?");
    }

    #[test]
    fn excerpts_stop_after_forty_characters() {
        assert_eq!(format!("{:?}", excerpt("m5.larg")), "\"m5.larg\"");
        let long = "x".repeat(1000);
        let shown = format!("{:?}", excerpt(&long));
        assert_eq!(shown, format!("\"{}…\" (1000 bytes)", "x".repeat(40)));
        assert_eq!(
            format!("{}", excerpt(&long)),
            format!("{}… (1000 bytes)", "x".repeat(40))
        );
        assert!(closest_names(&long, ["x"]).is_empty());
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("GP3", "gp3"), 0);
    }
}
