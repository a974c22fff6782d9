#!/bin/sh
# Part 7: the judged set (bench/judged/queries.tsv). Imports the demo
# collection into a temporary SQLite database, indexes it and prints
# precision@10 and nDCG@10 of every query, expansions on and off, with the
# means by language (bench/judged.c). A few seconds.
#
#   sh bench/judged.sh            the figures
#   sh bench/judged.sh --floors   the figures in the format of
#                                 tests/search/judged_floors.tsv
set -u
cd "$(dirname "$0")/.." || exit 1
VCM=${VCM_BIN:-build/vcm}
data=${VCM_DATA:-../shared/data}
if [ ! -r "$data/collection.jsonl" ]; then
  echo "judged: no demo data at $data (set VCM_DATA)" >&2
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-judged.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# The evaluator links build/libvcm.a, like bench/search_fts5.c.
pkgs="libmicrohttpd sqlite3 libpq jansson icu-uc icu-i18n libsodium vips libtiff-4 libjpeg libcurl"
# shellcheck disable=SC2046
if ! gcc -std=c17 -O2 -Wall -Wextra -D_GNU_SOURCE -Isrc -Ibuild/gen $(pkg-config --cflags $pkgs) \
    -o "$tmp/judged" bench/judged.c build/libvcm.a $(pkg-config --libs $pkgs) -lpthread -lm; then
  echo "judged: cannot build bench/judged.c" >&2
  exit 1
fi
db="sqlite:$tmp/demo.db"
"$VCM" --quiet --db "$db" import "$data/collection.jsonl" >/dev/null 2>&1
[ $? -le 1 ] || { echo "judged: the demo import failed" >&2; exit 1; }
"$VCM" --quiet --db "$db" --index "$tmp/demo.index" search reindex >/dev/null || exit 1
echo "7. judged set: $(awk -F'\t' 'NR > 1 { print $1 }' bench/judged/queries.tsv | uniq | wc -l) queries (bench/judged/README.md)"
if [ "${1:-}" = "--floors" ]; then
  "$tmp/judged" "$db" "$tmp/demo.index" bench/judged/queries.tsv -
else
  "$tmp/judged" "$db" "$tmp/demo.index" bench/judged/queries.tsv
fi
