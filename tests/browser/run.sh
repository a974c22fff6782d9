#!/bin/sh
# Page tests in a real browser (Debian's /usr/bin/chromium through
# playwright-core from node_modules). Sets up a temporary folder with a
# database of the National Palace Museum records, the image 'jade-a' on
# object 古玉3888 and 'jade-b' on 古玉1863 (the comparison's), starts `O/vcm serve` on a free loopback port, runs
# `node --test tests/browser/` (VCM_BROWSER_JOBS files at once, 1 unless set:
# each test makes its own accounts and records, but two at once on two cores
# took longer than one after the other), stops the server by its PID and removes the
# folder, keeping only the screenshots (their paths are printed: the
# viewer's, a11y-PAGE-WIDTH.png of every kind of page at 390 and 1280 px,
# a11y-pages-LANG-PAGE-WIDTH.png and rtl-*.png of the tests that start a
# site of their own, tests/browser/site.mjs; VCM_A11Y_LANGS picks their
# languages, "en ur" unless set);
# the viewer's 1280 px one is also copied to /tmp/vcm-viewer-1280.png).
#   sh tests/browser/run.sh [O]     O: build folder with vcm (default build)
# Writes "PASSED FAILED" to O/browser-results.txt for tests/summary.sh; a
# run that could not start counts as one failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
O=${1:-build}
data=${VCM_DATA:-../shared/data}
bin=$O/vcm
results=$O/browser-results.txt
mkdir -p "$O" && echo "0 1" > "$results"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vcm-browser.XXXXXX") || exit 1
pid=""
server_rc=0
ok=0
# Stops the server with SIGTERM; its exit status (0 on a clean stop; under
# ASan, a leak or an error makes it non-zero) goes to server_rc.
stop_server() {
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  server_rc=$?
  pid=""
}
finish() {
  stop_server
  if [ "$ok" = 1 ]; then
    rm -rf "$tmp/db" "$tmp/db.index" "$tmp/db-wal" "$tmp/db-shm" "$tmp/db-ops" "$tmp/db-ops-wal" "$tmp/db-ops-shm" "$tmp/media" "$tmp/npm.jsonl" "$tmp/setup.log" "$tmp/server.log" "$tmp/node.log" "$tmp/node.rc" "$tmp/tmp"
  else
    echo "browser: kept $tmp for a look (server.log, db, media)"
  fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
die() {
  echo "browser: $*" >&2
  exit 1
}

[ -x "$bin" ] || die "no $bin: run make first"
[ -x /usr/bin/chromium ] || die "no /usr/bin/chromium: sh scripts/deps.sh installs it (Debian package chromium)"
[ -f node_modules/playwright-core/package.json ] || die "no node_modules/playwright-core: npm ci (make does it)"

grep 'National Palace Museum' "$data/collection.jsonl" > "$tmp/npm.jsonl" || die "no National Palace Museum records in $data/collection.jsonl"
"$bin" import --quiet --db "sqlite:$tmp/db" "$tmp/npm.jsonl" >"$tmp/setup.log" 2>&1 ||
  { cat "$tmp/setup.log"; die "import failed"; }
"$bin" media add --db "sqlite:$tmp/db" --media "$tmp/media" 古玉3888 \
  "$data/images/npm_taipei/jade070_00.jpg" --id jade-a >>"$tmp/setup.log" 2>&1 ||
  { cat "$tmp/setup.log"; die "media add failed"; }
# a second jade, for the comparison (compare.test.mjs)
"$bin" media add --db "sqlite:$tmp/db" --media "$tmp/media" 古玉1863 \
  "$data/images/npm_taipei/jade054_00_w1140.jpg" --id jade-b >>"$tmp/setup.log" 2>&1 ||
  { cat "$tmp/setup.log"; die "media add failed"; }

# A free port from the kernel; if another process takes it before the server
# binds, the server exits and the next try gets another.
for try in 1 2 3; do
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})') ||
    die "cannot get a free port"
  "$bin" serve --db "sqlite:$tmp/db" --media "$tmp/media" --listen "127.0.0.1:$port" \
    --log-level warn >>"$tmp/server.log" 2>&1 &
  pid=$!
  # Wait until it accepts connections (at most 20 s), or has exited.
  node -e '
    const [pid, port] = process.argv.slice(1).map(Number);
    const net = require("net");
    const end = Date.now() + 20000;
    (function probe() {
      let state = "";
      try { state = require("fs").readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0]; } catch {}
      if (state === "" || state === "Z") process.exit(2); // gone, or exited and not yet reaped
      const c = net.connect(port, "127.0.0.1");
      c.on("connect", () => { c.destroy(); process.exit(0); });
      c.on("error", () => { if (Date.now() > end) process.exit(1); setTimeout(probe, 50); });
    })();' "$pid" "$port"
  case $? in
    0) break ;;
    2) wait "$pid" 2>/dev/null; pid="" ;; # exited: the port was taken?
    *) cat "$tmp/server.log"; die "vcm serve did not listen on 127.0.0.1:$port within 20 s" ;;
  esac
done
[ -n "$pid" ] || { cat "$tmp/server.log"; die "vcm serve would not start"; }

mkdir -p "$tmp/tmp"
start=$(date +%s)
{
  VCM_BROWSER_BASE="http://127.0.0.1:$port" VCM_BROWSER_OUT="$tmp" TMPDIR="$tmp/tmp" \
    VCM_BROWSER_VCM="$bin" VCM_BROWSER_DB="sqlite:$tmp/db" VCM_DATA="$data" \
    node --test --test-reporter=tap --test-concurrency="${VCM_BROWSER_JOBS:-1}" tests/browser/
  echo $? > "$tmp/node.rc"
} 2>&1 | tee "$tmp/node.log"
end=$(date +%s)
stop_server
rc=$(cat "$tmp/node.rc" 2>/dev/null || echo 1)
out=$(cat "$tmp/node.log")

p=$(printf '%s\n' "$out" | sed -n 's/^# pass \([0-9]*\)$/\1/p' | tail -n 1)
f=$(printf '%s\n' "$out" | sed -n 's/^# fail \([0-9]*\)$/\1/p' | tail -n 1)
p=${p:-0}
f=${f:-0}
if { [ "$rc" -ne 0 ] || [ "$p" -eq 0 ]; } && [ "$f" -eq 0 ]; then
  f=1 # crashed, or ran no test
fi
if [ "$server_rc" -ne 0 ]; then
  echo "browser: vcm serve exited with status $server_rc"
  f=$((f + 1))
fi
echo "$p $f" > "$results"
if [ "$f" -ne 0 ]; then
  echo "browser: server log:"
  tail -n 40 "$tmp/server.log"
fi
for s in "$tmp"/viewer-*.png "$tmp"/a11y-*.png "$tmp"/rtl-*.png "$tmp"/accounts-*.png "$tmp"/loans-*.png "$tmp"/masterpieces-*.png "$tmp"/curation-*.png "$tmp"/compare-*.png "$tmp"/my-*.png; do
  [ -f "$s" ] && echo "browser: screenshot $s"
done
[ -f "$tmp/viewer-1280.png" ] && cp "$tmp/viewer-1280.png" /tmp/vcm-viewer-1280.png &&
  echo "browser: screenshot copied to /tmp/vcm-viewer-1280.png"
echo "browser: $p passed, $f failed in $((end - start)) s"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ] && ok=1
[ "$ok" = 1 ]
