//! The cores a run may use, and work shared out over them.

/// The cores this process may run on (`available_parallelism`), asked of
/// the system once a run: each ask reads the cgroup's CPU quota (four
/// files on a cgroup v1 machine), and the stages asked it five times.
pub fn cores() -> Option<usize> {
    static CORES: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().ok().map(|n| n.get()))
}

/// `f` over `items` cut in one run per core (at most 8), each run given
/// with the index of its first item: for at least `min` items on more
/// than one core, otherwise all of them here at once. See also
/// [`on_every_core`].
pub fn on_every_core_mut<T: Send>(items: &mut [T], min: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    let threads = cores().map_or(1, |n| n.min(8));
    if items.len() < min.max(1) || threads < 2 {
        f(0, items);
        return;
    }
    let share = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for (k, run) in items.chunks_mut(share).enumerate() {
            let f = &f;
            scope.spawn(move || f(k * share, run));
        }
    });
}

/// `f` over `items` split into one share per core (at most 8), the results
/// in the items' order: the facts stage's second reads of the walked files.
/// A worker's panic goes on in the caller, never a silently missing share.
pub fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    let threads = cores().map_or(1, |n| n.min(8));
    let share = items.len().div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(share)
            .map(|chunk| scope.spawn(move || f(chunk)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
