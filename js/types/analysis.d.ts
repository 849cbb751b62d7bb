// Market analysis (docs/analysis.md): regimes and multi-timeframe alignment, no look-ahead.
import type { MarketData } from './data.js';
import type { IndicatorName, IndicatorParamsOf } from './indicators.js';

export type Regime = 'trending_up' | 'trending_down' | 'ranging' | 'volatile';
export interface RegimeConfig {
  adxPeriod?: number; atrPeriod?: number; slopePeriod?: number; volPeriod?: number; volWindow?: number;
  trendAdx?: number; minTrendMove?: number; volatilePercentile?: number;
}
export interface RegimeResult {
  /** Per bar; null during warm-up. */
  regime: (Regime | null)[];
  confidence: Float64Array; adx: Float64Array; atrPct: Float64Array; realizedVol: Float64Array;
  volPercentile: Float64Array; slope: Float64Array;
  config: Required<RegimeConfig>;
}

/** One indicator to compute on every timeframe (`output` picks one of a multi-output function). */
export type TimeframeIndicator = {
  [N in IndicatorName]: { name: N; params?: Partial<IndicatorParamsOf[N]>; output?: string };
}[IndicatorName];
export interface MultiTimeframeSpec {
  timeframes: string[];
  indicators?: Record<string, TimeframeIndicator>;
  trendPeriod?: number;
  /** What a base bar's signal is: the base trend, always up/down, or explicit per-bar directions. */
  signal?: 'trend' | 'up' | 'down' | ArrayLike<number>;
  minAgreement?: number;
}
export interface MultiTimeframeResult {
  /** tf → key → `{output, ...each output column of a multi-output function}`, aligned to base bars. */
  timeframes: Record<string, Record<string, { output: Float64Array; [column: string]: Float64Array }>>;
  trends: Record<string, Float64Array>;
  alignment: Float64Array;
  confirmation: boolean[];
  signal: Float64Array;
}

export declare function analyzeRegime(data: MarketData, config?: RegimeConfig | null): RegimeResult;
export declare function multiTimeframe(data: MarketData, spec: MultiTimeframeSpec): MultiTimeframeResult;
