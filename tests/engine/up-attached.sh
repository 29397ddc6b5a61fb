#!/bin/sh
# Attached up: prefixed output of every container, "exited with code",
# the first SIGINT stops gracefully and the exit code is 130;
# --exit-code-from passes a container's code through.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  serve:
    image: $BB
    command: ["sh", "-c", "trap 'echo bye; exit 0' TERM; echo hello from serve; while true; do sleep 0.2; done"]
  once:
    image: $BB
    command: ["sh", "-c", "echo line one; echo on stderr >&2; exit 3"]
YAML

"$WCOMPOSE" -p "$T_PROJECT" --progress plain up >out.txt 2>err.txt &
pid=$!
wait_until 30 grep -q "exited with code 3" out.txt
wait_until 30 grep -q "hello from serve" out.txt ||
  t_fail "serve's first line came" "$(cat err.txt
    docker ps -a --filter "label=com.docker.compose.project=$T_PROJECT" \
      --format '{{.Names}} {{.Status}}')"
check_match "serve's line, prefixed and aligned" "$(cat out.txt)" \
  '^serve-1  \| hello from serve$'
check_match "once's stdout" "$(cat out.txt)" '^once-1   \| line one$'
check_match "once's stderr" "$(cat out.txt)" '^once-1   \| on stderr$'
check_match "exit reported" "$(cat out.txt)" '^once-1 exited with code 3$'
kill -INT $pid
wait $pid
check_eq "exit code after SIGINT" "$?" 130
check_match "graceful stop announced" "$(cat err.txt)" "Gracefully stopping"
check_match "serve stopped with its stop signal" "$(cat out.txt)" \
  '^serve-1  \| bye$'
check_eq "serve is stopped, not removed" \
  "$(docker inspect --format '{{.State.Running}}' "$T_PROJECT-serve-1")" \
  false

out=$(W up --exit-code-from once 2>&1)
check_eq "--exit-code-from passes the code" "$?" 3
check_match "and stops the rest" "$out" "Aborting on container exit"

W down -t 1 >/dev/null 2>&1

# a container its restart policy brings back is followed again
cat >compose.yaml <<YAML
services:
  flaky:
    image: $BB
    command: ["sh", "-c", "echo run; exit 1"]
    restart: on-failure:2
YAML
out=$(timeout 60 "$WCOMPOSE" -p "$T_PROJECT" --progress quiet up 2>&1)
check_eq "restarting service: up ends when it gives up" "$?" 0
check_eq "each run's output, re-attached" \
  "$(printf '%s\n' "$out" | grep -c '^flaky-1  | run$')" 3
check_match "exits reported" "$out" '^flaky-1 exited with code 1$'

W down -t 1 >/dev/null 2>&1
check_eq "down removed everything" "$(project_leftovers "$T_PROJECT")" ""
