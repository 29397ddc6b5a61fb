/* model: from the merged, interpolated, validated YAML tree to struct
 * project, normalized as `docker compose config` prints it (long syntax,
 * absolute paths, defaults), then the cross-reference checks. */
#include "compose/model.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose/fields.h"
#include "compose/model-int.h"
#include "compose/graph.h"
#include "compose/problems.h"
#include "compose/sindex.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Key/value lists shorter than this are searched in order. */
#define KV_INDEX_MIN 8
/* Problems told at most, and found at most (a mistake copied to many
 * services is told once: see problems.h); a hostile file gets the first
 * ones. */
#define MAX_TOLD 100
#define MAX_PROBLEMS 1000

/* The key table of the key/value list kvset worked on last: lists are
 * filled one at a time, so one table serves them all. Valid while the list
 * has the array and the count it was built for (arrays come from the arena
 * and are never reused, so an old table cannot pass for a new list's). */
struct kvtable {
  const struct kvlist *l;
  const struct kv *v;
  size_t n;
  struct sindex ix;
};

struct mc {
  struct project *p;
  struct arena *a;
  const struct model_ctx *ctx;
  struct err *err;
  const char *where; /* "services.web" for messages */
  struct kvtable kvt;
  struct problems ps; /* told when model_build ends */
  size_t problems;
  size_t ports; /* expanded from ranges so far */
};

/* ---- tree access ---- */

static struct ynode *get(const struct ynode *map, const char *key)
{
  return ydoc_get(map, key);
}

static int is_null(const struct ynode *n)
{
  return !n || n->kind == YNODE_NULL;
}

static int is_scalar(const struct ynode *n)
{
  return n && n->kind == YNODE_SCALAR;
}

static const char *text(struct mc *m, const struct ynode *n)
{
  if (!is_scalar(n))
    return NULL;
  return arena_strdup(m->a, n->str);
}

/* A string field: as compose's Go structs (omitempty), "" is no value. */
static const char *ftext(struct mc *m, const struct ynode *n)
{
  if (!is_scalar(n) || !*n->str)
    return NULL;
  return arena_strdup(m->a, n->str);
}

static enum model_stype stype(const struct ynode *n)
{
  if (is_null(n))
    return STYPE_NULL;
  if (n->kind != YNODE_SCALAR)
    return STYPE_STR;
  if (n->flags & YNODE_QUOTED)
    return STYPE_STR;
  return model_scalar_type(n->str);
}

static int bad(struct mc *m, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(struct mc *m, const struct ynode *n, const char *fmt, ...)
{
  va_list ap;
  struct buf b = BUF_INIT;

  if (++m->problems > MAX_PROBLEMS)
    return ERR_CONFIG;
  va_start(ap, fmt);
  buf_vaddf(&b, fmt, ap);
  va_end(ap);
  problems_addf(&m->ps, n ? &n->pos : NULL, m->where, "%s", b.data);
  buf_release(&b);
  return ERR_CONFIG;
}

static int boolean(const struct ynode *n)
{
  return is_scalar(n) && model_bool(n->str) == 1;
}

/* ---- generic values ---- */

const struct mval *mval_get(const struct mval *m, const char *key)
{
  size_t i;

  if (!m || m->kind != MVAL_MAP)
    return NULL;
  for (i = 0; i < m->n; i++)
    if (!strcmp(m->keys[i], key))
      return m->items[i];
  return NULL;
}

static struct mval *mval_new(struct mc *m, enum mval_kind k)
{
  struct mval *v = arena_alloc(m->a, sizeof(*v));
  v->kind = k;
  return v;
}

static struct mval *mval_str(struct mc *m, const char *s)
{
  struct mval *v = mval_new(m, MVAL_STR);
  v->str = arena_strdup(m->a, s);
  return v;
}

static void mval_set(struct mc *m, struct mval *map, const char *key,
                     struct mval *v)
{
  size_t i;

  for (i = 0; i < map->n; i++) {
    if (!strcmp(map->keys[i], key)) {
      map->items[i] = v;
      return;
    }
  }
  map->keys = (const char **)arena_push(m->a, (void **)map->keys, map->n,
                                        arena_strdup(m->a, key));
  map->items = (struct mval **)arena_push(m->a, (void **)map->items, map->n, v);
  map->n++;
}

/* Append to a map whose keys are known to differ (they come from a YAML
 * mapping, which has no key twice). */
static void mval_append(struct mc *m, struct mval *map, const char *key,
                        struct mval *v)
{
  map->keys = (const char **)arena_push(m->a, (void **)map->keys, map->n,
                                        arena_strdup(m->a, key));
  map->items = (struct mval **)arena_push(m->a, (void **)map->items, map->n, v);
  map->n++;
}

static void mval_push(struct mc *m, struct mval *seq, struct mval *v)
{
  seq->items = (struct mval **)arena_push(m->a, (void **)seq->items, seq->n, v);
  seq->n++;
}

static struct mval *to_mval(struct mc *m, const struct ynode *n)
{
  struct mval *v;
  size_t i;

  if (is_null(n))
    return mval_new(m, MVAL_NULL);
  if (n->kind == YNODE_SEQ || n->kind == YNODE_MAP) {
    v = mval_new(m, n->kind == YNODE_SEQ ? MVAL_SEQ : MVAL_MAP);
    for (i = 0; i < n->n; i++) {
      if (n->kind == YNODE_SEQ)
        mval_push(m, v, to_mval(m, n->items[i]));
      else
        mval_append(m, v, n->keys[i]->str, to_mval(m, n->items[i]));
    }
    return v;
  }
  switch (stype(n)) {
  case STYPE_BOOL:
    v = mval_new(m, MVAL_BOOL);
    v->i = model_bool(n->str) == 1;
    return v;
  case STYPE_INT:
    v = mval_new(m, MVAL_INT);
    v->i = model_int(n->str);
    v->str = arena_strdup(m->a, n->str);
    return v;
  case STYPE_FLOAT:
    v = mval_new(m, MVAL_FLOAT);
    v->f = strtod(n->str, NULL);
    v->str = arena_strdup(m->a, n->str);
    return v;
  default:
    return mval_str(m, n->str);
  }
}

/* x-* keys of a mapping, or NULL. */
static struct mval *extensions(struct mc *m, const struct ynode *map)
{
  struct mval *x = NULL;
  size_t i;

  if (!map || map->kind != YNODE_MAP)
    return NULL;
  for (i = 0; i < map->n; i++) {
    if (strncmp(map->keys[i]->str, "x-", 2))
      continue;
    if (!x)
      x = mval_new(m, MVAL_MAP);
    mval_append(m, x, map->keys[i]->str, to_mval(m, map->items[i]));
  }
  return x;
}

/* ---- lists and maps ---- */

static void slpush(struct mc *m, struct strlist *l, const char *s)
{
  l->v = (const char **)arena_push(m->a, (void **)l->v, l->n, (void *)s);
  l->n++;
}

/* A string or a list of scalars, as a list of strings. */
static void strlist(struct mc *m, const struct ynode *n, struct strlist *out)
{
  size_t i;

  if (is_scalar(n)) {
    slpush(m, out, text(m, n));
    return;
  }
  if (!n || n->kind != YNODE_SEQ)
    return;
  for (i = 0; i < n->n; i++)
    if (is_scalar(n->items[i]))
      slpush(m, out, text(m, n->items[i]));
}

static const char *kv_key(const void *owner, size_t pos, size_t *len)
{
  const char *k = ((const struct kvlist *)owner)->v[pos].key;
  *len = strlen(k);
  return k;
}

/* The position of key in l, or SINDEX_NONE. */
static size_t kvpos(struct mc *m, const struct kvlist *l, const char *key)
{
  struct kvtable *t = &m->kvt;
  size_t i;

  if (l->n < KV_INDEX_MIN) {
    for (i = 0; i < l->n; i++)
      if (!strcmp(l->v[i].key, key))
        return i;
    return SINDEX_NONE;
  }
  if (t->l != l || t->v != l->v || t->n != l->n) {
    /* a table much larger than this list needs is left behind: clearing
     * it for every small list would cost its size each time */
    if (!t->ix.a || t->ix.cap > 4 * (l->n + 16))
      sindex_init(&t->ix, m->a, kv_key, l);
    sindex_clear(&t->ix);
    t->ix.owner = l;
    for (i = 0; i < l->n; i++)
      sindex_add(&t->ix, l->v[i].key, strlen(l->v[i].key), i);
    t->l = l;
    t->v = l->v;
    t->n = l->n;
  }
  return sindex_get(&t->ix, key, strlen(key));
}

const char *kvlist_get(const struct kvlist *l, const char *key)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    if (!strcmp(l->v[i].key, key))
      return l->v[i].value;
  return NULL;
}

/* Set key in l (lists made here have room for the next power of two of
 * entries, as arena_push's arrays). */
static void kvset(struct mc *m, struct kvlist *l, const char *key,
                  const char *value)
{
  size_t i = kvpos(m, l, key);
  int tabled = m->kvt.l == l && m->kvt.v == l->v && m->kvt.n == l->n;

  if (i != SINDEX_NONE) {
    l->v[i].value = value;
    return;
  }
  if (!l->n || !(l->n & (l->n - 1))) {
    struct kv *nv = arena_alloc(m->a, (l->n ? 2 * l->n : 4) * sizeof(*nv));
    if (l->n)
      memcpy(nv, l->v, l->n * sizeof(*nv));
    l->v = nv;
  }
  l->v[l->n].key = arena_strdup(m->a, key);
  l->v[l->n].value = value;
  l->n++;
  if (tabled) {
    sindex_add(&m->kvt.ix, l->v[l->n - 1].key, strlen(key), l->n - 1);
    m->kvt.v = l->v;
    m->kvt.n = l->n;
  }
}

