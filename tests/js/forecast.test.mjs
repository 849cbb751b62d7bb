// forecast() and ForecastDispatcher as an npm consumer sees them (Node, real timers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forecast, forecastModels, ForecastDispatcher, mergeSignals, Ohlcv } from 'stratlab';
import { readFixture } from './fixtures.mjs';

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
});

const goog = Ohlcv.fromCsv(readFixture('data/GOOG.csv'));
const logClose = (data, bars) => {
  const close = data.toColumns().close;
  return Float64Array.from(close.slice(close.length - bars), Math.log);
};

function throwsCode(fn, code, field) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught instanceof Error, 'throws a real Error');
  assert.equal(caught.code, code, caught.message);
  if (field) assert.equal(caught.details.field, field, JSON.stringify(caught.details));
}

test('forecast matches the statsmodels reference (GOOG, fixed parameters and AR intervals)', () => {
  const ref = JSON.parse(readFixture('reference/forecast/GOOG.json'));
  const y = logClose(goog, ref.bars);
  for (const entry of ref.models) {
    if (Object.values(entry.params).includes('fit')) continue;
    const out = forecast(y, { model: entry.model, horizon: ref.horizon, ...entry.params });
    assert.ok(out.mean instanceof Float64Array);
    const tol = entry.model === 'ar' ? 1e-6 : 1e-8;
    entry.forecast.forEach((v, i) => assert.ok(Math.abs(out.mean[i] - v) <= tol, `${entry.model}[${i}]`));
    if (entry.model === 'ar') {
      assert.ok(out.lower instanceof Float64Array && out.upper instanceof Float64Array);
      entry.lower.forEach((v, i) => assert.ok(Math.abs(out.lower[i] - v) <= 1e-6));
      entry.upper.forEach((v, i) => assert.ok(Math.abs(out.upper[i] - v) <= 1e-6));
      entry.coef.forEach((v, i) => assert.ok(Math.abs(out.params.coef[i] - v) <= 1e-6));
    }
  }
  const fitted = ref.models.find((m) => m.params.alpha === 'fit');
  const out = forecast(y, { model: 'ses', horizon: 3 });
  assert.ok(out.sse <= fitted.sse * (1 + 1e-6), `sse ${out.sse} vs statsmodels ${fitted.sse}`);
  assert.equal(out.params.fitted, true);
});

test('forecast: typed errors name the field', () => {
  const y = Float64Array.from({ length: 50 }, (_, i) => i);
  throwsCode(() => forecast(y, { model: 'nope', horizon: 3 }), 'INVALID_PARAMETER', 'model');
  throwsCode(() => forecast(y, { model: 'naive', horizon: 0 }), 'INVALID_PARAMETER', 'horizon');
  throwsCode(() => forecast(y, { model: 'naive', horizon: 1e9 }), 'INVALID_PARAMETER', 'horizon');
  throwsCode(() => forecast(y, { model: 'ses', horizon: 3, alpha: NaN }), 'INVALID_PARAMETER', 'alpha');
  throwsCode(() => forecast(y, { model: 'ses', horizon: 3, alpha: Infinity }), 'INVALID_PARAMETER', 'alpha');
  throwsCode(() => forecast(y, { model: 'ar', horizon: 3, p: 40 }), 'INVALID_INPUT', 'values');
  throwsCode(() => forecast([1, 2, NaN, 4], { model: 'naive', horizon: 3 }), 'INVALID_INPUT', 'values');
  throwsCode(() => forecast(y, null), 'INVALID_INPUT', 'config');
  assert.deepEqual(forecastModels().map((m) => m.name),
    ['naive', 'mean', 'drift', 'seasonal_naive', 'linear_trend', 'ses', 'holt', 'holt_winters', 'theta', 'ar']);
});

