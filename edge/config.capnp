# workerd config for the stratlab edge endpoint. Run (after `npm run build`):
#   node_modules/.bin/workerd serve edge/config.capnp --socket-addr http=127.0.0.1:8787
# or `npm run edge -- --port 8787` (which writes a config with EDGE_* limits when they are set).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .stratlabWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const stratlabWorker :Workerd.Worker = (
  modules = [
    (name = "edge/worker.js", esModule = embed "worker.js"),
    (name = "edge/handler.js", esModule = embed "handler.js"),
    (name = "pkg/single/stratlab.js", esModule = embed "../pkg/single/stratlab.js"),
    (name = "pkg/single/snippets/stratlab/inline0.js", esModule = embed "../pkg/single/snippets/stratlab/inline0.js"),
    (name = "pkg/single/stratlab_bg.wasm", wasm = embed "../pkg/single/stratlab_bg.wasm"),
    (name = "www/data/GOOG.csv", text = embed "../www/data/GOOG.csv"),
  ],
  compatibilityDate = "2025-01-01",
);
