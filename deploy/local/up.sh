#!/usr/bin/env bash
# Starts the Portcullis platform on 127.0.0.1: PostgreSQL, a Kafka broker, an SMTP server,
# Keycloak and the four services; prints where everything is. Re-runnable: what runs is left alone.
#   deploy/local/up.sh                 everything
#   deploy/local/up.sh kafka           only the named parts (postgres kafka mail keycloak inventory review policy notification)
#   deploy/local/up.sh --instances 2   two instances of each service (ports 8081-8084 and 8091-8094; max 9)
#   PORTCULLIS_OTLP_ENDPOINT=http://127.0.0.1:4318 deploy/local/up.sh   services send traces to that OTLP/HTTP collector
#   PORTCULLIS_START_WAVE=2 deploy/local/up.sh   service JVMs start two at a time (each sooner; the whole not: docs/benchmarks.md)
set -euo pipefail
if [ "${1:-}" = "--instances" ]; then export PORTCULLIS_INSTANCES=$2; shift 2; fi
source "$(dirname "$0")/env.sh"
# without --instances (up.sh mail, up.sh kafka beside a running platform): as many instances as run now
if [ -z "${PORTCULLIS_INSTANCES:-}" ] && [ "$(running_instances)" -gt 0 ]; then INSTANCES=$(running_instances); fi
[[ "$INSTANCES" =~ ^[1-9]$ ]] || { echo "up.sh: --instances must be 1 to 9" >&2; exit 2; }
PARTS=("$@"); [ ${#PARTS[@]} -gt 0 ] || PARTS=(postgres kafka mail keycloak "${SERVICES[@]}")
for tool in java curl; do
  command -v "$tool" >/dev/null || { echo "up.sh: '$tool' is needed and not on the PATH (Java 17 and curl; PostgreSQL comes with deploy/local/postgres.sh)" >&2; exit 2; }
done
wants() { local p; for p in "${PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }
LIB=$RUN/lib

start_process() { # NAME PORT COMMAND... : starts detached (the command carries process_mark NAME), records the pid
  local name=$1 port=$2; shift 2
  if running "$name"; then log "$name already running (pid $(cat "$PIDS/$name.pid"))"; return 0; fi
  # a health check answered by someone else's process must not pass for ours
  if port_open "$port"; then
    log "port $port, which $name needs, is taken by another process: stop it, or move the platform with PORTCULLIS_PORT_OFFSET"
    exit 1
  fi
  log "starting $name"
  # in START_DIR if given (a service runs in its quarkus-app folder: its class-data-sharing archive names quarkus-run.jar relative to it)
  (cd "${START_DIR:-.}" && exec setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null) &
  echo $! > "$PIDS/$name.pid"
}

runtime_jars() {
  if [ ! -f "$LIB/kafka/.complete" ]; then
    log "resolving Kafka $(sed -n 's#.*<kafka.version>\(.*\)</kafka.version>.*#\1#p' "$ROOT/deploy/local/runtime-pom.xml") from Maven Central"
    "${MVN[@]}" -q -f "$ROOT/deploy/local/runtime-pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB/kafka" >&2
    touch "$LIB/kafka/.complete"
  fi
  if [ ! -f "$LIB/greenmail-standalone-$GREENMAIL_VERSION.jar" ]; then
    "${MVN[@]}" -q dependency:copy -Dartifact=com.icegreen:greenmail-standalone:$GREENMAIL_VERSION -DoutputDirectory="$LIB" >&2
  fi
}

start_postgres() {
  local was_up=1
  pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null || was_up=0
  "$ROOT/deploy/local/postgres.sh" start
  [ $was_up = 1 ] || touch "$RUN/postgres.started-by-up"
  local s
  for s in "${SERVICES[@]}"; do
    # a fresh database only under a service that is not running: never pull one from under a live process
    if [ "${PORTCULLIS_FRESH_DATABASES:-0}" = 1 ] && ! running "$s"; then
      "$ROOT/deploy/local/postgres.sh" recreate-db "${DB_PREFIX}_$s"
    else
      "$ROOT/deploy/local/postgres.sh" create-db "${DB_PREFIX}_$s"
    fi
  done
}

start_kafka() {
  local dir=$RUN/kafka
  # fresh databases come with a fresh broker: the consumers of fresh databases would otherwise take up an earlier run's
  # events where their groups left off. Only when this call makes the databases fresh (not "up.sh kafka" after a broker stop).
  if [ "${PORTCULLIS_FRESH_DATABASES:-0}" = 1 ] && wants postgres && ! running kafka; then
    rm -rf "$dir/data"
  fi
  # a broker formatted before it asked for credentials has no admin to sign in as: start it afresh
  if ! running kafka && [ -d "$dir/data" ] && [ ! -f "$dir/data/.scram" ]; then
    rm -rf "$dir/data"
  fi
  mkdir -p "$dir"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=SASL_PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
# every client signs in (SCRAM-SHA-512) and may do only what its ACLs allow (KafkaAccess.java applies kafka-users.yaml);
# the controller listener, on this machine's loopback only, is the broker talking to itself
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# the services create their topics with their partition counts (TopicProvisioner); a typo must not create one
auto.create.topics.enable=false
# record timestamps are the broker's append time: what the SOC (and the benchmark) read as the moment an event is on Kafka
log.message.timestamp.type=LogAppendTime
PROPS
  local java=(java -Xmx512m -Dlog4j2.configurationFile="$ROOT/deploy/local/log4j2.properties" -cp "$LIB/kafka/*")
  if [ ! -f "$dir/data/meta.properties" ]; then
    "${java[@]}" kafka.tools.StorageTool format -t "$("${java[@]}" kafka.tools.StorageTool random-uuid)" \
      -c "$dir/server.properties" --standalone --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]" >>"$LOGS/kafka.log" 2>&1
    touch "$dir/data/.scram"
  fi
  start_process kafka "$KAFKA_PORT" "${java[@]}" "$(process_mark kafka)" kafka.Kafka "$dir/server.properties"
}

# No -Dgreenmail.verbose, not even =false: its mere presence logs every line of every conversation at
# TRACE (700 MB for 10,000 mails), which made GreenMail take ~175 ms a message.
start_mail() {
  start_process mail "$SMTP_PORT" java -Xmx128m "$(process_mark mail)" \
    -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port=$SMTP_PORT \
    -Dgreenmail.imap.hostname=127.0.0.1 -Dgreenmail.imap.port=$IMAP_PORT \
    -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port=$MAIL_API_PORT \
    -Dgreenmail.auth.disabled \
    -jar "$LIB/greenmail-standalone-$GREENMAIL_VERSION.jar"
}

start_keycloak() {
  local home=$RUN/keycloak-$KEYCLOAK_VERSION
  if [ ! -x "$home/bin/kc.sh" ]; then
    local zip=$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip
    [ -f "$zip" ] || "${MVN[@]}" -q dependency:get -Dtransitive=false -Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip >&2
    log "unpacking Keycloak $KEYCLOAK_VERSION"
    rm -rf "$RUN/keycloak-unpack" && mkdir -p "$RUN/keycloak-unpack"
    (cd "$RUN/keycloak-unpack" && jar xf "$zip") && mv "$RUN/keycloak-unpack/keycloak-$KEYCLOAK_VERSION" "$home" && rm -rf "$RUN/keycloak-unpack"
    chmod +x "$home"/bin/*.sh
  fi
  # --import-realm skips a realm that exists: when the realm file changed since Keycloak last imported
  # it (a new client, a new role), start from an empty database so the new one is imported. The
  # local realm holds nothing but what the file says (demo users included).
  # The realm "partner" plays a partner's identity provider, a Shared Signals transmitter: its receiver client may push to
  # inventory-service's receiver endpoints only (ssf.validPushUrls, with this machine's port).
  mkdir -p "$RUN/realms"
  # the console's public client may come back only to this machine's review-service (@REVIEW_PORT@)
  sed "s/@REVIEW_PORT@/$REVIEW_PORT/g" "$ROOT/deploy/keycloak/portcullis-realm.json" > "$RUN/realms/portcullis-realm.json"
  sed "s/@INVENTORY_PORT@/$INVENTORY_PORT/g" "$ROOT/deploy/keycloak/partner-realm.json" > "$RUN/realms/partner-realm.json"
  for realm in portcullis-realm.json partner-realm.json; do
    if [ -f "$home/data/import/$realm" ] && ! cmp -s "$RUN/realms/$realm" "$home/data/import/$realm"; then
      log "the realm file $realm changed: Keycloak imports the realms again"
      rm -rf "$home/data/h2"
    fi
  done
  mkdir -p "$home/data/import"
  cp "$RUN/realms/"*.json "$home/data/import/"
  # SSF (experimental in 26.7): pushes to http://127.0.0.1 allowed, its outbox drained every second (30 s by default)
  JAVA_HOME=$(keycloak_java_home) JAVA_OPTS_APPEND="$(keycloak_class_data "$home")" \
  JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    start_process keycloak "$KEYCLOAK_PORT" "$home/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port=$KEYCLOAK_PORT \
      --http-management-port=$KEYCLOAK_MANAGEMENT_PORT --hostname-strict=false --import-realm --features=ssf \
      --spi-ssf-transmitter--default--allow-insecure-push-targets=true --spi-ssf-transmitter--default--outbox-drainer-interval=1s
}

# Where a service's build is. PORTCULLIS_TEST_PLATFORM=1 (the e2e tests) runs review-service's test-platform build, whose clock
# a test may move; every other run gets the build that ships, which has no such thing.
app_dir() {
  if [ "$1" = review ] && [ -n "${PORTCULLIS_TEST_PLATFORM:-}" ]; then echo "$ROOT/review-service/target/test-platform"
  else echo "$ROOT/$1-service/target/quarkus-app"; fi
}

ensure_built() { # builds when a service is missing, or a source or pom is newer than its build
  local s stale=""
  for s in "${SERVICES[@]}"; do
    local jar; jar="$(app_dir "$s")/quarkus-run.jar"
    if [ ! -f "$jar" ] || [ -n "$(find "$ROOT" -path "$ROOT/deploy" -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
      stale="$stale $s"
    fi
  done
  if [ -n "$stale" ]; then
    log "building the services (./mvnw install -DskipTests): not built, or older than their sources:$stale"
    local began=$SECONDS
    (cd "$ROOT" && "${MVN[@]}" -q install -DskipTests ${PORTCULLIS_TEST_PLATFORM:+-Ptest-platform}) >&2
    BUILD_SECONDS=$((BUILD_SECONDS + SECONDS - began))
  fi
}

# A service JVM: G1 with at most 256 MB of heap, glibc limited to two malloc arenas. The serial collector
# with 160 MB saved 15-35 MB resident for ~10% on the signal's latency (docs/benchmarks.md).
# PORTCULLIS_SERVICE_JVM replaces these options.
read -r -a SERVICE_JVM <<< "${PORTCULLIS_SERVICE_JVM:--Xmx256m}"

# The services run on JDK 25 where one is present (PORTCULLIS_SERVICE_JAVA names another java): the build
# stays Java 17 bytecode, which 25 runs, so a machine with 17 alone runs the platform too (README, "Java").
java_release() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'; }
service_java() {
  if [ -n "${PORTCULLIS_SERVICE_JAVA:-}" ]; then echo "$PORTCULLIS_SERVICE_JAVA"; return; fi
  local j release
  for j in "$(command -v java)" /usr/lib/jvm/*25*/bin/java; do
    [ -x "$j" ] || continue
    release=$(java_release "$j")
    if [ "${release%%.*}" -ge 25 ] 2>/dev/null; then echo "$j"; return; fi
  done
  command -v java
}
SERVICE_JAVA=$(service_java)
SERVICE_JAVA_RELEASE=$(java_release "$SERVICE_JAVA")

# What a service maps at start, so that it loads and links fewer classes itself. On 17, the build's
# class-data-sharing archive (app-cds.jsa). On 25, an AOT cache (Leyden) trained by the service's own
# work: the first instance started after a build records what it loads, links and profiles, and writes
# app.aot when it stops; later starts map it. A cache older than a jar of its service is made again.
# PORTCULLIS_AOT_TRAINING=off trains none (a cache already made is still mapped): for a platform started once and thrown away,
# as the e2e tests' on a clean clone, where the training run's slower work and its tens of seconds to stop buy nothing.
class_data() { # SERVICE INSTANCE
  local dir; dir=$(app_dir "$1")
  if [ "${SERVICE_JAVA_RELEASE%%.*}" -lt 25 ] 2>/dev/null; then echo "-XX:SharedArchiveFile=app-cds.jsa"; return; fi
  # compact object headers (JEP 519): 8 bytes less per object; the cache must be made and used with the same setting
  echo "-XX:+UseCompactObjectHeaders"
  if [ -f "$dir/app.aot" ] && [ -z "$(find "$dir" -name '*.jar' -newer "$dir/app.aot" | head -1)" ]; then echo "-XX:AOTCache=app.aot"
  elif [ "$2" = 1 ] && [ "${PORTCULLIS_AOT_TRAINING:-on}" != off ]; then echo "-XX:AOTCacheOutput=app.aot"; fi
}

# Keycloak is the longest start of the platform (about 30 s of CPU on JDK 17, its realms already imported, a third of it the
# JIT's): it compiles with C1 alone, since here it only signs tokens; and it runs on the services' Java, which on 25 maps an AOT
# cache of its own, trained and written as the services' are (its first start, unless PORTCULLIS_AOT_TRAINING=off; down.sh
# waits while it writes). A Keycloak re-augmented since (new build options) makes it again.
keycloak_java_home() { dirname "$(dirname "$(readlink -f "$SERVICE_JAVA")")"; }
keycloak_class_data() { # KEYCLOAK_HOME
  echo "-XX:TieredStopAtLevel=1"
  [ "${SERVICE_JAVA_RELEASE%%.*}" -ge 25 ] 2>/dev/null || return 0
  local cache=$1/data/keycloak.aot
  if [ -f "$cache" ] && [ -z "$(find "$1/lib" -name '*.jar' -newer "$cache" | head -1)" ]; then
    echo "-XX:+UseCompactObjectHeaders -XX:AOTCache=$cache"
  elif [ "${PORTCULLIS_AOT_TRAINING:-on}" != off ]; then
    rm -f "$cache"; echo "-XX:+UseCompactObjectHeaders -XX:AOTCacheOutput=$cache"
  else
    echo "-XX:+UseCompactObjectHeaders"
  fi
}

start_service() { # SERVICE INSTANCE
  local s=$1 k=$2
  # traces go to an OTLP/HTTP collector when PORTCULLIS_OTLP_ENDPOINT names one (e.g. http://127.0.0.1:4318); off otherwise.
  # A local platform keeps every trace (PORTCULLIS_TRACE_SAMPLE_RATIO, 1 here; a tenth in production, docs/operations.md)
  local tracing=()
  if [ -n "${PORTCULLIS_OTLP_ENDPOINT:-}" ]; then
    tracing=(-Dquarkus.otel.sdk.disabled=false -Dquarkus.otel.exporter.otlp.traces.endpoint="$PORTCULLIS_OTLP_ENDPOINT" -Dquarkus.otel.bsp.schedule.delay=1s
      -Dquarkus.otel.traces.sampler.arg="${PORTCULLIS_TRACE_SAMPLE_RATIO:-1}")
  fi
  # the production profile, given this machine's addresses and the local demo credentials
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$(instance_port "$s" "$k") QUARKUS_LOG_CONSOLE_JSON_ENABLED=false \
  QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT=$(management_port "$s" "$k") \
  PORTCULLIS_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/${DB_PREFIX}_$s" \
  PORTCULLIS_DB_USER=$PORTCULLIS_DB_USER PORTCULLIS_DB_PASSWORD=$PORTCULLIS_DB_PASSWORD \
  PORTCULLIS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT PORTCULLIS_KAFKA_PROVISION_TOPICS=false \
  PORTCULLIS_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT PORTCULLIS_KAFKA_USER="$s-service" PORTCULLIS_KAFKA_PASSWORD="$s-service$KAFKA_PASSWORD_SUFFIX" \
  PORTCULLIS_OIDC_URL="http://127.0.0.1:$KEYCLOAK_PORT/realms/portcullis" \
  PORTCULLIS_SMTP_HOST=127.0.0.1 PORTCULLIS_SMTP_PORT=$SMTP_PORT PORTCULLIS_SMTP_STARTTLS=DISABLED \
  PORTCULLIS_MAIL_FROM="Portcullis <portcullis@localhost>" \
  PORTCULLIS_POLICY_URLS="$(urls policy instance_port)" PORTCULLIS_PDP_CLIENT_SECRET=portcullis-pdp-secret \
  PORTCULLIS_REVIEW_PAGE_URL="http://127.0.0.1:$(instance_port review 1)/reviews" \
  PORTCULLIS_REVIEW_PAGE_CLIENT_SECRET=portcullis-review-page-secret-for-local-use-only \
  PORTCULLIS_CONSOLE_ORIGIN="http://127.0.0.1:$REVIEW_PORT" PORTCULLIS_CONSOLE_INVENTORY_URL="http://127.0.0.1:$INVENTORY_PORT" \
  PORTCULLIS_CONSOLE_POLICY_URL="http://127.0.0.1:$POLICY_PORT" PORTCULLIS_CONSOLE_NOTIFICATION_URL="http://127.0.0.1:$NOTIFICATION_PORT" \
  PORTCULLIS_INVENTORY_SSF_TRANSMITTER_ISSUER="http://127.0.0.1:$(instance_port inventory 1)" \
  PORTCULLIS_OUTBOUND_ALLOW_HTTP=true PORTCULLIS_OUTBOUND_PRIVATE_HOSTS=127.0.0.1,localhost \
  PORTCULLIS_INVENTORY_SSF_TRANSMITTER_KEYSTORE="$RUN/ssf-transmitter.p12" PORTCULLIS_INVENTORY_SSF_TRANSMITTER_KEYSTORE_PASSWORD=portcullis-local \
  MALLOC_ARENA_MAX=2 START_DIR="$(app_dir "$s")" \
    start_process "$(instance_name "$s" "$k")" "$(instance_port "$s" "$k")" "$SERVICE_JAVA" "${SERVICE_JVM[@]}" $(class_data "$s" "$k") \
      "$(process_mark "$(instance_name "$s" "$k")")" ${tracing[@]+"${tracing[@]}"} -jar quarkus-run.jar
}

ready_http() { curl -fsS -o /dev/null "$1"; }

# The CAEP transmitter's signing key, one for every inventory instance (a receiver may fetch the JWKS from any), made once per
# run directory with the JDK's keytool
ssf_keystore() {
  [ -f "$RUN/ssf-transmitter.p12" ] || keytool -genkeypair -keyalg RSA -keysize 2048 -alias "local-$(date +%Y%m%d)" -dname CN=portcullis-ssf \
    -validity 3650 -storetype PKCS12 -keystore "$RUN/ssf-transmitter.p12" -storepass portcullis-local >/dev/null
}

wants kafka || wants mail && runtime_jars
wants postgres && start_postgres
wants kafka && start_kafka
wants mail && start_mail
wants keycloak && start_keycloak
# KafkaAccess.java compiled once, while the broker starts: run as a source file it was compiled at every start, 2 s of CPU
# on the way from the broker's start to the services'
KAFKA_ACCESS=$RUN/kafka-access
if wants kafka && { [ ! -f "$KAFKA_ACCESS/KafkaAccess.class" ] || [ "$ROOT/deploy/local/KafkaAccess.java" -nt "$KAFKA_ACCESS/KafkaAccess.class" ]; }; then
  rm -rf "$KAFKA_ACCESS" && javac -d "$KAFKA_ACCESS" -cp "$LIB/kafka/*" "$ROOT/deploy/local/KafkaAccess.java"
fi
wants kafka && wait_for kafka 60 port_open "$KAFKA_PORT"
# the users, topics and ACLs of deploy/kubernetes, as the broker's admin (again after a restart: it changes nothing then)
if wants kafka; then
  java -cp "$KAFKA_ACCESS:$LIB/kafka/*" KafkaAccess "127.0.0.1:$KAFKA_PORT" "$KAFKA_ADMIN_PASSWORD" "$ROOT/deploy/kubernetes" \
    "$KAFKA_PASSWORD_SUFFIX" >>"$LOGS/kafka.log" 2>&1 || { log "kafka: users and ACLs not applied (see $LOGS/kafka.log)"; exit 1; }
fi
wants mail && wait_for mail 60 port_open "$SMTP_PORT"

started=()
BUILD_SECONDS=0
wants inventory && ssf_keystore
# Service JVMs start in waves of PORTCULLIS_START_WAVE instances (0: all at once), each once the wave before is healthy: on a
# small machine, JVMs starting together share its cores, and each then takes the longer to start (docs/benchmarks.md).
START_WAVE=${PORTCULLIS_START_WAVE:-0}
ready=0
await_started() { # waits until every instance started so far is healthy
  local entry s k
  for entry in "${started[@]:$ready}"; do
    s=${entry%%:*}; k=${entry#*:}
    wait_for "$(instance_name "$s" "$k")" 120 ready_http "http://127.0.0.1:$(management_port "$s" "$k")/q/health/ready"
  done
  ready=${#started[@]}
}
for s in "${SERVICES[@]}"; do
  if wants "$s"; then
    ensure_built
    for k in $(seq 1 "$INSTANCES"); do
      start_service "$s" "$k"; started+=("$s:$k")
      if [ "$START_WAVE" -gt 0 ] && [ $((${#started[@]} - ready)) -ge "$START_WAVE" ]; then await_started; fi
    done
  fi
done
# Keycloak is awaited only now: the services start while it builds and starts (30-40 s, a core left idle), and ask it for
# its keys at their first token, not at start (Quarkus OIDC connects lazily to a server not up yet)
wants keycloak && wait_for keycloak 240 ready_http "http://127.0.0.1:$KEYCLOAK_PORT/realms/portcullis/.well-known/openid-configuration"
await_started

write_endpoints
# the figure a newcomer waits for (docs/benchmarks.md): from up.sh's start until every part asked for answers healthy
echo "Healthy $SECONDS s after up.sh started ($BUILD_SECONDS s of it building; ${#started[@]} service instance(s) asked for, on Java $SERVICE_JAVA_RELEASE: $SERVICE_JAVA)."

if [ "${PORTCULLIS_QUIET:-0}" != 1 ]; then
cat <<TXT

Portcullis is up (everything on 127.0.0.1; the same facts are in $RUN/endpoints.env).

  inventory-service     http://127.0.0.1:$INVENTORY_PORT     (Swagger UI: /q/swagger-ui; health and metrics: http://127.0.0.1:$(management_port inventory 1)/q/health, /q/metrics)
  review-service        http://127.0.0.1:$REVIEW_PORT     (review page: /reviews; a partner's request page: /requests)
  console               http://127.0.0.1:$REVIEW_PORT/console/   (admins and auditors: sign in as admin/admin or auditor/auditor)
  policy-service        http://127.0.0.1:$POLICY_PORT
  notification-service  http://127.0.0.1:$NOTIFICATION_PORT
  instances per service $INSTANCES   (instance k listens 10 ports above instance k-1, its health and metrics 100 above its API; all URLs in endpoints.env)
  Kafka                 127.0.0.1:$KAFKA_PORT   (SASL_PLAINTEXT, SCRAM-SHA-512: admin / $KAFKA_ADMIN_PASSWORD; each service as <service>-service)
  Keycloak              http://127.0.0.1:$KEYCLOAK_PORT   (realm portcullis; console admin/admin)
  SMTP / IMAP           127.0.0.1:$SMTP_PORT / 127.0.0.1:$IMAP_PORT   (mail over HTTP: http://127.0.0.1:$MAIL_API_PORT/api/user)
  PostgreSQL            $PGHOST:$PGPORT, databases ${DB_PREFIX}_{inventory,review,policy,notification}, user $PORTCULLIS_DB_USER

Tokens (users admin, owner, auditor, partner (a partner's person, pat@partner.example), nobody (no role of ours); password = user name):
  TOKEN=\$(curl -s -d grant_type=password -d client_id=portcullis-cli -d username=admin -d password=admin \\
      http://127.0.0.1:$KEYCLOAK_PORT/realms/portcullis/protocol/openid-connect/token | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$INVENTORY_PORT/api/v1/guests
A partner signal client (client credentials):
  curl -s -d grant_type=client_credentials -d client_id=portcullis-signal -d client_secret=portcullis-signal-secret \\
      http://127.0.0.1:$KEYCLOAK_PORT/realms/portcullis/protocol/openid-connect/token
A SCIM provisioning client (client credentials; SCIM 2.0 at http://127.0.0.1:$INVENTORY_PORT/scim/v2/Users):
  curl -s -d grant_type=client_credentials -d client_id=portcullis-demo-scim -d client_secret=portcullis-demo-scim-secret \\
      http://127.0.0.1:$KEYCLOAK_PORT/realms/portcullis/protocol/openid-connect/token
An application taking CAEP session-revoked events (client portcullis-demo-app, secret portcullis-demo-app-secret):
  its transmitter is http://127.0.0.1:$INVENTORY_PORT/.well-known/ssf-configuration

Logs: $LOGS/<name>.log      Stop: deploy/local/down.sh
TXT
fi
