// backtest() / strategies() / strategySignals() as an npm consumer calls them; the GOOG
// SmaCross backtest must equal backtesting.py 0.6.6's golden statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { backtest, strategies, strategySignals, Ohlcv } from 'stratlab';

const goog = Ohlcv.fromCsv(readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8'));
const golden = JSON.parse(readFileSync(
  new URL('../fixtures/shared/reference/backtest/GOOG_smacross_10_20.stats.json', import.meta.url), 'utf8'));

function assertClose(got, want, key) {
  if (typeof want === 'string') return assert.equal(got, want, key);
  assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want), `${key}: ${got} vs ${want}`);
}

test('GOOG SmaCross(10, 20) stats equal backtesting.py', () => {
  const { n1, n2, cash, commission, finalize_trades } = golden.config;
  const r = backtest(goog, { strategy: 'SmaCross', n1, n2, cash, commission, finalize_trades });
  for (const [key, want] of Object.entries(golden.stats)) assertClose(r.stats[key], want, key);
  assert.equal(r.trades.length, 94);
  assert.deepEqual(
    [r.trades[0].Size, r.trades[0].EntryBar, r.trades[0].ExitBar, r.trades[0].EntryPrice],
    [-59, 63, 75, 169.02]);
  assert.ok(r.equity.Equity instanceof Float64Array);
  assert.equal(r.equity.Equity.length, goog.length);
  assert.equal(r.equity.time[0], Date.UTC(2004, 7, 19));
});

test('camelCase options, nested params and plain columns give the same result', () => {
  const a = backtest(goog, { strategy: 'SmaCross', params: { n1: 10, n2: 20 }, commission: 0.002, finalizeTrades: true });
  const b = backtest(goog.toColumns(), { strategy: 'MovingAverageCrossover', n1: 10, n2: 20, commission: 0.002, finalize_trades: true });
  assert.equal(a.stats['Return [%]'], b.stats['Return [%]']);
  assertClose(a.stats['Return [%]'], golden.stats['Return [%]'], 'Return [%]');
});

test('explicit signals (strings or a typed array) reproduce the strategy', () => {
  const t = strategySignals(goog, 'SmaCross', { n1: 10, n2: 20 });
  assert.equal(t.warmup, 19);
  assert.equal(t.signal.length, goog.length);
  const numeric = Int8Array.from(t.signal, (s) => (s === 'BUY' ? 1 : s === 'SELL' ? -1 : 0));
  for (const signals of [t.signal, Float64Array.from(numeric)]) {
    const r = backtest(goog, { signals, warmup: t.warmup, commission: 0.002, finalize_trades: true });
    assertClose(r.stats['Sharpe Ratio'], golden.stats['Sharpe Ratio'], 'Sharpe Ratio');
  }
});

test('vectorbt semantics reproduce the vectorbt grid', () => {
  const vbt = JSON.parse(readFileSync(new URL('../fixtures/shared/reference/vectorbt/GOOG_smacross.json', import.meta.url), 'utf8'));
  for (const c of vbt.combos.slice(0, 10)) {
    const r = backtest(goog, { strategy: 'SmaCross', n1: c.fast, n2: c.slow, semantics: 'vectorbt', fees: vbt.config.fees, init_cash: vbt.config.init_cash });
    assert.ok(Math.abs(r.stats['Return [%]'] / 100 - c.total_return) <= 1e-9 * Math.abs(c.total_return), `${c.fast}/${c.slow}`);
    assert.equal(r.stats['# Trades'], c.trades);
  }
});

test('bad configs are typed errors', () => {
  const cases = [
    [{ strategy: 'Turtle' }, 'INVALID_STRATEGY'],
    [{ strategy: 'SmaCross', cash: -100 }, 'INVALID_PARAMETER'],
    [{ strategy: 'SmaCross', commission: 1.5 }, 'INVALID_PARAMETER'],
    [{ strategy: 'SmaCross', comission: 0.01 }, 'INVALID_PARAMETER'],
    [{ strategy: 'SmaCross', semantics: 'zipline' }, 'INVALID_PARAMETER'],
    [{ strategy: 'RSI', lower: 80, upper: 20 }, 'INVALID_PARAMETER'],
    [{ signals: ['BUY', 'MAYBE'] }, 'INVALID_INPUT'],
    [{}, 'INVALID_INPUT'],
  ];
  for (const [config, code] of cases) {
    assert.throws(() => backtest(goog, config), (e) => e instanceof Error && e.code === code, JSON.stringify(config));
  }
  try {
    backtest(goog, { strategy: 'Turtle' });
  } catch (e) {
    assert.equal(e.name, 'InvalidStrategyError');
    assert.match(e.message, /SmaCross.*RSI.*MACD.*Bollinger.*Breakout/);
  }
});

test('strategies() lists every schema', () => {
  const list = strategies();
  assert.deepEqual(list.map((s) => s.name), ['SmaCross', 'RSI', 'MACD', 'Bollinger', 'Breakout']);
  const rsi = list.find((s) => s.name === 'RSI');
  assert.deepEqual(rsi.params.map((p) => p.name), ['timeperiod', 'lower', 'upper']);
  for (const s of list) {
    for (const p of s.params) assert.ok(p.min <= p.default && p.default <= p.max, `${s.name}.${p.name}`);
    const t = strategySignals(goog, s.name, {});
    assert.ok(t.signal.includes('BUY') && t.signal.includes('SELL'), `${s.name} trades on GOOG`);
  }
});
