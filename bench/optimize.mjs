#!/usr/bin/env node
// Optimizer benchmark (issue 6, item 8). Prints one table:
//  - the 275-combination vectorbt SMA-cross grid of SYNTH_100K_smacross.json: combinations/s
//    and bar-evaluations/s (combinations × bars / s) for the thread-less build in Node and the
//    threaded build in headless Chromium (dedicated Worker, 1 thread and all threads);
//  - a 100,000-combination backtesting.py grid on GOOG in Node, with the wasm memory it used.
// Usage: node bench/optimize.mjs [--reps 5] [--no-browser] [--no-node]
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import os from 'node:os';
import { readFixture } from '../tests/js/fixtures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const reps = Number(opt('--reps', '5'));
const browser = !args.includes('--no-browser');
const node = !args.includes('--no-node');

// Data and reference come from the repository's fixtures (gzipped when large).
const synthCsv = readFixture('data/SYNTH_100K_1H.csv');
const ref = JSON.parse(readFixture('reference/vectorbt/SYNTH_100K_smacross.json'));
const pyRange = (s) => { const [start, stop, step] = s.replace(/range\(|\)/g, '').split(',').map(Number); return { start, stop, step }; };
const GRID = {
  strategy: 'SmaCross',
  space: { n1: pyRange(ref.config.fast), n2: pyRange(ref.config.slow) },
  constraint: ref.config.constraint.replace('fast', 'n1').replace('slow', 'n2'),
  maximize: 'Total Return', semantics: 'vectorbt', fees: ref.config.fees, init_cash: ref.config.init_cash,
  // Search throughput: full stats only for the winner (each extra top-K entry is one full
  // 100k-bar backtest with every statistic, a fixed cost independent of the grid).
  topK: 1,
  progressIntervalMs: 1000,
};
// A denser grid on the same data, long enough (~2 s) for a stable thread speed-up reading.
const DENSE = { ...GRID, space: { n1: { start: 2, stop: 62, step: 2 }, n2: { start: 10, stop: 310, step: 5 } } };
const BIG = { strategy: 'SmaCross', space: { n1: { start: 1, stop: 317 }, n2: { start: 1, stop: 317 } },
  maximize: 'Sharpe Ratio', commission: 0.002, progressIntervalMs: 1000 };

const rows = [];
const row = (where, what, combos, bars, ms, extra = '', cpuMs = NaN) => rows.push({ where, what, combos, bars, ms, extra, cpuMs });

// 1. Thread-less build in Node (initSync gives us the wasm memory to measure).
const single = await import(join(root, 'pkg/single/stratlab.js'));
if (node) {
  const exports = single.initSync({ module: readFileSync(join(root, 'pkg/single/stratlab_bg.wasm')) });
  const synth = single.Ohlcv.fromCsv(synthCsv);
  let best = Infinity;
  let bestCpu = Infinity;
  let check = null;
  await single.optimize(synth, GRID); // warm-up: lets V8 tier the wasm up
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await single.optimize(synth, GRID);
    best = Math.min(best, performance.now() - t0);
    bestCpu = Math.min(bestCpu, process.cpuUsage(c0).user / 1000);
    check = r;
  }
  if (check.results.length !== ref.combos.length) throw new Error(`expected ${ref.combos.length} combinations, got ${check.results.length}`);
  const maxRel = Math.max(...check.results.map((r, i) => Math.abs(r.value - ref.combos[i].total_return) / Math.abs(ref.combos[i].total_return)));
  row('Node, thread-less', 'SYNTH_100K vectorbt grid', check.results.length, synth.length, best, `max rel. error vs vectorbt ${maxRel.toExponential(1)}`, bestCpu);

  const goog = single.Ohlcv.fromCsv(readFileSync(join(root, 'www/data/GOOG.csv'), 'utf8'));
  const memBefore = exports.memory.buffer.byteLength;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const big = await single.optimize(goog, BIG);
  const bigMs = performance.now() - t0;
  const bigCpu = process.cpuUsage(c0).user / 1000;
  const memAfter = exports.memory.buffer.byteLength;
  row('Node, thread-less', 'GOOG backtesting.py grid 316×316', big.results.length, goog.length, bigMs,
    `wasm memory ${(memBefore / 2 ** 20).toFixed(0)} → ${(memAfter / 2 ** 20).toFixed(0)} MB`, bigCpu);
}
const bars = synthCsv.trimEnd().split('\n').length - 1;

