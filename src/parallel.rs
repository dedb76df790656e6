//! Independent pieces of work on every core, results in order.
//!
//! Used by the Spot trials (one replay per trial) and by the reservation recommendation
//! (one pool at a time, once the replay is done; before, the second core sat idle there).
//! Each piece depends on nothing but its index, so pieces are handed out one at a time to
//! a thread per core and their results put back in index order: the outcome is exactly
//! the one-at-a-time one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `work(0)`, …, `work(count - 1)`, on up to one thread per core, each with its index, in
/// index order. Each index is taken by the next free thread, so a few large pieces do not leave a core idle
/// while another works through a fixed share.
pub fn map_indexed<T, F>(count: usize, work: F) -> Vec<(usize, T)>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count);
    if threads <= 1 {
        return (0..count).map(|index| (index, work(index))).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(count));
    let run = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        if index >= count {
            break;
        }
        let result = work(index);
        if let Ok(mut done) = done.lock() {
            done.push((index, result));
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(run);
        }
        run();
    });
    let mut done = done
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    done.sort_unstable_by_key(|(index, _)| *index);
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_index_order() {
        let squares = map_indexed(1_000, |i| i * i);
        assert_eq!(squares, (0..1_000).map(|i| (i, i * i)).collect::<Vec<_>>());
        assert!(map_indexed(0, |i| i).is_empty());
        assert_eq!(map_indexed(1, |i| i + 7), vec![(0, 7)]);
    }
}
