//! Money: the `Usd` amount type and hourly / monthly rates.
//!
//! Owns exact decimal arithmetic for every charge. Every operation that can overflow is
//! checked and returns [`MoneyError`], because a finance tool must refuse an absurd input
//! rather than wrap or panic. Rounding happens once, at the edge of a report
//! ([`Usd::round_cents`]); everything inside keeps full precision. Knows nothing of
//! instances, files or reports.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;
use std::str::FromStr;

/// Seconds in an hour: hourly rates are prorated per second over this many seconds.
pub const SECONDS_PER_HOUR: u64 = 3_600;

/// An arithmetic result that does not fit the money type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a cost is too large to compute exactly ({what} overflowed)")]
pub struct MoneyError {
    what: &'static str,
}

impl MoneyError {
    fn overflow(what: &'static str) -> MoneyError {
        MoneyError { what }
    }

    pub(crate) fn overflow_of_upfront() -> MoneyError {
        MoneyError::overflow("an amortized upfront fee")
    }

    pub(crate) fn overflow_of_spot() -> MoneyError {
        MoneyError::overflow("a Spot charge")
    }

    pub(crate) fn overflow_of_sum() -> MoneyError {
        MoneyError::overflow("a sum of charges")
    }

    pub(crate) fn overflow_of_coverage() -> MoneyError {
        MoneyError::overflow("a reservation coverage figure")
    }
}

/// An amount of US dollars, exact to 28 significant digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Usd(Decimal);

impl Usd {
    pub const ZERO: Usd = Usd(Decimal::ZERO);

    pub fn new(amount: Decimal) -> Usd {
        Usd(amount)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    pub fn checked_add(self, other: Usd) -> Result<Usd, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Usd)
            .ok_or_else(|| MoneyError::overflow("a sum of charges"))
    }

    pub fn checked_sub(self, other: Usd) -> Result<Usd, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Usd)
            .ok_or_else(|| MoneyError::overflow("a difference of charges"))
    }

    /// Sums amounts, failing on the first overflow.
    pub fn checked_sum<I: IntoIterator<Item = Usd>>(items: I) -> Result<Usd, MoneyError> {
        items
            .into_iter()
            .try_fold(Usd::ZERO, |acc, item| acc.checked_add(item))
    }

    /// Rounds half away from zero to whole cents: the one rounding a report applies.
    pub fn round_cents(self) -> Usd {
        Usd(self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// The amount with exactly two decimals, as reports print it.
    pub fn cents_string(self) -> String {
        format!("{:.2}", self.round_cents().0)
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

/// A price in USD per hour (instance usage, public IPv4), billed per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HourlyRate(Decimal);

impl HourlyRate {
    pub fn new(per_hour: Decimal) -> HourlyRate {
        HourlyRate(per_hour)
    }

    pub fn per_hour(self) -> Decimal {
        self.0
    }

    /// The cost of `seconds` at this rate: `rate × seconds / 3600`.
    pub fn cost_of_seconds(self, seconds: u64) -> Result<Usd, MoneyError> {
        prorate(self.0, u128::from(seconds), SECONDS_PER_HOUR)
            .ok_or_else(|| MoneyError::overflow("an hourly charge"))
    }
}

/// A price in USD per GB-month (EBS storage), prorated per second of the calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthlyRate(Decimal);

impl MonthlyRate {
    pub fn new(per_gb_month: Decimal) -> MonthlyRate {
        MonthlyRate(per_gb_month)
    }

    pub fn per_gb_month(self) -> Decimal {
        self.0
    }

    /// The cost of `gb` provisioned for `seconds` of a month that lasts `month_seconds`:
    /// `rate × gb × seconds / month_seconds`, AWS's own proration (docs/billing-rules.md §4).
    pub fn cost_of(self, gb: u64, seconds: u64, month_seconds: u64) -> Result<Usd, MoneyError> {
        self.cost_of_gb_seconds(u128::from(gb) * u128::from(seconds), month_seconds)
    }

    /// The cost of `gb_seconds` GB-seconds in a month that lasts `month_seconds`.
    pub fn cost_of_gb_seconds(
        self,
        gb_seconds: u128,
        month_seconds: u64,
    ) -> Result<Usd, MoneyError> {
        prorate(self.0, gb_seconds, month_seconds)
            .ok_or_else(|| MoneyError::overflow("a storage charge"))
    }
}

/// `price × quantity / per`: a price per `per` units applied to `quantity` of them, as every
/// rate-priced charge (and every sum of such charges) is costed. Multiplies before dividing
/// so that whole periods come out exact; `None` when it does not fit the money type.
pub(crate) fn prorate(price: Decimal, quantity: u128, per: u64) -> Option<Usd> {
    let quantity = Decimal::try_from_i128_with_scale(i128::try_from(quantity).ok()?, 0).ok()?;
    price
        .checked_mul(quantity)?
        .checked_div(Decimal::from(per))
        .map(Usd)
}

/// Why a price string from a file is not a usable rate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceParseError {
    #[error("{:?} is not a decimal number", crate::location::excerpt(.0))]
    NotANumber(String),
    #[error("{} is negative; it must be zero or more", crate::location::excerpt(.0))]
    Negative(String),
    #[error(
        "{} is more than 1,000,000,000, the largest amount ec2plan accepts in a price file",
        crate::location::excerpt(.0)
    )]
    TooLarge(String),
}