/* A mapping or a list of "KEY=VALUE" as key/value pairs; a key without
 * value gives nullval (NULL for environment, "" for labels). */
static void kvmap(struct mc *m, const struct ynode *n, struct kvlist *out,
                  const char *nullval, char sep)
{
  size_t i;

  if (!n)
    return;
  if (n->kind == YNODE_MAP) {
    for (i = 0; i < n->n; i++) {
      const struct ynode *v = n->items[i];
      kvset(m, out, n->keys[i]->str,
            is_null(v)     ? nullval
            : is_scalar(v) ? text(m, v)
                           : nullval);
    }
  } else if (n->kind == YNODE_SEQ) {
    for (i = 0; i < n->n; i++) {
      const char *s = is_scalar(n->items[i]) ? n->items[i]->str : NULL;
      const char *eq = s ? strchr(s, sep) : NULL;
      if (!s)
        continue;
      if (eq)
        kvset(m, out, arena_strndup(m->a, s, (size_t)(eq - s)),
              arena_strdup(m->a, eq + 1));
      else
        kvset(m, out, s, nullval);
    }
  }
}

static char *abspath(struct mc *m, const char *path)
{
  return model_abs_path(m->a, m->ctx->working_dir, m->ctx->home, path);
}

static int is_remote(const char *s)
{
  static const char *const pre[] = {"https://", "http://",     "git://",
                                    "ssh://",   "github.com/", "git@"};
  size_t i;

  if (strstr(s, "://"))
    return 1;
  for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
    if (!strncmp(s, pre[i], strlen(pre[i])))
      return 1;
  return 0;
}

static int duration(struct mc *m, const struct ynode *n, int64_t *ns)
{
  *ns = -1;
  if (is_null(n))
    return 0;
  if (!is_scalar(n) || model_parse_duration(n->str, ns))
    return bad(m, n, "%s: '%s' is not a duration (want e.g. 1m30s, 10s)",
               m->where, is_scalar(n) ? n->str : "");
  return 0;
}

static int bytes(struct mc *m, const struct ynode *n, int64_t *out)
{
  *out = -1;
  if (is_null(n))
    return 0;
  if (!is_scalar(n) || model_parse_bytes(n->str, out))
    return bad(m, n, "%s: '%s' is not a byte size (want e.g. 512m, 1gb)",
               m->where, is_scalar(n) ? n->str : "");
  return 0;
}

static int64_t intval(const struct ynode *n, int64_t dflt)
{
  if (!is_scalar(n))
    return dflt;
  return model_int(n->str);
}

static int64_t modeval(const struct ynode *n)
{
  if (!is_scalar(n))
    return -1;
  return model_mode(n->str);
}

/* ---- services ---- */

static void file_refs(struct mc *m, const struct ynode *n,
                      struct file_ref **out, size_t *nout)
{
  size_t i;

  if (!n || n->kind != YNODE_SEQ)
    return;
  *out = arena_alloc(m->a, (n->n ? n->n : 1) * sizeof(**out));
  for (i = 0; i < n->n; i++) {
    const struct ynode *it = n->items[i];
    struct file_ref *f = &(*out)[(*nout)++];
    f->mode = -1;
    if (is_scalar(it)) {
      f->source = text(m, it);
      continue;
    }
    f->source = ftext(m, get(it, "source"));
    f->target = ftext(m, get(it, "target"));
    f->uid = ftext(m, get(it, "uid"));
    f->gid = ftext(m, get(it, "gid"));
    f->mode = modeval(get(it, "mode"));
  }
}

/* Build arguments written without a value take it from the environment
 * (.env included) and are left out when it has none, as compose does. */
static void resolve_args(struct mc *m, struct kvlist *args)
{
  size_t i, o = 0;

  for (i = 0; i < args->n; i++) {
    struct kv kv = args->v[i];
    if (!kv.value) {
      const char *v =
          m->ctx->environment ? env_get(m->ctx->environment, kv.key) : NULL;
      if (!v)
        continue;
      kv.value = arena_strdup(m->a, v);
    }
    args->v[o++] = kv;
  }
  args->n = o;
}

static int build(struct mc *m, struct service *s, const struct ynode *n)
{
  struct build *b = arena_alloc(m->a, sizeof(*b));
  const struct ynode *v;
  size_t i;

  b->shm_size = -1;
  s->build = b;
  if (is_scalar(n)) {
    b->context = n->str;
  } else {
    b->context = ftext(m, get(n, "context"));
    b->dockerfile = ftext(m, get(n, "dockerfile"));
    b->dockerfile_inline = ftext(m, get(n, "dockerfile_inline"));
    kvmap(m, get(n, "args"), &b->args, NULL, '=');
    b->target = ftext(m, get(n, "target"));
    kvmap(m, get(n, "labels"), &b->labels, "", '=');
    strlist(m, get(n, "cache_from"), &b->cache_from);
    strlist(m, get(n, "cache_to"), &b->cache_to);
    strlist(m, get(n, "tags"), &b->tags);
    strlist(m, get(n, "platforms"), &b->platforms);
    strlist(m, get(n, "ssh"), &b->ssh);
    b->network = ftext(m, get(n, "network"));
    if (bytes(m, get(n, "shm_size"), &b->shm_size))
      return ERR_CONFIG;
    v = get(n, "no_cache");
    b->no_cache = is_null(v) ? TRI_UNSET : boolean(v) ? TRI_TRUE : TRI_FALSE;
    v = get(n, "pull");
    b->pull = is_null(v) ? TRI_UNSET : boolean(v) ? TRI_TRUE : TRI_FALSE;
    v = get(n, "privileged");
    b->privileged = is_null(v) ? TRI_UNSET : boolean(v) ? TRI_TRUE : TRI_FALSE;
    kvmap(m, get(n, "additional_contexts"), &b->additional_contexts, "", '=');
    v = get(n, "extra_hosts");
    if (v && v->kind == YNODE_MAP) {
      for (i = 0; i < v->n; i++)
        slpush(m, &b->extra_hosts,
               arena_printf(m->a, "%s=%s", v->keys[i]->str,
                            is_scalar(v->items[i]) ? v->items[i]->str : ""));
    } else {
      strlist(m, v, &b->extra_hosts);
    }
    file_refs(m, get(n, "secrets"), &b->secrets, &b->nsecrets);
    for (i = 0; i < n->n; i++) {
      static const char *const known[] = {"context",
                                          "dockerfile",
                                          "dockerfile_inline",
                                          "args",
                                          "target",
                                          "labels",
                                          "cache_from",
                                          "cache_to",
                                          "tags",
                                          "platforms",
                                          "ssh",
                                          "network",
                                          "shm_size",
                                          "no_cache",
                                          "pull",
                                          "privileged",
                                          "additional_contexts",
                                          "extra_hosts",
                                          "secrets",
                                          NULL};
      const char *k = n->keys[i]->str;
      size_t j;
      for (j = 0; known[j] && strcmp(known[j], k); j++)
        ;
      if (known[j] || !strncmp(k, "x-", 2))
        continue;
      if (!b->other)
        b->other = mval_new(m, MVAL_MAP);
      mval_set(m, b->other, k, to_mval(m, n->items[i]));
    }
  }
  if (!b->context)
    b->context = ".";
  if (!is_remote(b->context) && strncmp(b->context, "service:", 8))
    b->context = abspath(m, b->context);
  else
    b->context = arena_strdup(m->a, b->context);
  for (i = 0; i < b->additional_contexts.n; i++) {
    struct kv *kv = &b->additional_contexts.v[i];
    if (kv->value && !is_remote(kv->value) &&
        strncmp(kv->value, "service:", 8) &&
        strncmp(kv->value, "docker-image://", 15))
      kv->value = abspath(m, kv->value);
  }
  if (!b->dockerfile && !b->dockerfile_inline)
    b->dockerfile = "Dockerfile";
  if (!m->ctx->no_normalize)
    resolve_args(m, &b->args);
  return 0;
}

