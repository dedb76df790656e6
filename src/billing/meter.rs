//! The meter: per-instance accounts fed span by span.

use super::rules::{billed_interrupted_seconds, billed_run_seconds};
use crate::clock::{split_by_month, Timestamp};
use crate::lifecycle::{Span, State};
use crate::money::{HourlyRate, MonthlyRate, Usd};
use crate::pricing::spot::{RegionalAverage, SpotPrices, ZoneSeries};
use crate::pricing::spot_daily::PathModel;
use crate::pricing::{BillingUnit, Catalog, VolumeType};
use crate::scenario::{Action, Market, Markets};
use crate::scenario::{IdMap, InstanceId, LaunchSpec, PublicIp};
use hashbrown::HashMap;
use rust_decimal::Decimal;
use std::sync::Arc;

/// What a charge is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChargeKind {
    /// Instance usage.
    Compute,
    /// EBS storage.
    Storage,
    /// A public IPv4 address.
    PublicIpv4,
}

impl ChargeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChargeKind::Compute => "compute",
            ChargeKind::Storage => "storage",
            ChargeKind::PublicIpv4 => "public_ipv4",
        }
    }
}

/// One priced quantity of one resource over `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub instance: InstanceId,
    pub spec: Arc<LaunchSpec>,
    pub kind: ChargeKind,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Billed seconds (compute, IPv4) or GB-seconds (storage).
    pub quantity: u64,
    /// How the cost follows from the quantity ([`Charge::cost`]).
    pub pricing: Pricing,
    /// The lifecycle state the charge accrued in, where there is one (storage accrues in all).
    pub state: Option<State>,
    /// The list price per unit: USD per hour (compute, IPv4) or per GB-month (storage);
    /// for Spot, the average price the run paid.
    pub unit_price: rust_decimal::Decimal,
    pub market: Market,
    /// A Spot run AWS interrupted (its billing follows the interruption rules).
    pub interrupted: bool,
    /// A Spot run priced at the region's Spot average, for want of history covering it:
    /// its line item says so.
    pub regional_average: Option<Arc<RegionalAverage>>,
}

/// How a charge's cost follows from its quantity.
///
/// The meter does not divide: a charge's cost is worked out where it is read (a line
/// item), and the ledger sums quantities per price and divides once per price and group
/// (`billing::book`), so totals are rounded once, at the end, instead of once per charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pricing {
    /// The quantity is seconds at this hourly rate: rate × seconds / 3600.
    Hourly(HourlyRate),
    /// The quantity is GB-seconds at this GB-month rate, prorated over a calendar month of
    /// the given seconds: rate × GB-seconds / month seconds.
    Monthly(MonthlyRate, u64),
    /// A cost already worked out: a Spot run at the prices in effect each second.
    Amount(Usd),
}

impl Charge {
    /// What the charge costs, at full precision.
    pub fn cost(&self) -> Result<Usd, crate::money::MoneyError> {
        match self.pricing {
            Pricing::Hourly(rate) => rate.cost_of_seconds(self.quantity),
            Pricing::Monthly(rate, month_seconds) => {
                rate.cost_of_gb_seconds(u128::from(self.quantity), month_seconds)
            }
            Pricing::Amount(cost) => Ok(cost),
        }
    }
}

#[cfg(test)]
impl Charge {
    /// A zero-length, zero-cost compute charge of an m5.large Linux instance in us-east-1
    /// in `group`: tests set the fields they are about with struct update syntax.
    pub(crate) fn example(group: &str) -> Charge {
        let spec = LaunchSpec {
            name: Arc::from("i-1"),
            instance_type: Arc::from("m5.large"),
            region: Arc::from("us-east-1"),
            os: Arc::from("linux"),
            ebs_gb: 8,
            ebs_type: crate::pricing::VolumeType::Gp3,
            root: crate::scenario::RootDevice::Ebs,
            public_ip: PublicIp::None,
            interruptible: false,
            hibernation: false,
            group: Arc::from(group),
            line: 2,
            markets: Markets::default(),
        };
        Charge {
            instance: InstanceId(0),
            spec: Arc::new(spec),
            kind: ChargeKind::Compute,
            start: Timestamp::from_unix(0),
            end: Timestamp::from_unix(0),
            quantity: 0,
            pricing: Pricing::Amount(Usd::ZERO),
            state: None,
            unit_price: Decimal::ZERO,
            market: Market::OnDemand,
            interrupted: false,
            regional_average: None,
        }
    }
}

