#!/bin/sh
# SIGINT and SIGTERM during build, create and down, with wcompose started
# in the background from a script (where the shell starts it with SIGINT
# ignored): it exits 130 or 143 within seconds, having finished the steps
# under way and begun nothing new, so nothing is half-made: a canceled
# build tags no image and creates nothing; an interrupted health wait
# leaves the started container as it is and its dependent never made; an
# interrupted down finishes the container it was stopping and leaves the
# rest (and the network) for the next down.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"
P=$T_PROJECT

# bg OUT ARGS...: wcompose in the background, as a script starts it
bg() {
  out=$1
  shift
  "$WCOMPOSE" -p "$P" --progress plain "$@" >"$out" 2>&1 &
  pid=$!
}
# ends SECONDS: wait for $pid to end within SECONDS; its status in $rc
ends() {
  end=$(($(date +%s) + $1))
  while kill -0 $pid 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
    sleep 0.1
  done
  if kill -0 $pid 2>/dev/null; then
    kill -KILL $pid
    wait $pid
    rc=timeout
  else
    wait $pid
    rc=$?
  fi
}
names() {
  docker ps -a --filter "label=com.docker.compose.project=$P" \
    --format '{{.Names}} {{.State}}' | sort
}

# --- a build under way ---
mkdir -p slow
cat >slow/Dockerfile <<EOF
FROM $BB
RUN echo building-now && sleep 60
EOF
cat >compose.yaml <<YAML
services:
  web:
    build: ./slow
    command: ["sleep", "300"]
YAML
bg build.out up -d --build
wait_until 60 grep -q building-now build.out ||
  t_fail "the build reached its slow step" "$(cat build.out)"
kill -INT $pid
ends 20
check_eq "build: SIGINT ends up with 130" "$rc" 130
check_match "build: said so" "$(cat build.out)" "Interrupted"
check_eq "build: no image tagged" \
  "$(docker image ls -q --filter "reference=$P-web")" ""
check_eq "build: nothing created" "$(project_leftovers "$P")" ""

# --- a health wait, with a dependent waiting for it ---
cat >compose.yaml <<YAML
services:
  db:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    healthcheck:
      test: ["CMD", "false"]
      interval: 1s
      retries: 1000
  app:
    image: $BB
    command: ["sleep", "300"]
    depends_on:
      db:
        condition: service_healthy
YAML
bg wait.out up -d
wait_until 60 grep -q "Container $P-db-1  Started" wait.out ||
  t_fail "up started db" "$(cat wait.out)"
kill -TERM $pid
ends 20
check_eq "health wait: SIGTERM ends up with 143" "$rc" 143
check_eq "health wait: db started, app never made" "$(names)" \
  "$P-db-1 running"
W down -t 0 >/dev/null 2>&1
check_eq "health wait: down after it" "$(project_leftovers "$P")" ""

# --- down, stopping a container that takes its time ---
cat >compose.yaml <<YAML
services:
  base:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
  top:
    image: $BB
    command: ["sh", "-c", "trap 'echo bye' TERM; while true; do sleep 0.1; done"]
    stop_grace_period: 4s
    depends_on: [base]
YAML
W up -d >/dev/null 2>&1
check_eq "down: the project is up" "$(names)" "$P-base-1 running
$P-top-1 running"
bg down.out down
wait_until 30 grep -q "Container $P-top-1  Stopping" down.out ||
  t_fail "down is stopping top" "$(cat down.out)"
kill -INT $pid
ends 30
check_eq "down: SIGINT ends it with 130" "$rc" 130
check_eq "down: top finished going, base not begun" "$(names)" \
  "$P-base-1 running"
check "down: the network is left for the next down" \
  test -n "$(docker network ls -q --filter "label=com.docker.compose.project=$P")"
out=$(W down -t 0 2>&1)
check_eq "down again succeeds" "$?" 0
check_eq "down again: nothing left" "$(project_leftovers "$P")" ""
