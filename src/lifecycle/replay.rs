//! Replaying events through the state machine into spans.

use super::state::{transition, Transition};
use super::{Span, State, Timings};
use crate::clock::Timestamp;
use crate::scenario::{Action, Event, IdMap, InstanceId, LaunchSpec};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// An action the EC2 API would refuse, with enough to name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub instance: Arc<str>,
    pub action: Action,
    pub state: State,
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot {} {}: it is {}; {}",
            self.action, self.instance, self.state, self.reason
        )
    }
}

/// One live instance: where it is, and where it is heading.
#[derive(Debug)]
struct Machine {
    spec: Arc<LaunchSpec>,
    state: State,
    since: Timestamp,
    /// A transitional state settles into the second state at the first time.
    settles: Option<(Timestamp, State)>,
}

/// The replay: live instances, and timers for transitions that settle on their own.
///
/// A terminated instance leaves only its name behind, for the message if a later row acts
/// on it (the reader guarantees every action names a launched instance, so one that is not
/// live was terminated; events other than launches carry no attributes).
#[derive(Debug, Default)]
pub struct Replay {
    timings: Timings,
    live: IdMap<Machine>,
    ended: IdMap<Arc<str>>,
    timers: BinaryHeap<Reverse<(Timestamp, InstanceId)>>,
}

impl Replay {
    pub fn new(timings: Timings) -> Replay {
        Replay {
            timings,
            ..Replay::default()
        }
    }

    /// Reads, without changing anything, what applying these events will read first: each
    /// live instance's slot and the lines of its launch attributes that the transition
    /// table, the span's shared pointer and the meter read. Ahead of a run of events, the
    /// cache misses of all of them overlap instead of stalling one event at a time (100,000
    /// instances at random miss on every row). Returns a value to keep the reads from being
    /// optimized away.
    pub fn touch(&self, events: &[Event]) -> usize {
        let mut seen = 0;
        for event in events {
            if let Some(machine) = self.live.get(event.instance) {
                let spec = &machine.spec;
                seen ^= Arc::strong_count(spec)
                    ^ usize::from(spec.hibernation)
                    ^ (spec.public_ip as usize)
                    ^ (Arc::as_ptr(&spec.group).cast::<u8>() as usize);
            }
        }
        seen
    }

    /// Applies one event, pushing the spans it closes onto `out`.
    pub fn apply(&mut self, event: &Event, out: &mut Vec<Span>) -> Result<(), Refusal> {
        self.settle_until(event.time, out);
        if let (Action::Launch, Some(spec)) = (event.action, &event.spec) {
            self.launch(event, spec, out);
            return Ok(());
        }
        let Some(machine) = self.live.get_mut(event.instance) else {
            let name = self.ended.get(event.instance).map_or_else(
                || Arc::from(format!("instance #{}", event.instance.0)),
                Arc::clone,
            );
            let reason = match event.action {
                Action::Launch => "a launch needs its attributes",
                _ => "nothing can be done to a terminated instance",
            };
            return Err(Refusal {
                instance: name,
                action: event.action,
                state: State::Terminated,
                reason: reason.into(),
            });
        };
        let planned = transition(machine.state, event.action, &machine.spec);
        match planned {
            Err(reason) => Err(Refusal {
                instance: Arc::clone(&machine.spec.name),
                action: event.action,
                state: machine.state,
                reason,
            }),
            Ok(Transition::Stay) => Ok(()),
            Ok(Transition::Move { via, to }) => {
                self.enter(event.instance, (via, to), event.action, event.time, out);
                Ok(())
            }
        }
    }

    /// Closes every live instance at the horizon.
    pub fn finish(mut self, horizon: Timestamp, out: &mut Vec<Span>) {
        self.settle_until(horizon, out);
        for id in self.live.ids() {
            if let Some(machine) = self.live.remove(id) {
                out.push(Span {
                    instance: id,
                    spec: machine.spec,
                    state: machine.state,
                    start: machine.since,
                    end: horizon.max(machine.since),
                    next: None,
                    ended_by: None,
                });
            }
        }
    }

    fn launch(&mut self, event: &Event, spec: &Arc<LaunchSpec>, out: &mut Vec<Span>) {
        let machine = Machine {
            spec: Arc::clone(spec),
            state: State::Pending,
            since: event.time,
            settles: None,
        };
        self.live.insert(event.instance, machine);
        self.schedule(
            event.instance,
            State::Pending,
            State::Running,
            event.time,
            out,
        );
    }

    /// Leaves the current state at `at` for `via`, which settles into `to`.
    fn enter(
        &mut self,
        id: InstanceId,
        (via, to): (State, State),
        cause: Action,
        at: Timestamp,
        out: &mut Vec<Span>,
    ) {
        if let Some(machine) = self.live.get_mut(id) {
            out.push(Span {
                instance: id,
                spec: Arc::clone(&machine.spec),
                state: machine.state,
                start: machine.since,
                end: at,
                next: Some(via),
                ended_by: Some(cause),
            });
            machine.state = via;
            machine.since = at;
        }
        self.schedule(id, via, to, at, out);
    }

    fn schedule(
        &mut self,
        id: InstanceId,
        via: State,
        to: State,
        at: Timestamp,
        out: &mut Vec<Span>,
    ) {
        let settle_at = at.plus(self.timings.duration_of(via));
        if let Some(machine) = self.live.get_mut(id) {
            machine.settles = Some((settle_at, to));
        }
        if settle_at <= at {
            self.settle(id, settle_at, out);
        } else {
            self.timers.push(Reverse((settle_at, id)));
        }
    }

    /// Settles every transition due at or before `now`, in time order.
    fn settle_until(&mut self, now: Timestamp, out: &mut Vec<Span>) {
        while let Some(Reverse((at, id))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            self.settle(id, at, out);
        }
    }

    /// Completes a due transition (a stale timer, whose transition was overtaken, does nothing).
    fn settle(&mut self, id: InstanceId, at: Timestamp, out: &mut Vec<Span>) {
        let Some(machine) = self.live.get_mut(id) else {
            return;
        };
        let Some((due, to)) = machine.settles else {
            return;
        };
        if due != at {
            return;
        }
        out.push(Span {
            instance: id,
            spec: Arc::clone(&machine.spec),
            state: machine.state,
            start: machine.since,
            end: at,
            next: Some(to),
            ended_by: None,
        });
        machine.state = to;
        machine.since = at;
        machine.settles = None;
        if to == State::Terminated {
            if let Some(gone) = self.live.remove(id) {
                self.ended.insert(id, Arc::clone(&gone.spec.name));
            }
        }
    }
}
