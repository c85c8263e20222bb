#!/usr/bin/env bash
# Load test: a release `wsoa serve` on 127.0.0.1 with a generated 250-action plan, driven
# by wrk at 1, 8, 32 and 128 connections against the dashboard, the plan page, an action
# page, the JSON API's action list, and posting progress updates through the API.
# Prints requests per second, p50/p99 latency, errors and the server's peak memory, and
# checks them against the targets in docs/performance.md.
#
#   scripts/load.sh                     # SQLite in a temporary directory
#   scripts/load.sh postgres            # a scratch PostgreSQL database (dropped after)
#   WSOA_LOAD_SECONDS=5 scripts/load.sh # shorter runs (default 10 s per step)
#
# Bounded in time: 5 pages × 4 connection counts × WSOA_LOAD_SECONDS, plus the build.
# Exits non-zero if any request failed; a missed speed target is reported, not fatal
# (the machine may be shared), so the numbers are always printed.
set -euo pipefail
cd "$(dirname "$0")/.."

backend="${1:-sqlite}"
seconds="${WSOA_LOAD_SECONDS:-10}"
port="${WSOA_LOAD_PORT:-18181}"
connections=(${WSOA_LOAD_CONNECTIONS:-1 8 32 128})
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wsoa-target}"

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq wrk >/dev/null ||
        { timeout 600 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq wrk >/dev/null; }
fi

echo "==> building the release binary" >&2
cargo build --release --quiet --bin wsoa
wsoa="$CARGO_TARGET_DIR/release/wsoa"

work="$(mktemp -d)"
server=""
pg_db=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ -n "$pg_db" ]; then dropdb -h 127.0.0.1 -U postgres --if-exists "$pg_db" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
    sqlite) db="sqlite://$work/load.db" ;;
    postgres)
        scripts/postgres.sh >/dev/null
        pg_db="wsoa_load_$$"
        createdb -h 127.0.0.1 -U postgres "$pg_db"
        db="postgres://postgres@127.0.0.1:5432/$pg_db"
        ;;
    *) echo "usage: scripts/load.sh [sqlite|postgres]" >&2; exit 2 ;;
esac

echo "==> generating one area with a 250-action plan" >&2
"$wsoa" --db "$db" generate --areas 1 --actions 250 --updates 4 --kpi-years 2 >/dev/null
plan="$("$wsoa" --db "$db" plans | head -n 1 | cut -f 1)"
area="$("$wsoa" --db "$db" export --plan "$plan" | python3 -c 'import json,sys; print(json.load(sys.stdin)["local_area"])')"
password="load-test-password-1"
WSOA_PASSWORD="$password" "$wsoa" --db "$db" user add --email editor@load.test --role editor --area "$area" >/dev/null
token="$("$wsoa" --db "$db" user token --email editor@load.test --name load | tail -n 1)"

"$wsoa" --db "$db" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    curl -sf "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -sf "$base/healthz" >/dev/null || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

cookie="$(curl -s -o /dev/null -D - -X POST "$base/login" \
    --data-urlencode "email=editor@load.test" --data-urlencode "password=$password" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(wsoa_session=[^;]*\).*/\1/p' | head -n 1)"
[ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }
# Every action id, through the API's pages (at most 100 per page).
actions="$(python3 - "$base" "$plan" "$token" <<'PY'
import json, sys, urllib.request
base, plan, token = sys.argv[1:4]
ids, page = [], 1
while True:
    request = urllib.request.Request(f"{base}/api/v1/plans/{plan}/actions?per_page=100&page={page}",
                                     headers={"Authorization": f"Bearer {token}"})
    body = json.load(urllib.request.urlopen(request))
    ids += [str(a["id"]) for a in body["data"]]
    if page >= body["meta"]["total_pages"]:
        break
    page += 1
print(",".join(ids))
PY
)"
action="${actions%%,*}"
echo "plan $plan: $(tr ',' '\n' <<<"$actions" | wc -l) actions" >&2

