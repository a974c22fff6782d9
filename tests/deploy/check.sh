#!/bin/sh
# Checks the configuration files of docs/deployment.md: each is the fenced
# block right after a "<!-- file: PATH -->" line. Called by test_deploy.c,
# one kind at a time:  sh tests/deploy/check.sh list|env|systemd|nginx|nginx-live|fstab|postgres
# Paths of the live system (/etc/ssl/vcm, /var/cache/nginx, /usr/local/bin/vcm,
# /srv/vcm/media) are pointed into a temporary folder before checking.
set -u
DOC=${DOC:-docs/deployment.md}
BIN=$(cd "$(dirname "${VCM_TEST_BIN:-build/vcm}")" && pwd)/$(basename "${VCM_TEST_BIN:-build/vcm}")
tmp=$(mktemp -d /tmp/vcm-deploy-XXXXXX)
pids=""
cleanup() {
  for p in $pids; do kill -INT "$p" 2>/dev/null; done
  for p in $pids; do i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "deploy check: $*" >&2; exit 1; }

# Writes every file of the page into $tmp/files/, named by the basename of
# its path; prints "PATH<TAB>FILE" per file.
extract() {
  mkdir -p "$tmp/files"
  awk -v out="$tmp/files" '
    /^<!-- file: .* -->$/ { path = $0; sub(/^<!-- file: /, "", path); sub(/ -->$/, "", path); want = 1; next }
    want && /^```/ { want = 0; inside = 1; name = path; sub(/ .*/, "", name); n = split(name, p, "/");
                     file = out "/" p[n]; printf "" > file; print path "\t" file; next }
    inside && /^```$/ { inside = 0; close(file); next }
    inside { print >> file }
    want && !/^$/ { print "a file marker not followed by a fenced block: " path > "/dev/stderr"; exit 1 }
  ' "$DOC"
}

files=$(extract) || fail "cannot read the files of $DOC"
file_of() { printf '%s\n' "$files" | awk -F '\t' -v p="$1" '$1 == p { print $2 }'; }
need() { f=$(file_of "$1"); [ -n "$f" ] && [ -s "$f" ] || fail "$DOC has no file $1"; echo "$f"; }

case "${1:-list}" in
list)
  # every fenced block in a configuration language is a checked file
  blocks=$(grep -c '^```\(nginx\|ini\|fstab\|pg_hba\)$' "$DOC")
  marked=$(printf '%s\n' "$files" | grep -c .)
  [ "$blocks" -le "$marked" ] || fail "$blocks configuration blocks but only $marked marked as files"
  printf '%s\n' "$files" | cut -f 1
  ;;
env)
  f=$(need /etc/vcm/vcm.env)
  names=$("$BIN" --help | sed -n 's/.*\[\(VCM_[A-Z_]*\)\].*/\1/p')
  set --
  while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    key=${line%%=*}
    printf '%s\n' "$names" | grep -qx "$key" || fail "vcm.env: $key is not a variable vcm reads"
    set -- "$@" "$line"
  done < "$f"
  [ $# -gt 0 ] || fail "vcm.env sets nothing"
  out=$(env -i PATH="$PATH" "$@" "$BIN" version 2>&1) || fail "vcm refuses vcm.env: $out"
  ;;
systemd)
  mkdir -p "$tmp/units" "$tmp/bin"
  for u in /etc/systemd/system/vcm@.service /etc/systemd/system/vcm-backup.service \
           /etc/systemd/system/vcm-backup.timer; do
    f=$(need "$u")
    sed -e "s|/usr/local/bin/vcm|$BIN|g" -e "s|/etc/vcm/vcm.env|$(need /etc/vcm/vcm.env)|g" \
      "$f" > "$tmp/units/$(basename "$u")"
  done
  cp "$tmp/units/vcm@.service" "$tmp/units/vcm@8081.service"
  cd "$tmp/units" || exit 1
  out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no vcm@8081.service \
        vcm-backup.service vcm-backup.timer 2>&1)
  rc=$?
  # in a container without systemd running, only the units' own faults count
  out=$(printf '%s\n' "$out" | grep -v -e 'Failed to connect' -e 'System has not been booted' \
        -e 'Operation not permitted' -e 'ProtectHome=\|ProtectSystem=' -e '^$' || true)
  if [ -n "$out" ] || [ $rc -ne 0 ] && [ -n "$out" ]; then fail "systemd-analyze verify: $out"; fi
  ;;
nginx)
  f=$(need /etc/nginx/sites-available/vcm.conf)
  mkdir -p "$tmp/ssl" "$tmp/cache" "$tmp/acme" "$tmp/logs"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=collection.example.org \
    -keyout "$tmp/ssl/privkey.pem" -out "$tmp/ssl/fullchain.pem" >/dev/null 2>&1 ||
    fail "cannot make a throwaway certificate"
  sed -e "s|/etc/ssl/vcm/|$tmp/ssl/|g" -e "s|/var/cache/nginx/|$tmp/cache/|g" \
      -e "s|/var/www/acme|$tmp/acme|g" "$f" > "$tmp/vcm.conf"
  cat > "$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events {}
