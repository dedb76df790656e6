//! Instance families, sizes and normalization factors.
//!
//! Size flexibility lets a regional Linux reservation cover any size of its family in
//! proportion to the sizes' normalization factors (EC2 User Guide, "Regional Reserved
//! Instances: instance size flexibility"; docs/billing-rules.md): nano 0.25, micro 0.5,
//! small 1, medium 2, large 4, xlarge 8, and 8 per xlarge for the sizes the guide lists
//! (2xlarge 16 … 112xlarge 896).
//!
//! "The metal instance size does not have a single normalization factor. A bare metal
//! instance has the same normalization factor as the equivalent virtualized instance size
//! within the same instance family" (same page), which then lists the factor of each bare
//! metal type it names ([`METAL`]). Newer names say their equivalent size themselves
//! (`m7i.metal-48xl` is an `m7i.48xlarge`); for a `metal` the guide does not list, the
//! catalog finds the family's size with the same vCPU count (see `Catalog::normalization_factor`).

use rust_decimal::Decimal;

/// `m5.large` → (`m5`, `large`).
pub fn split_type(instance_type: &str) -> Option<(&str, &str)> {
    let (family, size) = instance_type.split_once('.')?;
    (!family.is_empty() && !size.is_empty()).then_some((family, size))
}

/// The bare metal types the EC2 User Guide lists with their normalization factors.
pub const METAL: [(&str, u32); 36] = [
    ("a1.metal", 32),
    ("m5zn.metal", 96),
    ("x2iezn.metal", 96),
    ("z1d.metal", 96),
    ("c6g.metal", 128),
    ("c6gd.metal", 128),
    ("i3.metal", 128),
    ("m6g.metal", 128),
    ("m6gd.metal", 128),
    ("r6g.metal", 128),
    ("r6gd.metal", 128),
    ("x2gd.metal", 128),
    ("c5n.metal", 144),
    ("c5.metal", 192),
    ("c5d.metal", 192),
    ("i3en.metal", 192),
    ("m5.metal", 192),
    ("m5d.metal", 192),
    ("m5dn.metal", 192),
    ("m5n.metal", 192),
    ("r5.metal", 192),
    ("r5b.metal", 192),
    ("r5d.metal", 192),
    ("r5dn.metal", 192),
    ("r5n.metal", 192),
    ("c6i.metal", 256),
    ("c6id.metal", 256),
    ("m6i.metal", 256),
    ("m6id.metal", 256),
    ("r6d.metal", 256),
    ("r6id.metal", 256),
    ("u-18tb1.metal", 448),
    ("u-24tb1.metal", 448),
    ("u-6tb1.metal", 896),
    ("u-9tb1.metal", 896),
    ("u-12tb1.metal", 896),
];

/// The sizes of the guide's table above xlarge, 8 per xlarge. 96xlarge (768) is in the
/// guide's newer Chinese edition only; the English page read lists the others.
const MULTIPLES: [u32; 16] = [2, 3, 4, 6, 8, 9, 10, 12, 16, 18, 24, 32, 48, 56, 96, 112];

/// The normalization factor of a size, `None` for sizes the guide gives none (`metal`, and
/// sizes it does not list, such as `64xlarge` and `224xlarge`).
pub fn normalization_factor(size: &str) -> Option<Decimal> {
    let fixed = match size {
        "nano" => Some(Decimal::new(25, 2)),
        "micro" => Some(Decimal::new(5, 1)),
        "small" => Some(Decimal::ONE),
        "medium" => Some(Decimal::from(2)),
        "large" => Some(Decimal::from(4)),
        "xlarge" => Some(Decimal::from(8)),
        _ => None,
    };
    fixed.or_else(|| {
        let multiple: u32 = size
            .strip_suffix("xlarge")
            .or_else(|| size.strip_prefix("metal-")?.strip_suffix("xl"))?
            .parse()
            .ok()?;
        MULTIPLES
            .contains(&multiple)
            .then(|| Decimal::from(multiple * 8))
    })
}

/// The factor the guide lists for a bare metal type, if it does.
pub fn listed_metal_factor(instance_type: &str) -> Option<Decimal> {
    METAL
        .iter()
        .find(|(name, _)| *name == instance_type)
        .map(|(_, factor)| Decimal::from(*factor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_follow_the_aws_table() {
        let cases = [
            ("nano", "0.25"),
            ("micro", "0.5"),
            ("small", "1"),
            ("medium", "2"),
            ("large", "4"),
            ("xlarge", "8"),
            ("2xlarge", "16"),
            ("3xlarge", "24"),
            ("12xlarge", "96"),
            ("48xlarge", "384"),
        ];
        for (size, factor) in cases {
            assert_eq!(
                normalization_factor(size),
                Some(factor.parse().unwrap()),
                "{size}"
            );
        }
        assert_eq!(normalization_factor("metal"), None);
        assert_eq!(normalization_factor("0xlarge"), None);
        // Sizes the guide does not list get none, rather than a guess.
        assert_eq!(normalization_factor("64xlarge"), None);
        assert_eq!(normalization_factor("224xlarge"), None);
        // 112xlarge is the guide's largest; metal-48xl names its equivalent size.
        assert_eq!(normalization_factor("112xlarge"), Some(Decimal::from(896)));
        assert_eq!(normalization_factor("metal-48xl"), Some(Decimal::from(384)));
        assert_eq!(listed_metal_factor("i3.metal"), Some(Decimal::from(128)));
    }

    #[test]
    fn a_type_splits_into_family_and_size() {
        assert_eq!(split_type("m5.large"), Some(("m5", "large")));
        assert_eq!(split_type("c7g.medium"), Some(("c7g", "medium")));
        assert_eq!(split_type("m5"), None);
    }
}
