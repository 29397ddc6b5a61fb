#!/bin/sh
# The read-only commands against the real engine: ps (table, json, -q,
# --services, --status), logs (prefixes, --tail, --no-log-prefix), port,
# top, images, ls, events --json around a restart, unknown services.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sh", "-c", "echo web one; echo web two; exec httpd -f -p 8000"]
    ports: ["127.0.0.1:$T_PORT:8000"]
    stop_grace_period: 1s
  db:
    image: $BB
    command: ["sh", "-c", "echo db up; exec sleep 300"]
    stop_grace_period: 1s
  job:
    image: $BB
    command: ["true"]
YAML

out=$(W up -d 2>&1)
check_eq "up -d succeeds" "$?" 0
wait_until 20 sh -c "docker inspect --format '{{.State.Status}}' \
  $T_PROJECT-job-1 | grep -qx exited"

out=$(W ps 2>&1)
check_match "ps header" "$out" \
  '^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS$'
check_match "ps lists web with its port" "$out" \
  "^$T_PROJECT-web-1 +$BB +\"sh -c .* +web +.* ago +Up .*127\.0\.0\.1:$T_PORT->8000/tcp$"
check_match "ps lists db" "$out" "^$T_PROJECT-db-1 "
check_eq "ps leaves the exited job out" \
  "$(printf '%s\n' "$out" | grep -c "$T_PROJECT-job-1")" 0
out=$(W ps -a 2>&1)
check_match "ps -a shows the exited job" "$out" \
  "^$T_PROJECT-job-1 .* Exited \(0\)"
check_eq "ps --services" "$(W ps --services)" "db
web"
check_eq "ps -a --services" "$(W ps -a --services)" "db
job
web"
check_eq "ps --status exited" "$(W ps --status exited --services)" "job"
check_eq "ps -q" "$(W ps -q | sort)" \
  "$(docker ps -q --no-trunc --filter label=com.docker.compose.project=$T_PROJECT | sort)"
out=$(W ps --format json web 2>&1)
check_match "ps --format json: one object" "$out" \
  "^\{.*\"Name\":\"$T_PROJECT-web-1\".*\"Service\":\"web\".*\"State\":\"running\""
check_match "ps --format json: publishers" "$out" \
  "\"Publishers\":\[\{\"URL\":\"127.0.0.1\",\"TargetPort\":8000,\"PublishedPort\":$T_PORT,\"Protocol\":\"tcp\"\}\]"
W ps --status nope >/dev/null 2>&1
check_eq "ps --status junk: usage error" "$?" 2

wait_until 10 sh -c "docker logs $T_PROJECT-web-1 2>&1 | grep -q 'web two'"
out=$(W logs 2>&1)
check_match "logs: prefixed web line" "$out" '^web-1 +\| web one$'
check_match "logs: prefixed db line" "$out" '^db-1 +\| db up$'
check_eq "logs --tail 1 web" "$(W logs --tail 1 web 2>&1)" "web-1  | web two"
check_eq "logs --no-log-prefix db" "$(W logs --no-log-prefix db 2>&1)" "db up"
check_match "logs -t shows timestamps" "$(W logs -t db 2>&1)" \
  '^db-1 +\| [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z db up$'
out=$(timeout 20 "$WCOMPOSE" -p "$T_PROJECT" logs -f job 2>&1)
check_eq "logs -f ends when the containers are stopped" "$?" 0

check_eq "port" "$(W port web 8000 2>&1)" "127.0.0.1:$T_PORT"
out=$(W port web 9 2>&1)
check_eq "port not published: fails" "$?" 1
check_match "port not published: says so" "$out" "no port 9/tcp"

out=$(W top db 2>&1)
check_match "top names the container" "$out" "^$T_PROJECT-db-1$"
check_match "top shows the process" "$out" "^UID +PID .*CMD$"
check_match "top shows sleep" "$out" "sleep 300$"

out=$(W images 2>&1)
check_match "images header" "$out" '^CONTAINER +REPOSITORY +TAG +IMAGE ID +SIZE$'
check_match "images row" "$out" \
  "^$T_PROJECT-db-1 +${BB%:*} +${BB##*:} +[0-9a-f]{12} +[0-9.]+[kMG]?B$"

out=$("$WCOMPOSE" ls 2>&1)
check_match "ls lists the project" "$out" \
  "^$T_PROJECT +running\(2\), exited\(1\)|^$T_PROJECT +exited\(1\), running\(2\)"
check_match "ls shows the config file" "$out" "^$T_PROJECT .*compose\.yaml$"
check_match "ls -q" "$("$WCOMPOSE" ls -q)" "^$T_PROJECT$"
check_match "ls --format json" "$("$WCOMPOSE" ls --format json)" \
  "\{\"Name\":\"$T_PROJECT\",\"Status\":\"[^\"]*\",\"ConfigFiles\":\"[^\"]*compose.yaml\"\}"

# not through W: $! must be wcompose itself, which gets the SIGINT
"$WCOMPOSE" -p "$T_PROJECT" events --json >events.out 2>&1 &
evpid=$!
sleep 1 # the event stream must be open before the restart
W restart db >/dev/null 2>&1 &
rspid=$!
if wait_until 30 grep -q '"action":"start".*"service":"db"' events.out; then
  t_ok "events --json shows the start of the restart"
else
  t_fail "events --json shows the start of the restart" "$(cat events.out)"
fi
wait $rspid
kill -INT $evpid 2>/dev/null
if wait_until 10 sh -c "! kill -0 $evpid"; then
  wait $evpid
  check_eq "events ends with 0 on Ctrl-C" "$?" 0
else
  kill -9 $evpid
  t_fail "events ends on Ctrl-C"
fi

for cmd in "ps nope" "logs nope" "top nope" "images nope" "port nope 80" \
  "events nope"; do
  out=$(W $cmd 2>&1)
  check_eq "$cmd: usage error" "$?" 2
  check_match "$cmd: says which" "$out" "no such service: 'nope'"
done

out=$(W down 2>&1)
check_eq "down" "$?" 0
check_eq "ps after down is empty" "$(W ps -aq)" ""
