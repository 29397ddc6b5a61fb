/* wcompose pull and push: the images of the selected services that name one
 * (image:), one after the other, with the engine's progress messages; a
 * failure carries the engine's own message. */
#include "cli/cli.h"
#include "orchestrate/images.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_QUIET = 1, O_IGNORE_PULL, O_IGNORE_PUSH };

static const struct cli_option pull_options[] = {
    {O_QUIET, 'q', "quiet", NULL, "No progress output"},
    {O_IGNORE_PULL, 0, "ignore-pull-failures", NULL, "Go on after a failure"},
    {O_IGNORE_PUSH, 0, "ignore-push-failures", NULL,
     "As --ignore-pull-failures", CLI_OPT_HIDDEN},
    {0}};

static const struct cli_option push_options[] = {
    {O_QUIET, 'q', "quiet", NULL, "No progress output"},
    {O_IGNORE_PUSH, 0, "ignore-push-failures", NULL, "Go on after a failure"},
    {O_IGNORE_PULL, 0, "ignore-pull-failures", NULL,
     "As --ignore-push-failures", CLI_OPT_HIDDEN},
    {0}};

static int xfer_cmd(struct cli_global *g, const struct cli_args *args, int push)
{
  int quiet = cli_flag(args, O_QUIET) > 0;
  int ignore = cli_flag(args, O_IGNORE_PULL) || cli_flag(args, O_IGNORE_PUSH);
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open_guarded(&cs);
  const struct project *p = cs.s.project;
  for (size_t i = 0; !rc && i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    if (!cs.s.selected[i] || !s->image)
      continue;
    rc = images_xfer(&cs.s, s->image, push, quiet);
    if (rc && ignore) {
      progress_end(&cs.progress);
      cli_print_err(&cs.s.err);
      err_release(&cs.s.err);
      rc = 0;
    }
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

static int cmd_pull(struct cli_global *g, const struct cli_args *args)
{
  return xfer_cmd(g, args, 0);
}

static int cmd_push(struct cli_global *g, const struct cli_args *args)
{
  return xfer_cmd(g, args, 1);
}

/* Options may follow the services here, as they always could. */
const struct cli_command cmd_pull_entry = {.name = "pull",
                                           .summary = "Pull service images",
                                           .usage = "[OPTIONS] [SERVICE...]",
                                           .options = pull_options,
                                           .run = cmd_pull,
                                           .flags = CLI_CMD_PERMUTE};

const struct cli_command cmd_push_entry = {.name = "push",
                                           .summary = "Push service images",
                                           .usage = "[OPTIONS] [SERVICE...]",
                                           .options = push_options,
                                           .run = cmd_push,
                                           .flags = CLI_CMD_PERMUTE};
