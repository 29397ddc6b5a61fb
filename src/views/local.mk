# views: what the commands show a person: the read-only commands' tables
# and JSON (ps, images, ls, top, port, events, version, config), made from
# a session's typed engine answers, and the progress display.
libwcompose_a_SOURCES += src/views/views.c src/views/views.h \
  src/views/progress.c src/views/progress.h \
  src/views/stats.c src/views/stats.h \
  src/views/stack.c src/views/stack.h \
  src/views/graph.c src/views/graph.h
