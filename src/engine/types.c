/* The engine's JSON answers turned into the structs of types.h. Each object
 * lives in one box: a header that chains the blocks its strings and arrays
 * are carved from, then the struct itself, so one free releases all. */
#include "engine/types.h"
#include "engine/types-int.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <limits.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- the box --- */

struct block {
  struct block *next;
  size_t size, used;
  max_align_t data[];
};

struct box {
  struct block *blocks;
  size_t next_size; /* of the next block: small first, doubling */
  max_align_t obj[];
};

#define BLOCK_FIRST 1024
#define BLOCK_MAX (64 * 1024)

static struct box *box_new(size_t objsize)
{
  struct box *b = xcalloc(1, sizeof(*b) + objsize);
  b->next_size = BLOCK_FIRST;
  return b;
}

static struct box *box_of(void *obj)
{
  return (struct box *)((char *)obj - offsetof(struct box, obj));
}

static void box_free(void *obj)
{
  if (!obj)
    return;
  struct box *b = box_of(obj);
  while (b->blocks) {
    struct block *k = b->blocks;
    b->blocks = k->next;
    free(k);
  }
  free(b);
}

static void *box_alloc(struct box *b, size_t n)
{
  size_t al = alignof(max_align_t);
  n = (n + al - 1) & ~(al - 1);
  struct block *k = b->blocks;
  if (!k || k->size - k->used < n) {
    size_t size = b->next_size;
    if (b->next_size < BLOCK_MAX)
      b->next_size *= 2;
    if (size < n)
      size = n;
    k = xmalloc(sizeof(*k) + size);
    k->size = size;
    k->used = 0;
    k->next = b->blocks;
    b->blocks = k;
  }
  void *p = (char *)k->data + k->used;
  k->used += n;
  memset(p, 0, n);
  return p;
}

/* Arrays of n items; NULL when n is 0. */
static void *box_array(struct box *b, size_t n, size_t size)
{
  if (!n)
    return NULL;
  if (n > SIZE_MAX / size)
    BUG("array of %zu items of %zu bytes", n, size);
  return box_alloc(b, n * size);
}

static const char *box_strdup(struct box *b, const char *s)
{
  if (!s || !*s)
    return "";
  size_t n = strlen(s);
  char *p = box_alloc(b, n + 1);
  memcpy(p, s, n + 1);
  return p;
}

/* --- reading JSON --- */

