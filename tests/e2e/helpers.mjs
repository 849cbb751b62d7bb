// Shared plumbing for end-to-end tests: the real server, Debian's Chromium via playwright-core.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, listen } from '../../scripts/serve.mjs';

export const RESULTS = new URL('../../test-results/', import.meta.url).pathname;
mkdirSync(RESULTS, { recursive: true });

export async function startServer(options) {
  const server = createApp(options);
  const port = await listen(server, '127.0.0.1', 0);
  return { server, port, url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'stratlab-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1100, height: 900 },
  });
}