http {
    access_log off;
    include $tmp/vcm.conf;
}
CONF
  out=$(nginx -t -p "$tmp" -c "$tmp/nginx.conf" 2>&1) || fail "nginx -t: $out"
  printf '%s\n' "$out" | grep -q 'test is successful' || fail "nginx -t: $out"
  ;;
nginx-live)
  # nginx with the page's vcm.conf on loopback, in front of a real node:
  # what libmicrohttpd would let through or answer itself is refused here
  # (docs/deployment.md, "The HTTP front").
  f=$(need /etc/nginx/sites-available/vcm.conf)
  mkdir -p "$tmp/ssl" "$tmp/cache" "$tmp/acme" "$tmp/logs" "$tmp/media"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=collection.example.org \
    -keyout "$tmp/ssl/privkey.pem" -out "$tmp/ssl/fullchain.pem" >/dev/null 2>&1 ||
    fail "cannot make a throwaway certificate"
  port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  node=$(port); http=$(port); https=$(port)
  "$BIN" serve --db "sqlite:$tmp/vcm.db" --listen "127.0.0.1:$node" --media "$tmp/media" \
    --index "$tmp/vcm.index" --max-per-ip 0 --log-level off &
  pids="$pids $!"
  i=0
  until curl -fs "http://127.0.0.1:$node/healthz" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 200 ] || fail "the node did not start"; sleep 0.1
  done
  sed -e "s|/etc/ssl/vcm/|$tmp/ssl/|g" -e "s|/var/cache/nginx/|$tmp/cache/|g" \
      -e "s|/var/www/acme|$tmp/acme|g" -e '/listen \[::\]/d' \
      -e "s|listen 80;|listen 127.0.0.1:$http;|" \
      -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https ssl http2;|" \
      -e "s|127.0.0.1:808[12]|127.0.0.1:$node|" "$f" > "$tmp/vcm.conf"
  user=""; [ "$(id -u)" = 0 ] && user="user root;"
  cat > "$tmp/nginx.conf" <<CONF
$user
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events {}
http {
    access_log off;
    include $tmp/vcm.conf;
}
CONF
  out=$(nginx -p "$tmp" -c "$tmp/nginx.conf" 2>&1) || fail "nginx does not start: $out"
  i=0
  while [ ! -s "$tmp/nginx.pid" ]; do i=$((i + 1)); [ $i -lt 100 ] || fail "no nginx pid"; sleep 0.1; done
  pids="$pids $(cat "$tmp/nginx.pid")"
  cat > "$tmp/front.py" <<'PY'
