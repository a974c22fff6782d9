#!/bin/sh
# Part 4: search, beside Xapian.
#
# Makes a collection of 1,000,000 records (VCM_BENCH_SEARCH_RECORDS) from
# the demo collection with bench/search_data.py: copies with their own
# source ids, dates shifted by up to 30 years, spread over 156 museums in
# 28 countries (deterministic). Then:
#
#   - vcm import into a fresh SQLite database (records/s), and
#     vcm search reindex: the time to index it, and its peak RSS;
#   - the same records indexed by Xapian (Debian's libxapian, through
#     python3-xapian: bench/search_xapian.py, one process per core, then a
#     compaction), with the same fields, CJK n-grams and English stemming;
#   - the same records in SQLite FTS5 with vcm's own tokenizer
#     (bench/search_fts5.c, built here with gcc against build/libvcm.a): the
#     engine vcm did not choose, measured beside it (about 4 minutes on 2
#     cores; VCM_BENCH_FTS5=0 leaves it out);
#   - the fixed query set below on each: top 20 with an exact total. vcm
#     through its HTTP API (vcm serve on a free loopback port, our own
#     child, stopped by PID): one curl for the answer, then wrk -t1 -c1 for
#     VCM_BENCH_SEARCH_SECS seconds after a warm-up, p50 and p99 from wrk's
#     distribution. Xapian and FTS5 in-process, each query run again and
#     again for as long, p50 and p99 of those runs;
#   - 2 clients at once on "porcelain": wrk -t2 -c2 against vcm, two
#     processes against Xapian; queries/s.
#   - vcm serve's start: the time until it searches (/healthz answers, then
#     the search answers 200: the index opened), and its home page's first
#     request, which counts the origins of the whole collection in the
#     database, then a second one;
# and prints one table: hits, p50, p99 of each, the p99 ratio and the goals
# of the search issue. It never fails because the machine was slow
# (STYLE.md, point 9): the exit status is non-zero only when something
# could not run. A vcm without the search command still gets Xapian's
# figures printed (and the part exits 1).
#
# wrk and vcm share the 2 cores as in part 2: vcm's latencies include HTTP,
# JSON and the client's work; Xapian's and FTS5's are calls in-process.
#
#   sh bench/search.sh            (from the repository; build/vcm must exist)
#   VCM_BIN, VCM_DATA, VCM_BENCH_SEARCH_RECORDS (1000000),
#   VCM_BENCH_SEARCH_SECS (3: each query, each engine), VCM_BENCH_DURATION
#   (10s: the 2-client runs), VCM_BENCH_FTS5 (1; 0 leaves FTS5 out) override.
#   VCM_BENCH_SEARCH_KEEP=DIR: work in DIR (made if missing) and keep it; the
#   collection and Xapian's index left there by an earlier run of as many
#   records are used again (with the indexing time measured then), so that
#   two vcm binaries can be measured one after the other against the same
#   files; vcm's database and index are kept one per binary (by checksum)
#   and reused likewise, so a second pair of runs only runs the queries
#   again. The queries are always run again on every engine.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

VCM=${VCM_BIN:-build/vcm}
RECORDS=${VCM_BENCH_SEARCH_RECORDS:-1000000}
SECS=${VCM_BENCH_SEARCH_SECS:-3}
DURATION=${VCM_BENCH_DURATION:-10s}
FTS5=${VCM_BENCH_FTS5:-1}
PROCS=$(nproc 2>/dev/null || echo 1)
INDEX_GOAL=180       # seconds to index 1,000,000 records
RATE_GOAL=116        # queries/s of 2 clients on "porcelain": Xapian's, in the issue
DATA=$(bench_data)
part_start=$(bench_ms)

echo "== 4. Search =="
# Debian's python3 has python3-xapian; another python3 first on PATH may not.
PY=""
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import xapian' >/dev/null 2>&1; then
    PY=$p
    break
  fi
done
missing=""
[ -n "$PY" ] || missing="$missing python3-xapian"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
if [ -n "$missing" ]; then
  echo "search: skipped: not installed:$missing (sh scripts/deps.sh bench installs them)" >&2
  exit 1
fi
case $SECS in
  ''|*[!0-9]*|0) echo "search: VCM_BENCH_SEARCH_SECS must be a whole number of seconds (wrk's -d), not '$SECS'" >&2; exit 1 ;;
esac
[ -x "$VCM" ] || { echo "search: '$VCM' not found; run make first" >&2; exit 1; }
[ -r "$DATA" ] || { echo "search: cannot read '$DATA' (set VCM_DATA to the data folder)" >&2; exit 1; }
have_search=1
if ! "$VCM" help 2>&1 | grep -q '^ *search '; then
  have_search=0
