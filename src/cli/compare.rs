//! `ec2plan compare`: several scenarios, or several what-if variants, side by side.

use super::reserve::reserved_plan;
use super::simulate::{keep_requested, load_catalog, open_source, options};
use super::{CompareArgs, WhatIf};
use crate::error::Error;
use crate::report::{ComparisonReport, Summary};
use crate::simulation::{simulate, NoTimeline};

pub fn run(args: &CompareArgs) -> Result<String, Error> {
    let catalog = load_catalog(&args.run)?;
    let (plan, _) = reserved_plan(&args.run, &catalog)?;
    let options = options(&args.run, plan);
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
        for (label, sets) in &variants {
            let what_if = WhatIf {
                set: args.run.what_if.set.iter().chain(sets).cloned().collect(),
                scale: args.run.what_if.scale,
            };
            let mut source =
                open_source(path, &args.run.region, args.run.until, &what_if, &catalog)?;
            let mut outcome = simulate(source.as_mut(), &catalog, &options, &mut NoTimeline)?;
            keep_requested(&mut outcome, args.run.strategy);
            let name = path.display().to_string();
            let summary = Summary::new(&name, &outcome)?;
            runs.push((name, label.clone(), summary.strategies));
        }
    }
    Ok(ComparisonReport::new(&runs).render(args.run.format))
}
