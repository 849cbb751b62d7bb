// stratlab for Node: the thread-less build, initialised synchronously at import so the named
// exports are ready to call. (wasm-bindgen-rayon's web-worker pool does not run on Node.)
import { readFileSync } from 'node:fs';
import * as single from './single/stratlab.js';
import * as api from './api.js';
import { bindBuild } from './binding.js';

single.initSync({ module: readFileSync(new URL('./single/stratlab_bg.wasm', import.meta.url)) });
bindBuild(single, 'single');

export * from './api.js';
export { StateStore } from './state.js';
export { ForecastDispatcher } from './forecast.js';

export function threadsSupported() {
  return false;
}

export async function load() {
  return { build: 'single', reason: 'Node.js: thread-less build', threads: 1, api };
}

export default load;
