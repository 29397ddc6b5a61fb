/* create: struct service -> the Engine API container create body, and the
 * names compose gives to what it creates. Field names follow the Engine
 * API 1.41 reference (ContainerConfig, HostConfig, NetworkingConfig). */
#include "orchestrate/create.h"
#include "orchestrate/labels.h"
#include "engine/auth.h"
#include "engine/tarball.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* run's overrides as the loader reads them, in a scratch arena. */
struct parsed {
  const struct create_overrides *o; /* a zeroed one when there are none */
  struct port *ports;
  size_t nports;
  struct mount *mounts;
  size_t nmounts;
};

static int parse_overrides(const struct project *p,
                           const struct create_overrides *o, struct arena *a,
                           struct parsed *out, struct err *err)
{
  memset(out, 0, sizeof(*out));
  out->o = o;
  for (size_t i = 0; i < o->ports.n; i++) {
    struct port *ps;
    size_t k;
    int rc = model_port_option(a, "-p", o->ports.v[i], &ps, &k, err);
    if (rc)
      return rc;
    struct port *all = arena_alloc(a, (out->nports + k) * sizeof(*all));
    if (out->nports)
      memcpy(all, out->ports, out->nports * sizeof(*all));
    memcpy(all + out->nports, ps, k * sizeof(*all));
    out->ports = all;
    out->nports += k;
  }
  if (o->volumes.n)
    out->mounts = arena_alloc(a, o->volumes.n * sizeof(*out->mounts));
  for (size_t i = 0; i < o->volumes.n; i++) {
    int rc = model_volume_option(a, "-v", o->volumes.v[i], p->working_dir,
                                 kvlist_get(&p->environment, "HOME"),
                                 &out->mounts[out->nmounts++], err);
    if (rc)
      return rc;
  }
  return 0;
}

const char *create_network_name(const struct project *p, const char *key)
{
  const struct network *n = project_network(p, key);
  return n && n->name ? n->name : key;
}

const char *create_volume_name(const struct project *p, const char *key)
{
  const struct volume *v = project_volume(p, key);
  return v && v->name ? v->name : key;
}

char *create_container_name_new(const struct project *p,
                                const struct service *s, int number)
{
  if (s->container_name)
    return xstrdup(s->container_name);
  return xasprintf("%s-%s-%d", p->name, s->name, number);
}

char *create_image_name_new(const struct project *p, const struct service *s)
{
  if (s->image)
    return xstrdup(s->image);
  return xasprintf("%s-%s", p->name, s->name);
}

/* The container another service's reference means: its first replica. */
static char *service_container(const struct project *p, const char *name)
{
  const struct service *o = project_service(p, name);
  if (o)
    return create_container_name_new(p, o, 1);
  return xasprintf("%s-%s-1", p->name, name);
}

long create_primary_network(const struct service *s)
{
  if (s->network_mode)
    return -1;
  long best = -1;
  for (size_t i = 0; i < s->nnetworks; i++)
    if (best < 0 || s->networks[i].priority > s->networks[best].priority)
      best = (long)i; /* networks are sorted by name: first wins ties */
  return best;
}

static cJSON *strlist_json(const struct strlist *l)
{
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < l->n; i++)
    cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
  return a;
}

static void add_strlist(cJSON *o, const char *key, const struct strlist *l)
{
  if (l->n)
    cJSON_AddItemToObject(o, key, strlist_json(l));
}

/* obj[key] = value, replacing an existing item. */
static void labels_set(cJSON *obj, const char *key, const char *value)
{
  cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
  cJSON_AddStringToObject(obj, key, value ? value : "");
}

/* --- canonical JSON --- */

