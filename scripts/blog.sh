#!/bin/sh
# The main job: build wcompose and bring the blog sample up, watching
# (samples/blog-build-serve); the page is on http://localhost:8000.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
scripts/build.sh

# No engine answers (a fresh machine without a service manager): start the
# machine's own dockerd on its standard socket, as its service would, and
# leave it running for the blog. The vfs storage driver is the fallback
# where the default one cannot work (inside a container).
answers() { timeout 10 docker version >/dev/null 2>&1; }
start_dockerd() {
  setsid dockerd "$@" >>/var/log/wcompose-dockerd.log 2>&1 </dev/null &
  pid=$!
  i=0
  until answers; do
    i=$((i + 1))
    if [ $i -gt 30 ] || ! kill -0 $pid 2>/dev/null; then
      kill $pid 2>/dev/null || true
      wait $pid 2>/dev/null || true
      return 1
    fi
    sleep 1
  done
}
if ! answers && [ -z "${DOCKER_HOST:-}" ] && command -v dockerd >/dev/null; then
  echo "blog.sh: no engine answers; starting dockerd (log: /var/log/wcompose-dockerd.log)" >&2
  start_dockerd || start_dockerd --storage-driver=vfs || {
    echo "blog.sh: dockerd did not start; see /var/log/wcompose-dockerd.log" >&2
    exit 1
  }
fi
cd samples/blog-build-serve
if [ -x ./setup.sh ]; then ./setup.sh; fi
exec "$top/build/wcompose" up --build --watch "$@"
