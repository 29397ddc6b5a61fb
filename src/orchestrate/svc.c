/* svc: one state machine per service (the shape of curl's multi.c: one
 * function per state, one place where the state changes), driven by the
 * scheduler's walk over the dependency graph. */
#include "orchestrate/svc.h"
#include "orchestrate/resources.h"
#include "orchestrate/create.h"
#include "orchestrate/exec.h"
#include "orchestrate/labels.h"
#include "util/arena.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Health is looked at when the engine's /events tells of a change; the
 * poll only covers an event missed (or a stream the engine refused). */
#define HEALTH_POLL_MS 500
#define HEALTH_FALLBACK_MS 2000

/* The health events stream of a run: apart from struct svc_run, so that
 * its completion, which may come after svc_run_release, finds it. */
struct svc_events {
  struct svc_run *run; /* NULL once released */
  struct engine_call *call;
};

static const char *const state_names[] = {
    "idle",   "stopping", "removing", "creating", "starting",
    "health", "running",  "applying", "done",     "failed"};

const char *svc_state_name(enum svc_state st)
{
  return st <= SVC_FAILED ? state_names[st] : "?";
}

void svc_set_state(struct svc *s, enum svc_state to)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  if (trace) {
    /* the wall clock, to set beside the engine's event times */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    fprintf(stderr, "wcompose: %lld.%09ld svc %s: %s -> %s\n",
            (long long)ts.tv_sec, ts.tv_nsec, s->service->name,
            svc_state_name(s->state), svc_state_name(to));
  }
  s->state = to;
}

static void progress(struct svc *s, const struct svc_ctr *c, const char *status,
                     int done)
{
  const struct svc_hooks *h = s->run->hooks;
  if (h && h->progress)
    h->progress(s->run->hook_data, c->name, status, done);
}

/* The host port of an engine's "port is already allocated" ("Bind for
 * 0.0.0.0:8000 failed: ...") or "address already in use" ("listen tcp4
 * 0.0.0.0:8000: bind: ..."), into out; 0 when the text is neither. */
static int taken_port(const char *t, char *out, size_t size)
{
  if (!strstr(t, "port is already allocated") &&
      !strstr(t, "address already in use"))
    return 0;
  const char *best = NULL;
  size_t len = 0;
  for (const char *p = strchr(t, ':'); p; p = strchr(p + 1, ':')) {
    size_t d = strspn(p + 1, "0123456789");
    if (d && d < 6 &&
        (!strncmp(p + 1 + d, " failed", 7) ||
         !strncmp(p + 1 + d, ": bind", 6))) {
      best = p + 1;
      len = d;
    }
  }
  if (!best || len >= size)
    return 0;
  memcpy(out, best, len);
  out[len] = '\0';
  return 1;
}

static void fail(struct svc *s, const struct engine_result *res)
{
  const char *t = res->err && res->err->text ? res->err->text : NULL;
  if (t) {
    size_t n = strlen(t);
    while (n && t[n - 1] == '\n')
      n--;
    /* the engine's word for a device request (gpus) no driver serves
     * does not say what to do */
    const char *hint =
        !strstr(t, "could not select device driver")
            ? ""
            : ": no driver on the engine serves this device "
              "request (gpus, "
              "deploy.resources.reservations.devices); for NVIDIA "
              "GPUs, install the NVIDIA Container Toolkit where "
              "the engine runs";
    char port[8];
    if (taken_port(t, port, sizeof(port))) /* the engine's words are long */
      err_set(&s->err, res->rc,
              "%.*s: host port %s is taken by another program or container: "
              "change the ports of service '%s' or stop what holds it",
              (int)n, t, port, s->service->name);
    else
      err_set(&s->err, res->rc, "%.*s%s", (int)n, t, hint);
  } else {
    err_set(&s->err, res->rc, "service '%s': %s", s->service->name,
            err_text(res->rc));
  }
}

/* A call about container c, sent by id, failed: what was being done,
 * naming the container, then why (the engine layer's head names the id:
 * it is replaced). */
static void fail_on(struct svc *s, const struct svc_ctr *c, const char *doing,
                    const struct engine_result *res)
{
  const char *t =
      res->err && res->err->text ? res->err->text : err_text(res->rc);
  char head[256];
  snprintf(head, sizeof(head), "%s container '%s': ", doing,
           c->id ? c->id : "");
  if (!strncmp(t, head, strlen(head)))
    t += strlen(head);
  size_t n = strlen(t);
  while (n && t[n - 1] == '\n')
    n--;
  err_set(&s->err, res->rc, "%s container '%s': %.*s", doing, c->name, (int)n,
          t);
}

static void step(struct svc *s);
static void start_one(struct svc *s, struct svc_ctr *c);
static int stop_timeout(const struct svc *s);
static void swap_begin(struct svc_ctr *c);
static int create_one(struct svc *s, struct svc_ctr *c);

/* The state after the current one, for the run's goal. */
static enum svc_state next_state(const struct svc *s)
{
  const struct svc_options *o = &s->run->opt;
  switch (s->state) {
  case SVC_IDLE:
    if (o->goal == SVC_GOAL_UP || o->goal == SVC_GOAL_STOP ||
        o->goal == SVC_GOAL_DOWN)
      return SVC_STOPPING;
    return SVC_APPLYING;
  case SVC_STOPPING:
    if (o->goal == SVC_GOAL_STOP)
      return SVC_DONE;
    return SVC_REMOVING;
  case SVC_REMOVING:
    return o->goal == SVC_GOAL_DOWN ? SVC_DONE : SVC_CREATING;
  case SVC_CREATING:
    return o->no_start ? SVC_RUNNING : SVC_STARTING;
  case SVC_STARTING:
    return s->need_health ? SVC_HEALTH : SVC_RUNNING;
  case SVC_HEALTH:
    return SVC_RUNNING;
  case SVC_APPLYING:
  case SVC_RUNNING:
  case SVC_DONE:
  case SVC_FAILED:
    break;
  }
  return SVC_DONE;
}

/* Called when the last call of a state answered (or there was none). */
static void advance(struct svc *s)
{
  if (s->err.code) {
    svc_set_state(s, SVC_FAILED);
    sched_done(&s->run->sched, s->index, s->err.code);
    return;
  }
  /* dependents waiting for "started" need not wait for health */
  if (s->state == SVC_STARTING)
    sched_reached(&s->run->sched, s->index, SCHED_STARTED);
  if (s->state == SVC_RUNNING && s->need_exit && !s->run->opt.no_start)
    sched_reached(&s->run->sched, s->index, SCHED_COMPLETED);
  svc_set_state(s, next_state(s));
  step(s);
}

static void on_poll(uv_timer_t *t);
static void health_events_check(struct svc_run *r);

static int all_healthy(const struct svc *s)
{
  for (size_t i = 0; i < s->nctrs; i++)
    if (s->ctrs[i].op != PLAN_REMOVE && s->ctrs[i].id && !s->ctrs[i].healthy)
      return 0;
  return 1;
}

/* The calls of the state answered: poll again while health is pending,
 * else move on. */