static int cmp_items(const void *a, const void *b)
{
  const cJSON *x = *(const cJSON *const *)a;
  const cJSON *y = *(const cJSON *const *)b;
  return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

/* Relink the children of every object of v (a private copy) in key
 * order. */
static void sort_keys(cJSON *v)
{
  if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
    return;
  size_t n = 0;
  for (cJSON *c = v->child; c; c = c->next) {
    sort_keys(c);
    n++;
  }
  if (!cJSON_IsObject(v) || n < 2)
    return;
  cJSON **items = xmalloc(n * sizeof(*items));
  size_t i = 0;
  for (cJSON *c = v->child; c; c = c->next)
    items[i++] = c;
  qsort(items, n, sizeof(*items), cmp_items);
  for (i = 0; i < n; i++) {
    items[i]->prev = i ? items[i - 1] : items[n - 1];
    items[i]->next = i + 1 < n ? items[i + 1] : NULL;
  }
  v->child = items[0];
  free(items);
}

char *create_canonical_json_new(const cJSON *v)
{
  cJSON *copy = cJSON_Duplicate(v, 1);
  if (!copy)
    return xstrdup("null");
  sort_keys(copy);
  char *s = cJSON_PrintUnformatted(copy);
  cJSON_Delete(copy);
  return s ? s : xstrdup("null");
}

static void add_str(cJSON *o, const char *key, const char *v)
{
  if (v && *v)
    cJSON_AddStringToObject(o, key, v);
}

static void add_kv(cJSON *o, const char *key, const struct kvlist *l)
{
  if (!l->n)
    return;
  cJSON *m = cJSON_AddObjectToObject(o, key);
  for (size_t i = 0; i < l->n; i++)
    labels_set(m, l->v[i].key, l->v[i].value);
}

static cJSON *endpoint_new(const struct service *s,
                           const struct service_network *n, int aliases)
{
  cJSON *ep = cJSON_CreateObject();
  if (aliases) {
    cJSON *al = cJSON_AddArrayToObject(ep, "Aliases");
    cJSON_AddItemToArray(al, cJSON_CreateString(s->name));
    for (size_t i = 0; i < n->aliases.n; i++)
      if (strcmp(n->aliases.v[i], s->name))
        cJSON_AddItemToArray(al, cJSON_CreateString(n->aliases.v[i]));
  }
  if (n->ipv4_address || n->ipv6_address || n->link_local_ips.n) {
    cJSON *ipam = cJSON_AddObjectToObject(ep, "IPAMConfig");
    add_str(ipam, "IPv4Address", n->ipv4_address);
    add_str(ipam, "IPv6Address", n->ipv6_address);
    add_strlist(ipam, "LinkLocalIPs", &n->link_local_ips);
  }
  add_str(ep, "MacAddress", n->mac_address);
  return ep;
}

cJSON *create_endpoint_new(const struct service *s,
                           const struct service_network *n)
{
  return endpoint_new(s, n, 1);
}

cJSON *create_ctx_endpoint_new(const struct create_ctx *c,
                               const struct service_network *n)
{
  return endpoint_new(c->service, n,
                      !c->overrides || !c->overrides->no_aliases);
}

static cJSON *connect_body_new(const struct create_ctx *c, const char *id,
                               const struct service_network *n)
{
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Container", id);
  cJSON_AddItemToObject(body, "EndpointConfig", create_ctx_endpoint_new(c, n));
  return body;
}

/* "8000", "8000/udp", "8000-8002/tcp" -> each "port/proto" key. */
static void add_expose(cJSON *exposed, const char *spec)
{
  char proto[16] = "tcp";
  const char *slash = strchr(spec, '/');
  if (slash)
    snprintf(proto, sizeof(proto), "%s", slash + 1);
  char *end;
  unsigned long lo = strtoul(spec, &end, 10), hi = lo;
  if (*end == '-')
    hi = strtoul(end + 1, &end, 10);
  if (hi < lo || hi - lo > 65535)
    hi = lo;
  for (unsigned long p = lo; p <= hi; p++) {
    char key[48];
    snprintf(key, sizeof(key), "%lu/%s", p, proto);
    if (!cJSON_GetObjectItemCaseSensitive(exposed, key))
      cJSON_AddObjectToObject(exposed, key);
  }
}

static void add_port_list(const struct port *ps, size_t n, cJSON *exposed,
                          cJSON *bindings)
{
  for (size_t i = 0; i < n; i++) {
    const struct port *pt = &ps[i];
    char key[48];
    snprintf(key, sizeof(key), "%u/%s", pt->target,
             pt->protocol ? pt->protocol : "tcp");
    if (!cJSON_GetObjectItemCaseSensitive(exposed, key))
      cJSON_AddObjectToObject(exposed, key);
    cJSON *list = cJSON_GetObjectItemCaseSensitive(bindings, key);
    if (!list)
      list = cJSON_AddArrayToObject(bindings, key);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "HostIp", pt->host_ip ? pt->host_ip : "");
    cJSON_AddStringToObject(b, "HostPort", pt->published ? pt->published : "");
    cJSON_AddItemToArray(list, b);
  }
}

/* The service's ports (unless a one-off leaves them out), -p's, expose. */
static void add_ports(const struct service *s, const struct parsed *ov,
                      cJSON *cfg, cJSON *host)
{
  cJSON *exposed = cJSON_CreateObject();
  cJSON *bindings = cJSON_CreateObject();
  if (!ov->o->no_service_ports)
    add_port_list(s->ports, s->nports, exposed, bindings);
  add_port_list(ov->ports, ov->nports, exposed, bindings);
  for (size_t i = 0; i < s->expose.n; i++)
    add_expose(exposed, s->expose.v[i]);
  if (exposed->child)
    cJSON_AddItemToObject(cfg, "ExposedPorts", exposed);
  else
    cJSON_Delete(exposed);
  if (bindings->child)
    cJSON_AddItemToObject(host, "PortBindings", bindings);
  else
    cJSON_Delete(bindings);
}

static void add_healthcheck(const struct healthcheck *h, cJSON *cfg)
{
  cJSON *o = cJSON_AddObjectToObject(cfg, "Healthcheck");
  if (h->disable) {
    cJSON *t = cJSON_AddArrayToObject(o, "Test");
    cJSON_AddItemToArray(t, cJSON_CreateString("NONE"));
    return;
  }
  add_strlist(o, "Test", &h->test);
  if (h->interval_ns >= 0)
    cJSON_AddNumberToObject(o, "Interval", (double)h->interval_ns);
  if (h->timeout_ns >= 0)
    cJSON_AddNumberToObject(o, "Timeout", (double)h->timeout_ns);
  if (h->start_period_ns >= 0)
    cJSON_AddNumberToObject(o, "StartPeriod", (double)h->start_period_ns);
  if (h->retries >= 0)
    cJSON_AddNumberToObject(o, "Retries", h->retries);
  /* API 1.44: older engines ignore it (create_api_warnings says so) */
  if (h->start_interval_ns >= 0)
    cJSON_AddNumberToObject(o, "StartInterval", (double)h->start_interval_ns);
}

static void add_restart(const char *restart, cJSON *host)
{
  if (!restart)
    return;
  cJSON *o = cJSON_AddObjectToObject(host, "RestartPolicy");
  const char *colon = strchr(restart, ':');
  if (colon) {
    char *name = xstrndup(restart, (size_t)(colon - restart));
    cJSON_AddStringToObject(o, "Name", name);
    cJSON_AddNumberToObject(o, "MaximumRetryCount", atoi(colon + 1));
    free(name);
  } else {
    cJSON_AddStringToObject(o, "Name", restart);
  }
}

/* A bind written as docker's "src:dst[:opts]" in Binds: unlike a bind
 * Mount, a missing source directory is created (compose's default,
 * create_host_path: true). */