/// Why the meter could not price a span.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeterError {
    #[error("the price catalog has no {what} for {instance} ({detail})")]
    NoPrice {
        what: &'static str,
        instance: Arc<str>,
        detail: String,
    },
    #[error(transparent)]
    Money(#[from] crate::money::MoneyError),
}

/// The rates that apply to one instance for its whole life.
#[derive(Debug, Clone)]
struct Rates {
    compute: HourlyRate,
    unit: BillingUnit,
    storage: MonthlyRate,
    ipv4: HourlyRate,
    /// On Spot: the zone's price series the instance runs at, and the regional average
    /// for runs its history does not cover.
    spot: Option<SpotPrices>,
}

/// Which of a launch's markets a strategy prices it in.
pub type MarketOf = fn(&Markets) -> Market;

/// The most strategies one meter prices at once: On-Demand, Spot and mixed.
const MAX_MARKETS: usize = 3;

/// A run: from entering running until leaving the billed states.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: Timestamp,
    seconds: u64,
}

/// An instance's account, shared by every strategy the meter prices: its rates in each (an
/// index into the meter's table; the few distinct rates of a fleet were copied into every
/// account, 96 bytes each) and the run it is in, which is the same in all of them. One
/// meter per strategy kept one account per instance each: a cache miss per strategy on
/// every span of a large fleet, where this is one.
#[derive(Debug)]
struct Account {
    launched: Timestamp,
    run: Option<Run>,
    rates: [u32; MAX_MARKETS],
}

/// What the meter says about Spot prices used outside one market's history.
#[derive(Debug, Default)]
struct Outside {
    /// Spot series used outside the span of their records, for the report to say so.
    notes: std::collections::BTreeSet<String>,
    /// Pools priced at the regional average, by what the average is (constant or a path,
    /// and where it comes from), for one sentence each.
    averaged: std::collections::BTreeMap<(bool, Arc<str>), std::collections::BTreeSet<String>>,
    /// Which series and edge already have their sentence: a billed Spot span past the
    /// history's end is common (every span of a run after the last record), and the
    /// sentence was formatted for each of them only to be found already there.
    seen: hashbrown::HashSet<(usize, Option<Edge>)>,
}

/// A Spot pool: region, instance type and operating system.
type Pool = (Arc<str>, Arc<str>, Arc<str>);

/// A launch's On-Demand compute price, billing unit, EBS price and public IPv4 price.
type ListPrices = (HourlyRate, BillingUnit, MonthlyRate, HourlyRate);

/// What a launch's list prices depend on. Launches that share the reader's copies of the
/// names match at their addresses (`Arc` compares those first), others by text.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ListKey {
    region: Arc<str>,
    instance_type: Arc<str>,
    os: Arc<str>,
    volume: VolumeType,
}

impl ListKey {
    fn of(spec: &LaunchSpec) -> ListKey {
        ListKey {
            region: Arc::clone(&spec.region),
            instance_type: Arc::clone(&spec.instance_type),
            os: Arc::clone(&spec.os),
            volume: spec.ebs_type,
        }
    }
}

/// Why a launch cannot be priced: the price `what` is missing for it.
fn no_price(spec: &LaunchSpec, what: &'static str, detail: String) -> MeterError {
    MeterError::NoPrice {
        what,
        instance: Arc::clone(&spec.name),
        detail,
    }
}