static const cJSON *get(const cJSON *o, const char *key)
{
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *str(struct box *b, const cJSON *o, const char *key)
{
  const cJSON *v = get(o, key);
  return cJSON_IsString(v) ? box_strdup(b, v->valuestring) : "";
}

static int flag(const cJSON *o, const char *key)
{
  return cJSON_IsTrue(get(o, key));
}

/* A number as long long, clamped (cJSON keeps numbers as doubles). */
static long long num(const cJSON *o, const char *key, long long dflt)
{
  const cJSON *v = get(o, key);
  if (!cJSON_IsNumber(v))
    return dflt;
  double d = v->valuedouble;
  if (d >= 9.2e18)
    return LLONG_MAX;
  if (d <= -9.2e18)
    return LLONG_MIN;
  return (long long)d;
}

static int inum(const cJSON *o, const char *key, int dflt)
{
  long long v = num(o, key, dflt);
  return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

/* The strings of an array (other items skipped). */
static size_t strings(struct box *b, const cJSON *arr, const char ***out)
{
  size_t n = 0;
  const cJSON *it;
  *out = NULL;
  if (!cJSON_IsArray(arr))
    return 0;
  cJSON_ArrayForEach(it, arr)
  {
    n += cJSON_IsString(it);
  }
  const char **v = box_array(b, n, sizeof(*v));
  size_t i = 0;
  cJSON_ArrayForEach(it, arr)
  {
    if (cJSON_IsString(it))
      v[i++] = box_strdup(b, it->valuestring);
  }
  *out = v;
  return n;
}

/* The members of an object whose values are strings. */
static size_t kvs(struct box *b, const cJSON *obj, struct engine_kv **out)
{
  size_t n = 0;
  const cJSON *it;
  *out = NULL;
  if (!cJSON_IsObject(obj))
    return 0;
  cJSON_ArrayForEach(it, obj)
  {
    n += cJSON_IsString(it) && it->string;
  }
  struct engine_kv *v = box_array(b, n, sizeof(*v));
  size_t i = 0;
  cJSON_ArrayForEach(it, obj)
  {
    if (cJSON_IsString(it) && it->string) {
      v[i].key = box_strdup(b, it->string);
      v[i].value = box_strdup(b, it->valuestring);
      i++;
    }
  }
  *out = v;
  return n;
}

/* A string field that names the object: ERR_PROTO when missing. */
static int need(struct box *b, const cJSON *o, const char *key,
                const char *what, const char **out, struct err *err)
{
  const cJSON *v = get(o, key);
  if (!cJSON_IsString(v) || !v->valuestring[0])
    return err_set(err, ERR_PROTO, "%s has no \"%s\"", what, key);
  *out = box_strdup(b, v->valuestring);
  return 0;
}

static int want_object(const cJSON *j, const char *what, struct err *err)
{
  return cJSON_IsObject(j)
             ? 0
             : err_set(err, ERR_PROTO, "%s is not a JSON object", what);
}

static int want_array(const cJSON *j, const char *what, struct err *err)
{
  return cJSON_IsArray(j)
             ? 0
             : err_set(err, ERR_PROTO, "%s is not a JSON array", what);
}

/* created_at (a string) and created (its seconds). */
static void when(struct box *b, const cJSON *o, const char *key,
                 const char **at, long long *sec)
{
  *at = str(b, o, key);
  if (engine_time_parse(*at, sec, NULL))
    *sec = 0;
}

/* --- helpers of the public API --- */

const char *engine_kv_get(const struct engine_kv *kv, size_t n, const char *key)
{
  const char *found = NULL;
  for (size_t i = 0; i < n; i++)
    if (kv[i].key && !strcmp(kv[i].key, key))
      found = kv[i].value;
  return found;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static long long days_from_civil(long long y, int m, int d)
{
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  long long yoe = y - era * 400;
  long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* n digits at *p as a number, or -1. */
static int digits(const char **p, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9')
      return -1;
    v = v * 10 + (c - '0');
  }
  *p += n;
  return v;
}

int engine_time_parse(const char *s, long long *sec, long *nsec)
{
  const char *p = s ? s : "";
  int y = digits(&p, 4);
  int mo = *p == '-' ? (p++, digits(&p, 2)) : -1;
  int d = *p == '-' ? (p++, digits(&p, 2)) : -1;
  int h = *p == 'T' || *p == 't' || *p == ' ' ? (p++, digits(&p, 2)) : -1;
  int mi = *p == ':' ? (p++, digits(&p, 2)) : -1;
  int se = *p == ':' ? (p++, digits(&p, 2)) : -1;
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
      mi < 0 || mi > 59 || se < 0 || se > 60)
    return ERR_PROTO;
  long ns = 0;
  if (*p == '.') {
    p++;
    int k = 0;
    for (; *p >= '0' && *p <= '9'; p++, k++)
      if (k < 9)
        ns = ns * 10 + (*p - '0');
    if (!k)
      return ERR_PROTO;
    for (; k < 9; k++)
      ns *= 10;
  }
  long off = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = *p++ == '-' ? -1 : 1;
    int oh = digits(&p, 2);
    int om = *p == ':' ? (p++, digits(&p, 2)) : -1;
    if (oh < 0 || om < 0)
      return ERR_PROTO;
    off = sign * (oh * 3600L + om * 60L);
  } else {
    return ERR_PROTO;
  }
  if (*p)
    return ERR_PROTO;
  /* Go's zero time: never */
  int zero = y == 1 && mo == 1 && d == 1 && !h && !mi && !se && !ns && !off;
  *sec = zero ? 0
              : days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL +
                    se - off;
  if (nsec)
    *nsec = zero ? 0 : ns;
  return 0;
}

/* --- the fillers: one per struct, all on a box --- */

static void fill_port_summary(struct box *b, const cJSON *j,
                              struct engine_port *p)
{
  p->ip = str(b, j, "IP");
  p->private_port = inum(j, "PrivatePort", 0);
  p->public_port = inum(j, "PublicPort", 0);
  p->type = str(b, j, "Type");
}

static void fill_mount(struct box *b, const cJSON *j, struct engine_mount *m)
{
  m->type = str(b, j, "Type");
  m->name = str(b, j, "Name");
  m->source = str(b, j, "Source");
  m->destination = str(b, j, "Destination");
  m->mode = str(b, j, "Mode");
  m->rw = flag(j, "RW");
}

static size_t mounts(struct box *b, const cJSON *arr, struct engine_mount **out)
{
  size_t n = cJSON_IsArray(arr) ? (size_t)cJSON_GetArraySize(arr) : 0;
  struct engine_mount *v = box_array(b, n, sizeof(*v));
  size_t i = 0;
  const cJSON *it;
  const cJSON *a = n ? arr : NULL;
  cJSON_ArrayForEach(it, a)
  {
    fill_mount(b, it, &v[i++]);
  }
  *out = v;
  return n;
}

static int fill_container_summary(struct box *b, const cJSON *j,
                                  struct engine_container_summary *c,
                                  struct err *err)
{
  int rc = want_object(j, "a container summary", err);
  if (!rc)
    rc = need(b, j, "Id", "a container summary", &c->id, err);
  if (rc)
    return rc;
  const cJSON *n0 = cJSON_GetArrayItem(get(j, "Names"), 0);
  const char *name = cJSON_IsString(n0) ? n0->valuestring : "";
  c->name = box_strdup(b, name + (*name == '/'));
  c->image = str(b, j, "Image");
  c->image_id = str(b, j, "ImageID");
  c->command = str(b, j, "Command");
  c->created = num(j, "Created", 0);
  c->state = str(b, j, "State");
  c->status = str(b, j, "Status");
  c->nlabels = kvs(b, get(j, "Labels"), &c->labels);
  const cJSON *ports = get(j, "Ports");
  c->nports = cJSON_IsArray(ports) ? (size_t)cJSON_GetArraySize(ports) : 0;
  c->ports = box_array(b, c->nports, sizeof(*c->ports));
  size_t i = 0;
  const cJSON *it;
  if (!c->nports)
    ports = NULL;
  cJSON_ArrayForEach(it, ports)
  {
    fill_port_summary(b, it, &c->ports[i++]);
  }
  c->nmounts = mounts(b, get(j, "Mounts"), &c->mounts);
  return 0;
}

/* NetworkSettings.Ports: {"80/tcp": [{"HostIp", "HostPort"}], "53/udp":
 * null} to one row per binding, one for a port without any. */
static size_t inspect_ports(struct box *b, const cJSON *obj,
                            struct engine_port **out)
{
  size_t n = 0;
  const cJSON *it, *bind;
  *out = NULL;
  if (!cJSON_IsObject(obj))
    return 0;
  cJSON_ArrayForEach(it, obj)
  {
    size_t k = cJSON_IsArray(it) ? (size_t)cJSON_GetArraySize(it) : 0;
    n += k ? k : 1;
  }
  struct engine_port *v = box_array(b, n, sizeof(*v));
  size_t i = 0;
  cJSON_ArrayForEach(it, obj)
  {
    const char *key = it->string ? it->string : "";
    char *end;
    long port = strtol(key, &end, 10);
    const char *proto = *end == '/' ? end + 1 : "tcp";
    struct engine_port row = {"", port > 0 && port <= 65535 ? (int)port : 0, 0,
                              box_strdup(b, proto)};
    size_t k = cJSON_IsArray(it) ? (size_t)cJSON_GetArraySize(it) : 0;
    if (!k) {
      v[i++] = row;
      continue;
    }
    cJSON_ArrayForEach(bind, it)
    {
      row.ip = str(b, bind, "HostIp");
      const cJSON *hp = get(bind, "HostPort");
      row.public_port = cJSON_IsString(hp) ? atoi(hp->valuestring)
                                           : inum(bind, "HostPort", 0);
      v[i++] = row;
    }
  }
  *out = v;
  return n;
}

static size_t endpoints(struct box *b, const cJSON *obj,
                        struct engine_endpoint **out)
{
  size_t n = cJSON_IsObject(obj) ? (size_t)cJSON_GetArraySize(obj) : 0;
  struct engine_endpoint *v = box_array(b, n, sizeof(*v));
  size_t i = 0;
  const cJSON *it;
  if (n) {
    cJSON_ArrayForEach(it, obj)
    {
      struct engine_endpoint *ep = &v[i++];
      ep->network = box_strdup(b, it->string);
      ep->network_id = str(b, it, "NetworkID");
      ep->endpoint_id = str(b, it, "EndpointID");
      ep->ip_address = str(b, it, "IPAddress");
      ep->gateway = str(b, it, "Gateway");
      ep->mac_address = str(b, it, "MacAddress");
      ep->naliases = strings(b, get(it, "Aliases"), &ep->aliases);
    }
  }
  *out = v;
  return n;
}

static void fill_state(struct box *b, const cJSON *st,
                       struct engine_container_state *s)
{
  s->status = str(b, st, "Status");
  s->running = flag(st, "Running");
  s->paused = flag(st, "Paused");
  s->restarting = flag(st, "Restarting");
  s->oom_killed = flag(st, "OOMKilled");
  s->dead = flag(st, "Dead");
  s->pid = num(st, "Pid", 0);
  s->exit_code = inum(st, "ExitCode", -1);
  s->error = str(b, st, "Error");
  s->started_at = str(b, st, "StartedAt");
  s->finished_at = str(b, st, "FinishedAt");
  const cJSON *h = get(st, "Health");
  s->health = str(b, h, "Status");
  s->health_failing_streak = inum(h, "FailingStreak", 0);
  const cJSON *log = get(h, "Log");
  int nlog = cJSON_IsArray(log) ? cJSON_GetArraySize(log) : 0;
  const cJSON *last = nlog ? cJSON_GetArrayItem(log, nlog - 1) : NULL;
  s->health_exit_code = inum(last, "ExitCode", -1);
  s->health_output = str(b, last, "Output");
}

static void fill_config(struct box *b, const cJSON *cf,
                        struct engine_container_config *c)
{
  c->tty = flag(cf, "Tty");
  c->open_stdin = flag(cf, "OpenStdin");
  c->user = str(b, cf, "User");
  c->working_dir = str(b, cf, "WorkingDir");
  c->image = str(b, cf, "Image");
  c->nenv = strings(b, get(cf, "Env"), &c->env);
  c->ncmd = strings(b, get(cf, "Cmd"), &c->cmd);
  c->nentrypoint = strings(b, get(cf, "Entrypoint"), &c->entrypoint);
  c->nlabels = kvs(b, get(cf, "Labels"), &c->labels);
}

static int fill_container_info(struct box *b, const cJSON *j,
                               struct engine_container_info *c, struct err *err)
{
  int rc = want_object(j, "the container", err);
  if (!rc)
    rc = need(b, j, "Id", "the container", &c->id, err);
  if (rc)
    return rc;
  const cJSON *name = get(j, "Name");
  const char *nm = cJSON_IsString(name) ? name->valuestring : "";
  c->name = box_strdup(b, nm + (*nm == '/'));
  c->image = str(b, j, "Image");
  when(b, j, "Created", &c->created_at, &c->created);
  fill_config(b, get(j, "Config"), &c->config);
  fill_state(b, get(j, "State"), &c->state);
  c->restart_count = inum(j, "RestartCount", 0);
  const cJSON *hc = get(j, "HostConfig");
  const cJSON *rp = get(hc, "RestartPolicy");
  c->restart_policy = str(b, rp, "Name");
  c->restart_max_retries = inum(rp, "MaximumRetryCount", 0);
  c->auto_remove = flag(hc, "AutoRemove");
  const cJSON *ns = get(j, "NetworkSettings");
  c->nports = inspect_ports(b, get(ns, "Ports"), &c->ports);
  c->nnetworks = endpoints(b, get(ns, "Networks"), &c->networks);
  c->nmounts = mounts(b, get(j, "Mounts"), &c->mounts);
  return 0;
}

static int fill_image_info(struct box *b, const cJSON *j,
                           struct engine_image_info *im, struct err *err)
{
  int rc = want_object(j, "the image", err);
  if (!rc)
    rc = need(b, j, "Id", "the image", &im->id, err);
  if (rc)
    return rc;
  im->parent_id =
      str(b, j, cJSON_IsString(get(j, "ParentId")) ? "ParentId" : "Parent");
  im->nrepo_tags = strings(b, get(j, "RepoTags"), &im->repo_tags);
  im->nrepo_digests = strings(b, get(j, "RepoDigests"), &im->repo_digests);
  /* a list says seconds, an inspect a time */
  if (cJSON_IsString(get(j, "Created"))) {
    when(b, j, "Created", &im->created_at, &im->created);
  } else {
    im->created_at = "";
    im->created = num(j, "Created", 0);
  }
  im->size = num(j, "Size", 0);
  const cJSON *labels = get(j, "Labels");
  if (!cJSON_IsObject(labels))
    labels = get(get(j, "Config"), "Labels");
  im->nlabels = kvs(b, labels, &im->labels);
  return 0;
}

static int fill_network_info(struct box *b, const cJSON *j,
                             struct engine_network_info *n, struct err *err)
{
  int rc = want_object(j, "the network", err);
  if (!rc)
    rc = need(b, j, "Id", "the network", &n->id, err);
  if (rc)
    return rc;
  n->name = str(b, j, "Name");
  n->driver = str(b, j, "Driver");
  n->scope = str(b, j, "Scope");
  when(b, j, "Created", &n->created_at, &n->created);
  n->internal = flag(j, "Internal");
  n->attachable = flag(j, "Attachable");
  n->enable_ipv6 = flag(j, "EnableIPv6");
  n->nlabels = kvs(b, get(j, "Labels"), &n->labels);
  n->noptions = kvs(b, get(j, "Options"), &n->options);
  const cJSON *cs = get(j, "Containers");
  size_t nc = cJSON_IsObject(cs) ? (size_t)cJSON_GetArraySize(cs) : 0;
  n->containers = box_array(b, nc, sizeof(*n->containers));
  n->endpoints = box_array(b, nc, sizeof(*n->endpoints));
  const cJSON *it;
  if (nc) {
    cJSON_ArrayForEach(it, cs)
    {
      if (it->string && *it->string) {
        n->endpoints[n->ncontainers] = str(b, it, "Name");
        n->containers[n->ncontainers++] = box_strdup(b, it->string);
      }
    }
  }
  return 0;
}

static int fill_volume_info(struct box *b, const cJSON *j,
                            struct engine_volume_info *v, struct err *err)
{
  int rc = want_object(j, "the volume", err);
  if (!rc)
    rc = need(b, j, "Name", "the volume", &v->name, err);
  if (rc)
    return rc;
  v->driver = str(b, j, "Driver");
  v->mountpoint = str(b, j, "Mountpoint");
  v->scope = str(b, j, "Scope");
  when(b, j, "CreatedAt", &v->created_at, &v->created);
  v->nlabels = kvs(b, get(j, "Labels"), &v->labels);
  v->noptions = kvs(b, get(j, "Options"), &v->options);
  return 0;
}

/* Lists: an array of items, each filled by fill (size bytes each). */
typedef int (*fill_item_fn)(struct box *b, const cJSON *j, void *item,
                            struct err *err);

static int fill_array(struct box *b, const cJSON *j, const char *what,
                      size_t size, fill_item_fn fill, void **v, size_t *n,
                      struct err *err)
{
  int rc = want_array(j, what, err);
  if (rc)
    return rc;
  *n = (size_t)cJSON_GetArraySize(j);
  *v = box_array(b, *n, size);
  size_t i = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, j)
  {
    rc = fill(b, it, (char *)*v + size * i++, err);
    if (rc)
      return rc;
  }
  return 0;
}

