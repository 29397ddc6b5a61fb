/* wcompose completion SHELL: the shell's completion script, generated from
 * the command table (cmdline/completion). */
#include "config.h"

#include "cli/cli.h"
#include "cmdline/completion.h"

static int cmd_completion(struct cli_global *g, const struct cli_args *a)
{
  struct err err = ERR_INIT;
  int rc = completion_write(stdout, a->pos.n == 1 ? a->pos.v[0] : NULL,
                            &cli_program, cli_commands, PACKAGE_VERSION, &err);
  int code = cli_exit_code(rc, &err);
  err_release(&err);
  return code;
}

const struct cli_command cmd_completion_entry = {
    .name = "completion",
    .summary = "Print a shell completion script",
    .usage = COMPLETION_SHELLS,
    .run = cmd_completion};
