//! Injected time: a [`Clock`], one-shot timers and a task spawner, bundled as [`Env`].
//!
//! The runtime never reads the system clock itself. Native tests use [`VirtualEnv`], whose time
//! only moves when the test advances it, so a run of 100,000 tasks with timeouts and backoff takes
//! milliseconds and is exactly reproducible. The wasm build implements [`Env`] with
//! `performance.now()`, `setTimeout` and `spawn_local` (see `crate::js::runtime`).

use futures::executor::{LocalPool, LocalSpawner};
use futures::future::LocalBoxFuture;
use futures::task::LocalSpawnExt;
use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Milliseconds. `now_ms` is monotonic (durations, deadlines); `wall_ms` is Unix-epoch UTC time
/// (wall-clock schedules). A clock without a separate wall clock uses one for both.
pub trait Clock {
    fn now_ms(&self) -> f64;
    fn wall_ms(&self) -> f64 {
        self.now_ms()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerId(pub u64);

/// What the runtime needs from its host.
pub trait Env: Clock {
    /// Runs `callback` once, as soon as possible after monotonic time `at_ms` (never synchronously
    /// inside this call). Hosts may fire late (timer clamping, busy loop); callers re-check time.
    fn set_timer(&self, at_ms: f64, callback: Box<dyn FnOnce()>) -> TimerId;
    /// Cancels a timer; unknown or already-fired ids are ignored.
    fn clear_timer(&self, id: TimerId);
    /// Runs a future to completion on the host's event loop.
    fn spawn(&self, fut: LocalBoxFuture<'static, ()>);
}

/// f64 with a total order, for timer keys.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OrdF64(pub f64);
impl PartialEq for OrdF64 {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0) == Ordering::Equal
    }
}
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

type TimerQueue = BTreeMap<(OrdF64, u64), Box<dyn FnOnce()>>;

/// A deterministic host for native tests: time stands still until the test advances it.
/// Timers fire in deadline order (FIFO for equal deadlines), and spawned futures run on a
/// `LocalPool` that is drained before and after every timer.
pub struct VirtualEnv {
    now: Cell<f64>,
    wall_offset: f64,
    next_timer: Cell<u64>,
    timers: RefCell<TimerQueue>,
    deadlines: RefCell<crate::runtime::IdMap<u64, OrdF64>>,
    pool: RefCell<LocalPool>,
    spawner: LocalSpawner,
}

impl VirtualEnv {
    /// Monotonic time starts at 0; wall time starts at `wall_start_ms` (Unix epoch ms, UTC).
    pub fn new(wall_start_ms: f64) -> Rc<Self> {
        let pool = LocalPool::new();
        let spawner = pool.spawner();
        Rc::new(VirtualEnv {
            now: Cell::new(0.0),
            wall_offset: wall_start_ms,
            next_timer: Cell::new(1),
            timers: RefCell::new(BTreeMap::new()),
            deadlines: RefCell::new(Default::default()),
            pool: RefCell::new(pool),
            spawner,
        })
    }

    /// Runs every spawned future until none can make progress without time moving.
    pub fn run_until_stalled(&self) {
        // A future that re-enters `run_until_stalled` would need a second borrow of the pool;
        // such a nested call simply returns and the outer loop finishes the work.
        if let Ok(mut pool) = self.pool.try_borrow_mut() {
            pool.run_until_stalled();
        }
    }

    fn pop_due(&self, limit: f64) -> Option<(f64, Box<dyn FnOnce()>)> {
        let mut timers = self.timers.borrow_mut();
        let key = *timers.keys().next()?;
        if key.0 .0 > limit {
            return None;
        }
        let cb = timers.remove(&key)?;
        self.deadlines.borrow_mut().remove(&key.1);
        Some((key.0 .0, cb))
    }

    /// Moves time forward to `t`, firing every timer due on the way (at its own deadline).
    pub fn advance_to(&self, t: f64) {
        self.run_until_stalled();
        while let Some((at, cb)) = self.pop_due(t) {
            if at > self.now.get() {
                self.now.set(at);
            }
            cb();
            self.run_until_stalled();
        }
        if t > self.now.get() {
            self.now.set(t);
        }
        self.run_until_stalled();
    }

    pub fn advance_by(&self, ms: f64) {
        self.advance_to(self.now.get() + ms);
    }

    /// Fires timers in order until none is left or `max_timers` have fired; returns how many fired.
    pub fn run_until_idle(&self, max_timers: usize) -> usize {
        let mut fired = 0;
        self.run_until_stalled();
        while fired < max_timers {
            let Some((at, cb)) = self.pop_due(f64::INFINITY) else { break };
            if at > self.now.get() {
                self.now.set(at);
            }
            cb();
            fired += 1;
            self.run_until_stalled();
        }
        fired
    }

    pub fn pending_timers(&self) -> usize {
        self.timers.borrow().len()
    }

