//! `line_items.csv` (and `line_items.parquet`) as `--out` writes them: every line item of a
//! run, in file order, with its exact cost, streamed to the files; and the totals
//! `monthly.csv` and the charts are drawn from, summed on the way.
//!
//! Memory is bounded by [`LineItemFile::per_run`], not by the items nor the charges: charges
//! become items as the replay books them ([`LineItemStream`] is the replay's
//! [`ChargeSink`]), and the items are sorted through run files (`item_sort`) and written as
//! the merge gives them, in one pass.

use super::focus::{charge_line_items, items_for, reservation_line_items, Reservations};
use super::focus_parquet::ParquetItems;
use super::focus_rows::{csv_to_io, Costs, RowWriter};
use super::item_sort::ItemSorter;
use super::spending::{Costed, FleetHours, Spending};
use crate::billing::Charge;
use crate::clock::Period;
use crate::error::Error;
use crate::money::MoneyError;
use crate::simulation::{ChargeSink, Outcome};
use crate::strategy::Strategy;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Items held in memory before the sort spills a run to disk: 144 bytes each, plus the labels
/// they share with the other pieces of their charge (a few hundred bytes a charge), so some
/// 20 to 60 MB. Larger runs were no faster (fewer, larger files to merge; the same bytes).
pub const ITEMS_PER_RUN: usize = 1 << 17;

#[derive(Debug, thiserror::Error)]
pub enum FinanceError {
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Writing `line_items.csv` or the sort's run files.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// Writing `line_items.parquet`.
    #[error(transparent)]
    Parquet(io::Error),
}

/// The files the merged items are written to: `line_items.csv`, `line_items.parquet`, or both
/// (`--line-items`), from one pass over the sorted items.
pub struct ItemFiles<W: Write + Send> {
    pub csv: Option<W>,
    pub parquet: Option<W>,
}

impl From<csv::Error> for FinanceError {
    fn from(error: csv::Error) -> Self {
        FinanceError::Io(csv_to_io(error))
    }
}

/// How to write the file.
#[derive(Debug, Clone, Copy)]
pub struct LineItemFile<'a> {
    /// The scenario's name, as the rows cite it.
    pub scenario: &'a str,
    /// Where run files may go (made when needed, removed when the stream is done).
    pub runs: &'a Path,
    /// Items held in memory at most ([`ITEMS_PER_RUN`]).
    pub per_run: usize,
}

/// What the charts and `monthly.csv` are drawn from.
#[derive(Debug)]
pub struct Finance {
    pub spending: Spending,
    pub fleet: FleetHours,
}

/// Line items made from charges as they come, then written in file order.
pub struct LineItemStream {
    period: Period,
    /// The strategies whose items are made (others' charges only count toward the fleet).
    wanted: Vec<Strategy>,
    sorter: ItemSorter,
    fleet: FleetHours,
    /// The file named in errors: `line_items.csv` where it will be.
    target: PathBuf,
}

impl LineItemStream {
    /// `target` names the file in errors; `wanted` are the strategies to itemize.
    pub fn new(
        file: LineItemFile,
        period: Period,
        wanted: Vec<Strategy>,
        target: PathBuf,
    ) -> LineItemStream {
        LineItemStream {
            period,
            wanted,
            sorter: ItemSorter::new(file.runs, file.scenario, file.per_run),
            fleet: FleetHours::default(),
            target,
        }
    }

    /// One booked charge: the fleet counts On-Demand's and Spot's; each wanted strategy it makes items of
    /// gets them.
    pub fn add(&mut self, booked: Strategy, charge: &Charge) -> Result<(), FinanceError> {
        self.fleet.add(booked, charge);
        let sorter = &mut self.sorter;
        for strategy in &self.wanted {
            if items_for(*strategy, booked, charge) {
                charge_line_items(*strategy, charge, self.period, &mut |item| {
                    sorter.push(item).map_err(FinanceError::from)
                })?;
            }
        }
        Ok(())
    }

    /// How many items have come so far.
    pub fn items(&self) -> u64 {
        self.sorter.items()
    }

    /// Adds the reservations' items, then writes every item of a strategy the outcome's
    /// ledgers show to `files`, in file order, counting the rows
    /// written in `written` as it goes (for a progress line).
    pub fn finish<W: Write + Send>(
        mut self,
        files: ItemFiles<W>,
        outcome: &Outcome,
        reservations: Option<&Reservations>,
        written: &AtomicU64,
    ) -> Result<Finance, FinanceError> {
        let shown: Vec<Strategy> = outcome.ledgers.iter().map(|(s, _)| *s).collect();
        if let (Some(r), true) = (reservations, shown.contains(&Strategy::Reserved)) {
            let sorter = &mut self.sorter;
            reservation_line_items(r, self.period, outcome.start, &mut |item| {
                sorter.push(item).map_err(FinanceError::from)
            })?;
        }
        let mut sorted = self.sorter.finish()?;
        let mut rows = files.csv.map(RowWriter::new).transpose()?;
        let mut typed = files
            .parquet
            .map(ParquetItems::new)
            .transpose()
            .map_err(FinanceError::Parquet)?;
        let mut spending = Spending::new((outcome.start, outcome.horizon));
        sorted.merge(|entry| -> Result<(), FinanceError> {
            let share = &entry.share;
            if !shown.contains(&share.strategy) {
                return Ok(());
            }
            let costs = Costs::from_parts(share.purchase, entry.billed, share.effective);
            if let Some(rows) = &mut rows {
                rows.write(entry.parts, &costs)?;
            }
            if let Some(typed) = &mut typed {
                typed
                    .write(entry.parts, &costs)
                    .map_err(FinanceError::Parquet)?;
            }
            written.fetch_add(1, Ordering::Relaxed);
            spending.add(&Costed::new(share, (entry.start, entry.end)))?;
            Ok(())
        })?;
        if let Some(rows) = rows {
            rows.finish()?;
        }
        if let Some(typed) = typed {
            typed.finish().map_err(FinanceError::Parquet)?;
        }
        Ok(Finance {
            spending,
            fleet: self.fleet,
        })
    }
}

impl ChargeSink for LineItemStream {
    fn charge(&mut self, strategy: Strategy, charge: Charge) -> Result<(), Error> {
        self.add(strategy, &charge).map_err(|e| match e {
            FinanceError::Money(e) => Error::from(e),
            FinanceError::Io(e) | FinanceError::Parquet(e) => Error::write(&self.target, e),
        })
    }
}

/// Writes the line items of an outcome whose charges were kept ([`crate::simulation::Options::keep_charges`])
/// to `out`, as `--out` does for a run it streams.
pub fn write_line_items<W: Write + Send>(
    out: W,
    file: LineItemFile,
    outcome: &Outcome,
    period: Period,
    reservations: Option<&Reservations>,
) -> Result<Finance, FinanceError> {
    let wanted = outcome.ledgers.iter().map(|(s, _)| *s).collect();
    let mut stream = LineItemStream::new(file, period, wanted, PathBuf::from("line_items.csv"));
    for (strategy, charge) in &outcome.charges {
        stream.add(*strategy, charge)?;
    }
    let files = ItemFiles {
        csv: Some(out),
        parquet: None,
    };
    stream.finish(files, outcome, reservations, &AtomicU64::new(0))
}
