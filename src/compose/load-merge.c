/* Merge of compose trees by the override rules of the Compose
 * Specification (merge.md) as compose-go applies them: per-field rules for
 * sequences, !reset and !override. */
#include "compose/load-int.h"
#include "compose/sindex.h"

#include <stdio.h>
#include <string.h>

enum rule {
  R_DEFAULT,  /* maps deep-merged, sequences appended without duplicates */
  R_REPLACE,  /* the override wins whole */
  R_KV,       /* list of K=V or map: merged by key */
  R_PORTS,    /* unique by published/target/protocol */
  R_VOLUMES,  /* unique by target */
  R_MOUNTS,   /* secrets, configs: unique by target, else source */
  R_DEPS,     /* depends_on: merged by service */
  R_NETWORKS, /* service networks: merged by name */
  R_LOGGING   /* replaced when the driver changes */
};

struct rule_entry {
  const char *path;
  enum rule rule;
};

static const struct rule_entry rules[] = {
    {"services.*.command", R_REPLACE},
    {"services.*.entrypoint", R_REPLACE},
    {"services.*.healthcheck.test", R_REPLACE},
    {"services.*.environment", R_KV},
    {"services.*.labels", R_KV},
    {"services.*.annotations", R_KV},
    {"services.*.sysctls", R_KV},
    {"services.*.extra_hosts", R_KV},
    {"services.*.build.args", R_KV},
    {"services.*.build.labels", R_KV},
    {"services.*.build.extra_hosts", R_KV},
    {"services.*.build.additional_contexts", R_KV},
    {"services.*.deploy.labels", R_KV},
    {"services.*.ports", R_PORTS},
    {"services.*.volumes", R_VOLUMES},
    {"services.*.secrets", R_MOUNTS},
    {"services.*.configs", R_MOUNTS},
    {"services.*.depends_on", R_DEPS},
    {"services.*.networks", R_NETWORKS},
    {"services.*.logging", R_LOGGING},
};

static enum rule rule_for(const char *path)
{
  for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
    if (!strcmp(rules[i].path, path))
      return rules[i].rule;
  return R_DEFAULT;
}

/* The pattern of a child: names of services, networks of a service and
 * dependencies become '*'. */
static void child_path(char *out, size_t size, const char *path,
                       const char *key)
{
  size_t len = strlen(path);
  int star =
      !strcmp(path, "services") ||
      (!strncmp(path, "services.*.", 11) && len > 11 &&
       (!strcmp(path + 11, "networks") || !strcmp(path + 11, "depends_on") ||
        !strcmp(path + 11, "ulimits")));
  if (!*path)
    snprintf(out, size, "%s", key);
  else
    snprintf(out, size, "%s.%s", path, star ? "*" : key);
}

static int scalar_like(const struct ynode *n)
{
  return n && (n->kind == YNODE_SCALAR || n->kind == YNODE_NULL);
}

static int node_equal(const struct ynode *x, const struct ynode *y)
{
  if (!x || !y)
    return x == y;
  if (scalar_like(x) && scalar_like(y))
    return x->kind == y->kind &&
           !strcmp(x->str ? x->str : "", y->str ? y->str : "");
  if (x->kind != y->kind || x->n != y->n)
    return 0;
  for (size_t i = 0; i < x->n; i++) {
    if (x->kind == YNODE_MAP && strcmp(x->keys[i]->str, y->keys[i]->str))
      return 0;
    if (!node_equal(x->items[i], y->items[i]))
      return 0;
  }
  return 1;
}

int load_merge_equal(const struct ynode *x, const struct ynode *y)
{
  return node_equal(x, y);
}

struct ynode *load_strip_tags(struct ynode *n)
{
  if (!n)
    return NULL;
  if (n->flags & YNODE_RESET)
    return NULL;
  n->flags &= ~(unsigned)YNODE_OVERRIDE;
  if (n->kind == YNODE_MAP) {
    size_t j = 0;
    for (size_t i = 0; i < n->n; i++) {
      struct ynode *v = n->items[i];
      if (v && (v->flags & YNODE_RESET))
        continue;
      n->keys[j] = n->keys[i];
      n->items[j++] = load_strip_tags(v);
    }
    n->n = j;
  } else if (n->kind == YNODE_SEQ) {
    size_t j = 0;
    for (size_t i = 0; i < n->n; i++)
      if (!(n->items[i]->flags & YNODE_RESET))
        n->items[j++] = load_strip_tags(n->items[i]);
    n->n = j;
  }
  return n;
}

/* Append to a map keeping the key node (and its position). */
static void map_append(struct arena *a, struct ynode *map, struct ynode *key,
                       struct ynode *value)
{
  ydoc_map_set(a, map, key->str, value);
  map->keys[map->n - 1] = key;
}

