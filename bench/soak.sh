#!/bin/sh
# The soak (`make soak`): vcm serve under a mixed load for a long time, to
# see that it keeps answering, without errors, in bounded memory.
#
# The server: vcm serve on the demo collection loaded as `make run` loads
# it ($VCM_DATA/collection.jsonl, the ASEM countries, the photographs of
# images/npm_taipei), plus a 12000×9000 JPEG made with libvips and attached
# with `vcm media add`; our own child on a free port of 127.0.0.1, with its
# defaults (threads, page cache, 1 GiB derivative cache), stopped by PID.
#
# The load: one wrk process per kind of request (bench/soak.lua, one
# thread each), all at once for VCM_SOAK_SECS seconds (default 600):
#   pages    8 connections: home, browse pages, object pages, museum,
#            country and region pages, walked in turn (shuffled list);
#   search   4: /search and /api/v1/search with words of the collection's
#            titles, CJK words, phrases, prefixes, facets and later pages,
#            and /api/v1/suggest;
#   api      4: /api/v1/objects/ID, object lists by museum and country,
#            museums and countries;
#   info     2: info.json of every image, IIIF manifests and collections;
#   tiles    6: every tile of every level of every image, walked in turn
#            (2,300 paths: more than the per-thread memos hold);
#   thumbs   2: whole images at up to 120 widths, as squares, rotated, in PNG;
#   regions  2: regions of the large image that no request asks for twice
#            (no cache can answer them), scaled to 512 pixels wide.
# Meanwhile the server's VmRSS is read from /proc every few seconds.
#
# It prints, per kind: requests, req/s, p50 and p99 latency (wrk's, of the
# answers that came back within VCM_SOAK_TIMEOUT, default 10s), non-2xx/3xx
# answers with their statuses, socket errors; then RSS over time, and its
# growth from the sample at 20% of the run (after warm-up: caches full) to
# the last one. Goal: 0 errors, RSS growth < 5%.
#
# The server's output (--log-level warn) is kept in VCM_SOAK_LOG (default
# build/soak-server.log). Exit status: 0 when the run completed, 1 when the
# server died, did not start, or answered errors other than timeouts (a
# defect, not a slow machine); the goal line is printed either way.
#
#   sh bench/soak.sh        (from the repository; build/vcm must exist)
#   VCM_BIN, VCM_DATA, VCM_SOAK_SECS, VCM_SOAK_TIMEOUT, VCM_SOAK_LOG override.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

VCM=${VCM_BIN:-build/vcm}
SECS=${VCM_SOAK_SECS:-600}
TIMEOUT=${VCM_SOAK_TIMEOUT:-10s}
KEEP_LOG=${VCM_SOAK_LOG:-build/soak-server.log}
DATA=$(bench_data)
W=12000
H=9000
BIG=soak-big
BIG_SOURCE=35970     # the Met's object, in the demo collection
WARM_PCT=20
GOAL_RSS=5
# kind, connections; the order of the table.
KINDS="pages:8 search:4 api:4 info:2 tiles:6 thumbs:2 regions:2"
part_start=$(bench_ms)

case $SECS in
  '' | *[!0-9]*) echo "soak: VCM_SOAK_SECS must be a whole number of seconds, not '$SECS'" >&2; exit 2 ;;
esac
if [ "$SECS" -lt 10 ]; then
  echo "soak: VCM_SOAK_SECS must be at least 10 (warm-up is the first $WARM_PCT%)" >&2
  exit 2
fi
missing=""
for t in wrk curl vips; do
  command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
  echo "soak: not installed:$missing (sh scripts/deps.sh bench installs them)" >&2
  exit 1
