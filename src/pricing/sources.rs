//! Where the catalog's figures come from: for each embedded file, a one-line citation and
//! the date of its figures; for a file `--pricing DIR` put in its place, that file's path.
//!
//! A cost is only as trustworthy as the prices behind it, so `pricing show` prints each
//! figure beside its source. The citations are short forms of the `#` headers of
//! `pricing/*.csv`; a test checks every embedded file has one, so a new file cannot ship
//! without saying where it came from.

use super::{Catalog, CatalogFile};
use std::collections::BTreeMap;
use std::path::Path;

/// The source of one embedded file, or of one part of it (`part`: a payment option of
/// reserved.csv, whose all-upfront and no-upfront rows come from different feeds).
struct Citation {
    file: &'static str,
    part: Option<&'static str>,
    source: &'static str,
    date: &'static str,
}

/// The feed most On-Demand, reservation and Spot figures come from.
const VANTAGE: &str = "AWS Price List via the ec2instances.info feed (GitHub \
jawaadjariwala/AWS-EC2-Pricing-Landscape-Analysis, commit b7dbceba)";
const VANTAGE_DATE: &str = "spring 2026";

const CITATIONS: [Citation; 12] = [
    Citation {
        file: "instance_types.csv",
        part: None,
        source: VANTAGE,
        date: VANTAGE_DATE,
    },
    Citation {
        file: "platforms.csv",
        part: None,
        source: "AWS Knowledge Center ec2-instance-hour-billing, and botocore 1.44.8 \
                 DescribeSpotPriceHistory product descriptions",
        date: "2026",
    },
    Citation {
        file: "on_demand.csv",
        part: None,
        source: VANTAGE,
        date: VANTAGE_DATE,
    },
    Citation {
        file: "ebs.csv",
        part: None,
        source: "AWS pricing-page feed ebs.json via GitHub yeo/ec2.shop, commit 576c890f",
        date: "2024-07-18",
    },
    Citation {
        file: "public_ipv4.csv",
        part: None,
        source: "AWS announcement of 2023-07-28 ($0.005 per public IPv4 address per hour)",
        date: "in effect since 2024-02-01",
    },
    Citation {
        file: "reserved.csv",
        part: None,
        source: "all upfront: AWS Price List via the ec2instances.info feed (commit b7dbceba); \
                 no upfront: AWS reserved-instance pricing feed via GitHub yeo/ec2.shop (commit 73696e38)",
        date: "spring 2026 and 2025-04-05",
    },
    Citation {
        file: "reserved.csv",
        part: Some("all-upfront"),
        source: VANTAGE,
        date: VANTAGE_DATE,
    },
    Citation {
        file: "reserved.csv",
        part: Some("no-upfront"),
        source: "AWS reserved-instance pricing feed via GitHub yeo/ec2.shop, commit 73696e38",
        date: "2025-04-05",
    },
    Citation {
        file: "spot_average.csv",
        part: None,
        source: "AWS Spot prices via the ec2instances.info feed (GitHub \
                 jawaadjariwala/AWS-EC2-Pricing-Landscape-Analysis, commit b7dbceba)",
        date: VANTAGE_DATE,
    },
    Citation {
        file: "spot_prices.csv",
        part: None,
        source: "describe-spot-price-history records via GitHub orf/spot-prices, commit 3990003c",
        date: "2026-01-16",
    },
    Citation {
        file: "spot_daily.csv",
        part: None,
        source: "daily regional Spot prices from Infracost's Price List dump via GitHub \
                 coroot/cloud-pricing (gh-pages, commits e1c0f613 to af03eada)",
        date: "2023-02-20 to 2024-08-09",
    },
    Citation {
        file: "spot_advisor.csv",
        part: None,
        source: "AWS Spot Instance Advisor feed via GitHub alexei-led/spotinfo, commit 4105b47a",
        date: "fetched 2026-08-10",
    },
];

/// Where normalization factors come from: they are part of the program, not of a file.
pub const NORMALIZATION_SOURCE: &str = "EC2 User Guide, Regional Reserved Instances: \
instance size flexibility (built into ec2plan)";

/// Where each file of a loaded catalog came from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// File name → the path of the user's file that replaced the embedded one.
    replaced: BTreeMap<&'static str, String>,
}

impl Sources {
    fn of_files(files: &[CatalogFile]) -> Sources {
        let replaced = files
            .iter()
            .filter_map(|f| Some((f.name(), f.replaced_by()?.to_string())))
            .collect();
        Sources { replaced }
    }

    /// One line naming where the figures of `file` came from: the user's file when
    /// `--pricing` replaced it, else the embedded file's citation and date. `part` picks a
    /// part's own citation where a file has several (reserved.csv by payment option).
    pub fn of(&self, file: &str, part: Option<&str>) -> String {
        if let Some(path) = self.replaced.get(file) {
            return format!("your file {path}");
        }
        let specific = CITATIONS
            .iter()
            .find(|c| c.file == file && part.is_some() && c.part == part);
        match specific.or_else(|| {
            CITATIONS
                .iter()
                .find(|c| c.file == file && c.part.is_none())
        }) {
            Some(c) => format!("{file}: {}, {}", c.source, c.date),
            None => format!("{file} (embedded)"),
        }
    }
}

impl Catalog {
    /// The catalog `embedded` (no `dir`) or `with_overrides` builds, with where each of its
    /// files came from, taken from the very files it was read from.
    pub fn load_with_sources(
        dir: Option<&Path>,
    ) -> Result<(Catalog, Sources), crate::error::Error> {
        let files = match dir {
            Some(dir) => CatalogFile::with_overrides(dir)?,
            None => CatalogFile::embedded_all(),
        };
        let catalog = Catalog::from_files(&files)?;
        Ok((catalog, Sources::of_files(&files)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_has_a_citation() {
        let sources = Sources::default();
        for name in CatalogFile::names() {
            assert!(
                CITATIONS.iter().any(|c| c.file == name && c.part.is_none()),
                "{name} has no citation"
            );
            assert!(sources.of(name, None).starts_with(name));
        }
    }

    #[test]
    fn reservations_are_cited_by_payment_option() {
        let sources = Sources::default();
        assert!(sources
            .of("reserved.csv", Some("no-upfront"))
            .contains("yeo/ec2.shop, commit 73696e38, 2025-04-05"));
        assert!(sources
            .of("reserved.csv", Some("all-upfront"))
            .contains("commit b7dbceba), spring 2026"));
        // No embedded partial-upfront rows: the file's own citation covers them.
        assert!(sources
            .of("reserved.csv", Some("partial-upfront"))
            .contains("2025-04-05"));
    }

    #[test]
    fn a_replaced_file_is_named_as_the_users() {
        let mut sources = Sources::default();
        sources
            .replaced
            .insert("on_demand.csv", "prices/on_demand.csv".into());
        assert_eq!(
            sources.of("on_demand.csv", None),
            "your file prices/on_demand.csv"
        );
        assert!(sources.of("ebs.csv", None).contains("2024-07-18"));
    }
}
