// All of TA-Lib 0.8's functions through the wasm package against TA-Lib 0.8.2's own outputs
// (tests/fixtures/shared/reference/talib/GOOG.csv): the JS input mapping (price0/price1, the
// math transforms' unit column, MAVP's periods) and the wasm arithmetic, column by column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ohlcv, indicator, IndicatorStream } from 'stratlab';
import { readFixture } from './fixtures.mjs';

const goog = Ohlcv.fromCsv(readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8'));
const spec = JSON.parse(readFixture('reference/talib/spec.json')).indicators;
const [head, ...rows] = readFixture('reference/talib/GOOG.csv').trim().split(/\r?\n/);
const names = head.split(',');
const column = (name) => {
  const j = names.indexOf(name);
  assert.ok(j >= 0, `${name} in the reference`);
  return Float64Array.from(rows, (r) => { const cell = r.split(',')[j]; return cell === '' ? NaN : Number(cell); });
};
const unit = column('input.unit');
const periods = column('input.periods');
// Integer outputs the generator did not blank before the lookback (see tests/fixtures/README.md).
const MISSED_INTEGER = new Set(['MINMAXINDEX.minidx', 'MINMAXINDEX.maxidx', 'FRACTAL.swinghigh', 'FRACTAL.swinglow', 'SUPERTREND.trend']);

function close(got, want, scale) {
  if (Number.isNaN(want)) return Number.isNaN(got);
  return got === want || Math.abs(got - want) <= 1e-9 * Math.abs(want) + 1e-10 * scale;
}

test('every function matches TA-Lib 0.8.2 on GOOG (defaults) through the wasm package', () => {
  const cols = { open: goog.open, high: goog.high, low: goog.low, close: goog.close, volume: goog.volume, periods };
  let checked = 0;
  for (const e of spec) {
    const inputs = e.input === 'unit' ? { close: unit } : cols;
    const out = indicator(e.function, inputs, e.params);
    for (const o of e.outputs) {
      const want = column(`${e.id}.${o}`);
      const got = out[o];
      assert.ok(got instanceof Float64Array && got.length === want.length, `${e.id}.${o} shape`);
      const firstGot = got.findIndex((v) => !Number.isNaN(v));
      const scale = want.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
      for (let i = 0; i < want.length; i++) {
        const w = MISSED_INTEGER.has(`${e.id}.${o}`) && (firstGot < 0 || i < firstGot) && want[i] === 0 ? NaN : want[i];
        if (!close(got[i], w, scale)) assert.fail(`${e.id}.${o}[${i}]: ${got[i]} vs ${w}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 230, `${checked} columns`);
});

test('IndicatorStream equals the batch for every function (last 200 bars of GOOG)', () => {
  const n = goog.length;
  for (const e of spec) {
    const stream = new IndicatorStream(e.function, e.params);
    const src = e.input === 'unit' ? { close: unit } : { open: goog.open, high: goog.high, low: goog.low, close: goog.close, volume: goog.volume, periods };
    const batch = indicator(e.function, src, e.params);
    for (let i = 0; i < n; i++) {
      const bar = e.input === 'unit' ? { close: unit[i], high: unit[i], low: unit[i], open: unit[i], volume: 0, periods: periods[i] }
        : { open: goog.open[i], high: goog.high[i], low: goog.low[i], close: goog.close[i], volume: goog.volume[i], periods: periods[i] };
      const v = stream.update(bar);
      if (i < n - 200) continue;
      for (const o of e.outputs) assert.ok(Object.is(v[o], batch[o][i]), `${e.function}.${o}[${i}]: stream ${v[o]} vs batch ${batch[o][i]}`);
    }
    stream.free();
  }
});
