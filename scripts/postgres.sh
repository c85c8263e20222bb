#!/usr/bin/env bash
# Makes sure the PostgreSQL server the tests use is reachable: starts the local cluster if
# it is installed but stopped, installs it with apt-get if it is missing and we are root.
# Exits non-zero with a clear message if none of that works.
set -euo pipefail

url="${WSOA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
hostport="${url#*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"
[ "$port" = "$host" ] && port=5432

ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }

if ! command -v pg_isready >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; installing it with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "error: PostgreSQL is not installed and cannot be installed here; install it or set WSOA_TEST_POSTGRES_URL" >&2
    exit 1
  fi
fi

if ! ready; then
  echo "PostgreSQL is not answering on $host:$port; starting the local cluster"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for version in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
  fi
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi

if ! ready; then
  echo "error: cannot reach PostgreSQL at $host:$port; the storage suite needs it (set WSOA_TEST_POSTGRES_URL to use another server)" >&2
  exit 1
fi

# The suite connects as the user in the URL without a password (trust auth, as on this
# machine kind); check that before a hundred tests fail with the same message.
if ! psql "$url" -qtAc 'select 1' >/dev/null 2>&1; then
  echo "error: PostgreSQL at $host:$port refuses $url; allow that user, or set WSOA_TEST_POSTGRES_URL" >&2
  exit 1
fi

# Databases left behind by interrupted test runs.
psql "$url" -qtAc "select datname from pg_database where datname like 'wsoa_test_%'" |
  while read -r name; do
    [ -n "$name" ] && psql "$url" -qtAc "drop database if exists \"$name\"" >/dev/null || true
  done
echo "PostgreSQL is ready at $host:$port"
