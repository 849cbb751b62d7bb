// Benchmark: mergeSignals (stratlab wasm on Node) vs a straightforward JS implementation of
// the same rules (Map per timestamp, then sort), on the same data in the same run.
// Usage: node bench/merge.mjs [rows=1000000] [strategies=5] [--no-js]
// Data (seeded, the same every run): `rows` hourly timestamps; "aligned" = every strategy
// has every bar; the other cases give each strategy a signal on ~90% of the bars (random
// gaps, so the union has to be built and counts vary).
import { mergeSignals } from 'stratlab';

const argv = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const SKIP_JS = process.argv.includes('--no-js'); // quick runs while tuning
const ROWS = Number(argv[0] ?? 1_000_000);
const K = Number(argv[1] ?? 5);
const REPEAT = 7;

// xorshift32: reproducible input without a dependency.
let seed = 0x9e3779b9;
const rnd = () => {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
};

const H = 3_600_000;
const T0 = Date.UTC(2020, 0, 1);
const names = Array.from({ length: K }, (_, s) => `strategy_${s}`);
const typed = {};
const plain = {};
for (const name of names) {
  const ts = [];
  const sig = [];
  for (let i = 0; i < ROWS; i++) {
    if (rnd() < 0.9) {
      ts.push(T0 + i * H);
      sig.push(Math.floor(rnd() * 3) - 1);
    }
  }
  typed[name] = { timestamp: Float64Array.from(ts), signal: Int8Array.from(sig) };
  plain[name] = { timestamp: ts, signal: sig.map((s) => (s === 1 ? 'BUY' : s === -1 ? 'SELL' : 'HOLD')) };
}
const weights = Object.fromEntries(names.map((n, i) => [n, 1 + i * 0.5]));
// Aligned: every strategy has a signal on every bar (strategies run on the same series).
const allTs = Float64Array.from({ length: ROWS }, (_, i) => T0 + i * H);
const aligned = Object.fromEntries(names.map((n) => [n, {
  timestamp: allTs,
  signal: Int8Array.from({ length: ROWS }, () => Math.floor(rnd() * 3) - 1),
}]));

// ---- the straightforward JS implementation (same rules as docs/merge.md) -----------------
const CODE = { BUY: 1, SELL: -1, HOLD: 0 };
function jsMerge(outputs, config) {
  const method = config.method ?? 'weighted_vote';
  const w = config.weights ?? {};
  const order = [...(config.priority ?? []), ...Object.keys(outputs).filter((n) => !(config.priority ?? []).includes(n))];
  const rank = Object.fromEntries(order.map((n, i) => [n, i]));
  const byTs = new Map(); // ts → {scores:[sell,hold,buy], count, best, bestRank}
  for (const [name, out] of Object.entries(outputs)) {
    if (!out || !out.timestamp || out.timestamp.length === 0) continue;
    const last = new Map(); // last row wins on duplicate timestamps
    for (let i = 0; i < out.timestamp.length; i++) last.set(out.timestamp[i], i);
    const weight = w[name] ?? 1;
    for (const [t, i] of last) {
      const raw = out.signal[i];
      const s = typeof raw === 'string' ? CODE[raw.trim().toUpperCase()] : raw;
      if (s !== 1 && s !== 0 && s !== -1) throw new Error(`bad signal in ${name} row ${i}`);
      let e = byTs.get(t);
      if (!e) byTs.set(t, (e = { scores: [0, 0, 0], count: 0, best: 0, bestRank: Infinity, used: null }));
      e.count++;
      e.scores[s + 1] += method === 'majority' ? 1 : weight;
      if (rank[name] < e.bestRank) { e.bestRank = rank[name]; e.best = s; e.used = name; }
    }
  }
  const keys = [...byTs.keys()].sort((a, b) => a - b);
  const n = keys.length;
  const res = { timestamp: new Float64Array(n), signal: new Int8Array(n), confidence: new Float64Array(n), strategy_count: new Uint32Array(n) };
  for (let i = 0; i < n; i++) {
    const e = byTs.get(keys[i]);
    res.timestamp[i] = keys[i];
    res.strategy_count[i] = e.count;
    if (method === 'priority') { res.signal[i] = e.best; res.confidence[i] = 1; continue; }
    const [a, b, c] = e.scores;
    const total = a + b + c;
    const top = Math.max(a, b, c);
    const tol = 1e-9 * total;
    const atTop = (top - a <= tol) + (top - b <= tol) + (top - c <= tol);
    const win = atTop > 1 ? 1 : top === c ? 2 : top === a ? 0 : 1;
    res.signal[i] = win - 1;
    res.confidence[i] = total > 0 ? e.scores[win] / total : 0;
  }
  return res;
}

