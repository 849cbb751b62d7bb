// The cooperative runtime as an npm consumer sees it, on Node's real event loop and timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher, Scheduler, PerformanceMonitor, ServiceContainer } from 'stratlab';

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
});

function accounted(m) {
  const c = m.counts;
  return m.submitted === c.completed + c.failed + c.timedOut + c.cancelled + c.dropped + c.queued + c.running;
}

test('submit, result, status and metrics', async () => {
  const d = new Dispatcher({ maxConcurrent: 2 });
  const id = d.submit('double', async (signal) => { assert.ok(signal instanceof AbortSignal); await sleep(5); return 21 * 2; });
  assert.equal(typeof id, 'number');
  assert.equal(d.status(id), 'running');
  assert.equal(await d.result(id), 42);
  assert.equal(d.status(id), 'completed');
  assert.equal(d.status(999), undefined);
  const m = d.metrics();
  assert.equal(m.counts.completed, 1);
  assert.equal(m.byName.double.completed, 1);
  assert.ok(m.runTime.max >= 4, `runTime.max ${m.runTime.max}`);
  assert.ok(accounted(m));
  const info = d.info(id);
  assert.equal(info.name, 'double');
  assert.equal(info.attempts, 1);
});

test('priority order and concurrency limit', async () => {
  const d = new Dispatcher({ maxConcurrent: 2 });
  const order = [];
  let live = 0, peak = 0;
  d.pause();
  for (const [v, p] of [[1, 0], [2, 5], [3, 0], [4, 9], [5, 5]]) {
    d.submit('p', async () => {
      live++; peak = Math.max(peak, live); order.push(v);
      assert.ok(d.metrics().counts.running <= 2);
      await sleep(3); live--; return v;
    }, { priority: p });
  }
  d.resume();
  await d.onIdle();
  assert.deepEqual(order, [4, 2, 5, 1, 3]);
  assert.equal(peak, 2);
});

test('queue full: reject policy throws QUEUE_FULL', async () => {
  const d = new Dispatcher({ maxConcurrent: 1, maxQueue: 1 });
  d.submit('a', () => sleep(5));
  d.submit('a', () => sleep(5));
  assert.throws(() => d.submit('a', () => sleep(5)), (e) => e.code === 'QUEUE_FULL' && e.name === 'QueueFullError' && e.details.maxQueue === 1);
  const m = d.metrics();
  assert.equal(m.rejected, 1);
  assert.equal(m.submitted, 2);
  await d.onIdle();
});

test('queue full: drop_lowest rejects the dropped task with a clear error', async () => {
  const d = new Dispatcher({ maxConcurrent: 1, maxQueue: 1, overflow: 'drop_lowest' });
  d.submit('run', () => sleep(5));
  const low = d.submit('low', () => sleep(1), { priority: 0 });
  const lowResult = d.result(low);
  const high = d.submit('high', async () => 'high', { priority: 1 });
  await assert.rejects(lowResult, (e) => e.code === 'QUEUE_FULL' && /dropped/.test(e.message) && e.details.policy === 'drop_lowest');
  assert.equal(d.status(low), 'dropped');
  assert.equal(await d.result(high), 'high');
  assert.equal(d.failedSummary().byClass.dropped, 1);
});

test('timeout fires the AbortSignal so the work really stops', async () => {
  const d = new Dispatcher({ maxConcurrent: 1 });
  let stoppedWith = null;
  let finishedWork = false;
  const id = d.submit('slow', async (signal) => {
    try { await sleep(500, signal); finishedWork = true; } catch (e) { stoppedWith = e; throw e; }
  }, { timeoutMs: 20 });
  await assert.rejects(d.result(id), (e) => e.code === 'TIMEOUT' && e.name === 'TimeoutError' && e.details.timeoutMs === 20);
  assert.equal(d.status(id), 'timed_out');
  assert.equal(stoppedWith?.code, 'TIMEOUT', 'signal.reason is a typed TIMEOUT error');
  await sleep(30);
  assert.equal(finishedWork, false);
  assert.equal(d.failedSummary().byClass.timeout, 1);
});

test('cancel aborts a running task and rejects its result with CANCELLED', async () => {
  const d = new Dispatcher({ maxConcurrent: 1 });
  let aborted = false;
  const id = d.submit('c', (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => { aborted = true; reject(signal.reason); })));
  const queued = d.submit('q', async () => 1);
  const r = d.result(id);
  assert.equal(d.cancel(queued), true);
  assert.equal(d.cancel(id), true);
  assert.equal(aborted, true);
  assert.equal(d.cancel(id), false);
  await assert.rejects(r, (e) => e.code === 'CANCELLED');
  assert.equal(d.status(queued), 'cancelled');
  assert.ok(accounted(d.metrics()));
});

