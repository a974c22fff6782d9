#!/bin/sh
# Part 6: pages while expensive IIIF requests saturate the render path.
#
# One vcm serve (our own child on a free port of 127.0.0.1, its default
# options, stopped by PID) on the demo collection (as `make run` loads it)
# plus a 12000×9000 JPEG made with libvips and attached with
# `vcm media add`. Three targets, each loaded by its own wrk (-t1,
# VCM_BENCH_CONNECTIONS / 8 connections, at least 2; a new connection for
# each request, as new visitors come, so that vcm may answer it on any
# thread that is free; --timeout 60s so that a slow answer counts in the
# latency instead of vanishing as a timeout):
#   home     /
#   object   /objects/ID, the Met's object 35970
#   tile     one tile of the full-size level of the large image, cached
# all three at once for VCM_BENCH_DURATION (10s), after a warm-up:
#   (1) alone;
#   (2) while VCM_BENCH_RENDER_CONNECTIONS (2 per core, 4 at least) more
#       keep-alive connections ask for regions of the large image at full
#       size as PNG (2000×1500 to 4000×3000 pixels), each region asked for
#       once in the run (no cache can answer; bench/soak.lua), from 2 s
#       before the measured runs to their end.
# Prints p50 and p99 of each target in both runs, p99 saturated / alone,
# the errors each target met (a refusal or a timeout is an error), and
# what the expensive requests got (their statuses: a bounded render pool
# answers some with 503). When rendering runs on the threads that answer
# pages, pages wait behind renders of seconds: the ratio shows it.
#
#   sh bench/render.sh            (from the repository; build/vcm must exist)
#   VCM_BIN, VCM_DATA, VCM_BENCH_DURATION, VCM_BENCH_WARMUP,
#   VCM_BENCH_CONNECTIONS, VCM_BENCH_RENDER_CONNECTIONS override.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

VCM=${VCM_BIN:-build/vcm}
DURATION=${VCM_BENCH_DURATION:-10s}
WARMUP=${VCM_BENCH_WARMUP:-2s}
CONN=$(( ${VCM_BENCH_CONNECTIONS:-32} / 8 ))
[ $CONN -ge 2 ] || CONN=2
SAT_CONN=${VCM_BENCH_RENDER_CONNECTIONS:-$(( 2 * $(nproc 2>/dev/null || echo 2) ))}
[ "$SAT_CONN" -ge 4 ] || SAT_CONN=4
DATA=$(bench_data)
W=12000
H=9000
BIG=render-big
BIG_SOURCE=35970
LEAD=2              # seconds of saturation before the measured runs
part_start=$(bench_ms)

echo "== 6. Pages while the render path is saturated =="
missing=""
for t in wrk curl vips; do
  command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
  echo "render: skipped: not installed:$missing (sh scripts/deps.sh bench installs them)" >&2
  exit 1
fi
[ -x "$VCM" ] || { echo "render: '$VCM' not found; run make first" >&2; exit 1; }
[ -r "$DATA" ] || { echo "render: cannot read '$DATA' (set VCM_DATA to the data folder)" >&2; exit 1; }
case $DURATION in
  *[!0-9]*s | *[!0-9s]* | '') echo "render: VCM_BENCH_DURATION must be whole seconds like 10s, not '$DURATION'" >&2; exit 1 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-render.XXXXXX") || exit 1
vcm_pid=""
wrk_pids=""
sat_pid=""
cleanup() {
  bench_stop_child
  for p in $wrk_pids $sat_pid; do bench_stop "$p"; done
  bench_stop "$vcm_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM
trap 'echo "bench: hung up" >&2; exit 129' HUP
avail=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ "${avail:-0}" -lt 3145728 ]; then
  echo "render: skipped: $(awk -v k="${avail:-0}" 'BEGIN { printf "%.1f", k / 1048576 }') GiB free in $tmp; this part needs 3 GiB (set TMPDIR to a roomier disk)" >&2
  exit 1