static int ports(struct mc *m, struct service *s, const struct ynode *n)
{
  size_t i, cap = 0;

  if (!n || n->kind != YNODE_SEQ)
    return 0;
  for (i = 0; i < n->n; i++) {
    const struct ynode *it = n->items[i];
    struct port *ps = NULL, *np;
    size_t k = 0;
    const char *why;

    if (is_scalar(it)) {
      if (model_parse_ports(m->a, it->str, &ps, &k, &why))
        return bad(m, it, "%s.ports[%zu]: '%s' is not a port mapping: %s",
                   m->where, i, it->str, why);
      m->ports += k;
      if (m->ports > MODEL_PORTS_MAX)
        return bad(m, it,
                   "%s.ports[%zu]: the project publishes more than %d ports "
                   "in all (a range makes one port per number)",
                   m->where, i, MODEL_PORTS_MAX);
    } else if (it->kind == YNODE_MAP) {
      const struct ynode *pub = get(it, "published");
      ps = arena_alloc(m->a, sizeof(*ps));
      k = 1;
      ps->name = ftext(m, get(it, "name"));
      ps->target = (uint32_t)intval(get(it, "target"), 0);
      ps->published = ftext(m, pub);
      ps->host_ip = ftext(m, get(it, "host_ip"));
      ps->protocol = ftext(m, get(it, "protocol"));
      ps->mode = ftext(m, get(it, "mode"));
      ps->app_protocol = ftext(m, get(it, "app_protocol"));
      if (!ps->protocol)
        ps->protocol = "tcp";
      if (!ps->mode)
        ps->mode = "ingress";
    } else {
      continue;
    }
    if (s->nports + k > cap) {
      while (s->nports + k > cap)
        cap = cap ? 2 * cap : 4;
      np = arena_alloc(m->a, cap * sizeof(*np));
      if (s->nports)
        memcpy(np, s->ports, s->nports * sizeof(*np));
      s->ports = np;
    }
    memcpy(s->ports + s->nports, ps, k * sizeof(*np));
    s->nports += k;
  }
  return 0;
}

static int volumes(struct mc *m, struct service *s, const struct ynode *n)
{
  size_t i;

  if (!n || n->kind != YNODE_SEQ)
    return 0;
  s->volumes = arena_alloc(m->a, (n->n ? n->n : 1) * sizeof(*s->volumes));
  for (i = 0; i < n->n; i++) {
    const struct ynode *it = n->items[i], *v;
    struct mount *mt = &s->volumes[s->nvolumes++];
    const char *why;

    if (is_scalar(it)) {
      if (model_parse_volume(m->a, it->str, mt, &why))
        return bad(m, it, "%s.volumes[%zu]: '%s' is not a volume: %s", m->where,
                   i, it->str, why);
    } else if (it->kind == YNODE_MAP) {
      const char *type =
          is_scalar(get(it, "type")) ? get(it, "type")->str : "volume";
      memset(mt, 0, sizeof(*mt));
      mt->tmpfs_size = mt->tmpfs_mode = -1;
      mt->type = !strcmp(type, "bind")      ? MOUNT_BIND
                 : !strcmp(type, "tmpfs")   ? MOUNT_TMPFS
                 : !strcmp(type, "npipe")   ? MOUNT_NPIPE
                 : !strcmp(type, "cluster") ? MOUNT_CLUSTER
                 : !strcmp(type, "image")   ? MOUNT_IMAGE
                                            : MOUNT_VOLUME;
      mt->source = ftext(m, get(it, "source"));
      mt->target = ftext(m, get(it, "target"));
      mt->read_only = boolean(get(it, "read_only"));
      mt->consistency = ftext(m, get(it, "consistency"));
      v = get(it, "bind");
      if (v) {
        const struct ynode *c = get(v, "create_host_path");
        mt->has_bind = 1;
        mt->bind_propagation = ftext(m, get(v, "propagation"));
        mt->bind_selinux = ftext(m, get(v, "selinux"));
        mt->bind_recursive = ftext(m, get(v, "recursive"));
        mt->bind_create_host_path = is_null(c)   ? TRI_UNSET
                                    : boolean(c) ? TRI_TRUE
                                                 : TRI_FALSE;
      }
      v = get(it, "volume");
      if (v) {
        mt->has_volume = 1;
        mt->volume_nocopy = boolean(get(v, "nocopy"));
        mt->volume_subpath = ftext(m, get(v, "subpath"));
      }
      v = get(it, "image");
      if (v) {
        mt->has_image = 1;
        mt->image_subpath = ftext(m, get(v, "subpath"));
      }
      v = get(it, "tmpfs");
      if (v) {
        mt->has_tmpfs = 1;
        if (bytes(m, get(v, "size"), &mt->tmpfs_size))
          return ERR_CONFIG;
        mt->tmpfs_mode = modeval(get(v, "mode"));
      }
    } else {
      s->nvolumes--;
      continue;
    }
    if (mt->type == MOUNT_BIND) {
      if (!mt->source)
        return bad(m, it, "%s.volumes[%zu]: a bind mount needs a source",
                   m->where, i);
      mt->source = abspath(m, mt->source);
      if (!m->ctx->no_normalize && mt->has_bind &&
          mt->bind_create_host_path == TRI_UNSET)
        mt->bind_create_host_path = TRI_TRUE;
    }
    if (mt->target)
      mt->target = model_clean_path(m->a, mt->target);
  }
  return 0;
}

static int depends_on(struct mc *m, struct service *s, const struct ynode *n)
{
  size_t i;

  if (!n || (n->kind != YNODE_SEQ && n->kind != YNODE_MAP))
    return 0;
  s->depends_on = arena_alloc(m->a, (n->n ? n->n : 1) * sizeof(*s->depends_on));
  for (i = 0; i < n->n; i++) {
    struct dependency *d = &s->depends_on[s->ndepends_on++];
    d->condition = DEP_STARTED;
    d->required = 1;
    if (n->kind == YNODE_SEQ) {
      d->service = text(m, n->items[i]);
    } else {
      const struct ynode *c = get(n->items[i], "condition");
      const struct ynode *r = get(n->items[i], "required");
      d->service = arena_strdup(m->a, n->keys[i]->str);
      d->restart = boolean(get(n->items[i], "restart"));
      if (r && is_scalar(r))
        d->required = model_bool(r->str) == 1;
      if (is_scalar(c) && !strcmp(c->str, "service_healthy"))
        d->condition = DEP_HEALTHY;
      else if (is_scalar(c) &&
               !strcmp(c->str, "service_completed_successfully"))
        d->condition = DEP_COMPLETED;
    }
  }
  return 0;
}

/* The dependencies of one service while normalize adds implied ones:
 * the room in the array, and a table of the names once there are many. */
struct deps {
  struct arena *a;
  struct sindex names;
  int tabled;
  size_t cap;
};

static const char *dep_name(const void *owner, size_t pos, size_t *len)
{
  const char *k = ((const struct service *)owner)->depends_on[pos].service;
  *len = strlen(k);
  return k;
}

/* 1 when s depends on name already; else records that it will. */
static int dep_known(struct service *s, struct deps *d, const char *name)
{
  size_t k;

  if (!d->tabled && s->ndepends_on < KV_INDEX_MIN) {
    for (k = 0; k < s->ndepends_on; k++)
      if (!strcmp(s->depends_on[k].service, name))
        return 1;
    return 0;
  }
  if (!d->tabled) {
    sindex_init(&d->names, d->a, dep_name, s);
    for (k = 0; k < s->ndepends_on; k++)
      sindex_add(&d->names, s->depends_on[k].service,
                 strlen(s->depends_on[k].service), k);
    d->tabled = 1;
  }
  return sindex_add(&d->names, name, strlen(name), s->ndepends_on) !=
         s->ndepends_on;
}

/* Add an implied dependency unless one on that service exists. */
static void add_dep(struct mc *m, struct service *s, struct deps *d,
                    const char *name, int restart)
{
  struct dependency *nd;

  if (dep_known(s, d, name))
    return;
  if (s->ndepends_on == d->cap) {
    d->cap = d->cap ? 2 * d->cap : 4;
    nd = arena_alloc(m->a, d->cap * sizeof(*nd));
    if (s->ndepends_on)
      memcpy(nd, s->depends_on, s->ndepends_on * sizeof(*nd));
    s->depends_on = nd;
  }
  nd = &s->depends_on[s->ndepends_on++];
  memset(nd, 0, sizeof(*nd));
  nd->service = name;
  nd->condition = DEP_STARTED;
  nd->required = 1;
  nd->restart = restart;
}

static int svc_networks(struct mc *m, struct service *s, const struct ynode *n)
{
  size_t i;

  if (!n || (n->kind != YNODE_SEQ && n->kind != YNODE_MAP))
    return 0;
  s->networks = arena_alloc(m->a, (n->n ? n->n : 1) * sizeof(*s->networks));
  for (i = 0; i < n->n; i++) {
    struct service_network *sn = &s->networks[s->nnetworks++];
    const struct ynode *c = n->kind == YNODE_MAP ? n->items[i] : NULL;
    sn->name = n->kind == YNODE_SEQ ? text(m, n->items[i])
                                    : arena_strdup(m->a, n->keys[i]->str);
    if (c && c->kind == YNODE_MAP) {
      sn->has_config = 1;
      strlist(m, get(c, "aliases"), &sn->aliases);
      sn->ipv4_address = ftext(m, get(c, "ipv4_address"));
      sn->ipv6_address = ftext(m, get(c, "ipv6_address"));
      strlist(m, get(c, "link_local_ips"), &sn->link_local_ips);
      sn->mac_address = ftext(m, get(c, "mac_address"));
      sn->priority = (int)intval(get(c, "priority"), 0);
    }
  }
  return 0;
}

static int healthcheck(struct mc *m, struct service *s, const struct ynode *n)
{
  struct healthcheck *h = arena_alloc(m->a, sizeof(*h));
  const struct ynode *t = get(n, "test");

  s->healthcheck = h;
  h->disable = boolean(get(n, "disable"));
  h->retries = (int)intval(get(n, "retries"), -1);
  if (is_scalar(t)) {
    slpush(m, &h->test, "CMD-SHELL");
    slpush(m, &h->test, text(m, t));
  } else {
    strlist(m, t, &h->test);
  }
  if (duration(m, get(n, "interval"), &h->interval_ns) ||
      duration(m, get(n, "timeout"), &h->timeout_ns) ||
      duration(m, get(n, "start_period"), &h->start_period_ns) ||
      duration(m, get(n, "start_interval"), &h->start_interval_ns))
    return ERR_CONFIG;
  t = get(n, "start_interval");
  if (t) {
    h->start_interval_pos = t->pos;
    h->start_interval_pos.file =
        t->pos.file ? arena_strdup(m->a, t->pos.file) : NULL;
  }
  return 0;
}

