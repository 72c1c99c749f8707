# Sourced by a demo's load.sh: the running local platform (the one deploy/local/up.sh started; PORTCULLIS_RUN_DIR picks
# another), and load_demo STEP ARGS..., which runs LoadDemo.java against its policy-service as the demo admin.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/../local/env.sh"
if [[ ! -f "$RUN/endpoints.env" ]]; then
  echo "no running platform in $RUN: start it with deploy/local/up.sh" >&2
  exit 1
fi
endpoint() { grep "^$1=" "$RUN/endpoints.env" | cut -d= -f2-; }
POLICY_URL=$(endpoint POLICY_URL)
load_demo() { java "$ROOT/deploy/demo/LoadDemo.java" "$POLICY_URL" "$(endpoint KEYCLOAK_TOKEN_URL)" "$@"; }
