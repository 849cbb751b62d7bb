// The package's types, checked against the built pkg/ (run after `node scripts/build.mjs`):
// a strict compile of a consumer file, no `any` in the shipped declarations, every runtime
// export declared, and the generated names equal to what the wasm module reports.
// Run: npm run test:types (also part of npm test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'pkg');
const typesDir = join(pkg, 'types');

function shippedDeclarations() {
  assert.ok(existsSync(join(pkg, 'index.d.ts')), 'pkg/index.d.ts is missing: run node scripts/build.mjs first');
  assert.ok(existsSync(join(typesDir, 'indicators.d.ts')), 'pkg/types/indicators.d.ts is missing: the build runs scripts/gen-types.mjs');
  const files = [join(pkg, 'index.d.ts'), ...readdirSync(typesDir).filter((f) => f.endsWith('.d.ts')).map((f) => join(typesDir, f))];
  return files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

/** Declaration text without comments and string literals (a doc comment may say "any"). */
function code(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, ' ')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

test('a consumer file type-checks with tsc --strict against pkg/index.d.ts', () => {
  shippedDeclarations();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  assert.ok(existsSync(tsc), 'typescript is not installed: npm install');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tests', 'types', 'tsconfig.json')], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.fail(`tsc --strict failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
});

test('the consumer file proves misuse is rejected (@ts-expect-error lines)', () => {
  const consumer = readFileSync(join(root, 'tests', 'types', 'consumer.ts'), 'utf8');
  const expected = consumer.match(/@ts-expect-error/g) ?? [];
  // tsc fails on an unused @ts-expect-error, so each of these is a rejected misuse.
  for (const what of ['indicator name', 'parameter name', 'statistic', 'misspelt config key', 'not an error code']) {
    assert.ok(consumer.includes(what), `consumer.ts has no @ts-expect-error case for ${what}`);
  }
  assert.ok(expected.length >= 15, `only ${expected.length} @ts-expect-error cases`);
});

test('no `any` in the shipped declarations', () => {
  const hits = [];
  for (const { path, text } of shippedDeclarations()) {
    code(text).split('\n').forEach((line, i) => {
      if (/\bany\b/.test(line)) hits.push(`${path.slice(root.length + 1)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, [], `\`any\` found:\n${hits.join('\n')}`);
});

test('every runtime export of the package is declared in index.d.ts', async (t) => {
  const apiPath = join(pkg, 'api.js');
  if (!existsSync(apiPath)) return t.skip('pkg/api.js not built');
  const api = readFileSync(apiPath, 'utf8');
  const exported = [...api.matchAll(/^export (?:let|function) (\w+)/gm)].map((m) => m[1]).filter((n) => n !== 'bindBuild');
  // The hand-written loaders' own named exports (load, threadsSupported, JS-side classes).
  const loader = [];
  for (const f of ['index.js', 'node.js']) {
    const text = readFileSync(join(pkg, f), 'utf8');
    for (const m of text.matchAll(/^export (?:async )?(?:function|class|const|let) (\w+)/gm)) loader.push(m[1]);
    for (const m of text.matchAll(/^export \{([^}]*)\}/gm)) {
      for (const part of m[1].split(',')) loader.push(part.trim().split(/\s+as\s+/).pop());
    }
  }
  const declared = new Set();
  for (const { text } of shippedDeclarations()) {
    for (const m of code(text).matchAll(/export (?:declare )?(?:function|class|const|let) (\w+)/g)) declared.add(m[1]);
  }
  const missing = [...new Set([...exported, ...loader])].filter((n) => n && n !== 'default' && !declared.has(n));
  assert.deepEqual(missing, [], `exports without a declaration in pkg/index.d.ts: ${missing.join(', ')}`);
});

test('generated indicator, strategy and statistic names equal what the module reports', async (t) => {
  if (!existsSync(join(pkg, 'single', 'stratlab_bg.wasm'))) return t.skip('wasm not built');
  const { declarationsFromPackage, renderTypes } = await import(pathToFileURL(join(root, 'scripts', 'gen-types.mjs')).href);
  const decl = await declarationsFromPackage(pkg);
  const generated = readFileSync(join(typesDir, 'indicators.d.ts'), 'utf8');
  assert.equal(generated, renderTypes(decl), 'pkg/types/indicators.d.ts is stale: rebuild');
  for (const e of decl.catalogue) assert.ok(generated.includes(`'${e.name}'`), `${e.name} missing from IndicatorName`);
  for (const k of Object.keys(decl.stats)) assert.ok(generated.includes(`'${k.replace(/'/g, "\\'")}'`), `${k} missing from StatKey`);
});
