// The indicator functions, typed by the generated tables in ./indicators.d.ts
// (pkg/types/indicators.d.ts, written by scripts/gen-types.mjs from the Rust catalogue).
import type { NumericColumn, OhlcvColumns } from './common.js';
import type { MarketData, Ohlcv } from './data.js';
import type {
  IndicatorGroup, IndicatorInputColumnsOf, IndicatorName, IndicatorOutputsOf, IndicatorParamsOf,
} from './indicators.js';

export type { IndicatorGroup, IndicatorInputColumnsOf, IndicatorName, IndicatorOutputsOf, IndicatorParamsOf };

/** Every input column an indicator can read. */
export type IndicatorColumn = 'open' | 'high' | 'low' | 'close' | 'volume' | 'periods';
/** The parameters of indicator `N` (all keys present; calls take `Partial`). */
export type IndicatorParams<N extends IndicatorName> = IndicatorParamsOf[N];
/** The output arrays of indicator `N`, keyed by TA-Lib output name. */
export type IndicatorOutputs<N extends IndicatorName> = IndicatorOutputsOf[N];
/** The output names of indicator `N`. */
export type IndicatorOutputName<N extends IndicatorName> = keyof IndicatorOutputsOf[N] & string;
/** One value per output, as a stream's `update`/`peek` returns it. */
export type IndicatorValues<N extends IndicatorName> = { [K in keyof IndicatorOutputsOf[N]]: number };

/**
 * The inputs of indicator `N`: an object holding at least the columns it reads (others are
 * ignored; an `Ohlcv` works too), or a single array for indicators that read only `close`.
 */
export type IndicatorInputs<N extends IndicatorName> =
  | ({ [C in IndicatorInputColumnsOf[N]]: NumericColumn } & { [C in IndicatorColumn]?: NumericColumn })
  | Ohlcv
  | ([IndicatorInputColumnsOf[N]] extends ['close'] ? NumericColumn : never);

/** One bar for a stream: the fields indicator `N` reads (a bare number is a close). */
export type IndicatorBar<N extends IndicatorName> =
  | ({ [C in IndicatorInputColumnsOf[N]]: number } & { [C in IndicatorColumn]?: number })
  | number;

export interface CatalogueParam {
  name: string; default: number;
  /** null when unbounded (JSON has no Infinity). */
  min: number | null; max: number | null;
  kind: 'integer' | 'real' | 'matype';
}

export interface CatalogueEntry<N extends IndicatorName = IndicatorName> {
  name: N;
  group: IndicatorGroup;
  inputs: IndicatorInputColumnsOf[N][];
  params: CatalogueParam[];
  outputs: IndicatorOutputName<N>[];
}

/** A streaming indicator whose `update` equals the batch value bit for bit. */
export class IndicatorStream<N extends IndicatorName = IndicatorName> {
  constructor(name: N, params?: Partial<IndicatorParamsOf[N]> | null);
  /** Feeds a completed bar; returns the indicator's values at it (NaN during warm-up). */
  update(bar: IndicatorBar<N>): IndicatorValues<N>;
  /** The values for a forming bar, without changing the state. */
  peek(bar: IndicatorBar<N>): IndicatorValues<N>;
  reset(): void;
  readonly name: N;
  readonly outputs: IndicatorOutputName<N>[];
  readonly lookback: number;
  /** Bars fed so far. */
  readonly bars: number;
  free(): void;
  [Symbol.dispose](): void;
}

/** One feature column request: `{name: 'RSI', params: {timeperiod: 14}, alias?: 'rsi14'}`. */
export type FeatureSpec = {
  [N in IndicatorName]: { name: N; params?: Partial<IndicatorParamsOf[N]>; alias?: string };
}[IndicatorName];

/** A feature table: columns named `RSI_14`, `MACD_12_26_9.macd`, or their alias. */
export interface FeatureTable {
  time: Float64Array;
  columns: Record<string, Float64Array>;
  names: string[];
}

export declare function indicator<N extends IndicatorName>(
  name: N, inputs: IndicatorInputs<N>, params?: Partial<IndicatorParamsOf[N]> | null,
): IndicatorOutputsOf[N];
export declare function indicatorOhlcv<N extends IndicatorName>(
  name: N, data: Ohlcv, params?: Partial<IndicatorParamsOf[N]> | null,
): IndicatorOutputsOf[N];
export declare function catalogue(): CatalogueEntry[];
/** Bars of warm-up (NaN outputs) before the first value. */
export declare function lookback<N extends IndicatorName>(name: N, params?: Partial<IndicatorParamsOf[N]> | null): number;
export declare function features(data: MarketData, spec: readonly FeatureSpec[]): FeatureTable;
/** `{SYMBOL: data}` → `{SYMBOL: table}`, yielding to the event loop between symbols. */
export declare function featuresBatch<S extends string>(
  data: Record<S, Ohlcv | OhlcvColumns>, spec: readonly FeatureSpec[],
): Promise<Record<S, FeatureTable>>;
