/* resources: networks and volumes made before containers, removed by
 * `down`. */
#include "orchestrate/resources.h"
#include "orchestrate/create.h"
#include "orchestrate/labels.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int uses_network(const struct session *s, const unsigned char *sel,
                        const char *key)
{
  const struct project *p = s->project;
  for (size_t i = 0; i < p->nservices; i++) {
    if (!sel[i])
      continue;
    for (size_t k = 0; k < p->services[i].nnetworks; k++)
      if (!strcmp(p->services[i].networks[k].name, key))
        return 1;
  }
  return 0;
}

static int uses_volume(const struct session *s, const unsigned char *sel,
                       const char *key)
{
  const struct project *p = s->project;
  for (size_t i = 0; i < p->nservices; i++) {
    if (!sel[i])
      continue;
    for (size_t k = 0; k < p->services[i].nvolumes; k++) {
      const struct mount *m = &p->services[i].volumes[k];
      if (m->type == MOUNT_VOLUME && m->source && !strcmp(m->source, key))
        return 1;
    }
  }
  return 0;
}

/* One network or volume after the other: inspect, and create what is
 * missing. */
/* --- one name, one network ---
 *
 * The engine's duplicate check on network create is not atomic: two `up`s
 * racing, or a killed `up` whose create the engine finished late, leave
 * two networks of one name, and a container naming it then fails to start
 * ("network … is ambiguous"). A sweep lists the project's networks of that
 * name and removes all but one: the one this run uses when it knows it,
 * else the oldest, so racers that each sweep keep the same one. A removal
 * refused (a racer's containers already use it) is left alone. */
struct sweep {
  struct engine *engine;
  char *name, *keep;
  struct strvec drop; /* IDs to remove */
  size_t next;
  resources_swept_cb done;
  void *arg;
  int rc;
};

static void sweep_end(struct sweep *w)
{
  w->done(w->arg, w->rc, w->keep);
  strvec_clear(&w->drop);
  free(w->name);
  free(w->keep);
  free(w);
}

static void sweep_next(struct sweep *w);

static void on_swept_one(void *ctx, struct engine_result *res)
{
  (void)res; /* in use by a racer: it stays */
  sweep_next(ctx);
}

static void sweep_next(struct sweep *w)
{
  while (w->next < w->drop.n) {
    struct err e = ERR_INIT;
    int rc = engine_network_remove(w->engine, w->drop.v[w->next++],
                                   on_swept_one, w, &e);
    err_release(&e);
    if (!rc)
      return;
  }
  sweep_end(w);
}

static int older(const struct engine_network_info *a,
                 const struct engine_network_info *b)
{
  long long sa = 0, sb = 0;
  long na = 0, nb = 0;
  engine_time_parse(a->created_at, &sa, &na);
  engine_time_parse(b->created_at, &sb, &nb);
  if (sa != sb)
    return sa < sb;
  if (na != nb)
    return na < nb;
  return strcmp(a->id, b->id) < 0;
}

static void on_sweep_listed(void *ctx, struct engine_result *res)
{
  struct sweep *w = ctx;
  const struct engine_network_list *l = res->rc ? NULL : res->networks;
  const struct engine_network_info *kept = NULL;
  w->rc = res->rc;
  for (size_t i = 0; l && i < l->n; i++) {
    const struct engine_network_info *n = &l->v[i];
    if (strcmp(n->name, w->name)) /* the filter matches parts of names */
      continue;
    if (w->keep ? !strcmp(n->id, w->keep) : !kept || older(n, kept))
      kept = n;
  }
  if (!w->keep && kept)
    w->keep = xstrdup(kept->id);
  for (size_t i = 0; kept && i < l->n; i++)
    if (!strcmp(l->v[i].name, w->name) && strcmp(l->v[i].id, kept->id))
      strvec_push(&w->drop, l->v[i].id);
  sweep_next(w);
}

