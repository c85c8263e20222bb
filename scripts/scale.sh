#!/usr/bin/env bash
# National scale, measured: generates 150 areas × 250 actions × 60 updates with 5 years of
# monthly KPI actuals (`wsoa generate`), serves it, signs in as the generated adviser and
# measures GET /compare and GET /plans/{a plan} with wrk, then times a reminder run of every
# plan (`wsoa remind --all`). Prints the generator's summary,
# the query plans of the plan page's queries, and wrk's latency distribution.
#
#   scripts/scale.sh [sqlite|postgres|both]        (default: both)
#
# Settings (environment):
#   WSOA_BIN        the binary to measure (default: a release build, made here)
#   SCALE_AREAS, SCALE_ACTIONS, SCALE_UPDATES, SCALE_KPI_YEARS   (150, 250, 60, 5)
#   SCALE_SECONDS   how long wrk runs per page (20); SCALE_CONNECTIONS (4)
#   SCALE_PORT      where the app listens (18088, on 127.0.0.1 only)
#   WSOA_TEST_POSTGRES_URL   the PostgreSQL server (postgres://postgres@127.0.0.1:5432/postgres)
#
# Bounded: generating is cut at 15 minutes, the server gets 60 seconds to start, wrk
# runs for SCALE_SECONDS per page. Everything it makes (a temporary folder, a
# PostgreSQL database wsoa_scale_PID, the server) is removed on exit, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

backends="${1:-both}"
case "$backends" in
  sqlite|postgres) ;;
  both) backends="sqlite postgres" ;;
  *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
esac

areas="${SCALE_AREAS:-150}"
actions="${SCALE_ACTIONS:-250}"
updates="${SCALE_UPDATES:-60}"
kpi_years="${SCALE_KPI_YEARS:-5}"
seconds="${SCALE_SECONDS:-20}"
connections="${SCALE_CONNECTIONS:-4}"
port="${SCALE_PORT:-18088}"
admin_url="${WSOA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export PGOPTIONS="--client-min-messages=warning"
adviser="adviser@generated.example"
password="scale-measurement-password"

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is missing; installing it with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
fi

work="$(mktemp -d)"
server=""
database=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$database" ]; then
    psql -q "$admin_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${WSOA_BIN:-}" ]; then
  echo "==> building the release binary"
  cargo build --release --quiet --bin wsoa
  # Copied, so another build into the same target folder cannot swap it mid-measure.
  cp "${CARGO_TARGET_DIR:-target}/release/wsoa" "$work/wsoa"
  WSOA_BIN="$work/wsoa"
fi
wsoa() { "$WSOA_BIN" "$@"; }

# wrk's latency lines for one page: 50%, 75%, 90% and 99%, and the request rate.
measure() {
  local name="$1" path="$2" cookie="$3"
  echo "--- GET $path ($name; $connections connections, ${seconds} s, after 3 s of warm-up)"
  # Warm-up, not reported: the pool's connections and prepared statements, the caches.
  wrk -t2 -c"$connections" -d3s -H "Cookie: $cookie" "http://127.0.0.1:$port$path" >/dev/null
  wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency \
    -H "Cookie: $cookie" "http://127.0.0.1:$port$path" >"$work/wrk.txt"
  grep -E '^ +(50|75|90|99)%|Requests/sec|Non-2xx|Socket errors' "$work/wrk.txt" || true
}

# The queries the two pages run, as the store writes them, for one plan and all plans.
queries() {
  local plan_id="$1" today="$2" ids="$3"
  cat <<SQL
-- plan page: the actions
select action_id, objective_id, ref, text, due, due_from, due_text, ratings, resource, success_measures, notes
  from action where plan_id = $plan_id order by position;
-- plan page: owners
select o.action_id, o.owner_key from action_owner o join action a on a.action_id = o.action_id
  where a.plan_id = $plan_id order by o.action_id, o.position;
-- plan page: milestones
select m.action_id, m.text, m.due, m.due_text, m.done, m.done_text
  from milestone m join action a on a.action_id = m.action_id
  where a.plan_id = $plan_id order by m.action_id, m.position;
-- plan page: the latest update of each action
select u.progress_update_id, u.action_id, u.update_date, u.author, u.narrative, u.ratings
  from action a, progress_update u
  where a.plan_id = $plan_id and u.action_id = a.action_id and u.progress_update_id = (
    select l.progress_update_id from progress_update l where l.action_id = a.action_id
    order by l.update_date desc, l.progress_update_id desc limit 1);
-- plan page with search words, and exports: every update
select u.progress_update_id, u.action_id, u.update_date, u.author, u.narrative, u.ratings
  from progress_update u join action a on a.action_id = u.action_id where a.plan_id = $plan_id;
-- plan page: KPI actuals
select a.kpi_id, a.period, a.value from kpi_actual a join kpi k on k.kpi_id = a.kpi_id
  where k.plan_id = $plan_id order by k.position, a.period_end;
-- compare: the tallies of every plan
select plan_id, ratings, count(*) as actions, sum(case when due_by < '$today' then 1 else 0 end) as past_due
  from action where true and plan_id in ($ids) group by plan_id, ratings;
-- compare: the plans the adviser may read
select p.plan_id, (select count(*) from action a where a.plan_id = p.plan_id) as actions
  from plan p join local_area l on l.local_area_id = p.local_area_id
  where p.published or exists (select 1 from role_grant g where g.local_area_id = p.local_area_id and g.app_user_id = 1)
  order by l.name, p.title, p.version desc, p.plan_id;
-- every page: the session (after the adviser signed in: one row)
select app_user_id from session where session_id = 'x' and expires_at > '$today';
SQL
}