/* Read one env or label file into out (later files override earlier). */
static int read_envfile(struct mc *m, const struct ynode *at, const char *path,
                        int required, struct kvlist *out)
{
  struct arena tmp = ARENA_INIT;
  struct env e;
  size_t i;
  int rc;

  if (access(path, F_OK)) {
    if (!required)
      return 0;
    return bad(m, at, "env file %s not found", path);
  }
  env_init(&e, &tmp);
  e.budget = m->ctx->environment ? m->ctx->environment->budget : NULL;
  rc = dotenv_parse_file(&e, path, m->ctx->environment, m->err);
  for (i = 0; !rc && i < e.n; i++)
    kvset(m, out, e.vars[i].name,
          e.vars[i].value ? arena_strdup(m->a, e.vars[i].value) : NULL);
  arena_release(&tmp);
  return rc;
}

static int env_files(struct mc *m, struct service *s, const struct ynode *n,
                     struct kvlist *vars)
{
  size_t i, cnt;

  if (!n)
    return 0;
  cnt = n->kind == YNODE_SEQ ? n->n : 1;
  s->env_files = arena_alloc(m->a, cnt * sizeof(*s->env_files));
  for (i = 0; i < cnt; i++) {
    const struct ynode *it = n->kind == YNODE_SEQ ? n->items[i] : n;
    struct env_file *f = &s->env_files[s->nenv_files];
    const struct ynode *r;
    if (is_scalar(it)) {
      f->path = it->str;
    } else if (is_scalar(get(it, "path"))) {
      f->path = get(it, "path")->str;
      f->format = ftext(m, get(it, "format"));
      r = get(it, "required");
      if (is_scalar(r)) {
        f->required_set = 1;
        f->required = model_bool(r->str) == 1;
      }
    } else {
      continue;
    }
    if (!f->required_set)
      f->required = 1;
    f->path = abspath(m, f->path);
    s->nenv_files++;
    int rc = read_envfile(m, it, f->path, f->required, vars);
    if (rc)
      return rc;
  }
  return 0;
}

static void ulimits(struct mc *m, struct service *s, const struct ynode *n)
{
  size_t i;

  if (!n || n->kind != YNODE_MAP)
    return;
  s->ulimits = arena_alloc(m->a, (n->n ? n->n : 1) * sizeof(*s->ulimits));
  for (i = 0; i < n->n; i++) {
    struct ulimit *u = &s->ulimits[s->nulimits++];
    const struct ynode *v = n->items[i];
    u->name = arena_strdup(m->a, n->keys[i]->str);
    if (is_scalar(v)) {
      u->single = 1;
      u->soft = u->hard = intval(v, 0);
    } else {
      u->soft = intval(get(v, "soft"), 0);
      u->hard = intval(get(v, "hard"), 0);
    }
  }
}

static void devices(struct mc *m, struct service *s, const struct ynode *n)
{
  size_t i;

  if (!n || n->kind != YNODE_SEQ)
    return;
  s->devices = arena_alloc(m->a, (n->n ? n->n : 1) * sizeof(*s->devices));
  for (i = 0; i < n->n; i++) {
    struct device *d = &s->devices[s->ndevices++];
    const struct ynode *v = n->items[i];
    if (is_scalar(v)) {
      char *sp = arena_strdup(m->a, v->str), *c;
      d->source = sp;
      c = strchr(sp, ':');
      if (c) {
        *c++ = 0;
        d->target = c;
        c = strchr(c, ':');
        if (c) {
          *c++ = 0;
          d->permissions = c;
        }
      }
      if (!d->target)
        d->target = d->source;
      if (!d->permissions)
        d->permissions = "rwm";
    } else {
      d->source = ftext(m, get(v, "source"));
      d->target = ftext(m, get(v, "target"));
      d->permissions = ftext(m, get(v, "permissions"));
    }
  }
}

/* A numeric field of a generic value written as a string (interpolated,
 * or quoted): typed by its field as compose casts it ("03" is 3). */
static void cast_num(struct mc *m, const struct mval *map, const char *key,
                     int integer)
{
  struct mval *v = (struct mval *)mval_get(map, key);
  enum model_stype t;

  if (!v || v->kind != MVAL_STR)
    return;
  t = model_scalar_type(v->str);
  if (t == STYPE_INT && integer) {
    v->kind = MVAL_INT;
    v->i = model_int(v->str);
  } else if ((t == STYPE_INT || t == STYPE_FLOAT) && !integer) {
    v->kind = MVAL_FLOAT;
    v->f = strtod(v->str, NULL);
  }
  (void)m;
}

/* deploy, normalized: durations and byte sizes as compose prints them,
 * cpus as numbers, labels as a map, the numeric fields as numbers. */
static int deploy(struct mc *m, struct service *s, const struct ynode *n)
{
  static const char *const durs[] = {"delay", "monitor", "window", NULL};
  static const char *const sub[] = {"update_config", "rollback_config",
                                    "restart_policy", NULL};
  struct mval *d = to_mval(m, n), *v;
  const struct ynode *res = get(n, "resources"), *lab = get(n, "labels");
  size_t i, j;
  char buf[64];

  if (d->kind != MVAL_MAP)
    return 0;
  s->deploy = d;
  d->pos = n->pos;
  d->pos.file = n->pos.file ? arena_strdup(m->a, n->pos.file) : NULL;
  if (lab && lab->kind == YNODE_SEQ) {
    struct kvlist kl = {NULL, 0};
    v = mval_new(m, MVAL_MAP);
    kvmap(m, lab, &kl, "", '=');
    for (i = 0; i < kl.n; i++)
      mval_set(m, v, kl.v[i].key, mval_str(m, kl.v[i].value));
    mval_set(m, d, "labels", v);
  }
  for (i = 0; sub[i]; i++) {
    const struct ynode *sn = get(n, sub[i]);
    for (j = 0; durs[j]; j++) {
      const struct ynode *dn = get(sn, durs[j]);
      int64_t ns;
      if (!dn)
        continue;
      if (duration(m, dn, &ns))
        return ERR_CONFIG;
      model_format_duration(ns, buf, sizeof(buf));
      mval_set(m, (struct mval *)mval_get(d, sub[i]), durs[j],
               mval_str(m, buf));
    }
  }
  for (i = 0; i < 2; i++) {
    const char *which = i ? "reservations" : "limits";
    const struct ynode *r = get(res, which), *c = get(r, "cpus");
    struct mval *rv = (struct mval *)mval_get(mval_get(d, "resources"), which);
    struct resources *tr = i ? &s->reservations : &s->limits;
    int64_t b;
    if (!r)
      continue;
    if (is_scalar(c)) {
      v = mval_new(m, MVAL_FLOAT);
      v->f = strtod(c->str, NULL);
      tr->cpus = v->f;
      mval_set(m, rv, "cpus", v);
    }
    if (get(r, "memory")) {
      if (bytes(m, get(r, "memory"), &b))
        return ERR_CONFIG;
      tr->memory = b;
      mval_set(m, rv, "memory",
               mval_str(m, arena_printf(m->a, "%lld", (long long)b)));
    }
    tr->pids = intval(get(r, "pids"), 0);
  }
  if (is_scalar(get(n, "replicas")))
    s->replicas = (int)intval(get(n, "replicas"), 1);
  cast_num(m, d, "replicas", 1);
  for (i = 0; i < 2; i++) {
    const struct mval *u = mval_get(d, sub[i]);
    cast_num(m, u, "parallelism", 1);
    cast_num(m, u, "max_failure_ratio", 0);
  }
  cast_num(m, mval_get(d, "restart_policy"), "max_attempts", 1);
  cast_num(m, mval_get(d, "placement"), "max_replicas_per_node", 1);
  for (i = 0; i < 2; i++)
    cast_num(m,
             mval_get(mval_get(d, "resources"), i ? "reservations" : "limits"),
             "pids", 1);
  return 0;
}

static void watch(struct mc *m, struct service *s, const struct ynode *n)
{
  const struct ynode *w = get(n, "watch");
  size_t i;

  if (!w || w->kind != YNODE_SEQ)
    return;
  s->watch = arena_alloc(m->a, (w->n ? w->n : 1) * sizeof(*s->watch));
  for (i = 0; i < w->n; i++) {
    struct watch_rule *r = &s->watch[s->nwatch++];
    const struct ynode *it = w->items[i], *a = get(it, "action");
    const char *act = is_scalar(a) ? a->str : "";
    r->action = !strcmp(act, "rebuild")        ? WATCH_REBUILD
                : !strcmp(act, "sync+restart") ? WATCH_SYNC_RESTART
                : !strcmp(act, "restart")      ? WATCH_RESTART
                : !strcmp(act, "sync+exec")    ? WATCH_SYNC_EXEC
                                               : WATCH_SYNC;
    r->path =
        is_scalar(get(it, "path")) ? abspath(m, get(it, "path")->str) : NULL;
    r->target = ftext(m, get(it, "target"));
    strlist(m, get(it, "ignore"), &r->ignore);
    strlist(m, get(it, "include"), &r->include);
    strlist(m, get(get(it, "exec"), "command"), &r->exec_command);
  }
}

