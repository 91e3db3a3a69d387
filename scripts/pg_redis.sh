#!/usr/bin/env bash
# Throwaway PostgreSQL + Redis on loopback for the scale-out tests and the load benchmark.
#
#   scripts/pg_redis.sh start   # install the Debian packages if missing, start both, print the env lines
#   scripts/pg_redis.sh env     # print: export DATABASE_URL=… TEST_DATABASE_URL=… REDIS_URL=…
#   scripts/pg_redis.sh status  # exit 0 when both answer
#   scripts/pg_redis.sh stop    # stop both and delete their data
#
# Usage: eval "$(scripts/pg_redis.sh start)"; …; scripts/pg_redis.sh stop
# Idempotent (start twice = one cluster), every wait is bounded, progress goes to stderr, and the
# servers listen on 127.0.0.1 only. The PostgreSQL cluster trades durability for speed
# (fsync=off, synchronous_commit=off): it is for tests and benchmarks, never for data you keep.
set -euo pipefail

DIR="${CDS_SERVICES_DIR:-${TMPDIR:-/tmp}/cds-pg-redis}"
PG_PORT_WANTED="${CDS_PG_PORT:-55432}"
REDIS_PORT_WANTED="${CDS_REDIS_PORT:-56379}"
DB_NAME="citizen"
TEST_DB_NAME="citizen_test"
WAIT_SECONDS=60

say() { echo "pg_redis: $*" >&2; }
die() { say "$*"; exit 1; }

pg_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$bin" && -x "$bin/initdb" ]] && echo "$bin"
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if ! timeout 600 apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    say "apt-get install failed; running apt-get update once and retrying"
    timeout 600 apt-get update -qq >/dev/null
    timeout 600 apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

ensure_packages() {
  local missing=()
  [[ -n "$(pg_bin || true)" ]] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root"
  say "installing ${missing[*]} (Debian packages)"
  apt_install "${missing[@]}"
  # The packages' own services are not wanted: we run private instances below.
  command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
    pg_ctlcluster "$ver" "$name" stop >/dev/null 2>&1 || true
  done
  pkill_pidfile /var/run/redis/redis-server.pid
}

pkill_pidfile() {  # stop the process named in a pid file, if it is alive
  local file="$1" pid
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {  # the wanted port, or the next free one above it
  local port="$1" tries=0
  while port_in_use "$port"; do
    port=$((port + 1)); tries=$((tries + 1))
    [[ $tries -lt 100 ]] || die "no free port near $1"
  done
  echo "$port"
}

as_pg() {  # run a PostgreSQL binary as the postgres user when we are root (initdb refuses root)
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { [[ -f "$DIR/pg_port" ]] && as_pg "$(pg_bin)/pg_ctl" -D "$DIR/pg" status >/dev/null 2>&1; }

redis_running() {
  [[ -f "$DIR/redis_port" ]] && redis-cli -h 127.0.0.1 -p "$(cat "$DIR/redis_port")" ping 2>/dev/null | grep -q PONG
}

psql_admin() {
  PGPASSWORD="$(cat "$DIR/pg_password")" "$(pg_bin)/psql" -h 127.0.0.1 -p "$(cat "$DIR/pg_port")" -U postgres \
    -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

start_pg() {
  local bin port
  bin="$(pg_bin)"
  if pg_running; then say "PostgreSQL already running on port $(cat "$DIR/pg_port")"; return 0; fi
  rm -rf "$DIR/pg"
  mkdir -p "$DIR/pg" "$DIR/pgsock"
  [[ -f "$DIR/pg_password" ]] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$DIR/pg_password")
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$DIR/pg" "$DIR/pgsock" "$DIR/pg_password"
    chmod 755 "$DIR"
  fi
  as_pg "$bin/initdb" -D "$DIR/pg" -U postgres --auth=scram-sha-256 --pwfile="$DIR/pg_password" \
    -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  port="$(pick_port "$PG_PORT_WANTED")"
  cat >>"$DIR/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DIR/pgsock'
max_connections = 300
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  as_pg "$bin/pg_ctl" -D "$DIR/pg" -l "$DIR/pg/server.log" -w -t "$WAIT_SECONDS" start >/dev/null \
    || { tail -n 30 "$DIR/pg/server.log" >&2; die "PostgreSQL did not start"; }
  echo "$port" >"$DIR/pg_port"
  say "PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port"
}

ensure_databases() {
  local name
  for name in "$DB_NAME" "$TEST_DB_NAME"; do
    if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]]; then
      psql_admin -c "CREATE DATABASE $name"
    fi
  done
}

start_redis() {
  local port deadline
  if redis_running; then say "Redis already running on port $(cat "$DIR/redis_port")"; return 0; fi
  mkdir -p "$DIR/redis"
  port="$(pick_port "$REDIS_PORT_WANTED")"
  redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --save '' --appendonly no \
    --dir "$DIR/redis" --daemonize yes --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis/redis.log" \
    --maxclients 4000 >/dev/null
  echo "$port" >"$DIR/redis_port"
  deadline=$((SECONDS + WAIT_SECONDS))
  until redis_running; do
    [[ $SECONDS -lt $deadline ]] || { tail -n 20 "$DIR/redis/redis.log" >&2; die "Redis did not start"; }
    sleep 0.2
  done
  say "Redis on 127.0.0.1:$port"
}

print_env() {
  [[ -f "$DIR/pg_port" && -f "$DIR/redis_port" ]] || die "not running: scripts/pg_redis.sh start"
  local auth="postgres:$(cat "$DIR/pg_password")@127.0.0.1:$(cat "$DIR/pg_port")"
  echo "export DATABASE_URL=postgresql+psycopg://$auth/$DB_NAME"
  echo "export TEST_DATABASE_URL=postgresql+psycopg://$auth/$TEST_DB_NAME"
  echo "export REDIS_URL=redis://127.0.0.1:$(cat "$DIR/redis_port")/0"
}

stop_all() {
  local deadline
  if [[ -d "$DIR/pg" ]] && [[ -n "$(pg_bin || true)" ]]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$DIR/pg" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null 2>&1 || true
  fi
  if [[ -f "$DIR/redis/redis.pid" ]]; then
    pkill_pidfile "$DIR/redis/redis.pid"
    deadline=$((SECONDS + WAIT_SECONDS))
    while redis_running && [[ $SECONDS -lt $deadline ]]; do sleep 0.2; done
  fi
  rm -rf "$DIR"
  say "stopped"
}

case "${1:-}" in
  start)
    ensure_packages
    mkdir -p "$DIR"
    start_pg
    ensure_databases
    start_redis
    print_env
    ;;
  env) print_env ;;
  status) pg_running && redis_running ;;
  stop) stop_all ;;
  *) echo "usage: $0 start|env|status|stop" >&2; exit 2 ;;
esac
