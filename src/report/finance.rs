//! `line_items.csv` as `--out` writes it: every line item of a run, in file order, rounded
//! to cents that add up to the summary, streamed to the file; and the totals `monthly.csv`
//! and the cost charts are drawn from, summed on the way.
//!
//! Memory is bounded by [`LineItemFile::per_run`], not by the items: they are sorted through
//! run files (`item_sort`) and rounded in passes that do not hold them (`cents`).

use super::cents::Tallies;
use super::focus::{each_line_item, Reservations};
use super::focus_rows::{Costs, RowWriter};
use super::item_sort::ItemSorter;
use super::spending::{Costed, Spending};
use crate::clock::Period;
use crate::money::MoneyError;
use crate::simulation::Outcome;
use std::io::{self, Write};
use std::path::Path;

/// Items held in memory before the sort spills a run to disk: about 150 bytes each, plus the
/// text shared by the pieces of a charge, so some 80 MB.
pub const ITEMS_PER_RUN: usize = 1 << 19;

#[derive(Debug, thiserror::Error)]
pub enum FinanceError {
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl From<csv::Error> for FinanceError {
    fn from(error: csv::Error) -> Self {
        match error.into_kind() {
            csv::ErrorKind::Io(error) => FinanceError::Io(error),
            other => FinanceError::Io(io::Error::other(format!("{other:?}"))),
        }
    }
}

/// How to write the file.
#[derive(Debug, Clone, Copy)]
pub struct LineItemFile<'a> {
    /// The scenario's name, as the rows cite it.
    pub scenario: &'a str,
    /// Where run files may go (made when needed, removed before returning).
    pub runs: &'a Path,
    /// Items held in memory at most ([`ITEMS_PER_RUN`]).
    pub per_run: usize,
}

/// Writes the outcome's line items to `out` and returns their totals.
pub fn write_line_items(
    out: impl Write,
    file: LineItemFile,
    outcome: &Outcome,
    period: Period,
    reservations: Option<&Reservations>,
) -> Result<Spending, FinanceError> {
    let mut tallies = Tallies::new(&outcome.ledgers);
    let mut sorter = ItemSorter::new(file.runs, file.scenario, file.per_run);
    each_line_item(outcome, period, reservations, &mut |item| {
        tallies.add(&item.share());
        sorter.push(item).map_err(FinanceError::from)
    })?;
    let mut sorted = sorter.finish();
    let mut boundaries = tallies.boundaries();
    if boundaries.needs_pass() {
        sorted.each_share(|share| boundaries.add(share))?;
    }
    let mut cuts = boundaries.cuts();
    let mut rows = RowWriter::new(out)?;
    let mut spending = Spending::new((outcome.start, outcome.horizon));
    sorted.merge(|entry| -> Result<(), FinanceError> {
        let share = &entry.share;
        let cents = cuts.round(share);
        rows.write(
            entry.parts,
            &Costs::from_parts(share.purchase, entry.billed, cents),
        )?;
        spending.add(&Costed {
            strategy: share.strategy,
            kind: share.kind,
            purchase: share.purchase,
            start: entry.start,
            end: entry.end,
            effective: cents,
        });
        Ok(())
    })?;
    rows.finish()?;
    Ok(spending)
}
