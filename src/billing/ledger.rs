//! The ledger: charges summed by kind, overall and per group.

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
    fn add(&mut self, charge: &Charge) -> Result<(), MoneyError> {
        let slot = match charge.kind {
            ChargeKind::Compute => {
                self.billed_seconds = self.billed_seconds.saturating_add(charge.quantity);
                if charge.market == crate::scenario::Market::Spot {
                    self.spot_seconds = self.spot_seconds.saturating_add(charge.quantity);
                }
                self.interruptions += u64::from(charge.interrupted);
                &mut self.compute
            }
            ChargeKind::Storage => &mut self.storage,
            ChargeKind::PublicIpv4 => &mut self.public_ipv4,
        };
        *slot = slot.checked_add(charge.cost)?;
        Ok(())
    }

    /// The total as a report prints it: the sum of the columns each rounded to cents, so
    /// the printed columns always add up to the printed total.
    pub fn rounded_total(&self) -> Result<Usd, MoneyError> {
        Usd::checked_sum(self.columns().map(Usd::round_cents))
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

impl Ledger {
    pub fn add(&mut self, charge: &Charge) -> Result<(), MoneyError> {
        self.overall.add(charge)?;
        if let Some(totals) = self.groups.get_mut(&charge.spec.group) {
            return totals.add(charge);
        }
        let mut totals = Totals::default();
        totals.add(charge)?;
        self.groups.insert(Arc::clone(&charge.spec.group), totals);
        Ok(())
    }
}
