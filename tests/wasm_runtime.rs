//! The runtime inside wasm on real timers (Node, Chromium, Firefox): JS tasks through the
//! Dispatcher, Rust futures through the same core on the wasm env, the scheduler, the lag probe
//! and the container.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;
use stratlab::js::runtime::{env, JsContainer, JsDispatcher, JsMonitor, JsScheduler};
use stratlab::runtime::{DispatcherConfig, FutureDispatcher, Status, SubmitOptions};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

fn func(args: &str, body: &str) -> js_sys::Function {
    js_sys::Function::new_with_args(args, body)
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[wasm_bindgen_test]
async fn js_tasks_run_with_priorities_and_metrics() {
    let d = JsDispatcher::new(obj(&[("maxConcurrent", 2.into())])).expect("dispatcher");
    let f = func("signal", "return new Promise((r) => setTimeout(() => r(signal instanceof AbortSignal ? 42 : -1), 5));");
    let id = d.submit("answer".into(), f, JsValue::UNDEFINED).expect("submitted");
    assert_eq!(d.status(id).as_deref(), Some("running"));
    let v = JsFuture::from(d.result(id, JsValue::UNDEFINED).expect("promise")).await.expect("resolved");
    assert_eq!(v.as_f64(), Some(42.0));
    let m = d.metrics().expect("metrics");
    let counts = get(&m, "counts");
    assert_eq!(get(&counts, "completed").as_f64(), Some(1.0));
    assert!(get(&get(&m, "runTime"), "max").as_f64().unwrap_or(0.0) >= 4.0);
}

#[wasm_bindgen_test]
async fn timeout_fires_the_abort_signal_and_rejects_with_timeout() {
    let d = JsDispatcher::new(JsValue::UNDEFINED).expect("dispatcher");
    let f = func(
        "signal",
        "return new Promise((_, reject) => signal.addEventListener('abort', () => { globalThis.__stratlabAborted = signal.reason.code; reject(signal.reason); }));",
    );
    let id = d.submit("hang".into(), f, obj(&[("timeoutMs", 20.into())])).expect("submitted");
    let err = JsFuture::from(d.result(id, JsValue::UNDEFINED).expect("promise")).await.expect_err("times out");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("TIMEOUT"));
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(d.status(id).as_deref(), Some("timed_out"));
    let aborted = get(&js_sys::global(), "__stratlabAborted");
    assert_eq!(aborted.as_string().as_deref(), Some("TIMEOUT"));
}

#[wasm_bindgen_test]
async fn queue_full_and_cancel() {
    let d = JsDispatcher::new(obj(&[("maxConcurrent", 1.into()), ("maxQueue", 1.into())])).expect("dispatcher");
    let slow = || func("signal", "return new Promise((r) => setTimeout(r, 10));");
    let a = d.submit("a".into(), slow(), JsValue::UNDEFINED).expect("ok");
    let b = d.submit("b".into(), slow(), JsValue::UNDEFINED).expect("ok");
    let err = d.submit("c".into(), slow(), JsValue::UNDEFINED).expect_err("queue full");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("QUEUE_FULL"));
    assert!(d.cancel(b));
    let err = JsFuture::from(d.result(b, JsValue::UNDEFINED).expect("promise")).await.expect_err("cancelled");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("CANCELLED"));
    JsFuture::from(d.on_idle()).await.expect("idle");
    assert_eq!(d.status(a).as_deref(), Some("completed"));
}

