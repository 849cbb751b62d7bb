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
