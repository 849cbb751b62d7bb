//! The bounded store of finished tasks (results and errors), oldest evicted first.
//!
//! Finished tasks leave the dispatcher's live table and land here, so memory on a long run is
//! bounded by `capacity` records no matter how many tasks pass through. Aggregate counters and
//! latency statistics live in the dispatcher and are not affected by eviction.

use super::dispatcher::{Outcome, Status, TaskId};
use super::IdMap;
use std::collections::VecDeque;
use std::rc::Rc;

/// One finished task.
#[derive(Clone, Debug)]
pub struct Record<V> {
    pub id: TaskId,
    pub name: Rc<str>,
    pub status: Status,
    pub priority: i32,
    /// Attempts that actually started (0 for a task cancelled or dropped while queued).
    pub attempts: u32,
    pub submitted_at: f64,
    pub started_at: Option<f64>,
    pub finished_at: f64,
    pub outcome: Outcome<V>,
}

pub struct Reporter<V> {
    capacity: usize,
    order: VecDeque<TaskId>,
    records: IdMap<TaskId, Record<V>>,
    evicted: u64,
}

impl<V> Reporter<V> {
    pub fn new(capacity: usize) -> Self {
        Reporter { capacity, order: VecDeque::new(), records: IdMap::default(), evicted: 0 }
    }

    /// Stores a finished task, evicting the oldest record when full.
    pub fn push(&mut self, record: Record<V>) {
        if self.capacity == 0 {
            self.evicted += 1;
            return;
        }
        while self.order.len() >= self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.records.remove(&old);
                self.evicted += 1;
            }
        }
        self.order.push_back(record.id);
        self.records.insert(record.id, record);
    }

    pub fn get(&self, id: TaskId) -> Option<&Record<V>> {
        self.records.get(&id)
    }

    /// Removes records that finished before `cutoff_ms`; returns how many were removed.
    /// Records are kept in finish order and the clock is monotonic, so this pops from the front.
    pub fn remove_finished_before(&mut self, cutoff_ms: f64) -> usize {
        let mut removed = 0;
        while let Some(&id) = self.order.front() {
            let old = self.records.get(&id).is_none_or(|r| r.finished_at < cutoff_ms);
            if !old {
                break;
            }
            self.order.pop_front();
            self.records.remove(&id);
            removed += 1;
        }
        removed
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
    pub fn capacity(&self) -> usize {
        self.capacity
    }
    /// Records dropped because the reporter was full.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }
    /// The newest `n` records, newest first.
    pub fn recent(&self, n: usize) -> impl Iterator<Item = &Record<V>> {
        self.order.iter().rev().take(n).filter_map(move |id| self.records.get(id))
    }
}
