#!/usr/bin/env bash
# Loads the AuthZEN Todo interop scenario (policies/*.json) into a running local platform, as the
# demo admin. The platform is the one deploy/local/up.sh started (PORTCULLIS_RUN_DIR picks another).
#   deploy/demo/authzen-todo/load.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
source "$HERE/../../local/env.sh"
if [[ ! -f "$RUN/endpoints.env" ]]; then
  echo "no running platform in $RUN: start it with deploy/local/up.sh" >&2
  exit 1
fi
endpoint() { grep "^$1=" "$RUN/endpoints.env" | cut -d= -f2-; }
POLICY_URL=$(endpoint POLICY_URL)
java "$HERE/LoadPolicies.java" "$POLICY_URL" "$(endpoint KEYCLOAK_TOKEN_URL)" "$HERE/policies"
echo "loaded; ask it: curl -H \"Authorization: Bearer <token>\" -H 'Content-Type: application/json' -d @request.json $POLICY_URL/access/v1/evaluation"