static char *bind_spec(const struct mount *m)
{
  struct buf b = BUF_INIT;
  buf_addf(&b, "%s:%s", m->source, m->target);
  const char *opts[4];
  size_t n = 0;
  if (m->read_only)
    opts[n++] = "ro";
  if (m->bind_selinux)
    opts[n++] = m->bind_selinux;
  if (m->bind_propagation)
    opts[n++] = m->bind_propagation;
  for (size_t i = 0; i < n; i++)
    buf_addf(&b, "%c%s", i ? ',' : ':', opts[i]);
  return buf_detach(&b);
}

static const char *mount_type_name(enum mount_type t)
{
  switch (t) {
  case MOUNT_BIND:
    return "bind";
  case MOUNT_VOLUME:
    return "volume";
  case MOUNT_TMPFS:
    return "tmpfs";
  case MOUNT_NPIPE:
    return "npipe";
  case MOUNT_CLUSTER:
    return "cluster";
  case MOUNT_IMAGE:
    return "image";
  }
  return "volume";
}

static void add_mount(const struct project *p, const struct mount *m,
                      cJSON *binds, cJSON *mounts)
{
  if (m->type == MOUNT_BIND && m->bind_create_host_path != TRI_FALSE) {
    char *spec = bind_spec(m);
    cJSON_AddItemToArray(binds, cJSON_CreateString(spec));
    free(spec);
    return;
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "Type", mount_type_name(m->type));
  if (m->type == MOUNT_VOLUME && m->source)
    cJSON_AddStringToObject(o, "Source", create_volume_name(p, m->source));
  else
    add_str(o, "Source", m->source);
  cJSON_AddStringToObject(o, "Target", m->target);
  if (m->read_only)
    cJSON_AddTrueToObject(o, "ReadOnly");
  add_str(o, "Consistency", m->consistency);
  if (m->type == MOUNT_BIND && m->bind_propagation) {
    cJSON *bo = cJSON_AddObjectToObject(o, "BindOptions");
    cJSON_AddStringToObject(bo, "Propagation", m->bind_propagation);
  }
  if (m->type == MOUNT_VOLUME && (m->volume_nocopy || m->volume_subpath)) {
    cJSON *vo = cJSON_AddObjectToObject(o, "VolumeOptions");
    if (m->volume_nocopy)
      cJSON_AddTrueToObject(vo, "NoCopy");
    add_str(vo, "Subpath", m->volume_subpath); /* API 1.45 */
  }
  if (m->type == MOUNT_TMPFS && (m->tmpfs_size >= 0 || m->tmpfs_mode >= 0)) {
    cJSON *to = cJSON_AddObjectToObject(o, "TmpfsOptions");
    if (m->tmpfs_size >= 0)
      cJSON_AddNumberToObject(to, "SizeBytes", (double)m->tmpfs_size);
    if (m->tmpfs_mode >= 0)
      cJSON_AddNumberToObject(to, "Mode", (double)m->tmpfs_mode);
  }
  cJSON_AddItemToArray(mounts, o);
}

/* Paths equal but for trailing slashes. */
static int same_path(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b);
  while (na > 1 && a[na - 1] == '/')
    na--;
  while (nb > 1 && b[nb - 1] == '/')
    nb--;
  return na == nb && !strncmp(a, b, na);
}

/* The service's volumes (an anonymous one takes the inherited volume at
 * its target), then -v's, then inherited volumes at targets nothing else
 * mounts (the image's VOLUME). */
static void add_mounts(const struct project *p, const struct service *s,
                       const struct parsed *ov, const struct create_ctx *c,
                       cJSON *host)
{
  cJSON *binds = cJSON_CreateArray();
  cJSON *mounts = cJSON_CreateArray();
  size_t ninh = c ? c->ninherit : 0;
  for (size_t i = 0; i < s->nvolumes; i++) {
    struct mount m = s->volumes[i];
    for (size_t k = 0; k < ninh; k++)
      if (m.type == MOUNT_VOLUME && !m.source &&
          same_path(m.target, c->inherit[k].target))
        m.source = c->inherit[k].name;
    add_mount(p, &m, binds, mounts);
  }
  for (size_t i = 0; i < ov->nmounts; i++)
    add_mount(p, &ov->mounts[i], binds, mounts);
  for (size_t k = 0; k < ninh; k++) {
    int taken = 0;
    for (size_t i = 0; i < s->nvolumes && !taken; i++)
      taken = same_path(s->volumes[i].target, c->inherit[k].target);
    for (size_t i = 0; i < ov->nmounts && !taken; i++)
      taken = same_path(ov->mounts[i].target, c->inherit[k].target);
    if (taken)
      continue;
    char *spec = xasprintf("%s:%s", c->inherit[k].name, c->inherit[k].target);
    cJSON_AddItemToArray(binds, cJSON_CreateString(spec));
    free(spec);
  }
  if (binds->child)
    cJSON_AddItemToObject(host, "Binds", binds);
  else
    cJSON_Delete(binds);
  if (mounts->child)
    cJSON_AddItemToObject(host, "Mounts", mounts);
  else
    cJSON_Delete(mounts);
}

/* Secrets and configs from files are bind-mounted read-only, as compose
 * does outside swarm: secrets under /run/secrets, configs at /<name>. */