/* How a service key is read when it is not one of the structured ones. */
enum fkind {
  F_STR,     /* scalar kept as a string */
  F_STRLIST, /* string or list, as a list of strings */
  F_BOOL,
  F_INT,
  F_FLOAT,
  F_BYTES,    /* printed as a string of digits */
  F_DURATION, /* printed as compose prints durations */
  F_KV,       /* mapping or list of KEY=VALUE, values strings */
  F_RAW       /* kept as written */
};
static const struct {
  const char *key;
  enum fkind kind;
} simple[] = {
    {"cgroup_parent", F_STR},
    {"cgroup", F_STR},
    {"cpu_count", F_INT},
    {"cpu_percent", F_FLOAT},
    {"cpu_period", F_INT},
    {"cpu_quota", F_INT},
    {"cpu_rt_period", F_DURATION},
    {"cpu_rt_runtime", F_DURATION},
    {"cpus", F_FLOAT},
    {"cpuset", F_STR},
    {"cpu_shares", F_INT},
    {"container_name", F_STR},
    {"cap_add", F_STRLIST},
    {"cap_drop", F_STRLIST},
    {"device_cgroup_rules", F_STRLIST},
    {"dns", F_STRLIST},
    {"dns_opt", F_STRLIST},
    {"dns_search", F_STRLIST},
    {"domainname", F_STR},
    {"expose", F_STRLIST},
    {"external_links", F_STRLIST},
    {"group_add", F_STRLIST},
    {"hostname", F_STR},
    {"image", F_STR},
    {"init", F_BOOL},
    {"ipc", F_STR},
    {"isolation", F_STR},
    {"links", F_STRLIST},
    {"mem_limit", F_BYTES},
    {"mem_reservation", F_BYTES},
    {"memswap_limit", F_BYTES},
    {"mem_swappiness", F_INT},
    {"mac_address", F_STR},
    {"network_mode", F_STR},
    {"oom_kill_disable", F_BOOL},
    {"oom_score_adj", F_INT},
    {"pid", F_STR},
    {"pids_limit", F_INT},
    {"platform", F_STR},
    {"privileged", F_BOOL},
    {"profiles", F_STRLIST},
    {"pull_policy", F_STR},
    {"read_only", F_BOOL},
    {"restart", F_STR},
    {"runtime", F_STR},
    {"scale", F_INT},
    {"security_opt", F_STRLIST},
    {"shm_size", F_BYTES},
    {"stdin_open", F_BOOL},
    {"stop_grace_period", F_DURATION},
    {"stop_signal", F_STR},
    {"storage_opt", F_KV},
    {"sysctls", F_KV},
    {"tmpfs", F_STRLIST},
    {"tty", F_BOOL},
    {"user", F_STR},
    {"userns_mode", F_STR},
    {"uts", F_STR},
    {"volume_driver", F_STR},
    {"working_dir", F_STR},
    {"annotations", F_KV},
    {"attach", F_BOOL},
    {"credential_spec", F_RAW},
    {"blkio_config", F_RAW},
    {"gpus", F_RAW},
    {"provider", F_RAW},
    {"post_start", F_RAW},
    {"pre_stop", F_RAW},
    {"use_api_socket", F_BOOL},
    {"log_driver", F_STR},
    {"log_opt", F_KV},
    {"extends", F_RAW},
    {"develop", F_RAW},
    {"models", F_RAW},
};

static int simple_field(struct mc *m, struct service *s, const char *key,
                        const struct ynode *n, enum fkind kind)
{
  struct mval *v = NULL;
  struct strlist l = {NULL, 0};
  struct kvlist kl = {NULL, 0};
  int64_t x;
  char buf[64];
  size_t i;

  switch (kind) {
  case F_STR:
    v = is_null(n) ? mval_new(m, MVAL_NULL) : mval_str(m, n->str);
    break;
  case F_STRLIST:
    strlist(m, n, &l);
    v = mval_new(m, MVAL_SEQ);
    for (i = 0; i < l.n; i++)
      mval_push(m, v, mval_str(m, l.v[i]));
    break;
  case F_BOOL:
    v = mval_new(m, MVAL_BOOL);
    v->i = boolean(n);
    break;
  case F_INT:
    v = mval_new(m, MVAL_INT);
    v->i = intval(n, 0);
    break;
  case F_FLOAT:
    v = mval_new(m, MVAL_FLOAT);
    v->f = is_scalar(n) ? strtod(n->str, NULL) : 0;
    break;
  case F_BYTES:
    if (bytes(m, n, &x))
      return ERR_CONFIG;
    v = mval_str(m, arena_printf(m->a, "%lld", (long long)x));
    v->i = x;
    break;
  case F_DURATION:
    if (duration(m, n, &x))
      return ERR_CONFIG;
    model_format_duration(x, buf, sizeof(buf));
    v = mval_str(m, buf);
    v->i = x;
    break;
  case F_KV:
    kvmap(m, n, &kl, "", '=');
    v = mval_new(m, MVAL_MAP);
    for (i = 0; i < kl.n; i++)
      mval_set(m, v, kl.v[i].key, mval_str(m, kl.v[i].value));
    break;
  case F_RAW:
    v = to_mval(m, n);
    if (!strcmp(key, "models") && v->kind == MVAL_SEQ) {
      /* [a, b] is {a: null, b: null}, as compose normalizes it */
      struct mval *map = mval_new(m, MVAL_MAP);
      for (i = 0; i < v->n; i++)
        if (v->items[i]->kind == MVAL_STR)
          mval_set(m, map, v->items[i]->str, mval_new(m, MVAL_NULL));
      v = map;
    }
    break;
  }
  v->pos = n->pos;
  v->pos.file = n->pos.file ? arena_strdup(m->a, n->pos.file) : NULL;
  if (!s->other)
    s->other = mval_new(m, MVAL_MAP);
  mval_set(m, s->other, key, v);
  return 0;
}

static const char *ostr(const struct service *s, const char *key)
{
  const struct mval *v = mval_get(s->other, key);
  return v && v->kind == MVAL_STR && *v->str ? v->str : NULL;
}

static int64_t oint(const struct service *s, const char *key, int64_t dflt)
{
  const struct mval *v = mval_get(s->other, key);
  return v ? v->i : dflt;
}

static void olist(const struct service *s, const char *key, struct strlist *out,
                  struct arena *a)
{
  const struct mval *v = mval_get(s->other, key);
  size_t i;

  if (!v || v->kind != MVAL_SEQ)
    return;
  out->v = arena_alloc(a, (v->n ? v->n : 1) * sizeof(*out->v));
  for (i = 0; i < v->n; i++)
    out->v[i] = v->items[i]->str;
  out->n = v->n;
}

static void okv(struct mc *m, const struct service *s, const char *key,
                struct kvlist *out)
{
  const struct mval *v = mval_get(s->other, key);
  size_t i;

  for (i = 0; v && i < v->n; i++)
    kvset(m, out, v->keys[i], v->items[i]->str);
}

/* Point the typed fields at what simple_field stored. */
static void typed_view(struct mc *m, struct service *s)
{
  const struct mval *v;

  s->image = ostr(s, "image");
  s->pull_policy = ostr(s, "pull_policy");
  if (s->pull_policy && !strcmp(s->pull_policy, "if_not_present") &&
      !m->ctx->no_normalize) {
    s->pull_policy = "missing";
    mval_set(m, s->other, "pull_policy", mval_str(m, "missing"));
  }
  s->platform = ostr(s, "platform");
  s->working_dir = ostr(s, "working_dir");
  s->user = ostr(s, "user");
  s->hostname = ostr(s, "hostname");
  s->domainname = ostr(s, "domainname");
  s->tty = (int)oint(s, "tty", 0);
  s->stdin_open = (int)oint(s, "stdin_open", 0);
  s->privileged = (int)oint(s, "privileged", 0);
  s->read_only = (int)oint(s, "read_only", 0);
  v = mval_get(s->other, "init");
  s->init = v ? (int)v->i : 0;
  s->init_set = v ? (v->i ? TRI_TRUE : TRI_FALSE) : TRI_UNSET;
  olist(s, "expose", &s->expose, m->a);
  s->network_mode = ostr(s, "network_mode");
  olist(s, "links", &s->links, m->a);
  olist(s, "external_links", &s->external_links, m->a);
  olist(s, "dns", &s->dns, m->a);
  olist(s, "dns_search", &s->dns_search, m->a);
  olist(s, "dns_opt", &s->dns_opt, m->a);
  olist(s, "cap_add", &s->cap_add, m->a);
  olist(s, "cap_drop", &s->cap_drop, m->a);
  olist(s, "security_opt", &s->security_opt, m->a);
  olist(s, "group_add", &s->group_add, m->a);
  olist(s, "tmpfs", &s->tmpfs, m->a);
  olist(s, "profiles", &s->profiles, m->a);
  olist(s, "device_cgroup_rules", &s->device_cgroup_rules, m->a);
  s->pid = ostr(s, "pid");
  s->ipc = ostr(s, "ipc");
  s->uts = ostr(s, "uts");
  s->userns_mode = ostr(s, "userns_mode");
  s->cgroup = ostr(s, "cgroup");
  s->cgroup_parent = ostr(s, "cgroup_parent");
  s->restart = ostr(s, "restart");
  s->stop_signal = ostr(s, "stop_signal");
  s->stop_grace_period_ns = oint(s, "stop_grace_period", -1);
  s->mem_limit =
      mval_get(s->other, "mem_limit") ? oint(s, "mem_limit", -1) : -1;
  s->memswap_limit =
      mval_get(s->other, "memswap_limit") ? oint(s, "memswap_limit", -1) : -1;
  s->mem_reservation = mval_get(s->other, "mem_reservation")
                           ? oint(s, "mem_reservation", -1)
                           : -1;
  s->shm_size = mval_get(s->other, "shm_size") ? oint(s, "shm_size", -1) : -1;
  v = mval_get(s->other, "cpus");
  s->cpus = v ? v->f : 0;
  s->cpu_shares = oint(s, "cpu_shares", -1);
  s->pids_limit = oint(s, "pids_limit", -1);
  s->cpuset = ostr(s, "cpuset");
  s->container_name = ostr(s, "container_name");
  okv(m, s, "sysctls", &s->sysctls);
  okv(m, s, "storage_opt", &s->storage_opt);
  okv(m, s, "annotations", &s->annotations);
  s->mac_address = ostr(s, "mac_address");
  s->runtime = ostr(s, "runtime");
  s->oom_kill_disable = (int)oint(s, "oom_kill_disable", 0);
  s->oom_score_adj = (int)oint(s, "oom_score_adj", 0);
  if (mval_get(s->other, "scale"))
    s->replicas = (int)oint(s, "scale", 1);
}

