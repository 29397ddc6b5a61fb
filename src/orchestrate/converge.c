/* converge: images, resources, observe, plan, walk; one state per step,
 * each entered when the previous one's answer came. */
#include "orchestrate/converge.h"
#include "orchestrate/create.h"
#include "orchestrate/resources.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct converge_op {
  struct session_op op;
  struct converge_options o;
  enum converge_state state;
  struct plan *plan;
  char **ids;
  char (*hashes)[65];
  struct plan_want *want;
  const unsigned char *sel; /* the services converged */
  struct session_observe observe;
  struct session_walk walk;
};

static const char *const state_names[] = {"images",  "resources", "observing",
                                          "walking", "sweeping",  "done"};

const char *converge_state_name(enum converge_state st)
{
  return st <= CONVERGE_DONE ? state_names[st] : "?";
}

static void set_state(struct converge_op *c, enum converge_state to)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  if (trace)
    fprintf(stderr, "wcompose: converge: %s -> %s\n",
            converge_state_name(c->state), converge_state_name(to));
  c->state = to;
}

static void converge_free(void *self)
{
  struct converge_op *c = self;
  size_t n = c->op.s->project->nservices;
  session_walk_release(&c->walk);
  for (size_t i = 0; i < n; i++)
    free(c->ids[i]);
  free(c->ids);
  free(c->hashes);
  free(c->want);
  free(c);
}

static void answered(void *arg, int rc);

static void finish(struct converge_op *c, int rc)
{
  set_state(c, CONVERGE_DONE);
  session_op_finish(&c->op, rc);
}

static void walk(struct converge_op *c)
{
  struct session *s = c->op.s;
  const struct project *p = s->project;
  for (size_t i = 0; i < p->nservices; i++) {
    c->want[i].selected = c->sel[i];
    c->want[i].scale = c->o.scale && c->o.scale[i] >= 0
                           ? c->o.scale[i]
                           : p->services[i].replicas;
    c->want[i].hash = c->hashes[i];
    c->want[i].image_id = c->ids[i];
  }
  plan_make(p, c->want, s->have, s->nhave, c->o.plan_flags, c->plan);
  if (c->plan->norphans && !(c->o.plan_flags & PLAN_REMOVE_ORPHANS))
    session_warn_orphans(s);
  struct svc_options so = {.goal = SVC_GOAL_UP,
                           .no_start = c->o.no_start,
                           .wait = c->o.wait,
                           .wait_timeout = c->o.wait_timeout,
                           .timeout = c->o.timeout,
                           .renew_anon_volumes = c->o.renew_anon_volumes,
                           .image_ids = (const char *const *)c->ids,
                           .network_ids = (const char *const *)s->network_ids};
  set_state(c, CONVERGE_WALKING);
  session_walk_start(s, &c->walk, c->sel, c->plan, &so, answered, c);
}

/* The plan makes or starts a container (a network made late by a killed
 * `up` would then make its start ambiguous or be left beside it). */
static int plan_creates(const struct plan *p)
{
  for (size_t i = 0; i < p->n; i++)
    if (p->v[i].op == PLAN_CREATE || p->v[i].op == PLAN_RECREATE ||
        p->v[i].op == PLAN_START)
      return 1;
  return 0;
}

/* The answer of the current state's call: on to the next state. */
static void answered(void *arg, int rc)
{
  struct converge_op *c = arg;
  struct session *s = c->op.s;
  if (!rc && s->interrupted && c->state != CONVERGE_SWEEPING)
    rc = ERR_CANCELED; /* the next step does not begin */
  if (rc) {
    finish(c, rc);
    return;
  }
  switch (c->state) {
  case CONVERGE_IMAGES:
    set_state(c, CONVERGE_RESOURCES);
    rc = resources_ensure_start(s, c->sel, answered, c);
    break;
  case CONVERGE_RESOURCES:
    set_state(c, CONVERGE_OBSERVING);
    rc = session_observe_start(s, &c->observe, answered, c);
    break;
  case CONVERGE_OBSERVING:
    walk(c);
    break;
  case CONVERGE_WALKING:
    if (!plan_creates(c->plan)) { /* converged already: nothing to sweep */
      finish(c, 0);
      break;
    }
    set_state(c, CONVERGE_SWEEPING);
    rc = resources_sweep_start(s, c->sel, answered, c);
    break;
  case CONVERGE_SWEEPING:
  case CONVERGE_DONE:
    finish(c, 0);
    break;
  }
  if (rc)
    finish(c, rc);
}

int converge_start(struct session *s, const struct converge_options *o,
                   struct plan *plan, session_done_cb done, void *arg)
{
  const struct project *p = s->project;
  size_t n = p->nservices ? p->nservices : 1;
  struct converge_op *c = xcalloc(1, sizeof(*c));
  session_op_init(&c->op, s, done, arg, converge_free, c);
  c->o = *o;
  c->sel = o->selected ? o->selected : s->selected;
  c->o.images.selected = c->sel;
  c->plan = plan;
  *plan = (struct plan)PLAN_INIT;
  c->ids = xcalloc(n, sizeof(*c->ids));
  c->hashes = xcalloc(n, sizeof(*c->hashes));
  c->want = xcalloc(n, sizeof(*c->want));
  int rc = 0;
  for (size_t i = 0; i < p->nservices && !rc; i++)
    if (c->sel[i])
      rc = create_config_hash(p, &p->services[i], c->hashes[i], &s->err);
  if (rc) {
    converge_free(c);
    return rc;
  }
  c->state = CONVERGE_IMAGES;
  rc = images_ensure_start(s, &c->o.images, c->ids, answered, c);
  if (rc)
    finish(c, rc);
  return 0;
}

int converge(struct session *s, const struct converge_options *o,
             struct plan *plan)
{
  struct session_waiter w = {0, 0};
  int rc = converge_start(s, o, plan, session_waiter_cb, &w);
  if (!rc)
    rc = session_wait(s, &w.done);
  /* the walk's health timers close on this turn */
  uv_run(&s->loop, UV_RUN_NOWAIT);
  return rc ? rc : w.rc;
}