static void settle(struct svc *s)
{
  if (!s->err.code && s->state == SVC_HEALTH && !all_healthy(s) &&
      s->run->interrupted)
    err_set(&s->err, ERR_CANCELED,
            "service '%s': interrupted while waiting for it to be healthy",
            s->service->name);
  if (!s->err.code && s->state == SVC_HEALTH && !all_healthy(s) &&
      s->run->deadline && uv_now(s->run->loop) >= s->run->deadline)
    err_set(&s->err, ERR_TIMEOUT,
            "service '%s': not healthy after %d seconds (--wait-timeout)",
            s->service->name, s->run->opt.wait_timeout);
  if (!s->err.code && s->state == SVC_HEALTH && !all_healthy(s)) {
    int ms = s->run->events ? HEALTH_FALLBACK_MS : HEALTH_POLL_MS;
    if (s->recheck)
      ms = 0; /* an event came during the look: look again now */
    s->recheck = 0;
    uint64_t left = s->run->deadline > uv_now(s->run->loop)
                        ? s->run->deadline - uv_now(s->run->loop)
                        : 0;
    if (s->run->deadline && left < (uint64_t)ms)
      ms = (int)left + 1;
    uv_timer_start(&s->timer, on_poll, (uint64_t)ms, 0);
    return;
  }
  advance(s);
  health_events_check(s->run);
}

/* Every way into the run from the loop ends here: say when it is over. */
static void tell(struct svc_run *r)
{
  if (r->told || !svc_run_finished(r))
    return;
  r->told = 1;
  if (r->hooks && r->hooks->finished)
    r->hooks->finished(r->hook_data);
}

/* --- engine call completions: ctx is the container --- */

static void call_done(struct svc_ctr *c)
{
  struct svc *s = c->svc;
  if (--s->pending == 0 && !s->issuing)
    settle(s);
  tell(s->run);
}

static int issue(struct svc *s, int rc, struct err *e)
{
  if (rc) {
    err_set(&s->err, rc, "%s", e->text ? e->text : err_text(rc));
    err_release(e);
    return rc;
  }
  s->pending++;
  return 0;
}

/* --- lifecycle hooks: post_start, pre_stop --- */

/* The hooks of one container, run one after the other through exec; the
 * whole chain counts as one pending call of the service. */
struct svc_hook {
  struct svc_ctr *c;
  const char *target;      /* the container they run in: c's, or the one c
                              replaces (borrowed from c) */
  const char *kind;        /* "post_start" | "pre_stop" */
  const struct mval *list; /* the hooks as written (SEQ of MAP) */
  size_t i;                /* the one running */
  void (*then)(struct svc_ctr *c, int ok);
  struct arena a;
  struct strlist command;
  struct strvec env;
  struct exec_spec spec;
  struct exec *x;
  int in_start;  /* exec_start runs: its end comes after it returned */
  int sync_done; /* it ended inside exec_start */
};

/* The hooks of kind s declares, or NULL. */
static const struct mval *hook_list(const struct svc *s, const char *kind)
{
  const struct mval *l = mval_get(s->service->other, kind);
  return l && l->kind == MVAL_SEQ && l->n ? l : NULL;
}

static int hook_output(void *data, enum stream_kind kind, const char *p,
                       size_t n)
{
  struct svc_hook *h = data;
  const struct svc_hooks *hk = h->c->svc->run->hooks;
  if (hk && hk->output)
    hk->output(h->c->svc->run->hook_data, h->c->name, kind, p, n);
  return 0;
}

static void hook_step(struct svc_hook *h);

static void hook_exec_done(void *data)
{
  struct svc_hook *h = data;
  if (h->in_start) {
    h->sync_done = 1;
    return;
  }
  hook_step(h);
}

static const struct exec_hooks hook_exec_hooks = {.output = hook_output,
                                                  .done = hook_exec_done};

static void hook_free(struct svc_hook *h)
{
  exec_free(h->x);
  strvec_clear(&h->env);
  arena_release(&h->a);
  free(h);
}

/* The chain ended: hand the container back to the state, then count the
 * chain's call as answered. */
static void hook_end(struct svc_hook *h, int ok)
{
  struct svc_ctr *c = h->c;
  c->hook = NULL;
  void (*then)(struct svc_ctr *, int) = h->then;
  hook_free(h);
  then(c, ok);
  call_done(c);
}

/* Start hook h->i: its command, user, privileged, working_dir and
 * environment, as exec's. */
static void hook_run(struct svc_hook *h)
{
  struct svc *s = h->c->svc;
  const struct mval *it = h->list->items[h->i];
  const struct mval *cmd = mval_get(it, "command");
  arena_release(&h->a);
  h->a = (struct arena)ARENA_INIT;
  strvec_clear(&h->env);
  h->command = (struct strlist){NULL, 0};
  if (cmd && cmd->kind == MVAL_STR) {
    model_shell_split(&h->a, cmd->str, &h->command);
  } else if (cmd && cmd->kind == MVAL_SEQ) {
    h->command.v = arena_alloc(&h->a, (cmd->n + 1) * sizeof(*h->command.v));
    for (size_t i = 0; i < cmd->n; i++)
      if (mval_text(cmd->items[i]))
        h->command.v[h->command.n++] = mval_text(cmd->items[i]);
  }
  const struct mval *env = mval_get(it, "environment");
  for (size_t i = 0; env && env->kind == MVAL_MAP && i < env->n; i++) {
    const char *v = mval_text(env->items[i]);
    if (v)
      strvec_pushf(&h->env, "%s=%s", env->keys[i], v);
    else
      strvec_push(&h->env, env->keys[i]); /* the project's value */
  }
  for (size_t i = 0; env && env->kind == MVAL_SEQ && i < env->n; i++)
    if (mval_text(env->items[i]))
      strvec_push(&h->env, mval_text(env->items[i]));
  const struct mval *pr = mval_get(it, "privileged");
  h->spec =
      (struct exec_spec){.container = h->target,
                         .container_name = h->c->name,
                         .command = h->command,
                         .env = {(const char **)h->env.v, h->env.n},
                         .user = mval_text(mval_get(it, "user")),
                         .working_dir = mval_text(mval_get(it, "working_dir")),
                         .privileged = pr && pr->kind == MVAL_BOOL && pr->i,
                         .stdin_fd = -1};
  if (!h->command.n) {
    err_set(&s->err, ERR_CONFIG, "service '%s': %s[%zu] has no command",
            s->service->name, h->kind, h->i);
    hook_end(h, 0);
    return;
  }
  h->x = exec_new(s->run->loop, s->run->engine, s->run->project, &h->spec,
                  &hook_exec_hooks, h);
  h->in_start = 1;
  exec_start(h->x);
  h->in_start = 0;
  if (h->sync_done) {
    h->sync_done = 0;
    hook_step(h);
  }
}

/* Hook h->i ended: the next one, or the end of the chain. */
static void hook_step(struct svc_hook *h)
{
  struct svc *s = h->c->svc;
  int code = -1, interrupted = 0;
  struct err e = ERR_INIT;
  int rc = exec_result(h->x, &code, &interrupted, &e);
  exec_free(h->x);
  h->x = NULL;
  if (rc) {
    const char *t = e.text ? e.text : err_text(rc);
    size_t n = strlen(t);
    while (n && t[n - 1] == '\n')
      n--;
    err_set(&s->err, rc, "service '%s': %s hook in container '%s': %.*s",
            s->service->name, h->kind, h->c->name, (int)n, t);
    err_release(&e);
    hook_end(h, 0);
    return;
  }
  if (code != 0) {
    err_set(&s->err, ERR_STATE,
            "service '%s': %s hook in container '%s' exited with status %d",
            s->service->name, h->kind, h->c->name, code);
    hook_end(h, 0);
    return;
  }
  if (++h->i < h->list->n) {
    hook_run(h);
    return;
  }
  hook_end(h, 1);
}

