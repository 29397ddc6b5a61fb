/* supervise: the follower of attached up, exits, abort decisions, and the
 * stop -> kill escalation. */
#include "orchestrate/supervise.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void lost_end(struct supervise *sv);
static void events_close(struct supervise *sv);

static void begin_stop(struct supervise *sv)
{
  struct session *s = sv->s;
  if (sv->holds) {
    /* a rebuild may be replacing containers: stop what is there after */
    sv->stop_deferred = 1;
    return;
  }
  if (sv->stopping)
    return;
  sv->stopping = 1;
  events_close(sv);
  if (sv->lost) {
    /* nothing to follow until the engine is back: stop asking */
    lost_end(sv);
    logs_drop_lost(&sv->logs);
  }
  if (sv->o.follow_only) { /* logs -f: the following ends, nothing stops */
    sv->stopped = (struct session_waiter){1, 0};
    logs_cancel(&sv->logs);
    return;
  }
  if (sv->o.stopping)
    sv->o.stopping(sv->o.data);
  logs_stopping(&sv->logs);
  session_status(s, "Gracefully stopping... (press Ctrl+C again to force)");
  struct svc_options so = {.goal = SVC_GOAL_STOP, .timeout = -1};
  sv->stopped = (struct session_waiter){0, 0};
  session_walk_start(s, &sv->stop, NULL, &sv->stop_plan, &so, session_waiter_cb,
                     &sv->stopped);
}

static void on_killed(void *ctx, struct engine_result *res)
{
  (void)ctx;
  (void)res;
}

static void begin_kill(struct supervise *sv)
{
  sv->stopping = 2;
  logs_cancel(&sv->logs);
  for (size_t i = 0; i < sv->stop_plan.n; i++) {
    const struct plan_container *c = sv->stop_plan.v[i].container;
    struct err e = ERR_INIT;
    engine_container_kill(sv->s->engine, c->id, NULL, on_killed, NULL, &e);
    err_release(&e);
  }
}

/* --- the engine away and back --- */

#define LOST_FIRST_MS 250
#define LOST_MAX_MS 2000
/* An engine on its way down still answers a ping, even opens an events
 * stream, and closes it soon after: back is when the stream stayed open
 * this long and a listing answered. */
#define BACK_SETTLE_MS 1000

struct supervise_lost {
  uv_timer_t timer;
  struct supervise *sv; /* NULL once over (the ping may still answer) */
  int delay_ms;
  uint64_t deadline;
  int pinging;
  int back; /* the events stream opened: on_back is due */
  int closed;
};

struct supervise_events {
  struct supervise *sv; /* NULL once released */
  struct engine_call *call;
};

static void events_open(struct supervise *sv);

static void lost_free(struct supervise_lost *lo)
{
  if (lo->closed && !lo->pinging)
    free(lo);
}

static void on_lost_closed(uv_handle_t *h)
{
  struct supervise_lost *lo = h->data;
  lo->closed = 1;
  lost_free(lo);
}

static void lost_end(struct supervise *sv)
{
  struct supervise_lost *lo = sv->lost;
  if (!lo)
    return;
  sv->lost = NULL;
  lo->sv = NULL;
  uv_close((uv_handle_t *)&lo->timer, on_lost_closed);
}

static void on_lost_timer(uv_timer_t *t);
static void on_relisted(void *arg, int rc);

/* Not back after all (the events stream or the listing failed): ask
 * again. */
static void back_failed(struct supervise_lost *lo)
{
  lo->back = 0;
  events_close(lo->sv); /* the next answered ping opens it again */
  uv_timer_start(&lo->timer, on_lost_timer, (uint64_t)lo->delay_ms, 0);
}

/* The events stream opened again and stayed open for BACK_SETTLE_MS: list
 * the project (on_relisted says it is back when that answers too). */
static void on_back(uv_timer_t *t)
{
  struct supervise_lost *lo = t->data;
  struct supervise *sv = lo->sv;
  /* a stop waits for the listing (the stop plan is made from it) */
  if (!session_observe_start(sv->s, &sv->relist, on_relisted, sv)) {
    sv->relisting = 1;
    supervise_hold(sv, 1);
  } else {
    back_failed(lo);
  }
}

