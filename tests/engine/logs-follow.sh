#!/bin/sh
# logs-follow: `logs -f` follows containers that start after it did (a
# scale-up here), as compose's does, and ends on SIGINT with 0.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  tick:
    image: $BB
    command: ["sh", "-c", "while :; do echo tick from \$\$(hostname); sleep 0.2; done"]
    stop_signal: SIGKILL
YAML

W up -d >/dev/null 2>&1
check_eq "one replica runs" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-tick-1" 2>&1)" true
"$WCOMPOSE" -p "$T_PROJECT" logs -f --no-color >follow.out 2>follow.err &
pid=$!
check "the first replica's lines arrive" wait_until 30 grep -q '^tick-1 *| tick' follow.out
W up -d --scale tick=2 >/dev/null 2>&1
check_eq "scaled to two" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-tick-2" 2>&1)" true
if wait_until 30 grep -q '^tick-2 *| tick' follow.out; then
  t_ok "the replica started later is followed too"
else
  t_fail "the replica started later is followed too" "$(tail -5 follow.out; cat follow.err)"
fi
n1=$(grep -c '^tick-1 ' follow.out)
check "and the first one still is" wait_until 30 sh -c \
  "[ \$(grep -c '^tick-1 ' follow.out) -gt $n1 ]"
kill -INT $pid
wait $pid
check_eq "SIGINT ends logs -f with 0" "$?" 0
check_eq "no error printed" "$(cat follow.err)" ""
W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
