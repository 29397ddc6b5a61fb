#!/bin/sh
# endpoints: the engine reached the ways the docker CLI reaches it. The
# real engine's socket is put behind socat as plain tcp:// and as TLS with
# client certificates (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH); a project
# comes up and goes down through each. A TLS peer we do not trust, a port
# nobody listens on, a socket path with no file, a file that is no socket,
# a socket nothing listens on, one that never answers and a socket without
# permission each give their own message and exit 17.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

for tool in socat openssl; do
  if ! command -v $tool >/dev/null 2>&1; then
    t_fail "$tool is installed (scripts/deps.sh installs it)"
    exit 1
  fi
done

case "${DOCKER_HOST:-unix:///var/run/docker.sock}" in
unix://*) SOCK=${DOCKER_HOST:-unix:///var/run/docker.sock}; SOCK=${SOCK#unix://} ;;
*)
  echo "# the engine is not on a unix socket: nothing to put behind socat"
  t_ok "skipped: DOCKER_HOST is $DOCKER_HOST"
  exit 0
  ;;
esac

PIDS=""
stop_proxies() {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  PIDS=""
}
trap 'stop_proxies; t_finish' EXIT

# a port nothing listens on yet: ask the kernel for one
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# proxy PORT [SOCAT-LISTEN-OPTIONS]: start socat, wait until it listens
proxy() {
  port=$1
  addr=$2
  socat $addr "UNIX-CONNECT:$SOCK" 2>>socat.log &
  PIDS="$PIDS $!"
  wait_until 20 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"
}

cat >compose.yaml <<YAML
services:
  app:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
YAML

# --- plain tcp:// ---
P1=$(free_port)
# -t 30: socat ends a connection 0.5 s after one side's EOF by default,
# which would cut a hijacked attach short once stdin is over
proxy "$P1" "-t 30 TCP-LISTEN:$P1,bind=127.0.0.1,reuseaddr,fork" ||
  t_fail "socat listens on $P1" "$(cat socat.log)"
