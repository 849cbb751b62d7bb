// Runs a benchmark function inside headless Chromium on a page served by the real server
// (cross-origin isolated, so the threaded build is available). Used by bench/*.mjs.
import { startServer, launchChromium } from '../tests/e2e/helpers.mjs';

/**
 * @param {string} moduleSource ES module source whose default export is an async function
 *   `(origin) => result`; it runs in a dedicated Worker when `worker` is true, else in the page.
 */
export async function runInChromium(moduleSource, { worker = true, timeoutMs = 600_000 } = {}) {
  const srv = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(srv.url + 'health');
    return await page.evaluate(async ({ src, origin, worker, timeoutMs }) => {
      const code = `${src}\n;(async () => { try { postMessage({ ok: await __bench(${JSON.stringify(origin)}) }); } catch (e) { postMessage({ error: String(e && e.stack || e) }); } })();`;
      const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      const result = await new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error('benchmark timed out')), timeoutMs);
        if (worker) {
          const w = new Worker(url, { type: 'module' });
          w.onmessage = (e) => resolve(e.data);
          w.onerror = (e) => reject(new Error(e.message));
        } else {
          globalThis.postMessage = (data) => resolve(data);
          import(url).catch(reject);
        }
      });
      if (result.error) throw new Error(result.error);
      return result.ok;
    }, { src: moduleSource.replace('export default', 'const __bench ='), origin: srv.url, worker, timeoutMs });
  } finally {
    await browser.close();
    await srv.close();
  }
}
