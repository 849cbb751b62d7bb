//! Thread pool plumbing for the threaded build (`threads` feature): re-exports
//! `initThreadPool` and offers a small parallel computation that proves the pool works.

use wasm_bindgen::prelude::*;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// Sums `i * i` for `i < n` (as f64) on the rayon pool and reports how many distinct
/// threads took part. On the thread-less build it runs on the caller's thread.
/// Returns `{ result, threads }`.
#[wasm_bindgen(js_name = parallelSumOfSquares)]
pub fn parallel_sum_of_squares(n: f64) -> Result<JsValue, JsValue> {
    const MAX_N: f64 = 1e9;
    if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= MAX_N) {
        return Err(crate::Error::invalid_parameter(format!("n must be an integer in [0, {MAX_N}], got {n}"))
            .with("parameter", "n")
            .with("limit", MAX_N)
            .into());
    }
    let (result, threads) = sum_of_squares(n as u64);
    let obj = js_sys::Object::new();
    js_sys::Reflect::set(&obj, &"result".into(), &result.into())?;
    js_sys::Reflect::set(&obj, &"threads".into(), &(threads as f64).into())?;
    Ok(obj.into())
}

#[cfg(feature = "threads")]
fn sum_of_squares(n: u64) -> (f64, usize) {
    use rayon::prelude::*;
    use std::collections::HashSet;
    use std::sync::Mutex;
    let seen = Mutex::new(HashSet::new());
    // u32 ranges are indexed on wasm32 (u64 ones are not), which `with_min_len` needs.
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    let result = (0..n)
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| {
            if let (Some(idx), Ok(mut s)) = (rayon::current_thread_index(), seen.lock()) {
                s.insert(idx);
            }
            let i = i as f64;
            i * i
        })
        .sum::<f64>();
    let threads = seen.lock().map(|s| s.len()).unwrap_or(1);
    (result, threads.max(1))
}

#[cfg(not(feature = "threads"))]
fn sum_of_squares(n: u64) -> (f64, usize) {
    ((0..n).map(|i| (i as f64) * (i as f64)).sum(), 1)
}

/// Number of threads in the pool (1 on the thread-less build).
#[wasm_bindgen(js_name = threadCount)]
pub fn thread_count() -> usize {
    #[cfg(feature = "threads")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "threads"))]
    {
        1
    }
}
