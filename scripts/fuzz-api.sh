#!/usr/bin/env bash
# Fuzzes the JSON API with schemathesis against its own OpenAPI document
# (/api/v1/openapi.json): as an administrator and as a resident, every response must match
# the document and none may be a 5xx; every request the document calls invalid must be
# refused. Ends with `meguri verify` on the database the fuzzing left behind.
#
# Usage: scripts/fuzz-api.sh MEGURI ST [EXAMPLES]
# (the deliberate panic route of the sandbox is left out: it answers 500 by design)
set -euo pipefail
meguri=$(realpath "$1"); st=$(realpath "$2"); examples=${3:-40}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$meguri" init --db city.db >/dev/null
# The server prints its address on its first line once it accepts connections.
exec 3< <(exec "$meguri" serve --db city.db --addr 127.0.0.1:0 --fake-clock 2>server.log)
pid=$!
read -r line <&3 || { cat server.log; exit 1; }
base=${line#meguri listening on }
admin=$("$meguri" token create --db city.db --role admin --name fuzz | tail -1)
resident_id=$(curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"login":"fuzz-resident","password":"password-1234","display_name":"fuzz"}' \
  "$base/api/v1/residents" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
resident=$("$meguri" token create --db city.db --role resident --name fuzz --subject "$resident_id" | tail -1)
for token in "$admin" "$resident"; do
  "$st" run "$base/api/v1/openapi.json" -H "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance \
    --exclude-path /api/v1/sandbox/panic \
    --max-examples "$examples" --seed 20261122 --workers 2 --no-color
done
kill "$pid"; wait "$pid" || true
"$meguri" verify --db city.db | tail -1
