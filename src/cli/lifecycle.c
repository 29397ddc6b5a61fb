/* lifecycle: the plumbing the lifecycle commands share (load, select,
 * engine, observe, walk, resources, images, exit codes). */
#include "cli/lifecycle.h"
#include "compose/load.h"
#include "engine/auth.h"
#include "orchestrate/create.h"
#include "compose/graph.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lc_parse_int(const char *s)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (!*s || *end || errno || v < 0 || v > 1000000)
    return -1;
  return (int)v;
}

int lc_load(struct lc *lc, struct cli_global *g, char **services, int n,
            int with_deps)
{
  memset(lc, 0, sizeof(*lc));
  lc->g = g;
  struct load_options o = {.files = &g->files,
                           .project_name = g->project_name,
                           .project_dir = g->project_dir,
                           .env_files = &g->env_files,
                           .profiles = &g->profiles};
  struct strvec warnings = STRVEC_INIT;
  int rc = compose_load(&o, &lc->project, &warnings, &lc->err);
  for (size_t i = 0; i < warnings.n; i++)
    cli_warn("%s", warnings.v[i]);
  strvec_clear(&warnings);
  if (rc)
    return rc;
  const struct project *p = lc->project;
  lc->selected = xcalloc(p->nservices ? p->nservices : 1, 1);
  lc->named = n > 0;
  for (int i = 0; i < n; i++) {
    const struct service *s = project_service(p, services[i]);
    if (s) {
      lc->selected[s - p->services] = 1;
      continue;
    }
    int disabled = 0;
    for (size_t d = 0; d < p->ndisabled; d++)
      disabled |= !strcmp(p->disabled[d].name, services[i]);
    err_set(&lc->err, ERR_USAGE,
            disabled ? "service '%s' is disabled by its profiles"
                     : "no such service: '%s'",
            services[i]);
  }
  if (lc->err.code)
    return lc->err.code;
  if (!n)
    memset(lc->selected, 1, p->nservices);
  else if (with_deps) {
    struct graph gr;
    graph_from_project(&gr, p);
    graph_closure(&gr, lc->selected);
    graph_release(&gr);
  }
  return 0;
}

int lc_engine(struct lc *lc)
{
  int rc = progress_init(&lc->progress, lc->g->progress, &lc->err);
  if (rc)
    return rc;
  uv_loop_init(&lc->loop);
  lc->loop_open = 1;
  return engine_new(&lc->loop, NULL, &lc->engine, &lc->err);
}

void lc_await_cb(void *ctx, struct engine_result *res)
{
  struct lc_await *a = ctx;
  a->done = 1;
  a->rc = res->rc;
  if (res->rc && a->err && res->err && res->err->text) {
    size_t n = strlen(res->err->text);
    while (n && res->err->text[n - 1] == '\n')
      n--;
    err_set(a->err, res->rc, "%.*s", (int)n, res->err->text);
  } else if (res->rc && a->err) {
    err_set(a->err, res->rc, "%s", err_text(res->rc));
  }
  a->json = res->json;
  res->json = NULL;
  if (res->text)
    a->text = xstrdup(res->text);
  if (a->loop)
    uv_stop(a->loop);
}

int lc_await(struct lc *lc, struct lc_await *a)
{
  a->loop = &lc->loop;
  while (!a->done)
    if (!uv_run(&lc->loop, UV_RUN_ONCE) && !a->done) {
      err_set(a->err, ERR_STATE, "the event loop ran dry");
      return ERR_STATE;
    }
  return a->rc;
}

void lc_await_release(struct lc_await *a)
{
  cJSON_Delete(a->json);
  free(a->text);
  a->json = NULL;
  a->text = NULL;
}

