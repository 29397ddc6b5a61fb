# watch: recursive inotify, debounce, rule matching and the actions of
# `wcompose watch` (sync, restart, exec; rebuilds go through lifecycle).
libwcompose_a_SOURCES += src/watch/debounce.c src/watch/debounce.h \
  src/watch/rules.c src/watch/rules.h \
  src/watch/fswatch.c src/watch/fswatch.h \
  src/watch/actions.c src/watch/actions.h \
  src/watch/watch.c src/watch/watch.h
wcompose_SOURCES += src/cli/cmd-watch.c

check_PROGRAMS += tests/unit/debounce-test tests/unit/watch-rules-test \
  tests/unit/fswatch-test
TESTS += tests/unit/debounce-test tests/unit/watch-rules-test \
  tests/unit/fswatch-test tests/engine/watch.sh
tests_unit_debounce_test_SOURCES = tests/unit/debounce-test.c
tests_unit_watch_rules_test_SOURCES = tests/unit/watch-rules-test.c
tests_unit_fswatch_test_SOURCES = tests/unit/fswatch-test.c
