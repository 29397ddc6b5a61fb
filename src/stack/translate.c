/* translate: compose services as Swarm ServiceSpecs (Engine API 1.41), the
 * stack's networks, configs and secrets, and the warnings for what Swarm
 * cannot carry. No engine calls. */
#include "stack/stack.h"
#include "compose/model-int.h"
#include "orchestrate/labels.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_MAX (500 * 1024) /* swarm's own limit on a config or secret */

static int read_all(const char *path, unsigned char **data, size_t *n)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  unsigned char *buf = xmalloc(FILE_MAX + 1);
  size_t got = fread(buf, 1, FILE_MAX + 1, f);
  int bad = ferror(f) || got > FILE_MAX;
  fclose(f);
  if (bad) {
    free(buf);
    errno = bad && got > FILE_MAX ? EFBIG : EIO;
    return -1;
  }
  *data = buf;
  *n = got;
  return 0;
}

static int file_content(struct stack_file *f, const struct project *p,
                        struct err *err)
{
  const struct file_obj *o = f->obj;
  const char *kind = f->secret ? "secret" : "config";
  if (o->file) {
    if (read_all(o->file, &f->data, &f->n))
      return err_set(err, ERR_CONFIG, "%s '%s': cannot read '%s': %s", kind,
                     o->key, o->file, strerror(errno));
    return 0;
  }
  const char *text = o->content;
  if (o->environment) {
    text = kvlist_get(&p->environment, o->environment);
    if (!text)
      text = getenv(o->environment);
    if (!text)
      return err_set(err, ERR_CONFIG, "%s '%s': variable '%s' is not set", kind,
                     o->key, o->environment);
  }
  if (!text)
    return err_set(err, ERR_CONFIG,
                   "%s '%s': needs file, environment or content", kind, o->key);
  f->n = strlen(text);
  f->data = (unsigned char *)xstrndup(text, f->n);
  return 0;
}

static int add_files(struct stack *st, const struct file_obj *objs, size_t n,
                     int secret, struct err *err)
{
  for (size_t i = 0; i < n; i++) {
    struct stack_file *f = &st->files[st->nfiles++];
    memset(f, 0, sizeof(*f));
    f->obj = &objs[i];
    f->secret = secret;
    if (objs[i].external) {
      f->name = xstrdup(objs[i].name ? objs[i].name : objs[i].key);
      continue;
    }
    int rc = file_content(f, st->p, err);
    if (rc)
      return rc;
    char hex[65];
    sha256_hex(f->data, f->n, hex);
    f->name = xasprintf("%s_%s-%.10s", st->ns, objs[i].key, hex);
  }
  return 0;
}

int stack_prepare(struct stack *st, const struct project *p, const char *ns,
                  struct err *err)
{
  memset(st, 0, sizeof(*st));
  st->p = p;
  st->ns = xstrdup(ns);
  st->nets = xcalloc(p->nnetworks + 1, sizeof(*st->nets));
  for (size_t i = 0; i < p->nnetworks; i++) {
    const struct network *n = &p->networks[i];
    struct stack_net *sn = &st->nets[st->nnets++];
    sn->net = n;
    /* the loader names networks after the project; a stack names its own
     * after the stack, as docker stack does, unless a name is given */
    char *dflt = xasprintf("%s_%s", p->name, n->key);
    if (n->external || strcmp(n->name, dflt))
      sn->name = xstrdup(n->name);
    else
      sn->name = xasprintf("%s_%s", ns, n->key);
    free(dflt);
  }
  st->files = xcalloc(p->nconfigs + p->nsecrets + 1, sizeof(*st->files));
  int rc = add_files(st, p->configs, p->nconfigs, 0, err);
  if (!rc)
    rc = add_files(st, p->secrets, p->nsecrets, 1, err);
  return rc;
}

void stack_release(struct stack *st)
{
  for (size_t i = 0; i < st->nnets; i++) {
    free(st->nets[i].name);
    free(st->nets[i].id);
  }
  for (size_t i = 0; i < st->nfiles; i++) {
    free(st->files[i].name);
    free(st->files[i].data);
    free(st->files[i].id);
  }
  free(st->nets);
  free(st->files);
  free(st->ns);
  memset(st, 0, sizeof(*st));
}

