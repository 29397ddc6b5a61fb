/* session: load and select, the engine on a private loop, observation,
 * walks, and the deferral that lets asynchronous runtime calls tell their
 * owners they are done outside engine callbacks. */
#include "orchestrate/session.h"
#include "compose/graph.h"
#include "compose/load.h"
#include "engine/dockerhost.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int session_parse_seconds(const char *text)
{
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (!*text || *end || errno || v < 0 || v > 1000000)
    return -1;
  return (int)v;
}

int session_scale(struct session *lc, const struct strvec *specs, int *scale)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nservices; i++)
    scale[i] = -1;
  for (size_t k = 0; k < specs->n; k++) {
    const char *eq = strchr(specs->v[k], '=');
    int n = eq ? session_parse_seconds(eq + 1) : -1;
    size_t i;
    for (i = 0; eq && i < p->nservices; i++)
      if (strlen(p->services[i].name) == (size_t)(eq - specs->v[k]) &&
          !strncmp(p->services[i].name, specs->v[k], eq - specs->v[k]))
        break;
    if (!eq || n < 0)
      return err_set(&lc->err, ERR_USAGE, "--scale: '%s' is not SERVICE=NUMBER",
                     specs->v[k]);
    if (i == p->nservices)
      return err_set(&lc->err, ERR_USAGE, "--scale: no such service: '%.*s'",
                     (int)(eq - specs->v[k]), specs->v[k]);
    if (n > 1 && p->services[i].container_name)
      return err_set(&lc->err, ERR_USAGE,
                     "--scale: service '%s' sets container_name, so it "
                     "cannot have %d containers",
                     p->services[i].name, n);
    scale[i] = n;
  }
  return 0;
}

int session_check_named(struct session *lc, const char *flag,
                        const struct strvec *names)
{
  for (size_t k = 0; k < names->n; k++)
    if (!project_service(lc->project, names->v[k]))
      err_set(&lc->err, ERR_USAGE, "%s: no such service: '%s'", flag,
              names->v[k]);
  return lc->err.code;
}

/* --- reporting --- */

void session_event(struct session *s, const char *kind, const char *name,
                   const char *status, int done)
{
  if (s->hooks && s->hooks->event)
    s->hooks->event(s->hook_data, kind, name, status, done);
}

void session_text(struct session *s, const char *text)
{
  if (s->hooks && s->hooks->text)
    s->hooks->text(s->hook_data, text);
}

static void say(struct session *s, int warn, const char *fmt, va_list ap)
{
  void (*fn)(void *, const char *) = !s->hooks ? NULL
                                     : warn    ? s->hooks->warn
                                               : s->hooks->note;
  if (!fn)
    return;
  char *text = xvasprintf(fmt, ap);
  fn(s->hook_data, text);
  free(text);
}

void session_warn(struct session *s, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  say(s, 1, fmt, ap);
  va_end(ap);
}

void session_note(struct session *s, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  say(s, 0, fmt, ap);
  va_end(ap);
}

void session_status(struct session *s, const char *text)
{
  if (s->hooks && s->hooks->status)
    s->hooks->status(s->hook_data, text);
}

void session_output(struct session *s, enum stream_kind kind, const char *p,
                    size_t n)
{
  if (s->hooks && s->hooks->output)
    s->hooks->output(s->hook_data, kind, p, n);
}

void session_warn_orphans(struct session *s)
{
  session_warn(s, "Found orphan containers for this project. If you removed "
                  "or renamed a service in your compose file, run this "
                  "command with the --remove-orphans flag to clean them up.");
}

void session_flush(struct session *s)
{
  if (s->hooks && s->hooks->flush)
    s->hooks->flush(s->hook_data);
}

/* --- load and open --- */

