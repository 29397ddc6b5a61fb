/* libFuzzer target for the engine's JSON answers read into the structs of
 * engine/types.h: the first byte picks the parser, the rest is the answer.
 * A parsed struct must keep the promises of the header (strings never
 * NULL, counts matching arrays); every string is read through to catch a
 * bad pointer. Run by run.sh. */
/* fuzz-sources: src/engine/types.c src/util/err.c src/util/xalloc.c
 * src/util/buf.c */
#include "engine/types.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t total;

static void s(const char *v)
{
  if (!v)
    abort(); /* "Strings are never NULL" */
  total += strlen(v);
}

static void kvs(const struct engine_kv *kv, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    s(kv[i].key);
    s(kv[i].value);
  }
  if (n)
    (void)engine_kv_get(kv, n, kv[0].key);
}

static void strs(const char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    s(v[i]);
}

static void ports(const struct engine_port *p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    s(p[i].ip);
    s(p[i].type);
  }
}

static void mounts(const struct engine_mount *m, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    s(m[i].type);
    s(m[i].name);
    s(m[i].source);
    s(m[i].destination);
    s(m[i].mode);
  }
}

static void image(const struct engine_image_info *i)
{
  s(i->id);
  s(i->parent_id);
  strs(i->repo_tags, i->nrepo_tags);
  strs(i->repo_digests, i->nrepo_digests);
  s(i->created_at);
  kvs(i->labels, i->nlabels);
}

static void network(const struct engine_network_info *n)
{
  s(n->id);
  s(n->name);
  s(n->driver);
  s(n->scope);
  s(n->created_at);
  kvs(n->labels, n->nlabels);
  kvs(n->options, n->noptions);
  strs(n->containers, n->ncontainers);
}

