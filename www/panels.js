// Dashboard panels: indicators, backtest and optimization. Each renders into #panels and
// re-runs when the dataset changes (event 'stratlab:data').
import { catalogue, indicator, IndicatorStream, strategies, backtest, Ohlcv, watchlistSignals, strategySignals, mergeSignals } from './pkg/index.js';
import { drawLines, drawHeatmap } from './chart.js';

const el = (tag, attrs = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), attrs);
  for (const c of children) node.append(c);
  return node;
};
const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(4)) : String(v ?? '–'));

function section(id, title) {
  const s = el('section', { id }, el('h2', { textContent: title }));
  document.getElementById('panels').append(s);
  return s;
}

function paramInputs(form, params) {
  form.querySelectorAll('.param').forEach((n) => n.remove());
  for (const p of params) {
    const input = el('input', { name: p.name, type: 'number', value: p.default, step: p.integer || p.kind === 'integer' ? 1 : 'any' });
    form.insertBefore(el('label', { className: 'param', textContent: p.name }, input), form.querySelector('button'));
  }
}

const formParams = (form) => Object.fromEntries([...form.querySelectorAll('.param input')].map((i) => [i.name, Number(i.value)]));

// --- Indicators: any catalogue entry, batch result charted, streaming checked against batch.
export function indicatorsPanel(state, onError) {
  const s = section('indicators', 'Indicators');
  const entries = catalogue();
  const select = el('select', { name: 'indicator', ariaLabel: 'Indicator' }, ...entries.map((e) => el('option', { value: e.name, textContent: `${e.name} (${e.group})` })));
  const form = el('form', { className: 'inline' }, el('label', { textContent: 'Indicator' }, select), el('button', { textContent: 'Compute' }));
  const canvas = el('canvas', { width: 960, height: 200 });
  const info = el('p', { className: 'info' });
  info.dataset.testid = 'indicator-info';
  s.append(form, canvas, info);
  select.value = 'RSI';
  const entryOf = () => entries.find((e) => e.name === select.value);
  paramInputs(form, entryOf().params);
  select.addEventListener('change', () => { paramInputs(form, entryOf().params); run(); });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });

  function run() {
    try {
      const entry = entryOf();
      const d = state.data;
      const inputs = { open: d.open, high: d.high, low: d.low, close: d.close, volume: d.volume };
      const params = formParams(form);
      const out = indicator(entry.name, inputs, params);
      const colors = ['#d4582c', '#2c5fd4', '#1f7a4d'];
      const overlay = entry.group === 'Overlap Studies';
      const lines = entry.outputs.map((name, k) => ({ values: out[name], color: colors[k % 3], label: `${entry.name}.${name}` }));
      drawLines(canvas, overlay ? [{ values: d.close, color: '#999', label: 'close' }, ...lines] : lines);
      // Streaming the same bars must reproduce the batch values exactly.
      const stream = new IndicatorStream(entry.name, params);
      const n = d.length;
      const [o, h, l, c, v] = [d.open, d.high, d.low, d.close, d.volume];
      let last;
      for (let i = 0; i < n; i++) last = stream.update({ open: o[i], high: h[i], low: l[i], close: c[i], volume: v[i] });
      const first = entry.outputs[0];
      const batchLast = out[first][n - 1];
      const same = Object.is(batchLast, last[first]);
      info.textContent = `${entry.name}: last ${first} = ${fmt(batchLast)}; streaming ${same ? 'matches batch exactly' : `differs (${last[first]})`}`;
      stream.free?.();
    } catch (e) { onError(e); }
  }
  document.addEventListener('stratlab:data', run);
  return run;
}

const KEY_STATS = ['Return [%]', 'Buy & Hold Return [%]', 'Sharpe Ratio', 'Sortino Ratio', 'Max. Drawdown [%]', '# Trades', 'Win Rate [%]', 'Profit Factor', 'Equity Final [$]', 'Commissions [$]'];

// --- Backtest: a registry strategy with backtesting.py semantics.
export function backtestPanel(state, onError) {
  const s = section('backtest', 'Backtest');
  const list = strategies();
  const select = el('select', { name: 'strategy', ariaLabel: 'Strategy' }, ...list.map((x) => el('option', { value: x.name, textContent: x.name })));
  const cash = el('input', { name: 'cash', type: 'number', value: 10000 });
  const commission = el('input', { name: 'commission', type: 'number', value: 0.002, step: 'any' });
  const form = el('form', { className: 'inline' },
    el('label', { textContent: 'Strategy' }, select), el('label', { textContent: 'cash' }, cash),
    el('label', { textContent: 'commission' }, commission), el('button', { textContent: 'Run backtest' }));
  const table = el('table', {});
  table.dataset.testid = 'backtest-stats';
  const canvas = el('canvas', { width: 960, height: 180 });
  s.append(form, el('div', { className: 'cols' }, table), canvas);
  const schemaOf = () => list.find((x) => x.name === select.value);
  paramInputs(form, schemaOf().params);
  select.addEventListener('change', () => { paramInputs(form, schemaOf().params); run(); });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });

  function run() {
    try {
      const config = { strategy: select.value, ...formParams(form), cash: Number(cash.value), commission: Number(commission.value), finalize_trades: true };
      const { stats, equity } = backtest(state.data, config);
      table.replaceChildren(...KEY_STATS.map((k) => el('tr', {}, el('th', { textContent: k }), el('td', { textContent: fmt(stats[k]) }))));
      drawLines(canvas, [{ values: equity.Equity, color: '#1f7a4d', label: 'equity' }]);
    } catch (e) { onError(e); }
  }
  document.addEventListener('stratlab:data', run);
  return run;
}

