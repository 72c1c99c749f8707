#!/usr/bin/env bash
# Loads the AuthZEN interop "Search" scenario into a running local platform, as the demo admin: its policy (policies/*.json),
# its users and records into policy-service's directory (the policy information point the scenario expects), and the actions
# an action search tries on a record. The data is the interop's own (search-users.json, search-records.json), read from beside
# the project (../shared/interop/authzen) or the directory given; nothing of it is copied here.
# The platform is the one deploy/local/up.sh started (PORTCULLIS_RUN_DIR picks another).
#   deploy/demo/authzen-search/load.sh [interop-dir]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
source "$HERE/../load-demo.sh"
INTEROP=${1:-$ROOT/../shared/interop/authzen}
for data in search-users.json search-records.json; do
  if [[ ! -f "$INTEROP/$data" ]]; then
    echo "no $data in $INTEROP: give the directory of the AuthZEN interop's search data" >&2
    exit 1
  fi
done
load_demo policies "$HERE/policies" \
  entities user "$INTEROP/search-users.json" entities record "$INTEROP/search-records.json" actions record view,edit,delete
echo "loaded; search it: curl -H \"Authorization: Bearer <token>\" -H 'Content-Type: application/json' -d '{\"subject\":{\"type\":\"user\"},\"action\":{\"name\":\"view\"},\"resource\":{\"type\":\"record\",\"id\":\"105\"}}' $POLICY_URL/access/v1/search/subject"
