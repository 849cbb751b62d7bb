// Regression tests for every trap class and unbounded-work finding of the hardening issue: each
// input gives a typed Error (code, details) quickly, and the module keeps working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sl from 'stratlab';

const { Ohlcv, IndicatorStream, Dispatcher, Scheduler } = sl;
const goog = Ohlcv.fromCsv(readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8'));

function stillWorks() {
  assert.ok(sl.catalogue().length >= 42, 'catalogue() after the bad call');
  const sma = sl.indicator('SMA', { close: new Float64Array([1, 2, 3, 4]) }, { timeperiod: 2 });
  assert.equal(sma.real[3], 3.5);
}

/** `fn` must throw or reject with a typed error whose code is in `codes`, within `ms`. */
async function typedError(fn, codes, ms = 1000) {
  const t0 = performance.now();
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  const took = performance.now() - t0;
  assert.ok(err instanceof Error, `expected an Error, got ${err}`);
  assert.equal(typeof err.code, 'string', `untyped error: ${err.stack}`);
  assert.ok(codes.includes(err.code), `code ${err.code} (${err.message}) not in ${codes}`);
  assert.equal(typeof err.details, 'object');
  assert.ok(took < ms, `took ${took.toFixed(0)} ms`);
  stillWorks();
  return err;
}

const LIMIT = ['RESOURCE_LIMIT', 'INVALID_PARAMETER', 'INVALID_INPUT'];

function deep(n, arrays = false) {
  let v = 1;
  for (let i = 0; i < n; i++) v = arrays ? [v] : { x: v };
  return v;
}
function cyclic() {
  const o = { a: 1 };
  o.self = o;
  return o;
}

test('a huge grid with maxCombinations 1e15 is refused before any work', async () => {
  const e = await typedError(() => sl.optimize(goog, {
    strategy: 'SmaCross', method: 'grid', maxCombinations: 1e15,
    space: { n1: { start: 2, stop: 100000, step: 1 }, n2: { start: 3, stop: 100000, step: 1 } }, constraint: 'n1 < n2',
  }), LIMIT);
  assert.ok(JSON.stringify(e.details).length > 2, 'details name the limit');
});

test('configs nested 20,000 deep, cyclic, globalThis or huge sparse arrays are typed errors', async () => {
  for (const bad of [deep(20000), deep(20000, true), cyclic(), globalThis, { signals: new Array(2 ** 28) }]) {
    await typedError(() => sl.backtest(goog, { strategy: 'SmaCross', extra: bad }), LIMIT);
    await typedError(() => sl.mergeSignals([], bad), LIMIT);
    await typedError(() => new Dispatcher(bad), LIMIT);
    await typedError(() => sl.optimize(goog, { strategy: 'SmaCross', space: bad }), LIMIT);
    await typedError(() => sl.walkForward(goog, { strategy: 'SmaCross', space: bad }), LIMIT);
    await typedError(() => sl.optimizeBatch(goog, bad), LIMIT);
    await typedError(() => sl.strategySignals(goog, 'SmaCross', bad), LIMIT);
    // A watchlist keeps each symbol's failure as that symbol's typed error.
    const [entry] = sl.watchlistSignals({ AAA: bad }, {});
    assert.equal(typeof entry.error?.code, 'string');
  }
  await typedError(() => sl.watchlistSignals(globalThis, {}).forEach((e) => { if (e.error) throw Object.assign(new Error(e.error.message), e.error, { details: {} }); }), LIMIT);
});

test('topK 1e9 and walkForward trainBars 2**40 are refused naming the field', async () => {
  const space = { n1: { start: 5, stop: 10 }, n2: { start: 20, stop: 25 } };
  const e1 = await typedError(() => sl.optimize(goog, { strategy: 'SmaCross', space, topK: 1e9 }), LIMIT);
  assert.match(JSON.stringify(e1.details), /topK/);
  const e2 = await typedError(() => sl.walkForward(goog, { strategy: 'SmaCross', space, trainBars: 2 ** 40, testBars: 100 }), LIMIT);
  assert.match(JSON.stringify(e2.details), /trainBars/);
});

test('a getter that throws comes back typed with the original as cause, without leaking', async () => {
  const boom = new Error('user getter');
  const cfg = { strategy: 'SmaCross', get cash() { throw boom; } };
  for (let i = 0; i < 3000; i++) {
    let err;
    try { sl.backtest(goog, cfg); } catch (e) { err = e; }
    assert.equal(typeof err?.code, 'string');
    if (i === 0) assert.equal(err.cause, boom);
  }
  stillWorks();
});

test('null, undefined and holes where an object is expected are typed errors; featuresBatch rejects', async () => {
  await typedError(() => sl.features(goog, [{ name: 'SMA', params: [null] }]), LIMIT);
  await typedError(() => sl.features(goog, [null, undefined]), LIMIT);
  await typedError(() => sl.featuresBatch([goog], [{ name: 'SMA', params: [null] }]), LIMIT);
  await typedError(() => sl.featuresBatch(null, null), LIMIT);
});

test('methods called with the wrong receiver or on freed objects are typed; the other object survives', async () => {
  const stream = new IndicatorStream('SMA', { timeperiod: 3 });
  await typedError(() => IndicatorStream.prototype.update.call(goog, 1), ['INVALID_INPUT']);
  assert.equal(goog.length, 2148, 'the Ohlcv is still usable');
  stream.update(1);
  const freed = Ohlcv.fromCsv('time,open,high,low,close,volume\n2020-01-01,1,2,0.5,1.5,10\n');
  freed.free();
  await typedError(() => freed.length, ['INVALID_INPUT']);
  await typedError(() => sl.backtest(freed, { strategy: 'SmaCross' }), ['INVALID_INPUT']);
  freed.free(); // idempotent
  await typedError(() => sl.indicator('SMA', { close: [1n, 2n] }, {}), LIMIT);
  await typedError(() => sl.indicator(Symbol('x'), {}, {}), LIMIT);
});

test('freeing an object inside a callback is a typed error, not a borrow panic', async () => {
  const d = new Dispatcher({ maxConcurrent: 1 });
  let inside;
  const id = d.submit('free-self', () => { try { d.free(); } catch (e) { inside = e; } return 1; });
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(inside === undefined || typeof inside.code === 'string', `untyped: ${inside}`);
  // Whatever happened inside, the freed (or still-borrowed) dispatcher answers typed errors.
  await typedError(async () => { d.submit('after', () => 1); await d.result(id); }, ['INVALID_INPUT']);
  stillWorks();
});

test('random search whose constraint never holds stops quickly with no candidates', async () => {
  const t0 = performance.now();
  const r = await sl.optimize(goog, {
    strategy: 'SmaCross', method: 'random', maxTries: 1e5, seed: 1, timeoutMs: 200,
    space: { n1: { start: 2, stop: 50 }, n2: { start: 3, stop: 60 } }, constraint: 'n1 > 1000',
  });
  assert.equal(r.results.length, 0);
  assert.ok(performance.now() - t0 < 1500, `planning took ${(performance.now() - t0).toFixed(0)} ms`);
  stillWorks();
});

test('parallelSumOfSquares(-1), Ohlcv.slice(5, 2) and huge strings are refused', async () => {
  await typedError(() => sl.parallelSumOfSquares(-1), LIMIT);
  await typedError(() => goog.slice(5, 2), LIMIT);
  await typedError(() => Ohlcv.fromCsv('x'.repeat(300 * 1024 * 1024)), LIMIT, 5000);
});
