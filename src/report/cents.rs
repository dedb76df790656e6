//! Rounding line items to cents so that each strategy's items add up, kind by kind, to the
//! column its summary row prints: Hamilton's method (floor every item, give the missing
//! cents to the largest remainders, ties to the earlier row of `line_items.csv`).
//!
//! In three passes, none of which holds the items: a year of a fleet is tens of millions of
//! items, more than fit in memory, so they are sorted on disk (`item_sort`) and only
//! streamed. The first pass ([`Tallies`], any order) sums the floors and counts remainders
//! in [`BUCKETS`] ranges, which says how many cents are missing and which range holds the
//! last remainder to get one. The second ([`Boundaries`], any order, skipped when no group
//! needs it) collects the distinct remainders of that range alone. The third ([`Cuts`], in
//! file order) rounds each item, giving the cent to the items tied at the last remainder in
//! the order they are written.

use super::focus::Kind;
use crate::billing::Ledger;
use crate::money::Usd;
use crate::strategy::Strategy;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Ranges a remainder (a fraction of a cent, in [0, 1)) is counted in on the first pass.
const BUCKETS: usize = 4096;
/// Groups: one per strategy and kind.
const GROUPS: usize = Strategy::ALL.len() * KINDS.len();
const KINDS: [Kind; 4] = Kind::ALL;

/// What the rounding needs to know of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub strategy: Strategy,
    pub kind: Kind,
    /// Purchases are cash, outside the summary's columns: never rounded here (zero).
    pub purchase: bool,
    /// The item's EffectiveCost at full precision.
    pub effective: Decimal,
}

impl Share {
    /// The item's group, if it counts toward a summary column.
    fn group(&self) -> Option<usize> {
        match self.purchase {
            true => None,
            false => group_of(self.strategy, self.kind),
        }
    }

    /// The item in cents, split into its floor and its remainder.
    fn split(&self) -> (Decimal, Decimal) {
        let cents = self.effective * Decimal::ONE_HUNDRED;
        let floor = cents.floor();
        (floor, cents - floor)
    }
}

/// The group of a strategy's items of a kind.
fn group_of(strategy: Strategy, kind: Kind) -> Option<usize> {
    let strategy = Strategy::ALL.iter().position(|s| *s == strategy)?;
    let kind = KINDS.iter().position(|k| *k == kind)?;
    Some(strategy * KINDS.len() + kind)
}

/// The range of a remainder: ranges of larger remainders have larger numbers.
fn bucket(remainder: Decimal) -> usize {
    let scaled = (remainder * Decimal::from(BUCKETS)).floor();
    scaled.to_usize().unwrap_or(0).min(BUCKETS - 1)
}

/// One group's first pass.
#[derive(Debug, Clone, Default)]
struct Tally {
    /// The summary column in cents; `None` for a group no ledger prints (its items are 0).
    target: Option<Decimal>,
    floors: Decimal,
    count: u64,
    /// Remainders per range, allocated at the group's first item.
    histogram: Vec<u64>,
}

/// The first pass: floors and remainder ranges per group, from the items in any order.
#[derive(Debug, Clone)]
pub struct Tallies {
    groups: Vec<Tally>,
}

impl Default for Tallies {
    fn default() -> Self {
        Tallies {
            groups: vec![Tally::default(); GROUPS],
        }
    }
}

impl Tallies {
    /// Floors and ranges of the items of every strategy and kind, summed from nothing.
    pub fn new() -> Tallies {
        Tallies::default()
    }

    pub fn add(&mut self, share: &Share) {
        let Some(tally) = share.group().map(|g| &mut self.groups[g]) else {
            return;
        };
        let (floor, remainder) = share.split();
        tally.floors += floor;
        tally.count += 1;
        if tally.histogram.is_empty() {
            tally.histogram = vec![0; BUCKETS];
        }
        tally.histogram[bucket(remainder)] += 1;
    }

    /// How many cents each group is missing from the ledgers' columns (rounded to cents as
    /// the summary prints them), and the range holding its last remainder to get one.
    pub fn boundaries(mut self, ledgers: &[(Strategy, Ledger)]) -> Boundaries {
        for (strategy, ledger) in ledgers {
            let columns = ledger.overall.columns().map(Usd::round_cents);
            for (kind, column) in KINDS.into_iter().zip(columns) {
                if let Some(group) = group_of(*strategy, kind) {
                    self.groups[group].target = Some(column.amount() * Decimal::ONE_HUNDRED);
                }
            }
        }
        let groups = self.groups.into_iter().map(Boundary::of).collect();
        Boundaries { groups }
    }
}

/// Which of a group's items get the missing cents, as far as the first pass can tell.
#[derive(Debug, Clone)]
enum Boundary {
    /// Not printed by any ledger: every item is 0.
    Unprinted,
    /// Nobody gets a cent.
    Nobody,
    /// Every item in ranges above `bucket` gets one, and `take` of the items in `bucket`,
    /// the largest remainders first.
    InBucket {
        bucket: usize,
        take: u64,
        /// The distinct remainders of `bucket` and their counts (the second pass).
        values: BTreeMap<Decimal, u64>,
    },
}

