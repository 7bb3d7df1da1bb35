//! Work spread over every core, results kept in order.

use std::collections::BTreeMap;

/// Map `f` over `items` on all cores, keeping the order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Run `f` over `items` (with their index) on all cores, taking each item
/// by value, so that what it holds is freed as soon as it is done, and
/// hand the results to `take` in the items' order as soon as each one and
/// those before it are done: results are not all held at once.
pub fn parallel_in_order<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(usize, T) -> R + Sync,
    take: impl FnMut(R) + Send,
) {
    use std::sync::Mutex;
    let n = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    // The index `take` waits for, the results that came early, and `take`.
    let done = Mutex::new((0usize, BTreeMap::new(), take));
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(n.max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    // Taken in order: roots count against the scan's
                    // budget by index and wait for the ones before them.
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((i, item)) = next else { break };
                    let r = f(i, item);
                    let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
                    let (next, early, take) = &mut *done;
                    early.insert(i, r);
                    while let Some(r) = early.remove(next) {
                        take(r);
                        *next += 1;
                    }
                }
            });
        }
    });
}
