#!/bin/sh
# run: a one-off container: the command's exit code and output pass
# through, --rm leaves nothing, -e reaches the environment, -d prints the
# name, dependencies start first, SIGINT reaches the command, an unknown
# service is a usage error.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  db:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
  app:
    image: $BB
    command: ["echo", "default command"]
    environment:
      FROM_FILE: file-value
    depends_on: [db]
YAML

W run --rm -T app sh -c 'exit 3' >/dev/null 2>&1
check_eq "exit code passes through" "$?" 3
out=$(W run --rm -T app echo hello from run 2>/dev/null)
check_eq "stdout captured" "$out" "hello from run"
out=$(W run --rm -T app sh -c 'echo on stderr >&2' 2>&1 >/dev/null)
check_match "stderr captured" "$out" '^on stderr$'
out=$(W run --rm -T app 2>err.txt)
check_eq "the service's command by default" "$out $(cat err.txt)" \
  "default command "
out=$(W run --rm -T -e GREETING=hi -e FROM_FILE=over app \
  sh -c 'echo "$GREETING $FROM_FILE"' 2>/dev/null)
check_eq "-e reaches the environment (and overrides)" "$out" "hi over"
out=$(W run --rm -T -w /tmp -u 1234 app sh -c 'echo "$(pwd) $(id -u)"' \
  2>/dev/null)
check_eq "-w and -u" "$out" "/tmp 1234"
check_eq "dependency started" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-db-1" 2>&1)" true
check_eq "--rm leaves no one-off container" \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT" \
    --filter label=com.docker.compose.oneoff=True)" ""

name=$(W run -d app sleep 30 2>/dev/null)
check_eq "-d exits 0" "$?" 0
check_match "-d prints the container name" "$name" \
  "^$T_PROJECT-app-run-[0-9a-f]{12}\$"
check_eq "the one-off is labelled" \
  "$(docker inspect -f '{{index .Config.Labels "com.docker.compose.oneoff"}}' \
    "$name" 2>&1)" True
check_eq "and running" \
  "$(docker inspect -f '{{.State.Running}}' "$name" 2>&1)" true
W down -t 0 >/dev/null 2>err.txt
check_eq "down removes the one-off container too" \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT" \
    --filter label=com.docker.compose.oneoff=True)" ""
check_eq "and the network with it" "$(cat err.txt | grep -c Error)" 0

"$WCOMPOSE" -p "$T_PROJECT" --progress plain run --rm -T app sh -c \
  "trap 'echo got int; exit 5' INT; echo ready; while :; do sleep 0.2; done" \
  >sig.txt 2>&1 &
pid=$!
wait_until 30 grep -q ready sig.txt
kill -INT $pid
wait $pid
check_eq "SIGINT reaches the command, its code passes through" "$?" 5
check_match "the command's trap ran" "$(cat sig.txt)" '^got int$'

W run --rm nosuch true >/dev/null 2>err.txt
check_eq "unknown service: exit 2" "$?" 2
check_match "unknown service: named" "$(cat err.txt)" "nosuch"

W down -t 0 >/dev/null 2>&1
W run --rm --no-deps -T app true >/dev/null 2>&1
check_eq "--no-deps runs" "$?" 0
check_eq "--no-deps starts nothing else" \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT")" ""
W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
