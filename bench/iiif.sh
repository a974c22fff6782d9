#!/bin/sh
# Part 3: IIIF images: ingest, and the Image API beside IIPImage.
#
# Makes a 12000×9000 photo-like JPEG (q90) with libvips: noise at three
# scales (1/200, 1/24 and 1/4 of the image, blurred, in three independent
# bands), enlarged, summed, plus fine Perlin noise at full size, so that
# decoding and encoding it is the work a real photograph asks for, not that
# of a flat colour. From it, a 30000×20000 JPEG (a 10000×5000 crop repeated
# 3×4), for the ingest of a very large master.
#
# Ingest: `vcm media add` of both (wall seconds and peak RSS, from GNU time
# when installed, else from /proc). Reference: `vips tiffsave` making the
# same pyramid (256×256 tiles, JPEG Q85) from the 12000×9000 file, which is
# also the file IIPImage serves.
#
# Serving: four servers on free loopback ports, each our own child process,
# stopped by PID on exit (also after a failure or Ctrl-C):
#   - vcm serve on the media folder of the ingest (derivative cache on);
#   - vcm serve on a fresh copy of that folder (no cached derivative yet) with
#     --cache-size at its minimum, 1 MiB (about 50 tiles), for the targets
#     that must not be answered from vcm's disk cache;
#   - iipsrv.fcgi (Debian's IIPImage) under spawn-fcgi, one process per core
#     (VCM_BENCH_IIP_PROCS), behind
#   - nginx (Debian's, bench/nginx-iiif.conf.in), which maps /iiif/ID/... to
#     IIPImage's /fcgi-bin/iipsrv.fcgi?IIIF=ID.tif/... and also serves a copy
#     of one tile as a static file: the reference for (b).
# Both image servers get the same paths, in URL forms both IIIF Image API 2
# (IIPImage 1.1) and 3 (vcm) accept: x,y,w,h/w,/0/default.jpg.
#
# wrk then loads, vcm then IIPImage:
#   (a) every tile of every zoom level (2,276 here), walked in turn by
#       bench/urls.lua; vcm on the cold-cache server;
#   (b) one tile, again and again (and nginx with the same bytes as a file);
#   (c) info.json;
#   (d) a thumbnail of the whole image, full/400,/0/default.jpg;
#   (d') thumbnails no cache can answer: the whole image less a margin of
#       0..99 px on each side, 300..499 px wide, every URL different;
#   (e) unique regions: random regions of 600..6000 px a side scaled to
#       512 px wide, every URL different, what a visitor zooming into an
#       image nobody looked at, or a crawler, costs;
# (d') and (e) on the cold-cache server, from lists made with a fixed seed
# (Park-Miller, so the same on every awk) far longer than a run can use up,
# so that neither server's caches nor vcm's memos can answer any of them;
# then the bytes per image of 40 regions of (e)'s list that the runs did not
# reach, from both servers (both encode at JPEG quality 85);
# and prints req/s, p50 and p99, vcm / IIPImage, (b) as a share of nginx,
# and the goals beside them. IIPImage keeps compressed tiles in memory
# (MAX_IMAGE_CACHE_SIZE, default 10 MB per process); nothing is done to
# defeat that: it is how it runs in production.
#
#   sh bench/iiif.sh              (from the repository; build/vcm must exist)
#   VCM_BIN, VCM_DATA, VCM_BENCH_THREADS (wrk -t, 2), VCM_BENCH_CONNECTIONS
#   (wrk -c, 32), VCM_BENCH_DURATION (10s), VCM_BENCH_WARMUP (2s),
#   VCM_BENCH_IIP_PROCS (iipsrv processes, one per core), VCM_BENCH_HUGE
#   (0 skips the 30000×20000 image) override.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

VCM=${VCM_BIN:-build/vcm}
WRK_T=${VCM_BENCH_THREADS:-2}
WRK_C=${VCM_BENCH_CONNECTIONS:-32}
DURATION=${VCM_BENCH_DURATION:-10s}
WARMUP=${VCM_BENCH_WARMUP:-2s}
IIP_PROCS=${VCM_BENCH_IIP_PROCS:-$(nproc 2>/dev/null || echo 1)}
HUGE=${VCM_BENCH_HUGE:-1}
IIPSRV=/usr/lib/iipimage-server/iipsrv.fcgi
DATA=$(bench_data)
# The image, and the one object of the collection it is attached to.
# W and H must be multiples of 600 (noise layers at 1/4, 1/24, 1/200).
W=12000
H=9000
HW=30000
HH=20000
ID=bench
SOURCE_ID=古玉0636
MIN_CACHE=1048576
GOAL_A=2       # distinct tiles, vcm / IIPImage
GOAL_B=50      # one tile, vcm as % of nginx serving it as a file
GOAL_C=4       # info.json, vcm / IIPImage
GOAL_D=3       # thumbnail, vcm / IIPImage
GOAL_E=2       # unique regions, vcm / IIPImage
GOAL_BYTES=15  # unique regions: vcm's bytes per image at most this % above IIPImage's
NUNIQUE=100000 # URLs in each list of (d') and (e)
NBYTES=40      # regions of (e) fetched from both servers to compare sizes
part_start=$(bench_ms)

echo "== 3. IIIF images =="
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; })
missing=""
[ -n "$NGINX" ] || missing="$missing nginx"
for t in wrk curl vips vipsheader spawn-fcgi; do
  command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
[ -x "$IIPSRV" ] || missing="$missing $IIPSRV"
if [ -n "$missing" ]; then
  echo "iiif: skipped: not installed:$missing (sh scripts/deps.sh bench installs them)" >&2
  exit 1
fi
[ -x "$VCM" ] || { echo "iiif: '$VCM' not found; run make first" >&2; exit 1; }
if ! "$VCM" help 2>&1 | grep -q '^ *media '; then
  echo "iiif: skipped: '$VCM' has no 'media' command (built before IIIF support? run make)" >&2
  exit 1
