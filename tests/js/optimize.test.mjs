// optimize / optimizeBatch / walkForward as an npm consumer calls them (thread-less build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { Ohlcv, optimize, optimizeBatch, walkForward } from 'stratlab';

const goog = Ohlcv.fromCsv(readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8'));
const refPath = new URL('../fixtures/shared/reference/backtest/GOOG_smacross_10_20.optimize.json', import.meta.url);

const gridConfig = (maximize) => ({
  strategy: 'SmaCross',
  space: { n1: { start: 5, stop: 30, step: 5 }, n2: { start: 10, stop: 70, step: 5 } },
  constraint: 'n1 < n2',
  maximize,
  cash: 10000,
  commission: 0.002,
  finalize_trades: true,
});

const close = (a, b, tol) => a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));

test('GOOG grid reproduces backtesting.py (best and every heatmap cell, both metrics)', async () => {
  const ref = JSON.parse(readFileSync(refPath, 'utf8'));
  for (const run of ref.runs) {
    const r = await optimize(goog, gridConfig(run.maximize));
    assert.equal(r.status, 'complete');
    assert.deepEqual(r.best.params, { n1: run.best.n1, n2: run.best.n2 });
    assert.ok(close(r.best.value, run.best.value, 1e-6), `${run.maximize}: ${r.best.value} vs ${run.best.value}`);
    assert.equal(typeof r.best.stats['Sharpe Ratio'], 'number');
    assert.equal(r.best.stats.Start, '2004-08-19T00:00:00');
    assert.equal(r.results.length, 50);
    assert.deepEqual(r.heatmap.params, ['n1', 'n2']);
    for (const cell of run.grid) {
      const i = r.heatmap.rows.indexOf(cell.n1);
      const j = r.heatmap.columns.indexOf(cell.n2);
      assert.ok(close(r.heatmap.values[i][j], cell.value, 1e-6), `${run.maximize} ${cell.n1}/${cell.n2}`);
    }
    assert.equal(r.summary.count, 50);
    assert.match(r.text, /OPTIMIZATION SUMMARY/);
  }
});

test('progress is bounded and complete; every result is streamed', async () => {
  const progress = [];
  const streamed = [];
  const r = await optimize(goog, { ...gridConfig('Sharpe Ratio'), progressIntervalMs: 0 }, {
    onProgress: (p) => progress.push(p),
    onResult: (x) => streamed.push(x),
  });
  assert.equal(streamed.length, r.results.length);
  assert.deepEqual(streamed.map((x) => x.params), r.results.map((x) => x.params));
  const last = progress.at(-1);
  assert.equal(last.done, 50);
  assert.equal(last.total, 50);
  assert.equal(last.fraction, 1);
  assert.deepEqual(last.best.params, r.best.params);
  assert.ok(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done));
});

test('AbortSignal cancels with CANCELLED and partial results', async () => {
  const ac = new AbortController();
  let seen = 0;
  const big = { strategy: 'SmaCross', space: { n1: { start: 2, stop: 60 }, n2: { start: 10, stop: 200 } }, maximize: 'Return [%]' };
  await assert.rejects(
    optimize(goog, big, { signal: ac.signal, onResult: () => { if (++seen === 200) ac.abort(); } }),
    (e) => e instanceof Error && e.code === 'CANCELLED' && e.name === 'CancelledError'
      && e.details.partial.results.length >= 200 && e.details.partial.results.length < 58 * 190
      && e.details.partial.status === 'cancelled',
  );
});

test('the page stays responsive: timers fire while a grid runs', async () => {
  let ticks = 0;
  const iv = setInterval(() => ticks++, 1);
  await optimize(goog, { strategy: 'SmaCross', space: { n1: { start: 2, stop: 40 }, n2: { start: 10, stop: 120 } }, maximize: 'SQN' });
  clearInterval(iv);
  assert.ok(ticks > 1, `event loop ran ${ticks} times during the run`);
});

test('random search with the same seed gives identical results', async () => {
  const cfg = { strategy: 'SmaCross', space: { n1: { randint: [2, 40] }, n2: { randint: [20, 120] } }, method: 'random', maxTries: 40, seed: 42, maximize: 'Equity Final [$]' };
  const a = await optimize(goog, cfg);
  const b = await optimize(goog, cfg);
  const c = await optimize(goog, { ...cfg, seed: 43 });
  assert.equal(a.results.length, 40);
  assert.deepEqual(a.results, b.results);
  assert.notDeepEqual(a.results.map((x) => x.params), c.results.map((x) => x.params));
});

