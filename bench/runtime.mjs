// Dispatcher throughput: 100,000 trivial async tasks at concurrency 16 through stratlab's
// Dispatcher and through p-queue, same process, same tasks, rounds interleaved. Prints JSON then
// a text table. The same measurement runs in headless Chromium via bench/runtime-browser.mjs.
// Usage: node bench/runtime.mjs [--tasks N] [--concurrency C] [--runs R]
// Event-loop lag: bench/runtime-lag.mjs (Node) and bench/runtime-browser.mjs (headless Chromium).
import PQueue from 'p-queue';
import { measureThroughput, printThroughput } from './runtime-lag.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const r = await measureThroughput({ tasks: arg('tasks', 100_000), concurrency: arg('concurrency', 16), runs: arg('runs', 7), PQueue });
printThroughput(r);
