#!/usr/bin/env bash
# Refreshes the vendored Leaflet (BSD-2-Clause) in assets/vendor/leaflet from the npm
# registry. Usage: scripts/vendor-leaflet.sh [version]
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-1.9.4}"
tmp="$(mktemp -d)"
(cd "$tmp" && npm pack "leaflet@$version" >/dev/null && tar xzf "leaflet-$version.tgz")
dest=assets/vendor/leaflet
mkdir -p "$dest/images"
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$tmp/package/LICENSE" "$dest/"
cp "$tmp/package/dist/images/"*.png "$dest/images/"
rm -rf "$tmp"
echo "Leaflet $version vendored into $dest"
