# Shared setup of the lifecycle scenarios (sourced after tests/lib/common.sh):
# the busybox test image, and a project directory in $T_TMP.
if [ -z "${WCOMPOSE_TEST_BUSYBOX:-}" ]; then
  # run by hand: a fixed tag, reused from run to run
  WCOMPOSE_TEST_BUSYBOX=wcompose-test-busybox:manual
  . "$TOP_SRCDIR/tests/lib/images.sh"
  . "$TOP_SRCDIR/tests/lib/engine.sh"
  busybox_image_ensure || exit 99
fi
BB=$WCOMPOSE_TEST_BUSYBOX
W() { "$WCOMPOSE" -p "$T_PROJECT" --progress plain "$@"; }
cd "$T_TMP" || exit 99
# a free-looking host port per test run
T_PORT=$((20000 + $$ % 20000))