int session_load(struct session *s, const struct session_config *cfg,
                 char **services, int n, int with_deps,
                 const struct session_hooks *hooks, void *hook_data)
{
  memset(s, 0, sizeof(*s));
  s->hooks = hooks;
  s->hook_data = hook_data;
  s->parallel = cfg->parallel;
  s->context = cfg->context;
  struct load_options o = {.files = cfg->files,
                           .project_name = cfg->project_name,
                           .project_dir = cfg->project_dir,
                           .env_files = cfg->env_files,
                           .profiles = cfg->profiles};
  struct strvec warnings = STRVEC_INIT;
  int rc = compose_load(&o, &s->project, &warnings, &s->err);
  for (size_t i = 0; i < warnings.n; i++)
    session_warn(s, "%s", warnings.v[i]);
  strvec_clear(&warnings);
  if (rc)
    return rc;
  const struct project *p = s->project;
  s->selected = xcalloc(p->nservices ? p->nservices : 1, 1);
  s->named = n > 0;
  for (int i = 0; i < n; i++) {
    const struct service *sv = project_service(p, services[i]);
    if (sv) {
      s->selected[sv - p->services] = 1;
      continue;
    }
    int disabled = 0;
    for (size_t d = 0; d < p->ndisabled; d++)
      disabled |= !strcmp(p->disabled[d].name, services[i]);
    err_set(&s->err, ERR_USAGE,
            disabled ? "service '%s' is disabled by its profiles"
                     : "no such service: '%s'",
            services[i]);
  }
  if (s->err.code)
    return s->err.code;
  if (!n)
    memset(s->selected, 1, p->nservices);
  else if (with_deps) {
    struct graph gr;
    graph_from_project(&gr, p);
    graph_closure(&gr, s->selected);
    graph_release(&gr);
  }
  return 0;
}

int session_open(struct session *s)
{
  uv_loop_init(&s->loop);
  s->loop_open = 1;
  uv_timer_init(&s->loop, &s->defer_timer);
  s->defer_timer.data = s;
  struct dockerhost h = DOCKERHOST_INIT;
  int rc = dockerhost_resolve(&h, s->context, &s->err);
  if (!rc)
    rc = engine_new(&s->loop, &h, &s->engine, &s->err);
  dockerhost_release(&h);
  return rc;
}

/* --- interrupts --- */

static void on_guard(uv_signal_t *h, int signum)
{
  struct session *s = h->data;
  if (s->interrupted) {
    fflush(stdout);
    _exit(128 + signum); /* asked twice: at once */
  }
  s->interrupted = signum;
  session_status(s, "Interrupted: finishing the steps under way, starting "
                    "nothing new (again to stop at once)");
  for (size_t i = 0; i < s->nstops; i++)
    if (*s->stops[i])
      engine_call_cancel(*s->stops[i]);
  for (struct session_walk *w = s->walks; w; w = w->next)
    svc_run_interrupt(&w->run);
}

void session_guard(struct session *s, int on)
{
  static const int sigs[2] = {SIGINT, SIGTERM};
  if (!s->loop_open || on == s->guarded)
    return;
  for (int i = 0; i < 2; i++) {
    if (on) {
      uv_signal_init(&s->loop, &s->guard[i]);
      s->guard[i].data = s;
      uv_signal_start(&s->guard[i], on_guard, sigs[i]);
      uv_unref((uv_handle_t *)&s->guard[i]);
    } else {
      uv_close((uv_handle_t *)&s->guard[i], NULL);
    }
  }
  s->guarded = on;
}

void session_stoppable(struct session *s, struct engine_call **h, int on)
{
  if (on) {
    s->stops = xrealloc(s->stops, (s->nstops + 1) * sizeof(*s->stops));
    s->stops[s->nstops++] = h;
    if (s->interrupted && *h)
      engine_call_cancel(*h);
    return;
  }
  for (size_t i = 0; i < s->nstops; i++)
    if (s->stops[i] == h) {
      s->stops[i] = s->stops[--s->nstops];
      break;
    }
}

void session_close(struct session *s)
{
  session_guard(s, 0);
  free(s->stops);
  s->stops = NULL;
  s->nstops = 0;
  if (s->engine)
    engine_free(s->engine);
  if (s->loop_open) {
    uv_close((uv_handle_t *)&s->defer_timer, NULL);
    uv_run(&s->loop, UV_RUN_DEFAULT);
    uv_loop_close(&s->loop);
  }
  session_forget(s);
  free(s->selected);
  for (size_t i = 0; s->network_ids && i < s->project->nnetworks; i++)
    free(s->network_ids[i]);
  free(s->network_ids);
  if (s->project)
    project_free(s->project);
  err_release(&s->err);
}

/* --- deferral and waiting --- */