test('typed errors with paths and limits', async () => {
  await assert.rejects(optimize(goog, { strategy: 'SmaCross', space: { n1: { uniform: [1, 5] } } }),
    (e) => e.code === 'INVALID_PARAMETER' && e.details.path === 'space.n1');
  await assert.rejects(optimize(goog, { strategy: 'SmaCross', space: { n1: [5] }, constraint: 'n1 < n9' }),
    (e) => e.code === 'INVALID_PARAMETER' && e.details.variable === 'n9');
  await assert.rejects(optimize(goog, { strategy: 'SmaCross', space: { n1: { start: 1, stop: 1000 }, n2: { start: 1, stop: 1000 } }, maxCombinations: 1000 }),
    (e) => e.code === 'RESOURCE_LIMIT' && e.details.size === 998001 && e.details.limit === 1000);
  await assert.rejects(optimize(goog, { strategy: 'Nope', space: { n1: [5] } }), (e) => e.code === 'INVALID_STRATEGY');
  await assert.rejects(optimize(goog, { strategy: 'SmaCross', space: { n1: [5] }, maximize: 'Nope' }), (e) => e.code === 'INVALID_PARAMETER');
  await assert.rejects(optimize(goog, { strategy: 'SmaCross', space: { n1: [5] } }, { onProgress: 3 }), (e) => e.code === 'INVALID_PARAMETER');
});

test('optimizeBatch: null strategy_specific_configs falls back to common_config', async () => {
  const progress = [];
  const r = await optimizeBatch(goog, {
    strategies: ['SmaCross', 'MovingAverageCrossover'],
    common_config: { space: { n1: [5, 10], n2: [20, 30] }, maximize: 'Sharpe Ratio', cash: 10000, commission: 0.002 },
    strategy_specific_configs: null,
    parallel_jobs: 2,
  }, { onProgress: (p) => progress.push(p) });
  assert.deepEqual(r.jobs.map((j) => j.status), ['complete', 'complete']);
  assert.equal(r.summary.count, 8);
  assert.equal(r.perStrategy.length, 2);
  assert.equal(progress.at(-1).done, 8);
  assert.equal(progress.at(-1).total, 8);
  assert.match(r.text, /Best strategy/);
  await assert.rejects(optimizeBatch(goog, { strategies: ['SmaCross'], common_config: { space: { n1: [5] } },
    strategy_specific_configs: { SmaCross: { space: { n1: { start: 3, stop: 1 } } } } }),
  (e) => e.code === 'INVALID_PARAMETER' && e.details.path === 'strategy_specific_configs.SmaCross.space.n1');
});

test('walkForward: rolling folds with out-of-sample stats', async () => {
  const folds = [];
  const r = await walkForward(goog, { strategy: 'SmaCross', space: { n1: [5, 10], n2: [30, 50] }, maximize: 'Sharpe Ratio',
    trainBars: 500, testBars: 250 }, { onFold: (f) => folds.push(f) });
  assert.equal(r.folds.length, 6);
  assert.equal(folds.length, 6);
  assert.equal(r.combined.folds, 6);
  assert.equal(typeof r.combined.meanOutOfSample, 'number');
  assert.ok(r.folds.every((f) => f.test.start === f.train.end && f.params && typeof f.testStats['Return [%]'] === 'number'));
});

test('exports: CSV rows and JSON text on request', async () => {
  const r = await optimize(goog, { strategy: 'SmaCross', space: { n1: [5, 10], n2: [20, 30] }, maximize: 'SQN', export: ['csv', 'json'] });
  const lines = r.csv.trim().split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^n1,n2,value,/);
  assert.equal(JSON.parse(r.json).rows.length, 4);
});

test('timeoutMs rejects with TIMEOUT and keeps the partial results', async () => {
  const big = { strategy: 'SmaCross', space: { n1: { start: 2, stop: 100 }, n2: { start: 10, stop: 300 } }, maximize: 'SQN', timeoutMs: 30 };
  await assert.rejects(optimize(goog, big), (e) => e.code === 'TIMEOUT' && e.name === 'TimeoutError'
    && e.details.partial.status === 'timeout' && e.details.partial.complete === false
    && e.details.partial.results.length > 0 && e.details.partial.results.length < 98 * 290
    && e.details.total === 98 * 290);
});

test('batch: a per-job timeout marks the job and keeps its partial report', async () => {
  const r = await optimizeBatch(goog, {
    strategies: ['SmaCross', 'RSI'],
    common_config: { maximize: 'SQN' },
    strategy_specific_configs: {
      SmaCross: { space: { n1: { start: 2, stop: 100 }, n2: { start: 10, stop: 300 } } },
      RSI: { space: { timeperiod: [10, 14], lower: [25, 30], upper: [70] } },
    },
    job_timeout_ms: 50,
  });
  assert.equal(r.jobs[0].status, 'timeout');
  assert.equal(r.jobs[0].complete, false);
  assert.equal(r.jobs[0].error.code, 'TIMEOUT');
  assert.ok(r.jobs[0].report.results.length > 0);
  assert.equal(r.jobs[1].status, 'complete');
  assert.equal(r.jobs[1].report.results.length, 4);
});
