#!/bin/sh
# Part 2: web throughput and page weight.
#
# Starts two servers on free loopback ports, each as our own child process:
# nginx (Debian's, with bench/nginx.conf.in: 2 workers, no access log)
# serving a 10 KB static file, and vcm serve twice on a database imported
# here from the demo collection: as configured by default, and with its page
# cache off (--page-cache 0), so that every request does the whole work of a
# page. wrk then loads these vcm URLs, one at a time:
#
#   /objects/ID            object page; ID = the Met's object 35970
#   /objects/ID            the same, on the server without a page cache
#   /api/v1/objects/ID     the same object as JSON
#   /                      home page
#   /browse                browse page
#
# with nginx's 10 KB file loaded before the first and after each of them,
# and prints req/s, p50 and p99 latency, and req/s as a share of nginx's
# (the mean of the nginx runs just before and after, so that load from
# other programs drifting over the minute does not skew the ratio). wrk,
# nginx and vcm share the machine's cores: ratios are the figures to
# compare across machines, req/s are not.
# It also prints the bytes of each page and the static files it links.
#
# Servers are stopped by PID on exit, also after a failure or Ctrl-C.
#
#   sh bench/web.sh               (from the repository; build/vcm must exist)
#   VCM_BIN, VCM_DATA, VCM_BENCH_THREADS (wrk -t, 2), VCM_BENCH_CONNECTIONS
#   (wrk -c, 32), VCM_BENCH_DURATION (10s), VCM_BENCH_WARMUP (2s) override.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

VCM=${VCM_BIN:-build/vcm}
WRK_T=${VCM_BENCH_THREADS:-2}
WRK_C=${VCM_BENCH_CONNECTIONS:-32}
DURATION=${VCM_BENCH_DURATION:-10s}
WARMUP=${VCM_BENCH_WARMUP:-2s}
GOAL_PCT=30          # object page req/s, as a share of nginx's
WEIGHT_GOAL=50000    # HTML + CSS of one page, in bytes
DATA=$(bench_data)
part_start=$(bench_ms)

echo "== 2. Web throughput =="
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; })
missing=""
[ -n "$NGINX" ] || missing="$missing nginx"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
if [ -n "$missing" ]; then
  echo "web: skipped: not installed:$missing (sh scripts/deps.sh bench installs them)" >&2
  exit 1
