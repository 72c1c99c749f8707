#!/usr/bin/env bash
# Loads the AuthZEN Todo interop scenario into a running local platform, as the demo admin: its policies
# (policies/*.json), and its users' attributes (roles, email) into policy-service's directory, read from
# the scenario's document (the OpenID AuthZEN interop's, beside the project in ../shared, or the path given).
# The platform is the one deploy/local/up.sh started (PORTCULLIS_RUN_DIR picks another).
#   deploy/demo/authzen-todo/load.sh [scenario-todo-1.1.md]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
source "$HERE/../load-demo.sh"
SCENARIO=${1:-$ROOT/../shared/interop/authzen/scenario-todo-1.1.md}
if [[ ! -f "$SCENARIO" ]]; then
  echo "no scenario document at $SCENARIO: give the path of the AuthZEN interop's scenario-todo-1.1.md" >&2
  exit 1
fi
load_demo policies "$HERE/policies" users-of-scenario user "$SCENARIO"
echo "loaded; ask it: curl -H \"Authorization: Bearer <token>\" -H 'Content-Type: application/json' -d @request.json $POLICY_URL/access/v1/evaluation"
