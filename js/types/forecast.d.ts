// Forecasting (docs/forecast.md): statsmodels-exact models and the ForecastDispatcher.
import type { DispatcherOptions, Dispatcher } from './runtime.js';
import type { ErrorCode, JsonValue, NumericColumn, OhlcvColumns } from './common.js';
import type { Ohlcv } from './data.js';

export type ForecastModelName = 'naive' | 'mean' | 'drift' | 'seasonal_naive' | 'linear_trend'
  | 'ses' | 'holt' | 'holt_winters' | 'theta' | 'ar';
export interface ForecastParams {
  alpha?: number; beta?: number; gamma?: number; m?: number; p?: number; theta?: number;
}
export interface ForecastConfig extends ForecastParams {
  model: ForecastModelName; horizon: number;
  /** Prediction-interval level, e.g. 0.95 (models that give intervals). */
  level?: number;
}
export interface ForecastOutput {
  mean: Float64Array; lower?: Float64Array; upper?: Float64Array;
  params: Record<string, number | boolean | number[]>; sse?: number;
}
export interface ForecastParamSpec { name: string; integer: boolean; min: number; max: number; default: number | null; doc: string }
export interface ForecastModelSpec { name: ForecastModelName; summary: string; params: ForecastParamSpec[] }

/** What a JS model returns: `horizon` numbers, or the mean with optional bounds and confidence. */
export type ForecastModelOutput =
  | NumericColumn
  | { mean: NumericColumn; lower?: NumericColumn; upper?: NumericColumn; confidence?: number };
export type ForecastModelFn = (
  series: Float64Array,
  ctx: { horizon: number; signal: AbortSignal; params: Record<string, number | string | boolean> },
) => ForecastModelOutput | PromiseLike<ForecastModelOutput>;

export interface ForecastTask {
  model: ForecastModelName | (string & {});
  symbol?: string;
  horizon: number;
  /** A series, or columns / an Ohlcv (its close is used). */
  data: NumericColumn | Ohlcv | OhlcvColumns;
  params?: Record<string, number | string | boolean>;
  priority?: number; timeoutMs?: number; maxRetries?: number;
}
export interface ForecastResultMetadata {
  status: 'completed' | 'failed' | 'timed_out' | 'cancelled' | 'rejected' | 'dropped' | 'pending' | (string & {});
  attempts?: number; horizon?: number; code?: ErrorCode;
  details?: Record<string, JsonValue>;
  params?: Record<string, number | boolean | number[]>; sse?: number; lower?: number[]; upper?: number[];
}
export interface ForecastResult {
  task_id: number; model_name: string | null; symbol: string | null; forecast: number[];
  confidence: number | null; execution_time: number; success: boolean; error_message: string | null;
  metadata: ForecastResultMetadata;
}

/** A model registry on a Dispatcher: every task ends as a ForecastResult (never a lost task). */
export class ForecastDispatcher {
  constructor(options?: DispatcherOptions);
  readonly dispatcher: Dispatcher;
  registerModel(name: string, fn: ForecastModelFn): this;
  models(): string[];
  submitForecastTask(task: ForecastTask): number;
  getForecastResult(id: number, options?: { timeoutMs?: number }): Promise<ForecastResult>;
  cancel(id: number): boolean;
  clearResults(): number;
  stop(options?: { graceful?: boolean; deadlineMs?: number }): Promise<void | object>;
}

export declare function forecast(values: NumericColumn, config: ForecastConfig): ForecastOutput;
export declare function forecastModels(): ForecastModelSpec[];
