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

step "LibreOffice"
# The import corpus test (tests/it/import_corpus.rs) converts two plans to PDF with it,
# and the step after the tests opens exported documents in it.
# Writer and Calc both: a machine with only one of them has `soffice` but cannot convert
# the other's documents.
if ! command -v soffice >/dev/null 2>&1 \
    || ! ls /usr/lib/libreoffice/program/libsclo.so /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 900 apt-get update -qq
    timeout 900 apt-get install -y -qq --no-install-recommends libreoffice-writer libreoffice-calc >/dev/null
fi

step "A local SMTP server for the mail tests"
# tests/it/mail.rs starts aiosmtpd on 127.0.0.1 and reads what it received.
if ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 900 apt-get update -qq
    timeout 900 apt-get install -y -qq --no-install-recommends python3-aiosmtpd >/dev/null
fi
/usr/bin/python3 -c 'import aiosmtpd; print("aiosmtpd", aiosmtpd.__version__)'

step "cargo test (SQLite and PostgreSQL)"
cargo test --quiet

step "LibreOffice opens an exported DOCX and XLSX"
# Proves the Word and Excel files open in a real office suite: both are converted to PDF
# by LibreOffice headless, which fails to produce a file it cannot read.
cargo build --quiet
office="$(mktemp -d)"
trap 'rm -rf "$office"' EXIT
wsoa="$CARGO_TARGET_DIR/debug/wsoa"
db="sqlite://$office/plans.db"
"$wsoa" --db "$db" import tests/fixtures/small-plan.json >/dev/null 2>&1
"$wsoa" --db "$db" export --plan 1 --report highlight --format docx -o "$office/highlight.docx"
"$wsoa" --db "$db" export --plan 1 --report tracker --format xlsx -o "$office/tracker.xlsx"
timeout 300 soffice "-env:UserInstallation=file://$office/profile" --headless \
    --convert-to pdf --outdir "$office/pdf" "$office/highlight.docx" "$office/tracker.xlsx" >/dev/null 2>&1 || true
for converted in highlight tracker; do
    if [ ! -s "$office/pdf/$converted.pdf" ]; then
        echo "LibreOffice did not convert $converted to PDF" >&2
        exit 1
    fi
done
echo "LibreOffice converted highlight.docx and tracker.xlsx to PDF"

step "pages in headless Chromium, with axe-core"
scripts/browser-tests.sh
step "schemathesis: the API against its own OpenAPI document"
cargo build --quiet
scripts/api-fuzz.sh "$CARGO_TARGET_DIR/debug/wsoa"

step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet

step "all checks passed"
