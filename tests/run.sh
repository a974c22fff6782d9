#!/bin/sh
# Runs every test program of one build (build/ or build/asan/) and writes
# "PASSED FAILED" to O/test-results.txt. Each program prints cmocka's own
# summary; a program that crashes or exits without one counts as one failure.
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
for t in $(find "$O/tests" -type f -name 'test_*' -perm -u+x | sort); do
  echo "== $t" | tee -a "$log"
  out=$("$t" 2>&1)
  rc=$?
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
  echo "   $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
done
echo "$passed $failed" > "$O/test-results.txt"
echo "$O: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