/* Run c's hooks of kind (counted as one pending call of the service), then
 * then(c, ok) before that call is answered. 0 when there are none
 * (nothing done). */
static int hook_begin_in(struct svc_ctr *c, const char *id, const char *kind,
                         void (*then)(struct svc_ctr *c, int ok))
{
  struct svc *s = c->svc;
  const struct mval *l = hook_list(s, kind);
  if (!l || !id)
    return 0;
  struct svc_hook *h = xcalloc(1, sizeof(*h));
  h->c = c;
  h->target = id;
  h->kind = kind;
  h->list = l;
  h->then = then;
  h->a = (struct arena)ARENA_INIT;
  h->env = (struct strvec)STRVEC_INIT;
  c->hook = h;
  s->pending++;
  hook_run(h);
  return 1;
}

/* The same in c's own container. */
static int hook_begin(struct svc_ctr *c, const char *kind,
                      void (*then)(struct svc_ctr *c, int ok))
{
  return hook_begin_in(c, c->id, kind, then);
}

static void post_started(struct svc_ctr *c, int ok)
{
  (void)c;
  (void)ok; /* a failure is in the service's error already */
}

static void on_stopped(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  if (res->rc && res->rc != ERR_NOTFOUND)
    fail(c->svc, res);
  else {
    c->running = 0;
    progress(c->svc, c, "Stopped", 1);
  }
  call_done(c);
}

static void on_anon_removed(void *ctx, struct engine_result *res)
{
  /* gone already (rm -v took it) or still in use elsewhere: both fine */
  (void)res;
  call_done(ctx);
}

static void retry_later(struct svc *s);
#define CONFLICT_RETRY_MS 100
#define CONFLICT_RETRIES 100 /* 10 s for the other create to land */

/* The engine's 409 that means another actor (a killed up whose request the
 * engine still carries out) is removing the container: it goes soon. */
static int removal_under_way(const struct engine_result *res)
{
  return res->rc == ERR_CONFLICT && res->err && res->err->text &&
         (strstr(res->err->text, "already in progress") ||
          strstr(res->err->text, "marked for removal"));
}

static void on_removed(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  if (removal_under_way(res) && c->remove_tries++ < CONFLICT_RETRIES) {
    /* ask again until it is gone (404), so its name is free after */
    c->retry = SVC_RETRY_REMOVE;
    retry_later(s);
    return;
  }
  if (res->rc && res->rc != ERR_NOTFOUND) {
    fail(s, res);
  } else {
    progress(s, c, "Removed", 1);
    /* anonymous volumes carried over from a replaced container are
     * mounted by name, which the engine's rm -v keeps: remove them */
    for (size_t i = 0; i < c->ninherit && s->run->opt.remove_volumes; i++) {
      struct err e = ERR_INIT;
      issue(s,
            engine_volume_remove(s->run->engine, c->inherit[i].name, 0,
                                 on_anon_removed, c, &e),
            &e);
    }
  }
  call_done(c);
}

static void on_connected(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  if (res->rc)
    fail(c->svc, res);
  call_done(c);
}

static void on_conflict_inspected(void *ctx, struct engine_result *res);
static void on_started(void *ctx, struct engine_result *res);
static void on_old_removed(void *ctx, struct engine_result *res);
static void on_temp_cleared(void *ctx, struct engine_result *res);
static void swap_undo(struct svc_ctr *c, int end);
static void timer_ensure(struct svc *s);

/* The flags a removal takes: volumes go with it for down -v / rm -v, and,
 * for the container a swap replaces, with -V too (not carried over). */
static unsigned remove_flags(const struct svc *s, int swapped)
{
  unsigned flags = ENGINE_RM_FORCE;
  if (s->run->opt.remove_volumes || (swapped && s->run->opt.renew_anon_volumes))
    flags |= ENGINE_RM_VOLUMES;
  return flags;
}

/* Send again what each container waits to send (see enum svc_retry). */
static void on_conflict_retry(uv_timer_t *t)
{
  struct svc *s = t->data;
  struct engine *en = s->run->engine;
  for (size_t i = 0; i < s->nctrs; i++) {
    struct svc_ctr *c = &s->ctrs[i];
    enum svc_retry r = c->retry;
    c->retry = SVC_RETRY_NONE;
    struct err e = ERR_INIT;
    int rc = 0;
    switch (r) {
    case SVC_RETRY_NONE:
      continue;
    case SVC_RETRY_INSPECT_HOLDER:
      rc = engine_container_inspect(en, c->name, on_conflict_inspected, c, &e);
      break;
    case SVC_RETRY_CLEAR_TMP:
      rc = engine_container_remove(en, c->tmp_name, ENGINE_RM_FORCE,
                                   on_temp_cleared, c, &e);
      break;
    case SVC_RETRY_REMOVE_OLD:
      rc = engine_container_remove(en, c->old_id, remove_flags(s, 1),
                                   on_old_removed, c, &e);
      break;
    case SVC_RETRY_REMOVE:
      rc = engine_container_remove(en, c->id, remove_flags(s, 0), on_removed, c,
                                   &e);
      break;
    case SVC_RETRY_START:
      rc = engine_container_start(en, c->name, on_started, c, &e);
      break;
    }
    if (rc) {
      err_set(&s->err, rc, "%s", e.text ? e.text : err_text(rc));
      err_release(&e);
      if (r == SVC_RETRY_REMOVE_OLD)
        swap_undo(c, 1);
      else
        call_done(c);
    }
  }
  tell(s->run);
}

/* Ask again after a while (the call stays counted as pending). */
static void retry_later(struct svc *s)
{
  timer_ensure(s);
  if (!uv_is_active((uv_handle_t *)&s->timer))
    uv_timer_start(&s->timer, on_conflict_retry, CONFLICT_RETRY_MS, 0);
}

static void on_ambiguous_swept(void *arg, int rc, const char *kept)
{
  struct svc_ctr *c = arg;
  (void)rc;
  (void)kept;
  retry_later(c->svc);
}

/* A start refused as "network N is ambiguous": two networks of N's name
 * (racing ups, or a killed up's create the engine finished late). Keep the
 * one this run uses (the oldest when not known) and start again. */
static void sweep_ambiguous(struct svc_ctr *c, const char *text)
{
  struct svc *s = c->svc;
  const struct project *p = s->run->project;
  const char *name = NULL, *keep = NULL;
  for (size_t i = 0; i < s->service->nnetworks && !name; i++) {
    const char *n = create_network_name(p, s->service->networks[i].name);
    char *said = xasprintf("network %s is ambiguous", n);
    if (strstr(text, said))
      name = n;
    free(said);
    for (size_t k = 0; name && k < p->nnetworks; k++)
      if (!strcmp(p->networks[k].name, name) && s->run->opt.network_ids)
        keep = s->run->opt.network_ids[k];
  }
  if (!name || resources_network_sweep_start(s->run->engine, p->name, name,
                                             keep, on_ambiguous_swept, c))
    retry_later(s);
}

