//! Performance monitor: operation timings (recent records + constant-memory summaries per name),
//! Prometheus text exposition, and an event-loop-lag probe.
//!
//! The lag probe arms a timer every `interval_ms` and records how late it fires: on a single
//! event loop, lateness is exactly the time some other callback kept the loop busy.

use super::clock::{Env, TimerId};
use super::dispatcher::MetricsSnapshot;
use super::metrics::Histogram;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write;
use std::future::Future;
use std::rc::{Rc, Weak};

/// One tracked operation. `at` is the wall time it ended (epoch ms).
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OpRecord {
    pub name: String,
    pub duration_ms: f64,
    pub success: bool,
    pub at: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OpSummary {
    pub total: u64,
    pub successes: u64,
    pub failures: u64,
    /// successes / total; `None` when nothing was recorded.
    pub success_rate: Option<f64>,
    pub avg_ms: f64,
    pub min_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LagSummary {
    pub running: bool,
    pub interval_ms: f64,
    pub samples: u64,
    pub avg: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

#[derive(Default)]
struct OpStats {
    successes: u64,
    failures: u64,
    hist: Histogram,
}

impl OpStats {
    fn add(&mut self, ms: f64, success: bool) {
        self.hist.record(ms);
        if success {
            self.successes += 1;
        } else {
            self.failures += 1;
        }
    }

    fn summary(&self) -> OpSummary {
        let s = self.hist.summary();
        let total = self.successes + self.failures;
        OpSummary {
            total,
            successes: self.successes,
            failures: self.failures,
            success_rate: (total > 0).then(|| self.successes as f64 / total as f64),
            avg_ms: s.avg,
            min_ms: s.min,
            p50_ms: s.p50,
            p95_ms: s.p95,
            p99_ms: s.p99,
            max_ms: s.max,
        }
    }
}

struct Probe {
    interval_ms: f64,
    expected: f64,
    timer: Option<TimerId>,
}

struct State {
    capacity: usize,
    recent: VecDeque<OpRecord>,
    all: OpStats,
    by_name: BTreeMap<String, OpStats>,
    lag: Histogram,
    probe: Option<Probe>,
    last_interval: f64,
}

struct Inner {
    env: Rc<dyn Env>,
    me: Weak<Inner>,
    state: RefCell<State>,
}

/// Cloning gives another handle to the same monitor.
#[derive(Clone)]
pub struct PerformanceMonitor {
    inner: Rc<Inner>,
}

pub const DEFAULT_CAPACITY: usize = 1000;

impl Inner {
    fn arm(&self, st: &mut State) {
        let Some(p) = st.probe.as_mut() else { return };
        let me = self.me.clone();
        p.timer = Some(self.env.set_timer(
            p.expected,
            Box::new(move || {
                if let Some(inner) = me.upgrade() {
                    inner.tick();
                }
            }),
        ));
    }

    fn tick(&self) {
        let now = self.env.now_ms();
        let mut st = self.state.borrow_mut();
        let Some(p) = st.probe.as_mut() else { return };
        let lag = (now - p.expected).max(0.0);
        // The next expectation starts from the actual firing, so one stall is counted once.
        p.expected = now + p.interval_ms;
        p.timer = None;
        st.lag.record(lag);
        self.arm(&mut st);
    }
}

impl PerformanceMonitor {
    /// `capacity`: how many recent records `last_n` can return (older ones are dropped; the
    /// summaries keep counting).
    pub fn new(env: Rc<dyn Env>, capacity: usize) -> Self {
        let inner = Rc::new_cyclic(|me| Inner {
            env,
            me: me.clone(),
            state: RefCell::new(State {
                capacity,
                recent: VecDeque::new(),
                all: OpStats::default(),
                by_name: BTreeMap::new(),
                lag: Histogram::new(),
                probe: None,
                last_interval: 0.0,
            }),
        });
        PerformanceMonitor { inner }
    }

    pub fn env(&self) -> &Rc<dyn Env> {
        &self.inner.env
    }

    pub fn now_ms(&self) -> f64 {
        self.inner.env.now_ms()
    }

    /// Records one operation that took `duration_ms`.
    pub fn record(&self, name: &str, duration_ms: f64, success: bool, error: Option<String>) {
        let duration_ms = if duration_ms.is_finite() { duration_ms.max(0.0) } else { 0.0 };
        let at = self.inner.env.wall_ms();
        let mut st = self.inner.state.borrow_mut();
        st.all.add(duration_ms, success);
        st.by_name.entry(name.to_string()).or_default().add(duration_ms, success);
        if st.capacity > 0 {
            if st.recent.len() >= st.capacity {
                st.recent.pop_front();
            }
            st.recent.push_back(OpRecord { name: name.to_string(), duration_ms, success, at, error });
        }
    }

    /// Times a synchronous operation; `Err` counts as a failure.
    pub fn track_sync<T, E: std::fmt::Display>(&self, name: &str, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let t0 = self.now_ms();
        let r = f();
        let ms = self.now_ms() - t0;
        self.record(name, ms, r.is_ok(), r.as_ref().err().map(|e| e.to_string()));
        r
    }

    /// Times an asynchronous operation; `Err` counts as a failure.
    pub fn track<T, E: std::fmt::Display>(
        &self,
        name: &str,
        fut: impl Future<Output = Result<T, E>>,
    ) -> impl Future<Output = Result<T, E>> {
        let me = self.clone();
        let name = name.to_string();
        let t0 = self.now_ms();
        async move {
            let r = fut.await;
            let ms = me.now_ms() - t0;
            me.record(&name, ms, r.is_ok(), r.as_ref().err().map(|e| e.to_string()));
            r
        }
    }

    /// The newest `n` records, oldest first.
    pub fn last_n(&self, n: usize) -> Vec<OpRecord> {
        let st = self.inner.state.borrow();
        let skip = st.recent.len().saturating_sub(n);
        st.recent.iter().skip(skip).cloned().collect()
    }

    /// Summary over every operation (`None`) or one name since the last `clear`.
    pub fn summary(&self, name: Option<&str>) -> OpSummary {
        let st = self.inner.state.borrow();
        match name {
            None => st.all.summary(),
            Some(n) => st.by_name.get(n).map(OpStats::summary).unwrap_or_default(),
        }
    }

    pub fn summaries(&self) -> BTreeMap<String, OpSummary> {
        let st = self.inner.state.borrow();
        st.by_name.iter().map(|(k, v)| (k.clone(), v.summary())).collect()
    }

    /// Forgets operation records and lag samples (a running probe keeps running).
    pub fn clear(&self) {
        let mut st = self.inner.state.borrow_mut();
        st.recent.clear();
        st.all = OpStats::default();
        st.by_name.clear();
        st.lag.clear();
    }

    /// Starts the event-loop-lag probe (restarts it with the new interval if running).
    pub fn start_lag_probe(&self, interval_ms: f64) -> crate::Result<()> {
        let interval_ms = super::check_ms("intervalMs", interval_ms, 1.0)?;
        self.stop_lag_probe();
        let mut st = self.inner.state.borrow_mut();
        st.probe = Some(Probe { interval_ms, expected: self.inner.env.now_ms() + interval_ms, timer: None });
        st.last_interval = interval_ms;
        self.inner.arm(&mut st);
        Ok(())
    }

    pub fn stop_lag_probe(&self) {
        let probe = self.inner.state.borrow_mut().probe.take();
        if let Some(t) = probe.and_then(|p| p.timer) {
            self.inner.env.clear_timer(t);
        }
    }

    pub fn lag(&self) -> LagSummary {
        let st = self.inner.state.borrow();
        let s = st.lag.summary();
        LagSummary {
            running: st.probe.is_some(),
            interval_ms: st.last_interval,
            samples: s.count,
            avg: s.avg,
            p50: s.p50,
            p95: s.p95,
            p99: s.p99,
            max: s.max,
        }
    }

    /// Prometheus text exposition (format 0.0.4) of the operations, the lag probe and,
    /// optionally, a dispatcher's metrics. Durations are in seconds, as Prometheus expects.
    pub fn prometheus(&self, dispatcher: Option<&MetricsSnapshot>) -> String {
        let st = self.inner.state.borrow();
        let mut out = String::new();
        let q = [("0.5", 0.5), ("0.95", 0.95), ("0.99", 0.99)];
        if !st.by_name.is_empty() {
            out.push_str("# HELP stratlab_operation_duration_seconds Duration of tracked operations.\n");
            out.push_str("# TYPE stratlab_operation_duration_seconds summary\n");
            for (name, s) in &st.by_name {
                let l = escape_label(name);
                for (qs, qv) in q {
                    let _ = writeln!(out, "stratlab_operation_duration_seconds{{operation=\"{l}\",quantile=\"{qs}\"}} {}", num(s.hist.quantile(qv) / 1000.0));
                }
                let _ = writeln!(out, "stratlab_operation_duration_seconds_sum{{operation=\"{l}\"}} {}", num(s.hist.sum() / 1000.0));
                let _ = writeln!(out, "stratlab_operation_duration_seconds_count{{operation=\"{l}\"}} {}", s.hist.count());
            }
            out.push_str("# HELP stratlab_operations_total Tracked operations by outcome.\n");
            out.push_str("# TYPE stratlab_operations_total counter\n");
            for (name, s) in &st.by_name {
                let l = escape_label(name);
                let _ = writeln!(out, "stratlab_operations_total{{operation=\"{l}\",outcome=\"success\"}} {}", s.successes);
                let _ = writeln!(out, "stratlab_operations_total{{operation=\"{l}\",outcome=\"failure\"}} {}", s.failures);
            }
        }
        if st.lag.count() > 0 {
            out.push_str("# HELP stratlab_event_loop_lag_seconds Lateness of the lag probe's timer.\n");
            out.push_str("# TYPE stratlab_event_loop_lag_seconds summary\n");
            for (qs, qv) in q {
                let _ = writeln!(out, "stratlab_event_loop_lag_seconds{{quantile=\"{qs}\"}} {}", num(st.lag.quantile(qv) / 1000.0));
            }
            let _ = writeln!(out, "stratlab_event_loop_lag_seconds_sum {}", num(st.lag.sum() / 1000.0));
            let _ = writeln!(out, "stratlab_event_loop_lag_seconds_count {}", st.lag.count());
        }
        if let Some(m) = dispatcher {
            out.push_str("# HELP stratlab_tasks_submitted_total Tasks accepted by the dispatcher.\n");
            out.push_str("# TYPE stratlab_tasks_submitted_total counter\n");
            let _ = writeln!(out, "stratlab_tasks_submitted_total {}", m.submitted);
            out.push_str("# HELP stratlab_tasks_rejected_total Submissions refused with QUEUE_FULL.\n");
            out.push_str("# TYPE stratlab_tasks_rejected_total counter\n");
            let _ = writeln!(out, "stratlab_tasks_rejected_total {}", m.rejected);
            out.push_str("# HELP stratlab_tasks_finished_total Finished tasks by final status.\n");
            out.push_str("# TYPE stratlab_tasks_finished_total counter\n");
            let c = &m.counts;
            for (s, v) in [("completed", c.completed), ("failed", c.failed), ("timed_out", c.timed_out), ("cancelled", c.cancelled), ("dropped", c.dropped)] {
                let _ = writeln!(out, "stratlab_tasks_finished_total{{status=\"{s}\"}} {v}");
            }
            out.push_str("# HELP stratlab_tasks_active Tasks not finished yet (retrying is part of queued).\n");
            out.push_str("# TYPE stratlab_tasks_active gauge\n");
            for (s, v) in [("queued", c.queued), ("running", c.running), ("retrying", c.retrying)] {
                let _ = writeln!(out, "stratlab_tasks_active{{status=\"{s}\"}} {v}");
            }
            for (metric, help, l) in [
                ("stratlab_task_queue_wait_seconds", "Time from queueing to start, per attempt.", &m.queue_wait),
                ("stratlab_task_run_seconds", "Time from start to settlement or timeout, per attempt.", &m.run_time),
            ] {
                let _ = writeln!(out, "# HELP {metric} {help}");
                let _ = writeln!(out, "# TYPE {metric} summary");
                for (qs, v) in [("0.5", l.p50), ("0.95", l.p95), ("0.99", l.p99)] {
                    let _ = writeln!(out, "{metric}{{quantile=\"{qs}\"}} {}", num(v / 1000.0));
                }
                let _ = writeln!(out, "{metric}_sum {}", num(l.avg * l.count as f64 / 1000.0));
                let _ = writeln!(out, "{metric}_count {}", l.count);
            }
        }
        out
    }
}

/// Prometheus label values escape backslash, double quote and newline.
fn escape_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn num(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        format!("{v}")
    }
}
