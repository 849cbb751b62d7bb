import type { OhlcvColumns } from './common.js';

export interface OhlcvSummary {
  bars: number; start: number; end: number; startIso: string; endIso: string;
  firstClose: number; lastClose: number;
}

export interface OhlcvColumnsCopy {
  time: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array;
  close: Float64Array; volume: Float64Array;
}

/** Columnar market data (f64 prices, ms timestamps) owned by the wasm module. */
export class Ohlcv {
  private constructor();
  /** CSV with a header (time/date, open, high, low, close, volume?). */
  static fromCsv(text: string): Ohlcv;
  static fromColumns(columns: OhlcvColumns): Ohlcv;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Resamples to a coarser timeframe such as '4h', '1d', '1w'. */
  resample(timeframe: string): Ohlcv;
  /** Bars [start, end). */
  slice(start: number, end: number): Ohlcv;
  summary(): OhlcvSummary;
  toColumns(): OhlcvColumnsCopy;
  free(): void;
  [Symbol.dispose](): void;
}

/** Market data accepted by most functions: an Ohlcv or plain columns. */
export type MarketData = Ohlcv | OhlcvColumns;
