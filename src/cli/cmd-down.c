/* wcompose down: stop and remove the project's containers (dependents
 * first), then its networks, and with -v its volumes, with --rmi its
 * images. */
#include "cli/lifecycle.h"
#include "orchestrate/create.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Remove every object of a kind labelled with the project. */
static int remove_labelled(struct lc *lc, int volumes)
{
  cJSON *filters = NULL;
  char *f = xasprintf("%s=%s", LABELS_PROJECT, lc->project->name);
  engine_filter_add(&filters, "label", f);
  free(f);
  struct lc_await a = {.err = &lc->err};
  int rc =
      volumes
          ? engine_volume_list(lc->engine, filters, lc_await_cb, &a, &lc->err)
          : engine_network_list(lc->engine, filters, lc_await_cb, &a, &lc->err);
  cJSON_Delete(filters);
  if (!rc)
    rc = lc_await(lc, &a);
  const cJSON *list =
      volumes ? cJSON_GetObjectItemCaseSensitive(a.json, "Volumes") : a.json;
  const cJSON *item;
  cJSON_ArrayForEach(item, list)
  {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "Name");
    if (rc || !cJSON_IsString(name))
      continue;
    const char *kind = volumes ? "Volume" : "Network";
    progress_event(&lc->progress, kind, name->valuestring, "Removing", 0);
    struct lc_await b = {.err = &lc->err};
    int r = volumes ? engine_volume_remove(lc->engine, name->valuestring, 0,
                                           lc_await_cb, &b, &lc->err)
                    : engine_network_remove(lc->engine, name->valuestring,
                                            lc_await_cb, &b, &lc->err);
    if (!r)
      r = lc_await(lc, &b);
    lc_await_release(&b);
    progress_event(&lc->progress, kind, name->valuestring,
                   r ? "Error" : "Removed", 1);
    if (r)
      rc = r;
  }
  lc_await_release(&a);
  return rc;
}

static int remove_images(struct lc *lc, int all)
{
  const struct project *p = lc->project;
  int rc = 0;
  struct strvec done = STRVEC_INIT;
  for (size_t i = 0; i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    if (!lc->selected[i] || (!all && s->image))
      continue;
    char *name = create_image_name_new(p, s);
    if (!strvec_has(&done, name)) {
      strvec_push(&done, name);
      struct lc_await a = {.err = NULL};
      struct err e = ERR_INIT;
      progress_event(&lc->progress, "Image", name, "Removing", 0);
      int r = engine_image_remove(lc->engine, name, 0, lc_await_cb, &a, &e);
      if (!r)
        r = lc_await(lc, &a);
      if (r == ERR_NOTFOUND)
        r = 0; /* never built or already gone */
      if (r && e.code)
        err_set(&lc->err, r, "%s", e.text);
      progress_event(&lc->progress, "Image", name, r ? "Error" : "Removed", 1);
      lc_await_release(&a);
      err_release(&e);
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
static int remove_oneoffs(struct lc *lc)
{
  const struct project *p = lc->project;
  int rc = 0;
  for (size_t i = 0; i < lc->nhave; i++) {
    const struct plan_container *c = &lc->have[i];
    if (!c->oneoff)
      continue;
    int take = !lc->named;
    for (size_t k = 0; !take && c->service && k < p->nservices; k++)
      take = lc->selected[k] && !strcmp(p->services[k].name, c->service);
    if (!take)
      continue;
    int r = lc_remove_container(lc, c, 0);
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
  struct lc lc;
  int rc = lc_load(&lc, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = lc_engine(&lc);
  if (!rc)
    rc = lc_observe(&lc);
  struct plan plan = PLAN_INIT;
  if (!rc) {
    /* scale 0 everywhere: every container is to go */
    size_t n = lc.project->nservices;
    struct plan_want *want = xcalloc(n ? n : 1, sizeof(*want));
    for (size_t i = 0; i < n; i++)
      want[i].selected = lc.selected[i];
    plan_make(lc.project, want, lc.have, lc.nhave,
              orphans ? PLAN_REMOVE_ORPHANS : 0, &plan);
    free(want);
    if (plan.norphans && !orphans)
      cli_warn("Found orphan containers for this project. If you removed "
               "or renamed a service in your compose file, run this "
               "command with the --remove-orphans flag to clean them up.");
    struct svc_options so = {
        .goal = SVC_GOAL_DOWN, .timeout = timeout, .parallel = g->parallel};
    rc = lc_run(&lc, &plan, &so);
    int r = lc_remove_containers(&lc, &plan, 0);
    if (!rc)
      rc = r;
    r = remove_oneoffs(&lc);
    if (!rc)
      rc = r;
  }
  /* networks and volumes go only with the whole project */
  if (!rc && !lc.named)
    rc = remove_labelled(&lc, 0);
  if (!rc && !lc.named && volumes)
    rc = remove_labelled(&lc, 1);
  if (!rc && rmi)
    rc = remove_images(&lc, !strcmp(rmi, "all"));
  plan_release(&plan);
  int code = lc_exit(&lc, rc);
  lc_close(&lc);
  return code;
}

const struct cli_command cmd_down_entry = {
    .name = "down",
    .summary = "Stop and remove containers, networks, volumes and images",
    .usage = "[OPTIONS] [SERVICE...]",
    .options = options,
    .run = cmd_down};
