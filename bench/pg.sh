#!/bin/sh
# Part 5: the PostgreSQL store, beside the SQLite store.
#
# Starts a throwaway PostgreSQL server (Debian's, initdb and pg_ctl into a
# temporary folder, on a free loopback port, as the postgres user when run
# as root, like tests/pg.sh), with initdb's settings but for
# synchronous_commit=off (VCM_BENCH_PG_SYNC): a commit then survives a
# crash of the server process but not of the machine, which is what
# SQLite's WAL with synchronous=NORMAL, vcm's setting, promises. fsync and
# full_page_writes stay on. The settings in force are printed. Then:
#
#   a. bulk import: the demo collection with vcm import into a fresh SQLite
#      database and a fresh PostgreSQL database: records/s of each (vcm's
#      figure), the ratio, and the CPU time of vcm and of the server; then
#      the same file again into the PostgreSQL database (every record
#      unchanged);
#   b. vcm db copy of it, SQLite -> PostgreSQL and PostgreSQL -> SQLite:
#      objects/s and rows/s, the time until the last table was copied and
#      the verification after it, and what db copy itself reports;
#   c. the round trips that read a search page's hits (PostgreSQL's own
#      log of the statements of one vcm search query); then pages with two
#      nodes against one: object pages (a list of 5,000
#      objects walked in turn, more than the nodes' page caches hold) and
#      /browse pages (filters and page numbers), on the PostgreSQL database
#      of (a), by one vcm serve and by two behind nginx (an upstream of two,
#      least_conn and keep-alive, as in docs/deployment.md;
#      bench/nginx-nodes.conf.in). wrk -t2 -c32 with bench/urls.lua, as in
#      part 2: req/s, p50, p99; the one-node figure through the same nginx
#      (measured just before and just after the two-node run, their mean)
#      and directly; the CPU time each process took during the two-node run;
#   d. the search query set of part 4 (bench/search_queries.tsv, the
#      collection of bench/search_data.py, VCM_BENCH_PG_RECORDS records) on
#      the SQLite store and on the PostgreSQL store: vcm import into SQLite,
#      then vcm db copy of it into PostgreSQL (importing a million records
#      into PostgreSQL takes about 4 times as long; VCM_BENCH_PG_LOAD=import
#      does it anyway), vcm search reindex of each, one vcm serve on each,
#      and for each query wrk -t1 -c1 on the same URL on both, one after the
#      other: p50, p99 and PostgreSQL / SQLite. The index is the same engine
#      on both (a local file derived from the store): the difference is the
#      store, which every answer reads for its 20 hits.
#
# Every server is our own (PostgreSQL's postmaster by the PID it wrote),
# on 127.0.0.1, stopped by PID on exit, also after a failure or Ctrl-C; the
# temporary folder is removed. It never fails because the machine was slow
# (STYLE.md, point 9): the exit status is non-zero only when something
# could not run.
#
#   sh bench/pg.sh                (from the repository; build/vcm must exist)
#   VCM_BIN, VCM_DATA, VCM_BENCH_PG_RECORDS (1000000), VCM_BENCH_PG_SECS (3:
#   each query on each store), VCM_BENCH_PG_LOAD (copy or import),
#   VCM_BENCH_PG_SYNC (off: synchronous_commit), VCM_BENCH_PG_PARTS (abcd:
#   the parts to run; a always, as the others use its databases),
#   VCM_BENCH_THREADS (2),
#   VCM_BENCH_CONNECTIONS (32), VCM_BENCH_DURATION (10s), VCM_BENCH_WARMUP
#   (2s), PG_BIN (the newest /usr/lib/postgresql/*/bin) override.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

VCM=${VCM_BIN:-build/vcm}
RECORDS=${VCM_BENCH_PG_RECORDS:-1000000}
SECS=${VCM_BENCH_PG_SECS:-3}
LOAD=${VCM_BENCH_PG_LOAD:-copy}
SYNC=${VCM_BENCH_PG_SYNC:-off}
PARTS=${VCM_BENCH_PG_PARTS:-abcd}
WRK_T=${VCM_BENCH_THREADS:-2}
WRK_C=${VCM_BENCH_CONNECTIONS:-32}
DURATION=${VCM_BENCH_DURATION:-10s}
WARMUP=${VCM_BENCH_WARMUP:-2s}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
OBJECT_STEP=8        # every 8th object of the demo collection: about 5,000 pages
DATA=$(bench_data)
part_start=$(bench_ms)

echo "== 5. PostgreSQL =="
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; })
PY=$(command -v /usr/bin/python3 || command -v python3)
missing=""
{ [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/psql" ]; } ||
  missing="$missing postgresql"
[ -n "$NGINX" ] || missing="$missing nginx"
[ -n "$PY" ] || missing="$missing python3"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
if [ "$(id -u)" = 0 ] && ! command -v runuser >/dev/null 2>&1; then
  missing="$missing runuser"
fi
if [ -n "$missing" ]; then
  echo "pg: skipped: not installed:$missing (sh scripts/deps.sh bench installs them)" >&2
  exit 1
fi
case $SECS in
  ''|*[!0-9]*|0) echo "pg: VCM_BENCH_PG_SECS must be a whole number of seconds (wrk's -d), not '$SECS'" >&2; exit 1 ;;
esac
case $RECORDS in
  ''|*[!0-9]*|0) echo "pg: VCM_BENCH_PG_RECORDS must be a number of records, not '$RECORDS'" >&2; exit 1 ;;
