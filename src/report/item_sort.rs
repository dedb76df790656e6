//! Line items in file order without holding them all: a merge sort through files.
//!
//! A year of a fleet is tens of millions of daily items, gigabytes more than the machine has
//! to spare, and the file's order (strategy, time, kind, resource) is not the order the
//! charges come in. So at most `per_run` items are held; when that many have come, they are
//! sorted and written to a run file with their row's text already rendered, and the memory is
//! given back. At the end the run files and the items still held are merged. Items are
//! numbered as they come, and the number breaks ties, so the order is the one a single sort
//! of every item gives ([`super::focus::sorted_order`]), however the items were split.

use super::focus::{sort_texts, sorted_order, Kind, LineItem, Share};
use super::focus_rows::{Parts, RowText};
use crate::clock::Timestamp;
use crate::strategy::Strategy;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Bytes a run file is read through: a merge of a hundred runs reads a hundred at once.
const READ_BUFFER: usize = 128 << 10;

/// One item as the merge and the totals see it.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub share: Share,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Cash billed, for a purchase; `None` for usage, which bills its EffectiveCost.
    pub billed: Option<Decimal>,
    /// The row's text but for its cost cells.
    pub parts: Parts<'a>,
}

/// Takes the items in the order they come and spills sorted runs to `dir`.
pub struct ItemSorter {
    runs: Runs,
    per_run: usize,
    held: Vec<LineItem>,
    /// The number of `held[0]`: items are numbered in the order they came.
    first: u64,
    text: RowText,
}

impl ItemSorter {
    /// Run files go in `dir` (made at the first spill, removed when the sort is dropped);
    /// `per_run` items at most are held (at least one).
    pub fn new(dir: &Path, scenario: &str, per_run: usize) -> ItemSorter {
        ItemSorter {
            runs: Runs {
                dir: dir.to_path_buf(),
                files: Vec::new(),
                made: 0,
            },
            per_run: per_run.max(1),
            held: Vec::new(),
            first: 0,
            text: RowText::new(scenario),
        }
    }

    /// How many items have come.
    pub fn items(&self) -> u64 {
        self.first + self.held.len() as u64
    }

    pub fn push(&mut self, item: LineItem) -> io::Result<()> {
        self.held.push(item);
        if self.held.len() >= self.per_run {
            self.spill()?;
        }
        Ok(())
    }

    /// Writes the held items, sorted, to a new run file.
    fn spill(&mut self) -> io::Result<()> {
        let path = self.runs.next_path()?;
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
        let mut record = Record::default();
        for index in sorted_order(&self.held) {
            let item = &self.held[index];
            let parts = self.text.render(item);
            record.fill(item, self.first + index as u64, parts);
            record.write(&mut out)?;
        }
        out.into_inner().map_err(io::IntoInnerError::into_error)?;
        self.first += self.held.len() as u64;
        self.held = Vec::new();
        self.runs.add(path)
    }

    /// Sorts the items still held; the runs stay on disk.
    pub fn finish(self) -> io::Result<SortedItems> {
        let order = sorted_order(&self.held);
        Ok(SortedItems {
            runs: self.runs,
            held: self.held,
            order,
            first: self.first,
            text: self.text,
        })
    }
}

/// Run files merged at once: one open file and one read buffer each.
const FAN_IN: usize = 64;

/// The run files, removed with the sort; each with its level (a level-`n` run is a merge of
/// [`FAN_IN`] runs of level `n - 1`), levels never rising along the list.
struct Runs {
    dir: PathBuf,
    files: Vec<(u32, PathBuf)>,
    /// Files made so far, for unique names.
    made: usize,
}

