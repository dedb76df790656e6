//! The one rule by which a report turns exact amounts into printed cents.
//!
//! Everything upstream (charges, line items, ledgers, monthly sums) is exact; rounding
//! happens here, once per printed figure. A total is the exact sum of what it covers,
//! rounded to cents half away from zero. The parts printed with it (a row's charge kinds, a
//! strategy's groups, a strategy's months of one kind) are rounded by largest remainder so
//! that they add up to the total as printed, ties to the earlier part: each part is then its
//! exact value rounded down or up, within a cent of it, and a reader adding the printed
//! parts gets the printed total. (Rounding every part half up on its own lets ten parts
//! drift up to five cents from their total.)

use crate::billing::Totals;
use crate::money::{MoneyError, Usd};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// A total as printed: its exact value rounded to cents, half away from zero.
pub fn total(exact: Usd) -> Usd {
    exact.round_cents()
}

/// `parts` (exact) rounded to cents that add up to `total` (already in cents), by largest
/// remainder: every part is rounded down, then the cents still missing go one each to the
/// parts with the largest remainders, ties to the earlier part. `total` must lie within the
/// cents either side of the parts' exact sum (as the total's own rounding, or a part
/// apportioned by this function, does); then every part comes out within a cent of its
/// exact value.
pub fn apportion(total: Usd, parts: &[Usd]) -> Vec<Usd> {
    let hundred = Decimal::ONE_HUNDRED;
    let cents: Vec<Decimal> = parts.iter().map(|p| p.amount() * hundred).collect();
    let mut out: Vec<Decimal> = cents.iter().map(|c| c.floor()).collect();
    let floors: Decimal = out.iter().sum();
    let missing = total.amount() * hundred - floors;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Largest remainder first; a stable sort keeps ties in the parts' order.
    order.sort_by(|&a, &b| (cents[b] - out[b]).cmp(&(cents[a] - out[a])));
    let mut left = missing;
    if !order.is_empty() {
        for index in order.iter().cycle() {
            if left <= Decimal::ZERO {
                break;
            }
            out[*index] += Decimal::ONE;
            left -= Decimal::ONE;
        }
        // Fewer cents than the floors (a total outside the rule's range): taken back from
        // the smallest remainders, so the parts still add up to what is printed.
        for index in order.iter().rev().cycle() {
            if left >= Decimal::ZERO {
                break;
            }
            out[*index] -= Decimal::ONE;
            left += Decimal::ONE;
        }
    }
    out.into_iter().map(|c| Usd::new(c / hundred)).collect()
}

/// One row of charge kinds and its total, as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintedRow {
    /// compute, storage, public IPv4, commitment: they add up to `total`.
    pub columns: [Usd; 4],
    pub total: Usd,
}

impl PrintedRow {
    /// A row whose total is its own exact sum rounded (a strategy's).
    pub fn of(totals: &Totals) -> Result<PrintedRow, MoneyError> {
        Ok(PrintedRow::within(totals, total(exact_total(totals)?)))
    }

    /// A row whose total was apportioned from a larger one (a group's within its strategy).
    pub fn within(totals: &Totals, total: Usd) -> PrintedRow {
        let parts = apportion(total, &totals.columns());
        let mut columns = [Usd::ZERO; 4];
        for (column, part) in columns.iter_mut().zip(parts) {
            *column = part;
        }
        PrintedRow { columns, total }
    }
}

/// The exact sum of a row's columns.
pub fn exact_total(totals: &Totals) -> Result<Usd, MoneyError> {
    Usd::checked_sum(totals.columns())
}

