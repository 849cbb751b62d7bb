// stratlab on the edge (Cloudflare Workers / workerd). The request handling lives in
// edge/handler.js (shared with edge/node.mjs and edge/deno.js); routes and limits: docs/edge.md.
// Module names mirror the repository tree, so the same imports resolve under workerd's
// config.capnp and wrangler's bundler.
import wasmModule from '../pkg/single/stratlab_bg.wasm';
import * as stratlab from '../pkg/single/stratlab.js';
import sampleCsv from '../www/data/GOOG.csv';
import { createHandler } from './handler.js';

let handle = null;

export default {
  async fetch(request, env, ctx) {
    // Instantiate on first request: Workers allow no I/O or timers at global scope.
    if (!handle) {
      stratlab.initSync({ module: wasmModule });
      handle = createHandler({ stratlab, sampleCsv });
    }
    return handle(request, env, ctx);
  },
};
