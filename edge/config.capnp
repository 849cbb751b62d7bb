# workerd config for the stratlab edge endpoint. Run (after `npm run build`):
#   node_modules/.bin/workerd serve edge/config.capnp --socket-addr http=127.0.0.1:8787
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .stratlabWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const stratlabWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "stratlab.js", esModule = embed "../pkg/single/stratlab.js"),
    (name = "snippets/stratlab/inline0.js", esModule = embed "../pkg/single/snippets/stratlab/inline0.js"),
    (name = "stratlab_bg.wasm", wasm = embed "../pkg/single/stratlab_bg.wasm"),
    (name = "GOOG.csv", text = embed "../www/data/GOOG.csv"),
  ],
  compatibilityDate = "2025-01-01",
);