int lc_observe(struct lc *lc)
{
  cJSON *filters = NULL;
  char *f = xasprintf("%s=%s", LABELS_PROJECT, lc->project->name);
  engine_filter_add(&filters, "label", f);
  free(f);
  struct lc_await a = {.err = &lc->err};
  int rc =
      engine_container_list(lc->engine, filters, 1, lc_await_cb, &a, &lc->err);
  cJSON_Delete(filters);
  if (!rc)
    rc = lc_await(lc, &a);
  if (rc) {
    cJSON_Delete(a.json);
    return rc;
  }
  lc->listed = a.json;
  size_t n = (size_t)cJSON_GetArraySize(lc->listed);
  lc->have = xcalloc(n ? n : 1, sizeof(*lc->have));
  const cJSON *item;
  cJSON_ArrayForEach(item, lc->listed)
  {
    if (!plan_container_from_json(item, &lc->have[lc->nhave]))
      lc->nhave++;
  }
  return 0;
}

void lc_plan_existing(struct lc *lc, struct plan *out)
{
  const struct project *p = lc->project;
  *out = (struct plan)PLAN_INIT;
  out->v = xcalloc(lc->nhave ? lc->nhave : 1, sizeof(*out->v));
  out->alloc = lc->nhave;
  for (size_t i = 0; i < lc->nhave; i++) {
    const struct plan_container *c = &lc->have[i];
    if (c->oneoff || !c->service)
      continue;
    for (size_t k = 0; k < p->nservices; k++) {
      if (!lc->selected[k] || strcmp(p->services[k].name, c->service))
        continue;
      int running = !strcmp(c->state, "running") ||
                    !strcmp(c->state, "paused") ||
                    !strcmp(c->state, "restarting");
      out->v[out->n++] = (struct plan_action){running ? PLAN_KEEP : PLAN_START,
                                              (long)k, c->number, c};
    }
  }
}

static void on_progress(void *data, const char *name, const char *status,
                        int done)
{
  struct lc *lc = data;
  progress_event(&lc->progress, "Container", name, status, done);
  /* the walk may have ended in a timer callback: end this loop turn so
   * lc_run looks (see lc_await) */
  uv_stop(&lc->loop);
}

int lc_run(struct lc *lc, const struct plan *plan,
           const struct svc_options *opt)
{
  static const struct svc_hooks hooks = {on_progress, NULL};
  struct svc_run r;
  svc_run_init(&r, &lc->loop, lc->engine, lc->project, lc->selected, plan, opt,
               &hooks, lc);
  svc_run_start(&r);
  while (!svc_run_finished(&r))
    if (!uv_run(&lc->loop, UV_RUN_ONCE))
      break;
  int rc = svc_run_result(&r, &lc->err);
  svc_run_release(&r);
  uv_run(&lc->loop, UV_RUN_NOWAIT);
  return rc;
}

/* --- networks and volumes --- */

static int uses_network(const struct lc *lc, const char *key)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nservices; i++) {
    if (!lc->selected[i])
      continue;
    for (size_t k = 0; k < p->services[i].nnetworks; k++)
      if (!strcmp(p->services[i].networks[k].name, key))
        return 1;
  }
  return 0;
}

static int uses_volume(const struct lc *lc, const char *key)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nservices; i++) {
    if (!lc->selected[i])
      continue;
    for (size_t k = 0; k < p->services[i].nvolumes; k++) {
      const struct mount *m = &p->services[i].volumes[k];
      if (m->type == MOUNT_VOLUME && m->source && !strcmp(m->source, key))
        return 1;
    }
  }
  return 0;
}

static cJSON *kv_json(const struct kvlist *l)
{
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; i < l->n; i++)
    labels_set(o, l->v[i].key, l->v[i].value);
  return o;
}

