// The stratlab edge request handler: one module, web-standard APIs only (Request, Response,
// URL, TextDecoder, ReadableStream), so it runs unchanged in workerd, Deno.serve and Node
// (edge/node.mjs adapts node:http). Routes, limits and status codes: docs/edge.md.
//
//   const handle = createHandler({ stratlab, limits, sampleCsv });
//   const response = await handle(request, env, { clientAddress });

/** Defaults of every limit; each can be overridden by createHandler's `limits` or an env var. */
export const DEFAULT_LIMITS = Object.freeze({
  maxBodyBytes: 2 * 1024 * 1024, // EDGE_MAX_BODY_BYTES
  maxJsonDepth: 32, // EDGE_MAX_JSON_DEPTH
  timeBudgetMs: 30_000, // EDGE_TIME_BUDGET_MS
  maxConcurrent: 4, // EDGE_MAX_CONCURRENT: requests computing at once
  maxQueue: 32, // EDGE_MAX_QUEUE: requests waiting for a slot; beyond it 503
  rateBurst: 30, // EDGE_RATE_BURST: tokens per client key
  ratePerSec: 10, // EDGE_RATE_PER_SEC: refill rate
  maxForecastValues: 100_000, // EDGE_MAX_FORECAST_VALUES
  maxStrategies: 64, // EDGE_MAX_STRATEGIES
});

const ENV_NAMES = {
  maxBodyBytes: 'EDGE_MAX_BODY_BYTES',
  maxJsonDepth: 'EDGE_MAX_JSON_DEPTH',
  timeBudgetMs: 'EDGE_TIME_BUDGET_MS',
  maxConcurrent: 'EDGE_MAX_CONCURRENT',
  maxQueue: 'EDGE_MAX_QUEUE',
  rateBurst: 'EDGE_RATE_BURST',
  ratePerSec: 'EDGE_RATE_PER_SEC',
  maxForecastValues: 'EDGE_MAX_FORECAST_VALUES',
  maxStrategies: 'EDGE_MAX_STRATEGIES',
};

/** Limits from an env object (workerd bindings, process.env, Deno.env): positive numbers only. */
export function limitsFromEnv(env) {
  const out = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const raw = env?.[name];
    if (raw === undefined || raw === null || raw === '') continue;
    const n = Number(raw);
    if (Number.isFinite(n) && n > 0) out[key] = n;
  }
  return out;
}

// Stratlab error codes → HTTP status. Anything else (a bug, not bad input) is a 500.
const STATUS_OF_CODE = {
  INVALID_INPUT: 400,
  INVALID_PARAMETER: 422,
  INVALID_STRATEGY: 422,
  INVALID_RULE: 422,
  RESOURCE_LIMIT: 422,
  TIMEOUT: 504,
  CANCELLED: 504,
  QUEUE_FULL: 503,
};

/** An error that already knows its HTTP answer. */
class HttpError extends Error {
  constructor(status, code, message, details = {}, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

// Typed arrays become plain arrays (JSON.stringify would write them as {"0": ...});
// NaN/Infinity become null as usual.
const replacer = (_key, value) => (ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value) : value);

function json(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body, replacer), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

function errorBody(code, message, details) {
  return { error: { code, message, details: details ?? {} } };
}

/** Deepest bracket nesting of a JSON text, brackets inside strings ignored; stops past `limit`. */
export function jsonDepth(text, limit = Infinity) {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

// ---------------------------------------------------------------- rate limit and queue

/** Token buckets per client key; the map is bounded (oldest keys dropped first). */
class RateLimiter {
  constructor(burst, perSec, now, maxKeys = 10_000) {
    this.burst = burst;
    this.perSec = perSec;
    this.now = now;
    this.maxKeys = maxKeys;
    this.buckets = new Map();
  }

  /** 0 when a token was taken, else the seconds until one is available. */
  take(key) {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value);
      b = { tokens: this.burst, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSec);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.perSec;
  }
}

/** At most `max` holders at once, at most `maxQueue` waiting; beyond that `acquire` throws 503. */
class Gate {
  constructor(max, maxQueue) {
    this.max = max;
    this.maxQueue = maxQueue;
    this.active = 0;
    this.waiting = [];
    this.rejected = 0;
  }