static int command(struct mc *m, const struct ynode *n, struct strlist *out,
                   int *set, const char *what)
{
  if (!n || n->kind == YNODE_NULL)
    return 0;
  *set = 1;
  if (is_scalar(n)) {
    if (model_shell_split(m->a, n->str, out))
      return bad(m, n, "%s.%s: unterminated quote in '%s'", m->where, what,
                 n->str);
    return 0;
  }
  strlist(m, n, out);
  return 0;
}

static int service(struct mc *m, struct service *s, const char *name,
                   const struct ynode *n)
{
  struct kvlist envvars = {NULL, 0}, labels = {NULL, 0};
  const struct ynode *v;
  size_t i, k;
  int rc;

  s->name = arena_strdup(m->a, name);
  s->replicas = 1;
  s->stop_grace_period_ns = -1;
  s->mem_limit = s->memswap_limit = s->mem_reservation = s->shm_size = -1;
  s->cpu_shares = s->pids_limit = -1;
  m->where = arena_printf(m->a, "services.%s", name);
  if (!n || n->kind != YNODE_MAP)
    return 0;
  fields_warn_service(m->ctx->warnings, m->where, n);
  for (i = 0; i < n->n; i++) {
    const char *key = n->keys[i]->str;
    for (k = 0; k < sizeof(simple) / sizeof(simple[0]); k++) {
      if (!strcmp(simple[k].key, key)) {
        rc = simple_field(m, s, key, n->items[i], simple[k].kind);
        if (rc)
          return rc;
        break;
      }
    }
  }
  typed_view(m, s);
  s->extensions = extensions(m, n);
  v = get(n, "build");
  if (v && !is_null(v) && (rc = build(m, s, v)))
    return rc;
  if ((rc = command(m, get(n, "command"), &s->command, &s->command_set,
                    "command")) ||
      (rc = command(m, get(n, "entrypoint"), &s->entrypoint, &s->entrypoint_set,
                    "entrypoint")))
    return rc;
  if ((rc = env_files(m, s, get(n, "env_file"), &envvars)))
    return rc;
  kvmap(m, get(n, "environment"), &envvars, NULL, '=');
  for (i = 0; i < envvars.n; i++) {
    if (!envvars.v[i].value && m->ctx->environment &&
        env_get(m->ctx->environment, envvars.v[i].key))
      envvars.v[i].value =
          arena_strdup(m->a, env_get(m->ctx->environment, envvars.v[i].key));
  }
  s->environment = envvars;
  v = get(n, "label_file");
  strlist(m, v, &s->label_files);
  for (i = 0; i < s->label_files.n; i++) {
    s->label_files.v[i] = abspath(m, s->label_files.v[i]);
    if ((rc = read_envfile(m, v, s->label_files.v[i], 1, &labels)))
      return rc;
  }
  for (i = 0; i < labels.n; i++)
    if (!labels.v[i].value)
      labels.v[i].value = "";
  kvmap(m, get(n, "labels"), &labels, "", '=');
  s->labels = labels;
  v = get(n, "extra_hosts");
  if (v && v->kind == YNODE_MAP) {
    for (i = 0; i < v->n; i++)
      slpush(m, &s->extra_hosts,
             arena_printf(m->a, "%s=%s", v->keys[i]->str,
                          is_scalar(v->items[i]) ? v->items[i]->str : ""));
  } else {
    strlist(m, v, &s->extra_hosts);
    for (i = 0; i < s->extra_hosts.n; i++) {
      const char *h = s->extra_hosts.v[i];
      const char *c = strchr(h, ':');
      if (!strchr(h, '=') && c)
        s->extra_hosts.v[i] =
            arena_printf(m->a, "%.*s=%s", (int)(c - h), h, c + 1);
    }
  }
  if ((rc = ports(m, s, get(n, "ports"))) ||
      (rc = volumes(m, s, get(n, "volumes"))) ||
      (rc = depends_on(m, s, get(n, "depends_on"))) ||
      (rc = svc_networks(m, s, get(n, "networks"))))
    return rc;
  v = get(n, "volumes_from");
  if (v && v->kind == YNODE_SEQ) {
    s->volumes_from =
        arena_alloc(m->a, (v->n ? v->n : 1) * sizeof(*s->volumes_from));
    for (i = 0; i < v->n; i++) {
      struct volumes_from *vf = &s->volumes_from[s->nvolumes_from++];
      char *spec = arena_strdup(m->a,
                                is_scalar(v->items[i]) ? v->items[i]->str : ""),
           *c;
      if (!strncmp(spec, "container:", 10)) {
        spec += 10;
        vf->container = spec;
      } else {
        vf->service = spec;
      }
      c = strchr(spec, ':');
      if (c) {
        *c = 0;
        vf->read_only = !strcmp(c + 1, "ro");
      }
    }
  }
  v = get(n, "healthcheck");
  if (v && v->kind == YNODE_MAP && (rc = healthcheck(m, s, v)))
    return rc;
  v = get(n, "logging");
  if (v && v->kind == YNODE_MAP) {
    s->logging = arena_alloc(m->a, sizeof(*s->logging));
    s->logging->driver = ftext(m, get(v, "driver"));
    kvmap(m, get(v, "options"), &s->logging->options, "", '=');
  }
  ulimits(m, s, get(n, "ulimits"));
  devices(m, s, get(n, "devices"));
  file_refs(m, get(n, "secrets"), &s->secrets, &s->nsecrets);
  file_refs(m, get(n, "configs"), &s->configs, &s->nconfigs);
  if (!m->ctx->no_normalize)
    for (i = 0; i < s->nsecrets; i++)
      if (!s->secrets[i].target)
        s->secrets[i].target =
            arena_printf(m->a, "/run/secrets/%s", s->secrets[i].source);
  v = get(n, "deploy");
  if (v && v->kind == YNODE_MAP && (rc = deploy(m, s, v)))
    return rc;
  watch(m, s, get(n, "develop"));
  return 0;
}

/* ---- top-level resources ---- */

/* external: true | {name: x}; returns the legacy name or NULL. */
static const char *external(struct mc *m, const struct ynode *n, int *ext)
{
  const struct ynode *e = get(n, "external");

  *ext = 0;
  if (is_scalar(e)) {
    *ext = model_bool(e->str) == 1;
  } else if (e && e->kind == YNODE_MAP) {
    *ext = 1;
    return ftext(m, get(e, "name"));
  }
  return NULL;
}

static const char *resname(struct mc *m, const char *given, const char *legacy,
                           int ext, const char *key)
{
  if (given)
    return given;
  if (legacy)
    return legacy;
  if (m->ctx->no_normalize)
    return NULL;
  if (ext)
    return arena_strdup(m->a, key);
  return arena_printf(m->a, "%s_%s", m->p->name, key);
}

