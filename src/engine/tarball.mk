# Build contexts as tar streams, and the .dockerignore matcher.
libwcompose_a_SOURCES += src/engine/ignore.c src/engine/ignore.h

check_PROGRAMS += tests/unit/ignore-test
TESTS += tests/unit/ignore-test
tests_unit_ignore_test_SOURCES = tests/unit/ignore-test.c

libwcompose_a_SOURCES += src/engine/tarball.c src/engine/tarball.h
check_PROGRAMS += tests/unit/tarball-test
TESTS += tests/unit/tarball-test
tests_unit_tarball_test_SOURCES = tests/unit/tarball-test.c

# the libFuzzer target (built by tests/fuzz/run.sh)
EXTRA_DIST += tests/fuzz/ignore-fuzz.c
