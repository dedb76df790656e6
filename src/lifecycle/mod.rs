//! Lifecycle: the EC2 instance state machine and the replay that turns events into spans.
//!
//! ```text
//!  launch ──► pending ──► running ──stop──────► stopping ────► stopped ──start──► pending
//!                           │ ▲ reboot             (not billed)
//!                           │ └──┘
//!                           ├──hibernate──► hibernating ──► hibernated ──start──► pending
//!                           │                 (billed)
//!  any state but terminated ──terminate / interrupt──► shutting-down ──► terminated
//! ```
//!
//! Owns which actions are allowed in which state (as the EC2 API has them), how long each
//! transitional state lasts (`--pending`, `--stopping`, `--hibernating`, `--shutting-down`),
//! and the timeline: a contiguous run of [`Span`]s per instance from launch to termination
//! or the horizon. It does not know what a state costs; the billing meter does.

mod replay;
mod state;

pub use replay::{Refusal, Replay};
pub use state::{State, Timings};

use crate::clock::Timestamp;
use crate::scenario::{InstanceId, LaunchSpec};
use std::sync::Arc;

/// An instance spent `[start, end)` in `state`, then moved to `next`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub instance: InstanceId,
    pub spec: Arc<LaunchSpec>,
    pub state: State,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The state entered at `end`; `None` when the span was cut by the horizon.
    pub next: Option<State>,
    /// The action that ended the span, when an event did (not a transition settling).
    pub ended_by: Option<crate::scenario::Action>,
}
