# Engine discovery for the test suite (sourced). Finds the engine as the
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
  setsid dockerd --storage-driver=vfs --data-root "$d/data" \
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
  if docker image inspect "$WCOMPOSE_TEST_BUSYBOX" >/dev/null 2>&1; then
    return 0
  fi
  ctx=$(mktemp -d /tmp/wcompose-bb.XXXXXX)
  cp /bin/busybox "$ctx/busybox"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nCMD ["sh"]\n' \
    >"$ctx/Dockerfile"
  docker build -q -t "$WCOMPOSE_TEST_BUSYBOX" "$ctx" >/dev/null
  rc=$?
  rm -rf "$ctx"
  WCOMPOSE_BUILT_BUSYBOX=1
  return $rc
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