int resources_network_sweep_start(struct engine *e, const char *project,
                                  const char *name, const char *keep,
                                  resources_swept_cb done, void *arg)
{
  struct sweep *w = xcalloc(1, sizeof(*w));
  *w = (struct sweep){.engine = e,
                      .name = xstrdup(name),
                      .keep = keep ? xstrdup(keep) : NULL,
                      .drop = STRVEC_INIT,
                      .done = done,
                      .arg = arg};
  struct engine_filters f = ENGINE_FILTERS_INIT;
  char *label = xasprintf("%s=%s", LABELS_PROJECT, project);
  engine_filters_add(&f, "name", name);
  engine_filters_add(&f, "label", label);
  free(label);
  struct err err = ERR_INIT;
  int rc = engine_network_list_typed(e, &f, on_sweep_listed, w, &err);
  engine_filters_release(&f);
  err_release(&err);
  if (rc) {
    strvec_clear(&w->drop);
    free(w->name);
    free(w->keep);
    free(w);
  }
  return rc;
}

/* The ID this session uses for the project's network i (NULL: not known
 * yet). */
static void network_id_set(struct session *s, size_t i, const char *id)
{
  if (!s->network_ids)
    s->network_ids = xcalloc(s->project->nnetworks, sizeof(char *));
  free(s->network_ids[i]);
  s->network_ids[i] = id ? xstrdup(id) : NULL;
}

/* One network or volume after the other: inspect, and create what is
 * missing. */
enum ensure_step { ENSURE_INSPECTING, ENSURE_CREATING, ENSURE_SWEEPING };

struct ensure_op {
  struct session_op op;
  const unsigned char *sel;
  size_t i; /* networks first, then volumes: i - nnetworks */
  enum ensure_step step;
  int swept; /* the current network was swept once already */
};

static void ensure_free(void *self)
{
  free(self);
}

static void ensure_next(struct ensure_op *o);
static void inspect_current(struct ensure_op *o);

static const char *item_name(const struct ensure_op *o, int *is_net)
{
  const struct project *p = o->op.s->project;
  *is_net = o->i < p->nnetworks;
  return *is_net ? p->networks[o->i].name
                 : p->volumes[o->i - p->nnetworks].name;
}

static void on_ensure_swept(void *arg, int rc, const char *kept)
{
  struct ensure_op *o = arg;
  (void)rc;
  if (!kept) { /* gone meanwhile, or the list failed: look again */
    inspect_current(o);
    return;
  }
  network_id_set(o->op.s, o->i, kept);
  o->i++;
  ensure_next(o);
}

static void sweep_current(struct ensure_op *o)
{
  struct session *s = o->op.s;
  int is_net;
  const char *name = item_name(o, &is_net);
  o->step = ENSURE_SWEEPING;
  o->swept = 1;
  if (resources_network_sweep_start(s->engine, s->project->name, name, NULL,
                                    on_ensure_swept, o)) {
    o->i++;
    ensure_next(o);
  }
}

static void on_created(void *ctx, struct engine_result *res)
{
  struct ensure_op *o = ctx;
  struct session *s = o->op.s;
  int is_net;
  const char *name = item_name(o, &is_net);
  if (is_net && (!res->rc || res->rc == ERR_CONFLICT)) {
    /* made, by us or by a racer between our look and our create: now
     * make sure it is the only one of its name */
    session_event(s, "Network", name, "Created", 1);
    sweep_current(o);
    return;
  }
  session_event(s, is_net ? "Network" : "Volume", name,
                res->rc ? "Error" : "Created", 1);
  if (res->rc) {
    err_set(&s->err, res->rc, "%s",
            res->err && res->err->text ? res->err->text : err_text(res->rc));
    session_op_finish(&o->op, res->rc);
    return;
  }
  o->i++;
  ensure_next(o);
}

/* A compose file's key/value list as the engine takes it. */
static struct labels kv_from(const struct kvlist *from)
{
  struct labels l = LABELS_INIT;
  labels_put_list(&l, from);
  return l;
}