static int add_file_refs(const struct project *p, const struct service *s,
                         const struct file_ref *refs, size_t n,
                         const struct file_obj *objs, size_t nobjs, int secret,
                         cJSON *host, struct err *err)
{
  const char *kind = secret ? "secret" : "config";
  for (size_t i = 0; i < n; i++) {
    const struct file_obj *o = NULL;
    for (size_t j = 0; j < nobjs; j++)
      if (!strcmp(objs[j].key, refs[i].source))
        o = &objs[j];
    if (!o || !o->file)
      return err_set(err, ERR_CONFIG,
                     "service '%s': %s '%s' is not a file (only file %ss "
                     "are supported)",
                     s->name, kind, refs[i].source, kind);
    const char *t = refs[i].target ? refs[i].target : refs[i].source;
    char *target;
    if (t[0] == '/')
      target = xstrdup(t);
    else
      target = xasprintf("%s/%s", secret ? "/run/secrets" : "", t);
    char *spec = xasprintf("%s:%s:ro", o->file, target);
    cJSON *binds = cJSON_GetObjectItemCaseSensitive(host, "Binds");
    if (!binds)
      binds = cJSON_AddArrayToObject(host, "Binds");
    cJSON_AddItemToArray(binds, cJSON_CreateString(spec));
    free(spec);
    free(target);
  }
  (void)p;
  return 0;
}

static void add_volumes_from(const struct project *p, const struct service *s,
                             cJSON *host)
{
  if (!s->nvolumes_from)
    return;
  cJSON *a = cJSON_AddArrayToObject(host, "VolumesFrom");
  for (size_t i = 0; i < s->nvolumes_from; i++) {
    const struct volumes_from *v = &s->volumes_from[i];
    char *name =
        v->service ? service_container(p, v->service) : xstrdup(v->container);
    char *spec = xasprintf("%s:%s", name, v->read_only ? "ro" : "rw");
    cJSON_AddItemToArray(a, cJSON_CreateString(spec));
    free(spec);
    free(name);
  }
}

static void add_network(const struct project *p, const struct service *s,
                        const struct parsed *ov, cJSON *body, cJSON *host)
{
  if (s->network_mode) {
    if (!strncmp(s->network_mode, "service:", 8)) {
      char *c = service_container(p, s->network_mode + 8);
      char *mode = xasprintf("container:%s", c);
      cJSON_AddStringToObject(host, "NetworkMode", mode);
      free(mode);
      free(c);
    } else {
      cJSON_AddStringToObject(host, "NetworkMode", s->network_mode);
    }
    return;
  }
  long i = create_primary_network(s);
  if (i < 0)
    return;
  const struct service_network *n = &s->networks[i];
  const char *name = create_network_name(p, n->name);
  cJSON_AddStringToObject(host, "NetworkMode", name);
  cJSON *nc = cJSON_AddObjectToObject(body, "NetworkingConfig");
  cJSON *eps = cJSON_AddObjectToObject(nc, "EndpointsConfig");
  cJSON_AddItemToObject(eps, name, endpoint_new(s, n, !ov->o->no_aliases));
}

/* A namespace mode: "service:x" is x's container, as the engine wants
 * ("container:<name>"). */
static void add_ns_mode(const struct project *p, cJSON *host, const char *key,
                        const char *mode)
{
  if (!mode || strncmp(mode, "service:", 8)) {
    add_str(host, key, mode);
    return;
  }
  char *c = service_container(p, mode + 8);
  char *v = xasprintf("container:%s", c);
  cJSON_AddStringToObject(host, key, v);
  free(v);
  free(c);
}

