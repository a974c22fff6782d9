# Helpers shared by the benchmark scripts (sourced, not run).
#
# The scripts are POSIX sh (Debian's dash) plus awk, sed, curl, wrk and
# nginx: nothing else to install. Every figure is printed; nothing here
# compares a time with a threshold to decide an exit status (STYLE.md,
# point 9). A part exits non-zero only when something broke: a command
# failed, a server did not start, a page did not answer 200.

# bench_ms: milliseconds since the epoch (GNU date).
bench_ms() {
  echo $(($(date +%s%N) / 1000000))
}

# bench_secs START_MS: seconds since START_MS, one decimal.
bench_secs() {
  awk -v a="$1" -v b="$(bench_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'
}

# bench_group N: 42231 -> 42,231 (whole part only).
bench_group() {
  printf '%s\n' "$1" | awk '{
    n = sprintf("%d", $1 + 0.5); s = ""; neg = (n ~ /^-/); if (neg) n = substr(n, 2)
    while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) }
    printf "%s%s%s\n", (neg ? "-" : ""), n, s }'
}

# bench_load: the 1-minute load average, to show when other work shared
# the machine with the benchmark (its figures are then lower).
bench_load() {
  cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"
}

# bench_busy_note: one line of warning when the machine is not idle.
bench_busy_note() {
  awk -v l="$(bench_load)" -v c="$(nproc 2>/dev/null || echo 1)" 'BEGIN {
    if (l + 0 >= 0.5)
      printf "note: load average %s on %d cores before this part: other work is running; figures are lower than on an idle machine\n", l, c }'
}

# bench_summary PART FIGURE MEASURED REFERENCE: one row for run.sh's table
# (tab-separated, appended to $VCM_BENCH_SUMMARY when run.sh set it).
bench_summary() {
  [ -n "${VCM_BENCH_SUMMARY:-}" ] || return 0
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$VCM_BENCH_SUMMARY"
}

# bench_latency_ms 1.5ms | 820us | 1.2s: wrk's latency in milliseconds.
bench_latency_ms() {
  printf '%s\n' "$1" | awk '{
    v = $1 + 0
    if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) v += 0
    else if ($1 ~ /m$/) v *= 60000; else if ($1 ~ /s$/) v *= 1000
    printf "%.2f", v }'
}

# bench_wrk_result FILE RESULT LABEL: reads wrk --latency output in FILE and
# writes label, req/s, p50 ms, p99 ms, requests, errors (one a line) to
# RESULT; returns 1 (with wrk's output on stderr) when it has no figures.
# Sets rps p50 p99 reqs errs for the caller's message.
bench_wrk_result() {
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.][0-9.]*\).*/\1/p' "$1")
  p50=$(awk '$1 == "50%" { print $2 }' "$1")
  p99=$(awk '$1 == "99%" { print $2 }' "$1")
  reqs=$(sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$1")
  errs=""
  bad=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1")
  [ -n "$bad" ] && errs="$bad non-2xx"
  sock=$(sed -n 's/.*Socket errors: *//p' "$1")
  [ -n "$sock" ] && errs="${errs:+$errs; }socket errors: $sock"
  if [ -z "$rps" ] || [ -z "$p50" ]; then
    echo "bench: wrk gave no figures for $3:" >&2
    cat "$1" >&2
    printf '%s\n' "$3" > "$2"
    return 1
  fi
  p50=$(bench_latency_ms "$p50")
  p99=$(bench_latency_ms "$p99")
  printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$3" "$rps" "$p50" "$p99" "$reqs" "$errs" > "$2"
}

# bench_port_used PORT: true if any TCP socket (v4 or v6) has PORT as its
# local port. /proc/net/tcp shows ports in upper-case hex.
bench_port_used() {
  hex=$(printf ':%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v h="$hex" '
    NR > 1 && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }'
}

# bench_pick_port [EXCEPT]: a random port in 20000..59999 that no socket
# uses now (and that is not EXCEPT). Another program may take it before
# our server binds: callers check that their own process is the one
# listening (bench_wait_http) and try another port if not.
bench_pick_port() {
  i=0
  while [ $i -lt 100 ]; do
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    p=$((20000 + r % 40000))
    if [ "$p" != "${1:-}" ] && ! bench_port_used "$p"; then
      echo "$p"
      return 0
    fi
    i=$((i + 1))
  done
  return 1
}