// --- Optimization: a SmaCross grid in the dedicated Worker (threaded build when isolated).
export function optimizePanel(state, onError, onWorkerReady) {
  const s = section('optimize', 'Optimize SmaCross (grid)');
  const num = (name, value) => el('label', { textContent: name }, el('input', { name, type: 'number', value }));
  const maximize = el('select', { name: 'maximize' }, ...['Sharpe Ratio', 'Return [%]', 'Equity Final [$]', 'SQN'].map((m) => el('option', { value: m, textContent: m })));
  const run = el('button', { textContent: 'Run grid', type: 'submit' });
  const cancel = el('button', { textContent: 'Cancel', type: 'button', disabled: true });
  const form = el('form', { className: 'inline' }, num('n1 from', 5), num('n1 to', 25), num('n2 from', 10), num('n2 to', 65), num('step', 5),
    el('label', { textContent: 'maximize' }, maximize), run, cancel);
  const progress = el('progress', { max: 1, value: 0 });
  const status = el('p', {});
  status.dataset.testid = 'optimize-status';
  const heat = el('canvas', { width: 960, height: 220 });
  s.append(form, progress, status, heat);

  const worker = new Worker('./optimize-worker.js', { type: 'module' });
  let nextId = 1, current = null;
  worker.onmessage = ({ data: m }) => {
    if (m.type === 'ready') onWorkerReady(m);
    if (m.id !== current) return;
    if (m.type === 'progress') {
      const p = m.progress;
      progress.max = p.total; progress.value = p.done;
      status.textContent = `${p.done}/${p.total} combinations, best so far ${fmt(p.bestValue ?? p.best?.value)}${p.etaMs != null ? `, ETA ${(p.etaMs / 1000).toFixed(1)} s` : ''}`;
    } else if (m.type === 'done') {
      const { best, summary, heatmap } = m.result;
      progress.value = progress.max;
      status.textContent = `best ${JSON.stringify(best.params)} → ${maximize.value} ${fmt(best.value)}; ${summary.count} combinations in ${(m.ms / 1000).toFixed(2)} s on the ${m.build} build (${m.threads} threads)`;
      status.dataset.done = 'true';
      if (heatmap) drawHeatmap(heat, heatmap);
      finish();
    } else if (m.type === 'error') {
      status.textContent = `${m.error.code}: ${m.error.message}`;
      finish();
    }
  };
  const finish = () => { current = null; run.disabled = false; cancel.disabled = true; };
  worker.postMessage({ type: 'init' });
  cancel.addEventListener('click', () => current && worker.postMessage({ type: 'cancel', id: current }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (name) => Number(form.querySelector(`[name="${name}"]`).value);
    const step = v('step');
    delete status.dataset.done;
    current = nextId++;
    run.disabled = true; cancel.disabled = false;
    worker.postMessage({
      type: 'optimize', id: current, csv: state.csv,
      config: {
        strategy: 'SmaCross', method: 'grid', constraint: 'n1 < n2', maximize: maximize.value,
        space: { n1: { start: v('n1 from'), stop: v('n1 to') + 1, step }, n2: { start: v('n2 from'), stop: v('n2 to') + 1, step } },
        cash: 10000, commission: 0.002, finalize_trades: true, progressIntervalMs: 100,
      },
    });
  });
}

// --- Signals: the watchlist's latest rule-based signals, and the strategies merged by vote.
export function signalsPanel(state, onError, symbols) {
  const s = section('signals', 'Signals');
  const table = el('table', {});
  table.dataset.testid = 'watchlist';
  const merged = el('p', {});
  merged.dataset.testid = 'merged';
  s.append(table, merged);
  let watchlist = null;
  async function run() {
    try {
      watchlist ??= Object.fromEntries(await Promise.all(symbols.map(async (sym) =>
        [sym, Ohlcv.fromCsv(await (await fetch(`data/${sym}.csv`)).text())])));
      const rows = watchlistSignals(watchlist);
      table.replaceChildren(
        el('tr', {}, ...['Symbol', 'Signal', 'Confidence', 'Why'].map((h) => el('th', { textContent: h }))),
        ...rows.map((r) => el('tr', {}, el('td', { textContent: r.symbol }),
          el('td', { textContent: r.signal, className: r.signal.toLowerCase() }),
          el('td', { textContent: r.confidence.toFixed(2) }),
          el('td', { textContent: r.reasons.join('; ') || 'no rule fired' }))));
      // SmaCross (weight 2), RSI and MACD merged bar by bar with a weighted vote.
      const outputs = Object.fromEntries(['SmaCross', 'RSI', 'MACD'].map((n) => [n, strategySignals(state.data, n, {})]));
      const m = mergeSignals(outputs, { method: 'weighted_vote', weights: { SmaCross: 2, RSI: 1, MACD: 1 } });
      const counts = { BUY: 0, SELL: 0, HOLD: 0 };
      for (const sig of m.signal) counts[sig] += 1;
      const last = m.signal.length - 1;
      merged.textContent = `${state.symbol}: SmaCross×2 + RSI + MACD weighted vote over ${m.signal.length.toLocaleString('en-US')} bars → ${counts.BUY} BUY, ${counts.SELL} SELL; latest ${m.signal[last]} (confidence ${m.confidence[last].toFixed(2)})`;
    } catch (e) { onError(e); }
  }
  document.addEventListener('stratlab:data', run);
  return run;
}
