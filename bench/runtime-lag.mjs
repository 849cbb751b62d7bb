// Event-loop lag while N tasks run concurrently through the Dispatcher. Runs in browsers and
// Node: `measureLag()` is what bench/runtime-lag.html (headless Chromium) and bench/runtime.mjs
// call. The lag probe is the PerformanceMonitor's own (setTimeout drift, 10 ms period).
import { Dispatcher, PerformanceMonitor } from 'stratlab';

/**
 * @param {{tasks?: number, ms?: number, workMs?: number, Dispatcher?: any, PerformanceMonitor?: any}} [o]
 * @returns {Promise<{runtime: string, tasks: number, completed: number, samples: number, p50: number, p95: number, max: number}>}
 */
export async function measureLag(o = {}) {
  const D = o.Dispatcher ?? Dispatcher;
  const M = o.PerformanceMonitor ?? PerformanceMonitor;
  const tasks = o.tasks ?? 500;
  const ms = o.ms ?? 2000;
  const workMs = o.workMs ?? 0.05; // a little synchronous work per step, like a real task
  const d = new D({ maxConcurrent: tasks, reporterSize: 1000 });
  const mon = new M({});
  mon.startLagProbe({ intervalMs: 10 });
  const stopAt = performance.now() + ms;
  const spin = (t) => { const end = performance.now() + t; while (performance.now() < end); };
  // Each task: a few awaits on timers with a little sync work in between, until time is up.
  const task = async (signal) => {
    let steps = 0;
    while (performance.now() < stopAt && !signal.aborted) {
      spin(workMs);
      await new Promise((r) => setTimeout(r, 5 + (steps++ % 7)));
    }
    return steps;
  };
  for (let i = 0; i < tasks; i++) d.submit('lag', task);
  await d.onIdle();
  mon.stopLagProbe();
  const lag = mon.lag();
  const completed = d.metrics().counts.completed;
  d.free();
  const runtime = typeof navigator !== 'undefined' && navigator.userAgent ? navigator.userAgent.split(' ').filter((s) => /Chrome|Firefox|Node|Deno/.test(s)).join(' ') || 'browser' : `node ${globalThis.process?.version ?? ''}`;
  return { runtime, tasks, completed, samples: lag.samples, p50: +lag.p50.toFixed(2), p95: +lag.p95.toFixed(2), max: +lag.max.toFixed(2) };
}
