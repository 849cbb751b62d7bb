// mergeSignals as an npm consumer calls it: rules, input forms, typed errors, fallbacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mergeSignals, tickerSignals, watchlistSignals, strategySignals, Ohlcv } from 'stratlab';

const H = 3_600_000;

function throwsCode(fn, code, details = {}) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, 'throws a real Error');
  assert.equal(caught.code, code, caught.message);
  for (const [k, v] of Object.entries(details)) assert.deepEqual(caught.details[k], v, `details.${k}`);
  return caught;
}

test('weighted_vote with string signals: winner, share, count; output speaks strings', () => {
  const r = mergeSignals(
    {
      rsi: { timestamp: [0, H, 2 * H], signal: ['BUY', 'sell', 'Hold'] },
      macd: { timestamp: [0, H], signal: ['SELL', 'SELL'] },
      sma: { timestamp: [0, 2 * H], signal: ['buy', 'BUY'] },
    },
    { method: 'weighted_vote', weights: { rsi: 2, macd: 2.5, sma: 1 } },
  );
  assert.deepEqual([...r.timestamp], [0, H, 2 * H]);
  assert.deepEqual(r.signal, ['BUY', 'SELL', 'HOLD']);
  assert.ok(Math.abs(r.confidence[0] - 3 / 5.5) < 1e-12);
  assert.equal(r.confidence[1], 1);
  assert.ok(Math.abs(r.confidence[2] - 2 / 3) < 1e-12, 'HOLD 2 vs BUY 1');
  assert.deepEqual([...r.strategy_count], [3, 2, 2]);
  assert.equal(r.method, 'weighted_vote');
  assert.ok(r.timestamp instanceof Float64Array);
  assert.ok(r.confidence instanceof Float64Array);
  assert.equal(r.strategy_used, undefined);
  assert.equal(r.error, undefined);
});

test('majority with typed arrays returns Int8Array signals', () => {
  const ts = Float64Array.of(1, 2, 3);
  const r = mergeSignals(
    {
      a: { timestamp: ts, signal: Int8Array.of(1, -1, 0) },
      b: { timestamp: ts, signal: Int8Array.of(1, 1, 0) },
      c: { timestamp: ts, signal: Float64Array.of(-1, 1, 1) },
    },
    { method: 'majority' },
  );
  assert.ok(r.signal instanceof Int8Array);
  assert.deepEqual([...r.signal], [1, 1, 0]);
  assert.deepEqual([...r.confidence].map((x) => +x.toFixed(6)), [0.666667, 0.666667, 0.666667]);
  assert.deepEqual([...r.strategy_count], [3, 3, 3]);
});

test('priority: first strategy in order with a signal wins; strategy_used names it', () => {
  const r = mergeSignals(
    {
      fast: { timestamp: [1, 2, 3], signal: [1, 1, 1], confidence: [0.2, 0.3, 0.4] },
      slow: { timestamp: [2, 4], signal: ['SELL', 'SELL'] },
    },
    { method: 'priority', priority: ['slow', 'fast'] },
  );
  assert.deepEqual([...r.timestamp], [1, 2, 3, 4]);
  assert.deepEqual(r.signal, ['BUY', 'SELL', 'BUY', 'SELL']);
  assert.deepEqual(r.strategy_used, ['fast', 'slow', 'fast', 'slow']);
  assert.deepEqual([...r.confidence], [0.2, 1, 0.4, 1]);
  // Number format: Int8Array signals and Int32Array indices into `strategies`.
  const n = mergeSignals(
    { fast: { timestamp: [1, 2], signal: [1, 1] }, slow: { timestamp: [2], signal: [-1] } },
    { method: 'priority', priority: ['slow', 'fast'], signal_format: 'number' },
  );
  assert.ok(n.strategy_used instanceof Int32Array);
  assert.deepEqual([...n.strategy_used].map((i) => n.strategies[i]), ['fast', 'slow']);
  assert.deepEqual([...n.signal], [1, -1]);
});

test('ties resolve to HOLD; duplicate timestamps: last row wins', () => {
  const r = mergeSignals(
    {
      a: { timestamp: [5, 1, 5], signal: ['SELL', 'BUY', 'BUY'] }, // t=5: last row (BUY) wins
      b: { timestamp: [1, 5], signal: ['SELL', 'BUY'] },
    },
    { method: 'majority' },
  );
  assert.deepEqual([...r.timestamp], [1, 5]);
  assert.deepEqual(r.signal, ['HOLD', 'BUY']); // t=1 BUY vs SELL → HOLD
  assert.deepEqual([...r.confidence], [0, 1]);
  assert.ok(r.warnings.some((w) => w.includes("'a'") && w.includes('duplicate')));
});

test('ISO strings and Dates are accepted as timestamps', () => {
  const r = mergeSignals({
    a: { timestamp: ['2024-01-02T00:00:00Z', new Date(Date.UTC(2024, 0, 1))], signal: ['BUY', 'SELL'] },
  });
  assert.deepEqual([...r.timestamp], [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)]);
  assert.deepEqual(r.signal, ['SELL', 'BUY']);
});

