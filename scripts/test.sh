#!/usr/bin/env bash
# Runs every suite: native, wasm (Node, headless Chromium, headless Firefox), Node package
# tests, the threaded build in Chromium, Deno, workerd, and the Playwright end-to-end test.
# Fails if any suite fails or runs zero tests. Prints "N passed, N failed" at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
mkdir -p test-results
LOG=test-results/logs; mkdir -p "$LOG"
bash scripts/setup.sh || { echo "setup failed"; exit 1; }

total_pass=0; total_fail=0; total_skip=0; failed_suites=()

# count <log> → prints "passed failed skipped" summed over every runner summary line in the log.
count() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1], errors='replace').read()
text = re.sub(r'\x1b\[[0-9;]*m', '', text)
p = f = s = 0
for m in re.finditer(r'test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored', text):   # cargo / wasm-bindgen-test
    p += int(m.group(1)); f += int(m.group(2)); s += int(m.group(3))
for m in re.finditer(r'^# pass (\d+)\s*$', text, re.M): p += int(m.group(1))      # node --test
for m in re.finditer(r'^# fail (\d+)\s*$', text, re.M): f += int(m.group(1))
for m in re.finditer(r'^# (?:skipped|todo) (\d+)\s*$', text, re.M): s += int(m.group(1))
for m in re.finditer(r'^(?:ok|FAILED) \| (\d+) passed.*?\| (\d+) failed(?: \| (\d+) ignored)?', text, re.M):  # deno test
    p += int(m.group(1)); f += int(m.group(2)); s += int(m.group(3) or 0)
print(p, f, s)
PY
}

suite() {
  local name=$1; shift
  local log="$LOG/$name.log"
  echo "=== $name: $*"
  local t0=$SECONDS
  "$@" >"$log" 2>&1; local rc=$?
  read -r p f s < <(count "$log")
  # Skipped/ignored tests must be declared (suite name and count) in tests/expected-skips.txt.
  local allowed
  allowed=$(awk -v n="$name" '$1 == n { print $2 }' tests/expected-skips.txt 2>/dev/null)
  allowed=${allowed:-0}
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
  if [ $rc -ne 0 ] || [ "$f" -gt 0 ] || [ "$p" -eq 0 ] || [ "$s" -gt "$allowed" ]; then
    tail -n 60 "$log"
    echo "--- $name FAILED (exit $rc, $p passed, $f failed, $s skipped of $allowed declared$([ "$p" -eq 0 ] && echo ', ran zero tests'))"
    failed_suites+=("$name")
  else
    echo "--- $name ok: $p passed ($((SECONDS - t0)) s)"
  fi
}

suite native cargo test --profile ci-test --no-fail-fast
echo "=== build: node scripts/build.mjs"
node scripts/build.mjs >"$LOG/build.log" 2>&1 || { tail -n 60 "$LOG/build.log"; echo "build failed"; echo "$total_pass passed, $((total_fail + 1)) failed"; exit 1; }
grep -E 'KB gzipped' "$LOG/build.log" || true
suite wasm-node wasm-pack test --node -- --test 'wasm_*'
suite wasm-chrome env WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome -- --test 'wasm_*'
suite wasm-firefox env WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --firefox -- --test 'wasm_*'
suite node node --test --test-reporter=tap tests/js/
suite types node --test --test-reporter=tap tests/types/
suite deno deno test --allow-read --allow-env tests/deno/
suite e2e node --test --test-reporter=tap tests/e2e/

echo
if [ ${#failed_suites[@]} -gt 0 ]; then
  echo "failed suites: ${failed_suites[*]}"
  echo "$total_pass passed, $total_fail failed, $total_skip skipped"
  exit 1
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
