// Types of js/forecast.js (re-exported by index.d.ts).
import type { Dispatcher, DispatcherOptions } from './single/stratlab.js';

/** Forecast tasks on a Dispatcher with a model registry (see docs/forecast.md). */
export interface ForecastResult {
  task_id: number; model_name: string | null; symbol: string | null; forecast: number[];
  confidence: number | null; execution_time: number; success: boolean; error_message: string | null;
  metadata: Record<string, unknown>;
}
export type ForecastModelFn = (series: Float64Array, ctx: { horizon: number; signal: AbortSignal; params: Record<string, unknown> })
  => unknown;
export class ForecastDispatcher {
  constructor(options?: DispatcherOptions);
  readonly dispatcher: Dispatcher;
  registerModel(name: string, fn: ForecastModelFn): this;
  models(): string[];
  submitForecastTask(task: { model: string; symbol?: string; horizon: number; data: unknown; params?: Record<string, unknown>;
    priority?: number; timeoutMs?: number; maxRetries?: number }): number;
  getForecastResult(id: number, options?: { timeoutMs?: number }): Promise<ForecastResult>;
  cancel(id: number): boolean;
  clearResults(): number;
  stop(options?: { graceful?: boolean; deadlineMs?: number }): Promise<unknown>;
}
