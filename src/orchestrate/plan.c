/* plan: desired services against observed containers, one action per
 * container or missing replica (what compose's convergence achieves). */
#include "orchestrate/plan.h"
#include "orchestrate/create.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

void plan_container_from_summary(const struct engine_container_summary *item,
                                 struct plan_container *c)
{
  const struct engine_kv *l = item->labels;
  size_t n = item->nlabels;
  memset(c, 0, sizeof(*c));
  c->id = item->id;
  c->name = *item->name ? item->name : item->id;
  c->state = *item->state ? item->state : "unknown";
  c->service = engine_kv_get(l, n, LABELS_SERVICE);
  const char *num = engine_kv_get(l, n, LABELS_NUMBER);
  c->number = num ? atoi(num) : 0;
  c->config_hash = engine_kv_get(l, n, LABELS_CONFIG_HASH);
  c->image_id = engine_kv_get(l, n, LABELS_IMAGE);
  const char *oneoff = engine_kv_get(l, n, LABELS_ONEOFF);
  c->oneoff = oneoff && !strcmp(oneoff, "True");
  c->mounts = item->mounts;
  c->nmounts = item->nmounts;
}

const char *plan_op_name(enum plan_op op)
{
  switch (op) {
  case PLAN_CREATE:
    return "create";
  case PLAN_RECREATE:
    return "recreate";
  case PLAN_START:
    return "start";
  case PLAN_KEEP:
    return "keep";
  case PLAN_REMOVE:
    return "remove";
  }
  return "?";
}

static void push(struct plan *pl, enum plan_op op, long service, int number,
                 const struct plan_container *c)
{
  if (pl->n == pl->alloc) {
    pl->alloc = pl->alloc ? 2 * pl->alloc : 16;
    pl->v = xrealloc(pl->v, pl->alloc * sizeof(*pl->v));
  }
  pl->v[pl->n++] = (struct plan_action){op, service, number, c, 0, 0};
}

static int outdated(const struct plan_want *w, const struct plan_container *c)
{
  if (!c->config_hash || !w->hash || strcmp(c->config_hash, w->hash))
    return 1;
  return w->image_id && c->image_id && strcmp(w->image_id, c->image_id);
}

static int known_service(const struct project *p, const char *name)
{
  for (size_t i = 0; i < p->nservices; i++)
    if (!strcmp(p->services[i].name, name))
      return 1;
  for (size_t i = 0; i < p->ndisabled; i++)
    if (!strcmp(p->disabled[i].name, name))
      return 1;
  return 0;
}

/* By number; containers of one number in the order found (they point
 * into one array). */
static int by_number(const void *a, const void *b)
{
  const struct plan_container *x = *(const struct plan_container *const *)a;
  const struct plan_container *y = *(const struct plan_container *const *)b;
  if (x->number != y->number)
    return x->number < y->number ? -1 : 1;
  return (x > y) - (x < y);
}

static int is_running(const struct plan_container *c)
{
  return !strcmp(c->state, "running") || !strcmp(c->state, "paused") ||
         !strcmp(c->state, "restarting");
}

/* How much c is worth keeping as replica `number` of s: current config
 * first (the replacement a killed recreate left beside the old one), then
 * the canonical name (no rename), then running (no start). */
static int worth(const struct project *p, const struct service *s,
                 const struct plan_want *w, const struct plan_container *c)
{
  char *canon = create_container_name_new(p, s, c->number);
  int v = (!outdated(w, c) ? 4 : 0) + (!strcmp(c->name, canon) ? 2 : 0) +
          (is_running(c) ? 1 : 0);
  free(canon);
  return v;
}

/* Which containers stay: one per number (the one most worth keeping, the
 * first found of equals), the lowest numbers first, so scaling down
 * removes the highest numbers; scaling up fills the lowest numbers no kept
 * container holds. Containers without a number, duplicates of a number
 * and those beyond the scale go. */
