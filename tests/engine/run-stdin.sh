#!/bin/sh
# run forwards stdin over a hijacked attach: piped lines arrive, the
# command's code passes through, 2 MB arrive whole, /dev/null is EOF, and
# with a terminal it is a raw session (typed lines run, the terminal is
# restored after).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  app:
    image: $BB
    command: ["cat"]
YAML

out=$(printf 'hello\nworld\n' | W run --rm -T app cat 2>/dev/null)
check_eq "piped stdin reaches the command" "$?" 0
check_eq "both lines come back" "$out" "hello
world"
printf 'abcd\nrest\n' | W run --rm -T app sh -c 'read a; exit ${#a}' \
  >/dev/null 2>&1
check_eq "a line read from stdin sets the exit code" "$?" 4
out=$(printf 'no newline' | W run --rm -T app cat 2>/dev/null)
check_eq "EOF without a newline ends the input" "$out" "no newline"

head -c 2000000 /dev/urandom >big.bin
out=$(W run --rm -T app wc -c <big.bin 2>/dev/null)
check_eq "2 MB from a file arrive whole" "$(echo $out)" 2000000
out=$(cat big.bin | W run --rm -T app md5sum 2>/dev/null)
check_eq "2 MB from a pipe arrive intact" "${out%% *}" \
  "$(md5sum <big.bin | cut -d' ' -f1)"

W run --rm -T app true </dev/null >/dev/null 2>&1
check_eq "/dev/null on stdin" "$?" 0
out=$(W run --rm -T app cat </dev/null 2>/dev/null)
check_eq "/dev/null is an empty input" "$out" ""
W run --rm -T app true <&- >/dev/null 2>&1
check_eq "a closed stdin" "$?" 0
out=$(yes | W run --rm -T app head -n 2 2>/dev/null)
check_eq "the command may stop reading early" "$out" "y
y"

# A terminal: script(1) gives wcompose a pty; keys are typed once the
# shell prompts.
if command -v script >/dev/null 2>&1; then
  : >tty.out
  (
    wait_until 30 grep -q '# ' tty.out
    printf 'echo hi-$((6*7))\r'
    wait_until 30 grep -q 'hi-42' tty.out
    printf 'exit 3\r'
    wait_until 30 grep -q 'rc=' tty.out
  ) | script -qec "stty -g >before.txt; \"$WCOMPOSE\" -p $T_PROJECT \
    --progress plain run --rm app sh; echo rc=\$?; stty -g >after.txt" \
    /dev/null >tty.out 2>&1
  check_match "TTY: the typed command ran in the container" \
    "$(tr -d '\r' <tty.out)" '^hi-42$'
  check_match "TTY: exit code passes through" "$(tr -d '\r' <tty.out)" \
    '^rc=3$'
  check_eq "TTY: the terminal is restored" "$(cat after.txt)" \
    "$(cat before.txt)"
else
  t_ok "# SKIP no script(1)"
fi

W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
