#!/usr/bin/env node
// Builds pkg/: the thread-less build (stable, --target web), the threaded build (nightly,
// build-std, wasm-bindgen-rayon) and the hand-written loader, as one npm package.
// Usage: node scripts/build.mjs [--single-only] [--dev] [--if-stale] [--no-wasm]
//   --if-stale: skip when pkg/ is newer than every source file (npm start uses it).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateTypes } from './gen-types.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const pkgDir = join(root, 'pkg');
const binDir = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${binDir}:${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const profile = args.has('--dev') ? '--dev' : '--release';

function run(cmd, argv, extraEnv = {}) {
  console.log(`[build] ${cmd} ${argv.join(' ')}`);
  execFileSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
}

/** wasm-bindgen puts `inline_js` snippets under `snippets/<crate>-<hash>/`; a stable path lets
 *  static module lists (edge/config.capnp) name them. */
function stableSnippets(dir) {
  const snippets = join(dir, 'snippets');
  if (!existsSync(snippets)) return;
  for (const name of readdirSync(snippets)) {
    if (!/^stratlab-[0-9a-f]+$/.test(name)) continue;
    rmSync(join(snippets, 'stratlab'), { recursive: true, force: true });
    renameSync(join(snippets, name), join(snippets, 'stratlab'));
    const glue = join(dir, 'stratlab.js');
    // Only the ES import specifiers move; the wasm import-object keys keep the original name.
    const text = readFileSync(glue, 'utf8').split('\n')
      .map((line) => (line.startsWith('import ') ? line.replace(`./snippets/${name}/`, './snippets/stratlab/') : line))
      .join('\n');
    writeFileSync(glue, text);
  }
}

/** wasm-bindgen's glue throws a bare Error when a class argument (an `Ohlcv`) is something
 *  else; give it the project's error shape (name, code, details) like every other error. */
function typedClassErrors(dir) {
  const glue = join(dir, 'stratlab.js');
  const text = readFileSync(glue, 'utf8');
  const from = 'throw new Error(`expected instance of ${klass.name}`);';
  if (!text.includes('function _assertClass')) return;
  if (!text.includes(from)) throw new Error(`${glue}: _assertClass changed shape; update scripts/build.mjs`);
  const to = "throw Object.assign(new Error(`expected an instance of ${klass.name} (build one with ${klass.name}.fromCsv or ${klass.name}.fromColumns)`), { name: 'InvalidInputError', code: 'INVALID_INPUT', details: { expected: klass.name } });";
  writeFileSync(glue, text.replace(from, to));
}

function tidy(dir) {
  stableSnippets(dir);
  typedClassErrors(dir);
  // wasm-pack drops a package.json, README and a '*' .gitignore in each out dir; the
  // top-level package.json describes the whole package instead.
  for (const f of ['.gitignore', 'package.json', 'README.md', 'LICENSE']) rmSync(join(dir, f), { force: true });
}

/** Newest modification time under `path` (files only). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** `class X` (wasm-bindgen classes) vs plain functions. */
const isClass = (v) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

/** pkg/api.js: one guarded export per wasm-bindgen export (union of both builds), bound at
 *  load time to the ONE build the loader chose, so named exports never mix the two. */
async function writeApi() {
  const builds = ['single', 'threads'].filter((b) => existsSync(join(pkgDir, b, 'stratlab.js')));
  const skip = new Set(['default', 'initSync']);
  const names = new Map();
  for (const b of builds) {
    // Read the export list from the glue's text: importing the threaded glue in Node would
    // start wasm-bindgen-rayon's worker bootstrap, which needs a browser `self`.
    const glue = readFileSync(join(pkgDir, b, 'stratlab.js'), 'utf8');
    const found = [];
    for (const m of glue.matchAll(/^export (?:async )?function (\w+)/gm)) found.push([m[1], 'function']);
    for (const m of glue.matchAll(/^export class (\w+)/gm)) found.push([m[1], 'class']);
    for (const m of glue.matchAll(/^export \{([^}]*)\}/gm)) {
      for (const part of m[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/).pop();
        if (name) found.push([name, 'function']);
      }
    }
    for (const [k, t] of found) {
      if (skip.has(k) || k.startsWith('wbg_rayon') || k.startsWith('__')) continue;
      if (!names.has(k) || t === 'class') names.set(k, t);
    }
  }
  const classes = [...names].filter(([, t]) => t === 'class').map(([k]) => k).sort();
  const fns = [...names].filter(([, t]) => t === 'function').map(([k]) => k).sort();
  const lines = [
    '// Generated by scripts/build.mjs from the wasm-bindgen exports of both builds: do not edit.',
    '// Every export calls into the build bound by `bindBuild` (the one the loader chose).',
    "import { guardCall, guardClass, notLoaded } from './guard.js';",
    "import { binding } from './binding.js';",
    '',
    '// Classes are rebound when the loader binds a build (see binding.js, which is not exported).',
    'binding.listeners.push((ns) => {',
    ...classes.map((c) => `  ${c} = guardClass(ns.${c});`),
    '});',
    '',
    'function target(name) {',
    '  if (binding.impl === null) throw notLoaded(name);',
    '  const f = binding.impl[name];',
    "  if (typeof f !== 'function') throw notLoaded(name, binding.name);",
    '  return f;',
    '}',
    '',
    ...classes.map((c) => `export let ${c};`),
    ...fns.map((f) => `export function ${f}(...args) { return guardCall(target('${f}'), '${f}', undefined, args); }`),
    '',
  ];
  writeFileSync(join(pkgDir, 'api.js'), lines.join('\n'));
}