fi
bench_busy_note

t0=$(bench_ms)
bench_demo_db "$VCM" "$tmp" || exit 1
if ! bench_big_image "$tmp" "$tmp/big.jpg" $W $H > "$tmp/gen.log" 2>&1; then
  echo "render: could not make the ${W}×${H} image with libvips:" >&2
  tail -n 20 "$tmp/gen.log" >&2
  exit 1
fi
if ! "$VCM" media add --db "sqlite:$tmp/vcm.db" --media "$tmp/media" --quiet "source:$BIG_SOURCE" "$tmp/big.jpg" \
    --id "$BIG" > "$tmp/media.log" 2>&1; then
  echo "render: vcm media add of the ${W}×${H} image failed:" >&2
  tail -n 20 "$tmp/media.log" >&2
  exit 1
fi
rm -f "$tmp/big.jpg"
echo "demo collection and a ${W}×${H} image loaded in $(bench_secs "$t0") s"
if ! bench_start_vcm "sqlite:$tmp/vcm.db" "$tmp/media" "$tmp/vcm.log" "/iiif/$BIG/info.json"; then
  echo "render: vcm serve did not start:" >&2
  tail -n 20 "$tmp/vcm.log" >&2
  exit 1
fi
vcm_pid=$started_pid
U="http://127.0.0.1:$started_port"