fi
[ -x "$VCM" ] || { echo "web: '$VCM' not found; run make first" >&2; exit 1; }
[ -r "$DATA" ] || { echo "web: cannot read '$DATA' (set VCM_DATA to the data folder)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-web.XXXXXX") || exit 1
# nginx's workers run as 'nobody' when we are root: they must read html/.
chmod 755 "$tmp"
nginx_pid=""
vcm_pid=""
wrk_pid=""
cleanup() {
  bench_stop "$wrk_pid"
  bench_stop "$vcm_pid"
  bench_stop "$nginx_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM
trap 'echo "bench: hung up" >&2; exit 129' HUP

# --- the database ---------------------------------------------------------
t0=$(bench_ms)
if ! "$VCM" import --db "sqlite:$tmp/vcm.db" --quiet "$DATA" > "$tmp/import.out" 2> "$tmp/import.err"; then
  echo "web: vcm import failed:" >&2
  cat "$tmp/import.out" >&2
  tail -n 20 "$tmp/import.err" >&2
  exit 1
fi
echo "database: $tmp/vcm.db, imported in $(bench_secs "$t0") s"

# --- nginx ------------------------------------------------------------------
ngx="$tmp/nginx"
mkdir -p "$ngx/html" "$ngx/tmp"
chmod 755 "$ngx" "$ngx/html"
# 10 KB = 160 lines of 64 bytes.
awk 'BEGIN { for (k = 0; k < 160; k++) printf "%063d\n", k }' > "$ngx/html/10k.html"
chmod 644 "$ngx/html/10k.html"

start_nginx() {
  for _ in 1 2 3 4 5; do
    nginx_port=$(bench_pick_port) || return 1
    sed -e "s|@PREFIX@|$ngx|g" -e "s|@ROOT@|$ngx/html|g" -e "s|@PORT@|$nginx_port|g" \
      bench/nginx.conf.in > "$ngx/nginx.conf"
    "$NGINX" -c "$ngx/nginx.conf" -p "$ngx/" -e "$ngx/error.log" -g 'daemon off;' \
      > "$ngx/stdout.log" 2>&1 &
    nginx_pid=$!
    bench_wait_http "$nginx_pid" "$nginx_port" "http://127.0.0.1:$nginx_port/10k.html" 10 && return 0
    bench_stop "$nginx_pid"
    nginx_pid=""
  done
  return 1
}
if ! start_nginx; then
  echo "web: nginx did not start:" >&2
  cat "$ngx/stdout.log" "$ngx/error.log" 2>/dev/null | tail -n 20 >&2
  exit 1
fi

# --- vcm ------------------------------------------------------------------
# start_vcm EXTRA-OPTIONS: sets vcm_port and started_pid.
start_vcm() {
  for _ in 1 2 3 4 5; do
    vcm_port=$(bench_pick_port "$nginx_port") || return 1
    # shellcheck disable=SC2086
    "$VCM" serve --db "sqlite:$tmp/vcm.db" --listen "127.0.0.1:$vcm_port" --log-level warn $1 \
      > "$tmp/vcm$2.log" 2>&1 &
    started_pid=$!
    bench_wait_http "$started_pid" "$vcm_port" "http://127.0.0.1:$vcm_port/" 15 && return 0
    bench_stop "$started_pid"
    started_pid=""
  done
  return 1
}
# Two servers on the same database: the default one, and one with the page
# cache off, so that the figures show both a cached page and the full work of
# rendering one (three store reads, a JSON document, the template).
if ! start_vcm "" ""; then
  echo "web: vcm serve did not start:" >&2
  tail -n 20 "$tmp/vcm.log" >&2
  exit 1
fi
vcm_pid=$started_pid
VCMU="http://127.0.0.1:$vcm_port"
if ! start_vcm "--page-cache 0" "-raw"; then
  echo "web: vcm serve --page-cache 0 did not start:" >&2
  tail -n 20 "$tmp/vcm-raw.log" >&2
  exit 1
fi
raw_pid=$started_pid
RAWU="http://127.0.0.1:$vcm_port"
NGX="http://127.0.0.1:$nginx_port"
echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') (pid $nginx_pid) on 127.0.0.1:$nginx_port; vcm (pid $vcm_pid) on 127.0.0.1:$vcm_port"

# The Met's object 35970: its id in this database.
found=$(curl -s --max-time 10 "$VCMU/api/v1/objects?source_id=35970")
obj=$(printf '%s\n' "$found" | sed -n 's/.*"items":\[{"id":\([0-9][0-9]*\).*/\1/p')
if [ -z "$obj" ]; then
  echo "web: the Met's object 35970 is not in the API's answer: $(printf '%s' "$found" | head -c 300)" >&2
  exit 1
fi
total=$(printf '%s\n' "$found" | sed -n 's/.*"total":\([0-9][0-9]*\).*/\1/p')
[ "${total:-1}" = 1 ] || echo "note: $total objects have source_id 35970; using the first, id $obj"
echo "object: the Met's 35970 is /objects/$obj"

# Every URL must answer 200 before we time it: a fast 404 is no figure.
broken=0
for u in "$NGX/10k.html" "$VCMU/objects/$obj" "$VCMU/api/v1/objects/$obj" "$VCMU/" "$VCMU/browse" "$VCMU/static/vcm.css"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$u")
  if [ "$code" != 200 ]; then
    echo "web: $u answered $code" >&2
    broken=1
  fi
done
[ $broken = 0 ] || exit 1

# --- page weight ----------------------------------------------------------
echo
echo "Page weight (bytes as sent without compression; goal: HTML + CSS < $(bench_group $WEIGHT_GOAL) bytes per page)"
enc=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' "$VCMU/" | tr -d '\r' |
  sed -n 's/^[Cc]ontent-[Ee]ncoding: *//p')
