//! Reserved Instance offers: term, offering class, payment option and their prices.

use crate::money::{HourlyRate, MoneyError, Usd};
use rust_decimal::Decimal;
use std::fmt;

/// A reservation's term. AWS bills a 1-year term as 8,760 hours and 3 years as 26,280.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Term {
    #[value(name = "1yr")]
    OneYear,
    #[value(name = "3yr")]
    ThreeYears,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Offering {
    Standard,
    Convertible,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Payment {
    NoUpfront,
    PartialUpfront,
    AllUpfront,
}

impl Term {
    pub fn hours(self) -> u64 {
        match self {
            Term::OneYear => 8_760,
            Term::ThreeYears => 26_280,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Term::OneYear => "1yr",
            Term::ThreeYears => "3yr",
        }
    }

    pub fn parse(text: &str) -> Option<Term> {
        [Term::OneYear, Term::ThreeYears]
            .into_iter()
            .find(|t| t.name() == text)
    }
}

impl Offering {
    pub fn name(self) -> &'static str {
        match self {
            Offering::Standard => "standard",
            Offering::Convertible => "convertible",
        }
    }

    pub fn parse(text: &str) -> Option<Offering> {
        [Offering::Standard, Offering::Convertible]
            .into_iter()
            .find(|o| o.name() == text)
    }
}

impl Payment {
    pub fn name(self) -> &'static str {
        match self {
            Payment::NoUpfront => "no-upfront",
            Payment::PartialUpfront => "partial-upfront",
            Payment::AllUpfront => "all-upfront",
        }
    }

    pub fn parse(text: &str) -> Option<Payment> {
        [
            Payment::NoUpfront,
            Payment::PartialUpfront,
            Payment::AllUpfront,
        ]
        .into_iter()
        .find(|p| p.name() == text)
    }
}

macro_rules! display_by_name {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    )*};
}
display_by_name!(Term, Offering, Payment);

/// Which offer: term, offering class, payment option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfferTerms {
    pub term: Term,
    pub offering: Offering,
    pub payment: Payment,
}

impl Default for OfferTerms {
    fn default() -> OfferTerms {
        OfferTerms {
            term: Term::OneYear,
            offering: Offering::Standard,
            payment: Payment::NoUpfront,
        }
    }
}

impl fmt::Display for OfferTerms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.term, self.offering, self.payment)
    }
}

/// The price of one reservation: paid once at purchase, and per hour of the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReservedPrice {
    pub upfront: Usd,
    pub hourly: HourlyRate,
}

impl ReservedPrice {
    /// What one hour of the reservation costs with the upfront spread evenly over the
    /// term's hours (docs/billing-rules.md §7): `hourly + upfront / term hours`.
    pub fn effective_hourly(self, term: Term) -> Result<Decimal, MoneyError> {
        let amortized = self
            .upfront
            .amount()
            .checked_div(Decimal::from(term.hours()))
            .ok_or_else(MoneyError::overflow_of_upfront)?;
        self.hourly
            .per_hour()
            .checked_add(amortized)
            .ok_or_else(MoneyError::overflow_of_upfront)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upfront_is_amortized_over_the_term_hours() {
        // $876 upfront over 8,760 h = $0.10/h, plus $0.02/h recurring = $0.12/h.
        let price = ReservedPrice {
            upfront: Usd::new(Decimal::from(876)),
            hourly: HourlyRate::new("0.02".parse().unwrap()),
        };
        assert_eq!(
            price.effective_hourly(Term::OneYear).unwrap(),
            "0.12".parse().unwrap()
        );
        // Over 3 years: 876 / 26,280 = 0.0333…
        assert!(price.effective_hourly(Term::ThreeYears).unwrap() < "0.0534".parse().unwrap());
    }

    #[test]
    fn names_round_trip() {
        for term in [Term::OneYear, Term::ThreeYears] {
            assert_eq!(Term::parse(term.name()), Some(term));
        }
        assert_eq!(
            Payment::parse("partial-upfront"),
            Some(Payment::PartialUpfront)
        );
        assert_eq!(Offering::parse("convertible"), Some(Offering::Convertible));
    }
}
