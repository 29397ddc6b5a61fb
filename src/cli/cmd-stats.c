/* wcompose stats: the resource use of the services' containers
 * (orchestrate/stats), redrawn each round, as views/stats renders it. */
#include "cli/cli.h"
#include "orchestrate/stats.h"
#include "views/stats.h"

#include <string.h>
#include <unistd.h>

enum { O_NO_STREAM = 1, O_FORMAT, O_ALL, O_NO_TRUNC };

static const struct cli_option options[] = {
    {O_NO_STREAM, 0, "no-stream", NULL, "Print one round and exit"},
    {O_FORMAT, 0, "format", "FORMAT", "table or json", 0, "table|json"},
    {O_ALL, 'a', "all", NULL, "Accepted (running ones only)", CLI_OPT_HIDDEN},
    {O_NO_TRUNC, 0, "no-trunc", NULL, "Accepted", CLI_OPT_HIDDEN},
    {0}};

static int on_round(void *data, const struct engine_stats *const *v, size_t n)
{
  const int *mode = data; /* json, home */
  struct buf out = BUF_INIT;
  views_stats_render(&out, v, n, mode[0], mode[1]);
  fwrite(out.data, 1, out.len, stdout);
  buf_release(&out);
  return fflush(stdout) != 0;
}

static int cmd_stats(struct cli_global *g, const struct cli_args *args)
{
  const char *f = cli_value(args, O_FORMAT);
  int stream = cli_flag(args, O_NO_STREAM) <= 0;
  int mode[2] = {f && !strcmp(f, "json"), stream && isatty(STDOUT_FILENO)};
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  progress_end(&cs.progress);
  if (!rc)
    rc = stats_session_run(&cs.s, stream, on_round, mode);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_stats_entry = {
    .name = "stats",
    .summary = "Display a live stream of container resource usage",
    .usage = "[OPTIONS] [SERVICE...]",
    .options = options,
    .run = cmd_stats};
