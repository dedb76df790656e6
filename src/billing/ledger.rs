//! The ledger: charges summed by kind, overall and per group, as a strategy's
//! [`super::Book`] closes into it once the replay is done.

use super::meter::{Charge, ChargeKind};
use crate::money::{MoneyError, Usd};
use hashbrown::HashMap;
use std::sync::Arc;

/// Sums of charges at full precision, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub compute: Usd,
    pub storage: Usd,
    pub public_ipv4: Usd,
    /// Reservation fees owed within the horizon (none yet for On-Demand).
    pub commitment: Usd,
    /// Instance seconds billed (after minimums and hour rounding).
    pub billed_seconds: u64,
    /// Of those, the seconds billed on Spot.
    pub spot_seconds: u64,
    /// Spot runs AWS interrupted.
    pub interruptions: u64,
}

impl Totals {
    /// Counts a charge's instance seconds (compute only): billed, on Spot, interrupted.
    pub(super) fn count(&mut self, charge: &Charge) {
        if charge.kind != ChargeKind::Compute {
            return;
        }
        self.billed_seconds = self.billed_seconds.saturating_add(charge.quantity);
        if charge.market == crate::scenario::Market::Spot {
            self.spot_seconds = self.spot_seconds.saturating_add(charge.quantity);
        }
        self.interruptions += u64::from(charge.interrupted);
    }

    /// Adds a cost to the column of its kind.
    pub(super) fn add_cost(&mut self, kind: ChargeKind, cost: Usd) -> Result<(), MoneyError> {
        let slot = match kind {
            ChargeKind::Compute => &mut self.compute,
            ChargeKind::Storage => &mut self.storage,
            ChargeKind::PublicIpv4 => &mut self.public_ipv4,
        };
        *slot = slot.checked_add(cost)?;
        Ok(())
    }

    /// Adds another set of totals (a group's, to the overall).
    pub(super) fn absorb(&mut self, other: &Totals) -> Result<(), MoneyError> {
        self.compute = self.compute.checked_add(other.compute)?;
        self.storage = self.storage.checked_add(other.storage)?;
        self.public_ipv4 = self.public_ipv4.checked_add(other.public_ipv4)?;
        self.commitment = self.commitment.checked_add(other.commitment)?;
        self.billed_seconds = self.billed_seconds.saturating_add(other.billed_seconds);
        self.spot_seconds = self.spot_seconds.saturating_add(other.spot_seconds);
        self.interruptions = self.interruptions.saturating_add(other.interruptions);
        Ok(())
    }

    /// The total as a report prints it: the exact sum of the columns, rounded to cents once
    /// (the report apportions the printed columns to it: `report::rounding`).
    pub fn rounded_total(&self) -> Result<Usd, MoneyError> {
        Ok(Usd::checked_sum(self.columns())?.round_cents())
    }

    /// compute, storage, public IPv4, commitment: the summary's columns, in order.
    pub fn columns(&self) -> [Usd; 4] {
        [
            self.compute,
            self.storage,
            self.public_ipv4,
            self.commitment,
        ]
    }
}

/// Every charge of one strategy, summed overall and by the scenario's `group` column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub overall: Totals,
    /// Hashed, not ordered: a charge is booked per group, and reports sort the names once.
    pub groups: HashMap<Arc<str>, Totals>,
}