/* A list of "K=V" (or "K:V" for hosts), or a map, as a map. */
static struct ynode *kv_as_map(struct arena *a, struct ynode *n, int hosts)
{
  if (!n || n->kind != YNODE_SEQ)
    return n;
  struct ynode *m = ydoc_new_map(a, &n->pos);
  for (size_t i = 0; i < n->n; i++) {
    struct ynode *it = n->items[i];
    if (!scalar_like(it))
      return n; /* leave it for the schema to report */
    const char *s = it->str ? it->str : "";
    const char *eq = strchr(s, '=');
    if (!eq && hosts)
      eq = strchr(s, ':');
    struct ynode *v;
    char *k;
    if (eq) {
      k = arena_strndup(a, s, (size_t)(eq - s));
      v = ydoc_new_scalar(a, &it->pos, eq + 1, YNODE_QUOTED | it->flags);
    } else {
      k = arena_strdup(a, s);
      v = ydoc_new_null(a, &it->pos);
    }
    ydoc_map_set(a, m, k, v);
  }
  return m;
}

/* A list of names (depends_on, networks) as a map; deps get the default
 * condition compose gives them. */
static struct ynode *names_as_map(struct arena *a, struct ynode *n, int deps)
{
  if (!n || n->kind != YNODE_SEQ)
    return n;
  struct ynode *m = ydoc_new_map(a, &n->pos);
  for (size_t i = 0; i < n->n; i++) {
    struct ynode *it = n->items[i];
    if (!scalar_like(it))
      return n;
    struct ynode *v;
    if (deps) {
      v = ydoc_new_map(a, &it->pos);
      ydoc_map_set(a, v, "condition",
                   ydoc_new_scalar(a, &it->pos, "service_started", 0));
    } else {
      v = ydoc_new_null(a, &it->pos);
    }
    ydoc_map_set(a, m, it->str, v);
  }
  return m;
}

static const char *field(struct ynode *n, const char *key)
{
  struct ynode *v = ydoc_get(n, key);
  return scalar_like(v) && v->str ? v->str : "";
}

/* The uniqueness key of an item of ports, volumes, secrets or configs. */
static const char *item_key(struct arena *a, struct ynode *it, enum rule r)
{
  if (scalar_like(it)) {
    const char *s = it->str ? it->str : "";
    if (r == R_VOLUMES) {
      const char *c = strchr(s, ':');
      if (!c)
        return s;
      const char *e = strchr(c + 1, ':');
      return e ? arena_strndup(a, c + 1, (size_t)(e - c - 1)) : c + 1;
    }
    return s;
  }
  if (it->kind != YNODE_MAP)
    return NULL;
  switch (r) {
  case R_PORTS:
    return arena_printf(a, "%s:%s:%s/%s", field(it, "host_ip"),
                        field(it, "published"), field(it, "target"),
                        field(it, "protocol"));
  case R_VOLUMES:
    return field(it, "target");
  case R_MOUNTS:
    return *field(it, "target") ? field(it, "target") : field(it, "source");
  default:
    return NULL;
  }
}

static struct ynode *merge_node(struct arena *a, struct ynode *base,
                                struct ynode *over, const char *path);

/* The keys of the items of a merged list, by position, for its table. */
struct item_keys {
  const char **v;
};

static const char *item_key_at(const void *owner, size_t pos, size_t *len)
{
  const char *k = ((const struct item_keys *)owner)->v[pos];
  *len = strlen(k);
  return k;
}

/* Items of base, then those of over; an item of over whose key an item
 * already has takes that item's place (the first with the key). */
static struct ynode *merge_unique(struct arena *a, struct ynode *base,
                                  struct ynode *over, enum rule r)
{
  struct ynode *res = ydoc_new_seq(a, &base->pos);
  struct item_keys ks = {
      arena_alloc(a, (base->n + over->n + 1) * sizeof(*ks.v))};
  struct sindex keys;
  sindex_init(&keys, a, item_key_at, &ks);
  for (size_t i = 0; i < base->n; i++) {
    const char *k = item_key(a, base->items[i], r);
    ks.v[res->n] = k;
    if (k)
      sindex_add(&keys, k, strlen(k), res->n);
    ydoc_seq_push(a, res, base->items[i]);
  }
  for (size_t i = 0; i < over->n; i++) {
    struct ynode *it = load_strip_tags(over->items[i]);
    if (!it)
      continue;
    const char *k = item_key(a, it, r);
    size_t j = k ? sindex_add(&keys, k, strlen(k), res->n) : res->n;
    if (j < res->n) {
      res->items[j] = it;
    } else {
      ks.v[res->n] = k;
      ydoc_seq_push(a, res, it);
    }
  }
  return res;
}

