// The edge handler (edge/handler.js) through `scripts/edge.mjs` in workerd, Deno and Node: the
// same integration checks in each runtime, plus 200 fuzzed bad requests with zero 5xx.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const root = new URL('../../', import.meta.url).pathname;
const MAX_BODY = 65536; // small limits so 413/queue checks are cheap
const MAX_DEPTH = 16;
const BURST = 20;

const freePort = () => new Promise((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

async function start(runtime) {
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/edge.mjs', '--port', String(port), '--runtime', runtime], {
    cwd: root,
    env: { ...process.env, EDGE_MAX_BODY_BYTES: String(MAX_BODY), EDGE_MAX_JSON_DEPTH: String(MAX_DEPTH), EDGE_RATE_BURST: String(BURST), EDGE_RATE_PER_SEC: '5' },
    detached: true, // its own process group: the runtime it spawns is stopped with it
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runtime} did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${runtime} exited ${code}:\n${out}`)); });
  });
  return { url, logs: () => out, stop: () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } } };
}

const BATCH = {
  strategies: ['SmaCross'],
  common_config: { maximize: 'Sharpe Ratio', cash: 10000, commission: 0.002, finalize_trades: true },
  strategy_specific_configs: { SmaCross: { space: { n1: [5, 10], n2: [20, 35] }, constraint: 'n1 < n2' } },
};

let keyCounter = 0;
const freshKey = () => `k${process.pid}-${keyCounter++}`;

for (const runtime of ['workerd', 'deno', 'node']) {
  describe(`edge on ${runtime}`, () => {
    let server;
    const post = (path, body, headers = {}) => fetch(`${server.url}${path.slice(1)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': freshKey(), ...headers },
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const expectError = async (res, status, code) => {
      const text = await res.text();
      assert.equal(res.status, status, text.slice(0, 500));
      const body = JSON.parse(text);
      assert.equal(body.error.code, code, text);
      assert.equal(typeof body.error.message, 'string');
      assert.equal(typeof body.error.details, 'object');
      return body.error;
    };

    before(async () => { server = await start(runtime); });
    after(() => server?.stop());

    test('health and a small batch request', async () => {
      const health = await (await fetch(`${server.url}health`)).json();
      assert.equal(health.status, 'ok');
      const res = await post('/api/v1/optimize/batch', BATCH);
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual(body.jobs.map((j) => [j.strategy, j.status]), [['SmaCross', 'complete']]);
      // The grid {5,10}×{20,35} on GOOG; (10, 35) is also the full grid's best (workerd.test.mjs).
      assert.deepEqual(body.jobs[0].report.best.params, { n1: 10, n2: 35 });
      assert.ok(Math.abs(body.jobs[0].report.best.value - 0.6757615920465423) < 1e-9);
    });

    test('Accept: application/x-ndjson streams progress, one line per job, then a summary', async () => {
      const res = await post('/api/v1/optimize/batch', BATCH, { accept: 'application/x-ndjson' });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /application\/x-ndjson/);
      const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(lines.some((l) => l.type === 'progress'));
      const jobs = lines.filter((l) => l.type === 'job');
      assert.deepEqual(jobs.map((j) => [j.strategy, j.status]), [['SmaCross', 'complete']]);
      assert.deepEqual(jobs[0].report.best.params, { n1: 10, n2: 35 });
      assert.equal(lines.at(-1).type, 'summary');
      assert.equal(lines.at(-1).complete, true);
      // Validation errors still come before any line, as ordinary HTTP errors.
      await expectError(await post('/api/v1/optimize/batch', { strategies: ['NoSuchStrategy'], common_config: { space: { n: [1, 2] } } },
        { accept: 'application/x-ndjson' }), 422, 'INVALID_STRATEGY');
    });

    test('regime detection and forecast', async () => {
      const regime = await post('/api/v1/regime/detect', { tail: 5 });
      const r = await regime.json();
      assert.equal(regime.status, 200, JSON.stringify(r));
      assert.equal(r.regime.length, 5);
      assert.equal(r.adx.length, 5);
      assert.ok(['trending_up', 'trending_down', 'ranging', 'volatile'].includes(r.latest), r.latest);
      const fc = await post('/api/v1/forecast', { values: [1, 2, 3, 4, 5], config: { model: 'drift', horizon: 2 } });
      const f = await fc.json();
      assert.equal(fc.status, 200, JSON.stringify(f));
      assert.deepEqual(f.mean, [6, 7]);
    });

    test('every error status, with {error: {code, message, details}}', async () => {
      await expectError(await fetch(`${server.url}nope`), 404, 'NOT_FOUND');
      const e405 = await fetch(`${server.url}api/v1/optimize/batch`);
      assert.equal(e405.headers.get('allow'), 'POST');
      await expectError(e405, 405, 'METHOD_NOT_ALLOWED');
      await expectError(await post('/api/v1/optimize/batch', '{"strategies": ['), 400, 'INVALID_INPUT');
      const schema = await expectError(await post('/api/v1/optimize/batch', { strategies: ['SmaCross', 7] }), 400, 'INVALID_INPUT');
      assert.equal(schema.details.path, 'strategies[1]');
      const deep = '['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1);
      assert.equal((await expectError(await post('/api/v1/forecast', deep), 400, 'INVALID_INPUT')).details.limit, MAX_DEPTH);
      // Brackets inside strings do not count.
      const shallowText = JSON.stringify({ values: [1, 2, 3], config: { model: 'naive', horizon: 1 }, note: '['.repeat(100) });
      assert.equal((await post('/api/v1/forecast', shallowText)).status, 200);
      await expectError(await post('/api/v1/forecast', 'x'.repeat(MAX_BODY + 1)), 413, 'PAYLOAD_TOO_LARGE');
      await expectError(await post('/api/v1/forecast', '{}', { 'content-type': 'application/xml' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const e422 = await expectError(await post('/api/v1/optimize/batch', { strategies: ['NoSuchStrategy'], common_config: { space: { n: [1, 2] } } }), 422, 'INVALID_STRATEGY');
      assert.match(e422.message, /SmaCross/);
      await expectError(await post('/api/v1/optimize/batch', { strategies: ['SmaCross'], strategy_specific_configs: null, common_config: { space: { n1: { start: 1, stop: 1e9, step: 1 }, n2: { start: 1, stop: 1e9, step: 1 } } } }), 422, 'RESOURCE_LIMIT');
      await expectError(await post('/api/v1/forecast', { values: [1, 2, 3], config: { model: 'nope', horizon: 1 } }), 422, 'INVALID_PARAMETER');
      // 1,500 combinations in a 1 ms budget: 504 with the partial batch marked incomplete.
      const slow = { ...BATCH, timeout_ms: 1, strategy_specific_configs: { SmaCross: { space: { n1: { start: 5, stop: 30, step: 1 }, n2: { start: 10, stop: 70, step: 1 } } } } };
      const e504 = await expectError(await post('/api/v1/optimize/batch', slow), 504, 'TIMEOUT');
      assert.equal(e504.details.partial.jobs[0].status, 'timeout');
      assert.equal(e504.details.partial.jobs[0].complete, false);
    });

    test('429 with Retry-After for one key, another key unaffected; /metrics counts it', async () => {
      const key = freshKey();
      const statuses = await Promise.all(Array.from({ length: 200 }, () => fetch(`${server.url}api/v1/sample`, { headers: { 'x-api-key': key } })
        .then(async (r) => { await r.arrayBuffer(); return [r.status, r.headers.get('retry-after')]; })));
      const limited = statuses.filter(([s]) => s === 429);
      assert.ok(limited.length >= 200 - BURST - 10, `only ${limited.length} 429s`);
      assert.ok(limited.every(([, retry]) => Number(retry) >= 1));
      assert.ok(statuses.every(([s]) => s === 200 || s === 429 || s === 503), JSON.stringify(statuses.filter(([s]) => s !== 200 && s !== 429)));
      assert.equal((await fetch(`${server.url}api/v1/sample`, { headers: { 'x-api-key': freshKey() } })).status, 200);
      const metrics = await (await fetch(`${server.url}metrics`)).text();
      assert.match(metrics, /stratlab_edge_requests_total\{route="\/api\/v1\/sample",status="429"\} \d+/);
      assert.match(metrics, /stratlab_edge_request_duration_ms_bucket\{route="\/api\/v1\/sample",le="\+Inf"\} \d+/);
      assert.ok(Number(metrics.match(/stratlab_edge_rate_limited_total (\d+)/)[1]) >= limited.length);
      const summary = await (await fetch(`${server.url}api/performance/metrics/summary`)).json();
      assert.ok(summary.routes['/api/v1/sample'].count >= 200);
      assert.ok(summary.rateLimited >= limited.length);
    });

    test('200 fuzzed bad requests: no 5xx, still healthy', async () => {
      let seed = Number(process.env.EDGE_FUZZ_SEED ?? 12345); // EDGE_FUZZ_SEED/COUNT for longer runs
      const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
      const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
      const routes = ['/api/v1/optimize/batch', '/api/v1/forecast', '/api/v1/regime/detect'];
      const junk = [
        () => Uint8Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256)),
        () => '{'.repeat(1 + Math.floor(rnd() * 5000)),
        () => '['.repeat(MAX_DEPTH * 2) + '1' + ']'.repeat(MAX_DEPTH * 2),
        () => ({ strategies: pick([null, 1, 'SmaCross', [[]], [{}], ['SmaCross', 'SmaCross']]), common_config: pick([null, [], 'x', 1e308, {}]) }),
        () => ({ ...BATCH, parallel_jobs: pick([-1, 0, 1e300, 'two', 2.5]), timeout_ms: pick([-5, 'soon', 0]) }),
        () => ({ ...BATCH, common_config: { space: { n1: pick([1e308, -1e308, 'x', [], [null], { start: 1, stop: 1e308, step: 1e-300 }]) } } }),
        () => ({ ...BATCH, data: pick([{ close: [1, 'x'] }, { open: [1], high: [1], low: [1], close: [1, 2] }, 'not,a\ncsv', { close: 5 }, [], { close: [1e308, -1e308] }]) }),
        () => ({ values: pick([[], [NaN], [1e308, 1e308, 1e308], 'abc', Array(5).fill('x'), [1, 2, 3]]), config: pick([{}, { model: 'ar', p: 1e9, horizon: 3 }, { model: 'naive', horizon: 1e12 }, { model: 'holt_winters', m: -3, horizon: 2 }, null, { model: 'ses', horizon: 2, alpha: 5 }]) }),
        () => ({ data: pick([{ close: [] }, 'a,b\n1,2', null]), config: pick([{ trendAdx: 'high' }, { trendAdx: -1e308 }, [], { volWindow: 1e12 }]) }),
        () => `{"values": [${'1e308,'.repeat(12000)}1], "config": {"model": "naive", "horizon": 1}}`, // > MAX_BODY
        () => `{"values": [${'9'.repeat(400)}], "config": {"model": "naive", "horizon": 1}}`,
      ];
      const results = [];
      for (let i = 0; i < Number(process.env.EDGE_FUZZ_COUNT ?? 200); i += 20) {
        results.push(...await Promise.all(Array.from({ length: 20 }, async () => {
          const body = pick(junk)();
          const res = await post(pick(routes), body instanceof Uint8Array || typeof body === 'string' ? body : JSON.stringify(body),
            { 'x-api-key': `fuzz-${Math.floor(rnd() * 50)}` });
          const text = await res.text();
          return [res.status, text];
        })));
      }
      const fivexx = results.filter(([s]) => s >= 500);
      assert.deepEqual(fivexx, [], server.logs());
      // The fuzz reaches the validators, not just the rate limiter.
      for (const status of [400, 413, 422]) assert.ok(results.some(([s]) => s === status), `no ${status} in the fuzz`);
      assert.ok(results.every(([, text]) => typeof JSON.parse(text).error?.code === 'string' || !JSON.parse(text).error));
      assert.equal((await fetch(`${server.url}health`)).status, 200);
      assert.equal((await post('/api/v1/forecast', { values: [1, 2], config: { model: 'naive', horizon: 1 } })).status, 200);
    });
  });
}

