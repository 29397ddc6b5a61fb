/* supervise: the follower of attached up, exits, abort decisions, and the
 * stop -> kill escalation. */
#include "orchestrate/supervise.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

void supervise_stop(struct supervise *sv)
{
  if (!sv->stopping)
    begin_stop(sv);
  else if (sv->stopping == 1)
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
  logs_init(&sv->logs, &s->loop, s->engine, o->out ? o->out : stdout,
            o->log_flags, on_exit_cb, sv);
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
  return 0;
}

static void on_observed(void *arg, int rc)
{
  struct supervise *sv = arg;
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
    if (!followed && service_followed)
      logs_add(&sv->logs, a->container->id, a->container->name, svc->name,
               a->number, svc->tty, NULL, &s->err);
  }
  sv->followed(sv->followed_arg, rc);
}

int supervise_follow_new(struct supervise *sv, session_done_cb done, void *arg)
{
  sv->followed = done;
  sv->followed_arg = arg;
  return session_observe_start(sv->s, &sv->observe, on_observed, sv);
}

int supervise_finished(const struct supervise *sv)
{
  if (sv->stopping && !sv->stopped.done)
    return 0;
  return !logs_active(&sv->logs);
}

int supervise_result(struct supervise *sv, struct err *err)
{
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
  if (sv->stopping)
    session_walk_release(&sv->stop);
  if (sv->logs_open)
    logs_release(&sv->logs);
  sv->logs_open = 0;
  plan_release(&sv->stop_plan);
}