/// A strategy's groups as printed: every group's total within a cent of its exact sum, its
/// columns adding up to it, and each kind's column over the groups adding up to the
/// strategy's printed column for that kind (`columns`), every cell within a cent of its
/// exact value. Which cells take the cents the rows and columns still need is a flow
/// problem on a bipartite graph (kinds to groups, one cent per cell at most), solved by
/// augmenting paths; `None` when no such rounding exists, and the caller then rounds each
/// group on its own ([`apportion`] and [`PrintedRow::within`]).
pub fn groups_table(groups: &[[Usd; 4]], columns: [Usd; 4]) -> Option<Vec<PrintedRow>> {
    let cells: Vec<[(i128, bool); 4]> = groups
        .iter()
        .map(|row| {
            let mut floors = [(0, false); 4];
            for (floor, cell) in floors.iter_mut().zip(row) {
                *floor = floor_cents(*cell)?;
            }
            Some(floors)
        })
        .collect::<Option<_>>()?;
    // What each kind's column still needs above its cells' floors.
    let mut need = [0i128; 4];
    for (k, column) in columns.iter().enumerate() {
        let floors: i128 = cells.iter().map(|row| row[k].0).sum();
        need[k] = cents(*column)? - floors;
    }
    // What each group may take: its total rounded down or up, less its cells' floors.
    let bounds: Vec<(i128, i128)> = groups
        .iter()
        .zip(&cells)
        .map(|(row, floors)| {
            let exact = Usd::checked_sum(row.iter().copied()).ok()?;
            let floor_sum: i128 = floors.iter().map(|c| c.0).sum();
            let (low, up) = floor_cents(exact)?;
            Some((low - floor_sum, low - floor_sum + i128::from(up)))
        })
        .collect::<Option<_>>()?;
    let extra = flow(&cells, need, &bounds)?;
    Some(
        cells
            .iter()
            .zip(extra)
            .map(|(floors, add)| {
                let mut columns = [Usd::ZERO; 4];
                for k in 0..4 {
                    columns[k] = from_cents(floors[k].0 + i128::from(add[k]));
                }
                let total = from_cents(
                    floors.iter().map(|c| c.0).sum::<i128>()
                        + add.iter().map(|&a| i128::from(a)).sum::<i128>(),
                );
                PrintedRow { columns, total }
            })
            .collect(),
    )
}

/// `amount` in cents rounded down, and whether it had a fraction of a cent (so may go up).
fn floor_cents(amount: Usd) -> Option<(i128, bool)> {
    let cents = amount.amount().checked_mul(Decimal::ONE_HUNDRED)?;
    let floor = cents.floor();
    Some((floor.to_i128()?, cents != floor))
}

fn cents(amount: Usd) -> Option<i128> {
    amount.amount().checked_mul(Decimal::ONE_HUNDRED)?.to_i128()
}

fn from_cents(cents: i128) -> Usd {
    Usd::new(Decimal::from_i128_with_scale(cents, 2))
}

/// Which cells get a cent: every kind gets exactly its `need`, every group between its
/// bounds, a cell at most one and only where it has a fraction. Lower bounds first, then up
/// to the upper ones (an augmenting path never takes flow back from a group's edge to the
/// sink, so the lower bounds stay met).
fn flow(
    cells: &[[(i128, bool); 4]],
    need: [i128; 4],
    bounds: &[(i128, i128)],
) -> Option<Vec<[bool; 4]>> {
    if need.iter().any(|&n| n < 0) || bounds.iter().any(|&(low, _)| low < 0) {
        return None;
    }
    let mut used = vec![[false; 4]; cells.len()];
    let mut into_group = vec![0i128; cells.len()];
    let mut from_kind = [0i128; 4];
    for phase in [0, 1] {
        let cap = |g: usize| if phase == 0 { bounds[g].0 } else { bounds[g].1 };
        // Per kind, the groups before this index cannot take its cent directly.
        let mut open_from = [0; 4];
        while let Some(kind) = (0..4).find(|&k| from_kind[k] < need[k]) {
            let open = Open {
                cells,
                used: &used,
                into_group: &into_group,
                cap: &cap,
            };
            let path = match open.first(kind, &mut open_from[kind]) {
                Some(group) => vec![Step {
                    group,
                    kind,
                    add: true,
                }],
                None => match augmenting_path(cells, &used, &into_group, &from_kind, need, &cap) {
                    Some(path) => path,
                    None => break,
                },
            };
            apply(&path, &mut used, &mut into_group, &mut from_kind);
        }
        if phase == 0 && (0..cells.len()).any(|g| into_group[g] < bounds[g].0) {
            return None;
        }
    }
    (from_kind == need).then_some(used)
}

