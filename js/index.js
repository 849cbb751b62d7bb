// stratlab loader for browsers, Deno and workers.
// The named exports are the thread-less build (loads anywhere). `load()` initialises it and,
// when the page is cross-origin isolated with SharedArrayBuffer, also the threaded build
// with a rayon pool on web workers; it says which build it chose and why.
import initSingle from './single/stratlab.js';
export * from './single/stratlab.js';
export { ForecastDispatcher } from './forecast.js';

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
  const single = await import('./single/stratlab.js');
  await initSingle(module_or_path === undefined ? undefined : { module_or_path });
  const supported = threadsSupported();
  if (threads === false || (threads === 'auto' && !supported)) {
    const reason = threads === false ? 'threads disabled by option'
      : 'not cross-origin isolated or no SharedArrayBuffer: using the thread-less build';
    return { build: 'single', reason, threads: 1, api: single };
  }
  if (!supported) {
    throw Object.assign(new Error('threads requested but this context is not cross-origin isolated (serve with COOP: same-origin and COEP: require-corp)'),
      { name: 'InvalidParameterError', code: 'INVALID_PARAMETER', details: { parameter: 'threads' } });
  }
  const threaded = await import('./threads/stratlab.js');
  await threaded.default();
  const n = threadCount ?? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  await threaded.initThreadPool(n);
  return { build: 'threads', reason: `cross-origin isolated: threaded build with ${n} worker threads`, threads: n, api: threaded };
}

export default load;
