// The indicator API as an npm consumer uses it: indicator, catalogue, lookback,
// IndicatorStream, features, featuresBatch, typed errors. Golden values are TA-Lib 0.8.1's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFixture } from './fixtures.mjs';
import { indicator, indicatorOhlcv, catalogue, lookback, IndicatorStream, features, featuresBatch, Ohlcv } from 'stratlab';

const goog = Ohlcv.fromCsv(readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8'));
const cols = { open: goog.open, high: goog.high, low: goog.low, close: goog.close, volume: goog.volume };

// Reference rows (TA-Lib 0.8.1 on the same GOOG data) from the repository's fixtures.
function reference() {
  const text = readFixture('reference/indicators/GOOG.csv');
  const [head, ...rows] = text.trim().split(/\r?\n/);
  // Header ids like "BBANDS(20,2.0,2.0,0).upperband" are quoted; data cells are plain numbers.
  const names = head.match(/("[^"]*"|[^,]+)/g).map((s) => s.replace(/"/g, ''));
  const cells = (r) => r.split(',').map((cell) => (cell === '' ? NaN : Number(cell)));
  return { names, rows: rows.map(cells) };
}

const near = (got, want) => Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));

test('SMA, RSI, MACD, BBANDS match TA-Lib on GOOG (bar 28 spot values)', () => {
  const sma = indicator('SMA', cols, { timeperiod: 20 });
  assert.ok(sma.real instanceof Float64Array);
  assert.equal(sma.real.length, goog.length);
  assert.ok(Number.isNaN(sma.real[18]));
  assert.ok(near(sma.real[28], 112.40850000000003));
  assert.ok(near(indicator('RSI', cols, { timeperiod: 14 }).real[28], 77.68275701921122));
  const bb = indicator('BBANDS', goog, {});
  assert.deepEqual(Object.keys(bb), ['upperband', 'middleband', 'lowerband']);
  assert.ok(near(bb.upperband[28], 130.7182911238769));
  const macd = indicator('MACD', goog.close);
  assert.deepEqual(Object.keys(macd), ['macd', 'macdsignal', 'macdhist']);
  assert.equal(lookback('MACD', {}), 33);
  assert.ok(Number.isNaN(macd.macd[32]) && !Number.isNaN(macd.macd[33]));
  // The resident-Ohlcv entry point gives the same arrays without copying the inputs in.
  const a = indicatorOhlcv('STOCH', goog, {}), b = indicator('STOCH', goog, {});
  assert.deepEqual([...a.slowd], [...b.slowd]);
});