/// A rate set by exact value (the bytes of each price, so 0.10 and 0.1 stay apart, since
/// reports print unit prices as the catalog gives them) and Spot series by identity.
#[derive(Debug, PartialEq, Eq, Hash)]
struct RatesKey {
    prices: [[u8; 16]; 3],
    unit: BillingUnit,
    spot: Option<[usize; 2]>,
}

impl Rates {
    fn key(&self) -> RatesKey {
        RatesKey {
            prices: [
                self.compute.per_hour().serialize(),
                self.storage.per_gb_month().serialize(),
                self.ipv4.per_hour().serialize(),
            ],
            unit: self.unit,
            spot: self.spot.as_ref().map(|s| {
                [
                    s.zone.as_ref().map_or(0, |z| Arc::as_ptr(&z.0) as usize),
                    s.average.as_ref().map_or(0, |a| Arc::as_ptr(a) as usize),
                ]
            }),
        }
    }
}

/// Meters every live instance in one or more markets (one per strategy priced); memory is
/// bounded by the instances alive at once.
pub struct Meter<'c> {
    catalog: &'c Catalog,
    markets: Vec<MarketOf>,
    outside: Vec<Outside>,
    accounts: IdMap<Account>,
    /// Every distinct rate set, once.
    rates: Vec<Rates>,
    rate_ids: HashMap<RatesKey, u32>,
    /// The catalog's prices by what they depend on, looked up once each.
    list_prices: HashMap<ListKey, ListPrices>,
    /// The charges every market shares (addresses, volumes) of the span being metered,
    /// kept between spans so that metering allocates nothing per span.
    shared: Vec<Charge>,
    /// Each pool's regional-average series, built once (and so one rate set per pool).
    averages: HashMap<Pool, Option<Arc<ZoneSeries>>>,
    /// A trial's price paths, which replace the constant averages.
    paths: Option<PathModel>,
}

impl<'c> Meter<'c> {
    /// A meter that prices each launch in every market of `markets` (the first three: a
    /// simulation prices at most On-Demand, Spot and mixed), each picking one of the
    /// launch's markets: charges and notes are then per market, in this order.
    pub fn for_markets(catalog: &'c Catalog, markets: &[MarketOf]) -> Meter<'c> {
        let markets: Vec<MarketOf> = markets.iter().take(MAX_MARKETS).copied().collect();
        Meter {
            catalog,
            outside: markets.iter().map(|_| Outside::default()).collect(),
            markets,
            accounts: IdMap::default(),
            rates: Vec::new(),
            rate_ids: HashMap::new(),
            list_prices: HashMap::new(),
            shared: Vec::new(),
            averages: HashMap::new(),
            paths: None,
        }
    }

    /// Prices Spot runs the history does not cover along the trial's price paths instead
    /// of at the constant regional average.
    pub fn with_paths(mut self, paths: Option<PathModel>) -> Meter<'c> {
        self.paths = paths;
        self
    }

