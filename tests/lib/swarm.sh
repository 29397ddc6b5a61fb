# A real 3-node Docker Swarm on this machine, for the stack tests (sourced).
# Three private dockerds, each in a network namespace of its own with an
# address on a private bridge (in a hub namespace, so the system engine's
# FORWARD chain never sees the packets), a local registry (Debian's
# docker-registry) on the root side of the hub, and a busybox image pushed
# to it in two versions. The system engine is never touched.
#
#   swarm_up            start it; exports SWARM_DIR, SWARM_REG (registry
#                       host:port), SWARM_IMAGE_V1/V2, SWARM_NODE_IP_1..3,
#                       DOCKER_HOST (node 1, the manager). Returns 77 with
#                       a message when namespaces cannot be made here.
#   swarm_node_stop N   stop node N's dockerd (its tasks go elsewhere)
#   swarm_in_node N CMD run CMD in node N's network namespace
#   swarm_down          remove everything; safe after any failure, twice
#
# Call swarm_down from a trap: it kills what the engines left (shims,
# containers) by the cgroups they were put in, removes namespaces, veths,
# cgroups and the data.

SWARM_ID=wcsw$$
SWARM_K=$(($$ % 200 + 20))
SWARM_NET=10.231.$SWARM_K
SWARM_REG=$SWARM_NET.254:5000
SWARM_NODES="1 2 3"

swarm_log() { echo "swarm.sh: $*" >&2; }
swarm_t() { # a timestamped step, when SWARM_TRACE is set
  [ -z "${SWARM_TRACE:-}" ] || swarm_log "$(date +%s.%N | cut -c1-14) $*"
}

swarm_dock() { # N args...
  _n=$1
  shift
  docker -H "unix://$SWARM_DIR/n$_n/docker.sock" "$@"
}

swarm_in_node() { # N cmd...
  _n=$1
  shift
  ip netns exec "$SWARM_ID-n$_n" "$@"
}

swarm_wait() { # seconds cmd...: poll cmd until it succeeds
  _end=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$_end" ] && return 1
    sleep 0.1
  done
}

# The cgroup (v1 controllers or the v2 tree) of node N's processes.
swarm_cgroups() {
  find /sys/fs/cgroup -maxdepth 2 -type d -name "$SWARM_ID-*" 2>/dev/null
}

