# Unit tests: one program per module, linked with the library.
EXTRA_DIST += tests/unit/tap.h tests/unit/data

check_PROGRAMS += tests/unit/util-test
TESTS += tests/unit/util-test
tests_unit_util_test_SOURCES = tests/unit/util-test.c

check_PROGRAMS += tests/unit/ydoc-test
TESTS += tests/unit/ydoc-test
tests_unit_ydoc_test_SOURCES = tests/unit/ydoc-test.c

check_PROGRAMS += tests/unit/interp-test
TESTS += tests/unit/interp-test
tests_unit_interp_test_SOURCES = tests/unit/interp-test.c

check_PROGRAMS += tests/unit/dotenv-test
TESTS += tests/unit/dotenv-test
tests_unit_dotenv_test_SOURCES = tests/unit/dotenv-test.c

check_PROGRAMS += tests/unit/load-test
TESTS += tests/unit/load-test
tests_unit_load_test_SOURCES = tests/unit/load-test.c

check_PROGRAMS += tests/unit/dockerhost-test
TESTS += tests/unit/dockerhost-test
tests_unit_dockerhost_test_SOURCES = tests/unit/dockerhost-test.c

check_PROGRAMS += tests/unit/schema-test
TESTS += tests/unit/schema-test
tests_unit_schema_test_SOURCES = tests/unit/schema-test.c

check_PROGRAMS += tests/unit/model-test
TESTS += tests/unit/model-test
tests_unit_model_test_SOURCES = tests/unit/model-test.c

check_PROGRAMS += tests/unit/graph-test
TESTS += tests/unit/graph-test
tests_unit_graph_test_SOURCES = tests/unit/graph-test.c

check_PROGRAMS += tests/unit/emit-test
TESTS += tests/unit/emit-test
tests_unit_emit_test_SOURCES = tests/unit/emit-test.c

check_PROGRAMS += tests/unit/stream-test
TESTS += tests/unit/stream-test
tests_unit_stream_test_SOURCES = tests/unit/stream-test.c

check_PROGRAMS += tests/unit/hijack-test
TESTS += tests/unit/hijack-test
tests_unit_hijack_test_SOURCES = tests/unit/hijack-test.c \
  tests/lib/fake-engine.c tests/lib/fake-engine.h
tests_unit_hijack_test_LDADD = $(LDADD) -lpthread

check_PROGRAMS += tests/unit/http-test
TESTS += tests/unit/http-test
tests_unit_http_test_SOURCES = tests/unit/http-test.c tests/lib/fake-engine.c \
  tests/lib/fake-engine.h

check_PROGRAMS += tests/unit/auth-test
TESTS += tests/unit/auth-test
tests_unit_auth_test_SOURCES = tests/unit/auth-test.c

check_PROGRAMS += tests/unit/ignore-test
TESTS += tests/unit/ignore-test
tests_unit_ignore_test_SOURCES = tests/unit/ignore-test.c

check_PROGRAMS += tests/unit/tarball-test
TESTS += tests/unit/tarball-test
tests_unit_tarball_test_SOURCES = tests/unit/tarball-test.c

check_PROGRAMS += tests/unit/engine-types-test
TESTS += tests/unit/engine-types-test
tests_unit_engine_types_test_SOURCES = tests/unit/engine-types-test.c

check_PROGRAMS += tests/unit/labels-test
TESTS += tests/unit/labels-test
tests_unit_labels_test_SOURCES = tests/unit/labels-test.c

check_PROGRAMS += tests/unit/config-hash-test
TESTS += tests/unit/config-hash-test
tests_unit_config_hash_test_SOURCES = tests/unit/config-hash-test.c

check_PROGRAMS += tests/unit/create-test
TESTS += tests/unit/create-test
tests_unit_create_test_SOURCES = tests/unit/create-test.c

check_PROGRAMS += tests/unit/plan-test
TESTS += tests/unit/plan-test
tests_unit_plan_test_SOURCES = tests/unit/plan-test.c

check_PROGRAMS += tests/unit/sched-test
TESTS += tests/unit/sched-test
tests_unit_sched_test_SOURCES = tests/unit/sched-test.c

check_PROGRAMS += tests/unit/debounce-test
TESTS += tests/unit/debounce-test
tests_unit_debounce_test_SOURCES = tests/unit/debounce-test.c

check_PROGRAMS += tests/unit/watch-rules-test
TESTS += tests/unit/watch-rules-test
tests_unit_watch_rules_test_SOURCES = tests/unit/watch-rules-test.c

check_PROGRAMS += tests/unit/fswatch-test
TESTS += tests/unit/fswatch-test
tests_unit_fswatch_test_SOURCES = tests/unit/fswatch-test.c

# The scripted engine (tests/lib/fake-engine.h) runs threads of the test:
# programs that use it link it and -lpthread.
tests_unit_http_test_LDADD = $(LDADD) -lpthread

check_PROGRAMS += tests/unit/fake-engine-test
TESTS += tests/unit/fake-engine-test
tests_unit_fake_engine_test_SOURCES = tests/unit/fake-engine-test.c \
  tests/lib/fake-engine.c tests/lib/fake-engine.h
tests_unit_fake_engine_test_LDADD = $(LDADD) -lpthread

# The per-service state machine against the scripted engine.
check_PROGRAMS += tests/unit/svc-test
TESTS += tests/unit/svc-test
tests_unit_svc_test_SOURCES = tests/unit/svc-test.c tests/lib/fake-engine.c \
  tests/lib/fake-engine.h
tests_unit_svc_test_LDADD = $(LDADD) -lpthread

# The session runtime (converge, watch actions) against the scripted
# engine.
check_PROGRAMS += tests/unit/session-test
TESTS += tests/unit/session-test
tests_unit_session_test_SOURCES = tests/unit/session-test.c \
  tests/lib/fake-engine.c tests/lib/fake-engine.h
tests_unit_session_test_LDADD = $(LDADD) -lpthread

check_PROGRAMS += tests/unit/cmdtab-test
TESTS += tests/unit/cmdtab-test
tests_unit_cmdtab_test_SOURCES = tests/unit/cmdtab-test.c

check_PROGRAMS += tests/unit/logs-test
TESTS += tests/unit/logs-test
tests_unit_logs_test_SOURCES = tests/unit/logs-test.c \
  tests/lib/fake-engine.c tests/lib/fake-engine.h
tests_unit_logs_test_LDADD = $(LDADD) -lpthread

# What the read-only commands show, from typed answers (no engine).
check_PROGRAMS += tests/unit/views-test
TESTS += tests/unit/views-test
tests_unit_views_test_SOURCES = tests/unit/views-test.c

check_PROGRAMS += tests/unit/cp-test
TESTS += tests/unit/cp-test
tests_unit_cp_test_SOURCES = tests/unit/cp-test.c

# Loader bounds: errors told once, limits, time and memory in proportion.
check_PROGRAMS += tests/unit/problems-test
TESTS += tests/unit/problems-test
tests_unit_problems_test_SOURCES = tests/unit/problems-test.c

check_PROGRAMS += tests/unit/bounds-test
TESTS += tests/unit/bounds-test
tests_unit_bounds_test_SOURCES = tests/unit/bounds-test.c

check_PROGRAMS += tests/unit/stack-test
TESTS += tests/unit/stack-test
tests_unit_stack_test_SOURCES = tests/unit/stack-test.c