test('retries with backoff, then success; exhausted retries fail with TASK_FAILED and cause', async () => {
  const d = new Dispatcher({ maxConcurrent: 1, maxRetries: 2, retryDelayMs: 5, seed: 1 });
  let n = 0;
  const id = d.submit('flaky', async () => { if (++n < 3) throw new Error(`attempt ${n}`); return n; });
  assert.equal(await d.result(id), 3);
  const bad = d.submit('bad', () => { throw new RangeError('always'); }, { maxRetries: 1 });
  await assert.rejects(d.result(bad), (e) => e.code === 'TASK_FAILED' && e.cause instanceof RangeError && e.details.attempts === 2);
  const m = d.metrics();
  assert.equal(m.retries, 3);
  assert.equal(m.counts.failed, 1);
});

test('result({timeoutMs}) gives up without cancelling the task', async () => {
  const d = new Dispatcher({});
  const id = d.submit('slow', () => sleep(40).then(() => 'late'));
  await assert.rejects(d.result(id, { timeoutMs: 5 }), (e) => e.code === 'TIMEOUT' && e.details.reason === 'result_wait');
  assert.equal(await d.result(id), 'late');
});

test('jobs may call back into the dispatcher synchronously', async () => {
  const d = new Dispatcher({ maxConcurrent: 1 });
  let child;
  const parent = d.submit('parent', () => { child = d.submit('child', async () => 'c'); d.metrics(); return 'p'; });
  let self;
  self = d.submit('self-cancel', () => { d.cancel(self); return sleep(50); });
  assert.equal(await d.result(parent), 'p');
  assert.equal(await d.result(child), 'c');
  await assert.rejects(d.result(self), (e) => e.code === 'CANCELLED');
});

test('shutdown: graceful drains, the deadline cancels the rest, submit is refused after', async () => {
  const d = new Dispatcher({ maxConcurrent: 1 });
  const fast = d.submit('fast', () => sleep(2));
  const hung = d.submit('hung', (signal) => sleep(10_000, signal));
  const final = await d.shutdown({ graceful: true, deadlineMs: 30 });
  assert.equal(d.status(fast), 'completed');
  assert.equal(d.status(hung), 'cancelled');
  assert.equal(final.shutDown, true);
  assert.ok(accounted(final));
  assert.throws(() => d.submit('late', async () => 1), (e) => e.code === 'CANCELLED');
});

test('clearCompleted and the bounded reporter', async () => {
  const d = new Dispatcher({ reporterSize: 3, maxConcurrent: 4 });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(d.submit('r', async () => i));
  await d.onIdle();
  assert.equal(d.metrics().reporter.size, 3);
  await assert.rejects(d.result(ids[0]), (e) => e.code === 'RESULT_EVICTED' && /evicted/.test(e.message));
  assert.equal(await d.result(ids[4]), 4);
  assert.equal(d.clearCompleted(0), 3);
  assert.equal(d.metrics().counts.completed, 5);
});

test('invariant under a storm of failures, hangs, cancels and overflow (real timers)', async () => {
  const d = new Dispatcher({ maxConcurrent: 16, maxQueue: 64, overflow: 'drop_lowest', defaultTimeoutMs: 15, maxRetries: 1, retryDelayMs: 1 });
  const ids = [];
  let violations = 0;
  const check = () => { if (!accounted(d.metrics())) violations++; };
  for (let i = 0; i < 2000; i++) {
    const k = i % 10;
    ids.push(d.submit('storm', async (signal) => {
      check();
      if (k < 6) return i;
      if (k < 8) throw new Error('injected');
      return sleep(1000, signal); // hang until the timeout aborts it
    }, { priority: i % 3 }));
    if (i % 50 === 0) d.cancel(ids[i >> 1]);
    if (i % 100 === 0) { check(); await sleep(1); }
  }
  await d.onIdle();
  const m = d.metrics();
  assert.equal(violations, 0);
  assert.ok(accounted(m));
  assert.equal(m.counts.queued + m.counts.running, 0);
  assert.equal(m.submitted, 2000);
  assert.ok(m.counts.dropped > 0 && m.counts.timedOut > 0 && m.counts.failed > 0 && m.counts.completed > 0);
});