fi
[ -x "$VCM" ] || { echo "soak: '$VCM' not found; run make first" >&2; exit 1; }
[ -r "$DATA" ] || { echo "soak: cannot read '$DATA' (set VCM_DATA to the data folder)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-soak.XXXXXX") || exit 1
vcm_pid=""
wrk_pids=""
cleanup() {
  bench_stop_child
  for p in $wrk_pids; do bench_stop "$p"; done
  bench_stop "$vcm_pid"
  [ -s "$tmp/vcm.log" ] && mkdir -p "$(dirname "$KEEP_LOG")" && cp "$tmp/vcm.log" "$KEEP_LOG"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "soak: interrupted" >&2; exit 130' INT
trap 'echo "soak: terminated" >&2; exit 143' TERM
trap 'echo "soak: hung up" >&2; exit 129' HUP

echo "== Soak: mixed load for $SECS s =="
echo "vcm: $("$VCM" version 2>/dev/null | head -n 1), git $(git describe --always --dirty 2>/dev/null || echo '?'); $(nproc) cores, load average $(bench_load)"
bench_busy_note
avail=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ "${avail:-0}" -lt 3145728 ]; then
  echo "soak: $(awk -v k="${avail:-0}" 'BEGIN { printf "%.1f", k / 1048576 }') GiB free in $tmp; the soak needs 3 GiB (set TMPDIR to a roomier disk)" >&2
  exit 1
fi

# --- the collection and the large image ---------------------------------------
t0=$(bench_ms)
bench_demo_db "$VCM" "$tmp" || exit 1
echo "demo collection loaded in $(bench_secs "$t0") s"
t0=$(bench_ms)
if ! bench_big_image "$tmp" "$tmp/big.jpg" $W $H > "$tmp/gen.log" 2>&1; then
  echo "soak: could not make the ${W}×${H} image with libvips:" >&2
  tail -n 20 "$tmp/gen.log" >&2
  exit 1
fi
if ! "$VCM" media add --db "sqlite:$tmp/vcm.db" --media "$tmp/media" --quiet "source:$BIG_SOURCE" "$tmp/big.jpg" \
    --id "$BIG" > "$tmp/media.log" 2>&1; then
  echo "soak: vcm media add of the ${W}×${H} image to object $BIG_SOURCE failed:" >&2
  tail -n 20 "$tmp/media.log" >&2
  exit 1
fi
rm -f "$tmp/big.jpg"
echo "${W}×${H} image made and added as '$BIG' in $(bench_secs "$t0") s"

if ! bench_start_vcm "sqlite:$tmp/vcm.db" "$tmp/media" "$tmp/vcm.log" "/iiif/$BIG/info.json"; then
  echo "soak: vcm serve did not start:" >&2
  tail -n 20 "$tmp/vcm.log" >&2
  exit 1
fi
vcm_pid=$started_pid
U="http://127.0.0.1:$started_port"
echo "vcm serve (pid $vcm_pid) on ${U#http://}"

# --- what to ask for ------------------------------------------------------------
get() {   # get PATH: the body, or nothing
  curl -s --max-time 30 "$U$1"
}
# ids FIELD: the values of "FIELD": number or string in the JSON on stdin
# (the top-level items of vcm's list answers).
ids() {
  tr -d '\n' | sed 's/},{/}\n{/g' | sed -n "s/^[[{\"a-z:0-9,]*\"$1\":\"*\\([^\",]*\\).*/\\1/p"
}
enc() {   # enc TEXT: every byte percent-encoded
  printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g'
}
# shuffle: the lines of stdin in a fixed random order.
shuffle() {
  awk 'BEGIN { srand(7) } { printf "%.8f\t%s\n", rand(), $0 }' | sort -n | cut -f 2-
}
total=$(get "/api/v1/objects?limit=1" | sed -n 's/^{"total":\([0-9]*\).*/\1/p')
museums=$(get "/api/v1/museums" | ids id)
countries=$(get "/api/v1/countries" | ids code)
if [ -z "$total" ] || [ -z "$museums" ] || [ -z "$countries" ]; then
  echo "soak: the API did not list objects, museums and countries" >&2
  exit 1
fi
# Objects: a fresh import numbers them 1..total; every 13th.
{
  echo /
  echo /browse
  awk 'BEGIN { for (p = 2; p <= 60; p++) print "/browse?page=" p }'
  echo /museums
  for m in $museums; do echo "/museums/$m"; echo "/browse?museum=$m"; done
  echo /countries
  for c in $countries; do echo "/countries/$c"; echo "/browse?country=$c"; done
  for r in asia europe other; do echo "/regions/$r"; done
  awk -v n="$total" 'BEGIN { for (i = 1; i <= n; i += 13) print "/objects/" i }'
} | shuffle > "$tmp/pages.txt"

