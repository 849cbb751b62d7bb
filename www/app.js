// The stratlab dashboard: loads the bundled sample data through the wasm module and shows it.
import { load, Ohlcv } from './pkg/index.js';
import { drawLines } from './chart.js';
import { indicatorsPanel, backtestPanel, optimizePanel, signalsPanel } from './panels.js';

const $ = (id) => document.getElementById(id);
const fmtDate = (ms, intraday) => new Date(ms).toISOString().slice(0, intraday ? 16 : 10).replace('T', ' ');

export const state = { data: null, symbol: 'GOOG', loaded: null };

async function loadSymbol(symbol) {
  const text = await (await fetch(`data/${symbol}.csv`)).text();
  state.data = Ohlcv.fromCsv(text);
  state.csv = text;
  state.symbol = symbol;
  const s = state.data.summary();
  const intraday = s.bars > 1 && (s.end - s.start) / (s.bars - 1) < 86_400_000 / 2;
  $('bars').textContent = s.bars.toLocaleString('en-US');
  $('start').textContent = fmtDate(s.start, intraday);
  $('end').textContent = fmtDate(s.end, intraday);
  $('last-close').textContent = s.lastClose.toFixed(symbol === 'EURUSD' ? 5 : 2);
  drawLines($('price'), [{ values: state.data.close, color: '#2c5fd4', label: `${symbol} close` }]);
  document.dispatchEvent(new CustomEvent('stratlab:data', { detail: state }));
}

function showError(e) {
  const el = $('error');
  el.hidden = false;
  el.textContent = `${e.code ?? e.name ?? 'Error'}: ${e.message}`;
  console.error(e);
}

async function main() {
  // Light work (parsing, indicators, single backtests) runs on the page with the thread-less
  // build; optimization runs in a dedicated Worker, on the threaded build when the page is
  // cross-origin isolated. The badge shows the build that Worker chose.
  state.loaded = await load({ threads: false });
  const badge = $('build');
  const showBuild = (m) => {
    badge.textContent = m.build === 'threads' ? `threads build (${m.threads} threads)` : 'single-thread build';
    badge.title = m.build === 'threads' ? 'optimizer runs on a rayon pool over web workers' : 'not cross-origin isolated: optimizer runs on one thread';
    badge.classList.toggle('threads', m.build === 'threads');
  };
  indicatorsPanel(state, showError);
  backtestPanel(state, showError);
  signalsPanel(state, showError, ['GOOG', 'EURUSD']);
  optimizePanel(state, showError, showBuild);
  $('symbol').addEventListener('change', (ev) => loadSymbol(ev.target.value).catch(showError));
  await loadSymbol('GOOG');
  document.body.dataset.ready = 'true';
}

main().catch(showError);
