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
# code as smaller tests over the whole demo, and the plain pass runs them.
# The PostgreSQL pass leaves them out too, but for those that also hold the
# line "VT_DEMO_ON_PG" (their SQL is not covered on PostgreSQL otherwise).
set -u
O=${1:-build}
export VCM_TEST_BIN="$O/vcm"
export VCM_DATA="${VCM_DATA:-../shared/data}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
passed=0
failed=0
log="$O/test-log.txt"
: > "$log"

# run_one PROGRAM: runs it, adds to $p and $f.
run_one() {
  t=$1
  echo "== $t${VCM_TEST_PG:+ (PostgreSQL)}" | tee -a "$log"
  t0=$(date +%s)
  # into a file, not a pipe: a server a failed test left running must not
  # hold the run up
  "$t" > "$O/test-out.txt" 2>&1
  rc=$?
  out=$(cat "$O/test-out.txt")
  printf '%s\n' "$out" >> "$log"
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
    printf '%s\n' "$out" | tail -n 40
    echo "$t exited with status $rc"
  elif [ "$f" -ne 0 ]; then
    printf '%s\n' "$out" | grep -E '^\[  (ERROR|FAILED|  FAILED  ) \]|^\[ +FAILED +\]|error:|Error|failure' | head -n 40
  fi
  echo "   $p passed, $f failed ($(($(date +%s) - t0)) s)"
}

# marked PROGRAM: whether this pass leaves it out (above).
marked() {
  [ "${VCM_TEST_SKIP_MARKED:-0}" = 1 ] || return 1
  grep -q '^VT_DEMO_SIZED' "tests/${1#"$O"/tests/}.c" 2>/dev/null
}

for t in $(find "$O/tests" -type f -name 'test_*' -perm -u+x | sort); do
  if marked "$t"; then
    echo "== $t: left out of this pass (VT_DEMO_SIZED)"
    continue
  fi
  run_one "$t"
  passed=$((passed + p))
  failed=$((failed + f))
done
echo "$O: $passed passed, $failed failed (SQLite)"

pg_passed=0
if [ "${VCM_TEST_PG_PASS:-1}" != 0 ]; then
  . tests/pg.sh
  trap 'pg_stop' EXIT
  trap 'exit 130' INT TERM
  if pg_start; then
    pg_failed=0
    for t in $(find "$O/tests" -type f -name 'test_*' -perm -u+x | sort); do
      src="tests/${t#"$O"/tests/}.c"
      grep -qE 'vt_(db_url|demo_db)\(' "$src" 2>/dev/null || continue
      if grep -q '^VT_DEMO_SIZED' "$src" && ! grep -q '^VT_DEMO_ON_PG' "$src"; then
        echo "== $t: left out of the PostgreSQL pass (VT_DEMO_SIZED)"
        continue
      fi
      run_one "$t"
      pg_passed=$((pg_passed + p))
      pg_failed=$((pg_failed + f))
    done
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
