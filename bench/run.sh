#!/bin/sh
# Benchmarks: wcompose against the compose implementations on this machine
# (Debian's docker-compose, and `docker compose` where installed), in one
# run, as ratios; writes doc/benchmarks.md.
#   sh bench/run.sh [--quick] [--out FILE]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
scripts/build.sh
. tests/lib/images.sh
. tests/lib/engine.sh
engine_ensure
busybox_image_ensure
trap engine_release EXIT
# The harness runs in the background so that a signal to this shell reaches
# it at once: it tears its projects down, then this shell releases the engine.
set +e
python3 bench/bench.py --wcompose "$top/build/wcompose" \
  --image "$WCOMPOSE_TEST_BUSYBOX" "$@" &
child=$!
trap 'kill -TERM $child 2>/dev/null' INT TERM HUP
status=0
wait $child || status=$?
# wait returns early when a trapped signal arrives: wait for the cleanup
while kill -0 $child 2>/dev/null; do
  wait $child
  status=$?
done
exit $status