echo "compression by vcm when asked (Accept-Encoding: gzip): ${enc:-none}"
printf '%-22s %9s %14s %9s %10s  %s\n' page HTML "linked static" total "gzip -6" "vs goal"
css_bytes=$(curl -s --max-time 10 "$VCMU/static/vcm.css" | wc -c | tr -d ' ')
for pg in "home|/" "browse|/browse" "object page|/objects/$obj"; do
  name=${pg%%|*}
  path=${pg#*|}
  curl -s --max-time 10 -o "$tmp/page.html" "$VCMU$path"
  html=$(wc -c < "$tmp/page.html" | tr -d ' ')
  : > "$tmp/assets"
  for a in $(grep -o '\(href\|src\)="/static/[^"]*"' "$tmp/page.html" | sed 's/.*="\(.*\)"/\1/' | sort -u); do
    curl -s --max-time 10 "$VCMU$a" >> "$tmp/assets"
  done
  assets=$(wc -c < "$tmp/assets" | tr -d ' ')
  sum=$((html + assets))
  gz=$(cat "$tmp/page.html" "$tmp/assets" | gzip -6 | wc -c | tr -d ' ')
  share=$(awk -v s="$sum" -v g="$WEIGHT_GOAL" 'BEGIN { printf "%.0f%%, %s", 100 * s / g, (s < g) ? "under" : "OVER" }')
  printf '%-22s %9s %14s %9s %10s  %s\n' "$name" "$(bench_group "$html")" "$(bench_group "$assets")" \
    "$(bench_group "$sum")" "$(bench_group "$gz")" "$share"
  bench_summary weight "page weight, $name" "$(bench_group "$sum") bytes" "goal < $(bench_group $WEIGHT_GOAL) ($share)"
done
printf '%-22s %9s\n' "/static/vcm.css" "$(bench_group "$css_bytes")"
echo "(linked static = the /static/ files the page's href/src name; images are not counted)"

# --- throughput -------------------------------------------------------------
# Other programs on the machine can take CPU at any moment, and a figure
# taken a minute apart from its reference would carry that drift into the
# ratio. So nginx runs just before and just after each vcm target, and each
# ratio uses the mean of those two neighbours:
#   nginx, object, nginx, API, nginx, home, nginx, browse, nginx


# load NAME LABEL URL WARMUP: an optional warm-up (yes/no), then the measured
# run. Writes label, req/s, p50 ms, p99 ms, requests, errors to res-NAME.
load() {
  # wrk runs in the background so that a signal reaches our trap at once,
  # not after the run (sh defers traps while a foreground child runs).
  if [ "$4" = yes ]; then
    wrk -t"$WRK_T" -c"$WRK_C" -d"$WARMUP" "$3" > /dev/null 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid"
  fi
  f="$tmp/wrk-$1.txt"
  wrk -t"$WRK_T" -c"$WRK_C" -d"$DURATION" --latency "$3" > "$f" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid"
  wrk_pid=""
  bench_wrk_result "$f" "$tmp/res-$1" "$2" || return 1
  echo "  $2: $(bench_group "$rps") req/s, p50 $p50 ms, p99 $p99 ms${errs:+, $errs}"
}
val() { sed -n "${2}p" "$tmp/res-$1" 2>/dev/null; }

echo
echo "Throughput: wrk -t$WRK_T -c$WRK_C -d$DURATION --latency on loopback, each URL warmed up for $WARMUP first"
echo "vcm serve with ${VCM_THREADS:-its default} threads (VCM_THREADS; default one per core), nginx with 2 workers; both share $(nproc) cores with wrk"
bench_busy_note
failed=0
targets="object render api home browse"
load ngx0 "nginx, 10 KB static file" "$NGX/10k.html" yes || failed=1
j=1
for k in $targets; do
  case $k in
    object) load object "vcm object page /objects/$obj" "$VCMU/objects/$obj" yes || failed=1 ;;
    render) load render "vcm object page, no page cache" "$RAWU/objects/$obj" yes || failed=1 ;;
    api)    load api "vcm API /api/v1/objects/$obj" "$VCMU/api/v1/objects/$obj" yes || failed=1 ;;
    home)   load home "vcm home page /" "$VCMU/" yes || failed=1 ;;
    browse) load browse "vcm browse page /browse" "$VCMU/browse" yes || failed=1 ;;
  esac
  load "ngx$j" "nginx, 10 KB static file" "$NGX/10k.html" no || failed=1
  j=$((j + 1))
