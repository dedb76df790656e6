//! The typed events a scenario is made of.

use crate::clock::Timestamp;
use crate::pricing::VolumeType;
use std::fmt;
use std::sync::Arc;

/// An instance, numbered in the order of its launch row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(pub u32);

/// What a row does to its instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Launch,
    Stop,
    Start,
    Hibernate,
    Reboot,
    Terminate,
    /// AWS reclaimed a Spot Instance.
    Interrupt,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Launch,
        Action::Stop,
        Action::Start,
        Action::Hibernate,
        Action::Reboot,
        Action::Terminate,
        Action::Interrupt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::Launch => "launch",
            Action::Stop => "stop",
            Action::Start => "start",
            Action::Hibernate => "hibernate",
            Action::Reboot => "reboot",
            Action::Terminate => "terminate",
            Action::Interrupt => "interrupt",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == text)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the root volume is: only EBS-backed instances can stop or hibernate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootDevice {
    Ebs,
    InstanceStore,
}

/// Which public IPv4 address the instance holds (docs/billing-rules.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicIp {
    None,
    /// Auto-assigned: released on stop and hibernate, a new one assigned on start.
    Auto,
    /// An Elastic IP, held from launch to termination, idle but billed while stopped.
    Elastic,
}

/// Everything fixed at launch about an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchSpec {
    pub name: Arc<str>,
    pub instance_type: Arc<str>,
    pub region: Arc<str>,
    pub os: Arc<str>,
    pub ebs_gb: u64,
    pub ebs_type: VolumeType,
    pub root: RootDevice,
    pub public_ip: PublicIp,
    pub interruptible: bool,
    pub hibernation: bool,
    pub group: Arc<str>,
    /// The line of the launch row, for messages about this instance.
    pub line: u64,
    /// The market each strategy runs this launch in (decided by the strategy stage; the
    /// reader leaves every launch On-Demand).
    pub markets: Markets,
}

/// Where an instance's usage is bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Market {
    #[default]
    OnDemand,
    Spot,
}

/// The market of one launch under the strategies that can use Spot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Markets {
    pub spot: Market,
    pub mixed: Market,
}

/// One row of an event log, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub time: Timestamp,
    pub line: u64,
    pub instance: InstanceId,
    pub action: Action,
    /// The instance's launch attributes, on launch events only: the stages that need them
    /// later keep them per live instance. (On every event they cost an atomic reference
    /// count and a cache miss per row, shared between the reading and replaying threads.)
    pub spec: Option<Arc<LaunchSpec>>,
}
