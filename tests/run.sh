#!/bin/sh
# Runs every test program of one build (build/ or build/asan/) and writes
# "PASSED FAILED PG_PASSED" to O/test-results.txt. Each program prints cmocka's
# own summary; a program that crashes or exits without one counts as one
# failure.
#
# Then a second pass on PostgreSQL: the programs whose source asks for a
# store with vt_db_url() or vt_demo_db() (tests/testutil.h) run again against a server this
# script starts in a temporary folder and stops by PID (tests/pg.sh).
# VCM_TEST_PG_PASS=0 skips that pass; without PostgreSQL installed it fails.
#
# VCM_TEST_SKIP_MARKED=1 (the sanitizer pass) leaves out the programs whose
# source holds the line "VT_DEMO_SIZED" (tests/testutil.h): they run the same
# code as smaller tests over the whole demo, and the plain pass runs them;
# and those holding "VT_NOT_SANITIZED" (configuration checked by other tools).
# The PostgreSQL pass leaves them out too, but for those that also hold the
# line "VT_DEMO_ON_PG" (their SQL is not covered on PostgreSQL otherwise).
#
# VCM_TEST_JOBS (default 2) programs run at once: every test starts its own
# servers on free ports in its own temporary folder, and on PostgreSQL in
# its own schema, so they do not meet. The longest programs (named in
# tests/slow.txt) start first, so that two streams end together. A program
# whose source holds the line "VT_ALONE" (a load test that measures work
# done in a time) runs after the others, by itself.
set -u
O=${1:-build}
export VCM_TEST_BIN="$O/vcm"
export VCM_DATA="${VCM_DATA:-../shared/data}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
jobs=${VCM_TEST_JOBS:-2}
log="$O/test-log.txt"
res="$O/test-res"

# run_one PROGRAM: runs it, prints its summary (and its failures) in one
# piece, and writes "PASSED FAILED" to $res/KEY.
run_one() {
  t=$1
  key=$(printf '%s%s' "$t" "${VCM_TEST_PG:+.pg}" | tr '/' '_')
  out="$res/$key.out"
  t0=$(date +%s)
  # into a file, not a pipe: a server a failed test left running must not
  # hold the run up
  "$t" > "$out" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
  {
    echo "== $t${VCM_TEST_PG:+ (PostgreSQL)}"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      f=1
      tail -n 40 "$out"
      echo "$t exited with status $rc"
    elif [ "$f" -ne 0 ]; then
      grep -E '^\[  (ERROR|FAILED|  FAILED  ) \]|^\[ +FAILED +\]|error:|Error|failure' "$out" | head -n 40
    fi
    echo "   $p passed, $f failed ($(($(date +%s) - t0)) s)"
  } > "$out.sum"
  cat "$out.sum"
  echo "$p $f" > "$res/$key"
}

# marked PROGRAM LINE: whether the program's source holds LINE.
marked() {
  grep -q "^$2" "tests/${1#"$O"/tests/}.c" 2>/dev/null
}

# The programs of this build, the slow ones first.
programs() {
  all=$(find "$O/tests" -type f -name 'test_*' -perm -u+x | sort)
  for s in $(grep -v '^#' tests/slow.txt 2>/dev/null); do
    case " $(echo $all) " in *" $O/tests/$s "*) echo "$O/tests/$s" ;; esac
  done
  for t in $all; do
    grep -qx "${t#"$O"/tests/}" tests/slow.txt 2>/dev/null || echo "$t"
  done
}

# run_all: runs the programs named on standard input, $jobs at once, then
# those marked VT_ALONE one by one; their results are left in $res (sum).
run_all() {
  rm -rf "$res" && mkdir -p "$res"
  list=$(cat)
  for t in $list; do
    marked "$t" VT_ALONE || echo "$t"
  done | xargs -r -n 1 -P "$jobs" sh "$0" --one "$O"
  for t in $list; do
    if marked "$t" VT_ALONE; then run_one "$t"; fi
  done
  # the log: each program's whole output between its name and its summary
  for s in "$res"/*.out.sum; do
    [ -f "$s" ] || continue
    head -n 1 "$s"
    cat "${s%.sum}"
    tail -n 1 "$s"
  done >> "$log"
}

# sum: adds up the results left in $res into $p and $f.
sum() {
  p=0
  f=0
  for r in "$res"/*; do
    case "$r" in *.out | *.sum) continue ;; esac
    read a b < "$r"
    p=$((p + a))
    f=$((f + b))
  done
}

if [ "${1:-}" = --one ]; then
  O=$2
  export VCM_TEST_BIN="$O/vcm"
  res="$O/test-res"
  run_one "$3"
  exit 0
fi

: > "$log"
programs | while read -r t; do
  if [ "${VCM_TEST_SKIP_MARKED:-0}" = 1 ] && { marked "$t" VT_DEMO_SIZED || marked "$t" VT_NOT_SANITIZED; }; then
    echo "== $t: left out of this pass (VT_DEMO_SIZED or VT_NOT_SANITIZED)" >&2
    continue
  fi
  echo "$t"
done | run_all
sum
passed=$p
failed=$f
echo "$O: $passed passed, $failed failed (SQLite)"

pg_passed=0
if [ "${VCM_TEST_PG_PASS:-1}" != 0 ]; then
  . tests/pg.sh
  trap 'pg_stop' EXIT
  trap 'exit 130' INT TERM
  if pg_start; then
    export VCM_TEST_PG
    programs | while read -r t; do
      src="tests/${t#"$O"/tests/}.c"
      grep -qE 'vt_(db_url|demo_db)\(' "$src" 2>/dev/null || continue
      if marked "$t" VT_DEMO_SIZED && ! marked "$t" VT_DEMO_ON_PG; then
        echo "== $t: left out of the PostgreSQL pass (VT_DEMO_SIZED)" >&2
        continue
      fi
      echo "$t"
    done | run_all
    sum
    pg_passed=$p
    pg_failed=$f
    pg_stop
    echo "$O: $pg_passed passed, $pg_failed failed (PostgreSQL)"
    passed=$((passed + pg_passed))
    failed=$((failed + pg_failed))
  else
    echo "$O: cannot start PostgreSQL for the second pass (see above)"
    failed=$((failed + 1))
  fi
fi
echo "$passed $failed $pg_passed" > "$O/test-results.txt"
echo "$O: $passed passed, $failed failed, $pg_passed of them on PostgreSQL"
[ "$failed" -eq 0 ]
