//! `ec2plan recommend`: how many Reserved Instances to buy, per family, and why.

use super::reserve::require_prices;
use super::simulate::{load_catalog, open_scenario, options};
use super::SimulateArgs;
use crate::error::Error;
use crate::pricing::OfferTerms;
use crate::report::RecommendationReport;
use crate::simulation::{simulate, NoTimeline, ReservedPlan};

pub fn run(args: &SimulateArgs) -> Result<String, Error> {
    let catalog = load_catalog(&args.run)?;
    require_prices(&catalog)?;
    let terms = OfferTerms {
        term: args.run.reserve.term,
        offering: args.run.reserve.offering,
        payment: args.run.reserve.payment,
    };
    let options = options(&args.run, Some(ReservedPlan::Auto(terms)));
    let input = super::input::ScenarioInput::new(&args.scenario, false)?;
    let mut reader = open_scenario(args, &input, &catalog)?;
    let outcome = simulate(reader.as_mut(), &catalog, &options, &mut NoTimeline)?;
    let report = RecommendationReport::new(&input.label, &outcome, terms)?;
    Ok(report.render(args.run.format))
}
