/* wcompose: the global flags (declared in cli_program, cmdline/cmdtab.c), then
 * the command named after them, and its exit code. */
#include "config.h"

#include "cli/cli.h"
#include "cmdline/plugin.h"
#include "util/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Commands that change nothing: --dry-run runs them as they are. */
static int reads_only(const char *name)
{
  static const char *const names[] = {
      "config", "ps",    "ls",    "images",     "logs",    "top",  "port",
      "events", "stats", "graph", "completion", "version", "help", NULL};
  for (size_t i = 0; names[i]; i++)
    if (!strcmp(names[i], name))
      return 1;
  return 0;
}

int main(int argc, char **argv)
{
  struct cli_args a = CLI_ARGS_INIT;
  struct err err = ERR_INIT;
  struct cli_global g = {.parallel = -1};
  int rc = EXIT_USAGE, first;
  const char *docker_context;
  switch (plugin_call(argc, argv, &first, &docker_context, &err)) {
  case PLUGIN_NONE:
    break;
  case PLUGIN_METADATA:
    fputs(plugin_metadata_json(PACKAGE_VERSION), stdout);
    rc = EXIT_OK;
    goto out;
  case PLUGIN_RUN: /* argv[first] is "compose": the program name */
    argc -= first;
    argv += first;
    break;
  default:
    cli_print_err(&err);
    goto out;
  }
  if (cli_parse(&cli_program, argc, argv, &a, &err)) {
    cli_print_err(&err);
    fprintf(stderr, "Run 'wcompose --help' for usage.\n");
    goto out;
  }
  if (a.help) {
    cli_help(stdout, &cli_program);
    rc = EXIT_OK;
    goto out;
  }
  if (cli_flag(&a, CLI_G_VERSION)) {
    printf("wcompose version %s\n", PACKAGE_VERSION);
    rc = EXIT_OK;
    goto out;
  }
  const char *par = cli_value(&a, CLI_G_PARALLEL);
  if (par) {
    char *end;
    errno = 0;
    long n = strtol(par, &end, 10);
    if (!*par || *end || errno || n < -1 || n > 1000000) {
      fprintf(stderr,
              "wcompose: --parallel: '%s' is not a number (-1: no limit)\n",
              par);
      goto out;
    }
    g.parallel = (int)n;
  }
  if (!a.pos.n) {
    cli_help(stderr, &cli_program);
    goto out;
  }
  const struct cli_command *cmd = cli_command_find(a.pos.v[0]);
  if (!cmd) {
    const char *hint = cli_command_suggest(a.pos.v[0]);
    fprintf(stderr, "wcompose: unknown command '%s'", a.pos.v[0]);
    if (hint)
      fprintf(stderr, " (did you mean '%s'?)", hint);
    fprintf(stderr, "\nRun 'wcompose --help' for the list of commands.\n");
    goto out;
  }
  cli_values_copy(&a, CLI_G_FILE, &g.files);
  cli_values_copy(&a, CLI_G_ENV_FILE, &g.env_files);
  cli_values_copy(&a, CLI_G_PROFILE, &g.profiles);
  g.project_name = cli_value(&a, CLI_G_PROJECT_NAME);
  g.project_dir = cli_value(&a, CLI_G_PROJECT_DIR);
  g.progress = cli_value(&a, CLI_G_PROGRESS);
  g.ansi = cli_value(&a, CLI_G_ANSI);
  g.dry_run = cli_flag(&a, CLI_G_DRY_RUN) > 0;
  g.context = cli_value(&a, CLI_G_CONTEXT);
  if (!g.context)
    g.context = docker_context;
  if (g.dry_run && !reads_only(cmd->name)) {
    /* acting while the user asked for a rehearsal would be the worst
     * answer: say so, and do nothing */
    fprintf(stderr,
            "wcompose: --dry-run is not supported for '%s': nothing was "
            "done (it works with commands that only read: config, ps, ls, "
            "images, logs, top, port, events, stats, graph, version)\n",
            cmd->name);
    rc = EXIT_USAGE;
    goto out_g;
  }
  rc = cli_run(cmd, &g, (int)a.pos.n, a.pos.v);
out_g:
  strvec_clear(&g.files);
  strvec_clear(&g.env_files);
  strvec_clear(&g.profiles);
out:
  cli_args_release(&a);
  err_release(&err);
  fflush(stdout);
  return rc;
}
