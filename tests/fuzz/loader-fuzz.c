/* libFuzzer target for the whole loader: the input is up to four files cut
 * by a line "~~~~" (a main compose file, an override, a .env, and
 * base.yaml for extends/include/env_file to name), loaded as `wcompose
 * config` loads them (interpolation, merge, extends, include, schema,
 * model), then printed in YAML and JSON. The property: what config prints
 * is a compose file that loads again, in a directory of its own with an
 * empty environment, to the same output in both formats. A difference
 * aborts with both outputs. Run by run.sh. */
/* fuzz-sources: src/compose/ydoc.c src/compose/interp.c
 * src/compose/dotenv.c src/compose/load.c src/compose/load-merge.c
 * src/compose/load-extends.c src/compose/schema.c src/compose/model.c
 * src/compose/model-parse.c src/compose/graph.c src/compose/emit.c
 * src/compose/sindex.c src/compose/problems.c src/compose/fields.c
 * gen:schema-data.c
 * src/util/err.c src/util/arena.c src/util/xalloc.c src/util/buf.c
 * src/util/strvec.c src/util/similar.c src/util/path.c */
/* fuzz-seeds: tests/conformance/good tests/conformance/bad */
#define _GNU_SOURCE
#include "compose/emit.h"
#include "compose/load.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256], redir[256];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(dir, sizeof(dir), "%s/wcompose-lfuzz.XXXXXX", tmp);
  snprintf(redir, sizeof(redir), "%s/wcompose-lfuzz.XXXXXX", tmp);
  if (!mkdtemp(dir) || !mkdtemp(redir)) {
    perror("mkdtemp");
    exit(1);
  }
  return 0;
}

static void put(const char *d, const char *name, const char *p, size_t n)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", d, name);
  if (!p) {
    unlink(path);
    return;
  }
  FILE *f = fopen(path, "wb");
  if (!f)
    abort();
  if (n)
    fwrite(p, 1, n, f);
  fclose(f);
}

/* Load d/compose.yaml (and d/override.yaml when present), print it. */
static int load_print(const char *d, int override, char **env, struct buf *y,
                      struct buf *j, struct err *err)
{
  struct strvec files = STRVEC_INIT, none = STRVEC_INIT;
  struct project *p = NULL;
  strvec_push(&files, "compose.yaml");
  if (override)
    strvec_push(&files, "override.yaml");
  struct load_options o = {.files = &files,
                           .env_files = &none,
                           .profiles = &none,
                           .cwd = d,
                           .environ = env};
  int rc = compose_load(&o, &p, NULL, err);
  strvec_clear(&files);
  if (rc)
    return rc;
  cJSON *t = emit_project_as(p, EMIT_FORMAT_YAML);
  if (emit_yaml(t, y))
    abort();
  cJSON_Delete(t);
  t = emit_project_as(p, EMIT_FORMAT_JSON);
  if (emit_json(t, j))
    abort();
  cJSON_Delete(t);
  project_free(p);
  return 0;
}

static void differ(const char *what, const struct buf *a, const struct buf *b,
                   const struct err *err)
{
  fprintf(stderr, "loader-fuzz: %s\n--- first output:\n%s\n--- second:\n%s\n",
          what, a->data ? a->data : "", b->data ? b->data : "");
  if (err && err->text)
    fprintf(stderr, "--- errors:\n%s", err->text);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const names[] = {"compose.yaml", "override.yaml", ".env",
                                      "base.yaml"};
  static const char sep[] = "\n~~~~\n";
  char *env[] = {"HOME=/home/fuzz", "FOO=foo", "EMPTY=", "DOLLAR=a$b", NULL};
  char *clean[] = {"HOME=/home/fuzz", NULL};
  const char *p = (const char *)data, *end = p + size;
  int have[4] = {0};

  for (int i = 0; i < 4; i++) {
    const char *cut = NULL;
    if (p <= end)
      cut = memmem(p, (size_t)(end - p), sep, sizeof(sep) - 1);
    if (i < 3 && cut) {
      put(dir, names[i], p, (size_t)(cut - p));
      have[i] = 1;
      p = cut + sizeof(sep) - 1;
    } else if (p <= end) {
      put(dir, names[i], p, (size_t)(end - p));
      have[i] = 1;
      p = end + 1;
    } else {
      put(dir, names[i], NULL, 0);
    }
  }

  struct buf y1 = BUF_INIT, j1 = BUF_INIT, y2 = BUF_INIT, j2 = BUF_INIT;
  struct err err = ERR_INIT;
  if (load_print(dir, have[1], env, &y1, &j1, &err) == 0) {
    put(redir, "compose.yaml", y1.data, y1.len);
    if (load_print(redir, 0, clean, &y2, &j2, &err))
      differ("config's output does not load again", &y1, &y2, &err);
    if (y1.len != y2.len || memcmp(y1.data, y2.data, y1.len))
      differ("YAML differs after a round trip", &y1, &y2, NULL);
    if (j1.len != j2.len || memcmp(j1.data, j2.data, j1.len))
      differ("JSON differs after a round trip", &j1, &j2, NULL);
  }
  buf_release(&y1);
  buf_release(&j1);
  buf_release(&y2);
  buf_release(&j2);
  err_release(&err);
  return 0;
}