// 2. Threaded build in headless Chromium, from the dedicated Worker (www/optimize-worker.js).
if (browser && existsSync(join(root, 'pkg/threads/stratlab_bg.wasm'))) {
  const { startServer, launchChromium } = await import(join(root, 'tests/e2e/helpers.mjs'));
  const srv = await startServer();
  const ctx = await launchChromium();
  try {
    const page = await ctx.newPage();
    await page.goto(srv.url);
    const hc = await page.evaluate(() => navigator.hardwareConcurrency);
    // One Worker (and pool) per thread count; their repetitions alternate so a burst of load
    // from another process on the machine hits both alike. Best time of each.
    const counts = [...new Set([1, hc])];
    for (const [label, grid] of [['SYNTH_100K vectorbt grid', GRID], ['SYNTH_100K dense vectorbt grid', DENSE]]) {
      const r = await page.evaluate(async ({ csv, grid, counts, reps }) => {
        const workers = counts.map(() => new Worker('/optimize-worker.js', { type: 'module' }));
        const call = (w, msg, until) => new Promise((res, rej) => {
          const on = (e) => {
            if (e.data.type === 'error') { w.removeEventListener('message', on); rej(new Error(JSON.stringify(e.data.error))); }
            if (e.data.type === until) { w.removeEventListener('message', on); res(e.data); }
          };
          w.addEventListener('message', on);
          w.postMessage(msg);
        });
        const out = [];
        for (const [k, w] of workers.entries()) {
          const ready = await call(w, { type: 'init', threads: counts[k] }, 'ready');
          await call(w, { type: 'data', key: 'synth', csv }, 'data');
          await call(w, { type: 'optimize', id: 'warm', dataKey: 'synth', config: grid }, 'done'); // lets V8 tier up
          out.push({ ready, best: Infinity, n: 0 });
        }
        for (let i = 0; i < reps; i++) {
          for (const [k, w] of workers.entries()) {
            const t0 = performance.now();
            const done = await call(w, { type: 'optimize', id: i, dataKey: 'synth', config: grid }, 'done');
            out[k].best = Math.min(out[k].best, performance.now() - t0);
            out[k].n = done.result.results.length;
          }
        }
        workers.forEach((w) => w.terminate());
        return out;
      }, { csv: synthCsv, grid, counts, reps });
      for (const x of r) row(`Chromium worker, ${x.ready.build} ×${x.ready.threads}`, label, x.n, bars, x.best);
    }
  } finally {
    await ctx.close();
    await srv.close();
  }
}

// Table.
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`optimizer benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${os.loadavg()[0].toFixed(1)}`);
console.log('best of the repetitions; wall time (CPU time of the Node process where measured: the machine is shared)');
console.log('| where | grid | combinations | wall ms (cpu ms) | combinations/s | bar-evaluations/s wall (cpu) | note |');
console.log('|---|---|---:|---:|---:|---:|---|');
for (const r of rows) {
  const s = r.ms / 1000;
  const cpu = Number.isFinite(r.cpuMs) ? ` (${fmt(r.cpuMs, 0)})` : '';
  const cpuRate = Number.isFinite(r.cpuMs) ? ` (${fmt(r.combos * r.bars / (r.cpuMs / 1000) / 1e6, 1)} M)` : '';
  console.log(`| ${r.where} | ${r.what} | ${fmt(r.combos)} | ${fmt(r.ms, 1)}${cpu} | ${fmt(r.combos / s)} | ${fmt(r.combos * r.bars / s / 1e6, 1)} M${cpuRate} | ${r.extra} |`);
}
for (const what of new Set(rows.filter((r) => r.where.includes('threads ×')).map((r) => r.what))) {
  const one = rows.find((r) => r.what === what && r.where.endsWith('×1'));
  const all = rows.filter((r) => r.what === what && r.where.includes('threads ×') && !r.where.endsWith('×1')).at(-1);
  if (one && all) console.log(`threaded speed-up, ${what} (Chromium, ${all.where.split('×')[1]} threads vs 1): ${(one.ms / all.ms).toFixed(2)}×`);
}
console.log('vectorbt reference point (issue 6): about 2.5 M bar-evaluations/s on this machine class.');