/// The cells that can take a cent straight from their kind: the path the breadth-first
/// search finds first whenever there is one (its first kind's scan stops at the first such
/// group). Found by a scan that resumes where the last one stopped, since within a phase
/// no cell it passed opens again: a path only fills groups and takes cells, and a cell it
/// hands back belongs to a group the search passed through because it was full, which it
/// still is. Searching from scratch for each cent grew with groups times cents: seconds
/// for tens of thousands of groups.
struct Open<'a> {
    cells: &'a [[(i128, bool); 4]],
    used: &'a [[bool; 4]],
    into_group: &'a [i128],
    cap: &'a dyn Fn(usize) -> i128,
}

impl Open<'_> {
    /// The first group from `*from` on whose `kind` cell can take a cent now; `*from` moves
    /// past the groups that cannot.
    fn first(&self, kind: usize, from: &mut usize) -> Option<usize> {
        while *from < self.cells.len() {
            let group = *from;
            let open = self.cells[group][kind].1
                && !self.used[group][kind]
                && self.into_group[group] < (self.cap)(group);
            if open {
                return Some(group);
            }
            *from += 1;
        }
        None
    }
}

/// One step of an augmenting path: a cell `(group, kind)` that gains a cent, or gives its
/// cent back so another cell of its kind can take it.
struct Step {
    group: usize,
    kind: usize,
    add: bool,
}

/// A path from a kind that still needs cents to a group that can still take one,
/// alternating cells that gain a cent and cells that give theirs back (breadth first).
fn augmenting_path(
    cells: &[[(i128, bool); 4]],
    used: &[[bool; 4]],
    into_group: &[i128],
    from_kind: &[i128; 4],
    need: [i128; 4],
    cap: &dyn Fn(usize) -> i128,
) -> Option<Vec<Step>> {
    let mut kind_from: [Option<Option<usize>>; 4] = [None; 4];
    let mut group_from: Vec<Option<usize>> = vec![None; cells.len()];
    let mut queue: std::collections::VecDeque<usize> = (0..4)
        .filter(|&k| from_kind[k] < need[k])
        .inspect(|&k| kind_from[k] = Some(None))
        .collect();
    while let Some(kind) = queue.pop_front() {
        for group in 0..cells.len() {
            if group_from[group].is_some() || !cells[group][kind].1 || used[group][kind] {
                continue;
            }
            group_from[group] = Some(kind);
            if into_group[group] < cap(group) {
                return Some(path_to(group, &group_from, &kind_from));
            }
            for back in 0..4 {
                if used[group][back] && kind_from[back].is_none() {
                    kind_from[back] = Some(Some(group));
                    queue.push_back(back);
                }
            }
        }
    }
    None
}

fn path_to(
    end: usize,
    group_from: &[Option<usize>],
    kind_from: &[Option<Option<usize>>; 4],
) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut group = end;
    while let Some(kind) = group_from[group] {
        steps.push(Step {
            group,
            kind,
            add: true,
        });
        match kind_from[kind] {
            Some(Some(previous)) => {
                steps.push(Step {
                    group: previous,
                    kind,
                    add: false,
                });
                group = previous;
            }
            _ => break,
        }
    }
    steps
}

