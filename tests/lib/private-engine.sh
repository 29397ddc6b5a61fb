# A private engine beside the machine's, for tests that stop and restart
# it (sourced). It runs in network, mount and UTS namespaces of its own, so
# that its bridge and iptables chains leave the main engine's alone; its
# socket, data and exec roots live under one temp dir. (No cgroup parent of
# its own: with one, a live-restore engine's containers died with it.)
#
#   pe_start DIR [DOCKERD-OPTION...]   start (or start again) on DIR; waits
#                                      until it answers (60 s at most)
#   pe_stop DIR                        SIGTERM, then wait until it is gone
#   pe_host DIR                        its DOCKER_HOST
#   pe_release DIR                     start it when stopped, remove its
#                                      containers, stop it, rm DIR

pe_host() { echo "unix://$1/docker.sock"; }

pe_answers() {
  DOCKER_HOST=$(pe_host "$1") timeout 10 docker version \
    --format '{{.Server.APIVersion}}' >/dev/null 2>&1
}

pe_start() {
  _pe_d=$1
  shift
  command -v dockerd >/dev/null 2>&1 || return 1
  command -v unshare >/dev/null 2>&1 || return 1
  [ -f "$_pe_d/daemon.json" ] || echo '{}' >"$_pe_d/daemon.json"
  setsid unshare --net --mount --uts --propagation slave sh -c '
    d=$1
    shift
    ip link set lo up
    exec dockerd --config-file "$d/daemon.json" --storage-driver=vfs \
      --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/pid" \
      -H "unix://$d/docker.sock" "$@"
  ' sh "$_pe_d" "$@" >>"$_pe_d/log" 2>&1 </dev/null &
  _pe_end=$(($(date +%s) + 60))
  until pe_answers "$_pe_d"; do
    if [ "$(date +%s)" -ge $_pe_end ]; then
      echo "private-engine.sh: dockerd did not answer in 60 s:" >&2
      tail -20 "$_pe_d/log" >&2
      return 1
    fi
    sleep 0.5
  done
}

pe_pid() { cat "$1/pid" 2>/dev/null; }

pe_stop() {
  _pe_p=$(pe_pid "$1")
  [ -n "$_pe_p" ] || return 0
  kill "$_pe_p" 2>/dev/null
  _pe_i=0
  while kill -0 "$_pe_p" 2>/dev/null && [ $_pe_i -lt 300 ]; do
    sleep 0.2
    _pe_i=$((_pe_i + 1))
  done
  ! kill -0 "$_pe_p" 2>/dev/null
}

pe_release() {
  [ -n "$1" ] && [ -d "$1" ] || return 0
  # its containers go with the engine that knows them (a live-restore
  # engine stopped left them running)
  pe_answers "$1" || pe_start "$1" >/dev/null 2>&1
  if pe_answers "$1"; then
    _pe_ids=$(DOCKER_HOST=$(pe_host "$1") docker ps -aq)
    [ -n "$_pe_ids" ] &&
      DOCKER_HOST=$(pe_host "$1") docker rm -f $_pe_ids >/dev/null 2>&1
  fi
  pe_stop "$1"
  umount -R "$1/exec" 2>/dev/null
  umount -R "$1/data" 2>/dev/null
  rm -rf "$1" 2>/dev/null || true
}