/* A name conflict on create: another actor (a killed wcompose whose
 * request the engine finished, a racing `up`, docker compose) made the
 * container. Ours to adopt when it carries this project's, service's and
 * replica's labels; otherwise say whose it is. */
static void on_conflict_inspected(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  const char *st =
      res->rc || !res->container ? NULL : res->container->state.status;
  int dying = st && (!strcmp(st, "removing") || !strcmp(st, "dead"));
  if (res->rc == ERR_NOTFOUND && c->holder_dying) {
    /* the holder on its way out is gone: the name is free, create again */
    c->holder_dying = 0;
    err_release(&c->conflict);
    create_one(s, c); /* a failure is in s->err */
    call_done(c);
    return;
  }
  if (dying)
    c->holder_dying = 1;
  if ((res->rc == ERR_NOTFOUND || dying) &&
      c->conflict_tries++ < CONFLICT_RETRIES) {
    /* the name is reserved by a create still under way, or held by a
     * container on its way out: ask again soon (the call stays counted
     * as pending meanwhile) */
    c->retry = SVC_RETRY_INSPECT_HOLDER;
    retry_later(s);
    return;
  }
  const struct engine_container_info *in = res->rc ? NULL : res->container;
  const struct engine_kv *l = in ? in->config.labels : NULL;
  size_t n = in ? in->config.nlabels : 0;
  const char *project = engine_kv_get(l, n, LABELS_PROJECT);
  const char *service = engine_kv_get(l, n, LABELS_SERVICE);
  const char *number = engine_kv_get(l, n, LABELS_NUMBER);
  const char *oneoff = engine_kv_get(l, n, LABELS_ONEOFF);
  if (in && project && !strcmp(project, s->run->project->name) && service &&
      !strcmp(service, s->service->name) && number &&
      atoi(number) == c->number && !(oneoff && !strcmp(oneoff, "True"))) {
    c->id = xstrdup(in->id);
    c->running = in->state.running;
    progress(s, c, "Created", 1);
    if (c->start_after)
      start_one(s, c);
  } else if (in && project) {
    err_set(&s->err, ERR_CONFLICT,
            "creating container '%s': the name is taken by a container of "
            "project '%s' (service '%s'); remove it or set container_name",
            c->name, project, service ? service : "?");
  } else if (in) {
    err_set(&s->err, ERR_CONFLICT,
            "creating container '%s': the name is taken by a container "
            "compose did not make (remove it: docker rm -f %s)",
            c->name, c->name);
  } else {
    /* it could not be looked at: the engine's own word on the create */
    const char *t = c->conflict.text ? c->conflict.text : "";
    size_t len = strlen(t);
    while (len && t[len - 1] == '\n')
      len--;
    err_set(&s->err, ERR_CONFLICT, "%.*s", (int)len, t);
  }
  err_release(&c->conflict);
  call_done(c);
}

/* --- use_api_socket: the person's credentials into the container --- */

static void on_config_put(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  if (res->rc)
    fail(c->svc, res);
  call_done(c);
}

static void put_api_config(struct svc *s, struct svc_ctr *c)
{
  if (!create_uses_api_socket(s->service))
    return;
  struct err e = ERR_INIT;
  issue(s,
        create_api_config_put(s->run->engine, c->id, c->name, on_config_put, c,
                              &e),
        &e);
}

/* --- recreate: the replacement is made, swap it in --- */

static void on_swap_undone(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  (void)res; /* a leftover temporary container is the next up's to remove */
  call_done(c);
}

/* The swap failed before the rename: remove the replacement (the old
 * container, if still there, keeps the service), then, with end, end the
 * create's call. */
static void swap_undo(struct svc_ctr *c, int end)
{
  struct svc *s = c->svc;
  struct err e = ERR_INIT;
  if (c->id &&
      !issue(s,
             engine_container_remove(s->run->engine, c->id, ENGINE_RM_FORCE,
                                     on_swap_undone, c, &e),
             &e)) {
    free(c->id);
    c->id = NULL;
  }
  if (end)
    call_done(c);
}

/* The engine's 400 for a rename to the name the container has: a killed
 * up's rename the engine carried out after it looked. Done, then. */
static int named_so_already(const struct engine_result *res)
{
  return res->status == 400 && res->err && res->err->text &&
         strstr(res->err->text, "same name as its current name");
}

static void on_renamed(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  if (res->rc && !named_so_already(res))
    fail_on(c->svc, c, "renaming", res);
  else
    progress(c->svc, c, "Recreated", 1);
  call_done(c);
}

static void on_old_removed(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  if (removal_under_way(res) && c->remove_tries++ < CONFLICT_RETRIES) {
    /* a killed up's removal of it under way: ask again until it is gone,
     * so that the rename finds its name free */
    c->retry = SVC_RETRY_REMOVE_OLD;
    retry_later(s);
    return;
  }
  if (res->rc && res->rc != ERR_NOTFOUND) {
    fail_on(s, c, "removing", res);
    swap_undo(c, 1);
    return;
  }
  free(c->old_id);
  c->old_id = NULL;
  struct err e = ERR_INIT;
  issue(s,
        engine_container_rename(s->run->engine, c->id, c->name, on_renamed, c,
                                &e),
        &e);
  /* -V: the old anonymous volumes are not passed on; those the old
   * container mounted by name (carried over before) outlive rm -v */
  for (size_t i = 0; i < c->ninherit && s->run->opt.renew_anon_volumes; i++) {
    e = (struct err)ERR_INIT;
    issue(s,
          engine_volume_remove(s->run->engine, c->inherit[i].name, 0,
                               on_anon_removed, c, &e),
          &e);
  }
  call_done(c);
}

static void on_old_stopped(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  if (res->rc && res->rc != ERR_NOTFOUND) {
    fail_on(s, c, "stopping", res);
    swap_undo(c, 1);
    return;
  }
  c->running = 0;
  struct err e = ERR_INIT;
  if (issue(s,
            engine_container_remove(s->run->engine, c->old_id,
                                    remove_flags(s, 1), on_old_removed, c, &e),
            &e)) {
    swap_undo(c, 1);
    return;
  }
  call_done(c);
}

static int swap_stop_old(struct svc_ctr *c)
{
  struct svc *s = c->svc;
  struct err e = ERR_INIT;
  return issue(s,
               engine_container_stop(s->run->engine, c->old_id, stop_timeout(s),
                                     on_old_stopped, c, &e),
               &e);
}

/* The old container's pre_stop hooks ended (their call is ended after
 * this): stop it, or, when one failed, keep it and drop the replacement. */
static void swap_pre_stopped(struct svc_ctr *c, int ok)
{
  if (!ok || swap_stop_old(c))
    swap_undo(c, 0);
}

/* The replacement of c exists (as tmp_name): run the old container's
 * pre_stop hooks when it runs, stop and remove it by id, then rename. The
 * chain stands for the create's call. */
static void swap_begin(struct svc_ctr *c)
{
  struct svc *s = c->svc;
  if (s->err.code) {
    swap_undo(c, 1);
    return;
  }
  if (c->running && hook_begin_in(c, c->old_id, "pre_stop", swap_pre_stopped)) {
    call_done(c);
    return;
  }
  if (swap_stop_old(c)) {
    swap_undo(c, 1);
    return;
  }
  call_done(c);
}

