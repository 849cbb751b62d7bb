// Dispatcher throughput: 100,000 trivial async tasks at concurrency 16 through stratlab's
// Dispatcher and through p-queue, same process, same tasks. Prints JSON then a text table.
// Usage: node bench/runtime.mjs [--tasks N] [--concurrency C] [--runs R]
import PQueue from 'p-queue';
import { Dispatcher } from 'stratlab';
import { measureLag } from './runtime-lag.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('tasks', 100_000);
const C = arg('concurrency', 16);
const RUNS = arg('runs', 5);
const trivial = async () => 1;

const contenders = {
  // submit() per task, one await of onIdle(): the dispatcher's own overhead.
  'stratlab Dispatcher': async () => {
    const d = new Dispatcher({ maxConcurrent: C, reporterSize: 1000 });
    const t0 = performance.now();
    for (let i = 0; i < N; i++) d.submit('t', trivial);
    await d.onIdle();
    const ms = performance.now() - t0;
    const m = d.metrics();
    if (m.counts.completed !== N) throw new Error(`stratlab completed ${m.counts.completed} of ${N}`);
    d.free();
    return ms;
  },
  // Same, plus a result() promise per task (what p-queue's add() always returns).
  'stratlab Dispatcher + result()': async () => {
    const d = new Dispatcher({ maxConcurrent: C, reporterSize: 1000 });
    const t0 = performance.now();
    const ps = new Array(N);
    for (let i = 0; i < N; i++) ps[i] = d.result(d.submit('t', trivial));
    const out = await Promise.all(ps);
    const ms = performance.now() - t0;
    if (out.length !== N || out[N - 1] !== 1) throw new Error('bad results');
    d.free();
    return ms;
  },
  'p-queue': async () => {
    const q = new PQueue({ concurrency: C });
    const t0 = performance.now();
    for (let i = 0; i < N; i++) q.add(trivial);
    await q.onIdle();
    return performance.now() - t0;
  },
  'p-queue + await add()': async () => {
    const q = new PQueue({ concurrency: C });
    const t0 = performance.now();
    const ps = new Array(N);
    for (let i = 0; i < N; i++) ps[i] = q.add(trivial);
    const out = await Promise.all(ps);
    const ms = performance.now() - t0;
    if (out[N - 1] !== 1) throw new Error('bad results');
    return ms;
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const [name, fn] of Object.entries(contenders)) await fn(); // warm-up (JIT, wasm tier-up)
for (const [name, fn] of Object.entries(contenders)) {
  const times = [];
  for (let r = 0; r < RUNS; r++) times.push(await fn());
  const ms = median(times);
  rows.push({ name, ms: +ms.toFixed(1), tasksPerSec: Math.round(N / (ms / 1000)), usPerTask: +((ms * 1000) / N).toFixed(3) });
}
const base = rows.find((r) => r.name === 'p-queue');
const baseAwait = rows.find((r) => r.name === 'p-queue + await add()');
for (const r of rows) {
  const ref = r.name.includes('result') || r.name.includes('await') ? baseAwait : base;
  r.vsPQueue = +(r.tasksPerSec / ref.tasksPerSec).toFixed(2);
}

const lag = await measureLag({ tasks: 500, ms: 2000 });

const result = {
  bench: 'runtime',
  date: new Date().toISOString(),
  node: process.version,
  tasks: N,
  concurrency: C,
  runs: RUNS,
  throughput: rows,
  eventLoopLag: lag,
};
console.log(JSON.stringify(result, null, 2));
console.log(`\n${N} trivial async tasks, concurrency ${C}, median of ${RUNS} runs (Node ${process.version})`);
console.log('contender                         ms      tasks/s   µs/task  vs p-queue');
for (const r of rows) {
  console.log(`${r.name.padEnd(32)} ${String(r.ms).padStart(7)} ${String(r.tasksPerSec).padStart(11)} ${String(r.usPerTask).padStart(8)} ${String(r.vsPQueue).padStart(9)}x`);
}
console.log(`\nevent-loop lag while ${lag.tasks} tasks run concurrently (${lag.runtime}): p50 ${lag.p50} ms, p95 ${lag.p95} ms, max ${lag.max} ms (${lag.samples} samples)`);
