# sources and tests of this module (owned by its module)
libwcompose_a_SOURCES += src/orchestrate/graph.c src/orchestrate/graph.h

check_PROGRAMS += tests/unit/graph-test
TESTS += tests/unit/graph-test
tests_unit_graph_test_SOURCES = tests/unit/graph-test.c

libwcompose_a_SOURCES += src/compose/model.c src/compose/model.h \
  src/compose/model-parse.c src/compose/model-int.h
libwcompose_a_SOURCES += src/compose/emit.c src/compose/emit.h

check_PROGRAMS += tests/unit/emit-test
TESTS += tests/unit/emit-test
tests_unit_emit_test_SOURCES = tests/unit/emit-test.c

check_PROGRAMS += tests/unit/model-test
TESTS += tests/unit/model-test
tests_unit_model_test_SOURCES = tests/unit/model-test.c
