#!/usr/bin/env bash
# Pages in real headless Chromium: installs Debian's chromium and the npm packages if they
# are missing, serves the demo on a free port with a throwaway SQLite database, and runs
# the tests in browser/tests with Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "error: chromium is not installed and cannot be installed here" >&2
    exit 1
  fi
fi

if [ ! -d browser/node_modules/playwright-core ] || [ browser/package-lock.json -nt browser/node_modules/.package-lock.json ]; then
  (cd browser && npm ci --no-audit --no-fund --loglevel=error)
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wsoa-target}"
cargo build --quiet
binary="$CARGO_TARGET_DIR/debug/wsoa"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$binary" --db "sqlite://$work/browser.db" serve --demo --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "error: the server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

(cd browser && WSOA_BASE_URL="http://127.0.0.1:$port" timeout 600 node --test --test-concurrency=1 tests/)
