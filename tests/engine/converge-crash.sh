#!/bin/sh
# up -d killed (SIGKILL) while it creates and starts containers, at several
# moments (after the first, a middle and the last container appeared), then
# up -d again: it converges to exactly the desired set, one container per
# replica, all running, whatever the killed process's requests left behind
# or the engine finished after the kill.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

N=8
{
  echo "services:"
  i=1
  while [ $i -le $N ]; do
    echo "  s$i:"
    echo "    image: $BB"
    echo "    command: [\"sleep\", \"600\"]"
    echo "    stop_signal: SIGKILL"
    [ $i -gt 1 ] && echo "    depends_on: [s$((i - 1))]"
    i=$((i + 1))
  done
} >compose.yaml

count() {
  docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT" |
    wc -l | tr -d ' '
}
at_least() { [ "$(count)" -ge "$1" ]; }

for k in 1 4 $N; do
  W up -d >up.out 2>&1 &
  pid=$!
  # the moment: once k containers exist (a poll with a deadline)
  wait_until 60 at_least "$k" || t_fail "kill at $k: $k containers appeared"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  W up -d >up2.out 2>&1
  rc=$?
  check_eq "killed after $k containers: the next up succeeds" "$rc" 0
  [ $rc -ne 0 ] && cat up2.out | sed 's/^/#   /'
  names=$(docker ps -a --filter "label=com.docker.compose.project=$T_PROJECT" \
    --format '{{.Names}} {{.State}}' | sort)
  want=$(i=1; while [ $i -le $N ]; do
    echo "$T_PROJECT-s$i-1 running"
    i=$((i + 1))
  done | sort)
  check_eq "killed after $k containers: one running container per service" \
    "$names" "$want"
  W down -t 0 >/dev/null 2>&1
done

# Two ups of one project at once: both succeed, one network, one running
# container per service (the later network and the racing creates are
# resolved by the runtime, not left to the next up).
W up -d >race1.out 2>&1 &
p1=$!
W up -d >race2.out 2>&1 &
p2=$!
wait $p1
rc1=$?
wait $p2
rc2=$?
check_eq "two ups at once: both succeed" "$rc1 $rc2" "0 0"
[ "$rc1$rc2" != 00 ] && sed 's/^/#   /' race1.out race2.out
nets=$(docker network ls -q --filter "name=${T_PROJECT}_default" | wc -l |
  tr -d ' ')
check_eq "two ups at once: one network" "$nets" 1
names=$(docker ps -a --filter "label=com.docker.compose.project=$T_PROJECT" \
  --format '{{.Names}} {{.State}}' | sort)
check_eq "two ups at once: one running container per service" "$names" "$want"
check "down after the race" W down -t 0
nets=$(docker network ls -q --filter "name=${T_PROJECT}_default" | wc -l |
  tr -d ' ')
check_eq "down leaves no network" "$nets" 0
