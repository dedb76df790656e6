//! The instances a conversion into an event log gave one default to, for its notes.
//!
//! `scenario from-cloudtrail` and `scenario from-usage` both say every default they assumed,
//! once, with the instances and groups it touched and the `--set GROUP.KEY` that changes it;
//! each words its own sentences around these.

use crate::location::listing;
use std::collections::BTreeSet;

/// Instances (and their groups) that got one default.
#[derive(Debug, Default)]
pub struct Touched {
    instances: Vec<String>,
    groups: BTreeSet<String>,
}

impl Touched {
    pub fn add(&mut self, instance: &str, group: &str) {
        self.instances.push(instance.to_string());
        self.groups.insert(group.to_string());
    }

    pub fn is_empty(&self) -> bool {
        self.instances.is_empty()
    }

    /// How many instances got the default.
    pub fn len(&self) -> usize {
        self.instances.len()
    }

    /// `2 instances (i-a, i-b)`, the names as `names` quotes them.
    pub fn who(&self, names: impl Fn(&[String]) -> String) -> String {
        let count = self.instances.len();
        let noun = if count == 1 { "instance" } else { "instances" };
        format!("{count} {noun} ({})", names(&self.instances))
    }

    /// `one` for a single instance, else `many`: the verb agrees with [`Touched::who`].
    pub fn verb<'a>(&self, one: &'a str, many: &'a str) -> &'a str {
        if self.instances.len() == 1 {
            one
        } else {
            many
        }
    }

    /// `groups: web, t3.micro`, the GROUP names `--set GROUP.KEY` takes.
    pub fn groups(&self) -> String {
        let names: Vec<&str> = self.groups.iter().map(String::as_str).collect();
        let label = if names.len() == 1 { "group" } else { "groups" };
        format!("{label}: {}", listing(&names))
    }
}

/// Every name, or their count and range when there are many ([`listing`]).
pub fn all(names: &[String]) -> String {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    listing(&names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_instance_and_several_are_counted_and_their_groups_listed_once() {
        let mut touched = Touched::default();
        assert!(touched.is_empty());
        touched.add("i-a", "web");
        assert_eq!(touched.who(all), "1 instance (i-a)");
        assert_eq!(touched.verb("is", "are"), "is");
        touched.add("i-b", "web");
        touched.add("i-c", "batch");
        assert_eq!(touched.who(all), "3 instances (i-a, i-b, i-c)");
        assert_eq!(touched.verb("is", "are"), "are");
        assert_eq!(touched.groups(), "groups: batch, web");
    }
}
