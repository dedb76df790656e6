//! `--reserve`, `--term`, `--offering`, `--payment`: which reservations to price.

use super::{CatalogFlags, ReserveFlags, StrategyArg};
use crate::error::Error;
use crate::location::{closest_names, did_you_mean};
use crate::pricing::{Catalog, OfferTerms};
use crate::simulation::ReservedPlan;
use crate::strategy::reserved::Requested;
use std::sync::Arc;

/// More reservations of one type than this is surely a typo, not a plan.
const MAX_COUNT: u64 = 1_000_000;

/// The reserved plan the flags ask for, and a note when `all` leaves reservations out.
pub fn reserved_plan(
    strategy: StrategyArg,
    flags: &ReserveFlags,
    prices: &CatalogFlags,
    catalog: &Catalog,
) -> Result<(Option<ReservedPlan>, Option<String>), Error> {
    let terms = flags.offer.terms();
    let given = &flags.reserve;
    match strategy {
        StrategyArg::OnDemand if !given.is_empty() => Err(Error::Usage(
            "--reserve applies to --strategy reserved or all, not on-demand".into(),
        )),
        StrategyArg::Reserved | StrategyArg::All if !given.is_empty() => {
            Ok((Some(parse(given, &prices.region, catalog, terms)?), None))
        }
        StrategyArg::Reserved => {
            require_prices(catalog)?;
            Ok((Some(ReservedPlan::Auto(terms)), None))
        }
        StrategyArg::All if catalog.has_reserved_prices() => {
            Ok((Some(ReservedPlan::Auto(terms)), None))
        }
        StrategyArg::All => Ok((None, Some(NO_PRICES_NOTE.to_string()))),
        _ => Ok((None, None)),
    }
}

const NO_PRICES_NOTE: &str =
    "reserved: not priced, because the price catalog has no Reserved Instance prices; \
import AWS's price list with `ec2plan pricing import` and pass it with --pricing";

/// `auto` needs prices to choose from.
pub fn require_prices(catalog: &Catalog) -> Result<(), Error> {
    if catalog.has_reserved_prices() {
        return Ok(());
    }
    Err(Error::Usage(
        "the price catalog has no Reserved Instance prices; import AWS's price list with \
         `ec2plan pricing import` and pass it with --pricing"
            .into(),
    ))
}

fn parse(
    given: &[String],
    region: &str,
    catalog: &Catalog,
    terms: OfferTerms,
) -> Result<ReservedPlan, Error> {
    if given.iter().any(|g| g == "auto") {
        if given.len() > 1 {
            return Err(Error::Usage(
                "--reserve auto cannot be combined with TYPE=COUNT".into(),
            ));
        }
        require_prices(catalog)?;
        return Ok(ReservedPlan::Auto(terms));
    }
    let mut requested: Vec<Requested> = Vec::new();
    for text in given {
        let one = parse_one(text, region, catalog)?;
        if requested
            .iter()
            .any(|r| r.instance_type == one.instance_type && r.os == one.os)
        {
            let problem = format!(
                "--reserve names {} twice; give one count per type (and operating system)",
                text.split('=').next().unwrap_or(text).trim()
            );
            return Err(Error::Usage(problem));
        }
        requested.push(one);
    }
    Ok(ReservedPlan::Requested(requested, terms))
}

/// `TYPE=COUNT` or `TYPE:OS=COUNT`.
fn parse_one(text: &str, region: &str, catalog: &Catalog) -> Result<Requested, Error> {
    let usage = |problem: String| {
        Error::Usage(format!(
            "--reserve {text:?}: {problem}",
            text = crate::location::excerpt(&text)
        ))
    };
    let Some((what, count)) = text.split_once('=') else {
        return Err(usage(
            "write TYPE=COUNT or TYPE:OS=COUNT (for example m5.large=3 or m5.large:windows=3), or auto"
                .into(),
        ));
    };
    let (instance_type, os) = match what.split_once(':') {
        Some((instance_type, os)) => (instance_type.trim(), Some(os.trim())),
        None => (what.trim(), None),
    };
    if catalog.instance_type(instance_type).is_none() {
        let hint = did_you_mean(&closest_names(instance_type, catalog.instance_type_names()));
        return Err(usage(format!(
            "unknown instance type {instance_type:?}{hint}",
            instance_type = crate::location::excerpt(&instance_type)
        )));
    }
    if let Some(os) = os {
        if catalog.platform(os).is_none() {
            let hint = did_you_mean(&closest_names(os, catalog.os_names()));
            let known: Vec<&str> = catalog.os_names().collect();
            return Err(usage(format!(
                "unknown operating system {os:?}{hint} (the catalog prices {})",
                known.join(", "),
                os = crate::location::excerpt(&os)
            )));
        }
    }
    let count: u64 = count.trim().parse().map_err(|_| {
        usage(format!(
            "the count {:?} is not a whole number",
            crate::location::excerpt(count.trim())
        ))
    })?;
    if count > MAX_COUNT {
        return Err(usage(format!(
            "{count} reservations is more than the {MAX_COUNT} ec2plan accepts"
        )));
    }
    Ok(Requested {
        instance_type: Arc::from(instance_type),
        region: Arc::from(region),
        os: os.map(Arc::from),
        count,
    })
}
