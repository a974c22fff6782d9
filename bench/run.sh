#!/bin/sh
# VCM's benchmarks: `make bench` builds build/vcm, then runs this.
#
#   1. bench/import.sh   import throughput and memory, against sqlite3
#   2. bench/web.sh      req/s and latency of pages and API, against nginx;
#                        page weight
#   3. bench/iiif.sh     image ingest, and the IIIF Image API against
#                        IIPImage (behind nginx) and nginx's static file
#   4. bench/search.sh   indexing and querying 1,000,000 records, against
#                        Xapian (and SQLite FTS5 with vcm's tokenizer)
#   5. bench/pg.sh       the PostgreSQL store beside the SQLite store: bulk
#                        import, db copy, pages with two nodes against one,
#                        part 4's query set on 1,000,000 records
#   6. bench/render.sh   p99 of the home page, an object page and a cached
#                        tile, alone and while expensive IIIF renders run
#   7. bench/judged.sh   precision@10 and nDCG@10 of the judged query set
#                        (bench/judged/), thesaurus expansions on and off
#   8. bench/oai.sh      OAI-PMH: ListRecords over the demo (records/s, the
#                        server's peak RSS at two page sizes) against the
#                        LIDO export; a hub harvesting the member against
#                        the import of the LIDO file
#
# Prints figures, ratios to a reference measured in the same run, and the
# project's goals beside them. It never fails because the machine was slow
# (STYLE.md, point 9): the exit status is non-zero only when a part could
# not run (a tool missing, vcm failing, a server not starting).
# Everything runs on 127.0.0.1, in temporary folders that are removed after.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

start=$(bench_ms)
VCM=${VCM_BIN:-build/vcm}

# The Makefile's bench target installs the build's packages; nginx, wrk,
# IIPImage, spawn-fcgi, the vips tool, python3-xapian, PostgreSQL and GNU
# time are asked for here.
if ! sh scripts/deps.sh bench; then
  echo "bench: could not install the benchmark tools; parts 2 to 6 will be skipped" >&2
fi
if [ ! -x "$VCM" ]; then
  echo "bench: '$VCM' not found; run make (or make bench) first" >&2
  exit 1
fi

summary=$(mktemp "${TMPDIR:-/tmp}/vcm-bench-summary.XXXXXX") || exit 1
# Each part runs in the background and we wait for it, so that a signal
# reaches our trap at once; the trap passes it on as SIGTERM, and the part's
# own trap stops its servers by PID.
part_pid=""
stop_part() {
  [ -n "$part_pid" ] || return 0
  kill -TERM "$part_pid" 2>/dev/null
  wait "$part_pid" 2>/dev/null
}
run_part() {
  sh "$1" &
  part_pid=$!
  wait "$part_pid"
  rc=$?
  part_pid=""
  return $rc
}
trap 'rm -f "$summary"' EXIT
trap 'echo "bench: interrupted" >&2; stop_part; exit 130' INT
trap 'echo "bench: terminated" >&2; stop_part; exit 143' TERM
trap 'echo "bench: hung up" >&2; stop_part; exit 129' HUP
export VCM_BENCH_SUMMARY="$summary"

NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; })
echo "VCM benchmarks: $("$VCM" version 2>/dev/null | head -n 1), git $(git describe --always --dirty 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores ($(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo | head -n 1)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load average $(bench_load)"
echo "tools: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), $( [ -n "$NGINX" ] && "$NGINX" -v 2>&1 | sed 's/.*: //'), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo

status=0
run_part bench/import.sh || { status=1; echo "bench: part 1 (import) did not complete" >&2; }
echo
run_part bench/web.sh || { status=1; echo "bench: part 2 (web) did not complete" >&2; }
echo
run_part bench/iiif.sh || { status=1; echo "bench: part 3 (IIIF) did not complete" >&2; }
echo
run_part bench/search.sh || { status=1; echo "bench: part 4 (search) did not complete" >&2; }
echo
run_part bench/pg.sh || { status=1; echo "bench: part 5 (PostgreSQL) did not complete" >&2; }
echo
run_part bench/render.sh || { status=1; echo "bench: part 6 (render saturation) did not complete" >&2; }
echo
run_part bench/judged.sh || { status=1; echo "bench: part 7 (judged set) did not complete" >&2; }
echo
run_part bench/oai.sh || { status=1; echo "bench: part 8 (OAI-PMH) did not complete" >&2; }
echo
run_part bench/static_search.sh || { status=1; echo "bench: part 9 (static search) did not complete" >&2; }
echo

total=$(bench_secs "$start")
echo "== Summary (whole run $total s) =="
# Columns sized to their content; the last one is free text.
awk -F'\t' '
  { part[NR] = $1; fig[NR] = $2; val[NR] = $3; ref[NR] = $4
    if (length($2) > w1) w1 = length($2); if (length($3) > w2) w2 = length($3) }
  END {
    if (w1 < 6) w1 = 6; if (w2 < 8) w2 = 8
    printf "%-" w1 "s  %-" w2 "s  %s\n", "figure", "measured", "reference / goal"
    last = ""
    for (pass = 1; pass <= 2; pass++)       # the run times of the parts last
      for (i = 1; i <= NR; i++) {
        if ((pass == 1) == (part[i] == "time")) continue
        if (last != "" && part[i] != last) print ""
        row = sprintf("%-" w1 "s  %-" w2 "s  %s", fig[i], val[i], ref[i])
        sub(/ +$/, "", row)
        print row
        last = part[i]
      }
  }' "$summary"
echo
echo "bench: whole run $total s"
[ $status = 0 ] || echo "bench: some parts did not complete (see above); figures printed are still valid"
exit $status
