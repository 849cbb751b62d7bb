// Indicator speed on one 1,000,000-bar series: stratlab wasm in Node, stratlab wasm in
// headless Chromium (dedicated worker), stratlab native (examples/bench_indicators.rs), and
// the npm libraries `technicalindicators` and `trading-signals` (their batch APIs).
// Prints a table of milliseconds (median of runs) and ratios; writes
// bench-results/indicators.json. Usage: node bench/indicators.mjs [--bars N] [--no-browser] [--no-native]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { indicator, indicatorOhlcv, Ohlcv } from 'stratlab';

const argv = process.argv.slice(2);
const BARS = Number(argv[argv.indexOf('--bars') + 1]) || 1_000_000;
const require = createRequire(import.meta.url);

/** Same series as examples/bench_indicators.rs. */
function synth(n) {
  const open = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n);
  const close = new Float64Array(n), volume = new Float64Array(n);
  let prev = 100;
  for (let i = 0; i < n; i++) {
    const noise = ((i * 7919) % 1000) / 1000;
    const c = 100 + 10 * Math.sin(i * 0.001) + 5 * Math.sin(i * 0.0137) + noise;
    open[i] = prev;
    high[i] = Math.max(c, prev) + 0.25 + noise * 0.5;
    low[i] = Math.min(c, prev) - 0.25 - noise * 0.5;
    close[i] = c;
    volume[i] = 1000 + ((i * 31) % 500);
    prev = c;
  }
  return { open, high, low, close, volume };
}

const CASES = [
  ['SMA', { timeperiod: 20 }],
  ['EMA', { timeperiod: 20 }],
  ['RSI', { timeperiod: 14 }],
  ['MACD', { fastperiod: 12, slowperiod: 26, signalperiod: 9 }],
  ['BBANDS', { timeperiod: 20, nbdevup: 2, nbdevdn: 2 }],
  ['ATR', { timeperiod: 14 }],
  ['ADX', { timeperiod: 14 }],
  ['STOCH', { fastk_period: 14, slowk_period: 3, slowd_period: 3 }],
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn, runs) {
  const t = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const data = synth(BARS);
const results = {}; // results[name][impl] = ms
for (const [name] of CASES) results[name] = {};

// 1. stratlab wasm in Node: the public API, copies in and out of wasm memory included.
for (const [name, params] of CASES) {
  indicator(name, data, params); // warm-up (compiles the wasm tier-up path)
  results[name]['wasm-node'] = time(() => indicator(name, data, params), 5);
}

// 1b. The same with the series resident in wasm memory (an Ohlcv): no input copies.
try {
  const stamps = Float64Array.from({ length: BARS }, (_, i) => i * 3_600_000);
  const resident = Ohlcv.fromColumns({ time: stamps, ...data });
  for (const [name, params] of CASES) {
    indicatorOhlcv(name, resident, params);
    results[name]['wasm-node-ohlcv'] = time(() => indicatorOhlcv(name, resident, params), 5);
  }
} catch (e) {
  console.error(`resident run failed: ${e.message}`);
}

// 2. technicalindicators (arrays of numbers in, arrays out).
try {
  const ti = require('technicalindicators');
  const v = Array.from(data.close), h = Array.from(data.high), l = Array.from(data.low);
  const run = {
    SMA: () => ti.SMA.calculate({ period: 20, values: v }),
    EMA: () => ti.EMA.calculate({ period: 20, values: v }),
    RSI: () => ti.RSI.calculate({ period: 14, values: v }),
    MACD: () => ti.MACD.calculate({ values: v, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }),
    BBANDS: () => ti.BollingerBands.calculate({ period: 20, values: v, stdDev: 2 }),
    ATR: () => ti.ATR.calculate({ high: h, low: l, close: v, period: 14 }),
    ADX: () => ti.ADX.calculate({ high: h, low: l, close: v, period: 14 }),
    STOCH: () => ti.Stochastic.calculate({ high: h, low: l, close: v, period: 14, signalPeriod: 3 }),
  };
  for (const [name] of CASES) results[name].technicalindicators = time(run[name], 2);
} catch (e) {
  console.error(`technicalindicators unavailable: ${e.message}`);
}

// 3. trading-signals: `updates()` over the whole series (its batch entry point).
try {
  const ts = require('trading-signals');
  const v = Array.from(data.close);
  const candles = v.map((c, i) => ({ high: data.high[i], low: data.low[i], close: c }));
  const run = {
    SMA: () => new ts.SMA(20).updates(v),
    EMA: () => new ts.EMA(20).updates(v),
    RSI: () => new ts.RSI(14).updates(v),
    MACD: () => new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)).updates(v),
    BBANDS: () => new ts.BollingerBands(20, 2).updates(v),
    ATR: () => new ts.ATR(14).updates(candles),
    ADX: () => new ts.ADX(14).updates(candles),
    STOCH: () => new ts.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }).updates(candles),
  };
  for (const [name] of CASES) results[name]['trading-signals'] = time(run[name], 2);
} catch (e) {
  console.error(`trading-signals unavailable: ${e.message}`);
}

