# views: what the read-only commands show (ps, images, ls, top, port,
# events, version, config), made from a session's typed engine answers.
libwcompose_a_SOURCES += src/views/views.c src/views/views.h
