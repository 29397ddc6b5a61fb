/* labels: compose's labels on containers, networks and volumes, and the
 * config hash as docker compose v2 computes it (SHA-256, util/sha256). */
#include "config.h"

#include "orchestrate/labels.h"
#include "compose/emit.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the config hash --- */

void labels_config_hash(const struct project *p, const struct service *s,
                        char out[65])
{
  /* what compose v2's ServiceHash clears before marshalling */
  static const char *const cleared[] = {"build",      "pull_policy", "scale",
                                        "depends_on", "profiles",    NULL};
  cJSON *o = emit_service_go(p, s);
  for (size_t i = 0; cleared[i]; i++)
    cJSON_DeleteItemFromObjectCaseSensitive(o, cleared[i]);
  cJSON_DeleteItemFromObjectCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(o, "deploy"), "replicas");
  struct buf b = BUF_INIT;
  if (emit_json_compact(o, &b))
    BUG("config hash: an uncapped buffer refused");
  sha256_hex(b.data ? b.data : "", b.len, out);
  buf_release(&b);
  cJSON_Delete(o);
}

/* --- labels --- */

void labels_put(struct labels *l, const char *key, const char *value)
{
  char *v = xstrdup(value ? value : "");
  for (size_t i = 0; i < l->n; i++)
    if (!strcmp(l->v[i].key, key)) {
      free((char *)l->v[i].value);
      l->v[i].value = v;
      return;
    }
  if (l->n == l->alloc) {
    l->alloc = l->alloc ? 2 * l->alloc : 16;
    l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
  }
  l->v[l->n++] = (struct engine_kv){xstrdup(key), v};
}

void labels_put_list(struct labels *l, const struct kvlist *from)
{
  for (size_t i = 0; i < from->n; i++)
    labels_put(l, from->v[i].key, from->v[i].value);
}

void labels_release(struct labels *l)
{
  for (size_t i = 0; i < l->n; i++) {
    free((char *)l->v[i].key);
    free((char *)l->v[i].value);
  }
  free(l->v);
  *l = (struct labels)LABELS_INIT;
}

static const char *condition_name(enum dep_condition c)
{
  switch (c) {
  case DEP_HEALTHY:
    return "service_healthy";
  case DEP_COMPLETED:
    return "service_completed_successfully";
  case DEP_STARTED:
    break;
  }
  return "service_started";
}

char *labels_depends_on_new(const struct service *s)
{
  struct buf b = BUF_INIT;
  for (size_t i = 0; i < s->ndepends_on; i++) {
    const struct dependency *d = &s->depends_on[i];
    buf_addf(&b, "%s%s:%s:%s", i ? "," : "", d->service,
             condition_name(d->condition), d->restart ? "true" : "false");
  }
  return buf_detach(&b);
}

static void add_project(struct labels *obj, const struct project *p)
{
  labels_put(obj, LABELS_PROJECT, p->name);
  labels_put(obj, LABELS_VERSION, PACKAGE_VERSION);
}

void labels_add_container(struct labels *obj, const struct project *p,
                          const struct service *s, int number, int oneoff,
                          const char *hash, const char *image_id)
{
  char num[32];
  add_project(obj, p);
  labels_put(obj, LABELS_SERVICE, s->name);
  snprintf(num, sizeof(num), "%d", number);
  labels_put(obj, LABELS_NUMBER, num);
  labels_put(obj, LABELS_ONEOFF, oneoff ? "True" : "False");
  if (p->working_dir)
    labels_put(obj, LABELS_WORKING_DIR, p->working_dir);
  struct buf files = BUF_INIT;
  for (size_t i = 0; i < p->config_files.n; i++)
    buf_addf(&files, "%s%s", i ? "," : "", p->config_files.v[i]);
  char *f = buf_detach(&files);
  labels_put(obj, LABELS_CONFIG_FILES, f);
  free(f);
  char *deps = labels_depends_on_new(s);
  labels_put(obj, LABELS_DEPENDS_ON, deps);
  free(deps);
  if (hash)
    labels_put(obj, LABELS_CONFIG_HASH, hash);
  if (image_id)
    labels_put(obj, LABELS_IMAGE, image_id);
}

void labels_add_network(struct labels *obj, const struct project *p,
                        const char *key)
{
  add_project(obj, p);
  labels_put(obj, LABELS_NETWORK, key);
}

void labels_add_volume(struct labels *obj, const struct project *p,
                       const char *key)
{
  add_project(obj, p);
  labels_put(obj, LABELS_VOLUME, key);
}
