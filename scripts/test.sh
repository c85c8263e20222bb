#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, every test on SQLite and on a
# real PostgreSQL server, and the docs. Starts PostgreSQL if it is not running, and fails
# loudly if it cannot: the storage suite never skips a backend.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wsoa-target}"
export WSOA_TEST_POSTGRES_URL="${WSOA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL"
scripts/postgres.sh

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

step "cargo test (SQLite and PostgreSQL)"
cargo test --quiet

step "pages in headless Chromium, with axe-core"
scripts/browser-tests.sh
step "schemathesis: the API against its own OpenAPI document"
cargo build --quiet
scripts/api-fuzz.sh "$CARGO_TARGET_DIR/debug/wsoa"

step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet

step "all checks passed"