done

# vcm must have lived through it: a crash would leave wrk with errors only.
if ! kill -0 "$vcm_pid" 2>/dev/null || ! kill -0 "$raw_pid" 2>/dev/null; then
  echo "web: vcm serve exited during the run:" >&2
  tail -n 20 "$tmp/vcm.log" >&2
  failed=1
fi

# nginx's runs: median of each column, and the spread of req/s.
nruns=$j
ngx_list() {   # ngx_list COLUMN: that figure of every nginx run, sorted
  q=0
  while [ $q -lt $nruns ]; do val "ngx$q" "$1"; q=$((q + 1)); done | grep . | sort -n
}
ngx_col() {    # ngx_col COLUMN: their median
  ngx_list "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ngx_rps=$(ngx_col 2)
ngx_lo=$(ngx_list 2 | head -n 1)
ngx_hi=$(ngx_list 2 | tail -n 1)

echo
printf '%-32s %9s %8s %8s %12s %9s  %s\n' target req/s "p50 ms" "p99 ms" "nginx req/s" "vs nginx" errors
if [ -n "$ngx_rps" ]; then
  printf '%-32s %9s %8s %8s %12s %9s  %s\n' "nginx, 10 KB file (median of $nruns)" "$(bench_group "$ngx_rps")" \
    "$(ngx_col 3)" "$(ngx_col 4)" "" "100%" ""
fi
j=1
for k in $targets; do
  before=$(val "ngx$((j - 1))" 2)
  after=$(val "ngx$j" 2)
  j=$((j + 1))
  [ -f "$tmp/res-$k" ] || continue
  if [ -z "$(val $k 2)" ]; then
    printf '%-32s %9s\n' "$(val $k 1)" "no figure"
    continue
  fi
  near=$(awk -v a="$before" -v b="$after" 'BEGIN {
    if (a > 0 && b > 0) printf "%.2f", (a + b) / 2; else if (a > 0) print a; else if (b > 0) print b; else print 0 }')
  pct=$(awk -v a="$(val $k 2)" -v r="$near" 'BEGIN { if (r > 0) printf "%.1f%%", 100 * a / r; else print "-" }')
  printf '%-32s %9s %8s %8s %12s %9s  %s\n' "$(val $k 1)" "$(bench_group "$(val $k 2)")" "$(val $k 3)" "$(val $k 4)" \
    "$(bench_group "$near")" "$pct" "$(val $k 6)"
  bench_summary web "$(val $k 1)" "$(bench_group "$(val $k 2)") req/s, p50 $(val $k 3) ms, p99 $(val $k 4) ms" "$pct of nginx"
  [ $k = object ] && object_pct=$pct
  [ $k = render ] && render_pct=$pct
done
echo "nginx req/s = mean of the nginx runs just before and just after that target; vs nginx = req/s / that"
if [ -n "$ngx_rps" ]; then
  spread=$(awk -v lo="$ngx_lo" -v hi="$ngx_hi" -v m="$ngx_rps" 'BEGIN { printf "%.0f%%", 100 * (hi - lo) / m }')
  echo "nginx's $nruns runs: $(bench_group "$ngx_lo") to $(bench_group "$ngx_hi") req/s, a spread of $spread of their median (the machine's noise)"
  bench_summary web "reference: nginx, 10 KB file" "$(bench_group "$ngx_rps") req/s, p99 $(ngx_col 4) ms" "median of $nruns runs, spread $spread"
fi

if [ -n "${object_pct:-}" ] && [ "$object_pct" != "-" ]; then
  verdict=$(awk -v p="${object_pct%\%}" -v g=$GOAL_PCT 'BEGIN { print (p >= g) ? "goal met" : "below the goal" }')
  echo "object page: $object_pct of nginx; goal ≥ $GOAL_PCT%: $verdict"
  bench_summary goal "object page vs nginx" "$object_pct" "goal ≥ $GOAL_PCT% ($verdict)"
fi

secs=$(bench_secs "$part_start")
echo "part 2 took $secs s"
bench_summary time "part 2, web" "$secs s" ""
exit $failed