    /// Prices one span in every market, pushing each market's charges onto its vector of
    /// `charges` (one per market; a missing one gets none); returns the instance seconds
    /// billed for it in the first market (its running seconds, plus any minimum or hour
    /// rounding of the run it closes).
    pub fn record(&mut self, span: &Span, charges: &mut [Vec<Charge>]) -> Result<u64, MeterError> {
        if !self.accounts.contains_key(span.instance) {
            let mut rates = [0; MAX_MARKETS];
            for (market, slot) in rates.iter_mut().enumerate().take(self.markets.len()) {
                let found = self.rates_for(&span.spec, span.start, self.markets[market])?;
                *slot = self.intern(found);
            }
            let account = Account {
                rates,
                launched: span.start,
                run: None,
            };
            self.accounts.insert(span.instance, account);
        }
        let Some(account) = self.accounts.get_mut(span.instance) else {
            return Ok(0);
        };
        let used = advance_run(account, span);
        let mut first_billed = None;
        for (market, charges) in charges.iter_mut().enumerate().take(self.markets.len()) {
            let rates = &self.rates[account.rates[market] as usize];
            let billed = match used {
                None => 0,
                Some((length, None)) => length,
                Some((length, Some(run))) => {
                    let outside = &mut self.outside[market];
                    close_run(rates, run, span, length, (charges, outside))?
                }
            };
            first_billed.get_or_insert(billed);
        }
        // Addresses and volumes are priced alike in every market.
        let rates = &self.rates[account.rates[0] as usize];
        let shared = &mut self.shared;
        shared.clear();
        meter_public_ip(rates, span, shared)?;
        if matches!(span.next, None | Some(State::Terminated)) {
            meter_storage(account.launched, rates, span, shared)?;
            self.accounts.remove(span.instance);
        }
        let markets = self.markets.len().min(charges.len());
        if let (false, [first, others @ ..]) = (shared.is_empty(), &mut charges[..markets]) {
            for charges in others {
                charges.extend(shared.iter().cloned());
            }
            first.append(shared);
        }
        Ok(first_billed.unwrap_or(0))
    }

    /// Reads each instance's account, without changing anything, ahead of metering their
    /// spans (see `Replay::touch`: the misses of a run of rows overlap).
    pub fn touch(&self, instances: impl Iterator<Item = InstanceId>) -> usize {
        instances
            .filter_map(|id| self.accounts.get(id))
            .fold(0, |seen, account| seen ^ account.rates[0] as usize)
    }

    /// Sentences about Spot prices used outside the history's records, in `market`: the
    /// regional averages used, then the history's edges.
    pub fn notes(&self, market: usize) -> Vec<String> {
        let Some(outside) = self.outside.get(market) else {
            return Vec::new();
        };
        let averaged = outside
            .averaged
            .iter()
            .map(|((path, origin), pools)| average_note(*path, origin, pools));
        averaged.chain(outside.notes.iter().cloned()).collect()
    }

    /// The index of a rate set, adding it if new: computed per launch (the catalog lookups
    /// and the Spot zone chosen at launch time), kept once.
    fn intern(&mut self, rates: Rates) -> u32 {
        let key = rates.key();
        if let Some(id) = self.rate_ids.get(&key) {
            return *id;
        }
        // Distinct rate sets are at most the distinct launches: below u32::MAX like the ids.
        let id = u32::try_from(self.rates.len()).unwrap_or(u32::MAX);
        self.rates.push(rates);
        self.rate_ids.insert(key, id);
        id
    }

    fn rates_for(
        &mut self,
        spec: &LaunchSpec,
        launched: Timestamp,
        market_of: MarketOf,
    ) -> Result<Rates, MeterError> {
        let (compute, unit, storage, ipv4) = self.list_prices(spec)?;
        let spot = match market_of(&spec.markets) {
            Market::OnDemand => None,
            Market::Spot => {
                let prices = SpotPrices {
                    zone: self.catalog.spot_zone(
                        &spec.region,
                        &spec.instance_type,
                        &spec.os,
                        launched,
                    ),
                    average: self.average_of(spec, compute),
                };
                if prices.is_empty() {
                    return Err(no_price(
                        spec,
                        "Spot price",
                        format!("{} {} in {}", spec.os, spec.instance_type, spec.region),
                    ));
                }
                Some(prices)
            }
        };
        Ok(Rates {
            compute,
            unit,
            storage,
            ipv4,
            spot,
        })
    }

