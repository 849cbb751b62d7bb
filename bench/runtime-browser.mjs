// Runs bench/runtime-lag.html in headless Chromium (Debian's, via playwright-core) and prints
// the event-loop lag while 500 tasks run. Needs pkg/ built (npm run build).
// Usage: node bench/runtime-browser.mjs [--tasks 500] [--ms 3000]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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
  await page.goto(`http://127.0.0.1:${port}/bench/runtime-lag.html?tasks=${arg('tasks', 500)}&ms=${arg('ms', 3000)}&workUs=${arg('workUs', 0)}&sleep=${arg('sleep', '5-15')}&runners=${arg('runners', 'plain,stratlab,p-queue')}`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 120_000 });
  const rs = await page.evaluate(() => window.__result);
  if (rs.error) throw new Error(rs.error);
  console.log(JSON.stringify({ bench: 'runtime-lag', date: new Date().toISOString(), results: rs }, null, 2));
  const r0 = rs[0];
  console.log(`\nevent-loop lag, ${r0.tasks} concurrent tasks, timers ${r0.sleepMs.join('-')} ms, ${r0.workUs} us sync work per task (${r0.runtime})`);
  console.log('runner        p50 ms   p95 ms   p99 ms   max ms   tasks/s');
  for (const r of rs) {
    console.log(`${r.runner.padEnd(12)} ${String(r.p50).padStart(7)} ${String(r.p95).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.max).padStart(8)} ${String(r.tasksPerSec).padStart(9)}`);
  }
} finally {
  await browser.close();
  server.close();
}