test('invalid options are refused with INVALID_PARAMETER', () => {
  assert.throws(() => new Dispatcher({ maxConcurrent: 0 }), (e) => e.code === 'INVALID_PARAMETER');
  assert.throws(() => new Dispatcher({ overflow: 'drop_oldest' }), (e) => e.code === 'INVALID_PARAMETER');
  assert.throws(() => new Dispatcher({ maxConcurency: 3 }), (e) => e.code === 'INVALID_PARAMETER' && e.details.parameter === 'maxConcurency');
  const d = new Dispatcher({ maxQueue: Infinity });
  assert.throws(() => d.submit('x', async () => 1, { timeoutMs: -5 }), (e) => e.code === 'INVALID_PARAMETER');
  assert.throws(() => d.submit('x', async () => 1, { priority: 1.5 }), (e) => e.code === 'INVALID_PARAMETER');
  assert.throws(() => d.submit('x', async () => 1, { timeout: 5 }), (e) => e.code === 'INVALID_PARAMETER');
});

test('Scheduler: interval runs through the dispatcher, never overlapping', async () => {
  const d = new Dispatcher({ maxConcurrent: 4 });
  const s = new Scheduler(d, {});
  let live = 0, peak = 0, runs = 0;
  const id = s.addJob('tick', async () => { live++; peak = Math.max(peak, live); runs++; await sleep(35); live--; }, { everyMs: 10 }, { missed: 'skip' });
  assert.throws(() => s.addJob('bad', async () => {}, { daily: '25:00' }), (e) => e.code === 'INVALID_PARAMETER');
  s.start();
  assert.ok(s.isStarted);
  await sleep(150);
  s.stop();
  await d.onIdle();
  const j = s.job(id);
  assert.ok(runs >= 2, `runs ${runs}`);
  assert.equal(peak, 1);
  assert.ok(j.skippedOverlap > 0);
  assert.equal(j.completed, runs);
  assert.equal(d.metrics().byName.tick.completed, runs);
  assert.ok(s.timerLag().count > 0);
  assert.equal(j.nextRunAt, undefined);
});

test('Scheduler: daily and weekly jobs are armed at the next UTC wall time', () => {
  const d = new Dispatcher({});
  const s = new Scheduler(d, { graceMs: 500 });
  const daily = s.addJob('daily', async () => {}, { daily: '00:00' });
  const weekly = s.addJob('weekly', async () => {}, { weekly: 'mon 12:30' });
  s.start();
  const next = s.job(daily).nextRunAt;
  const midnight = new Date(); midnight.setUTCHours(24, 0, 0, 0);
  assert.equal(next, midnight.getTime());
  const w = new Date(s.job(weekly).nextRunAt);
  assert.equal(w.getUTCDay(), 1);
  assert.equal(w.getUTCHours(), 12);
  assert.equal(w.getUTCMinutes(), 30);
  s.stop();
  assert.equal(s.removeJob(daily), true);
});