fi
[ -r "$DATA" ] || { echo "iiif: cannot read '$DATA' (set VCM_DATA to the data folder)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-iiif.XXXXXX") || exit 1
# nginx's workers run as 'nobody' when we are root: they must read html/.
chmod 755 "$tmp"
vcm_pid=""
cold_pid=""
nginx_pid=""
iip_pids=""
child_pid=""
# stop_child: the child of bg or measure. GNU time does not pass SIGTERM on
# to what it runs, so its child (listed by the kernel) is stopped first.
stop_child() {
  [ -n "$child_pid" ] || return 0
  for k in $(cat "/proc/$child_pid/task/$child_pid/children" 2>/dev/null); do
    kill -TERM "$k" 2>/dev/null
  done
  bench_stop "$child_pid"
  child_pid=""
}
cleanup() {
  stop_child
  bench_stop "$vcm_pid"
  bench_stop "$cold_pid"
  bench_stop "$nginx_pid"
  for p in $iip_pids; do bench_stop "$p"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM
trap 'echo "bench: hung up" >&2; exit 129' HUP

# bg CMD...: runs CMD in the background and waits for it, so that a signal
# reaches our trap at once (sh defers traps while a foreground child runs),
# and the trap stops it by PID.
bg() {
  "$@" &
  child_pid=$!
  wait "$child_pid"
  rc=$?
  child_pid=""
  return $rc
}

# free_kb: KiB free on the file system of $tmp.
free_kb() {
  df -Pk "$tmp" | awk 'NR == 2 { print $4 }'
}
mb() {   # mb BYTES: in MB, one decimal
  awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000000 }'
}
fsize() {
  wc -c < "$1" | tr -d ' '
}

TIME=""
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
  TIME=/usr/bin/time
fi

