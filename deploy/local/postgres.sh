#!/usr/bin/env bash
# The project's one way to get PostgreSQL: used by up.sh, .ci/run and the tests' PostgresResource.
#   postgres.sh start               install if missing, start the local cluster, ensure role portcullis
#   postgres.sh create-db NAME      create database NAME owned by portcullis (no-op if it exists)
#   postgres.sh recreate-db NAME    drop NAME if present, then create it empty
#   postgres.sh drop-db NAME
#   postgres.sh stop                stop the local cluster at once (fast shutdown: sessions are cut), e.g. for outage tests
# As root it installs, starts and stops the local cluster and works as its postgres user. As any other
# user it works against whatever server PGHOST and PGPORT name (127.0.0.1:5432 by default), as the
# Portcullis role (PORTCULLIS_DB_USER or PGUSER, PORTCULLIS_DB_PASSWORD or PGPASSWORD), which must
# exist and may create databases; only `stop` (outage tests) needs root then.
set -euo pipefail

HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}
ROLE=${PORTCULLIS_DB_USER:-${PGUSER:-portcullis}}
PASSWORD=${PORTCULLIS_DB_PASSWORD:-${PGPASSWORD:-portcullis}}

is_root() { [ "$(id -u)" = 0 ]; }
# the local cluster is ours to install and run only as root and only where it is this machine's
local_cluster() { is_root && { [ "$HOST" = 127.0.0.1 ] || [ "$HOST" = localhost ]; } && [ "$PORT" = 5432 ]; }

psql_admin() {
  if local_cluster; then
    runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@"
  else
    PGPASSWORD=$PASSWORD psql -h "$HOST" -p "$PORT" -U "$ROLE" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
  fi
}

cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -1; }

start() {
  if ! local_cluster; then
    pg_isready -q -h "$HOST" -p "$PORT" || {
      echo "postgres.sh: no PostgreSQL answers at $HOST:$PORT. Start one (PGHOST/PGPORT name it), or run this as root to install and start the local cluster." >&2
      exit 1
    }
    psql_admin -c 'select 1' >/dev/null || {
      echo "postgres.sh: cannot log in to $HOST:$PORT as role $ROLE (PORTCULLIS_DB_USER/PGUSER, PORTCULLIS_DB_PASSWORD/PGPASSWORD); it must exist with CREATEDB." >&2
      exit 1
    }
    return 0
  fi
  if [ -z "$(cluster_version)" ]; then
    echo "postgres.sh: installing PostgreSQL from Debian's packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  local v; v=$(cluster_version)
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster "$v" main start || true
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 0.5
  done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "postgres.sh: PostgreSQL $v did not become ready" >&2; exit 1; }
  # a client whose machine vanished, or whose network was cut, loses its sessions (and the outbox relay's
  # lease) within about 20 s, not when TCP gives up hours later; a query's client is checked as it runs
  psql_admin <<SQL
ALTER SYSTEM SET tcp_keepalives_idle = 10;
ALTER SYSTEM SET tcp_keepalives_interval = 5;
ALTER SYSTEM SET tcp_keepalives_count = 2;
ALTER SYSTEM SET client_connection_check_interval = '5s';
SELECT pg_reload_conf();
SQL
  psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END \$\$;
SQL
}

check_name() { [[ "$1" =~ ^[a-z][a-z0-9_]{0,62}$ ]] || { echo "postgres.sh: bad database name '$1'" >&2; exit 2; }; }

create_db() {
  check_name "$1"
  psql_admin <<SQL
SELECT format('CREATE DATABASE %I OWNER $ROLE', '$1') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$1') \gexec
SQL
}

drop_db() {
  check_name "$1"
  psql_admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
}

stop() {
  local_cluster || { echo "postgres.sh: stopping PostgreSQL needs root and the local cluster" >&2; exit 2; }
  local v; v=$(cluster_version)
  [ -n "$v" ] || return 0
  pg_ctlcluster "$v" main stop -m fast || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  create-db) create_db "$2" ;;
  recreate-db) drop_db "$2"; create_db "$2" ;;
  drop-db) drop_db "$2" ;;
  *) echo "usage: $0 start | stop | create-db NAME | recreate-db NAME | drop-db NAME" >&2; exit 2 ;;
esac
