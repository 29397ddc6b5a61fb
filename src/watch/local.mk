# watch: recursive inotify, debounce, rule matching and the actions of
# `wcompose watch` (sync, restart, exec, rebuild).
libwcompose_a_SOURCES += src/watch/debounce.c src/watch/debounce.h \
  src/watch/rules.c src/watch/rules.h \
  src/watch/fswatch.c src/watch/fswatch.h \
  src/watch/channel.c src/watch/channel.h \
  src/watch/actions.c src/watch/actions.h \
  src/watch/watch.c src/watch/watch.h \
  src/watch/session.c src/watch/session.h