esac
case $PARTS in
  ''|*[!abcd]*) echo "pg: VCM_BENCH_PG_PARTS must be letters of abcd (the parts to run), not '$PARTS'" >&2; exit 1 ;;
esac
want() {
  case $PARTS in *"$1"*) return 0 ;; esac
  return 1
}
case $LOAD in
  copy|import) ;;
  *) echo "pg: VCM_BENCH_PG_LOAD must be copy or import, not '$LOAD'" >&2; exit 1 ;;
esac
[ -x "$VCM" ] || { echo "pg: '$VCM' not found; run make first" >&2; exit 1; }
[ -r "$DATA" ] || { echo "pg: cannot read '$DATA' (set VCM_DATA to the data folder)" >&2; exit 1; }
if ! "$VCM" help 2>&1 | grep -q '^ *db copy' || ! "$VCM" help 2>&1 | grep -q '^ *search '; then
  echo "pg: '$VCM' has no 'db copy' or no 'search' command (built before them? run make)" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-pg.XXXXXX") || exit 1
# The server runs as postgres and nginx's workers as nobody when we are
# root: both must reach their folders inside.
chmod 755 "$tmp"
pg_pid=""
nginx_pid=""
node_a=""
node_b=""
lite_pid=""
pgs_pid=""
cleanup() {
  bench_stop_child
  bench_stop "$nginx_pid"
  for p in $node_a $node_b $lite_pid $pgs_pid; do
    bench_stop "$p"
  done
  pg_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM
trap 'echo "bench: hung up" >&2; exit 129' HUP
failed=0
TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# --- PostgreSQL -------------------------------------------------------------
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_start: initdb, then pg_ctl start on a free port (another try on another
# port if it was taken meanwhile). Sets pg_port and pg_pid (the postmaster,
# which must be the process listening on pg_port).
pg_start() {
  mkdir "$tmp/pg" || return 1
  [ "$(id -u)" = 0 ] && chown postgres: "$tmp/pg"
  pg_as_owner "$PG_BIN/initdb" -D "$tmp/pg/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync > "$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; return 1; }
  cat >> "$tmp/pg/data/postgresql.conf" <<CONF
# bench/pg.sh: on loopback only, its socket in its own folder
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp/pg'
synchronous_commit = $SYNC
CONF
  for _ in 1 2 3 4 5; do
    pg_port=$(bench_pick_port) || return 1
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -t 60 \
        -o "-p $pg_port" start > "$tmp/pg_ctl.log" 2>&1; then
      pg_pid=$(head -n 1 "$tmp/pg/data/postmaster.pid")
      bench_owns_port "$pg_pid" "$pg_port" && return 0
      pg_stop
    fi
  done
  return 1
}

# pg_stop: fast shutdown of our server by its PID (SIGINT), SIGKILL after
# 10 s. Its folder goes with $tmp.
pg_stop() {
  [ -n "$pg_pid" ] || return 0
  if kill -INT "$pg_pid" 2>/dev/null; then
    n=100
    while kill -0 "$pg_pid" 2>/dev/null && [ $n -gt 0 ]; do
      sleep 0.1
      n=$((n - 1))
    done
    kill -0 "$pg_pid" 2>/dev/null && kill -KILL "$pg_pid" 2>/dev/null
  fi
  pg_pid=""
}

pg_sql() {
  "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "$1"
}
pg_url() {
  echo "postgres://postgres@127.0.0.1:$pg_port/$1"
}

# cpu_ticks PID...: CPU time (clock ticks) of these processes and of their
# live children, plus what their reaped children took: for the postmaster,
# the whole server (backends, autovacuum, WAL writer, checkpointer).
cpu_ticks() {
  t=0
  for p in "$@"; do
    for c in $p $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
      # fields after "(comm) ": 12 utime, 13 stime, 14 cutime, 15 cstime
      v=$(sed 's/.*) //' "/proc/$c/stat" 2>/dev/null | awk -v own="$([ "$c" = "$p" ] && echo 1)" '
        { print $12 + $13 + (own ? $14 + $15 : 0) }')
      t=$((t + ${v:-0}))
    done
  done
  echo $t
}
# pg_cpu_since TICKS: seconds of the server's CPU since TICKS, after a
# moment for the postmaster to reap a backend that just ended.
pg_cpu_since() {
  sleep 0.3
  awk -v a="$1" -v b="$(cpu_ticks "$pg_pid")" -v h="$TCK" 'BEGIN { printf "%.1f", (b - a) / h }'
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'
}
per_sec() {
  awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }'
}
fail_with() {   # fail_with NAME WHAT: what a failed command left, for the reader
  echo "pg: $2 failed (status $m_rc):" >&2
  tail -n 5 "$tmp/$1.out" >&2
  grep -v 'rows/s$' "$tmp/$1.err" | tail -n 20 >&2
}

free_kb() {
  df -Pk "$tmp" | awk 'NR == 2 { print $4 }'
}
# About 7 KB on disk per record over all copies (the file, both databases,
# the PostgreSQL WAL, two indexes), with room to spare.
need_kb=$((RECORDS * 10 + 2097152))
if [ "$(free_kb)" -lt "$need_kb" ]; then
  echo "pg: skipped: $(awk -v k="$(free_kb)" 'BEGIN { printf "%.1f", k / 1048576 }') GiB free in $tmp; $(bench_group "$RECORDS") records need about $(awk -v k="$need_kb" 'BEGIN { printf "%.1f", k / 1048576 }') GiB (set TMPDIR to a roomier disk, or VCM_BENCH_PG_RECORDS lower)" >&2
  exit 1
fi
echo "work folder: $tmp"
[ -n "$(bench_time)" ] || echo "note: /usr/bin/time not installed (Debian package 'time'): vcm's CPU time is not printed"

if ! pg_start; then
  echo "pg: PostgreSQL did not start:" >&2
  cat "$tmp/pg_ctl.log" >&2 2>/dev/null
  tail -n 20 "$tmp/pg/log" >&2 2>/dev/null
  exit 1
fi
echo "PostgreSQL $(pg_sql 'SHOW server_version' | cut -d' ' -f1) (pid $pg_pid) on 127.0.0.1:$pg_port, data in $tmp/pg"
echo "settings: initdb's defaults but synchronous_commit (the same guarantee as SQLite's WAL with synchronous=NORMAL: a crash of the server loses nothing, a crash of the machine the last commits):"
echo "  $(pg_sql "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem',
                 'max_wal_size', 'checkpoint_timeout', 'wal_level', 'max_connections')")"