char *stack_service_name(const struct stack *st, const struct service *s)
{
  return xasprintf("%s_%s", st->ns, s->name);
}

/* --- values of the deploy section --- */

static const struct mval *dget(const struct service *s, const char *path)
{
  const struct mval *m = s->deploy;
  char buf[64];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *k = strtok(buf, "."); k && m; k = strtok(NULL, "."))
    m = mval_get(m, k);
  return m;
}

static const char *mstr(const struct mval *m)
{
  return m && m->kind == MVAL_STR ? m->str : NULL;
}

static int mnum(const struct mval *m, double *out)
{
  if (!m)
    return 0;
  if (m->kind == MVAL_INT)
    *out = (double)m->i;
  else if (m->kind == MVAL_FLOAT)
    *out = m->f;
  else if (m->kind == MVAL_STR && m->str)
    *out = strtod(m->str, NULL);
  else
    return 0;
  return 1;
}

static void add_num(cJSON *o, const char *key, const struct mval *m)
{
  double d;
  if (mnum(m, &d))
    cJSON_AddNumberToObject(o, key, d);
}

static void add_dur(cJSON *o, const char *key, const struct mval *m)
{
  int64_t ns;
  if (mstr(m) && !model_parse_duration(m->str, &ns))
    cJSON_AddNumberToObject(o, key, (double)ns);
}

static cJSON *strings(const struct strlist *l)
{
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < l->n; i++)
    cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
  return a;
}

static cJSON *mstrings(const struct mval *m)
{
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; m && m->kind == MVAL_SEQ && i < m->n; i++)
    if (mstr(m->items[i]))
      cJSON_AddItemToArray(a, cJSON_CreateString(m->items[i]->str));
  return a;
}

static cJSON *labels(const struct kvlist *l, const char *ns)
{
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; l && i < l->n; i++)
    cJSON_AddStringToObject(o, l->v[i].key, l->v[i].value ? l->v[i].value : "");
  cJSON_DeleteItemFromObjectCaseSensitive(o, STACK_NAMESPACE);
  cJSON_AddStringToObject(o, STACK_NAMESPACE, ns);
  return o;
}

static cJSON *mlabels(const struct mval *m, const char *ns, const char *image)
{
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; m && m->kind == MVAL_MAP && i < m->n; i++)
    cJSON_AddStringToObject(o, m->keys[i],
                            mstr(m->items[i]) ? m->items[i]->str : "");
  cJSON_DeleteItemFromObjectCaseSensitive(o, STACK_NAMESPACE);
  cJSON_AddStringToObject(o, STACK_NAMESPACE, ns);
  if (image) {
    cJSON_DeleteItemFromObjectCaseSensitive(o, STACK_IMAGE);
    cJSON_AddStringToObject(o, STACK_IMAGE, image);
  }
  return o;
}

/* --- pieces of the spec --- */

static cJSON *resources(const struct resources *r)
{
  cJSON *o = cJSON_CreateObject();
  if (r->cpus > 0)
    cJSON_AddNumberToObject(o, "NanoCPUs", (double)(int64_t)(r->cpus * 1e9));
  if (r->memory > 0)
    cJSON_AddNumberToObject(o, "MemoryBytes", (double)r->memory);
  if (r->pids > 0)
    cJSON_AddNumberToObject(o, "Pids", (double)r->pids);
  return o;
}

static cJSON *update_config(const struct mval *m)
{
  cJSON *o = cJSON_CreateObject();
  add_num(o, "Parallelism", mval_get(m, "parallelism"));
  add_dur(o, "Delay", mval_get(m, "delay"));
  const char *fa = mstr(mval_get(m, "failure_action"));
  if (fa)
    cJSON_AddStringToObject(o, "FailureAction", fa);
  add_dur(o, "Monitor", mval_get(m, "monitor"));
  add_num(o, "MaxFailureRatio", mval_get(m, "max_failure_ratio"));
  const char *order = mstr(mval_get(m, "order"));
  if (order)
    cJSON_AddStringToObject(o, "Order", order);
  return o;
}

