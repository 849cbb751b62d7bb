#!/usr/bin/env bash
# Benchmarks (not tests): each bench/*.mjs measures stratlab against the libraries users
# would pick instead, in the same run on the same data, and prints a table with ratios.
# Native figures come from the examples/bench_*.rs programs. Results land in bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
[ -f pkg/index.js ] && [ -f pkg/threads/stratlab.js ] || node scripts/build.mjs
mkdir -p bench-results
# backtesting.py, the peer of bench/backtest.mjs (PyPI).
python3 -c 'import backtesting' 2>/dev/null || pip install --quiet 'backtesting==0.6.6' pandas || echo "backtesting.py unavailable: bench/backtest.mjs prints n/a"
echo "machine: $(nproc) cores, $(uname -m), node $(node --version), $(date -u +%Y-%m-%d)" | tee bench-results/machine.txt
only=${1:-}
for f in bench/*.mjs; do
  name=$(basename "$f" .mjs)
  case "$name" in _*) continue ;; esac          # helpers, not benches
  [ -n "$only" ] && [ "$name" != "$only" ] && continue
  echo; echo "=== $name"
  node "$f" | tee "bench-results/$name.txt"
done