static void on_temp_cleared(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  if ((res->rc == ERR_NOTFOUND || removal_under_way(res)) &&
      c->conflict_tries++ < CONFLICT_RETRIES) {
    /* the name is held by a create still under way (not to be seen
     * yet), or the holder is on its way out: clear it again soon */
    c->retry = SVC_RETRY_CLEAR_TMP;
    retry_later(c->svc);
    return;
  }
  create_one(c->svc, c); /* a failure is in the service's error */
  call_done(c);
}

static void on_created(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  if (res->rc == ERR_CONFLICT && c->old_id && c->tmp_name &&
      c->tmp_tries++ < 3) {
    /* the replacement's name is held: a killed up made a replacement of
     * the same old container, which the engine finished after we looked;
     * never started and named after our old container, it goes */
    struct err e = ERR_INIT;
    if (!issue(s,
               engine_container_remove(s->run->engine, c->tmp_name,
                                       ENGINE_RM_FORCE, on_temp_cleared, c, &e),
               &e)) {
      call_done(c);
      return;
    }
  }
  if (res->rc == ERR_CONFLICT && res->err && res->err->text && !c->old_id) {
    struct err e = ERR_INIT;
    err_set(&c->conflict, res->rc, "%s", res->err->text);
    if (!issue(s,
               engine_container_inspect(s->run->engine, c->name,
                                        on_conflict_inspected, c, &e),
               &e)) {
      call_done(c);
      return;
    }
  }
  if (res->rc || !res->id) {
    if (res->rc)
      fail(s, res);
    else
      err_set(&s->err, ERR_PROTO,
              "creating container '%s': no Id in the "
              "answer",
              c->name);
    call_done(c);
    return;
  }
  c->id = xstrdup(res->id);
  progress(s, c, "Created", 1);
  put_api_config(s, c);
  if (c->start_after && !c->old_id)
    start_one(s, c);
  /* API 1.41 takes one network at create: connect the others now */
  long primary = create_primary_network(s->service);
  for (size_t i = 0; primary >= 0 && i < s->service->nnetworks; i++) {
    if ((long)i == primary)
      continue;
    struct err e = ERR_INIT;
    struct create_ctx cc = {
        s->run->project, s->service, c->number, 0, NULL, NULL};
    issue(s,
          create_connect(s->run->engine, &cc, &s->service->networks[i], c->id,
                         on_connected, c, &e),
          &e);
  }
  if (c->old_id)
    swap_begin(c); /* holds the create's call until the rename */
  else
    call_done(c);
}

static void on_started(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  if (res->rc && res->status == 400 && res->err && res->err->text &&
      strstr(res->err->text, "is ambiguous") &&
      c->start_tries++ < CONFLICT_RETRIES) {
    /* two networks of one name, made by racing ups or left by a killed
     * one: remove the other, then start again */
    c->retry = SVC_RETRY_START;
    sweep_ambiguous(c, res->err->text);
    return;
  }
  if (removal_under_way(res) && c->start_tries++ < CONFLICT_RETRIES) {
    /* the name still led to a container another actor is removing (one
     * our rename replaced): start again once the engine let it go */
    c->retry = SVC_RETRY_START;
    retry_later(s);
    return;
  }
  if (res->rc == ERR_NOTFOUND && c->op == PLAN_START && !c->start_after) {
    /* observed, then removed by another actor (a killed up's recreate the
     * engine finished): make it again, once, and start that */
    c->op = PLAN_CREATE;
    c->start_after = 1;
    free(c->id);
    c->id = NULL;
    free(c->name);
    c->name = create_container_name_new(s->run->project, s->service, c->number);
    if (!create_one(s, c)) {
      call_done(c);
      return;
    }
  }
  if (res->rc) {
    fail(s, res);
  } else {
    c->running = 1;
    progress(s, c, "Started", 1);
    if (s->run->hooks && s->run->hooks->started)
      s->run->hooks->started(s->run->hook_data, s, c);
    /* the hooks count as a call of their own: the service moves on when
     * they ended */
    hook_begin(c, "post_start", post_started);
  }
  call_done(c);
}

static void on_applied(void *ctx, struct engine_result *res)
{
  static const char *const done[] = {[SVC_GOAL_KILL] = "Killed",
                                     [SVC_GOAL_PAUSE] = "Paused",
                                     [SVC_GOAL_UNPAUSE] = "Unpaused",
                                     [SVC_GOAL_RESTART] = "Restarted"};
  struct svc_ctr *c = ctx;
  if (res->rc)
    fail(c->svc, res);
  else
    progress(c->svc, c, done[c->svc->run->opt.goal], 1);
  call_done(c);
}

/* Health: one inspect per container and poll; res->container is the
 * inspect. */
static void on_health(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  if (res->rc) {
    fail_on(s, c, "inspecting", res);
    call_done(c);
    return;
  }
  const struct engine_container_state *st = &res->container->state;
  const char *state = st->status;
  if (*st->health) {
    if (!strcmp(st->health, "healthy"))
      c->healthy = 1;
    else if (!strcmp(st->health, "unhealthy"))
      err_set(&s->err, ERR_UNHEALTHY, "container '%s' is unhealthy", c->name);
  } else if (s->need_health & SVC_NEED_HEALTHCHECK) {
    /* as compose: a dependent asked for health the service cannot give */
    err_set(&s->err, ERR_STATE,
            "container '%s' has no healthcheck configured, but a service "
            "depends on it with condition service_healthy",
            c->name);
  } else if (!strcmp(state, "running")) {
    c->healthy = 1; /* --wait without a healthcheck: running will do */
  }
  if (!s->err.code && !c->healthy &&
      (!strcmp(state, "exited") || !strcmp(state, "dead"))) {
    err_set(&s->err, ERR_STATE, "container '%s' exited (%d)", c->name,
            st->exit_code);
  }
  if (c->healthy)
    progress(s, c, "Healthy", 1);
  call_done(c);
}

static void on_waited(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  if (res->rc) {
    fail_on(s, c, "waiting for", res);
  } else {
    c->exit_code = res->wait->status_code;
    if (c->exit_code)
      err_set(&s->err, ERR_STATE,
              "service '%s' didn't complete successfully: container '%s' "
              "exited with code %d",
              s->service->name, c->name, c->exit_code);
  }
  call_done(c);
}

/* --- one function per state: issue the calls, or advance at once --- */

static int stop_timeout(const struct svc *s)
{
  if (s->run->opt.timeout >= 0)
    return s->run->opt.timeout;
  return -1; /* the container's StopTimeout, set from stop_grace_period */
}

static int wants_removal(const struct svc *s, const struct svc_ctr *c)
{
  if (s->run->opt.goal == SVC_GOAL_DOWN)
    return 1;
  return s->run->opt.goal == SVC_GOAL_UP &&
         c->op == PLAN_REMOVE; /* a replaced one goes in the swap */
}

static void stop_one(struct svc_ctr *c)
{
  struct svc *s = c->svc;
  struct err e = ERR_INIT;
  issue(s,
        engine_container_stop(s->run->engine, c->name, stop_timeout(s),
                              on_stopped, c, &e),
        &e);
}

/* pre_stop ended: stop the container unless a hook failed. */
static void pre_stopped(struct svc_ctr *c, int ok)
{
  if (ok)
    stop_one(c);
}

