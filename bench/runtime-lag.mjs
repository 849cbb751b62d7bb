// Runtime benchmarks shared by Node and browsers: `measureThroughput()` (bench/runtime.mjs and the
// Chromium page) and `measureLag()` (this file run directly, and the Chromium page).
//
// Event-loop lag while N tasks run concurrently.
// The workload keeps `tasks` tasks in flight for `ms` milliseconds: each task takes an
// AbortSignal, awaits a timer of `sleepMs` (a range), does `workUs` of synchronous work and,
// while time is left, submits its replacement (a re-entrant submit). The same workload runs
// through stratlab's Dispatcher, through p-queue (pass `PQueue`) and with no queue at all
// ('plain': the floor set by the timers and promises themselves).
// The lag probe is the PerformanceMonitor's: a 10 ms timer whose lateness is the time other
// callbacks kept the loop busy.
import { Dispatcher, PerformanceMonitor } from 'stratlab';

// Run directly (`node bench/runtime-lag.mjs [--tasks 500] [--ms 3000] [--sleep 10-100,5-15]`), it prints
// the Node table; imported, it only provides measureLag().

/**
 * @param {{tasks?: number, ms?: number, workUs?: number, sleepMs?: [number, number],
 *          runner?: 'stratlab'|'p-queue'|'plain', PQueue?: any}} [o]
 */
export async function measureLag(o = {}) {
  const tasks = o.tasks ?? 500;
  const ms = o.ms ?? 3000;
  const workUs = o.workUs ?? 0;
  const [lo, hi] = o.sleepMs ?? [5, 15];
  const runner = o.runner ?? 'stratlab';
  const mon = new PerformanceMonitor({});
  const spin = (us) => { if (us <= 0) return; const end = performance.now() + us / 1000; while (performance.now() < end); };
  const t0 = performance.now();
  const stopAt = t0 + ms;
  let n = 0;
  let completed = 0;
  let submit;
  const task = async (signal) => {
    await new Promise((resolve) => setTimeout(resolve, lo + (n++ % (hi - lo + 1))));
    if (signal?.aborted) return 0;
    spin(workUs);
    completed++;
    if (performance.now() < stopAt) submit();
    return 1;
  };
  let done;
  let cleanup = () => {};
  if (runner === 'stratlab') {
    const d = new Dispatcher({ maxConcurrent: tasks, reporterSize: 1000 });
    submit = () => d.submit('lag', task);
    done = () => d.onIdle();
    cleanup = () => d.free();
  } else if (runner === 'p-queue') {
    const q = new o.PQueue({ concurrency: tasks });
    submit = () => { q.add(({ signal } = {}) => task(signal ?? new AbortController().signal)); };
    done = () => q.onIdle();
  } else {
    let live = 0;
    let idle;
    const finished = new Promise((r) => { idle = r; });
    submit = () => {
      live++;
      task(new AbortController().signal).finally(() => { if (--live === 0) idle(); });
    };
    done = () => finished;
  }
  mon.startLagProbe({ intervalMs: 10 });
  for (let i = 0; i < tasks; i++) submit();
  await done();
  const elapsed = performance.now() - t0;
  mon.stopLagProbe();
  const lag = mon.lag();
  cleanup();
  mon.free();
  const runtime = runtimeName();
  const r2 = (x) => Math.round(x * 100) / 100;
  return {
    runner, runtime, tasks, sleepMs: [lo, hi], workUs, completed,
    tasksPerSec: Math.round(completed / (elapsed / 1000)),
    samples: lag.samples, p50: r2(lag.p50), p95: r2(lag.p95), p99: r2(lag.p99), max: r2(lag.max),
  };
}

/**
 * N trivial async tasks at concurrency C through stratlab's Dispatcher and p-queue; rounds
 * interleave the contenders so load changes on a shared machine hit all of them; medians.
 * @param {{tasks?: number, concurrency?: number, runs?: number, PQueue: any}} o
 */
