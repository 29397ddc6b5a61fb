/* emit: struct project to the tree `docker compose config` prints, and
 * that tree to YAML (libyaml's emitter) or JSON. Field order follows
 * compose's; maps that compose keeps as Go maps come out sorted. */
#include "compose/emit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "compose/model-int.h"
#include "util/xalloc.h"

struct em {
  enum emit_format fmt;
  int json;
  const struct project *p;
  int go; /* the service as compose's `up` marshals it (emit_service_go) */
};

static void add_str(cJSON *o, const char *k, const char *v)
{
  if (v)
    cJSON_AddItemToObject(o, k, cJSON_CreateString(v));
}

static void add_num(cJSON *o, const char *k, double v)
{
  cJSON_AddItemToObject(o, k, cJSON_CreateNumber(v));
}

static void add_bool_if(cJSON *o, const char *k, int v)
{
  if (v)
    cJSON_AddItemToObject(o, k, cJSON_CreateTrue());
}

static void add_dur(cJSON *o, const char *k, int64_t ns)
{
  char buf[64];

  if (ns < 0)
    return;
  model_format_duration(ns, buf, sizeof(buf));
  add_str(o, k, buf);
}

static void add_bytes(cJSON *o, const char *k, int64_t b)
{
  char buf[32];

  if (b < 0)
    return;
  snprintf(buf, sizeof(buf), "%lld", (long long)b);
  add_str(o, k, buf);
}

static void add_list(cJSON *o, const char *k, const struct strlist *l)
{
  cJSON *a;
  size_t i;

  if (!l->n)
    return;
  a = cJSON_AddArrayToObject(o, k);
  for (i = 0; i < l->n; i++)
    cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
}