echo "  vcm's SQLite: WAL, synchronous=NORMAL; both on the disk of $tmp"
bench_busy_note

# start_vcm NAME DB EXTRA...: vcm serve on DB on a free port (another try
# if it was taken meanwhile), log in $tmp/NAME.log; sets started_pid and
# started_port.
start_vcm() {
  sv_name=$1
  sv_db=$2
  shift 2
  for _ in 1 2 3 4 5; do
    started_port=$(bench_pick_port "$pg_port") || return 1
    "$VCM" serve --db "$sv_db" --listen "127.0.0.1:$started_port" --log-level warn "$@" \
      > "$tmp/$sv_name.log" 2>&1 &
    started_pid=$!
    bench_wait_http "$started_pid" "$started_port" "http://127.0.0.1:$started_port/" 30 && return 0
    bench_stop "$started_pid"
    started_pid=""
  done
  echo "pg: vcm serve ($sv_name) did not start:" >&2
  tail -n 20 "$tmp/$sv_name.log" >&2
  return 1
}
# wait_search PID PORT: vcm serve opens its index in the background and
# answers 503 until it can search; wait for a 200 (up to 10 minutes).
wait_search() {
  n=6000
  code=""
  while [ $n -gt 0 ] && kill -0 "$1" 2>/dev/null; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$2/api/v1/search?q=porcelain&limit=1")
    [ "$code" = 200 ] && return 0
    sleep 0.1
    n=$((n - 1))
  done
  echo "pg: vcm serve on port $2 did not answer 200 to a search (last: ${code:-none})" >&2
  return 1
}

