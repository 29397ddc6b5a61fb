/* sched: releases graph nodes as their dependencies reach the conditions
 * asked for; the work itself belongs to the policy callbacks. */
#include "orchestrate/sched.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static unsigned cond_bit(enum dep_condition c)
{
  switch (c) {
  case DEP_HEALTHY:
    return SCHED_HEALTHY;
  case DEP_COMPLETED:
    return SCHED_COMPLETED;
  case DEP_STARTED:
    break;
  }
  return SCHED_STARTED;
}

void sched_init(struct sched *s, const struct graph *g,
                const unsigned char *selected, int reverse, sched_cond_cb cond,
                void *cond_data, const struct sched_policy *policy, void *data,
                int parallel)
{
  memset(s, 0, sizeof(*s));
  s->n = g->n;
  s->nodes = xcalloc(g->n ? g->n : 1, sizeof(*s->nodes));
  s->reverse = reverse;
  s->policy = policy;
  s->data = data;
  s->parallel = parallel;
  for (size_t i = 0; i < g->n; i++) {
    struct sched_node *n = &s->nodes[i];
    n->state = !selected || selected[i] ? SCHED_WAIT : SCHED_OUT;
    n->deps = xcalloc(g->n ? g->n : 1, sizeof(*n->deps));
    n->conds = xcalloc(g->n ? g->n : 1, sizeof(*n->conds));
  }
  for (size_t i = 0; i < g->n; i++) {
    const struct graph_node *gn = &g->nodes[i];
    for (size_t k = 0; k < gn->ndeps; k++) {
      size_t to = gn->deps[k];
      if (s->nodes[i].state == SCHED_OUT || s->nodes[to].state == SCHED_OUT)
        continue;
      /* forward: i waits for to; reverse: to waits for i */
      size_t waiter = reverse ? to : i, waited = reverse ? i : to;
      struct sched_node *w = &s->nodes[waiter];
      w->deps[w->ndeps] = waited;
      w->conds[w->ndeps] =
          !reverse && cond ? cond(cond_data, i, to) : DEP_STARTED;
      w->ndeps++;
    }
  }
}

void sched_release(struct sched *s)
{
  for (size_t i = 0; i < s->n; i++) {
    free(s->nodes[i].deps);
    free(s->nodes[i].conds);
  }
  free(s->nodes);
  memset(s, 0, sizeof(*s));
}

/* In a forward walk a dependency releases its waiter by reaching the
 * condition; in reverse only by being done. */
static int released(const struct sched *s, const struct sched_node *n, size_t k)
{
  const struct sched_node *d = &s->nodes[n->deps[k]];
  if (s->reverse)
    return d->state == SCHED_DONE || d->state == SCHED_FAILED ||
           d->state == SCHED_SKIPPED;
  return (d->reached & cond_bit(n->conds[k])) != 0;
}

/* The dependency that can no longer release n, or -1. */
static long blocked_by(const struct sched *s, const struct sched_node *n)
{
  if (s->reverse)
    return -1; /* stopping goes on past failures */
  for (size_t k = 0; k < n->ndeps; k++) {
    const struct sched_node *d = &s->nodes[n->deps[k]];
    int ended = d->state == SCHED_DONE || d->state == SCHED_FAILED ||
                d->state == SCHED_SKIPPED;
    if (ended && !released(s, n, k))
      return (long)n->deps[k];
  }
  return -1;
}

static int ready(const struct sched *s, const struct sched_node *n)
{
  for (size_t k = 0; k < n->ndeps; k++)
    if (!released(s, n, k))
      return 0;
  return 1;
}

static void finish(struct sched *s, size_t i, int rc)
{
  struct sched_node *n = &s->nodes[i];
  if (n->state != SCHED_RUN)
    return;
  if (!(n->reached & SCHED_STARTED) && s->busy)
    s->busy--;
  n->state = rc ? SCHED_FAILED : SCHED_DONE;
  n->rc = rc;
}

/* Run, skip, repeat until nothing changes. Callbacks may call back into
 * sched_reached / sched_done: those only record and return, and the loop
 * here picks their effects up. */
static void pump(struct sched *s)
{
  if (s->in_pump)
    return;
  s->in_pump = 1;
  int changed = 1;
  while (changed) {
    changed = 0;
    for (size_t i = 0; i < s->n; i++) {
      struct sched_node *n = &s->nodes[i];
      if (n->state != SCHED_WAIT)
        continue;
      long dep = blocked_by(s, n);
      if (dep >= 0) {
        n->state = SCHED_SKIPPED;
        n->rc = ERR_CANCELED;
        if (s->policy->skip)
          s->policy->skip(s->data, i, (size_t)dep);
        changed = 1;
        continue;
      }
      if (!ready(s, n))
        continue;
      if (s->parallel > 0 && s->busy >= (size_t)s->parallel)
        continue;
      n->state = SCHED_RUN;
      s->busy++;
      int rc = s->policy->run(s->data, i);
      if (rc)
        finish(s, i, rc);
      changed = 1;
    }
  }
  s->in_pump = 0;
}

void sched_start(struct sched *s)
{
  pump(s);
}

void sched_reached(struct sched *s, size_t node, unsigned what)
{
  struct sched_node *n = &s->nodes[node];
  if (n->state == SCHED_RUN && !(n->reached & SCHED_STARTED) &&
      (what & (SCHED_STARTED | SCHED_HEALTHY | SCHED_COMPLETED)) && s->busy)
    s->busy--; /* a started node no longer counts against --parallel */
  if (what & (SCHED_HEALTHY | SCHED_COMPLETED))
    what |= SCHED_STARTED;
  n->reached |= what;
  pump(s);
}

void sched_done(struct sched *s, size_t node, int rc)
{
  finish(s, node, rc);
  pump(s);
}

int sched_finished(const struct sched *s)
{
  for (size_t i = 0; i < s->n; i++)
    if (s->nodes[i].state == SCHED_WAIT || s->nodes[i].state == SCHED_RUN)
      return 0;
  return 1;
}

int sched_rc(const struct sched *s)
{
  for (size_t i = 0; i < s->n; i++)
    if (s->nodes[i].state == SCHED_FAILED)
      return s->nodes[i].rc;
  return 0;
}
