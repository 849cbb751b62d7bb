// The rule language as an npm consumer calls it: ruleSignals, compileRules, ruleSets, and
// `rules` in backtest / optimize / walkForward / optimizeBatch (thread-less build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  Ohlcv, backtest, compileRules, optimize, optimizeBatch, ruleSets, ruleSignals, strategySignals, walkForward,
} from 'stratlab';

const goog = Ohlcv.fromCsv(readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8'));
const smaCross = {
  buy: 'crossover(pandas_sma(close, n1), pandas_sma(close, n2))',
  sell: 'crossover(pandas_sma(close, n2), pandas_sma(close, n1))',
};

test('ruleSignals equals the built-in SmaCross signals and warm-up', () => {
  const r = ruleSignals(goog, smaCross, { n1: 10, n2: 20 });
  const t = strategySignals(goog, 'SmaCross', { n1: 10, n2: 20 });
  assert.equal(r.warmup, 19);
  assert.deepEqual(r.signal, t.signal);
  assert.ok(r.signal.includes('BUY') && r.signal.includes('SELL'));
  assert.equal(r.timestamp.length, goog.length);
});

test('backtest with rules equals backtest with the explicit signals', () => {
  const rules = { buy: 'crossover(EMA(close, fast), EMA(close, slow)) and RSI(14) < 70', sell: 'crossunder(EMA(close, fast), EMA(close, slow))' };
  const params = { fast: 10, slow: 30 };
  const s = ruleSignals(goog, rules, params);
  const a = backtest(goog, { rules, params, commission: 0.002, finalize_trades: true });
  // Rules default to repeat: 'ignore' where the engine has that option; give explicit signals the same.
  let repeat = {};
  try { backtest(goog, { signals: s.signal, repeat: 'ignore' }); repeat = { repeat: 'ignore' }; } catch { /* no repeat option */ }
  const b = backtest(goog, { signals: s.signal, warmup: s.warmup, commission: 0.002, finalize_trades: true, ...repeat });
  assert.ok(a.stats['# Trades'] > 3);
  assert.deepEqual(a.stats, b.stats);
  assert.deepEqual(a.trades, b.trades);
});

test('compileRules lists parameters and indicators and evaluates without recompiling', () => {
  const c = compileRules({ buy: 'crossover(MACD(close, f, s, 9).macd, MACD(close, f, s, 9).macdsignal)', sell: 'RSI(n) > 70' });
  assert.deepEqual(c.params, ['f', 's', 'n']);
  assert.deepEqual(c.indicators, ['MACD', 'RSI']);
  assert.equal(c.info.calls, 2);
  const x = c.signals(goog, { f: 12, s: 26, n: 14 });
  const y = ruleSignals(goog, JSON.parse(JSON.stringify(c)), { f: 12, s: 26, n: 14 });
  assert.deepEqual(x.signal, y.signal);
  assert.equal(x.warmup, 33);
});

test('errors point at the rule text', () => {
  const cases = [
    [{ buy: 'close > SMA(close, 20', sell: 'close < 1' }, 'INVALID_RULE', 'buy', 21],
    [{ buy: 'close > 1', sell: 'RSII(14) > 70' }, 'INVALID_RULE', 'sell', 0],
    [{ buy: 'close > 1', sell: 'MACD(close).signal > 0' }, 'INVALID_RULE', 'sell', 12],
    [{ buy: `${'('.repeat(100)}close${')'.repeat(100)} > 1`, sell: 'close < 1' }, 'RESOURCE_LIMIT', 'buy', 64],
  ];
  for (const [rules, code, rule, offset] of cases) {
    assert.throws(() => compileRules(rules), (e) => {
      assert.equal(e.code, code, e.message);
      assert.equal(e.details.rule, rule);
      assert.equal(e.details.offset, offset, e.message);
      assert.equal(typeof e.details.line, 'number');
      assert.equal(typeof e.details.column, 'number');
      return true;
    });
  }
  assert.throws(() => ruleSignals(goog, { buy: 'close > n', sell: 'close < 1' }, {}), (e) => e.code === 'INVALID_RULE' && /'n'/.test(e.message));
  assert.throws(() => compileRules('close > 1'), (e) => e.code === 'INVALID_INPUT');
});

test('optimize, walkForward and optimizeBatch accept rules like a strategy', async () => {
  const space = { n1: [5, 10, 15], n2: [30, 50] };
  const a = await optimize(goog, { rules: smaCross, space, maximize: 'Sharpe Ratio', commission: 0.002 });
  const b = await optimize(goog, { strategy: 'SmaCross', space, maximize: 'Sharpe Ratio', commission: 0.002 });
  assert.equal(a.status, 'complete');
  assert.deepEqual(a.best.params, b.best.params);
  assert.equal(a.best.value, b.best.value);
  const wf = await walkForward(goog, { rules: smaCross, space, maximize: 'Sharpe Ratio', trainBars: 500, testBars: 250 });
  assert.equal(wf.folds.length, 6);
  const batch = await optimizeBatch(goog, {
    strategies: ['mine', 'SmaCross'],
    common_config: { space, maximize: 'Sharpe Ratio' },
    strategy_specific_configs: { mine: { rules: smaCross } },
  });
  assert.equal(batch.jobs.length, 2);
});

test('ruleSets lists the built-in strategies as rules that reproduce them', () => {
  const sets = ruleSets();
  assert.deepEqual(sets.map((s) => s.name), ['SmaCross', 'RSI', 'MACD', 'Bollinger', 'Breakout']);
  for (const s of sets) {
    const r = ruleSignals(goog, { buy: s.buy, sell: s.sell }, s.params);
    const t = strategySignals(goog, s.name, s.params);
    assert.deepEqual(r.signal, t.signal, s.name);
    assert.equal(r.warmup, t.warmup, s.name);
  }
});
