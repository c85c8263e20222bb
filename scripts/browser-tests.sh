#!/usr/bin/env bash
# Pages in real headless Chromium: installs Debian's chromium and the npm packages if they
# are missing, starts a test OpenID Connect provider, serves the demo on a free port with a
# throwaway SQLite database and that provider configured for single sign-on, and runs the
# tests in browser/tests with Node's test runner.
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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="$(free_port)"
oidc_port="$(free_port)"
while [ "$oidc_port" = "$port" ]; do oidc_port="$(free_port)"; done
server=""
provider=""
cleanup() {
  for pid in $server $provider; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A real OpenID Connect provider (browser/oidc/provider.mjs) for the single sign-on tests,
# with a client secret made up for this run only.
oidc_issuer="http://127.0.0.1:$oidc_port"
oidc_secret="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
OIDC_PORT="$oidc_port" OIDC_CLIENT_ID=wsoa-browser-tests OIDC_CLIENT_SECRET="$oidc_secret" \
  OIDC_REDIRECT_URI="http://127.0.0.1:$port/sso/demo-idp/callback" \
  node browser/oidc/provider.mjs >"$work/oidc.log" 2>&1 &
provider=$!
for _ in $(seq 1 100); do
  curl -fsS "$oidc_issuer/.well-known/openid-configuration" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! curl -fsS "$oidc_issuer/.well-known/openid-configuration" >/dev/null 2>&1; then
  echo "error: the OpenID Connect provider did not start:" >&2
  cat "$work/oidc.log" >&2
  exit 1
fi
cat >"$work/oidc.json" <<JSON
{"providers":[{"id":"demo-idp","name":"Demo Council","issuer":"$oidc_issuer","client_id":"wsoa-browser-tests","client_secret":"$oidc_secret","email_domains":["demo.example"]}]}
JSON

"$binary" --db "sqlite://$work/browser.db" serve --demo --addr "127.0.0.1:$port" \
  --oidc-config "$work/oidc.json" --base-url "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "error: the server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

# Test files may be named (relative to browser/), e.g. `scripts/browser-tests.sh tests/sso.test.mjs`.
if [ $# -eq 0 ]; then set -- tests/; fi
(cd browser && WSOA_BASE_URL="http://127.0.0.1:$port" OIDC_ISSUER="$oidc_issuer" timeout 600 node --test --test-concurrency=1 "$@")