// The queue gate and the time budget's abort, in-process with a stand-in package whose batch
// takes as long as the test wants (the real runtimes above cannot hold requests open on cue).
describe('handler in-process', () => {
  const fakeStratlab = (ms) => ({
    buildInfo: () => ({ version: 'test' }),
    Ohlcv: { fromCsv: () => ({ free() {} }) },
    optimizeBatch: (_data, _req, { signal }) => new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve({ jobs: [{ strategy: 'S', status: 'complete' }] }), ms);
      signal.addEventListener('abort', () => { clearTimeout(t); reject(Object.assign(new Error('cancelled'), { code: 'CANCELLED', details: { partial: { jobs: [] } } })); });
    }),
  });
  const batch = (key) => new Request('http://x/api/v1/optimize/batch', {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ strategies: ['S'] }),
  });

  test('503 QUEUE_FULL beyond maxConcurrent + maxQueue; the queued ones complete', async () => {
    const { createHandler } = await import('../../edge/handler.js');
    const handle = createHandler({ stratlab: fakeStratlab(50), sampleCsv: 'x', limits: { maxConcurrent: 1, maxQueue: 2 } });
    const statuses = (await Promise.all(Array.from({ length: 5 }, (_, i) => handle(batch(`q${i}`))))).map((r) => r.status);
    assert.deepEqual(statuses.sort(), [200, 200, 200, 503, 503]);
    const metrics = await (await handle(new Request('http://x/metrics'))).text();
    assert.match(metrics, /stratlab_edge_queue_rejected_total 2/);
  });

  test('504 when the time budget aborts the batch; 413 from Content-Length before reading', async () => {
    const { createHandler } = await import('../../edge/handler.js');
    const handle = createHandler({ stratlab: fakeStratlab(5000), sampleCsv: 'x', limits: { timeBudgetMs: 30, maxBodyBytes: 10 } });
    const res = await handle(new Request('http://x/api/v1/optimize/batch', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"strategies":["S"]}',
    }));
    assert.equal(res.status, 413); // 20 bytes > 10
    const handle2 = createHandler({ stratlab: fakeStratlab(5000), sampleCsv: 'x', limits: { timeBudgetMs: 30 } });
    const t0 = Date.now();
    const timedOut = await handle2(batch('t'));
    assert.equal(timedOut.status, 504);
    assert.equal((await timedOut.json()).error.code, 'TIMEOUT');
    assert.ok(Date.now() - t0 < 2000);
    // A body that never says its length is cut off while streaming.
    let sent = 0;
    const endless = new ReadableStream({ pull(c) { sent += 1024; c.enqueue(new Uint8Array(1024).fill(32)); } });
    const big = await createHandler({ stratlab: fakeStratlab(1), limits: { maxBodyBytes: 4096 } })(new Request('http://x/api/v1/forecast', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: endless, duplex: 'half',
    }));
    assert.equal(big.status, 413);
    assert.ok(sent <= 8192, `read ${sent} bytes`);
  });
});
