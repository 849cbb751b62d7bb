// Forecast speed: stratlab's forecast() (wasm in Node) vs statsmodels 0.15 (Python, same
// machine, same run): each model's fit + 10-step forecast on the log closes of the first
// 10,000 bars of SYNTH_100K_1H. The peer is bench/forecast_peer.py (python3, or the
// interpreter in $STATSMODELS_PYTHON); without statsmodels the peer column reads n/a.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ohlcv, forecast } from 'stratlab';

const fixtures = fileURLToPath(new URL('../tests/fixtures/shared', import.meta.url));
const csv = gunzipSync(readFileSync(`${fixtures}/data/SYNTH_100K_1H.csv.gz`)).toString('utf8');
const close = Ohlcv.fromCsv(csv).toColumns().close;
const y = Float64Array.from(close.subarray(0, 10_000), Math.log);
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];

// Same cases (and names) as bench/forecast_peer.py.
const cases = {
  naive: { model: 'naive' },
  mean: { model: 'mean' },
  drift: { model: 'drift' },
  seasonal_naive: { model: 'seasonal_naive', m: 24 },
  linear_trend: { model: 'linear_trend' },
  ses_fixed: { model: 'ses', alpha: 0.3 },
  ses_fit: { model: 'ses' },
  holt_fixed: { model: 'holt', alpha: 0.4, beta: 0.1 },
  holt_fit: { model: 'holt' },
  holt_winters_fixed: { model: 'holt_winters', m: 24, alpha: 0.3, beta: 0.05, gamma: 0.2 },
  holt_winters_fit: { model: 'holt_winters', m: 24 },
  theta: { model: 'theta' },
  ar5: { model: 'ar', p: 5 },
};

const ours = {};
for (const [name, config] of Object.entries(cases)) {
  const t0 = performance.now();
  const out = forecast(y, { ...config, horizon: 10 });
  const once = performance.now() - t0;
  const reps = once > 2000 ? 1 : once > 200 ? 3 : once > 10 ? 11 : 51;
  const times = [once];
  for (let i = 1; i < reps; i++) {
    const t = performance.now();
    forecast(y, { ...config, horizon: 10 });
    times.push(performance.now() - t);
  }
  ours[name] = { ms: median(times), sse: out.sse };
}

let peer = null;
try {
  const python = process.env.STATSMODELS_PYTHON ?? 'python3';
  const out = execFileSync(python, [fileURLToPath(new URL('./forecast_peer.py', import.meta.url)), fixtures, '3'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  peer = JSON.parse(out.trim().split('\n').at(-1));
} catch (e) {
  console.log(`statsmodels not available (${e.message.split('\n')[0]}); pip install statsmodels==0.15 to compare`);
}

console.log(`forecast fit + 10-step forecast on 10,000 points (SYNTH_100K_1H log closes), node ${process.version}`);
console.log('| model | stratlab wasm (Node) ms | statsmodels 0.15 ms | ratio | SSE stratlab | SSE statsmodels |');
console.log('|---|---:|---:|---:|---:|---:|');
const fmt = (v, d) => (typeof v === 'number' ? v.toFixed(d) : 'n/a');
for (const [name, r] of Object.entries(ours)) {
  const p = peer?.[name];
  const ratio = p ? `${(p.ms / r.ms).toFixed(1)}×` : 'n/a';
  console.log(`| ${name} | ${fmt(r.ms, 3)} | ${fmt(p?.ms, 3)} | ${ratio} | ${fmt(r.sse, 10)} | ${fmt(p?.sse, 10)} |`);
}
