// Event-loop lag while N tasks run concurrently, in browsers and Node. `measureLag()` is what
// bench/runtime-lag.html (headless Chromium) and bench/runtime.mjs call.
// The workload keeps `tasks` tasks in flight for `ms` milliseconds: each task takes an
// AbortSignal, awaits a timer of `sleepMs` (a range), does `workUs` of synchronous work and,
// while time is left, submits its replacement (a re-entrant submit). The same workload runs
// through stratlab's Dispatcher, through p-queue (pass `PQueue`) and with no queue at all
// ('plain': the floor set by the timers and promises themselves).
// The lag probe is the PerformanceMonitor's: a 10 ms timer whose lateness is the time other
// callbacks kept the loop busy.
import { Dispatcher, PerformanceMonitor } from 'stratlab';

// Run directly (`node bench/runtime-lag.mjs [--tasks 500] [--ms 3000] [--sleep 5-15]`), it prints
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
  const ua = globalThis.navigator?.userAgent ?? '';
  const runtime = /Chrome\/[\d.]+/.exec(ua)?.[0] ?? /Firefox\/[\d.]+/.exec(ua)?.[0]
    ?? (globalThis.process?.version ? `Node ${globalThis.process.version}` : ua || 'unknown');
  const r2 = (x) => Math.round(x * 100) / 100;
  return {
    runner, runtime, tasks, sleepMs: [lo, hi], workUs, completed,
    tasksPerSec: Math.round(completed / (elapsed / 1000)),
    samples: lag.samples, p50: r2(lag.p50), p95: r2(lag.p95), p99: r2(lag.p99), max: r2(lag.max),
  };
}

/** Prints a JSON + text table for results of measureLag(). */
export function printLag(results, bench = 'runtime-lag') {
  console.log(JSON.stringify({ bench, date: new Date().toISOString(), results }, null, 2));
  const r0 = results[0];
  console.log(`\nevent-loop lag, ${r0.tasks} concurrent tasks, timers ${r0.sleepMs.join('-')} ms, ${r0.workUs} us sync work per task (${r0.runtime})`);
  console.log('runner        p50 ms   p95 ms   p99 ms   max ms   tasks/s');
  for (const r of results) {
    console.log(`${r.runner.padEnd(12)} ${String(r.p50).padStart(7)} ${String(r.p95).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.max).padStart(8)} ${String(r.tasksPerSec).padStart(9)}`);
  }
}

if (globalThis.process?.argv?.[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
  const { default: PQueue } = await import('p-queue');
  const [lo, hi] = arg('sleep', '5-15').split('-').map(Number);
  const o = { tasks: Number(arg('tasks', 500)), ms: Number(arg('ms', 3000)), workUs: Number(arg('workUs', 0)), sleepMs: [lo, hi], PQueue };
  const results = [];
  for (const runner of ['plain', 'stratlab', 'p-queue']) results.push(await measureLag({ ...o, runner }));
  printLag(results);
}
