# The read-only commands (ps, logs, top, port, images, ls, events) and what
# they share (views.c).
wcompose_SOURCES += src/cli/views.c src/cli/views.h src/cli/cmd-ps.c \
  src/cli/cmd-logs.c src/cli/cmd-port.c \
  src/cli/cmd-ls.c src/cli/cmd-images.c \
  src/cli/cmd-top.c src/cli/cmd-events.c
TESTS += tests/engine/views.sh tests/engine/logs-follow.sh
