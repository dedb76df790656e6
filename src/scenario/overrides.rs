//! `--set KEY=VALUE` and `--set GROUP.KEY=VALUE`: what-if overrides of attribute columns.
//!
//! An override replaces a column's value for every launch (or every launch of one group)
//! before the launch is checked, so an overridden instance type is validated and priced
//! like one written in the file. Keys and simple values are checked when the flag is read.

use super::attributes::{parse_flag, parse_size, Cells};
use super::columns::Col;
use crate::location::{closest_names, did_you_mean, LocatedError};
use crate::pricing::{Catalog, VolumeType};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The keys `--set` accepts: every attribute column, and a schedule's `scale_in`.
fn keys() -> impl Iterator<Item = Col> {
    Col::ATTRIBUTES.into_iter().chain([Col::ScaleIn])
}

/// One override and the flag text it came from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Override {
    value: String,
    flag: Arc<str>,
}

/// All `--set` flags, by scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    global: BTreeMap<&'static str, Override>,
    groups: BTreeMap<String, BTreeMap<&'static str, Override>>,
}

impl Overrides {
    /// Parses the flags; the error is one sentence naming the flag.
    pub fn parse(flags: &[String], catalog: &Catalog) -> Result<Overrides, String> {
        let mut overrides = Overrides::default();
        for flag in flags {
            let (scope, col, value) = parse_one(flag, catalog)?;
            let entry = Override {
                value,
                flag: Arc::from(format!("--set {flag}")),
            };
            let slot = match scope {
                Some(group) => overrides.groups.entry(group).or_default(),
                None => &mut overrides.global,
            };
            if slot.insert(col.name(), entry).is_some() {
                return Err(format!(
                    "--set {flag}: {} is set twice for the same scope",
                    col.name()
                ));
            }
        }
        Ok(overrides)
    }

    pub fn is_empty(&self) -> bool {
        self.global.is_empty() && self.groups.is_empty()
    }

    /// The override of `col` for a launch in `group`, the group's own first.
    fn get(&self, group: &str, col: Col) -> Option<&Override> {
        self.groups
            .get(group)
            .and_then(|g| g.get(col.name()))
            .or_else(|| self.global.get(col.name()))
    }

    /// The value `col` takes for `group`, if overridden.
    pub fn value(&self, group: &str, col: Col) -> Option<&str> {
        self.get(group, col).map(|o| o.value.as_str())
    }

    /// Refuses the keys only a schedule has (`scale_in`) for an event log, where they could
    /// not apply: the log's own stop and terminate rows say how instances leave.
    pub fn for_event_log(&self) -> Result<(), String> {
        let scope = self.groups.values().chain(std::iter::once(&self.global));
        match scope
            .filter_map(|keys| keys.get(Col::ScaleIn.name()))
            .next()
        {
            None => Ok(()),
            Some(o) => Err(format!(
                "{} sets how a schedule scales in, but this scenario is an event log, whose own \
                 stop and terminate rows say how instances leave",
                o.flag
            )),
        }
    }

    /// Groups named by `GROUP.KEY=VALUE` flags that `seen` does not contain: each is an error.
    pub fn unknown_groups(&self, seen: &BTreeSet<String>) -> Result<(), String> {
        match self.groups.keys().find(|g| !seen.contains(*g)) {
            None => Ok(()),
            Some(group) => {
                let names: Vec<&str> = seen.iter().map(String::as_str).collect();
                let hint = did_you_mean(&closest_names(group, names.iter().copied()));
                Err(format!(
                    "--set names the group {group:?}, which the scenario does not have{hint} (its groups: {})",
                    names.join(", "), group = crate::location::excerpt(&group)
                ))
            }
        }
    }
}

/// `[GROUP.]KEY=VALUE` → (group, column, value), with the value checked where it can be.
fn parse_one(flag: &str, catalog: &Catalog) -> Result<(Option<String>, Col, String), String> {
    let error = |problem: String| format!("--set {flag}: {problem}");
    let Some((key, value)) = flag.split_once('=') else {
        return Err(error("write KEY=VALUE or GROUP.KEY=VALUE".into()));
    };
    let (group, key) = match key.rsplit_once('.') {
        Some((group, key)) if !group.is_empty() => (Some(group.trim().to_string()), key.trim()),
        _ => (None, key.trim()),
    };
    if let Some(problem) = group
        .as_deref()
        .and_then(|g| crate::spreadsheet::name_problem("group", g))
    {
        return Err(error(problem));
    }
    let Some(col) = keys().find(|c| c.name() == key) else {
        let hint = did_you_mean(&closest_names(key, keys().map(Col::name)));
        let keys: Vec<&str> = keys().map(Col::name).collect();
        return Err(error(format!(
            "unknown key {key:?}{hint} (keys: {})",
            keys.join(", "),
            key = crate::location::excerpt(&key)
        )));
    };
    let value = value.trim().to_string();
    check_value(col, &value, catalog).map_err(error)?;
    Ok((group, col, value))
}

