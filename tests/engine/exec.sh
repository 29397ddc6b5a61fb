#!/bin/sh
# exec: a command in a service's running container: output and exit code
# pass through, -e/-w/-u reach the process, --index picks the replica, -d
# returns while its command still runs, a missing executable gives the
# engine's message and code; unknown services, stopped services and a
# missing command are errors.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    environment:
      FROM_FILE: file-value
YAML

W up -d --scale web=2 >/dev/null 2>err.txt
check_eq "up -d --scale web=2" "$?" 0

out=$(W exec -T web echo hello from exec 2>err.txt)
check_eq "exit 0 and stdout captured" "$?:$out" "0:hello from exec"
check_eq "no warning when stdin is not a terminal" "$(cat err.txt)" ""
out=$(W exec -T web sh -c 'echo on stderr >&2' 2>&1 >/dev/null)
check_match "stderr captured" "$out" '^on stderr$'
out=$(W exec web sh -c 'echo out; echo err >&2' 2>/dev/null </dev/null)
check_eq "without -T and no terminal: no TTY, streams apart" "$out" "out"

# stdin reaches the process: piped, from a file, empty, closed; its end is
# the process's EOF (a half-close), and the exit code still comes back
out=$(printf 'line one\nline two\n' | W exec -T web sh -c 'cat; exit 4')
check_eq "piped stdin reaches the process, then EOF" "$?:$out" \
  "4:line one
line two"
head -c 3000000 /dev/urandom >big.bin
out=$(W exec -T web md5sum <big.bin 2>&1)
check_eq "a 3 MB file as stdin, byte for byte" "${out%% *}" \
  "$(md5sum <big.bin | cut -d' ' -f1)"
out=$(W exec -T web sh -c 'cat; echo done' </dev/null 2>&1)
check_eq "stdin /dev/null: EOF at once" "$out" "done"
out=$(W exec -T web sh -c 'cat; echo done' <&- 2>&1)
check_eq "stdin closed: EOF at once" "$out" "done"
out=$(W exec web sh -c 'cat; echo done' </dev/null 2>&1)
check_eq "without -T and no terminal: stdin still forwarded" "$out" "done"
out=$(head -c 1000000 /dev/zero | W exec -T web sh -c 'head -c 10 >/dev/null;
  echo early' 2>&1)
check_eq "a process that stops reading early: ends cleanly" "$?:$out" \
  "0:early"
printf '\020\021x' | W exec -T web od -An -c >od.txt 2>&1
check_match "no TTY: ctrl-p,ctrl-q is data, not a detach" \
  "$(tr -s ' ' <od.txt)" '020 021 x'

W exec --detach-keys ctrl-pp web true >/dev/null 2>err.txt
check_eq "bad --detach-keys: exit 2" "$?" 2
check_match "bad --detach-keys: said" "$(cat err.txt)" \
  "invalid detach keys 'ctrl-pp'"

W exec -T web sh -c 'exit 7' >/dev/null 2>&1
check_eq "exit code passes through" "$?" 7

out=$(W exec -T -e GREETING=hi -e FROM_FILE=over web \
  sh -c 'echo "$GREETING $FROM_FILE"' 2>/dev/null)
check_eq "-e reaches the environment (and overrides)" "$out" "hi over"
# (the test image is busybox FROM scratch: /bin exists, /tmp does not)
out=$(W exec -T -w /bin -u 1234 web sh -c 'echo "$(pwd) $(id -u)"' 2>&1)
check_eq "-w and -u reach the process" "$out" "/bin 1234"

out=$(W exec -T --index 2 web hostname 2>&1)
check_eq "--index 2 runs in replica 2" "$out" \
  "$(docker inspect -f '{{.Config.Hostname}}' "$T_PROJECT-web-2")"
out=$(W exec -T web hostname 2>&1)
check_eq "replica 1 by default" "$out" \
  "$(docker inspect -f '{{.Config.Hostname}}' "$T_PROJECT-web-1")"
W exec -T --index 3 web true >/dev/null 2>err.txt
check_eq "--index out of range: exit 1" "$?" 1
check_match "--index out of range: said" "$(cat err.txt)" \
  'service "web" is not running container #3'

# -d returns while the command still runs: it waits for /go, which is
# made only once -d has returned (it gives up after 60 s, so an exec -d that
# waited for it returns at last, and the command has then given up)
ms() { echo $(($(date +%s%N) / 1000000)); }
start=$(ms)
W exec -d web sh -c 'i=0; until [ -e /go ] || [ $i -ge 600 ]; do
  sleep 0.1; i=$((i + 1)); done
  if [ -e /go ]; then touch /detached; else touch /gave-up; fi' >/dev/null 2>&1
check_eq "-d exits 0" "$?" 0
echo "# exec -d returned after $(($(ms) - start)) ms"
check "-d returns before its command ends (it still waits for /go)" \
  docker exec "$T_PROJECT-web-1" sh -c '! test -e /gave-up'
docker exec "$T_PROJECT-web-1" touch /go
check "-d: the command ran on, to its end" wait_until 30 \
  docker exec "$T_PROJECT-web-1" test -f /detached

W exec -T web nosuch-command >out.txt 2>&1
rc=$?
check_match "a missing executable: exit 126 or 127" "$rc" '^12[67]$'
check_match "a missing executable: the engine's message" "$(cat out.txt)" \
  'nosuch-command.*not found'

if command -v script >/dev/null 2>&1; then
  # script(1) gives the command a terminal: a TTY (tests/engine/exec-tty.sh
  # drives a whole session in tmux)
  script -qec "\"$WCOMPOSE\" -p $T_PROJECT exec web sh -c \
    'test -t 1 && echo on a tty'" /dev/null >tty.txt 2>&1 </dev/null
  check_eq "on a terminal: exit code" "$?" 0
  check_match "on a terminal: a TTY is allocated" "$(cat tty.txt)" 'on a tty'
fi

"$WCOMPOSE" -p "$T_PROJECT" --progress plain exec -T web sh -c \
  'echo ready; while :; do sleep 0.2; done' >sig.txt 2>&1 &
pid=$!
wait_until 30 grep -q ready sig.txt
kill -INT $pid
wait $pid
check_eq "SIGINT stops following: exit 130" "$?" 130
check_match "SIGINT: says the command may still run" "$(cat sig.txt)" \
  'may still run'

W exec -T nosuch true >/dev/null 2>err.txt
check_eq "unknown service: exit 2" "$?" 2
check_match "unknown service: named" "$(cat err.txt)" "nosuch"
W exec -T web >/dev/null 2>err.txt
check_eq "missing command: exit 2" "$?" 2
check_match "missing command: usage" "$(cat err.txt)" '^Usage: wcompose exec'

W stop web >/dev/null 2>&1
W exec -T web true >/dev/null 2>err.txt
check_eq "stopped service: exit 1" "$?" 1
check_match "stopped service: said" "$(cat err.txt)" \
  'service "web" is not running'

W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
