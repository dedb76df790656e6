//! States, the transition table and transition timing.

use crate::clock::Seconds;
use crate::scenario::{Action, LaunchSpec, RootDevice};
use std::fmt;

/// An instance state (EC2 User Guide, "Amazon EC2 instance state changes"). AWS shows a
/// hibernating instance as `stopping` and then `stopped`; ec2plan names those two
/// `hibernating` and `hibernated` because `hibernating` is billed and `stopping` is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Pending,
    Running,
    Stopping,
    Hibernating,
    Stopped,
    Hibernated,
    ShuttingDown,
    Terminated,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Running => "running",
            State::Stopping => "stopping",
            State::Hibernating => "hibernating",
            State::Stopped => "stopped",
            State::Hibernated => "hibernated",
            State::ShuttingDown => "shutting-down",
            State::Terminated => "terminated",
        }
    }

    /// Whether instance usage is billed in this state (docs/billing-rules.md §1): running, and
    /// stopping to hibernate.
    pub fn bills_usage(self) -> bool {
        matches!(self, State::Running | State::Hibernating)
    }

    /// Whether an auto-assigned public IPv4 is held: from pending until the instance is
    /// stopped (it is released on stop and hibernate) or terminated.
    pub fn holds_auto_ip(self) -> bool {
        !matches!(self, State::Stopped | State::Hibernated | State::Terminated)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How long each transitional state lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    pub pending: Seconds,
    pub stopping: Seconds,
    pub hibernating: Seconds,
    pub shutting_down: Seconds,
}

impl Default for Timings {
    /// Unbilled transitions default to 0 s, so an event log's times are the times billing
    /// changes (launch at 08:00 bills from 08:00). Hibernating is billed, so it defaults
    /// to 60 s: AWS publishes no figure; a minute is the order of magnitude of writing a
    /// few GiB of RAM to EBS. Measure yours and pass `--hibernating`.
    fn default() -> Timings {
        Timings {
            pending: Seconds(0),
            stopping: Seconds(0),
            hibernating: Seconds(60),
            shutting_down: Seconds(0),
        }
    }
}

impl Timings {
    /// How long `state` lasts before the instance settles (0 for settled states).
    pub fn duration_of(&self, state: State) -> Seconds {
        match state {
            State::Pending => self.pending,
            State::Stopping => self.stopping,
            State::Hibernating => self.hibernating,
            State::ShuttingDown => self.shutting_down,
            _ => Seconds(0),
        }
    }
}

/// What an allowed action does: nothing visible (reboot), or a move through a
/// transitional state to a settled one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Stay,
    Move { via: State, to: State },
}

