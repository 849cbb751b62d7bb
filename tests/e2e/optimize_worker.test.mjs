// The threaded optimizer in a cross-origin-isolated page, from its dedicated Worker
// (www/optimize-worker.js): progress messages, golden results, same-seed random search equal to
// the thread-less build, cancellation, and a page that keeps running while the pool works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchChromium } from './helpers.mjs';
import { Ohlcv, optimize } from 'stratlab';

let srv, browser, page;
before(async () => {
  srv = await startServer();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(srv.url);
  await page.evaluate(() => {
    // A tiny client for the worker protocol, kept on window for the tests below.
    const w = new Worker('/optimize-worker.js', { type: 'module' });
    const listeners = new Set();
    w.onmessage = (e) => { for (const l of listeners) l(e.data); };
    window.opt = {
      send: (msg) => w.postMessage(msg),
      until: (pred) => new Promise((resolve, reject) => {
        const l = (m) => {
          if (m.type === 'error' && (pred.id === undefined || m.id === pred.id)) { listeners.delete(l); reject(Object.assign(new Error(m.error.message), m.error)); }
          if (pred(m)) { listeners.delete(l); resolve(m); }
        };
        listeners.add(l);
      }),
      on: (l) => listeners.add(l),
    };
  });
});
after(async () => { await browser?.close(); await srv?.close(); });

const GRID = {
  strategy: 'SmaCross',
  space: { n1: { start: 5, stop: 30, step: 5 }, n2: { start: 10, stop: 70, step: 5 } },
  constraint: 'n1 < n2', maximize: 'Sharpe Ratio', cash: 10000, commission: 0.002, finalize_trades: true,
  progressIntervalMs: 0,
};

test('worker initialises the threaded build with a pool', async () => {
  const ready = await page.evaluate(async () => {
    const p = opt.until((m) => m.type === 'ready');
    opt.send({ type: 'init', threads: 2 });
    const r = await p;
    const d = opt.until((m) => m.type === 'data');
    opt.send({ type: 'data', key: 'goog', csv: await (await fetch('/data/GOOG.csv')).text() });
    return { ...r, bars: (await d).bars, isolated: crossOriginIsolated };
  });
  assert.equal(ready.isolated, true);
  assert.equal(ready.build, 'threads');
  assert.equal(ready.threads, 2);
  assert.equal(ready.bars, 2148);
});

test('GOOG grid in the worker: golden best, a progress bar worth of messages', async () => {
  const r = await page.evaluate(async (config) => {
    const progress = [];
    opt.on((m) => { if (m.type === 'progress' && m.id === 'g') progress.push(m.progress); });
    const done = opt.until((m) => m.type === 'done' && m.id === 'g');
    opt.send({ type: 'optimize', id: 'g', dataKey: 'goog', config });
    const d = await done;
    return { best: d.result.best, n: d.result.results.length, progress, threads: d.threads };
  }, GRID);
  assert.equal(r.threads, 2);
  assert.deepEqual(r.best.params, { n1: 10, n2: 35 });
  assert.ok(Math.abs(r.best.value - 0.6757615920465423) < 1e-9);
  assert.equal(r.n, 50);
  assert.ok(r.progress.length >= 2, `${r.progress.length} progress messages`);
  assert.equal(r.progress.at(-1).done, 50);
  assert.equal(r.progress.at(-1).fraction, 1);
});

test('same-seed random search: threaded worker equals the thread-less build', async () => {
  const cfg = { strategy: 'SmaCross', space: { n1: { randint: [2, 50] }, n2: { randint: [20, 200] } },
    method: 'random', maxTries: 150, seed: 2024, maximize: 'Return [%]' };
  const threaded = await page.evaluate(async (config) => {
    const done = opt.until((m) => m.type === 'done' && m.id === 'r');
    opt.send({ type: 'optimize', id: 'r', dataKey: 'goog', config });
    return (await done).result.results;
  }, cfg);
  const goog = Ohlcv.fromCsv(readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8'));
  const single = (await optimize(goog, cfg)).results;
  assert.equal(threaded.length, 150);
  assert.deepEqual(threaded, single);
});

test('cancel message stops a run with CANCELLED while the page keeps ticking', async () => {
  const r = await page.evaluate(async () => {
    let ticks = 0; let maxGap = 0; let last = performance.now();
    const iv = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; ticks++; }, 10);
    const first = opt.until((m) => m.type === 'progress' && m.id === 'c');
    const end = opt.until((m) => (m.type === 'error' || m.type === 'done') && m.id === 'c').catch((e) => e);
    opt.send({ type: 'optimize', id: 'c', dataKey: 'goog', config: { strategy: 'SmaCross', space: { n1: { start: 1, stop: 120 }, n2: { start: 1, stop: 300 } }, maximize: 'SQN', progressIntervalMs: 50 } });
    await first;
    opt.send({ type: 'cancel', id: 'c' });
    const e = await end;
    clearInterval(iv);
    return { code: e.code, partial: e.details?.partial?.results?.length ?? -1, ticks, maxGap };
  });
  assert.equal(r.code, 'CANCELLED');
  assert.ok(r.partial > 0 && r.partial < 119 * 299, `${r.partial} partial results`);
  assert.ok(r.ticks > 0, 'page timers ran during the run');
  // The optimization runs in the Worker, so the page's 10 ms timer is never starved for long.
  assert.ok(r.maxGap < 250, `page timer gap ${r.maxGap.toFixed(1)} ms while the worker optimized`);
});
