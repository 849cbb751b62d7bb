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
  await page.waitForFunction(() => /threads build \(\d+ threads\)/.test(document.querySelector('[data-testid=build]').textContent));
});

test('indicator panel: RSI computed in wasm, streaming equals batch', async () => {
  await page.waitForFunction(() => document.querySelector('[data-testid=indicator-info]').textContent !== '');
  const info = await page.textContent('[data-testid=indicator-info]');
  assert.match(info, /^RSI: last real = \d+\.\d{4}; streaming matches batch exactly$/);
  await page.selectOption('select[name=indicator]', 'MACD');
  await page.waitForFunction(() => document.querySelector('[data-testid=indicator-info]').textContent.startsWith('MACD'));
  assert.match(await page.textContent('[data-testid=indicator-info]'), /streaming matches batch exactly/);
});

test('backtest panel: SmaCross 10/20 on GOOG shows backtesting.py\'s statistics', async () => {
  const cell = (k) => page.evaluate((k) => [...document.querySelectorAll('[data-testid=backtest-stats] tr')]
    .find((tr) => tr.firstChild.textContent === k)?.lastChild.textContent, k);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=backtest-stats] tr').length > 0);
  assert.equal(await cell('# Trades'), '94');          // reference/backtest/GOOG_smacross_10_20.stats.json
  assert.equal(await cell('Sharpe Ratio'), '0.5969');
  assert.equal(await cell('Return [%]'), '455.7451');
});

test('signals panel: watchlist latest signals and a weighted-vote merge', async () => {
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=watchlist] tr').length === 3);
  const symbols = await page.$$eval('[data-testid=watchlist] tr td:first-child', (tds) => tds.map((t) => t.textContent).sort());
  assert.deepEqual(symbols, ['EURUSD', 'GOOG']);
  const signals = await page.$$eval('[data-testid=watchlist] tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
  for (const s of signals) assert.match(s, /^(BUY|SELL|HOLD)$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=merged]').textContent !== '');
  assert.match(await page.textContent('[data-testid=merged]'),
    /^GOOG: SmaCross×2 \+ RSI \+ MACD weighted vote over 2,148 bars → \d+ BUY, \d+ SELL; latest (BUY|SELL|HOLD) \(confidence [01]\.\d\d\)$/);
});

test('optimize panel: grid in the Worker with progress, golden best parameters', async () => {
  await page.click('#optimize button[type=submit]');
  await page.waitForSelector('[data-testid=optimize-status][data-done=true]', { timeout: 120_000 });
  const status = await page.textContent('[data-testid=optimize-status]');
  // reference/backtest/GOOG_smacross_10_20.optimize.json: best n1=10, n2=35, Sharpe 0.67576...
  assert.match(status, /^best \{"n1":10,"n2":35\} → Sharpe Ratio 0\.6758; 50 combinations in [\d.]+ s on the threads build \(\d+ threads\)$/);
  assert.equal(await page.evaluate(() => document.querySelector('#optimize progress').value), 50);
  await page.screenshot({ path: `${RESULTS}dashboard-optimized.png`, fullPage: true });
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