    /// The deadline of the next pending timer.
    pub fn next_timer_at(&self) -> Option<f64> {
        self.timers.borrow().keys().next().map(|k| k.0 .0)
    }
}

impl Clock for VirtualEnv {
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn wall_ms(&self) -> f64 {
        self.wall_offset + self.now.get()
    }
}

impl Env for VirtualEnv {
    fn set_timer(&self, at_ms: f64, callback: Box<dyn FnOnce()>) -> TimerId {
        let id = self.next_timer.get();
        self.next_timer.set(id + 1);
        // A deadline in the past fires at the next advance, never synchronously.
        let at = OrdF64(if at_ms.is_nan() { self.now.get() } else { at_ms.max(self.now.get()) });
        self.timers.borrow_mut().insert((at, id), callback);
        self.deadlines.borrow_mut().insert(id, at);
        TimerId(id)
    }

    fn clear_timer(&self, id: TimerId) {
        let at = self.deadlines.borrow_mut().remove(&id.0);
        if let Some(at) = at {
            // Dropping the callback may drop user state; do it outside the borrow.
            let cb = self.timers.borrow_mut().remove(&(at, id.0));
            drop(cb);
        }
    }

    fn spawn(&self, fut: LocalBoxFuture<'static, ()>) {
        // Spawning only fails after the pool is dropped, i.e. when the env itself is gone.
        let _ = self.spawner.spawn_local(fut);
    }
}

/// Why an attempt was told to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbortReason {
    Timeout,
    Cancelled,
    Shutdown,
}

impl AbortReason {
    pub fn as_str(self) -> &'static str {
        match self {
            AbortReason::Timeout => "timeout",
            AbortReason::Cancelled => "cancelled",
            AbortReason::Shutdown => "shutdown",
        }
    }
}

struct AbortState {
    reason: Cell<Option<AbortReason>>,
    wakers: RefCell<Vec<Waker>>,
}

/// The Rust counterpart of the DOM `AbortSignal`: one per attempt, fired by the dispatcher on
/// timeout, cancel or shutdown. Futures run through the dispatcher are also dropped when it
/// fires, so work stops even if the future never looks at the signal.
#[derive(Clone)]
pub struct AbortSignal(Rc<AbortState>);

impl Default for AbortSignal {
    fn default() -> Self {
        Self::new()
    }
}

impl AbortSignal {
    pub fn new() -> Self {
        AbortSignal(Rc::new(AbortState { reason: Cell::new(None), wakers: RefCell::new(Vec::new()) }))
    }
    pub fn is_aborted(&self) -> bool {
        self.0.reason.get().is_some()
    }
    pub fn reason(&self) -> Option<AbortReason> {
        self.0.reason.get()
    }
    /// Fires the signal (first reason wins) and wakes every waiting `aborted()` future.
    pub fn abort(&self, reason: AbortReason) {
        if self.0.reason.get().is_some() {
            return;
        }
        self.0.reason.set(Some(reason));
        let wakers = std::mem::take(&mut *self.0.wakers.borrow_mut());
        for w in wakers {
            w.wake();
        }
    }
    /// Resolves when the signal fires.
    pub fn aborted(&self) -> Aborted {
        Aborted(self.clone())
    }
}

pub struct Aborted(AbortSignal);

impl Future for Aborted {
    type Output = AbortReason;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<AbortReason> {
        match self.0.reason() {
            Some(r) => Poll::Ready(r),
            None => {
                let mut wakers = self.0 .0.wakers.borrow_mut();
                if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    wakers.push(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

/// A future that completes at monotonic time `at_ms` on the given env (for Rust tasks and tests).
pub fn sleep_until(env: &Rc<dyn Env>, at_ms: f64) -> LocalBoxFuture<'static, ()> {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    env.set_timer(at_ms, Box::new(move || {
        let _ = tx.send(());
    }));
    Box::pin(async move {
        let _ = rx.await;
    })
}

/// A future that completes `ms` after now.
pub fn sleep(env: &Rc<dyn Env>, ms: f64) -> LocalBoxFuture<'static, ()> {
    let at = env.now_ms() + ms;
    sleep_until(env, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_fire_in_deadline_order_and_clear_works() {
        let env = VirtualEnv::new(0.0);
        let log = Rc::new(RefCell::new(Vec::new()));
        for (at, tag) in [(30.0, "c"), (10.0, "a"), (20.0, "b"), (10.0, "a2")] {
            let log = log.clone();
            env.set_timer(at, Box::new(move || log.borrow_mut().push(tag)));
        }
        let l2 = log.clone();
        let cleared = env.set_timer(15.0, Box::new(move || l2.borrow_mut().push("x")));
        env.clear_timer(cleared);
        env.advance_to(25.0);
        assert_eq!(*log.borrow(), vec!["a", "a2", "b"]);
        assert_eq!(env.now_ms(), 25.0);
        env.advance_to(100.0);
        assert_eq!(*log.borrow(), vec!["a", "a2", "b", "c"]);
    }

    #[test]
    fn abort_signal_wakes_waiters() {
        let env = VirtualEnv::new(0.0);
        let sig = AbortSignal::new();
        let got = Rc::new(Cell::new(None));
        let (s, g) = (sig.clone(), got.clone());
        env.spawn(Box::pin(async move { g.set(Some(s.aborted().await)) }));
        env.run_until_stalled();
        assert_eq!(got.get(), None);
        sig.abort(AbortReason::Timeout);
        sig.abort(AbortReason::Cancelled);
        env.run_until_stalled();
        assert_eq!(got.get(), Some(AbortReason::Timeout));
    }
}
