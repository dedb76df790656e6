//! `ec2plan recommend`: how many Reserved Instances to buy, per family, and why.

use super::reserve::require_prices;
use super::simulate::{load_catalog, open_scenario, options};
use super::SimulateArgs;
use crate::error::Error;
use crate::pricing::OfferTerms;
use crate::report::RecommendationReport;
use crate::simulation::{simulate, NoTimeline, ReservedPlan};

pub fn run(args: &SimulateArgs) -> Result<String, Error> {
    let catalog = load_catalog(args)?;
    require_prices(&catalog)?;
    let terms = OfferTerms {
        term: args.reserve.term,
        offering: args.reserve.offering,
        payment: args.reserve.payment,
    };
    let options = options(args, Some(ReservedPlan::Auto(terms)));
    let mut reader = open_scenario(args, &catalog)?;
    let outcome = simulate(&mut reader, &catalog, &options, &mut NoTimeline)?;
    let report = RecommendationReport::new(&args.scenario.display().to_string(), &outcome, terms)?;
    Ok(report.render(args.format))
}