swarm_start_node() { # N
  _n=$1
  _d=$SWARM_DIR/n$_n
  mkdir -p "$_d"
  for _c in /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/cpu \
    /sys/fs/cgroup/freezer /sys/fs/cgroup/unified; do
    [ -d "$_c" ] && mkdir -p "$_c/$SWARM_ID-n$_n-d"
  done
  cat >"$_d/daemon.json" <<EOF
{"data-root": "$_d/data", "exec-root": "$_d/x", "pidfile": "$_d/pid",
 "hosts": ["unix://$_d/docker.sock"], "storage-driver": "$SWARM_STORAGE",
 "insecure-registries": ["$SWARM_REG"], "cgroup-parent": "$SWARM_ID-n$_n-c",
 "exec-opts": ["native.cgroupdriver=cgroupfs"], "dns": ["$SWARM_NET.254"],
 "shutdown-timeout": 2, "log-level": "warn"}
EOF
  # the dockerd and all it starts live in the node's cgroups, so teardown
  # finds its shims even after a SIGKILL
  setsid nsenter --net="/run/netns/$SWARM_ID-n$_n" unshare --mount --uts \
    --propagation slave sh -c "
      for c in /sys/fs/cgroup/*/$SWARM_ID-n$_n-d; do echo \$\$ > \$c/cgroup.procs; done
      hostname node$_n
      mkdir -p $_d/cg && mount --rbind /sys/fs/cgroup $_d/cg &&
      mount -t sysfs sysfs /sys && mount --move $_d/cg /sys/fs/cgroup &&
      exec dockerd --config-file $_d/daemon.json" >"$_d/log" 2>&1 </dev/null &
}

swarm_up() {
  if [ "$(id -u)" != 0 ] || ! command -v dockerd >/dev/null ||
    ! ip netns add "$SWARM_ID-probe" 2>/dev/null; then
    swarm_log "SKIP: cannot create network namespaces here (needs root, ip netns, dockerd)"
    return 77
  fi
  ip netns del "$SWARM_ID-probe"
  SWARM_DIR=$(mktemp -d /tmp/wcsw.XXXXXX)
  export SWARM_DIR SWARM_REG
  SWARM_STORAGE=overlay2
  # the hub: a bridge in a namespace of its own
  ip netns add "$SWARM_ID-hub" &&
    ip -n "$SWARM_ID-hub" link add br0 type bridge &&
    ip -n "$SWARM_ID-hub" link set br0 up &&
    ip -n "$SWARM_ID-hub" link set lo up || return 1
  for n in $SWARM_NODES; do
    ip netns add "$SWARM_ID-n$n" &&
      ip link add "$SWARM_ID-h$n" type veth peer name "$SWARM_ID-e$n" &&
      ip link set "$SWARM_ID-h$n" netns "$SWARM_ID-hub" &&
      ip link set "$SWARM_ID-e$n" netns "$SWARM_ID-n$n" &&
      ip -n "$SWARM_ID-hub" link set "$SWARM_ID-h$n" master br0 up &&
      ip -n "$SWARM_ID-n$n" link set "$SWARM_ID-e$n" name eth0 &&
      ip -n "$SWARM_ID-n$n" addr add "$SWARM_NET.$n/24" dev eth0 &&
      ip -n "$SWARM_ID-n$n" link set eth0 up &&
      ip -n "$SWARM_ID-n$n" link set lo up || return 1
    eval "SWARM_NODE_IP_$n=$SWARM_NET.$n"
    export "SWARM_NODE_IP_$n"
  done
  # the root side: the registry and the test's own checks
  ip link add "$SWARM_ID-r" type veth peer name "$SWARM_ID-rh" &&
    ip link set "$SWARM_ID-rh" netns "$SWARM_ID-hub" &&
    ip -n "$SWARM_ID-hub" link set "$SWARM_ID-rh" master br0 up &&
    ip addr add "$SWARM_NET.254/24" dev "$SWARM_ID-r" &&
    ip link set "$SWARM_ID-r" up || return 1
  cat >"$SWARM_DIR/registry.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $SWARM_DIR/registry}}
http: {addr: "$SWARM_REG"}
EOF
  setsid docker-registry serve "$SWARM_DIR/registry.yml" \
    >"$SWARM_DIR/registry.log" 2>&1 </dev/null &
  echo $! >"$SWARM_DIR/registry.pid"
  swarm_t namespaces
  for n in $SWARM_NODES; do swarm_start_node "$n"; done
  for n in $SWARM_NODES; do
    swarm_wait 30 swarm_dock "$n" version || {
      swarm_log "node $n did not answer:"
      tail -5 "$SWARM_DIR/n$n/log" >&2
      return 1
    }
  done
  swarm_t engines answer
  swarm_dock 1 swarm init --advertise-addr "$SWARM_NET.1" \
    --listen-addr "$SWARM_NET.1:2377" --default-addr-pool 10.232.0.0/16 \
    --dispatcher-heartbeat 1s >/dev/null || return 1
  _tok=$(swarm_dock 1 swarm join-token -q worker) || return 1
  for n in 2 3; do
    swarm_dock "$n" swarm join --advertise-addr "$SWARM_NET.$n" \
      --token "$_tok" "$SWARM_NET.1:2377" >/dev/null || return 1
  done
  swarm_t joined
  # two versions of a busybox image (imported: no build container), pushed
  SWARM_IMAGE_V1=$SWARM_REG/busybox:v1
  SWARM_IMAGE_V2=$SWARM_REG/busybox:v2
  export SWARM_IMAGE_V1 SWARM_IMAGE_V2
  _r=$SWARM_DIR/rootfs
  mkdir -p "$_r/bin" "$_r/etc" "$_r/tmp" && cp /bin/busybox "$_r/bin/" &&
    for _a in $(/bin/busybox --list); do
      [ "$_a" = busybox ] || ln -sf busybox "$_r/bin/$_a"
    done &&
    tar -C "$_r" -c . | swarm_dock 1 import -c 'CMD ["sh"]' - \
      "$SWARM_IMAGE_V1" >/dev/null &&
    echo 2 >"$_r/etc/image-version" &&
    tar -C "$_r" -c . | swarm_dock 1 import -c 'CMD ["sh"]' - \
      "$SWARM_IMAGE_V2" >/dev/null || return 1
  swarm_t imported
  swarm_wait 10 curl -sf "http://$SWARM_REG/v2/" || return 1
  swarm_t registry answers
  swarm_dock 1 push -q "$SWARM_IMAGE_V1" >/dev/null &&
    swarm_dock 1 push -q "$SWARM_IMAGE_V2" >/dev/null || return 1
  # every node has the first version already, so deploys time the swarm,
  # not the copying of images
  swarm_dock 2 pull -q "$SWARM_IMAGE_V1" >/dev/null &&
    swarm_dock 3 pull -q "$SWARM_IMAGE_V1" >/dev/null || return 1
  swarm_t pushed
  swarm_wait 20 swarm_all_ready || return 1
  swarm_t ready
  export DOCKER_HOST="unix://$SWARM_DIR/n1/docker.sock"
}

swarm_all_ready() {
  [ "$(swarm_dock 1 node ls --format '{{.Status}}' | grep -c Ready)" = 3 ]
}

swarm_node_stop() { # N
  _p=$(cat "$SWARM_DIR/n$1/pid" 2>/dev/null) || return 1
  kill "$_p" 2>/dev/null
  swarm_wait 20 sh -c "! kill -0 $_p"
}

swarm_down() {
  [ -n "${SWARM_DIR:-}" ] || return 0
  for n in $SWARM_NODES; do
    _p=$(cat "$SWARM_DIR/n$n/pid" 2>/dev/null) && kill "$_p" 2>/dev/null
  done
  for n in $SWARM_NODES; do
    _p=$(cat "$SWARM_DIR/n$n/pid" 2>/dev/null) &&
      swarm_wait 10 sh -c "! kill -0 $_p"
  done
  [ -f "$SWARM_DIR/registry.pid" ] && kill "$(cat "$SWARM_DIR/registry.pid")" 2>/dev/null
  # whatever is left in the nodes' cgroups (shims, containers, a dockerd
  # that would not stop), deepest first
  for _i in 1 2 3; do
    for _c in $(swarm_cgroups); do
      find "$_c" -name cgroup.procs -exec cat {} + 2>/dev/null |
        xargs -r kill -9 2>/dev/null
    done
    sleep 0.2
  done
  for _c in $(swarm_cgroups); do
    find "$_c" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  for n in $SWARM_NODES; do ip netns del "$SWARM_ID-n$n" 2>/dev/null; done
  ip netns del "$SWARM_ID-hub" 2>/dev/null
  ip link del "$SWARM_ID-r" 2>/dev/null
  rm -rf "$SWARM_DIR"
  SWARM_DIR=
}