static void state_stopping(struct svc *s)
{
  for (size_t i = 0; i < s->nctrs && !s->err.code; i++) {
    struct svc_ctr *c = &s->ctrs[i];
    if (!c->running || !c->id)
      continue;
    if (s->run->opt.goal == SVC_GOAL_UP && !wants_removal(s, c))
      continue;
    progress(s, c, "Stopping", 0);
    if (!hook_begin(c, "pre_stop", pre_stopped))
      stop_one(c);
  }
}

static void state_removing(struct svc *s)
{
  unsigned flags = remove_flags(s, 0);
  for (size_t i = 0; i < s->nctrs && !s->err.code; i++) {
    struct svc_ctr *c = &s->ctrs[i];
    if (!c->id || !wants_removal(s, c))
      continue;
    struct err e = ERR_INIT;
    progress(s, c, "Removing", 0);
    issue(s,
          engine_container_remove(s->run->engine, c->id, flags, on_removed, c,
                                  &e),
          &e);
  }
}

/* Send the create of one container; ERR_CONFIG when its body cannot be
 * made (in s->err, nothing sent). */
static int create_one(struct svc *s, struct svc_ctr *c)
{
  const char *const *ids = s->run->opt.image_ids;
  struct create_ctx cc = {s->run->project,
                          s->service,
                          c->number,
                          0,
                          ids ? ids[s->index] : NULL,
                          NULL,
                          c->inherit,
                          s->run->opt.renew_anon_volumes ? 0 : c->ninherit};
  struct err e = ERR_INIT;
  progress(s, c, c->op == PLAN_RECREATE ? "Recreate" : "Creating", 0);
  int rc =
      create_container(s->run->engine, &cc, c->tmp_name ? c->tmp_name : c->name,
                       on_created, c, &e);
  if (rc == ERR_CONFIG) {
    err_set(&s->err, rc, "%.*s", e.text ? (int)e.len - 1 : 0,
            e.text ? e.text : "");
    err_release(&e);
    return rc;
  }
  issue(s, rc, &e);
  return 0;
}

/* Once per service that creates: what the engine's API version will
 * ignore of it. */
static void warn_api(struct svc *s)
{
  const struct svc_hooks *h = s->run->hooks;
  struct strvec w = STRVEC_INIT;
  create_api_warnings(s->service, engine_api_version(s->run->engine), &w);
  for (size_t i = 0; i < w.n && h && h->warn; i++)
    h->warn(s->run->hook_data, w.v[i]);
  strvec_clear(&w);
}

static void on_kept_renamed(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  struct svc *s = c->svc;
  if (!res->rc || named_so_already(res)) {
    free(c->name);
    c->name = c->canon;
    c->canon = NULL;
    progress(s, c, "Renamed", 1);
  } else if (res->rc == ERR_CONFLICT ||
             (res->rc == ERR_NOTFOUND && c->op == PLAN_START)) {
    /* the name is held by a container outside the project: keep ours; a
     * container to start that vanished is made again by the start */
    const struct svc_hooks *h = s->run->hooks;
    if (res->rc == ERR_CONFLICT && h && h->warn) {
      char *t = xasprintf("container '%s' keeps its name: '%s' is in use by "
                          "another container",
                          c->name, c->canon);
      h->warn(s->run->hook_data, t);
      free(t);
    }
    free(c->canon);
    c->canon = NULL;
  } else {
    fail_on(s, c, "renaming", res);
  }
  call_done(c);
}

/* A kept container under a temporary name (an up killed between the
 * removal of the old container and the rename of its replacement) gets
 * its number's name back; the plan's removals freed it. Progress tells
 * "Renamed" under the new name once it is done. */
static void rename_kept(struct svc *s, struct svc_ctr *c)
{
  struct err e = ERR_INIT;
  issue(s,
        engine_container_rename(s->run->engine, c->id, c->canon,
                                on_kept_renamed, c, &e),
        &e);
}

static void state_creating(struct svc *s)
{
  for (size_t i = 0; i < s->nctrs; i++)
    if (s->ctrs[i].op == PLAN_CREATE || s->ctrs[i].op == PLAN_RECREATE) {
      warn_api(s);
      break;
    }
  for (size_t i = 0; i < s->nctrs && !s->err.code; i++) {
    struct svc_ctr *c = &s->ctrs[i];
    if (c->canon && c->id)
      rename_kept(s, c);
    if (c->op != PLAN_CREATE && c->op != PLAN_RECREATE)
      continue;
    if (create_one(s, c))
      break;
  }
}

static void on_dep_restarted(void *ctx, struct engine_result *res)
{
  struct svc_ctr *c = ctx;
  if (res->rc)
    fail_on(c->svc, c, "restarting", res);
  else
    progress(c->svc, c, "Restarted", 1);
  call_done(c);
}

static void start_one(struct svc *s, struct svc_ctr *c)
{
  struct err e = ERR_INIT;
  progress(s, c, "Starting", 0);
  issue(s, engine_container_start(s->run->engine, c->name, on_started, c, &e),
        &e);
}

static void state_starting(struct svc *s)
{
  for (size_t i = 0; i < s->nctrs && !s->err.code; i++) {
    struct svc_ctr *c = &s->ctrs[i];
    if (c->op == PLAN_KEEP && c->restart && c->id) {
      struct err e = ERR_INIT;
      progress(s, c, "Restarting", 0);
      issue(s,
            engine_container_restart(s->run->engine, c->id, stop_timeout(s),
                                     on_dep_restarted, c, &e),
            &e);
      continue;
    }
    if (c->op == PLAN_KEEP || c->op == PLAN_REMOVE || !c->id)
      continue;
    start_one(s, c);
  }
}

static void timer_ensure(struct svc *s)
{
  if (!s->timer_init) {
    uv_timer_init(s->run->loop, &s->timer);
    s->timer.data = s;
    s->timer_init = 1;
    s->run->open_timers++;
  }
}

/* A health change or an exit of a container a service awaits: look at
 * it now rather than at the next poll. */
static int on_health_event(void *ctx, const struct engine_event *ev)
{
  struct svc_events *he = ctx;
  struct svc_run *r = he->run;
  if (!r || !*ev->id)
    return 0;
  for (size_t i = 0; i < r->n; i++) {
    struct svc *s = &r->svcs[i];
    if (s->state != SVC_HEALTH)
      continue;
    for (size_t k = 0; k < s->nctrs; k++) {
      if (!s->ctrs[k].id || strcmp(s->ctrs[k].id, ev->id))
        continue;
      if (s->pending) {
        s->recheck = 1;
      } else if (uv_is_active((uv_handle_t *)&s->timer)) {
        uv_timer_stop(&s->timer);
        on_poll(&s->timer);
      }
      return 0;
    }
  }
  return 0;
}

static void on_health_events_end(void *ctx, struct engine_result *res)
{
  struct svc_events *he = ctx;
  if (he->run) {
    he->run->events = NULL;
    /* refused or broken: the poll goes on at its own pace */
    if (res->rc != ERR_CANCELED)
      he->run->events_failed = 1;
  }
  free(he);
}

