/* teardown: down's containers, networks, volumes and images. */
#include "orchestrate/teardown.h"
#include "orchestrate/create.h"
#include "orchestrate/images.h"
#include "orchestrate/resources.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int remove_images(struct session *s, int all)
{
  const struct project *p = s->project;
  int rc = 0;
  struct strvec done = STRVEC_INIT;
  for (size_t i = 0; i < p->nservices; i++) {
    const struct service *sv = &p->services[i];
    if (!s->selected[i] || (!all && sv->image))
      continue;
    char *name = create_image_name_new(p, sv);
    if (!strvec_has(&done, name)) {
      strvec_push(&done, name);
      int r = images_remove(s, name, 1);
      if (r && !rc)
        rc = r;
    }
    free(name);
  }
  strvec_clear(&done);
  return rc;
}

/* One-off containers ('run' without --rm) of the selected services go
 * too, as compose's down removes them; they would otherwise keep the
 * project's network in use. */
static int remove_oneoffs(struct session *s)
{
  const struct project *p = s->project;
  int rc = 0;
  for (size_t i = 0; i < s->nhave; i++) {
    const struct plan_container *c = &s->have[i];
    if (!c->oneoff)
      continue;
    int take = !s->named;
    for (size_t k = 0; !take && c->service && k < p->nservices; k++)
      take = s->selected[k] && !strcmp(p->services[k].name, c->service);
    if (!take)
      continue;
    int r = session_remove_container(s, c, 0);
    if (r && !rc)
      rc = r;
  }
  return rc;
}

int teardown(struct session *S, const struct teardown_options *o)
{
  int rc = session_observe(S);
  int observed = !rc;
  struct plan plan = PLAN_INIT;
  if (!rc) {
    /* scale 0 everywhere: every container is to go */
    size_t n = S->project->nservices;
    struct plan_want *want = xcalloc(n ? n : 1, sizeof(*want));
    for (size_t i = 0; i < n; i++)
      want[i].selected = S->selected[i];
    plan_make(S->project, want, S->have, S->nhave,
              o->remove_orphans ? PLAN_REMOVE_ORPHANS : 0, &plan);
    free(want);
    if (plan.norphans && !o->remove_orphans)
      session_warn_orphans(S);
    struct svc_options so = {.goal = SVC_GOAL_DOWN,
                             .timeout = o->timeout,
                             .remove_volumes = o->volumes};
    rc = session_walk(S, &plan, &so);
    if (S->interrupted) { /* what was under way is done; nothing more */
      plan_release(&plan);
      return ERR_CANCELED;
    }
    int r = session_remove_orphans(S, &plan, 0);
    if (!rc)
      rc = r;
    r = remove_oneoffs(S);
    if (!rc)
      rc = r;
  }
  /* networks and volumes go only with the whole project; each is tried
   * even when a container or the other kind failed (one still in use fails
   * with its own message), so down removes all it can and fails only for
   * what remains */
  if (observed && !S->named) {
    int r = resources_remove(S, RESOURCES_NETWORKS);
    if (!rc)
      rc = r;
    if (o->volumes) {
      r = resources_remove(S, RESOURCES_VOLUMES);
      if (!rc)
        rc = r;
    }
  }
  if (!rc && o->images)
    rc = remove_images(S, o->images == 2);
  plan_release(&plan);
  return rc;
}
