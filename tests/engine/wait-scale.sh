#!/bin/sh
# wait, scale and up --scale against the real engine: scale goes down by
# the highest numbers and up by the lowest free ones (--no-deps leaves the
# dependencies alone); wait blocks on the engine's wait and exits with the
# first container's code (--down-project takes the project down); logs -f
# prints exit lines; an OOM kill is named on attached up's exit line.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

cat >compose.yaml <<YAML
services:
  dep:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
  w:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    depends_on: [dep]
  a:
    image: $BB
    command: ["sh", "-c", "echo up; trap 'exit 3' TERM; sleep 300 & wait"]
  b:
    image: $BB
    command: ["sh", "-c", "trap 'exit 5' TERM; sleep 300 & wait"]
  hog:
    image: $BB
    profiles: [oom]
    mem_limit: 8m
    memswap_limit: 8m
    command: ["sh", "-c", "x=\$\$(head -c 50000000 /dev/zero | tr '\\\\0' a); echo \$\${#x}"]
  fine:
    image: $BB
    profiles: [oom]
    command: ["true"]
YAML

# the numbers of service $1's containers, sorted, on one line
numbers() {
  docker ps -a --filter "label=com.docker.compose.project=$T_PROJECT" \
    --filter "label=com.docker.compose.service=$1" \
    --format '{{.Label "com.docker.compose.container-number"}}' |
    sort -n | tr '\n' ' ' | sed 's/ $//'
}
id_of() { docker inspect -f '{{.Id}}' "$T_PROJECT-$1" 2>/dev/null; }
exited() { [ "$(docker inspect -f '{{.State.Status}}' "$1" 2>/dev/null)" = exited ]; }

# --- scale ---
W scale --no-deps w=3 >/dev/null 2>&1
check_eq "scale --no-deps succeeds" "$?" 0
check_eq "three containers" "$(numbers w)" "1 2 3"
check_eq "--no-deps: the dependency is not made" "$(numbers dep)" ""
docker rm -f "$T_PROJECT-w-2" >/dev/null
id1=$(id_of w-1)
id3=$(id_of w-3)
W scale w=2 >/dev/null 2>&1
check_eq "scale to the count there is succeeds" "$?" 0
check_eq "the gap stays: nothing made or removed" "$(numbers w)" "1 3"
check_eq "w-3 is the same container" "$(id_of w-3)" "$id3"
check_eq "scale without --no-deps makes the dependency" "$(numbers dep)" "1"
W scale w=1 >/dev/null 2>&1
check_eq "scale down succeeds" "$?" 0
check_eq "scale down removes the highest number" "$(numbers w)" "1"
check_eq "w-1 is the same container" "$(id_of w-1)" "$id1"
W scale w=3 >/dev/null 2>&1
check_eq "scale up adds the lowest free numbers" "$(numbers w)" "1 2 3"
docker rm -f "$T_PROJECT-w-2" >/dev/null
W up -d --scale w=4 w >/dev/null 2>&1
check_eq "up --scale succeeds" "$?" 0
check_eq "up --scale fills the gap, then the next" "$(numbers w)" "1 2 3 4"
W up -d --scale w=2 w >/dev/null 2>&1
check_eq "up --scale down removes the highest numbers" "$(numbers w)" "1 2"
check_eq "still w-1" "$(id_of w-1)" "$id1"
out=$(W scale w 2>&1)
check_eq "scale w: usage error" "$?" 2
check_match "  says what it wants" "$out" "is not SERVICE=REPLICAS"
W scale nosuch=1 >/dev/null 2>&1
check_eq "scale of an unknown service: usage error" "$?" 2
W rm -sf w dep >/dev/null 2>&1

# --- wait ---
out=$(W wait a 2>&1)
check_eq "wait with nothing there fails" "$?" 2
check_match "  and says so" "$out" "no containers"
W up -d a b >/dev/null 2>&1
check_eq "up a b" "$?" 0
W wait a b >"$T_TMP/wait.out" 2>"$T_TMP/wait.err" &
pid=$!
docker kill -s TERM "$T_PROJECT-b-1" >/dev/null
wait_until 20 exited "$T_PROJECT-b-1"
check_eq "b stopped" "$?" 0
docker kill -s TERM "$T_PROJECT-a-1" >/dev/null
wait $pid
check_eq "wait exits with the first container's code" "$?" 5
check_eq "  prints each code as it stops" "$(cat "$T_TMP/wait.out")" "5
3"
check_eq "  and nothing else" "$(cat "$T_TMP/wait.err")" ""
W wait b >"$T_TMP/wait.out" 2>&1
check_eq "wait on a stopped container: its code at once" "$?" 5
check_eq "  printed" "$(cat "$T_TMP/wait.out")" "5"
W wait nosuch >/dev/null 2>&1
check_eq "wait nosuch: usage error" "$?" 2
W up -d a b >/dev/null 2>&1
W wait --down-project b >"$T_TMP/wait.out" 2>&1 &
pid=$!
docker kill -s TERM "$T_PROJECT-b-1" >/dev/null
wait $pid
check_eq "wait --down-project: b's code" "$?" 5
check_eq "  the project is gone" "$(project_leftovers "$T_PROJECT")" ""

# --- logs -f: exit lines ---
W up -d a >/dev/null 2>&1
# the trace (stderr, unbuffered) says when a is followed
WCOMPOSE_TRACE=1 "$WCOMPOSE" -p "$T_PROJECT" logs -f --no-color a \
  >"$T_TMP/logs.out" 2>"$T_TMP/logs.err" &
pid=$!
wait_until 20 grep -q "a-1: inspecting -> following" "$T_TMP/logs.err"
check_eq "logs -f follows a" "$?" 0
docker kill -s TERM "$T_PROJECT-a-1" >/dev/null
wait $pid
check_eq "logs -f ends when a stops" "$?" 0
check_match "logs -f prints a's exit line" "$(cat "$T_TMP/logs.out")" \
  "^a-1 exited with code 3$"
out=$(W logs -f --no-color a 2>&1)
check_eq "logs -f of a stopped container: no exit line" \
  "$(printf '%s\n' "$out" | grep -c exited)" 0
W rm -f a >/dev/null 2>&1

# --- OOM ---
out=$(W --profile oom up --no-color hog fine 2>&1)
check_match "an OOM kill is named" "$out" \
  "^hog-1 +exited with code 137 \(out of memory\)$"
check_match "a plain exit is not" "$out" "^fine-1 +exited with code 0$"
W --profile oom down >/dev/null 2>&1
check_eq "down" "$?" 0