static void on_pinged(void *ctx, struct engine_result *res)
{
  struct supervise_lost *lo = ctx;
  lo->pinging = 0;
  struct supervise *sv = lo->sv;
  if (!sv) {
    lost_free(lo);
    return;
  }
  struct session *s = sv->s;
  if (lo->back)
    return; /* on_back is due */
  /* An answer to a ping is not enough: an engine shutting down still
   * answers one. It is back once its events stream opens again. */
  if (!res->rc && !sv->events)
    events_open(sv);
  if (uv_now(&s->loop) >= lo->deadline) {
    sv->gone = 1;
    events_close(sv);
    lost_end(sv);
    logs_drop_lost(&sv->logs);
    return;
  }
  lo->delay_ms =
      lo->delay_ms * 2 > LOST_MAX_MS ? LOST_MAX_MS : lo->delay_ms * 2;
  uv_timer_start(&lo->timer, on_lost_timer, (uint64_t)lo->delay_ms, 0);
}

static void on_lost_timer(uv_timer_t *t)
{
  struct supervise_lost *lo = t->data;
  struct engine_result res = {.rc = ERR_CONNECT};
  struct err e = ERR_INIT;
  if (!engine_ping(lo->sv->s->engine, on_pinged, lo, &e))
    lo->pinging = 1;
  else
    on_pinged(lo, &res);
  err_release(&e);
}

/* The engine went away (why: the first failure): say so once, then ask
 * again until it answers or the time is up. */
static void on_lost(void *data, const struct err *why)
{
  struct supervise *sv = data;
  struct session *s = sv->s;
  if (sv->lost || sv->stopping || sv->gone)
    return;
  (void)why;
  session_note(s,
               "lost the engine at %s (%s); its containers keep running if "
               "it has live-restore; waiting up to %d s for it to return",
               engine_host(s->engine),
               why && why->code == ERR_IO ? "a connection broke off"
                                          : "it refuses connections",
               sv->wait_s);
  struct supervise_lost *lo = xcalloc(1, sizeof(*lo));
  lo->sv = sv;
  lo->delay_ms = LOST_FIRST_MS;
  lo->deadline = uv_now(&s->loop) + (uint64_t)sv->wait_s * 1000;
  uv_timer_init(&s->loop, &lo->timer);
  lo->timer.data = lo;
  uv_timer_start(&lo->timer, on_lost_timer, LOST_FIRST_MS, 0);
  sv->lost = lo;
}

static int on_event(void *ctx, const struct engine_event *ev)
{
  (void)ctx;
  (void)ev;
  return 0;
}

/* The /events stream never ends of itself: its end is the engine's. */
static void on_events_end(void *ctx, struct engine_result *res)
{
  struct supervise_events *se = ctx;
  struct supervise *sv = se->sv;
  if (sv) {
    sv->events = NULL;
    if (sv->lost && sv->lost->back) {
      /* it opened and ended soon (an engine on its way down): not back
       * after all, keep asking (after the listing, when one is out) */
      if (!sv->relisting)
        back_failed(sv->lost);
    } else if (res->rc != ERR_CANCELED && !sv->stopping) {
      struct err e = ERR_INIT;
      if (res->err && res->err->text)
        err_set(&e, ERR_CONNECT, "%s", res->err->text);
      else
        err_set(&e, ERR_CONNECT, "its events stream ended");
      on_lost(sv, &e);
      err_release(&e);
    }
  }
  free(se);
}

/* The events stream's answer began (inside the HTTP layer's callback):
 * while the engine is away, that is its return; on_back does the rest
 * from the loop. */
static void on_events_open(void *ctx)
{
  struct supervise_events *se = ctx;
  struct supervise *sv = se->sv;
  if (!sv || !sv->lost || sv->lost->back)
    return;
  sv->lost->back = 1;
  uv_timer_start(&sv->lost->timer, on_back, BACK_SETTLE_MS, 0);
}

static void events_open(struct supervise *sv)
{
  if (sv->events || sv->stopping)
    return;
  struct supervise_events *se = xcalloc(1, sizeof(*se));
  se->sv = sv;
  struct engine_filters f = ENGINE_FILTERS_INIT;
  char *label = xasprintf("%s=%s", LABELS_PROJECT, sv->s->project->name);
  engine_filters_add(&f, "label", label);
  free(label);
  engine_filters_add(&f, "type", "container");
  struct err e = ERR_INIT;
  if (engine_events_typed(sv->s->engine, &f, NULL, NULL, on_event,
                          on_events_end, se, &se->call, &e))
    free(se); /* the log streams tell of a loss all the same */
  else {
    sv->events = se;
    engine_call_on_open(se->call, on_events_open, se);
  }
  err_release(&e);
  engine_filters_release(&f);
}