static void on_deferred(uv_timer_t *t)
{
  struct session *s = t->data;
  /* run what is queued now; what these queue runs on the next turn */
  struct session_deferred *list = s->deferred, *rev = NULL;
  s->deferred = NULL;
  while (list) {
    struct session_deferred *next = list->next;
    list->next = rev;
    rev = list;
    list = next;
  }
  while (rev) {
    struct session_deferred *next = rev->next;
    rev->fn(rev->arg);
    rev = next;
  }
  if (s->deferred)
    uv_timer_start(&s->defer_timer, on_deferred, 0, 0);
  /* a waiter at the top level looks now: this turn may have run in the
   * timer phase, and its poll would block until some other I/O */
  uv_stop(&s->loop);
}

void session_defer(struct session *s, struct session_deferred *d,
                   void (*fn)(void *arg), void *arg)
{
  d->fn = fn;
  d->arg = arg;
  d->next = s->deferred;
  s->deferred = d;
  if (!uv_is_active((uv_handle_t *)&s->defer_timer))
    uv_timer_start(&s->defer_timer, on_deferred, 0, 0);
}

int session_wait(struct session *s, const int *done)
{
  while (!*done)
    if (!uv_run(&s->loop, UV_RUN_ONCE) && !*done)
      return err_set(&s->err, ERR_STATE, "the event loop ran dry");
  return 0;
}

static void on_paused(uv_timer_t *t)
{
  *(int *)t->data = 1;
}

static void on_pause_closed(uv_handle_t *h)
{
  *(int *)h->data = 1;
}

void session_pause(struct session *s, uint64_t ms)
{
  uv_timer_t t;
  int done = 0;
  uv_timer_init(&s->loop, &t);
  t.data = &done;
  uv_timer_start(&t, on_paused, ms, 0);
  session_wait(s, &done);
  done = 0;
  uv_close((uv_handle_t *)&t, on_pause_closed);
  session_wait(s, &done);
}

void session_call_cb(void *ctx, struct engine_result *res)
{
  struct session_call *c = ctx;
  c->done = 1;
  c->rc = res->rc;
  if (res->rc && c->err && res->err && res->err->text) {
    size_t n = strlen(res->err->text);
    while (n && res->err->text[n - 1] == '\n')
      n--;
    err_set(c->err, res->rc, "%.*s", (int)n, res->err->text);
  } else if (res->rc && c->err) {
    err_set(c->err, res->rc, "%s", err_text(res->rc));
  }
  if (res->text)
    c->text = xstrdup(res->text);
  if (res->id)
    c->id = xstrdup(res->id);
  c->created = res->created;
  res->created = NULL;
  c->containers = res->containers;
  res->containers = NULL;
  c->container = res->container;
  res->container = NULL;
  c->image = res->image;
  res->image = NULL;
  c->images = res->images;
  res->images = NULL;
  c->network = res->network;
  res->network = NULL;
  c->networks = res->networks;
  res->networks = NULL;
  c->volume = res->volume;
  res->volume = NULL;
  c->volumes = res->volumes;
  res->volumes = NULL;
  c->top = res->top;
  res->top = NULL;
  c->exec = res->exec;
  res->exec = NULL;
  c->wait = res->wait;
  res->wait = NULL;
  c->version = res->version;
  res->version = NULL;
  c->swarm = res->swarm;
  res->swarm = NULL;
  c->nodes = res->nodes;
  res->nodes = NULL;
  c->services = res->services;
  res->services = NULL;
  c->tasks = res->tasks;
  res->tasks = NULL;
  c->objects = res->objects;
  res->objects = NULL;
  c->distribution = res->distribution;
  res->distribution = NULL;

  if (c->loop)
    uv_stop(c->loop);
}

int session_call_wait(struct session *s, struct session_call *c)
{
  c->loop = &s->loop;
  while (!c->done)
    if (!uv_run(&s->loop, UV_RUN_ONCE) && !c->done) {
      if (c->err)
        err_set(c->err, ERR_STATE, "the event loop ran dry");
      return ERR_STATE;
    }
  return c->rc;
}