# bench_owns_port PID PORT: true if process PID holds the socket listening
# on PORT (state 0A in /proc/net/tcp), so that we never measure a server
# that another program started on a port we had picked.
bench_owns_port() {
  hex=$(printf ':%04X' "$2")
  for ino in $(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v h="$hex" '
      NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h { print $10 }'); do
    for fd in "/proc/$1/fd"/*; do
      [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$ino]" ] && return 0
    done
  done
  return 1
}

# bench_wait_http PID PORT URL [SECONDS]: wait until PID listens on PORT and
# URL answers. Fails at once if PID exits (port taken, bad config).
bench_wait_http() {
  n=$(( ${4:-15} * 10 ))
  while [ $n -gt 0 ]; do
    kill -0 "$1" 2>/dev/null || return 1
    if bench_owns_port "$1" "$2" && curl -s -o /dev/null --max-time 2 "$3"; then
      return 0
    fi
    sleep 0.1
    n=$((n - 1))
  done
  return 1
}

# bench_stop PID: SIGTERM, up to 10 s to exit, then SIGKILL; reaps it.
bench_stop() {
  [ -n "${1:-}" ] || return 0
  kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
  kill -TERM "$1" 2>/dev/null
  n=100
  while [ $n -gt 0 ] && kill -0 "$1" 2>/dev/null; do
    sleep 0.1
    n=$((n - 1))
  done
  if kill -0 "$1" 2>/dev/null; then
    echo "bench: process $1 ignored SIGTERM for 10 s; sending SIGKILL" >&2
    kill -KILL "$1" 2>/dev/null
  fi
  wait "$1" 2>/dev/null
  return 0
}

# bench_data: the demo collection, from $VCM_DATA (default ../shared/data).
bench_data() {
  echo "${VCM_DATA:-../shared/data}/collection.jsonl"
}

# bench_bg CMD...: runs CMD in the background and waits for it, so that a
# signal reaches the caller's trap at once (sh defers traps while a
# foreground child runs). Its PID is in bench_child while it runs.
bench_child=""
bench_bg() {
  "$@" &
  bench_child=$!
  wait "$bench_child"
  rc=$?
  bench_child=""
  return $rc
}

# bench_stop_child: stops what bench_bg or bench_measure runs, for a trap.
# GNU time does not pass SIGTERM on to what it runs, so its children
# (listed by the kernel) are stopped first.
bench_stop_child() {
  [ -n "$bench_child" ] || return 0
  for k in $(cat "/proc/$bench_child/task/$bench_child/children" 2>/dev/null); do
    kill -TERM "$k" 2>/dev/null
  done
  bench_stop "$bench_child"
  bench_child=""
}

# bench_time: GNU time's path when it works (Debian package 'time'), else "".
bench_time() {
  if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    echo /usr/bin/time
  fi
}

# bench_measure DIR NAME CMD...: runs CMD (as bench_bg does) with its output
# in DIR/NAME.out and DIR/NAME.err. Sets m_rc, m_secs (wall, 2 decimals),
# m_rss (peak RSS in MiB of its largest process: GNU time, else the kernel's
# VmHWM of CMD read from /proc every 50 ms) and m_cpu (user + system
# seconds, GNU time only; else empty).
bench_measure() {
  m_dir=$1
  m_name=$2
  shift 2
  m_time=$(bench_time)
  : > "$m_dir/time.txt"
  m_t0=$(bench_ms)
  if [ -n "$m_time" ]; then
    "$m_time" -v -o "$m_dir/time.txt" "$@" > "$m_dir/$m_name.out" 2> "$m_dir/$m_name.err" &
  else
    "$@" > "$m_dir/$m_name.out" 2> "$m_dir/$m_name.err" &
  fi
  bench_child=$!
  m_hwm=0
  if [ -z "$m_time" ]; then
    while m_st=$(cat "/proc/$bench_child/status" 2>/dev/null) &&
        ! printf '%s\n' "$m_st" | grep -q '^State:[[:space:]]*Z'; do
      m_h=$(printf '%s\n' "$m_st" | awk '$1 == "VmHWM:" { print $2 }')
      [ -n "$m_h" ] && [ "$m_h" -gt "$m_hwm" ] && m_hwm=$m_h
      sleep 0.05
    done
  fi
  wait "$bench_child"
  m_rc=$?
  bench_child=""
  m_secs=$(awk -v a="$m_t0" -v b="$(bench_ms)" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
  m_cpu=""
  if [ -n "$m_time" ]; then
    m_hwm=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$m_dir/time.txt")
    m_cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { printf "%.1f", s }' "$m_dir/time.txt")
  fi
  m_rss=$(awk -v k="${m_hwm:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
  return $m_rc
}

# bench_big_image DIR OUT W H: a W×H JPEG (q90) in OUT, made with libvips in
# DIR (needs about 15 bytes per pixel there, removed after): three bands of
# gaussian noise at a quarter of the size, blurred and enlarged, plus
# Perlin noise at full size, about 2 bits per pixel, so that decoding and
# encoding its tiles is a photograph's work, not a flat colour's. W and H
# must be multiples of 4. Quicker and simpler than part 3's image.
bench_big_image() {
  bi_d=$1
  bi_qw=$(($3 / 4))
  bi_qh=$(($4 / 4))
  bench_bg vips gaussnoise "$bi_d/n0.v" $bi_qw $bi_qh &&
    bench_bg vips gaussnoise "$bi_d/n1.v" $bi_qw $bi_qh &&
    bench_bg vips gaussnoise "$bi_d/n2.v" $bi_qw $bi_qh &&
    bench_bg vips bandjoin "$bi_d/n0.v $bi_d/n1.v $bi_d/n2.v" "$bi_d/n.v" &&
    rm -f "$bi_d/n0.v" "$bi_d/n1.v" "$bi_d/n2.v" &&
    bench_bg vips gaussblur "$bi_d/n.v" "$bi_d/nb.v" 2 &&
    bench_bg vips linear --uchar "$bi_d/nb.v" "$bi_d/nu.v" 120 128 &&
    bench_bg vips resize "$bi_d/nu.v" "$bi_d/big.v" 4 --kernel linear &&
    rm -f "$bi_d/n.v" "$bi_d/nb.v" "$bi_d/nu.v" &&
    bench_bg vips perlin "$bi_d/f.v" "$3" "$4" --cell-size 5 --uchar &&
    bench_bg vips add "$bi_d/big.v" "$bi_d/f.v" "$bi_d/s.v" &&
    rm -f "$bi_d/big.v" "$bi_d/f.v" &&
    bench_bg vips linear --uchar "$bi_d/s.v" "$2[Q=90]" 0.5 0
  bi_rc=$?
  rm -f "$bi_d"/*.v
  return $bi_rc
}

# bench_demo_db VCM DIR: the demo collection as `make run` loads it
# (scripts/demo.sh): the ASEM countries and $VCM_DATA/collection.jsonl into
# sqlite:DIR/vcm.db, the photographs of $VCM_DATA/images/npm_taipei (when
# present) into DIR/media, and the search index built. Prints what failed.
bench_demo_db() {
  dd_vcm=$1
  dd_db="sqlite:$2/vcm.db"
  dd_data=${VCM_DATA:-../shared/data}
  if [ -r "$dd_data/asem-partners.csv" ] &&
      ! "$dd_vcm" import --db "$dd_db" --quiet "$dd_data/asem-partners.csv" > "$2/import.log" 2>&1; then
    echo "bench: vcm import of $dd_data/asem-partners.csv failed:" >&2
    tail -n 20 "$2/import.log" >&2
    return 1
  fi
  # Status 1: some lines were rejected (listed in the log); the rest is in.
  "$dd_vcm" import --db "$dd_db" --quiet "$dd_data/collection.jsonl" >> "$2/import.log" 2>&1
  dd_rc=$?
  if [ $dd_rc != 0 ] && [ $dd_rc != 1 ]; then
    echo "bench: vcm import of $dd_data/collection.jsonl failed:" >&2
    tail -n 20 "$2/import.log" >&2
    return 1
  fi
  dd_img="$dd_data/images/npm_taipei"
  if [ -d "$dd_img" ]; then
    # The same objects and identifiers as scripts/demo.sh.
    while read -r dd_obj dd_file dd_id; do
      [ -r "$dd_img/$dd_file" ] || continue
      if ! "$dd_vcm" media add --db "$dd_db" --media "$2/media" --quiet "$dd_obj" "$dd_img/$dd_file" \
          --id "$dd_id" >> "$2/import.log" 2>&1; then
        echo "bench: vcm media add of $dd_img/$dd_file failed:" >&2
        tail -n 20 "$2/import.log" >&2
        return 1
      fi
    done <<DEMO
古玉3888 jade070_00.jpg npm-jade070-0
古玉3888 jade070_01.jpg npm-jade070-1
古玉3888 jade070_02.jpg npm-jade070-2
古玉3888 jade070_03.jpg npm-jade070-3
古玉3888 jade070_04.jpg npm-jade070-4
古玉3888 jade070_05.jpg npm-jade070-5
古玉3888 jade070_06.jpg npm-jade070-6
古玉3888 jade070_07.jpg npm-jade070-7
古玉1863 jade054_00_w1140.jpg npm-jade054-0
古玉0636 jade001_00.tiff npm-jade001-0
古玉0636 jade001_01_w250.jpg npm-jade001-1
古玉0636 jade001_02_w250.jpg npm-jade001-2
DEMO
  fi
  if ! "$dd_vcm" search reindex --db "$dd_db" --quiet > "$2/reindex.log" 2>&1; then
    echo "bench: vcm search reindex failed:" >&2
    tail -n 20 "$2/reindex.log" >&2
    return 1
  fi
}

# bench_start_vcm DB MEDIA LOG CHECK-PATH [OPTION...]: starts vcm serve on a
# free port of 127.0.0.1 (another port if one is taken meanwhile) and waits
# until CHECK-PATH answers. Sets started_pid and started_port.
bench_start_vcm() {
  sv_db=$1
  sv_media=$2
  sv_log=$3
  sv_path=$4
  shift 4
  for _ in 1 2 3 4 5; do
    started_port=$(bench_pick_port) || return 1
    "${VCM_BIN:-build/vcm}" serve --db "$sv_db" --media "$sv_media" --listen "127.0.0.1:$started_port" \
      --log-level warn "$@" > "$sv_log" 2>&1 &
    started_pid=$!
    bench_wait_http "$started_pid" "$started_port" "http://127.0.0.1:$started_port$sv_path" 30 && return 0
    bench_stop "$started_pid"
    started_pid=""
  done
  return 1
}

# bench_iiif_tiles ID INFO.JSON: every tile of every level of the image that
# INFO.JSON (vcm's, IIIF Image API 3) describes, coarsest level first, as
# paths /iiif/ID/x,y,w,h/w,/0/default.jpg: at scale factor s a tile covers
# T·s full-size pixels and is asked for at ceil(w/s) wide. Nothing for an
# image without tiles.
bench_iiif_tiles() {
  ti_flat=$(tr -d '\n\r' < "$2")
  ti_w=$(printf '%s\n' "$ti_flat" | sed -n 's/^[^[]*"width" *: *\([0-9][0-9]*\).*/\1/p')
  ti_h=$(printf '%s\n' "$ti_flat" | sed -n 's/^[^[]*"height" *: *\([0-9][0-9]*\).*/\1/p')
  ti_t=$(printf '%s\n' "$ti_flat" | sed -n 's/.*"tiles" *: *\[ *{ *"width" *: *\([0-9][0-9]*\).*/\1/p')
  ti_s=$(printf '%s\n' "$ti_flat" | sed -n 's/.*"scaleFactors" *: *\[\([0-9, ]*\)\].*/\1/p' | tr -d ' ')
  [ -n "$ti_w" ] && [ -n "$ti_h" ] && [ -n "$ti_t" ] && [ -n "$ti_s" ] || return 0
  printf '%s\n' "$ti_s" | tr ',' '\n' | sort -rn | awk -v W="$ti_w" -v H="$ti_h" -v T="$ti_t" -v id="$1" '
    { s = $1; step = T * s
      for (y = 0; y < H; y += step)
        for (x = 0; x < W; x += step) {
          w = (x + step > W) ? W - x : step; h = (y + step > H) ? H - y : step
          printf "/iiif/%s/%d,%d,%d,%d/%d,/0/default.jpg\n", id, x, y, w, h, int((w + s - 1) / s)
        } }'
}
