#!/bin/sh
# No mutable file-level state in src/web/: every object file of DIR (the
# objects of src/web/ of one build, e.g. build/src/web) is read with nm, and
# any symbol in writable data that is not in the allow-list below fails the
# check. Called by tests/web/test_globals.c:  sh tests/web/globals.sh DIR
#
# What counts as writable data, in nm's letters (GNU binutils, ELF):
#   B b  .bss and .tbss: zero-initialised data, thread-local included
#   D d  .data and .tdata: initialised data
#   C    common symbols (uninitialised globals under -fcommon)
#   S s  small uninitialised data (.sbss; targets with small-data sections,
#        not x86-64, where gcc never emits it; checked all the same)
#   G g  small initialised data (.sdata; likewise)
#   V v  weak objects
#   u    unique global symbols
# Two exceptions by section or kind, not by name: d/D symbols in
# .data.rel.ro* (below), and AddressSanitizer's own __odr_asan.* marks in
# a sanitizer build (one byte per global the program defines, written by
# the sanitizer's runtime, never by our code).
# A `static const` table that holds pointers (routes, labels, the static
# files' types) must be relocated when a position-independent program is
# loaded, so gcc puts it there rather than in .rodata; the loader makes
# those pages read-only once relocated (RELRO), and only const objects go
# there, so they are not mutable state.
#
# The allow-list: OBJECT SYMBOL, then why the library forces it. Keep it
# short; docs/internals/web.md lists the same.
set -u
dir=${1:?usage: sh tests/web/globals.sh DIR}
allow='
app.o json_arena jansson allocates through one process-wide hook (json_set_alloc_funcs) whose functions take no context pointer, so the arena of the request a thread is running can only be found through the thread (_Thread_local)
'
command -v nm >/dev/null 2>&1 || { echo "globals: nm is not installed" >&2; exit 2; }
found=0
bad=0
for o in "$dir"/*.o; do
  [ -f "$o" ] || continue
  found=$((found + 1))
  name=$(basename "$o")
  # sysv format: Name|Value|Class|Type|Size|Line|Section
  syms=$(nm -f sysv "$o") || { echo "globals: nm cannot read $o" >&2; exit 2; }
  list=$(printf '%s\n' "$syms" | awk -F'|' '
    NF >= 7 {
      n = $1; c = $3; sec = $7
      gsub(/[ \t]/, "", n); gsub(/[ \t]/, "", c); gsub(/[ \t]/, "", sec)
      if (c !~ /^[BbDdCSsGgVvu]$/) next
      if (c ~ /^[Dd]$/ && sec ~ /^\.data\.rel\.ro/) next
      # AddressSanitizer gives each global a one-byte "one definition
      # rule" indicator of its own; not state of ours
      if (n ~ /^__odr_asan[._]/) next
      print n, c, sec
    }')
  [ -n "$list" ] || continue
  while read -r sym cls sec; do
    if printf '%s\n' "$allow" | awk -v k="$name $sym " 'index($0, k) == 1 { f = 1 } END { exit !f }'; then
      continue
    fi
    echo "globals: $o: '$sym' is mutable file-level data (nm $cls, section $sec); hang it from vcm_app, make it const, or allow it with its reason in tests/web/globals.sh"
    bad=$((bad + 1))
  done <<EOF
$list
EOF
done
if [ "$found" -eq 0 ]; then
  echo "globals: no object files in $dir" >&2
  exit 2
fi
if [ "$bad" -ne 0 ]; then
  echo "globals: $bad mutable global(s) in $found objects of $dir"
  exit 1
fi
echo "globals: $found objects of $dir, no mutable globals beyond the allow-list"