impl Boundary {
    fn of(tally: Tally) -> Boundary {
        let Some(target) = tally.target else {
            return Boundary::Unprinted;
        };
        let missing = (target - tally.floors)
            .round()
            .max(Decimal::ZERO)
            .min(Decimal::from(tally.count));
        let mut missing = missing.to_u64().unwrap_or(0);
        if missing == 0 {
            return Boundary::Nobody;
        }
        for (bucket, &count) in tally.histogram.iter().enumerate().rev() {
            if missing <= count {
                return Boundary::InBucket {
                    bucket,
                    take: missing,
                    values: BTreeMap::new(),
                };
            }
            missing -= count;
        }
        Boundary::Nobody
    }

    /// Whether the second pass must look at this group's remainders.
    fn needs_values(&self) -> bool {
        matches!(self, Boundary::InBucket { .. })
    }
}

/// The second pass: the distinct remainders in each group's boundary range.
#[derive(Debug, Clone)]
pub struct Boundaries {
    groups: Vec<Boundary>,
}

impl Boundaries {
    /// Whether [`Boundaries::add`] needs to see the items at all.
    pub fn needs_pass(&self) -> bool {
        self.groups.iter().any(Boundary::needs_values)
    }

    pub fn add(&mut self, share: &Share) {
        let Some(group) = share.group() else {
            return;
        };
        if let Boundary::InBucket { bucket, values, .. } = &mut self.groups[group] {
            let (_, remainder) = share.split();
            if self::bucket(remainder) == *bucket {
                *values.entry(remainder).or_default() += 1;
            }
        }
    }

    /// The exact cut of each group.
    pub fn cuts(self) -> Cuts {
        let groups = self.groups.into_iter().map(Cut::of).collect();
        Cuts { groups }
    }
}

/// Which of a group's items get a cent, exactly.
#[derive(Debug, Clone, Copy)]
enum Cut {
    Unprinted,
    Nobody,
    /// Every remainder above `value` gets a cent, and the first `ties` items (in file order)
    /// whose remainder is `value`.
    Above {
        value: Decimal,
        ties: u64,
    },
}

impl Cut {
    fn of(boundary: Boundary) -> Cut {
        let (mut take, values) = match boundary {
            Boundary::Unprinted => return Cut::Unprinted,
            Boundary::Nobody => return Cut::Nobody,
            Boundary::InBucket { take, values, .. } => (take, values),
        };
        for (value, count) in values.into_iter().rev() {
            if take <= count {
                return Cut::Above { value, ties: take };
            }
            take -= count;
        }
        Cut::Nobody
    }
}

/// The third pass: each item rounded, in file order.
#[derive(Debug, Clone)]
pub struct Cuts {
    groups: Vec<Cut>,
}

impl Cuts {
    /// The item's EffectiveCost in cents; items must come in the order they are written.
    pub fn round(&mut self, share: &Share) -> Decimal {
        let Some(cut) = share.group().map(|g| &mut self.groups[g]) else {
            return Decimal::ZERO;
        };
        let (floor, remainder) = share.split();
        let hundred = Decimal::ONE_HUNDRED;
        let gets = match cut {
            Cut::Unprinted => return Decimal::ZERO,
            Cut::Nobody => false,
            Cut::Above { value, ties } => {
                let tied = remainder == *value && *ties > 0;
                if tied {
                    *ties -= 1;
                }
                remainder > *value || tied
            }
        };
        let mut rounded = floor / hundred;
        if gets {
            rounded += Decimal::new(1, 2);
        }
        rounded
    }
}

