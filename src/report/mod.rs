//! Report: what a simulation found, as the terminal table, CSV and JSON, and the files
//! `--out DIR` writes.
//!
//! Formatting is separate from I/O: each format turns a [`Summary`] into bytes, so every
//! format is tested without files, and [`OutputDir`] writes a run's files all or nothing.
//! Rounding to cents happens here and only here, by one rule (`rounding`). Knows nothing of
//! how figures were computed.

mod by_hour;
pub mod charts;
mod comparison;
pub mod dollars;
pub mod finance;
pub mod focus;
pub mod focus_parquet;
mod focus_rows;
mod item_sort;
mod output;
mod recommendation;
pub mod rounding;
pub mod spending;
mod summary;
mod timeline;

pub use comparison::{ComparisonReport, ComparisonRow};
pub use output::{write_file, OutputDir};
pub use recommendation::{RecommendationReport, RecommendationRow};
pub use summary::{Format, Summary, SummaryRow};
pub use timeline::TimelineWriter;

/// Pretty JSON of a report, with a final newline.
fn json_text<T: serde::Serialize>(value: &T) -> String {
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}