static cJSON *restart_policy(const struct service *s)
{
  const struct mval *m = dget(s, "restart_policy");
  cJSON *o = cJSON_CreateObject();
  const char *cond = mstr(mval_get(m, "condition"));
  if (!m && s->restart) {
    /* the container's restart: as docker stack reads it */
    if (!strcmp(s->restart, "no"))
      cond = "none";
    else if (!strncmp(s->restart, "on-failure", 10))
      cond = "on-failure";
    else
      cond = "any";
  }
  if (cond)
    cJSON_AddStringToObject(o, "Condition", cond);
  add_dur(o, "Delay", mval_get(m, "delay"));
  add_num(o, "MaxAttempts", mval_get(m, "max_attempts"));
  add_dur(o, "Window", mval_get(m, "window"));
  return o;
}

static cJSON *placement(const struct service *s)
{
  const struct mval *m = dget(s, "placement");
  cJSON *o = cJSON_CreateObject();
  const struct mval *c = mval_get(m, "constraints");
  if (c)
    cJSON_AddItemToObject(o, "Constraints", mstrings(c));
  const struct mval *prefs = mval_get(m, "preferences");
  if (prefs && prefs->kind == MVAL_SEQ) {
    cJSON *a = cJSON_AddArrayToObject(o, "Preferences");
    for (size_t i = 0; i < prefs->n; i++) {
      const char *spread = mstr(mval_get(prefs->items[i], "spread"));
      if (!spread)
        continue;
      cJSON *p = cJSON_CreateObject();
      cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "Spread"),
                              "SpreadDescriptor", spread);
      cJSON_AddItemToArray(a, p);
    }
  }
  add_num(o, "MaxReplicas", mval_get(m, "max_replicas_per_node"));
  return o;
}

static cJSON *healthcheck(const struct healthcheck *h)
{
  cJSON *o = cJSON_CreateObject();
  if (h->disable) {
    cJSON *t = cJSON_AddArrayToObject(o, "Test");
    cJSON_AddItemToArray(t, cJSON_CreateString("NONE"));
    return o;
  }
  if (h->test.n)
    cJSON_AddItemToObject(o, "Test", strings(&h->test));
  if (h->interval_ns > 0)
    cJSON_AddNumberToObject(o, "Interval", (double)h->interval_ns);
  if (h->timeout_ns > 0)
    cJSON_AddNumberToObject(o, "Timeout", (double)h->timeout_ns);
  if (h->start_period_ns > 0)
    cJSON_AddNumberToObject(o, "StartPeriod", (double)h->start_period_ns);
  if (h->retries >= 0)
    cJSON_AddNumberToObject(o, "Retries", h->retries);
  return o;
}

static const struct stack_net *find_net(const struct stack *st, const char *key)
{
  for (size_t i = 0; i < st->nnets; i++)
    if (!strcmp(st->nets[i].net->key, key))
      return &st->nets[i];
  return NULL;
}

static const struct stack_file *find_file(const struct stack *st, int secret,
                                          const char *key)
{
  for (size_t i = 0; i < st->nfiles; i++)
    if (st->files[i].secret == secret && !strcmp(st->files[i].obj->key, key))
      return &st->files[i];
  return NULL;
}

