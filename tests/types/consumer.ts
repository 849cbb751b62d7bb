// A consumer of the stratlab package, type-checked with `tsc --strict` (tests/types/types.test.mjs)
// against the built pkg/index.d.ts. It is never run: it proves that realistic calls compile with
// precise result types, and (`@ts-expect-error`) that misuse is rejected.
import load, {
  Ohlcv, IndicatorStream, CompiledRules, Dispatcher, Scheduler, PerformanceMonitor, ServiceContainer,
  ForecastDispatcher, StateStore, encodeSnapshot, decodeSnapshot,
  indicator, indicatorOhlcv, catalogue, lookback, features, featuresBatch,
  backtest, strategies, strategySignals, ruleSignals, compileRules, ruleSets,
  optimize, optimizeBatch, walkForward, mergeSignals, tickerSignals, watchlistSignals, portfolio,
  forecast, forecastModels, analyzeRegime, multiTimeframe,
  parallelSumOfSquares, threadCount, buildInfo, threadsSupported, initThreadPool,
} from 'stratlab';
import type {
  IndicatorName, IndicatorParams, IndicatorOutputs, StatKey, StrategyName, BacktestStats, BacktestConfig,
  StratlabError, ErrorCode, OptimizeResult, Trade, TaskStatus, CatalogueEntry, FeatureSpec, LoadResult,
} from 'stratlab';

// Exact-type assertion helper: `same<A, B>()` compiles only when A and B are identical.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function same<A, B>(_proof: Same<A, B>): void {}

const n = 300;
const close = Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 10) * 5 + i * 0.05);
const high = close.map((c) => c + 1);
const low = close.map((c) => c - 1);
const open = close.map((c) => c - 0.2);
const volume = close.map(() => 1e6);
const time = Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 86_400_000);

