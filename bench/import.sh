#!/bin/sh
# Part 1: import throughput.
#
# Imports the demo collection into a fresh SQLite database three times
# (VCM_BENCH_RUNS), prints each run and the best, then imports the same
# file again into the last database (every record unchanged). Figures come
# from vcm's own summary line; when GNU time is installed, its wall clock
# and peak RSS are printed beside them as a cross-check.
#
# Reference, measured in the same run: the sqlite3 shell loading the same
# lines as raw text into a one-column table (one transaction, no parsing,
# no indexes). That is about the least any importer can do with these
# bytes on this disk, so "vcm / reference" says how much of the machine's
# storage speed vcm's parsing, validation and indexing leave.
#
#   sh bench/import.sh            (from the repository; build/vcm must exist)
#   VCM_BIN, VCM_DATA, VCM_BENCH_RUNS override the defaults.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

VCM=${VCM_BIN:-build/vcm}
RUNS=${VCM_BENCH_RUNS:-3}
GOAL=20000
DATA=$(bench_data)
part_start=$(bench_ms)

[ -x "$VCM" ] || { echo "import: '$VCM' not found; run make first" >&2; exit 1; }
[ -r "$DATA" ] || { echo "import: cannot read '$DATA' (set VCM_DATA to the data folder)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-import.XXXXXX") || exit 1
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM
trap 'echo "bench: hung up" >&2; exit 129' HUP

TIME=""
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
  TIME=/usr/bin/time
fi

lines=$(wc -l < "$DATA" | tr -d ' ')
bytes=$(wc -c < "$DATA" | tr -d ' ')
echo "== 1. Import throughput =="
echo "file: $DATA ($(bench_group "$lines") lines, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB)"
echo "database: SQLite in $tmp (fresh for each run)"
[ -n "$TIME" ] || echo "note: /usr/bin/time not installed (Debian package 'time'): no cross-check of wall clock and peak RSS"
bench_busy_note

# summary_field LINE WHAT: a number from vcm's summary line.
summary_field() {
  case $2 in
    read|inserted|updated|unchanged|rejected|warnings)
      printf '%s\n' "$1" | sed -n "s/.*[:,] $2 \\([0-9][0-9]*\\).*/\\1/p" ;;
    secs)  printf '%s\n' "$1" | sed -n 's/.*; \([0-9.][0-9.]*\) s, .*/\1/p' ;;
    rate)  printf '%s\n' "$1" | sed -n 's/.* \([0-9][0-9]*\) records\/s.*/\1/p' ;;
    rss)   # in MiB, whatever unit vcm chose
      printf '%s\n' "$1" | sed -n 's/.*peak RSS \([0-9.][0-9.]*\) \([KMG]\)i\{0,1\}B.*/\1 \2/p' |
        awk '{ f = ($2 == "K") ? 1 / 1024 : ($2 == "G") ? 1024 : 1; printf "%.1f", $1 * f }' ;;
  esac
}

