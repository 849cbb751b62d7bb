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

export * from './forecast.js';