# Words of the collection's titles (ASCII, 4 letters or more), one in 40.
sed -n 's/.*"title": *"\([^"]*\)".*/\1/p' "$DATA" | tr -cs 'A-Za-z' '\n' | tr 'A-Z' 'a-z' |
  awk 'length($0) >= 4 && !seen[$0]++' | awk 'NR % 40 == 1' > "$tmp/words.txt"
{
  while read -r w; do
    echo "/search?q=$w"
    echo "/api/v1/search?q=$w&limit=20"
    echo "/api/v1/suggest?q=$(printf '%s' "$w" | cut -c 1-3)"
  done < "$tmp/words.txt"
  for q in 白磁 山水 玉 청자 茶碗 '"ink on silk"' 'porc*' 'blue white' 'bowl -tea'; do
    e=$(enc "$q")
    echo "/search?q=$e"
    echo "/search?q=$e&page=2"
    echo "/api/v1/search?q=$e&facets=museum"
  done
  for c in 15 16 17 18 19; do
    echo "/search?q=porcelain&century=$c"
    echo "/search?q=vase&century=$c&sort=date"
  done
  for m in $museums; do echo "/search?q=bowl&museum=$m"; done
  for c in $countries; do echo "/search?q=silk&country=$c"; done
  echo "/search?q=porcelain&image=1"
  echo "/api/v1/search?q=japan&offset=1000&limit=20"
} | shuffle > "$tmp/search.txt"

{
  awk -v n="$total" 'BEGIN { for (i = 5; i <= n; i += 11) print "/api/v1/objects/" i }'
  echo "/api/v1/objects"
  echo "/api/v1/objects?limit=200"
  for m in $museums; do echo "/api/v1/museums/$m"; echo "/api/v1/objects?museum=$m&limit=50"; done
  for c in $countries; do echo "/api/v1/countries/$c"; echo "/api/v1/objects?country=$c&limit=50"; done
  echo "/api/v1/museums"
  echo "/api/v1/countries"
} | shuffle > "$tmp/api.txt"

# Images: the identifiers vcm serves (from the manifests of the objects
# that have images would do as well; the list is fixed by bench_demo_db).
images="$BIG npm-jade070-0 npm-jade070-1 npm-jade070-2 npm-jade070-3 npm-jade070-4 npm-jade070-5 npm-jade070-6 npm-jade070-7 npm-jade054-0 npm-jade001-0 npm-jade001-1 npm-jade001-2"
have=""
for i in $images; do
  if get "/iiif/$i/info.json" > "$tmp/info-$i.json" && grep -q '"width"' "$tmp/info-$i.json"; then
    have="$have $i"
  fi
done
images=$have
{
  for i in $images; do echo "/iiif/$i/info.json"; done
  for s in $BIG_SOURCE 古玉3888 古玉1863 古玉0636; do
    o=$(get "/api/v1/objects?source_id=$(enc "$s")" | sed -n 's/.*"items":\[{"id":\([0-9][0-9]*\).*/\1/p')
    [ -n "$o" ] && echo "/iiif/manifest/$o"
  done
  echo /iiif/collection/top
  for m in $museums; do echo "/iiif/collection/museum/$m"; done
} > "$tmp/info.txt"
for i in $images; do
  bench_iiif_tiles "$i" "$tmp/info-$i.json"
done > "$tmp/tiles.txt"
{
  for i in $images; do
    # Widths up to the image's own (larger ones ask for upscaling).
    iw=$(tr -d '\n\r' < "$tmp/info-$i.json" | sed -n 's/^[^[]*"width" *: *\([0-9][0-9]*\).*/\1/p')
    awk -v id="$i" -v iw="${iw:-0}" 'BEGIN { for (w = 100; w < 460 && w <= iw; w += 3) printf "/iiif/%s/full/%d,/0/default.jpg\n", id, w }'
    echo "/iiif/$i/square/150,/0/default.jpg"
    echo "/iiif/$i/full/240,/90/default.jpg"
    echo "/iiif/$i/full/220,/0/gray.png"
  done
} | shuffle > "$tmp/thumbs.txt"

