# The runner helper's sources and tests: the blog sample end to end, the
# one-off `run` command (stdin forwarded), and `exec` in a running container.
TESTS += tests/engine/blog-sample.sh
wcompose_SOURCES += src/cli/cmd-run.c src/cli/cmd-pull.c \
  src/cli/cmd-exec.c
TESTS += tests/engine/run.sh tests/engine/run-stdin.sh tests/engine/pull.sh \
  tests/engine/pull-registry.sh tests/engine/exec.sh