    /// The catalog's list prices for a launch, looked up once per type, region, system and
    /// volume type: a fleet launches the same few over and over, and each lookup compared
    /// region and type names along ordered maps (a sixth of the replay thread's
    /// instructions On-Demand).
    fn list_prices(&mut self, spec: &LaunchSpec) -> Result<ListPrices, MeterError> {
        let key = ListKey::of(spec);
        if let Some(found) = self.list_prices.get(&key) {
            return Ok(*found);
        }
        let missing = |what: &'static str, detail: String| no_price(spec, what, detail);
        let compute = self
            .catalog
            .on_demand(&spec.region, &spec.instance_type, &spec.os)
            .ok_or_else(|| {
                missing(
                    "On-Demand price",
                    format!("{} {} in {}", spec.os, spec.instance_type, spec.region),
                )
            })?;
        let unit = self
            .catalog
            .platform(&spec.os)
            .map(|p| p.billing)
            .ok_or_else(|| missing("billing unit", spec.os.to_string()))?;
        let storage = self
            .catalog
            .ebs(&spec.region, spec.ebs_type)
            .ok_or_else(|| missing("EBS price", format!("{} in {}", spec.ebs_type, spec.region)))?;
        let ipv4 = self
            .catalog
            .public_ipv4(&spec.region)
            .ok_or_else(|| missing("public IPv4 price", spec.region.to_string()))?;
        let found = (compute, unit, storage, ipv4);
        self.list_prices.insert(key, found);
        Ok(found)
    }

    /// The pool's regional-average series (a trial's path around it, with paths), built on
    /// the pool's first Spot launch and kept.
    fn average_of(&mut self, spec: &LaunchSpec, on_demand: HourlyRate) -> Option<Arc<ZoneSeries>> {
        let key = (
            Arc::clone(&spec.region),
            Arc::clone(&spec.instance_type),
            Arc::clone(&spec.os),
        );
        if let Some(found) = self.averages.get(&key) {
            return found.clone();
        }
        let average = self
            .catalog
            .spot_regional_average(&spec.region, &spec.instance_type, &spec.os)
            .map(|average| {
                Arc::new(match &self.paths {
                    Some(paths) => {
                        paths.path(&spec.instance_type, &spec.os, average, on_demand.per_hour())
                    }
                    None => ZoneSeries::regional(average, Vec::new()),
                })
            });
        self.averages.insert(key, average.clone());
        average
    }
}

/// Instance usage, the same in every market: billed states add to the open run. `None`
/// for a span not billed; else its length, and the run when the span closes it (leaving
/// the billed states, or cut by the horizon).
fn advance_run(account: &mut Account, span: &Span) -> Option<(u64, Option<Run>)> {
    if !span.state.bills_usage() {
        return None;
    }
    let length = span.end.since(span.start).0;
    let run = account.run.get_or_insert(Run {
        start: span.start,
        seconds: 0,
    });
    run.seconds = run.seconds.saturating_add(length);
    let closes = match span.next {
        Some(next) => !next.bills_usage(),
        None => true,
    };
    if !closes {
        return Some((length, None));
    }
    let run = *run;
    account.run = None;
    Some((length, Some(run)))
}

/// Closes a run in one market with the 60-second minimum or hour rounding (a run cut by
/// the horizon is billed as it stands), pushing its compute charge; returns the seconds
/// billed for the span that closed it.
fn close_run(
    rates: &Rates,
    run: Run,
    span: &Span,
    length: u64,
    (charges, outside): (&mut Vec<Charge>, &mut Outside),
) -> Result<u64, MeterError> {
    let interrupted = rates.spot.is_some() && span.ended_by == Some(Action::Interrupt);
    let series = rates
        .spot
        .as_ref()
        .and_then(|prices| prices.for_run(run.start, span.end));
    if let Some(series) = series {
        note_series(outside, series, span, (run.start, span.end));
    }
    let billed = match span.next {
        Some(_) if interrupted => billed_interrupted_seconds(rates.unit, run.seconds),
        Some(_) => billed_run_seconds(rates.unit, run.seconds),
        None => run.seconds,
    };
    let (pricing, unit_price) = run_cost(rates, series, run, span.end, billed)?;
    charges.push(Charge {
        instance: span.instance,
        spec: Arc::clone(&span.spec),
        kind: ChargeKind::Compute,
        start: run.start,
        end: span.end,
        quantity: billed,
        pricing,
        state: Some(State::Running),
        unit_price,
        market: if rates.spot.is_some() {
            Market::Spot
        } else {
            Market::OnDemand
        },
        interrupted,
        regional_average: series.and_then(|s| s.average.clone()),
    });
    Ok((length + billed).saturating_sub(run.seconds))
}