async function main(): Promise<void> {
  // --- loading
  const loaded: LoadResult = await load({ threads: 'auto' });
  const build: 'threads' | 'single' = loaded.build;
  loaded.api.indicator('SMA', close, { timeperiod: 5 });
  const supported: boolean = threadsSupported();
  const info = buildInfo();
  const version: string = info.version;
  const threads: number = threadCount() + parallelSumOfSquares(1000).threads;
  if (build === 'threads' && supported) await initThreadPool(threads);

  // --- data
  const data = Ohlcv.fromColumns({ time, open, high, low, close, volume });
  const csv = Ohlcv.fromCsv('time,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,100\n');
  const weekly: Ohlcv = data.resample('1w').slice(0, 10);
  const s = data.summary();
  const bars: number = s.bars + data.length + weekly.length + csv.toColumns().close.length;
  csv.free();
  console.log(version, bars, s.startIso);

  // --- indicators: names, parameters and outputs come from the Rust catalogue
  const macd = indicator('MACD', { close }, { fastperiod: 12, slowperiod: 26 });
  same<typeof macd, { macd: Float64Array; macdsignal: Float64Array; macdhist: Float64Array }>(true);
  const hist: Float64Array = macd.macdhist;
  const sma = indicator('SMA', close, { timeperiod: 20 });
  const smaValues: Float64Array = sma.real;
  const atr = indicator('ATR', { high, low, close }, { timeperiod: 14 });
  const stoch = indicatorOhlcv('STOCH', data, { fastk_period: 5 });
  const slowk: Float64Array = stoch.slowk;
  const obv = indicator('OBV', { close, volume });
  const bb = indicator('BBANDS', data, { timeperiod: 20, nbdevup: 2, nbdevdn: 2, matype: 0 });
  const upper: Float64Array = bb.upperband;
  const warmup: number = lookback('RSI', { timeperiod: 14 }) + lookback('AD');
  const entries: CatalogueEntry[] = catalogue();
  const names: IndicatorName[] = entries.map((e) => e.name);
  const period: IndicatorParams<'RSI'>['timeperiod'] = 14;
  const out: IndicatorOutputs<'ATR'> = atr;
  // A name only known at run time (from the catalogue, a form field) works with a whole Ohlcv.
  const dynamicName: IndicatorName = names[0] ?? 'SMA';
  const dynamic = indicator(dynamicName, data, { timeperiod: 10 });
  const firstOutput: Float64Array | undefined = Object.values(dynamic)[0];
  const kind: 'integer' | 'real' | 'matype' | undefined = entries[0]?.params[0]?.kind;
  console.log(hist, smaValues, slowk, obv.real, upper, warmup, names, period, out.real, firstOutput, kind);

  // @ts-expect-error an indicator name that does not exist
  indicator('SMAA', close);
  // @ts-expect-error a parameter name the indicator does not have
  indicator('SMA', close, { period: 20 });
  // @ts-expect-error parameters are numbers
  indicator('RSI', close, { timeperiod: '14' });
  // @ts-expect-error ATR reads high, low and close: a bare close array is not enough
  indicator('ATR', close);
  // @ts-expect-error ATR needs `high` and `low` columns too
  indicator('ATR', { close });
  // @ts-expect-error an output SMA does not produce
  sma.macd;

  // --- streaming
  const stream = new IndicatorStream('RSI', { timeperiod: 14 });
  for (const c of close) stream.update(c);
  const next = stream.peek({ close: 101 });
  const rsiNow: number = next.real;
  const atrStream = new IndicatorStream('ATR');
  const v = atrStream.update({ high: 2, low: 1, close: 1.5 });
  const atrNow: number = v.real;
  // @ts-expect-error ATR bars need high and low
  atrStream.update({ close: 1.5 });
  stream.reset();
  const streamLookback: number = stream.lookback + stream.bars;
  console.log(rsiNow, atrNow, streamLookback, stream.outputs, stream.name);
  stream.free();

  // --- features
  const spec: FeatureSpec[] = [
    { name: 'RSI', params: { timeperiod: 14 }, alias: 'rsi14' },
    { name: 'MACD', params: { fastperiod: 12 } },
  ];
  const table = features(data, spec);
  const rsiColumn: Float64Array | undefined = table.columns['rsi14'];
  const batch = await featuresBatch({ GOOG: data, EURUSD: { open, high, low, close } }, spec);
  const googTime: Float64Array = batch.GOOG.time;
  // @ts-expect-error a feature parameter the indicator does not have
  features(data, [{ name: 'RSI', params: { period: 14 } }]);
  console.log(rsiColumn, googTime, table.names);

  // --- backtests: config keys and backtesting.py statistic names are typed
  const result = backtest(data, { strategy: 'SmaCross', n1: 10, n2: 30, cash: 10_000, commission: 0.002 });
  const ret: number = result.stats['Return [%]'];
  const sharpe: number = result.stats['Sharpe Ratio'];
  const count: number = result.stats['# Trades'];
  const trades: Trade[] = result.trades;
  const firstExit = trades[0]?.ExitReason;
  const eq: Float64Array = result.equity.Equity;
  const dd: Float64Array = result.equity.DrawdownPct;
  const statKeys: StatKey[] = Object.keys(result.stats) as StatKey[];
  const stats: BacktestStats = result.stats;
  const start: string = stats.Start;
  console.log(ret, sharpe, count, firstExit, eq, dd, statKeys, start);

  backtest({ time, open, high, low, close }, { strategy: 'RSI', params: { timeperiod: 14 }, direction: 'long', sl: 0.03, tp: 0.06 });
  backtest(data, { signals: ['BUY', 'HOLD', 'SELL'], warmup: 0, trade_on_close: true, intrabar: 'ohlc' });
  backtest(data, { signals: Int8Array.of(1, 0, -1), semantics: 'vectorbt', fees: 0.001 });
  backtest(data, { rules: { buy: 'crossover(SMA(close, n), SMA(close, 50))', sell: 'RSI(14) > 70' }, params: { n: 20 } });
  const config: BacktestConfig = { strategy: 'SmaCross', n1: 5 };
  backtest(data, config);

  // @ts-expect-error a statistic backtesting.py does not report
  result.stats['Return %'];
  // @ts-expect-error a misspelt config key
  backtest(data, { strategy: 'SmaCross', comission: 0.002 });
  // @ts-expect-error a parameter SmaCross does not have
  backtest(data, { strategy: 'SmaCross', timeperiod: 14 });
  // @ts-expect-error strategy and signals are exclusive
  backtest(data, { strategy: 'SmaCross', signals: [1, 0] });
  // @ts-expect-error an unknown direction
  backtest(data, { strategy: 'RSI', direction: 'sideways' });

  const strategyNames: StrategyName[] = strategies().map((st) => st.name);
  const sig = strategySignals(data, 'SmaCross', { n1: 10, n2: 30 }, { semantics: 'backtesting.py' });
  const firstSignal: 'BUY' | 'SELL' | 'HOLD' | undefined = sig.signal[0];
  console.log(strategyNames, firstSignal, sig.warmup);

  // --- rules
  const rules = { buy: 'RSI(close, n) < 30', sell: 'RSI(close, n) > 70' };
  const compiled: CompiledRules = compileRules(rules);
  const needed: string[] = compiled.params;
  const rs = compiled.signals(data, { n: 14 });
  const rs2 = ruleSignals({ time, open, high, low, close }, rules, { n: 14 });
  const sets = ruleSets();
  console.log(needed, rs.warmup, rs2.signal, sets[0]?.buy, compiled.info.calls, compiled.toJSON().buy);

  // --- optimization
  const ac = new AbortController();
  const opt: OptimizeResult = await optimize(data, {
    strategy: 'SmaCross', space: { n1: { start: 5, stop: 30, step: 5 }, n2: [20, 40, 60] },
    constraint: 'n1 < n2', maximize: 'Sharpe Ratio', method: 'grid', cash: 10_000, commission: 0.002,
  }, {
    onProgress: (p) => console.log(p.done / p.total, p.best?.value),
    onResult: (r) => console.log(r.params, r.value),
    signal: ac.signal,
  });
  const bestValue: number | undefined = opt.best?.value;
  const bestSharpe = opt.best?.stats['Sharpe Ratio'];
  const categories: number = opt.summary.categories.Excellent;
  const heat: (number | null)[][] | undefined = opt.heatmap?.values;
  // @ts-expect-error the objective must be a statistic name
  await optimize(data, { strategy: 'SmaCross', space: {}, maximize: 'Sharp Ratio' });
  const batchResult = await optimizeBatch(data, {
    strategies: ['SmaCross', 'RSI'],
    common_config: { maximize: 'Sharpe Ratio', commission: 0.002 },
    strategy_specific_configs: { SmaCross: { space: { n1: [5, 10], n2: [20, 40] } }, RSI: null },
    parallel_jobs: 2, timeout_ms: 60_000,
  });
  const jobStatus: 'complete' | 'timeout' | 'cancelled' | 'error' | undefined = batchResult.jobs[0]?.status;
  const wf = await walkForward(data, {
    strategy: 'SmaCross', space: { n1: [5, 10], n2: [20, 40] }, maximize: 'Sharpe Ratio',
    trainBars: 100, testBars: 50, mode: 'rolling',
  }, { onFold: (f) => console.log(f.fold, f.outOfSample) });
  const efficiency: number = wf.combined.efficiency;
  console.log(bestValue, bestSharpe, categories, heat, jobStatus, efficiency, batchResult.summary.ranking);

  // --- merging and ticker signals
  const merged = mergeSignals(
    { sma: { timestamp: sig.timestamp, signal: sig.signal, confidence: sig.confidence }, rules: { timestamp: rs.timestamp, signal: rs.signal } },
    { method: 'weighted_vote', weights: { sma: 2, rules: 1 } },
  );
  const mergedCount: Uint32Array = merged.strategy_count;
  // @ts-expect-error an unknown merge method
  mergeSignals({}, { method: 'average' });
  const ticker = tickerSignals(data, { rsi: { timeperiod: 14 }, macd: true });
  const latest: 'BUY' | 'SELL' | 'HOLD' = ticker.latest.signal;
  const watch = watchlistSignals({ GOOG: data, CSV: 'time,close\n1,2\n' });
  console.log(mergedCount, latest, watch[0]?.symbol);

  // --- portfolio
  const pf = portfolio({ AAA: data, BBB: { time, open, high, low, close } }, { strategy: 'SmaCross', n1: 10, n2: 30, size: 0.3, fees: 0.001 });
  const pfReturn: number = pf.stats['Return [%]'];
  const aaaTrades: Trade[] = pf.assets.AAA.trades;
  const side: 'Buy' | 'Sell' | undefined = pf.orders[0]?.side;
  portfolio({ AAA: data }, { signals: { AAA: [1, 0, -1] }, size: 0.5, mode: 'backtesting.py', sl: 0.03 });
  // @ts-expect-error portfolio has no `direction` option
  portfolio({ AAA: data }, { strategy: 'SmaCross', direction: 'long' });
  console.log(pfReturn, aaaTrades, side, pf.value);

  // --- forecasting and analysis
  const fc = forecast(close, { model: 'holt', horizon: 10, alpha: 0.5, beta: 0.1 });
  const mean: Float64Array = fc.mean;
  // @ts-expect-error an unknown model
  forecast(close, { model: 'prophet', horizon: 10 });
  const models = forecastModels().map((m) => m.name);
  const fd = new ForecastDispatcher({ maxConcurrent: 2, defaultTimeoutMs: 5000 });
  fd.registerModel('flat', async (series, { horizon }) => new Float64Array(horizon).fill(series[series.length - 1] ?? 0));
  const fid = fd.submitForecastTask({ model: 'ses', symbol: 'GOOG', horizon: 5, data: close, params: { alpha: 0.3 } });
  const fr = await fd.getForecastResult(fid, { timeoutMs: 2000 });
  const ok: boolean = fr.success;
  await fd.stop();
  const regime = analyzeRegime(data, { adxPeriod: 14 });
  const label: 'trending_up' | 'trending_down' | 'ranging' | 'volatile' | null | undefined = regime.regime[0];
  const mtf = multiTimeframe(data, { timeframes: ['1w'], indicators: { rsi: { name: 'RSI', params: { timeperiod: 14 } } } });
  const aligned: Float64Array = mtf.alignment;
  console.log(mean, models, ok, label, aligned, mtf.timeframes['1w']?.['rsi']?.output);

  // --- runtime
  const dispatcher = new Dispatcher({ maxConcurrent: 4, maxQueue: 100, overflow: 'reject' });
  const id = dispatcher.submit('sum', async (signal) => (signal.aborted ? 0 : 42), { priority: 1, timeoutMs: 1000 });
  const answer = await dispatcher.result<number>(id);
  const status: TaskStatus | undefined = dispatcher.status(id);
  const submitted: number = dispatcher.metrics().submitted + dispatcher.failedSummary().total;
  // @ts-expect-error an unknown overflow policy
  new Dispatcher({ overflow: 'drop_oldest' });
  const scheduler = new Scheduler(dispatcher, { graceMs: 500 });
  const job = scheduler.addJob('tick', () => 1, { everyMs: 60_000 }, { missed: 'skip' });
  scheduler.start();
  const runs: number | undefined = scheduler.job(job)?.runs;
  scheduler.stop();
  const monitor = new PerformanceMonitor({ capacity: 100 });
  const tracked: number = monitor.track('work', () => 7);
  monitor.record('io', 12.5, true);
  const p95: number = monitor.summary('work').p95Ms;
  const text: string = monitor.prometheusWith(dispatcher);
  const container = new ServiceContainer();
  container.register('cache', { initialize: async () => {}, cleanup: () => {} }, { kind: 'service' });
  const ready: string[] = await container.initializeAll();
  const cleaned = await container.cleanupAll();
  await dispatcher.shutdown({ graceful: true });
  console.log(answer, status, submitted, runs, tracked, p95, text, ready, cleaned.errors);

  // --- state
  const store = await StateStore.open({ backend: 'memory', schemaVersion: 1 });
  await store.set('prices', close);
  const counter = await store.update<number>('counter', (c) => (c ?? 0) + 1);
  const bytes: Uint8Array = await store.snapshot();
  await store.close();
  const snap = decodeSnapshot(encodeSnapshot({ a: 1, prices: close }, { schemaVersion: 2, compress: true }));
  const schema: number = snap.schemaVersion;
  // @ts-expect-error a snapshot's state is a record, not a string
  const wrong: string = snap.state;
  console.log(counter, bytes, schema, wrong);
}

// --- errors: code union and details
try {
  await main();
} catch (e) {
  const err = e as StratlabError;
  const code: ErrorCode = err.code;
  const parameter: string | undefined = err.details.parameter;
  if (err.code === 'INVALID_PARAMETER') {
    same<typeof err.name, 'InvalidParameterError'>(true);
  }
  // @ts-expect-error not an error code
  const wrong: ErrorCode = 'NOT_FOUND';
  console.log(code, parameter, wrong);
}