test('ForecastDispatcher: built-ins, a JS model, failures, unknown model and timeouts are all accounted for', async () => {
  const fd = new ForecastDispatcher({ maxConcurrent: 2, defaultTimeoutMs: 200, maxRetries: 1, retryDelayMs: 1 });
  let hangingAborted = 0;
  let flakyCalls = 0;
  fd.registerModel('lastplus', async (series, { horizon, params }) => {
    await sleep(2);
    return Array.from({ length: horizon }, () => series[series.length - 1] + (params.add ?? 0));
  });
  fd.registerModel('broken', async () => { throw new Error('model exploded'); });
  fd.registerModel('hanging', async (_s, { signal }) => {
    try { await sleep(10_000, signal); } catch (e) { hangingAborted++; throw e; }
  });
  fd.registerModel('flaky', async (series, { horizon }) => {
    flakyCalls++;
    if (flakyCalls === 1) throw new Error('first attempt fails');
    return { mean: new Float64Array(horizon).fill(series[0]), confidence: 0.7 };
  });
  assert.ok(fd.models().includes('ses') && fd.models().includes('lastplus'));
  const y = logClose(goog, 300);
  const ids = {
    ses: fd.submitForecastTask({ model: 'ses', symbol: 'GOOG', horizon: 5, data: y, params: { alpha: 0.3 } }),
    ar: fd.submitForecastTask({ model: 'ar', symbol: 'GOOG', horizon: 5, data: y, params: { p: 2 }, priority: 5 }),
    js: fd.submitForecastTask({ model: 'lastplus', symbol: 'GOOG', horizon: 3, data: [1, 2, 3], params: { add: 1 } }),
    broken: fd.submitForecastTask({ model: 'broken', symbol: 'X', horizon: 3, data: [1, 2, 3] }),
    hanging: fd.submitForecastTask({ model: 'hanging', symbol: 'Y', horizon: 3, data: [1, 2, 3], timeoutMs: 30, maxRetries: 0 }),
    unknown: fd.submitForecastTask({ model: 'prophet', symbol: 'Z', horizon: 3, data: [1, 2, 3] }),
    badParams: fd.submitForecastTask({ model: 'ses', symbol: 'W', horizon: 3, data: y, params: { alpha: 7 } }),
    flaky: fd.submitForecastTask({ model: 'flaky', symbol: 'V', horizon: 2, data: [4, 5] }),
    ohlcv: fd.submitForecastTask({ model: 'naive', symbol: 'GOOG', horizon: 2, data: goog }),
  };
  const r = {};
  for (const [k, id] of Object.entries(ids)) r[k] = await fd.getForecastResult(id);
  for (const [k, res] of Object.entries(r)) {
    for (const key of ['task_id', 'model_name', 'symbol', 'forecast', 'confidence', 'execution_time', 'success', 'error_message', 'metadata']) {
      assert.ok(key in res, `${k}: ${key}`);
    }
    assert.equal(res.task_id, ids[k]);
  }
  const direct = forecast(y, { model: 'ses', horizon: 5, alpha: 0.3 });
  assert.equal(r.ses.success, true);
  assert.deepEqual(r.ses.forecast, Array.from(direct.mean));
  assert.equal(r.ses.model_name, 'ses');
  assert.equal(r.ses.symbol, 'GOOG');
  assert.equal(r.ar.success, true);
  assert.equal(r.ar.confidence, 0.95);
  assert.equal(r.ar.metadata.lower.length, 5);
  assert.deepEqual(r.js.forecast, [4, 4, 4]);
  assert.equal(r.broken.success, false);
  assert.match(r.broken.error_message, /model exploded/);
  assert.match(r.broken.metadata.taskError, /after 2 attempt/);
  assert.equal(r.broken.metadata.attempts, 2, 'one retry');
  assert.equal(r.hanging.success, false);
  assert.equal(r.hanging.metadata.status, 'timed_out');
  assert.equal(r.hanging.metadata.code, 'TIMEOUT');
  assert.equal(hangingAborted, 1, 'the AbortSignal stopped the hanging model');
  assert.equal(r.unknown.success, false);
  assert.equal(r.unknown.metadata.code, 'INVALID_PARAMETER');
  assert.match(r.unknown.error_message, /prophet/);
  assert.equal(r.badParams.success, false);
  assert.equal(r.badParams.metadata.details.field, 'alpha');
  assert.equal(r.flaky.success, true);
  assert.equal(r.flaky.confidence, 0.7);
  assert.equal(r.flaky.metadata.attempts, 2);
  assert.equal(r.ohlcv.forecast[0], goog.toColumns().close.at(-1));
  await assert.rejects(fd.getForecastResult(9999), (e) => e.code === 'INVALID_PARAMETER');
  await fd.stop();
  const late = fd.submitForecastTask({ model: 'naive', horizon: 1, data: [1] });
  const lateResult = await fd.getForecastResult(late);
  assert.equal(lateResult.success, false);
  assert.equal(lateResult.metadata.code, 'CANCELLED');
});