void session_call_release(struct session_call *c)
{
  free(c->text);
  free(c->id);
  engine_created_free(c->created);
  engine_container_list_free(c->containers);
  engine_container_info_free(c->container);
  engine_image_info_free(c->image);
  engine_image_list_free(c->images);
  engine_network_info_free(c->network);
  engine_network_list_free(c->networks);
  engine_volume_info_free(c->volume);
  engine_volume_list_free(c->volumes);
  engine_top_free(c->top);
  engine_exec_info_free(c->exec);
  engine_wait_free(c->wait);
  engine_version_info_free(c->version);
  engine_swarm_info_free(c->swarm);
  engine_node_list_free(c->nodes);
  engine_service_list_free(c->services);
  engine_task_list_free(c->tasks);
  engine_swarm_object_list_free(c->objects);
  engine_distribution_free(c->distribution);
  struct session_call keep = {
      .done = c->done, .rc = c->rc, .err = c->err, .loop = c->loop};
  *c = keep;
}

/* --- asynchronous calls --- */

void session_op_init(struct session_op *op, struct session *s,
                     session_done_cb done, void *arg,
                     void (*release)(void *self), void *self)
{
  *op = (struct session_op){
      .s = s, .done = done, .arg = arg, .release = release, .self = self};
}

static void op_told(void *arg)
{
  struct session_op *op = arg;
  if (op->done)
    op->done(op->arg, op->rc);
  if (op->release)
    op->release(op->self);
}

void session_op_finish(struct session_op *op, int rc)
{
  op->rc = rc;
  session_defer(op->s, &op->d, op_told, op);
}

void session_waiter_cb(void *arg, int rc)
{
  struct session_waiter *w = arg;
  w->done = 1;
  w->rc = rc;
}

/* --- observe --- */

void session_forget(struct session *s)
{
  engine_container_list_free(s->listed);
  s->listed = NULL;
  free(s->have);
  s->have = NULL;
  s->nhave = 0;
}

static void on_listed(void *ctx, struct engine_result *res)
{
  struct session_observe *o = ctx;
  struct session *s = o->op.s;
  if (res->rc) {
    err_set(&s->err, res->rc, "%s",
            res->err && res->err->text ? res->err->text : err_text(res->rc));
  } else {
    session_forget(s);
    s->listed = res->containers;
    res->containers = NULL;
    size_t n = s->listed->n;
    s->have = xcalloc(n ? n : 1, sizeof(*s->have));
    for (size_t i = 0; i < n; i++)
      plan_container_from_summary(&s->listed->v[i], &s->have[s->nhave++]);
  }
  session_op_finish(&o->op, res->rc);
}

int session_observe_start(struct session *s, struct session_observe *o,
                          session_done_cb done, void *arg)
{
  session_op_init(&o->op, s, done, arg, NULL, NULL);
  struct engine_filters filters = ENGINE_FILTERS_INIT;
  char *f = xasprintf("%s=%s", LABELS_PROJECT, s->project->name);
  engine_filters_add(&filters, "label", f);
  free(f);
  int rc = engine_container_list_typed(s->engine, &filters, 1, on_listed, o,
                                       &s->err);
  engine_filters_release(&filters);
  return rc;
}

int session_observe(struct session *s)
{
  struct session_observe o;
  struct session_waiter w = {0, 0};
  int rc = session_observe_start(s, &o, session_waiter_cb, &w);
  if (!rc)
    rc = session_wait(s, &w.done);
  return rc ? rc : w.rc;
}

void session_plan_existing(struct session *s, struct plan *out)
{
  const struct project *p = s->project;
  *out = (struct plan)PLAN_INIT;
  out->v = xcalloc(s->nhave ? s->nhave : 1, sizeof(*out->v));
  out->alloc = s->nhave;
  for (size_t i = 0; i < s->nhave; i++) {
    const struct plan_container *c = &s->have[i];
    if (c->oneoff || !c->service)
      continue;
    for (size_t k = 0; k < p->nservices; k++) {
      if (!s->selected[k] || strcmp(p->services[k].name, c->service))
        continue;
      int running = !strcmp(c->state, "running") ||
                    !strcmp(c->state, "paused") ||
                    !strcmp(c->state, "restarting");
      out->v[out->n++] = (struct plan_action){running ? PLAN_KEEP : PLAN_START,
                                              (long)k, c->number, c};
    }
  }
}

/* --- walks --- */

static void walk_progress(void *data, const char *name, const char *status,
                          int done)
{
  struct session_walk *w = data;
  session_event(w->op.s, "Container", name, status, done);
}

static void walk_finished(void *data)
{
  struct session_walk *w = data;
  session_op_finish(&w->op, svc_run_result(&w->run, &w->op.s->err));
}