static int mounts(const struct stack *st, const struct service *s, cJSON *cs,
                  struct err *err)
{
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < s->nvolumes; i++) {
    const struct mount *m = &s->volumes[i];
    cJSON *o = cJSON_CreateObject();
    const char *src = m->source;
    char *vname = NULL;
    switch (m->type) {
    case MOUNT_BIND:
      cJSON_AddStringToObject(o, "Type", "bind");
      break;
    case MOUNT_VOLUME:
      cJSON_AddStringToObject(o, "Type", "volume");
      if (src) {
        const struct volume *v = project_volume(st->p, src);
        if (v && !v->external)
          src = vname = xasprintf("%s_%s", st->ns, v->key);
        else if (v)
          src = v->name;
      }
      break;
    case MOUNT_TMPFS:
      cJSON_AddStringToObject(o, "Type", "tmpfs");
      break;
    default:
      cJSON_Delete(o);
      cJSON_Delete(a);
      return err_set(err, ERR_CONFIG,
                     "service '%s': volume '%s': this mount type cannot be "
                     "used on a swarm",
                     s->name, m->target);
    }
    if (src)
      cJSON_AddStringToObject(o, "Source", src);
    cJSON_AddStringToObject(o, "Target", m->target);
    if (m->read_only)
      cJSON_AddTrueToObject(o, "ReadOnly");
    if (m->type == MOUNT_VOLUME && src) {
      cJSON *vo = cJSON_AddObjectToObject(o, "VolumeOptions");
      if (m->volume_nocopy)
        cJSON_AddTrueToObject(vo, "NoCopy");
      cJSON_AddItemToObject(vo, "Labels", labels(NULL, st->ns));
      const struct volume *v = project_volume(st->p, m->source);
      if (v && v->driver) {
        cJSON *d = cJSON_AddObjectToObject(vo, "DriverConfig");
        cJSON_AddStringToObject(d, "Name", v->driver);
      }
    }
    if (m->type == MOUNT_TMPFS && m->tmpfs_size > 0)
      cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "TmpfsOptions"),
                              "SizeBytes", (double)m->tmpfs_size);
    free(vname);
    cJSON_AddItemToArray(a, o);
  }
  for (size_t i = 0; i < s->tmpfs.n; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Type", "tmpfs");
    char *t = xstrdup(s->tmpfs.v[i]);
    char *colon = strchr(t, ':');
    if (colon)
      *colon = 0;
    cJSON_AddStringToObject(o, "Target", t);
    free(t);
    cJSON_AddItemToArray(a, o);
  }
  if (cJSON_GetArraySize(a))
    cJSON_AddItemToObject(cs, "Mounts", a);
  else
    cJSON_Delete(a);
  return 0;
}

static int file_refs(const struct stack *st, const struct service *s, cJSON *cs,
                     int secret, struct err *err)
{
  const struct file_ref *refs = secret ? s->secrets : s->configs;
  size_t n = secret ? s->nsecrets : s->nconfigs;
  if (!n)
    return 0;
  cJSON *a = cJSON_AddArrayToObject(cs, secret ? "Secrets" : "Configs");
  for (size_t i = 0; i < n; i++) {
    const struct file_ref *r = &refs[i];
    const struct stack_file *f = find_file(st, secret, r->source);
    if (!f)
      return err_set(err, ERR_CONFIG, "service '%s': no such %s: '%s'", s->name,
                     secret ? "secret" : "config", r->source);
    cJSON *o = cJSON_CreateObject();
    cJSON *file = cJSON_AddObjectToObject(o, "File");
    const char *target = r->target ? r->target : r->source;
    if (secret && target[0] == '/' && !strncmp(target, "/run/secrets/", 13))
      target += 13; /* swarm wants the name under /run/secrets */
    cJSON_AddStringToObject(file, "Name", target);
    cJSON_AddStringToObject(file, "UID", r->uid ? r->uid : "0");
    cJSON_AddStringToObject(file, "GID", r->gid ? r->gid : "0");
    cJSON_AddNumberToObject(file, "Mode",
                            r->mode >= 0 ? (double)r->mode : 0444);
    cJSON_AddStringToObject(o, secret ? "SecretID" : "ConfigID",
                            f->id ? f->id : f->name);
    cJSON_AddStringToObject(o, secret ? "SecretName" : "ConfigName", f->name);
    cJSON_AddItemToArray(a, o);
  }
  return 0;
}