#define LIST_FILLER(list, item, what)                                          \
  static int fill_##list##_item(struct box *b, const cJSON *j, void *it,       \
                                struct err *err)                               \
  {                                                                            \
    return fill_##item(b, j, it, err);                                         \
  }                                                                            \
  static int fill_##list(struct box *b, const cJSON *j,                        \
                         struct engine_##list *l, struct err *err)             \
  {                                                                            \
    void *v = NULL;                                                            \
    int rc = fill_array(b, j, what, sizeof(*l->v), fill_##list##_item, &v,     \
                        &l->n, err);                                           \
    l->v = v;                                                                  \
    return rc;                                                                 \
  }

LIST_FILLER(container_list, container_summary, "the container list")
LIST_FILLER(image_list, image_info, "the image list")
LIST_FILLER(network_list, network_info, "the network list")

static int fill_volume_list(struct box *b, const cJSON *j,
                            struct engine_volume_list *l, struct err *err)
{
  int rc = want_object(j, "the volume list", err);
  if (rc)
    return rc;
  const cJSON *vols = get(j, "Volumes");
  if (!cJSON_IsArray(vols) && !cJSON_IsNull(vols) && vols)
    return err_set(err, ERR_PROTO, "the volume list has no \"Volumes\" array");
  l->n = cJSON_IsArray(vols) ? (size_t)cJSON_GetArraySize(vols) : 0;
  l->v = box_array(b, l->n, sizeof(*l->v));
  size_t i = 0;
  const cJSON *it;
  if (l->n) {
    cJSON_ArrayForEach(it, vols)
    {
      rc = fill_volume_info(b, it, &l->v[i++], err);
      if (rc)
        return rc;
    }
  }
  l->nwarnings = strings(b, get(j, "Warnings"), &l->warnings);
  return 0;
}