static int create_network(struct ensure_op *o, const struct network *n)
{
  struct session *s = o->op.s;
  /* the file's labels, then compose's (which win over the file's) */
  struct labels labels = kv_from(&n->labels);
  labels_add_network(&labels, s->project, n->key);
  struct labels opts = kv_from(&n->driver_opts);
  struct engine_ipam_pool *pools = xcalloc(n->nipam_config + 1, sizeof(*pools));
  struct labels *aux = xcalloc(n->nipam_config + 1, sizeof(*aux));
  for (size_t i = 0; i < n->nipam_config; i++) {
    const struct ipam_pool *pool = &n->ipam_config[i];
    aux[i] = kv_from(&pool->aux_addresses);
    pools[i] = (struct engine_ipam_pool){pool->subnet, pool->gateway,
                                         pool->ip_range, aux[i].v, aux[i].n};
  }
  struct engine_network_config c = {.name = n->name,
                                    .driver = n->driver ? n->driver : "bridge",
                                    .options = opts.v,
                                    .noptions = opts.n,
                                    .labels = labels.v,
                                    .nlabels = labels.n,
                                    .check_duplicate = 1,
                                    .internal = n->internal,
                                    .attachable = n->attachable,
                                    .enable_ipv6 = n->enable_ipv6,
                                    .ipam_driver = n->ipam_driver,
                                    .pools = pools,
                                    .npools = n->nipam_config};
  int rc = engine_network_create_typed(s->engine, &c, on_created, o, &s->err);
  for (size_t i = 0; i < n->nipam_config; i++)
    labels_release(&aux[i]);
  free(aux);
  free(pools);
  labels_release(&opts);
  labels_release(&labels);
  return rc;
}

static int create_volume(struct ensure_op *o, const struct volume *v)
{
  struct session *s = o->op.s;
  struct labels labels = kv_from(&v->labels);
  labels_add_volume(&labels, s->project, v->key);
  struct labels opts = kv_from(&v->driver_opts);
  struct engine_volume_config c = {.name = v->name,
                                   .driver = v->driver,
                                   .driver_opts = opts.v,
                                   .ndriver_opts = opts.n,
                                   .labels = labels.v,
                                   .nlabels = labels.n};
  int rc = engine_volume_create_typed(s->engine, &c, on_created, o, &s->err);
  labels_release(&opts);
  labels_release(&labels);
  return rc;
}

static int create_missing(struct ensure_op *o)
{
  struct session *s = o->op.s;
  const struct project *p = s->project;
  int is_net;
  const char *name = item_name(o, &is_net);
  if (is_net ? p->networks[o->i].external
             : p->volumes[o->i - p->nnetworks].external)
    return err_set(&s->err, ERR_NOTFOUND,
                   "%s '%s' declared as external, but could not be found "
                   "(create it with 'docker %s create %s')",
                   is_net ? "network" : "volume", name,
                   is_net ? "network" : "volume", name);
  session_event(s, is_net ? "Network" : "Volume", name, "Creating", 0);
  o->step = ENSURE_CREATING;
  int rc = is_net ? create_network(o, &p->networks[o->i])
                  : create_volume(o, &p->volumes[o->i - p->nnetworks]);
  if (rc)
    session_event(s, is_net ? "Network" : "Volume", name, "Error", 1);
  return rc;
}

static void on_inspected(void *ctx, struct engine_result *res)
{
  struct ensure_op *o = ctx;
  struct session *s = o->op.s;
  int is_net;
  const char *name = item_name(o, &is_net);
  int rc = res->rc;
  if (!rc) {
    if (is_net)
      network_id_set(s, o->i, res->network ? res->network->id : NULL);
    o->i++;
    ensure_next(o);
    return;
  }
  if (is_net && res->status == 400 && res->err && res->err->text &&
      strstr(res->err->text, "ambiguous") && !o->swept) {
    /* two of that name: keep one */
    sweep_current(o);
    return;
  }
  if (rc == ERR_NOTFOUND)
    rc = create_missing(o);
  else if (res->err && res->err->text) /* says what was inspected */
    err_set(&s->err, rc, "%s", res->err->text);
  else
    err_set(&s->err, rc, "inspecting %s '%s': %s",
            is_net ? "network" : "volume", name, err_text(rc));
  if (rc)
    session_op_finish(&o->op, rc);
}

