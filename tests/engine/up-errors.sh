#!/bin/sh
# Failures say what wcompose was doing and leave nothing behind: a port
# already in use, a missing build context, an unknown service, bad flags.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  a:
    image: $BB
    command: ["sleep", "300"]
    ports: ["127.0.0.1:$T_PORT:80"]
  b:
    image: $BB
    command: ["sleep", "300"]
    ports: ["127.0.0.1:$T_PORT:80"]
    depends_on: [a]
YAML
out=$(W up -d 2>&1)
check_eq "port in use: exit 1" "$?" 1
check_match "port in use: says which container and why" "$out" \
  "starting container '$T_PROJECT-b-1': .*port is already allocated \(engine: 500\)"
check_match "port in use: in plain words, with the port and the service" \
  "$out" "host port $T_PORT is taken by another program or container: change the ports of service 'b'"
W down -t 0 >/dev/null 2>&1
check_eq "down after the failure leaves nothing" \
  "$(project_leftovers "$T_PROJECT")" ""

cat >compose.yaml <<YAML
services:
  a:
    image: $BB
  web:
    build: ./nowhere
YAML
out=$(W up -d 2>&1)
check_eq "missing build context: exit 14" "$?" 14
check_match "missing build context: message" "$out" \
  "service 'web': build context '$T_TMP/nowhere' does not exist"
check_eq "missing build context: nothing created" \
  "$(project_leftovers "$T_PROJECT")" ""

out=$(W up -d nosuch 2>&1)
check_eq "unknown service: exit 2" "$?" 2
check_match "unknown service: message" "$out" "no such service: 'nosuch'"
out=$(W up --frobnicate 2>&1)
check_eq "unknown flag: exit 2" "$?" 2
out=$(W up -d --scale a=x 2>&1)
check_eq "bad --scale: exit 2" "$?" 2
out=$(W --dry-run up -d 2>&1)
check_eq "--dry-run up: exit 2" "$?" 2
check_match "--dry-run up: says nothing was done" "$out" \
  "--dry-run is not supported for 'up': nothing was done"
out=$(W --dry-run config --services 2>&1)
check_eq "--dry-run config: runs" "$?" 0
check_eq "bad input created nothing" "$(project_leftovers "$T_PROJECT")" ""

cat >compose.yaml <<YAML
services:
  sick:
    image: $BB
    command: ["sleep", "300"]
    healthcheck:
      test: ["CMD", "false"]
      interval: 1s
      retries: 60
YAML
out=$(W up --wait --wait-timeout 2 2>&1)
check_eq "--wait-timeout: exit 1" "$?" 1
check_match "--wait-timeout: message" "$out" \
  "service 'sick': not healthy after 2 seconds \(--wait-timeout\)"
W down -t 0 >/dev/null 2>&1