// Wall time (median) and process CPU time (median): on a shared machine the CPU time is the
// steadier figure; both are printed.
// ---- a hand-optimised JS k-way merge (typed arrays, no Map) -------------------------------
// What a performance-minded JS developer would write. It assumes what this bench's data
// guarantees (each strategy sorted and duplicate-free, numeric signals) and skips the
// validation, sorting and de-duplication stratlab does, so it is a lower bound for JS.
function jsMergeFast(outputs, config) {
  const method = config.method ?? 'weighted_vote';
  const names = Object.keys(outputs).filter((n) => outputs[n] && outputs[n].timestamp && outputs[n].timestamp.length);
  const k = names.length;
  const ts = names.map((n) => outputs[n].timestamp);
  const sig = names.map((n) => outputs[n].signal);
  const w = Float64Array.from(names, (n) => (method === 'majority' ? 1 : config.weights?.[n] ?? 1));
  const prio = config.priority ?? [];
  const rank = Int32Array.from(names, (n, i) => (prio.includes(n) ? prio.indexOf(n) : prio.length + i));
  const cur = new Int32Array(k);
  const cap = ts.reduce((a, t) => a + t.length, 0);
  const oT = new Float64Array(cap), oS = new Int8Array(cap), oC = new Float64Array(cap), oN = new Uint32Array(cap);
  let n = 0;
  for (;;) {
    let t = Infinity;
    for (let s = 0; s < k; s++) if (cur[s] < ts[s].length && ts[s][cur[s]] < t) t = ts[s][cur[s]];
    if (t === Infinity) break;
    let a = 0, b = 0, c = 0, count = 0, best = -1, bestRank = 1e9;
    for (let s = 0; s < k; s++) {
      const i = cur[s];
      if (i < ts[s].length && ts[s][i] === t) {
        const v = sig[s][i];
        if (v < 0) a += w[s]; else if (v > 0) c += w[s]; else b += w[s];
        if (rank[s] < bestRank) { bestRank = rank[s]; best = v; }
        count++;
        cur[s] = i + 1;
      }
    }
    oT[n] = t; oN[n] = count;
    if (method === 'priority') { oS[n] = best; oC[n] = 1; n++; continue; }
    const total = a + b + c, top = Math.max(a, b, c), tol = 1e-9 * total;
    const atTop = (top - a <= tol) + (top - b <= tol) + (top - c <= tol);
    const win = atTop > 1 ? 1 : top === c ? 2 : top === a ? 0 : 1;
    oS[n] = win - 1;
    oC[n] = total > 0 ? (win === 0 ? a : win === 1 ? b : c) / total : 0;
    n++;
  }
  return { timestamp: oT.subarray(0, n), signal: oS.subarray(0, n), confidence: oC.subarray(0, n), strategy_count: oN.subarray(0, n) };
}

function time(fn, repeat = REPEAT) {
  const wall = [];
  const cpu = [];
  let out;
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    out = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { ms: med(wall), cpu: med(cpu), out };
}

function same(a, b) {
  if (a.timestamp.length !== b.timestamp.length) return false;
  for (let i = 0; i < a.timestamp.length; i++) {
    if (a.timestamp[i] !== b.timestamp[i] || Number(a.signal[i]) !== Number(b.signal[i])
      || Math.abs(a.confidence[i] - b.confidence[i]) > 1e-12 || a.strategy_count[i] !== b.strategy_count[i]) return false;
  }
  return true;
}

console.log(`mergeSignals: ${ROWS.toLocaleString('en')} timestamps × ${K} strategies, node ${process.version}, median of ${REPEAT}`);
console.log('| case | stratlab wasm: wall ms (CPU ms) | straightforward JS: wall ms (CPU ms) | ratio wall (CPU) | optimised JS k-way: wall ms | ratio wall |');
console.log('|---|---:|---:|---:|---:|---:|');
const cases = [
  ['weighted_vote, typed, aligned', aligned, { method: 'weighted_vote', weights }],
  ['weighted_vote, typed arrays', typed, { method: 'weighted_vote', weights }],
  ['majority, typed arrays', typed, { method: 'majority' }],
  ['priority, typed arrays', typed, { method: 'priority', priority: [...names].reverse() }],
  ['weighted_vote, string arrays', plain, { method: 'weighted_vote', weights, signal_format: 'number' }],
];
let ok = true;
for (const [label, data, config] of cases) {
  const s = time(() => mergeSignals(data, { signal_format: 'number', ...config }));
  const numeric = data !== plain; // the optimised JS takes numeric signals only
  const f = numeric ? time(() => jsMergeFast(data, config)) : null;
  if (f && !same(s.out, f.out)) { ok = false; console.error(`MISMATCH (optimised JS) in ${label}`); }
  const fast = f ? `${f.ms.toFixed(1)} | ${(f.ms / s.ms).toFixed(2)}×` : '– | –';
  if (SKIP_JS) { console.log(`| ${label} | ${s.ms.toFixed(1)} (${s.cpu.toFixed(1)}) | – | – | ${fast} |`); continue; }
  const j = time(() => jsMerge(data, config), 3);
  if (!same(s.out, j.out)) { ok = false; console.error(`MISMATCH in ${label}`); }
  console.log(`| ${label} | ${s.ms.toFixed(1)} (${s.cpu.toFixed(1)}) | ${j.ms.toFixed(1)} (${j.cpu.toFixed(1)}) | ${(j.ms / s.ms).toFixed(1)}× (${(j.cpu / s.cpu).toFixed(1)}×) | ${fast} |`);
}
const budget = time(() => mergeSignals(aligned, { method: 'weighted_vote', weights }));
console.log(`\n${ROWS.toLocaleString('en')} × ${K} weighted_vote (typed in, aligned, default options): median ${budget.ms.toFixed(1)} ms wall, ${budget.cpu.toFixed(1)} ms CPU (target ≤ 150 ms)`);
if (!ok) process.exit(1);
