// Dedicated Worker that runs stratlab's optimizer off the page's main thread, on the threaded
// build (rayon pool over web workers) when the page is cross-origin isolated, else on the
// thread-less build. The page stays responsive either way; the optimizer yields between
// chunks, so 'cancel' messages are seen while a run is in progress.
//
// Protocol (page → worker):
//   {type: 'init', threads?: number, build?: 'threads'|'single', moduleUrl?: string}
//        → {type: 'ready', build, threads}
//   {type: 'data', key, csv}                       parse once, refer to it by key later
//        → {type: 'data', key, bars}
//   {type: 'optimize'|'optimizeBatch'|'walkForward', id, dataKey | csv, config, streamResults?}
//        → {type: 'progress', id, progress}* , {type: 'result', id, result}* (streamResults),
//          {type: 'fold', id, fold}* (walkForward), then {type: 'done', id, result, ms}
//          or {type: 'error', id, error: {name, code, message, details}}
//   {type: 'cancel', id}                           rejects that run with CANCELLED
// Progress messages arrive at most every `config.progressIntervalMs` (default 100 ms).

let api = null;          // the initialised stratlab module
let info = null;         // {build, threads}
let initializing = null; // the one init in flight: messages may arrive before it resolves
const datasets = new Map();
const running = new Map(); // id → AbortController

const defaultUrl = (build) => new URL(`./pkg/${build}/stratlab.js`, import.meta.url).href;

// The rayon pool cannot be torn down or made twice: initialise once, whoever asks first.
function init(options = {}) {
  initializing ??= doInit(options).catch((e) => { initializing = null; throw e; });
  return initializing;
}

async function doInit({ threads, build, moduleUrl } = {}) {
  const isolated = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  const chosen = build ?? (isolated ? 'threads' : 'single');
  if (chosen === 'threads' && !isolated) {
    throw Object.assign(new Error('the threaded build needs a cross-origin isolated page (COOP same-origin + COEP require-corp)'),
      { name: 'InvalidParameterError', code: 'INVALID_PARAMETER', details: { parameter: 'build' } });
  }
  api = await import(moduleUrl ?? defaultUrl(chosen));
  await api.default();
  let n = 1;
  if (chosen === 'threads') {
    n = Math.max(1, Math.floor(threads ?? navigator.hardwareConcurrency ?? 1));
    await api.initThreadPool(n);
  }
  info = { build: chosen, threads: n };
  return info;
}

function plainError(e) {
  return {
    name: e?.name ?? 'Error',
    code: e?.code ?? 'INTERNAL',
    message: e?.message ?? String(e),
    details: e?.details ?? {},
  };
}

function dataFor(msg) {
  if (msg.dataKey !== undefined) {
    const d = datasets.get(msg.dataKey);
    if (!d) {
      throw Object.assign(new Error(`no dataset '${msg.dataKey}': send {type: 'data', key, csv} first`),
        { name: 'InvalidInputError', code: 'INVALID_INPUT', details: { field: 'dataKey' } });
    }
    return d;
  }
  return api.Ohlcv.fromCsv(msg.csv);
}

async function runJob(msg) {
  const { id, type } = msg;
  const ac = new AbortController();
  running.set(id, ac);
  const t0 = performance.now();
  try {
    await init();
    const data = dataFor(msg);
    const callbacks = {
      signal: ac.signal,
      onProgress: (progress) => postMessage({ type: 'progress', id, progress }),
      onResult: msg.streamResults ? (result) => postMessage({ type: 'result', id, result }) : undefined,
      onFold: type === 'walkForward' ? (fold) => postMessage({ type: 'fold', id, fold }) : undefined,
    };
    const fn = { optimize: api.optimize, optimizeBatch: api.optimizeBatch, walkForward: api.walkForward }[type];
    const result = await fn(data, msg.config, callbacks);
    postMessage({ type: 'done', id, result, ms: performance.now() - t0, build: info?.build, threads: info?.threads });
  } catch (e) {
    postMessage({ type: 'error', id, error: plainError(e), ms: performance.now() - t0 });
  } finally {
    running.delete(id);
  }
}

self.onmessage = async (ev) => {
  const msg = ev.data ?? {};
  try {
    switch (msg.type) {
      case 'init':
        postMessage({ type: 'ready', ...(await init(msg)) });
        break;
      case 'data': {
        await init();
        const d = api.Ohlcv.fromCsv(msg.csv);
        datasets.set(msg.key, d);
        postMessage({ type: 'data', key: msg.key, bars: d.length });
        break;
      }
      case 'optimize':
      case 'optimizeBatch':
      case 'walkForward':
        runJob(msg); // not awaited: 'cancel' must get through while it runs
        break;
      case 'cancel':
        running.get(msg.id)?.abort();
        break;
      default:
        postMessage({ type: 'error', id: msg.id, error: { name: 'InvalidInputError', code: 'INVALID_INPUT', message: `unknown message type '${msg.type}'`, details: { field: 'type' } } });
    }
  } catch (e) {
    postMessage({ type: 'error', id: msg.id, error: plainError(e) });
  }
};