# run_import DB LABEL: one import; prints a line, sets rate/rss/line.
run_import() {
  out="$tmp/out.txt"
  err="$tmp/err.txt"
  tv="$tmp/time.txt"
  : > "$tv"
  t0=$(bench_ms)
  if [ -n "$TIME" ]; then
    $TIME -v -o "$tv" "$VCM" import --db "sqlite:$1" --quiet "$DATA" > "$out" 2> "$err"
  else
    "$VCM" import --db "sqlite:$1" --quiet "$DATA" > "$out" 2> "$err"
  fi
  rc=$?
  wall=$(awk -v a="$t0" -v b="$(bench_ms)" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
  line=$(grep ' records/s' "$out" | tail -n 1)
  if [ $rc -ne 0 ] || [ -z "$line" ]; then
    echo "$2: vcm import failed (status $rc)" >&2
    cat "$out" >&2
    tail -n 20 "$err" >&2
    return 1
  fi
  rate=$(summary_field "$line" rate)
  rss=$(summary_field "$line" rss)
  if [ -z "$rate" ]; then
    echo "$2: cannot read the summary line (format changed?): $line" >&2
    return 1
  fi
  check=""
  if [ -n "$TIME" ]; then
    trss=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$tv")
    twall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv" |
      awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
    check=$(awk -v k="$trss" -v w="$twall" 'BEGIN { printf "; time -v: %.2f s wall, peak RSS %.1f MiB", w, k / 1024 }')
  else
    check="; wall $wall s"
  fi
  printf '%s: read %s, inserted %s, unchanged %s, rejected %s, warnings %s; %s s, %s records/s, peak RSS %s MiB%s\n' \
    "$2" "$(bench_group "$(summary_field "$line" read)")" \
    "$(bench_group "$(summary_field "$line" inserted)")" \
    "$(bench_group "$(summary_field "$line" unchanged)")" \
    "$(summary_field "$line" rejected)" "$(summary_field "$line" warnings)" \
    "$(summary_field "$line" secs)" "$(bench_group "$rate")" "$rss" "$check"
  return 0
}

failed=0
best=0
best_rss=""
i=1
while [ $i -le "$RUNS" ]; do
  rm -f "$tmp"/vcm.db*
  if run_import "$tmp/vcm.db" "run $i"; then
    if [ "$rate" -gt "$best" ]; then
      best=$rate
      best_rss=$rss
    fi
  else
    failed=1
  fi
  i=$((i + 1))
done

verdict() {
  awk -v m="$1" -v g="$2" 'BEGIN { printf "%.2f× the goal, %s", m / g, (m >= g) ? "goal met" : "below the goal" }'
}
if [ "$best" -gt 0 ]; then
  echo "best of $RUNS: $(bench_group "$best") records/s, peak RSS $best_rss MiB   goal ≥ $(bench_group $GOAL) records/s ($(verdict "$best" $GOAL))"
  bench_summary import "import, best of $RUNS" "$(bench_group "$best") records/s" "goal ≥ $(bench_group $GOAL) ($(verdict "$best" $GOAL))"
  bench_summary import "import, peak RSS" "$best_rss MiB" ""
fi

# Re-import into the database the last run left.
reimport=0
if [ -f "$tmp/vcm.db" ]; then
  if run_import "$tmp/vcm.db" "re-import"; then
    reimport=$rate
    unchanged=$(summary_field "$line" unchanged)
    [ "$unchanged" = "$(summary_field "$line" read)" ] ||
      echo "note: re-import found $unchanged of $(summary_field "$line" read) records unchanged (expected all)"
    echo "re-import (unchanged records): $(bench_group "$reimport") records/s   goal ≥ $(bench_group $GOAL) records/s ($(verdict "$reimport" $GOAL))"
    bench_summary import "re-import, unchanged" "$(bench_group "$reimport") records/s" "goal ≥ $(bench_group $GOAL) ($(verdict "$reimport" $GOAL))"
  else
    failed=1
  fi
fi

# Reference: the sqlite3 shell storing the same lines as raw text. ASCII
# mode with unit separator (0x1f) between columns: no line of JSON holds
# one, so each line lands whole in one row.
if command -v sqlite3 >/dev/null 2>&1 && ! grep -q "$(printf '\037')" "$DATA"; then
  ref=0
  i=1
  while [ $i -le "$RUNS" ]; do
    rm -f "$tmp"/ref.db*
    t0=$(bench_ms)
    n=$(sqlite3 "$tmp/ref.db" <<EOF
CREATE TABLE raw(line TEXT);
.mode ascii
.separator "\\037" "\\n"
.import '$DATA' raw
.mode list
SELECT count(*) FROM raw;
EOF
)
    ms=$(( $(bench_ms) - t0 ))
    [ "$ms" -gt 0 ] || ms=1
    if [ "$n" = "$lines" ]; then
      r=$((lines * 1000 / ms))
      [ "$r" -gt "$ref" ] && ref=$r
    else
      echo "note: sqlite3 reference stored '$n' rows instead of $lines; reference left out"
      ref=0
      break
    fi
    i=$((i + 1))
  done
  if [ "$ref" -gt 0 ]; then
    echo "reference: sqlite3 shell storing the same lines as raw text, best of $RUNS: $(bench_group "$ref") lines/s"
    if [ "$best" -gt 0 ]; then
      pct=$(awk -v a="$best" -v b="$ref" 'BEGIN { printf "%.0f%%", 100 * a / b }')
      echo "vcm import / reference: $pct   (re-import: $(awk -v a="$reimport" -v b="$ref" 'BEGIN { printf "%.0f%%", 100 * a / b }'))"
      bench_summary import "reference: sqlite3 raw lines" "$(bench_group "$ref") lines/s" "vcm import = $pct of it"
    fi
  fi
else
  echo "note: sqlite3 shell not installed: no reference figure"
fi

secs=$(bench_secs "$part_start")
echo "part 1 took $secs s"
bench_summary time "part 1, import" "$secs s" ""
exit $failed