impl Runs {
    fn next_path(&mut self) -> io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        self.made += 1;
        Ok(self.dir.join(format!("run-{}", self.made)))
    }

    /// Adds a level-0 run, then merges the last [`FAN_IN`] runs while they share a level,
    /// so that no merge opens more than [`FAN_IN`] files and each item is copied once per
    /// level (a counter in base [`FAN_IN`]).
    fn add(&mut self, path: PathBuf) -> io::Result<()> {
        self.files.push((0, path));
        while let Some(level) = self.full_level() {
            let merged = self.files.split_off(self.files.len() - FAN_IN);
            let path = self.next_path()?;
            let result = merge_files(merged.iter().map(|(_, p)| p.as_path()), &path);
            for (_, file) in &merged {
                let _ = std::fs::remove_file(file);
            }
            self.files.push((level + 1, path));
            result?;
        }
        Ok(())
    }

    /// The level of the last [`FAN_IN`] runs, if they share one.
    fn full_level(&self) -> Option<u32> {
        let tail = self.files.get(self.files.len().checked_sub(FAN_IN)?..)?;
        let level = tail.first()?.0;
        tail.iter().all(|(l, _)| *l == level).then_some(level)
    }
}

/// Merges run files into one, record by record.
fn merge_files<'p>(runs: impl Iterator<Item = &'p Path>, to: &Path) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(to)?);
    let held = Held {
        items: &[],
        order: &[],
        first: 0,
    };
    let mut merge = Merge::new(runs, held)?;
    while let Some(top) = merge.top() {
        if let Source::Run { head, .. } = top {
            head.write(&mut out)?;
        }
        merge.advance()?;
    }
    out.into_inner().map_err(io::IntoInnerError::into_error)?;
    Ok(())
}

impl Drop for Runs {
    fn drop(&mut self) {
        // Best effort: the directory is inside `--out`'s staging directory, removed anyway.
        for (_, file) in &self.files {
            let _ = std::fs::remove_file(file);
        }
        if self.made > 0 {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// Every item, sorted in runs, to be merged into file order ([`SortedItems::merge`]).
pub struct SortedItems {
    runs: Runs,
    held: Vec<LineItem>,
    /// The held items in file order (positions in `held`).
    order: Vec<usize>,
    first: u64,
    text: RowText,
}

impl SortedItems {
    /// How many run files are on disk.
    #[cfg(test)]
    fn spilled(&self) -> usize {
        self.runs.files.len()
    }

    /// Every item in file order.
    pub fn merge<E: From<io::Error>>(
        &mut self,
        mut visit: impl FnMut(Entry) -> Result<(), E>,
    ) -> Result<(), E> {
        let held = Held {
            items: &self.held,
            order: &self.order,
            first: self.first,
        };
        let runs = self.runs.files.iter().map(|(_, path)| path.as_path());
        let mut merge = Merge::new(runs, held)?;
        while let Some(top) = merge.top() {
            visit(top.entry(&merge.held, &mut self.text)?)?;
            merge.advance()?;
        }
        Ok(())
    }
}

/// A merge of sorted sources: a min-heap of source numbers by their heads' keys (the heads
/// change as the sources advance, so the heap holds numbers, not keys).
struct Merge<'h> {
    sources: Vec<Source>,
    heap: Vec<usize>,
    held: Held<'h>,
}

impl<'h> Merge<'h> {
    fn new<'p>(runs: impl Iterator<Item = &'p Path>, held: Held<'h>) -> io::Result<Merge<'h>> {
        let mut sources = Vec::new();
        for path in runs {
            if let Some(source) = Source::open(path)? {
                sources.push(source);
            }
        }
        if !held.order.is_empty() {
            sources.push(Source::Held { next: 0 });
        }
        let mut heap = Vec::with_capacity(sources.len());
        for source in 0..sources.len() {
            heap.push(source);
            sift_up(&mut heap, |a, b| less(&sources, &held, a, b));
        }
        Ok(Merge {
            sources,
            heap,
            held,
        })
    }

    /// The source whose head comes next.
    fn top(&self) -> Option<&Source> {
        self.heap.first().map(|&top| &self.sources[top])
    }

    /// Moves past the head of [`Merge::top`].
    fn advance(&mut self) -> io::Result<()> {
        let Some(&top) = self.heap.first() else {
            return Ok(());
        };
        if !self.sources[top].advance(&self.held)? {
            self.heap.swap_remove(0);
        }
        let (sources, held) = (&self.sources, &self.held);
        sift_down(&mut self.heap, |a, b| less(sources, held, a, b));
        Ok(())
    }
}

/// The items held in memory and their place in the numbering.
struct Held<'a> {
    items: &'a [LineItem],
    order: &'a [usize],
    first: u64,
}

/// Where the merge takes items from.
enum Source {
    /// The held items, at position `next` of their order.
    Held { next: usize },
    /// A run file and the record at its head.
    Run {
        input: BufReader<File>,
        head: Box<Record>,
    },
}

/// What items are ordered by: strategy, time, kind, purchase, resource, description, number.
type Key<'a> = (Strategy, Timestamp, Kind, bool, &'a [u8], &'a [u8], u64);

impl Source {
    /// A run file with its first record read (`None` if the file is empty).
    fn open(path: &Path) -> io::Result<Option<Source>> {
        let mut input = BufReader::with_capacity(READ_BUFFER, File::open(path)?);
        let mut head = Box::<Record>::default();
        if !head.read(&mut input)? {
            return Ok(None);
        }
        Ok(Some(Source::Run { input, head }))
    }