out=$(DOCKER_HOST=tcp://127.0.0.1:$P1 W up -d 2>&1)
check_eq "tcp://: up -d succeeds" "$?" 0
check_eq "tcp://: the container runs" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-app-1" 2>&1)" true
out=$(DOCKER_HOST=tcp://127.0.0.1:$P1 W ps -q 2>&1)
check_eq "tcp://: ps lists it" "$out" \
  "$(docker inspect -f '{{.Id}}' "$T_PROJECT-app-1" 2>&1)"
out=$(printf 'through tcp\n' | DOCKER_HOST=tcp://127.0.0.1:$P1 W run --rm -T app \
  sh -c 'cat; echo done' 2>/dev/null)
check_eq "tcp://: run forwards stdin over the hijacked connection" "$out" \
  "through tcp
done"
DOCKER_HOST=tcp://127.0.0.1:$P1 W down -t 0 >/dev/null 2>&1
check_eq "tcp://: down removes it" "$(project_leftovers "$T_PROJECT")" ""

# --- TLS with client certificates ---
mkdir -p certs other
(
  cd certs || exit 1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca \
    -keyout ca-key.pem -out ca.pem
  openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
    -keyout server-key.pem -out server.csr
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem \
    -CAcreateserial -days 2 -extfile server.ext -out server-cert.pem
  openssl req -newkey rsa:2048 -nodes -subj /CN=client \
    -keyout key.pem -out client.csr
  printf 'extendedKeyUsage=clientAuth\n' >client.ext
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem \
    -CAcreateserial -days 2 -extfile client.ext -out cert.pem
) >openssl.log 2>&1 || t_fail "test certificates made" "$(cat openssl.log)"
# a second CA that signed nothing the server holds
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
  -keyout other/ca-key.pem -out other/ca.pem >>openssl.log 2>&1
cp certs/cert.pem certs/key.pem other/

P2=$(free_port)
proxy "$P2" "OPENSSL-LISTEN:$P2,bind=127.0.0.1,reuseaddr,fork,cert=certs/server-cert.pem,key=certs/server-key.pem,cafile=certs/ca.pem,verify=1" ||
  t_fail "socat listens with TLS on $P2" "$(cat socat.log)"
# TW CERT-DIR ARGS...: wcompose on the TLS endpoint with those certificates
TW() {
  d=$1
  shift
  DOCKER_HOST=tcp://127.0.0.1:$P2 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$d \
    "$WCOMPOSE" -p "$T_PROJECT" --progress plain "$@"
}
out=$(TW "$T_TMP/certs" up -d 2>&1)
check_eq "TLS: up -d succeeds" "$?" 0
check_eq "TLS: the container runs" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-app-1" 2>&1)" true
out=$(TW "$T_TMP/certs" version 2>&1)
check_match "TLS: version reaches the engine through TLS" "$out" \
  "Host: +tcp://127.0.0.1:$P2"

out=$(TW "$T_TMP/other" ps 2>&1)
check_eq "TLS: an untrusted server: exit 17" "$?" 17
check_match "TLS: an untrusted server: said so" "$out" \
  "engine at .*127.0.0.1:$P2 is not signed by the CA in .*other/ca.pem"

out=$(TW "$T_TMP/nowhere" ps 2>&1)
check_eq "TLS: no ca.pem: a usage error" "$?" 2
check_match "TLS: no ca.pem: named" "$out" "nowhere/ca.pem"

TW "$T_TMP/certs" down -t 0 >/dev/null 2>&1
check_eq "TLS: down removes it" "$(project_leftovers "$T_PROJECT")" ""
stop_proxies

# --- nobody listens ---
P3=$(free_port)
out=$(DOCKER_HOST=tcp://127.0.0.1:$P3 W ps 2>&1)
check_eq "closed port: exit 17" "$?" 17
check_match "closed port: said so" "$out" \
  "cannot connect to the Docker engine at .*127.0.0.1:$P3.*is the daemon running"

# --- a socket path that is no engine's: the reason, in every command ---
out=$(DOCKER_HOST=unix://$T_TMP/none.sock W ps 2>&1)
check_eq "missing socket: exit 17" "$?" 17
check_match "missing socket: no such file" "$out" \
  "engine at unix://$T_TMP/none.sock: no such file; is the daemon running"
: >"$T_TMP/plain"
out=$(DOCKER_HOST=unix://$T_TMP/plain W down 2>&1)
check_eq "not a socket: exit 17" "$?" 17
check_match "not a socket: said so" "$out" "plain: that file is not a socket"
python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T_TMP/stale.sock"
out=$(DOCKER_HOST=unix://$T_TMP/stale.sock W up -d 2>&1)
check_eq "stale socket: exit 17" "$?" 17
check_match "stale socket: nothing listens" "$out" \
  "stale.sock: nothing listens on the socket"
# one that takes the connection and never answers
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
time.sleep(60)' "$T_TMP/mute.sock" &
mute=$!
PIDS="$PIDS $mute"
wait_until 10 test -S "$T_TMP/mute.sock"
out=$(WCOMPOSE_ENGINE_TIMEOUT=1 DOCKER_HOST=unix://$T_TMP/mute.sock W ps 2>&1)
check_eq "mute socket: exit 17" "$?" 17
check_match "mute socket: said so" "$out" \
  "took the connection but sent no answer in 1 s"
kill $mute 2>/dev/null
wait $mute 2>/dev/null

# --- a socket without permission ---
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
  mkdir -p bin && cp "$WCOMPOSE" bin/wcompose && chmod -R a+rX "$T_TMP"
  # a socket made by root, mode 600: nobody may connect
  socat "UNIX-LISTEN:$T_TMP/denied.sock,mode=600,fork" "UNIX-CONNECT:$SOCK" \
    2>>socat.log &
  PIDS="$PIDS $!"
  wait_until 20 test -S "$T_TMP/denied.sock"
  out=$(cd "$T_TMP" && DOCKER_HOST="unix://$T_TMP/denied.sock" \
    setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$T_TMP/bin/wcompose" -p "$T_PROJECT" ps 2>&1)
  check_eq "no permission on the socket: exit 17" "$?" 17
  check_match "no permission on the socket: said so" "$out" \
    "permission denied on $T_TMP/denied.sock"
  stop_proxies
else
  t_ok "skipped: the permission case needs root and setpriv"
fi
