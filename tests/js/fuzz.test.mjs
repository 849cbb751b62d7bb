// The short fuzz run of `npm test` (the long one is `npm run fuzz`): every export, malformed and
// extreme inputs, typed errors only, the module alive afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../fuzz/fuzz.mjs';

test('every export answers malformed input with a result or a typed error and keeps working', async () => {
  const r = await runFuzz({ iterations: Number(process.env.STRATLAB_FUZZ_ITERATIONS ?? 150), seed: 7 });
  assert.ok(r.entries >= 40, `${r.entries} entry points`);
  assert.deepEqual(r.failures.slice(0, 20), []);
});
