/* wcompose down: stop and remove the project's containers (dependents
 * first), then its networks, and with -v its volumes, with --rmi its
 * images. */
#include "cli/cli.h"
#include "orchestrate/create.h"
#include "orchestrate/images.h"
#include "orchestrate/resources.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The images of the selected services: those built (no image: name), or
 * all with --rmi all. */
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

enum { O_VOLUMES = 1, O_RMI, O_ORPHANS, O_TIMEOUT };

static const struct cli_option options[] = {
    {O_VOLUMES, 'v', "volumes", NULL,
     "Remove named volumes declared in the file and anonymous volumes"},
    {O_RMI, 0, "rmi", "TYPE",
     "Remove images: 'local' (built ones without an image: name) or 'all'", 0,
     "local|all"},
    {O_ORPHANS, 0, "remove-orphans", NULL,
     "Remove containers of services not in the file"},
    {O_TIMEOUT, 't', "timeout", "SECONDS", "Grace period before SIGKILL",
     CLI_OPT_SECONDS},
    {0}};

static int cmd_down(struct cli_global *g, const struct cli_args *args)
{
  int volumes = cli_flag(args, O_VOLUMES) > 0;
  int orphans = cli_flag(args, O_ORPHANS) > 0;
  int timeout = cli_int(args, O_TIMEOUT, -1);
  const char *rmi = cli_value(args, O_RMI);
  struct cli_session cs;
  struct session *S = &cs.s;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = session_observe(S);
  struct plan plan = PLAN_INIT;
  if (!rc) {
    /* scale 0 everywhere: every container is to go */
    size_t n = S->project->nservices;
    struct plan_want *want = xcalloc(n ? n : 1, sizeof(*want));
    for (size_t i = 0; i < n; i++)
      want[i].selected = S->selected[i];
    plan_make(S->project, want, S->have, S->nhave,
              orphans ? PLAN_REMOVE_ORPHANS : 0, &plan);
    free(want);
    if (plan.norphans && !orphans)
      cli_warn("Found orphan containers for this project. If you removed "
               "or renamed a service in your compose file, run this "
               "command with the --remove-orphans flag to clean them up.");
    struct svc_options so = {.goal = SVC_GOAL_DOWN, .timeout = timeout};
    rc = session_walk(S, &plan, &so);
    int r = session_remove_orphans(S, &plan, 0);
    if (!rc)
      rc = r;
    r = remove_oneoffs(S);
    if (!rc)
      rc = r;
  }
  /* networks and volumes go only with the whole project; each kind is
   * tried even when the other failed */
  if (!rc && !S->named) {
    rc = resources_remove(S, RESOURCES_NETWORKS);
    if (volumes) {
      int r = resources_remove(S, RESOURCES_VOLUMES);
      if (!rc)
        rc = r;
    }
  }
  if (!rc && rmi)
    rc = remove_images(S, !strcmp(rmi, "all"));
  plan_release(&plan);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_down_entry = {
    .name = "down",
    .summary = "Stop and remove containers, networks, volumes and images",
    .usage = "[OPTIONS] [SERVICE...]",
    .options = options,
    .run = cmd_down};
