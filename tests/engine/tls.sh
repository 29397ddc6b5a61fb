#!/bin/sh
# An engine over TLS, for real: a private dockerd in a network namespace of
# its own listens on tcp://127.0.0.1:2376 with --tlsverify and certificates
# made here with openssl (a CA, a server certificate for 127.0.0.1, a client
# certificate). wcompose runs in that namespace with DOCKER_HOST,
# DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: up -d, ps, logs, exec and run with
# piped stdin (the half-close over TLS) work, and ps through a docker
# context holding the TLS material; a wrong CA (in the environment or a
# context), a missing client certificate, DOCKER_TLS_VERIFY unset, a plain
# client, and TLS against a plain port each fail with a message that says
# so.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

for tool in openssl dockerd unshare nsenter ip; do
  if ! command -v $tool >/dev/null 2>&1; then
    t_ok "# SKIP no $tool"
    exit 0
  fi
done
if [ "$(id -u)" != 0 ]; then
  t_ok "# SKIP a private engine needs root"
  exit 0
fi

# --- certificates ---
mkdir -p ca good wrongca nocert
ossl() { openssl "$@" >/dev/null 2>&1; }
mkcert() { # mkcert NAME CA-NAME SUBJECT EXTFILE
  ossl req -new -newkey rsa:2048 -nodes -keyout "$1-key.pem" -subj "$3" \
    -out "$1.csr" &&
    ossl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2-key.pem" \
      -CAcreateserial -days 2 -out "$1.pem" -extfile "$4"
}
ossl req -x509 -new -newkey rsa:2048 -nodes -keyout ca/ca-key.pem \
  -subj /CN=wcompose-test-ca -days 2 -out ca/ca.pem
ossl req -x509 -new -newkey rsa:2048 -nodes -keyout ca/other-key.pem \
  -subj /CN=another-ca -days 2 -out ca/other.pem
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >srv.ext
printf 'extendedKeyUsage=clientAuth\n' >cli.ext
mkcert ca/server ca/ca /CN=127.0.0.1 srv.ext
mkcert ca/client ca/ca /CN=client cli.ext
if [ ! -s ca/server.pem ] || [ ! -s ca/client.pem ]; then
  t_fail "openssl made the certificates"
  exit 1
fi
cp ca/ca.pem good/ca.pem
cp ca/client.pem good/cert.pem
cp ca/client-key.pem good/key.pem
cp ca/other.pem wrongca/ca.pem
cp ca/client.pem wrongca/cert.pem
cp ca/client-key.pem wrongca/key.pem
cp ca/ca.pem nocert/ca.pem

