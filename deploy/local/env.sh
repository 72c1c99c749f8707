# Sourced by up.sh and down.sh: where the local platform lives and which ports it takes.
# Every setting can be overridden from the environment; the e2e tests run a second platform
# beside a developer's by setting PORTCULLIS_RUN_DIR, PORTCULLIS_PORT_OFFSET and PORTCULLIS_DB_PREFIX.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
RUN=${PORTCULLIS_RUN_DIR:-$ROOT/deploy/local/.run}
OFFSET=${PORTCULLIS_PORT_OFFSET:-0}
DB_PREFIX=${PORTCULLIS_DB_PREFIX:-portcullis}

KEYCLOAK_VERSION=26.7.3
GREENMAIL_VERSION=2.1.8

KAFKA_PORT=$((9092 + OFFSET))
KAFKA_CONTROLLER_PORT=$((9093 + OFFSET))
KEYCLOAK_PORT=$((8180 + OFFSET))
KEYCLOAK_MANAGEMENT_PORT=$((9180 + OFFSET))
SMTP_PORT=$((3025 + OFFSET))
IMAP_PORT=$((3143 + OFFSET))
MAIL_API_PORT=$((8025 + OFFSET))
INVENTORY_PORT=$((8081 + OFFSET))
REVIEW_PORT=$((8082 + OFFSET))
POLICY_PORT=$((8083 + OFFSET))
NOTIFICATION_PORT=$((8084 + OFFSET))

# The local broker asks who its clients are (SCRAM-SHA-512) and authorizes them, as a cluster's does: its admin, and the
# users of deploy/kubernetes/kafka-users.yaml (each service's, a partner-signal connector's) with the same ACLs; local
# passwords only: the admin's, and every other user's is its name followed by the suffix
KAFKA_ADMIN_PASSWORD=${PORTCULLIS_KAFKA_ADMIN_PASSWORD:-admin-local-secret}
KAFKA_PASSWORD_SUFFIX=-local-secret

# PostgreSQL: the local cluster of postgres.sh, or any server the PG* variables name
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PORTCULLIS_DB_USER=${PORTCULLIS_DB_USER:-${PGUSER:-portcullis}}
PORTCULLIS_DB_PASSWORD=${PORTCULLIS_DB_PASSWORD:-${PGPASSWORD:-portcullis}}

SERVICES=(inventory review policy notification)
service_port() { local v; v="$(echo "$1" | tr a-z A-Z)_PORT"; echo "${!v}"; }
# Several instances of each service (up.sh --instances N, or PORTCULLIS_INSTANCES): instance k of a
# service is named "<service>-k" (the first keeps the plain name) and listens 10 ports above instance k-1.
INSTANCES=${PORTCULLIS_INSTANCES:-1}
instance_name() { if [ "$2" = 1 ]; then echo "$1"; else echo "$1-$2"; fi; }
instance_port() { echo $(( $(service_port "$1") + 10 * ($2 - 1) )); }
# health and metrics (the management interface) listen 100 ports above the instance's API
management_port() { echo $(( $(instance_port "$1" "$2") + 100 )); }

# the highest instance number of any service instance that runs now (0: none)
running_instances() {
  local s k n=0
  for s in "${SERVICES[@]}"; do for k in 1 2 3 4 5 6 7 8 9; do running "$(instance_name "$s" "$k")" && [ "$k" -gt "$n" ] && n=$k; done; done
  echo "$n"
}
# SERVICE PORT_FUNCTION: the comma-separated URLs of every instance of a service
urls() { local k out=""; for k in $(seq 1 "$INSTANCES"); do out="$out${out:+,}http://127.0.0.1:$($2 "$1" "$k")"; done; echo "$out"; }