import socket, ssl, sys
port = int(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

def send(data):
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    s = ctx.wrap_socket(raw, server_hostname="collection.example.org")
    s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (socket.timeout, ssl.SSLError, ConnectionError):
        pass
    s.close()
    return out

H = b"Host: collection.example.org\r\n"
ext = b"POST / HTTP/1.1\r\n" + H + b"Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n1;" + b"a" * 40000 + b"\r\nx\r\n0\r\n\r\n"
cases = [
    ("Content-Length -1", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: -1\r\n\r\n", 400),
    ("Content-Length and Transfer-Encoding", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("two Content-Lengths", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", 400),
    ("no Host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("two Hosts", b"GET / HTTP/1.1\r\n" + H + H + b"\r\n", 400),
    ("a folded header", b"GET / HTTP/1.1\r\n" + H + b"X-A: b\r\n c\r\n\r\n", 400),
    ("NUL in a header", b"GET / HTTP/1.1\r\n" + H + b"X-A: b\x00c\r\n\r\n", 400),
    ("a control character", b"GET / HTTP/1.1\r\n" + H + b"X-A: b\x01c\r\n\r\n", 400),
    ("a header line without a colon", b"GET / HTTP/1.1\r\n" + H + b"X-A b\r\n\r\n", 400),
    ("a bad method", b"G\x01T / HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("an unknown transfer coding", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: gzip\r\n\r\n", 501),
    # nginx reads the chunks and hands the node a body with a length: the
    # node answers as for any POST / (405), not libmicrohttpd's 500
    ("a 40 KB chunk extension", ext, 405),
    ("HTTP/2.0 in a request line", b"GET / HTTP/2.0\r\n" + H + b"\r\n", 505),
    ("a good request", b"GET /healthz HTTP/1.1\r\n" + H + b"Connection: close\r\n\r\n", 200),
]
bad = []
for what, data, want in cases:
    out = send(data)
    head = out.split(b"\r\n\r\n", 1)[0].decode("latin1")
    status = head.split("\r\n", 1)[0]
    if not status.startswith("HTTP/1.1 %d " % want):
        bad.append("%s: expected %d, got %r" % (what, want, status))
    elif out.count(b"\r\nHTTP/1.") or out.count(b"\nHTTP/1.1 "):
        bad.append("%s: two responses: %r" % (what, out[:300]))
# through nginx: the node's security headers, and one HSTS header
out = send(b"GET / HTTP/1.1\r\n" + H + b"Connection: close\r\n\r\n")
head = out.split(b"\r\n\r\n", 1)[0].decode("latin1").lower()
if head.count("\r\nstrict-transport-security:") != 1:
    bad.append("GET /: %d Strict-Transport-Security headers" % head.count("\r\nstrict-transport-security:"))
if "\r\ncontent-security-policy:" not in head:
    bad.append("GET /: no Content-Security-Policy")
if bad:
    sys.exit("nginx in front of vcm:\n" + "\n".join(bad))
PY
  out=$(python3 "$tmp/front.py" "$https" 2>&1) || fail "$out"
  ;;
fstab)
  f=$(need /etc/fstab)
  mkdir -p "$tmp/media"
  sed "s|/srv/vcm/media|$tmp/media|g" "$f" > "$tmp/fstab"
  out=$(findmnt --verify --verbose --tab-file "$tmp/fstab" 2>&1) || fail "findmnt --verify: $out"
  printf "%s\n" "$out" | grep -q "do not check nfs.example.org:/export/vcm-media source" || fail "findmnt read no NFS mount: $out"
  ;;
postgres)
  # A real primary with the page's settings and pg_hba lines, a real standby
  # made as the page says, vcm writing to one and reading from the other.
  . tests/pg.sh
  primary_conf=$(need /etc/postgresql/15/main/conf.d/vcm-primary.conf)
  standby_conf=$(need /etc/postgresql/15/main/conf.d/vcm-standby.conf)
  hba=$(need "/etc/postgresql/15/main/pg_hba.conf (lines added)")
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres: "$tmp"
  as_pg "$PG_BIN/initdb" -D "$tmp/primary" -U postgres -A trust -E UTF8 --no-sync >/dev/null 2>&1 ||
    fail "initdb failed"
  p1=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  p2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg cp "$primary_conf" "$tmp/primary/vcm-primary.conf"
  as_pg cp "$standby_conf" "$tmp/vcm-standby.conf"
  as_pg sh -c "cat '$hba' >> '$tmp/primary/pg_hba.conf' && cat >> '$tmp/primary/postgresql.conf'" <<CONF
include 'vcm-primary.conf'
listen_addresses = '127.0.0.1'
port = $p1
unix_socket_directories = '$tmp'
shared_buffers = 32MB
fsync = off
CONF
  as_pg "$PG_BIN/pg_ctl" -D "$tmp/primary" -l "$tmp/primary.log" -w start >/dev/null ||
    fail "the primary does not start with vcm-primary.conf: $(tail -n 5 "$tmp/primary.log")"
  pids="$pids $(head -n 1 "$tmp/primary/postmaster.pid")"
  q() { as_pg "$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"; }
  [ "$(q "$p1" 'SHOW wal_level')" = replica ] || fail "wal_level is not replica"
  errs=$(q "$p1" "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")
  [ "$errs" = 0 ] || fail "pg_hba.conf lines: $(q "$p1" 'SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL')"
  q "$p1" 'CREATE DATABASE vcm' >/dev/null || fail "cannot create the database"
  # the standby, as the page makes it
  as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$p1" -U postgres -D "$tmp/standby" \
    -R -X stream -C -S vcm_standby1 >/dev/null 2>&1 || fail "pg_basebackup failed"
  as_pg sh -c "cat >> '$tmp/standby/postgresql.conf'" <<CONF
include '$tmp/vcm-standby.conf'
port = $p2
CONF
  as_pg "$PG_BIN/pg_ctl" -D "$tmp/standby" -l "$tmp/standby.log" -w start >/dev/null ||
    fail "the standby does not start with vcm-standby.conf: $(tail -n 5 "$tmp/standby.log")"
  pids="$pids $(head -n 1 "$tmp/standby/postmaster.pid")"
  [ "$(q "$p2" 'SELECT pg_is_in_recovery()')" = t ] || fail "the standby is not in recovery"
  primary="postgres://postgres@127.0.0.1:$p1/vcm"
  standby="postgres://postgres@127.0.0.1:$p2/vcm"
  printf '%s\n' '{"source_museum": "Tate", "source_country": "GB", "source_id": "R-1", "title": "Replicated"}' > "$tmp/r.jsonl"
  out=$("$BIN" import --quiet --db "$primary" "$tmp/r.jsonl" 2>&1) || fail "import into the primary: $out"
  i=0
  until "$BIN" stats --db "$standby" 2>/dev/null | grep -qx 'objects 1'; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "the standby did not receive the import: $("$BIN" stats --db "$standby" 2>&1)"
    sleep 0.1
  done
  # a node on the standby serves it; writing there is refused clearly
  out=$("$BIN" export --db "$standby" - 2>/dev/null) || fail "cannot read from the standby"
  printf '%s\n' "$out" | grep -q '"Replicated"' || fail "the standby's export lacks the object"
  printf '%s\n' '{"source_museum": "Tate", "source_country": "GB", "source_id": "R-2", "title": "Refused"}' > "$tmp/r2.jsonl"
  out=$("$BIN" import --quiet --db "$standby" "$tmp/r2.jsonl" 2>&1) && fail "import into a standby succeeded"
  printf '%s\n' "$out" | grep -q 'read-only' || fail "import into a standby: unclear error: $out"
  ;;
*)
  fail "unknown check '$1'"
  ;;
esac
