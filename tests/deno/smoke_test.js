// Deno loads the package the way a Deno user would: `load()` fetches the .wasm next to it.
import { load, Ohlcv, indicator, parallelSumOfSquares } from "../../pkg/index.js";

function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

Deno.test("loads the thread-less build", async () => {
  const r = await load();
  assertEqual(r.build, "single", "build");
});

Deno.test("parses the bundled GOOG sample and computes on it", async () => {
  await load();
  const csv = await Deno.readTextFile(new URL("../../www/data/GOOG.csv", import.meta.url));
  const d = Ohlcv.fromCsv(csv);
  assertEqual(d.length, 2148, "bars");
  assertEqual(d.summary().lastClose, 806.19, "last close");
  const weekly = d.resample("1w");
  assertEqual(weekly.close[weekly.length - 1], 806.19, "weekly close");
  assertEqual(parallelSumOfSquares(1000).result, 332833500, "sum of squares");
  const { real } = indicator("SMA", { close: d.close }, { timeperiod: 20 });
  const last20 = Array.from(d.close.slice(-20));
  const mean = last20.reduce((a, b) => a + b, 0) / 20;
  if (Math.abs(real[real.length - 1] - mean) > 1e-9) throw new Error(`SMA(20): ${real[real.length - 1]} vs ${mean}`);
  assertEqual(Number.isNaN(real[18]) && !Number.isNaN(real[19]), true, "SMA warm-up");
});

Deno.test("bad CSV throws a typed error", async () => {
  await load();
  let err;
  try { Ohlcv.fromCsv("date,open,high,low,close\n2024-01-01,1,x,1,1\n"); } catch (e) { err = e; }
  assertEqual(err instanceof Error, true, "instanceof Error");
  assertEqual(err.code, "INVALID_INPUT", "code");
  assertEqual(err.details.column, "high", "details.column");
});