/// The largest price (per hour, per GB-month, or upfront) ec2plan accepts. Every product of a
/// price, a century of seconds and a million instances then fits the money type, so no later
/// arithmetic can overflow on a price read from a file.
const MAX_PRICE: i64 = 1_000_000_000;

/// Parses a non-negative decimal price as written in a price file (`0.096`, `1e-3` is refused).
pub fn parse_price(text: &str) -> Result<Decimal, PriceParseError> {
    let value = Decimal::from_str(text.trim()).map_err(|_| too_large_or_not_a_number(text))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(PriceParseError::Negative(text.to_string()));
    }
    if value > Decimal::from(MAX_PRICE) {
        return Err(PriceParseError::TooLarge(text.to_string()));
    }
    Ok(value)
}

/// Why a text the decimal type cannot hold is refused: a number too large for it (`1e40`)
/// gets the limit's message, like `1e10`, and only what is no number at all is "not a number".
fn too_large_or_not_a_number(text: &str) -> PriceParseError {
    let owned = || text.to_string();
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value < 0.0 => PriceParseError::Negative(owned()),
        Ok(value) if value.is_finite() && value > MAX_PRICE as f64 => {
            PriceParseError::TooLarge(owned())
        }
        _ => PriceParseError::NotANumber(owned()),
    }
}

/// `text` (a plain decimal such as `-1234.5`) with a comma between each group of three
/// digits of its whole part; anything that is not such a decimal comes back unchanged. For
/// people only: the human tables and the charts' labels (CSV and JSON keep plain decimals).
pub fn grouped_digits(text: &str) -> String {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !fraction.is_none_or(digits) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_whole_hour_costs_exactly_the_hourly_rate() {
        // m5.large Linux us-east-1: $0.096/h; 3,600 s → $0.096.
        let rate = HourlyRate::new(dec!(0.096));
        assert_eq!(rate.cost_of_seconds(3_600).unwrap(), Usd::new(dec!(0.096)));
    }

    #[test]
    fn sixty_seconds_cost_one_sixtieth_of_an_hour() {
        // $0.096 × 60 / 3600 = $0.0016.
        let rate = HourlyRate::new(dec!(0.096));
        assert_eq!(rate.cost_of_seconds(60).unwrap(), Usd::new(dec!(0.0016)));
    }

    #[test]
    fn aws_ebs_example_two_thousand_gb_for_twelve_hours() {
        // docs/billing-rules.md §4: $0.125 × 2,000 × 43,200 / (86,400 × 30) = $4.1666…
        let rate = MonthlyRate::new(dec!(0.125));
        let cost = rate.cost_of(2_000, 43_200, 86_400 * 30).unwrap();
        assert_eq!(cost.cents_string(), "4.17");
        assert!(cost.amount() > dec!(4.1666) && cost.amount() < dec!(4.1667));
    }

    #[test]
    fn rounding_to_cents_is_half_away_from_zero() {
        assert_eq!(Usd::new(dec!(0.005)).cents_string(), "0.01");
        assert_eq!(Usd::new(dec!(0.0049999)).cents_string(), "0.00");
        assert_eq!(Usd::new(dec!(12)).cents_string(), "12.00");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let huge = Usd::new(Decimal::MAX);
        assert!(huge.checked_add(Usd::new(dec!(1))).is_err());
        let rate = HourlyRate::new(Decimal::MAX);
        assert_eq!(
            rate.cost_of_seconds(u64::MAX).unwrap_err().to_string(),
            "a cost is too large to compute exactly (an hourly charge overflowed)"
        );
    }

    #[test]
    fn prices_must_be_non_negative_decimals() {
        assert_eq!(parse_price("0.0104").unwrap(), dec!(0.0104));
        assert_eq!(
            parse_price("-1").unwrap_err().to_string(),
            "-1 is negative; it must be zero or more"
        );
        assert_eq!(
            parse_price("abc").unwrap_err().to_string(),
            "\"abc\" is not a decimal number"
        );
        assert_eq!(
            parse_price("1e40").unwrap_err().to_string(),
            "1e40 is more than 1,000,000,000, the largest amount ec2plan accepts in a price file"
        );
        assert_eq!(
            parse_price("79228162514264337593543950335").unwrap_err().to_string(),
            "79228162514264337593543950335 is more than 1,000,000,000, the largest amount ec2plan accepts in a price file"
        );
    }
}