static int fill_event(struct box *b, const cJSON *j, struct engine_event *ev,
                      struct err *err)
{
  int rc = want_object(j, "the event", err);
  if (rc)
    return rc;
  ev->type = str(b, j, "Type");
  ev->action = str(b, j, "Action");
  if (!*ev->action)
    ev->action = str(b, j, "status");
  if (!*ev->type && !*ev->action)
    return err_set(err, ERR_PROTO, "engine event has no Type and no Action");
  const cJSON *actor = get(j, "Actor");
  ev->id = str(b, actor, "ID");
  if (!*ev->id)
    ev->id = str(b, j, "id");
  ev->scope = str(b, j, "scope");
  ev->nattrs = kvs(b, get(actor, "Attributes"), &ev->attrs);
  ev->time = num(j, "time", 0);
  ev->time_nano = num(j, "timeNano", 0);
  const char *code = engine_kv_get(ev->attrs, ev->nattrs, "exitCode");
  char *end = NULL;
  long v = code && *code ? strtol(code, &end, 10) : -1;
  ev->exit_code = end && !*end && v >= INT_MIN && v <= INT_MAX ? (int)v : -1;
  return 0;
}

static int fill_version(struct box *b, const cJSON *j,
                        struct engine_version_info *v, struct err *err)
{
  int rc = want_object(j, "the version", err);
  if (rc)
    return rc;
  v->version = str(b, j, "Version");
  v->api_version = str(b, j, "ApiVersion");
  v->min_api_version = str(b, j, "MinAPIVersion");
  v->os = str(b, j, "Os");
  v->arch = str(b, j, "Arch");
  v->kernel_version = str(b, j, "KernelVersion");
  v->go_version = str(b, j, "GoVersion");
  v->git_commit = str(b, j, "GitCommit");
  v->build_time = str(b, j, "BuildTime");
  v->platform = str(b, get(j, "Platform"), "Name");
  v->experimental = flag(j, "Experimental");
  const cJSON *cs = get(j, "Components");
  v->ncomponents = cJSON_IsArray(cs) ? (size_t)cJSON_GetArraySize(cs) : 0;
  v->components = box_array(b, v->ncomponents, sizeof(*v->components));
  size_t i = 0;
  const cJSON *it;
  if (v->ncomponents) {
    cJSON_ArrayForEach(it, cs)
    {
      v->components[i].name = str(b, it, "Name");
      v->components[i].version = str(b, it, "Version");
      i++;
    }
  }
  return 0;
}