static void plan_service(struct plan *pl, const struct project *p, long si,
                         const struct service *s, const struct plan_want *w,
                         const struct plan_container *have, size_t nhave,
                         unsigned flags)
{
  int scale = w->scale < 0 ? 0 : w->scale;
  size_t nmine = 0;
  const struct plan_container **mine =
      xcalloc(nhave ? nhave : 1, sizeof(*mine));
  for (size_t i = 0; i < nhave; i++) {
    const struct plan_container *c = &have[i];
    if (!c->oneoff && c->service && !strcmp(c->service, s->name))
      mine[nmine++] = c;
  }
  qsort(mine, nmine, sizeof(*mine), by_number);
  unsigned char *keep = xcalloc(nmine ? nmine : 1, 1);
  int nkept = 0;
  for (size_t i = 0; i < nmine && nkept < scale;) {
    size_t end = i + 1, best = i;
    while (end < nmine && mine[end]->number == mine[i]->number)
      end++;
    if (mine[i]->number >= 1) {
      int bv = end > i + 1 ? worth(p, s, w, mine[i]) : 0;
      for (size_t k = i + 1; k < end; k++) {
        int v = worth(p, s, w, mine[k]);
        if (v > bv) {
          bv = v;
          best = k;
        }
      }
      keep[best] = 1;
      nkept++;
    }
    i = end;
  }
  /* the numbers to create: the lowest ones no kept container holds */
  int *fresh = xcalloc((size_t)scale + 1, sizeof(*fresh));
  int nfresh = 0;
  size_t k = 0;
  for (int n = 1; nkept + nfresh < scale; n++) {
    while (k < nmine && (!keep[k] || mine[k]->number < n))
      k++;
    if (k < nmine && mine[k]->number == n)
      continue;
    fresh[nfresh++] = n;
  }
  /* in number order: new ones before the kept ones above them */
  int f = 0;
  for (size_t i = 0; i < nmine; i++) {
    const struct plan_container *c = mine[i];
    if (!keep[i])
      continue;
    while (f < nfresh && fresh[f] < c->number)
      push(pl, PLAN_CREATE, si, fresh[f++], NULL);
    if ((flags & PLAN_FORCE_RECREATE) ||
        (!(flags & PLAN_NO_RECREATE) && outdated(w, c)))
      push(pl, PLAN_RECREATE, si, c->number, c);
    else if (is_running(c))
      push(pl, PLAN_KEEP, si, c->number, c);
    else
      push(pl, PLAN_START, si, c->number, c);
  }
  while (f < nfresh)
    push(pl, PLAN_CREATE, si, fresh[f++], NULL);
  /* everything else of the service, highest numbers first: scale down,
   * duplicates, unnumbered */
  for (size_t i = nmine; i-- > 0;)
    if (!keep[i])
      push(pl, PLAN_REMOVE, si, mine[i]->number, mine[i]);
  free(fresh);
  free(keep);
  free(mine);
}

/* 1 when s shares the namespaces or mounts of service x's container. */
static int shares(const struct service *s, const char *x)
{
  const char *ns[] = {s->network_mode, s->ipc, s->pid, s->uts, s->cgroup};
  for (size_t i = 0; i < sizeof(ns) / sizeof(*ns); i++)
    if (ns[i] && !strncmp(ns[i], "service:", 8) && !strcmp(ns[i] + 8, x))
      return 1;
  for (size_t i = 0; i < s->nvolumes_from; i++)
    if (s->volumes_from[i].service && !strcmp(s->volumes_from[i].service, x))
      return 1;
  return 0;
}

/* 1 when the plan recreates (or, with started, also starts or creates)
 * a container of service si. */
static int touched(const struct plan *pl, long si, int started)
{
  for (size_t i = 0; i < pl->n; i++)
    if (pl->v[i].service == si && (pl->v[i].op == PLAN_RECREATE ||
                                   (started && pl->v[i].op == PLAN_START)))
      return 1;
  return 0;
}

