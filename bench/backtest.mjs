// Backtest speed: stratlab (wasm in Node) vs backtesting.py 0.6.6 (Python, same machine, same
// run) on GOOG: one full SmaCross 10/20 backtest, and the 50-combination optimize grid of
// tests/fixtures/shared/reference/backtest/GOOG_smacross_10_20.optimize.json.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ohlcv, backtest, optimize } from 'stratlab';

const csvPath = fileURLToPath(new URL('../www/data/GOOG.csv', import.meta.url));
const data = Ohlcv.fromCsv(readFileSync(csvPath, 'utf8'));
const config = { strategy: 'SmaCross', n1: 10, n2: 20, cash: 10000, commission: 0.002, finalize_trades: true };
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];

const runs = [];
let stats;
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  stats = backtest(data, config).stats;
  runs.push(performance.now() - t0);
}
const { n1: _n1, n2: _n2, ...common } = config;
const grid = { ...common, space: { n1: { start: 5, stop: 30, step: 5 }, n2: { start: 10, stop: 70, step: 5 } }, constraint: 'n1 < n2', maximize: 'Sharpe Ratio' };
await optimize(data, grid, {});
const gridRuns = [];
let best;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  best = (await optimize(data, grid, {})).best;
  gridRuns.push(performance.now() - t0);
}
// A 10,000-combination grid with a 2 % stop-loss and a 4 % take-profit.
const stopsGrid = { ...common, sl: 0.02, tp: 0.04, space: { n1: { start: 1, stop: 101 }, n2: { start: 2, stop: 201, step: 2 } }, maximize: 'Sharpe Ratio' };
const t0 = performance.now();
await optimize(data, stopsGrid, {});
const stopsMs = performance.now() - t0;
const stopsCombos = 100 * 100; // n1: 1..100, n2: 2, 4, ..., 200 (stops are exclusive)
const ours = { stops_ms: stopsMs, run_ms: median(runs), grid_ms: median(gridRuns), sharpe: stats['Sharpe Ratio'], trades: stats['# Trades'], best: best.params };

let peer = null;
try {
  const out = execFileSync('python3', [fileURLToPath(new URL('./backtest_peer.py', import.meta.url)), csvPath, '5'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  peer = JSON.parse(out.trim().split('\n').at(-1));
} catch (e) {
  console.log(`backtesting.py not available (${e.message.split('\n')[0]}); pip install backtesting==0.6.6 to compare`);
}

console.log(`backtest on GOOG (2,148 daily bars), node ${process.version}`);
console.log('| task | stratlab wasm (Node) ms | backtesting.py 0.6.6 ms | ratio |');
console.log('|---|---:|---:|---:|');
const ratio = (a, b) => (b ? `${(b / a).toFixed(0)}×` : 'n/a');
console.log(`| one SmaCross 10/20 backtest (stats, trades, equity) | ${ours.run_ms.toFixed(3)} | ${peer ? peer.run_ms.toFixed(1) : 'n/a'} | ${ratio(ours.run_ms, peer?.run_ms)} |`);
console.log(`| 50-combination grid, maximize Sharpe | ${ours.grid_ms.toFixed(1)} | ${peer ? peer.grid_ms.toFixed(0) : 'n/a'} | ${ratio(ours.grid_ms, peer?.grid_ms)} |`);
const peerStops = peer?.stops_grid_ms_per_combo ? peer.stops_grid_ms_per_combo * stopsCombos : null;
console.log(`| ${stopsCombos}-combination grid with sl 2 % / tp 4 % (backtesting.py: 100-combination slice, scaled) | ${ours.stops_ms.toFixed(0)} | ${peerStops ? peerStops.toFixed(0) : 'n/a'} | ${ratio(ours.stops_ms, peerStops)} |`);
console.log(`same answers: Sharpe ${ours.sharpe.toFixed(6)} vs ${peer ? peer.sharpe.toFixed(6) : 'n/a'}, trades ${ours.trades} vs ${peer?.trades ?? 'n/a'}, best ${JSON.stringify(ours.best)}`);