static int ensure_network(struct lc *lc, const struct network *n)
{
  struct lc_await a = {.err = NULL};
  struct err e = ERR_INIT;
  int rc = engine_network_inspect(lc->engine, n->name, lc_await_cb, &a, &e);
  if (!rc)
    rc = lc_await(lc, &a);
  lc_await_release(&a);
  err_release(&e);
  if (!rc)
    return 0;
  if (rc != ERR_NOTFOUND)
    return err_set(&lc->err, rc, "inspecting network '%s': %s", n->name,
                   err_text(rc));
  if (n->external)
    return err_set(&lc->err, ERR_NOTFOUND,
                   "network '%s' declared as external, but could not be "
                   "found (create it with 'docker network create %s')",
                   n->name, n->name);
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Name", n->name);
  cJSON_AddTrueToObject(body, "CheckDuplicate");
  cJSON_AddStringToObject(body, "Driver", n->driver ? n->driver : "bridge");
  if (n->driver_opts.n)
    cJSON_AddItemToObject(body, "Options", kv_json(&n->driver_opts));
  cJSON *labels = kv_json(&n->labels);
  labels_add_network(labels, lc->project, n->key);
  cJSON_AddItemToObject(body, "Labels", labels);
  if (n->internal)
    cJSON_AddTrueToObject(body, "Internal");
  if (n->attachable)
    cJSON_AddTrueToObject(body, "Attachable");
  if (n->enable_ipv6)
    cJSON_AddTrueToObject(body, "EnableIPv6");
  if (n->ipam_driver || n->nipam_config) {
    cJSON *ipam = cJSON_AddObjectToObject(body, "IPAM");
    if (n->ipam_driver)
      cJSON_AddStringToObject(ipam, "Driver", n->ipam_driver);
    cJSON *cfg = cJSON_AddArrayToObject(ipam, "Config");
    for (size_t i = 0; i < n->nipam_config; i++) {
      const struct ipam_pool *pool = &n->ipam_config[i];
      cJSON *c = cJSON_CreateObject();
      if (pool->subnet)
        cJSON_AddStringToObject(c, "Subnet", pool->subnet);
      if (pool->gateway)
        cJSON_AddStringToObject(c, "Gateway", pool->gateway);
      if (pool->ip_range)
        cJSON_AddStringToObject(c, "IPRange", pool->ip_range);
      if (pool->aux_addresses.n)
        cJSON_AddItemToObject(c, "AuxiliaryAddresses",
                              kv_json(&pool->aux_addresses));
      cJSON_AddItemToArray(cfg, c);
    }
  }
  progress_event(&lc->progress, "Network", n->name, "Creating", 0);
  struct lc_await b = {.err = &lc->err};
  rc = engine_network_create(lc->engine, body, lc_await_cb, &b, &lc->err);
  if (!rc)
    rc = lc_await(lc, &b);
  lc_await_release(&b);
  progress_event(&lc->progress, "Network", n->name, rc ? "Error" : "Created",
                 1);
  return rc;
}

static int ensure_volume(struct lc *lc, const struct volume *v)
{
  struct lc_await a = {.err = NULL};
  struct err e = ERR_INIT;
  int rc = engine_volume_inspect(lc->engine, v->name, lc_await_cb, &a, &e);
  if (!rc)
    rc = lc_await(lc, &a);
  lc_await_release(&a);
  err_release(&e);
  if (!rc)
    return 0;
  if (v->external)
    return err_set(&lc->err, ERR_NOTFOUND,
                   "volume '%s' declared as external, but could not be "
                   "found (create it with 'docker volume create %s')",
                   v->name, v->name);
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Name", v->name);
  if (v->driver)
    cJSON_AddStringToObject(body, "Driver", v->driver);
  if (v->driver_opts.n)
    cJSON_AddItemToObject(body, "DriverOpts", kv_json(&v->driver_opts));
  cJSON *labels = kv_json(&v->labels);
  labels_add_volume(labels, lc->project, v->key);
  cJSON_AddItemToObject(body, "Labels", labels);
  progress_event(&lc->progress, "Volume", v->name, "Creating", 0);
  struct lc_await b = {.err = &lc->err};
  rc = engine_volume_create(lc->engine, body, lc_await_cb, &b, &lc->err);
  if (!rc)
    rc = lc_await(lc, &b);
  lc_await_release(&b);
  progress_event(&lc->progress, "Volume", v->name, rc ? "Error" : "Created", 1);
  return rc;
}

int lc_ensure_resources(struct lc *lc)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nnetworks; i++)
    if (uses_network(lc, p->networks[i].key)) {
      int rc = ensure_network(lc, &p->networks[i]);
      if (rc)
        return rc;
    }
  for (size_t i = 0; i < p->nvolumes; i++)
    if (uses_volume(lc, p->volumes[i].key)) {
      int rc = ensure_volume(lc, &p->volumes[i]);
      if (rc)
        return rc;
    }
  return 0;
}

/* --- images --- */