PIDS=$RUN/pids
LOGS=$RUN/logs
mkdir -p "$PIDS" "$LOGS"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The mark of a process up.sh started: a string its command line carries and no other process's
# does (a -Dportcullis-process=... for the JVMs, Keycloak's own bin/ path under the run directory).
# Not portcullis.process: every portcullis.* property must be one PortcullisSettings knows, or the service stops.
# Keycloak's kc.sh may re-exec itself as java after its first build: its bin/ path is on both command lines.
process_mark() { if [ "$1" = keycloak ]; then echo "$RUN/keycloak-$KEYCLOAK_VERSION/bin/"; else echo "-Dportcullis-process=$RUN/$1"; fi; }
# true when the pid file of $1 names a live process that is still the one up.sh started: pids are
# reused, so a recorded pid is trusted only while the process behind it carries the mark
running() {
  local pid
  [ -f "$PIDS/$1.pid" ] && pid=$(cat "$PIDS/$1.pid") && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(process_mark "$1")"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for NAME SECONDS COMMAND...: polls COMMAND until it succeeds; fails with the log's tail
wait_for() {
  local name=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    # dead, not merely "not yet ours": just after the start, the recorded pid may still be the subshell before its exec (no mark yet)
    if [ -f "$PIDS/$name.pid" ] && ! kill -0 "$(cat "$PIDS/$name.pid")" 2>/dev/null; then
      log "$name exited; the end of $LOGS/$name.log:"; tail -30 "$LOGS/$name.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "$name not ready after ${seconds}s; the end of $LOGS/$name.log:"; tail -30 "$LOGS/$name.log" >&2; return 1
    fi
    sleep 0.5
  done
}

MVN=("$ROOT/mvnw" -B --no-transfer-progress)

# endpoints.env: where everything is, true to what runs after every up.sh and down.sh (a part started or stopped alone
# keeps the other instances listed); written whole, then moved, so a reader never sees half of it
write_endpoints() {
  local INSTANCES=$INSTANCES now
  now=$(running_instances)
  [ "$now" -gt "$INSTANCES" ] && INSTANCES=$now
  cat > "$RUN/endpoints.env.tmp" <<ENV
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT
KAFKA_SASL_MECHANISM=SCRAM-SHA-512
KAFKA_ADMIN_USER=admin
KAFKA_ADMIN_PASSWORD=$KAFKA_ADMIN_PASSWORD
KAFKA_PASSWORD_SUFFIX=$KAFKA_PASSWORD_SUFFIX
KEYCLOAK_URL=http://127.0.0.1:$KEYCLOAK_PORT
KEYCLOAK_REALM=portcullis
KEYCLOAK_TOKEN_URL=http://127.0.0.1:$KEYCLOAK_PORT/realms/portcullis/protocol/openid-connect/token
SIGNAL_CLIENT_ID=portcullis-signal
SIGNAL_CLIENT_SECRET=portcullis-signal-secret
SCIM_CLIENT_ID=portcullis-demo-scim
SCIM_CLIENT_SECRET=portcullis-demo-scim-secret
SSF_RECEIVER_CLIENT_ID=portcullis-demo-app
SSF_RECEIVER_CLIENT_SECRET=portcullis-demo-app-secret
SSF_CONFIGURATION_URL=http://127.0.0.1:$INVENTORY_PORT/.well-known/ssf-configuration
PARTNER_IDP_ISSUER=http://127.0.0.1:$KEYCLOAK_PORT/realms/partner
PARTNER_IDP_CLIENT_ID=portcullis-receiver
PARTNER_IDP_CLIENT_SECRET=portcullis-receiver-secret
PARTNER_IDP_USER=ann
PARTNER_IDP_USER_ID=6f1c2a50-0000-4000-8000-00000000a11e
SMTP_HOST=127.0.0.1
SMTP_PORT=$SMTP_PORT
IMAP_PORT=$IMAP_PORT
MAIL_API_URL=http://127.0.0.1:$MAIL_API_PORT
POSTGRES_URL=jdbc:postgresql://$PGHOST:$PGPORT/${DB_PREFIX}_<service>
INVENTORY_URL=http://127.0.0.1:$INVENTORY_PORT
REVIEW_URL=http://127.0.0.1:$REVIEW_PORT
POLICY_URL=http://127.0.0.1:$POLICY_PORT
NOTIFICATION_URL=http://127.0.0.1:$NOTIFICATION_PORT
INSTANCES=$INSTANCES
INVENTORY_URLS=$(urls inventory instance_port)
INVENTORY_MANAGEMENT_URLS=$(urls inventory management_port)
REVIEW_URLS=$(urls review instance_port)
REVIEW_MANAGEMENT_URLS=$(urls review management_port)
POLICY_URLS=$(urls policy instance_port)
POLICY_MANAGEMENT_URLS=$(urls policy management_port)
NOTIFICATION_URLS=$(urls notification instance_port)
NOTIFICATION_MANAGEMENT_URLS=$(urls notification management_port)
PIDS=$PIDS
LOGS=$LOGS
ENV
  mv "$RUN/endpoints.env.tmp" "$RUN/endpoints.env"
}
