/* wcompose graph: the services and what ties them, as DOT or SVG. */
#include "cli/cli.h"
#include "views/graph.h"

#include <stdio.h>

static const struct cli_option options[] = {
    {1, 0, "format", "FORMAT", "dot (default) or svg", 0, VIEWS_GRAPH_FORMATS},
    {0}};

static int cmd_graph(struct cli_global *g, const struct cli_args *a)
{
  struct cli_session cs;
  struct buf out = BUF_INIT;
  int rc = cli_session_load(&cs, g, NULL, 0, 0);
  if (!rc)
    rc = views_graph(cs.s.project, cli_value(a, 1), &out, &cs.s.err);
  return cli_session_finish(&cs, &out, rc);
}

const struct cli_command cmd_graph_entry = {
    .name = "graph",
    .summary = "Draw the services and what ties them (DOT or SVG)",
    .usage = "[OPTIONS]",
    .options = options,
    .run = cmd_graph};
