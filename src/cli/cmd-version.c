/* wcompose version: this program's version, then the engine's (as
 * `docker compose version` and `docker version` print them) with the API
 * version negotiated for this client. */
#include "config.h"

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"
#include "views/views.h"

#include <stdio.h>
#include <string.h>

enum { O_SHORT = 1, O_FORMAT };

static const struct cli_option options[] = {
    {O_SHORT, 0, "short", NULL,
     "Print wcompose's version only, without asking the engine"},
    {O_FORMAT, 0, "format", "FORMAT", "json (default: text)", 0, "json"},
    {0}};

static int cmd_version(struct cli_global *g, const struct cli_args *args)
{
  int json = cli_value(args, O_FORMAT) != NULL,
      shrt = cli_flag(args, O_SHORT) > 0;
  if (args->pos.n) {
    fprintf(stderr, "wcompose version: unexpected argument '%s'\n",
            args->pos.v[0]);
    return EXIT_USAGE;
  }
  if (shrt) {
    printf("%s\n", PACKAGE_VERSION);
    return EXIT_OK;
  }
  if (!json) {
    printf("wcompose version %s\n", PACKAGE_VERSION);
    fflush(stdout);
  }
  /* no compose file, no progress display: only the engine */
  struct session s;
  struct views_version v = {NULL, "", NULL};
  struct buf out = BUF_INIT;
  memset(&s, 0, sizeof(s));
  s.context = g->context;
  int rc = session_open(&s);
  if (!rc)
    rc = views_version(&s, &v);
  if (json)
    views_version_json(PACKAGE_VERSION, rc ? NULL : &v, &out);
  else if (!rc)
    views_version_render(&v, &out);
  if (out.len)
    fwrite(out.data, 1, out.len, stdout);
  buf_release(&out);
  views_version_release(&v);
  if (rc)
    cli_print_err(&s.err);
  session_close(&s);
  if (rc)
    return rc == ERR_CONNECT || rc == ERR_USAGE ? EXIT_NOENGINE : EXIT_FAIL;
  return EXIT_OK;
}

const struct cli_command cmd_version_entry = {
    .name = "version",
    .summary = "Show the wcompose and engine versions",
    .usage = "[OPTIONS]",
    .description = "Show the wcompose version and the engine's version with "
                   "the API version in use.\n",
    .options = options,
    .run = cmd_version};
