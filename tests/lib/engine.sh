# Engine discovery for the test suite (sourced; needs tests/lib/images.sh
# sourced first). Finds the engine as the
# docker CLI does (DOCKER_HOST, else /var/run/docker.sock); when none
# answers, starts a private dockerd under a temp dir. engine_release stops
# what engine_ensure started and removes the base images the run built.

engine_answers() {
  timeout 10 docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
}

engine_ensure() {
  WCOMPOSE_PRIVATE_ENGINE=
  if engine_answers; then
    return 0
  fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    echo "engine.sh: DOCKER_HOST=$DOCKER_HOST does not answer" >&2
    return 1
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "engine.sh: no engine answers and dockerd is not installed" >&2
    return 1
  fi
  d=$(mktemp -d /tmp/wcompose-engine.XXXXXX)
  # an empty config file: the machine's daemon.json may set the same
  # options, which dockerd refuses to take twice
  echo '{}' >"$d/daemon.json"
  setsid dockerd --config-file "$d/daemon.json" --storage-driver=vfs --data-root "$d/data" \
    --exec-root "$d/exec" --pidfile "$d/pid" -H "unix://$d/docker.sock" \
    >"$d/log" 2>&1 </dev/null &
  export DOCKER_HOST="unix://$d/docker.sock"
  WCOMPOSE_PRIVATE_ENGINE=$d
  i=0
  until engine_answers; do
    i=$((i + 1))
    if [ $i -gt 60 ]; then
      echo "engine.sh: private dockerd did not answer in 60 s:" >&2
      tail -20 "$d/log" >&2
      return 1
    fi
    sleep 1
  done
  echo "engine.sh: started a private engine at $DOCKER_HOST" >&2
}

# The busybox base every engine test builds on: FROM scratch plus Debian's
# static busybox. Built once per run under a run-specific tag.
busybox_image_ensure() {
  : "${WCOMPOSE_TEST_BUSYBOX:=wcompose-test-busybox:$$}"
  export WCOMPOSE_TEST_BUSYBOX
  images_have "$WCOMPOSE_TEST_BUSYBOX" && return 0
  busybox_ensure "$WCOMPOSE_TEST_BUSYBOX" || return 1
  WCOMPOSE_BUILT_BUSYBOX=1
}

engine_release() {
  if [ -n "${WCOMPOSE_BUILT_BUSYBOX:-}" ]; then
    docker image rm -f "$WCOMPOSE_TEST_BUSYBOX" >/dev/null 2>&1 || true
  fi
  if [ -n "${WCOMPOSE_PRIVATE_ENGINE:-}" ]; then
    kill "$(cat "$WCOMPOSE_PRIVATE_ENGINE/pid" 2>/dev/null)" 2>/dev/null
    i=0
    while [ -f "$WCOMPOSE_PRIVATE_ENGINE/pid" ] && [ $i -lt 30 ]; do
      sleep 1
      i=$((i + 1))
    done
    rm -rf "$WCOMPOSE_PRIVATE_ENGINE" 2>/dev/null || true
  fi
}
