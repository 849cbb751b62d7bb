// The edge handler (edge/handler.js) on Node's http: `node edge/node.mjs --port P [--host H]`.
// Adapts http.IncomingMessage → Request and Response → http.ServerResponse; limits from EDGE_* env.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as stratlab from '../pkg/single/stratlab.js';
import { createHandler } from './handler.js';

const root = new URL('../', import.meta.url);

/** An http server answering through `handle(request, env, ctx)`. */
export function createNodeServer(handle, env = process.env) {
  return createServer(async (req, res) => {
    try {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(new URL(req.url, `http://${req.headers.host ?? '127.0.0.1'}`), {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
        body: hasBody ? Readable.toWeb(req) : undefined,
        duplex: 'half',
      });
      const response = await handle(request, env, { clientAddress: req.socket.remoteAddress });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body && req.method !== 'HEAD') {
        for await (const chunk of response.body) res.write(chunk);
      }
      res.end();
      // A body left unread (early 4xx) is drained so the connection stays usable.
      if (hasBody && !req.readableEnded) req.resume();
    } catch (e) {
      // Only reachable for malformed requests Request itself refuses (e.g. a bad header value).
      if (!res.headersSent) {
        res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: 'INVALID_INPUT', message: String(e?.message ?? e), details: {} } }));
      } else res.destroy();
    }
  });
}

export function startNode({ port = 8787, host = '127.0.0.1', env = process.env } = {}) {
  stratlab.initSync({ module: readFileSync(new URL('pkg/single/stratlab_bg.wasm', root)) });
  const sampleCsv = readFileSync(new URL('www/data/GOOG.csv', root), 'utf8');
  const server = createNodeServer(createHandler({ stratlab, sampleCsv }), env);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const server = await startNode({ port: Number(arg('port', 8787)), host: arg('host', '127.0.0.1') });
  const { address, port } = server.address();
  console.log(`stratlab edge (node) on http://${address}:${port}/`);
}
