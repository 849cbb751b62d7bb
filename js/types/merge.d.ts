import type { SignalText } from './common.js';
import type { Ohlcv } from './data.js';

export interface StrategyOutput {
  timestamp?: Float64Array | ArrayLike<number | string | Date>;
  time?: Float64Array | ArrayLike<number | string | Date>;
  signal?: Int8Array | Float64Array | ArrayLike<string | number>;
  confidence?: Float64Array | ArrayLike<number>;
}
export type MergeMethod = 'weighted_vote' | 'majority' | 'priority';
export interface MergeConfig {
  method?: MergeMethod;
  weights?: Record<string, number>;
  priority?: string[];
  use_confidence?: boolean; useConfidence?: boolean;
  signal_format?: 'auto' | 'string' | 'number'; signalFormat?: 'auto' | 'string' | 'number';
}
export interface MergeResult {
  timestamp: Float64Array;
  signal: SignalText[] | Int8Array;
  confidence: Float64Array;
  strategy_count: Uint32Array;
  strategy_used?: (string | null)[] | Int32Array;
  method: MergeMethod;
  strategies: string[];
  warnings: string[];
  error?: 'No valid strategy outputs';
}
export type MergeInputs =
  | Record<string, StrategyOutput | StrategyOutput[] | null | undefined>
  | Map<string, StrategyOutput | null>;

export interface SeriesColumns {
  close: Float64Array | ArrayLike<number>;
  high?: Float64Array | ArrayLike<number>;
  low?: Float64Array | ArrayLike<number>;
  time?: Float64Array | ArrayLike<number>;
}
export type RuleToggle<P> = boolean | (P & { enabled?: boolean; weight?: number });
export interface SignalRulesConfig {
  rsi?: RuleToggle<{ timeperiod?: number; lower?: number; upper?: number }>;
  macd?: RuleToggle<{ fastperiod?: number; slowperiod?: number; signalperiod?: number }>;
  bollinger?: RuleToggle<{ timeperiod?: number; nbdev?: number }>;
  sma_cross?: RuleToggle<{ fastperiod?: number; slowperiod?: number }>;
  smaCross?: RuleToggle<{ fastperiod?: number; slowperiod?: number }>;
}
export interface RuleState {
  rule: 'rsi' | 'macd' | 'bollinger' | 'sma_cross'; vote?: SignalText; weight: number; value?: number; reason: string;
}
export interface LatestSignal {
  index: number; time: number; close: number; signal: SignalText; confidence: number; score: number;
  reasons: string[]; rules: RuleState[];
}
export interface TickerSignals {
  time: Float64Array; signal: SignalText[]; confidence: Float64Array; score: Float64Array;
  reasons: string[][]; latest: LatestSignal;
}
export interface WatchlistEntry extends Partial<LatestSignal> {
  symbol: string; signal: SignalText; confidence: number; reasons: string[];
  error?: { code: string; message: string; details: Record<string, string | number | boolean | null | object> };
}
/** Prices for a ticker: an Ohlcv, columns, or CSV text. */
export type TickerData = Ohlcv | SeriesColumns | string;

export declare function mergeSignals(outputs: MergeInputs | null, config?: MergeConfig | null): MergeResult;
export declare function tickerSignals(data: TickerData, config?: SignalRulesConfig | null): TickerSignals;
export declare function watchlistSignals(watchlist: Record<string, TickerData>, config?: SignalRulesConfig | null): WatchlistEntry[];
