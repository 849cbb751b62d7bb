// stratlab on the edge (Cloudflare Workers / workerd). Routes:
//   GET  /health                  → {status, version}
//   GET  /api/v1/sample           → summary of the bundled GOOG sample, computed in wasm
//   POST /api/v1/optimize/batch   → the batch optimization request (see docs/optimize.md)
import wasmModule from './stratlab_bg.wasm';
import * as stratlab from './stratlab.js';
import googCsv from './GOOG.csv';

let ready = false;
function init() {
  // Instantiate on first request: Workers allow no I/O or timers at global scope.
  if (!ready) {
    stratlab.initSync({ module: wasmModule });
    ready = true;
  }
}

const json = (body, status = 200) => new Response(JSON.stringify(body), {
  status, headers: { 'content-type': 'application/json; charset=utf-8' },
});

/** A stratlab error (code/details) as an HTTP error body; 400 for bad input, 500 otherwise. */
function errorResponse(e) {
  const clientCodes = new Set(['INVALID_INPUT', 'INVALID_PARAMETER', 'INVALID_STRATEGY', 'RESOURCE_LIMIT']);
  const status = clientCodes.has(e?.code) ? 400 : e?.code === 'TIMEOUT' ? 504 : 500;
  return json({ error: { code: e?.code ?? 'INTERNAL', message: String(e?.message ?? e), details: e?.details ?? {} } }, status);
}

let sample = null;
function sampleData() {
  sample ??= stratlab.Ohlcv.fromCsv(googCsv);
  return sample;
}

async function handle(request) {
  const url = new URL(request.url);
  if (url.pathname === '/health') return json({ status: 'ok', version: stratlab.buildInfo().version });
  if (url.pathname === '/api/v1/sample' && request.method === 'GET') {
    const data = sampleData();
    const { real } = stratlab.indicator('SMA', { close: data.close }, { timeperiod: 20 });
    return json({ symbol: 'GOOG', ...data.summary(), sma20: real[real.length - 1] });
  }
  if (url.pathname === '/api/v1/optimize/batch') {
    if (request.method !== 'POST') return json({ error: { code: 'INVALID_INPUT', message: 'use POST', details: {} } }, 405);
    let body;
    try { body = await request.json(); } catch {
      return json({ error: { code: 'INVALID_INPUT', message: 'request body must be JSON', details: {} } }, 400);
    }
    if (typeof stratlab.optimizeBatch !== 'function') {
      return json({ error: { code: 'INTERNAL', message: 'optimizeBatch is not in this build', details: {} } }, 501);
    }
    const data = body.data ? stratlab.Ohlcv.fromColumns(body.data) : sampleData();
    const { data: _ignored, ...req } = body;
    return json(await stratlab.optimizeBatch(data, req, {}));
  }
  return json({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${url.pathname}`, details: {} } }, 404);
}

export default {
  async fetch(request) {
    try {
      init();
      return await handle(request);
    } catch (e) {
      return errorResponse(e);
    }
  },
};