/// Rounds `shares` (in file order) in the three passes.
pub fn round_all(shares: &[Share], ledgers: &[(Strategy, Ledger)]) -> Vec<Decimal> {
    let mut tallies = Tallies::new();
    shares.iter().for_each(|s| tallies.add(s));
    let mut boundaries = tallies.boundaries(ledgers);
    if boundaries.needs_pass() {
        shares.iter().for_each(|s| boundaries.add(s));
    }
    let mut cuts = boundaries.cuts();
    shares.iter().map(|s| cuts.round(s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::Totals;
    use crate::strategy::Strategy;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn usage(strategy: Strategy, kind: Kind, dollars: &str) -> Share {
        Share {
            strategy,
            kind,
            purchase: false,
            effective: d(dollars),
        }
    }

    fn ledger(compute: &str, storage: &str) -> Ledger {
        Ledger {
            overall: Totals {
                compute: Usd::new(d(compute)),
                storage: Usd::new(d(storage)),
                ..Totals::default()
            },
            ..Ledger::default()
        }
    }

    fn compute(dollars: &[&str]) -> Vec<Share> {
        let on_demand = |d| usage(Strategy::OnDemand, Kind::Compute, d);
        dollars.iter().map(|d| on_demand(d)).collect()
    }

    #[test]
    fn a_tie_gives_the_cent_to_the_earlier_row() {
        // 33.3 cents three times: floors 99, the summary's $1.00 misses one cent, and the
        // three remainders (0.3) tie.
        let shares = compute(&["0.333", "0.333", "0.333"]);
        let rounded = round_all(&shares, &[(Strategy::OnDemand, ledger("1.00", "0"))]);
        assert_eq!(rounded, [d("0.34"), d("0.33"), d("0.33")]);
    }

    #[test]
    fn the_largest_remainders_get_the_missing_cents() {
        // 10.5 + 20.7 + 30.9 = 62.1 cents, printed $0.62; floors 60: two cents go to the
        // remainders 0.9 and 0.7.
        let shares = compute(&["0.105", "0.207", "0.309"]);
        let rounded = round_all(&shares, &[(Strategy::OnDemand, ledger("0.621", "0"))]);
        assert_eq!(rounded, [d("0.10"), d("0.21"), d("0.31")]);
    }

    #[test]
    fn remainders_in_one_range_are_told_apart_by_the_second_pass() {
        // Remainders 0.50001, 0.50002, 0.50003 of a cent all fall in range 2048 of 4096; the
        // summary prints 4.50006 cents as $0.05, floors are 3 cents, and the two largest
        // remainders (the third and second rows) get the missing two.
        let shares = compute(&["0.0150001", "0.0150002", "0.0150003"]);
        let ledgers = [(Strategy::OnDemand, ledger("0.0450006", "0"))];
        let mut tallies = Tallies::new();
        shares.iter().for_each(|s| tallies.add(s));
        assert!(tallies.clone().boundaries(&ledgers).needs_pass());
        assert_eq!(
            round_all(&shares, &ledgers),
            [d("0.01"), d("0.02"), d("0.02")]
        );
    }

    #[test]
    fn purchases_and_strategies_no_ledger_prints_are_zero() {
        let mut purchase = usage(Strategy::OnDemand, Kind::Compute, "5.555");
        purchase.purchase = true;
        let shares = [
            purchase,
            usage(Strategy::Spot, Kind::Compute, "1.239"),
            usage(Strategy::OnDemand, Kind::Storage, "0.126"),
        ];
        let rounded = round_all(&shares, &[(Strategy::OnDemand, ledger("0", "0.13"))]);
        assert_eq!(rounded, [d("0"), d("0"), d("0.13")]);
    }

    #[test]
    fn nothing_missing_and_everything_missing() {
        let shares = compute(&["0.011", "0.012"]);
        // 2.3 cents print as $0.02: floors already make it.
        let none = round_all(&shares, &[(Strategy::OnDemand, ledger("0.023", "0"))]);
        assert_eq!(none, [d("0.01"), d("0.01")]);
        // A summary of $0.04 (more than the items: the ledger and the items disagree) gives
        // every item a cent, and no more.
        let all = round_all(&shares, &[(Strategy::OnDemand, ledger("0.04", "0"))]);
        assert_eq!(all, [d("0.02"), d("0.02")]);
    }

    /// Hamilton's method with every item in memory: the rounding as it was before the passes.
    fn reference(shares: &[Share], target_cents: Decimal) -> Vec<Decimal> {
        let hundred = Decimal::ONE_HUNDRED;
        let mut rounded: Vec<Decimal> = Vec::new();
        let mut remainders = Vec::new();
        let mut floors = Decimal::ZERO;
        for (index, share) in shares.iter().enumerate() {
            let cents = share.effective * hundred;
            rounded.push(cents.floor() / hundred);
            floors += cents.floor();
            remainders.push((cents - cents.floor(), index));
        }
        let missing = (target_cents - floors).round();
        let missing = missing.max(Decimal::ZERO).min(Decimal::from(shares.len()));
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, index) in remainders.into_iter().take(missing.to_usize().unwrap_or(0)) {
            rounded[index] += Decimal::new(1, 2);
        }
        rounded
    }

    proptest! {
        /// Any items, many tied (a few distinct amounts, or amounts a hair apart): the passes
        /// round as sorting every remainder does, and the cents add up to the summary's.
        #[test]
        fn the_passes_round_as_one_sort_of_every_remainder(
            units in prop::collection::vec(0u64..2_000_000, 1..60),
            scale in prop::sample::select(vec![4u32, 6, 9, 12]),
            modulus in prop::sample::select(vec![3u64, 7, 1_000_000_007]),
        ) {
            let shares: Vec<Share> = units
                .iter()
                .map(|u| Share {
                    strategy: Strategy::Spot,
                    kind: Kind::Storage,
                    purchase: false,
                    effective: Decimal::new((u % modulus) as i64 * 7919, scale),
                })
                .collect();
            let total: Decimal = shares.iter().map(|s| s.effective).sum();
            let totals = Totals { storage: Usd::new(total), ..Totals::default() };
            let ledgers = [(Strategy::Spot, Ledger { overall: totals, ..Ledger::default() })];
            let rounded = round_all(&shares, &ledgers);
            let target = Usd::new(total).round_cents().amount();
            prop_assert_eq!(&rounded, &reference(&shares, target * Decimal::ONE_HUNDRED));
            prop_assert_eq!(rounded.iter().copied().sum::<Decimal>(), target);
        }
    }
}