int lc_check_builds(struct lc *lc)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    if (!lc->selected[i] || !s->build || !s->build->context)
      continue;
    const char *ctx = s->build->context;
    if (strstr(ctx, "://") || !strncmp(ctx, "git@", 4))
      continue; /* a remote context: the engine fetches it */
    struct stat st;
    if (stat(ctx, &st) || !S_ISDIR(st.st_mode)) {
      err_set(&lc->err, ERR_CONFIG, "service '%s': build context '%s' %s",
              s->name, ctx,
              stat(ctx, &st) ? "does not exist" : "is not a directory");
      continue;
    }
    if (s->build->dockerfile_inline)
      continue;
    const char *df = s->build->dockerfile ? s->build->dockerfile : "Dockerfile";
    char *path = df[0] == '/' ? xstrdup(df) : xasprintf("%s/%s", ctx, df);
    if (stat(path, &st) || !S_ISREG(st.st_mode))
      err_set(&lc->err, ERR_CONFIG, "service '%s': Dockerfile '%s' not found",
              s->name, path);
    free(path);
  }
  return lc->err.code;
}

int lc_print_output(void *ctx, enum stream_kind kind, const char *data,
                    size_t n)
{
  (void)ctx;
  FILE *f = kind == STREAM_STDERR ? stderr : stdout;
  fwrite(data, 1, n, f);
  fflush(f);
  return 0;
}

/* --- pull and push --- */

struct xfer {        /* a pull or push: its progress lines and its end */
  struct lc_await a; /* first: progress and completion share the ctx */
  struct lc *lc;
  int quiet;
};

static int on_xfer_progress(void *ctx, const struct stream_progress *p)
{
  struct xfer *x = ctx;
  if (x->quiet || !p->status || !*p->status)
    return 0;
  char *line = p->id && *p->id ? xasprintf("%s: %s\n", p->id, p->status)
                               : xasprintf("%s\n", p->status);
  progress_text(&x->lc->progress, line);
  free(line);
  return 0;
}

/* name[:tag] -> image and tag (NULL with a digest); *own to free */
static void split_ref(const char *ref, char **image, char **tag)
{
  const char *slash = strrchr(ref, '/');
  const char *colon = strrchr(slash ? slash : ref, ':');
  if (strchr(ref, '@') || !colon) {
    *image = xstrdup(ref);
    *tag = strchr(ref, '@') ? NULL : xstrdup("latest");
    return;
  }
  *image = xstrndup(ref, (size_t)(colon - ref));
  *tag = xstrdup(colon + 1);
}

int lc_image_xfer(struct lc *lc, const char *ref, int push, int quiet)
{
  char *image, *tag;
  split_ref(ref, &image, &tag);
  struct xfer x = {.a = {.err = &lc->err}, .lc = lc, .quiet = quiet};
  if (!quiet)
    progress_event(&lc->progress, "Image", ref, push ? "Pushing" : "Pulling",
                   0);
  /* credentials `docker login` stored for the image's registry */
  char *auth = auth_header_new(ref);
  int rc =
      push ? engine_image_push(lc->engine, image, tag, auth, on_xfer_progress,
                               lc_await_cb, &x, NULL, &lc->err)
           : engine_image_pull(lc->engine, image, tag, NULL, auth,
                               on_xfer_progress, lc_await_cb, &x, NULL,
                               &lc->err);
  free(auth);
  if (!rc)
    rc = lc_await(lc, &x.a);
  if (!quiet)
    progress_event(&lc->progress, "Image", ref,
                   rc     ? "Error"
                   : push ? "Pushed"
                          : "Pulled",
                   1);
  lc_await_release(&x.a);
  free(image);
  free(tag);
  return rc;
}

/* The image's ID, or NULL with rc ERR_NOTFOUND. */
static int image_id(struct lc *lc, const char *name, char **id)
{
  struct lc_await a = {.err = NULL};
  struct err e = ERR_INIT;
  *id = NULL;
  int rc = engine_image_inspect(lc->engine, name, lc_await_cb, &a, &e);
  if (!rc)
    rc = lc_await(lc, &a);
  if (rc && rc != ERR_NOTFOUND && e.code == 0)
    err_set(&lc->err, rc, "inspecting image '%s': %s", name, err_text(rc));
  err_release(&e);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(a.json, "Id");
  if (!rc && cJSON_IsString(v))
    *id = xstrdup(v->valuestring);
  lc_await_release(&a);
  return rc;
}