/* Open the run's health events stream (once; a failure leaves the poll). */
static void health_events_open(struct svc_run *r)
{
  if (r->events || r->events_failed)
    return;
  struct svc_events *he = xcalloc(1, sizeof(*he));
  he->run = r;
  struct engine_filters f = ENGINE_FILTERS_INIT;
  char *label = xasprintf("%s=%s", LABELS_PROJECT, r->project->name);
  engine_filters_add(&f, "label", label);
  free(label);
  engine_filters_add(&f, "type", "container");
  engine_filters_add(&f, "event", "health_status");
  engine_filters_add(&f, "event", "die");
  /* from a second back: a change between the start and the stream's
   * opening is replayed (an extra look, never a missed one) */
  char since[32];
  snprintf(since, sizeof(since), "%lld", (long long)time(NULL) - 1);
  struct err e = ERR_INIT;
  if (engine_events_typed(r->engine, &f, since, NULL, on_health_event,
                          on_health_events_end, he, &he->call, &e)) {
    free(he);
    r->events_failed = 1;
  } else {
    r->events = he;
  }
  err_release(&e);
  engine_filters_release(&f);
}

static void health_events_close(struct svc_run *r)
{
  if (!r->events)
    return;
  r->events->run = NULL;
  engine_call_cancel(r->events->call);
  r->events = NULL;
}

/* Close the stream once no service awaits health any more. */
static void health_events_check(struct svc_run *r)
{
  if (!r->events)
    return;
  for (size_t i = 0; i < r->n; i++)
    if (r->svcs[i].state == SVC_HEALTH)
      return;
  health_events_close(r);
}

static void state_health(struct svc *s)
{
  timer_ensure(s);
  health_events_open(s->run);
  for (size_t i = 0; i < s->nctrs && !s->err.code; i++) {
    struct svc_ctr *c = &s->ctrs[i];
    if (c->op == PLAN_REMOVE || !c->id || c->healthy)
      continue;
    struct err e = ERR_INIT;
    issue(s, engine_container_inspect(s->run->engine, c->id, on_health, c, &e),
          &e);
  }
}

static void on_poll(uv_timer_t *t)
{
  struct svc *s = t->data;
  state_health(s);
  if (!s->pending)
    settle(s);
  tell(s->run);
}

static void state_running(struct svc *s)
{
  unsigned what = SCHED_STARTED;
  if (s->need_health)
    what |= SCHED_HEALTHY;
  sched_reached(&s->run->sched, s->index, what);
  if (!s->need_exit || s->run->opt.no_start)
    return;
  for (size_t i = 0; i < s->nctrs && !s->err.code; i++) {
    struct svc_ctr *c = &s->ctrs[i];
    if (c->op == PLAN_REMOVE || !c->id)
      continue;
    struct err e = ERR_INIT;
    progress(s, c, "Waiting", 0);
    issue(s,
          engine_container_wait_call(s->run->engine, c->id, "not-running",
                                     on_waited, c, &c->waiting, &e),
          &e);
  }
}

static void state_applying(struct svc *s)
{
  const struct svc_options *o = &s->run->opt;
  for (size_t i = 0; i < s->nctrs && !s->err.code; i++) {
    struct svc_ctr *c = &s->ctrs[i];
    struct engine *en = s->run->engine;
    struct err e = ERR_INIT;
    int rc = 0;
    switch (o->goal) {
    case SVC_GOAL_KILL:
      if (!c->running)
        continue;
      rc = engine_container_kill(en, c->name, o->signal, on_applied, c, &e);
      break;
    case SVC_GOAL_PAUSE:
      if (!c->running)
        continue;
      rc = engine_container_pause(en, c->name, on_applied, c, &e);
      break;
    case SVC_GOAL_UNPAUSE:
      rc = engine_container_unpause(en, c->name, on_applied, c, &e);
      break;
    case SVC_GOAL_RESTART:
      rc = engine_container_restart(en, c->name, stop_timeout(s), on_applied, c,
                                    &e);
      break;
    default:
      continue;
    }
    issue(s, rc, &e);
  }
}

/* Enter the current state: run its function; when it issued nothing (or
 * failed to issue), move on at once. */
static void step(struct svc *s)
{
  s->issuing = 1;
  switch (s->state) {
  case SVC_STOPPING:
    state_stopping(s);
    break;
  case SVC_REMOVING:
    state_removing(s);
    break;
  case SVC_CREATING:
    state_creating(s);
    break;
  case SVC_STARTING:
    state_starting(s);
    break;
  case SVC_HEALTH:
    state_health(s);
    break;
  case SVC_RUNNING:
    state_running(s);
    break;
  case SVC_APPLYING:
    state_applying(s);
    break;
  case SVC_DONE:
    s->issuing = 0;
    sched_done(&s->run->sched, s->index, 0);
    return;
  case SVC_FAILED:
    s->issuing = 0;
    sched_done(&s->run->sched, s->index, s->err.code);
    return;
  case SVC_IDLE:
    break;
  }
  s->issuing = 0;
  if (!s->pending)
    settle(s);
}

/* --- the run --- */

static int policy_run(void *data, size_t node)
{
  struct svc_run *r = data;
  struct svc *s = &r->svcs[node];
  if (r->interrupted) { /* nothing new begins */
    err_set(&s->err, ERR_CANCELED, "service '%s': not begun: interrupted",
            s->service->name);
    svc_set_state(s, SVC_FAILED);
    return ERR_CANCELED;
  }
  svc_set_state(s, next_state(s));
  step(s);
  return 0;
}

static void policy_skip(void *data, size_t node, size_t dep)
{
  struct svc_run *r = data;
  struct svc *s = &r->svcs[node];
  err_set(&s->err, ERR_CANCELED,
          "service '%s' was not started: dependency '%s' failed",
          s->service->name, r->project->services[dep].name);
  svc_set_state(s, SVC_FAILED);
}

static const struct sched_policy policy = {policy_run, policy_skip};

void svc_run_interrupt(struct svc_run *r)
{
  if (r->interrupted)
    return;
  r->interrupted = 1;
  /* a health wait between looks ends now; calls in flight end their
   * state first (settle sees the flag) */
  for (size_t i = 0; r->svcs && i < r->n; i++) {
    struct svc *s = &r->svcs[i];
    if (s->state == SVC_HEALTH && !s->pending && s->timer_init &&
        uv_is_active((uv_handle_t *)&s->timer)) {
      uv_timer_stop(&s->timer);
      settle(s);
    }
    /* a wait for completion ends (canceled: the service fails) */
    for (size_t k = 0; s->state == SVC_RUNNING && k < s->nctrs; k++)
      if (s->ctrs[k].waiting)
        engine_call_cancel(s->ctrs[k].waiting);
  }
  tell(r);
}

static enum dep_condition edge_cond(void *data, size_t from, size_t to)
{
  const struct project *p = data;
  const struct service *s = &p->services[from];
  for (size_t i = 0; i < s->ndepends_on; i++)
    if (!strcmp(s->depends_on[i].service, p->services[to].name))
      return s->depends_on[i].condition;
  return DEP_STARTED;
}

/* Keep old's anonymous volumes (of type volume, not one the project
 * names) for its replacement. */
static void inherit_anon(const struct project *p, struct svc_ctr *c,
                         const struct plan_container *old)
{
  c->inherit = xcalloc(old->nmounts ? old->nmounts : 1, sizeof(*c->inherit));
  for (size_t i = 0; i < old->nmounts; i++) {
    const struct engine_mount *m = &old->mounts[i];
    int named = 0;
    if (!m->type || strcmp(m->type, "volume") || !m->name || !*m->name ||
        !m->destination || !*m->destination)
      continue;
    for (size_t k = 0; k < p->nvolumes && !named; k++)
      named = p->volumes[k].name && !strcmp(p->volumes[k].name, m->name);
    if (named)
      continue;
    c->inherit[c->ninherit].name = xstrdup(m->name);
    c->inherit[c->ninherit].target = xstrdup(m->destination);
    c->ninherit++;
  }
}

