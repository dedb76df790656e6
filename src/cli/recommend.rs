//! `ec2plan recommend`: how many Reserved Instances to buy, per family, and why.
//!
//! `--out DIR` writes the recommendation as `recommendation.csv` and each pool's
//! cost-against-count chart, by the same rules as `simulate --out` (staged beside DIR,
//! moved in all at once under DIR's lock, DIR left holding this run's report only), so a
//! planner can keep the table's figures and the curves behind them together.

use super::input::ScenarioInput;
use super::reserve::require_prices;
use super::simulate::{load_catalog, open_with_progress, options, Reading};
use super::{Printed, RecommendArgs};
use crate::error::Error;
use crate::report::charts::draw_reservations;
use crate::report::{OutputDir, RecommendationReport};
use crate::simulation::{simulate, NoTimeline, Outcome, ReservedPlan};

pub fn run(args: &RecommendArgs) -> Result<Printed, Error> {
    let catalog = load_catalog(&args.catalog)?;
    require_prices(&catalog)?;
    let terms = args.offer.terms();
    let options = options(&args.replay, Some(ReservedPlan::Auto(terms)));
    let input = ScenarioInput::new(&args.scenario, false)?;
    // Before the replay, so a DIR that cannot be written is said at once, not after it.
    let out = args.out.as_deref().map(OutputDir::report).transpose()?;
    let reading = Reading {
        region: &args.catalog.region,
        until: args.replay.until,
        what_if: &args.what_if,
    };
    let (mut reader, progress) = open_with_progress(&reading, &input, &catalog, args.quiet)?;
    let outcome = simulate(reader.as_mut(), &catalog, &options, &mut NoTimeline)?;
    drop(progress);
    let report = RecommendationReport::new(&input.label, &outcome, terms)?;
    if let Some(out) = out {
        write_out(out, &report, &input.label, &outcome)?;
    }
    Ok(report.render(args.format).into())
}

/// `recommendation.csv` and the reservation charts, committed together.
fn write_out(
    mut out: OutputDir,
    report: &RecommendationReport,
    label: &str,
    outcome: &Outcome,
) -> Result<(), Error> {
    out.write("recommendation.csv", report.csv().as_bytes())?;
    let drawn = draw_reservations(out.staging_dir(), label, outcome)
        .map_err(|e| Error::write(out.target(), std::io::Error::other(e.to_string())))?;
    for name in drawn {
        out.path(&name);
    }
    out.commit()?;
    Ok(())
}