static int fill_top(struct box *b, const cJSON *j, struct engine_top *t,
                    struct err *err)
{
  int rc = want_object(j, "the process list", err);
  if (rc)
    return rc;
  t->ntitles = strings(b, get(j, "Titles"), &t->titles);
  const cJSON *ps = get(j, "Processes");
  t->nrows = cJSON_IsArray(ps) ? (size_t)cJSON_GetArraySize(ps) : 0;
  t->rows = box_array(b, t->nrows, sizeof(*t->rows));
  size_t i = 0;
  const cJSON *it;
  if (t->nrows) {
    cJSON_ArrayForEach(it, ps)
    {
      t->rows[i].n = strings(b, it, &t->rows[i].v);
      i++;
    }
  }
  return 0;
}

static int fill_exec_info(struct box *b, const cJSON *j,
                          struct engine_exec_info *x, struct err *err)
{
  int rc = want_object(j, "the exec", err);
  if (rc)
    return rc;
  x->id = str(b, j, "ID");
  x->container_id = str(b, j, "ContainerID");
  x->running = flag(j, "Running");
  x->exit_code = inum(j, "ExitCode", -1);
  x->pid = num(j, "Pid", 0);
  return 0;
}

static long long sum_blkio(const cJSON *list, const char *op)
{
  long long n = 0;
  const cJSON *it, *arr = cJSON_IsArray(list) ? list : NULL;
  cJSON_ArrayForEach(it, arr)
  {
    const cJSON *o = get(it, "op");
    if (cJSON_IsString(o) && !strcasecmp(o->valuestring, op))
      n += num(it, "value", 0);
  }
  return n;
}