fi

KEEP=${VCM_BENCH_SEARCH_KEEP:-}
if [ -n "$KEEP" ]; then
  mkdir -p "$KEEP" || exit 1
  tmp=$(cd "$KEEP" && pwd) || exit 1
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-search.XXXXXX") || exit 1
fi
vcm_pid=""
cleanup() {
  bench_stop_child
  bench_stop "$vcm_pid"
  [ -n "$KEEP" ] || rm -rf "$tmp"
}
# kept NAME: true when a kept work folder holds NAME, finished by an earlier
# run of as many records (NAME.done holds the count, written last).
kept() {
  [ -n "$KEEP" ] && [ -e "$tmp/$1" ] && [ "$(cat "$tmp/$1.done" 2>/dev/null)" = "$RECORDS" ]
}
# done_mark NAME: marks NAME finished, for a later run with the same KEEP.
done_mark() {
  [ -z "$KEEP" ] || echo "$RECORDS" > "$tmp/$1.done"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM
trap 'echo "bench: hung up" >&2; exit 129' HUP

# bg and measure: bench_bg and bench_measure of lib.sh (the output of
# measure NAME is in $tmp/NAME.out and NAME.err).
bg() {
  bench_bg "$@"
}
measure() {
  bench_measure "$tmp" "$@"
}
TIME=$(bench_time)

# fail_with NAME WHAT: prints what a failed command left, for the reader.
fail_with() {
  echo "search: $2 failed (status $m_rc):" >&2
  tail -n 5 "$tmp/$1.out" >&2
  tail -n 20 "$tmp/$1.err" >&2
}

# per_sec N SECS: N / SECS, whole, grouped.
per_sec() {
  bench_group "$(awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }')"
}

free_kb() {
  df -Pk "$tmp" | awk 'NR == 2 { print $4 }'
}
# About 4.5 KB on disk per record over all copies (the file, the database,
# the three indexes), with room to spare.
need_kb=$((RECORDS * 6 + 1048576))
if [ "$(free_kb)" -lt "$need_kb" ]; then
  echo "search: skipped: $(awk -v k="$(free_kb)" 'BEGIN { printf "%.1f", k / 1048576 }') GiB free in $tmp; $(bench_group "$RECORDS") records need about $(awk -v k="$need_kb" 'BEGIN { printf "%.1f", k / 1048576 }') GiB (set TMPDIR to a roomier disk, or VCM_BENCH_SEARCH_RECORDS lower)" >&2
  exit 1
fi
echo "work folder: $tmp"
[ -n "$TIME" ] || echo "note: /usr/bin/time not installed (Debian package 'time'): peak RSS from /proc (VmHWM every 50 ms)"
bench_busy_note

# The fixed query set (bench/search_queries.tsv, shared with part 5): LABEL,
# KIND, Q, extra parameters in URL form. The same lines are vcm's URLs
# (search_report.py urls) and Xapian's and FTS5's queries, so all engines
# answer the same literal query (expand=0: no thesaurus expansion on vcm's
# side). Comments are left out here, so that line N is query N everywhere.
tab=$(printf '\t')
grep -v '^#' bench/search_queries.tsv | grep . > "$tmp/queries.tsv" || exit 1
failed=0

# --- the collection -----------------------------------------------------------
t0=$(bench_ms)
if kept collection.jsonl; then
  made="kept from an earlier run"
else
  rm -f "$tmp/collection.jsonl.done"
  if ! bg "$PY" bench/search_data.py "$DATA" "$tmp/collection.jsonl" "$RECORDS" > "$tmp/gen.out" 2>&1; then
    echo "search: bench/search_data.py failed:" >&2
    tail -n 20 "$tmp/gen.out" >&2
    exit 1
  fi
  done_mark collection.jsonl
  made="made in $(bench_secs "$t0") s"
fi
records=$(wc -l < "$tmp/collection.jsonl" | tr -d ' ')
echo "collection: $(bench_group "$records") records ($(cat "$tmp/gen.out")), $(awk -v b="$(wc -c < "$tmp/collection.jsonl")" 'BEGIN { printf "%.0f", b / 1048576 }') MiB, $made (not a figure)"

# --- indexing -----------------------------------------------------------------
echo
echo "Indexing $(bench_group "$records") records (wall time, peak RSS${TIME:+ from GNU time})"
vcm_index_secs=""
# vcm's database: one per binary in a kept work folder (named by the
# binary's checksum), so that a second run of the same binary reuses it.
db=vcm
[ -z "$KEEP" ] || db=vcm-$(cksum < "$VCM" | cut -d ' ' -f 1)
if [ $have_search = 1 ] && kept "$db.db"; then
  vcm_index_secs=$(sed -n 1p "$tmp/$db.secs")
  vcm_index_rss=$(sed -n 2p "$tmp/$db.secs")
  echo "  vcm: database and index of this binary kept from an earlier run (reindex then: $vcm_index_secs s, peak RSS $vcm_index_rss MiB)"
elif [ $have_search = 1 ]; then
  rm -rf "$tmp/$db.db" "$tmp/$db.db.done" "$tmp/$db.db-wal" "$tmp/$db.db-shm" "$tmp/$db.db.index" "$tmp/media"
  if measure import "$VCM" import --db "sqlite:$tmp/$db.db" --quiet "$tmp/collection.jsonl"; then
    rate=$(sed -n 's/.* \([0-9][0-9]*\) records\/s.*/\1/p' "$tmp/import.out" | tail -n 1)
    echo "  vcm import (the store, not a search figure): $m_secs s, ${rate:+$(bench_group "$rate") records/s, }peak RSS $m_rss MiB"
    if measure reindex "$VCM" search reindex --db "sqlite:$tmp/$db.db"; then
      vcm_index_secs=$m_secs
      vcm_index_rss=$m_rss
      printf '%s\n%s\n' "$m_secs" "$m_rss" > "$tmp/$db.secs"
      done_mark "$db.db"
      isize=$(du -sk "$tmp/$db.db.index" 2>/dev/null | awk '{ printf "%.0f MiB", $1 / 1024 }')
      echo "  vcm search reindex: $m_secs s, $(per_sec "$records" "$m_secs") records/s, peak RSS $m_rss MiB${isize:+, index $isize}"
    else
      fail_with reindex "vcm search reindex"
      failed=1
    fi
  else
    fail_with import "vcm import"
    failed=1
  fi
else
  echo "  vcm: skipped: '$VCM' has no 'search' command (built before search? run make)"
  failed=1
fi

xap_index_secs=""
if kept xapian; then
  xap_index_secs=$(cat "$tmp/xapian.secs" 2>/dev/null)
  echo "  Xapian: index kept from an earlier run (indexed then in ${xap_index_secs:-?} s), $(du -sk "$tmp/xapian" | awk '{ printf "%.0f MiB", $1 / 1024 }')"
elif rm -rf "$tmp/xapian" "$tmp/xapian.done" &&
    measure xapian "$PY" bench/search_xapian.py index "$tmp/xapian" "$tmp/collection.jsonl" "$PROCS"; then
  xap_index_secs=$m_secs
  echo "$m_secs" > "$tmp/xapian.secs"
  done_mark xapian
  xsize=$(du -sk "$tmp/xapian" | awk '{ printf "%.0f MiB", $1 / 1024 }')
  echo "  Xapian ($PROCS processes, then compacted): $m_secs s ($(sed -n 's/.*(\(.*compaction [0-9.]* s\)).*/\1/p' "$tmp/xapian.out")), $(per_sec "$records" "$m_secs") records/s, peak RSS $m_rss MiB (the largest process), index $xsize"
else
  fail_with xapian "Xapian's indexing"
  exit 1
fi

fts_ok=0
if [ "$FTS5" != 0 ]; then
  # Built here, not by the Makefile: it is the benchmark's, not vcm's.
  FTS=$tmp/search_fts5
  if [ ! -r build/libvcm.a ]; then
    echo "  FTS5: skipped: build/libvcm.a not found (run make)"
  elif ! gcc -std=c17 -O2 -Wall -Wextra -Isrc -o "$FTS" bench/search_fts5.c build/libvcm.a \
      $(pkg-config --cflags --libs sqlite3 jansson icu-i18n icu-uc libsodium) -lm > "$tmp/fts5-cc.log" 2>&1; then
    echo "  FTS5: skipped: bench/search_fts5.c did not build:"
    sed 's/^/    /' "$tmp/fts5-cc.log" | tail -n 10
  elif measure fts5 "$FTS" index "$tmp/fts5.db" "$tmp/collection.jsonl"; then
    fts_ok=1
    fsize=$(du -sk "$tmp/fts5.db" | awk '{ printf "%.0f MiB", $1 / 1024 }')
    echo "  SQLite FTS5 with vcm's tokenizer (1 process): $m_secs s ($(sed -n 's/.*(\(inserts .*optimize [0-9.]* s\)).*/\1/p' "$tmp/fts5.out")), $(per_sec "$records" "$m_secs") records/s, peak RSS $m_rss MiB, index $fsize"
    fts_index_secs=$m_secs
  else
    fail_with fts5 "FTS5 indexing"
  fi
fi
if [ -n "$vcm_index_secs" ]; then
  per_m=$(awk -v s="$vcm_index_secs" -v n="$records" 'BEGIN { printf "%.1f", s * 1000000 / n }')
  if [ "$records" = 1000000 ]; then
    at="1M records in $per_m s"
  else
    at="1M records in $per_m s at this rate (extrapolated)"
  fi
  echo "  vcm / Xapian: $(awk -v a="$vcm_index_secs" -v b="$xap_index_secs" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')× the time; $at   goal < $INDEX_GOAL s ($(awk -v s="$per_m" -v g="$INDEX_GOAL" 'BEGIN { print (s < g) ? "goal met" : "goal not met" }'))"
  bench_summary search "search, index $(bench_group "$records") records" "$vcm_index_secs s, peak RSS $vcm_index_rss MiB" "Xapian $xap_index_secs s; goal: 1M in < $INDEX_GOAL s ($per_m s per 1M)"
else
  bench_summary search "search, index $(bench_group "$records") records" "-" "Xapian $xap_index_secs s (vcm could not run)"
fi

# --- vcm serve ---------------------------------------------------------------
if [ -n "$vcm_index_secs" ]; then
  started=0
  for _ in 1 2 3 4 5; do
    port=$(bench_pick_port) || break
    "$VCM" serve --db "sqlite:$tmp/$db.db" --listen "127.0.0.1:$port" --media "$tmp/media" \
      --log-level warn > "$tmp/vcm.log" 2>&1 &
    vcm_pid=$!
    t_serve=$(bench_ms)
    # /healthz, not /: the home page counts the origins of the whole
    # collection on its first request (measured below, apart)
    if bench_wait_http "$vcm_pid" "$port" "http://127.0.0.1:$port/healthz" 30; then
      started=1
      break
    fi
    bench_stop "$vcm_pid"
    vcm_pid=""
  done
  if [ $started = 0 ]; then
    echo "search: vcm serve did not start:" >&2
    tail -n 20 "$tmp/vcm.log" >&2
    failed=1
  else
    # vcm serve opens the index in the background and answers 503 until it
    # can search: wait for a 200 (up to 10 minutes, in case it rebuilds).
    n=6000
    code=""
    while [ $n -gt 0 ] && kill -0 "$vcm_pid" 2>/dev/null; do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/api/v1/search?q=porcelain&limit=1")
      [ "$code" = 200 ] && break
      sleep 0.1
      n=$((n - 1))
    done
    if [ "$code" = 200 ]; then
      echo
      echo "vcm serve (pid $vcm_pid) on 127.0.0.1:$port: searching $(bench_secs "$t_serve") s after its start (opening the index)"
      # the home page's first request: the collection's origins counted in
      # the database (no cache can answer it: the server has just started),
      # then the same page again (each server thread keeps its own counts
      # until the data changes)
      home1=$(curl -s -o /dev/null -w '%{time_total}' --max-time 120 "http://127.0.0.1:$port/")
      home2=$(curl -s -o /dev/null -w '%{time_total}' --max-time 120 "http://127.0.0.1:$port/")
      echo "home page: first request after the start $home1 s (origins counted), again $home2 s"
      bench_summary search "home page at $(bench_group "$records") records, first request" "$home1 s" "again: $home2 s"
    else
      echo "search: vcm serve's /api/v1/search did not answer 200 within 10 minutes (last: ${code:-none}):" >&2
      tail -n 20 "$tmp/vcm.log" >&2
      bench_stop "$vcm_pid"
      vcm_pid=""
      failed=1
    fi
  fi
fi

echo
echo "Queries: top 20, exact totals; vcm over HTTP (wrk -t1 -c1, ${SECS} s each after a 1 s warm-up), Xapian$( [ $fts_ok = 1 ] && echo " and FTS5") in-process (${SECS} s of runs each)"
: > "$tmp/vcm.tsv"
if [ -n "$vcm_pid" ]; then
  VCMU="http://127.0.0.1:$port"
  "$PY" bench/search_report.py urls "$tmp/queries.tsv" "$VCMU" > "$tmp/urls"
  i=0
  while IFS="$tab" read -r label kind q params; do
    i=$((i + 1))
    u=$(sed -n "${i}p" "$tmp/urls")
    code=$(curl -s -o "$tmp/vcm-$i.json" -w '%{http_code}' --max-time 60 "$u")
    if [ "$code" != 200 ]; then
      echo "search: $u answered $code: $(head -c 300 "$tmp/vcm-$i.json")" >&2
      failed=1
      continue
    fi
    bg wrk -t1 -c1 -d1s "$u" > /dev/null 2>&1
    bg wrk -t1 -c1 -d"${SECS}s" --latency "$u" > "$tmp/wrk-$i.txt" 2>&1
    if bench_wrk_result "$tmp/wrk-$i.txt" "$tmp/res-$i" "$label"; then
      printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$p50" "$p99" "$reqs" "$errs" >> "$tmp/vcm.tsv"
    else
      failed=1
    fi
  done < "$tmp/queries.tsv"
fi
if ! bg "$PY" bench/search_xapian.py run "$tmp/xapian" "$tmp/queries.tsv" "$SECS" > "$tmp/xapian.tsv" 2> "$tmp/xapian-run.err"; then
  echo "search: Xapian's queries failed:" >&2
  tail -n 20 "$tmp/xapian-run.err" >&2
  failed=1
fi
if [ $fts_ok = 1 ] && ! bg "$FTS" run "$tmp/fts5.db" "$tmp/queries.tsv" "$SECS" > "$tmp/fts5.tsv" 2> "$tmp/fts5-run.err"; then
  echo "search: FTS5's queries failed:" >&2
  tail -n 20 "$tmp/fts5-run.err" >&2
  rm -f "$tmp/fts5.tsv"
fi
"$PY" bench/search_report.py table "$tmp/queries.tsv" "$tmp"
echo "(the issue's Xapian p99 on its machine: porcelain 21.9 ms, \"ink on silk\" 23 ms, 玉 3.1 ms, offset 10,000 140 ms)"

# --- 2 clients at once -----------------------------------------------------
echo
echo "2 clients at once on \"porcelain\" ($DURATION): vcm wrk -t2 -c2, Xapian 2 processes"
secs_d=$(printf '%s\n' "$DURATION" | awk '{ v = $1 + 0; if ($1 ~ /m$/) v *= 60; print v }')
bg "$PY" bench/search_xapian.py concurrent "$tmp/xapian" "$tmp/queries.tsv" porcelain 2 "$secs_d" > "$tmp/conc.out" 2> "$tmp/conc.err"
xrate=$(cat "$tmp/conc.out")
[ -n "$xrate" ] || { echo "search: Xapian's 2-process run failed: $(tail -n 3 "$tmp/conc.err")" >&2; failed=1; }
vrate=""
if [ -n "$vcm_pid" ]; then
  u=$(sed -n 1p "$tmp/urls")
  bg wrk -t2 -c2 -d"$DURATION" --latency "$u" > "$tmp/wrk-2c.txt" 2>&1
  if bench_wrk_result "$tmp/wrk-2c.txt" "$tmp/res-2c" porcelain; then
    vrate=$rps
    echo "  vcm: $rps req/s (p50 $p50 ms, p99 $p99 ms${errs:+; $errs})"
  else
    failed=1
  fi
fi
echo "  Xapian: ${xrate:--} queries/s"
if [ -n "$vrate" ]; then
  verdict=$(awk -v v="$vrate" -v x="${xrate:-0}" -v g="$RATE_GOAL" 'BEGIN {
    printf "%s× Xapian here; goal ≥ %d q/s (%s)", (x > 0) ? sprintf("%.2f", v / x) : "-", g, (v >= g) ? "goal met" : "goal not met" }')
  echo "  vcm: $verdict"
  bench_summary search "search, 2 clients on \"porcelain\"" "$vrate req/s" "Xapian ${xrate:--} q/s; $verdict"
else
  bench_summary search "search, 2 clients on \"porcelain\"" "-" "Xapian ${xrate:--} q/s (vcm could not run)"
fi

if [ -n "$vcm_pid" ]; then
  rss=$(awk '$1 == "VmHWM:" { printf "%.1f", $2 / 1024 }' "/proc/$vcm_pid/status" 2>/dev/null)
  echo "vcm serve: peak RSS ${rss:-?} MiB after the runs"
  if grep -qi 'warn\|error\|fatal' "$tmp/vcm.log"; then
    echo "vcm logged:"
    grep -i 'warn\|error\|fatal' "$tmp/vcm.log" | head -n 10 | sed 's/^/  /'
  fi
  kill -0 "$vcm_pid" 2>/dev/null || { echo "search: vcm serve died during the runs" >&2; failed=1; }
fi

secs=$(bench_secs "$part_start")
echo "part 4 took $secs s"
bench_summary time "part 4, search" "$secs s" ""
exit $failed
