#!/bin/sh
# Adds up the results of the test runs named ("PASSED FAILED [PG_PASSED]"
# each) and prints the closing line, with how many tests ran on PostgreSQL.
passed=0
failed=0
pg=0
for f in "$@"; do
  if [ -f "$f" ]; then
    read p fl pgp < "$f"
    passed=$((passed + p))
    failed=$((failed + fl))
    pg=$((pg + ${pgp:-0}))
  else
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed ($pg of the passed tests ran on PostgreSQL)"
[ "$failed" -eq 0 ]