static int fill_stats(struct box *b, const cJSON *j, struct engine_stats *x,
                      struct err *err)
{
  int rc = want_object(j, "the stats", err);
  if (rc)
    return rc;
  x->id = str(b, j, "id");
  const char *name = str(b, j, "name");
  x->name = name && name[0] == '/' ? name + 1 : name;
  const cJSON *cpu = get(j, "cpu_stats"), *pre = get(j, "precpu_stats");
  x->cpu_total = num(get(cpu, "cpu_usage"), "total_usage", 0);
  x->precpu_total = num(get(pre, "cpu_usage"), "total_usage", 0);
  x->system_cpu = num(cpu, "system_cpu_usage", 0);
  x->presystem_cpu = num(pre, "system_cpu_usage", 0);
  x->online_cpus = inum(cpu, "online_cpus", 0);
  if (!x->online_cpus)
    x->online_cpus =
        cJSON_GetArraySize(get(get(cpu, "cpu_usage"), "percpu_usage"));
  const cJSON *mem = get(j, "memory_stats"), *ms = get(mem, "stats");
  x->mem_usage = num(mem, "usage", 0);
  x->mem_limit = num(mem, "limit", 0);
  x->mem_inactive = get(ms, "inactive_file") ? num(ms, "inactive_file", 0)
                    : get(ms, "total_inactive_file")
                        ? num(ms, "total_inactive_file", 0)
                        : num(ms, "cache", 0);
  const cJSON *it, *nets = get(j, "networks");
  if (!cJSON_IsObject(nets))
    nets = NULL;
  cJSON_ArrayForEach(it, nets)
  {
    x->net_rx += num(it, "rx_bytes", 0);
    x->net_tx += num(it, "tx_bytes", 0);
  }
  const cJSON *io = get(get(j, "blkio_stats"), "io_service_bytes_recursive");
  x->blk_read = sum_blkio(io, "read");
  x->blk_write = sum_blkio(io, "write");
  x->pids = num(get(j, "pids_stats"), "current", 0);
  return 0;
}

static int fill_wait(struct box *b, const cJSON *j, struct engine_wait *w,
                     struct err *err)
{
  int rc = want_object(j, "the wait answer", err);
  if (rc)
    return rc;
  w->status_code = inum(j, "StatusCode", -1);
  w->error = str(b, get(j, "Error"), "Message");
  return 0;
}

static int fill_created(struct box *b, const cJSON *j, struct engine_created *c,
                        struct err *err)
{
  int rc = want_object(j, "the create answer", err);
  if (!rc)
    rc = need(b, j, "Id", "the create answer", &c->id, err);
  if (rc)
    return rc;
  const cJSON *ws = get(j, "Warnings");
  const cJSON *w1 = get(j, "Warning");
  const cJSON *arr = cJSON_IsArray(ws) ? ws : NULL;
  size_t n = cJSON_IsString(w1) && w1->valuestring[0];
  const cJSON *it;
  cJSON_ArrayForEach(it, arr)
  {
    n += cJSON_IsString(it) && it->valuestring[0];
  }
  c->warnings = box_array(b, n, sizeof(*c->warnings));
  cJSON_ArrayForEach(it, arr)
  {
    if (cJSON_IsString(it) && it->valuestring[0])
      c->warnings[c->nwarnings++] = box_strdup(b, it->valuestring);
  }
  if (cJSON_IsString(w1) && w1->valuestring[0])
    c->warnings[c->nwarnings++] = box_strdup(b, w1->valuestring);
  return 0;
}

/* --- the public and internal entry points of each struct --- */

