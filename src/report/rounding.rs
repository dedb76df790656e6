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
    fn no_parts_and_zero_parts_are_left_alone() {
        assert!(apportion(Usd::new(dec!(0)), &[]).is_empty());
        let parts = apportion(Usd::ZERO, &usd(&[dec!(0), dec!(0)]));
        assert_eq!(parts, vec![Usd::ZERO, Usd::ZERO]);
    }
}
