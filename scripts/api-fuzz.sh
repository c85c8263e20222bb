#!/usr/bin/env bash
# Fuzzes the JSON API against its own OpenAPI document with schemathesis: starts the
# built `wsoa serve` on a free loopback port over a temporary SQLite database holding the
# small test plan (with the KPIs, voice and "you said, we did" of
# tests/fixtures/evidence.json), an editor and the editor's API token, then requires no
# server error and no response that breaks the document. Bounded in examples and time;
# the server is always stopped.
#
# Usage: scripts/api-fuzz.sh [PATH_TO_WSOA_BINARY]   (defaults to the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION="4.32.5"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wsoa-target}"
bin="${1:-$CARGO_TARGET_DIR/debug/wsoa}"

# Run through the interpreter, so it works wherever pip put the `st` script.
st() { python3 -m schemathesis.cli "$@"; }
if ! st --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export WSOA_DATABASE_URL="sqlite://$work/fuzz.db"
export WSOA_LOG="${WSOA_LOG:-wsoa=warn}"
# The small plan with its evidence beside it, so the KPI and voice endpoints answer with
# real data (the tests build the same plan in helpers::plan_with_evidence).
python3 - "$work/plan.json" <<'PY'
import json, sys
plan = json.load(open("tests/fixtures/small-plan.json"))
plan.update(json.load(open("tests/fixtures/evidence.json")))
json.dump(plan, open(sys.argv[1], "w"))
PY
"$bin" import "$work/plan.json" >/dev/null 2>&1
"$bin" publish --plan northshire-wsoa >/dev/null 2>&1
WSOA_PASSWORD="fuzzing editor password" \
  "$bin" user add --email editor@fuzz.example --role editor --area Northshire >/dev/null 2>&1
token="$("$bin" user token --email editor@fuzz.example --name schemathesis 2>/dev/null)"

# A free port: bind to 0, read what the kernel gave, release it.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
"$bin" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }

# not_a_server_error: no 5xx. response_schema_conformance, status_code_conformance,
# content_type_conformance, response_headers_conformance: every response is one the
# document describes. negative_data_rejection: input the document forbids is refused
# (so documented limits are enforced). ignored_auth, unsupported_method: the token
# matters and undocumented methods are refused. positive_data_acceptance is left out on
# purpose: schema-valid updates can still break the plan's own rating key, and a
# schema-valid object is rarely a valid plan. The run is bounded by examples per
# operation, by --max-time and by `timeout`.
# From the temporary folder, so schemathesis keeps its cache out of the repository.
(cd "$work" && timeout 180 python3 -m schemathesis.cli run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port/api/v1" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance,negative_data_rejection,ignored_auth,unsupported_method \
  --max-examples 40 \
  --max-time 100 \
  --seed 20261122 \
  --no-color) \
  || { status=$?; echo "--- server log"; tail -50 "$work/server.log"; exit "$status"; }