static cJSON *container_spec(const struct stack *st, const struct service *s,
                             const char *image)
{
  cJSON *cs = cJSON_CreateObject();
  cJSON_AddStringToObject(cs, "Image", image);
  cJSON_AddItemToObject(cs, "Labels", labels(&s->labels, st->ns));
  if (s->entrypoint_set)
    cJSON_AddItemToObject(cs, "Command", strings(&s->entrypoint));
  if (s->command_set)
    cJSON_AddItemToObject(cs, "Args", strings(&s->command));
  if (s->hostname)
    cJSON_AddStringToObject(cs, "Hostname", s->hostname);
  cJSON *env = cJSON_CreateArray();
  for (size_t i = 0; i < s->environment.n; i++)
    if (s->environment.v[i].value) {
      char *e = xasprintf("%s=%s", s->environment.v[i].key,
                          s->environment.v[i].value);
      cJSON_AddItemToArray(env, cJSON_CreateString(e));
      free(e);
    }
  if (cJSON_GetArraySize(env))
    cJSON_AddItemToObject(cs, "Env", env);
  else
    cJSON_Delete(env);
  if (s->working_dir)
    cJSON_AddStringToObject(cs, "Dir", s->working_dir);
  if (s->user)
    cJSON_AddStringToObject(cs, "User", s->user);
  if (s->group_add.n)
    cJSON_AddItemToObject(cs, "Groups", strings(&s->group_add));
  if (s->tty)
    cJSON_AddTrueToObject(cs, "TTY");
  if (s->stdin_open)
    cJSON_AddTrueToObject(cs, "OpenStdin");
  if (s->read_only)
    cJSON_AddTrueToObject(cs, "ReadOnly");
  if (s->init_set)
    cJSON_AddBoolToObject(cs, "Init", s->init);
  if (s->stop_signal)
    cJSON_AddStringToObject(cs, "StopSignal", s->stop_signal);
  if (s->stop_grace_period_ns >= 0)
    cJSON_AddNumberToObject(cs, "StopGracePeriod",
                            (double)s->stop_grace_period_ns);
  if (s->healthcheck)
    cJSON_AddItemToObject(cs, "Healthcheck", healthcheck(s->healthcheck));
  if (s->extra_hosts.n) {
    /* "host=ip" in the model; swarm wants "ip host" as in /etc/hosts */
    cJSON *h = cJSON_AddArrayToObject(cs, "Hosts");
    for (size_t i = 0; i < s->extra_hosts.n; i++) {
      const char *eq = strchr(s->extra_hosts.v[i], '=');
      if (!eq)
        continue;
      char *line = xasprintf("%s %.*s", eq + 1, (int)(eq - s->extra_hosts.v[i]),
                             s->extra_hosts.v[i]);
      cJSON_AddItemToArray(h, cJSON_CreateString(line));
      free(line);
    }
  }
  if (s->dns.n || s->dns_search.n || s->dns_opt.n) {
    cJSON *d = cJSON_AddObjectToObject(cs, "DNSConfig");
    if (s->dns.n)
      cJSON_AddItemToObject(d, "Nameservers", strings(&s->dns));
    if (s->dns_search.n)
      cJSON_AddItemToObject(d, "Search", strings(&s->dns_search));
    if (s->dns_opt.n)
      cJSON_AddItemToObject(d, "Options", strings(&s->dns_opt));
  }
  if (s->nulimits) {
    cJSON *u = cJSON_AddArrayToObject(cs, "Ulimits");
    for (size_t i = 0; i < s->nulimits; i++) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "Name", s->ulimits[i].name);
      cJSON_AddNumberToObject(o, "Soft", (double)s->ulimits[i].soft);
      cJSON_AddNumberToObject(o, "Hard", (double)s->ulimits[i].hard);
      cJSON_AddItemToArray(u, o);
    }
  }
  if (s->sysctls.n) {
    cJSON *o = cJSON_AddObjectToObject(cs, "Sysctls");
    for (size_t i = 0; i < s->sysctls.n; i++)
      cJSON_AddStringToObject(o, s->sysctls.v[i].key,
                              s->sysctls.v[i].value ? s->sysctls.v[i].value
                                                    : "");
  }
  if (s->cap_add.n)
    cJSON_AddItemToObject(cs, "CapabilityAdd", strings(&s->cap_add));
  if (s->cap_drop.n)
    cJSON_AddItemToObject(cs, "CapabilityDrop", strings(&s->cap_drop));
  return cs;
}