static void walk_output(void *data, const char *name, enum stream_kind kind,
                        const char *p, size_t n)
{
  struct session_walk *w = data;
  (void)name;
  session_output(w->op.s, kind, p, n);
}

static void walk_warn(void *data, const char *text)
{
  struct session_walk *w = data;
  session_warn(w->op.s, "%s", text);
}

static const struct svc_hooks walk_hooks = {.progress = walk_progress,
                                            .output = walk_output,
                                            .warn = walk_warn,
                                            .finished = walk_finished};

void session_walk_start(struct session *s, struct session_walk *w,
                        const unsigned char *selected, const struct plan *plan,
                        const struct svc_options *opt, session_done_cb done,
                        void *arg)
{
  memset(w, 0, sizeof(*w));
  session_op_init(&w->op, s, done, arg, NULL, NULL);
  struct svc_options o = *opt;
  if (!o.parallel)
    o.parallel = s->parallel;
  svc_run_init(&w->run, &s->loop, s->engine, s->project,
               selected ? selected : s->selected, plan, &o, &walk_hooks, w);
  w->started = 1;
  w->next = s->walks;
  s->walks = w;
  if (s->interrupted)
    svc_run_interrupt(&w->run);
  svc_run_start(&w->run);
}

void session_walk_release(struct session_walk *w)
{
  if (w->started) {
    struct session *s = w->op.s;
    for (struct session_walk **pp = &s->walks; *pp; pp = &(*pp)->next)
      if (*pp == w) {
        *pp = w->next;
        break;
      }
    svc_run_release(&w->run);
  }
  w->started = 0;
}

int session_walk(struct session *s, const struct plan *plan,
                 const struct svc_options *opt)
{
  struct session_walk w;
  struct session_waiter wt = {0, 0};
  session_walk_start(s, &w, NULL, plan, opt, session_waiter_cb, &wt);
  int rc = session_wait(s, &wt.done);
  session_walk_release(&w);
  uv_run(&s->loop, UV_RUN_NOWAIT);
  return rc ? rc : wt.rc;
}

int session_remove_container(struct session *s, const struct plan_container *c,
                             unsigned rm_flags)
{
  session_event(s, "Container", c->name, "Removing", 0);
  struct session_call a = {.err = &s->err};
  int r = engine_container_remove(s->engine, c->id, rm_flags | ENGINE_RM_FORCE,
                                  session_call_cb, &a, &s->err);
  if (!r)
    r = session_call_wait(s, &a);
  session_call_release(&a);
  session_event(s, "Container", c->name, r ? "Error" : "Removed", 1);
  return r;
}

int session_remove_orphans(struct session *s, const struct plan *plan,
                           unsigned rm_flags)
{
  int rc = 0;
  for (size_t i = 0; i < plan->n; i++) {
    const struct plan_container *c = plan->v[i].container;
    if (plan->v[i].service >= 0 || !c)
      continue;
    int r = session_remove_container(s, c, rm_flags);
    if (r && !rc)
      rc = r;
  }
  return rc;
}

int session_check_builds(struct session *s)
{
  const struct project *p = s->project;
  for (size_t i = 0; i < p->nservices; i++) {
    const struct service *sv = &p->services[i];
    if (!s->selected[i] || !sv->build || !sv->build->context)
      continue;
    const char *ctx = sv->build->context;
    if (strstr(ctx, "://") || !strncmp(ctx, "git@", 4))
      continue; /* a remote context: the engine fetches it */
    struct stat st;
    if (stat(ctx, &st) || !S_ISDIR(st.st_mode)) {
      err_set(&s->err, ERR_CONFIG, "service '%s': build context '%s' %s",
              sv->name, ctx,
              stat(ctx, &st) ? "does not exist" : "is not a directory");
      continue;
    }
    if (sv->build->dockerfile_inline)
      continue;
    const char *df =
        sv->build->dockerfile ? sv->build->dockerfile : "Dockerfile";
    char *path = df[0] == '/' ? xstrdup(df) : xasprintf("%s/%s", ctx, df);
    if (stat(path, &st) || !S_ISREG(st.st_mode))
      err_set(&s->err, ERR_CONFIG, "service '%s': Dockerfile '%s' not found",
              sv->name, path);
    free(path);
  }
  return s->err.code;
}
