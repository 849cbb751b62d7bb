// Seeded fuzzing of every export of the package: functions, class constructors, static methods
// and instance methods, called with malformed and extreme values. Every call must return a
// result or throw/reject a typed Error (string `code`, object `details`), and the module must
// keep working afterwards. Used by tests/js/fuzz.test.mjs (short) and `npm run fuzz` (long).
import * as sl from 'stratlab';

/** mulberry32: a tiny seeded PRNG, so every failing input can be replayed from its seed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CSV = 'time,open,high,low,close,volume\n' + Array.from({ length: 60 }, (_, i) =>
  `${new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)},${10 + i},${11 + i},${9 + i},${10.5 + i},${100 + i}`).join('\n');

function deep(n, arrays) {
  let v = 1;
  for (let i = 0; i < n; i++) v = arrays ? [v] : { x: v };
  return v;
}

/** A generator of awkward values; `pick()` draws one. */
export function values(rand, data) {
  const cyclic = { a: 1 }; cyclic.self = cyclic;
  const throwing = { get close() { throw new Error('getter'); } };
  const proxy = new Proxy({}, { ownKeys() { throw new Error('trap'); } });
  const freed = sl.Ohlcv.fromCsv(CSV); freed.free();
  const n = 60; // CSV's bars (data may have been freed by an earlier call)
  const names = ['SMA', 'MACD', 'BBANDS', 'CDLDOJI', 'MAMA', 'HT_SINE', 'ADD', 'MAVP', 'sma', '', 'NOPE', 'SmaCross', 'RsiReversion'];
  const atoms = [
    () => undefined, () => null, () => NaN, () => Infinity, () => -Infinity, () => -0, () => 0, () => 1, () => -1,
    () => 1e308, () => -1e308, () => 2 ** 31, () => 2 ** 53 + 2, () => 1e15, () => 0.5, () => rand() * 100,
    () => Math.floor(rand() * 400) - 50, () => true, () => '', () => 'garbage', () => 'x'.repeat(70000),
    () => names[Math.floor(rand() * names.length)], () => 1n, () => Symbol('s'), () => () => 1,
    () => [], () => [1, 2, 3], () => new Array(2 ** 28), () => new Float64Array(0), () => new Float64Array(n),
    () => new Float64Array(n - 1), () => Float64Array.from({ length: n }, () => rand() * 100), () => new Int8Array(n),
    () => new BigInt64Array(2), () => ({}), () => cyclic, () => globalThis, () => throwing, () => proxy,
    () => deep(5000, false), () => deep(5000, true), () => data, () => freed, () => new Date(), () => new Map([[1, 2]]),
    () => ({ open: data.open, high: data.high, low: data.low, close: data.close, volume: data.volume }),
    () => ({ strategy: names[Math.floor(rand() * names.length)], n1: 5, n2: 20 }),
    () => ({ strategy: 'SmaCross', space: { n1: { start: 2, stop: 1e6 }, n2: { start: 3, stop: 1e6 } }, maxCombinations: 1e15 }),
    () => ({ timeperiod: Math.floor(rand() * 300) - 10 }), () => ({ timeperiod: 1e9 }), () => ({ matype: 99 }),
    () => CSV, () => CSV.slice(0, Math.floor(rand() * CSV.length)), () => 'time,close\n1,2\n0,3\n',
  ];
  const pick = (depth = 0) => {
    const r = rand();
    if (depth < 2 && r < 0.12) return Array.from({ length: Math.floor(rand() * 4) }, () => pick(depth + 1));
    if (depth < 2 && r < 0.25) {
      const o = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--) o[['close', 'strategy', 'space', 'n1', 'timeperiod', 'rules', 'buy', 'model', 'horizon', 'x'][Math.floor(rand() * 10)]] = pick(depth + 1);
      return o;
    }
    return atoms[Math.floor(rand() * atoms.length)]();
  };
  return pick;
}

const SKIP = new Set(['default', 'load', 'threadsSupported', 'initThreadPool']);
const isClass = (v) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

