#!/usr/bin/env bash
# Vendors the GOV.UK Design System's built CSS and JS into static/vendor/govuk-frontend.
# Run by hand when upgrading; the output is committed and embedded in the binary, so
# nothing is fetched at build or run time.
#
# The GDS Transport typeface is licensed for GOV.UK services only, so its @font-face
# rules are removed and the font stack becomes Arial/Helvetica.
set -euo pipefail
version="${1:-6.6.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/static/vendor/govuk-frontend"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "govuk-frontend@$version" >/dev/null && tar xzf govuk-frontend-*.tgz)
dist="$work/package/dist/govuk"
mkdir -p "$out/images"
sed -E -e 's/@font-face\{font-family:GDS Transport;[^}]*\}//g' \
       -e 's/font-family:GDS Transport,arial,sans-serif/font-family:arial,helvetica,sans-serif/g' \
       -e 's/font-family:GDS Transport/font-family:arial,helvetica,sans-serif/g' \
       -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
       "$dist/govuk-frontend.min.css" > "$out/govuk-frontend.min.css"
sed -e 's#//\# sourceMappingURL=.*##' "$dist/govuk-frontend.min.js" > "$out/govuk-frontend.min.js"
cp "$dist/assets/images/favicon.ico" "$dist/assets/images/favicon.svg" "$out/images/"
cp "$work/package/LICENSE.txt" "$out/LICENSE.txt" 2>/dev/null || true
echo "$version" > "$out/VERSION"
if grep -q 'GDS Transport' "$out/govuk-frontend.min.css"; then
  echo "GDS Transport still referenced in the CSS" >&2
  exit 1
fi
echo "govuk-frontend $version vendored into $out"
