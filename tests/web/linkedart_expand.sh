#!/bin/sh
# Runs linkedart_expand.py over a dump with the Python that has pyld
# (Debian's python3-pyld: /usr/bin/python3 when another python3 is first
# on PATH). Usage: sh tests/web/linkedart_expand.sh DUMP.jsonl [JOBS]
set -eu
py=python3
if ! $py -c 'import pyld' 2>/dev/null; then
  py=/usr/bin/python3
fi
exec $py "$(dirname "$0")/linkedart_expand.py" "$(dirname "$0")/../../data/linked-art/linked-art.json" "$@"
