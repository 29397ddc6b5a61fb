#!/bin/sh
# attach: our terminal on a service's running container. With a TTY (in
# tmux): the screen shows its shell, keys reach it, its size follows ours,
# the detach keys (default, --detach-keys) leave it running and the
# terminal mode is restored. Without one: --no-stdin follows the output,
# --sig-proxy passes Ctrl-C (SIGINT) to the process and its exit code comes
# back, --sig-proxy=false stops following instead; stdin reaches the
# process; --index picks the replica; a stopped service is an error.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
  echo "# tmux is not installed" >&2
  exit 77
fi
TS="wct-$T_PROJECT"
trap 'rc=$?; tmux -L "$TS" kill-server 2>/dev/null; (exit $rc); t_finish' EXIT

cat >compose.yaml <<YAML
services:
  shell:
    image: $BB
    command: ["sh"]
    tty: true
    stdin_open: true
    stop_signal: SIGKILL
  ticker:
    image: $BB
    command: ["sh", "-c", "trap 'echo got-int; exit 3' INT; echo \$\$HOSTNAME; while :; do echo tick; sleep 0.2; done"]
    stop_signal: SIGKILL
  reader:
    image: $BB
    command: ["sh", "-c", "while read l; do echo got \$\$l; done"]
    stdin_open: true
    stop_signal: SIGKILL
YAML
W up -d --scale ticker=2 >/dev/null 2>err.txt
check_eq "up -d" "$?" 0

tm() { tmux -L "$TS" "$@"; }
screen() { tm capture-pane -p -t s; }
has() { screen | grep -Eq -- "$1"; }
expect() {
  if wait_until 20 has "$2"; then t_ok "$1"; else t_fail "$1" "$(screen)"; fi
}
send() { tm send-keys -t s "$1" Enter; }
tm new-session -d -s s -x 100 -y 30 -c "$T_TMP" sh
send "PS1='host\$ '; stty -g >mode.before; clear"
wait_until 20 test -s mode.before
session() {
  rm -f rc.txt mode.after
  send "clear; \"$WCOMPOSE\" -p $T_PROJECT attach $1 shell; echo \$? >rc.txt; stty -g >mode.after"
  # the screen was cleared once wcompose runs: no stale prompt matches
  wait_until 20 pgrep -f "$T_PROJECT attach"
}
ended() {
  if wait_until 20 test -s mode.after; then t_ok "$1: wcompose ended"; else
    t_fail "$1: wcompose ended" "$(screen)"
  fi
  check_eq "$1: exit code" "$(cat rc.txt)" "$2"
  check_eq "$1: terminal mode restored" "$(cat mode.after)" \
    "$(cat mode.before)"
}

session ""
send 'echo "sum=$((6 * 7)) [$(stty size)]"'
expect "keys reach the shell, which has our size" '^sum=42 \[30 100\]$'
tm send-keys -t s C-p C-q
ended "ctrl-p,ctrl-q" 0
check_match "detach: said" "$(screen)" 'detached'
check_eq "detach: the container runs on" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-shell-1")" true

session "--detach-keys ctrl-x,y"
send 'echo "again=$((1 + 1))"'
expect "a second attach: keys reach the shell" '^again=2$'
tm send-keys -t s C-x y
ended "--detach-keys ctrl-x,y" 0

"$WCOMPOSE" -p "$T_PROJECT" attach --no-stdin ticker >out.txt 2>&1 &
pid=$!
wait_until 20 sh -c "grep -c tick out.txt | grep -q '^[3-9]'"
kill -INT $pid
wait $pid
check_eq "--sig-proxy: SIGINT reaches the process, its exit code back" \
  "$?" 3
check_match "--sig-proxy: the process saw it" "$(cat out.txt)" '^got-int$'

"$WCOMPOSE" -p "$T_PROJECT" attach --index 2 --sig-proxy false --no-stdin \
  ticker >out.txt 2>&1 &
pid=$!
wait_until 20 grep -q tick out.txt
kill -INT $pid
wait $pid
check_eq "--sig-proxy false: SIGINT stops following (130)" "$?" 130
check_eq "--sig-proxy false: the container runs on" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-ticker-2")" true

(echo one; echo two; sleep 30) |
  "$WCOMPOSE" -p "$T_PROJECT" attach reader >out.txt 2>&1 &
pid=$!
if wait_until 20 grep -q 'got two' out.txt; then
  t_ok "stdin reaches the process"
else
  t_fail "stdin reaches the process" "$(cat out.txt)"
fi
kill -INT $pid
wait $pid

W stop shell >/dev/null 2>&1
W attach shell </dev/null >/dev/null 2>err.txt
check_eq "a stopped service: exit 1" "$?" 1
check_match "a stopped service: said" "$(cat err.txt)" \
  'service "shell" is not running'
W attach --detach-keys ctrl-pp reader </dev/null >/dev/null 2>err.txt
check_eq "bad --detach-keys: exit 2" "$?" 2

W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
