// pkg/ as a published npm package: `npm pack` it, install the tarball into an empty project and
// import it by name there, exactly as a consumer would (no workspace self-reference involved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

test('the packed package installs and works in a fresh project', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratlab-consumer-'));
  execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', dir, '--silent'], { cwd: dir, stdio: 'pipe' });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack produced a tarball');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', `./${tarball}`], { cwd: dir, stdio: 'pipe' });
  copyFileSync(join(root, 'www/data/GOOG.csv'), join(dir, 'GOOG.csv'));
  writeFileSync(join(dir, 'main.js'), `
    import { readFileSync } from 'node:fs';
    import { Ohlcv, indicator, backtest, load } from 'stratlab';
    const d = Ohlcv.fromCsv(readFileSync('GOOG.csv', 'utf8'));
    const { real } = indicator('SMA', { close: d.close }, { timeperiod: 20 });
    const { stats } = backtest(d, { strategy: 'SmaCross', n1: 10, n2: 20, cash: 10000, commission: 0.002, finalize_trades: true });
    const { build } = await load();
    console.log(JSON.stringify({ bars: d.length, sma: real[real.length - 1], trades: stats['# Trades'], build }));
  `);
  const out = JSON.parse(execFileSync('node', ['main.js'], { cwd: dir, encoding: 'utf8' }).trim());
  assert.equal(out.bars, 2148);
  assert.equal(out.trades, 94);
  assert.equal(out.build, 'single');
  const closes = readFileSync(join(dir, 'GOOG.csv'), 'utf8').trim().split('\n').slice(-20).map((r) => Number(r.split(',')[4]));
  assert.ok(Math.abs(out.sma - closes.reduce((a, b) => a + b, 0) / 20) < 1e-9);
  // The types and the worker ship too.
  const files = readdirSync(join(dir, 'node_modules/stratlab'));
  for (const f of ['index.d.ts', 'node.js', 'index.js', 'optimize-worker.js', 'single', 'threads']) assert.ok(files.includes(f), f);
});