test('row arrays [{timestamp, signal}] are accepted too', () => {
  const r = mergeSignals({ a: [{ timestamp: 1, signal: 'buy' }, { timestamp: 2, signal: -1 }] }, { method: 'majority' });
  assert.deepEqual(r.signal, ['BUY', 'SELL']);
});

test('bad signal → INVALID_INPUT naming strategy and row', () => {
  const e = throwsCode(
    () => mergeSignals({ ok: { timestamp: [1], signal: ['BUY'] }, bad: { timestamp: [1, 2, 3], signal: ['BUY', 'HOLD', 'LONG'] } }, {}),
    'INVALID_INPUT',
    { strategy: 'bad', row: 2, field: 'signal' },
  );
  assert.equal(e.name, 'InvalidInputError');
  assert.match(e.message, /bad.*row 2/);
  throwsCode(() => mergeSignals({ s: { timestamp: [1, 2], signal: [1, null] } }), 'INVALID_INPUT', { strategy: 's', row: 1 });
  throwsCode(() => mergeSignals({ s: { timestamp: Float64Array.of(1, 2), signal: Int8Array.of(1, 3) } }), 'INVALID_INPUT', { row: 1 });
  throwsCode(() => mergeSignals({ s: { timestamp: [1, 2], signal: [1, 0.5] } }), 'INVALID_INPUT', { row: 1 });
});

test('bad timestamps and lengths → INVALID_INPUT with details', () => {
  throwsCode(() => mergeSignals({ s: { timestamp: [1, null], signal: [1, 1] } }), 'INVALID_INPUT', { strategy: 's', row: 1, field: 'timestamp' });
  throwsCode(() => mergeSignals({ s: { timestamp: [1, 'soon'], signal: [1, 1] } }), 'INVALID_INPUT', { row: 1 });
  throwsCode(() => mergeSignals({ s: { timestamp: Float64Array.of(1, NaN), signal: [1, 1] } }), 'INVALID_INPUT', { row: 1 });
  throwsCode(() => mergeSignals({ s: { timestamp: [1, 2], signal: [1] } }), 'INVALID_INPUT', { field: 'signal', length: 1, expected: 2 });
  throwsCode(() => mergeSignals({ s: { timestamp: [1], signal: [1], confidence: [1.5] } }), 'INVALID_INPUT', { field: 'confidence', row: 0 });
  throwsCode(() => mergeSignals('nope'), 'INVALID_INPUT');
});

test('bad config → INVALID_PARAMETER', () => {
  const out = { a: { timestamp: [1], signal: ['BUY'] } };
  throwsCode(() => mergeSignals(out, { method: 'average' }), 'INVALID_PARAMETER', { parameter: 'method' });
  throwsCode(() => mergeSignals(out, { weights: { a: -1 } }), 'INVALID_PARAMETER', { parameter: 'weights', strategy: 'a' });
  throwsCode(() => mergeSignals(out, { weights: { a: NaN } }), 'INVALID_PARAMETER', { parameter: 'weights', strategy: 'a' });
  throwsCode(() => mergeSignals(out, { weights: { a: 0 } }), 'INVALID_PARAMETER', { parameter: 'weights' });
});

test('null, empty and timestamp-less outputs are skipped with warnings', () => {
  const r = mergeSignals({ a: null, b: {}, c: { timestamp: [], signal: [] }, d: { signal: ['BUY'] }, e: { timestamp: [7], signal: ['SELL'] } });
  assert.deepEqual(r.signal, ['SELL']);
  assert.deepEqual(r.strategies, ['e']);
  assert.equal(r.warnings.length, 4);
});

test('no valid output → one HOLD row, confidence 0, strategy_count 0, error', () => {
  for (const outputs of [{}, { a: null, b: {} }, null]) {
    const r = mergeSignals(outputs, { method: 'weighted_vote' });
    assert.deepEqual(r.signal, ['HOLD']);
    assert.deepEqual([...r.confidence], [0]);
    assert.deepEqual([...r.strategy_count], [0]);
    assert.equal(r.error, 'No valid strategy outputs');
    assert.equal(r.timestamp.length, 1);
  }
});

test('large typed input stays correct (sorted union, counts)', () => {
  const n = 100_000;
  const ts = Float64Array.from({ length: n }, (_, i) => i * H);
  const even = Float64Array.from({ length: n / 2 }, (_, i) => 2 * i * H);
  const r = mergeSignals(
    {
      a: { timestamp: ts, signal: new Int8Array(n).fill(1) },
      b: { timestamp: even, signal: new Int8Array(n / 2).fill(-1) },
    },
    { method: 'majority' },
  );
  assert.equal(r.timestamp.length, n);
  assert.equal(r.signal[0], 0); // BUY vs SELL tie → HOLD (0)
  assert.equal(r.signal[1], 1);
  assert.equal(r.strategy_count[0], 2);
  assert.equal(r.strategy_count[1], 1);
});

