// portfolio() as an npm consumer calls it: three assets from one cash pool must reproduce
// vectorbt's Portfolio.from_signals(cash_sharing=True, call_seq='auto') on the basket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portfolio, strategySignals, Ohlcv } from 'stratlab';
import { readFixture } from './fixtures.mjs';

const SYMBOLS = ['AAA', 'BBB', 'CCC'];
const basket = Object.fromEntries(SYMBOLS.map((s) => [s, Ohlcv.fromCsv(readFixture(`data/basket/${s}.csv`))]));
const reference = JSON.parse(readFixture('reference/portfolio/basket_10_30.json'));

function near(got, want, what) {
  const scale = Math.max(Math.abs(got), Math.abs(want));
  assert.ok(got === want || Math.abs(got - want) <= 1e-9 * scale, `${what}: ${got} vs ${want}`);
}

test('the basket matches vectorbt: total return, value per bar, every order', () => {
  assert.equal(reference.runs.length, 3);
  for (const run of reference.runs) {
    const { n1, n2, size, fees, cash } = run.config;
    const r = portfolio(basket, { strategy: 'SmaCross', n1, n2, size, fees, cash });
    near(r.stats['Return [%]'] / 100, run.total_return, 'total return');
    assert.ok(r.value instanceof Float64Array);
    assert.equal(r.value.length, reference.aligned_bars);
    run.value.forEach((v, i) => near(r.value[i], v, `value[${i}]`));
    assert.ok(r.time instanceof Float64Array);
    assert.equal(r.time[0], Date.UTC(2015, 0, 2));
    assert.equal(r.orders.length, run.orders.length);
    run.orders.forEach((want, k) => {
      const got = r.orders[k];
      assert.deepEqual([got.asset, got.bar, got.side], [want.asset, want.bar, want.side], `order ${k}`);
      for (const key of ['size', 'price', 'fees']) near(got[key], want[key], `order ${k} ${key}`);
    });
    assert.deepEqual(Object.keys(r.assets), SYMBOLS);
    const trades = SYMBOLS.reduce((n, s) => n + r.assets[s].trades.length, 0);
    assert.equal(trades, r.orders.filter((o) => o.side === 'Buy').length);
  }
});

test('explicit Int8Array signals and plain columns give the strategy result', () => {
  const config = { size: 0.5, fees: 0, cash: 10_000 };
  const viaStrategy = portfolio(basket, { strategy: 'SmaCross', params: { n1: 10, n2: 30 }, ...config });
  const signals = {};
  const columns = {};
  for (const s of SYMBOLS) {
    const t = strategySignals(basket[s], 'SmaCross', { n1: 10, n2: 30 }, { semantics: 'vectorbt' });
    signals[s] = Int8Array.from(t.signal, (x) => (x === 'BUY' ? 1 : x === 'SELL' ? -1 : 0));
    columns[s] = basket[s].toColumns();
  }
  const viaSignals = portfolio(columns, { signals, ...config });
  assert.deepEqual(Array.from(viaSignals.value), Array.from(viaStrategy.value));
  assert.equal(viaSignals.orders.length, viaStrategy.orders.length);
});

test('backtesting.py mode: whole units, cash never negative, stops at their levels', () => {
  const r = portfolio(basket, {
    strategy: 'SmaCross', n1: 10, n2: 30, mode: 'backtesting.py', size: 0.5, fees: 0.001, cash: 100_000, sl: 0.03, tp: 0.06,
  });
  assert.equal(r.mode, 'backtesting.py');
  assert.ok(r.orders.length > 0);
  for (const o of r.orders) assert.ok(Number.isInteger(o.size) && o.size >= 1, `units ${o.size}`);
  for (const c of r.cash) assert.ok(c >= 0);
  const reasons = new Set();
  for (const s of SYMBOLS) {
    for (const t of r.assets[s].trades) {
      reasons.add(t.ExitReason);
      if (t.ExitReason === 'stop_loss') assert.ok(t.ExitPrice <= t.SL * (1 + 1e-12));
      if (t.ExitReason === 'take_profit') assert.ok(t.ExitPrice >= t.TP * (1 - 1e-12));
    }
  }
  assert.ok(reasons.has('stop_loss') && reasons.has('take_profit'), [...reasons].join());
});

test('bad input is a typed error naming the field', () => {
  const cases = [
    [basket, { strategy: 'SmaCross', sise: 0.5 }, 'INVALID_PARAMETER', 'sise'],
    [basket, { strategy: 'SmaCross', size: 0 }, 'INVALID_PARAMETER', 'size'],
    [basket, { strategy: 'SmaCross', size: 1.5 }, 'INVALID_PARAMETER', 'size'],
    [basket, { signals: { AAA: new Int8Array(2000), BBB: new Int8Array(5), CCC: new Int8Array(2000) } }, 'INVALID_INPUT', 'signals.BBB'],
    [{}, { strategy: 'SmaCross' }, 'INVALID_INPUT', 'assets'],
    [{ AAA: basket.AAA, X: { time: [0, 1], open: [1, 1], high: [1, 1], low: [1, 1], close: [1, 1] } }, { strategy: 'SmaCross' }, 'INVALID_INPUT', 'assets'],
  ];
  for (const [assets, config, code, field] of cases) {
    assert.throws(() => portfolio(assets, config), (e) => e instanceof Error && e.code === code && e.details.field === field,
      `${JSON.stringify(config)} → ${code} ${field}`);
  }
});