static cJSON *endpoint(const struct service *s)
{
  cJSON *o = cJSON_CreateObject();
  const char *mode = mstr(dget(s, "endpoint_mode"));
  cJSON_AddStringToObject(o, "Mode", mode ? mode : "vip");
  if (!s->nports)
    return o;
  cJSON *a = cJSON_AddArrayToObject(o, "Ports");
  for (size_t i = 0; i < s->nports; i++) {
    const struct port *p = &s->ports[i];
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "Protocol", p->protocol ? p->protocol : "tcp");
    cJSON_AddNumberToObject(it, "TargetPort", p->target);
    if (p->published)
      cJSON_AddNumberToObject(it, "PublishedPort", atoi(p->published));
    cJSON_AddStringToObject(it, "PublishMode", p->mode ? p->mode : "ingress");
    cJSON_AddItemToArray(a, it);
  }
  return o;
}

int stack_service_spec(const struct stack *st, const struct service *s,
                       const char *image, cJSON **out, struct err *err)
{
  if (!image)
    image = s->image;
  if (!image)
    return err_set(err, ERR_CONFIG,
                   "service '%s' has no image: a swarm cannot build (build "
                   "and push it with 'wcompose build' and 'wcompose push', "
                   "and name it in image:)",
                   s->name);
  cJSON *spec = cJSON_CreateObject();
  char *name = stack_service_name(st, s);
  cJSON_AddStringToObject(spec, "Name", name);
  free(name);
  cJSON_AddItemToObject(spec, "Labels",
                        mlabels(dget(s, "labels"), st->ns, s->image));

  cJSON *tt = cJSON_AddObjectToObject(spec, "TaskTemplate");
  cJSON *cs = container_spec(st, s, image);
  cJSON_AddItemToObject(tt, "ContainerSpec", cs);
  int rc = mounts(st, s, cs, err);
  if (!rc)
    rc = file_refs(st, s, cs, 0, err);
  if (!rc)
    rc = file_refs(st, s, cs, 1, err);
  if (rc) {
    cJSON_Delete(spec);
    return rc;
  }
  cJSON *res = cJSON_AddObjectToObject(tt, "Resources");
  cJSON_AddItemToObject(res, "Limits", resources(&s->limits));
  cJSON_AddItemToObject(res, "Reservations", resources(&s->reservations));
  cJSON_AddItemToObject(tt, "RestartPolicy", restart_policy(s));
  cJSON_AddItemToObject(tt, "Placement", placement(s));
  if (s->logging && s->logging->driver) {
    cJSON *l = cJSON_AddObjectToObject(tt, "LogDriver");
    cJSON_AddStringToObject(l, "Name", s->logging->driver);
    cJSON_AddItemToObject(l, "Options", labels(&s->logging->options, st->ns));
    cJSON_DeleteItemFromObjectCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(l, "Options"), STACK_NAMESPACE);
  }
  int host_net = s->network_mode && !strcmp(s->network_mode, "host");
  if (s->nnetworks && !host_net) {
    cJSON *nets = cJSON_AddArrayToObject(tt, "Networks");
    for (size_t i = 0; i < s->nnetworks; i++) {
      const struct stack_net *sn = find_net(st, s->networks[i].name);
      if (!sn)
        continue;
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "Target", sn->id ? sn->id : sn->name);
      cJSON *al = cJSON_AddArrayToObject(o, "Aliases");
      cJSON_AddItemToArray(al, cJSON_CreateString(s->name));
      for (size_t j = 0; j < s->networks[i].aliases.n; j++)
        cJSON_AddItemToArray(al,
                             cJSON_CreateString(s->networks[i].aliases.v[j]));
      cJSON_AddItemToArray(nets, o);
    }
  }

  cJSON *mode = cJSON_AddObjectToObject(spec, "Mode");
  const char *m = mstr(dget(s, "mode"));
  if (m && !strcmp(m, "global"))
    cJSON_AddObjectToObject(mode, "Global");
  else
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(mode, "Replicated"),
                            "Replicas", s->replicas);
  const struct mval *uc = dget(s, "update_config");
  if (uc)
    cJSON_AddItemToObject(spec, "UpdateConfig", update_config(uc));
  const struct mval *rb = dget(s, "rollback_config");
  if (rb)
    cJSON_AddItemToObject(spec, "RollbackConfig", update_config(rb));
  cJSON_AddItemToObject(spec, "EndpointSpec", endpoint(s));
  *out = spec;
  return 0;
}

