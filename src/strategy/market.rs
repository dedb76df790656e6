//! The market of each launch under the Spot and mixed strategies.
//!
//! Runs between the scenario and the lifecycle: every launch is
//! given, for each strategy that can use Spot, the market it runs in.
//!
//! - `spot`: an instance marked `interruptible` runs on Spot when the catalog has a Spot
//!   price for its region, type and operating system (a history or the regional average);
//!   everything else On-Demand.
//! - `mixed`: EC2 Auto Scaling's `InstancesDistribution` per group, decided at launch in
//!   launch order: the first `OnDemandBaseCapacity` instances of the group On-Demand, then of
//!   the capacity above the base `OnDemandPercentageAboveBaseCapacity` percent On-Demand and
//!   the rest Spot. The On-Demand share is rounded up (in favour of On-Demand, as
//!   docs/billing-rules.md §8 asks and AWS's example shows: base 2 and 50% of 4 above it gives
//!   4 On-Demand and 2 Spot). Only interruptible instances go to Spot; the others count as
//!   On-Demand capacity. A replacement launch after an interruption is decided the same
//!   way, so the group keeps its split.

use crate::location::LocatedError;
use crate::pricing::Catalog;
use crate::scenario::{Action, Event, EventSource, InstanceId, LaunchSpec, Market};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// `--on-demand-base` and `--on-demand-above-base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Distribution {
    pub base: u64,
    /// Percent, 0–100.
    pub above_base_pct: u64,
}

impl Default for Distribution {
    /// Auto Scaling's defaults: base 0, 100% On-Demand above it.
    fn default() -> Distribution {
        Distribution {
            base: 0,
            above_base_pct: 100,
        }
    }
}

impl Distribution {
    /// Whether the next instance of a group with `on_demand` and `spot` running goes to
    /// On-Demand.
    pub fn next_is_on_demand(self, on_demand: u64, spot: u64) -> bool {
        let total = on_demand + spot + 1;
        if total <= self.base {
            return true;
        }
        let above = total - self.base;
        let wanted = (above * self.above_base_pct).div_ceil(100);
        let on_demand_above = on_demand.saturating_sub(self.base);
        on_demand_above < wanted
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct GroupMix {
    on_demand: u64,
    spot: u64,
}

/// Wraps an event source, setting each launch's markets.
pub struct MarketAssigner<'a> {
    inner: Box<dyn EventSource + 'a>,
    catalog: &'a Catalog,
    distribution: Distribution,
    groups: HashMap<Arc<str>, GroupMix>,
    alive: HashMap<InstanceId, (Arc<str>, Market)>,
    /// Instances marked interruptible that ran On-Demand for lack of any Spot price.
    pub missing_history: BTreeSet<String>,
    /// `--interruptions none`: the scenario's `interrupt` rows end instances as ordinary
    /// terminations, without Spot's interruption billing.
    pub interruptions_as_terminations: bool,
}

impl<'a> MarketAssigner<'a> {
    pub fn new(
        inner: Box<dyn EventSource + 'a>,
        catalog: &'a Catalog,
        distribution: Distribution,
    ) -> Self {
        MarketAssigner {
            inner,
            catalog,
            distribution,
            groups: HashMap::new(),
            alive: HashMap::new(),
            missing_history: BTreeSet::new(),
            interruptions_as_terminations: false,
        }
    }

    fn assign(&mut self, event: &mut Event) {
        match (event.action, event.spec.clone()) {
            (Action::Launch, Some(launched)) => {
                let spot_possible = launched.interruptible && self.has_spot_price(&launched);
                let mix = self.groups.entry(Arc::clone(&launched.group)).or_default();
                let mixed = if spot_possible
                    && !self.distribution.next_is_on_demand(mix.on_demand, mix.spot)
                {
                    mix.spot += 1;
                    Market::Spot
                } else {
                    mix.on_demand += 1;
                    Market::OnDemand
                };
                let spot = if spot_possible {
                    Market::Spot
                } else {
                    Market::OnDemand
                };
                let mut spec: LaunchSpec = (*launched).clone();
                spec.markets.spot = spot;
                spec.markets.mixed = mixed;
                event.spec = Some(Arc::new(spec));
                self.alive
                    .insert(event.instance, (Arc::clone(&launched.group), mixed));
            }
            (Action::Terminate | Action::Interrupt, _) => {
                if let Some((group, market)) = self.alive.remove(&event.instance) {
                    if let Some(mix) = self.groups.get_mut(&group) {
                        match market {
                            Market::OnDemand => mix.on_demand = mix.on_demand.saturating_sub(1),
                            Market::Spot => mix.spot = mix.spot.saturating_sub(1),
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn has_spot_price(&mut self, spec: &LaunchSpec) -> bool {
        let found = self
            .catalog
            .has_spot_price(&spec.region, &spec.instance_type, &spec.os);
        if !found {
            self.missing_history.insert(format!(
                "{} {} in {}",
                spec.os, spec.instance_type, spec.region
            ));
        }
        found
    }
}

impl EventSource for MarketAssigner<'_> {
    fn next_event(&mut self) -> Result<Option<Event>, LocatedError> {
        let Some(mut event) = self.inner.next_event()? else {
            return Ok(None);
        };
        if self.interruptions_as_terminations && event.action == Action::Interrupt {
            event.action = Action::Terminate;
        }
        self.assign(&mut event);
        Ok(Some(event))
    }

    fn file(&self) -> &Arc<str> {
        self.inner.file()
    }

    fn unknown_override_groups(&self) -> Result<(), String> {
        self.inner.unknown_override_groups()
    }

    fn default_horizon(&self) -> Option<crate::clock::Timestamp> {
        self.inner.default_horizon()
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = self.inner.notes();
        if !self.missing_history.is_empty() {
            let list: Vec<&str> = self.missing_history.iter().map(String::as_str).collect();
            notes.push(format!(
                "spot and mixed: interruptible instances ran On-Demand for lack of a Spot price (no Spot price history and no regional Spot average) for {}",
                list.join("; ")
            ));
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(distribution: Distribution, n: u64) -> (u64, u64) {
        let (mut od, mut spot) = (0, 0);
        for _ in 0..n {
            if distribution.next_is_on_demand(od, spot) {
                od += 1;
            } else {
                spot += 1;
            }
        }
        (od, spot)
    }

    #[test]
    fn base_two_and_half_of_four_above_it_is_four_on_demand_and_two_spot() {
        // AWS's example: 2 base, then 50% of the 4 above: 2 + 2 On-Demand, 2 Spot.
        let d = Distribution {
            base: 2,
            above_base_pct: 50,
        };
        assert_eq!(split(d, 6), (4, 2));
        // Launch order: OD, OD (base), OD (ceil 0.5 = 1), Spot, OD (ceil 1.5 = 2), Spot.
        assert_eq!(split(d, 3), (3, 0));
        assert_eq!(split(d, 5), (4, 1));
    }

    #[test]
    fn a_huge_base_is_all_on_demand_and_zero_percent_is_all_spot_above_it() {
        assert_eq!(
            split(
                Distribution {
                    base: 1_000,
                    above_base_pct: 0
                },
                50
            ),
            (50, 0)
        );
        assert_eq!(
            split(
                Distribution {
                    base: 1,
                    above_base_pct: 0
                },
                5
            ),
            (1, 4)
        );
        assert_eq!(split(Distribution::default(), 7), (7, 0));
    }
}