static void inspect_current(struct ensure_op *o)
{
  struct session *s = o->op.s;
  int is_net;
  const char *name = item_name(o, &is_net);
  o->step = ENSURE_INSPECTING;
  struct err e = ERR_INIT;
  int rc = is_net ? engine_network_inspect(s->engine, name, on_inspected, o, &e)
                  : engine_volume_inspect(s->engine, name, on_inspected, o, &e);
  if (rc) {
    err_set(&s->err, rc, "%s", e.text ? e.text : err_text(rc));
    err_release(&e);
    session_op_finish(&o->op, rc);
  }
}

static void ensure_next(struct ensure_op *o)
{
  struct session *s = o->op.s;
  const struct project *p = s->project;
  for (; o->i < p->nnetworks + p->nvolumes; o->i++) {
    int is_net = o->i < p->nnetworks;
    if (is_net ? !uses_network(s, o->sel, p->networks[o->i].key)
               : !uses_volume(s, o->sel, p->volumes[o->i - p->nnetworks].key))
      continue;
    o->swept = 0;
    inspect_current(o);
    return;
  }
  session_op_finish(&o->op, 0);
}

int resources_ensure_start(struct session *s, const unsigned char *selected,
                           session_done_cb done, void *arg)
{
  struct ensure_op *o = xcalloc(1, sizeof(*o));
  session_op_init(&o->op, s, done, arg, ensure_free, o);
  o->sel = selected ? selected : s->selected;
  ensure_next(o);
  return 0;
}

/* After the walk: each network this run used is the only one of its name
 * (a killed `up`'s create the engine finished late is removed), and a
 * replacement a killed `up` made late is removed: a container named as a
 * recreate names its replacement, `<12 hex of the old ID>_<name>`, never
 * started, whose old container no longer exists (so no swap can finish
 * it). */
struct final_sweep {
  struct session_op op;
  const unsigned char *sel;
  size_t i;
  struct strvec strays; /* IDs of such replacements */
  size_t next;
};

static void final_free(void *self)
{
  struct final_sweep *f = self;
  strvec_clear(&f->strays);
  free(f);
}

static void final_next(struct final_sweep *f);
static void strays_next(struct final_sweep *f);

static int is_hex12(const char *n)
{
  for (int i = 0; i < 12; i++)
    if (!n[i] || !strchr("0123456789abcdef", n[i]))
      return 0;
  return n[12] == '_';
}

static void on_stray_removed(void *ctx, struct engine_result *res)
{
  (void)res; /* gone, or taken up meanwhile: either way not ours to fail */
  strays_next(ctx);
}

static void strays_next(struct final_sweep *f)
{
  struct session *s = f->op.s;
  while (f->next < f->strays.n) {
    struct err e = ERR_INIT;
    int rc = engine_container_remove(s->engine, f->strays.v[f->next++],
                                     ENGINE_RM_FORCE, on_stray_removed, f, &e);
    err_release(&e);
    if (!rc)
      return;
  }
  session_op_finish(&f->op, 0);
}

static void on_containers_listed(void *ctx, struct engine_result *res)
{
  struct final_sweep *f = ctx;
  const struct engine_container_list *l = res->rc ? NULL : res->containers;
  for (size_t i = 0; l && i < l->n; i++) {
    const struct engine_container_summary *c = &l->v[i];
    if (!c->name || !is_hex12(c->name) || !c->state ||
        strcmp(c->state, "created"))
      continue;
    int old_there = 0;
    for (size_t k = 0; k < l->n && !old_there; k++)
      old_there = k != i && l->v[k].id && !strncmp(l->v[k].id, c->name, 12);
    if (!old_there)
      strvec_push(&f->strays, c->id);
  }
  strays_next(f);
}

