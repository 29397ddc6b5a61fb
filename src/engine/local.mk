# Engine client: address discovery, HTTP over curl multi on libuv, the typed
# API calls and the stream decoders.
libwcompose_a_SOURCES += src/engine/dockerhost.c src/engine/dockerhost.h \
  src/engine/http.c src/engine/http.h src/engine/stream.c \
  src/engine/stream.h

check_PROGRAMS += tests/unit/stream-test
TESTS += tests/unit/stream-test
tests_unit_stream_test_SOURCES = tests/unit/stream-test.c
