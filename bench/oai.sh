#!/bin/sh
# Part 8: OAI-PMH, provided and harvested (docs/oai-pmh.md).
#
# The demo collection (or its first VCM_BENCH_OAI_RECORDS lines) is
# imported into a fresh SQLite database served by `vcm serve` twice: with
# pages of 500 records (the default) and of 5,000. For each, a harvester
# walks ListRecords in LIDO through every resumption token (python3, one
# kept-alive connection):
# records/s, and the server's peak RSS (VmHWM of /proc/PID/status) after
# the walk beside its RSS before it. Memory flat means the peak does not
# grow with the page size: a page is streamed a few dozen records at a time.
# The first request of each server stamps the whole collection (its change
# sequence read into datestamps): that one request is timed apart.
# No cache answers OAI-PMH: every page is read from the store and written.
#
# Then a hub harvests the member: `vcm harvest run` of a source pointing at
# the first server, into a fresh database: records/s.
#
# References, measured in the same run: `vcm export --format lido` (the same
# LIDO writer, no HTTP, into a file) for the provider; `vcm import` of that
# file into a fresh database (the same LIDO reader and store, no HTTP) for
# the harvest. Goal: ListRecords >= 10,000 records/s with memory flat.
#
#   sh bench/oai.sh          (build/vcm must exist)
#   VCM_BIN, VCM_DATA, VCM_BENCH_OAI_RECORDS override the defaults.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

VCM=${VCM_BIN:-build/vcm}
DATA=$(bench_data)
GOAL=10000
part_start=$(bench_ms)
[ -x "$VCM" ] || { echo "oai: '$VCM' not found; run make first" >&2; exit 1; }
[ -r "$DATA" ] || { echo "oai: cannot read '$DATA' (set VCM_DATA)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-bench-oai.XXXXXX") || exit 1
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM
trap 'echo "bench: hung up" >&2; exit 129' HUP

echo "== 8. OAI-PMH =="
if [ -n "${VCM_BENCH_OAI_RECORDS:-}" ]; then
  head -n "$VCM_BENCH_OAI_RECORDS" "$DATA" > "$tmp/data.jsonl"
  DATA=$tmp/data.jsonl
fi
bench_busy_note
db="sqlite:$tmp/member.db"
"$VCM" import --quiet --db "$db" "$DATA" || { echo "oai: the import failed" >&2; exit 1; }
records=$("$VCM" stats --db "$db" | awk '$1 == "objects" { print $2 }')
# the search index made now, not by the first server while it is measured
"$VCM" search reindex --quiet --db "$db" --index "$tmp/member.index" >/dev/null 2>&1
echo "collection: $(bench_group "$records") published records in SQLite"

# serve PAGE: starts vcm serve with pages of PAGE records; sets port, pid.
serve() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  VCM_OAI_PAGE=$1 VCM_HARVEST_POLL=0 "$VCM" serve --db "$db" --listen "127.0.0.1:$port" \
    --media "$tmp/media" --node-dir "$tmp/node-$1" --index "$tmp/member.index" \
    --log-level error > "$tmp/serve-$1.log" 2>&1 &
  pid=$!
  pids="$pids $pid"
  i=0
  until curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; do
    i=$((i + 1))
    [ $i -lt 600 ] || { echo "oai: vcm serve did not start" >&2; cat "$tmp/serve-$1.log" >&2; exit 1; }
    sleep 0.1
  done
}

rss_kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

# walk: every page of ListRecords in LIDO, over one kept-alive connection
# (python3's http.client: a process spawned per page would be measured,
# not the server); sets n (records) and ms.
walk() {
  out=$(python3 - "$port" <<'PY'
import http.client, re, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=600)
q, n, t0 = "verb=ListRecords&metadataPrefix=lido", 0, time.monotonic()
while True:
    c.request("GET", "/oai?" + q)
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit("oai: a page answered %d" % r.status)
    n += body.count(b"<record>")
    m = re.search(rb"<resumptionToken[^>]*>([A-Za-z0-9_-]+)</resumptionToken>", body)
    if not m:
        break
    q = "verb=ListRecords&resumptionToken=" + m.group(1).decode()
print(n, int((time.monotonic() - t0) * 1000))
PY
) || { echo "oai: the walk failed" >&2; exit 1; }
  n=${out% *}
  ms=${out#* }
}

