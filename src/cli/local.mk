# cli: one thin file per command, and the output they share.
libwcompose_a_SOURCES += src/cli/cli.h src/cli/output.c src/cli/term.c \
  src/cli/commands.c \
  src/cli/runtime.c src/cli/verbs.c \
  src/cli/cmd-attach.c src/cli/cmd-build.c src/cli/cmd-completion.c \
  src/cli/cmd-config.c \
  src/cli/cmd-cp.c src/cli/cmd-stats.c \
  src/cli/cmd-create.c \
  src/cli/cmd-down.c src/cli/cmd-events.c src/cli/cmd-exec.c \
  src/cli/cmd-graph.c \
  src/cli/cmd-images.c src/cli/cmd-kill.c src/cli/cmd-logs.c \
  src/cli/cmd-ls.c src/cli/cmd-pause.c src/cli/cmd-port.c src/cli/cmd-ps.c \
  src/cli/cmd-pull.c src/cli/cmd-restart.c src/cli/cmd-rm.c \
  src/cli/cmd-run.c src/cli/cmd-scale.c src/cli/cmd-stack.c src/cli/cmd-start.c src/cli/cmd-stop.c \
  src/cli/cmd-top.c src/cli/cmd-unpause.c src/cli/cmd-up.c \
  src/cli/cmd-version.c src/cli/cmd-wait.c src/cli/cmd-watch.c