void svc_run_init(struct svc_run *r, uv_loop_t *loop, struct engine *e,
                  const struct project *p, const unsigned char *selected,
                  const struct plan *plan, const struct svc_options *opt,
                  const struct svc_hooks *hooks, void *hook_data)
{
  memset(r, 0, sizeof(*r));
  r->loop = loop;
  r->engine = e;
  r->project = p;
  r->opt = *opt;
  r->hooks = hooks;
  r->hook_data = hook_data;
  r->n = p->nservices;
  if (opt->wait_timeout > 0)
    r->deadline = uv_now(loop) + (uint64_t)opt->wait_timeout * 1000;
  r->svcs = xcalloc(r->n ? r->n : 1, sizeof(*r->svcs));
  r->selected = xcalloc(r->n ? r->n : 1, 1);
  for (size_t i = 0; i < r->n; i++) {
    struct svc *s = &r->svcs[i];
    s->run = r;
    s->index = i;
    s->service = &p->services[i];
    s->ctrs = xcalloc(plan->n ? plan->n : 1, sizeof(*s->ctrs));
    r->selected[i] = !selected || selected[i];
  }
  for (size_t k = 0; k < plan->n; k++) {
    const struct plan_action *a = &plan->v[k];
    if (a->service < 0)
      continue;
    struct svc *s = &r->svcs[a->service];
    struct svc_ctr *c = &s->ctrs[s->nctrs++];
    c->svc = s;
    c->number = a->number;
    c->op = opt->goal == SVC_GOAL_UP ? a->op : PLAN_KEEP;
    if (a->container) {
      c->id = xstrdup(a->container->id);
      c->name = xstrdup(a->container->name);
      c->running = !strcmp(a->container->state, "running") ||
                   !strcmp(a->container->state, "restarting") ||
                   !strcmp(a->container->state, "paused");
    }
    c->restart = opt->goal == SVC_GOAL_UP && a->restart;
    if (opt->goal == SVC_GOAL_UP && a->rename && a->container &&
        (c->op == PLAN_KEEP || c->op == PLAN_START))
      c->canon = create_container_name_new(p, s->service, c->number);
    if (c->op == PLAN_CREATE || c->op == PLAN_RECREATE) {
      free(c->name);
      c->name = create_container_name_new(p, s->service, c->number);
    }
    if (c->op == PLAN_RECREATE && c->id) {
      /* the replacement's temporary name, as compose's: <short id>_<name> */
      c->old_id = c->id;
      c->id = NULL;
      c->tmp_name = xasprintf("%.12s_%s", c->old_id, c->name);
      /* with -V they are not passed on but removed after the old one */
      inherit_anon(p, c, a->container);
    } else if (opt->remove_volumes && a->container) {
      inherit_anon(p, c, a->container); /* to remove them with it */
    }
  }
  /* what dependents wait for decides what each service must reach */
  for (size_t i = 0; i < r->n; i++) {
    const struct service *sv = &p->services[i];
    if (!r->selected[i])
      continue;
    if (opt->wait)
      r->svcs[i].need_health |= SVC_NEED_HEALTHY;
    for (size_t k = 0; k < sv->ndepends_on; k++)
      for (size_t j = 0; j < r->n; j++)
        if (!strcmp(p->services[j].name, sv->depends_on[k].service)) {
          if (sv->depends_on[k].condition == DEP_HEALTHY)
            r->svcs[j].need_health |= SVC_NEED_HEALTHY | SVC_NEED_HEALTHCHECK;
          if (sv->depends_on[k].condition == DEP_COMPLETED)
            r->svcs[j].need_exit = 1;
        }
  }
  graph_from_project(&r->graph, p);
  int reverse = opt->goal == SVC_GOAL_STOP || opt->goal == SVC_GOAL_DOWN;
  if (opt->goal == SVC_GOAL_KILL || opt->goal == SVC_GOAL_PAUSE ||
      opt->goal == SVC_GOAL_UNPAUSE) {
    /* no order: drop the edges */
    graph_release(&r->graph);
    const char **names = xcalloc(r->n ? r->n : 1, sizeof(*names));
    for (size_t i = 0; i < r->n; i++)
      names[i] = p->services[i].name;
    graph_init(&r->graph, r->n, names);
    free(names);
  }
  sched_init(&r->sched, &r->graph, r->selected, reverse, edge_cond, (void *)p,
             &policy, r, opt->parallel);
}

void svc_run_start(struct svc_run *r)
{
  sched_start(&r->sched);
  tell(r);
}

int svc_run_finished(const struct svc_run *r)
{
  if (!sched_finished(&r->sched))
    return 0;
  for (size_t i = 0; i < r->n; i++)
    if (r->svcs[i].pending)
      return 0;
  return 1;
}

int svc_run_result(const struct svc_run *r, struct err *err)
{
  int rc = 0;
  /* causes first; a skip is a consequence, reported only without one */
  for (int skips = 0; skips < 2 && !rc; skips++)
    for (size_t i = 0; i < r->n; i++) {
      const struct svc *s = &r->svcs[i];
      if (!s->err.code || (s->err.code == ERR_CANCELED) != skips)
        continue;
      if (!rc)
        rc = s->err.code;
      const char *t = s->err.text ? s->err.text : "";
      size_t n = strlen(t);
      while (n && t[n - 1] == '\n')
        n--;
      err_set(err, s->err.code, "%.*s", (int)n, t);
    }
  return rc;
}

static void on_timer_closed(uv_handle_t *h)
{
  struct svc *s = h->data;
  int *closing = s->closing;
  if (--*closing == 0) {
    free(s - s->index); /* the run may be gone: only its svc array is left */
    free(closing);
  }
}

void svc_run_release(struct svc_run *r)
{
  health_events_close(r);
  for (size_t i = 0; i < r->n; i++) {
    struct svc *s = &r->svcs[i];
    for (size_t k = 0; k < s->nctrs; k++) {
      if (s->ctrs[k].hook)
        hook_free(s->ctrs[k].hook);
      free(s->ctrs[k].id);
      free(s->ctrs[k].name);
      free(s->ctrs[k].old_id);
      free(s->ctrs[k].tmp_name);
      free(s->ctrs[k].canon);
      for (size_t j = 0; j < s->ctrs[k].ninherit; j++) {
        free((char *)s->ctrs[k].inherit[j].name);
        free((char *)s->ctrs[k].inherit[j].target);
      }
      free(s->ctrs[k].inherit);
      err_release(&s->ctrs[k].conflict);
    }
    free(s->ctrs);
    err_release(&s->err);
  }
  sched_release(&r->sched);
  graph_release(&r->graph);
  free(r->selected);
  if (!r->open_timers) {
    free(r->svcs);
    r->svcs = NULL;
    return;
  }
  int *closing = xmalloc(sizeof(*closing));
  *closing = r->open_timers;
  for (size_t i = 0; i < r->n; i++)
    if (r->svcs[i].timer_init) {
      r->svcs[i].closing = closing;
      uv_close((uv_handle_t *)&r->svcs[i].timer, on_timer_closed);
    }
  r->svcs = NULL;
}