static void events_close(struct supervise *sv)
{
  if (!sv->events)
    return;
  sv->events->sv = NULL;
  engine_call_cancel(sv->events->call);
  sv->events = NULL;
}

void supervise_stop(struct supervise *sv)
{
  if (!sv->stopping)
    begin_stop(sv);
  else if (sv->stopping == 1 && !sv->o.follow_only)
    begin_kill(sv);
}

void supervise_hold(struct supervise *sv, int on)
{
  sv->holds += on ? 1 : -1;
  if (!sv->holds && sv->stop_deferred) {
    sv->stop_deferred = 0;
    begin_stop(sv);
  }
}

static void on_exit_cb(void *data, const char *name, const char *service,
                       int code)
{
  struct supervise *sv = data;
  const struct supervise_options *o = &sv->o;
  (void)name;
  int decides = o->exit_code_from ? !strcmp(service, o->exit_code_from)
                                  : sv->exit_code < 0;
  if (decides && (o->abort_on_exit || o->exit_code_from ||
                  (o->abort_on_failure && code != 0)))
    sv->exit_code = code;
  if (sv->stopping)
    return;
  if (o->abort_on_exit || (o->exit_code_from && decides) ||
      (o->abort_on_failure && code != 0)) {
    if (o->abort_on_exit || o->exit_code_from)
      session_status(sv->s, "Aborting on container exit...");
    begin_stop(sv);
  }
}

static int wanted(void *data, const char *service, int number)
{
  struct supervise *sv = data;
  return !sv->o.want || sv->o.want(sv->o.data, service, number);
}

static int attached(const struct supervise *sv, const char *service)
{
  const struct supervise_options *o = &sv->o;
  if (o->only && o->only->n && !strvec_has(o->only, service))
    return 0;
  return !(o->skip && strvec_has(o->skip, service));
}

int supervise_start(struct supervise *sv, struct session *s,
                    const struct plan *converged,
                    const struct supervise_options *o)
{
  memset(sv, 0, sizeof(*sv));
  sv->s = s;
  sv->o = *o;
  sv->exit_code = -1;
  sv->stop_plan = (struct plan)PLAN_INIT;
  const struct project *p = s->project;
  const char *w = getenv("WCOMPOSE_ENGINE_WAIT");
  sv->wait_s = w && atoi(w) > 0 ? atoi(w) : 60;
  if (o->follow_only) {
    struct logs_options lo = *o->logs;
    lo.on_exit = on_exit_cb;
    lo.on_lost = on_lost;
    lo.data = sv;
    logs_init_opts(&sv->logs, &s->loop, s->engine, o->out ? o->out : stdout,
                   &lo);
    sv->logs_open = 1;
    events_open(sv);
    return 0;
  }
  struct logs_options lo = {.flags = o->log_flags,
                            .on_exit = on_exit_cb,
                            .on_lost = on_lost,
                            .data = sv};
  logs_init_opts(&sv->logs, &s->loop, s->engine, o->out ? o->out : stdout, &lo);
  sv->logs_open = 1;
  /* containers the converge did not touch (the plan points into the
   * listing about to be replaced) */
  struct strvec kept = STRVEC_INIT;
  for (size_t k = 0; k < converged->n; k++)
    if (converged->v[k].op == PLAN_KEEP && converged->v[k].container)
      strvec_push(&kept, converged->v[k].container->id);
  int rc = session_observe(s);
  if (rc) {
    strvec_clear(&kept);
    return rc;
  }
  /* the stop plan: every container the walk left, kept or new */
  session_plan_existing(s, &sv->stop_plan);
  for (size_t i = 0; i < sv->stop_plan.n; i++) {
    const struct plan_action *a = &sv->stop_plan.v[i];
    logs_reserve(&sv->logs, p->services[a->service].name, a->number);
  }
  char now[32];
  snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
  for (size_t i = 0; i < sv->stop_plan.n; i++) {
    const struct plan_action *a = &sv->stop_plan.v[i];
    const struct service *svc = &p->services[a->service];
    if (!attached(sv, svc->name))
      continue;
    /* a container this run did not touch: no history, as compose does */
    logs_add(&sv->logs, a->container->id, a->container->name, svc->name,
             a->number, svc->tty,
             strvec_has(&kept, a->container->id) ? now : NULL, &s->err);
  }
  strvec_clear(&kept);
  events_open(sv);
  return 0;
}