static int cmp_kv(const void *a, const void *b)
{
  return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

/* A kvlist as a map sorted by key; NULL values as null. */
static void add_kv(cJSON *o, const char *k, const struct kvlist *l)
{
  struct kv *v;
  cJSON *m;
  size_t i;

  if (!l->n)
    return;
  v = xmalloc(l->n * sizeof(*v));
  memcpy(v, l->v, l->n * sizeof(*v));
  qsort(v, l->n, sizeof(*v), cmp_kv);
  m = cJSON_AddObjectToObject(o, k);
  for (i = 0; i < l->n; i++)
    cJSON_AddItemToObject(m, v[i].key,
                          v[i].value ? cJSON_CreateString(v[i].value)
                                     : cJSON_CreateNull());
  free(v);
}

/* A key of a generic map with its value, for sorting. */
struct ent {
  const char *key;
  const struct mval *value;
};

static int cmp_ent(const void *a, const void *b)
{
  return strcmp(((const struct ent *)a)->key, ((const struct ent *)b)->key);
}

/* A generic value; map keys in order[] first (when given), the rest
 * sorted. */
static cJSON *mval_json(const struct mval *v, const char *const *order)
{
  cJSON *o;
  size_t i, j;
  struct ent *ents;

  switch (v->kind) {
  case MVAL_NULL:
    return cJSON_CreateNull();
  case MVAL_STR:
    return cJSON_CreateString(v->str);
  case MVAL_INT:
    return cJSON_CreateNumber((double)v->i);
  case MVAL_FLOAT:
    return cJSON_CreateNumber(v->f);
  case MVAL_BOOL:
    return cJSON_CreateBool(v->i != 0);
  case MVAL_SEQ:
    o = cJSON_CreateArray();
    for (i = 0; i < v->n; i++)
      cJSON_AddItemToArray(o, mval_json(v->items[i], NULL));
    return o;
  case MVAL_MAP:
    break;
  }
  o = cJSON_CreateObject();
  for (i = 0; order && order[i]; i++) {
    const struct mval *x = mval_get(v, order[i]);
    if (x)
      cJSON_AddItemToObject(o, order[i], mval_json(x, NULL));
  }
  /* the rest sorted by key; entries point into v, so no lookup is needed */
  ents = xmalloc((v->n + 1) * sizeof(*ents));
  for (i = j = 0; i < v->n; i++) {
    size_t k = 0;
    while (order && order[k] && strcmp(order[k], v->keys[i]))
      k++;
    if (!order || !order[k]) {
      ents[j].key = v->keys[i];
      ents[j++].value = v->items[i];
    }
  }
  qsort(ents, j, sizeof(*ents), cmp_ent);
  for (i = 0; i < j; i++)
    cJSON_AddItemToObject(o, ents[i].key, mval_json(ents[i].value, NULL));
  free(ents);
  return o;
}

static void add_ext(const struct em *e, cJSON *o, const struct mval *x)
{
  size_t i;
  cJSON *m;

  if (!x || e->json)
    return;
  m = mval_json(x, NULL);
  while (m->child) {
    cJSON *c = cJSON_DetachItemViaPointer(m, m->child);
    char *k = xstrdup(c->string);
    cJSON_AddItemToObject(o, k, c);
    free(k);
  }
  cJSON_Delete(m);
  (void)i;
}

static cJSON *file_refs(const struct file_ref *f, size_t n)
{
  cJSON *a = cJSON_CreateArray();
  size_t i;

  for (i = 0; i < n; i++) {
    cJSON *o = cJSON_CreateObject();
    char mode[32];
    add_str(o, "source", f[i].source);
    add_str(o, "target", f[i].target);
    add_str(o, "uid", f[i].uid);
    add_str(o, "gid", f[i].gid);
    if (f[i].mode >= 0) {
      snprintf(mode, sizeof(mode), "0%llo", (unsigned long long)f[i].mode);
      add_str(o, "mode", mode);
    }
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

static void add_tri(cJSON *o, const char *k, enum tristate t)
{
  if (t != TRI_UNSET)
    cJSON_AddItemToObject(o, k, cJSON_CreateBool(t == TRI_TRUE));
}

static cJSON *build_json(const struct build *b)
{
  static const char *const rest[] = {"entitlements", NULL};
  cJSON *o = cJSON_CreateObject();
  const struct mval *x;

  add_str(o, "context", b->context);
  add_str(o, "dockerfile", b->dockerfile);
  add_str(o, "dockerfile_inline", b->dockerfile_inline);
  if ((x = mval_get(b->other, rest[0])))
    cJSON_AddItemToObject(o, rest[0], mval_json(x, NULL));
  add_kv(o, "args", &b->args);
  add_list(o, "ssh", &b->ssh);
  add_kv(o, "labels", &b->labels);
  add_list(o, "cache_from", &b->cache_from);
  add_list(o, "cache_to", &b->cache_to);
  add_tri(o, "no_cache", b->no_cache);
  add_kv(o, "additional_contexts", &b->additional_contexts);
  add_str(o, "network", b->network);
  add_tri(o, "pull", b->pull);
  add_str(o, "target", b->target);
  add_bytes(o, "shm_size", b->shm_size);
  add_list(o, "extra_hosts", &b->extra_hosts);
  if ((x = mval_get(b->other, "isolation")))
    cJSON_AddItemToObject(o, "isolation", mval_json(x, NULL));
  add_tri(o, "privileged", b->privileged);
  if (b->nsecrets)
    cJSON_AddItemToObject(o, "secrets", file_refs(b->secrets, b->nsecrets));
  add_list(o, "tags", &b->tags);
  if ((x = mval_get(b->other, "ulimits")))
    cJSON_AddItemToObject(o, "ulimits", mval_json(x, NULL));
  add_list(o, "platforms", &b->platforms);
  return o;
}

static int cmp_dep(const void *a, const void *b)
{
  return strcmp(((const struct dependency *)a)->service,
                ((const struct dependency *)b)->service);
}

/* The dependencies of s, sorted; those that are not required and name a
 * service the project leaves out (disabled by its profiles) mean nothing
 * here and are left out, so that the output loads again. */
static cJSON *depends_json(const struct project *p, const struct service *s)
{
  struct dependency *d = xmalloc(s->ndepends_on * sizeof(*d));
  cJSON *o = cJSON_CreateObject();
  size_t i, n = 0;

  for (i = 0; i < s->ndepends_on; i++)
    if (s->depends_on[i].required ||
        project_service(p, s->depends_on[i].service))
      d[n++] = s->depends_on[i];
  qsort(d, n, sizeof(*d), cmp_dep);
  for (i = 0; i < n; i++) {
    cJSON *x = cJSON_AddObjectToObject(o, d[i].service);
    add_str(x, "condition", dep_condition_name(d[i].condition));
    add_bool_if(x, "restart", d[i].restart);
    cJSON_AddItemToObject(x, "required", cJSON_CreateBool(d[i].required));
  }
  free(d);
  return o;
}

/* deploy's keys in the order compose writes them (types.DeployConfig) */
static const char *const deploy_keys[] = {"mode",
                                          "replicas",
                                          "labels",
                                          "update_config",
                                          "rollback_config",
                                          "resources",
                                          "restart_policy",
                                          "placement",
                                          "endpoint_mode",
                                          NULL};

static cJSON *deploy_json(const struct mval *d)
{
  static const char *const upd[] = {
      "parallelism", "delay", "failure_action", "monitor", "max_failure_ratio",
      "order",       NULL};
  static const char *const res[] = {
      "cpus", "memory", "pids", "generic_resources", "devices", NULL};
  static const char *const rp[] = {"condition", "delay", "max_attempts",
                                   "window", NULL};
  static const char *const pl[] = {"constraints", "preferences",
                                   "max_replicas_per_node", NULL};
  cJSON *o = mval_json(d, deploy_keys), *c;
  const char *const *ord;
  const struct mval *sub;
  const char *k;
  size_t i;

  /* re-render the structured children in their field order */
  for (i = 0; deploy_keys[i]; i++) {
    k = deploy_keys[i];
    c = cJSON_GetObjectItemCaseSensitive(o, k);
    sub = mval_get(d, k);
    if (!c || !sub)
      continue;
    ord = !strcmp(k, "update_config") || !strcmp(k, "rollback_config") ? upd
          : !strcmp(k, "restart_policy")                               ? rp
          : !strcmp(k, "placement")                                    ? pl
                                                                       : NULL;
    if (ord) {
      cJSON_ReplaceItemInObjectCaseSensitive(o, k, mval_json(sub, ord));
    } else if (!strcmp(k, "resources")) {
      static const char *const lr[] = {"limits", "reservations"};
      cJSON *r = cJSON_CreateObject();
      size_t j;
      for (j = 0; j < 2; j++)
        if (mval_get(sub, lr[j]))
          cJSON_AddItemToObject(r, lr[j], mval_json(mval_get(sub, lr[j]), res));
      cJSON_ReplaceItemInObjectCaseSensitive(o, k, r);
    }
  }
  return o;
}

static const char *mount_type(enum mount_type t)
{
  static const char *const n[] = {"bind",  "volume",  "tmpfs",
                                  "npipe", "cluster", "image"};
  return n[t];
}

static cJSON *volumes_json(const struct service *s)
{
  cJSON *a = cJSON_CreateArray();
  size_t i;

  for (i = 0; i < s->nvolumes; i++) {
    const struct mount *m = &s->volumes[i];
    cJSON *o = cJSON_CreateObject(), *x;
    add_str(o, "type", mount_type(m->type));
    add_str(o, "source", m->source);
    add_str(o, "target", m->target);
    add_bool_if(o, "read_only", m->read_only);
    add_str(o, "consistency", m->consistency);
    if (m->has_bind || m->bind_propagation || m->bind_selinux ||
        m->bind_recursive || m->bind_create_host_path != TRI_UNSET) {
      x = cJSON_AddObjectToObject(o, "bind");
      add_str(x, "propagation", m->bind_propagation);
      /* false printed too: `bind: {}` reads back as true */
      add_tri(x, "create_host_path", m->bind_create_host_path);
      add_str(x, "selinux", m->bind_selinux);
      add_str(x, "recursive", m->bind_recursive);
    }
    if (m->has_volume || m->volume_nocopy || m->volume_subpath) {
      x = cJSON_AddObjectToObject(o, "volume");
      add_bool_if(x, "nocopy", m->volume_nocopy);
      add_str(x, "subpath", m->volume_subpath);
    }
    if (m->has_image || m->image_subpath) {
      x = cJSON_AddObjectToObject(o, "image");
      add_str(x, "subpath", m->image_subpath);
    }
    if (m->has_tmpfs) {
      x = cJSON_AddObjectToObject(o, "tmpfs");
      add_bytes(x, "size", m->tmpfs_size);
      if (m->tmpfs_mode >= 0)
        add_num(x, "mode", (double)m->tmpfs_mode);
    }
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

static cJSON *ports_json(const struct service *s)
{
  cJSON *a = cJSON_CreateArray();
  size_t i;

  for (i = 0; i < s->nports; i++) {
    const struct port *p = &s->ports[i];
    cJSON *o = cJSON_CreateObject();
    add_str(o, "name", p->name);
    add_str(o, "mode", p->mode);
    add_str(o, "host_ip", p->host_ip);
    add_num(o, "target", p->target);
    add_str(o, "published", p->published);
    add_str(o, "protocol", p->protocol);
    add_str(o, "app_protocol", p->app_protocol);
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

static cJSON *networks_json(const struct service *s)
{
  cJSON *o = cJSON_CreateObject();
  size_t i;

  for (i = 0; i < s->nnetworks; i++) {
    const struct service_network *n = &s->networks[i];
    cJSON *x;
    if (!n->has_config) {
      cJSON_AddItemToObject(o, n->name, cJSON_CreateNull());
      continue;
    }
    x = cJSON_AddObjectToObject(o, n->name);
    add_list(x, "aliases", &n->aliases);
    add_str(x, "ipv4_address", n->ipv4_address);
    add_str(x, "ipv6_address", n->ipv6_address);
    add_list(x, "link_local_ips", &n->link_local_ips);
    add_str(x, "mac_address", n->mac_address);
    if (n->priority)
      add_num(x, "priority", n->priority);
  }
  return o;
}

static int cmp_ulimit(const void *a, const void *b)
{
  return strcmp(((const struct ulimit *)a)->name,
                ((const struct ulimit *)b)->name);
}

static cJSON *ulimits_json(const struct service *s)
{
  struct ulimit *u = xmalloc(s->nulimits * sizeof(*u));
  cJSON *o = cJSON_CreateObject();
  size_t i;

  memcpy(u, s->ulimits, s->nulimits * sizeof(*u));
  qsort(u, s->nulimits, sizeof(*u), cmp_ulimit);
  for (i = 0; i < s->nulimits; i++) {
    if (u[i].single) {
      add_num(o, u[i].name, (double)u[i].soft);
    } else {
      cJSON *x = cJSON_AddObjectToObject(o, u[i].name);
      add_num(x, "soft", (double)u[i].soft);
      add_num(x, "hard", (double)u[i].hard);
    }
  }
  free(u);
  return o;
}

static cJSON *healthcheck_json(const struct healthcheck *h)
{
  cJSON *o = cJSON_CreateObject();

  add_list(o, "test", &h->test);
  add_dur(o, "timeout", h->timeout_ns);
  add_dur(o, "interval", h->interval_ns);
  if (h->retries >= 0)
    add_num(o, "retries", h->retries);
  add_dur(o, "start_period", h->start_period_ns);
  add_dur(o, "start_interval", h->start_interval_ns);
  add_bool_if(o, "disable", h->disable);
  return o;
}

static cJSON *command_json(const struct strlist *l)
{
  cJSON *a = cJSON_CreateArray();
  size_t i;

  for (i = 0; i < l->n; i++)
    cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
  return a;
}

/* Service keys in compose's order. */
static const char *const svc_keys[] = {"profiles",
                                       "annotations",
                                       "attach",
                                       "build",
                                       "develop",
                                       "blkio_config",
                                       "cap_add",
                                       "cap_drop",
                                       "cgroup_parent",
                                       "cgroup",
                                       "cpu_count",
                                       "cpu_percent",
                                       "cpu_period",
                                       "cpu_quota",
                                       "cpu_rt_period",
                                       "cpu_rt_runtime",
                                       "cpus",
                                       "cpuset",
                                       "cpu_shares",
                                       "command",
                                       "configs",
                                       "container_name",
                                       "credential_spec",
                                       "depends_on",
                                       "deploy",
                                       "device_cgroup_rules",
                                       "devices",
                                       "dns",
                                       "dns_opt",
                                       "dns_search",
                                       "domainname",
                                       "entrypoint",
                                       "provider",
                                       "environment",
                                       "env_file",
                                       "expose",
                                       "extends",
                                       "external_links",
                                       "extra_hosts",
                                       "group_add",
                                       "gpus",
                                       "hostname",
                                       "healthcheck",
                                       "image",
                                       "init",
                                       "ipc",
                                       "isolation",
                                       "labels",
                                       "label_file",
                                       "links",
                                       "logging",
                                       "log_driver",
                                       "log_opt",
                                       "mem_limit",
                                       "mem_reservation",
                                       "memswap_limit",
                                       "mem_swappiness",
                                       "mac_address",
                                       "models",
                                       "network_mode",
                                       "networks",
                                       "oom_kill_disable",
                                       "oom_score_adj",
                                       "pid",
                                       "pids_limit",
                                       "platform",
                                       "ports",
                                       "privileged",
                                       "pull_policy",
                                       "read_only",
                                       "restart",
                                       "runtime",
                                       "scale",
                                       "secrets",
                                       "security_opt",
                                       "shm_size",
                                       "stdin_open",
                                       "stop_grace_period",
                                       "stop_signal",
                                       "storage_opt",
                                       "sysctls",
                                       "tmpfs",
                                       "tty",
                                       "ulimits",
                                       "use_api_socket",
                                       "user",
                                       "userns_mode",
                                       "uts",
                                       "volume_driver",
                                       "volumes",
                                       "volumes_from",
                                       "working_dir",
                                       "post_start",
                                       "pre_stop",
                                       NULL};

static cJSON *service_json(const struct em *e, const struct service *s)
{
  cJSON *o = cJSON_CreateObject(), *x;
  size_t i, k;

  for (k = 0; svc_keys[k]; k++) {
    const char *key = svc_keys[k];
    const struct mval *v;
    if (!strcmp(key, "build")) {
      if (s->build)
        cJSON_AddItemToObject(o, key, build_json(s->build));
    } else if (!strcmp(key, "command") || !strcmp(key, "entrypoint")) {
      int c = key[0] == 'c';
      if (c ? s->command_set : s->entrypoint_set)
        cJSON_AddItemToObject(o, key,
                              command_json(c ? &s->command : &s->entrypoint));
      else if (e->json)
        cJSON_AddItemToObject(o, key, cJSON_CreateNull());
    } else if (!strcmp(key, "configs") || !strcmp(key, "secrets")) {
      int c = key[0] == 'c';
      if (c ? s->nconfigs : s->nsecrets)
        cJSON_AddItemToObject(o, key,
                              c ? file_refs(s->configs, s->nconfigs)
                                : file_refs(s->secrets, s->nsecrets));
    } else if (!strcmp(key, "depends_on")) {
      cJSON *d = s->ndepends_on ? depends_json(e->p, s) : NULL;
      if (d && d->child)
        cJSON_AddItemToObject(o, key, d);
      else
        cJSON_Delete(d);
    } else if (!strcmp(key, "deploy")) {
      if (s->deploy)
        cJSON_AddItemToObject(o, key, deploy_json(s->deploy));
    } else if (!strcmp(key, "develop")) {
      v = mval_get(s->other, key);
      if (v) {
        static const char *const w[] = {"path",   "action",  "target", "exec",
                                        "ignore", "include", NULL};
        cJSON *d = mval_json(v, NULL), *ws = cJSON_CreateArray();
        for (i = 0; i < s->nwatch; i++) {
          const struct mval *r = mval_get(v, "watch")->items[i];
          cJSON *ro = mval_json(r, w);
          cJSON_ReplaceItemInObjectCaseSensitive(
              ro, "path", cJSON_CreateString(s->watch[i].path));
          cJSON_AddItemToArray(ws, ro);
        }
        if (s->nwatch)
          cJSON_ReplaceItemInObjectCaseSensitive(d, "watch", ws);
        else
          cJSON_Delete(ws);
        cJSON_AddItemToObject(o, key, d);
      }
    } else if (!strcmp(key, "devices")) {
      if (s->ndevices) {
        x = cJSON_AddArrayToObject(o, key);
        for (i = 0; i < s->ndevices; i++) {
          cJSON *d = cJSON_CreateObject();
          add_str(d, "source", s->devices[i].source);
          add_str(d, "target", s->devices[i].target);
          add_str(d, "permissions", s->devices[i].permissions);
          cJSON_AddItemToArray(x, d);
        }
      }
    } else if (!strcmp(key, "environment")) {
      add_kv(o, key, &s->environment);
    } else if (!strcmp(key, "env_file")) {
      /* normalized, its values are in environment: compose drops it */
      if (s->nenv_files && !e->p->normalized) {
        x = cJSON_AddArrayToObject(o, key);
        for (i = 0; i < s->nenv_files; i++) {
          cJSON *f = cJSON_CreateObject();
          add_str(f, "path", s->env_files[i].path);
          add_str(f, "format", s->env_files[i].format);
          if (!s->env_files[i].required)
            cJSON_AddItemToObject(f, "required", cJSON_CreateFalse());
          cJSON_AddItemToArray(x, f);
        }
      }
    } else if (!strcmp(key, "extra_hosts")) {
      add_list(o, key, &s->extra_hosts);
    } else if (!strcmp(key, "healthcheck")) {
      if (s->healthcheck)
        cJSON_AddItemToObject(o, key, healthcheck_json(s->healthcheck));
    } else if (!strcmp(key, "labels")) {
      add_kv(o, key, &s->labels);
    } else if (!strcmp(key, "label_file")) {
      /* the same: its values are in labels (`up` keeps the list) */
      if (!e->p->normalized || e->go)
        add_list(o, key, &s->label_files);
    } else if (!strcmp(key, "logging")) {
      if (s->logging) {
        x = cJSON_AddObjectToObject(o, key);
        add_str(x, "driver", s->logging->driver);
        add_kv(x, "options", &s->logging->options);
      }
    } else if (!strcmp(key, "networks")) {
      if (s->nnetworks)
        cJSON_AddItemToObject(o, key, networks_json(s));
    } else if (!strcmp(key, "ports")) {
      if (s->nports)
        cJSON_AddItemToObject(o, key, ports_json(s));
    } else if (!strcmp(key, "ulimits")) {
      if (s->nulimits)
        cJSON_AddItemToObject(o, key, ulimits_json(s));
    } else if (!strcmp(key, "volumes")) {
      if (s->nvolumes)
        cJSON_AddItemToObject(o, key, volumes_json(s));
    } else if (!strcmp(key, "volumes_from")) {
      if (s->nvolumes_from) {
        x = cJSON_AddArrayToObject(o, key);
        for (i = 0; i < s->nvolumes_from; i++) {
          const struct volumes_from *f = &s->volumes_from[i];
          char *t = xasprintf("%s%s%s", f->container ? "container:" : "",
                              f->container ? f->container : f->service,
                              f->read_only ? ":ro" : "");
          cJSON_AddItemToArray(x, cJSON_CreateString(t));
          free(t);
        }
      }
    } else if ((v = mval_get(s->other, key))) {
      if (v->kind == MVAL_BOOL && !v->i && strcmp(key, "init") &&
          strcmp(key, "attach"))
        continue; /* false booleans are omitted, as compose does */
      if ((v->kind == MVAL_SEQ || v->kind == MVAL_MAP) && !v->n)
        continue;
      if (v->kind == MVAL_STR && !*v->str)
        continue; /* an empty string field is no value, as in compose */
      cJSON_AddItemToObject(o, key, mval_json(v, NULL));
    }
  }
  add_ext(e, o, s->extensions);
  return o;
}

static cJSON *network_json(const struct em *e, const struct network *n)
{
  cJSON *o = cJSON_CreateObject(), *ipam;
  size_t i;

  add_str(o, "name", n->name);
  add_str(o, "driver", n->driver);
  add_kv(o, "driver_opts", &n->driver_opts);
  if (e->json || n->ipam_driver || n->nipam_config || n->ipam_options.n) {
    ipam = cJSON_AddObjectToObject(o, "ipam");
    add_str(ipam, "driver", n->ipam_driver);
    if (n->nipam_config) {
      cJSON *a = cJSON_AddArrayToObject(ipam, "config");
      for (i = 0; i < n->nipam_config; i++) {
        const struct ipam_pool *p = &n->ipam_config[i];
        cJSON *x = cJSON_CreateObject();
        add_str(x, "subnet", p->subnet);
        add_str(x, "gateway", p->gateway);
        add_str(x, "ip_range", p->ip_range);
        add_kv(x, "aux_addresses", &p->aux_addresses);
        cJSON_AddItemToArray(a, x);
      }
    }
    add_kv(ipam, "options", &n->ipam_options);
  }
  add_bool_if(o, "external", n->external);
  add_bool_if(o, "internal", n->internal);
  add_bool_if(o, "attachable", n->attachable);
  add_kv(o, "labels", &n->labels);
  add_bool_if(o, "enable_ipv6", n->enable_ipv6);
  add_ext(e, o, n->extensions);
  return o;
}

static cJSON *volume_json(const struct em *e, const struct volume *v)
{
  cJSON *o = cJSON_CreateObject();

  add_str(o, "name", v->name);
  add_str(o, "driver", v->driver);
  add_kv(o, "driver_opts", &v->driver_opts);
  add_bool_if(o, "external", v->external);
  add_kv(o, "labels", &v->labels);
  add_ext(e, o, v->extensions);
  return o;
}

static cJSON *file_json(const struct em *e, const struct file_obj *f)
{
  cJSON *o = cJSON_CreateObject();

  add_str(o, "name", f->name);
  add_str(o, "content", f->content);
  add_str(o, "environment", f->environment);
  add_str(o, "file", f->file);
  add_bool_if(o, "external", f->external);
  add_kv(o, "labels", &f->labels);
  add_str(o, "template_driver", f->template_driver);
  add_ext(e, o, f->extensions);
  return o;
}

/* s with every `$` doubled (malloc'ed with cJSON's allocator), or NULL
 * when it has none. */
static char *doubled(const char *s)
{
  size_t n = 0, len = strlen(s);
  for (const char *p = s; (p = strchr(p, '$')); p++)
    n++;
  if (!n)
    return NULL;
  char *d = cJSON_malloc(len + n + 1), *o = d;
  if (!d)
    return NULL;
  for (; *s; s++) {
    *o++ = *s;
    if (*s == '$')
      *o++ = '$';
  }
  *o = '\0';
  return d;
}

/* Interpolated values are final: their `$` are written `$$`, as docker
 * compose config does, so that the output loads back to the same values.
 * Keys are left as they are: they are never interpolated, so doubling
 * theirs (as docker compose does) would change them on the way back. (The
 * tree is as deep as the YAML was, at most ydoc's limit.) */
static void escape_dollars(cJSON *n)
{
  for (; n; n = n->next) {
    char *d;
    if (cJSON_IsString(n) && !(n->type & cJSON_IsReference) &&
        (d = doubled(n->valuestring))) {
      cJSON_free(n->valuestring);
      n->valuestring = d;
    }
    escape_dollars(n->child);
  }
}

static int cmp_item(const void *a, const void *b)
{
  return strcmp((*(cJSON *const *)a)->string, (*(cJSON *const *)b)->string);
}

/* Reorder an object's members by key. */
static void sort_object(cJSON *o)
{
  cJSON **v, *c;
  size_t n = 0, i;

  for (c = o->child; c; c = c->next)
    n++;
  if (n < 2)
    return;
  v = xmalloc(n * sizeof(*v));
  for (c = o->child, i = 0; c; c = c->next)
    v[i++] = c;
  qsort(v, n, sizeof(*v), cmp_item);
  for (i = 0; i < n; i++) {
    v[i]->prev = i ? v[i - 1] : v[n - 1];
    v[i]->next = i + 1 < n ? v[i + 1] : NULL;
  }
  o->child = v[0];
  free(v);
}

/* Whether an active service mounts the top-level volume key: compose's
 * config leaves out the volumes no active service uses. */
static int volume_used(const struct project *p, const char *key)
{
  for (size_t i = 0; i < p->nservices; i++)
    for (size_t j = 0; j < p->services[i].nvolumes; j++) {
      const struct mount *m = &p->services[i].volumes[j];
      if (m->type == MOUNT_VOLUME && m->source && !strcmp(m->source, key))
        return 1;
    }
  return 0;
}

cJSON *emit_project_as(const struct project *p, enum emit_format fmt)
{
  struct em e = {fmt, fmt == EMIT_FORMAT_JSON, p};
  cJSON *o = cJSON_CreateObject(), *x;
  size_t i;

  add_str(o, "name", p->name);
  x = cJSON_AddObjectToObject(o, "services");
  for (i = 0; i < p->nservices; i++)
    cJSON_AddItemToObject(x, p->services[i].name,
                          service_json(&e, &p->services[i]));
  if (p->nnetworks) {
    x = cJSON_AddObjectToObject(o, "networks");
    for (i = 0; i < p->nnetworks; i++)
      cJSON_AddItemToObject(x, p->networks[i].key,
                            network_json(&e, &p->networks[i]));
  }
  if (p->nvolumes) {
    x = cJSON_AddObjectToObject(o, "volumes");
    for (i = 0; i < p->nvolumes; i++)
      if (!p->normalized || volume_used(p, p->volumes[i].key))
        cJSON_AddItemToObject(x, p->volumes[i].key,
                              volume_json(&e, &p->volumes[i]));
    if (!x->child)
      cJSON_DeleteItemFromObjectCaseSensitive(o, "volumes");
  }
  if (p->nsecrets) {
    x = cJSON_AddObjectToObject(o, "secrets");
    for (i = 0; i < p->nsecrets; i++)
      cJSON_AddItemToObject(x, p->secrets[i].key,
                            file_json(&e, &p->secrets[i]));
  }
  if (p->nconfigs) {
    x = cJSON_AddObjectToObject(o, "configs");
    for (i = 0; i < p->nconfigs; i++)
      cJSON_AddItemToObject(x, p->configs[i].key,
                            file_json(&e, &p->configs[i]));
  }
  if (p->models && p->models->n) {
    static const char *const mo[] = {"name", "model", "context_size",
                                     "runtime_flags", NULL};
    x = cJSON_AddObjectToObject(o, "models");
    for (i = 0; i < p->models->n; i++)
      cJSON_AddItemToObject(x, p->models->keys[i],
                            mval_json(p->models->items[i], mo));
    sort_object(x); /* a map in compose, printed sorted */
  }
  e.json = 0; /* top-level extensions are printed in both formats */
  add_ext(&e, o, p->extensions);
  if (fmt == EMIT_FORMAT_JSON)
    sort_object(o);
  if (!p->uninterpolated)
    escape_dollars(o);
  return o;
}

cJSON *emit_project(const struct project *p)
{
  return emit_project_as(p, EMIT_FORMAT_JSON);
}

/* ---- YAML ---- */

static int yaml_write(void *data, unsigned char *buffer, size_t size)
{
  return buf_add(data, buffer, size) == 0;
}

static int looks_like_date(const char *s)
{
  return strlen(s) >= 10 && s[4] == '-' && s[7] == '-' &&
         strspn(s, "0123456789") == 4;
}

/* Text a YAML 1.1 reader takes for a number (0b101, 1_000, 0123 as
 * octal, 1:20 sexagesimal aside): quoted on output so that every reader,
 * not only a core-schema one, reads the string back. */
static int yaml11_number(const char *s)
{
  const char *p = s;
  int digits = 0, dot = 0, exp = 0;

  if (*p == '-' || *p == '+')
    p++;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b') && p[2]) {
    const char *q = p + 2;
    while (isxdigit((unsigned char)*q) || *q == '_')
      q++;
    return !*q;
  }
  for (; *p; p++) {
    if (isdigit((unsigned char)*p) || (*p == '_' && digits)) {
      digits++;
    } else if (*p == '.' && !dot && !exp) {
      dot = 1;
    } else if ((*p == 'e' || *p == 'E') && digits && !exp) {
      exp = 1;
      if (p[1] == '-' || p[1] == '+')
        p++;
      if (!isdigit((unsigned char)p[1]))
        return 0;
    } else {
      return 0;
    }
  }
  return digits > 0;
}

static void number_text(double d, char *buf, size_t size)
{
  if (d > -9007199254740992.0 && d < 9007199254740992.0 &&
      d == (double)(long long)d)
    snprintf(buf, size, "%lld", (long long)d);
  else
    model_format_float(d, buf, size);
}

/* A scalar without a tag: quoted_implicit is always set, so that where
 * the emitter picks quotes itself (a string with a trailing space, say) it
 * writes 'a b ', not ! 'a b ' (a tag docker compose does not write and
 * readers may not take). */
static int scalar(yaml_emitter_t *em, const char *s, int plain_ok,
                  yaml_scalar_style_t style)
{
  yaml_event_t ev;

  yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
                               (int)strlen(s), plain_ok, 1, style);
  return yaml_emitter_emit(em, &ev);
}

/* A string, quoted when plain it would read back as something else (a
 * number, a boolean, null, a date, a merge key). */
static int string_scalar(yaml_emitter_t *em, const char *s)
{
  if (strchr(s, '\n'))
    return scalar(em, s, 0, YAML_LITERAL_SCALAR_STYLE);
  if (model_scalar_type(s) != STYPE_STR || model_bool(s) >= 0 ||
      yaml11_number(s) || looks_like_date(s) || !strcmp(s, "<<") ||
      !strcmp(s, "="))
    return scalar(em, s, 0, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
  return scalar(em, s, 1, YAML_ANY_SCALAR_STYLE);
}

static int yaml_node(yaml_emitter_t *em, const cJSON *n)
{
  yaml_event_t ev;
  char num[64];
  const cJSON *c;

  if (cJSON_IsObject(n)) {
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                        n->child ? YAML_BLOCK_MAPPING_STYLE
                                                 : YAML_FLOW_MAPPING_STYLE);
    if (!yaml_emitter_emit(em, &ev))
      return 0;
    for (c = n->child; c; c = c->next)
      if (!string_scalar(em, c->string) || !yaml_node(em, c))
        return 0;
    yaml_mapping_end_event_initialize(&ev);
    return yaml_emitter_emit(em, &ev);
  }
  if (cJSON_IsArray(n)) {
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                         n->child ? YAML_BLOCK_SEQUENCE_STYLE
                                                  : YAML_FLOW_SEQUENCE_STYLE);
    if (!yaml_emitter_emit(em, &ev))
      return 0;
    for (c = n->child; c; c = c->next)
      if (!yaml_node(em, c))
        return 0;
    yaml_sequence_end_event_initialize(&ev);
    return yaml_emitter_emit(em, &ev);
  }
  if (cJSON_IsString(n))
    return string_scalar(em, n->valuestring);
  if (cJSON_IsNumber(n)) {
    number_text(n->valuedouble, num, sizeof(num));
    return scalar(em, num, 1, YAML_PLAIN_SCALAR_STYLE);
  }
  if (cJSON_IsBool(n))
    return scalar(em, cJSON_IsTrue(n) ? "true" : "false", 1,
                  YAML_PLAIN_SCALAR_STYLE);
  return scalar(em, "null", 1, YAML_PLAIN_SCALAR_STYLE);
}

int emit_yaml(const cJSON *root, struct buf *out)
{
  yaml_emitter_t em;
  yaml_event_t ev;
  int ok;

  if (!yaml_emitter_initialize(&em))
    return ERR_NOMEM;
  yaml_emitter_set_output(&em, yaml_write, out);
  yaml_emitter_set_unicode(&em, 1);
  yaml_emitter_set_width(&em, -1);
  yaml_emitter_set_indent(&em, 2);
  yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
  ok = yaml_emitter_emit(&em, &ev);
  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
  ok = ok && yaml_emitter_emit(&em, &ev);
  ok = ok && yaml_node(&em, root);
  yaml_document_end_event_initialize(&ev, 1);
  ok = ok && yaml_emitter_emit(&em, &ev);
  yaml_stream_end_event_initialize(&ev);
  ok = ok && yaml_emitter_emit(&em, &ev);
  ok = ok && yaml_emitter_flush(&em);
  yaml_emitter_delete(&em);
  return ok ? 0 : ERR_LIMIT;
}

/* ---- JSON ---- */

static int json_string(struct buf *out, const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  int rc = buf_addch(out, '"');

  for (; *p && !rc; p++) {
    switch (*p) {
    case '"':
      rc = buf_addstr(out, "\\\"");
      break;
    case '\\':
      rc = buf_addstr(out, "\\\\");
      break;
    case '\n':
      rc = buf_addstr(out, "\\n");
      break;
    case '\r':
      rc = buf_addstr(out, "\\r");
      break;
    case '\t':
      rc = buf_addstr(out, "\\t");
      break;
    case '<':
    case '>':
    case '&':
      rc = buf_addf(out, "\\u%04x", *p);
      break;
    default:
      if (*p < 0x20)
        rc = buf_addf(out, "\\u%04x", *p);
      else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
        rc = buf_addf(out, "\\u202%c", p[2] == 0xa8 ? '8' : '9');
        p += 2;
      } else
        rc = buf_addch(out, (char)*p);
    }
  }
  return rc ? rc : buf_addch(out, '"');
}

/* JSON text of n: indented by two spaces a level from depth, or on one line
 * with no spaces when depth < 0 (Go's json.Marshal, for the config hash). */
static int json_node(struct buf *out, const cJSON *n, int depth)
{
  const cJSON *c;
  char num[64];
  int rc = 0, obj = cJSON_IsObject(n), compact = depth < 0;

  if (obj || cJSON_IsArray(n)) {
    if (!n->child)
      return buf_addstr(out, obj ? "{}" : "[]");
    rc = buf_addch(out, obj ? '{' : '[');
    for (c = n->child; c && !rc; c = c->next) {
      if (!compact)
        rc = buf_addf(out, "\n%*s", 2 * (depth + 1), "");
      if (!rc && obj) {
        rc = json_string(out, c->string);
        if (!rc)
          rc = buf_addstr(out, compact ? ":" : ": ");
      }
      if (!rc)
        rc = json_node(out, c, compact ? depth : depth + 1);
      if (!rc && c->next)
        rc = buf_addch(out, ',');
    }
    if (!rc && !compact)
      rc = buf_addf(out, "\n%*s", 2 * depth, "");
    return rc ? rc : buf_addch(out, obj ? '}' : ']');
  }
  if (cJSON_IsRaw(n))
    return buf_addstr(out, n->valuestring);
  if (cJSON_IsString(n))
    return json_string(out, n->valuestring);
  if (cJSON_IsNumber(n)) {
    number_text(n->valuedouble, num, sizeof(num));
    return buf_addstr(out, num);
  }
  if (cJSON_IsBool(n))
    return buf_addstr(out, cJSON_IsTrue(n) ? "true" : "false");
  return buf_addstr(out, "null");
}

int emit_json(const cJSON *root, struct buf *out)
{
  int rc = json_node(out, root, 0);

  return rc ? rc : buf_addch(out, '\n');
}

/* ---- the service as Go marshals it (config hash) ---- */

/* Go writes a float32 field with the fewest digits that read back as the
 * same float32, in plain notation between 1e-6 and 1e21. */
static cJSON *float32_raw(double d)
{
  float f = (float)d, a = f < 0 ? -f : f;
  char buf[64];
  int prec;

  for (prec = 1; prec < 9; prec++) {
    snprintf(buf, sizeof(buf), "%.*g", prec, (double)f);
    if (strtof(buf, NULL) == f)
      break;
  }
  if (strchr(buf, 'e') && a >= 1e-6f && a < 1e21f) {
    /* %g chose an exponent where Go does not: the same digits, plain */
    int exp = atoi(strchr(buf, 'e') + 1);
    int decimals = exp < 0 ? prec - 1 - exp : 0;
    snprintf(buf, sizeof(buf), "%.*f", decimals, (double)f);
  }
  return cJSON_CreateRaw(buf);
}

static void to_float32(cJSON *o, const char *key)
{
  cJSON *n = cJSON_GetObjectItemCaseSensitive(o, key);
  if (n && cJSON_IsNumber(n))
    cJSON_ReplaceItemInObjectCaseSensitive(o, key, float32_raw(n->valuedouble));
}

/* Move o's members named in order[] to the front, in that order (the rest
 * keep theirs behind). Members move with their keys (appending to an
 * object as to an array keeps an item's key). */
static void reorder(cJSON *o, const char *const *order)
{
  cJSON *tmp = cJSON_CreateArray(), *c;
  for (size_t i = 0; order[i]; i++)
    if ((c = cJSON_DetachItemFromObjectCaseSensitive(o, order[i])))
      cJSON_AddItemToArray(tmp, c);
  while (o->child)
    cJSON_AddItemToArray(tmp, cJSON_DetachItemViaPointer(o, o->child));
  while (tmp->child)
    cJSON_AddItemToArray(o, cJSON_DetachItemViaPointer(tmp, tmp->child));
  cJSON_Delete(tmp);
}

static int cmp_string_item(const void *a, const void *b)
{
  return strcmp((*(cJSON *const *)a)->valuestring,
                (*(cJSON *const *)b)->valuestring);
}

/* Sort an array of strings. */
static void sort_strings(cJSON *a)
{
  size_t n = (size_t)cJSON_GetArraySize(a), i = 0;
  cJSON **v, *c;
  if (n < 2)
    return;
  v = xmalloc(n * sizeof(*v));
  for (c = a->child; c; c = c->next)
    v[i++] = c;
  qsort(v, n, sizeof(*v), cmp_string_item);
  while (a->child)
    cJSON_DetachItemViaPointer(a, a->child);
  for (i = 0; i < n; i++)
    cJSON_AddItemToArray(a, v[i]);
  free(v);
}

/* deploy as types.DeployConfig: its struct fields (resources, placement)
 * are never omitted, numbers of float32 fields as Go writes them. */
static void go_deploy(cJSON *d)
{
  static const char *const res[] = {
      "cpus", "memory", "pids", "devices", "generic_resources", NULL};
  static const char *const upd[] = {"update_config", "rollback_config"};
  cJSON *r, *x;

  if (!cJSON_GetObjectItemCaseSensitive(d, "resources"))
    cJSON_AddObjectToObject(d, "resources");
  if (!cJSON_GetObjectItemCaseSensitive(d, "placement"))
    cJSON_AddObjectToObject(d, "placement");
  reorder(d, deploy_keys);
  r = cJSON_GetObjectItemCaseSensitive(d, "resources");
  for (size_t i = 0; i < 2; i++) {
    x = cJSON_GetObjectItemCaseSensitive(r, i ? "reservations" : "limits");
    if (x) {
      to_float32(x, "cpus");
      reorder(x, res);
    }
  }
  for (size_t i = 0; i < 2; i++)
    if ((x = cJSON_GetObjectItemCaseSensitive(d, upd[i])))
      to_float32(x, "max_failure_ratio");
}

/* A types.ServiceHook: command always (null when unset), fields in
 * struct order. */
static void go_hook(cJSON *h)
{
  static const char *const order[] = {
      "command", "user", "privileged", "working_dir", "environment", NULL};
  if (!cJSON_GetObjectItemCaseSensitive(h, "command"))
    cJSON_AddNullToObject(h, "command");
  reorder(h, order);
}

/* develop as types.DevelopConfig: each trigger's exec (a struct) always
 * present, fields in struct order; post_start/pre_stop hooks. */
static void go_hooks_and_watch(cJSON *o)
{
  static const char *const trig[] = {"path",         "action",  "target",
                                     "exec",         "include", "ignore",
                                     "initial_sync", NULL};
  static const char *const hooks[] = {"post_start", "pre_stop"};
  cJSON *w = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(o, "develop"), "watch"),
        *c;
  for (c = w ? w->child : NULL; c; c = c->next) {
    cJSON *x = cJSON_GetObjectItemCaseSensitive(c, "exec");
    if (!x)
      x = cJSON_AddObjectToObject(c, "exec");
    go_hook(x);
    reorder(c, trig);
  }
  for (size_t i = 0; i < 2; i++) {
    w = cJSON_GetObjectItemCaseSensitive(o, hooks[i]);
    for (c = w ? w->child : NULL; c; c = c->next)
      if (cJSON_IsObject(c))
        go_hook(c);
  }
}

cJSON *emit_service_go(const struct project *p, const struct service *s)
{
  struct em e = {EMIT_FORMAT_JSON, 1, p, 1};
  cJSON *o = service_json(&e, s), *d;

  to_float32(o, "cpus");
  to_float32(o, "cpu_percent");
  /* a map in compose (types.HostsList), marshalled as a sorted list */
  if ((d = cJSON_GetObjectItemCaseSensitive(o, "extra_hosts")))
    sort_strings(d);
  go_hooks_and_watch(o);
  if ((d = cJSON_GetObjectItemCaseSensitive(o, "deploy")))
    go_deploy(d);
  return o;
}

int emit_json_compact(const cJSON *root, struct buf *out)
{
  return json_node(out, root, -1);
}
