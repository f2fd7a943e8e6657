#!/usr/bin/env bash
# Refreshes the vendored jsQR (Apache-2.0) in assets/vendor/jsqr from the npm registry:
# the QR decoder used where the browser has no BarcodeDetector (Safari, older Android).
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-1.4.0}"
tmp="$(mktemp -d)"
(cd "$tmp" && npm pack "jsqr@$version" >/dev/null && tar xzf "jsqr-$version.tgz")
mkdir -p assets/vendor/jsqr
cp "$tmp/package/dist/jsQR.js" "$tmp/package/LICENSE" assets/vendor/jsqr/
rm -rf "$tmp"
echo "jsQR $version vendored into assets/vendor/jsqr"
