# Scenarios against the real engine (each skips, exit 77, when none
# answers; scripts/test.sh makes sure one does).
check_PROGRAMS += tests/engine/api-test
TESTS += tests/engine/api-test
tests_engine_api_test_SOURCES = tests/engine/api-test.c

TESTS += tests/engine/endpoints.sh tests/engine/up-down.sh \
  tests/engine/up-attached.sh tests/engine/up-errors.sh \
  tests/engine/up-build.sh tests/engine/memory.sh tests/engine/depends.sh \
  tests/engine/watch.sh tests/engine/views.sh tests/engine/logs-follow.sh \
  tests/engine/blog-sample.sh tests/engine/run.sh tests/engine/run-stdin.sh \
  tests/engine/pull.sh tests/engine/pull-registry.sh tests/engine/exec.sh \
  tests/engine/converge-crash.sh tests/engine/watch-cycles.sh \
  tests/engine/exec-tty.sh tests/engine/attach.sh tests/engine/cp.sh \
  tests/engine/stats.sh tests/engine/build-args.sh tests/engine/hooks.sh \
  tests/engine/newer-fields.sh tests/engine/stack.sh \
  tests/engine/watch-channel.sh tests/engine/completion.sh \
  tests/engine/plugin.sh tests/engine/engine-restart.sh \
  tests/engine/tls.sh tests/engine/context.sh \
  tests/engine/compose-interop.sh tests/engine/wait-scale.sh \
  tests/engine/recreate.sh tests/engine/swap-crash.sh \
  tests/engine/interrupt.sh
