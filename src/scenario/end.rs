//! The end row of an event log: `time,,end` (no instance, no attributes), the file's last
//! row, saying where the replay ends.
//!
//! Without it an event log ends at its last event. A schedule ends at its last row (or
//! `--until`) even when nothing happens then, and the instances it keeps stopped or
//! hibernated in a warm pool are billed for their volumes up to it; so `ec2plan expand`
//! writes the schedule's end as this row, and the log replays to the schedule's figures.
//! A user can write one too, to bill what is still running up to a date. It is optional
//! (older logs have none and read as before), it is not an [`super::Event`] (nothing
//! downstream of the reader sees it), and `--until` still wins over it.

use crate::clock::Timestamp;

/// The action an end row names.
pub const ACTION: &str = "end";

/// Where an end row put the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct End {
    pub time: Timestamp,
    pub line: u64,
}

impl End {
    /// The sentence for any row after the end row.
    pub fn row_after(&self) -> String {
        format!(
            "the end row on line {} ends the replay at {}, so no row may follow it; the end row is the file's last row",
            self.line, self.time
        )
    }
}

/// The sentence for an end row earlier than the event before it.
pub fn before_last_event(end: Timestamp, last: Timestamp, line: u64) -> String {
    format!(
        "the end row ends the replay at {end}, before the row on line {line} at {last}; the replay cannot end before its last event"
    )
}