static void add_host_misc(const struct project *p, const struct service *s,
                          cJSON *host)
{
  if (s->extra_hosts.n) {
    /* the model keeps compose's "host=ip"; the engine wants "host:ip" */
    cJSON *a = cJSON_AddArrayToObject(host, "ExtraHosts");
    for (size_t i = 0; i < s->extra_hosts.n; i++) {
      char *h = xstrdup(s->extra_hosts.v[i]);
      char *eq = strchr(h, '=');
      if (eq)
        *eq = ':';
      cJSON_AddItemToArray(a, cJSON_CreateString(h));
      free(h);
    }
  }
  add_strlist(host, "Dns", &s->dns);
  add_strlist(host, "DnsSearch", &s->dns_search);
  add_strlist(host, "DnsOptions", &s->dns_opt);
  add_strlist(host, "CapAdd", &s->cap_add);
  add_strlist(host, "CapDrop", &s->cap_drop);
  add_strlist(host, "SecurityOpt", &s->security_opt);
  add_strlist(host, "GroupAdd", &s->group_add);
  if (s->privileged)
    cJSON_AddTrueToObject(host, "Privileged");
  if (s->read_only)
    cJSON_AddTrueToObject(host, "ReadonlyRootfs");
  if (s->init_set != TRI_UNSET)
    cJSON_AddBoolToObject(host, "Init", s->init_set == TRI_TRUE);
  add_ns_mode(p, host, "PidMode", s->pid);
  add_ns_mode(p, host, "IpcMode", s->ipc);
  add_str(host, "UTSMode", s->uts);
  add_str(host, "UsernsMode", s->userns_mode);
  add_str(host, "CgroupnsMode", s->cgroup);
  add_str(host, "CgroupParent", s->cgroup_parent);
  add_str(host, "Runtime", s->runtime);
  if (s->shm_size >= 0)
    cJSON_AddNumberToObject(host, "ShmSize", (double)s->shm_size);
  if (s->nulimits) {
    cJSON *a = cJSON_AddArrayToObject(host, "Ulimits");
    for (size_t i = 0; i < s->nulimits; i++) {
      cJSON *u = cJSON_CreateObject();
      cJSON_AddStringToObject(u, "Name", s->ulimits[i].name);
      cJSON_AddNumberToObject(u, "Soft", (double)s->ulimits[i].soft);
      cJSON_AddNumberToObject(u, "Hard", (double)s->ulimits[i].hard);
      cJSON_AddItemToArray(a, u);
    }
  }
  add_kv(host, "Sysctls", &s->sysctls);
  add_kv(host, "StorageOpt", &s->storage_opt);
  if (s->ndevices) {
    cJSON *a = cJSON_AddArrayToObject(host, "Devices");
    for (size_t i = 0; i < s->ndevices; i++) {
      const struct device *d = &s->devices[i];
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "PathOnHost", d->source);
      cJSON_AddStringToObject(o, "PathInContainer",
                              d->target ? d->target : d->source);
      cJSON_AddStringToObject(o, "CgroupPermissions",
                              d->permissions ? d->permissions : "rwm");
      cJSON_AddItemToArray(a, o);
    }
  }
  if (s->tmpfs.n) {
    cJSON *o = cJSON_AddObjectToObject(host, "Tmpfs");
    for (size_t i = 0; i < s->tmpfs.n; i++) {
      char *path = xstrdup(s->tmpfs.v[i]);
      char *colon = strchr(path, ':');
      const char *opts = "";
      if (colon) {
        *colon = '\0';
        opts = colon + 1;
      }
      labels_set(o, path, opts);
      free(path);
    }
  }
  if (s->logging && s->logging->driver) {
    cJSON *o = cJSON_AddObjectToObject(host, "LogConfig");
    cJSON_AddStringToObject(o, "Type", s->logging->driver);
    cJSON *c = cJSON_AddObjectToObject(o, "Config");
    for (size_t i = 0; i < s->logging->options.n; i++)
      labels_set(c, s->logging->options.v[i].key,
                 s->logging->options.v[i].value);
  }
  /* resources: the service-level fields win over deploy.resources */
  int64_t mem = s->mem_limit >= 0 ? s->mem_limit : s->limits.memory;
  if (mem > 0)
    cJSON_AddNumberToObject(host, "Memory", (double)mem);
  int64_t res =
      s->mem_reservation >= 0 ? s->mem_reservation : s->reservations.memory;
  if (res > 0)
    cJSON_AddNumberToObject(host, "MemoryReservation", (double)res);
  if (s->memswap_limit >= 0 && s->memswap_limit != 0)
    cJSON_AddNumberToObject(host, "MemorySwap", (double)s->memswap_limit);
  double cpus = s->cpus > 0 ? s->cpus : s->limits.cpus;
  if (cpus > 0)
    cJSON_AddNumberToObject(host, "NanoCpus", (double)(int64_t)(cpus * 1e9));
  if (s->cpu_shares > 0)
    cJSON_AddNumberToObject(host, "CpuShares", (double)s->cpu_shares);
  add_str(host, "CpusetCpus", s->cpuset);
  int64_t pids = s->pids_limit > 0 ? s->pids_limit : s->limits.pids;
  if (pids > 0)
    cJSON_AddNumberToObject(host, "PidsLimit", (double)pids);
  if (s->oom_kill_disable)
    cJSON_AddTrueToObject(host, "OomKillDisable");
  if (s->oom_score_adj)
    cJSON_AddNumberToObject(host, "OomScoreAdj", s->oom_score_adj);
}

/* --- fields the model keeps as written (service->other, deploy) --- */

static void add_mstrings(cJSON *a, const struct mval *v)
{
  for (size_t i = 0; v && v->kind == MVAL_SEQ && i < v->n; i++)
    if (mval_text(v->items[i]))
      cJSON_AddItemToArray(a, cJSON_CreateString(mval_text(v->items[i])));
}

/* One DeviceRequest as compose makes it from a device of
 * deploy.resources.reservations.devices or of gpus (gpu: the "gpu"
 * capability is added). count "all", or neither count nor device_ids,
 * is -1: every device the driver has. */
static void add_device_request(cJSON *list, const struct mval *d, int gpu)
{
  cJSON *o = cJSON_CreateObject();
  const char *driver = mval_text(mval_get(d, "driver"));
  cJSON_AddStringToObject(o, "Driver", driver ? driver : "");
  const struct mval *count = mval_get(d, "count");
  const struct mval *ids = mval_get(d, "device_ids");
  double n = 0;
  if (count && count->kind == MVAL_INT)
    n = (double)count->i;
  else if (count && count->kind == MVAL_STR)
    n = !strcmp(count->str, "all") ? -1 : atof(count->str);
  else if (!ids || ids->kind != MVAL_SEQ || !ids->n)
    n = -1;
  cJSON_AddNumberToObject(o, "Count", n);
  add_mstrings(cJSON_AddArrayToObject(o, "DeviceIDs"), ids);
  cJSON *caps = cJSON_AddArrayToObject(o, "Capabilities");
  cJSON *set = cJSON_CreateArray();
  add_mstrings(set, mval_get(d, "capabilities"));
  if (gpu)
    cJSON_AddItemToArray(set, cJSON_CreateString("gpu"));
  cJSON_AddItemToArray(caps, set);
  cJSON *opts = cJSON_AddObjectToObject(o, "Options");
  const struct mval *ov = mval_get(d, "options");
  for (size_t i = 0; ov && ov->kind == MVAL_MAP && i < ov->n; i++)
    labels_set(opts, ov->keys[i], mval_text(ov->items[i]));
  cJSON_AddItemToArray(list, o);
}

/* HostConfig.DeviceRequests: the deploy reservations' devices, then
 * gpus ("all", or a list of devices), as compose orders them. */
static void add_device_requests(const struct service *s, cJSON *host)
{
  const struct mval *dev = mval_get(
      mval_get(mval_get(s->deploy, "resources"), "reservations"), "devices");
  const struct mval *gpus = mval_get(s->other, "gpus");
  cJSON *list = cJSON_CreateArray();
  for (size_t i = 0; dev && dev->kind == MVAL_SEQ && i < dev->n; i++)
    add_device_request(list, dev->items[i], 0);
  if (gpus && gpus->kind == MVAL_STR) {
    static const struct mval none = {.kind = MVAL_MAP};
    add_device_request(list, &none, 1);
  }
  for (size_t i = 0; gpus && gpus->kind == MVAL_SEQ && i < gpus->n; i++)
    add_device_request(list, gpus->items[i], 1);
  if (list->child)
    cJSON_AddItemToObject(host, "DeviceRequests", list);
  else
    cJSON_Delete(list);
}

