// The edge handler (edge/handler.js) on Deno.serve:
//   deno run --allow-net=127.0.0.1 --allow-read --allow-env edge/deno.js --port P [--host H]
// Limits from EDGE_* env variables.
import * as stratlab from '../pkg/single/stratlab.js';
import { createHandler } from './handler.js';

const root = new URL('../', import.meta.url);
stratlab.initSync({ module: await Deno.readFile(new URL('pkg/single/stratlab_bg.wasm', root)) });
const sampleCsv = await Deno.readTextFile(new URL('www/data/GOOG.csv', root));
const handle = createHandler({ stratlab, sampleCsv });
const env = Deno.env.toObject();

const arg = (name, dflt) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : dflt;
};
Deno.serve({
  port: Number(arg('port', 8787)),
  hostname: arg('host', '127.0.0.1'),
  onListen: ({ hostname, port }) => console.log(`stratlab edge (deno) on http://${hostname}:${port}/`),
}, (request, info) => handle(request, env, { clientAddress: info.remoteAddr?.hostname }));
