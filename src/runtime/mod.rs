//! The cooperative runtime: a task dispatcher, a scheduler, a performance monitor and a service
//! container for one-threaded hosts (browser tabs, Node, Deno, edge isolates).
//!
//! Everything here is plain Rust. Time, timers and task spawning come from an injected
//! [`clock::Env`], so native tests drive the whole runtime on a virtual clock while the wasm build
//! (in `crate::js::runtime`) plugs in `performance.now()`, `setTimeout` and the JS microtask queue.
//! The design is single-threaded and cooperative: shared state lives in `Rc<RefCell<..>>`, and no
//! borrow is ever held while user code runs, so user code may call back into the runtime.

pub mod clock;
pub mod metrics;
pub mod reporter;
pub mod dispatcher;
pub mod scheduler;
pub mod monitor;
pub mod container;

pub use clock::{AbortReason, AbortSignal, Clock, Env, TimerId, VirtualEnv};
pub use dispatcher::{
    Dispatcher, DispatcherConfig, FutureDispatcher, FutureRunner, Overflow, Runner, Status,
    SubmitOptions, TaskError, TaskId,
};
pub use metrics::{Histogram, LatencySummary};
pub use monitor::PerformanceMonitor;
pub use scheduler::{MissedRunPolicy, Schedule, Scheduler};
pub use container::{Component, ComponentKind, ServiceContainer};

use std::hash::{BuildHasherDefault, Hasher};

/// Hasher for the runtime's sequential integer ids. Sequential keys hash badly under identity
/// hashing (hashbrown uses the top bits), and SipHash is needlessly slow for them, so ids are
/// spread with a Fibonacci multiply.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

pub type IdMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Validates a duration option in milliseconds: finite and >= `min`.
pub(crate) fn check_ms(name: &str, value: f64, min: f64) -> crate::Result<f64> {
    if value.is_finite() && value >= min {
        Ok(value)
    } else {
        Err(crate::Error::invalid_parameter(format!(
            "option '{name}' must be a finite number of milliseconds >= {min}, got {value}"
        ))
        .with("parameter", name)
        .with("min", min))
    }
}
