/* The simple verbs (start, stop, restart, kill, pause, unpause, rm): the
 * observed containers of the selected services walked toward one goal. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

int cli_verb(struct cli_global *g, const struct cli_args *args,
             enum svc_goal goal)
{
  int timeout = cli_int(args, VERB_OPT_TIMEOUT, -1);
  const char *sig = cli_value(args, VERB_OPT_SIGNAL);
  int stop = cli_flag(args, VERB_OPT_STOP) > 0;
  int volumes = cli_flag(args, VERB_OPT_VOLUMES) > 0;
  int is_rm = goal == SVC_GOAL_DOWN;
  /* rm -f: no prompt, wcompose removes stopped containers as asked */
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open_guarded(&cs);
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
