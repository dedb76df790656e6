//! `line_items.csv`: FinOps FOCUS 1.0 line items, one row per resource, charge and period.
//!
//! Columns, types and allowed values follow FOCUS 1.0 (docs/billing-rules.md §9), checked in CI
//! by the FinOps Foundation's `focus-validator`. Costs are exact, as in AWS's Cost and Usage
//! Report: each item carries the exact amount of its charge period (the periods of one
//! charge add up to exactly the charge), so a strategy's EffectiveCost adds up to the exact
//! total its summary row rounds. The rows' text is `focus_rows`; `--out` writes them through
//! `finance`, which holds no more than a run of items at once.

pub use super::focus_rows::{cents, focus_csv, write_focus_csv};
use super::rounding::{apportion, PrintedRow};
use super::spending::MonthlyTotals;
use crate::billing::{Charge, ChargeKind, Ledger};
use crate::clock::{Period, Timestamp, SECONDS_PER_HOUR};
use crate::money::{MoneyError, Usd};
use crate::pricing::{Catalog, OfferTerms};
use crate::scenario::Market;
use crate::simulation::Outcome;
use crate::spreadsheet::text_cell;
use crate::strategy::allocation::Allocation;
use crate::strategy::{Portfolio, Strategy};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The summary column a line item counts toward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Compute,
    Storage,
    PublicIpv4,
    Commitment,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Compute,
        Kind::Storage,
        Kind::PublicIpv4,
        Kind::Commitment,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Compute => "compute",
            Kind::Storage => "storage",
            Kind::PublicIpv4 => "public_ipv4",
            Kind::Commitment => "commitment",
        }
    }
}

/// A resource a line item is about. (Text shared by every piece of one charge: a month of
/// storage is thirty daily items, and each held its own copies.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub kind: &'static str,
}

/// A commitment discount (the reservations of one pool).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub id: String,
    pub name: String,
    pub status: Option<&'static str>,
}

/// One line item at full precision, before rounding.
///
/// What it says alike with the other periods of its charge is in [`Labels`], shared: an
/// item is held in memory until every item is sorted and reconciled (millions for a year
/// of a fleet), and its own copies of those columns made it 360 bytes instead of 144.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    pub strategy: Strategy,
    pub kind: Kind,
    pub purchase: bool,
    /// Boxed: most items have none.
    pub commitment: Option<Box<Commitment>>,
    pub start: Timestamp,
    pub end: Timestamp,
    pub labels: Arc<Labels>,
    pub pricing_quantity: Decimal,
    pub consumed_quantity: Option<Decimal>,
    pub list_unit_price: Option<Decimal>,
    pub list_cost: Decimal,
    /// Cash; `None` means "the same as effective" (ordinary usage).
    pub billed: Option<Decimal>,
    pub effective: Decimal,
}

impl LineItem {
    /// What the totals and the sort's run files need of the item's figures.
    pub fn share(&self) -> Share {
        Share {
            strategy: self.strategy,
            kind: self.kind,
            purchase: self.purchase,
            effective: self.effective,
        }
    }
}

/// What the totals read of an item: its strategy, kind, whether it is a purchase (cash,
/// outside the summary's columns), and its exact EffectiveCost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub strategy: Strategy,
    pub kind: Kind,
    pub purchase: bool,
    pub effective: Decimal,
}

/// The columns every period of one charge (or one reservation fee) says alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub frequency: &'static str,
    pub pricing_category: &'static str,
    pub resource: Option<Resource>,
    pub region: Arc<str>,
    pub service: (&'static str, &'static str),
    pub sku: Arc<str>,
    pub description: Arc<str>,
    pub pricing_unit: &'static str,
    pub state: Option<&'static str>,
    pub group: Arc<str>,
    pub instance_type: Option<Arc<str>>,
}

