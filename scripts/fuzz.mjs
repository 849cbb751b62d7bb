#!/usr/bin/env node
// Long fuzz campaign: `npm run fuzz -- [iterations per entry point = 1000000] [seed = 1]`.
// Prints per-run counts for BENCHMARKS.md; exits 1 on the first untyped error or broken module.
import { runFuzz } from '../tests/fuzz/fuzz.mjs';

const iterations = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const t0 = performance.now();
const r = await runFuzz({ iterations, seed });
const secs = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`fuzz: ${r.calls} inputs over ${r.entries} entry points (${r.perEntry} each), seed ${seed}, ${secs} s, ${r.failures.length} failures`);
for (const f of r.failures.slice(0, 50)) console.log(`  ${f}`);
process.exit(r.failures.length ? 1 : 0);