test('getForecastResult with timeoutMs answers in time and the task still completes', async () => {
  const fd = new ForecastDispatcher({ maxConcurrent: 1 });
  fd.registerModel('slow', async (series, { horizon }) => { await sleep(400); return new Array(horizon).fill(series[0]); });
  const id = fd.submitForecastTask({ model: 'slow', horizon: 2, data: [9] });
  const t0 = performance.now();
  const early = await fd.getForecastResult(id, { timeoutMs: 5 });
  assert.ok(performance.now() - t0 < 300, 'answers before the task ends');
  assert.equal(early.success, false);
  assert.equal(early.metadata.status, 'pending');
  const done = await fd.getForecastResult(id);
  assert.equal(done.success, true);
  assert.deepEqual(done.forecast, [9, 9]);
  await fd.stop();
});

// The docs/forecast.md example: several models forecast a watchlist, one strategy per model
// turns forecasts into signals, mergeSignals combines them per symbol.
test('watchlist: models -> strategies -> mergeSignals', async () => {
  const trend = (slope) => Float64Array.from({ length: 400 }, (_, t) => Math.log(100) + slope * t + 0.002 * Math.sin(t));
  const watchlist = { UP: trend(0.002), DOWN: trend(-0.002), GOOG: logClose(goog, 500) };
  const models = { drift: {}, holt: { alpha: 0.5, beta: 0.1 }, linear_trend: {}, ar: { p: 2 } };
  const fd = new ForecastDispatcher({ maxConcurrent: 4, defaultTimeoutMs: 5000 });
  const tasks = [];
  for (const [symbol, data] of Object.entries(watchlist)) {
    for (const [model, params] of Object.entries(models)) {
      tasks.push(fd.submitForecastTask({ model, symbol, horizon: 10, data, params }));
    }
  }
  const results = await Promise.all(tasks.map((id) => fd.getForecastResult(id)));
  assert.equal(results.length, 12);
  assert.ok(results.every((r) => r.success), JSON.stringify(results.filter((r) => !r.success)));
  // Strategy per model: expected log-return over the horizon vs a 0.5% threshold.
  const toSignal = (r, last) => {
    const move = r.forecast.at(-1) - last;
    const signal = move > 0.005 ? 'BUY' : move < -0.005 ? 'SELL' : 'HOLD';
    return { signal, confidence: Math.min(1, Math.abs(move) / 0.05) };
  };
  const merged = {};
  for (const symbol of Object.keys(watchlist)) {
    const last = watchlist[symbol].at(-1);
    const outputs = {};
    for (const r of results.filter((x) => x.symbol === symbol)) {
      const s = toSignal(r, last);
      outputs[r.model_name] = { timestamp: [0], signal: [s.signal], confidence: [s.confidence] };
    }
    merged[symbol] = mergeSignals(outputs, { method: 'weighted_vote' });
  }
  assert.equal(merged.UP.signal[0], 'BUY');
  assert.equal(merged.DOWN.signal[0], 'SELL');
  assert.equal(merged.UP.strategy_count[0], 4);
  assert.ok(['BUY', 'SELL', 'HOLD'].includes(merged.GOOG.signal[0]));
  const m = fd.dispatcher.metrics();
  assert.equal(m.counts.completed, 12);
  await fd.stop();
});
