#!/bin/sh
# What an up killed (SIGKILL) in the middle of a recreate leaves, made
# deterministically with the docker CLI, then up -d: it converges to one
# container per replica under its canonical name, running the current
# config, and the up after that is a no-op.
#  (b) only the replacement, under its temporary name <12 hex>_<name>
#      (the old one removed, the rename not done);
#  (a) the replacement (current config, created) beside the old container
#      (old config, canonical name, running or stopped).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

P=$T_PROJECT
# compose V: two replicas of web with environment V
compose() {
  cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    scale: 2
    environment:
      V: "$1"
YAML
}
id() { docker inspect --format '{{.Id}}' "$1" 2>/dev/null; }
short() { printf '%s' "$1" | cut -c1-12; }
hash() {
  docker inspect --format \
    '{{index .Config.Labels "com.docker.compose.config-hash"}}' "$1" 2>/dev/null
}
env_v() { docker exec "$1" sh -c 'echo $V' 2>&1; }
# "name state" of every container of the project, sorted
names() {
  docker ps -a --filter "label=com.docker.compose.project=$P" \
    --format '{{.Names}} {{.State}}' | sort
}
want="$P-web-1 running
$P-web-2 running"

compose 1
out=$(W up -d 2>&1)
check_eq "up -d succeeds" "$?" 0
check_eq "two replicas" "$(names)" "$want"

# (b): replica 1 running under its temporary name, replica 2 stopped under
# it (the replacement's create answered, the old one removed, then the
# kill)
b1=$(id "$P-web-1") b2=$(id "$P-web-2")
docker stop -t 0 "$P-web-2" >/dev/null
docker rename "$P-web-1" "$(short "$b1")_$P-web-1"
docker rename "$P-web-2" "$(short "$b2")_$P-web-2"
check_eq "(b) made: no canonical name left" \
  "$(docker ps -a --filter "label=com.docker.compose.project=$P" \
    --format '{{.Names}}' | grep -c "^$P-")" 0
out=$(W up -d 2>&1)
rc=$?
check_eq "(b) up -d succeeds" "$rc" 0
[ $rc -ne 0 ] && printf '%s\n' "$out" | sed 's/^/#   /'
check_eq "(b) one running container per replica, canonical names" \
  "$(names)" "$want"
check_eq "(b) the same containers, renamed (not recreated)" \
  "$(id "$P-web-1") $(id "$P-web-2")" "$b1 $b2"
check_match "(b) progress tells the rename" "$out" \
  "Container $P-web-1  Renamed"
check_eq "(b) the config is the current one" \
  "$(env_v "$P-web-1") $(env_v "$P-web-2")" "1 1"
out=$(W up -d 2>&1)
check_eq "(b) the next up -d succeeds" "$?" 0
check_eq "(b) the next up -d changes nothing" \
  "$(id "$P-web-1") $(id "$P-web-2")" "$b1 $b2"
check "(b) the next up -d renames nothing" \
  sh -c "! printf '%s\n' \"\$1\" | grep -Eq 'Renamed|Recreated|Created'" \
  - "$out"

# (a): the config changed to V=2; the replacements are made by wcompose
# (create: current config, not started), the old containers of V=1 beside
# them under the canonical names, with the compose labels of the project and
# a stale config hash: replica 1's old one running, replica 2's stopped
compose 2
docker rm -f "$P-web-1" "$P-web-2" >/dev/null
out=$(W create 2>&1)
check_eq "(a) the replacements are created" "$?" 0
a1=$(id "$P-web-1") a2=$(id "$P-web-2")
h1=$(hash "$P-web-1")
# old N STATE: the old container of replica N, under its canonical name
old() {
  n=$1 state=$2
  docker rename "$P-web-$n" "swaptmp-$P-$n"
  labels=$(docker inspect --format \
    '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{"\n"}}{{end}}' \
    "swaptmp-$P-$n")
  set --
  while IFS= read -r l; do
    [ -n "$l" ] || continue
    case $l in
    com.docker.compose.config-hash=*) l=com.docker.compose.config-hash=stale ;;
    esac
    set -- "$@" --label "$l"
  done <<EOF
$labels
EOF
  docker create --name "$P-web-$n" "$@" -e V=1 --stop-signal SIGKILL \
    "$BB" sleep 300 >/dev/null
  docker start "$P-web-$n" >/dev/null
  [ "$state" = running ] || docker stop -t 0 "$P-web-$n" >/dev/null
  docker rename "swaptmp-$P-$n" "$(short "$(id "$P-web-$n")")_$P-web-$n"
}
old 1 running
old 2 exited
o1=$(id "$P-web-1") o2=$(id "$P-web-2")
check_eq "(a) made: old and replacement of each replica" \
  "$(names | sed 's/^[0-9a-f]\{12\}_/TMP_/' | LC_ALL=C sort)" \
  "TMP_$P-web-1 created
TMP_$P-web-2 created
$P-web-1 running
$P-web-2 exited"
check_eq "(a) made: the old ones run the old config" "$(env_v "$P-web-1")" 1
out=$(W up -d 2>&1)
rc=$?
check_eq "(a) up -d succeeds" "$rc" 0
[ $rc -ne 0 ] && printf '%s\n' "$out" | sed 's/^/#   /'
check_eq "(a) one running container per replica, canonical names" \
  "$(names)" "$want"
check_eq "(a) the replacements (current config) won" \
  "$(id "$P-web-1") $(id "$P-web-2")" "$a1 $a2"
check "(a) the old containers are gone" \
  sh -c "! docker inspect '$o1' >/dev/null 2>&1 &&
    ! docker inspect '$o2' >/dev/null 2>&1"
check_eq "(a) the config is the current one" \
  "$(env_v "$P-web-1") $(env_v "$P-web-2")" "2 2"
check_eq "(a) the current config hash" \
  "$(hash "$P-web-1") $(hash "$P-web-2")" "$h1 $h1"
out=$(W up -d 2>&1)
check_eq "(a) the next up -d succeeds" "$?" 0
check_eq "(a) the next up -d changes nothing" \
  "$(id "$P-web-1") $(id "$P-web-2")" "$a1 $a2"
check_eq "(a) still one running container per replica" "$(names)" "$want"

out=$(W down -t 0 2>&1)
rc=$?
check_eq "down succeeds" "$rc" 0
[ $rc -ne 0 ] && printf '%s\n' "$out" | sed 's/^/#   /'

