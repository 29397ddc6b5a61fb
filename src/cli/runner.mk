# The runner helper's sources and tests: the blog sample end to end, and
# the one-off `run` command.
TESTS += tests/engine/blog-sample.sh
wcompose_SOURCES += src/cli/cmd-run.c src/cli/cmd-pull.c
TESTS += tests/engine/run.sh tests/engine/run-stdin.sh tests/engine/pull.sh tests/engine/pull-registry.sh
