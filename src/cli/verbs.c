/* The simple verbs (start, stop, restart, kill, pause, unpause, rm): the
 * observed containers of the selected services walked toward one goal. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cli_verb(struct cli_global *g, int argc, char **argv, enum svc_goal goal,
             const char *usage)
{
  static const struct option opts[] = {
      {"timeout", required_argument, NULL, 't'},
      {"signal", required_argument, NULL, 's'},
      {"force", no_argument, NULL, 'f'},
      {"stop", no_argument, NULL, 'S'},
      {"volumes", no_argument, NULL, 'v'},
      {"no-deps", no_argument, NULL, 'D'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int timeout = -1, force = 0, stop = 0, volumes = 0, c;
  const char *sig = NULL;
  int is_rm = goal == SVC_GOAL_DOWN;
  int takes_t = goal == SVC_GOAL_STOP || goal == SVC_GOAL_RESTART;
  opterr = 0;
  const char *shorts = is_rm                   ? "+fsvh"
                       : goal == SVC_GOAL_KILL ? "+s:h"
                       : takes_t               ? "+t:h"
                                               : "+h";
  while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
    if (c == 't' && takes_t) {
      timeout = cli_parse_seconds(optarg);
      if (timeout < 0) {
        fprintf(stderr,
                "wcompose %s: --timeout: '%s' is not a number of "
                "seconds\n",
                argv[0], optarg);
        return EXIT_USAGE;
      }
    } else if (c == 's' && goal == SVC_GOAL_KILL) {
      sig = optarg;
    } else if ((c == 's' || c == 'S') && is_rm) {
      stop = 1;
    } else if (c == 'f' && is_rm) {
      force = 1;
    } else if (c == 'v' && is_rm) {
      volumes = 1;
    } else if (c == 'D' && goal == SVC_GOAL_RESTART) {
      ;
    } else if (c == 'h') {
      fputs(usage, stdout);
      return EXIT_OK;
    } else {
      fprintf(stderr,
              "wcompose %s: unknown or incomplete flag '%s'\n"
              "Run 'wcompose %s --help' for usage.\n",
              argv[0], argv[optind - 1], argv[0]);
      return EXIT_USAGE;
    }
  }
  (void)force; /* no prompt: wcompose removes stopped containers as asked */
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, argv + optind, argc - optind, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = session_observe(&cs.s);
  struct plan plan = PLAN_INIT;
  if (!rc) {
    session_plan_existing(&cs.s, &plan);
    if (is_rm && !stop) {
      /* rm leaves running containers alone unless -s */
      size_t k = 0;
      for (size_t i = 0; i < plan.n; i++)
        if (plan.v[i].op != PLAN_KEEP)
          plan.v[k++] = plan.v[i];
      plan.n = k;
    }
    if (is_rm && !plan.n)
      fprintf(stderr, "No stopped containers\n");
    struct svc_options so = {.goal = goal,
                             .timeout = timeout,
                             .signal = sig,
                             .remove_volumes = volumes};
    rc = session_walk(&cs.s, &plan, &so);
  }
  plan_release(&plan);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}