static void strays_start(struct final_sweep *f)
{
  struct session *s = f->op.s;
  struct engine_filters flt = ENGINE_FILTERS_INIT;
  char *label = xasprintf("%s=%s", LABELS_PROJECT, s->project->name);
  engine_filters_add(&flt, "label", label);
  free(label);
  struct err e = ERR_INIT;
  int rc = engine_container_list_typed(s->engine, &flt, 1, on_containers_listed,
                                       f, &e);
  engine_filters_release(&flt);
  err_release(&e);
  if (rc)
    session_op_finish(&f->op, 0);
}

static void on_final_swept(void *arg, int rc, const char *kept)
{
  struct final_sweep *f = arg;
  (void)rc;
  (void)kept;
  f->i++;
  final_next(f);
}

static void final_next(struct final_sweep *f)
{
  struct session *s = f->op.s;
  const struct project *p = s->project;
  for (; s->network_ids && f->i < p->nnetworks; f->i++) {
    const struct network *n = &p->networks[f->i];
    if (n->external || !s->network_ids[f->i] ||
        !uses_network(s, f->sel, n->key))
      continue;
    if (!resources_network_sweep_start(s->engine, p->name, n->name,
                                       s->network_ids[f->i], on_final_swept, f))
      return;
  }
  strays_start(f);
}

int resources_sweep_start(struct session *s, const unsigned char *selected,
                          session_done_cb done, void *arg)
{
  struct final_sweep *f = xcalloc(1, sizeof(*f));
  session_op_init(&f->op, s, done, arg, final_free, f);
  f->strays = (struct strvec)STRVEC_INIT;
  f->sel = selected ? selected : s->selected;
  final_next(f);
  return 0;
}

int resources_ensure(struct session *s)
{
  struct session_waiter w = {0, 0};
  int rc = resources_ensure_start(s, NULL, session_waiter_cb, &w);
  if (!rc)
    rc = session_wait(s, &w.done);
  return rc ? rc : w.rc;
}

/* How long a network the engine keeps for its endpoints is asked again:
 * a container whose removal the engine is still finishing lets go of it
 * meanwhile. */
#define BUSY_TRIES 30
#define BUSY_PAUSE_MS 100

static int refused_for_endpoints(int rc, const struct err *e)
{
  return rc && rc != ERR_NOTFOUND && e->text &&
         strstr(e->text, "active endpoints");
}

/* The network id (name) was refused for the endpoints left on it. Those
 * whose container is gone are stale (an engine that lost track of a
 * removed container keeps them) and are disconnected by force, by
 * endpoint name, as `docker network disconnect -f` does; then the removal
 * is asked again, a bounded number of times. A live container still on it
 * ends the tries: the network is in use, and the message names it. */
static int remove_busy_network(struct session *s, const char *id,
                               const char *name, struct err *err)
{
  int rc = ERR_CONFLICT;
  char *user = NULL;
  for (int tries = 0; tries < BUSY_TRIES && rc && !user; tries++) {
    struct err e = ERR_INIT;
    struct session_call in = {.err = &e};
    int r = engine_network_inspect(s->engine, id, session_call_cb, &in, &e);
    if (!r)
      r = session_call_wait(s, &in);
    if (r == ERR_NOTFOUND)
      rc = 0; /* gone meanwhile */
    for (size_t i = 0; !r && in.network && i < in.network->ncontainers; i++) {
      const char *c = in.network->containers[i];
      const char *ep = in.network->endpoints[i];
      struct session_call ci = {.err = NULL};
      int gone = !strncmp(c, "ep-", 3);
      if (!gone) {
        int q =
            engine_container_inspect(s->engine, c, session_call_cb, &ci, NULL);
        if (!q)
          q = session_call_wait(s, &ci);
        gone = q == ERR_NOTFOUND;
        /* one being removed lets go by itself: wait for it */
        if (!q && ci.container && !ci.container->state.dead &&
            strcmp(ci.container->state.status, "removing") && !user)
          user = xstrdup(*ci.container->name ? ci.container->name : c);
        session_call_release(&ci);
      }
      if (gone && *ep) {
        struct session_call d = {.err = NULL};
        if (!engine_network_disconnect(s->engine, id, ep, 1, session_call_cb,
                                       &d, NULL))
          session_call_wait(s, &d);
        session_call_release(&d);
      }
    }
    session_call_release(&in);
    err_release(&e);
    if (rc && !user) {
      struct session_call b = {.err = &e};
      r = engine_network_remove(s->engine, id, session_call_cb, &b, &e);
      if (!r)
        r = session_call_wait(s, &b);
      session_call_release(&b);
      rc = r == ERR_NOTFOUND ? 0 : r;
      if (rc && !refused_for_endpoints(rc, &e)) {
        err_set(err, rc, "%s", e.text ? e.text : err_text(rc));
        err_release(&e);
        free(user);
        return rc;
      }
      err_release(&e);
      if (rc)
        session_pause(s, BUSY_PAUSE_MS);
    }
  }
  if (rc && user)
    rc = err_set(err, ERR_CONFLICT,
                 "network '%s' is still in use by container '%s', which is "
                 "not being removed",
                 name, user);
  else if (rc)
    rc = err_set(err, ERR_CONFLICT,
                 "network '%s' still has endpoints after %d tries", name,
                 BUSY_TRIES);
  free(user);
  return rc;
}

