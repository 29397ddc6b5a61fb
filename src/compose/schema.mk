# schema: the compose JSON schema (schemas/compose-spec.json), compiled into
# the binary as src/compose/schema-data.c, and its validator.
libwcompose_a_SOURCES += src/compose/schema.c src/compose/schema.h
nodist_libwcompose_a_SOURCES += src/compose/schema-data.c
BUILT_SOURCES += src/compose/schema-data.c
CLEANFILES += src/compose/schema-data.c
EXTRA_DIST += src/compose/schema-embed.sh

src/compose/schema-data.c: $(srcdir)/schemas/compose-spec.json \
  $(srcdir)/src/compose/schema-embed.sh
	$(AM_V_GEN)$(MKDIR_P) src/compose && \
	$(SHELL) $(srcdir)/src/compose/schema-embed.sh \
	  $(srcdir)/schemas/compose-spec.json > $@.tmp && mv $@.tmp $@

check_PROGRAMS += tests/unit/schema-test
TESTS += tests/unit/schema-test
tests_unit_schema_test_SOURCES = tests/unit/schema-test.c