/// The transition table, as the EC2 API allows it; `Err` says why an action is refused.
pub fn transition(state: State, action: Action, spec: &LaunchSpec) -> Result<Transition, String> {
    use State::*;
    let instance_store = spec.root == RootDevice::InstanceStore;
    match (action, state) {
        (_, Terminated) => Err("nothing can be done to a terminated instance".into()),
        (Action::Reboot, Running) => Ok(Transition::Stay),
        (Action::Stop | Action::Hibernate, _) if instance_store => Err(
            "an instance-store-backed instance cannot be stopped or hibernated, only rebooted or terminated".into(),
        ),
        (Action::Stop, Running) => Ok(Transition::Move { via: Stopping, to: Stopped }),
        (Action::Hibernate, Running) if !spec.hibernation => Err(format!(
            "hibernation was not enabled at launch (line {}), and it cannot be enabled later",
            spec.line
        )),
        (Action::Hibernate, Running) => Ok(Transition::Move { via: Hibernating, to: Hibernated }),
        (Action::Start, Stopped | Hibernated) => Ok(Transition::Move { via: Pending, to: Running }),
        (Action::Terminate, ShuttingDown) => Err("terminate was already requested".into()),
        (Action::Terminate, _) => Ok(Transition::Move { via: ShuttingDown, to: Terminated }),
        (Action::Interrupt, Pending | Running) => Ok(Transition::Move { via: ShuttingDown, to: Terminated }),
        (Action::Interrupt, _) => Err("AWS interrupts only pending or running Spot Instances".into()),
        (Action::Start, _) => Err("start needs a stopped or hibernated instance".into()),
        (Action::Stop | Action::Hibernate, _) => Err(format!("{action} needs a running instance")),
        (Action::Reboot, _) => Err("reboot needs a running instance".into()),
        (Action::Launch, _) => Err("the instance is already launched".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::VolumeType;
    use std::sync::Arc;

    fn spec(root: RootDevice, hibernation: bool) -> LaunchSpec {
        let name: Arc<str> = Arc::from("a");
        LaunchSpec {
            name: Arc::clone(&name),
            instance_type: Arc::from("m5.large"),
            region: Arc::from("us-east-1"),
            os: Arc::from("linux"),
            ebs_gb: 8,
            ebs_type: VolumeType::Gp3,
            root,
            public_ip: crate::scenario::PublicIp::None,
            interruptible: false,
            hibernation,
            group: name,
            line: 2,
            markets: crate::scenario::Markets::default(),
        }
    }

    #[test]
    fn the_table_allows_what_the_ec2_api_allows() {
        use State::*;
        let ebs = spec(RootDevice::Ebs, true);
        let allowed = [
            (Running, Action::Reboot, Transition::Stay),
            (
                Running,
                Action::Stop,
                Transition::Move {
                    via: Stopping,
                    to: Stopped,
                },
            ),
            (
                Running,
                Action::Hibernate,
                Transition::Move {
                    via: Hibernating,
                    to: Hibernated,
                },
            ),
            (
                Stopped,
                Action::Start,
                Transition::Move {
                    via: Pending,
                    to: Running,
                },
            ),
            (
                Hibernated,
                Action::Start,
                Transition::Move {
                    via: Pending,
                    to: Running,
                },
            ),
            (
                Pending,
                Action::Terminate,
                Transition::Move {
                    via: ShuttingDown,
                    to: Terminated,
                },
            ),
            (
                Stopping,
                Action::Terminate,
                Transition::Move {
                    via: ShuttingDown,
                    to: Terminated,
                },
            ),
            (
                Stopped,
                Action::Terminate,
                Transition::Move {
                    via: ShuttingDown,
                    to: Terminated,
                },
            ),
            (
                Running,
                Action::Interrupt,
                Transition::Move {
                    via: ShuttingDown,
                    to: Terminated,
                },
            ),
        ];
        for (state, action, expected) in allowed {
            assert_eq!(
                transition(state, action, &ebs),
                Ok(expected),
                "{action} from {state}"
            );
        }
    }

    #[test]
    fn the_table_refuses_what_the_ec2_api_refuses() {
        use State::*;
        let ebs = spec(RootDevice::Ebs, false);
        let refused = [
            (Running, Action::Start),
            (Pending, Action::Start),
            (Stopping, Action::Start),
            (Stopped, Action::Stop),
            (Pending, Action::Stop),
            (Stopped, Action::Reboot),
            (Running, Action::Hibernate),
            (ShuttingDown, Action::Terminate),
            (Terminated, Action::Start),
            (Stopped, Action::Interrupt),
        ];
        for (state, action) in refused {
            assert!(
                transition(state, action, &ebs).is_err(),
                "{action} from {state}"
            );
        }
        let store = spec(RootDevice::InstanceStore, false);
        assert!(transition(Running, Action::Stop, &store).is_err());
        assert_eq!(
            transition(Running, Action::Reboot, &store),
            Ok(Transition::Stay)
        );
    }

    #[test]
    fn only_running_and_hibernating_bill_usage() {
        use State::*;
        let billed: Vec<State> = [
            Pending,
            Running,
            Stopping,
            Hibernating,
            Stopped,
            Hibernated,
            ShuttingDown,
            Terminated,
        ]
        .into_iter()
        .filter(|s| s.bills_usage())
        .collect();
        assert_eq!(billed, vec![Running, Hibernating]);
    }
}
