# engine: address discovery, HTTP over curl multi on libuv, the typed API
# calls, stream decoders, the hijacked attach, registry credentials, build
# context tarballs and the .dockerignore matcher.
libwcompose_a_SOURCES += src/engine/dockerhost.c src/engine/dockerhost.h \
  src/engine/http.c src/engine/http.h src/engine/stream.c \
  src/engine/stream.h src/engine/api.c src/engine/api.h \
  src/engine/api-int.h src/engine/api-containers.c src/engine/api-images.c \
  src/engine/api-objects.c src/engine/api-swarm.c src/engine/types.c src/engine/types.h \
  src/engine/types-int.h src/engine/hijack.c src/engine/hijack.h \
  src/engine/auth.c src/engine/auth.h src/engine/ignore.c \
  src/engine/ignore.h src/engine/tarball.c src/engine/tarball.h \
  src/engine/libs.c src/engine/libs.h