/* A service's pull policy, as compose reads pull_policy and --pull. */
enum pull_policy { PULL_MISSING, PULL_ALWAYS, PULL_NEVER, PULL_BUILD };

static enum pull_policy pull_policy(const char *pull, const struct service *s)
{
  const char *p = pull ? pull : s->pull_policy;
  if (!p)
    return PULL_MISSING;
  if (!strcmp(p, "always"))
    return PULL_ALWAYS;
  if (!strcmp(p, "never"))
    return PULL_NEVER;
  if (!strcmp(p, "build"))
    return PULL_BUILD;
  return PULL_MISSING; /* missing, if_not_present, daily, weekly, every_* */
}

int lc_images(struct lc *lc, int force, int no_build, const char *pull,
              char **image_ids)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    if (!lc->selected[i])
      continue;
    enum pull_policy pol = pull_policy(pull, s);
    int can_build = s->build && !no_build;
    char *name = create_image_name_new(p, s);
    int rc = 0;
    if (can_build && (force || pol == PULL_BUILD))
      rc = lc_build_one(lc, s);
    else if (pol == PULL_ALWAYS && s->image)
      rc = lc_image_xfer(lc, name, 0, 0);
    if (rc && !force && pol == PULL_ALWAYS && can_build) {
      /* as compose: a service that builds goes on to build */
      err_release(&lc->err);
      rc = 0;
    }
    if (!rc)
      rc = image_id(lc, name, &image_ids[i]);
    if (rc == ERR_NOTFOUND && can_build && !force) {
      rc = lc_build_one(lc, s);
      if (!rc)
        rc = image_id(lc, name, &image_ids[i]);
    } else if (rc == ERR_NOTFOUND && !s->build && pol != PULL_NEVER) {
      rc = lc_image_xfer(lc, name, 0, 0);
      if (!rc)
        rc = image_id(lc, name, &image_ids[i]);
    }
    if (rc == ERR_NOTFOUND) {
      err_set(&lc->err, ERR_NOTFOUND, "service '%s': image '%s' not found%s",
              s->name, name,
              s->build            ? " (build it: drop --no-build)"
              : pol == PULL_NEVER ? " and its pull policy is 'never'"
                                  : "");
    }
    free(name);
    if (rc)
      return rc;
  }
  return 0;
}

int lc_converge(struct lc *lc, const struct lc_converge *o, struct plan *plan)
{
  const struct project *p = lc->project;
  size_t n = p->nservices;
  char **ids = xcalloc(n ? n : 1, sizeof(*ids));
  char(*hashes)[65] = xcalloc(n ? n : 1, sizeof(*hashes));
  struct plan_want *want = xcalloc(n ? n : 1, sizeof(*want));
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++)
    if (lc->selected[i])
      rc = create_config_hash(p, &p->services[i], hashes[i], &lc->err);
  if (!rc)
    rc = lc_images(lc, o->build, o->no_build, o->pull, ids);
  if (!rc)
    rc = lc_ensure_resources(lc);
  if (!rc)
    rc = lc_observe(lc);
  if (!rc) {
    for (size_t i = 0; i < n; i++) {
      want[i].selected = lc->selected[i];
      want[i].scale =
          o->scale && o->scale[i] >= 0 ? o->scale[i] : p->services[i].replicas;
      want[i].hash = hashes[i];
      want[i].image_id = ids[i];
    }
    plan_make(p, want, lc->have, lc->nhave, o->plan_flags, plan);
    if (plan->norphans && !(o->plan_flags & PLAN_REMOVE_ORPHANS))
      cli_warn("Found orphan containers for this project. If you removed "
               "or renamed a service in your compose file, run this "
               "command with the --remove-orphans flag to clean them up.");
    struct svc_options so = {.goal = SVC_GOAL_UP,
                             .no_start = o->no_start,
                             .wait = o->wait,
                             .wait_timeout = o->wait_timeout,
                             .timeout = o->timeout,
                             .image_ids = (const char *const *)ids,
                             .parallel = lc->g->parallel};
    rc = lc_run(lc, plan, &so);
  }
  for (size_t i = 0; i < n; i++)
    free(ids[i]);
  free(ids);
  free(hashes);
  free(want);
  return rc;
}