# failing FILE: asks for every path of FILE once (one curl, keep-alive)
# and prints "STATUS PATH" for each that does not answer 2xx or 3xx.
failing() {
  sed "s|.*|url = \"$U&\"\\noutput = /dev/null|" "$1" > "$tmp/curl.cfg"
  curl -s -K "$tmp/curl.cfg" --max-time 600 -w '%{http_code} %{url_effective}\n' 2>/dev/null |
    awk '$1 !~ /^[23]/' | sed "s| $U| |"
}
# Every list must be answered, or its figures are those of errors: all of
# info.txt, and of the others the first 3, the last 3 and every 97th path
# must answer 2xx or 3xx (the thumbnails among them are made here once).
broken=0
for k in pages search api info tiles thumbs; do
  if [ ! -s "$tmp/$k.txt" ]; then
    echo "soak: no paths for $k" >&2
    broken=1
    continue
  fi
  awk -v k="$k" 'k == "info" || NR <= 3 || NR % 97 == 0' "$tmp/$k.txt" > "$tmp/sample.txt"
  tail -n 3 "$tmp/$k.txt" >> "$tmp/sample.txt"
  failing "$tmp/sample.txt" > "$tmp/sample-bad.txt"
  if [ -s "$tmp/sample-bad.txt" ]; then
    echo "soak: $k: $(wc -l < "$tmp/sample-bad.txt" | tr -d ' ') of $(wc -l < "$tmp/sample.txt" | tr -d ' ') paths checked fail:" >&2
    head -n 5 "$tmp/sample-bad.txt" | sed 's/^/  /' >&2
    broken=1
  fi
done
code=$(curl -s -o "$tmp/check.out" -w '%{http_code}' --max-time 60 "$U/iiif/$BIG/0,0,2000,1500/512,/0/default.jpg")
[ "$code" = 200 ] || { echo "soak: a region of the large image answered $code" >&2; broken=1; }
[ $broken = 0 ] || exit 1
echo "paths: $(for k in pages search api info tiles thumbs; do printf '%s %s, ' "$k" "$(bench_group "$(wc -l < "$tmp/$k.txt")")"; done)regions unique; $(printf '%s' "$images" | wc -w | tr -d ' ') images"

# --- the load -----------------------------------------------------------------
echo
echo "Load: one wrk -t1 per kind, all at once for $SECS s (--timeout $TIMEOUT); RSS of vcm read from /proc/$vcm_pid/status"
for kc in $KINDS; do
  k=${kc%:*}
  c=${kc#*:}
  if [ "$k" = regions ]; then
    set -- regions "$BIG" $W $H 512 jpg
  else
    set -- list "$tmp/$k.txt"
  fi
  wrk -t1 -c"$c" -d"${SECS}s" --timeout "$TIMEOUT" --latency -s bench/soak.lua "$U" -- "$@" \
    > "$tmp/wrk-$k.txt" 2>&1 &
  wrk_pids="$wrk_pids $!"
done
# RSS every INTERVAL seconds (100 samples or so, 1 s at least), in KiB.
interval=$(( SECS / 100 ))
[ $interval -ge 1 ] || interval=1
t0=$(bench_ms)
died_at=""
: > "$tmp/rss.txt"
while :; do
  el=$(( $(bench_ms) - t0 ))
  # VmRSS, and RssAnon (the heap and other private memory: where a leak
  # shows; the rest is mapped files, such as the search index).
  rss=$(awk '$1 == "VmRSS:" { r = $2 } $1 == "RssAnon:" { a = $2 } END { if (r != "") print r, a + 0 }' \
    "/proc/$vcm_pid/status" 2>/dev/null)
  if [ -z "$rss" ] || grep -q '^State:[[:space:]]*Z' "/proc/$vcm_pid/status" 2>/dev/null; then
    died_at=$el
    break
  fi
  echo "$el $rss" >> "$tmp/rss.txt"
  alive=0
  for p in $wrk_pids; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ $alive = 1 ] || break
  bench_bg sleep $interval
