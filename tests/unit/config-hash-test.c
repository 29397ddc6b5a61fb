/* The config hash against docker compose v2's: the fixtures in
 * tests/unit/data/config-hash, loaded as `docker compose -p wct-hash
 * --project-directory /wcompose-hash -f FILE` loads them, each service's
 * hash compared with the one v2 printed (recorded in its hashes file).
 * WCOMPOSE_HASH_SHOW=1 prints the JSON hashed, for comparing with Go's. */
#include "tap.h"
#include "compose/emit.h"
#include "compose/load.h"
#include "orchestrate/labels.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char top[4096];

static struct project *load_fixture(const char *file)
{
  static char *noenv[] = {NULL};
  char path[8192];
  snprintf(path, sizeof(path), "%s/tests/unit/data/config-hash/%s", top, file);
  struct strvec files = STRVEC_INIT, none = STRVEC_INIT;
  strvec_push(&files, path);
  struct load_options o = {.files = &files,
                           .env_files = &none,
                           .profiles = &none,
                           .project_dir = "/wcompose-hash",
                           .cwd = "/wcompose-hash",
                           .environ = noenv,
                           .project_name = "wct-hash"};
  struct project *p = NULL;
  struct err err = ERR_INIT;
  if (compose_load(&o, &p, NULL, &err))
    printf("# loading %s: %s\n", file, err.text ? err.text : "?");
  err_release(&err);
  strvec_clear(&files);
  return p;
}

static void show(const struct project *p, const struct service *s)
{
  cJSON *o = emit_service_go(p, s);
  struct buf b = BUF_INIT;
  emit_json_compact(o, &b);
  printf("# %s: %s\n", s->name, b.data);
  buf_release(&b);
  cJSON_Delete(o);
}

int main(void)
{
  const char *t = getenv("TOP_SRCDIR");
  snprintf(top, sizeof(top), "%s", t ? t : ".");
  char path[8192];
  snprintf(path, sizeof(path), "%s/tests/unit/data/config-hash/hashes", top);
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("Bail out! cannot read %s\n", path);
    return 1;
  }
  char line[1024], loaded[256] = "";
  struct project *p = NULL;
  int n = 0;
  while (fgets(line, sizeof(line), f)) {
    char file[256], svc[256], want[128];
    if (line[0] == '#' ||
        sscanf(line, "%255s %255s %127s", file, svc, want) != 3)
      continue;
    if (strcmp(file, loaded)) {
      project_free(p);
      p = load_fixture(file);
      snprintf(loaded, sizeof(loaded), "%s", file);
      ok(p != NULL, "%s loads", file);
    }
    const struct service *s = p ? project_service(p, svc) : NULL;
    if (!s) {
      ok(0, "%s: service %s", file, svc);
      continue;
    }
    char got[65];
    labels_config_hash(p, s, got);
    is_str(got, want, "%s %s: docker compose v2's hash", file, svc);
    if (strcmp(got, want) || getenv("WCOMPOSE_HASH_SHOW"))
      show(p, s);
    n++;
  }
  fclose(f);
  project_free(p);
  ok(n >= 8, "%d recorded hashes compared", n);
  return tap_done();
}