/** Every callable entry point: [label, (args) => result]. */
export function entryPoints(getData) {
  const eps = [];
  for (const [name, v] of Object.entries(sl)) {
    if (SKIP.has(name) || typeof v !== 'function') continue;
    if (isClass(v)) {
      eps.push([`new ${name}`, (args) => new v(...args)]);
      // The package's classes are guarded subclasses: their methods live up the chain.
      const seen = new Set();
      for (let owner = v; owner && owner !== Function.prototype; owner = Object.getPrototypeOf(owner)) {
        for (const key of Object.getOwnPropertyNames(owner)) {
          if (seen.has(`s:${key}`) || typeof owner[key] !== 'function' || key.startsWith('__') || ['length', 'name', 'prototype'].includes(key)) continue;
          seen.add(`s:${key}`);
          eps.push([`${name}.${key}`, (args) => v[key](...args)]);
        }
      }
      for (let proto = v.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        for (const key of Object.getOwnPropertyNames(proto)) {
          if (key === 'constructor' || seen.has(`p:${key}`)) continue;
          seen.add(`p:${key}`);
          const d = Object.getOwnPropertyDescriptor(proto, key);
          // On a wrong receiver (the data), or on whatever the first argument is.
          if (typeof d.value === 'function') eps.push([`${name}#${key}`, (args) => d.value.apply(args[0] ?? getData(), args.slice(1))]);
          if (d.get) eps.push([`${name}#get ${key}`, (args) => d.get.call(args[0] ?? getData())]);
        }
      }
    } else {
      eps.push([name, (args) => v(...args)]);
    }
  }
  return eps;
}

function check(label, seed, e) {
  if (e instanceof Error && typeof e.code === 'string' && e.details !== null && typeof e.details === 'object') return null;
  return `${label} (seed ${seed}): untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

function stillWorks() {
  const c = sl.catalogue();
  const r = sl.indicator('SMA', { close: new Float64Array([1, 2, 3, 4]) }, { timeperiod: 2 });
  if (!Array.isArray(c) || r.real[3] !== 3.5) throw new Error('the module no longer works');
}

/** Runs `iterations` inputs per entry point; returns {calls, perEntry, failures}. */
export async function runFuzz({ iterations = 200, seed = 1, onlyEntry } = {}) {
  let data = sl.Ohlcv.fromCsv(CSV);
  const failures = [];
  let calls = 0;
  // Entry points read the current `data` through a function, so a call that frees it (e.g.
  // `Ohlcv#free` on it) only costs a fresh copy.
  const eps = entryPoints(() => data).filter(([label]) => !onlyEntry || label === onlyEntry);
  for (const [label, call] of eps) {
    for (let i = 0; i < iterations; i++) {
      if (data.__wbg_ptr === 0) data = sl.Ohlcv.fromCsv(CSV);
      const s = seed * 1_000_003 + i;
      const rand = rng(s);
      const pick = values(rand, data);
      const args = Array.from({ length: Math.floor(rand() * 4) }, () => pick());
      calls++;
      try {
        const r = call(args);
        if (r && typeof r.then === 'function') {
          const settled = await Promise.race([r.then(() => null, (e) => check(label, s, e)), new Promise((res) => setTimeout(() => res('pending'), 2000))]);
          if (settled === 'pending') { /* a long but legal run (e.g. an optimization): fine */ } else if (settled) failures.push(settled);
        }
        if (r && typeof r.free === 'function' && r !== data) r.free();
      } catch (e) {
        const f = check(label, s, e);
        if (f) failures.push(f);
      }
      try {
        if (i % 50 === 49) stillWorks();
      } catch (e) {
        failures.push(`${label} (seed ${s}): module broken afterwards: ${e.message}`);
        return { calls, perEntry: iterations, entries: eps.length, failures };
      }
    }
  }
  stillWorks();
  return { calls, perEntry: iterations, entries: eps.length, failures };
}
