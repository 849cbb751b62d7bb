// The edge endpoint in real workerd (the Cloudflare Workers runtime).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;
let child, base, logs = '';

const freePort = () => new Promise((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(`${root}node_modules/.bin/workerd`, ['serve', 'edge/config.capnp', '--socket-addr', `http=127.0.0.1:${port}`], { cwd: root });
  child.stdout.on('data', (d) => { logs += d; });
  child.stderr.on('data', (d) => { logs += d; });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/health`)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`workerd did not start:\n${logs}`);
});
after(() => child?.kill());

test('workerd: loads the package and parses the bundled GOOG sample', async () => {
  const body = await (await fetch(`${base}/api/v1/sample`)).json();
  assert.equal(body.bars, 2148, logs);
  assert.equal(body.lastClose, 806.19);
  assert.equal(body.startIso, '2004-08-19T00:00:00Z');
  // SMA(20) of the last 20 closes of www/data/GOOG.csv, computed in wasm inside workerd.
  const closes = readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8').trim().split('\n').slice(-20).map((r) => Number(r.split(',')[4]));
  assert.ok(Math.abs(body.sma20 - closes.reduce((a, b) => a + b, 0) / 20) < 1e-9, String(body.sma20));
});

test('workerd: unknown route is a JSON 404', async () => {
  const res = await fetch(`${base}/nope`);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error.code, 'NOT_FOUND');
});

test('workerd: non-JSON body to the batch endpoint is a 400 INVALID_INPUT', async () => {
  const res = await fetch(`${base}/api/v1/optimize/batch`, { method: 'POST', body: 'not json' });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, 'INVALID_INPUT');
});

test('workerd: POST /api/v1/optimize/batch runs the seed request on the bundled sample', async () => {
  const res = await fetch(`${base}/api/v1/optimize/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      strategies: ['SmaCross', 'RSI'],
      common_config: { maximize: 'Sharpe Ratio', cash: 10000, commission: 0.002, finalize_trades: true },
      strategy_specific_configs: {
        SmaCross: { space: { n1: { start: 5, stop: 30, step: 5 }, n2: { start: 10, stop: 70, step: 5 } }, constraint: 'n1 < n2' },
        RSI: { space: { timeperiod: [7, 14, 21], lower: [20, 30], upper: [70, 80] } },
      },
      parallel_jobs: 2,
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.deepEqual(body.jobs.map((j) => [j.strategy, j.status]), [['SmaCross', 'complete'], ['RSI', 'complete']]);
  const sma = body.jobs[0].report;
  // reference/backtest/GOOG_smacross_10_20.optimize.json (maximize Sharpe Ratio)
  assert.deepEqual(sma.best.params, { n1: 10, n2: 35 });
  assert.ok(Math.abs(sma.best.value - 0.6757615920465423) < 1e-9);
});

test('workerd: an unknown strategy is a 422 with the error code and path', async () => {
  const res = await fetch(`${base}/api/v1/optimize/batch`, {
    method: 'POST',
    body: JSON.stringify({ strategies: ['NoSuchStrategy'], common_config: { space: { n: [1, 2] } } }),
  });
  assert.equal(res.status, 422); // semantically invalid (docs/edge.md)
  const { error } = await res.json();
  assert.equal(error.code, 'INVALID_STRATEGY');
  assert.match(error.message, /SmaCross/);
});
