//! Palette: one fixed colour per strategy, the same in every chart.
//!
//! | strategy (or fleet category)                 | colour                  | hex       |
//! |----------------------------------------------|-------------------------|-----------|
//! | `on-demand` (`On-Demand`)                    | blue                    | `#0072B2` |
//! | `reserved` (`reservation-covered`)           | bluish green            | `#009E73` |
//! | `spot` (`Spot`)                              | orange                  | `#E69F00` |
//! | `mixed`                                      | reddish purple          | `#CC79A7` |
//! | `stopped`, `hibernated` (fleet only)         | grey                    | `#999999` |
//! | any other name, in order of appearance       | vermilion, sky blue, yellow, black | |
//!
//! The colours are the Okabe–Ito set, told apart by readers with the common forms of colour
//! blindness. Names match case-insensitively, with `_` or a space standing for `-`.
//!
//! In the monthly chart the charge kinds of one strategy are shades of its colour: compute
//! the colour itself, storage and public IPv4 lighter tints, commitment a darker shade.

use plotters::style::RGBColor;

pub const ON_DEMAND: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const RESERVED: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const SPOT: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const MIXED: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub const STOPPED: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// Colours for names outside the table, handed out in order.
const OTHERS: [RGBColor; 4] = [
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];

/// The fixed colour of a strategy or fleet category, if the name is one we know.
pub fn known(name: &str) -> Option<RGBColor> {
    let key = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    match key.as_str() {
        "on-demand" | "ondemand" => Some(ON_DEMAND),
        "reserved" | "reservation-covered" | "reserved-covered" => Some(RESERVED),
        "spot" => Some(SPOT),
        "mixed" => Some(MIXED),
        "stopped" | "hibernated" => Some(STOPPED),
        _ => None,
    }
}

/// Colours for `names` in order: the fixed colour where known, otherwise the next of the
/// spare colours (cycling if there are more unknown names than spares).
pub fn assign<S: AsRef<str>>(names: &[S]) -> Vec<RGBColor> {
    let mut spare = OTHERS.iter().cycle();
    names
        .iter()
        .map(|name| match known(name.as_ref()) {
            Some(colour) => colour,
            None => spare.next().copied().unwrap_or(STOPPED),
        })
        .collect()
}

/// The shade of `base` for the charge kind at `index` in stacking order
/// (compute, storage, public IPv4, commitment, then any other kind).
pub fn kind_shade(base: RGBColor, index: usize) -> RGBColor {
    match index {
        0 => base,
        1 => mix(base, WHITE, 0.45),
        2 => mix(base, WHITE, 0.72),
        3 => mix(base, BLACK, 0.45),
        _ => mix(base, BLACK, 0.7),
    }
}

const WHITE: RGBColor = RGBColor(255, 255, 255);
const BLACK: RGBColor = RGBColor(0, 0, 0);

/// `base` moved a fraction `t` of the way towards `towards`.
fn mix(base: RGBColor, towards: RGBColor, t: f64) -> RGBColor {
    let channel = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(
        channel(base.0, towards.0),
        channel(base.1, towards.1),
        channel(base.2, towards.2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategy_names_match_whatever_their_case_or_separator() {
        assert_eq!(known("On-Demand"), Some(ON_DEMAND));
        assert_eq!(known("on_demand"), Some(ON_DEMAND));
        assert_eq!(known("Spot"), Some(SPOT));
        assert_eq!(known("reservation-covered"), Some(RESERVED));
        assert_eq!(known("spot-fleet"), None);
    }

    #[test]
    fn unknown_names_get_distinct_spare_colours() {
        let colours = assign(&["on-demand", "a", "b"]);
        assert_eq!(colours[0], ON_DEMAND);
        assert_ne!(colours[1], colours[2]);
    }
}