static void volume(const struct engine_volume_info *v)
{
  s(v->name);
  s(v->driver);
  s(v->mountpoint);
  s(v->scope);
  s(v->created_at);
  kvs(v->labels, v->nlabels);
  kvs(v->options, v->noptions);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const char *j = (const char *)data + 1;
  size_t n = size - 1;
  struct err err = ERR_INIT;
  int rc;
  switch (data[0] % 15) {
  case 0: {
    struct engine_container_list *l = NULL;
    if (!(rc = engine_container_list_parse(j, n, &l, &err))) {
      for (size_t i = 0; i < l->n; i++) {
        const struct engine_container_summary *c = &l->v[i];
        s(c->id), s(c->name), s(c->image), s(c->image_id), s(c->command);
        s(c->state), s(c->status);
        kvs(c->labels, c->nlabels);
        ports(c->ports, c->nports);
        mounts(c->mounts, c->nmounts);
      }
      engine_container_list_free(l);
    }
    break;
  }
  case 1: {
    struct engine_container_info *c = NULL;
    if (!(rc = engine_container_info_parse(j, n, &c, &err))) {
      s(c->id), s(c->name), s(c->image), s(c->created_at);
      s(c->config.user), s(c->config.working_dir), s(c->config.image);
      strs(c->config.env, c->config.nenv);
      strs(c->config.cmd, c->config.ncmd);
      strs(c->config.entrypoint, c->config.nentrypoint);
      kvs(c->config.labels, c->config.nlabels);
      s(c->state.status), s(c->state.error), s(c->state.started_at);
      s(c->state.finished_at), s(c->state.health), s(c->state.health_output);
      s(c->restart_policy);
      ports(c->ports, c->nports);
      for (size_t i = 0; i < c->nnetworks; i++) {
        const struct engine_endpoint *e = &c->networks[i];
        s(e->network), s(e->network_id), s(e->endpoint_id);
        s(e->ip_address), s(e->gateway), s(e->mac_address);
        strs(e->aliases, e->naliases);
      }
      mounts(c->mounts, c->nmounts);
      long long sec;
      long nsec;
      (void)engine_time_parse(c->created_at, &sec, &nsec);
      (void)engine_time_parse(c->state.finished_at, &sec, NULL);
      engine_container_info_free(c);
    }
    break;
  }
  case 2: {
    struct engine_image_info *i = NULL;
    if (!(rc = engine_image_info_parse(j, n, &i, &err))) {
      image(i);
      engine_image_info_free(i);
    }
    break;
  }
  case 3: {
    struct engine_image_list *l = NULL;
    if (!(rc = engine_image_list_parse(j, n, &l, &err))) {
      for (size_t i = 0; i < l->n; i++)
        image(&l->v[i]);
      engine_image_list_free(l);
    }
    break;
  }
  case 4: {
    struct engine_network_info *x = NULL;
    if (!(rc = engine_network_info_parse(j, n, &x, &err))) {
      network(x);
      engine_network_info_free(x);
    }
    break;
  }
  case 5: {
    struct engine_network_list *l = NULL;
    if (!(rc = engine_network_list_parse(j, n, &l, &err))) {
      for (size_t i = 0; i < l->n; i++)
        network(&l->v[i]);
      engine_network_list_free(l);
    }
    break;
  }
  case 6: {
    struct engine_volume_info *v = NULL;
    if (!(rc = engine_volume_info_parse(j, n, &v, &err))) {
      volume(v);
      engine_volume_info_free(v);
    }
    break;
  }
  case 7: {
    struct engine_volume_list *l = NULL;
    if (!(rc = engine_volume_list_parse(j, n, &l, &err))) {
      for (size_t i = 0; i < l->n; i++)
        volume(&l->v[i]);
      strs(l->warnings, l->nwarnings);
      engine_volume_list_free(l);
    }
    break;
  }
  case 8: {
    struct engine_event *e = NULL;
    if (!(rc = engine_event_parse(j, n, &e, &err))) {
      s(e->type), s(e->action), s(e->id), s(e->scope);
      kvs(e->attrs, e->nattrs);
      engine_event_free(e);
    }
    break;
  }
  case 9: {
    struct engine_version_info *v = NULL;
    if (!(rc = engine_version_info_parse(j, n, &v, &err))) {
      s(v->version), s(v->api_version), s(v->min_api_version), s(v->os);
      s(v->arch), s(v->kernel_version), s(v->go_version), s(v->git_commit);
      s(v->build_time), s(v->platform);
      for (size_t i = 0; i < v->ncomponents; i++)
        s(v->components[i].name), s(v->components[i].version);
      engine_version_info_free(v);
    }
    break;
  }
  case 10: {
    struct engine_top *t = NULL;
    if (!(rc = engine_top_parse(j, n, &t, &err))) {
      strs(t->titles, t->ntitles);
      for (size_t i = 0; i < t->nrows; i++)
        strs(t->rows[i].v, t->rows[i].n);
      engine_top_free(t);
    }
    break;
  }
  case 11: {
    struct engine_exec_info *x = NULL;
    if (!(rc = engine_exec_info_parse(j, n, &x, &err))) {
      s(x->id), s(x->container_id);
      engine_exec_info_free(x);
    }
    break;
  }
  case 12: {
    struct engine_wait *w = NULL;
    if (!(rc = engine_wait_parse(j, n, &w, &err))) {
      s(w->error);
      engine_wait_free(w);
    }
    break;
  }
  case 13: {
    struct engine_created *c = NULL;
    if (!(rc = engine_created_parse(j, n, &c, &err))) {
      s(c->id);
      strs(c->warnings, c->nwarnings);
      engine_created_free(c);
    }
    break;
  }
  default: {
    char *t = malloc(n + 1);
    long long sec;
    long nsec;
    memcpy(t, j, n);
    t[n] = '\0';
    rc = engine_time_parse(t, &sec, &nsec);
    if (!rc && (nsec < 0 || nsec > 999999999))
      abort();
    free(t);
    rc = 0;
    break;
  }
  }
  if (rc && rc != ERR_PROTO)
    abort(); /* the parsers fail with ERR_PROTO only */
  err_release(&err);
  return 0;
}