/* The text node_equal compares scalars by: their kind, then their text. */
static const char *scalar_key(struct arena *a, const struct ynode *n,
                              size_t *len)
{
  const char *s = n->str ? n->str : "";
  size_t l = strlen(s);
  char *k = arena_alloc(a, l + 2);
  k[0] = n->kind == YNODE_NULL ? 'n' : 's';
  memcpy(k + 1, s, l + 1);
  *len = l + 1;
  return k;
}

/* Items of base, then those of over, leaving out scalars already there. */
static struct ynode *merge_seq(struct arena *a, struct ynode *base,
                               struct ynode *over)
{
  struct ynode *res = ydoc_new_seq(a, &base->pos);
  struct item_keys ks = {
      arena_alloc(a, (base->n + over->n + 1) * sizeof(*ks.v))};
  struct sindex seen;
  size_t len;
  sindex_init(&seen, a, item_key_at, &ks);
  for (size_t i = 0; i < base->n; i++) {
    if (scalar_like(base->items[i])) {
      const char *k = scalar_key(a, base->items[i], &len);
      ks.v[res->n] = k;
      sindex_add(&seen, k, len, res->n);
    }
    ydoc_seq_push(a, res, base->items[i]);
  }
  for (size_t i = 0; i < over->n; i++) {
    struct ynode *it = load_strip_tags(over->items[i]);
    if (!it)
      continue;
    if (scalar_like(it)) {
      const char *k = scalar_key(a, it, &len);
      if (sindex_add(&seen, k, len, res->n) != res->n)
        continue;
      ks.v[res->n] = k;
    }
    ydoc_seq_push(a, res, it);
  }
  return res;
}

static struct ynode *merge_map(struct arena *a, struct ynode *base,
                               struct ynode *over, const char *path)
{
  char sub[512];
  size_t removed = 0;
  for (size_t i = 0; i < over->n; i++) {
    struct ynode *k = over->keys[i], *v = over->items[i];
    long j = ydoc_index(base, k->str);
    child_path(sub, sizeof(sub), path, k->str);
    if (j < 0) {
      v = load_strip_tags(v);
      if (v)
        map_append(a, base, k, v);
      continue;
    }
    struct ynode *m = merge_node(a, base->items[j], v, sub);
    base->items[j] = m;
    removed += !m;
  }
  if (removed) {
    /* entries reset: dropped in one pass (keys of over differ, so none
     * was looked up again after its removal) */
    size_t o = 0;
    for (size_t i = 0; i < base->n; i++) {
      if (!base->items[i])
        continue;
      base->keys[o] = base->keys[i];
      base->items[o++] = base->items[i];
    }
    base->n = o;
  }
  return base;
}

static struct ynode *merge_node(struct arena *a, struct ynode *base,
                                struct ynode *over, const char *path)
{
  if (!over)
    return base;
  if (over->flags & YNODE_RESET)
    return NULL;
  if (!base || (over->flags & YNODE_OVERRIDE))
    return load_strip_tags(over);
  enum rule r = rule_for(path);
  switch (r) {
  case R_REPLACE:
    return load_strip_tags(over);
  case R_KV:
    if (base->kind == YNODE_SEQ || over->kind == YNODE_SEQ) {
      int hosts = strstr(path, "extra_hosts") != NULL;
      base = kv_as_map(a, base, hosts);
      over = kv_as_map(a, over, hosts);
    }
    break;
  case R_DEPS:
  case R_NETWORKS:
    if (base->kind != over->kind) {
      base = names_as_map(a, base, r == R_DEPS);
      over = names_as_map(a, over, r == R_DEPS);
    }
    break;
  case R_PORTS:
  case R_VOLUMES:
  case R_MOUNTS:
    if (base->kind == YNODE_SEQ && over->kind == YNODE_SEQ)
      return merge_unique(a, base, over, r);
    break;
  case R_LOGGING: {
    const char *bd = field(base, "driver"), *od = field(over, "driver");
    if (*bd && *od && strcmp(bd, od))
      return load_strip_tags(over);
    break;
  }
  case R_DEFAULT:
    break;
  }
  if (base->kind == YNODE_MAP && over->kind == YNODE_MAP)
    return merge_map(a, base, over, path);
  if (base->kind == YNODE_SEQ && over->kind == YNODE_SEQ)
    return merge_seq(a, base, over);
  return load_strip_tags(over);
}

struct ynode *load_merge(struct arena *a, struct ynode *base,
                         struct ynode *over, const char *path)
{
  return merge_node(a, base, over, path ? path : "");
}
