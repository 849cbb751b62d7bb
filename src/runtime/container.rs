//! Service container: components with async `initialize`/`cleanup`, started in dependency
//! order (services before analyzers, registration order within a kind) and cleaned up in reverse.
//! A failing `initialize` cleans up everything already started, in reverse, and the error names
//! the component that failed.

use crate::{Error, ErrorCode, Result};
use futures::future::LocalBoxFuture;
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// Infrastructure other components use (data feeds, stores): initialized first.
    Service,
    /// Consumers of services (strategies, analyzers): initialized after every service.
    Analyzer,
}

impl ComponentKind {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "service" => Ok(ComponentKind::Service),
            "analyzer" => Ok(ComponentKind::Analyzer),
            other => Err(Error::invalid_parameter(format!("kind must be 'service' or 'analyzer', got '{other}'"))
                .with("parameter", "kind")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Service => "service",
            ComponentKind::Analyzer => "analyzer",
        }
    }
}

/// A managed component. Either step may be a no-op.
pub trait Component {
    fn initialize(&self) -> LocalBoxFuture<'static, std::result::Result<(), String>>;
    fn cleanup(&self) -> LocalBoxFuture<'static, std::result::Result<(), String>>;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentState {
    Registered,
    Initializing,
    Ready,
    Failed,
    CleaningUp,
    Stopped,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentStatus {
    pub name: String,
    pub kind: ComponentKind,
    pub state: ComponentState,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CleanupError {
    pub component: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CleanupReport {
    /// Components cleaned up, in the order it happened (reverse of initialization).
    pub cleaned: Vec<String>,
    /// Cleanups that failed; the others still ran.
    pub errors: Vec<CleanupError>,
}

struct Entry<C> {
    name: String,
    kind: ComponentKind,
    component: Rc<C>,
    state: ComponentState,
    error: Option<String>,
}

struct State<C> {
    entries: Vec<Entry<C>>,
    /// Indices of initialized components, in initialization order.
    started: Vec<usize>,
    busy: bool,
}

pub struct ServiceContainer<C: Component> {
    state: Rc<RefCell<State<C>>>,
}

impl<C: Component> Clone for ServiceContainer<C> {
    fn clone(&self) -> Self {
        ServiceContainer { state: self.state.clone() }
    }
}

impl<C: Component + 'static> Default for ServiceContainer<C> {
    fn default() -> Self {
        Self::new()
    }
}

fn busy_error(what: &str) -> Error {
    Error::invalid_input(format!(
        "the container is busy initializing or cleaning up; {what} after that finishes (await it)"
    ))
}

/// Clears the busy flag however the async operation ends (including being dropped).
struct BusyGuard<C>(Rc<RefCell<State<C>>>);
impl<C> Drop for BusyGuard<C> {
    fn drop(&mut self) {
        if let Ok(mut st) = self.0.try_borrow_mut() {
            st.busy = false;
        }
    }
}

impl<C: Component + 'static> ServiceContainer<C> {
    pub fn new() -> Self {
        ServiceContainer { state: Rc::new(RefCell::new(State { entries: Vec::new(), started: Vec::new(), busy: false })) }
    }

    pub fn register(&self, name: &str, kind: ComponentKind, component: C) -> Result<()> {
        let mut st = self.state.borrow_mut();
        if st.busy {
            return Err(busy_error("register components"));
        }
        if name.is_empty() {
            return Err(Error::invalid_input("component name must not be empty").with("parameter", "name"));
        }
        if st.entries.iter().any(|e| e.name == name) {
            return Err(Error::invalid_input(format!("a component named '{name}' is already registered"))
                .with("component", name));
        }
        st.entries.push(Entry {
            name: name.to_string(),
            kind,
            component: Rc::new(component),
            state: ComponentState::Registered,
            error: None,
        });
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<Rc<C>> {
        self.state.borrow().entries.iter().find(|e| e.name == name).map(|e| e.component.clone())
    }

    pub fn status(&self) -> Vec<ComponentStatus> {
        self.state
            .borrow()
            .entries
            .iter()
            .map(|e| ComponentStatus { name: e.name.clone(), kind: e.kind, state: e.state, error: e.error.clone() })
            .collect()
    }

    fn set_state(&self, i: usize, s: ComponentState, error: Option<String>) {
        if let Some(e) = self.state.borrow_mut().entries.get_mut(i) {
            e.state = s;
            e.error = error;
        }
    }

    /// Initializes every component not yet ready: services first, then analyzers. Returns the
    /// names initialized by this call, in order. On failure, everything started so far is
    /// cleaned up in reverse and the error (TASK_FAILED) names the failing component.
    pub async fn initialize_all(&self) -> Result<Vec<String>> {
        let order: Vec<usize> = {
            let mut st = self.state.borrow_mut();
            if st.busy {
                return Err(busy_error("call initializeAll"));
            }
            st.busy = true;
            let mut order: Vec<usize> = (0..st.entries.len())
                .filter(|&i| st.entries[i].state != ComponentState::Ready)
                .collect();
            // Stable sort: registration order is kept within a kind.
            order.sort_by_key(|&i| match st.entries[i].kind {
                ComponentKind::Service => 0,
                ComponentKind::Analyzer => 1,
            });
            order
        };
        let _guard = BusyGuard(self.state.clone());
        let mut done = Vec::new();
        for i in order {
            let (name, kind, comp) = {
                let st = self.state.borrow();
                let e = &st.entries[i];
                (e.name.clone(), e.kind, e.component.clone())
            };
            self.set_state(i, ComponentState::Initializing, None);
            // No borrow is held while the component runs: it may query the container.
            match comp.initialize().await {
                Ok(()) => {
                    self.set_state(i, ComponentState::Ready, None);
                    self.state.borrow_mut().started.push(i);
                    done.push(name);
                }
                Err(msg) => {
                    self.set_state(i, ComponentState::Failed, Some(msg.clone()));
                    let report = self.cleanup_started().await;
                    let cleaned: Vec<serde_json::Value> = report.cleaned.iter().map(|s| s.as_str().into()).collect();
                    let errors = serde_json::to_value(&report.errors).unwrap_or_default();
                    return Err(Error::new(
                        ErrorCode::TaskFailed,
                        format!(
                            "component '{name}' ({}) failed to initialize: {msg}; cleaned up {} component(s) started before it, in reverse order{}",
                            kind.as_str(),
                            report.cleaned.len(),
                            if report.errors.is_empty() { String::new() } else { format!(" ({} cleanup error(s))", report.errors.len()) }
                        ),
                    )
                    .with("component", name.as_str())
                    .with("kind", kind.as_str())
                    .with("phase", "initialize")
                    .with("cause", msg.as_str())
                    .with("cleanedUp", cleaned)
                    .with("cleanupErrors", errors));
                }
            }
        }
        Ok(done)
    }

    async fn cleanup_started(&self) -> CleanupReport {
        let mut report = CleanupReport::default();
        loop {
            let next = self.state.borrow_mut().started.pop();
            let Some(i) = next else { break };
            let (name, comp) = {
                let st = self.state.borrow();
                (st.entries[i].name.clone(), st.entries[i].component.clone())
            };
            self.set_state(i, ComponentState::CleaningUp, None);
            match comp.cleanup().await {
                Ok(()) => self.set_state(i, ComponentState::Stopped, None),
                Err(message) => {
                    self.set_state(i, ComponentState::Stopped, Some(message.clone()));
                    report.errors.push(CleanupError { component: name.clone(), message });
                }
            }
            report.cleaned.push(name);
        }
        report
    }

    /// Cleans up every initialized component in reverse initialization order. Every cleanup
    /// runs even if some fail; failures are listed in the report.
    pub async fn cleanup_all(&self) -> Result<CleanupReport> {
        {
            let mut st = self.state.borrow_mut();
            if st.busy {
                return Err(busy_error("call cleanupAll"));
            }
            st.busy = true;
        }
        let _guard = BusyGuard(self.state.clone());
        Ok(self.cleanup_started().await)
    }
}
