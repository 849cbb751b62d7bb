// Runs bench/runtime-lag.html in headless Chromium (Debian's, via playwright-core): Dispatcher
// throughput vs p-queue, and the event-loop lag while 500 tasks run. Needs pkg/ built.
// Usage: node bench/runtime-browser.mjs [--what throughput,lag] [--tasks 500] [--ms 3000]
//        [--sleep 10-100,5-15] [--workUs 0] [--runners plain,stratlab,p-queue] [--n 100000] [--runs 5]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { printLag, printThroughput } from './runtime-lag.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const file = join(root, path);
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/bench/runtime-lag.html?what=${arg('what', 'throughput,lag')}&n=${arg('n', 100000)}&runs=${arg('runs', 5)}&tasks=${arg('tasks', 500)}&ms=${arg('ms', 3000)}&workUs=${arg('workUs', 0)}&sleep=${arg('sleep', '10-100,5-15')}&runners=${arg('runners', 'plain,stratlab,p-queue')}`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 600_000 });
  const rs = await page.evaluate(() => window.__result);
  if (rs.error) throw new Error(rs.error);
  if (rs.throughput) printThroughput(rs.throughput);
  if (rs.lag) printLag(rs.lag, 'runtime-lag-chromium');
} finally {
  await browser.close();
  server.close();
}