export async function measureThroughput({ tasks: N = 100_000, concurrency: C = 16, runs = 7, PQueue }) {
  const trivial = async () => 1;
  const withSignal = async (signal) => 1; // eslint-disable-line no-unused-vars
  const stratlab = (fn, withResult) => async () => {
    const d = new Dispatcher({ maxConcurrent: C, reporterSize: 1000 });
    const t0 = performance.now();
    if (withResult) {
      const ps = new Array(N);
      for (let i = 0; i < N; i++) ps[i] = d.result(d.submit('t', fn));
      const out = await Promise.all(ps);
      if (out[N - 1] !== 1) throw new Error('bad results');
    } else {
      for (let i = 0; i < N; i++) d.submit('t', fn);
      await d.onIdle();
    }
    const ms = performance.now() - t0;
    if (d.metrics().counts.completed !== N) throw new Error('not every task completed');
    d.free();
    return ms;
  };
  const pqueue = (withResult) => async () => {
    const q = new PQueue({ concurrency: C });
    const t0 = performance.now();
    if (withResult) {
      const ps = new Array(N);
      for (let i = 0; i < N; i++) ps[i] = q.add(trivial);
      const out = await Promise.all(ps);
      if (out[N - 1] !== 1) throw new Error('bad results');
    } else {
      for (let i = 0; i < N; i++) q.add(trivial);
      await q.onIdle();
    }
    return performance.now() - t0;
  };
  // submit() + onIdle(): the dispatcher's own overhead. fn(signal): the task declares the
  // AbortSignal, so an AbortController is made per task (p-queue makes none unless given a signal).
  // + result(): a promise per task, which p-queue's add() always returns.
  const contenders = {
    'stratlab Dispatcher': stratlab(trivial, false),
    'stratlab Dispatcher, fn(signal)': stratlab(withSignal, false),
    'stratlab Dispatcher + result()': stratlab(trivial, true),
    'p-queue': pqueue(false),
    'p-queue + await add()': pqueue(true),
  };
  for (const fn of Object.values(contenders)) await fn(); // warm-up (JIT, wasm tier-up)
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of Object.entries(contenders)) times[name].push(await fn());
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = Object.keys(contenders).map((name) => {
    const ms = median(times[name]);
    return { name, ms: +ms.toFixed(1), tasksPerSec: Math.round(N / (ms / 1000)), usPerTask: +((ms * 1000) / N).toFixed(3) };
  });
  const base = rows.find((r) => r.name === 'p-queue');
  const baseAwait = rows.find((r) => r.name === 'p-queue + await add()');
  for (const r of rows) {
    const ref = r.name.includes('result') || r.name.includes('await') ? baseAwait : base;
    r.vsPQueue = +(r.tasksPerSec / ref.tasksPerSec).toFixed(2);
  }
  return { bench: 'runtime-throughput', runtime: runtimeName(), date: new Date().toISOString(), tasks: N, concurrency: C, runs, rows };
}

function runtimeName() {
  const ua = globalThis.navigator?.userAgent ?? '';
  return /Chrome\/[\d.]+/.exec(ua)?.[0] ?? /Firefox\/[\d.]+/.exec(ua)?.[0]
    ?? (globalThis.process?.version ? `Node ${globalThis.process.version}` : ua || 'unknown');
}

/** Prints a JSON + text table for a measureThroughput() result. */
export function printThroughput(r) {
  console.log(JSON.stringify(r, null, 2));
  console.log(`\n${r.tasks} trivial async tasks, concurrency ${r.concurrency}, median of ${r.runs} interleaved runs (${r.runtime})`);
  console.log('contender                          ms      tasks/s   µs/task  vs p-queue');
  for (const x of r.rows) {
    console.log(`${x.name.padEnd(32)} ${String(x.ms).padStart(8)} ${String(x.tasksPerSec).padStart(11)} ${String(x.usPerTask).padStart(8)} ${String(x.vsPQueue).padStart(9)}x`);
  }
}

/** Prints a JSON + text table for results of measureLag(). */
export function printLag(results, bench = 'runtime-lag') {
  console.log(JSON.stringify({ bench, date: new Date().toISOString(), results }, null, 2));
  const r0 = results[0];
  console.log(`\nevent-loop lag, ${r0.tasks} concurrent tasks, ${r0.workUs} us sync work per task (${r0.runtime})`);
  console.log('timers ms  runner        p50 ms   p95 ms   p99 ms   max ms   tasks/s');
  for (const r of results) {
    console.log(`${r.sleepMs.join('-').padEnd(10)} ${r.runner.padEnd(12)} ${String(r.p50).padStart(7)} ${String(r.p95).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.max).padStart(8)} ${String(r.tasksPerSec).padStart(9)}`);
  }
}

/** The default workloads: I/O-like tasks (10-100 ms timers) and a timer-churn stress (5-15 ms). */
export const DEFAULT_SLEEPS = '10-100,5-15';

if (globalThis.process?.argv?.[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
  const { default: PQueue } = await import('p-queue');
  const base = { tasks: Number(arg('tasks', 500)), ms: Number(arg('ms', 3000)), workUs: Number(arg('workUs', 0)), PQueue };
  const results = [];
  for (const range of arg('sleep', DEFAULT_SLEEPS).split(',')) {
    const sleepMs = range.split('-').map(Number);
    for (const runner of ['plain', 'stratlab', 'p-queue']) results.push(await measureLag({ ...base, sleepMs, runner }));
  }
  printLag(results);
}
