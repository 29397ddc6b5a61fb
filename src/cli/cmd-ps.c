/* wcompose ps: list the project's containers as a table (NAME IMAGE COMMAND
 * SERVICE CREATED STATUS PORTS), as JSON lines, as IDs or service names. */
#include "cli/cli.h"
#include "util/buf.h"
#include "views/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  O_ALL = 1,
  O_QUIET,
  O_SERVICES,
  O_STATUS,
  O_FILTER,
  O_FORMAT,
  O_NO_TRUNC,
  O_ORPHANS
};

static const struct cli_option options[] = {
    {O_ALL, 'a', "all", NULL, "Show all containers (default: running only)"},
    {O_QUIET, 'q', "quiet", NULL, "Only display IDs"},
    {O_SERVICES, 0, "services", NULL, "Display services"},
    {O_STATUS, 0, "status", "STATUS",
     "Filter by status (paused, restarting, removing, running, dead, "
     "created, exited)",
     CLI_OPT_REPEAT, "paused|restarting|removing|running|dead|created|exited"},
    {O_FILTER, 0, "filter", "status=STATUS", "Filter by status, as --status",
     CLI_OPT_REPEAT},
    {O_FORMAT, 0, "format", "FORMAT", "table (default) or json", 0,
     "table|json"},
    {O_NO_TRUNC, 0, "no-trunc", NULL, "Don't truncate output"},
    {O_ORPHANS, 0, "orphans", NULL,
     "Accepted for compatibility: orphans are listed when no service is "
     "named",
     CLI_OPT_HIDDEN},
    {0}};

/* The bit of a status (views_status_bit), or 0 with a message. */
static unsigned status_bit(const char *v)
{
  unsigned bit = views_status_bit(v);
  if (!bit)
    fprintf(stderr,
            "wcompose ps: --filter: '%s' is not a status (want "
            "paused, restarting, removing, running, dead, created or "
            "exited)\n",
            v);
  return bit;
}

static int cmd_ps(struct cli_global *g, const struct cli_args *args)
{
  const char *format = cli_value(args, O_FORMAT);
  int all = cli_flag(args, O_ALL) > 0, quiet = cli_flag(args, O_QUIET) > 0;
  int services = cli_flag(args, O_SERVICES) > 0;
  int json = format && !strcmp(format, "json");
  int no_trunc = cli_flag(args, O_NO_TRUNC) > 0;
  unsigned want = 0; /* bit per statuses[] entry; 0: by -a */
  const struct strvec *st = cli_values(args, O_STATUS);
  for (size_t i = 0; i < st->n; i++)
    want |= status_bit(st->v[i]);
  const struct strvec *filters = cli_values(args, O_FILTER);
  for (size_t i = 0; i < filters->n; i++) {
    const char *v = filters->v[i];
    unsigned bit = 0;
    if (strncmp(v, "status=", 7))
      fprintf(stderr,
              "wcompose ps: --filter: '%s' is not supported "
              "(want status=STATUS)\n",
              v);
    else
      bit = status_bit(v + 7);
    if (!bit)
      return EXIT_USAGE;
    want |= bit;
  }
  struct views_ps_options o = {.format = VIEWS_PS_TABLE,
                               .all = all,
                               .status = want,
                               .no_trunc = no_trunc};
  if (services)
    o.format = VIEWS_PS_SERVICES;
  else if (quiet)
    o.format = VIEWS_PS_QUIET;
  else if (json)
    o.format = VIEWS_PS_JSON;
  struct cli_session cs;
  struct buf out = BUF_INIT;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = views_ps(&cs.s, &o, &out);
  return cli_session_finish(&cs, &out, rc);
}

const struct cli_command cmd_ps_entry = {.name = "ps",
                                         .summary = "List containers",
                                         .usage = "[OPTIONS] [SERVICE...]",
                                         .options = options,
                                         .run = cmd_ps};