    fn key<'a>(&'a self, held: &'a Held) -> Key<'a> {
        match self {
            Source::Held { next } => {
                let index = held.order[*next];
                let item = &held.items[index];
                let [resource, description] = sort_texts(item);
                (
                    item.strategy,
                    item.start,
                    item.kind,
                    item.purchase,
                    resource.as_bytes(),
                    description.as_bytes(),
                    held.first + index as u64,
                )
            }
            Source::Run { head, .. } => (
                head.share.strategy,
                head.start,
                head.share.kind,
                head.share.purchase,
                &head.resource,
                &head.description,
                head.number,
            ),
        }
    }

    fn entry<'a>(&'a self, held: &'a Held, text: &'a mut RowText) -> io::Result<Entry<'a>> {
        Ok(match self {
            Source::Held { next } => {
                let item = &held.items[held.order[*next]];
                Entry {
                    share: item.share(),
                    start: item.start,
                    end: item.end,
                    billed: item.billed,
                    parts: text.render(item),
                }
            }
            Source::Run { head, .. } => Entry {
                share: head.share,
                start: head.start,
                end: head.end,
                billed: head.billed,
                parts: Parts {
                    before: &head.before,
                    after: &head.after,
                },
            },
        })
    }

    /// Moves to the next item; false when there is none.
    fn advance(&mut self, held: &Held) -> io::Result<bool> {
        match self {
            Source::Held { next } => {
                *next += 1;
                Ok(*next < held.order.len())
            }
            Source::Run { input, head } => head.read(input),
        }
    }
}

fn less(sources: &[Source], held: &Held, a: usize, b: usize) -> bool {
    sources[a].key(held).cmp(&sources[b].key(held)) == Ordering::Less
}

/// Restores a min-heap after its last element was pushed.
fn sift_up(heap: &mut [usize], less: impl Fn(usize, usize) -> bool) {
    let mut at = heap.len().saturating_sub(1);
    while at > 0 {
        let parent = (at - 1) / 2;
        if !less(heap[at], heap[parent]) {
            break;
        }
        heap.swap(at, parent);
        at = parent;
    }
}

/// Restores a min-heap after its first element changed.
fn sift_down(heap: &mut [usize], less: impl Fn(usize, usize) -> bool) {
    let mut at = 0;
    loop {
        let (left, right) = (2 * at + 1, 2 * at + 2);
        let mut smallest = at;
        if left < heap.len() && less(heap[left], heap[smallest]) {
            smallest = left;
        }
        if right < heap.len() && less(heap[right], heap[smallest]) {
            smallest = right;
        }
        if smallest == at {
            return;
        }
        heap.swap(at, smallest);
        at = smallest;
    }
}

