/* wcompose images: the images the project's containers run, one row per
 * container (CONTAINER REPOSITORY TAG IMAGE ID SIZE). */
#include "cli/cli.h"
#include "util/buf.h"
#include "views/views.h"

#include <stdio.h>
#include <string.h>

enum { O_QUIET = 1, O_FORMAT };

static const struct cli_option options[] = {
    {O_QUIET, 'q', "quiet", NULL, "Only display image IDs"},
    {O_FORMAT, 0, "format", "FORMAT", "table (default) or json", 0,
     "table|json"},
    {0}};

static int cmd_images(struct cli_global *g, const struct cli_args *args)
{
  const char *format = cli_value(args, O_FORMAT);
  enum views_images_format f = VIEWS_IMAGES_TABLE;
  if (cli_flag(args, O_QUIET) > 0)
    f = VIEWS_IMAGES_QUIET;
  else if (format && !strcmp(format, "json"))
    f = VIEWS_IMAGES_JSON;
  struct cli_session cs;
  struct buf out = BUF_INIT;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = views_images(&cs.s, f, &out);
  return cli_session_finish(&cs, &out, rc);
}

const struct cli_command cmd_images_entry = {
    .name = "images",
    .summary = "List images used by the project's containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "List images used by the created containers.\n",
    .options = options,
    .run = cmd_images};
