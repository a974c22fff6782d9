#!/bin/sh
# Adds up the results of the test runs named and prints the closing line.
passed=0
failed=0
for f in "$@"; do
  if [ -f "$f" ]; then
    read p fl < "$f"
    passed=$((passed + p))
    failed=$((failed + fl))
  else
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