/// An item in a run file: its key, its figures, and its row's text.
#[derive(Debug, Clone)]
struct Record {
    share: Share,
    start: Timestamp,
    end: Timestamp,
    number: u64,
    billed: Option<Decimal>,
    resource: Vec<u8>,
    description: Vec<u8>,
    before: Vec<u8>,
    after: Vec<u8>,
}

impl Default for Record {
    fn default() -> Self {
        Record {
            share: Share {
                strategy: Strategy::OnDemand,
                kind: Kind::Compute,
                purchase: false,
                effective: Decimal::ZERO,
            },
            start: Timestamp::from_unix(0),
            end: Timestamp::from_unix(0),
            number: 0,
            billed: None,
            resource: Vec::new(),
            description: Vec::new(),
            before: Vec::new(),
            after: Vec::new(),
        }
    }
}

impl Record {
    fn fill(&mut self, item: &LineItem, number: u64, parts: Parts) {
        let [resource, description] = sort_texts(item);
        self.share = item.share();
        self.start = item.start;
        self.end = item.end;
        self.number = number;
        self.billed = item.billed;
        for (to, from) in [
            (&mut self.resource, resource.as_bytes()),
            (&mut self.description, description.as_bytes()),
            (&mut self.before, parts.before),
            (&mut self.after, parts.after),
        ] {
            to.clear();
            to.extend_from_slice(from);
        }
    }

    /// Little-endian: the [`Share`] ([`write_share`]), start, end, number, BilledCost (a
    /// flag, then the amount if any), then four texts, each with its length.
    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        write_share(&self.share, out)?;
        out.write_all(&self.start.unix().to_le_bytes())?;
        out.write_all(&self.end.unix().to_le_bytes())?;
        out.write_all(&self.number.to_le_bytes())?;
        match self.billed {
            Some(billed) => {
                out.write_all(&[1])?;
                out.write_all(&billed.serialize())?;
            }
            None => out.write_all(&[0])?,
        }
        for text in [&self.resource, &self.description, &self.before, &self.after] {
            let length = u32::try_from(text.len()).map_err(io::Error::other)?;
            out.write_all(&length.to_le_bytes())?;
            out.write_all(text)?;
        }
        Ok(())
    }

    /// Reads the next record into `self`; false at the end of the file.
    fn read(&mut self, input: &mut impl BufRead) -> io::Result<bool> {
        let Some(share) = read_share(input)? else {
            return Ok(false);
        };
        self.share = share;
        self.start = Timestamp::from_unix(i64::from_le_bytes(bytes(input)?));
        self.end = Timestamp::from_unix(i64::from_le_bytes(bytes(input)?));
        self.number = u64::from_le_bytes(bytes(input)?);
        self.billed = match bytes::<1>(input)? {
            [0] => None,
            _ => Some(Decimal::deserialize(bytes(input)?)),
        };
        for text in [
            &mut self.resource,
            &mut self.description,
            &mut self.before,
            &mut self.after,
        ] {
            let length = u32::from_le_bytes(bytes(input)?) as usize;
            text.clear();
            text.resize(length, 0);
            input.read_exact(text)?;
        }
        Ok(true)
    }
}

/// Strategy, kind, purchase (a byte each), EffectiveCost (16 bytes).
fn write_share(share: &Share, out: &mut impl Write) -> io::Result<()> {
    let codes = [
        strategy_code(share.strategy),
        kind_code(share.kind),
        u8::from(share.purchase),
    ];
    out.write_all(&codes)?;
    out.write_all(&share.effective.serialize())
}

/// The next [`Share`], or `None` at the end of the file.
fn read_share(input: &mut impl BufRead) -> io::Result<Option<Share>> {
    if input.fill_buf()?.is_empty() {
        return Ok(None);
    }
    let [strategy, kind, purchase] = bytes::<3>(input)?;
    Ok(Some(Share {
        strategy: Strategy::ALL
            .get(usize::from(strategy))
            .copied()
            .ok_or_else(|| corrupt("strategy"))?,
        kind: Kind::ALL
            .get(usize::from(kind))
            .copied()
            .ok_or_else(|| corrupt("kind"))?,
        purchase: purchase != 0,
        effective: Decimal::deserialize(bytes(input)?),
    }))
}

