//! Instance families, sizes and normalization factors.
//!
//! Size flexibility lets a regional Linux reservation cover any size of its family in
//! proportion to the sizes' normalization factors (EC2 User Guide, "Instance size
//! flexibility"; billing-rules.md §7): nano 0.25, micro 0.5, small 1, medium 2, large 4,
//! xlarge 8, and 8 per xlarge above (2xlarge 16 … 48xlarge 384).

use rust_decimal::Decimal;

/// `m5.large` → (`m5`, `large`).
pub fn split_type(instance_type: &str) -> Option<(&str, &str)> {
    let (family, size) = instance_type.split_once('.')?;
    (!family.is_empty() && !size.is_empty()).then_some((family, size))
}

/// The normalization factor of a size, `None` for sizes AWS gives none here (`metal`).
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
        let multiple: u32 = size.strip_suffix("xlarge")?.parse().ok()?;
        (2..=48)
            .contains(&multiple)
            .then(|| Decimal::from(multiple * 8))
    })
}

/// The normalization factor of a whole type name.
pub fn type_factor(instance_type: &str) -> Option<Decimal> {
    split_type(instance_type).and_then(|(_, size)| normalization_factor(size))
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
    }

    #[test]
    fn a_type_splits_into_family_and_size() {
        assert_eq!(split_type("m5.large"), Some(("m5", "large")));
        assert_eq!(split_type("c7g.medium"), Some(("c7g", "medium")));
        assert_eq!(split_type("m5"), None);
        assert_eq!(type_factor("m5.2xlarge"), Some(Decimal::from(16)));
    }
}