int resources_remove(struct session *s, enum resources_kind kind)
{
  int volumes = kind == RESOURCES_VOLUMES;
  struct engine_filters filters = ENGINE_FILTERS_INIT;
  char *f = xasprintf("%s=%s", LABELS_PROJECT, s->project->name);
  engine_filters_add(&filters, "label", f);
  free(f);
  struct session_call a = {.err = &s->err};
  int rc = volumes ? engine_volume_list_typed(s->engine, &filters,
                                              session_call_cb, &a, &s->err)
                   : engine_network_list_typed(s->engine, &filters,
                                               session_call_cb, &a, &s->err);
  engine_filters_release(&filters);
  if (!rc)
    rc = session_call_wait(s, &a);
  if (rc) {
    session_call_release(&a);
    return rc;
  }
  /* names and IDs: networks go by ID, so two of one name (made by racing
   * `up`s) are both removed rather than refused as ambiguous */
  struct strvec names = STRVEC_INIT, refs = STRVEC_INIT;
  if (volumes)
    for (size_t i = 0; a.volumes && i < a.volumes->n; i++) {
      strvec_push(&names, a.volumes->v[i].name);
      strvec_push(&refs, a.volumes->v[i].name);
    }
  else
    for (size_t i = 0; a.networks && i < a.networks->n; i++) {
      strvec_push(&names, a.networks->v[i].name);
      strvec_push(&refs, a.networks->v[i].id);
    }
  session_call_release(&a);
  const char *kind_name = volumes ? "Volume" : "Network";
  for (size_t i = 0; i < names.n; i++) {
    session_event(s, kind_name, names.v[i], "Removing", 0);
    struct err e = ERR_INIT;
    struct session_call b = {.err = &e};
    int r = volumes ? engine_volume_remove(s->engine, refs.v[i], 0,
                                           session_call_cb, &b, &e)
                    : engine_network_remove(s->engine, refs.v[i],
                                            session_call_cb, &b, &e);
    if (!r)
      r = session_call_wait(s, &b);
    session_call_release(&b);
    if (!volumes && refused_for_endpoints(r, &e)) {
      err_release(&e);
      r = remove_busy_network(s, refs.v[i], names.v[i], &e);
    }
    if (r == ERR_NOTFOUND) /* gone meanwhile: what down wants */
      r = 0;
    session_event(s, kind_name, names.v[i], r ? "Error" : "Removed", 1);
    if (r) { /* each failure a line of the command's error */
      const char *t = e.text ? e.text : err_text(r);
      size_t n = strlen(t);
      while (n && t[n - 1] == '\n')
        n--;
      err_set(&s->err, r, "%.*s", (int)n, t);
    }
    err_release(&e);
    if (r && !rc)
      rc = r;
  }
  strvec_clear(&names);
  strvec_clear(&refs);
  return rc;
}
