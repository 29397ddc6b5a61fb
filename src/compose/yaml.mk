# The YAML front of the loader: ydoc (libyaml to positioned nodes), interp
# (variable interpolation), dotenv (.env files and the variable set).
libwcompose_a_SOURCES += src/compose/ydoc.c src/compose/ydoc.h \
  src/compose/interp.c src/compose/interp.h src/compose/dotenv.c \
  src/compose/dotenv.h

check_PROGRAMS += tests/unit/ydoc-test tests/unit/interp-test \
  tests/unit/dotenv-test
TESTS += tests/unit/ydoc-test tests/unit/interp-test tests/unit/dotenv-test
tests_unit_ydoc_test_SOURCES = tests/unit/ydoc-test.c
tests_unit_interp_test_SOURCES = tests/unit/interp-test.c
tests_unit_dotenv_test_SOURCES = tests/unit/dotenv-test.c

EXTRA_DIST += tests/fuzz
