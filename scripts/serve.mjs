#!/usr/bin/env node
// Serves the dashboard (www/) and the package (pkg/ at /pkg/) on 127.0.0.1 with the
// cross-origin isolation headers the threaded build needs, plus GET /health.
// Usage: node scripts/serve.mjs [--port 8080] [--host 127.0.0.1]
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ts': 'text/plain; charset=utf-8',
};
const MOUNTS = [['/pkg/', join(root, 'pkg')], ['/', join(root, 'www')]];

export function parseArgs(argv) {
  const opts = { port: 8080, host: '127.0.0.1', portGiven: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = inline ?? argv[++i];
    if (flag === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1024 || port > 65535) {
        throw new Error(`--port must be an integer between 1024 and 65535 (got '${value}')`);
      }
      opts.port = port;
      opts.portGiven = true;
    } else if (flag === '--host') {
      if (!value) throw new Error('--host needs a value such as 127.0.0.1');
      opts.host = value;
    } else {
      throw new Error(`unknown option '${argv[i]}' (known: --port N, --host ADDR)`);
    }
  }
  return opts;
}

function resolveFile(urlPath) {
  for (const [prefix, dir] of MOUNTS) {
    if (!urlPath.startsWith(prefix)) continue;
    let rel = decodeURIComponent(urlPath.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(dir, rel));
    if (!file.startsWith(dir + sep) && file !== dir) return null; // no escaping the mount
    return file;
  }
  return null;
}

/** `isolated: false` drops the isolation headers (to see the thread-less fallback). */
export function createApp({ isolated = true } = {}) {
  const started = Date.now();
  return createServer((req, res) => {
    // Cross-origin isolation: required for SharedArrayBuffer and the threaded build.
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    }
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', version, uptime: (Date.now() - started) / 1000, pkgBuilt: existsSync(join(root, 'pkg', 'index.js')) }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveFile(url.pathname);
    let stat;
    try { stat = file && statSync(file); } catch { stat = null; }
    if (!stat || !stat.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
}

/** Listens on `port`, or the next free port when it is busy (up to 50 tries). */
export function listen(server, host, port, tries = 50) {
  return new Promise((resolvePort, reject) => {
    const attempt = (p, left) => {
      const onError = (err) => {
        server.off('listening', onListening);
        if (err.code === 'EADDRINUSE' && left > 0 && p < 65535) {
          console.error(`port ${p} is busy, trying ${p + 1}`);
          attempt(p + 1, left - 1);
        } else if (err.code === 'EADDRINUSE') {
          reject(new Error(`ports ${port}..${p} are all busy; pass --port with a free port`));
        } else {
          reject(err);
        }
      };
      const onListening = () => { server.off('error', onError); resolvePort(server.address().port); };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(p, host);
    };
    attempt(port, tries);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  if (!existsSync(join(root, 'pkg', 'index.js'))) console.error('warning: pkg/ is not built yet; run `npm run build` (npm start does it)');
  const server = createApp();
  listen(server, opts.host, opts.port).then((port) => {
    console.log(`stratlab dashboard: http://${opts.host}:${port}/`);
  }, (e) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  });
}
