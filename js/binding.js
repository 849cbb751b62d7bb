// Internal (not re-exported): which initialised wasm build the package's exports call into.
// Set once by the loader (index.js / node.js); api.js listens to rebind its classes.
export const binding = { impl: null, name: null, listeners: [] };

export function bindBuild(ns, name) {
  binding.impl = ns;
  binding.name = name;
  for (const listener of binding.listeners) listener(ns);
}