if (args.has('--if-stale')) {
  const built = ['single', 'threads'].every((b) => existsSync(join(pkgDir, b, 'stratlab_bg.wasm')));
  const sources = Math.max(...['src', 'js', 'Cargo.toml', 'Cargo.lock'].map((p) => newest(join(root, p))));
  if (built && newest(join(pkgDir, 'package.json')) > sources) {
    console.log('[build] pkg/ is up to date');
    process.exit(0);
  }
}

mkdirSync(pkgDir, { recursive: true });

// 1. Thread-less build: stable toolchain, loads everywhere. (`--no-wasm` reuses the builds in
// pkg/ and only redoes the JS layer: the loader, api.js and the types.)
if (!args.has('--no-wasm')) run('wasm-pack', ['build', profile, '--target', 'web', '--out-dir', 'pkg/single', '--out-name', 'stratlab', '--no-pack']);
if (!args.has('--no-wasm')) tidy(join(pkgDir, 'single'));

// 2. Threaded build: nightly + build-std + shared memory (flags from TOOLCHAIN.md).
if (!args.has('--single-only') && !args.has('--no-wasm')) {
  const rustflags = [
    '-C target-feature=+atomics,+bulk-memory',
    '-C link-arg=--shared-memory', '-C link-arg=--import-memory',
    '-C link-arg=--max-memory=1073741824',
    '-C link-arg=--export=__wasm_init_tls', '-C link-arg=--export=__tls_size',
    '-C link-arg=--export=__tls_align', '-C link-arg=--export=__tls_base',
  ].join(' ');
  run('rustup', ['run', 'nightly', 'wasm-pack', 'build', profile, '--target', 'web', '--out-dir', 'pkg/threads',
    '--out-name', 'stratlab', '--no-pack', '--', '--features', 'threads,wasm-bindgen-rayon/no-bundler',
    '-Z', 'build-std=panic_abort,std'],
    { RUSTFLAGS: rustflags, CARGO_TARGET_DIR: join(root, 'target-threads') });
  tidy(join(pkgDir, 'threads'));
}

// 3. The loader, types and package.json.
cpSync(join(root, 'js'), pkgDir, { recursive: true });
await writeApi();
// pkg/types/indicators.d.ts: indicator/strategy/statistic types from the Rust declarations.
await generateTypes(pkgDir);
// The optimizer's dedicated Worker ships in the package too (export './worker'); in pkg/ the
// builds sit next to it instead of under ./pkg/.
const workerSrc = readFileSync(join(root, 'www', 'optimize-worker.js'), 'utf8');
const workerPkg = workerSrc.replace('`./pkg/${build}/stratlab.js`', '`./${build}/stratlab.js`');
if (workerPkg === workerSrc) throw new Error('www/optimize-worker.js: module URL pattern not found; update scripts/build.mjs');
writeFileSync(join(pkgDir, 'optimize-worker.js'), workerPkg);
const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))[1];
const manifest = {
  name: 'stratlab',
  version,
  description: 'TA-Lib-exact indicators, backtesting.py-exact backtests, parallel optimization and a cooperative task runtime in one WebAssembly module.',
  type: 'module',
  license: 'MIT',
  main: './index.js',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', node: './node.js', default: './index.js' },
    './single': { types: './single/stratlab.d.ts', default: './single/stratlab.js' },
    './single/stratlab_bg.wasm': './single/stratlab_bg.wasm',
    './threads': { types: './threads/stratlab.d.ts', default: './threads/stratlab.js' },
    './worker': './optimize-worker.js',
    './package.json': './package.json',
  },
  files: ['*.js', '*.d.ts', 'types/', 'single/', 'threads/'],
  sideEffects: false,
};
writeFileSync(join(pkgDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

// 4. Sizes (raw and gzipped) for the README.
for (const build of ['single', 'threads']) {
  const wasm = join(pkgDir, build, 'stratlab_bg.wasm');
  if (!existsSync(wasm)) continue;
  const bytes = readFileSync(wasm);
  console.log(`[build] ${build}: ${(statSync(wasm).size / 1024).toFixed(0)} KB raw, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(0)} KB gzipped`);
}
