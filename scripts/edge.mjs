// `npm run edge -- --port P [--runtime workerd|deno|node] [--host 127.0.0.1]`: starts the edge
// handler (edge/handler.js) in the chosen runtime, waits for GET /health and prints the URL.
// EDGE_* environment variables (docs/edge.md) set the limits in every runtime; for workerd they
// become text bindings of a config written to a temp directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const RUNTIMES = ['workerd', 'deno', 'node'];

function parseArgs(argv) {
  const opts = { port: 8787, runtime: 'workerd', host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = inline ?? argv[++i];
    if (flag === '--port') opts.port = Number(value);
    else if (flag === '--runtime') opts.runtime = value;
    else if (flag === '--host') opts.host = value;
    else throw new Error(`unknown option ${argv[i]} (use --port P [--runtime workerd|deno|node] [--host H])`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new Error(`bad --port ${opts.port}`);
  if (!RUNTIMES.includes(opts.runtime)) throw new Error(`--runtime must be one of ${RUNTIMES.join(', ')}`);
  return opts;
}

const capnpString = (s) => JSON.stringify(String(s)); // capnp text literals use JSON's escapes

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A workerd config for a file in `dir` (workerd embeds only relative paths), with every
 *  wasm-bindgen snippet and EDGE_* bindings. */
export function workerdConfig(dir, env = process.env) {
  const modules = [
    ['edge/worker.js', 'esModule'],
    ['edge/handler.js', 'esModule'],
    ['pkg/single/stratlab.js', 'esModule'],
    ...filesUnder(join(root, 'pkg/single/snippets')).filter((f) => f.endsWith('.js')).map((f) => [relative(root, f), 'esModule']),
    ['pkg/single/stratlab_bg.wasm', 'wasm'],
    ['www/data/GOOG.csv', 'text'],
  ].map(([name, kind]) => `(name = ${capnpString(name)}, ${kind} = embed ${capnpString(relative(dir, join(root, name)))})`);
  const bindings = Object.entries(env).filter(([k]) => /^EDGE_[A-Z_]+$/.test(k))
    .map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .stratlabWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);
const stratlabWorker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  bindings = [ ${bindings.join(', ')} ],
  compatibilityDate = "2025-01-01",
);
`;
}

function command({ runtime, port, host }) {
  if (runtime === 'node') return [process.execPath, ['edge/node.mjs', '--port', String(port), '--host', host]];
  if (runtime === 'deno') {
    return [join(root, 'node_modules/.bin/deno'), ['run', '--quiet', `--allow-net=${host}`, `--allow-read=${root}`, '--allow-env',
      'edge/deno.js', '--port', String(port), '--host', host]];
  }
  // In the git-ignored .cache/ so the embeds can be relative to it.
  mkdirSync(join(root, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, '.cache', 'edge-'));
  const config = join(dir, 'config.capnp');
  writeFileSync(config, workerdConfig(dir));
  return [join(root, 'node_modules/.bin/workerd'), ['serve', config, '--socket-addr', `http=${host}:${port}`], dir];
}

async function waitHealthy(url, child, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}health`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no answer from ${url}health within ${timeoutMs} ms`);
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (!existsSync(join(root, 'pkg/single/stratlab_bg.wasm'))) {
    console.error('pkg/ is missing: run `npm run build` first');
    process.exit(1);
  }
  const [bin, args, tempDir] = command(opts);
  const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', (d) => process.stderr.write(d)); // runner chatter goes to stderr
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    process.exit(code ?? (signal ? 0 : 1));
  });
  const url = `http://${opts.host}:${opts.port}/`;
  try {
    await waitHealthy(url, child);
  } catch (e) {
    console.error(e.message);
    stop();
    return;
  }
  console.log(`stratlab edge (${opts.runtime}) on ${url}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
