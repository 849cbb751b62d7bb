// The threaded build in headless Chromium, from a dedicated Worker (as the dashboard uses it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchChromium } from './helpers.mjs';

let srv, browser, page;
before(async () => {
  srv = await startServer();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(srv.url);
});
after(async () => { await browser?.close(); await srv?.close(); });

test('rayon pool in a dedicated Worker uses more than one thread and sums correctly', async () => {
  const report = await page.evaluate(async (origin) => {
    const src = `
      import init, { initThreadPool, parallelSumOfSquares, threadCount } from '${origin}pkg/threads/stratlab.js';
      await init();
      await initThreadPool(2);
      const r = parallelSumOfSquares(200000);
      postMessage({ ...r, pool: threadCount(), isolated: self.crossOriginIsolated });`;
    const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    return await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      setTimeout(() => reject(new Error('worker timed out')), 60000);
    });
  }, srv.url);
  const n = 200000n;
  const expected = Number((n - 1n) * n * (2n * n - 1n) / 6n);
  assert.equal(report.isolated, true);
  assert.equal(report.pool, 2);
  assert.equal(report.result, expected);
  assert.ok(report.threads > 1, `expected more than one thread, got ${report.threads}`);
});

test('load() picks the threaded build on a cross-origin isolated page and says so', async () => {
  await page.goto(`${srv.url}health`); // a page that has not called load() yet
  const r = await page.evaluate(async () => {
    const { load } = await import('/pkg/index.js');
    const { build, reason, threads, api } = await load({ threadCount: 2 });
    return { build, reason, threads, sum: api.parallelSumOfSquares(1000).result, pool: api.threadCount() };
  });
  assert.equal(r.build, 'threads');
  assert.match(r.reason, /cross-origin isolated/);
  assert.equal(r.threads, 2);
  assert.equal(r.pool, 2);
  assert.equal(r.sum, 332833500);
});

test('load() falls back to the thread-less build without cross-origin isolation', async () => {
  const plain = await startServer({ isolated: false });
  const p = await browser.newPage();
  try {
    await p.goto(`${plain.url}health`);
    const r = await p.evaluate(async () => {
      const { load } = await import('/pkg/index.js');
      const { build, reason } = await load();
      return { build, reason, isolated: globalThis.crossOriginIsolated };
    });
    assert.equal(r.isolated, false);
    assert.equal(r.build, 'single');
    assert.match(r.reason, /not cross-origin isolated/);
    await p.goto(plain.url);
    await p.waitForSelector('body[data-ready="true"]');
    await p.waitForFunction(() => document.querySelector('[data-testid=build]').textContent === 'single-thread build');
  } finally {
    await p.close();
    await plain.close();
  }
});

test('the packaged Worker (pkg/optimize-worker.js) loads the threaded build next to it', async () => {
  await page.goto(`${srv.url}health`);
  const ready = await page.evaluate(() => new Promise((resolve, reject) => {
    const w = new Worker('/pkg/optimize-worker.js', { type: 'module' });
    w.onmessage = (e) => (e.data.type === 'ready' ? resolve(e.data) : reject(new Error(JSON.stringify(e.data))));
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage({ type: 'init', threads: 2 });
  }));
  assert.deepEqual(ready, { type: 'ready', build: 'threads', threads: 2 });
});