fn bytes<const N: usize>(input: &mut impl Read) -> io::Result<[u8; N]> {
    let mut buffer = [0; N];
    input.read_exact(&mut buffer)?;
    Ok(buffer)
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("a line-item run file has an unknown {what}"),
    )
}

fn strategy_code(strategy: Strategy) -> u8 {
    let index = Strategy::ALL.iter().position(|s| *s == strategy);
    index.map_or(u8::MAX, |i| i as u8)
}

fn kind_code(kind: Kind) -> u8 {
    let index = Kind::ALL.iter().position(|k| *k == kind);
    index.map_or(u8::MAX, |i| i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::focus::tests::item;

    /// `count` items over a few strategies, hours, resources and descriptions, so that many
    /// share a key but their number (the order they came in); each item's EffectiveCost is
    /// its number, to follow it.
    fn items(count: usize) -> Vec<LineItem> {
        let strategies = [Strategy::Spot, Strategy::OnDemand, Strategy::Mixed];
        let resources = ["i-9/volume", "", "i-10/volume"];
        (0..count)
            .map(|n| {
                let strategy = strategies[n * 7 % 3];
                let resource = resources[n * 5 % 3];
                let description = ["b", "a"][n * 11 % 2];
                let mut item = item(strategy, (n * 13 % 4) as i64, resource, description, 0);
                item.effective = Decimal::from(n);
                item
            })
            .collect()
    }

    /// The EffectiveCosts (numbers) in the order the merge gives, and how many runs spilled.
    fn merged(items: &[LineItem], per_run: usize, dir: &Path) -> (Vec<Decimal>, usize) {
        let mut sorter = ItemSorter::new(dir, "test.csv", per_run);
        for item in items {
            sorter.push(item.clone()).unwrap();
        }
        let mut sorted = sorter.finish().unwrap();
        let mut order = Vec::new();
        sorted
            .merge(|entry| -> io::Result<()> {
                order.push(entry.share.effective);
                Ok(())
            })
            .unwrap();
        (order, sorted.spilled())
    }

    #[test]
    fn the_merge_of_runs_is_the_order_of_one_sort() {
        let items = items(200);
        let expected: Vec<Decimal> = sorted_order(&items)
            .into_iter()
            .map(Decimal::from)
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let runs = dir.path().join("runs");
        // Nothing spilled; a run per 7 items (28 runs and 4 held); a run per item, 200 runs
        // of which three sets of 64 merge into one each (3 + 8 files).
        for (per_run, spilled) in [(1000, 0), (7, 28), (1, 11)] {
            let (order, files) = merged(&items, per_run, &runs);
            assert_eq!(order, expected, "{per_run} items a run");
            assert_eq!(files, spilled, "{per_run} items a run");
            assert!(!runs.exists(), "the run files are removed with the sort");
        }
    }

    #[test]
    fn a_run_record_reads_back_as_written() {
        let mut item = items(1).remove(0);
        item.billed = Some(Decimal::new(-12345, 3));
        item.purchase = true;
        let mut text = RowText::new("a \"quoted\", scenario.csv");
        let parts = text.render(&item);
        let mut record = Record::default();
        record.fill(&item, 42, parts);
        let mut file = Vec::new();
        record.write(&mut file).unwrap();
        record.write(&mut file).unwrap();
        let mut input = &file[..];
        let mut back = Record::default();
        for _ in 0..2 {
            assert!(back.read(&mut input).unwrap());
            assert_eq!(back.share, item.share());
            assert_eq!(
                (back.start, back.end, back.number),
                (item.start, item.end, 42)
            );
            assert_eq!(back.billed, item.billed);
            assert_eq!(
                (&back.resource, &back.description),
                (&record.resource, &record.description)
            );
            assert_eq!((&back.before, &back.after), (&record.before, &record.after));
        }
        assert!(!back.read(&mut input).unwrap(), "the end of the file");
    }
}