static void networks(struct mc *m, const struct ynode *top)
{
  size_t i, j;

  if (!top || top->kind != YNODE_MAP)
    return;
  m->p->networks = arena_alloc(m->a, (top->n + 1) * sizeof(*m->p->networks));
  for (i = 0; i < top->n; i++) {
    const struct ynode *n = top->items[i], *ipam = get(n, "ipam"), *cfg;
    struct network *nw = &m->p->networks[m->p->nnetworks++];
    const char *legacy;

    nw->key = arena_strdup(m->a, top->keys[i]->str);
    legacy = external(m, n, &nw->external);
    nw->name =
        resname(m, ftext(m, get(n, "name")), legacy, nw->external, nw->key);
    nw->driver = ftext(m, get(n, "driver"));
    kvmap(m, get(n, "driver_opts"), &nw->driver_opts, "", '=');
    kvmap(m, get(n, "labels"), &nw->labels, "", '=');
    nw->internal = boolean(get(n, "internal"));
    nw->attachable = boolean(get(n, "attachable"));
    nw->enable_ipv6 = boolean(get(n, "enable_ipv6"));
    nw->extensions = extensions(m, n);
    nw->ipam_driver = ftext(m, get(ipam, "driver"));
    kvmap(m, get(ipam, "options"), &nw->ipam_options, "", '=');
    cfg = get(ipam, "config");
    if (cfg && cfg->kind == YNODE_SEQ) {
      nw->ipam_config =
          arena_alloc(m->a, (cfg->n ? cfg->n : 1) * sizeof(*nw->ipam_config));
      for (j = 0; j < cfg->n; j++) {
        struct ipam_pool *pl = &nw->ipam_config[nw->nipam_config++];
        pl->subnet = ftext(m, get(cfg->items[j], "subnet"));
        pl->gateway = ftext(m, get(cfg->items[j], "gateway"));
        pl->ip_range = ftext(m, get(cfg->items[j], "ip_range"));
        kvmap(m, get(cfg->items[j], "aux_addresses"), &pl->aux_addresses, "",
              '=');
      }
    }
  }
}

static void volumes_top(struct mc *m, const struct ynode *top)
{
  size_t i;

  if (!top || top->kind != YNODE_MAP)
    return;
  m->p->volumes = arena_alloc(m->a, (top->n + 1) * sizeof(*m->p->volumes));
  for (i = 0; i < top->n; i++) {
    const struct ynode *n = top->items[i];
    struct volume *v = &m->p->volumes[m->p->nvolumes++];
    const char *legacy;

    v->key = arena_strdup(m->a, top->keys[i]->str);
    legacy = external(m, n, &v->external);
    v->name = resname(m, ftext(m, get(n, "name")), legacy, v->external, v->key);
    v->driver = ftext(m, get(n, "driver"));
    kvmap(m, get(n, "driver_opts"), &v->driver_opts, "", '=');
    kvmap(m, get(n, "labels"), &v->labels, "", '=');
    v->extensions = extensions(m, n);
  }
}

static void files_top(struct mc *m, const struct ynode *top,
                      struct file_obj **out, size_t *nout)
{
  size_t i;

  if (!top || top->kind != YNODE_MAP)
    return;
  *out = arena_alloc(m->a, (top->n + 1) * sizeof(**out));
  for (i = 0; i < top->n; i++) {
    const struct ynode *n = top->items[i];
    struct file_obj *f = &(*out)[(*nout)++];
    const char *legacy;

    f->key = arena_strdup(m->a, top->keys[i]->str);
    legacy = external(m, n, &f->external);
    f->name = resname(m, ftext(m, get(n, "name")), legacy, f->external, f->key);
    f->file =
        is_scalar(get(n, "file")) ? abspath(m, get(n, "file")->str) : NULL;
    f->environment = ftext(m, get(n, "environment"));
    f->content = ftext(m, get(n, "content"));
    f->template_driver = ftext(m, get(n, "template_driver"));
    kvmap(m, get(n, "labels"), &f->labels, "", '=');
    f->extensions = extensions(m, n);
  }
}

/* ---- normalization and checks ---- */

static int profile_active(const struct model_ctx *ctx, const struct ynode *svc)
{
  const struct ynode *pr = get(svc, "profiles");
  size_t i;

  if (!pr || pr->kind != YNODE_SEQ || !pr->n)
    return 1;
  if (!ctx->profiles)
    return 0;
  if (strvec_has(ctx->profiles, "*"))
    return 1;
  for (i = 0; i < pr->n; i++)
    if (is_scalar(pr->items[i]) && strvec_has(ctx->profiles, pr->items[i]->str))
      return 1;
  return 0;
}

static void normalize(struct mc *m)
{
  struct project *p = m->p;
  struct arena tmp = ARENA_INIT; /* the tables of names, per service */
  int uses_default = 0;
  size_t i, k;

  for (i = 0; i < p->nservices; i++) {
    struct service *s = &p->services[i];
    const char *ns[5];
    struct deps d;

    d.a = &tmp;
    d.tabled = 0;
    d.cap = s->ndepends_on;
    for (k = 0; k < s->links.n; k++)
      add_dep(m, s, &d,
              arena_strndup(m->a, s->links.v[k], strcspn(s->links.v[k], ":")),
              1);
    ns[0] = s->network_mode;
    ns[1] = s->ipc;
    ns[2] = s->pid;
    ns[3] = s->uts;
    ns[4] = s->cgroup;
    for (k = 0; k < 5; k++)
      if (ns[k] && !strncmp(ns[k], "service:", 8))
        add_dep(m, s, &d, ns[k] + 8, 1);
    for (k = 0; k < s->nvolumes_from; k++)
      if (s->volumes_from[k].service)
        add_dep(m, s, &d, s->volumes_from[k].service, 0);
    if (!s->network_mode) {
      if (!s->nnetworks) {
        s->networks = arena_alloc(m->a, sizeof(*s->networks));
        s->networks[0].name = "default";
        s->nnetworks = 1;
      }
      for (k = 0; k < s->nnetworks; k++)
        if (!strcmp(s->networks[k].name, "default"))
          uses_default = 1;
    }
  }
  if (uses_default && !project_network(p, "default")) {
    struct network *nw = &p->networks[p->nnetworks++];
    memset(nw, 0, sizeof(*nw));
    nw->key = "default";
    nw->name = arena_printf(m->a, "%s_default", p->name);
  }
  arena_release(&tmp);
}

/* The node of seq/map n that names ref (an item, or a key), else n. */
static const struct ynode *ref_node(const struct ynode *n, const char *ref)
{
  size_t i, l = strlen(ref);

  if (!n || (n->kind != YNODE_SEQ && n->kind != YNODE_MAP))
    return n;
  for (i = 0; i < n->n; i++) {
    const struct ynode *it = n->kind == YNODE_MAP ? n->keys[i] : n->items[i];
    const char *s = is_scalar(it)                  ? it->str
                    : is_scalar(get(it, "source")) ? get(it, "source")->str
                                                   : "";
    if (!strncmp(s, "container:", 10) || !strncmp(s, "service:", 8))
      s = strchr(s, ':') + 1;
    if (!strncmp(s, ref, l) && (!s[l] || s[l] == ':'))
      return n->kind == YNODE_MAP ? n->keys[i] : it;
  }
  return n;
}

static int svc_known(const struct project *p, const char *name)
{
  return project_service(p, name) != NULL;
}

static int disabled(const struct project *p, const char *name)
{
  size_t i;

  for (i = 0; i < p->ndisabled; i++)
    if (!strcmp(p->disabled[i].name, name))
      return 1;
  return 0;
}

static int check_service(struct mc *m, const struct service *s,
                         const struct ynode *n)
{
  const struct project *p = m->p;
  const struct ynode *at;
  size_t k;
  int rc = 0;

  if (s->network_mode && s->nnetworks && get(n, "networks"))
    rc = bad(m, get(n, "network_mode"),
             "service %s declares mutually exclusive network_mode and "
             "networks",
             s->name);
  /* a provider service runs no image (compose asks a plugin for it) */
  if (!s->image && !s->build && !get(n, "provider"))
    rc = bad(m, n,
             "service \"%s\" has neither an image nor a build context "
             "specified",
             s->name);
  for (k = 0; k < s->ndepends_on; k++) {
    const struct dependency *d = &s->depends_on[k];
    const struct ynode *src = get(n, "depends_on");
    if (svc_known(p, d->service))
      continue;
    if (!src || ref_node(src, d->service) == src) {
      /* implied by links, volumes_from or a namespace */
      src = get(n, "volumes_from");
      if (!src || ref_node(src, d->service) == src)
        src = get(n, "links");
      if (!src || ref_node(src, d->service) == src)
        src = get(n, "network_mode");
    }
    at = ref_node(src, d->service);
    if (disabled(p, d->service)) {
      if (d->required)
        rc = bad(m, at ? at : n,
                 "service \"%s\" depends on service \"%s\", which is "
                 "disabled by its profiles (enable them, or make the "
                 "dependency required: false)",
                 s->name, d->service);
      continue;
    }
    rc = bad(m, at ? at : n,
             "service \"%s\" depends on undefined service "
             "\"%s\"",
             s->name, d->service);
  }
  for (k = 0; k < s->nvolumes; k++) {
    const struct mount *mt = &s->volumes[k];
    if (mt->type != MOUNT_VOLUME || !mt->source ||
        project_volume(p, mt->source))
      continue;
    at = get(n, "volumes");
    rc = bad(m, at && k < at->n ? at->items[k] : n,
             "service \"%s\" refers to undefined volume \"%s\"", s->name,
             mt->source);
  }
  for (k = 0; k < s->nnetworks; k++) {
    if (project_network(p, s->networks[k].name))
      continue;
    rc = bad(m, ref_node(get(n, "networks"), s->networks[k].name),
             "service \"%s\" refers to undefined network \"%s\"", s->name,
             s->networks[k].name);
  }
  for (k = 0; k < s->nsecrets; k++) {
    size_t j;
    for (j = 0; j < p->nsecrets; j++)
      if (!strcmp(p->secrets[j].key, s->secrets[k].source))
        break;
    if (j == p->nsecrets)
      rc = bad(m, ref_node(get(n, "secrets"), s->secrets[k].source),
               "service \"%s\" refers to undefined secret \"%s\"", s->name,
               s->secrets[k].source);
  }
  for (k = 0; k < s->nconfigs; k++) {
    size_t j;
    for (j = 0; j < p->nconfigs; j++)
      if (!strcmp(p->configs[j].key, s->configs[k].source))
        break;
    if (j == p->nconfigs)
      rc = bad(m, ref_node(get(n, "configs"), s->configs[k].source),
               "service \"%s\" refers to undefined config \"%s\"", s->name,
               s->configs[k].source);
  }
  const struct mval *mods = mval_get(s->other, "models");
  for (k = 0; mods && mods->kind == MVAL_MAP && k < mods->n; k++)
    if (!mval_get(p->models, mods->keys[k]))
      rc = bad(m, ref_node(get(n, "models"), mods->keys[k]),
               "service \"%s\" refers to undefined model \"%s\"", s->name,
               mods->keys[k]);
  at = get(get(n, "extends"), "service");
  if (is_scalar(at) && !get(get(n, "extends"), "file") &&
      !svc_known(p, at->str) && !disabled(p, at->str))
    rc = bad(m, at, "service \"%s\" extends undefined service \"%s\"", s->name,
             at->str);
  return rc;
}

