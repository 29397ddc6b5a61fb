#!/bin/sh
# exec -it as a person uses it, in a tmux window: the prompt shows, the
# process sees a terminal of the window's size and follows a resize,
# Ctrl-C reaches the process (not wcompose), the detach keys (default and
# --detach-keys) leave the process running, the exit code passes through,
# and our terminal's mode is restored on every way out (exit, detach,
# SIGTERM, the container killed under the session).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
  echo "# tmux is not installed" >&2
  exit 77
fi

TS="wct-$T_PROJECT" # a private tmux server
trap 'rc=$?; tmux -L "$TS" kill-server 2>/dev/null; (exit $rc); t_finish' EXIT

cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
YAML
W up -d >/dev/null 2>err.txt
check_eq "up -d" "$?" 0

tm() { tmux -L "$TS" "$@"; }
screen() { tm capture-pane -p -t s; }
has() { screen | grep -Eq -- "$1"; }
# wait until the screen shows a line matching $2 (grep -E)
expect() {
  if wait_until 20 has "$2"; then t_ok "$1"; else t_fail "$1" "$(screen)"; fi
}
# type a line in the session; its output is tagged so the echo of the
# typed line itself does not match
send() { tm send-keys -t s "$1" Enter; }

tm new-session -d -s s -x 100 -y 30 -c "$T_TMP" sh
tm set-option -t s status off >/dev/null
send "PS1='host\$ '; stty -g >mode.before; clear"
wait_until 20 test -s mode.before
# an interactive session: what ends it writes rc.txt and the mode after
session() {
  rm -f rc.txt mode.after
  send "clear; \"$WCOMPOSE\" -p $T_PROJECT exec $1 web sh; echo \$? >rc.txt; stty -g >mode.after"
  # the screen was cleared once wcompose runs: no stale prompt matches
  wait_until 20 pgrep -f "$T_PROJECT exec"
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
expect "the container's prompt shows" '^/ # ?$'
send 'echo "[$(stty size)] [$(tty)]"'
expect "a TTY of the window's size" '^\[30 100\] \[/dev/pts/[0-9]+\]$'
send 'echo "sum=$((6 * 7))"'
expect "typed keys echo and run" '^sum=42$'
tm resize-window -t s -x 90 -y 25
send 'i=0; until [ "$(stty size)" = "25 90" ] || [ $i = 50 ]; do sleep 0.1; i=$((i+1)); done; echo "now=[$(stty size)]"'
expect "a resize reaches the process (SIGWINCH, /exec/{id}/resize)" \
  '^now=\[25 90\]$'
send 'sleep 300'
wait_until 10 sh -c "docker top $T_PROJECT-web-1 | grep -q 'sleep 300\$'"
tm send-keys -t s C-c
send 'echo "after=$?"'
expect "Ctrl-C interrupts the process in the container, not wcompose" \
  '^after=130$'
send 'exit 5'
ended "exit 5" 5

session ""
expect "second session: prompt" '^/ # ?$'
send 'sleep 4321 &'
tm send-keys -t s C-p C-q
ended "ctrl-p,ctrl-q" 0
check_match "detach: said" "$(screen)" 'detached; the process may still run'
check "detach: the process runs on" \
  sh -c "docker top $T_PROJECT-web-1 | grep -q 'sleep 4321'"

session "--detach-keys ctrl-x,y"
expect "--detach-keys: prompt" '^/ # ?$'
tm send-keys -t s C-p C-q
send 'echo "still=here"'
expect "--detach-keys: ctrl-p,ctrl-q no longer detach" '^still=here$'
tm send-keys -t s C-x y
ended "--detach-keys ctrl-x,y" 0

session ""
expect "SIGTERM session: prompt" '^/ # ?$'
pid=$(pgrep -n -f "$T_PROJECT exec")
if [ -n "$pid" ]; then kill -TERM "$pid"; fi
ended "SIGTERM to wcompose" 130

session ""
expect "container killed: prompt" '^/ # ?$'
docker kill "$T_PROJECT-web-1" >/dev/null
if wait_until 20 test -s mode.after; then t_ok "killed: wcompose ended"; else
  t_fail "killed: wcompose ended" "$(screen)"
fi
check_match "killed: a failure's exit code" "$(cat rc.txt)" '^(1|137)$'
check_eq "killed: terminal mode restored" "$(cat mode.after)" \
  "$(cat mode.before)"

W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
