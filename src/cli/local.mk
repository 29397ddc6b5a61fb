# Commands link into the binary itself so a cmd-*.c can replace its weak
# stand-in from stubs.c. Each module's fragment adds its own cmd-*.c.
wcompose_SOURCES += src/cli/cli.h src/cli/stubs.c src/cli/output.c \
  src/cli/cmd-version.c
