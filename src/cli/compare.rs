//! `ec2plan compare`: several scenarios, or several what-if variants, side by side.

use super::reserve::reserved_plan;
use super::simulate::{
    keep_requested, load_catalog, open_source, options, printed, spot_options, with_markets,
    Reading,
};
use super::{CompareArgs, WhatIf};
use crate::error::Error;
use crate::report::{ComparisonReport, Summary};
use crate::simulation::{simulate, NoTimeline};

pub fn run(args: &CompareArgs) -> Result<super::Printed, Error> {
    let catalog = load_catalog(&args.catalog)?;
    let (plan, reserved_note) =
        reserved_plan(args.strategy, &args.reserve, &args.catalog, &catalog)?;
    let options = options(&args.replay, plan);
    let (mut options, spot_note) = spot_options(args.strategy, &args.spot, &catalog, options)?;
    let mut notes: Vec<String> = reserved_note.into_iter().chain(spot_note).collect();
    if args.spot.interruptions == super::Interruptions::Advisor {
        return Err(Error::Usage(
            "compare prices interruptions from the scenario; run simulate for --interruptions advisor".into(),
        ));
    }
    let mut variants: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for variant in &args.variant {
        let sets: Vec<String> = variant
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if sets.is_empty() {
            return Err(Error::Usage(
                "--variant needs at least one KEY=VALUE".into(),
            ));
        }
        variants.push((sets.join(","), sets));
    }
    let mut runs = Vec::new();
    for path in &args.scenarios {
        let input = super::input::ScenarioInput::new(path, variants.len() > 1)?;
        for (label, sets) in &variants {
            let what_if = WhatIf {
                set: args.what_if.set.iter().chain(sets).cloned().collect(),
                scale: args.what_if.scale,
            };
            let reading = Reading {
                region: &args.catalog.region,
                until: args.replay.until,
                what_if: &what_if,
            };
            let source = open_source(&input, &reading, &catalog)?;
            let interruptions = args.spot.interruptions;
            let mut source = with_markets(source, &catalog, interruptions, &mut options);
            let mut outcome = simulate(source.as_mut(), &catalog, &options, &mut NoTimeline)?;
            keep_requested(&mut outcome, args.strategy);
            let name = input.label.clone();
            let run_label = match label.is_empty() {
                true => name.clone(),
                false => format!("{name} [{label}]"),
            };
            for note in &outcome.notes {
                let note = format!("{run_label}: {note}");
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            let summary = Summary::new(&name, &outcome)?;
            runs.push((name, label.clone(), summary.strategies));
        }
    }
    let mut report = ComparisonReport::new(&runs);
    report.notes = notes;
    let format = args.format;
    Ok(printed(report.render(format), format, &report.notes))
}