int lc_remove_container(struct lc *lc, const struct plan_container *c,
                        unsigned rm_flags)
{
  progress_event(&lc->progress, "Container", c->name, "Removing", 0);
  struct lc_await a = {.err = &lc->err};
  int r = engine_container_remove(lc->engine, c->id, rm_flags | ENGINE_RM_FORCE,
                                  lc_await_cb, &a, &lc->err);
  if (!r)
    r = lc_await(lc, &a);
  lc_await_release(&a);
  progress_event(&lc->progress, "Container", c->name, r ? "Error" : "Removed",
                 1);
  return r;
}

int lc_remove_containers(struct lc *lc, const struct plan *plan,
                         unsigned rm_flags)
{
  int rc = 0;
  for (size_t i = 0; i < plan->n; i++) {
    const struct plan_container *c = plan->v[i].container;
    if (plan->v[i].service >= 0 || !c)
      continue;
    int r = lc_remove_container(lc, c, rm_flags);
    if (r && !rc)
      rc = r;
  }
  return rc;
}

int lc_verb(struct cli_global *g, const struct cli_args *args,
            enum svc_goal goal)
{
  int timeout = cli_int(args, LC_OPT_TIMEOUT, -1);
  const char *sig = cli_value(args, LC_OPT_SIGNAL);
  int force = cli_flag(args, LC_OPT_FORCE) > 0;
  int stop = cli_flag(args, LC_OPT_STOP) > 0;
  int volumes = cli_flag(args, LC_OPT_VOLUMES) > 0;
  int is_rm = goal == SVC_GOAL_DOWN;
  struct lc lc;
  memset(&lc, 0, sizeof(lc));
  (void)force; /* no prompt: wcompose removes stopped containers as asked */
  int rc = lc_load(&lc, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = lc_engine(&lc);
  if (!rc)
    rc = lc_observe(&lc);
  struct plan plan = PLAN_INIT;
  if (!rc) {
    lc_plan_existing(&lc, &plan);
    if (is_rm && !stop) {
      /* rm leaves running containers alone unless -s */
      size_t k = 0;
      for (size_t i = 0; i < plan.n; i++)
        if (plan.v[i].op != PLAN_KEEP)
          plan.v[k++] = plan.v[i];
      plan.n = k;
    }
    if (is_rm && !plan.n)
      fprintf(stderr, "No stopped containers\n");
    struct svc_options so = {.goal = goal,
                             .timeout = timeout,
                             .signal = sig,
                             .remove_volumes = volumes,
                             .parallel = g->parallel};
    rc = lc_run(&lc, &plan, &so);
  }
  plan_release(&plan);
  int code = lc_exit(&lc, rc);
  lc_close(&lc);
  return code;
}

int lc_exit(struct lc *lc, int rc)
{
  progress_end(&lc->progress);
  if (!rc)
    return EXIT_OK;
  if (lc->err.code)
    cli_print_err(&lc->err);
  else
    fprintf(stderr, "wcompose: %s\n", err_text(rc));
  switch (rc) {
  case ERR_USAGE:
    return EXIT_USAGE;
  case ERR_YAML:
  case ERR_SCHEMA:
  case ERR_INTERP:
  case ERR_CONFIG:
    return EXIT_CONFIG;
  case ERR_CONNECT:
    return EXIT_NOENGINE;
  default:
    return EXIT_FAIL;
  }
}

void lc_close(struct lc *lc)
{
  if (lc->engine)
    engine_free(lc->engine);
  if (lc->loop_open) {
    uv_run(&lc->loop, UV_RUN_DEFAULT);
    uv_loop_close(&lc->loop);
  }
  progress_release(&lc->progress);
  cJSON_Delete(lc->listed);
  free(lc->have);
  free(lc->selected);
  if (lc->project)
    project_free(lc->project);
  err_release(&lc->err);
}
