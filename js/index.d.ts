export * from './single/stratlab.js';

export interface LoadOptions {
  /** 'auto' (default): threads when cross-origin isolated; true: require them; false: never. */
  threads?: 'auto' | boolean;
  /** Worker threads for the pool (default: navigator.hardwareConcurrency). */
  threadCount?: number;
  /** Where to find the thread-less .wasm (URL, Response, bytes or WebAssembly.Module). */
  module_or_path?: unknown;
}

export interface LoadResult {
  build: 'threads' | 'single';
  reason: string;
  threads: number;
  /** The chosen build's exports (the threaded module when build === 'threads'). */
  api: typeof import('./single/stratlab.js') & Record<string, unknown>;
}

export function load(options?: LoadOptions): Promise<LoadResult>;
export function threadsSupported(): boolean;
export default load;

/** Forecast tasks on a Dispatcher with a model registry (see docs/forecast.md). */
export interface ForecastResult {
  task_id: number; model_name: string | null; symbol: string | null; forecast: number[];
  confidence: number | null; execution_time: number; success: boolean; error_message: string | null;
  metadata: Record<string, unknown>;
}
export type ForecastModelFn = (series: Float64Array, ctx: { horizon: number; signal: AbortSignal; params: Record<string, unknown> })
  => unknown;
export class ForecastDispatcher {
  constructor(options?: import('./single/stratlab.js').DispatcherOptions);
  readonly dispatcher: import('./single/stratlab.js').Dispatcher;
  registerModel(name: string, fn: ForecastModelFn): this;
  models(): string[];
  submitForecastTask(task: { model: string; symbol?: string; horizon: number; data: unknown; params?: Record<string, unknown>;
    priority?: number; timeoutMs?: number; maxRetries?: number }): number;
  getForecastResult(id: number, options?: { timeoutMs?: number }): Promise<ForecastResult>;
  cancel(id: number): boolean;
  clearResults(): number;
  stop(options?: { graceful?: boolean; deadlineMs?: number }): Promise<unknown>;
}
