#!/bin/sh
# stack: `wcompose stack` on a real 3-node swarm (tests/lib/swarm.sh: three
# private engines in network namespaces, a local registry). Deploy of a
# multi-service file (overlay network, DNS between services, replicas
# spread over the nodes, a host-mode port answering with endpoint_mode
# dnsrr: this kernel has no IPVS, so no routing mesh and no VIPs; configs
# and secrets readable in the tasks); `docker stack` sees it; an unchanged
# re-deploy makes no update; a changed image rolls out per update_config
# (order and parallelism seen in the task timestamps); a stopped node's
# tasks run elsewhere; --prune removes a service gone from the file; `stack
# rm` leaves nothing. Timings (and, with STACK_BENCH=1, those of `docker
# stack deploy` of the same file) are printed as comments.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/swarm.sh"
cd "$T_TMP" || exit 1
trap 'swarm_down; t_finish' EXIT
swarm_up
rc=$?
if [ $rc = 77 ]; then
  trap - EXIT
  rm -rf "$T_TMP"
  exit 77
fi
if [ $rc != 0 ]; then
  t_fail "a 3-node swarm starts" "$(tail -5 "$SWARM_DIR"/n*/log 2>/dev/null)"
  exit 1
fi
t_ok "a 3-node swarm with a registry"
NS=$T_PROJECT
ms() { date +%s%N | cut -c1-13; }

echo "hello config" >app.conf
export TOKEN=s3cret
write_file() { # IMAGE PORT
  cat >compose.yaml <<EOF
services:
  web:
    image: $1
    command: ["sh", "-c", "mkdir -p /w && cat /app.conf /run/secrets/token > /w/index.html && exec httpd -f -p 80 -h /w"]
    ports: [{target: 80, published: $2, mode: host}]
    configs: [{source: conf, target: /app.conf}]
    secrets: [token]
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      update_config: {parallelism: 2, delay: 1s, order: stop-first}
      restart_policy: {condition: any, delay: 0s}
  worker:
    image: $1
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      placement: {preferences: [{spread: node.id}]}
      restart_policy: {condition: any, delay: 0s}
  client:
    image: $1
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    depends_on: [web]
    deploy:
      endpoint_mode: dnsrr
configs:
  conf: {file: ./app.conf}
secrets:
  token: {file: ./token}
EOF
}
printf s3cret >token
write_file "$SWARM_IMAGE_V1" 8080

running() { # STACK: running tasks whose desired state is running
  ids=$(docker service ls -q --filter "label=com.docker.stack.namespace=$1")
  [ -n "$ids" ] || { echo 0; return; }
  docker service ps -q --filter desired-state=running $ids |
    xargs -r docker inspect --format '{{.Status.State}}' | grep -c '^running$'
}
all_running() { [ "$(running "$1")" = "$2" ]; }

