#!/bin/sh
# memory: the long-running paths hold their memory steady. A container
# prints a steady flood of lines; `logs -f` and attached `up` follow it.
# Each wcompose's resident size is read once the first lines have passed
# and again after many megabytes more: the growth between the two must stay
# far below the amount of log that went through (a per-line leak or an
# unbounded buffer would show as megabytes).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

# under AddressSanitizer freed memory waits in a quarantine before reuse:
# keep it small so that what is measured is what wcompose holds
if [ -n "${ASAN_OPTIONS:-}" ]; then
  export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=1"
fi

# about 1,000 lines of 60 bytes every 20 ms from each replica
cat >compose.yaml <<YAML
services:
  chatty:
    image: $BB
    command:
      - sh
      - -c
      - 'while :; do yes "a line of log long enough to matter, with some padding" | head -n 1000; usleep 20000; done'
    stop_signal: SIGKILL
YAML

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
lines() { wc -l <"$1" 2>/dev/null || echo 0; }
at_least() { [ "$(lines "$1")" -ge "$2" ]; }

# follow PID OUTFILE WHAT: sample after 50k lines and after 400k more
follow_check() {
  pid=$1
  out=$2
  what=$3
  if ! wait_until 60 at_least "$out" 50000; then
    t_fail "$what: the first 50000 lines arrive" "$(tail -3 "$out")"
    return
  fi
  r1=$(rss_kb "$pid")
  n1=$(lines "$out")
  if ! wait_until 120 at_least "$out" $((n1 + 400000)); then
    t_fail "$what: 400000 more lines arrive" "$(lines "$out") lines"
    return
  fi
  r2=$(rss_kb "$pid")
  n2=$(lines "$out")
  bytes=$(((n2 - n1) * 70 / 1024))
  echo "# $what: rss ${r1} kB -> ${r2} kB while ${bytes} kB of log passed"
  if [ -z "$r1" ] || [ -z "$r2" ]; then
    t_fail "$what: resident size readable" "pid $pid"
  elif [ $((r2 - r1)) -lt 4096 ]; then
    t_ok "$what: memory steady (+$((r2 - r1)) kB for ${bytes} kB of log)"
  else
    t_fail "$what: memory steady" \
      "grew by $((r2 - r1)) kB while ${bytes} kB of log passed"
  fi
}

W up -d >/dev/null 2>&1
check_eq "the chatty service runs" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-chatty-1" 2>&1)" true

"$WCOMPOSE" -p "$T_PROJECT" logs -f --no-color >logs.out 2>logs.err &
lpid=$!
follow_check $lpid logs.out "logs -f"
kill -TERM $lpid 2>/dev/null
wait $lpid 2>/dev/null

W down -t 0 >/dev/null 2>&1

# attached up: the supervisor with its log fan-in
"$WCOMPOSE" -p "$T_PROJECT" --progress plain up --no-color >up.out 2>up.err &
upid=$!
follow_check $upid up.out "attached up"
kill -INT $upid 2>/dev/null
wait $upid
check_eq "attached up stops on SIGINT with 130" "$?" 130

W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
