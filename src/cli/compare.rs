//! `ec2plan compare`: several scenarios, or several what-if variants, side by side.

use super::reserve::reserved_plan;
use super::simulate::{
    keep_requested, load_catalog, open_source, options, printed, spot_options, with_markets,
};
use super::{CompareArgs, WhatIf};
use crate::error::Error;
use crate::report::{ComparisonReport, Summary};
use crate::simulation::{simulate, NoTimeline};

pub fn run(args: &CompareArgs) -> Result<super::Printed, Error> {
    if let Some(dir) = &args.run.out {
        // Accepted by the shared run flags, but compare has no files to write: refused rather
        // than ignored, so nobody waits for a directory that never comes.
        return Err(Error::Usage(format!(
            "--out {} writes one run's files; compare prints a table only: run `ec2plan simulate SCENARIO --out DIR` for each scenario",
            dir.display()
        )));
    }
    let catalog = load_catalog(&args.run)?;
    let (plan, reserved_note) = reserved_plan(&args.run, &catalog)?;
    let (mut options, spot_note) = spot_options(&args.run, &catalog, options(&args.run, plan))?;
    let mut notes: Vec<String> = reserved_note.into_iter().chain(spot_note).collect();
    if args.run.later.interruptions == super::Interruptions::Advisor {
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
                set: args.run.what_if.set.iter().chain(sets).cloned().collect(),
                scale: args.run.what_if.scale,
            };
            let source = open_source(&input, &args.run.region, args.run.until, &what_if, &catalog)?;
            let mut source = with_markets(source, &catalog, &args.run, &mut options);
            let mut outcome = simulate(source.as_mut(), &catalog, &options, &mut NoTimeline)?;
            keep_requested(&mut outcome, args.run.strategy);
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
    let format = args.run.format;
    Ok(printed(report.render(format), format, &report.notes))
}
