/* The table of commands, the program's own options, `wcompose help` and the
 * dispatch to a command's handler; the parser and the help text they use
 * are cmdline/cmdtab's. */
#include "config.h"

#include "cli/cli.h"
#include "util/err.h"
#include "util/similar.h"

#include <string.h>

static const struct cli_option global_options[] = {
    {CLI_G_FILE, 'f', "file", "FILE",
     "Compose configuration file; - reads stdin", CLI_OPT_REPEAT},
    {CLI_G_PROJECT_NAME, 'p', "project-name", "NAME", "Project name"},
    {CLI_G_PROJECT_DIR, 0, "project-directory", "DIR",
     "Alternate working directory"},
    {CLI_G_ENV_FILE, 0, "env-file", "FILE", "Alternate environment file",
     CLI_OPT_REPEAT},
    {CLI_G_PROFILE, 0, "profile", "NAME", "Enable a profile", CLI_OPT_REPEAT},
    {CLI_G_PROGRESS, 0, "progress", "TYPE", "auto, tty, plain, json or quiet",
     0, "auto|tty|plain|json|quiet"},
    {CLI_G_ANSI, 0, "ansi", "WHEN", "never, always or auto", 0,
     "never|always|auto"},
    {CLI_G_PARALLEL, 0, "parallel", "N",
     "Limit parallel engine calls (-1: no limit)"},
    {CLI_G_DRY_RUN, 0, "dry-run", NULL, "Show what would be done"},
    {CLI_G_CONTEXT, 'c', "context", "NAME",
     "Docker context to use (default: DOCKER_HOST, DOCKER_CONTEXT, then "
     "the docker CLI's current context)"},
    {CLI_G_VERSION, 'v', "version", NULL, "Show the version and exit"},
    {0}};

const struct cli_command cli_program = {
    "wcompose",
    "Define and run multi-container applications",
    "[OPTIONS] COMMAND [ARGS...]",
    "Define and run multi-container applications on a Docker engine.\n",
    global_options,
    NULL,
    0};

static int run_help(struct cli_global *g, const struct cli_args *a)
{
  (void)g;
  if (a->pos.n > 1) {
    fprintf(stderr, "wcompose help: unexpected argument '%s'\n", a->pos.v[1]);
    return EXIT_USAGE;
  }
  if (!a->pos.n) {
    cli_help(stdout, &cli_program);
    return EXIT_OK;
  }
  const struct cli_command *cmd = cli_command_find(a->pos.v[0]);
  if (!cmd) {
    const char *hint = cli_command_suggest(a->pos.v[0]);
    fprintf(stderr, "wcompose help: unknown command '%s'", a->pos.v[0]);
    if (hint)
      fprintf(stderr, " (did you mean '%s'?)", hint);
    fputc('\n', stderr);
    return EXIT_USAGE;
  }
  cli_help(stdout, cmd);
  return EXIT_OK;
}

static const struct cli_command help_entry = {
    "help",
    "Show the help of wcompose or of a command",
    "[COMMAND]",
    NULL,
    NULL,
    run_help,
    0};

/* clang-format off */
const struct cli_command *const cli_commands[] = {
    &cmd_attach_entry, &cmd_build_entry, &cmd_completion_entry,
    &cmd_config_entry, &cmd_cp_entry, &cmd_create_entry, &cmd_down_entry,
    &cmd_events_entry, &cmd_exec_entry, &cmd_graph_entry, &help_entry,
    &cmd_images_entry, &cmd_kill_entry, &cmd_logs_entry, &cmd_ls_entry,
    &cmd_pause_entry, &cmd_port_entry, &cmd_ps_entry, &cmd_pull_entry,
    &cmd_push_entry, &cmd_restart_entry, &cmd_rm_entry, &cmd_run_entry,
    &cmd_scale_entry, &cmd_stack_entry, &cmd_start_entry, &cmd_stats_entry,
    &cmd_stop_entry, &cmd_top_entry, &cmd_unpause_entry, &cmd_up_entry,
    &cmd_version_entry, &cmd_wait_entry, &cmd_watch_entry, NULL};
/* clang-format on */

const struct cli_command *cli_command_find(const char *name)
{
  for (size_t i = 0; cli_commands[i]; i++)
    if (!strcmp(cli_commands[i]->name, name))
      return cli_commands[i];
  return NULL;
}

const char *cli_command_suggest(const char *name)
{
  const char *prefixed = NULL, *near = NULL;
  size_t nprefixed = 0, best = (size_t)-1, len = strlen(name);
  for (size_t i = 0; cli_commands[i]; i++) {
    const char *c = cli_commands[i]->name;
    if (len && !strncmp(c, name, len)) {
      prefixed = c;
      nprefixed++;
    }
    size_t d = similar_distance(name, c);
    if (d < best && similar_near(name, c)) {
      near = c;
      best = d;
    }
  }
  return nprefixed == 1 ? prefixed : near;
}

int cli_run(const struct cli_command *cmd, struct cli_global *g, int argc,
            char **argv)
{
  struct cli_args a = CLI_ARGS_INIT;
  struct err err = ERR_INIT;
  int code;
  if (cli_parse(cmd, argc, argv, &a, &err)) {
    cli_print_err(&err);
    fprintf(stderr, "Run 'wcompose %s --help' for usage.\n", cmd->name);
    code = EXIT_USAGE;
  } else if (a.help) {
    cli_help(stdout, cmd);
    code = EXIT_OK;
  } else {
    code = cmd->run(g, &a);
  }
  cli_args_release(&a);
  err_release(&err);
  return code;
}
