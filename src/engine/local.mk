# Engine client: address discovery, HTTP over curl multi on libuv, the typed
# API calls and the stream decoders.
libwcompose_a_SOURCES += src/engine/dockerhost.c src/engine/dockerhost.h \
  src/engine/http.c src/engine/http.h src/engine/stream.c \
  src/engine/stream.h src/engine/api.c src/engine/api.h \
  src/engine/api-int.h src/engine/api-containers.c src/engine/api-images.c \
  src/engine/api-objects.c src/engine/hijack.c src/engine/hijack.h

check_PROGRAMS += tests/unit/stream-test
TESTS += tests/unit/stream-test
tests_unit_stream_test_SOURCES = tests/unit/stream-test.c
EXTRA_DIST += tests/unit/data

check_PROGRAMS += tests/unit/hijack-test
TESTS += tests/unit/hijack-test
tests_unit_hijack_test_SOURCES = tests/unit/hijack-test.c

check_PROGRAMS += tests/unit/http-test
TESTS += tests/unit/http-test
tests_unit_http_test_SOURCES = tests/unit/http-test.c
tests_unit_http_test_LDADD = $(LDADD) -lpthread

# Against the real engine (skips, exit 77, when none answers).
check_PROGRAMS += tests/engine/api-test
TESTS += tests/engine/api-test
tests_engine_api_test_SOURCES = tests/engine/api-test.c
# the engine over tcp:// and TLS, and connection failures, on the real engine
TESTS += tests/engine/endpoints.sh
# registry credentials from the docker CLI's config.json
libwcompose_a_SOURCES += src/engine/auth.c src/engine/auth.h
check_PROGRAMS += tests/unit/auth-test
TESTS += tests/unit/auth-test
tests_unit_auth_test_SOURCES = tests/unit/auth-test.c