/// Notes, once per series, a Spot run priced at the regional average; else, once per
/// series and edge, a run reaching outside its history.
fn note_series(
    outside: &mut Outside,
    zone: &Arc<ZoneSeries>,
    span: &Span,
    (start, end): (Timestamp, Timestamp),
) {
    if let Some(average) = &zone.average {
        if outside.seen.insert((Arc::as_ptr(zone) as usize, None)) {
            let spec = &span.spec;
            let pool = format!(
                "{} {} in {} ${}/h",
                spec.os,
                spec.instance_type,
                spec.region,
                average.price.normalize()
            );
            outside
                .averaged
                .entry((average.path, Arc::clone(&average.origin)))
                .or_default()
                .insert(pool);
        }
        return;
    }
    if let Some((edge, records)) = outside_edge(zone, start, end) {
        if outside
            .seen
            .insert((Arc::as_ptr(zone) as usize, Some(edge)))
        {
            let note = outside_note(zone, &span.spec.instance_type, edge, records);
            outside.notes.insert(note);
        }
    }
}

/// Which end of a zone's Spot records a span reached beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Edge {
    /// Before the first record: its price is used.
    Before,
    /// More than a day after the last: its price is assumed to hold.
    After,
}

/// Pools listed by name in the regional-average note; a fleet of many types gets a count of
/// the rest.
const AVERAGE_NOTE_POOLS: usize = 12;

/// The sentence for the pools priced at the regional average.
fn average_note(path: bool, origin: &str, pools: &std::collections::BTreeSet<String>) -> String {
    let mut listed: Vec<&str> = pools
        .iter()
        .take(AVERAGE_NOTE_POOLS)
        .map(String::as_str)
        .collect();
    let more = pools.len().saturating_sub(AVERAGE_NOTE_POOLS);
    let rest = format!("and {more} more");
    if more > 0 {
        listed.push(&rest);
    }
    let how = if path {
        format!("on a daily path drawn around the catalog's regional Spot average ({origin})")
    } else {
        format!("at the catalog's regional Spot average ({origin}), constant")
    };
    format!(
        "no imported Spot price history covers these runs, so Spot is priced {how}: {}",
        listed.join("; ")
    )
}

/// Whether `[start, end)` reaches before a zone's first Spot record or more than a day
/// after its last (a span can do both; the start is named), with the first and last
/// records' times.
fn outside_edge(
    zone: &ZoneSeries,
    start: Timestamp,
    end: Timestamp,
) -> Option<(Edge, (Timestamp, Timestamp))> {
    let (first, last) = zone.span()?;
    if start < first {
        return Some((Edge::Before, (first, last)));
    }
    if end > last.plus(crate::clock::Seconds(86_400)) {
        return Some((Edge::After, (first, last)));
    }
    None
}

/// The sentence for a series used beyond `edge` of its records (the series' instance type
/// and product are fixed, so the sentence depends on nothing else).
fn outside_note(
    zone: &ZoneSeries,
    instance_type: &str,
    edge: Edge,
    (first, last): (Timestamp, Timestamp),
) -> String {
    match edge {
        Edge::Before => {
            let price = zone.points.first().map(|p| p.1).unwrap_or_default();
            format!(
                "{instance_type} in {} ran before its Spot history starts ({first}); its first price, ${}/h, was used",
                zone.zone,
                price.normalize()
            )
        }
        Edge::After => {
            let price = zone.points.last().map(|p| p.1).unwrap_or_default();
            format!(
                "{instance_type} in {} ran more than a day after its Spot history ends ({last}); its last price, ${}/h, was assumed to hold",
                zone.zone,
                price.normalize()
            )
        }
    }
}

