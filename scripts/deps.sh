#!/bin/sh
# Installs the Debian packages VCM needs to build, run and test, when any is
# missing. Without root (or sudo) it prints the exact command and fails.
#   sh scripts/deps.sh          build and run
#   sh scripts/deps.sh test     also what the tests use (Chromium with CJK and Thai fonts, a JSON Schema validator, a JSON-LD processor,
#                               PostgreSQL, nginx and systemd-analyze for the deployment files)
#   sh scripts/deps.sh bench    also what the benchmarks use (nginx, wrk, IIPImage)
# Node.js and npm (for the front-end packages of package-lock.json) come with
# the machine; Debian's npm is installed when they do not.
set -eu
pkgs="gcc make pkg-config libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev libjansson-dev
libicu-dev unicode-data libsodium-dev libxml2-dev libcurl4-openssl-dev libcmocka-dev libvips-dev libtiff-dev libjpeg62-turbo-dev zlib1g-dev"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
if [ "${1:-}" = test ] || [ "${1:-}" = bench ]; then
  pkgs="$pkgs chromium fonts-noto-cjk fonts-thai-tlwg python3-jsonschema python3-pyld libxml2-utils libvips-tools postgresql nginx systemd openssl curl"
fi
if [ "${1:-}" = bench ]; then
  pkgs="$pkgs nginx wrk iipimage-server spawn-fcgi libvips-tools python3-xapian time"
fi
missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "deps: cannot install packages without root. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends $missing; } >/tmp/vcm-deps.log 2>&1; then
  tail -n 20 /tmp/vcm-deps.log >&2
  echo "deps: apt-get failed (log above). Run by hand:" >&2
  echo "  apt-get update && apt-get install -y$missing" >&2
  exit 1
fi
echo "deps: done"
