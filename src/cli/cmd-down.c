/* wcompose down: stop and remove the project's containers (dependents
 * first), then its networks, and with -v its volumes, with --rmi its
 * images. */
#include "cli/cli.h"
#include "orchestrate/create.h"
#include "orchestrate/images.h"
#include "orchestrate/resources.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
  fprintf(f, "Usage: wcompose down [OPTIONS] [SERVICE...]\n\n"
             "Stop and remove containers, networks, volumes and images.\n\n"
             "Options:\n"
             "  -v, --volumes          Remove named volumes declared in the "
             "file and anonymous volumes\n"
             "      --rmi TYPE         Remove images: 'local' (built ones "
             "without an image: name) or 'all'\n"
             "      --remove-orphans   Remove containers of services not in "
             "the file\n"
             "  -t, --timeout SECONDS  Grace period before SIGKILL\n");
}

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

int cmd_down(struct cli_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
      {"volumes", no_argument, NULL, 'v'},
      {"rmi", required_argument, NULL, 'R'},
      {"remove-orphans", no_argument, NULL, 'O'},
      {"timeout", required_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int volumes = 0, orphans = 0, timeout = -1, c;
  const char *rmi = NULL;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+vt:h", opts, NULL)) != -1) {
    switch (c) {
    case 'v':
      volumes = 1;
      break;
    case 'R':
      rmi = optarg;
      if (strcmp(rmi, "local") && strcmp(rmi, "all")) {
        fprintf(stderr,
                "wcompose down: --rmi: '%s' is not 'local' or "
                "'all'\n",
                rmi);
        return EXIT_USAGE;
      }
      break;
    case 'O':
      orphans = 1;
      break;
    case 't':
      timeout = cli_parse_seconds(optarg);
      if (timeout < 0) {
        fprintf(stderr,
                "wcompose down: --timeout: '%s' is not a number of "
                "seconds\n",
                optarg);
        return EXIT_USAGE;
      }
      break;
    case 'h':
      usage(stdout);
      return EXIT_OK;
    default:
      fprintf(stderr,
              "wcompose down: unknown or incomplete flag '%s'\n"
              "Run 'wcompose down --help' for usage.\n",
              argv[optind - 1]);
      return EXIT_USAGE;
    }
  }
  struct cli_session cs;
  struct session *S = &cs.s;
  int rc = cli_session_load(&cs, g, argv + optind, argc - optind, 0);
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