/// How a run is priced, and its price per hour: On-Demand at the rate, Spot at the prices
/// in effect each second (the seconds billed beyond the run at the last price; seconds not
/// billed after an interruption are the run's last ones).
fn run_cost(
    rates: &Rates,
    series: Option<&Arc<ZoneSeries>>,
    Run { start, seconds }: Run,
    end: Timestamp,
    billed: u64,
) -> Result<(Pricing, Decimal), MeterError> {
    let Some(zone) = series else {
        return Ok((Pricing::Hourly(rates.compute), rates.compute.per_hour()));
    };
    let paid_end = start
        .plus(crate::clock::Seconds(billed.min(seconds)))
        .min(end);
    let extra = billed.saturating_sub(seconds);
    // A series always has a record; `None` here means the cost overflowed: an error, never
    // a run priced at zero.
    let (cost, _) = zone
        .cost(start, paid_end, extra)
        .ok_or_else(crate::money::MoneyError::overflow_of_spot)?;
    let hours = Decimal::from(billed) / Decimal::from(3_600);
    let unit = if hours.is_zero() {
        Decimal::ZERO
    } else {
        cost / hours
    };
    Ok((Pricing::Amount(Usd::new(cost)), unit))
}

/// Public IPv4: an auto-assigned address while the instance holds it, an Elastic IP for
/// every second from launch to termination.
fn meter_public_ip(
    rates: &Rates,
    span: &Span,
    charges: &mut Vec<Charge>,
) -> Result<(), MeterError> {
    let held = match span.spec.public_ip {
        PublicIp::None => false,
        PublicIp::Auto => span.state.holds_auto_ip(),
        PublicIp::Elastic => true,
    };
    let seconds = span.end.since(span.start).0;
    if !held || seconds == 0 {
        return Ok(());
    }
    charges.push(Charge {
        instance: span.instance,
        spec: Arc::clone(&span.spec),
        kind: ChargeKind::PublicIpv4,
        start: span.start,
        end: span.end,
        quantity: seconds,
        pricing: Pricing::Hourly(rates.ipv4),
        state: Some(span.state),
        unit_price: rates.ipv4.per_hour(),
        market: Market::OnDemand,
        interrupted: false,
        regional_average: None,
    });
    Ok(())
}

/// EBS: the volume exists from launch to termination (or the horizon), every state in
/// between, prorated over the calendar month each second falls in.
fn meter_storage(
    launched: Timestamp,
    rates: &Rates,
    span: &Span,
    charges: &mut Vec<Charge>,
) -> Result<(), MeterError> {
    let gb = span.spec.ebs_gb;
    for (month, seconds, month_seconds) in split_by_month(launched, span.end) {
        let start = month.max(launched);
        // GB-seconds fit easily (a volume is at most 64 TiB); were they not to, the cost is
        // worked out here and the quantity saturates, as it did before.
        let (quantity, pricing) = match gb.checked_mul(seconds.0) {
            Some(quantity) => (quantity, Pricing::Monthly(rates.storage, month_seconds.0)),
            None => (
                u64::MAX,
                Pricing::Amount(rates.storage.cost_of(gb, seconds.0, month_seconds.0)?),
            ),
        };
        charges.push(Charge {
            instance: span.instance,
            spec: Arc::clone(&span.spec),
            kind: ChargeKind::Storage,
            start,
            end: start.plus(seconds),
            quantity,
            pricing,
            state: None,
            unit_price: rates.storage.per_gb_month(),
            market: Market::OnDemand,
            interrupted: false,
            regional_average: None,
        });
    }
    Ok(())
}