explain_sqlite() {
  local file="$1" plan_id="$2" ids="$3"
  echo "--- EXPLAIN QUERY PLAN (SQLite), plan $plan_id"
  queries "$plan_id" "$(date -u +%F)" "$ids" | awk '
    /^--/ { print; next }
    { sql = sql " " $0 }
    /;$/ { print "explain query plan" sql; sql = "" }' \
  | sed -E 's/^(-- .*)$/.print "\1"/' | sqlite3 "$file"
}

explain_postgres() {
  local url="$1" plan_id="$2" ids="$3"
  echo "--- EXPLAIN ANALYZE (PostgreSQL), plan $plan_id"
  queries "$plan_id" "$(date -u +%F)" "$ids" | awk '
    /^--/ { print "\\echo " $0; next }
    { sql = sql " " $0 }
    /;$/ { print "explain (analyze, costs off, summary on)" sql; sql = "" }' \
  | psql -q "$url" | grep -vE '^\s*$|^ *QUERY PLAN|^-+$|^\([0-9]+ rows\)'
}

for backend in $backends; do
  echo
  echo "==> $backend: $areas areas × $actions actions × $updates updates, $kpi_years years of KPIs"
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/national.db"
  else
    database="wsoa_scale_$$"
    psql -q "$admin_url" -c "drop database if exists $database with (force)" >/dev/null
    psql -q "$admin_url" -c "create database $database" >/dev/null
    url="${admin_url%/*}/$database"
  fi
  # The generator's own summary; sqlx's warning that VACUUM took over a second is expected.
  WSOA_LOG=error timeout 900 "$WSOA_BIN" --db "$url" generate --areas "$areas" --actions "$actions" \
    --updates "$updates" --kpi-years "$kpi_years" --adviser "$adviser" --password "$password" 2>&1 \
    | grep -v '^generated [0-9]*/'
  plan_line="$(wsoa --db "$url" plans | sed -n "$(( (areas + 1) / 2 ))p")"
  slug="${plan_line%%$'\t'*}"
  plan_id="$(sed -E 's/.*\(id ([0-9]+),.*/\1/' <<<"$plan_line")"
  ids="$(seq -s, 1 "$areas")"

  WSOA_LOG=warn "$WSOA_BIN" --db "$url" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
  # Signing in as a browser does: a form post (no Origin header, so the CSRF check passes
  # as for any non-browser client), then the session cookie from Set-Cookie.
  cookie="$(curl -s -o /dev/null -D - --data-urlencode "email=$adviser" \
    --data-urlencode "password=$password" "http://127.0.0.1:$port/login" \
    | sed -nE 's/^[Ss]et-[Cc]ookie: ([^;]*wsoa_session=[^;]*);.*/\1/p' | head -1)"
  [ -n "$cookie" ] || { echo "signing in as $adviser failed" >&2; exit 1; }
  shown="$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/compare" \
    | grep -o '[A-Z][a-z]*shire [0-9][0-9][0-9]' | sort -u | wc -l)"
  echo "--- /compare as $adviser names $shown generated areas; the plan page measured: /plans/$slug"
  if [ "$backend" = sqlite ]; then
    explain_sqlite "$work/national.db" "$plan_id" "$ids"
  else
    explain_postgres "$url" "$plan_id" "$ids"
  fi
  echo "--- load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
  measure "$backend" /compare "$cookie"
  measure "$backend" "/plans/$slug" "$cookie"

  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  # Every plan's reminders and digests written to the outbox at once (target: under 10 s).
  echo "--- wsoa remind --all ($backend): every generated owner with something to do, and the digests"
  WSOA_LOG=error "$WSOA_BIN" --db "$url" remind --all 2>&1 | tail -1
  if [ "$backend" = postgres ]; then
    psql -q "$admin_url" -c "drop database if exists $database with (force)" >/dev/null
    database=""
  else
    rm -f "$work"/national.db*
  fi
done