/* Dependents of what is recreated: recreate those sharing its namespaces
 * or mounts (until nothing changes: chains), then mark restart: true
 * dependents' kept containers. */
static void propagate(const struct project *p, const struct plan_want *want,
                      struct plan *pl, unsigned flags)
{
  if (flags & PLAN_NO_RECREATE)
    return;
  for (int changed = 1; changed;) {
    changed = 0;
    for (size_t a = 0; a < pl->n; a++) {
      struct plan_action *act = &pl->v[a];
      if (act->service < 0 || (act->op != PLAN_KEEP && act->op != PLAN_START))
        continue;
      const struct service *s = &p->services[act->service];
      for (size_t k = 0; k < p->nservices; k++)
        if (want[k].selected && shares(s, p->services[k].name) &&
            touched(pl, (long)k, 0)) {
          act->op = PLAN_RECREATE;
          changed = 1;
          break;
        }
    }
  }
  for (size_t a = 0; a < pl->n; a++) {
    struct plan_action *act = &pl->v[a];
    if (act->service < 0 || act->op != PLAN_KEEP)
      continue;
    const struct service *s = &p->services[act->service];
    for (size_t d = 0; d < s->ndepends_on && !act->restart; d++) {
      if (!s->depends_on[d].restart)
        continue;
      for (size_t k = 0; k < p->nservices; k++)
        if (want[k].selected &&
            !strcmp(p->services[k].name, s->depends_on[d].service) &&
            touched(pl, (long)k, 1))
          act->restart = 1;
    }
  }
}

/* 1 when c is still there when service si renames its containers: the
 * plan does not remove it as one of si's (those go before si creates and
 * renames; other services' and orphans' removals are not ordered with
 * it). */
static int stays(const struct plan *pl, long si, const struct plan_container *c)
{
  for (size_t i = 0; i < pl->n; i++)
    if (pl->v[i].op == PLAN_REMOVE && pl->v[i].service == si &&
        pl->v[i].container == c)
      return 0;
  return 1;
}

/* Kept and started containers under another name than their number's
 * (the temporary one of a recreate an up was killed in) get it back,
 * unless a container that stays holds it (the next up, when it is gone).
 * A converged plan marks nothing: no engine call is added. */
static void mark_renames(const struct project *p,
                         const struct plan_container *have, size_t nhave,
                         struct plan *pl)
{
  for (size_t a = 0; a < pl->n; a++) {
    struct plan_action *act = &pl->v[a];
    if (act->service < 0 || (act->op != PLAN_KEEP && act->op != PLAN_START))
      continue;
    char *canon =
        create_container_name_new(p, &p->services[act->service], act->number);
    if (strcmp(act->container->name, canon)) {
      int held = 0;
      for (size_t j = 0; j < nhave && !held; j++)
        held = &have[j] != act->container && !strcmp(have[j].name, canon) &&
               stays(pl, act->service, &have[j]);
      act->rename = !held;
    }
    free(canon);
  }
}

void plan_make(const struct project *p, const struct plan_want *want,
               const struct plan_container *have, size_t nhave, unsigned flags,
               struct plan *out)
{
  for (size_t i = 0; i < p->nservices; i++)
    if (want[i].selected)
      plan_service(out, p, (long)i, &p->services[i], &want[i], have, nhave,
                   flags);
  propagate(p, want, out, flags);
  mark_renames(p, have, nhave, out);
  for (size_t i = 0; i < nhave; i++) {
    const struct plan_container *c = &have[i];
    if (c->oneoff || (c->service && known_service(p, c->service)))
      continue;
    out->norphans++;
    if (flags & PLAN_REMOVE_ORPHANS)
      push(out, PLAN_REMOVE, -1, c->number, c);
  }
}

void plan_release(struct plan *pl)
{
  free(pl->v);
  *pl = (struct plan)PLAN_INIT;
}