/* --- what Swarm cannot carry --- */

struct unsupported {
  const char *key;
  const char *why;
};

static const struct unsupported keys[] = {
    {"build", "not supported by swarm, ignored (build and push the image "
              "first: 'wcompose build' and 'wcompose push')"},
    {"depends_on", "not supported by swarm, ignored (services start in any "
                   "order; make them retry)"},
    {"volumes_from", "not supported by swarm, ignored"},
    {"links", "not supported by swarm, ignored (services reach each other "
              "by name on their networks)"},
    {"external_links", "not supported by swarm, ignored"},
    {"container_name", "not supported by swarm, ignored"},
    {"cgroup_parent", "not supported by swarm, ignored"},
    {"devices", "not supported by swarm, ignored"},
    {"privileged", "not supported by swarm, ignored"},
    {"security_opt", "not supported by swarm, ignored"},
    {"userns_mode", "not supported by swarm, ignored"},
    {"cpu_shares", "not supported by swarm, ignored (use "
                   "deploy.resources)"},
    {"cpus", "not supported by swarm, ignored (use deploy.resources)"},
    {"mem_limit", "not supported by swarm, ignored (use deploy.resources)"},
    {"mem_reservation", "not supported by swarm, ignored (use "
                        "deploy.resources)"},
    {"restart", NULL}, /* read when deploy.restart_policy is absent */
    {"pid", "not supported by swarm, ignored"},
    {"ipc", "not supported by swarm, ignored"},
    {"mac_address", "not supported by swarm, ignored"},
    {"shm_size", "not supported by swarm, ignored"},
    {"stop_grace_period", NULL},
    {"profiles", NULL},
    {"network_mode", NULL}, /* only service: and container: */
    {"scale", "not supported by swarm, ignored (use deploy.replicas)"},
};

static void warn_at(struct strvec *out, const struct ynode *n, const char *svc,
                    const char *key, const char *why)
{
  strvec_pushf(out, "%s:%d:%d: services.%s.%s: %s", n->pos.file, n->pos.line,
               n->pos.col, svc, key, why);
}

void stack_unsupported(const struct project *p, struct strvec *out)
{
  for (size_t f = 0; f < p->config_files.n; f++) {
    struct arena a = ARENA_INIT;
    struct ynode *root = NULL;
    struct err e = ERR_INIT;
    if (strcmp(p->config_files.v[f], "-") &&
        !ydoc_parse_file(&a, p->config_files.v[f], NULL, &root, &e) && root) {
      const struct ynode *svcs = ydoc_get(root, "services");
      for (size_t i = 0; svcs && svcs->kind == YNODE_MAP && i < svcs->n; i++) {
        const char *name = svcs->keys[i]->str;
        if (!project_service(p, name))
          continue; /* left out by profiles */
        const struct ynode *svc = svcs->items[i];
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
          long idx = ydoc_index(svc, keys[k].key);
          if (idx < 0)
            continue;
          const struct ynode *kn = svc->keys[idx];
          const struct ynode *v = svc->items[idx];
          if (!strcmp(keys[k].key, "network_mode")) {
            if (v->kind == YNODE_SCALAR && (!strncmp(v->str, "service:", 8) ||
                                            !strncmp(v->str, "container:", 10)))
              warn_at(out, kn, name, keys[k].key,
                      "not supported by swarm, ignored (services share no "
                      "network namespace; put them on one network)");
            continue;
          }
          if (keys[k].why)
            warn_at(out, kn, name, keys[k].key, keys[k].why);
        }
      }
    }
    err_release(&e);
    arena_release(&a);
  }
}
