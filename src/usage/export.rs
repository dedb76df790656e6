//! Which usage export a file is, told by its header, and where its columns are.
//!
//! Three layouts carry what ran, hour by hour and resource by resource:
//!
//! - AWS's **FOCUS 1.0 with AWS columns** export: FOCUS's `ResourceId`,
//!   `ChargePeriodStart`/`End`, `ConsumedQuantity`, `ChargeCategory`, `RegionId`, and AWS's
//!   `x_UsageType` and `x_Operation`, which name the instance type and operating system.
//! - **ec2plan's own line items** (`simulate --out`): FOCUS columns too, with the usage in
//!   `SkuId` (`AmazonEC2/us-east-1/BoxUsage:m5.large/linux`) and one set of rows per
//!   `x_Strategy`; only the On-Demand strategy's rows are read (every strategy runs the same
//!   instances).
//! - **CUR 2.0** (and the legacy CUR, whose `lineItem/UsageType` names compare alike):
//!   `line_item_resource_id`, `line_item_usage_start_date`/`end_date`,
//!   `line_item_usage_amount`, `line_item_usage_type`, `line_item_operation`,
//!   `line_item_line_item_type`, `product_region_code`, `pricing_term`.
//!
//! A header that is none of these is refused with the columns each needs.

/// The columns a row is read through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Resource,
    Start,
    End,
    Quantity,
    UsageType,
    Operation,
    Region,
    /// FOCUS ChargeCategory, or CUR's line item type.
    Category,
    /// FOCUS ChargeClass (`Correction` rows are left out).
    Class,
    /// FOCUS PricingCategory (`Dynamic` is Spot), or CUR's pricing term (`Spot`).
    Pricing,
    /// ec2plan's `x_Strategy`.
    Strategy,
    /// ec2plan's `x_Group`.
    Group,
}

impl Col {
    pub const ALL: [Col; 12] = [
        Col::Resource,
        Col::Start,
        Col::End,
        Col::Quantity,
        Col::UsageType,
        Col::Operation,
        Col::Region,
        Col::Category,
        Col::Class,
        Col::Pricing,
        Col::Strategy,
        Col::Group,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// The layout of a usage export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Focus,
    Ec2plan,
    Cur,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Focus => "a FOCUS 1.0 export",
            Format::Ec2plan => "ec2plan line items",
            Format::Cur => "a CUR 2.0 export",
        }
    }

    /// The header name of each column in this layout, and whether the layout needs it.
    fn names(self) -> [(Col, &'static str, bool); 12] {
        match self {
            Format::Focus | Format::Ec2plan => {
                let ec2plan = self == Format::Ec2plan;
                [
                    (Col::Resource, "ResourceId", true),
                    (Col::Start, "ChargePeriodStart", true),
                    (Col::End, "ChargePeriodEnd", true),
                    (Col::Quantity, "ConsumedQuantity", true),
                    // ec2plan's SkuId carries the usage type; AWS's is an opaque code.
                    (
                        Col::UsageType,
                        if ec2plan { "SkuId" } else { "x_UsageType" },
                        true,
                    ),
                    (Col::Operation, "x_Operation", false),
                    (Col::Region, "RegionId", true),
                    (Col::Category, "ChargeCategory", true),
                    (Col::Class, "ChargeClass", false),
                    (Col::Pricing, "PricingCategory", false),
                    (Col::Strategy, "x_Strategy", ec2plan),
                    (Col::Group, "x_Group", false),
                ]
            }
            Format::Cur => [
                (Col::Resource, "line_item_resource_id", true),
                (Col::Start, "line_item_usage_start_date", true),
                (Col::End, "line_item_usage_end_date", true),
                (Col::Quantity, "line_item_usage_amount", true),
                (Col::UsageType, "line_item_usage_type", true),
                (Col::Operation, "line_item_operation", false),
                (Col::Region, "product_region_code", true),
                (Col::Category, "line_item_line_item_type", true),
                (Col::Class, "", false),
                (Col::Pricing, "pricing_term", false),
                (Col::Strategy, "", false),
                (Col::Group, "", false),
            ],
        }
    }
}

/// A header name as compared: without a byte-order mark or blanks; for CUR, lower case
/// without `_` and `/`, so `line_item_usage_type` (CUR 2.0) and `lineItem/UsageType` (the
/// legacy CUR) are the same column.
fn key(format: Format, name: &str) -> String {
    let name = name.trim_start_matches('\u{feff}').trim();
    match format {
        Format::Cur => name
            .chars()
            .filter(|c| !matches!(c, '_' | '/'))
            .flat_map(char::to_lowercase)
            .collect(),
        _ => name.to_string(),
    }
}