done
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$vcm_pid/status" 2>/dev/null)
vcm_status=""
if [ -n "$died_at" ]; then
  # No use loading a dead server: the rest of wrk's run would be errors.
  wait "$vcm_pid"
  vcm_status=$?
  vcm_pid=""
  for p in $wrk_pids; do kill -INT "$p" 2>/dev/null; done
fi
for p in $wrk_pids; do wait "$p" 2>/dev/null; done
wrk_pids=""
load_secs=$(bench_secs "$t0")

# --- figures ------------------------------------------------------------------
echo
printf '%-8s %5s %10s %8s %8s %9s %8s %7s  %s\n' kind conns requests req/s "p50 ms" "p99 ms" non-2xx "socket" "statuses"
errors=0
defects=0
for kc in $KINDS; do
  k=${kc%:*}
  c=${kc#*:}
  f="$tmp/wrk-$k.txt"
  if ! bench_wrk_result "$f" "$tmp/res-$k" "$k" 2> "$tmp/res-$k.err"; then
    printf '%-8s %5s %10s  %s\n' "$k" "$c" "-" "wrk gave no figures: $(tr '\n' ' ' < "$f" | head -c 200)"
    defects=$((defects + 1))
    continue
  fi
  bad=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$f")
  sock=$(sed -n 's/.*Socket errors: *//p' "$f")
  # connect N, read N, write N, timeout N
  s_cnt=$(printf '%s\n' "$sock" | awk -F', *' '{ for (i = 1; i <= NF; i++) { split($i, a, " "); s += a[2] } } END { print s + 0 }')
  s_def=$(printf '%s\n' "$sock" | awk -F', *' '{ for (i = 1; i <= NF; i++) { split($i, a, " "); if (a[1] != "timeout") s += a[2] } } END { print s + 0 }')
  statuses=$(awk '$1 == "status" { printf "%s%s×%s", sep, $2, $3; sep = " " }' "$f")
  errors=$((errors + ${bad:-0} + s_cnt))
  defects=$((defects + ${bad:-0} + s_def))
  printf '%-8s %5s %10s %8s %8s %9s %8s %7s  %s\n' "$k" "$c" "$(bench_group "$reqs")" "$(bench_group "$rps")" \
    "$p50" "$p99" "${bad:-0}" "$s_cnt" "$statuses"
  [ -n "$sock" ] && echo "         socket errors: $sock"
  # wrk cannot tell which paths failed: ask for every path of the list
  # once more (one curl, keep-alive) and name the first that fail now.
  if [ "${bad:-0}" != 0 ] && [ "$k" != regions ] && [ -n "$vcm_pid" ]; then
    failing "$tmp/$k.txt" > "$tmp/bad-$k.txt"
    echo "         $(wc -l < "$tmp/bad-$k.txt" | tr -d ' ') of its $(wc -l < "$tmp/$k.txt" | tr -d ' ') paths answer non-2xx/3xx now; the first:"
    head -n 5 "$tmp/bad-$k.txt" | sed 's/^/           /'
  fi
  bench_summary soak "soak $k" "$(bench_group "$reqs") requests, p50 $p50 ms, p99 $p99 ms" "${bad:-0} non-2xx/3xx, $s_cnt socket errors"
done

# RSS: the timeline at tenths of the run, warm-up at WARM_PCT%.
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
echo
if [ -s "$tmp/rss.txt" ]; then
  echo "RSS of vcm (VmRSS, MiB) over the run, $(wc -l < "$tmp/rss.txt" | tr -d ' ') samples every $interval s:"
  awk -v T=$((SECS * 1000)) '
    { t[NR] = $1; r[NR] = $2 }
    END {
      line = ""; k = 1
      for (p = 0; p <= 10; p++) {
        while (k < NR && t[k] < T * p / 10) k++
        line = line sprintf("  %3d%% %.1f", p * 10, r[k] / 1024)
      }
      print line }' "$tmp/rss.txt"
  warm=$(awk -v T=$((SECS * 1000 * WARM_PCT / 100)) '$1 >= T { print $2; exit }' "$tmp/rss.txt")
  warm_anon=$(awk -v T=$((SECS * 1000 * WARM_PCT / 100)) '$1 >= T { print $3; exit }' "$tmp/rss.txt")
  last=$(tail -n 1 "$tmp/rss.txt" | cut -d' ' -f2)
  last_anon=$(tail -n 1 "$tmp/rss.txt" | cut -d' ' -f3)
  first=$(head -n 1 "$tmp/rss.txt" | cut -d' ' -f2)
  if [ -n "$warm" ]; then
    growth=$(awk -v a="$warm" -v b="$last" 'BEGIN { printf "%.1f", 100 * (b - a) / a }')
    echo "RSS: $(mib "$first") MiB at the start of the load, $(mib "$warm") MiB at $WARM_PCT% (after warm-up), $(mib "$last") MiB at the end, peak $(mib "${hwm:-0}") MiB; growth after warm-up: $growth%"
    echo "     of which private (RssAnon): $(mib "$warm_anon") MiB at $WARM_PCT%, $(mib "$last_anon") MiB at the end: $(awk -v a="$warm_anon" -v b="$last_anon" 'BEGIN { if (a > 0) printf "%+.1f%%", 100 * (b - a) / a; else print "-" }')"
  else
    growth=""
    echo "RSS: $(mib "$first") MiB at the start, $(mib "$last") MiB at the end; the run stopped before $WARM_PCT%: no growth figure"
  fi
else
  growth=""
  echo "RSS: no sample"
fi

all_reqs=0
for kc in $KINDS; do
  r=$(sed -n 5p "$tmp/res-${kc%:*}" 2>/dev/null)
  all_reqs=$((all_reqs + ${r:-0}))
done
echo "requests: $(bench_group $all_reqs) in $load_secs s; errors: $errors (non-2xx/3xx and socket errors, timeouts included)"
if [ -n "$died_at" ]; then
  sig=""
  [ "$vcm_status" -gt 128 ] && sig=" (signal $((vcm_status - 128)), SIG$(kill -l $((vcm_status - 128)) 2>/dev/null))"
  echo "soak: vcm DIED $(awk -v m="$died_at" 'BEGIN { printf "%.1f", m / 1000 }') s into the load, exit status $vcm_status$sig; its output is in $KEEP_LOG:" >&2
  tail -n 20 "$tmp/vcm.log" >&2
  defects=$((defects + 1))
else
  # Stopped by PID; it must exit by itself on SIGTERM.
  kill -TERM "$vcm_pid" 2>/dev/null
  n=100
  while [ $n -gt 0 ] && kill -0 "$vcm_pid" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$vcm_pid/status" 2>/dev/null; do
    sleep 0.1
    n=$((n - 1))
  done
  if [ $n = 0 ]; then
    echo "soak: vcm did not exit 10 s after SIGTERM; killed" >&2
    kill -KILL "$vcm_pid" 2>/dev/null
    defects=$((defects + 1))
  fi
  wait "$vcm_pid"
  vcm_status=$?
  vcm_pid=""
  [ "$vcm_status" = 0 ] || { echo "soak: vcm exited with status $vcm_status after SIGTERM" >&2; defects=$((defects + 1)); }
fi
if [ -s "$tmp/vcm.log" ]; then
  echo "vcm logged $(wc -l < "$tmp/vcm.log" | tr -d ' ') lines at warn or above (kept in $KEEP_LOG); the first:"
  head -n 5 "$tmp/vcm.log" | cut -c 1-300 | sed 's/^/  /'
else
  rm -f "$KEEP_LOG"
fi
verdict_e=$([ $errors = 0 ] && echo met || echo "not met")
verdict_r=$(awk -v g="$growth" -v G=$GOAL_RSS 'BEGIN { if (g == "") print "no figure"; else print (g + 0 < G) ? "met" : "not met" }')
echo "goal: 0 errors ($errors: $verdict_e), RSS growth after warm-up < $GOAL_RSS% (${growth:-?}%: $verdict_r)"
bench_summary soak "soak errors" "$errors" "goal 0 ($verdict_e)"
bench_summary soak "soak RSS growth" "${growth:-?}%" "goal < $GOAL_RSS% ($verdict_r)"
echo "soak took $(bench_secs "$part_start") s"
[ $defects = 0 ] || exit 1
exit 0