static int check_cycles(struct mc *m, const struct ynode *services)
{
  struct graph g = GRAPH_INIT;
  size_t *cyc = NULL, ncyc = 0;
  struct err tmp = ERR_INIT;
  int rc;

  graph_from_project(&g, m->p);
  rc = graph_check_cycles(&g, &tmp, &cyc, &ncyc);
  if (rc) {
    const struct ynode *sn = get(services, g.nodes[cyc[0]].name);
    const struct ynode *at =
        ref_node(get(sn, "depends_on"), g.nodes[cyc[1]].name);
    size_t l = tmp.len;
    while (l && tmp.text[l - 1] == '\n')
      l--;
    rc = bad(m, at ? at : sn, "%.*s", (int)l, tmp.text);
  }
  free(cyc);
  err_release(&tmp);
  graph_release(&g);
  return rc;
}

static int cmp_service(const void *a, const void *b)
{
  return strcmp(((const struct service *)a)->name,
                ((const struct service *)b)->name);
}

static int cmp_network(const void *a, const void *b)
{
  return strcmp(((const struct network *)a)->key,
                ((const struct network *)b)->key);
}

static int cmp_volume(const void *a, const void *b)
{
  return strcmp(((const struct volume *)a)->key,
                ((const struct volume *)b)->key);
}

static int cmp_file(const void *a, const void *b)
{
  return strcmp(((const struct file_obj *)a)->key,
                ((const struct file_obj *)b)->key);
}

static int cmp_snet(const void *a, const void *b)
{
  return strcmp(((const struct service_network *)a)->name,
                ((const struct service_network *)b)->name);
}

/* qsort that accepts an empty NULL array. */
static void sort(void *v, size_t n, size_t size,
                 int (*cmp)(const void *, const void *))
{
  if (n > 1)
    qsort(v, n, size, cmp);
}

int model_build(const struct ynode *root, const struct model_ctx *ctx,
                struct project **out, struct err *err)
{
  struct project *p = xcalloc(1, sizeof(*p));
  const struct ynode *svcs = get(root, "services");
  struct mc m = {0};
  size_t i, k, cnt = svcs && svcs->kind == YNODE_MAP ? svcs->n : 0;
  int rc = 0;

  *out = NULL;
  m.p = p;
  m.a = &p->arena;
  m.ctx = ctx;
  m.err = err;
  m.where = "";
  if (ctx->project_name)
    p->name = arena_strdup(m.a, ctx->project_name);
  else if (is_scalar(get(root, "name")))
    p->name = arena_strdup(m.a, get(root, "name")->str);
  else
    p->name = "";
  p->uninterpolated = ctx->no_interpolate;
  p->working_dir =
      ctx->working_dir ? arena_strdup(m.a, ctx->working_dir) : NULL;
  for (i = 0; i < ctx->nconfig_files; i++)
    slpush(&m, &p->config_files, arena_strdup(m.a, ctx->config_files[i]));
  if (ctx->environment && ctx->environment->n) {
    /* names of a variable set differ: copied as they are */
    const struct env *e = ctx->environment;
    p->environment.v = arena_alloc(m.a, e->n * sizeof(*p->environment.v));
    for (i = 0; i < e->n; i++) {
      p->environment.v[i].key = arena_strdup(m.a, e->vars[i].name);
      p->environment.v[i].value = arena_strdup(m.a, e->vars[i].value);
    }
    p->environment.n = e->n;
  }
  p->extensions = extensions(&m, root);
  networks(&m, get(root, "networks"));
  if (!p->networks)
    p->networks = arena_alloc(m.a, sizeof(*p->networks));
  volumes_top(&m, get(root, "volumes"));
  files_top(&m, get(root, "secrets"), &p->secrets, &p->nsecrets);
  files_top(&m, get(root, "configs"), &p->configs, &p->nconfigs);
  fields_warn_top(ctx->warnings, root);
  const struct ynode *mv = get(root, "models");
  if (mv && mv->kind == YNODE_MAP) {
    p->models = to_mval(&m, mv);
    for (i = 0; i < p->models->n; i++)
      cast_num(&m, p->models->items[i], "context_size", 1);
    fields_warn_models(ctx->warnings, mv);
  }

  for (i = 0, k = 0; i < cnt; i++)
    k += profile_active(ctx, svcs->items[i]);
  p->services = arena_alloc(m.a, (k ? k : 1) * sizeof(*p->services));
  p->disabled =
      arena_alloc(m.a, (cnt - k ? cnt - k : 1) * sizeof(*p->disabled));
  for (i = 0; i < cnt; i++) {
    const struct ynode *sn = svcs->items[i];
    struct service *s;
    if (profile_active(ctx, sn)) {
      s = &p->services[p->nservices++];
      int r = service(&m, s, svcs->keys[i]->str, sn);
      if (r)
        rc = r == ERR_LIMIT ? ERR_LIMIT : ERR_CONFIG;
      if (r == ERR_LIMIT)
        break; /* the other services would pass it too */
    } else {
      /* kept unparsed beyond its name and profiles: a missing env_file of
       * a disabled service is not an error, as in compose */
      s = &p->disabled[p->ndisabled++];
      s->name = arena_strdup(m.a, svcs->keys[i]->str);
      m.where = arena_printf(m.a, "services.%s", s->name);
      strlist(&m, get(sn, "profiles"), &s->profiles);
    }
  }
  if (rc)
    goto fail;
  if (!ctx->no_normalize)
    normalize(&m);
  p->normalized = !ctx->no_normalize;
  sort(p->services, p->nservices, sizeof(*p->services), cmp_service);
  for (i = 0; i < p->nservices; i++)
    sort(p->services[i].networks, p->services[i].nnetworks,
         sizeof(*p->services[i].networks), cmp_snet);
  sort(p->networks, p->nnetworks, sizeof(*p->networks), cmp_network);
  sort(p->volumes, p->nvolumes, sizeof(*p->volumes), cmp_volume);
  sort(p->secrets, p->nsecrets, sizeof(*p->secrets), cmp_file);
  sort(p->configs, p->nconfigs, sizeof(*p->configs), cmp_file);
  if (!ctx->no_consistency) {
    for (i = 0; i < p->nservices && m.problems <= MAX_PROBLEMS; i++)
      if (check_service(&m, &p->services[i], get(svcs, p->services[i].name)))
        rc = ERR_CONFIG;
    if (!rc)
      rc = check_cycles(&m, svcs);
  }
  if (rc)
    goto fail;
  *out = p;
  return 0;
fail:
  /* in the order found: problems follow the services */
  problems_flush(&m.ps, ERR_CONFIG, 0, MAX_TOLD, err);
  if (m.problems > MAX_PROBLEMS)
    err_set(err, ERR_CONFIG,
            "and more problems (the checks stopped after %d of them)",
            MAX_PROBLEMS);
  project_free(p);
  return rc;
}

void project_free(struct project *p)
{
  if (!p)
    return;
  arena_release(&p->arena);
  free(p);
}

/* The element of v[0..n) (each size bytes, its name a const char * at
 * offset off) named name: a binary search, as model_build sorts them, then
 * a scan for arrays made in another order. */
static void *find_named(const void *v, size_t n, size_t size, size_t off,
                        const char *name)
{
  const char *base = v;
  size_t lo = 0, hi = n, i;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(*(const char *const *)(base + mid * size + off), name);
    if (!c)
      return (void *)(base + mid * size);
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (i = 0; i < n; i++)
    if (!strcmp(*(const char *const *)(base + i * size + off), name))
      return (void *)(base + i * size);
  return NULL;
}

struct service *project_service(const struct project *p, const char *name)
{
  return find_named(p->services, p->nservices, sizeof(*p->services),
                    offsetof(struct service, name), name);
}

struct network *project_network(const struct project *p, const char *key)
{
  return find_named(p->networks, p->nnetworks, sizeof(*p->networks),
                    offsetof(struct network, key), key);
}

struct volume *project_volume(const struct project *p, const char *key)
{
  return find_named(p->volumes, p->nvolumes, sizeof(*p->volumes),
                    offsetof(struct volume, key), key);
}
