// stratlab loader for browsers, Deno and workers.
// `load()` decides which build to use (the threaded one when the page is cross-origin
// isolated with SharedArrayBuffer, else the thread-less one), instantiates ONLY that build and
// binds every named export to it, so objects of the two builds can never be mixed. Named
// exports called before `load()` resolves throw INVALID_INPUT (reason 'not_loaded').
import { bindBuild } from './binding.js';
import * as api from './api.js';
import { typed } from './guard.js';

export * from './api.js';
import { StateStore as RawStateStore } from './state.js';
import { ForecastDispatcher as RawForecastDispatcher } from './forecast.js';
import { guardJsClass } from './guard.js';

export const StateStore = guardJsClass(RawStateStore);
export const ForecastDispatcher = guardJsClass(RawForecastDispatcher);

let loading = null;

/** True when the threaded build can run here (cross-origin isolated + SharedArrayBuffer). */
export function threadsSupported() {
  return typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true
    && typeof WebAssembly === 'object' && typeof Worker === 'function';
}

/**
 * Initialise stratlab once (idempotent: the first call's options win; later calls get the same result).
 * @param {{threads?: 'auto'|boolean, threadCount?: number, module_or_path?: any}} [options]
 * @returns {Promise<{build: 'threads'|'single', reason: string, threads: number, api: object}>}
 */
export function load(options = {}) {
  loading ??= doLoad(options);
  return loading;
}

async function doLoad({ threads = 'auto', threadCount, module_or_path } = {}) {
  const supported = threadsSupported();
  if (threads === true && !supported) {
    throw Object.assign(new Error('threads requested but this context is not cross-origin isolated (serve with COOP: same-origin and COEP: require-corp)'),
      { name: 'InvalidParameterError', code: 'INVALID_PARAMETER', details: { parameter: 'threads' } });
  }
  if (threads === false || !supported) {
    const single = await import('./single/stratlab.js');
    await single.default(module_or_path === undefined ? undefined : { module_or_path });
    bindBuild(single, 'single');
    const reason = threads === false ? 'threads disabled by option'
      : 'not cross-origin isolated or no SharedArrayBuffer: using the thread-less build';
    return { build: 'single', reason, threads: 1, api };
  }
  try {
    const threaded = await import('./threads/stratlab.js');
    await threaded.default();
    const n = threadCount ?? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
    await threaded.initThreadPool(n);
    bindBuild(threaded, 'threads');
    return { build: 'threads', reason: `cross-origin isolated: threaded build with ${n} worker threads`, threads: n, api };
  } catch (e) {
    loading = null; // a failed load can be retried
    throw typed(e, 'load');
  }
}

export default load;
