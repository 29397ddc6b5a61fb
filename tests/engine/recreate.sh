#!/bin/sh
# Recreate safely: a changed service gets its replacement under a temporary
# name, then the old container runs its pre_stop hook, is stopped and
# removed, and the new one renamed; its anonymous volume carries over (fresh
# with -V); a create the engine refuses leaves the old container running;
# services in its network namespace or with its volumes are recreated with
# it, and a restart: true dependent is restarted. down -v removes the
# carried-over volumes.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

# compose V [EXTRA-LINE-FOR-x]
compose() {
  cat >compose.yaml <<YAML
services:
  x:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    environment:
      V: "$1"
    volumes: [/data]
    pre_stop:
      - command: ["sh", "-c", "echo bye >>/data/stops"]
$2
  n:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    network_mode: service:x
  v:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    volumes_from: [x]
  r:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    depends_on:
      x: {condition: service_started, restart: true}
YAML
}

P=$T_PROJECT
id() { docker inspect --format '{{.Id}}' "$P-$1-1" 2>/dev/null; }
running() { docker inspect --format '{{.State.Running}}' "$P-$1-1" 2>/dev/null; }
started() { docker inspect --format '{{.State.StartedAt}}' "$P-$1-1" 2>/dev/null; }
anon() {
  docker inspect --format \
    '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Name}}{{end}}{{end}}' \
    "$P-$1-1" 2>/dev/null
}
netns() { docker exec "$P-$1-1" readlink /proc/1/ns/net 2>&1; }
count() {
  docker ps -aq --filter "label=com.docker.compose.project=$P" | wc -l
}
# Anonymous volumes carry no project label: the sweep of common.sh does not
# see them. On the way out, whatever wcompose left fails the test, then the
# containers go with their volumes and the recorded volumes after them.
vols=""
recreate_finish() {
  left=$(project_leftovers "$P" 2>/dev/null)
  if [ -n "$left" ]; then
    t_fail "nothing left by wcompose" "$left"
    ids=$(docker ps -aq --filter "label=com.docker.compose.project=$P")
    [ -n "$ids" ] && docker rm -fv $ids >/dev/null 2>&1
  fi
  for v in $vols; do docker volume rm -f "$v" >/dev/null 2>&1; done
  t_finish
}
trap recreate_finish EXIT

compose 1
out=$(W up -d 2>&1)
check_eq "up -d succeeds" "$?" 0
check "x writes into its anonymous volume" \
  docker exec "$P-x-1" sh -c 'echo kept >/data/f'
x1=$(id x) n1=$(id n) v1=$(id v) r1=$(id r)
vol1=$(anon x)
vols="$vol1"
rs1=$(started r)
check "x has an anonymous volume at /data" test -n "$vol1"

# a changed environment: x replaced, its dependents follow
compose 2
out=$(W up -d 2>&1)
check_eq "up -d after a change succeeds" "$?" 0
check_match "x recreated" "$out" "Container $P-x-1  Recreated"
x2=$(id x)
check "x replaced (a new id under the same name)" \
  test -n "$x2" -a "$x2" != "$x1"
check_eq "x running" "$(running x)" true
check_eq "the replacement's environment" \
  "$(docker exec "$P-x-1" sh -c 'echo $V' 2>&1)" 2
check_eq "the anonymous volume carried over" "$(anon x)" "$vol1"
check_eq "the file written before survives" \
  "$(docker exec "$P-x-1" cat /data/f 2>&1)" kept
check_eq "the old x's pre_stop hook ran before its stop" \
  "$(docker exec "$P-x-1" cat /data/stops 2>&1)" bye
check_eq "no temporary name left" \
  "$(docker ps -a --format '{{.Names}}' --filter "name=_$P-" | wc -l)" 0
check_eq "four containers" "$(count)" 4
check "n (network_mode: service:x) recreated" test "$(id n)" != "$n1"
check "v (volumes_from: [x]) recreated" test "$(id v)" != "$v1"
check_eq "n running" "$(running n)" true
check_eq "v running" "$(running v)" true
check_eq "n in x's network namespace" "$(netns n)" "$(netns x)"
check_eq "v sees x's volume" \
  "$(docker exec "$P-v-1" cat /data/f 2>&1)" kept
check_eq "r (restart: true) kept its container" "$(id r)" "$r1"
check "r restarted (StartedAt changed)" test "$(started r)" != "$rs1"
check_eq "r running" "$(running r)" true

# the engine refuses the replacement: the old x stays, running, named
compose 3 "    mem_limit: 1m"
out=$(W up -d 2>&1)
rc=$?
check_match "the engine's reason is told" "$out" "[Mm]emory"
check "up with a create the engine refuses fails" test "$rc" -ne 0
check_eq "the old x kept" "$(id x)" "$x2"
check_eq "the old x still running" "$(running x)" true
check_eq "nothing more made" "$(count)" 4
check_eq "the old x was not stopped (no pre_stop ran)" \
  "$(docker exec "$P-x-1" cat /data/stops 2>&1)" bye

# down -v removes the carried-over anonymous volume too
out=$(W down -v 2>&1)
check_eq "down -v succeeds" "$?" 0
check "the carried-over volume is gone" \
  sh -c "! docker volume inspect '$vol1' >/dev/null 2>&1"

# -V: a fresh anonymous volume, the old one removed
cat >compose.yaml <<YAML
services:
  x:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    environment: {V: "1"}
    volumes: [/data]
YAML
W up -d >/dev/null 2>&1
check "x writes into its anonymous volume" \
  docker exec "$P-x-1" sh -c 'echo kept >/data/f'
vola=$(anon x)
sed -i 's/V: "1"/V: "2"/' compose.yaml
W up -d >/dev/null 2>&1
volb=$(anon x)
vols="$vols $vola $volb"
check_eq "carried over once more" "$volb" "$vola"
sed -i 's/V: "2"/V: "3"/' compose.yaml
out=$(W up -d -V 2>&1)
check_eq "up -d -V succeeds" "$?" 0
volc=$(anon x)
vols="$vols $volc"
check "-V: a fresh volume" test -n "$volc" -a "$volc" != "$vola"
check_eq "-V: the file is gone" \
  "$(docker exec "$P-x-1" sh -c 'cat /data/f 2>/dev/null || echo none')" none
check "-V: the old volume removed" \
  sh -c "! docker volume inspect '$vola' >/dev/null 2>&1"
W down -v >/dev/null 2>&1
check "down -v: the fresh volume removed" \
  sh -c "! docker volume inspect '$volc' >/dev/null 2>&1"
left=""
for v in $vols; do
  docker volume inspect "$v" >/dev/null 2>&1 && left="$left $v"
done
check_eq "no anonymous volume left" "$left" ""