# run_copy NAME FROM TO: vcm db copy FROM TO, watched: sets m_rc, m_secs
# (wall), c_copy (seconds until its last "N rows copied" line: the copy; the
# rest is the verification), c_objects, c_rows, c_tables, c_ok (tables
# verified ok), c_says (its own closing line), c_pgcpu (server CPU seconds)
# and m_cpu (vcm's, GNU time only). Output in $tmp/NAME.out and NAME.err.
run_copy() {
  rc_name=$1
  c0=$(cpu_ticks "$pg_pid")
  tm=$(bench_time)
  t0=$(bench_ms)
  if [ -n "$tm" ]; then
    "$tm" -f '%U %S' -o "$tmp/$rc_name.time" "$VCM" db copy "$2" "$3" > "$tmp/$rc_name.out" 2> "$tmp/$rc_name.err" &
  else
    "$VCM" db copy "$2" "$3" > "$tmp/$rc_name.out" 2> "$tmp/$rc_name.err" &
  fi
  bench_child=$!
  seen=0
  t_last=$t0
  while kill -0 "$bench_child" 2>/dev/null; do
    k=$(grep -c ' rows copied$' "$tmp/$rc_name.err")
    if [ "$k" != "$seen" ]; then
      seen=$k
      t_last=$(bench_ms)
    fi
    sleep 0.1
  done
  wait "$bench_child"
  m_rc=$?
  bench_child=""
  t1=$(bench_ms)
  k=$(grep -c ' rows copied$' "$tmp/$rc_name.err")
  [ "$k" != "$seen" ] && t_last=$t1
  m_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
  c_copy=$(awk -v a="$t0" -v b="$t_last" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
  c_pgcpu=$(pg_cpu_since "$c0")
  m_cpu=""
  [ -n "$tm" ] && m_cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$tmp/$rc_name.time" 2>/dev/null)
  c_objects=$(awk '$1 == "objects" { print $2 }' "$tmp/$rc_name.out")
  c_rows=$(awk 'NR > 1 { s += $2 } END { print s + 0 }' "$tmp/$rc_name.out")
  c_tables=$(awk 'NR > 1' "$tmp/$rc_name.out" | wc -l | tr -d ' ')
  c_ok=$(awk 'NR > 1 && $NF == "ok"' "$tmp/$rc_name.out" | wc -l | tr -d ' ')
  c_says=$(grep 'copied to .* and verified in' "$tmp/$rc_name.err" | sed 's/^vcm db copy: //')
  return $m_rc
}

# copy_line LABEL: one line of figures of the run_copy just made.
copy_line() {
  echo "  $1: $m_secs s in all, $(bench_group "$(per_sec "$c_objects" "$m_secs")") objects/s, $(bench_group "$(per_sec "$c_rows" "$m_secs")") rows/s"
  echo "      copy $c_copy s ($(bench_group "$(per_sec "$c_objects" "$c_copy")") objects/s, $(bench_group "$(per_sec "$c_rows" "$c_copy")") rows/s), verification $(awk -v a="$m_secs" -v b="$c_copy" 'BEGIN { printf "%.2f", a - b }') s; CPU: ${m_cpu:+vcm $m_cpu s, }PostgreSQL $c_pgcpu s"
  echo "      db copy: $c_tables tables, $(bench_group "$c_rows") rows, $c_ok verified ok; \"$c_says\""
}

# --- a. bulk import ---------------------------------------------------------
demo=$(grep -c . "$DATA")
echo
echo "a. Bulk import of the demo collection ($(bench_group "$demo") records), vcm import (--batch 1000 records a transaction)"
if bench_measure "$tmp" imp-lite "$VCM" import --db "sqlite:$tmp/demo.db" --quiet "$DATA"; then
  lite_rate=$(sed -n 's/.* \([0-9][0-9]*\) records\/s.*/\1/p' "$tmp/imp-lite.out" | tail -n 1)
  echo "  SQLite:     $m_secs s, $(bench_group "$lite_rate") records/s${m_cpu:+; CPU: vcm $m_cpu s}"
else
  fail_with imp-lite "vcm import into SQLite"
  exit 1
fi
pg_sql 'CREATE DATABASE vcm_demo' || exit 1
c0=$(cpu_ticks "$pg_pid")
if bench_measure "$tmp" imp-pg "$VCM" import --db "$(pg_url vcm_demo)" --quiet "$DATA"; then
  pg_rate=$(sed -n 's/.* \([0-9][0-9]*\) records\/s.*/\1/p' "$tmp/imp-pg.out" | tail -n 1)
  echo "  PostgreSQL: $m_secs s, $(bench_group "$pg_rate") records/s; CPU: ${m_cpu:+vcm $m_cpu s, }PostgreSQL $(pg_cpu_since "$c0") s"
else
  fail_with imp-pg "vcm import into PostgreSQL"
  exit 1
fi
r=$(ratio "$pg_rate" "$lite_rate")
echo "  PostgreSQL / SQLite: $r the records/s"
bench_summary pg "import demo into PostgreSQL" "$(bench_group "$pg_rate") records/s" "SQLite $(bench_group "$lite_rate") records/s ($r)"
c0=$(cpu_ticks "$pg_pid")
if bench_measure "$tmp" reimp-pg "$VCM" import --db "$(pg_url vcm_demo)" --quiet "$DATA"; then
  re_rate=$(sed -n 's/.* \([0-9][0-9]*\) records\/s.*/\1/p' "$tmp/reimp-pg.out" | tail -n 1)
  grep -q ' unchanged 0,' "$tmp/reimp-pg.out" && echo "note: the re-import found no record unchanged"
  echo "  PostgreSQL again (every record unchanged): $m_secs s, $(bench_group "$re_rate") records/s; CPU: ${m_cpu:+vcm $m_cpu s, }PostgreSQL $(pg_cpu_since "$c0") s"
  bench_summary pg "re-import demo into PostgreSQL" "$(bench_group "$re_rate") records/s" "every record unchanged"
else
  fail_with reimp-pg "vcm import into PostgreSQL, again"
  exit 1
fi

# --- b. vcm db copy ------------------------------------------------------------
if want b; then
  echo
  echo "b. vcm db copy of it (in all = the copy, one transaction, then the verification: every table read again on both sides)"
  pg_sql 'CREATE DATABASE vcm_copy' || exit 1
  if run_copy copy-to-pg "sqlite:$tmp/demo.db" "$(pg_url vcm_copy)"; then
    copy_line "SQLite → PostgreSQL"
    to_pg=$(per_sec "$c_objects" "$m_secs")
  else
    fail_with copy-to-pg "vcm db copy SQLite → PostgreSQL"
    failed=1
    to_pg=""
  fi
  if run_copy copy-to-lite "$(pg_url vcm_demo)" "sqlite:$tmp/copy.db"; then
    copy_line "PostgreSQL → SQLite"
    to_lite=$(per_sec "$c_objects" "$m_secs")
  else
    fail_with copy-to-lite "vcm db copy PostgreSQL → SQLite"
    failed=1
    to_lite=""
  fi
  bench_summary pg "db copy SQLite → PostgreSQL" "${to_pg:+$(bench_group "$to_pg") objects/s}" "demo collection, copy and verification"
  bench_summary pg "db copy PostgreSQL → SQLite" "${to_lite:+$(bench_group "$to_lite") objects/s}" "demo collection, copy and verification"
  pg_sql 'DROP DATABASE vcm_copy' > /dev/null
  rm -f "$tmp/copy.db" "$tmp/copy.db-wal" "$tmp/copy.db-shm"
fi

# --- c. two nodes against one -------------------------------------------------
if want c; then
  echo
  echo "c. Pages with two nodes against one, on the PostgreSQL database of (a)"
  # Each node has its own folder and its own search index, as in
  # docs/deployment.md; the index is built once here and copied, so that no
  # node builds one while it is measured.
  mkdir -p "$tmp/media" "$tmp/node-a" "$tmp/node-b"
  if ! bench_measure "$tmp" reindex-demo "$VCM" search reindex --db "$(pg_url vcm_demo)" --index "$tmp/node-a/search.index"; then
    fail_with reindex-demo "vcm search reindex on PostgreSQL"
    exit 1
  fi
  for f in "$tmp/node-a"/search.index*; do
    cp "$f" "$tmp/node-b/" || exit 1
  done
  # A search page's hits as the store reads them, counted by PostgreSQL: the
  # statements it receives during one vcm search query (log_statement, set
  # for this database alone) that read objects, their texts, creators or
  # images. Each is one round trip: vcm prepares a statement once per
  # connection, then sends it with its values.
  pg_sql "ALTER DATABASE vcm_demo SET log_statement = 'all'" || exit 1
  log_from=$(($(wc -l < "$tmp/pg/log") + 1))
  "$VCM" search query --db "$(pg_url vcm_demo)" --index "$tmp/node-a/search.index" porcelain \
    > "$tmp/query.out" 2> "$tmp/query.err"
  q_rc=$?
  pg_sql "ALTER DATABASE vcm_demo RESET log_statement" || exit 1
  nhits=$(grep -c "^[0-9][0-9]*$(printf '\t')" "$tmp/query.out")
  trips=$(tail -n +"$log_from" "$tmp/pg/log" | grep -E 'LOG:  (statement|execute [^:]*): ' |
    grep -cE 'FROM (objects|object_texts|object_creators|media)( |$)')
  if [ "$q_rc" != 0 ] || [ "$nhits" = 0 ]; then
    echo "pg: vcm search query on PostgreSQL failed (status $q_rc): $(tail -n 3 "$tmp/query.err")" >&2
    failed=1
  else
    echo "search page on PostgreSQL: its $nhits hits read in $trips round trips (statements reading objects, texts, creators or images during vcm search query porcelain, from PostgreSQL's log)"
    bench_summary pg "a search page's hits on PostgreSQL" "$trips round trips" "$nhits hits"
  fi
  start_vcm node-a "$(pg_url vcm_demo)" --media "$tmp/media" --node-dir "$tmp/node-a" --index "$tmp/node-a/search.index" --page-cache 0 || exit 1
  node_a=$started_pid
  port_a=$started_port
  start_vcm node-b "$(pg_url vcm_demo)" --media "$tmp/media" --node-dir "$tmp/node-b" --index "$tmp/node-b/search.index" --page-cache 0 || exit 1
  node_b=$started_pid
  port_b=$started_port
  # The reference: one node on the SQLite database of (a), the same way.
  if ! bench_measure "$tmp" reindex-lite-demo "$VCM" search reindex --db "sqlite:$tmp/demo.db"; then
    fail_with reindex-lite-demo "vcm search reindex on SQLite"
    exit 1
  fi
  start_vcm node-lite "sqlite:$tmp/demo.db" --media "$tmp/media" --page-cache 0 || exit 1
  lite_pid=$started_pid
  port_l=$started_port
  wait_search "$node_a" "$port_a" && wait_search "$node_b" "$port_b" && wait_search "$lite_pid" "$port_l" || exit 1

  ngx="$tmp/nginx"
  mkdir -p "$ngx/tmp"
  chmod 755 "$ngx"
  started=0
  for _ in 1 2 3 4 5; do
    port_one=$(bench_pick_port "$pg_port") || break
    port_two=$(bench_pick_port "$port_one") || break
    sed -e "s|@PREFIX@|$ngx|g" -e "s|@PORT_ONE@|$port_one|g" -e "s|@PORT_TWO@|$port_two|g" \
      -e "s|@NODE_A@|$port_a|g" -e "s|@NODE_B@|$port_b|g" bench/nginx-nodes.conf.in > "$ngx/nginx.conf"
    "$NGINX" -c "$ngx/nginx.conf" -p "$ngx/" -e "$ngx/error.log" -g 'daemon off;' > "$ngx/stdout.log" 2>&1 &
    nginx_pid=$!
    if bench_wait_http "$nginx_pid" "$port_one" "http://127.0.0.1:$port_one/" 10 &&
        bench_owns_port "$nginx_pid" "$port_two"; then
      started=1
      break
    fi
    bench_stop "$nginx_pid"
    nginx_pid=""
  done
  if [ $started = 0 ]; then
    echo "pg: nginx did not start:" >&2
    cat "$ngx/stdout.log" "$ngx/error.log" 2>/dev/null | tail -n 20 >&2
    exit 1
  fi
  DIRECT="http://127.0.0.1:$port_a"
  LITE="http://127.0.0.1:$port_l"
  ONE="http://127.0.0.1:$port_one"
  TWO="http://127.0.0.1:$port_two"
  echo "nodes: vcm serve --page-cache 0 (every request does the whole work of its page; part 2 shows the cache), threads: ${VCM_THREADS:-one per core} each; on PostgreSQL pids $node_a, $node_b on 127.0.0.1:$port_a and :$port_b; on SQLite (the reference) pid $lite_pid on :$port_l; nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') (pid $nginx_pid, 2 workers): one node on :$port_one, both on :$port_two"

  # The URL lists. Objects: every OBJECT_STEP-th of the collection, as the
  # API lists them; browse: the first 100 pages, and up to 20 pages of each
  # museum and of each country.
  u="$DIRECT/api/v1/objects?limit=1000"
  : > "$tmp/ids"
  while [ -n "$u" ]; do
    curl -s --max-time 60 "$u" > "$tmp/list.json" || break
    grep -o '{"id":[0-9]*,"museum"' "$tmp/list.json" | sed 's/[^0-9]//g' >> "$tmp/ids"
    u=$(sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$tmp/list.json")
  done
  awk -v s=$OBJECT_STEP 'NR % s == 1 { print "/objects/" $1 }' "$tmp/ids" > "$tmp/objects.urls"
  curl -s --max-time 60 "$DIRECT/api/v1/museums" > "$tmp/museums.json"
  curl -s --max-time 60 "$DIRECT/api/v1/countries" > "$tmp/countries.json"
  "$PY" - "$tmp/museums.json" "$tmp/countries.json" > "$tmp/browse.urls" <<'PYEOF' || exit 1
import json, sys
PER_PAGE = 48   # src/web/browse.c
def pages(n):
    return min(20, max(1, (n + PER_PAGE - 1) // PER_PAGE))
for p in range(1, 101):
    print("/browse" if p == 1 else "/browse?page=%d" % p)
for key, path, idk in (("museum", sys.argv[1], "id"), ("country", sys.argv[2], "code")):
    with open(path, encoding="utf-8") as f:
        items = json.load(f).get("items") or []
    for it in items:
        v = it.get(idk) or it.get("country_code") or it.get("id")
        n = it.get("objects") or 0
        if v is None or not n:
            continue
        for p in range(1, pages(n) + 1):
            print("/browse?%s=%s%s" % (key, v, "" if p == 1 else "&page=%d" % p))
PYEOF
  nobj=$(wc -l < "$tmp/objects.urls" | tr -d ' ')
  nbrowse=$(wc -l < "$tmp/browse.urls" | tr -d ' ')
  if [ "$nobj" -lt 100 ] || [ "$nbrowse" -lt 100 ]; then
    echo "pg: too few URLs to walk ($nobj object pages, $nbrowse browse pages): the API's answers were not as expected" >&2
    head -c 300 "$tmp/list.json" >&2
    exit 1
  fi
  # Every page must answer 200 before we time it: a sample through each way
  # in (wrk counts any other answer during the runs, printed as errors).
  broken=0
  for base in "$LITE" "$DIRECT" "$ONE" "$TWO"; do
    for list in objects browse; do
      for p in $(awk 'NR % 25 == 1' "$tmp/$list.urls"); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$base$p")
        if [ "$code" != 200 ]; then
          echo "pg: $base$p answered $code" >&2
          broken=1
        fi
      done
    done
  done
  [ $broken = 0 ] || exit 1
  echo "URL lists: $(bench_group "$nobj") object pages (every ${OBJECT_STEP}th object), $nbrowse browse pages (100 pages of the whole collection, up to 20 of each museum and each country), walked in turn by bench/urls.lua"

  # load NAME BASE LIST: the measured wrk run over LIST; res-NAME as in part 2.
  load() {
    bench_bg wrk -t"$WRK_T" -c"$WRK_C" -d"$DURATION" --latency -s bench/urls.lua "$2" -- "$tmp/$3.urls" "$WRK_T" \
      > "$tmp/wrk-$1.txt" 2>&1
    bench_wrk_result "$tmp/wrk-$1.txt" "$tmp/res-$1" "$1" || { failed=1; return 1; }
    case $errs in *non-2xx*) echo "pg: $1: wrk counted answers other than 2xx or 3xx: $errs" >&2; failed=1 ;; esac
  }
  val() { sed -n "${2}p" "$tmp/res-$1" 2>/dev/null; }

  echo "wrk -t$WRK_T -c$WRK_C -d$DURATION --latency, each list warmed up for $WARMUP on each server first; one node through nginx just before and just after the two"
  echo "(the nodes, the SQLite reference, nginx, PostgreSQL and wrk share $(nproc 2>/dev/null || echo '?') cores)"
  bench_busy_note
  printf '%-8s %-40s %9s %8s %8s  %s\n' pages set-up req/s "p50 ms" "p99 ms" errors
  row() {   # row NAME LABEL
    printf '%-8s %-40s %9s %8s %8s  %s\n' "${1%%-*}" "$2" "$(bench_group "$(val "$1" 2)")" "$(val "$1" 3)" "$(val "$1" 4)" "$(val "$1" 6)"
  }
  for list in objects browse; do
    for w in "$LITE" "$DIRECT" "$TWO"; do
      bench_bg wrk -t"$WRK_T" -c"$WRK_C" -d"$WARMUP" -s bench/urls.lua "$w" -- "$tmp/$list.urls" "$WRK_T" > /dev/null 2>&1
    done
    load "$list-lite" "$LITE" "$list"
    load "$list-direct" "$DIRECT" "$list"
    load "$list-one1" "$ONE" "$list"
    # the CPU each process takes while two nodes serve
    ca0=$(cpu_ticks "$node_a"); cb0=$(cpu_ticks "$node_b"); cn0=$(cpu_ticks "$nginx_pid"); cp0=$(cpu_ticks "$pg_pid"); t0=$(bench_ms)
    load "$list-two" "$TWO" "$list"
    t1=$(bench_ms); ca1=$(cpu_ticks "$node_a"); cb1=$(cpu_ticks "$node_b"); cn1=$(cpu_ticks "$nginx_pid"); cp1=$(cpu_ticks "$pg_pid")
    load "$list-one2" "$ONE" "$list"
    row "$list-lite" "SQLite, one node, direct"
    row "$list-direct" "PostgreSQL, one node, direct"
    row "$list-one1" "PostgreSQL, one node via nginx (before)"
    row "$list-two" "PostgreSQL, two nodes via nginx"
    row "$list-one2" "PostgreSQL, one node via nginx (after)"
    one=$(awk -v a="$(val "$list-one1" 2)" -v b="$(val "$list-one2" 2)" 'BEGIN { printf "%.2f", (a + b) / 2 }')
    two=$(val "$list-two" 2)
    r=$(ratio "${two:-0}" "$one")
    rl=$(ratio "$(val "$list-direct" 2)" "$(val "$list-lite" 2)")
    echo "         two / one via nginx (its mean): $r; one node, PostgreSQL / SQLite: $rl"
    echo "$(awk -v t="$((t1 - t0))" -v h="$TCK" -v a="$((ca1 - ca0))" -v b="$((cb1 - cb0))" -v n="$((cn1 - cn0))" -v p="$((cp1 - cp0))" 'BEGIN {
      printf "         CPU during the two-node run: node A %.1f s, node B %.1f s, nginx %.1f s, PostgreSQL %.1f s, in %.1f s", a / h, b / h, n / h, p / h, t / 1000 }')"
    bench_summary pg "PostgreSQL $list pages, two nodes" "$(bench_group "${two:-0}") req/s" "one node $(bench_group "$one") req/s via nginx ($r); direct $(bench_group "$(val "$list-direct" 2)"), SQLite $(bench_group "$(val "$list-lite" 2)")"
  done
  echo "note: on $(nproc 2>/dev/null || echo '?') cores a second node on the same machine adds threads, not cores: wrk, nginx, PostgreSQL and both nodes take turns on them, so two/one near 1× here says nothing of two machines; the CPU line shows where the time went"
  for p in $node_a $node_b $lite_pid; do
    kill -0 "$p" 2>/dev/null || { echo "pg: a vcm node died during the runs" >&2; failed=1; }
  done
  grep -hi 'warn\|error\|fatal' "$tmp/node-a.log" "$tmp/node-b.log" "$tmp/node-lite.log" | head -n 5 | sed 's/^/vcm logged: /'
  bench_stop "$nginx_pid"; nginx_pid=""
  bench_stop "$node_a"; node_a=""
  bench_stop "$node_b"; node_b=""
  bench_stop "$lite_pid"; lite_pid=""
fi

# --- d. the search query set on both stores ----------------------------------
if want d; then
  echo
  echo "d. The search query set of part 4 on $(bench_group "$RECORDS") records, SQLite store beside PostgreSQL store"
  bench_busy_note
  tab=$(printf '\t')
  grep -v '^#' bench/search_queries.tsv | grep . > "$tmp/queries.tsv" || exit 1
  t0=$(bench_ms)
  if ! bench_bg "$PY" bench/search_data.py "$DATA" "$tmp/big.jsonl" "$RECORDS" > "$tmp/gen.out" 2>&1; then
    echo "pg: bench/search_data.py failed:" >&2
    tail -n 20 "$tmp/gen.out" >&2
    exit 1
  fi
  records=$(wc -l < "$tmp/big.jsonl" | tr -d ' ')
  echo "collection: $(bench_group "$records") records (bench/search_data.py: $(cat "$tmp/gen.out")), made in $(bench_secs "$t0") s (not a figure)"
  if bench_measure "$tmp" big-lite "$VCM" import --db "sqlite:$tmp/big.db" --quiet "$tmp/big.jsonl"; then
    rate=$(sed -n 's/.* \([0-9][0-9]*\) records\/s.*/\1/p' "$tmp/big-lite.out" | tail -n 1)
    echo "  vcm import into SQLite: $m_secs s, $(bench_group "$rate") records/s${m_cpu:+; CPU: vcm $m_cpu s}"
  else
    fail_with big-lite "vcm import of $records records into SQLite"
    exit 1
  fi
  pg_sql 'CREATE DATABASE vcm_big' || exit 1
  if [ "$LOAD" = import ]; then
    c0=$(cpu_ticks "$pg_pid")
    if bench_measure "$tmp" big-pg "$VCM" import --db "$(pg_url vcm_big)" --quiet "$tmp/big.jsonl"; then
      rate=$(sed -n 's/.* \([0-9][0-9]*\) records\/s.*/\1/p' "$tmp/big-pg.out" | tail -n 1)
      echo "  vcm import into PostgreSQL: $m_secs s, $(bench_group "$rate") records/s; CPU: ${m_cpu:+vcm $m_cpu s, }PostgreSQL $(pg_cpu_since "$c0") s"
      bench_summary pg "import $(bench_group "$records") into PostgreSQL" "$(bench_group "$rate") records/s" "$m_secs s"
    else
      fail_with big-pg "vcm import of $records records into PostgreSQL"
      exit 1
    fi
  else
    echo "  into PostgreSQL with vcm db copy from that SQLite database (vcm import into PostgreSQL runs at the rate of (a); VCM_BENCH_PG_LOAD=import to time it):"
    if run_copy big-copy "sqlite:$tmp/big.db" "$(pg_url vcm_big)"; then
      copy_line "SQLite → PostgreSQL"
      bench_summary pg "db copy $(bench_group "$records") SQLite → PostgreSQL" "$(bench_group "$(per_sec "$c_objects" "$m_secs")") objects/s" "$m_secs s with the verification"
    else
      fail_with big-copy "vcm db copy of $records records into PostgreSQL"
      exit 1
    fi
  fi
  rm -f "$tmp/big.jsonl"
  mkdir -p "$tmp/big-pg"
  if bench_measure "$tmp" reindex-lite "$VCM" search reindex --db "sqlite:$tmp/big.db"; then
    lite_idx=$m_secs
    echo "  vcm search reindex from SQLite: $m_secs s, $(bench_group "$(per_sec "$records" "$m_secs")") records/s${m_cpu:+; CPU: vcm $m_cpu s}, peak RSS $m_rss MiB"
  else
    fail_with reindex-lite "vcm search reindex from SQLite"
    exit 1
  fi
  c0=$(cpu_ticks "$pg_pid")
  if bench_measure "$tmp" reindex-pg "$VCM" search reindex --db "$(pg_url vcm_big)" --index "$tmp/big-pg/search.index"; then
    echo "  vcm search reindex from PostgreSQL: $m_secs s, $(bench_group "$(per_sec "$records" "$m_secs")") records/s; CPU: ${m_cpu:+vcm $m_cpu s, }PostgreSQL $(pg_cpu_since "$c0") s; peak RSS $m_rss MiB"
    bench_summary pg "search reindex $(bench_group "$records") from PostgreSQL" "$m_secs s" "from SQLite $lite_idx s ($(ratio "$m_secs" "$lite_idx") the time)"
  else
    fail_with reindex-pg "vcm search reindex from PostgreSQL"
    exit 1
  fi
  echo "  sizes: SQLite database $(du -sk "$tmp/big.db" | awk '{ printf "%.0f MiB", $1 / 1024 }'), PostgreSQL database $(pg_sql "SELECT pg_database_size('vcm_big') / 1048576") MiB"

  start_vcm big-lite "sqlite:$tmp/big.db" --media "$tmp/media" || exit 1
  lite_pid=$started_pid
  lite_port=$started_port
  start_vcm big-pg "$(pg_url vcm_big)" --media "$tmp/media" --node-dir "$tmp/big-pg" --index "$tmp/big-pg/search.index" || exit 1
  pgs_pid=$started_pid
  pgs_port=$started_port
  wait_search "$lite_pid" "$lite_port" && wait_search "$pgs_pid" "$pgs_port" || exit 1
  echo "vcm serve on SQLite (pid $lite_pid, :$lite_port) and on PostgreSQL (pid $pgs_pid, :$pgs_port); for each query: one curl each, a 1 s warm-up each, then wrk -t1 -c1 --latency for $SECS s on SQLite, then on PostgreSQL"
  "$PY" bench/search_report.py urls "$tmp/queries.tsv" "http://127.0.0.1:$lite_port" > "$tmp/urls-sqlite"
  "$PY" bench/search_report.py urls "$tmp/queries.tsv" "http://127.0.0.1:$pgs_port" > "$tmp/urls-pg"
  : > "$tmp/sqlite.tsv"
  : > "$tmp/pg.tsv"
  i=0
  while IFS="$tab" read -r label kind q params; do
    i=$((i + 1))
    for store in sqlite pg; do
      u=$(sed -n "${i}p" "$tmp/urls-$store")
      code=$(curl -s -o "$tmp/$store-$i.json" -w '%{http_code}' --max-time 60 "$u")
      if [ "$code" != 200 ]; then
        echo "pg: $u answered $code: $(head -c 300 "$tmp/$store-$i.json")" >&2
        failed=1
        continue
      fi
      bench_bg wrk -t1 -c1 -d1s "$u" > /dev/null 2>&1
      bench_bg wrk -t1 -c1 -d"${SECS}s" --latency "$u" > "$tmp/wrk-$store-$i.txt" 2>&1
      if bench_wrk_result "$tmp/wrk-$store-$i.txt" "$tmp/res-$store-$i" "$label"; then
        printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$p50" "$p99" "$reqs" "$errs" >> "$tmp/$store.tsv"
      else
        failed=1
      fi
    done
  done < "$tmp/queries.tsv"
  "$PY" bench/search_report.py stores "$tmp/queries.tsv" "$tmp" || failed=1
  for p in $lite_pid $pgs_pid; do
    kill -0 "$p" 2>/dev/null || { echo "pg: vcm serve died during the runs" >&2; failed=1; }
  done
  echo "vcm serve: peak RSS $(awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$lite_pid/status" 2>/dev/null) MiB on SQLite, $(awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$pgs_pid/status" 2>/dev/null) MiB on PostgreSQL"
  grep -hi 'warn\|error\|fatal' "$tmp/big-lite.log" "$tmp/big-pg.log" | head -n 5 | sed 's/^/vcm logged: /'
fi

secs=$(bench_secs "$part_start")
echo "part 5 took $secs s"
bench_summary time "part 5, PostgreSQL" "$secs s" ""
exit $failed
