//! Strategy: the purchase options a scenario can be priced under.
//!
//! Owns how usage is paid for. On-Demand is the baseline every other strategy is measured
//! against; Reserved Instances cover On-Demand usage clock hour by clock hour
//! ([`coverage`], [`reserved`], [`allocation`]) and [`recommend`] chooses how many to buy;
//! [`market`] puts each launch on Spot or On-Demand for the Spot and mixed strategies, and
//! [`interruptions`] is the seeded model of AWS reclaiming Spot capacity.

pub mod allocation;
pub mod coverage;
pub mod interruptions;
pub mod market;
pub mod recommend;
pub mod reserved;

pub use recommend::{portfolio_of, recommend, Recommendation};
pub use reserved::{price_reserved, Portfolio, Reservation, ReservedStats, RESERVATIONS_GROUP};

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    OnDemand,
    Reserved,
    Spot,
    Mixed,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::OnDemand,
        Strategy::Reserved,
        Strategy::Spot,
        Strategy::Mixed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::OnDemand => "on-demand",
            Strategy::Reserved => "reserved",
            Strategy::Spot => "spot",
            Strategy::Mixed => "mixed",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