/* Where a field was written, for messages: "file:line:col: " or "". */
static void pos_prefix(const struct err_pos *pos, char *buf, size_t size)
{
  if (pos && pos->file)
    snprintf(buf, size, "%s:%d:%d: ", pos->file, pos->line, pos->col);
  else
    buf[0] = '\0';
}

/* What compose's use_api_socket does to a container: the engine's socket
 * bound at /var/run/docker.sock, and DOCKER_CONFIG pointing at the
 * credentials copied in after create (create_api_socket_config_new).
 * Only a unix socket can be bound (ERR_CONFIG otherwise). */
static int add_api_socket(const struct project *p, const struct service *s,
                          cJSON *b, cJSON *host, struct err *err)
{
  const struct mval *u = mval_get(s->other, "use_api_socket");
  if (!u || u->kind != MVAL_BOOL || !u->i)
    return 0;
  const char *h = kvlist_get(&p->environment, "DOCKER_HOST");
  const char *sock = "/var/run/docker.sock";
  if (h && *h) {
    if (strncmp(h, "unix://", 7)) {
      char at[512];
      pos_prefix(&u->pos, at, sizeof(at));
      return err_set(err, ERR_CONFIG,
                     "%sservices.%s.use_api_socket: only a unix socket can "
                     "be given to a container, not the engine at '%s'",
                     at, s->name, h);
    }
    sock = h + 7;
  }
  char *spec = xasprintf("%s:/var/run/docker.sock", sock);
  cJSON *binds = cJSON_GetObjectItemCaseSensitive(host, "Binds");
  if (!binds)
    binds = cJSON_AddArrayToObject(host, "Binds");
  cJSON_AddItemToArray(binds, cJSON_CreateString(spec));
  free(spec);
  for (size_t i = 0; i < s->environment.n; i++)
    if (!strcmp(s->environment.v[i].key, "DOCKER_CONFIG"))
      return 0;
  cJSON *env = cJSON_GetObjectItemCaseSensitive(b, "Env");
  if (!env)
    env = cJSON_AddArrayToObject(b, "Env");
  cJSON_AddItemToArray(
      env, cJSON_CreateString("DOCKER_CONFIG=" CREATE_API_SOCKET_CONFIG_DIR));
  return 0;
}

/* A provider service is run by a plugin (docker-<type>) speaking compose's
 * provider protocol, which wcompose does not run: refused where written. */
static int check_provider(const struct service *s, struct err *err)
{
  const struct mval *pv = mval_get(s->other, "provider");
  if (!pv)
    return 0;
  char at[512];
  pos_prefix(&pv->pos, at, sizeof(at));
  const char *type = mval_text(mval_get(pv, "type"));
  return err_set(err, ERR_CONFIG,
                 "%sservices.%s.provider: provider services (type '%s') are "
                 "not supported: wcompose does not run provider plugins; "
                 "start the resource yourself, or use docker compose",
                 at, s->name, type ? type : "?");
}

/* HostConfig.Annotations (API 1.43). */
static void add_annotations(const struct service *s, cJSON *host)
{
  const struct mval *an = mval_get(s->other, "annotations");
  if (!an || an->kind != MVAL_MAP || !an->n)
    return;
  cJSON *o = cJSON_AddObjectToObject(host, "Annotations");
  for (size_t i = 0; i < an->n; i++)
    labels_set(o, an->keys[i], mval_text(an->items[i]));
}

#define IGNORED "the engine ignores it"