# Posting updates spreads over every action of the plan, one narrative each.
cat >"$work/post.lua" <<LUA
local actions = { $actions }
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
request = function()
    n = n + 1
    local id = actions[(n % #actions) + 1]
    local body = '{"narrative":"Load test update ' .. n .. ': the panel met and agreed the next steps."}'
    return wrk.format(nil, "/api/v1/plans/$plan/actions/" .. id .. "/updates", nil, body)
end
LUA
# Asks for gzip as every browser does, and counts answers of 400 and above (wrk's own
# summary counts only socket errors and non-2xx/3xx, per run).
cat >"$work/count.lua" <<'LUA'
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
local bad = 0
response = function(status) if status >= 400 then bad = bad + 1 end end
done = function() io.write(string.format("bad_status %d\n", bad)) end
LUA
# wrk runs `response` per thread, so each thread reports its own count; summed below.
cat >"$work/post-count.lua" <<LUA
$(cat "$work/post.lua")
$(cat "$work/count.lua")
LUA

results="$work/results.tsv"
printf 'page\tconnections\trequests/s\tp50\tp99\terrors\n' >"$results"
errors_total=0

# Latency as printed by wrk (µs, ms or s), in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else { printf "%s", v } }'
}

run() {
    local name="$1" path="$2" script="$3" auth_header="$4"
    for c in "${connections[@]}"; do
        local threads=$((c < 2 ? 1 : 2))
        local out
        out="$(wrk -t "$threads" -c "$c" -d "${seconds}s" --timeout 10s --latency \
            -s "$script" -H "$auth_header" "$base$path" 2>&1)"
        local rps p50 p99 socket bad errors
        rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
        p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
        p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
        socket="$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")"
        bad="$(awk '/^bad_status/ {s += $2} END {print s + 0}' <<<"$out")"
        errors=$(( ${socket:-0} + ${bad:-0} ))
        errors_total=$((errors_total + errors))
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$c" "$rps" "$p50" "$p99" "$errors" >>"$results"
        printf '%-14s c=%-4s %10s req/s  p50 %8s ms  p99 %8s ms  errors %s\n' \
            "$name" "$c" "$rps" "$p50" "$p99" "$errors" >&2
    done
}

echo "==> load: ${seconds}s per step, connections ${connections[*]}" >&2
run "dashboard" "/plans/$plan/dashboard" "$work/count.lua" "Cookie: $cookie"
run "plan page" "/plans/$plan" "$work/count.lua" "Cookie: $cookie"
run "action page" "/plans/$plan/actions/$action" "$work/count.lua" "Cookie: $cookie"
run "api actions" "/api/v1/plans/$plan/actions" "$work/count.lua" "Authorization: Bearer $token"
run "post update" "/" "$work/post-count.lua" "X-Load: 1"

peak_kib="$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")"
peak_mb=$((peak_kib / 1024))
stored="$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/plans/$plan/actions/$action/updates" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["total"])')"

echo
echo "backend: $backend; ${seconds}s per step; $(nproc) cores; load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
column -t -s $'\t' "$results"
echo "server peak memory (VmHWM): ${peak_mb} MB"
echo "updates on the first action after the run: $stored"

verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "MISSED"; fi; }
plan32_p99="$(awk -F '\t' '$1 == "plan page" && $2 == 32 {print $5}' "$results")"
plan_best="$(awk -F '\t' '$1 == "plan page" {if ($3 > m) m = $3} END {print m + 0}' "$results")"
post_best="$(awk -F '\t' '$1 == "post update" {if ($3 > m) m = $3} END {print m + 0}' "$results")"
echo
echo "targets:"
echo "  plan page p99 at 32 connections < 20 ms: ${plan32_p99:-n/a} ms ($(verdict "$(awk -v v="${plan32_p99:-99999}" 'BEGIN {print (v < 20)}')"))"
echo "  plan pages per second >= 3000: $plan_best ($(verdict "$(awk -v v="$plan_best" 'BEGIN {print (v >= 3000)}')"))"
echo "  updates stored per second >= 500: $post_best ($(verdict "$(awk -v v="$post_best" 'BEGIN {print (v >= 500)}')"))"
echo "  server memory < 100 MB: $peak_mb MB ($(verdict "$((peak_mb < 100))"))"
echo "  zero errors: $errors_total ($(verdict "$((errors_total == 0))"))"
[ "$errors_total" -eq 0 ]
