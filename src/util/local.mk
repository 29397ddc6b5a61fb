# util: errors, buffers, string vectors, arena, paths, "did you mean".
libwcompose_a_SOURCES += src/util/err.c src/util/err.h src/util/arena.c \
  src/util/arena.h src/util/xalloc.c src/util/xalloc.h src/util/buf.c \
  src/util/buf.h src/util/strvec.c src/util/strvec.h src/util/path.c \
  src/util/path.h src/util/similar.c src/util/similar.h src/util/term.c \
  src/util/term.h src/util/dlib.c src/util/dlib.h \
  src/util/sha256.c src/util/sha256.h
