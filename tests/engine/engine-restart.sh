#!/bin/sh
# The engine stopped and started again under an attached `up`: with
# live-restore the containers run on; up says it lost the engine (not that
# containers exited), follows again once it is back, with no line lost or
# repeated, and follows the containers made while it was away too; it says
# "back" once, when the events stream is open again (an engine on its way
# down still answers a ping). An engine that does not come back within
# WCOMPOSE_ENGINE_WAIT
# ends up non-zero with a message. logs -f rides out the engine's going
# the same way. Without live-restore the engine stops
# the containers as it goes: up reports their exit codes (never -1) and
# ends as it does when its containers stop. A private engine (its own namespaces,
# socket and data root) is the one stopped.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/lib/images.sh"
. "$TOP_SRCDIR/tests/lib/private-engine.sh"
cd "$T_TMP" || exit 99
if [ "$(id -u)" != 0 ] || ! command -v dockerd >/dev/null ||
  ! command -v unshare >/dev/null; then
  echo "# needs root, dockerd and unshare for a private engine"
  trap - EXIT
  exit 77
fi
W() { "$WCOMPOSE" -p "$T_PROJECT" --progress plain "$@"; }
PE=$(mktemp -d /tmp/wcpe.XXXXXX)
trap 'W down -t 0 >/dev/null 2>&1; pe_release "$PE"; T_USES_ENGINE=; t_finish' EXIT
echo '{"live-restore": true}' >"$PE/daemon.json"
pe_start "$PE" || { t_fail "a private engine starts" "$(tail -5 "$PE/log")"; exit 1; }
export DOCKER_HOST
DOCKER_HOST=$(pe_host "$PE")
busybox_ensure "wcompose-test-busybox:pe$$" >/dev/null 2>&1 ||
  { t_fail "busybox on the private engine"; exit 1; }
cat >compose.yaml <<YAML
services:
  tick:
    image: wcompose-test-busybox:pe$$
    command: ["sh", "-c", "i=0; while true; do echo tick \$\$i; i=\$\$((i+1)); sleep 0.2; done"]
    stop_signal: SIGKILL
  late:
    image: wcompose-test-busybox:pe$$
    command: ["sh", "-c", "while true; do echo late-line; sleep 0.2; done"]
    scale: 0
    stop_signal: SIGKILL
YAML

ticks() { grep -o 'tick [0-9]*$' up.out | awk '{print $2}'; }
last_tick() { ticks | tail -1; }
has() { grep -q "$1" "$2"; }
past() { [ "$(last_tick)" -gt "$1" ] 2>/dev/null; }

# not through W: $! must be wcompose itself (kill -STOP below)
WCOMPOSE_ENGINE_WAIT=60 "$WCOMPOSE" -p "$T_PROJECT" --progress plain up --no-color \
  >up.out 2>up.err &
up=$!
wait_until 60 past 3 || t_fail "ticks shown before the stop" "$(cat up.err)"
pe_stop "$PE"
wait_until 20 has "lost the engine" up.out
check_match "up says it lost the engine, with its address" "$(cat up.out)" \
  "lost the engine at unix://$PE/docker.sock"
before=$(last_tick)
# up is held still while the engine starts and another client adds a
# container, so that it is made while up sees the engine away
kill -STOP $up
pe_start "$PE" || t_fail "the engine starts again"
W up -d --no-recreate --scale late=1 late >late.out 2>&1 ||
  t_fail "another up adds a container" "$(cat late.out)"
kill -CONT $up
wait_until 30 has "is back" up.out
if wait_until 30 has "late-line" up.out; then
  t_ok "the container made while the engine was away is followed"
else
  t_fail "the container made while the engine was away is followed" \
    "$(tail -5 up.out)"
fi
check_eq "lost once" "$(grep -c 'lost the engine' up.out)" 1
check_eq "back once" "$(grep -c 'is back' up.out)" 1
wait_until 30 past $((before + 5))
after=$(last_tick)
if [ "${after:-0}" -gt "$((before + 5))" ]; then
  t_ok "the container ran on and is followed again ($before -> $after)"
else
  t_fail "the container ran on and is followed again" "$(tail -5 up.out)"
