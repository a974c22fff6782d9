#!/bin/sh
# A throwaway PostgreSQL server for the tests (Debian's postgresql), in a
# temporary folder on a free loopback port, stopped by its PID.
#   . tests/pg.sh; pg_start && ... && pg_stop
# pg_start sets VCM_TEST_PG (a URL of the database vcm_test), VCM_TEST_PG_DIR
# (its folder) and VCM_TEST_PG_CTL (a command running pg_ctl as the server's
# owner, for tests that stop and restart it); returns 1 when no PostgreSQL is
# installed. Run as root (CI), the server runs as the `postgres` user.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || { echo "pg: no PostgreSQL in /usr/lib/postgresql" >&2; return 1; }
  VCM_TEST_PG_DIR=$(mktemp -d /tmp/vcm-pg-XXXXXX) || return 1
  [ "$(id -u)" = 0 ] && chown postgres: "$VCM_TEST_PG_DIR"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as_owner "$PG_BIN/initdb" -D "$VCM_TEST_PG_DIR/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$VCM_TEST_PG_DIR/initdb.log" 2>&1 ||
    { cat "$VCM_TEST_PG_DIR/initdb.log" >&2; return 1; }
  cat >>"$VCM_TEST_PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$VCM_TEST_PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
  VCM_TEST_PG_CTL="$PG_BIN/pg_ctl -D $VCM_TEST_PG_DIR/data -l $VCM_TEST_PG_DIR/log -w"
  [ "$(id -u)" = 0 ] && VCM_TEST_PG_CTL="runuser -u postgres -- $VCM_TEST_PG_CTL"
  $VCM_TEST_PG_CTL start >/dev/null || { tail -n 20 "$VCM_TEST_PG_DIR/log" >&2; return 1; }
  VCM_TEST_PG_PID=$(head -n 1 "$VCM_TEST_PG_DIR/data/postmaster.pid")
  VCM_TEST_PG="postgres://postgres@127.0.0.1:$port/vcm_test"
  pg_as_owner "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c 'CREATE DATABASE vcm_test' || return 1
  export VCM_TEST_PG VCM_TEST_PG_DIR VCM_TEST_PG_CTL
}

# Stops the server by its PID (fast shutdown) and removes its folder.
pg_stop() {
  [ -n "${VCM_TEST_PG_DIR:-}" ] || return 0
  pid=$(head -n 1 "$VCM_TEST_PG_DIR/data/postmaster.pid" 2>/dev/null || echo "${VCM_TEST_PG_PID:-}")
  if [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null; then
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -rf "$VCM_TEST_PG_DIR"
  unset VCM_TEST_PG VCM_TEST_PG_DIR VCM_TEST_PG_CTL VCM_TEST_PG_PID
}
