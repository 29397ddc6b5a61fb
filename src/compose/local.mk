# compose: the loader. ydoc (libyaml to positioned nodes), interp, dotenv,
# load (discovery, merge, extends, include), schema (compiled in from
# schemas/compose-spec.json), model, the service graph, emit.
libwcompose_a_SOURCES += src/compose/ydoc.c src/compose/ydoc.h \
  src/compose/interp.c src/compose/interp.h src/compose/dotenv.c \
  src/compose/dotenv.h src/compose/load.c src/compose/load.h \
  src/compose/load-int.h src/compose/load-merge.c src/compose/load-extends.c \
  src/compose/schema.c src/compose/schema.h src/compose/model.c \
  src/compose/model.h src/compose/model-parse.c src/compose/model-int.h \
  src/compose/graph.c src/compose/graph.h src/compose/emit.c \
  src/compose/emit.h src/compose/sindex.c src/compose/sindex.h \
  src/compose/problems.c src/compose/problems.h src/compose/fields.c \
  src/compose/fields.h

nodist_libwcompose_a_SOURCES += src/compose/schema-data.c
BUILT_SOURCES += src/compose/schema-data.c
CLEANFILES += src/compose/schema-data.c

# The schema is parsed at build time, by a tool built here, into static
# cJSON nodes: the binary loads it at no cost.
noinst_PROGRAMS = src/compose/schema-gen
src_compose_schema_gen_SOURCES = src/compose/schema-gen.c
src_compose_schema_gen_LDADD = $(CJSON_LIBS)

src/compose/schema-data.c: $(srcdir)/schemas/compose-spec.json \
  src/compose/schema-gen$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) src/compose && \
	src/compose/schema-gen$(EXEEXT) $(srcdir)/schemas/compose-spec.json \
	  > $@.tmp && mv $@.tmp $@