test('PerformanceMonitor: track sync and async, lastN, summary, prometheus, clear', async () => {
  const m = new PerformanceMonitor({ capacity: 10 });
  assert.equal(m.track('sync', () => 5), 5);
  assert.throws(() => m.track('sync', () => { throw new Error('boom'); }), /boom/);
  assert.equal(await m.track('async', async () => { await sleep(10); return 'ok'; }), 'ok');
  // A user's exception comes back typed, with the original as `cause`.
  await assert.rejects(m.track('async', async () => { throw new TypeError('nope'); }), (e) => typeof e.code === 'string' && e.cause instanceof TypeError);
  m.record('manual', 12.5, true);
  const s = m.summary();
  assert.equal(s.total, 5);
  assert.equal(s.failures, 2);
  assert.equal(s.successRate, 0.6);
  const a = m.summary('async');
  assert.ok(a.maxMs >= 9, `maxMs ${a.maxMs}`);
  const last = m.lastN(2);
  assert.deepEqual(last.map((r) => r.name), ['async', 'manual']);
  assert.equal(last[0].error, 'nope');
  const text = m.prometheus();
  assert.match(text, /# TYPE stratlab_operation_duration_seconds summary/);
  assert.match(text, /stratlab_operations_total\{operation="sync",outcome="failure"\} 1/);
  const d = new Dispatcher({});
  await d.result(d.submit('t', async () => 1));
  assert.match(m.prometheusWith(d), /stratlab_tasks_finished_total\{status="completed"\} 1/);
  m.clear();
  assert.equal(m.summary().total, 0);
});

test('PerformanceMonitor: event-loop lag probe sees a blocked loop', async () => {
  const m = new PerformanceMonitor({});
  m.startLagProbe({ intervalMs: 5 });
  await sleep(30);
  const end = performance.now() + 40;
  while (performance.now() < end); // block the loop for 40 ms
  await sleep(30);
  m.stopLagProbe();
  const lag = m.lag();
  assert.equal(lag.running, false);
  assert.ok(lag.samples >= 3, `samples ${lag.samples}`);
  assert.ok(lag.max >= 30, `max lag ${lag.max}`);
  assert.ok(lag.p50 <= lag.p95 && lag.p95 <= lag.max);
});

test('ServiceContainer: services before analyzers, reverse cleanup, failure names the component', async () => {
  const log = [];
  const comp = (name, { failInit = false } = {}) => ({
    async initialize() { log.push(`init ${name}`); if (failInit) throw new Error(`${name} down`); },
    cleanup() { log.push(`cleanup ${name}`); },
  });
  const c = new ServiceContainer();
  c.register('strategy', comp('strategy'), { kind: 'analyzer' });
  c.register('db', comp('db'), { kind: 'service' });
  c.register('feed', comp('feed'));
  assert.throws(() => c.register('db', comp('db')), (e) => e.code === 'INVALID_INPUT');
  assert.deepEqual(await c.initializeAll(), ['db', 'feed', 'strategy']);
  assert.equal(typeof c.get('db').initialize, 'function');
  const report = await c.cleanupAll();
  assert.deepEqual(report.cleaned, ['strategy', 'feed', 'db']);
  assert.deepEqual(log, ['init db', 'init feed', 'init strategy', 'cleanup strategy', 'cleanup feed', 'cleanup db']);

  log.length = 0;
  const f = new ServiceContainer();
  f.register('db', comp('db'));
  f.register('broker', comp('broker', { failInit: true }));
  f.register('strategy', comp('strategy'), { kind: 'analyzer' });
  await assert.rejects(f.initializeAll(), (e) => e.code === 'TASK_FAILED' && e.details.component === 'broker'
    && e.details.cause === 'broker down' && e.details.cleanedUp.join() === 'db');
  assert.deepEqual(log, ['init db', 'init broker', 'cleanup db']);
  assert.deepEqual(f.status().map((s) => s.state), ['stopped', 'failed', 'registered']);
});

test('thenables that call back synchronously are settled asynchronously and not aborted', async () => {
  const d = new Dispatcher({ maxConcurrent: 1 });
  let sig;
  const id = d.submit('thenable', (signal) => { sig = signal; return { then(ok) { ok('sync'); } }; });
  assert.equal(d.status(id), 'running');
  assert.equal(await d.result(id), 'sync');
  assert.equal(sig.aborted, false);
  assert.throws(() => d.submit('not-fn', 42), (e) => e.code === 'INVALID_INPUT');
  const zero = new Dispatcher({ maxConcurrent: 1, maxQueue: 0 });
  zero.submit('a', () => sleep(5));
  assert.throws(() => zero.submit('b', () => sleep(5)), (e) => e.code === 'QUEUE_FULL');
  await zero.onIdle();
  assert.equal(typeof zero.submit('c', async () => 1), 'number');
});

test('Scheduler: a blocked loop makes runs late; skip drops them, catch_up_once runs once', async () => {
  const d = new Dispatcher({ maxConcurrent: 4 });
  const s = new Scheduler(d, { graceMs: 5 });
  const skip = s.addJob('skip', async () => {}, { everyMs: 50 }, { missed: 'skip' });
  const catchUp = s.addJob('catch', async () => {}, { everyMs: 50 }, { missed: 'catch_up_once' });
  s.start();
  await sleep(5);
  const end = performance.now() + 170;
  while (performance.now() < end); // the loop is blocked past three deadlines (50, 100, 150)
  // Let the overdue timers fire (Node's timer clock is stale right after a block).
  for (let i = 0; i < 200 && (s.job(skip).timerLag.count === 0 || s.job(catchUp).timerLag.count === 0); i++) await sleep(1);
  s.stop();
  await d.onIdle();
  const a = s.job(skip);
  const b = s.job(catchUp);
  assert.ok(a.skippedMissed >= 3, `skip: ${JSON.stringify(a)}`);
  assert.equal(a.caughtUp, 0);
  assert.equal(b.caughtUp, 1, `catch_up_once: ${JSON.stringify(b)}`);
  assert.ok(b.skippedMissed >= 2, `catch_up_once collapses the missed deadlines: ${JSON.stringify(b)}`);
  assert.equal(b.runs, a.runs + 1);
  assert.ok(a.timerLag.max >= 100, `lag ${a.timerLag.max}`);
});

test('wrong argument types throw typed errors instead of trapping the module', async () => {
  const d = new Dispatcher({});
  const bad = [
    () => d.submit(5, async () => 1),
    () => d.submit({}, async () => 1),
    () => d.submit('x', 'not a function'),
    () => d.result(-1),
    () => new Scheduler(d, {}).addJob(7, async () => {}, { everyMs: 10 }),
    () => new PerformanceMonitor({}).track(null, () => 1),
    () => new PerformanceMonitor({}).record(1, 2),
    () => new PerformanceMonitor({}).summary(3),
    () => new ServiceContainer().register(1, {}),
  ];
  for (const f of bad) assert.throws(f, (e) => e.code === 'INVALID_INPUT', String(f));
  assert.throws(() => new Scheduler({}, {}));
  assert.throws(() => new PerformanceMonitor({}).prometheusWith({}));
  // The module still works afterwards.
  assert.equal(await d.result(d.submit('ok', async () => 'fine')), 'fine');
});

test('result() before and after completion, many times, on two dispatchers with the same ids', async () => {
  const a = new Dispatcher({});
  const b = new Dispatcher({});
  const ia = a.submit('a', () => sleep(5).then(() => 'from a'));
  const ib = b.submit('b', () => sleep(5).then(() => 'from b'));
  assert.equal(ia, ib, 'ids are per dispatcher');
  const [r1, r2, r3] = await Promise.all([a.result(ia), a.result(ia), b.result(ib)]);
  assert.deepEqual([r1, r2, r3], ['from a', 'from a', 'from b']);
  assert.equal(await a.result(ia), 'from a');
  const bad = a.submit('bad', async () => { throw new SyntaxError('nope'); });
  const p1 = a.result(bad);
  await assert.rejects(p1, (e) => e.code === 'TASK_FAILED' && e.cause instanceof SyntaxError);
  await assert.rejects(a.result(bad), (e) => e.code === 'TASK_FAILED');
});

test('the cap holds until timed-out functions settle; ignored signals are abandoned after the grace period', async () => {
  const d = new Dispatcher({ maxConcurrent: 2, abandonGraceMs: 60 });
  let live = 0; let peak = 0;
  // Honours the signal, but only 15 ms after it fires (cleanup work), like a real fetch teardown.
  const slowToStop = async (signal) => {
    live++; peak = Math.max(peak, live);
    await new Promise((resolve) => signal.addEventListener('abort', () => setTimeout(resolve, 15), { once: true }));
    live--;
  };
  const ids = Array.from({ length: 8 }, () => d.submit('slow', slowToStop, { timeoutMs: 10 }));
  await Promise.allSettled(ids.map((id) => d.result(id)));
  await d.onIdle();
  while (live > 0) await sleep(5);
  assert.equal(peak, 2, `peak ${peak} user functions with maxConcurrent 2`);

  // Ignores the signal entirely: holds the slot for abandonGraceMs, then counts as abandoned
  // (its slot is released then, so later tasks start although it is still running).
  const starts = [];
  const t0 = performance.now();
  const stubborn = async (signal) => { starts.push(performance.now() - t0); await sleep(100); };
  const more = Array.from({ length: 4 }, () => d.submit('stubborn', stubborn, { timeoutMs: 10 }));
  await Promise.allSettled(more.map((id) => d.result(id)));
  assert.equal(starts.length, 4);
  assert.ok(starts[2] >= 65, `third task started at ${starts[2].toFixed(1)} ms, before the grace period ended`);
  const m = d.metrics();
  assert.ok(m.abandoned >= 2, `abandoned ${m.abandoned}`);
  assert.ok(accounted(m));
});

test('per-name metrics are bounded', async () => {
  const d = new Dispatcher({ maxConcurrent: 16, maxTrackedNames: 8 });
  const ids = Array.from({ length: 2000 }, (_, i) => d.submit(`fetch:${i}`, async () => i));
  await Promise.all(ids.map((id) => d.result(id)));
  const m = d.metrics();
  assert.equal(Object.keys(m.byName).length, 9);
  assert.equal(m.byName['(other)'].completed, 2000 - 8);
});