/* One warning: where, which field, the version it needs, what happens. */
static void api_warn(struct strvec *out, const struct err_pos *pos,
                     const char *api, const char *need, const char *then,
                     const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void api_warn(struct strvec *out, const struct err_pos *pos,
                     const char *api, const char *need, const char *then,
                     const char *fmt, ...)
{
  char at[512], what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  pos_prefix(pos, at, sizeof(at));
  strvec_pushf(out, "%s%s needs Engine API %s, the engine offers %s: %s", at,
               what, need, api, then);
}

void create_api_warnings(const struct service *s, const char *api,
                         struct strvec *out)
{
  if (!api)
    return;
  const struct healthcheck *h = s->healthcheck;
  if (h && !h->disable && h->start_interval_ns >= 0 &&
      engine_version_cmp(api, "1.44") < 0)
    api_warn(out, &h->start_interval_pos, api, "1.44", IGNORED,
             "services.%s.healthcheck.start_interval", s->name);
  const struct mval *an = mval_get(s->other, "annotations");
  if (an && an->kind == MVAL_MAP && an->n &&
      engine_version_cmp(api, "1.43") < 0)
    api_warn(out, &an->pos, api, "1.43", IGNORED, "services.%s.annotations",
             s->name);
  for (size_t i = 0; i < s->nvolumes; i++)
    if (s->volumes[i].type == MOUNT_VOLUME && s->volumes[i].volume_subpath &&
        engine_version_cmp(api, "1.45") < 0)
      api_warn(out, NULL, api, "1.45", IGNORED,
               "services.%s.volumes[%zu].volume.subpath", s->name, i);
  for (size_t i = 0; i < s->nvolumes; i++)
    if (s->volumes[i].type == MOUNT_IMAGE &&
        engine_version_cmp(api, "1.47") < 0)
      api_warn(out, NULL, api, "1.47", "the engine will refuse it",
               "services.%s.volumes[%zu] (type: image)", s->name, i);
  for (size_t i = 0; i < s->nnetworks; i++)
    if (s->networks[i].mac_address && engine_version_cmp(api, "1.44") < 0)
      api_warn(out, NULL, api, "1.44", IGNORED,
               "services.%s.networks.%s.mac_address", s->name,
               s->networks[i].name);
}

/* Env: the service's entries, each replaced in place by an override of
 * the same key, then the other overrides (the last of a key wins). */
static void add_env(const struct project *p, const struct service *s,
                    const struct create_overrides *o, cJSON *b)
{
  struct strvec env = STRVEC_INIT;
  for (size_t i = 0; i < s->environment.n; i++) {
    const struct kv *kv = &s->environment.v[i];
    if (kv->value) /* declared without a value and unset: not passed */
      strvec_pushf(&env, "%s=%s", kv->key, kv->value);
  }
  for (size_t i = 0; i < o->env.n; i++) {
    char *e = create_env_entry_new(p, o->env.v[i]);
    if (!e)
      continue;
    size_t klen = (size_t)(strchr(e, '=') - e), k;
    for (k = 0; k < env.n; k++)
      if (!strncmp(env.v[k], e, klen + 1))
        break;
    if (k < env.n) {
      free(env.v[k]);
      env.v[k] = e;
    } else {
      strvec_push(&env, e);
      free(e);
    }
  }
  if (s->environment.n || env.n) {
    cJSON *a = cJSON_AddArrayToObject(b, "Env");
    for (size_t i = 0; i < env.n; i++)
      cJSON_AddItemToArray(a, cJSON_CreateString(env.v[i]));
  }
  strvec_clear(&env);
}

/* Cmd and Entrypoint: an overridden entrypoint drops the service's
 * command unless one is given too, as compose's run does. */
static void add_command(const struct service *s,
                        const struct create_overrides *o, cJSON *b)
{
  if (o->command.n)
    cJSON_AddItemToObject(b, "Cmd", strlist_json(&o->command));
  else if (!o->entrypoint && s->command_set && s->command.n)
    cJSON_AddItemToObject(b, "Cmd", strlist_json(&s->command));
  if (o->entrypoint) {
    struct strvec words = STRVEC_INIT;
    strvec_split(&words, o->entrypoint, ' ');
    cJSON *a = cJSON_AddArrayToObject(b, "Entrypoint");
    for (size_t i = 0; i < words.n; i++)
      cJSON_AddItemToArray(a, cJSON_CreateString(words.v[i]));
    strvec_clear(&words);
  } else if (s->entrypoint_set) {
    /* an empty entrypoint is sent as [] so the image's one is dropped */
    cJSON_AddItemToObject(b, "Entrypoint", strlist_json(&s->entrypoint));
  }
}

/* Tty and the standard streams. */
static void add_stdio(const struct service *s, const struct create_overrides *o,
                      cJSON *b)
{
  if (o->tty)
    cJSON_AddBoolToObject(b, "Tty", o->tty == TRI_TRUE);
  else if (s->tty)
    cJSON_AddTrueToObject(b, "Tty");
  int open = o->stdin_open ? o->stdin_open == TRI_TRUE : s->stdin_open;
  if (o->stdin_open || open) {
    cJSON_AddBoolToObject(b, "OpenStdin", open);
    cJSON_AddBoolToObject(b, "AttachStdin", open);
  }
  if (o->attach) {
    cJSON_AddTrueToObject(b, "AttachStdout");
    cJSON_AddTrueToObject(b, "AttachStderr");
    if (open)
      cJSON_AddTrueToObject(b, "StdinOnce");
  }
}

static void add_labels(const struct service *s,
                       const struct create_overrides *o, cJSON *b)
{
  cJSON *labels = cJSON_AddObjectToObject(b, "Labels");
  for (size_t i = 0; i < s->labels.n; i++)
    labels_set(labels, s->labels.v[i].key, s->labels.v[i].value);
  for (size_t i = 0; i < o->labels.n; i++) {
    const char *kv = o->labels.v[i], *eq = strchr(kv, '=');
    char *key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
    labels_set(labels, key, eq ? eq + 1 : "");
    free(key);
  }
}

/* The body without compose's labels (what the config hash covers), with
 * the overrides o (never NULL) where the service's fields go. */
static int body_core(const struct project *p, const struct service *s,
                     const struct create_overrides *o,
                     const struct create_ctx *c, cJSON **out, struct err *err)
{
  struct arena a = ARENA_INIT;
  struct parsed ov;
  int rc = check_provider(s, err);
  if (rc)
    return rc;
  rc = parse_overrides(p, o, &a, &ov, err);
  if (rc) {
    arena_release(&a);
    return rc;
  }
  cJSON *b = cJSON_CreateObject();
  char *image = create_image_name_new(p, s);
  cJSON_AddStringToObject(b, "Image", image);
  free(image);
  add_command(s, o, b);
  add_env(p, s, o, b);
  add_str(b, "WorkingDir", o->working_dir ? o->working_dir : s->working_dir);
  add_str(b, "User", o->user ? o->user : s->user);
  add_str(b, "Hostname", s->hostname);
  add_str(b, "Domainname", s->domainname);
  add_str(b, "MacAddress", s->mac_address);
  add_stdio(s, o, b);
  add_labels(s, o, b);
  add_str(b, "StopSignal", s->stop_signal);
  if (s->stop_grace_period_ns >= 0)
    cJSON_AddNumberToObject(b, "StopTimeout",
                            (double)(s->stop_grace_period_ns / 1000000000));
  if (s->healthcheck)
    add_healthcheck(s->healthcheck, b);

  cJSON *host = cJSON_AddObjectToObject(b, "HostConfig");
  add_ports(s, &ov, b, host);
  add_mounts(p, s, &ov, c, host);
  rc = add_file_refs(p, s, s->secrets, s->nsecrets, p->secrets, p->nsecrets, 1,
                     host, err);
  if (!rc)
    rc = add_file_refs(p, s, s->configs, s->nconfigs, p->configs, p->nconfigs,
                       0, host, err);
  if (rc) {
    cJSON_Delete(b);
    arena_release(&a);
    return rc;
  }
  add_volumes_from(p, s, host);
  if (!o->no_restart)
    add_restart(s->restart, host);
  if (o->auto_remove)
    cJSON_AddTrueToObject(host, "AutoRemove");
  add_host_misc(p, s, host);
  add_device_requests(s, host);
  add_annotations(s, host);
  add_network(p, s, &ov, b, host);
  arena_release(&a);
  rc = add_api_socket(p, s, b, host, err);
  if (rc) {
    cJSON_Delete(b);
    return rc;
  }
  *out = b;
  return 0;
}

static const struct create_overrides no_overrides;

int create_config_hash(const struct project *p, const struct service *s,
                       char out[65], struct err *err)
{
  cJSON *b;
  /* the body is made only for its errors: the hash is compose's */
  int rc = body_core(p, s, &no_overrides, NULL, &b, err);
  if (rc)
    return rc;
  cJSON_Delete(b);
  labels_config_hash(p, s, out);
  return 0;
}

int create_body(const struct create_ctx *c, cJSON **out, struct err *err)
{
  cJSON *b;
  int rc = body_core(c->project, c->service,
                     c->overrides ? c->overrides : &no_overrides, c, &b, err);
  if (rc)
    return rc;
  char hash[65];
  labels_config_hash(c->project, c->service, hash);
  cJSON *labels = cJSON_GetObjectItemCaseSensitive(b, "Labels");
  struct labels l = LABELS_INIT;
  labels_add_container(&l, c->project, c->service, c->number, c->oneoff, hash,
                       c->image_id);
  for (size_t i = 0; i < l.n; i++)
    labels_set(labels, l.v[i].key, l.v[i].value);
  labels_release(&l);
  *out = b;
  return 0;
}

/* --- sending --- */

int create_container(struct engine *e, const struct create_ctx *c,
                     const char *name, engine_cb cb, void *ctx, struct err *err)
{
  cJSON *body = NULL;
  int rc = create_body(c, &body, err);
  if (rc)
    return rc;
  return engine_container_create(e, name, body, cb, ctx, err);
}

int create_connect(struct engine *e, const struct create_ctx *c,
                   const struct service_network *n, const char *container,
                   engine_cb cb, void *ctx, struct err *err)
{
  return engine_network_connect(e, create_network_name(c->project, n->name),
                                connect_body_new(c, container, n), cb, ctx,
                                err);
}

int create_check(const struct create_ctx *c, struct err *err)
{
  cJSON *b = NULL;
  int rc = create_body(c, &b, err);
  cJSON_Delete(b);
  return rc;
}

/* 12 hex digits, as compose's one-off names end. */
static void random_hex(char out[13])
{
  unsigned char b[6] = {0};
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
    unsigned long x = (unsigned long)getpid() ^ (unsigned long)time(NULL);
    memcpy(b, &x, sizeof(b) < sizeof(x) ? sizeof(b) : sizeof(x));
  }
  if (fd >= 0)
    close(fd);
  snprintf(out, 13, "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
           b[5]);
}

