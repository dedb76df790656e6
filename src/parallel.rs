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
    let order: Vec<usize> = (0..count).collect();
    map_indexed_in(&order, work)
}

/// [`map_indexed`] over the indices of `order`, started in that order: the largest pieces
/// first, so that none starts last and runs alone while the other cores sit idle. The
/// results still come back in index order.
pub fn map_indexed_in<T, F>(order: &[usize], work: F) -> Vec<(usize, T)>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let count = order.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count);
    if threads <= 1 {
        let mut done: Vec<(usize, T)> = order.iter().map(|&index| (index, work(index))).collect();
        done.sort_unstable_by_key(|(index, _)| *index);
        return done;
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(count));
    let run = || {
        while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let result = work(index);
            if let Ok(mut done) = done.lock() {
                done.push((index, result));
            }
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

    #[test]
    fn pieces_started_in_any_order_come_back_in_index_order() {
        let order: Vec<usize> = (0..500).rev().chain(500..1_000).collect();
        let cubes = map_indexed_in(&order, |i| i * i * i);
        assert_eq!(
            cubes,
            (0..1_000).map(|i| (i, i * i * i)).collect::<Vec<_>>()
        );
        assert_eq!(
            map_indexed_in(&[2, 0, 1], |i| i + 1),
            vec![(0, 1), (1, 2), (2, 3)]
        );
    }
}
