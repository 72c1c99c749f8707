#!/usr/bin/env bash
# Stops what up.sh started, by the pids it recorded (each still checked to be the process up.sh
# started), the services before Kafka; PostgreSQL only if up.sh was the one that started it.
#   deploy/local/down.sh               everything
#   deploy/local/down.sh kafka         only the named parts (a service name stops all its instances; inventory-2 just that one)
set -euo pipefail
source "$(dirname "$0")/env.sh"
PARTS=("$@"); [ ${#PARTS[@]} -gt 0 ] || PARTS=("${SERVICES[@]}" keycloak mail kafka postgres)

# TERM to every named process group at once, then wait for all: a service takes seconds to close its consumers
signal_stop() {
  local name=$1 pid
  [ -f "$PIDS/$name.pid" ] || return 0
  pid=$(cat "$PIDS/$name.pid")
  if running "$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    stopping+=("$name:$pid")
  else
    rm -f "$PIDS/$name.pid"
  fi
}

await_stopped() {
  local entry name pid
  for entry in "${stopping[@]}"; do
    name=${entry%%:*}; pid=${entry#*:}
    # a JVM training its AOT cache (up.sh, JDK 25) writes the cache as it stops: tens of seconds on two cores. Keycloak's JVM is
    # a child of its script, so the whole process group is looked at
    local seconds=30
    if pgrep -g "$pid" -f 'XX:AOTCacheOutput=' >/dev/null 2>&1; then
      seconds=180; log "$name writes its AOT cache as it stops"
    fi
    for _ in $(seq 1 $((seconds * 2))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in $seconds s: killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDS/$name.pid"
  done
}

is_service() { local s; for s in "${SERVICES[@]}"; do [ "${1%-[0-9]*}" = "$s" ] && return 0; done; return 1; }

# the services first, then what they use: a service stopping still commits offsets and closes its
# producer, which needs Kafka and PostgreSQL up
for phase in services infrastructure; do
  stopping=()
  for part in "${PARTS[@]}"; do
    [ "$part" = postgres ] && continue
    if is_service "$part"; then [ $phase = services ] || continue; else [ $phase = infrastructure ] || continue; fi
    signal_stop "$part"
    for f in "$PIDS/$part"-[0-9]*.pid; do [ -e "$f" ] && signal_stop "$(basename "$f" .pid)"; done
  done
  [ ${#stopping[@]} -eq 0 ] || await_stopped
done
for part in "${PARTS[@]}"; do
  if [ "$part" = postgres ]; then
    if [ -f "$RUN/postgres.started-by-up" ]; then
      log "stopping PostgreSQL (up.sh started it)"
      pg_ctlcluster "$(ls /etc/postgresql | sort -V | tail -1)" main stop || true
      rm -f "$RUN/postgres.started-by-up"
    fi
  fi
done

# what still runs, listed again; nothing of the platform running, nothing listed
anything_runs=false
for f in "$PIDS"/*.pid; do [ -e "$f" ] && running "$(basename "$f" .pid)" && anything_runs=true; done
if $anything_runs; then
  [ "$(running_instances)" -gt 0 ] && INSTANCES=$(running_instances)
  write_endpoints
else
  rm -f "$RUN/endpoints.env"
fi
