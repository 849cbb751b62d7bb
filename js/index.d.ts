// stratlab's public types (hand-written; indicator, strategy and statistic names come from
// ./types/indicators.d.ts, generated from the Rust declarations by scripts/gen-types.mjs).
// See docs/types.md. No `any`: tests/types checks that with tsc --strict and a grep.
export * from './types/common.js';
export * from './types/data.js';
export * from './types/indicator-api.js';
export * from './types/backtest.js';
export * from './types/rules.js';
export * from './types/optimize.js';
export * from './types/merge.js';
export * from './types/portfolio.js';
export * from './types/runtime.js';
export * from './types/forecast.js';
export * from './types/analysis.js';
export * from './types/state.js';
import type { IndicatorInputs, IndicatorName, IndicatorOutputsOf, IndicatorParamsOf } from './types/indicator-api.js';

export interface LoadOptions {
  /** 'auto' (default): threads when cross-origin isolated; true: require them; false: never. */
  threads?: 'auto' | boolean;
  /** Worker threads for the pool (default: navigator.hardwareConcurrency). */
  threadCount?: number;
  /** Where to find the thread-less .wasm. */
  module_or_path?: string | URL | Request | Response | BufferSource | WebAssembly.Module | Promise<Response>;
}

/** Every named export of the package (what `LoadResult.api` holds). */
export type Api = typeof import('./index.js');

export interface LoadResult {
  build: 'threads' | 'single';
  reason: string;
  threads: number;
  /** The package's named exports, bound to the chosen build. */
  api: Api;
}

/** Initialise stratlab once (idempotent). Named exports throw INVALID_INPUT before it resolves (browsers, Deno). */
export declare function load(options?: LoadOptions): Promise<LoadResult>;
/** True when the threaded build can run here (cross-origin isolated + SharedArrayBuffer). */
export declare function threadsSupported(): boolean;
export default load;

export interface BuildInfo { version: string; threads: boolean }
export declare function buildInfo(): BuildInfo;
/** Threads in the pool (1 on the thread-less build). */
export declare function threadCount(): number;
/** Σ i² for i < n on the pool: a check that threads work. */
export declare function parallelSumOfSquares(n: number): { result: number; threads: number };
/** Threaded build only (load() calls it): starts the worker pool. */
export declare function initThreadPool(threads: number): Promise<void>;