// ---- ticker signal rules (tickerSignals / watchlistSignals) ------------------------------

const goog = readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8');
const ONLY_RSI = { macd: false, bollinger: false, sma_cross: false };

test('tickerSignals on an Ohlcv: per-bar columns and the latest bar with every rule', () => {
  const d = Ohlcv.fromCsv(goog);
  const r = tickerSignals(d);
  assert.equal(r.signal.length, 2148);
  assert.ok(r.time instanceof Float64Array && r.confidence instanceof Float64Array && r.score instanceof Float64Array);
  assert.equal(r.reasons.length, 2148);
  for (let i = 0; i < r.signal.length; i++) {
    assert.ok(['BUY', 'SELL', 'HOLD'].includes(r.signal[i]));
    assert.ok(r.confidence[i] >= 0 && r.confidence[i] <= 1);
    if (r.signal[i] !== 'HOLD') assert.ok(r.reasons[i].length > 0, `bar ${i} has reasons`);
  }
  assert.equal(r.latest.index, 2147);
  assert.equal(r.latest.close, 806.19);
  assert.deepEqual(r.latest.rules.map((x) => x.rule), ['rsi', 'macd', 'bollinger', 'sma_cross']);
  assert.match(r.latest.rules[0].reason, /^RSI\(14\) 67\.50/);
});

test('tickerSignals: RSI rule thresholds are configurable', () => {
  const closes = Array.from({ length: 40 }, (_, i) => 100 + i); // RSI 100
  const r = tickerSignals({ close: closes }, ONLY_RSI);
  assert.equal(r.signal[39], 'SELL');
  assert.equal(r.confidence[39], 1);
  assert.match(r.reasons[39][0], /overbought/);
  assert.equal(r.signal[5], 'HOLD'); // warming up
  const falling = tickerSignals({ close: closes.slice().reverse() }, { ...ONLY_RSI, rsi: { lower: 20 } });
  assert.equal(falling.signal[39], 'BUY');
});

test('tickerSignals: bad config and bad data are typed errors', () => {
  throwsCode(() => tickerSignals(goog, { rsi: { timeperiod: 1 } }), 'INVALID_PARAMETER', { rule: 'rsi', parameter: 'timeperiod' });
  throwsCode(() => tickerSignals(goog, { stochastic: true }), 'INVALID_PARAMETER');
  throwsCode(() => tickerSignals(goog, { sma_cross: { fastperiod: 60 } }), 'INVALID_PARAMETER', { rule: 'sma_cross' });
  throwsCode(() => tickerSignals({ open: [1, 2] }), 'INVALID_INPUT', { column: 'close' });
  throwsCode(() => tickerSignals({ close: [] }), 'INVALID_INPUT');
});

test('watchlistSignals: latest per symbol, highest confidence first, bad symbols last', () => {
  const up = { close: Array.from({ length: 30 }, (_, i) => 10 + i) };
  const down = { close: Array.from({ length: 30 }, (_, i) => 50 - i) };
  const out = watchlistSignals({ GOOG: Ohlcv.fromCsv(goog), BAD: { close: 'x' }, UP: up, DOWN: down }, ONLY_RSI);
  assert.deepEqual(out.map((x) => x.symbol), ['DOWN', 'UP', 'GOOG', 'BAD']); // 1, 1 (by name), 0, error
  assert.deepEqual(out.map((x) => x.signal), ['BUY', 'SELL', 'HOLD', 'HOLD']);
  assert.equal(out[3].error.code, 'INVALID_INPUT');
  assert.equal(out[3].confidence, 0);
});

test('ticker signals and registry strategies feed mergeSignals as they are', () => {
  const d = Ohlcv.fromCsv(goog);
  const rsi = tickerSignals(d, ONLY_RSI); // {time, signal, confidence, ...}
  const macd = tickerSignals(d, { rsi: false, bollinger: false, sma_cross: false });
  const r = mergeSignals({ rsi, macd }, { method: 'priority', priority: ['macd', 'rsi'] });
  assert.equal(r.timestamp.length, 2148);
  assert.ok(r.strategy_used.every((s) => s === 'macd'));
  assert.deepEqual(r.signal, macd.signal);

  const sma = strategySignals(d, 'SmaCross', { n1: 10, n2: 20 }); // {timestamp, signal, confidence, warmup}
  const m = mergeSignals({ sma, rsi }, { method: 'majority' });
  assert.deepEqual([...m.timestamp], [...d.time]);
  for (let i = 0; i < m.signal.length; i++) {
    // Two voters: agreement wins; any 1:1 split is a tie → HOLD.
    const want = sma.signal[i] === rsi.signal[i] ? sma.signal[i] : 'HOLD';
    assert.equal(m.signal[i], want, `bar ${i}`);
  }
});