test('every indicator of the 42-indicator reference matches its full columns', () => {
  const ref = reference();
  const spec = JSON.parse(readFixture('reference/indicators/spec.json'));
  let checked = 0;
  for (const { id, function: fn, params, outputs } of spec.indicators) {
    const out = indicator(fn, cols, params);
    for (const o of outputs) {
      const j = ref.names.indexOf(`${id}.${o}`);
      assert.ok(j >= 0, `${id}.${o} in reference`);
      for (let i = 0; i < goog.length; i++) {
        const want = ref.rows[i][j];
        const got = out[o][i];
        if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${id}.${o}[${i}] should be NaN`);
        else assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(want), 1e-3), `${id}.${o}[${i}]: ${got} vs ${want}`);
      }
      checked++;
    }
  }
  assert.equal(checked, ref.names.length);
});

test('catalogue lists every TA-Lib 0.8 function with its names, groups, ranges and outputs', () => {
  const cat = catalogue();
  const spec = JSON.parse(readFixture('reference/talib/spec.json')).indicators;
  assert.deepEqual(cat.map((e) => e.name).sort(), spec.map((e) => e.function).sort());
  for (const e of spec) {
    const c = cat.find((x) => x.name === e.function);
    assert.equal(c.group, e.group, e.function);
    assert.deepEqual(c.outputs, e.outputs, e.function);
    assert.deepEqual(c.params.map((p) => p.name).sort(), Object.keys(e.params).sort(), e.function);
    for (const p of c.params) assert.equal(p.default, e.params[p.name], `${e.function}.${p.name} default`);
  }
  const rsi = cat.find((e) => e.name === 'RSI');
  assert.deepEqual(rsi.inputs, ['close']);
  assert.deepEqual(rsi.params, [{ name: 'timeperiod', default: 14, min: 2, max: 100000, kind: 'integer' }]);
  assert.deepEqual(cat.find((e) => e.name === 'STOCH').outputs, ['slowk', 'slowd']);
});

test('IndicatorStream: update equals batch bit for bit; peek does not consume', () => {
  const batch = indicator('ADX', cols, { timeperiod: 14 }).real;
  const s = new IndicatorStream('ADX', { timeperiod: 14 });
  assert.deepEqual(s.outputs, ['real']);
  assert.equal(s.lookback, 27);
  for (let i = 0; i < goog.length; i++) {
    const bar = { open: goog.open[i], high: goog.high[i], low: goog.low[i], close: goog.close[i], volume: goog.volume[i] };
    const p = s.peek(bar).real;
    const v = s.update(bar).real;
    assert.ok(Object.is(p, v), `peek == update at ${i}`);
    assert.ok(Object.is(v, batch[i]), `bar ${i}: ${v} vs ${batch[i]}`);
  }
  s.reset();
  assert.equal(s.bars, 0);
  assert.ok(Number.isNaN(s.update({ high: 2, low: 1, close: 1.5 }).real));
});

test('typed errors: bad parameters, unknown names, missing inputs', () => {
  const check = (fn, code, details = {}) => {
    let err;
    try { fn(); } catch (e) { err = e; }
    assert.ok(err instanceof Error, 'throws a real Error');
    assert.equal(err.code, code);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(err.details[k], v);
    return err;
  };
  const e = check(() => indicator('RSI', cols, { timeperiod: 1 }), 'INVALID_PARAMETER', { parameter: 'timeperiod', min: 2, max: 100000 });
  assert.equal(e.name, 'InvalidParameterError');
  assert.match(e.message, /timeperiod/);
  check(() => indicator('SMA', cols, { timeperiod: 100001 }), 'INVALID_PARAMETER', { parameter: 'timeperiod' });
  check(() => indicator('BBANDS', cols, { matype: 14 }), 'INVALID_PARAMETER', { parameter: 'matype' }); // TA-Lib 0.8 has 14 MA types (0-13)
  check(() => indicator('NOPE', cols), 'INVALID_PARAMETER', { name: 'NOPE' });
  check(() => indicator('SMA', cols, { timeperiod: 'x' }), 'INVALID_PARAMETER', { parameter: 'timeperiod' });
  check(() => indicator('ATR', { close: goog.close }), 'INVALID_INPUT', { input: 'high' });
  check(() => indicator('ATR', { high: goog.high, low: goog.low.subarray(1), close: goog.close }), 'INVALID_INPUT');
  check(() => new IndicatorStream('MACD', { fastperiod: 1 }), 'INVALID_PARAMETER', { parameter: 'fastperiod' });
  // Short input: all NaN, not an error.
  const short = indicator('SMA', [1, 2, 3], { timeperiod: 10 }).real;
  assert.equal(short.length, 3);
  assert.ok([...short].every(Number.isNaN));
});

test('features and featuresBatch build named tables and yield between symbols', async () => {
  const spec = [{ name: 'RSI', params: { timeperiod: 14 } }, { name: 'MACD' }, { name: 'SMA', params: { timeperiod: 5 }, alias: 'fast' }];
  const t = features(goog, spec);
  assert.deepEqual(t.names, ['RSI_14', 'MACD_12_26_9.macd', 'MACD_12_26_9.macdsignal', 'MACD_12_26_9.macdhist', 'fast']);
  assert.equal(t.time.length, goog.length);
  assert.ok(near(t.columns.RSI_14[28], 77.68275701921122));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const watch = { A: goog, B: goog.slice(0, 300), C: goog.slice(300, 900) };
  const out = await featuresBatch(watch, spec);
  clearInterval(timer);
  assert.deepEqual(Object.keys(out), ['A', 'B', 'C']);
  assert.equal(out.B.columns.fast.length, 300);
  assert.ok(ticks >= 1, 'timers ran while the batch was in progress');
  await assert.rejects(featuresBatch({ A: goog }, [{ name: 'RSI', params: { timeperiod: 0 } }]), (err) => err.code === 'INVALID_PARAMETER' && err.details.symbol === 'A');
});