fn apply(
    path: &[Step],
    used: &mut [[bool; 4]],
    into_group: &mut [i128],
    from_kind: &mut [i128; 4],
) {
    for step in path {
        used[step.group][step.kind] = step.add;
    }
    if let (Some(first), Some(last)) = (path.first(), path.last()) {
        into_group[first.group] += 1;
        from_kind[last.kind] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn usd(values: &[Decimal]) -> Vec<Usd> {
        values.iter().copied().map(Usd::new).collect()
    }

    #[test]
    fn three_equal_thirds_of_a_dollar_give_the_extra_cent_to_the_first() {
        // 3 × 0.3333… = 1.00 exactly: floors 33 + 33 + 33 = 99 cents, one missing, and the
        // remainders tie, so the first part gets it.
        let third = dec!(1) / dec!(3);
        let parts = apportion(Usd::new(dec!(1.00)), &usd(&[third, third, third]));
        assert_eq!(parts, usd(&[dec!(0.34), dec!(0.33), dec!(0.33)]));
    }

    #[test]
    fn the_largest_remainders_get_the_missing_cents() {
        // 0.096 + 0.096 + 0.096 = 0.288 → 0.29; floors 9 + 9 + 9 = 27 cents, two missing,
        // remainders 0.6 each: the first two parts get them.
        let p = dec!(0.096);
        let parts = apportion(Usd::new(dec!(0.29)), &usd(&[p, p, p]));
        assert_eq!(parts, usd(&[dec!(0.10), dec!(0.10), dec!(0.09)]));
        // 4.344 + 4.396 = 8.74: floors 434 + 439 = 873, one missing: the 0.6 remainder.
        let parts = apportion(Usd::new(dec!(8.74)), &usd(&[dec!(4.344), dec!(4.396)]));
        assert_eq!(parts, usd(&[dec!(4.34), dec!(4.40)]));
    }

    #[test]
    fn a_row_total_is_its_exact_sum_rounded_half_up() {
        // 0.005 + 0.0049 + 0 + 0 = 0.0099 → 0.01 (each column alone would print 0.01 and
        // 0.00): the columns are apportioned to it, 0.01 and 0.00 (remainder 0.5 > 0.49).
        let totals = Totals {
            compute: Usd::new(dec!(0.005)),
            storage: Usd::new(dec!(0.0049)),
            ..Totals::default()
        };
        let row = PrintedRow::of(&totals).unwrap();
        assert_eq!(row.total, Usd::new(dec!(0.01)));
        assert_eq!(
            row.columns,
            [dec!(0.01), dec!(0), dec!(0), dec!(0)].map(Usd::new)
        );
        // 0.005 + 0.005 = 0.01 exactly: half up is not applied twice (it would print 0.02).
        let totals = Totals {
            compute: Usd::new(dec!(0.005)),
            storage: Usd::new(dec!(0.005)),
            ..Totals::default()
        };
        let row = PrintedRow::of(&totals).unwrap();
        assert_eq!(row.total, Usd::new(dec!(0.01)));
        assert_eq!(row.columns[0], Usd::new(dec!(0.01)));
        assert_eq!(row.columns[1], Usd::ZERO);
    }

    #[test]
    fn groups_add_up_to_the_strategy_in_every_column_and_in_total() {
        // Two groups, compute 0.125 and 0.125 (column 0.25 exactly), storage 0.004 and
        // 0.004 (0.008 → 0.01): the strategy row prints 0.25, 0.01, total 0.26 (0.258).
        // Alone, each group would print 0.13 (0.129 → 0.13, its columns 0.13 and 0.00), and
        // the groups' compute (0.26) would not match the strategy's 0.25. Together: compute
        // 0.13 + 0.12, storage 0.00 + 0.01, totals 0.13 + 0.13 = 0.26.
        let group = [dec!(0.125), dec!(0.004), dec!(0), dec!(0)].map(Usd::new);
        let columns = [dec!(0.25), dec!(0.01), dec!(0), dec!(0)].map(Usd::new);
        let rows = groups_table(&[group, group], columns).unwrap();
        let sum = |k: usize| rows[0].columns[k].amount() + rows[1].columns[k].amount();
        assert_eq!(sum(0), dec!(0.25));
        assert_eq!(sum(1), dec!(0.01));
        assert_eq!(rows[0].total.amount() + rows[1].total.amount(), dec!(0.26));
        for row in &rows {
            let across: Decimal = row.columns.iter().map(|c| c.amount()).sum();
            assert_eq!(across, row.total.amount());
            // Each group's total is its exact 0.129 rounded down or up.
            assert!([dec!(0.12), dec!(0.13)].contains(&row.total.amount()));
        }
    }

    /// The cents as the breadth-first search alone hands them out, one path at a time:
    /// what `flow` did before it resumed its scan for direct paths.
    fn flow_by_search_alone(
        cells: &[[(i128, bool); 4]],
        need: [i128; 4],
        bounds: &[(i128, i128)],
    ) -> Option<Vec<[bool; 4]>> {
        if need.iter().any(|&n| n < 0) || bounds.iter().any(|&(low, _)| low < 0) {
            return None;
        }
        let mut used = vec![[false; 4]; cells.len()];
        let mut into_group = vec![0i128; cells.len()];
        let mut from_kind = [0i128; 4];
        for phase in [0, 1] {
            let cap = |g: usize| if phase == 0 { bounds[g].0 } else { bounds[g].1 };
            while let Some(path) =
                augmenting_path(cells, &used, &into_group, &from_kind, need, &cap)
            {
                apply(&path, &mut used, &mut into_group, &mut from_kind);
            }
            if phase == 0 && (0..cells.len()).any(|g| into_group[g] < bounds[g].0) {
                return None;
            }
        }
        (from_kind == need).then_some(used)
    }

    proptest::proptest! {
        /// Every table of up to 40 groups (cells of 0 to 0.05 in tenths of a cent, and
        /// columns that need anything from too little to too much) gets the very same
        /// cents, or the same refusal, as from the search alone.
        #[test]
        fn resuming_the_scan_hands_out_the_same_cents_as_searching_afresh(
            mills in proptest::collection::vec(proptest::array::uniform4(0u32..50), 0..40),
            shift in proptest::array::uniform4(-3i128..4),
        ) {
            let groups: Vec<[Usd; 4]> = mills
                .iter()
                .map(|row| row.map(|m| Usd::new(Decimal::new(i64::from(m), 3))))
                .collect();
            let cells: Vec<[(i128, bool); 4]> = groups
                .iter()
                .map(|row| row.map(|c| floor_cents(c).unwrap()))
                .collect();
            let mut need = [0i128; 4];
            for k in 0..4 {
                let exact: Decimal = groups.iter().map(|row| row[k].amount()).sum();
                let floors: i128 = cells.iter().map(|row| row[k].0).sum();
                let rounded = (exact * dec!(100)).round().to_i128().unwrap();
                need[k] = rounded - floors + shift[k];
            }
            let bounds: Vec<(i128, i128)> = groups
                .iter()
                .zip(&cells)
                .map(|(row, floors)| {
                    let exact = Usd::checked_sum(row.iter().copied()).unwrap();
                    let floor_sum: i128 = floors.iter().map(|c| c.0).sum();
                    let (low, up) = floor_cents(exact).unwrap();
                    (low - floor_sum, low - floor_sum + i128::from(up))
                })
                .collect();
            proptest::prop_assert_eq!(
                flow(&cells, need, &bounds),
                flow_by_search_alone(&cells, need, &bounds)
            );
        }
    }

    #[test]
    fn twenty_thousand_groups_are_rounded_and_add_up() {
        // 20,000 groups of compute 0.015 each: the column is $300.00 exactly; the floors
        // (1 cent each) make $200.00, so 10,000 groups print 0.02 and 10,000 print 0.01,
        // and each row's one cell is its total. (Searching afresh for each of the 10,000
        // cents scanned the groups each time: 200 million steps.)
        let group = [dec!(0.015), dec!(0), dec!(0), dec!(0)].map(Usd::new);
        let groups = vec![group; 20_000];
        let columns = [dec!(300.00), dec!(0), dec!(0), dec!(0)].map(Usd::new);
        let rows = groups_table(&groups, columns).unwrap();
        let total: Decimal = rows.iter().map(|r| r.columns[0].amount()).sum();
        assert_eq!(total, dec!(300.00));
        let up = rows
            .iter()
            .filter(|r| r.columns[0].amount() == dec!(0.02))
            .count();
        assert_eq!(up, 10_000);
        assert!(rows.iter().all(|r| r.total == r.columns[0]));
    }

    #[test]
    fn no_parts_and_zero_parts_are_left_alone() {
        assert!(apportion(Usd::new(dec!(0)), &[]).is_empty());
        let parts = apportion(Usd::ZERO, &usd(&[dec!(0), dec!(0)]));
        assert_eq!(parts, vec![Usd::ZERO, Usd::ZERO]);
    }
}
