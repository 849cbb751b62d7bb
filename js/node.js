// stratlab for Node: the thread-less build, initialised synchronously at import so the named
// exports are ready to call. (wasm-bindgen-rayon's web-worker pool does not run on Node.)
import { readFileSync } from 'node:fs';
import * as single from './single/stratlab.js';
import * as api from './api.js';
import { bindBuild } from './binding.js';

single.initSync({ module: readFileSync(new URL('./single/stratlab_bg.wasm', import.meta.url)) });
bindBuild(single, 'single');

export * from './api.js';
import { StateStore as RawStateStore } from './state.js';
import { ForecastDispatcher as RawForecastDispatcher } from './forecast.js';
import { guardJsClass } from './guard.js';

export const StateStore = guardJsClass(RawStateStore);
export const ForecastDispatcher = guardJsClass(RawForecastDispatcher);

export function threadsSupported() {
  return false;
}

export async function load() {
  return { build: 'single', reason: 'Node.js: thread-less build', threads: 1, api };
}

export default load;
