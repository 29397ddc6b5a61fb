/* wcompose ls: the compose projects the engine knows, found by the
 * com.docker.compose.project label of their containers, with a status
 * summary ("running(2), exited(1)") and their config files. */
#include "cli/cli.h"
#include "util/buf.h"
#include "views/views.h"

#include <stdio.h>
#include <string.h>

enum { O_ALL = 1, O_QUIET, O_FORMAT, O_FILTER };

static const struct cli_option options[] = {
    {O_ALL, 'a', "all", NULL, "Show all projects (default: running ones)"},
    {O_QUIET, 'q', "quiet", NULL, "Only display project names"},
    {O_FORMAT, 0, "format", "FORMAT", "table (default) or json", 0,
     "table|json"},
    {O_FILTER, 0, "filter", "name=X", "Only projects whose name contains X"},
    {0}};

static int cmd_ls(struct cli_global *g, const struct cli_args *args)
{
  const char *format = cli_value(args, O_FORMAT);
  const char *filter = cli_value(args, O_FILTER);
  struct views_ls_options o = {.format = VIEWS_LS_TABLE,
                               .all = cli_flag(args, O_ALL) > 0};
  if (cli_flag(args, O_QUIET) > 0)
    o.format = VIEWS_LS_QUIET;
  else if (format && !strcmp(format, "json"))
    o.format = VIEWS_LS_JSON;
  if (filter && strncmp(filter, "name=", 5)) {
    fprintf(stderr,
            "wcompose ls: --filter: '%s' is not supported (want "
            "name=NAME)\n",
            filter);
    return EXIT_USAGE;
  }
  if (filter)
    o.filter = filter + 5;
  if (args->pos.n) {
    fprintf(stderr, "wcompose ls: unexpected argument '%s'\n", args->pos.v[0]);
    return EXIT_USAGE;
  }
  /* no compose file: only the engine is opened */
  struct cli_session cs;
  struct buf out = BUF_INIT;
  memset(&cs, 0, sizeof(cs));
  cs.g = g;
  int rc = cli_session_open(&cs);
  if (!rc)
    rc = views_ls(&cs.s, &o, &out);
  return cli_session_finish(&cs, &out, rc);
}

const struct cli_command cmd_ls_entry = {.name = "ls",
                                         .summary =
                                             "List running compose projects",
                                         .usage = "[OPTIONS]",
                                         .options = options,
                                         .run = cmd_ls};