impl Labels {
    /// A reserved-strategy item's: about an instance type's usage or reservations, not one
    /// resource; EC2 compute, standard usage by the hour unless the caller says otherwise.
    fn reserved(
        (region, instance_type): (&Arc<str>, &Arc<str>),
        group: Arc<str>,
        sku: String,
        description: String,
    ) -> Labels {
        Labels {
            frequency: "Usage-Based",
            pricing_category: "Standard",
            resource: None,
            region: Arc::clone(region),
            service: ("Amazon Elastic Compute Cloud", "Compute"),
            sku: sku.into(),
            description: description.into(),
            pricing_unit: "Hours",
            state: None,
            group,
            instance_type: Some(Arc::clone(instance_type)),
        }
    }
}

/// What the reserved strategy's line items are made of besides its charges.
#[derive(Debug, Clone)]
pub struct Reservations<'a> {
    /// How the reservations covered each hour's usage.
    pub allocation: &'a Allocation,
    pub terms: OfferTerms,
    /// What each reservation type cost upfront.
    pub purchases: Vec<Purchase>,
}

impl<'a> Reservations<'a> {
    /// A portfolio's reservations as allocated, with their purchases at the catalog's prices.
    pub fn new(allocation: &'a Allocation, portfolio: &Portfolio, catalog: &Catalog) -> Self {
        Reservations {
            allocation,
            terms: portfolio.terms,
            purchases: purchases(portfolio, catalog),
        }
    }
}

/// Builds every line item of an outcome (its charges must have been kept), sorted once
/// (the purchases too: sorting a year of items again to add them took as long as the
/// first sort).
pub fn line_items(
    outcome: &Outcome,
    period: Period,
    reservations: Option<&Reservations>,
) -> Result<Vec<LineItem>, MoneyError> {
    let mut items = Vec::new();
    each_line_item(outcome, period, reservations, &mut |item| {
        items.push(item);
        Ok::<(), MoneyError>(())
    })?;
    sort(&mut items);
    Ok(items)
}

/// Hands every line item of an outcome to `sink`, unsorted: strategy by strategy, each
/// charge's pieces in the order the charges were kept, then the reservations' items and
/// purchases. (The order breaks ties in the sort: see [`sorted_order`].)
fn each_line_item<E: From<MoneyError>>(
    outcome: &Outcome,
    period: Period,
    reservations: Option<&Reservations>,
    sink: &mut impl FnMut(LineItem) -> Result<(), E>,
) -> Result<(), E> {
    for (strategy, _) in &outcome.ledgers {
        for (booked, charge) in &outcome.charges {
            if items_for(*strategy, *booked, charge) {
                charge_line_items(*strategy, charge, period, sink)?;
            }
        }
    }
    let reserved = outcome
        .ledgers
        .iter()
        .any(|(s, _)| *s == Strategy::Reserved);
    match reservations {
        Some(r) if reserved => reservation_line_items(r, period, outcome.start, sink),
        _ => Ok(()),
    }
}

/// Strategy, then time, then kind and resource: the order a reader scans a bill in.
///
/// Sorted by compact keys, then moved into place once: a sort of the items themselves
/// moved each 360-byte item some twenty times (a year of a fleet is millions of items), and
/// compared strings behind pointers at every step. The resource and description are
/// ranked once per distinct text (the pieces of one charge share theirs), so the keys
/// compare as the strings do; ties keep their order.
fn sort(items: &mut [LineItem]) {
    permute(items, sorted_order(items));
}

/// The positions of `items` in file order: `order[k]` is the item that goes `k`th. Ties
/// (no two items of one resource and description start together in practice) keep the
/// order the items are in.
pub fn sorted_order(items: &[LineItem]) -> Vec<usize> {
    let mut keys = Vec::with_capacity(items.len());
    let mut ranks = TextRanks::of(items);
    for (index, i) in items.iter().enumerate() {
        let (resource, description) = ranks.of_item(i);
        keys.push((
            i.strategy,
            i.start,
            i.kind,
            i.purchase,
            resource,
            description,
            index,
        ));
    }
    drop(ranks);
    keys.sort_unstable();
    keys.into_iter().map(|key| key.6).collect()
}

/// An item's resource id ("" without one) and description, the texts it is sorted by.
pub fn sort_texts(item: &LineItem) -> [&str; 2] {
    let resource = item.labels.resource.as_ref().map_or("", |r| &*r.id);
    [resource, &*item.labels.description]
}