/* Follow the containers of the new listing not followed yet: of services
 * already followed (any_attached 0), or of every attached service. */
static void follow_listed(struct supervise *sv, int rc, int any_attached)
{
  struct session *s = sv->s;
  const struct project *p = s->project;
  if (!rc) {
    /* the old stop plan pointed into the listing just replaced */
    plan_release(&sv->stop_plan);
    session_plan_existing(s, &sv->stop_plan);
  }
  for (size_t i = 0; !rc && i < sv->stop_plan.n; i++) {
    const struct plan_action *a = &sv->stop_plan.v[i];
    const struct service *svc = &p->services[a->service];
    int followed = 0, service_followed = 0;
    for (struct logs_entry *en = sv->logs.head; en; en = en->next) {
      followed |= !strcmp(en->id, a->container->id);
      service_followed |= !strcmp(en->service, svc->name);
    }
    int want =
        sv->o.follow_only
            ? any_attached && wanted(sv, svc->name, a->number)
            : service_followed || (any_attached && attached(sv, svc->name));
    if (!followed && want) {
      logs_reserve(&sv->logs, svc->name, a->number);
      logs_add(&sv->logs, a->container->id, a->container->name, svc->name,
               a->number, svc->tty, NULL, &s->err);
    }
  }
}

static void on_observed(void *arg, int rc)
{
  struct supervise *sv = arg;
  follow_listed(sv, rc, 0);
  sv->followed(sv->followed_arg, rc);
}

/* The listing after the events stream opened again: with it, the engine
 * is back; follow the lost containers again and those made while it was
 * away. */
static void on_relisted(void *arg, int rc)
{
  struct supervise *sv = arg;
  struct supervise_lost *lo = sv->lost;
  sv->relisting = 0;
  if (lo && lo->back && (rc || !sv->events)) {
    back_failed(lo);
  } else if (lo && lo->back) {
    struct session *s = sv->s;
    session_note(s,
                 "the engine at %s is back: following the containers "
                 "again",
                 engine_host(s->engine));
    lost_end(sv);
    logs_resume(&sv->logs);
    follow_listed(sv, rc, 1);
  }
  supervise_hold(sv, 0);
}

int supervise_follow_new(struct supervise *sv, session_done_cb done, void *arg)
{
  sv->followed = done;
  sv->followed_arg = arg;
  return session_observe_start(sv->s, &sv->observe, on_observed, sv);
}

int supervise_follow_project(struct supervise *sv, const char *since,
                             struct err *err)
{
  return logs_follow_new(&sv->logs, sv->s->project->name, since, wanted, err);
}

int supervise_finished(const struct supervise *sv)
{
  if ((sv->stopping && !sv->stopped.done) || sv->relisting)
    return 0;
  return !logs_active(&sv->logs);
}

int supervise_result(struct supervise *sv, struct err *err)
{
  if (sv->gone) {
    err_set(err, ERR_CONNECT,
            "the engine at %s did not come back within %d s "
            "(WCOMPOSE_ENGINE_WAIT)",
            engine_host(sv->s->engine), sv->wait_s);
    return sv->exit_code;
  }
  if (sv->stopping && sv->stopped.rc) {
    /* the walk's errors went to the session's err: hand them over */
    err_set(err, sv->stopped.rc, "%s",
            sv->s->err.text ? sv->s->err.text : err_text(sv->stopped.rc));
    err_reset(&sv->s->err);
  }
  return sv->exit_code;
}

void supervise_release(struct supervise *sv)
{
  events_close(sv);
  lost_end(sv);
  if (sv->stopping && !sv->o.follow_only)
    session_walk_release(&sv->stop);
  if (sv->logs_open)
    logs_release(&sv->logs);
  sv->logs_open = 0;
  plan_release(&sv->stop_plan);
}
