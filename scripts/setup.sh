#!/usr/bin/env bash
# Idempotent machine setup: installs only what is missing. Called by `npm start` / `npm test`.
# Versions are pinned to what Cargo.lock / package.json expect.
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock 2>/dev/null | sed -n 's/^version = "\(.*\)"/\1/p')
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}
log() { printf '[setup] %s\n' "$*"; }
need_browsers=${STRATLAB_NEED_BROWSERS:-1}

rustup target list --installed | grep -q wasm32-unknown-unknown || { log "adding wasm32 target (stable)"; rustup target add wasm32-unknown-unknown; }
if rustup toolchain list | grep -q nightly; then
  rustup target list --installed --toolchain nightly | grep -q wasm32-unknown-unknown || { log "adding wasm32 target (nightly)"; rustup target add wasm32-unknown-unknown --toolchain nightly; }
  rustup component list --installed --toolchain nightly | grep -q rust-src || { log "adding rust-src (nightly)"; rustup component add rust-src --toolchain nightly; }
fi

if [ "$need_browsers" = 1 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v firefox-esr >/dev/null; then
    log "installing chromium, chromium-driver, firefox-esr (apt)"
    apt-get update -qq && apt-get install -y -qq chromium chromium-driver firefox-esr >/dev/null
  fi
  command -v geckodriver >/dev/null || { log "installing geckodriver (cargo)"; cargo install geckodriver --quiet; }
fi

have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
[ "$have_wb" = "$WASM_BINDGEN_VERSION" ] || { log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"; cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force --quiet; }
command -v wasm-pack >/dev/null || { log "installing wasm-pack"; cargo install wasm-pack --locked --quiet; }

if [ ! -d node_modules ] || [ package.json -nt node_modules/.stamp ] || [ package-lock.json -nt node_modules/.stamp ]; then
  log "npm install"
  # `npm install`, not `npm ci`: npm 11 leaves other platforms' optional binaries (deno,
  # workerd) out of the lockfile and `npm ci` then refuses it as out of sync.
  npm install --no-audit --no-fund --loglevel=error
  touch node_modules/.stamp
fi
log "ready"