first_port=""
for page in 500 5000; do
  serve $page
  [ -n "$first_port" ] || first_port=$port
  t0=$(bench_ms)
  curl -s -o /dev/null "http://127.0.0.1:$port/oai?verb=Identify"
  stamp_ms=$(($(bench_ms) - t0))
  before=$(rss_kib "$pid" VmRSS)
  walk
  hwm=$(rss_kib "$pid" VmHWM)
  rate=$(awk -v n="$n" -v ms="$ms" 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }')
  echo "ListRecords lido, pages of $page: $(bench_group "$n") records in $(awk -v m="$ms" 'BEGIN { printf "%.1f", m / 1000 }') s: $(bench_group "$rate") records/s (goal >= $(bench_group $GOAL)); server RSS $((before / 1024)) MiB before, peak $((hwm / 1024)) MiB (first answer, stamping the collection: $stamp_ms ms)"
  bench_summary oai "ListRecords lido, page $page (records/s)" "$(bench_group "$rate")" "goal >= $(bench_group $GOAL)"
  bench_summary oai "server peak RSS, page $page (MiB)" "$((hwm / 1024))" "flat: alike for both pages"
  [ "$n" = "$records" ] || echo "oai: the walk gave $n records, the store has $records" >&2
  [ $page = 500 ] && rate500=$rate
done

# Reference for the provider: the same writer into a file.
t0=$(bench_ms)
"$VCM" export --quiet --format lido --db "$db" "$tmp/all.lido.xml" || { echo "oai: the export failed" >&2; exit 1; }
ms=$(($(bench_ms) - t0))
ref=$(awk -v n="$records" -v ms="$ms" 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }')
echo "reference: vcm export --format lido: $(bench_group "$ref") records/s; ListRecords (pages of 500) / reference: $(awk -v a="$rate500" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')"
bench_summary oai "LIDO export, reference (records/s)" "$(bench_group "$ref")" ""

# The hub harvests the member.
hub="sqlite:$tmp/hub.db"
head -n 1 "$DATA" > "$tmp/first.jsonl"
"$VCM" import --quiet --db "$hub" "$tmp/first.jsonl" >/dev/null 2>&1
"$VCM" harvest add "http://127.0.0.1:$first_port/oai" --museum 1 --format lido --db "$hub" >/dev/null ||
  { echo "oai: harvest add failed" >&2; exit 1; }
t0=$(bench_ms)
"$VCM" harvest run --quiet --db "$hub" > "$tmp/harvest.out" 2>&1
hrc=$?
ms=$(($(bench_ms) - t0))
got=$(sed -n 's/^source 1: \([0-9]*\) records.*/\1/p' "$tmp/harvest.out")
[ -n "$got" ] || { echo "oai: the harvest failed (status $hrc):" >&2; cat "$tmp/harvest.out" >&2; exit 1; }
hrate=$(awk -v n="$got" -v ms="$ms" 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }')
echo "hub harvest of the member (vcm harvest run, LIDO, pages of 500): $(bench_group "$got") records in $(awk -v m="$ms" 'BEGIN { printf "%.1f", m / 1000 }') s: $(bench_group "$hrate") records/s (records from other museums land in the source's museum too)"
# Reference for the harvest: the same reader and store, from the file.
t0=$(bench_ms)
"$VCM" import --quiet --db "sqlite:$tmp/ref.db" "$tmp/all.lido.xml" >/dev/null 2>&1
ms=$(($(bench_ms) - t0))
href=$(awk -v n="$records" -v ms="$ms" 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }')
echo "reference: vcm import of the LIDO file: $(bench_group "$href") records/s; harvest / reference: $(awk -v a="$hrate" -v b="$href" 'BEGIN { printf "%.2f", a / b }')"
bench_summary oai "hub harvest (records/s)" "$(bench_group "$hrate")" "LIDO file import $(bench_group "$href")/s"
bench_summary time "part 8 (OAI-PMH)" "$(bench_secs "$part_start") s" ""
echo "part 8: $(bench_secs "$part_start") s"
