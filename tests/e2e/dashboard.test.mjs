// The dashboard end to end: the real server, real Chromium, the real wasm module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { startServer, launchChromium, RESULTS } from './helpers.mjs';

let srv, browser, page;
const consoleErrors = [];

before(async () => {
  srv = await startServer();
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(srv.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

test('dashboard shows the GOOG sample loaded through wasm', async () => {
  assert.equal(await page.textContent('[data-testid=bars]'), '2,148');
  assert.equal(await page.textContent('[data-testid=start]'), '2004-08-19');
  assert.equal(await page.textContent('[data-testid=end]'), '2013-03-01');
  assert.equal(await page.textContent('[data-testid=last-close]'), '806.19');
  await page.screenshot({ path: `${RESULTS}dashboard.png`, fullPage: true });
});

test('dashboard runs the threaded build when cross-origin isolated', async () => {
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
  const badge = await page.textContent('[data-testid=build]');
  assert.match(badge, /threads build \(\d+ threads\)/);
});

test('switching to EURUSD updates the facts', async () => {
  await page.selectOption('#symbol', 'EURUSD');
  await page.waitForFunction(() => document.querySelector('[data-testid=bars]').textContent === '5,000');
  assert.equal(await page.textContent('[data-testid=start]'), '2017-04-19 09:00');
  await page.selectOption('#symbol', 'GOOG');
  await page.waitForFunction(() => document.querySelector('[data-testid=bars]').textContent === '2,148');
});

test('no console errors', () => {
  assert.deepEqual(consoleErrors, []);
});

test('GET /health answers JSON with status, version and uptime', async () => {
  const res = await fetch(`${srv.url}health`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.match(body.version, /^\d+\.\d+\.\d+$/);
  assert.equal(typeof body.uptime, 'number');
});

function runServe(args, untilOutput) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/serve.mjs', ...args], { cwd: new URL('../../', import.meta.url).pathname });
    let out = '';
    const done = (code) => { child.kill(); resolve({ code, out }); };
    child.stdout.on('data', (d) => { out += d; if (untilOutput && untilOutput.test(out)) done(null); });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => resolve({ code, out }));
    setTimeout(() => done('timeout'), 10_000);
  });
}

test('launcher validates --port', async () => {
  for (const bad of ['80', '70000', 'abc']) {
    const { code, out } = await runServe(['--port', bad]);
    assert.equal(code, 2, out);
    assert.match(out, /--port must be an integer between 1024 and 65535/);
  }
});

test('launcher moves to the next free port when the port is busy', async () => {
  const blocker = createServer();
  const busy = await new Promise((r) => blocker.listen(0, '127.0.0.1', () => r(blocker.address().port)));
  try {
    const { out } = await runServe(['--port', String(busy)], /dashboard: http/);
    assert.match(out, new RegExp(`port ${busy} is busy, trying ${busy + 1}`));
    assert.match(out, /stratlab dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  } finally {
    blocker.close();
  }
});
