// The package as an npm consumer imports it: Ohlcv, CSV parsing, typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ohlcv, buildInfo, load } from 'stratlab';

const goog = readFileSync(new URL('../../www/data/GOOG.csv', import.meta.url), 'utf8');

test('parses the bundled GOOG sample', () => {
  const d = Ohlcv.fromCsv(goog);
  assert.equal(d.length, 2148);
  const s = d.summary();
  assert.equal(s.lastClose, 806.19);
  assert.equal(s.startIso, '2004-08-19T00:00:00Z');
  assert.equal(s.endIso, '2013-03-01T00:00:00Z');
  assert.ok(d.close instanceof Float64Array);
  assert.equal(d.close[0], 100.34);
});

test('load() reports the thread-less build on Node', async () => {
  const r = await load();
  assert.equal(r.build, 'single');
  assert.equal(buildInfo().threads, false);
  assert.match(buildInfo().version, /^\d+\.\d+\.\d+/);
});

test('fromColumns round-trips and resamples', () => {
  const H = 3_600_000;
  const n = 48;
  const time = Float64Array.from({ length: n }, (_, i) => i * H);
  const close = Float64Array.from({ length: n }, (_, i) => 100 + i);
  const d = Ohlcv.fromColumns({ time, open: close, high: close.map((c) => c + 1), low: close.map((c) => c - 1), close });
  const daily = d.resample('1d');
  assert.equal(daily.length, 2);
  assert.equal(daily.close[0], 123);
  assert.equal(daily.high[1], 148);
  assert.deepEqual(Array.from(daily.volume), [0, 0]);
});

const cases = [
  ['empty file', '', { code: 'INVALID_INPUT' }],
  ['missing column', 'date,open,high,close\n2024-01-01,1,2,1\n', { code: 'INVALID_INPUT', missing: ['low'] }],
  ['unparsable number', 'date,open,high,low,close\n2024-01-01,1,2,1,1\n2024-01-02,1,abc,1,1\n', { code: 'INVALID_INPUT', row: 3, column: 'high' }],
  ['NaN', 'date,open,high,low,close\n2024-01-01,1,2,1,NaN\n', { code: 'INVALID_INPUT', row: 2, column: 'close' }],
  ['infinity', 'date,open,high,low,close\n2024-01-01,1,inf,1,1\n', { code: 'INVALID_INPUT', row: 2, column: 'high' }],
  ['negative price', 'date,open,high,low,close\n2024-01-01,-1,2,1,1\n', { code: 'INVALID_INPUT', row: 2, column: 'open' }],
  ['high below low', 'date,open,high,low,close\n2024-01-01,1,1,2,1\n', { code: 'INVALID_INPUT', row: 2, column: 'high' }],
  ['unsorted', 'date,open,high,low,close\n2024-01-02,1,2,1,1\n2024-01-01,1,2,1,1\n', { code: 'INVALID_INPUT', row: 3, column: 'time' }],
  ['duplicate', 'date,open,high,low,close\n2024-01-02,1,2,1,1\n2024-01-02,1,2,1,1\n', { code: 'INVALID_INPUT', row: 3, column: 'time' }],
  ['bad date', 'date,open,high,low,close\nsoon,1,2,1,1\n', { code: 'INVALID_INPUT', row: 2, column: 'date' }],
];
for (const [name, csv, want] of cases) {
  test(`bad CSV: ${name} → typed error`, () => {
    let err;
    try { Ohlcv.fromCsv(csv); } catch (e) { err = e; }
    assert.ok(err instanceof Error, 'throws a real Error');
    assert.equal(err.code, want.code);
    assert.equal(err.name, 'InvalidInputError');
    assert.equal(typeof err.message, 'string');
    if (want.row !== undefined) assert.equal(err.details.row, want.row);
    if (want.column !== undefined) assert.equal(err.details.column, want.column);
    if (want.missing) assert.deepEqual(err.details.missing, want.missing);
  });
}

test('fromColumns: mismatched lengths and missing columns are typed errors', () => {
  const a = Float64Array.of(1, 2, 3);
  assert.throws(() => Ohlcv.fromColumns({ time: a, open: a, high: a, low: a, close: Float64Array.of(1, 2) }),
    (e) => e.code === 'INVALID_INPUT' && e.details.column === 'close' && e.details.expected === 3);
  assert.throws(() => Ohlcv.fromColumns({ time: a, open: a, high: a, close: a }),
    (e) => e.code === 'INVALID_INPUT' && e.details.column === 'low');
  assert.throws(() => Ohlcv.fromColumns(42), (e) => e.code === 'INVALID_INPUT');
});

test('resample rejects bad timeframes with INVALID_PARAMETER', () => {
  const d = Ohlcv.fromCsv(goog);
  assert.throws(() => d.resample('3x'), (e) => e.code === 'INVALID_PARAMETER' && e.details.parameter === 'timeframe');
  assert.throws(() => d.resample('1h'), (e) => e.code === 'INVALID_PARAMETER');
  assert.equal(d.resample('1w').length > 400, true);
});

test('non-string arguments are typed errors, not traps, and the module keeps working', async () => {
  const { indicator, lookback, IndicatorStream, strategySignals } = await import('stratlab');
  for (const bad of [5, {}, null, undefined, ['x']]) {
    assert.throws(() => Ohlcv.fromCsv(bad), (e) => e.code === 'INVALID_INPUT' && e.details.field === 'text');
    assert.throws(() => indicator(bad, { close: [1, 2, 3] }, {}), (e) => e.code === 'INVALID_INPUT' && e.details.field === 'name');
    assert.throws(() => lookback(bad, {}), (e) => e.code === 'INVALID_INPUT');
    assert.throws(() => new IndicatorStream(bad, {}), (e) => e.code === 'INVALID_INPUT');
  }
  const d = Ohlcv.fromCsv(goog);
  assert.throws(() => d.resample(4), (e) => e.code === 'INVALID_INPUT' && e.details.field === 'timeframe');
  assert.throws(() => strategySignals(d, 42, {}), (e) => e.code === 'INVALID_INPUT');
  assert.equal(Ohlcv.fromCsv(goog).length, 2148);
});