fn check_value(col: Col, value: &str, catalog: &Catalog) -> Result<(), String> {
    let known = |ok: bool, what: &str, names: Vec<&str>| {
        if ok {
            return Ok(());
        }
        let hint = did_you_mean(&closest_names(value, names.iter().copied()));
        Err(format!(
            "unknown {what} {value:?}{hint}",
            value = crate::location::excerpt(&value)
        ))
    };
    match col {
        Col::InstanceType => known(
            catalog.instance_type(value).is_some(),
            "instance type",
            catalog.instance_type_names().collect(),
        ),
        Col::Region => known(
            catalog.has_region(value),
            "region",
            catalog.region_names().collect(),
        ),
        Col::Os => known(
            catalog.platform(value).is_some(),
            "os",
            catalog.os_names().collect(),
        ),
        Col::EbsType => known(
            VolumeType::parse(value).is_some(),
            "volume type",
            VolumeType::ALL.map(VolumeType::name).to_vec(),
        ),
        Col::EbsGb => parse_size(value).map(|_| ()),
        Col::Root => one_of(value, &["ebs", "instance-store"]),
        Col::PublicIp => one_of(value, &["none", "auto", "elastic"]),
        Col::ScaleIn => one_of(value, &["terminate", "stop", "hibernate"]),
        Col::Interruptible | Col::Hibernation => parse_flag(value).map(|_| ()).ok_or_else(|| {
            format!(
                "{value:?} must be true or false",
                value = crate::location::excerpt(&value)
            )
        }),
        _ => Ok(()),
    }
}

fn one_of(value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{value:?} must be {}",
            allowed.join(", "),
            value = crate::location::excerpt(&value)
        ))
    }
}

/// Cells with the overrides of one group laid over them.
pub(crate) struct Overridden<'a> {
    pub inner: &'a dyn Cells,
    pub overrides: &'a Overrides,
    pub group: &'a str,
}

impl Cells for Overridden<'_> {
    fn text(&self, col: Col) -> Result<Option<&str>, LocatedError> {
        match self.overrides.value(self.group, col) {
            Some(value) => Ok(Some(value)),
            None => self.inner.text(col),
        }
    }

    fn error(&self, col: Col, problem: String) -> LocatedError {
        match self.overrides.get(self.group, col) {
            Some(o) => {
                let mut error = self.inner.error(col, problem);
                error.problem = format!("{} (set by {})", error.problem, o.flag);
                error
            }
            None => self.inner.error(col, problem),
        }
    }

    fn line(&self) -> u64 {
        self.inner.line()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::embedded().unwrap()
    }

    #[test]
    fn a_group_override_wins_over_a_global_one() {
        let flags = [
            "instance_type=m6i.large".to_string(),
            "batch.instance_type=c6i.large".to_string(),
        ];
        let o = Overrides::parse(&flags, &catalog()).unwrap();
        assert_eq!(o.value("batch", Col::InstanceType), Some("c6i.large"));
        assert_eq!(o.value("web", Col::InstanceType), Some("m6i.large"));
        assert_eq!(o.value("web", Col::Region), None);
    }

    #[test]
    fn unknown_keys_and_values_are_refused_with_the_flag() {
        let err = |flag: &str| Overrides::parse(&[flag.to_string()], &catalog()).unwrap_err();
        assert_eq!(
            err("instance_typ=m5.large"),
            "--set instance_typ=m5.large: unknown key \"instance_typ\"; did you mean instance_type? \
             (keys: instance_type, region, os, ebs_gb, ebs_type, root, public_ip, interruptible, hibernation, scale_in)"
        );
        assert_eq!(
            err("web.instance_type=m5.larg"),
            "--set web.instance_type=m5.larg: unknown instance type \"m5.larg\"; did you mean m5.large?"
        );
        assert_eq!(
            err("interruptible=maybe"),
            "--set interruptible=maybe: \"maybe\" must be true or false"
        );
        assert_eq!(
            err("scale_in=sleep"),
            "--set scale_in=sleep: \"sleep\" must be terminate, stop, hibernate"
        );
        assert_eq!(
            err("m5.large"),
            "--set m5.large: write KEY=VALUE or GROUP.KEY=VALUE"
        );
    }

    #[test]
    fn a_group_the_scenario_lacks_is_named() {
        let o = Overrides::parse(&["btach.interruptible=true".to_string()], &catalog()).unwrap();
        let seen: BTreeSet<String> = ["batch".to_string(), "web".to_string()].into();
        assert_eq!(
            o.unknown_groups(&seen).unwrap_err(),
            "--set names the group \"btach\", which the scenario does not have; did you mean batch? (its groups: batch, web)"
        );
    }
}