# measure CMD...: runs CMD (in the background, see bg); sets m_rc, m_secs
# (wall, 2 decimals) and m_rss (peak RSS in MiB, 1 decimal). Peak RSS from
# GNU time when installed, else the kernel's high-water mark (VmHWM) read
# from /proc every 50 ms while it runs. Output in $tmp/m.out, m.err.
measure() {
  : > "$tmp/time.txt"
  t0=$(bench_ms)
  if [ -n "$TIME" ]; then
    $TIME -v -o "$tmp/time.txt" "$@" > "$tmp/m.out" 2> "$tmp/m.err" &
  else
    "$@" > "$tmp/m.out" 2> "$tmp/m.err" &
  fi
  child_pid=$!
  hwm=0
  if [ -z "$TIME" ]; then
    # Until it is a zombie (kill -0 still succeeds then) or gone.
    while st=$(cat "/proc/$child_pid/status" 2>/dev/null) &&
        ! printf '%s\n' "$st" | grep -q '^State:[[:space:]]*Z'; do
      h=$(printf '%s\n' "$st" | awk '$1 == "VmHWM:" { print $2 }')
      [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
      sleep 0.05
    done
  fi
  wait "$child_pid"
  m_rc=$?
  child_pid=""
  m_secs=$(awk -v a="$t0" -v b="$(bench_ms)" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
  if [ -n "$TIME" ]; then
    hwm=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$tmp/time.txt")
  fi
  m_rss=$(awk -v k="${hwm:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
  return $m_rc
}

echo "work folder: $tmp"
avail=$(free_kb)
if [ "${avail:-0}" -lt 3145728 ]; then
  echo "iiif: skipped: $(awk -v k="${avail:-0}" 'BEGIN { printf "%.1f", k / 1048576 }') GiB free in $tmp; this part needs 3 GiB (set TMPDIR to a roomier disk)" >&2
  exit 1
fi
bench_busy_note

# --- the test image -------------------------------------------------------
gen="$tmp/gen"
mkdir -p "$gen"
v() { bg vips "$@"; }
# noise OUT WIDTH HEIGHT BLUR GAIN: 3 bands of gaussian noise, blurred by
# BLUR pixels, scaled by GAIN around 128, as uchar.
noise() {
  v gaussnoise "$gen/n0.v" "$2" "$3" --mean 0 --sigma 1 &&
    v gaussnoise "$gen/n1.v" "$2" "$3" --mean 0 --sigma 1 &&
    v gaussnoise "$gen/n2.v" "$2" "$3" --mean 0 --sigma 1 &&
    v bandjoin "$gen/n0.v $gen/n1.v $gen/n2.v" "$gen/n.v" &&
    v gaussblur "$gen/n.v" "$gen/nb.v" "$4" &&
    v linear --uchar "$gen/nb.v" "$1" "$5" 128 &&
    rm -f "$gen/n0.v" "$gen/n1.v" "$gen/n2.v" "$gen/n.v" "$gen/nb.v"
}
# make_image: $gen/img.v (kept for the large image) and $tmp/img.jpg.
# Coarse layers are summed at 1/4 size and enlarged once; the fine layer is
# full size. The .v files are libvips's own format: written and read back
# without coding, so only the last step does JPEG work.
make_image() {
  mw=$((W / 4))
  mh=$((H / 4))
  noise "$gen/a.v" $((mw / 50)) $((mh / 50)) 1.5 300 &&
    v resize "$gen/a.v" "$gen/a4.v" 50 --kernel linear &&
    noise "$gen/b.v" $((mw / 6)) $((mh / 6)) 2 250 &&
    v resize "$gen/b.v" "$gen/b4.v" 6 --kernel linear &&
    noise "$gen/c.v" $mw $mh 1.5 120 &&
    v sum "$gen/a4.v $gen/b4.v $gen/c.v" "$gen/m.v" &&
    v linear --uchar "$gen/m.v" "$gen/mu.v" 0.333333 0 &&
    v resize "$gen/mu.v" "$gen/big.v" 4 --kernel linear &&
    v perlin "$gen/f.v" $W $H --cell-size 5 --uchar &&
    v sum "$gen/big.v $gen/big.v $gen/big.v $gen/f.v" "$gen/s.v" &&
    rm -f "$gen/big.v" "$gen/f.v" "$gen/m.v" "$gen/mu.v" "$gen/a"*.v "$gen/b"*.v "$gen/c.v" &&
    v linear --uchar "$gen/s.v" "$gen/img.v" 0.5 -- -128 &&
    rm -f "$gen/s.v" &&
    v jpegsave "$gen/img.v" "$tmp/img.jpg" --Q 90
}
t0=$(bench_ms)
if ! make_image > "$tmp/gen.log" 2>&1; then
  echo "iiif: could not make the test image with libvips:" >&2
  tail -n 20 "$tmp/gen.log" >&2
  exit 1
fi
img_bytes=$(fsize "$tmp/img.jpg")
echo "test image: ${W}×${H} JPEG q90, $(mb "$img_bytes") MB ($(awk -v b="$img_bytes" -v p=$((W * H)) 'BEGIN { printf "%.2f", 8 * b / p }') bits/pixel), made with libvips in $(bench_secs "$t0") s"

# --- ingest -----------------------------------------------------------------
grep -m 1 "\"source_id\": *\"$SOURCE_ID\"" "$DATA" > "$tmp/one.jsonl"
object=$SOURCE_ID
if [ ! -s "$tmp/one.jsonl" ]; then
  # Another data set: any object will do; in a fresh database it is number 1.
  head -n 1 "$DATA" > "$tmp/one.jsonl"
  object=1
fi
for db in vcm huge; do
  if ! "$VCM" import --db "sqlite:$tmp/$db.db" --quiet "$tmp/one.jsonl" > "$tmp/import.out" 2>&1; then
    echo "iiif: vcm import of one record failed:" >&2
    tail -n 20 "$tmp/import.out" >&2
    exit 1
  fi
done

echo
echo "Ingest: vcm media add (keeps the original, writes a tiled pyramidal TIFF); wall time, peak RSS${TIME:+ (GNU time)}"
[ -n "$TIME" ] || echo "note: /usr/bin/time not installed (Debian package 'time'): peak RSS from /proc (VmHWM every 50 ms)"
failed=0
if ! measure "$VCM" media add --db "sqlite:$tmp/vcm.db" --media "$tmp/media" "$object" "$tmp/img.jpg" --id "$ID"; then
  echo "iiif: vcm media add failed (status $m_rc):" >&2
  cat "$tmp/m.out" >&2
  tail -n 20 "$tmp/m.err" >&2
  exit 1
fi
in_secs=$m_secs
in_rss=$m_rss
pyr=$(find "$tmp/media/pyramids" -type f -name '*.tif' | head -n 1)
pyr_bytes=$( [ -n "$pyr" ] && fsize "$pyr" || echo 0)
echo "  ${W}×${H}: $in_secs s, peak RSS $in_rss MiB; pyramid $(mb "$pyr_bytes") MB"

# Reference, and IIPImage's file: the same pyramid made by the vips tool.
iipdir="$tmp/iip"
mkdir -p "$iipdir"
if ! measure vips tiffsave "$tmp/img.jpg" "$iipdir/$ID.tif" --tile --tile-width 256 --tile-height 256 \
    --pyramid --compression jpeg --Q 85; then
  echo "iiif: vips tiffsave failed:" >&2
  tail -n 20 "$tmp/m.err" >&2
  exit 1
fi
ref_secs=$m_secs
ref_rss=$m_rss
chmod 755 "$iipdir"
chmod 644 "$iipdir/$ID.tif"
in_ratio=$(awk -v a="$in_secs" -v b="$ref_secs" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
echo "  reference: vips tiffsave, same file and pyramid settings (IIPImage's copy): $ref_secs s, peak RSS $ref_rss MiB, $(mb "$(fsize "$iipdir/$ID.tif")") MB"
echo "  vcm / vips tiffsave: ${in_ratio}× the time, $(awk -v a="$in_rss" -v b="$ref_rss" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')× the memory"
bench_summary iiif "ingest ${W}×${H} JPEG" "$in_secs s, peak RSS $in_rss MiB" "vips tiffsave: $ref_secs s, $ref_rss MiB (vcm ${in_ratio}× its time)"

if [ "$HUGE" = 0 ]; then
  echo "  ${HW}×${HH}: skipped (VCM_BENCH_HUGE=0)"
  bench_summary iiif "ingest ${HW}×${HH} JPEG" "skipped" "VCM_BENCH_HUGE=0"
elif [ "$(free_kb)" -lt 2097152 ]; then
  echo "  ${HW}×${HH}: skipped: under 2 GiB free in $tmp (the file, its copy and its pyramid take about 0.7 GB)"
  bench_summary iiif "ingest ${HW}×${HH} JPEG" "skipped" "under 2 GiB of disk free"
else
  t0=$(bench_ms)
  if v crop "$gen/img.v" "$gen/tile.v" 0 0 $((HW / 3)) $((HH / 4)) > "$tmp/gen.log" 2>&1 &&
      v replicate "$gen/tile.v" "$tmp/huge.jpg[Q=90]" 3 4 >> "$tmp/gen.log" 2>&1; then
    gen_secs=$(bench_secs "$t0")
    huge_bytes=$(fsize "$tmp/huge.jpg")
    rm -f "$gen/tile.v"
    if measure "$VCM" media add --db "sqlite:$tmp/huge.db" --media "$tmp/media-huge" "$object" "$tmp/huge.jpg" --id huge; then
      mpx=$(awk -v s="$m_secs" -v p=$((HW * HH)) 'BEGIN { printf "%.1f", (s > 0) ? p / 1e6 / s : 0 }')
      echo "  ${HW}×${HH} ($(mb "$huge_bytes") MB, made in $gen_secs s): $m_secs s, peak RSS $m_rss MiB ($mpx Mpixel/s)"
      bench_summary iiif "ingest ${HW}×${HH} JPEG" "$m_secs s, peak RSS $m_rss MiB" "$mpx Mpixel/s"
    else
      echo "iiif: vcm media add of the ${HW}×${HH} image failed (status $m_rc):" >&2
      cat "$tmp/m.out" >&2
      tail -n 20 "$tmp/m.err" >&2
      failed=1
    fi
  else
    echo "  ${HW}×${HH}: skipped: libvips could not make it: $(tail -n 1 "$tmp/gen.log")"
    bench_summary iiif "ingest ${HW}×${HH} JPEG" "skipped" "libvips could not make the image"
  fi
  rm -rf "$tmp/huge.jpg" "$tmp/media-huge" "$tmp"/huge.db*
fi
rm -rf "$gen"

# --- servers ----------------------------------------------------------------
# The cold-cache server's media folder: the originals and pyramids (hard
# links where the file system allows), no cache folder.
mkdir -p "$tmp/media-cold"
for d in originals pyramids; do
  cp -al "$tmp/media/$d" "$tmp/media-cold/$d" 2>/dev/null || cp -R "$tmp/media/$d" "$tmp/media-cold/$d"
done

# start_vcm MEDIA LOG EXTRA-OPTIONS: sets started_pid and started_port.
start_vcm() {
  for _ in 1 2 3 4 5; do
    started_port=$(bench_pick_port) || return 1
    # shellcheck disable=SC2086
    "$VCM" serve --db "sqlite:$tmp/vcm.db" --media "$1" --listen "127.0.0.1:$started_port" \
      --log-level warn $3 > "$2" 2>&1 &
    started_pid=$!
    bench_wait_http "$started_pid" "$started_port" "http://127.0.0.1:$started_port/iiif/$ID/info.json" 15 && return 0
    bench_stop "$started_pid"
    started_pid=""
  done
  return 1
}
if ! start_vcm "$tmp/media" "$tmp/vcm.log" ""; then
  echo "iiif: vcm serve did not start:" >&2
  tail -n 20 "$tmp/vcm.log" >&2
  exit 1
fi
vcm_pid=$started_pid
VCMU="http://127.0.0.1:$started_port"
if ! start_vcm "$tmp/media-cold" "$tmp/vcm-cold.log" "--cache-size $MIN_CACHE"; then
  echo "iiif: vcm serve --cache-size $MIN_CACHE did not start:" >&2
  tail -n 20 "$tmp/vcm-cold.log" >&2
  exit 1
fi
cold_pid=$started_pid
COLDU="http://127.0.0.1:$started_port"

# IIPImage: spawn-fcgi -n binds the port and becomes iipsrv.fcgi, so the
# PID we hold is the server's. FILESYSTEM_PREFIX needs its final slash.
upstream=""
iip_ports=""
k=0
while [ $k -lt "$IIP_PROCS" ]; do
  ok=""
  for _ in 1 2 3 4 5; do
    port=$(bench_pick_port) || break
    FILESYSTEM_PREFIX="$iipdir/" MAX_CVT=20000 VERBOSITY=0 JPEG_QUALITY=85 \
      spawn-fcgi -n -a 127.0.0.1 -p "$port" -- "$IIPSRV" > "$tmp/iip$k.log" 2>&1 &
    pid=$!
    n=50
    while [ $n -gt 0 ] && kill -0 "$pid" 2>/dev/null && ! bench_owns_port "$pid" "$port"; do
      sleep 0.1
      n=$((n - 1))
    done
    if bench_owns_port "$pid" "$port"; then
      ok=1
      break
    fi
    bench_stop "$pid"
  done
  if [ -z "$ok" ]; then
    echo "iiif: iipsrv.fcgi did not start under spawn-fcgi:" >&2
    tail -n 20 "$tmp/iip$k.log" >&2
    exit 1
  fi
  iip_pids="$iip_pids $pid"
  iip_ports="$iip_ports $port"
  upstream="${upstream}server 127.0.0.1:$port; "
  k=$((k + 1))
done

ngx="$tmp/nginx"
mkdir -p "$ngx/html" "$ngx/tmp"
chmod 755 "$ngx" "$ngx/html"
start_nginx() {
  for _ in 1 2 3 4 5; do
    nginx_port=$(bench_pick_port) || return 1
    sed -e "s|@PREFIX@|$ngx|g" -e "s|@ROOT@|$ngx/html|g" -e "s|@PORT@|$nginx_port|g" \
      -e "s|@UPSTREAM@|$upstream|" bench/nginx-iiif.conf.in > "$ngx/nginx.conf"
    "$NGINX" -c "$ngx/nginx.conf" -p "$ngx/" -e "$ngx/error.log" -g 'daemon off;' \
      > "$ngx/stdout.log" 2>&1 &
    nginx_pid=$!
    bench_wait_http "$nginx_pid" "$nginx_port" "http://127.0.0.1:$nginx_port/iiif/$ID/info.json" 10 && return 0
    bench_stop "$nginx_pid"
    nginx_pid=""
  done
  return 1
}
if ! start_nginx; then
  echo "iiif: nginx did not start:" >&2
  cat "$ngx/stdout.log" "$ngx/error.log" 2>/dev/null | tail -n 20 >&2
  exit 1
fi
IIPU="http://127.0.0.1:$nginx_port"
NGX=$IIPU
echo
echo "servers: vcm (pid $vcm_pid) on ${VCMU#http://}, vcm --cache-size $MIN_CACHE on a fresh media copy (pid $cold_pid) on ${COLDU#http://};"
echo "  IIPImage $(dpkg-query -W -f='${Version}' iipimage-server 2>/dev/null) ($IIP_PROCS iipsrv.fcgi under spawn-fcgi, pids$iip_pids) behind nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') (pid $nginx_pid) on ${IIPU#http://}"

# --- what both answer ---------------------------------------------------------
# get URL FILE: the body into FILE; prints the status.
get() {
  curl -s -o "$2" -w '%{http_code}' --max-time 30 "$1"
}
broken=0
for u in "$VCMU" "$COLDU" "$IIPU"; do
  code=$(get "$u/iiif/$ID/info.json" "$tmp/info.json")
  if [ "$code" != 200 ]; then
    echo "iiif: $u/iiif/$ID/info.json answered $code: $(head -c 300 "$tmp/info.json")" >&2
    broken=1
  fi
done
[ $broken = 0 ] || exit 1
flat() { tr -d '\n\r' < "$1"; }
get "$VCMU/iiif/$ID/info.json" "$tmp/vcm-info.json" > /dev/null
get "$IIPU/iiif/$ID/info.json" "$tmp/iip-info.json" > /dev/null
jnum() {   # jnum FILE KEY: the first "KEY": number (outside any array)
  flat "$1" | sed -n "s/^[^[]*\"$2\" *: *\\([0-9][0-9]*\\).*/\\1/p"
}
iw=$(jnum "$tmp/vcm-info.json" width)
ih=$(jnum "$tmp/vcm-info.json" height)
tw=$(flat "$tmp/vcm-info.json" | sed -n 's/.*"tiles" *: *\[ *{ *"width" *: *\([0-9][0-9]*\).*/\1/p')
sfs=$(flat "$tmp/vcm-info.json" | sed -n 's/.*"scaleFactors" *: *\[\([0-9, ]*\)\].*/\1/p' | tr -d ' ')
iipver=$(flat "$tmp/iip-info.json" | sed -n 's/.*"@context" *: *"http:\/\/iiif.io\/api\/image\/\([0-9]\)\/context.json".*/\1/p')
iipver=${iipver:-$(flat "$tmp/iip-info.json" | sed -n 's/.*iiif.io\/api\/image\/\([0-9]\)\/context.json.*/\1/p')}
if [ "$iw" != $W ] || [ "$ih" != $H ] || [ -z "$tw" ] || [ -z "$sfs" ]; then
  echo "iiif: vcm's info.json does not describe a ${W}×${H} tiled image: $(head -c 400 "$tmp/vcm-info.json")" >&2
  exit 1
fi
if [ "$(jnum "$tmp/iip-info.json" width)" != $W ] || [ "$(jnum "$tmp/iip-info.json" height)" != $H ]; then
  echo "iiif: IIPImage's info.json does not describe a ${W}×${H} image: $(head -c 400 "$tmp/iip-info.json")" >&2
  exit 1
fi
echo "info.json: vcm speaks IIIF Image API 3, IIPImage API ${iipver:-?}; tiles ${tw}×${tw}, scale factors $sfs (from vcm's)"

# The tiles of every level, coarsest first: at scale factor s a tile covers
# tw·s full-size pixels and is asked for at ceil(w/s) wide. levels.txt has
# the scale factor beside each path.
printf '%s\n' "$sfs" | tr ',' '\n' | sort -rn | awk -v W="$iw" -v H="$ih" -v T="$tw" -v id="$ID" '
  { s = $1; step = T * s
    for (y = 0; y < H; y += step)
      for (x = 0; x < W; x += step) {
        w = (x + step > W) ? W - x : step; h = (y + step > H) ? H - y : step
        printf "%d\t/iiif/%s/%d,%d,%d,%d/%d,/0/default.jpg\n", s, id, x, y, w, h, int((w + s - 1) / s)
      } }' > "$tmp/levels.txt"
cut -f 2 "$tmp/levels.txt" > "$tmp/tiles.txt"
ntiles=$(wc -l < "$tmp/tiles.txt" | tr -d ' ')
# The lists of (d') and (e): NUNIQUE different URLs each, from a fixed
# seed. Park-Miller's generator (16807·x mod 2^31−1) is exact in awk's
# doubles, so every awk makes the same lists. Lines seen twice are dropped.
# unique_list KIND SEED: KIND thumbs or regions.
unique_list() {
  awk -v kind="$1" -v seed="$2" -v n=$((NUNIQUE + NBYTES + 1)) -v W="$iw" -v H="$ih" -v id="$ID" '
    function rnd(lo, hi) { x = (16807 * x) % 2147483647; return lo + x % (hi - lo + 1) }
    BEGIN {
      x = seed
      while (made < n) {
        if (kind == "thumbs") {
          l = rnd(0, 99); t = rnd(0, 99); rw = W - l - rnd(0, 99); rh = H - t - rnd(0, 99)
          p = sprintf("/iiif/%s/%d,%d,%d,%d/%d,/0/default.jpg", id, l, t, rw, rh, rnd(300, 499))
        } else {
          rw = rnd(600, 6000); rh = rnd(600, 6000)
          p = sprintf("/iiif/%s/%d,%d,%d,%d/512,/0/default.jpg", id, rnd(0, W - rw), rnd(0, H - rh), rw, rh)
        }
        if (!(p in seen)) { seen[p] = 1; print p; made++ }
      } }'
}
# Line 1 is for the checks below, the last NBYTES for the sizes, the rest
# for the runs.
unique_list thumbs 20240601 > "$tmp/thumbs-all.txt"
unique_list regions 19700101 > "$tmp/regions-all.txt"
for k in thumbs regions; do
  sed -n "2,$((NUNIQUE + 1))p" "$tmp/$k-all.txt" > "$tmp/$k.txt"
done
tail -n $NBYTES "$tmp/regions-all.txt" > "$tmp/regions-bytes.txt"
nthumbs=$(wc -l < "$tmp/thumbs.txt" | tr -d ' ')
nregions=$(wc -l < "$tmp/regions.txt" | tr -d ' ')
# (b): a whole tile from the middle of the full-size level.
cols=$(( (iw + tw - 1) / tw ))
rows=$(( (ih + tw - 1) / tw ))
TILE="/iiif/$ID/$(( cols / 2 * tw )),$(( rows / 2 * tw )),$tw,$tw/$tw,/0/default.jpg"
INFO="/iiif/$ID/info.json"
THUMB="/iiif/$ID/full/400,/0/default.jpg"

# Every URL must answer 200, with the same pixel size from both servers,
# before we time it: a fast 404 is no figure. Checked: the first and last
# tile of each level, (b), (d) and the first and last of (d'), on the warm
# vcm (the cold one must stay cold) and IIPImage.
dims() { vipsheader -f width "$1" 2>/dev/null | tr -d '\n'; printf '×'; vipsheader -f height "$1" 2>/dev/null; }
{
  awk -F'\t' '!($1 in first) { first[$1] = $2 } { last[$1] = $2 }
    END { for (s in first) { print first[s]; print last[s] } }' "$tmp/levels.txt"
  echo "$TILE"
  echo "$THUMB"
  sed -n 1p "$tmp/thumbs-all.txt"
  sed -n 1p "$tmp/regions-all.txt"
} > "$tmp/check.txt"
sort -u "$tmp/check.txt" > "$tmp/check-u.txt"
nchecked=0
mismatch=""
while read -r p; do
  a=$(get "$VCMU$p" "$tmp/a.jpg")
  b=$(get "$IIPU$p" "$tmp/b.jpg")
  [ "$a" = 200 ] || { echo "iiif: vcm: $p answered $a: $(head -c 200 "$tmp/a.jpg")" >&2; broken=1; continue; }
  [ "$b" = 200 ] || { echo "iiif: IIPImage: $p answered $b: $(head -c 200 "$tmp/b.jpg")" >&2; broken=1; continue; }
  da=$(dims "$tmp/a.jpg")
  db=$(dims "$tmp/b.jpg")
  [ "$da" = "$db" ] || mismatch="$mismatch
  $p: vcm $da, IIPImage $db"
  nchecked=$((nchecked + 1))
done < "$tmp/check-u.txt"
code=$(get "$COLDU$TILE" "$tmp/a.jpg")
[ "$code" = 200 ] || { echo "iiif: vcm (cold cache): $TILE answered $code" >&2; broken=1; }
[ $broken = 0 ] || exit 1
echo "checked: $nchecked URLs answer 200 from both$( [ -z "$mismatch" ] && echo ", with the same pixel sizes")"
[ -z "$mismatch" ] || echo "note: pixel sizes differ between the servers:$mismatch"

# The reference for (b): nginx sending the bytes vcm sends for that tile.
get "$VCMU$TILE" "$ngx/html/tile.jpg" > /dev/null
chmod 644 "$ngx/html/tile.jpg"
tile_bytes=$(fsize "$ngx/html/tile.jpg")
get "$VCMU$THUMB" "$tmp/thumb.jpg" > /dev/null
thumb_bytes=$(fsize "$tmp/thumb.jpg")
code=$(get "$NGX/tile.jpg" "$tmp/a.jpg")
[ "$code" = 200 ] || { echo "iiif: nginx: /tile.jpg answered $code" >&2; exit 1; }

# --- throughput ---------------------------------------------------------------
# load NAME LABEL BASE PATH-OR-@LIST WARMUP: an optional warm-up (yes/no),
# then the measured run. @LIST walks the paths of file LIST (bench/urls.lua).
# Writes label, req/s, p50 ms, p99 ms, requests, errors to res-NAME.
load() {
  case $4 in
    @*) set -- "$1" "$2" "$3" "$4" "$5" -s bench/urls.lua "$3" -- "${4#@}" "$WRK_T" ;;
    *)  set -- "$1" "$2" "$3" "$4" "$5" "$3$4" ;;
  esac
  name=$1
  label=$2
  warm=$5
  shift 5
  if [ "$warm" = yes ]; then
    bg wrk -t"$WRK_T" -c"$WRK_C" -d"$WARMUP" "$@" > /dev/null 2>&1
  fi
  f="$tmp/wrk-$name.txt"
  bg wrk -t"$WRK_T" -c"$WRK_C" -d"$DURATION" --latency "$@" > "$f" 2>&1
  bench_wrk_result "$f" "$tmp/res-$name" "$label" || return 1
  echo "  $label: $(bench_group "$rps") req/s, p50 $p50 ms, p99 $p99 ms, $(bench_group "$reqs") requests${errs:+, $errs}"
}
val() { sed -n "${2}p" "$tmp/res-$1" 2>/dev/null; }

echo
echo "Throughput: wrk -t$WRK_T -c$WRK_C -d$DURATION --latency on loopback; single URLs warmed up for $WARMUP first, lists not"
echo "vcm serve with ${VCM_THREADS:-its default} threads (VCM_THREADS; default one per core); $IIP_PROCS iipsrv.fcgi and 2 nginx workers; all share $(nproc) cores with wrk"
bench_busy_note
load a-vcm "(a) vcm, $(bench_group "$ntiles") tiles in turn, cold cache" "$COLDU" "@$tmp/tiles.txt" no || failed=1
load a-iip "(a) IIPImage, $(bench_group "$ntiles") tiles in turn" "$IIPU" "@$tmp/tiles.txt" no || failed=1
load ngx0 "nginx, the tile as a file ($(bench_group "$tile_bytes") bytes)" "$NGX" /tile.jpg yes || failed=1
load b-vcm "(b) vcm, one tile" "$VCMU" "$TILE" yes || failed=1
load b-iip "(b) IIPImage, one tile" "$IIPU" "$TILE" yes || failed=1
load ngx1 "nginx, the tile as a file" "$NGX" /tile.jpg no || failed=1
load c-vcm "(c) vcm, info.json" "$VCMU" "$INFO" yes || failed=1
load c-iip "(c) IIPImage, info.json" "$IIPU" "$INFO" yes || failed=1
load d-vcm "(d) vcm, full/400," "$VCMU" "$THUMB" yes || failed=1
load d-iip "(d) IIPImage, full/400," "$IIPU" "$THUMB" yes || failed=1
load t-vcm "(d') vcm, unique thumbnails, cold cache" "$COLDU" "@$tmp/thumbs.txt" no || failed=1
load t-iip "(d') IIPImage, unique thumbnails" "$IIPU" "@$tmp/thumbs.txt" no || failed=1
load e-vcm "(e) vcm, unique regions, cold cache" "$COLDU" "@$tmp/regions.txt" no || failed=1
load e-iip "(e) IIPImage, unique regions" "$IIPU" "@$tmp/regions.txt" no || failed=1

# Bytes per image of (e): regions no run reached, from the warm vcm (the
# cold one keeps its cache for nothing else) and IIPImage.
vb=0 ib=0 nb=0 bdiff=""
while read -r p; do
  a=$(get "$VCMU$p" "$tmp/a.jpg")
  b=$(get "$IIPU$p" "$tmp/b.jpg")
  [ "$a" = 200 ] && [ "$b" = 200 ] || { echo "iiif: $p answered $a (vcm) and $b (IIPImage)" >&2; failed=1; continue; }
  [ "$(dims "$tmp/a.jpg")" = "$(dims "$tmp/b.jpg")" ] || bdiff="$bdiff $(dims "$tmp/a.jpg")/$(dims "$tmp/b.jpg")"
  vb=$((vb + $(fsize "$tmp/a.jpg")))
  ib=$((ib + $(fsize "$tmp/b.jpg")))
  nb=$((nb + 1))
done < "$tmp/regions-bytes.txt"

# Every server must have lived through it: a crash leaves wrk with errors only.
for p in $vcm_pid $cold_pid $nginx_pid $iip_pids; do
  if ! kill -0 "$p" 2>/dev/null; then
    echo "iiif: server pid $p exited during the run" >&2
    failed=1
  fi
done
hwm() {   # hwm PID: its peak RSS so far, MiB
  awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null
}
iip_mem=""
for p in $iip_pids; do iip_mem="$iip_mem${iip_mem:+, }$(hwm "$p")"; done
echo "peak RSS after the runs: vcm $(hwm "$vcm_pid") MiB, vcm (1 MiB cache) $(hwm "$cold_pid") MiB; iipsrv.fcgi $iip_mem MiB"

# --- table ------------------------------------------------------------------
ngx_rps=$(awk -v a="$(val ngx0 2)" -v b="$(val ngx1 2)" 'BEGIN {
  if (a > 0 && b > 0) printf "%.2f", (a + b) / 2; else if (a > 0) print a; else if (b > 0) print b; else print 0 }')
ratio() {   # ratio A B: A / B as 1.23×
  awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f×", a / b; else print "-" }'
}
verdict() {   # verdict VALUE GOAL
  awk -v v="$1" -v g="$2" 'BEGIN { if (v == "" || v == "-") print "no figure"; else print (v + 0 >= g) ? "goal met" : "below the goal" }'
}
fig() {   # fig NAME: req/s, p50, p99 (or "no figure")
  if [ -n "$(val "$1" 2)" ]; then
    printf '%9s %8s %8s' "$(bench_group "$(val "$1" 2)")" "$(val "$1" 3)" "$(val "$1" 4)"
  else
    printf '%9s %8s %8s' "no figure" "" ""
  fi
}
echo
printf '%-32s %-26s %-26s %9s  %s\n' "" "vcm" "IIPImage" "" ""
printf '%-32s %9s %8s %8s %9s %8s %8s %9s  %s\n' target req/s "p50 ms" "p99 ms" req/s "p50 ms" "p99 ms" "vcm/IIP" "goal"
row() {   # row KEY LABEL GOAL-TEXT
  r=$(ratio "$(val "$1-vcm" 2)" "$(val "$1-iip" 2)")
  printf '%-32s %s %s %9s  %s\n' "$2" "$(fig "$1-vcm")" "$(fig "$1-iip")" "$r" "$3"
}
ratio_a=$(ratio "$(val a-vcm 2)" "$(val a-iip 2)")
ratio_b=$(ratio "$(val b-vcm 2)" "$(val b-iip 2)")
ratio_c=$(ratio "$(val c-vcm 2)" "$(val c-iip 2)")
ratio_d=$(ratio "$(val d-vcm 2)" "$(val d-iip 2)")
ratio_e=$(ratio "$(val e-vcm 2)" "$(val e-iip 2)")
ratio_t=$(ratio "$(val t-vcm 2)" "$(val t-iip 2)")
bytes_pct=$(awk -v a="$vb" -v b="$ib" 'BEGIN { if (a > 0 && b > 0) printf "%+.1f", 100 * (a - b) / b; else print "" }')
bytes_ok=$(awk -v p="$bytes_pct" -v g=$GOAL_BYTES 'BEGIN { if (p == "") print "no figure"; else print (p + 0 <= g) ? "goal met" : "above the goal" }')
pb=$(awk -v a="$(val b-vcm 2)" -v r="$ngx_rps" 'BEGIN { if (a > 0 && r > 0) printf "%.1f%%", 100 * a / r; else print "-" }')
pbi=$(awk -v a="$(val b-iip 2)" -v r="$ngx_rps" 'BEGIN { if (a > 0 && r > 0) printf "%.1f%%", 100 * a / r; else print "-" }')
row a "(a) distinct tiles, cold" "≥ ${GOAL_A}×: $(verdict "${ratio_a%×}" $GOAL_A)"
row b "(b) one tile repeated" "≥ $GOAL_B% of nginx: vcm $pb, $(verdict "${pb%\%}" $GOAL_B) (IIPImage $pbi)"
row c "(c) info.json" "≥ ${GOAL_C}×: $(verdict "${ratio_c%×}" $GOAL_C)"
row d "(d) thumbnail full/400," "≥ ${GOAL_D}×: $(verdict "${ratio_d%×}" $GOAL_D)"
row t "(d') unique thumbnails, cold" "no goal: (d) that no cache answers"
row e "(e) unique regions → 512, cold" "≥ ${GOAL_E}×: $(verdict "${ratio_e%×}" $GOAL_E)"
if [ "$nb" -gt 0 ]; then
  echo "(e) bytes per image, $nb regions of the list no run reached, JPEG quality 85 on both: vcm $(bench_group $((vb / nb))),"
  echo "    IIPImage $(bench_group $((ib / nb))): vcm ${bytes_pct}%; goal at most +${GOAL_BYTES}%: $bytes_ok${bdiff:+; pixel sizes differ (vcm/IIPImage):$bdiff}"
fi
printf '%-32s %9s %8s %8s\n' "nginx, the (b) tile as a file" "$(bench_group "$ngx_rps")" \
  "$(awk -v a="$(val ngx0 3)" -v b="$(val ngx1 3)" 'BEGIN { printf "%.2f", (a + b) / 2 }')" \
  "$(awk -v a="$(val ngx0 4)" -v b="$(val ngx1 4)" 'BEGIN { printf "%.2f", (a + b) / 2 }')"
echo "nginx = mean of the runs just before and just after (b); its two runs: $(bench_group "$(val ngx0 2)") and $(bench_group "$(val ngx1 2)") req/s"
for k in a t e; do
  n=$(val "$k-vcm" 5)
  ni=$(val "$k-iip" 5)
  [ -n "$n" ] && [ -n "$ni" ] || continue
  if [ $k != a ]; then
    tag="(d')" lines=$nthumbs
    [ $k = t ] || tag="(e)" lines=$nregions
    if [ "$n" -lt "$lines" ] && [ "$ni" -lt "$lines" ]; then
      echo "$tag vcm answered $(bench_group "$n") requests, IIPImage $(bench_group "$ni"), of a list of $(bench_group "$lines"): every URL was asked for once"
    else
      echo "$tag note: a server answered more requests than the list holds ($(bench_group "$lines")): URLs came back; lengthen it (NUNIQUE)"
    fi
    continue
  fi
  tag="(a)" lines=$ntiles unit=tiles bytes=$tile_bytes
  echo "$tag vcm answered $(bench_group "$n") requests, $(awk -v r="$n" -v l="$lines" 'BEGIN { printf "%.1f", r / l }') per path, IIPImage $(bench_group "$ni"), $(awk -v r="$ni" -v l="$lines" 'BEGIN { printf "%.1f", r / l }') per path; a path comes back only"
  echo "    after all $(bench_group "$lines") others; vcm's disk cache holds $(bench_group $MIN_CACHE) bytes (about $((MIN_CACHE / (bytes > 0 ? bytes : 1))) $unit),"
  echo "    and each of its threads keeps its last 512 answers in memory (up to 16 MiB): a list longer than that is"
  echo "    served from the pyramid (whole tiles as stored, the rest rendered), a shorter one from memory after one round"
done
echo "vcm answers (b), (c), (d) from memory or its derivative cache on disk once made. IIPImage keeps compressed tiles in memory"
echo "    (10 MB per process, about $((10485760 / ${tile_bytes:-20000})) tiles; in (a) a tile comes back after $(bench_group "$ntiles") others, spread over $IIP_PROCS processes,"
echo "    so it is made again there too) and makes every thumbnail anew"
errs=""
for k in a b c d t e; do
  for s in vcm iip; do
    e=$(val "$k-$s" 6)
    [ -n "$e" ] && errs="$errs
  ($k) $s: $e"
  done
done
[ -z "$errs" ] || echo "errors during the runs:$errs"
for f in "$tmp/vcm.log" "$tmp/vcm-cold.log"; do
  if [ -s "$f" ]; then
    echo "vcm logged $(wc -l < "$f" | tr -d ' ') lines at warn or above ($(basename "$f")); the first:"
    head -n 5 "$f" | sed 's/^/  /'
  fi
done

sum_row() {   # sum_row KEY LABEL REFERENCE-TEXT
  [ -n "$(val "$1-vcm" 2)" ] || return 0
  bench_summary iiif "$2" "$(bench_group "$(val "$1-vcm" 2)") req/s, p50 $(val "$1-vcm" 3) ms, p99 $(val "$1-vcm" 4) ms" "$3"
}
sum_row a "IIIF (a) distinct tiles, cold" "IIPImage $(bench_group "$(val a-iip 2)") req/s: vcm ${ratio_a}, goal ≥ ${GOAL_A}× ($(verdict "${ratio_a%×}" $GOAL_A))"
sum_row b "IIIF (b) one tile" "$pb of nginx, goal ≥ $GOAL_B% ($(verdict "${pb%\%}" $GOAL_B)); IIPImage $(bench_group "$(val b-iip 2)") req/s: vcm ${ratio_b}"
sum_row c "IIIF (c) info.json" "IIPImage $(bench_group "$(val c-iip 2)") req/s: vcm ${ratio_c}, goal ≥ ${GOAL_C}× ($(verdict "${ratio_c%×}" $GOAL_C))"
sum_row d "IIIF (d) thumbnail 400 px" "IIPImage $(bench_group "$(val d-iip 2)") req/s: vcm ${ratio_d}, goal ≥ ${GOAL_D}× ($(verdict "${ratio_d%×}" $GOAL_D))"
sum_row t "IIIF (d') unique thumbnails, cold" "IIPImage $(bench_group "$(val t-iip 2)") req/s: vcm ${ratio_t}"
sum_row e "IIIF (e) unique regions, cold" "IIPImage $(bench_group "$(val e-iip 2)") req/s: vcm ${ratio_e}, goal ≥ ${GOAL_E}× ($(verdict "${ratio_e%×}" $GOAL_E)); bytes per image vcm ${bytes_pct:-?}% of IIPImage's, goal ≤ +${GOAL_BYTES}% ($bytes_ok)"
bench_summary iiif "reference: nginx, the tile as a file" "$(bench_group "$ngx_rps") req/s" "mean of 2 runs around (b)"

secs=$(bench_secs "$part_start")
echo "part 3 took $secs s"
bench_summary time "part 3, IIIF" "$secs s" ""
exit $failed
