/* deploy: a stack onto a swarm and off it again. Desired (the translated
 * project) against observed (the objects labelled with the stack's
 * namespace): a service whose spec as deployed already holds everything
 * desired gets no call at all; a changed one one update with the version
 * read; --prune removes services no longer in the files. The follower
 * polls services and tasks until each service converges or a task
 * fails. One awaited call after the other, from the top of the program. */
#include "stack/stack.h"
#include "engine/auth.h"
#include "views/stack.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_MS 250
#define FAILURES_MAX 3 /* failed tasks of a service that fail the deploy */
#define STUCK_S 30     /* a task no node takes for that long fails the deploy */

static int await(struct session *s, struct session_call *c, int rc)
{
  if (!rc)
    rc = session_call_wait(s, c);
  return rc;
}

static void ns_filter(struct engine_filters *f, const char *ns)
{
  char *l = xasprintf("%s=%s", STACK_NAMESPACE, ns);
  engine_filters_add(f, "label", l);
  free(l);
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int need_manager(struct session *s)
{
  struct session_call c = {.err = &s->err};
  int rc = await(s, &c,
                 engine_swarm_inspect(s->engine, session_call_cb, &c, &s->err));
  session_call_release(&c);
  if (rc && rc != ERR_CONNECT) {
    err_release(&s->err);
    return err_set(&s->err, ERR_ENGINE,
                   "the engine at %s is not a swarm manager (start one with "
                   "'docker swarm init', or point DOCKER_HOST at a manager)",
                   engine_host(s->engine));
  }
  return rc;
}

/* --- networks, configs, secrets --- */

static int ensure_networks(struct session *s, struct stack *st)
{
  struct session_call c = {.err = &s->err};
  int rc = await(
      s, &c,
      engine_network_list_typed(s->engine, NULL, session_call_cb, &c, &s->err));
  for (size_t i = 0; !rc && i < st->nnets; i++) {
    struct stack_net *sn = &st->nets[i];
    for (size_t j = 0; j < c.networks->n; j++)
      if (!strcmp(c.networks->v[j].name, sn->name))
        sn->id = xstrdup(c.networks->v[j].id);
    if (sn->id)
      continue;
    if (sn->net->external) {
      rc = err_set(&s->err, ERR_CONFIG,
                   "network '%s' is declared external but does not exist "
                   "(create it with 'docker network create -d overlay %s')",
                   sn->name, sn->name);
      break;
    }
    struct engine_kv lab[64];
    size_t nl = 0;
    for (size_t k = 0; k < sn->net->labels.n && nl < 63; k++)
      lab[nl++] = (struct engine_kv){sn->net->labels.v[k].key,
                                     sn->net->labels.v[k].value};
    lab[nl++] = (struct engine_kv){STACK_NAMESPACE, st->ns};
    struct engine_kv opts[32];
    size_t no = 0;
    for (size_t k = 0; k < sn->net->driver_opts.n && no < 32; k++)
      opts[no++] = (struct engine_kv){sn->net->driver_opts.v[k].key,
                                      sn->net->driver_opts.v[k].value};
    struct engine_network_config cfg = {
        .name = sn->name,
        .driver = sn->net->driver ? sn->net->driver : "overlay",
        .options = opts,
        .noptions = no,
        .labels = lab,
        .nlabels = nl,
        .check_duplicate = 1,
        .internal = sn->net->internal,
        .attachable = sn->net->attachable,
        .enable_ipv6 = sn->net->enable_ipv6};
    session_event(s, "Network", sn->name, "Creating", 0);
    struct session_call k = {.err = &s->err};
    rc = await(s, &k,
               engine_network_create_typed(s->engine, &cfg, session_call_cb, &k,
                                           &s->err));
    if (!rc)
      sn->id = xstrdup(k.id);
    session_event(s, "Network", sn->name, rc ? "Error" : "Created", 1);
    session_call_release(&k);
  }
  session_call_release(&c);
  return rc;
}

static int ensure_files(struct session *s, struct stack *st, int secret)
{
  struct session_call c = {.err = &s->err};
  int rc = await(s, &c,
                 (secret ? engine_secret_list : engine_config_list)(
                     s->engine, NULL, session_call_cb, &c, &s->err));
  for (size_t i = 0; !rc && i < st->nfiles; i++) {
    struct stack_file *f = &st->files[i];
    if (f->secret != secret)
      continue;
    for (size_t j = 0; j < c.objects->n; j++)
      if (!strcmp(c.objects->v[j].name, f->name))
        f->id = xstrdup(c.objects->v[j].id);
    if (f->id)
      continue;
    const char *kind = secret ? "Secret" : "Config";
    if (f->obj->external) {
      rc = err_set(&s->err, ERR_CONFIG,
                   "%s '%s' is declared external but does not exist",
                   secret ? "secret" : "config", f->name);
      break;
    }
    struct engine_kv lab = {STACK_NAMESPACE, st->ns};
    session_event(s, kind, f->name, "Creating", 0);
    struct session_call k = {.err = &s->err};
    rc = await(s, &k,
               (secret ? engine_secret_create : engine_config_create)(
                   s->engine, f->name, &lab, 1, f->data, f->n, session_call_cb,
                   &k, &s->err));
    if (!rc)
      f->id = xstrdup(k.id);
    session_event(s, kind, f->name, rc ? "Error" : "Created", 1);
    session_call_release(&k);
  }
  session_call_release(&c);
  return rc;
}

/* Remove the stack's configs and secrets no service names any more (older
 * contents); one still in use by a task that is going away stays for the
 * next deploy. */
static void prune_files(struct session *s, const struct stack *st, int secret)
{
  struct engine_filters f = ENGINE_FILTERS_INIT;
  ns_filter(&f, st->ns);
  struct session_call c = {0};
  struct err e = ERR_INIT;
  int rc = await(s, &c,
                 (secret ? engine_secret_list : engine_config_list)(
                     s->engine, &f, session_call_cb, &c, &e));
  for (size_t i = 0; !rc && i < c.objects->n; i++) {
    int used = 0;
    for (size_t j = 0; j < st->nfiles; j++)
      used |= st->files[j].secret == secret &&
              !strcmp(st->files[j].name, c.objects->v[i].name);
    if (used)
      continue;
    struct session_call k = {0};
    if (!await(s, &k,
               (secret ? engine_secret_remove : engine_config_remove)(
                   s->engine, c.objects->v[i].id, session_call_cb, &k, &e)))
      session_event(s, secret ? "Secret" : "Config", c.objects->v[i].name,
                    "Removed", 1);
    session_call_release(&k);
  }
  session_call_release(&c);
  engine_filters_release(&f);
  err_release(&e);
}

/* --- services --- */

struct deploy_svc {
  const struct service *svc;
  char *name;
  char *id;
  int rolled;  /* new tasks are due: created, or its task template changed */
  int touched; /* created or updated */
  int done;
  int shown;          /* running tasks last shown, plus one (0: none yet) */
  double stuck_since; /* a task has waited for a node since then */
};

static int list_services(struct session *s, const char *ns,
                         struct session_call *c)
{
  struct engine_filters f = ENGINE_FILTERS_INIT;
  ns_filter(&f, ns);
  memset(c, 0, sizeof(*c));
  c->err = &s->err;
  int rc = await(
      s, c, engine_service_list(s->engine, &f, session_call_cb, c, &s->err));
  engine_filters_release(&f);
  return rc;
}

static const struct engine_service *
find_service(const struct engine_service_list *l, const char *name)
{
  for (size_t i = 0; l && i < l->n; i++)
    if (!strcmp(l->v[i].name, name))
      return &l->v[i];
  return NULL;
}

static char *registry_auth(const struct service *svc, int want)
{
  return want && svc->image ? auth_header_new(svc->image) : NULL;
}

/* The image to deploy: pinned to the registry's digest as asked. */
static char *pick_image(struct session *s, const struct service *svc,
                        const struct engine_service *have,
                        const struct stack_deploy_opts *o, const char *auth)
{
  if (!svc->image || o->resolve == STACK_RESOLVE_NEVER ||
      strchr(svc->image, '@'))
    return NULL;
  if (o->resolve == STACK_RESOLVE_CHANGED && have) {
    const char *was = engine_kv_get(have->labels, have->nlabels, STACK_IMAGE);
    if (was && !strcmp(was, svc->image))
      return xstrdup(have->image); /* as pinned last time */
  }
  struct session_call c = {0};
  struct err e = ERR_INIT;
  char *image = NULL;
  if (!await(s, &c,
             engine_distribution_inspect(s->engine, svc->image, auth,
                                         session_call_cb, &c, &e)))
    image = xasprintf("%s@%s", svc->image, c.distribution->digest);
  else
    session_warn(s,
                 "service '%s': image '%s' could not be resolved to a digest "
                 "in its registry (%s); the nodes get the name as it is",
                 svc->name, svc->image, e.text ? e.text : "?");
  session_call_release(&c);
  err_release(&e);
  return image;
}

/* Whether have's TaskTemplate holds desired's: when not, an update rolls
 * the tasks. */
static int template_same(const struct engine_service *have, const cJSON *spec)
{
  cJSON *only = cJSON_CreateObject();
  cJSON_AddItemReferenceToObject(
      only, "TaskTemplate",
      cJSON_GetObjectItemCaseSensitive(spec, "TaskTemplate"));
  int same = engine_spec_covers(have->spec, only);
  cJSON_Delete(only);
  return same;
}

static int deploy_service(struct session *s, const struct stack *st,
                          const struct engine_service_list *have_list,
                          const struct stack_deploy_opts *o,
                          struct deploy_svc *ss,
                          struct stack_deploy_result *res)
{
  const struct engine_service *have = find_service(have_list, ss->name);
  char *auth = registry_auth(ss->svc, o->registry_auth);
  char *image = pick_image(s, ss->svc, have, o, auth);
  cJSON *spec = NULL;
  int rc = stack_service_spec(st, ss->svc, image, &spec, &s->err);
  free(image);
  if (rc) {
    free(auth);
    return rc;
  }
  struct session_call c = {.err = &s->err};
  if (have && engine_spec_covers(have->spec, spec)) {
    ss->id = xstrdup(have->id);
    session_event(s, "Service", ss->name, "Unchanged", 1);
    res->unchanged++;
    cJSON_Delete(spec);
  } else if (have) {
    ss->id = xstrdup(have->id);
    ss->rolled = !template_same(have, spec);
    ss->touched = 1;
    session_event(s, "Service", ss->name, "Updating", 0);
    rc = await(s, &c,
               engine_service_update(s->engine, have->id, have->version, spec,
                                     auth, session_call_cb, &c, &s->err));
    session_event(s, "Service", ss->name, rc ? "Error" : "Updated", 1);
    res->updated += !rc;
  } else {
    ss->rolled = ss->touched = 1;
    session_event(s, "Service", ss->name, "Creating", 0);
    rc = await(s, &c,
               engine_service_create(s->engine, spec, auth, session_call_cb, &c,
                                     &s->err));
    if (!rc)
      ss->id = xstrdup(c.id);
    for (size_t i = 0; !rc && c.created && i < c.created->nwarnings; i++)
      session_warn(s, "service '%s': %s", ss->name, c.created->warnings[i]);
    session_event(s, "Service", ss->name, rc ? "Error" : "Created", 1);
    res->created += !rc;
  }
  session_call_release(&c);
  free(auth);
  return rc;
}

static int prune_services(struct session *s, const struct stack *st,
                          const struct engine_service_list *have,
                          struct stack_deploy_result *res)
{
  for (size_t i = 0; have && i < have->n; i++) {
    const char *svc = have->v[i].name + strlen(st->ns) + 1;
    if (strlen(have->v[i].name) > strlen(st->ns) && project_service(st->p, svc))
      continue;
    struct session_call c = {.err = &s->err};
    session_event(s, "Service", have->v[i].name, "Removing", 0);
    int rc = await(s, &c,
                   engine_service_remove(s->engine, have->v[i].id,
                                         session_call_cb, &c, &s->err));
    session_event(s, "Service", have->v[i].name, rc ? "Error" : "Removed", 1);
    session_call_release(&c);
    if (rc)
      return rc;
    res->removed++;
  }
  return 0;
}

/* --- following the rollout --- */

static int failed_state(const char *st)
{
  return !strcmp(st, "failed") || !strcmp(st, "rejected");
}

static int follow_one(struct session *s, struct deploy_svc *ss,
                      const struct engine_service *svc,
                      const struct engine_task_list *tasks, double t0)
{
  int running = 0, want = 0, stale = 0, failures = 0;
  const struct engine_task *bad = NULL, *stuck = NULL;
  for (size_t i = 0; i < tasks->n; i++) {
    const struct engine_task *t = &tasks->v[i];
    if (strcmp(t->service_id, ss->id))
      continue;
    double created = t->created + t->created_nsec / 1e9;
    int fresh = created >= t0 - 1;
    /* one failure may be a race the swarm retries (a port not yet
     * freed); a third is the service's own */
    if (fresh && failed_state(t->state) && ++failures >= FAILURES_MAX &&
        (!bad || t->created > bad->created))
      bad = t;
    /* nothing can take it: no node satisfies the constraints, or the
     * host-mode port is taken on every node that could (for a while:
     * during a rollout an old task may still hold the port) */
    if (fresh && !strcmp(t->state, "pending") && *t->error && !stuck)
      stuck = t;
    if (strcmp(t->desired_state, "running"))
      continue;
    want += svc->global;
    if (!strcmp(t->state, "running"))
      running++;
    if (ss->rolled && !fresh)
      stale++;
  }
  if (!svc->global)
    want = (int)svc->replicas;
  if (!stuck)
    ss->stuck_since = 0;
  else if (!ss->stuck_since)
    ss->stuck_since = now_s();
  else if (now_s() - ss->stuck_since > STUCK_S)
    bad = stuck;
  const char *us = svc->update_state;
  if (!strcmp(us, "paused") || !strncmp(us, "rollback_", 9) || bad) {
    const char *why =
        bad ? (*bad->error ? bad->error : bad->message) : svc->update_message;
    return err_set(&s->err, ERR_ENGINE, "service '%s' did not converge: %s%s%s",
                   ss->name, *us ? us : "task failed", *why ? ": " : "", why);
  }
  char status[64];
  snprintf(status, sizeof(status), "Running %d/%d", running, want);
  ss->done =
      running == want && !stale && (!ss->touched || strcmp(us, "updating"));
  if (ss->shown != running + 1 || ss->done)
    session_event(s, "Service", ss->name, status, ss->done);
  ss->shown = running + 1;
  return 0;
}

static int follow(struct session *s, const struct stack *st,
                  struct deploy_svc *ss, size_t n, double t0, int timeout_s)
{
  double deadline = now_s() + (timeout_s > 0 ? timeout_s : 300);
  for (;;) {
    struct session_call sc, tc = {.err = &s->err};
    struct engine_filters f = ENGINE_FILTERS_INIT;
    for (size_t i = 0; i < n; i++)
      engine_filters_add(&f, "service", ss[i].name);
    int rc = list_services(s, st->ns, &sc);
    if (!rc)
      rc =
          await(s, &tc,
                engine_task_list(s->engine, &f, session_call_cb, &tc, &s->err));
    engine_filters_release(&f);
    size_t left = 0;
    for (size_t i = 0; !rc && i < n; i++) {
      const struct engine_service *svc = find_service(sc.services, ss[i].name);
      if (ss[i].done || !svc)
        continue;
      rc = follow_one(s, &ss[i], svc, tc.tasks, t0);
      left += !ss[i].done;
    }
    session_call_release(&sc);
    session_call_release(&tc);
    if (rc || !left)
      return rc;
    if (now_s() > deadline)
      return err_set(&s->err, ERR_TIMEOUT,
                     "stack '%s': %zu service(s) did not converge in %d s",
                     st->ns, left, timeout_s > 0 ? timeout_s : 300);
    session_pause(s, POLL_MS);
  }
}

int stack_deploy(struct session *s, const struct stack_deploy_opts *o,
                 struct stack_deploy_result *res)
{
  memset(res, 0, sizeof(*res));
  struct strvec warnings = STRVEC_INIT;
  stack_unsupported(s->project, &warnings);
  for (size_t i = 0; i < warnings.n; i++)
    session_warn(s, "%s", warnings.v[i]);
  strvec_clear(&warnings);

  struct stack st;
  int rc = stack_prepare(&st, s->project, o->ns, &s->err);
  size_t n = s->project->nservices;
  struct deploy_svc *ss = xcalloc(n + 1, sizeof(*ss));
  for (size_t i = 0; !rc && i < n; i++) {
    ss[i].svc = &s->project->services[i];
    ss[i].name = stack_service_name(&st, ss[i].svc);
    if (!ss[i].svc->image)
      rc = stack_service_spec(&st, ss[i].svc, NULL, NULL, &s->err);
  }
  if (!rc)
    rc = need_manager(s);
  if (!rc)
    rc = ensure_networks(s, &st);
  if (!rc)
    rc = ensure_files(s, &st, 0);
  if (!rc)
    rc = ensure_files(s, &st, 1);
  struct session_call have = {0};
  if (!rc)
    rc = list_services(s, o->ns, &have);
  double t0 = now_s();
  for (size_t i = 0; !rc && i < n; i++)
    rc = deploy_service(s, &st, have.services, o, &ss[i], res);
  if (!rc && o->prune)
    rc = prune_services(s, &st, have.services, res);
  session_call_release(&have);
  session_flush(s);
  if (!rc && o->follow)
    rc = follow(s, &st, ss, n, t0, o->timeout_s);
  if (!rc) {
    prune_files(s, &st, 0);
    prune_files(s, &st, 1);
  }
  for (size_t i = 0; i < n; i++) {
    free(ss[i].name);
    free(ss[i].id);
  }
  free(ss);
  stack_release(&st);
  return rc;
}

/* --- rm --- */

typedef int (*remove_fn)(struct engine *e, const char *id, engine_cb cb,
                         void *ctx, struct err *err);

/* Remove each listed object, retrying while tasks still hold it (a
 * network keeps endpoints, a secret is in use, until the nodes removed
 * the containers). */
static int remove_all(struct session *s, const char *kind,
                      const struct engine_kv *objs, size_t n, remove_fn rm)
{
  double deadline = now_s() + 60;
  for (size_t i = 0; i < n; i++) {
    session_event(s, kind, objs[i].value, "Removing", 0);
    for (;;) {
      struct session_call c = {0};
      struct err e = ERR_INIT;
      int rc =
          await(s, &c, rm(s->engine, objs[i].key, session_call_cb, &c, &e));
      session_call_release(&c);
      if (!rc || rc == ERR_NOTFOUND || now_s() > deadline) {
        if (rc && rc != ERR_NOTFOUND)
          err_set(&s->err, rc, "%s", e.text ? e.text : err_text(rc));
        err_release(&e);
        session_event(s, kind, objs[i].value,
                      rc && rc != ERR_NOTFOUND ? "Error" : "Removed", 1);
        if (rc && rc != ERR_NOTFOUND)
          return rc;
        break;
      }
      err_release(&e);
      session_pause(s, POLL_MS);
    }
  }
  return 0;
}

static int remove_kind(struct session *s, const char *ns, const char *kind,
                       int *found)
{
  struct engine_filters f = ENGINE_FILTERS_INIT;
  ns_filter(&f, ns);
  struct session_call c = {.err = &s->err};
  int rc;
  remove_fn rm;
  if (!strcmp(kind, "Service")) {
    rc =
        await(s, &c,
              engine_service_list(s->engine, &f, session_call_cb, &c, &s->err));
    rm = engine_service_remove;
  } else if (!strcmp(kind, "Network")) {
    rc = await(
        s, &c,
        engine_network_list_typed(s->engine, &f, session_call_cb, &c, &s->err));
    rm = engine_network_remove;
  } else if (!strcmp(kind, "Secret")) {
    rc = await(s, &c,
               engine_secret_list(s->engine, &f, session_call_cb, &c, &s->err));
    rm = engine_secret_remove;
  } else {
    rc = await(s, &c,
               engine_config_list(s->engine, &f, session_call_cb, &c, &s->err));
    rm = engine_config_remove;
  }
  engine_filters_release(&f);
  size_t n = 0;
  struct engine_kv *objs = NULL;
  if (!rc) {
    size_t m = c.services   ? c.services->n
               : c.networks ? c.networks->n
               : c.objects  ? c.objects->n
                            : 0;
    objs = xcalloc(m + 1, sizeof(*objs));
    for (size_t i = 0; i < m; i++) {
      if (c.services)
        objs[n++] =
            (struct engine_kv){c.services->v[i].id, c.services->v[i].name};
      else if (c.networks)
        objs[n++] =
            (struct engine_kv){c.networks->v[i].id, c.networks->v[i].name};
      else
        objs[n++] =
            (struct engine_kv){c.objects->v[i].id, c.objects->v[i].name};
    }
    *found += (int)n;
    rc = remove_all(s, kind, objs, n, rm);
  }
  free(objs);
  session_call_release(&c);
  return rc;
}

int stack_remove(struct session *s, const char *ns)
{
  int found = 0;
  int rc = need_manager(s);
  static const char *const kinds[] = {"Service", "Secret", "Config", "Network"};
  for (size_t i = 0; !rc && i < 4; i++)
    rc = remove_kind(s, ns, kinds[i], &found);
  session_flush(s);
  if (!rc && !found)
    rc = err_set(&s->err, ERR_NOTFOUND, "nothing found in stack '%s'", ns);
  return rc;
}

/* --- the command --- */

int stack_verb_parse(char *const *pos, size_t n, enum stack_verb *verb,
                     const char **ns, struct err *err)
{
  static const char *const verbs[] = {"deploy", "ls", "services", "ps", "rm"};
  size_t v = 0;
  while (n && v < 5 && strcmp(pos[0], verbs[v]))
    v++;
  if (!n || v == 5 || n != (v == STACK_LS ? 1u : 2u))
    return err_set(err, ERR_USAGE,
                   "wcompose stack: want deploy, ls, services, ps or rm, and "
                   "a stack name but for ls (see 'wcompose stack --help')");
  *verb = (enum stack_verb)v;
  *ns = n > 1 ? pos[1] : NULL;
  return 0;
}

enum stack_resolve stack_resolve_parse(const char *word)
{
  if (word && !strcmp(word, "never"))
    return STACK_RESOLVE_NEVER;
  if (word && !strcmp(word, "changed"))
    return STACK_RESOLVE_CHANGED;
  return STACK_RESOLVE_ALWAYS;
}

int stack_run(struct session *s, enum stack_verb verb,
              const struct stack_deploy_opts *o, int no_trunc, struct buf *out)
{
  struct stack_deploy_result r;
  switch (verb) {
  case STACK_DEPLOY:
    return stack_deploy(s, o, &r);
  case STACK_RM:
    return stack_remove(s, o->ns);
  case STACK_LS:
    return views_stack(s, VIEWS_STACK_LS, NULL, 0, out);
  case STACK_SERVICES:
    return views_stack(s, VIEWS_STACK_SERVICES, o->ns, 0, out);
  case STACK_PS:
    return views_stack(s, VIEWS_STACK_PS, o->ns, no_trunc, out);
  }
  return 0;
}
