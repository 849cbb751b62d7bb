//! Service container: order, reverse cleanup, failure handling.

use futures::future::LocalBoxFuture;
use std::cell::RefCell;
use std::rc::Rc;
use stratlab::runtime::container::ComponentState;
use stratlab::runtime::{Component, ComponentKind, ServiceContainer, VirtualEnv};
use stratlab::ErrorCode;

type Log = Rc<RefCell<Vec<String>>>;

struct Comp {
    name: &'static str,
    log: Log,
    fail_init: bool,
    fail_cleanup: bool,
}

impl Component for Comp {
    fn initialize(&self) -> LocalBoxFuture<'static, Result<(), String>> {
        let (log, name, fail) = (self.log.clone(), self.name, self.fail_init);
        Box::pin(async move {
            log.borrow_mut().push(format!("init {name}"));
            if fail {
                Err(format!("{name} could not connect"))
            } else {
                Ok(())
            }
        })
    }
    fn cleanup(&self) -> LocalBoxFuture<'static, Result<(), String>> {
        let (log, name, fail) = (self.log.clone(), self.name, self.fail_cleanup);
        Box::pin(async move {
            log.borrow_mut().push(format!("cleanup {name}"));
            if fail {
                Err(format!("{name} cleanup failed"))
            } else {
                Ok(())
            }
        })
    }
}

fn comp(name: &'static str, log: &Log) -> Comp {
    Comp { name, log: log.clone(), fail_init: false, fail_cleanup: false }
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    futures::executor::block_on(f)
}

#[test]
fn services_before_analyzers_cleanup_in_reverse() {
    let _env = VirtualEnv::new(0.0);
    let log: Log = Rc::default();
    let c = ServiceContainer::new();
    c.register("strategy", ComponentKind::Analyzer, comp("strategy", &log)).expect("ok");
    c.register("db", ComponentKind::Service, comp("db", &log)).expect("ok");
    c.register("regime", ComponentKind::Analyzer, comp("regime", &log)).expect("ok");
    c.register("feed", ComponentKind::Service, comp("feed", &log)).expect("ok");
    let e = c.register("db", ComponentKind::Service, comp("db", &log)).expect_err("duplicate");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let started = block_on(c.initialize_all()).expect("ok");
    assert_eq!(started, vec!["db", "feed", "strategy", "regime"]);
    assert!(c.status().iter().all(|s| s.state == ComponentState::Ready));
    assert!(c.get("feed").is_some() && c.get("nope").is_none());
    let report = block_on(c.cleanup_all()).expect("ok");
    assert_eq!(report.cleaned, vec!["regime", "strategy", "feed", "db"]);
    assert!(report.errors.is_empty());
    assert_eq!(
        *log.borrow(),
        ["init db", "init feed", "init strategy", "init regime", "cleanup regime", "cleanup strategy", "cleanup feed", "cleanup db"]
    );
    assert!(c.status().iter().all(|s| s.state == ComponentState::Stopped));
}

#[test]
fn failing_initialize_cleans_up_started_and_names_the_component() {
    let log: Log = Rc::default();
    let c = ServiceContainer::new();
    c.register("db", ComponentKind::Service, comp("db", &log)).expect("ok");
    c.register("cache", ComponentKind::Service, Comp { fail_cleanup: true, ..comp("cache", &log) }).expect("ok");
    c.register("feed", ComponentKind::Service, Comp { fail_init: true, ..comp("feed", &log) }).expect("ok");
    c.register("strategy", ComponentKind::Analyzer, comp("strategy", &log)).expect("ok");
    let e = block_on(c.initialize_all()).expect_err("feed fails");
    assert_eq!(e.code, ErrorCode::TaskFailed);
    assert_eq!(e.detail("component").and_then(|v| v.as_str()), Some("feed"));
    assert_eq!(e.detail("cause").and_then(|v| v.as_str()), Some("feed could not connect"));
    assert_eq!(e.detail("cleanedUp"), Some(&serde_json::json!(["cache", "db"])));
    assert_eq!(e.detail("cleanupErrors").and_then(|v| v.as_array()).map(|a| a.len()), Some(1));
    assert!(e.message.contains("'feed'"), "{}", e.message);
    // The analyzer never started; cleanup ran in reverse, even past a failing cleanup.
    assert_eq!(*log.borrow(), ["init db", "init cache", "init feed", "cleanup cache", "cleanup db"]);
    let st = c.status();
    assert_eq!(st.iter().find(|s| s.name == "feed").map(|s| s.state), Some(ComponentState::Failed));
    assert_eq!(st.iter().find(|s| s.name == "strategy").map(|s| s.state), Some(ComponentState::Registered));
    // Nothing is left to clean up.
    assert_eq!(block_on(c.cleanup_all()).expect("ok").cleaned.len(), 0);
}

#[test]
fn kind_parsing() {
    assert_eq!(ComponentKind::parse("service").expect("ok"), ComponentKind::Service);
    assert_eq!(ComponentKind::parse("analyser").expect_err("bad").code, ErrorCode::InvalidParameter);
}
