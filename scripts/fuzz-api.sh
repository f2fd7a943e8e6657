#!/usr/bin/env bash
# Fuzzes the JSON API with schemathesis against its own OpenAPI document
# (/api/v1/openapi.json): as an administrator and as a resident, every response must match
# the document and none may be a 5xx; every request the document calls invalid must be
# refused. Ends with `meguri verify` on the database the fuzzing left behind.
#
# Usage: scripts/fuzz-api.sh MEGURI ST [EXAMPLES]
# (the deliberate panic route of the sandbox is left out: it answers 500 by design)
# As a merchant too: a store and its staff login are made first.
set -euo pipefail
meguri=$(realpath "$1"); st=$(realpath "$2"); examples=${3:-40}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$meguri" init --db city.db >/dev/null
# The server prints its address on its first line once it accepts connections.
exec 3< <(exec "$meguri" serve --db city.db --addr 127.0.0.1:0 --sandbox 2>server.log)
pid=$!
read -r line <&3 || { cat server.log; exit 1; }
base=${line#meguri listening on }
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
admin=$("$meguri" token create --db city.db --role admin --name fuzz | tail -1)
resident_id=$(curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"login":"fuzz-resident","password":"password-1234","display_name":"fuzz"}' \
  "$base/api/v1/residents" | id_of)
resident=$("$meguri" token create --db city.db --role resident --name fuzz --subject "$resident_id" | tail -1)
store_id=$(curl -sf -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"name":"ふざけ商店","name_kana":"フザケショウテン","category":"食料品","address":"本町1-1"}' \
  "$base/api/v1/stores" | id_of)
merchant_id=$(curl -sf -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"login":"fuzz-shop","password":"password-1234"}' "$base/api/v1/stores/$store_id/staff" | id_of)
merchant=$("$meguri" token create --db city.db --role merchant --name fuzz --subject "$merchant_id" | tail -1)
for token in "$admin" "$resident" "$merchant"; do
  "$st" run "$base/api/v1/openapi.json" -H "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance \
    --exclude-path /api/v1/sandbox/panic \
    --max-examples "$examples" --seed 20261122 --workers 2 --no-color
done
kill "$pid"; wait "$pid" || true
"$meguri" verify --db city.db | tail -1