fi
# every line once, in order: nothing lost or repeated across the restart
gaps=$(ticks | awk 'NR > 1 && $1 != prev + 1 {print prev " -> " $1} {prev = $1}')
check_eq "no tick lost or repeated" "$gaps" ""
if grep -q "exited with code" up.out; then
  t_fail "no container said to have exited" "$(grep exited up.out)"
else
  t_ok "no container said to have exited"
fi

kill -TERM $up 2>/dev/null
wait $up

# logs -f rides out the engine's going as attached up does
W up -d >/dev/null 2>&1
WCOMPOSE_ENGINE_WAIT=60 "$WCOMPOSE" -p "$T_PROJECT" logs -f --tail 0 --no-color tick \
  >up.out 2>up.err &
lg=$!
wait_until 60 past 3 || t_fail "logs -f: ticks shown" "$(cat up.err)"
pe_stop "$PE"
wait_until 20 has "lost the engine" up.out
check_match "logs -f says it lost the engine, with its address" \
  "$(cat up.out)" "lost the engine at unix://$PE/docker.sock"
before=$(last_tick)
pe_start "$PE" || t_fail "the engine starts again (logs -f)"
wait_until 30 has "is back" up.out
wait_until 30 past $((before + 5))
after=$(last_tick)
if [ "${after:-0}" -gt "$((before + 5))" ] && kill -0 $lg 2>/dev/null; then
  t_ok "logs -f follows again ($before -> $after)"
else
  t_fail "logs -f follows again" "$(tail -5 up.out; cat up.err)"
fi
gaps=$(ticks | awk 'NR > 1 && $1 != prev + 1 {print prev " -> " $1} {prev = $1}')
check_eq "logs -f: no tick lost or repeated" "$gaps" ""
check_eq "logs -f: nothing on stderr" "$(cat up.err)" ""
kill -INT $lg
wait $lg
check_eq "logs -f: Ctrl-C ends it with 0" "$?" 0

# the engine goes and does not come back in time: exit non-zero, say so
W up -d >/dev/null 2>&1
WCOMPOSE_ENGINE_WAIT=2 "$WCOMPOSE" -p "$T_PROJECT" --progress plain up --no-color \
  >up.out 2>up.err &
up=$!
WCOMPOSE_ENGINE_WAIT=2 "$WCOMPOSE" -p "$T_PROJECT" logs -f --no-color \
  >logs.out 2>logs.err &
lg=$!
wait_until 60 past 3
pe_stop "$PE"
end=$(($(date +%s) + 30))
while { kill -0 $up || kill -0 $lg; } 2>/dev/null &&
  [ "$(date +%s)" -lt $end ]; do sleep 0.2; done
wait $up
rc=$?
check_eq "engine gone for good: exit 1" "$rc" 1
check_match "engine gone for good: said so" "$(cat up.err)" \
  "did not come back within 2 s"
wait $lg
check_eq "engine gone for good: logs -f exits 1" "$?" 1
check_match "engine gone for good: logs -f said so" "$(cat logs.err)" \
  "did not come back within 2 s"

# Without live-restore the engine stops the containers before it goes (with
# their stop signal, SIGKILL here): up reports that exit with its code, as
# docker does, never -1, and ends as an attached up ends when its
# containers have stopped.
pe_stop "$PE"
echo '{}' >"$PE/daemon.json"
pe_start "$PE" || t_fail "the engine starts without live-restore"
W down -t 0 >/dev/null 2>&1
WCOMPOSE_ENGINE_WAIT=60 "$WCOMPOSE" -p "$T_PROJECT" --progress plain up --no-color \
  >up.out 2>up.err &
up=$!
wait_until 60 past 3 || t_fail "no live-restore: ticks shown" "$(cat up.err)"
pe_stop "$PE"
end=$(($(date +%s) + 60))
while kill -0 $up 2>/dev/null && [ "$(date +%s)" -lt $end ]; do sleep 0.2; done
if kill -0 $up 2>/dev/null; then
  t_fail "no live-restore: up ends when the engine stopped its container" \
    "$(tail -5 up.out)"
  kill -TERM $up
else
  t_ok "no live-restore: up ends when the engine stopped its container"
fi
wait $up
check_eq "no live-restore: up's exit code" "$?" 0
check_match "no live-restore: the exit reported with its code" "$(cat up.out)" \
  "tick-1 +exited with code 137"
check_eq "no live-restore: no code -1" "$(grep -c 'code -1' up.out)" 0
