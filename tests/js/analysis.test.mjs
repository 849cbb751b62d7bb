// analyzeRegime() / multiTimeframe() as an npm consumer calls them on GOOG daily bars:
// shapes, no look-ahead (a prefix's outputs equal the full run's), real-data sanity, typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ohlcv, analyzeRegime, multiTimeframe } from 'stratlab';

const goog = Ohlcv.fromCsv(readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8'));
const LABELS = new Set(['trending_up', 'trending_down', 'ranging', 'volatile']);

const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function shareBetween(r, from, to, wanted) {
  const time = goog.time;
  let hit = 0;
  let all = 0;
  for (let i = 0; i < goog.length; i++) {
    if (time[i] < from || time[i] >= to || r.regime[i] === null) continue;
    all += 1;
    if (wanted.includes(r.regime[i])) hit += 1;
  }
  assert.ok(all > 0);
  return hit / all;
}

test('analyzeRegime: one label per bar, warm-up null, measures as Float64Arrays', () => {
  const r = analyzeRegime(goog);
  assert.equal(r.regime.length, goog.length);
  for (const key of ['confidence', 'adx', 'atrPct', 'realizedVol', 'volPercentile', 'slope']) {
    assert.ok(r[key] instanceof Float64Array, key);
    assert.equal(r[key].length, goog.length, key);
  }
  // Defaults: volPeriod 20 + volWindow 252 − 1 bars of warm-up.
  assert.equal(r.regime[270], null);
  assert.ok(LABELS.has(r.regime[271]));
  assert.ok(r.regime.slice(271).every((l) => LABELS.has(l)));
  assert.equal(r.config.trendAdx, 20);
  assert.equal(r.config.volWindow, 252);
});

test('analyzeRegime: the late-2008 crash reads volatile / trending down', () => {
  const r = analyzeRegime(goog);
  const down = shareBetween(r, Date.UTC(2008, 8, 1), Date.UTC(2009, 0, 1), ['volatile', 'trending_down']);
  assert.ok(down >= 0.75, `only ${down}`);
  const up = shareBetween(r, Date.UTC(2009, 0, 1), Date.UTC(2010, 0, 1), ['trending_up']);
  assert.ok(up >= 0.5, `2009 trending_up only ${up}`);
});

test('analyzeRegime: a prefix labels its bars exactly as the full run', () => {
  const full = analyzeRegime(goog);
  for (const cut of [300, 1000, 1800]) {
    const part = analyzeRegime(goog.slice(0, cut));
    assert.deepEqual(part.regime, full.regime.slice(0, cut), `labels at cut ${cut}`);
    for (let i = 0; i < cut; i++) assert.ok(same(part.confidence[i], full.confidence[i]), `confidence ${i}`);
  }
});

test('analyzeRegime: bad config is a typed error naming the field', () => {
  assert.throws(() => analyzeRegime(goog, { trendADX: 25 }),
    (e) => e.code === 'INVALID_PARAMETER' && e.details.field === 'trendADX');
  assert.throws(() => analyzeRegime(goog, { volatilePercentile: 2 }),
    (e) => e.code === 'INVALID_PARAMETER' && e.details.field === 'volatilePercentile');
  const strict = analyzeRegime(goog, { trendAdx: 100 });
  assert.ok(!strict.regime.includes('trending_up') && !strict.regime.includes('trending_down'));
});

test('multiTimeframe: weekly indicators aligned to completed weeks, no look-ahead', () => {
  const spec = { timeframes: ['1w'], indicators: { rsi: { name: 'RSI', params: { timeperiod: 14 } },
    macd: { name: 'MACD', output: 'macdsignal' } } };
  const full = multiTimeframe(goog, spec);
  const rsi = full.timeframes['1w'].rsi.output;
  assert.ok(rsi instanceof Float64Array);
  assert.equal(rsi.length, goog.length);
  assert.ok(full.timeframes['1w'].macd.macdsignal instanceof Float64Array);
  assert.ok(full.alignment instanceof Float64Array);
  assert.equal(full.confirmation.length, goog.length);
  for (const cut of [120, 777, 2000]) {
    const part = multiTimeframe(goog.slice(0, cut), spec);
    const p = part.timeframes['1w'].rsi.output;
    for (let i = 0; i < cut; i++) {
      assert.ok(same(p[i], rsi[i]), `rsi at bar ${i}, cut ${cut}`);
      assert.ok(same(part.alignment[i], full.alignment[i]), `alignment at bar ${i}, cut ${cut}`);
      assert.equal(part.confirmation[i], full.confirmation[i]);
    }
  }
  // Within a week the weekly value does not move: it only changes on the first bar of a week.
  const time = goog.time;
  const day = (t) => new Date(t).getUTCDay();
  for (let i = 1; i < goog.length; i++) {
    if (!same(rsi[i], rsi[i - 1])) assert.ok(day(time[i]) <= day(time[i - 1]), `bar ${i}`);
  }
});

test('multiTimeframe: alignment in [-1, 1], "up" confirmed when every timeframe trends up', () => {
  const r = multiTimeframe(goog, { timeframes: ['1d', '1w'], signal: 'up' });
  for (let i = 0; i < goog.length; i++) {
    const a = r.alignment[i];
    if (Number.isNaN(a)) { assert.equal(r.confirmation[i], false); continue; }
    assert.ok(a >= -1 && a <= 1);
    assert.equal(r.confirmation[i], a === 1);
  }
});

test('multiTimeframe: typed errors', () => {
  assert.throws(() => multiTimeframe(goog, { timeframes: ['4h'] }),
    (e) => e.code === 'INVALID_PARAMETER' && e.details.field === 'timeframes');
  assert.throws(() => multiTimeframe(goog, { timeframes: ['1d', '2d', '3d', '4d', '5d', '6d', '1w', '2w', '3w'] }),
    (e) => e.code === 'RESOURCE_LIMIT');
  assert.throws(() => multiTimeframe(goog, { timeframes: ['1w'], indicators: { x: { name: 'NOPE' } } }),
    (e) => e.code === 'INVALID_PARAMETER');
  assert.throws(() => multiTimeframe(goog, { timeframes: ['1w'], extra: 1 }),
    (e) => e.code === 'INVALID_PARAMETER' && e.details.field === 'extra');
});