# --- the engine ---
E=$(mktemp -d /tmp/wcompose-tls-engine.XXXXXX)
ECLI() { docker -H "unix://$E/docker.sock" "$@"; }
tls_teardown() {
  if [ -S "$E/docker.sock" ]; then
    ids=$(ECLI ps -aq 2>/dev/null)
    [ -n "$ids" ] && ECLI rm -f $ids >/dev/null 2>&1
  fi
  pid=$(cat "$E/pid" 2>/dev/null)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
      sleep 0.2
      i=$((i + 1))
    done
    kill -9 "$pid" 2>/dev/null
  fi
  # shims the engine left (it was killed): by the cgroup it gave them
  for p in $(cat /sys/fs/cgroup/"$(basename "$E")"/cgroup.procs 2>/dev/null); do
    kill -9 "$p" 2>/dev/null
  done
  rmdir /sys/fs/cgroup/"$(basename "$E")"/* /sys/fs/cgroup/"$(basename "$E")" \
    2>/dev/null
  rm -rf "$E"
}
trap 'tls_teardown; t_finish' EXIT

cat >"$E/daemon.json" <<JSON
{
  "data-root": "$E/data", "exec-root": "$E/exec", "pidfile": "$E/pid",
  "storage-driver": "vfs", "cgroup-parent": "/$(basename "$E")",
  "shutdown-timeout": 2,
  "hosts": ["unix://$E/docker.sock", "tcp://127.0.0.1:2376"],
  "tlsverify": true, "tlscacert": "$T_TMP/ca/ca.pem",
  "tlscert": "$T_TMP/ca/server.pem", "tlskey": "$T_TMP/ca/server-key.pem"
}
JSON
setsid unshare --net --mount --uts --propagation slave sh -c \
  "ip link set lo up; exec dockerd --config-file $E/daemon.json" \
  >"$E/log" 2>&1 </dev/null &
if ! wait_until 60 ECLI version; then
  t_fail "the private TLS engine answers" "$(tail -20 "$E/log")"
  exit 1
fi
EPID=$(cat "$E/pid")
if ! docker save "$BB" | ECLI load >/dev/null 2>&1; then
  t_fail "busybox loaded into the TLS engine"
  exit 1
fi

# In the engine's namespace, with the TLS environment of the docker CLI.
IN() { nsenter --net="/proc/$EPID/ns/net" "$@"; }
WT() {
  IN env DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=1 \
    DOCKER_CERT_PATH="$T_TMP/good" "$WCOMPOSE" -p "$T_PROJECT" \
    --progress plain "$@"
}

out=$(IN env DOCKER_HOST=tcp://127.0.0.1:2376 DOCKER_TLS_VERIFY=1 \
  DOCKER_CERT_PATH="$T_TMP/good" docker version \
  --format '{{.Server.APIVersion}}' 2>&1)
check_match "the docker CLI itself talks to the engine over TLS" "$out" \
  '^1\.[0-9]+$'

cat >compose.yaml <<YAML
services:
  app:
    image: $BB
    command: ["sh", "-c", "echo started-over-tls; exec sleep 300"]
    stop_signal: SIGKILL
YAML

out=$(WT up -d 2>&1)
check_eq "up -d over TLS" "$?" 0
check_match "ps over TLS shows the running container" "$(WT ps 2>&1)" \
  "$T_PROJECT-app-1.*(running|Up)"

# the same engine through docker contexts holding the TLS material
DC() { env -u DOCKER_HOST DOCKER_CONFIG="$T_TMP/dcfg" "$@"; }
DC docker context create tls-good --docker "host=tcp://127.0.0.1:2376,\
ca=$T_TMP/ca/ca.pem,cert=$T_TMP/good/cert.pem,key=$T_TMP/good/key.pem" \
  >/dev/null 2>&1
DC docker context create tls-wrongca --docker "host=tcp://127.0.0.1:2376,\
ca=$T_TMP/wrongca/ca.pem,cert=$T_TMP/good/cert.pem,key=$T_TMP/good/key.pem" \
  >/dev/null 2>&1
check_match "ps over TLS through a docker context" \
  "$(IN env -u DOCKER_HOST -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH \
    DOCKER_CONFIG="$T_TMP/dcfg" "$WCOMPOSE" -p "$T_PROJECT" --context \
    tls-good ps 2>&1)" "$T_PROJECT-app-1.*(running|Up)"
out=$(IN env -u DOCKER_HOST DOCKER_CONFIG="$T_TMP/dcfg" \
  DOCKER_CONTEXT=tls-wrongca "$WCOMPOSE" -p "$T_PROJECT" ps 2>&1)
check_match "a context with the wrong CA: its ca.pem is named" "$out" \
  "not signed by the CA in .*contexts/tls/[0-9a-f]{64}/docker/ca.pem.*docker context 'tls-wrongca'"
logs_have() { WT logs --no-color app 2>/dev/null | grep -q started-over-tls; }
wait_until 20 logs_have
out=$(WT logs --no-color app 2>&1)
check_match "logs over TLS" "$out" 'started-over-tls'
out=$(echo hi | WT exec -T app cat 2>&1)
check_eq "exec -T with piped stdin: EOF arrives (half-close over TLS)" \
  "$?:$out" "0:hi"
head -c 1000000 /dev/urandom >big.bin
out=$(WT exec -T app md5sum <big.bin 2>&1)
check_eq "exec -T: 1 MB of stdin over TLS, byte for byte" "${out%% *}" \
  "$(md5sum <big.bin | cut -d' ' -f1)"
out=$(printf 'a\nb\n' | WT run --rm -T app sh -c 'cat; exit 5' 2>/dev/null)
check_eq "run --rm -T with piped stdin over TLS: output and exit code" \
  "$?:$out" "5:a
b"
if command -v script >/dev/null 2>&1; then
  : >tty.out
  (
    wait_until 30 grep -q '# ' tty.out
    printf 'echo tty-$((6*7))\r'
    wait_until 30 grep -q 'tty-42' tty.out
    printf 'exit 3\r'
    wait_until 30 grep -q 'rc=' tty.out
  ) | IN script -qec "env DOCKER_HOST=tcp://127.0.0.1:2376 \
    DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$T_TMP/good \"$WCOMPOSE\" \
    -p $T_PROJECT --progress plain exec app sh; echo rc=\$?" \
    /dev/null >tty.out 2>&1
  check_match "exec -it over TLS: the typed command ran" \
    "$(tr -d '\r' <tty.out)" '^tty-42$'
  check_match "exec -it over TLS: exit code passes through" \
    "$(tr -d '\r' <tty.out)" '^rc=3$'
fi

# --- what goes wrong, said plainly ---
fails() { # fails ENV...: runs ps with that environment, prints rc and stderr
  IN env DOCKER_HOST=tcp://127.0.0.1:2376 "$@" "$WCOMPOSE" -p "$T_PROJECT" \
    ps 2>&1 >/dev/null
  echo "rc=$?"
}
out=$(fails DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T_TMP/wrongca")
printf "%s\n" "$out" | grep . | sed 's/^/# wrong CA: /'
check_match "wrong CA: fails" "$out" '^rc=[1-9]'
check_match "wrong CA: says the engine's certificate is not from that CA" \
  "$out" "certificate .*not signed by the CA in .*wrongca/ca.pem"

out=$(fails DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T_TMP/nocert")
printf "%s\n" "$out" | grep . | sed 's/^/# no client cert: /'
check_match "no client certificate: fails" "$out" '^rc=[1-9]'
check_match "no client certificate: says one is wanted and where" "$out" \
  "client certificate.*nocert/cert.pem"

out=$(fails DOCKER_CERT_PATH="$T_TMP/good")
printf "%s\n" "$out" | grep . | sed 's/^/# TLS_VERIFY unset: /'
check_match "DOCKER_TLS_VERIFY unset: fails" "$out" '^rc=[1-9]'
check_match "DOCKER_TLS_VERIFY unset: says the engine wants TLS" "$out" \
  "speaks TLS.*DOCKER_TLS_VERIFY=1"

out=$(IN env -u DOCKER_CERT_PATH -u DOCKER_TLS_VERIFY \
  DOCKER_HOST=tcp://127.0.0.1:2376 HOME="$T_TMP" "$WCOMPOSE" \
  -p "$T_PROJECT" ps 2>&1 >/dev/null; echo "rc=$?")
printf "%s\n" "$out" | grep . | sed 's/^/# plain client: /'
check_match "plain client against the TLS port: fails" "$out" '^rc=[1-9]'
check_match "plain client against the TLS port: says the engine wants TLS" \
  "$out" "speaks TLS.*DOCKER_TLS_VERIFY=1"

# TLS against a port that speaks plain HTTP (the busybox httpd of a
# container published on the engine's loopback)
cat >plain.yaml <<YAML
services:
  plain:
    image: $BB
    command: ["httpd", "-f", "-p", "8000"]
    stop_signal: SIGKILL
    ports: ["127.0.0.1:2375:8000"]
YAML
WT -f plain.yaml up -d >/dev/null 2>&1
wait_until 20 IN curl -s -o /dev/null http://127.0.0.1:2375/
out=$(IN env DOCKER_HOST=tcp://127.0.0.1:2375 DOCKER_TLS_VERIFY=1 \
  DOCKER_CERT_PATH="$T_TMP/good" "$WCOMPOSE" -p "$T_PROJECT" ps 2>&1 \
  >/dev/null; echo "rc=$?")
printf "%s\n" "$out" | grep . | sed 's/^/# TLS to a plain port: /'
check_match "TLS against a plain port: fails" "$out" '^rc=[1-9]'
check_match "TLS against a plain port: says the engine does not speak TLS" \
  "$out" "does not speak TLS"
WT -f plain.yaml down -t 0 >/dev/null 2>&1

WT down -t 0 >/dev/null 2>&1
check_eq "down over TLS leaves nothing" "$(ECLI ps -aq)" ""