// 4. stratlab native.
if (!argv.includes('--no-native')) {
  try {
    const out = execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_indicators', '--', String(BARS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const native = JSON.parse(out.trim().split('\n').pop());
    for (const [name] of CASES) results[name].native = native.ms[name];
  } catch (e) {
    console.error(`native run failed: ${e.message}`);
  }
}

// 5. stratlab wasm in headless Chromium, in a dedicated worker.
if (!argv.includes('--no-browser')) {
  try {
    const { runInChromium } = await import('./_browser.mjs');
    const source = `
      ${synth.toString()}
      ${median.toString()}
      ${time.toString()}
      export default async function (origin) {
        const m = await import(origin + 'pkg/single/stratlab.js');
        await m.default();
        const data = synth(${BARS});
        const cases = ${JSON.stringify(CASES)};
        const out = {};
        for (const [name, params] of cases) {
          m.indicator(name, data, params);
          out[name] = time(() => m.indicator(name, data, params), 5);
        }
        return out;
      }`;
    const browser = await runInChromium(source, { worker: true });
    for (const [name] of CASES) results[name]['wasm-chromium'] = browser[name];
  } catch (e) {
    console.error(`browser run failed: ${e.message}`);
  }
}

// Table: ms per implementation, then ratios (how many times faster stratlab wasm-node is).
const impls = ['wasm-node', 'wasm-node-ohlcv', 'wasm-chromium', 'native', 'technicalindicators', 'trading-signals'];
const fmt = (x) => (x === undefined ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(0));
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : (a / b).toFixed(1) + '×');
console.log(`indicators on ${BARS.toLocaleString('en-US')} bars: milliseconds (median)`);
console.log(['indicator', ...impls, 'TI / wasm', 'TS / wasm', 'wasm / native'].join(' | '));
const geo = { ti: [], ts: [], nat: [] };
for (const [name] of CASES) {
  const r = results[name];
  if (r.technicalindicators) geo.ti.push(r.technicalindicators / r['wasm-node']);
  if (r['trading-signals']) geo.ts.push(r['trading-signals'] / r['wasm-node']);
  if (r.native) geo.nat.push(r['wasm-node'] / r.native);
  console.log([name, ...impls.map((i) => fmt(r[i])), ratio(r.technicalindicators, r['wasm-node']),
    ratio(r['trading-signals'], r['wasm-node']), ratio(r['wasm-node'], r.native)].join(' | '));
}
const gmean = (xs) => (xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : NaN);
console.log(`geometric mean: stratlab wasm is ${gmean(geo.ti).toFixed(1)}× faster than technicalindicators, ` +
  `${gmean(geo.ts).toFixed(1)}× faster than trading-signals, and ${gmean(geo.nat).toFixed(2)}× native time`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/indicators.json', JSON.stringify({ bars: BARS, results }, null, 2) + '\n');