/// Where the columns of a file are.
#[derive(Debug, Clone)]
pub struct Columns {
    pub format: Format,
    positions: [Option<usize>; 12],
    /// The header's names, for messages.
    names: Vec<String>,
}

impl Columns {
    /// The layout of a header and its columns' positions; the problem (the end of a sentence)
    /// when it is no usage export or lacks a column its layout needs.
    pub fn find(header: &[String]) -> Result<Columns, String> {
        let has = |name: &str| header.iter().any(|h| key(Format::Focus, h) == name);
        let format = if has("ChargePeriodStart") && has("x_Strategy") {
            Format::Ec2plan
        } else if has("ChargePeriodStart") {
            Format::Focus
        } else if header
            .iter()
            .any(|h| key(Format::Cur, h).starts_with("lineitem"))
        {
            Format::Cur
        } else {
            return Err(
                "the header is neither a FOCUS export's (ResourceId, ChargePeriodStart, \
                 ChargePeriodEnd, ConsumedQuantity, ChargeCategory, RegionId, x_UsageType, \
                 x_Operation) nor a CUR 2.0 export's (line_item_resource_id, \
                 line_item_usage_start_date, line_item_usage_end_date, line_item_usage_amount, \
                 line_item_usage_type, line_item_operation, line_item_line_item_type, \
                 product_region_code); is this a usage export?"
                    .to_string(),
            );
        };
        let mut positions = [None; 12];
        for (col, name, needed) in format.names() {
            if name.is_empty() {
                continue;
            }
            let wanted = key(format, name);
            let mut found = header
                .iter()
                .enumerate()
                .filter(|(_, h)| key(format, h) == wanted)
                .map(|(i, _)| i);
            let first = found.next();
            if let (Some(a), Some(b)) = (first, found.next()) {
                return Err(format!(
                    "the header has two \"{name}\" columns ({} and {})",
                    a + 1,
                    b + 1
                ));
            }
            if first.is_none() && needed {
                return Err(missing(format, name));
            }
            positions[col.index()] = first;
        }
        Ok(Columns {
            format,
            positions,
            names: header.to_vec(),
        })
    }

    /// The position of a column in the file, if it has it.
    pub fn position(&self, col: Col) -> Option<usize> {
        self.positions[col.index()]
    }

    /// The header name of the column at `index`.
    pub fn name_at(&self, index: usize) -> &str {
        self.names
            .get(index)
            .map_or("", |n| n.trim_start_matches('\u{feff}').trim())
    }

    /// Every position read, with its column.
    pub fn read(&self) -> impl Iterator<Item = (Col, usize)> + '_ {
        Col::ALL
            .into_iter()
            .filter_map(|c| self.position(c).map(|p| (c, p)))
    }
}

/// Why a recognised layout cannot be read without `name`.
fn missing(format: Format, name: &str) -> String {
    let why = match (format, name) {
        (Format::Focus, "x_UsageType") => {
            "which names each row's instance type, volume type or address; export AWS's \
             \"FOCUS 1.0 with AWS columns\" table, which has it"
        }
        (Format::Cur, "line_item_resource_id") => {
            "which names each instance; create the export with INCLUDE_RESOURCES, which adds it"
        }
        _ => "which from-usage needs",
    };
    format!(
        "this looks like {} but the header has no \"{name}\" column, {why}",
        format.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn headers_tell_the_layout() {
        let cur = header(&[
            "line_item_resource_id",
            "line_item_usage_start_date",
            "line_item_usage_end_date",
            "line_item_usage_amount",
            "line_item_usage_type",
            "line_item_line_item_type",
            "product_region_code",
        ]);
        let columns = Columns::find(&cur).unwrap();
        assert_eq!(columns.format, Format::Cur);
        assert_eq!(columns.position(Col::Quantity), Some(3));
        assert_eq!(columns.position(Col::Operation), None);
        let legacy = header(&[
            "lineItem/ResourceId",
            "lineItem/UsageStartDate",
            "lineItem/UsageEndDate",
            "lineItem/UsageAmount",
            "lineItem/UsageType",
            "lineItem/LineItemType",
            "product/regionCode",
        ]);
        assert_eq!(Columns::find(&legacy).unwrap().format, Format::Cur);
        let problem = Columns::find(&header(&["time", "instance", "action"])).unwrap_err();
        assert!(problem.contains("line_item_usage_type"), "{problem}");
        let focus = header(&[
            "ResourceId",
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "ConsumedQuantity",
            "ChargeCategory",
            "RegionId",
        ]);
        let problem = Columns::find(&focus).unwrap_err();
        assert!(problem.contains("\"x_UsageType\""), "{problem}");
    }
}