/// Every resource id and description of a set of items, numbered in string order.
struct TextRanks<'a> {
    ranks: hashbrown::HashMap<&'a str, u32>,
    /// The texts last looked up and their ranks: the pieces of one charge, which come
    /// together, share their texts, so most items need no hashing.
    last: [Option<(&'a str, u32)>; 2],
}

impl<'a> TextRanks<'a> {
    fn of(items: &'a [LineItem]) -> TextRanks<'a> {
        let mut texts: Vec<&str> = Vec::new();
        let mut previous: [Option<&str>; 2] = [None, None];
        for item in items {
            for (text, last) in sort_texts(item).into_iter().zip(&mut previous) {
                if !last.is_some_and(|last| std::ptr::eq(last, text)) {
                    texts.push(text);
                    *last = Some(text);
                }
            }
        }
        texts.sort_unstable();
        texts.dedup();
        let ranks = texts.into_iter().zip(0u32..).collect();
        TextRanks {
            ranks,
            last: [None, None],
        }
    }

    fn of_item(&mut self, item: &'a LineItem) -> (u32, u32) {
        let [resource, description] = sort_texts(item);
        (self.rank(0, resource), self.rank(1, description))
    }

    fn rank(&mut self, which: usize, text: &'a str) -> u32 {
        match self.last[which] {
            Some((last, rank)) if std::ptr::eq(last, text) => rank,
            _ => {
                let rank = self.ranks.get(text).copied().unwrap_or_default();
                self.last[which] = Some((text, rank));
                rank
            }
        }
    }
}

/// Puts `items[order[k]]` at position `k`, moving each item along its cycle.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// The items of one charge of `strategy` (the reserved strategy's are On-Demand's storage and
/// IPv4 charges, whose compute its reservations replace: see [`items_for`]), period by period.
pub fn charge_line_items<E: From<MoneyError>>(
    strategy: Strategy,
    charge: &Charge,
    period: Period,
    sink: &mut impl FnMut(LineItem) -> Result<(), E>,
) -> Result<(), E> {
    let cost = charge.cost()?;
    let labels = labels(charge);
    let pieces = pieces(charge, period);
    let weight: u64 = pieces.iter().map(|p| p.2).sum();
    // Each piece costs the charge's cost up to its end less the cost up to its start, so the
    // pieces add up to exactly the charge (a piece's own proration could be off in the 28th
    // digit) and whole hours at a terminating rate come out exact.
    let (mut before, mut done) = (Decimal::ZERO, 0u64);
    for (start, end, seconds) in pieces {
        done = done.saturating_add(seconds);
        let upto = match weight {
            0 => cost.amount(),
            _ => crate::money::prorate(cost.amount(), u128::from(done), weight)
                .ok_or_else(MoneyError::overflow_of_sum)?
                .amount(),
        };
        let piece_cost = upto - before;
        before = upto;
        sink(charge_item(
            strategy,
            (charge, &labels),
            (start, end),
            seconds,
            piece_cost,
        ))?;
    }
    Ok(())
}

/// Whether a charge booked for `booked` makes items of `strategy`: its own, and On-Demand's
/// storage and IPv4 make the reserved strategy's too (it runs the same instances; its compute
/// comes from the reservations' allocation instead).
pub fn items_for(strategy: Strategy, booked: Strategy, charge: &Charge) -> bool {
    match strategy {
        Strategy::Reserved => booked == Strategy::OnDemand && charge.kind != ChargeKind::Compute,
        _ => booked == strategy,
    }
}

/// The reserved strategy's items beyond its charges: its compute as the reservations covered
/// it, its fees, and the purchases.
pub fn reservation_line_items<E: From<MoneyError>>(
    reservations: &Reservations,
    period: Period,
    start: Timestamp,
    sink: &mut impl FnMut(LineItem) -> Result<(), E>,
) -> Result<(), E> {
    let mut items = Vec::new();
    reserved_items(
        &mut items,
        reservations.allocation,
        reservations.terms,
        period,
    )?;
    upfront_items(
        &mut items,
        &reservations.purchases,
        reservations.terms,
        start,
    );
    items.into_iter().try_for_each(sink)
}

/// A charge cut at period boundaries: (start, end, seconds the piece carries). A compute
/// run's minimum or started-hour rounding is billed in its last piece.
fn pieces(charge: &Charge, period: Period) -> Vec<(Timestamp, Timestamp, u64)> {
    let length = charge.end.since(charge.start).0;
    let mut out: Vec<(Timestamp, Timestamp, u64)> = period
        .split(charge.start, charge.end)
        .into_iter()
        .map(|(a, b)| (a, b, b.since(a).0))
        .collect();
    if out.is_empty() {
        out.push((charge.start, charge.end, 0));
    }
    if charge.kind == ChargeKind::Compute {
        let extra = charge.quantity.saturating_sub(length);
        if let Some(last) = out.last_mut() {
            last.2 = last.2.saturating_add(extra);
        }
    }
    out
}

/// What every piece of one charge says alike.
fn labels(charge: &Charge) -> Arc<Labels> {
    let spec = &charge.spec;
    let (resource, sku) = match charge.kind {
        ChargeKind::Compute => (
            Resource {
                id: Arc::clone(&spec.name),
                name: Arc::clone(&spec.name),
                kind: "Instance",
            },
            format!(
                "AmazonEC2/{}/BoxUsage:{}/{}",
                spec.region, spec.instance_type, spec.os
            ),
        ),
        ChargeKind::Storage => (
            Resource {
                id: format!("{}/volume", spec.name).into(),
                name: format!("{} {} GB {}", spec.name, spec.ebs_gb, spec.ebs_type).into(),
                kind: "Volume",
            },
            format!(
                "AmazonEC2/{}/EBS:VolumeUsage.{}",
                spec.region, spec.ebs_type
            ),
        ),
        ChargeKind::PublicIpv4 => (
            Resource {
                id: format!("{}/public-ipv4", spec.name).into(),
                name: format!("{} public IPv4 ({:?})", spec.name, spec.public_ip)
                    .to_lowercase()
                    .into(),
                kind: "IP Address",
            },
            format!("AmazonVPC/{}/PublicIPv4", spec.region),
        ),
    };
    let (kind, unit) = kind_and_unit(charge.kind);
    let service = match charge.kind {
        ChargeKind::Compute => ("Amazon Elastic Compute Cloud", "Compute"),
        ChargeKind::Storage => ("Amazon Elastic Block Store", "Storage"),
        ChargeKind::PublicIpv4 => ("Amazon Virtual Private Cloud", "Networking"),
    };
    Arc::new(Labels {
        frequency: "Usage-Based",
        pricing_category: match charge.market {
            Market::Spot => "Dynamic",
            Market::OnDemand => "Standard",
        },
        resource: Some(resource),
        region: Arc::clone(&spec.region),
        service,
        sku: sku.into(),
        description: match &charge.regional_average {
            // Spot usage no imported history covered: say what priced it.
            Some(average) => format!(
                "{} {} for {} at {average}",
                kind.name().replace('_', " "),
                unit.to_lowercase(),
                spec.name
            ),
            None => format!(
                "{} {} for {}",
                kind.name().replace('_', " "),
                unit.to_lowercase(),
                spec.name
            ),
        }
        .into(),
        pricing_unit: unit,
        state: charge.state.map(|s| s.name()),
        group: Arc::clone(&spec.group),
        instance_type: Some(Arc::clone(&spec.instance_type)),
    })
}

/// The summary column and pricing unit of a charge kind.
fn kind_and_unit(kind: ChargeKind) -> (Kind, &'static str) {
    match kind {
        ChargeKind::Compute => (Kind::Compute, "Hours"),
        ChargeKind::Storage => (Kind::Storage, "GB-Months"),
        ChargeKind::PublicIpv4 => (Kind::PublicIpv4, "Hours"),
    }
}

/// One piece of a charge as a line item: `seconds` it carries (billed seconds for compute,
/// its own seconds otherwise) and its exact `cost`.
fn charge_item(
    strategy: Strategy,
    (charge, labels): (&Charge, &Arc<Labels>),
    (start, end): (Timestamp, Timestamp),
    seconds: u64,
    cost: Decimal,
) -> LineItem {
    let hour = Decimal::from(SECONDS_PER_HOUR);
    let (kind, _) = kind_and_unit(charge.kind);
    let quantity = match charge.kind {
        ChargeKind::Compute | ChargeKind::PublicIpv4 => Decimal::from(seconds) / hour,
        // GB-months: the piece's cost at the unit price.
        ChargeKind::Storage if charge.unit_price.is_zero() => Decimal::ZERO,
        ChargeKind::Storage => cost / charge.unit_price,
    };
    LineItem {
        strategy,
        kind,
        purchase: false,
        commitment: None,
        start,
        end,
        labels: Arc::clone(labels),
        pricing_quantity: quantity,
        consumed_quantity: Some(match charge.kind {
            ChargeKind::Compute => Decimal::from(end.since(start).0) / hour,
            _ => quantity,
        }),
        list_unit_price: Some(charge.unit_price),
        list_cost: cost,
        billed: None,
        effective: cost,
    }
}

/// The reserved strategy's compute: uncovered usage at On-Demand rates, covered usage
/// carrying its share of the fees, unused fees, and the purchases (cash).
fn reserved_items(
    items: &mut Vec<LineItem>,
    allocation: &Allocation,
    terms: OfferTerms,
    period: Period,
) -> Result<(), MoneyError> {
    type Key = (Timestamp, Arc<str>, Arc<str>, Arc<str>, Arc<str>);
    let mut usage: BTreeMap<Key, [Decimal; 5]> = BTreeMap::new();
    for u in &allocation.usage {
        let key = (
            period.start_of(u.hour),
            Arc::clone(&u.region),
            Arc::clone(&u.os),
            Arc::clone(&u.instance_type),
            Arc::clone(&u.group),
        );
        let slot = usage.entry(key).or_default();
        let values = [
            Decimal::from(u.seconds),
            u.covered_seconds,
            u.value,
            u.covered_value,
            u.fee_share,
        ];
        add_into(slot, values)?;
    }
    for (
        (start, region, os, instance_type, group),
        [seconds, covered, value, covered_value, fee],
    ) in usage
    {
        let end = period.next_after(start);
        let hour = Decimal::from(SECONDS_PER_HOUR);
        let overflow = MoneyError::overflow_of_sum;
        let rate = if seconds.is_zero() {
            Decimal::ZERO
        } else {
            value
                .checked_mul(hour)
                .and_then(|x| x.checked_div(seconds))
                .ok_or_else(overflow)?
        };
        let uncovered_hours = seconds
            .checked_sub(covered)
            .and_then(|x| x.checked_div(hour))
            .ok_or_else(overflow)?;
        let uncovered_value = value.checked_sub(covered_value).ok_or_else(overflow)?;
        let covered_hours = covered.checked_div(hour).ok_or_else(overflow)?;
        let sku = format!("AmazonEC2/{region}/BoxUsage:{instance_type}/{os}");
        let labels = Labels {
            state: Some("running"),
            ..Labels::reserved(
                (&region, &instance_type),
                Arc::clone(&group),
                sku,
                format!("{instance_type} usage of group {group} not covered by reservations"),
            )
        };
        let base = LineItem {
            strategy: Strategy::Reserved,
            kind: Kind::Compute,
            purchase: false,
            commitment: None,
            start,
            end,
            labels: Arc::new(labels.clone()),
            pricing_quantity: uncovered_hours,
            consumed_quantity: Some(uncovered_hours),
            list_unit_price: Some(rate),
            list_cost: uncovered_value,
            billed: None,
            effective: uncovered_value,
        };
        if seconds > covered {
            items.push(base.clone());
        }
        if covered > Decimal::ZERO {
            items.push(LineItem {
                kind: Kind::Commitment,
                commitment: Some(Box::new(pool_commitment(
                    &region,
                    &os,
                    &instance_type,
                    terms,
                    Some("Used"),
                ))),
                labels: Arc::new(Labels {
                    pricing_category: "Committed",
                    description: format!(
                        "{instance_type} usage of group {group} covered by reservations"
                    )
                    .into(),
                    ..labels
                }),
                pricing_quantity: covered_hours,
                consumed_quantity: Some(covered_hours),
                list_cost: covered_value,
                billed: Some(Decimal::ZERO),
                effective: fee,
                ..base
            });
        }
    }
    fee_items(items, allocation, terms, period)
}

/// Unused capacity, recurring fees and upfront purchases, per reservation type and period.
fn fee_items(
    items: &mut Vec<LineItem>,
    allocation: &Allocation,
    terms: OfferTerms,
    period: Period,
) -> Result<(), MoneyError> {
    type Key = (Timestamp, Arc<str>, Arc<str>, Arc<str>, u64);
    let mut fees: BTreeMap<Key, [Decimal; 4]> = BTreeMap::new();
    for fee in &allocation.fees {
        let r = &fee.reservation;
        let key = (
            period.start_of(fee.hour),
            Arc::clone(&r.region),
            Arc::clone(&r.os),
            Arc::clone(&r.instance_type),
            r.count,
        );
        let slot = fees.entry(key).or_default();
        add_into(
            slot,
            [fee.unused, fee.recurring, Decimal::ONE, fee.amortized],
        )?;
    }
    for ((start, region, os, instance_type, count), [unused, recurring, hours, _]) in fees {
        let end = period.next_after(start);
        let commitment = pool_commitment(&region, &os, &instance_type, terms, None);
        let sku = format!("AmazonEC2/{region}/HeavyUsage:{instance_type}/{os}/{terms}");
        let labels = Labels {
            pricing_category: "Committed",
            ..Labels::reserved(
                (&region, &instance_type),
                Arc::from(crate::strategy::RESERVATIONS_GROUP),
                sku,
                format!("unused capacity of {count} × {instance_type} reservations"),
            )
        };
        let base = LineItem {
            strategy: Strategy::Reserved,
            kind: Kind::Commitment,
            purchase: false,
            commitment: Some(Box::new(Commitment {
                status: Some("Unused"),
                ..commitment.clone()
            })),
            start,
            end,
            labels: Arc::new(labels.clone()),
            pricing_quantity: hours
                .checked_mul(Decimal::from(count))
                .ok_or_else(MoneyError::overflow_of_sum)?,
            consumed_quantity: None,
            list_unit_price: None,
            list_cost: Decimal::ZERO,
            billed: Some(Decimal::ZERO),
            effective: unused,
        };
        if unused > Decimal::ZERO {
            items.push(base.clone());
        }
        if recurring > Decimal::ZERO {
            items.push(LineItem {
                purchase: true,
                commitment: Some(Box::new(commitment)),
                labels: Arc::new(Labels {
                    frequency: "Recurring",
                    pricing_category: "Standard",
                    description: format!(
                        "recurring fee of {count} × {instance_type} reservations ({terms})"
                    )
                    .into(),
                    ..labels
                }),
                list_cost: recurring,
                billed: Some(recurring),
                effective: Decimal::ZERO,
                ..base
            });
        }
    }
    Ok(())
}

/// Adds `values` to `sums`, column by column, refusing a sum past the decimal range.
fn add_into<const N: usize>(
    sums: &mut [Decimal; N],
    values: [Decimal; N],
) -> Result<(), MoneyError> {
    for (sum, value) in sums.iter_mut().zip(values) {
        *sum = sum
            .checked_add(value)
            .ok_or_else(MoneyError::overflow_of_sum)?;
    }
    Ok(())
}

/// The commitment discount a pool's reservations form.
fn pool_commitment(
    region: &str,
    os: &str,
    instance_type: &str,
    terms: OfferTerms,
    status: Option<&'static str>,
) -> Commitment {
    let family = crate::pricing::sizes::split_type(instance_type).map_or(instance_type, |(f, _)| f);
    Commitment {
        id: format!(
            "reserved-instances/{region}/{os}/{family}/{}-{}-{}",
            terms.term, terms.offering, terms.payment
        ),
        name: format!("{family} Reserved Instances, {region}, {os} ({terms})"),
        status,
    }
}

/// What buying one reservation type cost upfront.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    pub region: Arc<str>,
    pub os: Arc<str>,
    pub instance_type: Arc<str>,
    pub count: u64,
    /// The upfront fee of all `count` reservations.
    pub upfront: Usd,
}

/// What each reservation type of a portfolio cost upfront, at the catalog's prices. A type
/// with no price (which pricing the portfolio has already refused) is left out.
fn purchases(portfolio: &Portfolio, catalog: &Catalog) -> Vec<Purchase> {
    portfolio
        .reservations
        .iter()
        .filter_map(|r| {
            let price = catalog.reserved(&r.region, &r.instance_type, &r.os, portfolio.terms)?;
            let total = price.upfront.amount().checked_mul(Decimal::from(r.count))?;
            Some(Purchase {
                region: Arc::clone(&r.region),
                os: Arc::clone(&r.os),
                instance_type: Arc::clone(&r.instance_type),
                count: r.count,
                upfront: Usd::new(total),
            })
        })
        .collect()
}

/// Upfront purchases: cash at the start of the replay, effective cost 0 (amortized onto
/// the hours the allocation already carries).
fn upfront_items(
    items: &mut Vec<LineItem>,
    purchases: &[Purchase],
    terms: OfferTerms,
    at: Timestamp,
) {
    for Purchase {
        region,
        os,
        instance_type,
        count,
        upfront,
    } in purchases
    {
        if upfront.amount().is_zero() {
            continue;
        }
        let commitment = pool_commitment(region, os, instance_type, terms, None);
        let labels = Labels {
            frequency: "One-Time",
            pricing_unit: "Reservations",
            ..Labels::reserved(
                (region, instance_type),
                Arc::from(crate::strategy::RESERVATIONS_GROUP),
                format!("AmazonEC2/{region}/HeavyUsage:{instance_type}/{os}/{terms}"),
                format!("upfront fee of {count} × {instance_type} reservations ({terms})"),
            )
        };
        items.push(LineItem {
            strategy: Strategy::Reserved,
            kind: Kind::Commitment,
            purchase: true,
            commitment: Some(Box::new(commitment)),
            start: at.hour_start(),
            end: Timestamp::from_unix(at.hour_start().unix() + SECONDS_PER_HOUR),
            labels: Arc::new(labels),
            pricing_quantity: Decimal::from(*count),
            consumed_quantity: None,
            list_unit_price: None,
            list_cost: upfront.amount(),
            billed: Some(upfront.amount()),
            effective: Decimal::ZERO,
        });
    }
}

/// `monthly.csv`: month × strategy × charge kind, from the exact line items. Each strategy's
/// months of a kind are apportioned (`rounding`) to the column its summary row prints, so
/// they add up to it; a month is within a cent of its exact sum.
pub fn monthly_csv(
    totals: &MonthlyTotals,
    ledgers: &[(Strategy, Ledger)],
) -> Result<String, MoneyError> {
    let mut printed: BTreeMap<(&'static str, &'static str), Vec<Usd>> = BTreeMap::new();
    for (strategy, ledger) in ledgers {
        let row = PrintedRow::of(&ledger.overall)?;
        for (kind, target) in Kind::ALL.into_iter().zip(row.columns) {
            let months: Vec<Usd> = totals
                .rows()
                .filter(|((_, s, k), _)| *s == strategy.name() && *k == kind.name())
                .map(|(_, value)| Usd::new(value))
                .collect();
            printed.insert((strategy.name(), kind.name()), apportion(target, &months));
        }
    }
    let mut out = String::from("month,strategy,charge_kind,effective_cost_usd\n");
    let mut taken: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    for ((month, strategy, kind), value) in totals.rows() {
        let month = month.month_label();
        let next = taken.entry((strategy, kind)).or_default();
        let value = printed
            .get(&(strategy, kind))
            .and_then(|months| months.get(*next))
            .copied()
            .unwrap_or_else(|| Usd::new(value).round_cents());
        *next += 1;
        out.push_str(&format!(
            "{month},{},{},{}\n",
            text_cell(strategy),
            text_cell(kind),
            value.cents_string()
        ));
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn rolled_up_columns_add_exactly_and_refuse_a_sum_past_the_decimal_range() {
        use rust_decimal_macros::dec;
        let mut sums = [dec!(0.1), dec!(2)];
        add_into(&mut sums, [dec!(0.0200), dec!(-0.5)]).unwrap();
        assert_eq!(sums, [dec!(0.1200), dec!(1.5)]);
        // A plain `+=` panicked here.
        assert!(add_into(&mut [Decimal::MAX], [Decimal::ONE]).is_err());
    }

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e'];
        // Position k gets the item at order[k]: a 3-cycle, a fixed point and a swap.
        permute(&mut items, vec![2, 0, 1, 3, 4]);
        assert_eq!(items, vec!['c', 'a', 'b', 'd', 'e']);
        let mut items = vec!['a', 'b', 'c', 'd'];
        permute(&mut items, vec![1, 0, 3, 2]);
        assert_eq!(items, vec!['b', 'a', 'd', 'c']);
    }

    /// A storage item; `tag` is its ListCost, to tell it apart.
    pub(crate) fn item(
        strategy: Strategy,
        hour: i64,
        resource: &str,
        description: &str,
        tag: i64,
    ) -> LineItem {
        let text = |s: &str| -> Arc<str> { Arc::from(s) };
        LineItem {
            strategy,
            kind: Kind::Storage,
            purchase: false,
            commitment: None,
            start: Timestamp::from_unix(hour * SECONDS_PER_HOUR),
            end: Timestamp::from_unix((hour + 1) * SECONDS_PER_HOUR),
            labels: Arc::new(Labels {
                frequency: "Usage-Based",
                pricing_category: "Standard",
                resource: (!resource.is_empty()).then(|| Resource {
                    id: text(resource),
                    name: text(resource),
                    kind: "Volume",
                }),
                region: text("us-east-1"),
                service: ("Amazon Elastic Block Store", "Storage"),
                sku: text("sku"),
                description: text(description),
                pricing_unit: "GB-Months",
                state: None,
                group: text("g"),
                instance_type: None,
            }),
            pricing_quantity: Decimal::ONE,
            consumed_quantity: None,
            list_unit_price: None,
            list_cost: Decimal::from(tag),
            billed: None,
            effective: Decimal::ZERO,
        }
    }

    #[test]
    fn items_sort_by_strategy_time_kind_and_texts_and_ties_keep_their_order() {
        let od = Strategy::OnDemand;
        let spot = Strategy::Spot;
        let mut items = vec![
            item(spot, 0, "i-1/volume", "storage", 0),
            item(od, 2, "i-2/volume", "storage", 1),
            item(od, 1, "i-9/volume", "b", 2),
            item(od, 1, "i-10/volume", "z", 3),
            item(od, 1, "", "a", 4),
            // The same texts as the previous item (other allocations): a tie, kept in order.
            item(od, 1, "", "a", 5),
            item(od, 1, "i-9/volume", "a", 6),
        ];
        let mut reference = items.clone();
        reference.sort_by(|a, b| {
            let key = |i: &LineItem| {
                let [resource, description] = sort_texts(i).map(str::to_string);
                (
                    i.strategy,
                    i.start,
                    i.kind,
                    i.purchase,
                    resource,
                    description,
                )
            };
            key(a).cmp(&key(b))
        });
        sort(&mut items);
        let tags = |items: &[LineItem]| items.iter().map(|i| i.list_cost).collect::<Vec<_>>();
        // By hand: hour 1 first ("" < "i-10/volume" < "i-9/volume", then description),
        // hour 2, then Spot.
        let expected: Vec<Decimal> = [4, 5, 3, 6, 2, 1, 0].map(Decimal::from).to_vec();
        assert_eq!(tags(&items), expected);
        assert_eq!(tags(&reference), expected);
    }
}