#[wasm_bindgen_test]
async fn rust_futures_share_the_core_on_real_timers() {
    let d = FutureDispatcher::<u32>::for_futures(
        env(),
        DispatcherConfig { max_concurrent: 3, default_timeout_ms: Some(40.0), ..Default::default() },
    )
    .expect("dispatcher");
    let live = Rc::new(Cell::new(0u32));
    let peak = Rc::new(Cell::new(0u32));
    let mut ids = Vec::new();
    for i in 0..10u32 {
        let (live, peak) = (live.clone(), peak.clone());
        ids.push(
            d.submit_fn("rust", &SubmitOptions::default(), move |_sig| {
                let (live, peak) = (live.clone(), peak.clone());
                async move {
                    live.set(live.get() + 1);
                    peak.set(peak.get().max(live.get()));
                    // Task 9 hangs past its timeout; the future is dropped when it fires.
                    sleep(if i == 9 { 10_000 } else { 5 }).await;
                    live.set(live.get() - 1);
                    Ok(i)
                }
            })
            .expect("ok"),
        );
    }
    d.idle().await;
    assert!(peak.get() <= 3);
    assert_eq!(d.status(ids[0]), Some(Status::Completed));
    assert_eq!(d.status(ids[9]), Some(Status::TimedOut));
    assert_eq!(d.result(ids[3]).await.ok(), Some(3));
    let m = d.metrics();
    assert!(m.accounted());
    assert_eq!((m.counts.completed, m.counts.timed_out), (9, 1));
}

#[wasm_bindgen_test]
async fn scheduler_interval_jobs_do_not_overlap() {
    let d = JsDispatcher::new(JsValue::UNDEFINED).expect("dispatcher");
    let s = JsScheduler::new(&d, JsValue::UNDEFINED).expect("scheduler");
    let f = func(
        "",
        "globalThis.__live = (globalThis.__live || 0) + 1; globalThis.__peak = Math.max(globalThis.__peak || 0, globalThis.__live); return new Promise((r) => setTimeout(() => { globalThis.__live--; r(); }, 25));",
    );
    let id = s.add_job("tick".into(), f, obj(&[("everyMs", 10.into())]), JsValue::UNDEFINED).expect("job");
    s.start();
    sleep(120).await;
    s.stop();
    JsFuture::from(d.on_idle()).await.expect("idle");
    let job = s.job(id).expect("job");
    assert!(get(&job, "runs").as_f64().unwrap_or(0.0) >= 2.0);
    assert!(get(&job, "skippedOverlap").as_f64().unwrap_or(0.0) >= 1.0);
    assert_eq!(get(&js_sys::global(), "__peak").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
async fn lag_probe_sees_a_blocked_loop() {
    let m = JsMonitor::new(JsValue::UNDEFINED).expect("monitor");
    m.start_lag_probe(obj(&[("intervalMs", 5.into())])).expect("probe");
    sleep(20).await;
    let now = || js_sys::Date::now();
    let end = now() + 40.0;
    while now() < end {}
    sleep(20).await;
    m.stop_lag_probe();
    let lag = m.lag().expect("lag");
    assert!(get(&lag, "max").as_f64().unwrap_or(0.0) >= 25.0, "max lag {:?}", get(&lag, "max"));
    assert!(get(&lag, "samples").as_f64().unwrap_or(0.0) >= 2.0);
    let sync = m.track("sync".into(), func("", "return 7;")).expect("tracked");
    assert_eq!(sync.as_f64(), Some(7.0));
    assert!(m.prometheus().contains("stratlab_event_loop_lag_seconds_count"));
}

#[wasm_bindgen_test]
async fn container_initializes_in_order_and_cleans_up_on_failure() {
    let c = JsContainer::new();
    let comp = |name: &str, fail: bool| {
        let init = if fail {
            format!("(globalThis.__log ||= []).push('init {name}'); return Promise.reject(new Error('{name} down'));")
        } else {
            format!("(globalThis.__log ||= []).push('init {name}');")
        };
        obj(&[
            ("initialize", func("", &init).into()),
            ("cleanup", func("", &format!("(globalThis.__log ||= []).push('cleanup {name}');")).into()),
        ])
    };
    c.register("strategy".into(), comp("strategy", false), obj(&[("kind", "analyzer".into())])).expect("ok");
    c.register("db".into(), comp("db", false), JsValue::UNDEFINED).expect("ok");
    c.register("broker".into(), comp("broker", true), JsValue::UNDEFINED).expect("ok");
    let err = JsFuture::from(c.initialize_all()).await.expect_err("broker fails");
    assert_eq!(get(&get(&err, "details"), "component").as_string().as_deref(), Some("broker"));
    let log: Vec<String> = js_sys::Array::from(&get(&js_sys::global(), "__log")).iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(log, ["init db", "init broker", "cleanup db"]);
}