char *create_name_new(const struct create_ctx *c)
{
  if (c->overrides && c->overrides->name)
    return xstrdup(c->overrides->name);
  if (!c->oneoff)
    return create_container_name_new(c->project, c->service, c->number);
  char hex[13];
  random_hex(hex);
  return xasprintf("%s-%s-run-%s", c->project->name, c->service->name, hex);
}

char *create_env_entry_new(const struct project *p, const char *spec)
{
  if (strchr(spec, '='))
    return xstrdup(spec);
  const char *v = kvlist_get(&p->environment, spec);
  return v ? xasprintf("%s=%s", spec, v) : NULL;
}

/* --- use_api_socket's credentials --- */

int create_uses_api_socket(const struct service *s)
{
  const struct mval *u = mval_get(s->other, "use_api_socket");
  return u && u->kind == MVAL_BOOL && u->i;
}

struct config_put {
  struct tarball *tb;
  engine_cb cb;
  void *ctx;
};

static size_t put_read(void *ctx, char *buf, size_t n)
{
  struct config_put *p = ctx;
  ssize_t r = tarball_read(p->tb, buf, n);
  return r < 0 ? HTTP_READ_ERROR : (size_t)r;
}

static void on_put(void *ctx, struct engine_result *res)
{
  struct config_put *p = ctx;
  engine_cb cb = p->cb;
  void *cctx = p->ctx;
  tarball_free(p->tb);
  free(p);
  cb(cctx, res);
}

int create_api_config_put(struct engine *e, const char *id, const char *name,
                          engine_cb cb, void *ctx, struct err *err)
{
  struct config_put *p = xcalloc(1, sizeof(*p));
  p->cb = cb;
  p->ctx = ctx;
  char *cfg = auth_config_auths_new();
  struct err te = ERR_INIT;
  int rc = tarball_new_list(&p->tb, &te);
  if (!rc)
    rc = tarball_add_file_mode(p->tb, CREATE_API_SOCKET_CONFIG + 1, cfg,
                               strlen(cfg), 0444);
  free(cfg);
  if (rc) {
    err_set(err, rc, "copying the docker config into '%s': %s", name,
            te.text ? te.text : err_text(rc));
    err_release(&te);
    tarball_free(p->tb);
    free(p);
    return rc;
  }
  rc = engine_container_archive_put(e, id, "/", put_read, p, on_put, p, err);
  if (rc) {
    tarball_free(p->tb);
    free(p);
  }
  return rc;
}