obj=$(curl -s --max-time 10 "$U/api/v1/objects?source_id=$BIG_SOURCE" | sed -n 's/.*"items":\[{"id":\([0-9][0-9]*\).*/\1/p')
[ -n "$obj" ] || { echo "render: object $BIG_SOURCE not found through the API" >&2; exit 1; }
curl -s --max-time 30 "$U/iiif/$BIG/info.json" > "$tmp/info.json"
bench_iiif_tiles "$BIG" "$tmp/info.json" | grep ',256,256/256,/0/' > "$tmp/full-level.txt"
# A tile from the middle of the full-size level.
TILE=$(sed -n "$(( $(wc -l < "$tmp/full-level.txt") / 2 + 1 ))p" "$tmp/full-level.txt")
[ -n "$TILE" ] || { echo "render: no tile of 256 pixels in $(head -c 300 "$tmp/info.json")" >&2; exit 1; }
TARGETS="home:/ object:/objects/$obj tile:$TILE"
for tp in $TARGETS; do
  p=${tp#*:}
  code=$(curl -s -o "$tmp/check.out" -w '%{http_code}' --max-time 60 "$U$p")
  [ "$code" = 200 ] || { echo "render: $p answered $code: $(head -c 200 "$tmp/check.out")" >&2; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 120 "$U/iiif/$BIG/0,0,4000,3000/max/0/default.png")
[ "$code" = 200 ] || echo "note: a 4000×3000 region as PNG answered $code before the runs"
echo "vcm serve (pid $vcm_pid) on ${U#http://}, threads: ${VCM_THREADS:-its default}; targets: / , /objects/$obj, $TILE"

# run NAME: the three targets at once, each its own wrk; results in
# res-NAME-TARGET.
run() {
  wrk_pids=""
  for tp in $TARGETS; do
    wrk -t1 -c"$CONN" -d"$DURATION" --timeout 60s --latency -H 'Connection: close' \
      -s bench/soak.lua "$U" -- list "$tmp/path-${tp%%:*}" \
      > "$tmp/wrk-$1-${tp%%:*}.txt" 2>&1 &
    wrk_pids="$wrk_pids $!"
  done
  for p in $wrk_pids; do wait "$p"; done
  wrk_pids=""
  for tp in $TARGETS; do
    bench_wrk_result "$tmp/wrk-$1-${tp%%:*}.txt" "$tmp/res-$1-${tp%%:*}" "${tp%%:*}" || return 1
  done
}
for tp in $TARGETS; do printf '%s\n' "${tp#*:}" > "$tmp/path-${tp%%:*}"; done

echo
echo "wrk -t1 -c$CONN -d$DURATION --timeout 60s, a new connection for each request, on each target at once;"
echo "saturation: wrk -t1 -c$SAT_CONN (keep-alive), unique regions at full size as PNG, from $LEAD s before"
bench_busy_note
failed=0
for tp in $TARGETS; do
  bench_bg wrk -t1 -c"$CONN" -d"$WARMUP" -H 'Connection: close' "$U${tp#*:}" > /dev/null 2>&1
done
run alone || failed=1
secs=${DURATION%s}
wrk -t1 -c"$SAT_CONN" -d$((secs + LEAD))s --timeout 120s --latency -s bench/soak.lua "$U" -- regions "$BIG" $W $H max png \
  > "$tmp/wrk-sat.txt" 2>&1 &
sat_pid=$!
bench_bg sleep $LEAD
run saturated || failed=1
wait "$sat_pid"
sat_pid=""
if ! kill -0 "$vcm_pid" 2>/dev/null; then
  echo "render: vcm died during the run:" >&2
  tail -n 20 "$tmp/vcm.log" >&2
  exit 1
fi

val() { sed -n "${2}p" "$tmp/res-$1" 2>/dev/null; }
echo
printf '%-8s %10s %10s %8s  %10s %10s %8s  %12s  %s\n' target "p50 alone" "p99 alone" "req/s" "p50 sat." "p99 sat." "req/s" "p99 sat./alone" "errors"
n_sat=""
for tp in $TARGETS; do
  t=${tp%%:*}
  a99=$(val "alone-$t" 4)
  s99=$(val "saturated-$t" 4)
  r=$(awk -v a="$a99" -v s="$s99" 'BEGIN { if (a > 0 && s > 0) printf "%.1f×", s / a; else print "-" }')
  e="$(val "alone-$t" 6)"
  es="$(val "saturated-$t" 6)"
  printf '%-8s %10s %10s %8s  %10s %10s %8s  %12s  %s\n' "$t" "$(val "alone-$t" 3) ms" "$a99 ms" \
    "$(bench_group "$(val "alone-$t" 2)")" "$(val "saturated-$t" 3) ms" "$s99 ms" \
    "$(bench_group "$(val "saturated-$t" 2)")" "$r" "alone: ${e:-0}; saturated: ${es:-0}"
  n_sat="$n_sat${n_sat:+, }$t $(bench_group "$(val "saturated-$t" 5)")"
  bench_summary render "$t p99 while renders saturate" "$s99 ms (alone $a99 ms): $r" "errors: ${es:-none}"
done
echo "requests in the saturated run: $n_sat (a p99 of fewer than 100 is nearly their slowest)"
sreqs=$(sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$tmp/wrk-sat.txt")
sp50=$(awk '$1 == "50%" { print $2 }' "$tmp/wrk-sat.txt")
sstat=$(awk '$1 == "status" { printf "%s%s×%s", sep, $2, $3; sep = " " }' "$tmp/wrk-sat.txt")
ssock=$(sed -n 's/.*Socket errors: *//p' "$tmp/wrk-sat.txt")
echo "expensive requests: ${sreqs:-0} answered in $((secs + LEAD)) s, p50 ${sp50:--}; statuses: ${sstat:-none}${ssock:+; socket errors: $ssock}"
bench_summary render "expensive regions answered" "${sreqs:-0} in $((secs + LEAD)) s" "${sstat:-none}"
if [ -s "$tmp/vcm.log" ]; then
  echo "vcm logged $(wc -l < "$tmp/vcm.log" | tr -d ' ') lines at warn or above; the first:"
  head -n 5 "$tmp/vcm.log" | cut -c 1-300 | sed 's/^/  /'
fi
secs=$(bench_secs "$part_start")
echo "part 6 took $secs s"
bench_summary time "part 6, render saturation" "$secs s" ""
exit $failed
