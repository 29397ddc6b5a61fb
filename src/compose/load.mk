# The loader (discovery, merge, extends, include) and `wcompose config`.
libwcompose_a_SOURCES += src/compose/load.c src/compose/load.h \
  src/compose/load-int.h src/compose/load-merge.c src/compose/load-extends.c
wcompose_SOURCES += src/cli/cmd-config.c

check_PROGRAMS += tests/unit/load-test
TESTS += tests/unit/load-test
tests_unit_load_test_SOURCES = tests/unit/load-test.c

TESTS += tests/conformance/own.sh tests/conformance/shared.sh
