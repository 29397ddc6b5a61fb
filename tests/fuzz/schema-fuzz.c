/* libFuzzer target: arbitrary bytes parsed by ydoc, then validated against
 * the compose schema (read from schemas/ beside this file). Run by run.sh. */
/* fuzz-sources: src/compose/schema.c src/compose/ydoc.c
 * src/compose/sindex.c src/compose/problems.c src/util/err.c
 * src/util/arena.c src/util/xalloc.c src/util/buf.c src/util/strvec.c
 * src/util/similar.c */
/* fuzz-seeds: tests/conformance/good tests/conformance/bad */
#include "compose/schema.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The build compiles the schema into schema-data.c; the fuzz build reads
 * the JSON itself, so this one is an empty object, never used. */
#include <cjson/cJSON.h>
const cJSON schema_compose_nodes[] = {{.type = cJSON_Object}};

static struct schema *schema;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  char path[4096];
  struct buf b = BUF_INIT;
  struct err e = ERR_INIT;
  /* __FILE__ is top/tests/fuzz/schema-fuzz.c: go up three levels */
  snprintf(path, sizeof(path), "%s", __FILE__);
  for (int i = 0; i < 3; i++) {
    char *slash = strrchr(path, '/');
    if (slash)
      *slash = '\0';
    else
      snprintf(path, sizeof(path), ".");
  }
  snprintf(path + strlen(path), sizeof(path) - strlen(path),
           "/schemas/compose-spec.json");
  if (buf_read_file(&b, path) < 0) {
    fprintf(stderr, "schema-fuzz: cannot read %s\n", path);
    exit(1);
  }
  schema = schema_parse(b.data, &e);
  if (!schema) {
    fprintf(stderr, "schema-fuzz: %s", e.text ? e.text : "bad schema\n");
    exit(1);
  }
  buf_release(&b);
  err_release(&e);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct arena a = ARENA_INIT;
  struct err err = ERR_INIT;
  struct ynode *root = NULL;
  struct ydoc_limits lim = {1 << 20, 64, 100000};

  if (ydoc_parse(&a, "fuzz.yml", (const char *)data, size, &lim, &root, &err) ==
      0) {
    err_reset(&err);
    (void)schema_validate(schema, root, &err);
  }
  err_release(&err);
  arena_release(&a);
  return 0;
}