#define TYPED_ENTRY(T, fill, what)                                             \
  int types_##T##_from_json(const cJSON *j, struct engine_##T **out,           \
                            struct err *err)                                   \
  {                                                                            \
    struct box *b = box_new(sizeof(struct engine_##T));                        \
    struct engine_##T *obj = (void *)b->obj;                                   \
    struct err local = ERR_INIT;                                               \
    int rc = fill(b, j, obj, &local);                                          \
    if (rc) {                                                                  \
      err_set(err, rc, "%.*s", (int)(local.len ? local.len - 1 : 0),           \
              local.text ? local.text : "");                                   \
      err_release(&local);                                                     \
      box_free(obj);                                                           \
      return rc;                                                               \
    }                                                                          \
    *out = obj;                                                                \
    return 0;                                                                  \
  }                                                                            \
  int engine_##T##_parse(const char *data, size_t len,                         \
                         struct engine_##T **out, struct err *err)             \
  {                                                                            \
    cJSON *j = data ? cJSON_ParseWithLength(data, len) : NULL;                 \
    if (!j)                                                                    \
      return err_set(err, ERR_PROTO, "%s is not JSON: '%.*s'", what,           \
                     (int)(len < 60 ? len : 60), data ? data : "");            \
    int rc = types_##T##_from_json(j, out, err);                               \
    cJSON_Delete(j);                                                           \
    return rc;                                                                 \
  }                                                                            \
  void engine_##T##_free(struct engine_##T *obj)                               \
  {                                                                            \
    box_free(obj);                                                             \
  }

TYPED_ENTRY(container_list, fill_container_list, "the container list")
TYPED_ENTRY(container_info, fill_container_info, "the container")
TYPED_ENTRY(image_info, fill_image_info, "the image")
TYPED_ENTRY(image_list, fill_image_list, "the image list")
TYPED_ENTRY(network_info, fill_network_info, "the network")
TYPED_ENTRY(network_list, fill_network_list, "the network list")
TYPED_ENTRY(volume_info, fill_volume_info, "the volume")
TYPED_ENTRY(volume_list, fill_volume_list, "the volume list")
TYPED_ENTRY(event, fill_event, "the event")
TYPED_ENTRY(version_info, fill_version, "the version")
TYPED_ENTRY(top, fill_top, "the process list")
TYPED_ENTRY(exec_info, fill_exec_info, "the exec")
TYPED_ENTRY(wait, fill_wait, "the wait answer")
TYPED_ENTRY(stats, fill_stats, "the stats")
TYPED_ENTRY(created, fill_created, "the create answer")

/* --- swarm --- */

static int fill_swarm_info(struct box *b, const cJSON *j,
                           struct engine_swarm_info *s, struct err *err)
{
  int rc = want_object(j, "the swarm", err);
  if (!rc)
    rc = need(b, j, "ID", "the swarm", &s->id, err);
  if (rc)
    return rc;
  s->join_worker = str(b, get(j, "JoinTokens"), "Worker");
  s->join_manager = str(b, get(j, "JoinTokens"), "Manager");
  return 0;
}

static int fill_node(struct box *b, const cJSON *j, struct engine_node *n,
                     struct err *err)
{
  int rc = want_object(j, "the node", err);
  if (!rc)
    rc = need(b, j, "ID", "the node", &n->id, err);
  if (rc)
    return rc;
  n->hostname = str(b, get(j, "Description"), "Hostname");
  n->role = str(b, get(j, "Spec"), "Role");
  n->availability = str(b, get(j, "Spec"), "Availability");
  n->state = str(b, get(j, "Status"), "State");
  n->addr = str(b, get(j, "Status"), "Addr");
  n->leader = flag(get(j, "ManagerStatus"), "Leader");
  return 0;
}

static size_t service_ports(struct box *b, const cJSON *arr,
                            struct engine_service_port **out)
{
  size_t n = cJSON_IsArray(arr) ? (size_t)cJSON_GetArraySize(arr) : 0;
  struct engine_service_port *v = box_array(b, n, sizeof(*v));
  size_t i = 0;
  const cJSON *it;
  if (n) {
    cJSON_ArrayForEach(it, arr)
    {
      v[i].target = inum(it, "TargetPort", 0);
      v[i].published = inum(it, "PublishedPort", 0);
      v[i].protocol = str(b, it, "Protocol");
      v[i].mode = str(b, it, "PublishMode");
      i++;
    }
  }
  *out = v;
  return n;
}

static int fill_service(struct box *b, const cJSON *j, struct engine_service *s,
                        struct err *err)
{
  int rc = want_object(j, "the service", err);
  if (!rc)
    rc = need(b, j, "ID", "the service", &s->id, err);
  if (rc)
    return rc;
  const cJSON *spec = get(j, "Spec");
  s->name = str(b, spec, "Name");
  s->version = num(get(j, "Version"), "Index", 0);
  s->nlabels = kvs(b, get(spec, "Labels"), &s->labels);
  s->image = str(b, get(get(spec, "TaskTemplate"), "ContainerSpec"), "Image");
  const cJSON *mode = get(spec, "Mode");
  s->global = get(mode, "Global") != NULL;
  s->replicas = num(get(mode, "Replicated"), "Replicas", 0);
  char *text = cJSON_IsObject(spec) ? cJSON_PrintUnformatted(spec) : NULL;
  s->spec = box_strdup(b, text);
  free(text);
  s->update_state = str(b, get(j, "UpdateStatus"), "State");
  s->update_message = str(b, get(j, "UpdateStatus"), "Message");
  const cJSON *ports = get(get(j, "Endpoint"), "Ports");
  if (!cJSON_IsArray(ports))
    ports = get(get(spec, "EndpointSpec"), "Ports");
  s->nports = service_ports(b, ports, &s->ports);
  return 0;
}

static void stamp(const cJSON *o, const char *key, long long *sec,
                  long long *nsec)
{
  const cJSON *v = get(o, key);
  long ns = 0;
  if (!cJSON_IsString(v) || engine_time_parse(v->valuestring, sec, &ns))
    *sec = 0, ns = 0;
  *nsec = ns;
}

static int fill_task(struct box *b, const cJSON *j, struct engine_task *t,
                     struct err *err)
{
  int rc = want_object(j, "the task", err);
  if (!rc)
    rc = need(b, j, "ID", "the task", &t->id, err);
  if (rc)
    return rc;
  const cJSON *st = get(j, "Status");
  t->service_id = str(b, j, "ServiceID");
  t->node_id = str(b, j, "NodeID");
  t->slot = inum(j, "Slot", 0);
  t->desired_state = str(b, j, "DesiredState");
  t->state = str(b, st, "State");
  t->message = str(b, st, "Message");
  t->error = str(b, st, "Err");
  t->container_id = str(b, get(st, "ContainerStatus"), "ContainerID");
  t->exit_code = inum(get(st, "ContainerStatus"), "ExitCode", -1);
  t->image = str(b, get(get(j, "Spec"), "ContainerSpec"), "Image");
  stamp(j, "CreatedAt", &t->created, &t->created_nsec);
  stamp(st, "Timestamp", &t->status_at, &t->status_nsec);
  return 0;
}

static int fill_swarm_object(struct box *b, const cJSON *j,
                             struct engine_swarm_object *o, struct err *err)
{
  int rc = want_object(j, "the object", err);
  if (!rc)
    rc = need(b, j, "ID", "the object", &o->id, err);
  if (rc)
    return rc;
  o->name = str(b, get(j, "Spec"), "Name");
  o->version = num(get(j, "Version"), "Index", 0);
  o->nlabels = kvs(b, get(get(j, "Spec"), "Labels"), &o->labels);
  return 0;
}

static int fill_distribution(struct box *b, const cJSON *j,
                             struct engine_distribution *d, struct err *err)
{
  int rc = want_object(j, "the distribution answer", err);
  if (rc)
    return rc;
  d->digest = str(b, get(j, "Descriptor"), "digest");
  if (!*d->digest)
    return err_set(err, ERR_PROTO, "the distribution answer has no digest");
  return 0;
}

static int fill_swarm_created(struct box *b, const cJSON *j,
                              struct engine_created *c, struct err *err)
{
  int rc = want_object(j, "the create answer", err);
  if (!rc)
    rc = need(b, j, "ID", "the create answer", &c->id, err);
  if (rc)
    return rc;
  c->nwarnings = strings(b, get(j, "Warnings"), &c->warnings);
  return 0;
}

LIST_FILLER(node_list, node, "the node list")
LIST_FILLER(service_list, service, "the service list")
LIST_FILLER(task_list, task, "the task list")
LIST_FILLER(swarm_object_list, swarm_object, "the list")

TYPED_ENTRY(swarm_info, fill_swarm_info, "the swarm")
TYPED_ENTRY(node_list, fill_node_list, "the node list")
TYPED_ENTRY(service_list, fill_service_list, "the service list")
TYPED_ENTRY(task_list, fill_task_list, "the task list")
TYPED_ENTRY(swarm_object_list, fill_swarm_object_list, "the list")
TYPED_ENTRY(distribution, fill_distribution, "the distribution answer")

int types_swarm_created_from_json(const cJSON *j, struct engine_created **out,
                                  struct err *err)
{
  struct box *b = box_new(sizeof(struct engine_created));
  struct engine_created *obj = (void *)b->obj;
  int rc = fill_swarm_created(b, j, obj, err);
  if (rc) {
    box_free(obj);
    return rc;
  }
  *out = obj;
  return 0;
}

static int covers(const cJSON *have, const cJSON *want)
{
  if (cJSON_IsObject(want)) {
    if (!cJSON_IsObject(have))
      return 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, want)
    {
      if (!covers(cJSON_GetObjectItemCaseSensitive(have, it->string), it))
        return 0;
    }
    return 1;
  }
  if (cJSON_IsArray(want)) {
    if (!cJSON_IsArray(have) ||
        cJSON_GetArraySize(have) != cJSON_GetArraySize(want))
      return 0;
    const cJSON *h = have->child, *w = want->child;
    for (; w; w = w->next, h = h->next)
      if (!covers(h, w))
        return 0;
    return 1;
  }
  /* false and 0 are what the engine leaves out */
  if (!have)
    return cJSON_IsFalse(want) ||
           (cJSON_IsNumber(want) && want->valuedouble == 0) ||
           (cJSON_IsString(want) && !*want->valuestring);
  return cJSON_Compare(have, want, 1);
}

int engine_spec_covers(const char *deployed, const struct cJSON *desired)
{
  cJSON *have = deployed && *deployed ? cJSON_Parse(deployed) : NULL;
  int r = have && covers(have, desired);
  cJSON_Delete(have);
  return r;
}