  async acquire() {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    if (this.waiting.length >= this.maxQueue) {
      this.rejected++;
      throw new HttpError(503, 'QUEUE_FULL', 'the request queue is full; retry later',
        { active: this.active, queued: this.waiting.length, limit: this.maxQueue }, { 'retry-after': '1' });
    }
    await new Promise((resolve) => this.waiting.push(resolve));
  }

  release() {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }
}

// ---------------------------------------------------------------- metrics

const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];
const RECENT = 1000; // latencies kept per route for the JSON summary's percentiles

class Metrics {
  constructor(now) {
    this.now = now;
    this.started = now();
    this.counts = new Map(); // `${route} ${status}` → n
    this.histograms = new Map(); // route → {buckets, sum, count, recent}
    this.rateLimited = 0;
  }

  observe(route, status, ms) {
    const key = `${route} ${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let h = this.histograms.get(route);
    if (!h) {
      h = { buckets: new Array(BUCKETS_MS.length).fill(0), sum: 0, count: 0, errors: 0, recent: [] };
      this.histograms.set(route, h);
    }
    for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= BUCKETS_MS[i]) h.buckets[i]++;
    h.sum += ms;
    h.count++;
    if (status >= 400) h.errors++;
    h.recent.push(ms);
    if (h.recent.length > RECENT) h.recent.shift();
  }

  prometheus(gate) {
    const lines = [
      '# HELP stratlab_edge_requests_total Requests by route and status.',
      '# TYPE stratlab_edge_requests_total counter',
    ];
    for (const [key, n] of this.counts) {
      const [route, status] = key.split(' ');
      lines.push(`stratlab_edge_requests_total{route="${route}",status="${status}"} ${n}`);
    }
    lines.push('# HELP stratlab_edge_request_duration_ms Request latency in milliseconds.',
      '# TYPE stratlab_edge_request_duration_ms histogram');
    for (const [route, h] of this.histograms) {
      BUCKETS_MS.forEach((le, i) => lines.push(`stratlab_edge_request_duration_ms_bucket{route="${route}",le="${le}"} ${h.buckets[i]}`));
      lines.push(`stratlab_edge_request_duration_ms_bucket{route="${route}",le="+Inf"} ${h.count}`,
        `stratlab_edge_request_duration_ms_sum{route="${route}"} ${h.sum}`,
        `stratlab_edge_request_duration_ms_count{route="${route}"} ${h.count}`);
    }
    lines.push('# HELP stratlab_edge_rate_limited_total Requests answered 429.',
      '# TYPE stratlab_edge_rate_limited_total counter', `stratlab_edge_rate_limited_total ${this.rateLimited}`,
      '# HELP stratlab_edge_queue_rejected_total Requests answered 503 (queue full).',
      '# TYPE stratlab_edge_queue_rejected_total counter', `stratlab_edge_queue_rejected_total ${gate.rejected}`,
      '# HELP stratlab_edge_in_flight Requests computing now.',
      '# TYPE stratlab_edge_in_flight gauge', `stratlab_edge_in_flight ${gate.active}`,
      '# HELP stratlab_edge_queue_depth Requests waiting for a slot.',
      '# TYPE stratlab_edge_queue_depth gauge', `stratlab_edge_queue_depth ${gate.waiting.length}`);
    return `${lines.join('\n')}\n`;
  }

  summary(gate) {
    const routes = {};
    let total = 0;
    let errors = 0;
    for (const [route, h] of this.histograms) {
      const sorted = [...h.recent].sort((a, b) => a - b);
      const pct = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
      routes[route] = {
        count: h.count, errors: h.errors, avgMs: h.count ? h.sum / h.count : 0,
        p50Ms: pct(0.5), p95Ms: pct(0.95), p99Ms: pct(0.99), maxMs: sorted.length ? sorted[sorted.length - 1] : 0,
      };
      total += h.count;
      errors += h.errors;
    }
    return {
      uptimeMs: this.now() - this.started,
      requests: total,
      errors,
      errorRate: total ? errors / total : 0,
      rateLimited: this.rateLimited,
      queue: { active: gate.active, queued: gate.waiting.length, rejected: gate.rejected, limit: gate.maxQueue, concurrency: gate.max },
      routes,
    };
  }
}

// ---------------------------------------------------------------- request reading and schema

const JSON_TYPES = /^(application\/(json|[\w.+-]+\+json)|text\/plain)$/;

/** The body as parsed JSON, enforcing content type, size (header first, then while streaming),
 *  UTF-8 and nesting depth before JSON.parse. */
async function readJson(request, limits) {
  const type = (request.headers.get('content-type') ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (!JSON_TYPES.test(type)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json', { contentType: type });
  }
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limits.maxBodyBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limits.maxBodyBytes} bytes`,
      { size: Number(declared), limit: limits.maxBodyBytes });
  }
  const chunks = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBodyBytes) {
        reader.cancel().catch(() => {});
        throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limits.maxBodyBytes} bytes`,
          { limit: limits.maxBodyBytes });
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'INVALID_INPUT', 'the body is not valid UTF-8', { path: '' });
  }
  const depth = jsonDepth(text, limits.maxJsonDepth);
  if (depth > limits.maxJsonDepth) {
    throw new HttpError(400, 'INVALID_INPUT', `JSON nested deeper than ${limits.maxJsonDepth} levels`,
      { path: '', limit: limits.maxJsonDepth });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'INVALID_INPUT', 'the body is not valid JSON', { path: '', reason: String(e?.message ?? e) });
  }
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const kindOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function schemaError(path, expected, value) {
  return new HttpError(400, 'INVALID_INPUT', `${path || 'body'} must be ${expected}, got ${kindOf(value)}`,
    { path, expected, got: kindOf(value) });
}

function expectObject(value, path, { nullable = false } = {}) {
  if (value === undefined || (nullable && value === null)) return;
  if (!isObject(value)) throw schemaError(path, nullable ? 'an object or null' : 'an object', value);
}

function expectNumber(value, path, { integer = false, min = -Infinity, max = Infinity } = {}) {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw schemaError(path, integer ? 'an integer' : 'a finite number', value);
  }
  if (value < min || value > max) {
    throw new HttpError(422, 'INVALID_PARAMETER', `${path} must be in [${min}, ${max}]`, { path, min, max, value });
  }
}

/** `data` is OHLCV columns ({open, high, low, close, volume?, timestamp?}: arrays of numbers)
 *  or CSV text. Only the shape is checked here; the package validates values. */
function checkData(data) {
  if (data === undefined || data === null) return;
  if (typeof data === 'string') return;
  if (!isObject(data)) throw schemaError('data', 'OHLCV columns or CSV text', data);
  for (const [key, column] of Object.entries(data)) {
    if (!Array.isArray(column)) throw schemaError(`data.${key}`, 'an array of numbers', column);
    for (let i = 0; i < column.length; i++) {
      if (typeof column[i] !== 'number' && column[i] !== null) {
        throw schemaError(`data.${key}[${i}]`, 'a number', column[i]);
      }
    }
  }
}

// ---------------------------------------------------------------- the handler

/**
 * @param {object} options
 * @param {object} options.stratlab  the initialised package (single build's exports)
 * @param {object} [options.limits]  overrides of DEFAULT_LIMITS
 * @param {string} [options.sampleCsv]  the bundled GOOG sample (data when a request has none)
 * @param {() => number} [options.now]  clock in ms (tests)
 * @returns {(request: Request, env?: object, ctx?: object) => Promise<Response>}
 */
export function createHandler({ stratlab, limits = {}, sampleCsv, now = () => Date.now() } = {}) {
  const base = { ...DEFAULT_LIMITS, ...limits };
  let configured = null; // limits with env applied: env only exists per request in workerd
  let rate = null;
  let gate = null;
  const metrics = new Metrics(now);
  const pending = new WeakMap(); // streamed Response → promise of the work still feeding it
  let sample = null;

  function setup(env) {
    if (configured) return;
    configured = { ...base, ...limitsFromEnv(env), ...limits };
    rate = new RateLimiter(configured.rateBurst, configured.ratePerSec, now);
    gate = new Gate(configured.maxConcurrent, configured.maxQueue);
  }

  const sampleData = () => {
    if (!sampleCsv) throw new HttpError(400, 'INVALID_INPUT', 'no bundled sample: send `data`', { path: 'data' });
    sample ??= stratlab.Ohlcv.fromCsv(sampleCsv);
    return sample;
  };

  /** Runs `fn(ohlcv)` on the request's data (freed after) or on the sample. */
  async function withData(data, fn) {
    if (data === undefined || data === null) return fn(sampleData());
    const ohlcv = typeof data === 'string' ? stratlab.Ohlcv.fromCsv(data) : stratlab.Ohlcv.fromColumns(data);
    try {
      return await fn(ohlcv);
    } finally {
      ohlcv.free?.();
    }
  }

  async function optimizeBatch(request, limits) {
    const body = await readJson(request, limits);
    if (!isObject(body)) throw schemaError('', 'an object', body);
    const { data, ...req } = body;
    if (!Array.isArray(req.strategies)) throw schemaError('strategies', 'an array of strategy names', req.strategies);
    req.strategies.forEach((s, i) => {
      if (typeof s !== 'string') throw schemaError(`strategies[${i}]`, 'a string', s);
    });
    if (req.strategies.length > limits.maxStrategies) {
      throw new HttpError(422, 'RESOURCE_LIMIT', `at most ${limits.maxStrategies} strategies per request`,
        { path: 'strategies', size: req.strategies.length, limit: limits.maxStrategies });
    }
    expectObject(req.common_config, 'common_config');
    expectObject(req.strategy_specific_configs, 'strategy_specific_configs', { nullable: true });
    if (isObject(req.strategy_specific_configs)) {
      for (const [k, v] of Object.entries(req.strategy_specific_configs)) expectObject(v, `strategy_specific_configs.${k}`, { nullable: true });
    }
    expectNumber(req.parallel_jobs, 'parallel_jobs', { integer: true, min: 1, max: 64 });
    expectNumber(req.timeout_ms, 'timeout_ms', { min: 1, max: 86_400_000 });
    expectNumber(req.job_timeout_ms, 'job_timeout_ms', { min: 1, max: 86_400_000 });
    checkData(data);
    if (typeof stratlab.optimizeBatch !== 'function') {
      throw new HttpError(501, 'NOT_IMPLEMENTED', 'optimizeBatch is not in this build');
    }
    // The request's own timeout never exceeds the edge budget; the abort signal also stops work
    // between chunks where the platform clock does not advance during computation (workerd).
    req.timeout_ms = Math.min(req.timeout_ms ?? limits.timeBudgetMs, limits.timeBudgetMs);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limits.timeBudgetMs);
    if ((request.headers.get('accept') ?? '').includes('application/x-ndjson')) {
      return streamBatch(data, req, controller, timer);
    }
    try {
      const result = await withData(data, (ohlcv) => stratlab.optimizeBatch(ohlcv, req, { signal: controller.signal }));
      if (result?.jobs?.some((j) => j.status === 'timeout')) {
        throw new HttpError(504, 'TIMEOUT', 'the batch ran out of its time budget; partial results attached',
          { budgetMs: req.timeout_ms, partial: result });
      }
      return json(result);
    } catch (e) {
      if (e?.code === 'CANCELLED') {
        throw new HttpError(504, 'TIMEOUT', 'the batch ran out of its time budget; partial results attached',
          { budgetMs: limits.timeBudgetMs, partial: e.details?.partial ?? null });
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The batch as NDJSON: progress lines while it runs, then one line per job and a summary
   *  line. Errors before the first line are ordinary HTTP errors; later ones an `error` line. */
  async function streamBatch(data, req, controller, timer) {
    const lines = [];
    let wake = null;
    let closed = false;
    let firstLine;
    const started = new Promise((resolve) => { firstLine = resolve; });
    const push = (obj) => {
      lines.push(`${JSON.stringify(obj, replacer)}\n`);
      firstLine();
      wake?.();
    };
    const onProgress = (p) => push({ type: 'progress', done: p.done, total: p.total, strategy: p.strategy ?? null, job: p.job ?? null });
    const work = withData(data, (ohlcv) => stratlab.optimizeBatch(ohlcv, req, { signal: controller.signal, onProgress }));
    const finished = work.then((result) => {
      for (const job of result.jobs ?? []) push({ type: 'job', ...job });
      const { jobs, ...rest } = result;
      push({ type: 'summary', complete: !(jobs ?? []).some((j) => j.status === 'timeout'), ...rest });
      return null;
    }, (e) => {
      const code = e?.code === 'CANCELLED' ? 'TIMEOUT' : typeof e?.code === 'string' ? e.code : 'INTERNAL';
      if (lines.length) push({ type: 'error', error: { code, message: String(e?.message ?? e), details: e?.details ?? {} } });
      return e;
    }).finally(() => {
      closed = true;
      clearTimeout(timer);
      wake?.();
    });
    const early = await Promise.race([started.then(() => null), finished]);
    if (early && !lines.length) {
      if (early.code === 'CANCELLED') {
        throw new HttpError(504, 'TIMEOUT', 'the batch ran out of its time budget', { budgetMs: req.timeout_ms, partial: early.details?.partial ?? null });
      }
      throw early;
    }
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      async pull(c) {
        while (!lines.length && !closed) await new Promise((resolve) => { wake = resolve; });
        if (lines.length) c.enqueue(encoder.encode(lines.shift()));
        else c.close();
      },
      cancel() { controller.abort(); },
    });
    const response = new Response(body, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8' } });
    pending.set(response, finished);
    return response;
  }

  async function regimeDetect(request, limits) {
    const body = await readJson(request, limits);
    if (!isObject(body)) throw schemaError('', 'an object', body);
    expectObject(body.config, 'config', { nullable: true });
    expectNumber(body.tail, 'tail', { integer: true, min: 1, max: 1_000_000 });
    checkData(body.data);
    if (typeof stratlab.analyzeRegime !== 'function') throw new HttpError(501, 'NOT_IMPLEMENTED', 'analyzeRegime is not in this build');
    const result = await withData(body.data, (ohlcv) => stratlab.analyzeRegime(ohlcv, body.config ?? null));
    if (body.tail) {
      // Only the last `tail` bars: a small answer for a long series.
      for (const key of Object.keys(result)) {
        const v = result[key];
        if (Array.isArray(v) || ArrayBuffer.isView(v)) result[key] = v.slice(Math.max(0, v.length - body.tail));
      }
    }
    const regime = Array.from(result.regime ?? []);
    const latest = regime.length ? regime[regime.length - 1] : null;
    return json({ latest, ...result });
  }

  async function forecast(request, limits) {
    const body = await readJson(request, limits);
    if (!isObject(body)) throw schemaError('', 'an object', body);
    if (!Array.isArray(body.values)) throw schemaError('values', 'an array of numbers', body.values);
    if (body.values.length > limits.maxForecastValues) {
      throw new HttpError(422, 'RESOURCE_LIMIT', `at most ${limits.maxForecastValues} values`,
        { path: 'values', size: body.values.length, limit: limits.maxForecastValues });
    }
    body.values.forEach((v, i) => {
      if (typeof v !== 'number') throw schemaError(`values[${i}]`, 'a number', v);
    });
    if (!isObject(body.config)) throw schemaError('config', 'an object ({model, horizon, ...})', body.config);
    if (typeof stratlab.forecast !== 'function') throw new HttpError(501, 'NOT_IMPLEMENTED', 'forecast is not in this build');
    return json(stratlab.forecast(Float64Array.from(body.values), body.config));
  }

  // path → {method → handler}; `compute` routes take a queue slot.
  const routes = {
    '/health': { GET: () => json({ status: 'ok', version: stratlab.buildInfo?.().version ?? null, uptimeMs: now() - metrics.started }) },
    '/metrics': {
      GET: () => new Response(metrics.prometheus(gate), { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } }),
    },
    '/api/performance/metrics/summary': { GET: () => json(metrics.summary(gate)) },
    '/api/v1/sample': {
      GET: () => {
        const data = sampleData();
        const { real } = stratlab.indicator('SMA', { close: data.close }, { timeperiod: 20 });
        return json({ symbol: 'GOOG', ...data.summary(), sma20: real[real.length - 1] });
      },
      compute: true,
    },
    '/api/v1/optimize/batch': { POST: optimizeBatch, compute: true },
    '/api/v1/regime/detect': { POST: regimeDetect, compute: true },
    '/api/v1/forecast': { POST: forecast, compute: true },
  };
  const UNMETERED = new Set(['/health', '/metrics', '/api/performance/metrics/summary']);

  function clientKey(request, ctx) {
    const h = request.headers;
    const apiKey = h.get('x-api-key');
    if (apiKey) return `key:${apiKey.slice(0, 128)}`;
    const ip = h.get('cf-connecting-ip') ?? h.get('x-forwarded-for')?.split(',')[0].trim() ?? ctx?.clientAddress;
    return `ip:${ip || 'unknown'}`;
  }

  async function route(request, env, ctx, routeName) {
    const url = new URL(request.url);
    const entry = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : null;
    if (!entry) throw new HttpError(404, 'NOT_FOUND', `no route ${url.pathname}`, { path: url.pathname });
    routeName.value = url.pathname;
    const methods = Object.keys(entry).filter((m) => m !== 'compute');
    const method = request.method === 'HEAD' && entry.GET ? 'GET' : request.method;
    if (!entry[method]) {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${url.pathname}`,
        { allow: methods }, { allow: methods.join(', ') });
    }
    if (!UNMETERED.has(url.pathname)) {
      const wait = rate.take(clientKey(request, ctx));
      if (wait > 0) {
        metrics.rateLimited++;
        const retry = Math.max(1, Math.ceil(wait));
        throw new HttpError(429, 'RATE_LIMITED', 'too many requests for this client key', { retryAfterSeconds: retry },
          { 'retry-after': String(retry) });
      }
    }
    if (!entry.compute) return entry[method](request, configured);
    await gate.acquire();
    let response;
    try {
      response = await entry[method](request, configured);
      return response;
    } finally {
      // A streamed answer keeps its slot until the work behind it is done.
      const work = response && pending.get(response);
      if (work) work.finally(() => gate.release());
      else gate.release();
    }
  }

  return async function handle(request, env, ctx) {
    setup(env);
    const started = now();
    const routeName = { value: 'other' }; // bounded label set: known paths or "other"
    let response;
    try {
      response = await route(request, env, ctx, routeName);
    } catch (e) {
      if (e instanceof HttpError) {
        response = json(errorBody(e.code, e.message, e.details), e.status, e.headers);
      } else {
        const code = typeof e?.code === 'string' ? e.code : 'INTERNAL';
        const status = STATUS_OF_CODE[code] ?? 500;
        response = json(errorBody(code, String(e?.message ?? e), e?.details), status);
      }
    }
    metrics.observe(routeName.value, response.status, now() - started);
    return response;
  };
}