# --- the same file with docker stack deploy, for the numbers (STACK_BENCH=1;
# first, on the same three nodes with the same images already pulled) ---
if [ -n "${STACK_BENCH:-}" ]; then
  sed 's/^services:/version: "3.8"\nservices:/; s/depends_on: \[web\]//' \
    compose.yaml | sed 's/published: 8080/published: 8081/' >docker.yaml
  t0=$(ms)
  docker stack deploy -c docker.yaml "${NS}d" >/dev/null 2>&1
  wait_until 120 all_running "${NS}d" 7
  echo "# docker stack deploy to 7 running tasks: $(($(ms) - t0)) ms"
  docker stack rm "${NS}d" >/dev/null 2>&1
  gone() { [ -z "$(swarm_dock 1 ps -aq; swarm_dock 2 ps -aq; swarm_dock 3 ps -aq;
    docker network ls -q --filter "label=com.docker.stack.namespace=${NS}d")" ]; }
  wait_until 60 gone
fi

# --- deploy ---
t0=$(ms)
out=$("$WCOMPOSE" stack deploy --detach=false "$NS" 2>&1)
rc=$?
t1=$(ms)
check_eq "stack deploy --detach=false converges" "$rc" 0
[ $rc = 0 ] || echo "$out" | sed 's/^/#   /'
echo "# wcompose stack deploy to 7 running tasks: $((t1 - t0)) ms"
check_eq "every task runs when deploy returns" "$(running "$NS")" 7
check_match "depends_on is warned about at its position" "$out" \
  "compose.yaml:[0-9]+:5: services.client.depends_on: not supported by swarm"
check_eq "the default network is an overlay network" \
  "$(docker network inspect -f '{{.Driver}} {{.Scope}}' "${NS}_default")" \
  "overlay swarm"
nodes=$(docker service ps -q --filter desired-state=running "${NS}_worker" |
  xargs docker inspect --format '{{.NodeID}}' | sort -u | wc -l)
check_eq "worker replicas spread over the three nodes" "$nodes" 3
nodes=$(docker service ps -q --filter desired-state=running "${NS}_web" |
  xargs docker inspect --format '{{.NodeID}}' | sort -u | wc -l)
check_eq "web (a host-mode port) runs once per node" "$nodes" 3
want=$(printf 'hello config\ns3cret')
for n in 1 2 3; do
  got=$(curl -s --max-time 5 "http://$SWARM_NET.$n:8080/")
  check_eq "node $n's host-mode port answers with the config and the secret" \
    "$got" "$want"
done
# DNS between services: from the client's container, on whichever node
task=$(docker service ps -q --filter desired-state=running "${NS}_client")
cid=$(docker inspect --format '{{.Status.ContainerStatus.ContainerID}}' "$task")
host=$(docker node inspect --format '{{.Description.Hostname}}' \
  "$(docker inspect --format '{{.NodeID}}' "$task")")
n=${host#node}
got=$(swarm_dock "$n" exec "$cid" timeout 5 wget -qO- http://web/ 2>&1)
check_eq "the client reaches web by name over the overlay" "$got" "$want"
ips=$(swarm_dock "$n" exec "$cid" nslookup web 2>/dev/null |
  grep -c "^Address.*10\.")
check_eq "web resolves to its three tasks (dnsrr)" "$ips" 3
check_match "docker stack ps sees the stack" \
  "$(docker stack ps "$NS" 2>&1)" "${NS}_web\.1 .*Running"
check_match "wcompose stack services shows the replicas" \
  "$("$WCOMPOSE" stack services "$NS" 2>&1)" "${NS}_web +replicated +3/3"
check_match "wcompose stack ls lists it" "$("$WCOMPOSE" stack ls 2>&1)" \
  "^$NS +3$"

# --- an unchanged re-deploy ---
before=$(docker service inspect -f '{{.Version.Index}}' "${NS}_web" \
  "${NS}_worker" "${NS}_client")
t0=$(ms)
out=$("$WCOMPOSE" stack deploy "$NS" 2>&1)
t1=$(ms)
echo "# re-deploy, nothing changed: $((t1 - t0)) ms"
after=$(docker service inspect -f '{{.Version.Index}}' "${NS}_web" \
  "${NS}_worker" "${NS}_client")
check_eq "an unchanged re-deploy makes no update" "$after" "$before"
check_eq "and says so per service" \
  "$(echo "$out" | grep -c 'Service .* Unchanged')" 3

# --- a changed image rolls out: stop-first, two at a time, 1 s apart ---
write_file "$SWARM_IMAGE_V2" 8080
out=$("$WCOMPOSE" stack deploy --detach=false "$NS" 2>&1)
rc=$?
check_eq "the changed stack converges" "$rc" 0
[ $rc = 0 ] || echo "$out" | tail -5 | sed 's/^/#   /'
check_eq "the services of the changed image were updated" \
  "$(echo "$out" | grep -c 'Service .* Updated')" 3
# per task: slot, image, created and last change (running, or shut down)
# in ms (printf: mawk prints a number this large as 1.79623e+12)
docker service ps -q "${NS}_web" | xargs docker inspect --format \
  '{{.Slot}} {{.Spec.ContainerSpec.Image}} {{.CreatedAt.UnixNano}} {{.Status.Timestamp.UnixNano}}' |
  awk '{printf "%s %s %.0f %.0f\n", $1, ($2 ~ /:v2@/ ? "new" : "old"),
    int($3 / 1e6), int($4 / 1e6)}' |
  sort -k3n >tasks.txt
# stop-first: a slot's old task stopped before its new one ran
order=$(awk '$2 == "old" {stop[$1] = $4} $2 == "new" {run[$1] = $4}
  END {for (s in run) if (stop[s] > run[s]) print "slot " s}' tasks.txt)
check_eq "stop-first: each slot's old task stopped before its new one ran" \
  "$order" ""
# parallelism 2, delay 1 s: the new tasks come in batches of two; a batch
# starts a second after the one before runs. By order, not by how close
# together: a task created before any task of the current batch ran is of
# that batch; one created after is of the next, and must be a second later
# at least (the delay is swarm's, a lower bound however loaded the
# machine); one in between (+100) broke the delay
batches=$(awk 'BEGIN {n = 0} $2 == "new" {c[n] = $3; r[n] = $4; n++}
  END {b = 1; ran = r[0]
       for (i = 1; i < n; i++)
         if (c[i] <= ran) { if (r[i] < ran) ran = r[i] }
         else if (c[i] >= ran + 1000) { b++; ran = r[i] }
         else b += 100
       print b}' tasks.txt)
check_eq "parallelism 2, delay 1 s: two batches of new tasks (2 + 1)" \
  "$batches" 2
check_eq "three new web tasks" "$(grep -c new tasks.txt)" 3
[ "$batches" = 2 ] && [ -z "$order" ] || sed 's/^/#   /' tasks.txt

# --- a node is lost ---
victim=3
vid=$(docker node ls --format '{{.ID}} {{.Hostname}}' | awk '$2 == "node3" {print $1}')
had=$(docker service ps -q --filter desired-state=running "${NS}_worker" |
  xargs docker inspect --format '{{.NodeID}}' | grep -c "$vid")
t0=$(ms)
swarm_node_stop $victim
moved() {
  [ "$(docker service ps -q --filter desired-state=running "${NS}_worker" |
    xargs docker inspect --format '{{.Status.State}} {{.NodeID}}' |
    grep '^running' | grep -vc "$vid")" = 3 ]
}
if wait_until 60 moved; then
  t_ok "node 3 stopped: the worker's task ($had there) runs elsewhere"
else
  t_fail "node 3 stopped: the worker's tasks run elsewhere" \
    "$(docker service ps "${NS}_worker" 2>&1)"
fi
echo "# node loss to 3/3 workers running on the other nodes: $(($(ms) - t0)) ms"
check_match "the node is seen down" \
  "$(docker node ls --format '{{.Hostname}} {{.Status}}')" "node3 Down"

# --- --prune: a service gone from the file goes from the swarm ---
awk '/^  client:/ {skip = 1} /^configs:/ {skip = 0} !skip' compose.yaml >c2.yaml
out=$("$WCOMPOSE" -f c2.yaml stack deploy --prune "$NS" 2>&1)
check_eq "deploy --prune succeeds" "$?" 0
check_eq "the service no longer in the file is removed, the others kept" \
  "$(docker service ls --format '{{.Name}}' \
    --filter "label=com.docker.stack.namespace=$NS" | sort | tr '\n' ' ')" \
  "${NS}_web ${NS}_worker "
check_eq "and nothing else was updated" \
  "$(echo "$out" | grep -c 'Service .* Unchanged')" 2

# --- rm ---
out=$("$WCOMPOSE" stack rm "$NS" 2>&1)
check_eq "stack rm succeeds" "$?" 0
[ -n "$out" ] || true
left() {
  docker service ls -q --filter "label=com.docker.stack.namespace=$NS"
  docker network ls -q --filter "label=com.docker.stack.namespace=$NS"
  docker config ls -q --filter "label=com.docker.stack.namespace=$NS"
  docker secret ls -q --filter "label=com.docker.stack.namespace=$NS"
  for n in 1 2; do swarm_dock $n ps -aq; done
}
nothing_left() { [ -z "$(left)" ]; }
if wait_until 30 nothing_left; then
  t_ok "stack rm leaves nothing (services, networks, configs, secrets, containers)"
else
  t_fail "stack rm leaves nothing" "$(left)"
fi

